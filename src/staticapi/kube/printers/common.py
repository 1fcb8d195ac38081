"""Small helpers shared by the printers: Go's nil-safe accessors, quantities, label
selectors, container cells, list truncation (each cites the printers.go function it copies)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..duration import translate_timestamp_since

# --------------------------------------------------------------------------------------------
# small helpers shared by the printers


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)


def _d(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _l(v: Any) -> list:
    return v if isinstance(v, list) else []


def _s(v: Any) -> str:
    if v is None:
        return ""
    return v if isinstance(v, str) else str(v)


def _i(v: Any, default: int = 0) -> int:
    if v is None or isinstance(v, bool):
        return default
    if isinstance(v, int):
        return v
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def _age(obj: dict, now: datetime) -> str:
    return translate_timestamp_since(_d(obj.get("metadata")).get("creationTimestamp"), now)


def _name(obj: dict) -> str:
    return _s(_d(obj.get("metadata")).get("name"))


def _meta(obj: dict) -> dict:
    return _d(obj.get("metadata"))


def _bool_str(value: Any) -> str:
    """printers.go printBoolPtr: True/False, ``<unset>`` for nil."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


# Go strings.TrimSpace uses unicode.IsSpace; Python's str.strip() also strips \x1c-\x1f.
_GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
             "\u2028\u2029\u202f\u205f\u3000")


def _trim_space(s: str) -> str:
    return s.strip(_GO_SPACE)


def _quantity(v: Any, nil: str = "0") -> str:
    """resource.Quantity.String().

    Objects in a must-gather were serialized by the API server, which writes quantities in
    canonical form, so re-canonicalising is the identity: the string is passed through.
    A missing value-typed Quantity prints "0"; a nil *Quantity prints "<nil>".
    """
    if v is None:
        return nil
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return str(v) if not isinstance(v, float) or not v.is_integer() else str(int(v))
    return str(v)


def _int_or_string(v: Any) -> str:
    """intstr.IntOrString.String()."""
    if v is None:
        return "0"
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


def _format_labels(labels: Any) -> str:
    """apimachinery labels.FormatLabels: sorted ``k=v`` joined by ``,``, ``<none>`` when empty."""
    labels = _d(labels)
    if not labels:
        return "<none>"
    return ",".join(f"{k}={_s(labels[k])}" for k in sorted(labels))


def _requirement_string(key: str, op: str, values: list[str]) -> str:
    """labels.Requirement.String()."""
    if op == "DoesNotExist":
        return "!" + key
    if op == "Exists":
        return key
    sym = {"Equals": "=", "In": " in ", "NotIn": " notin ", "DoubleEquals": "==", "NotEquals": "!=",
           "GreaterThan": ">", "LessThan": "<"}.get(op, "")
    vals = values[0] if len(values) == 1 else ",".join(sorted(values))
    if op in ("In", "NotIn"):
        return f"{key}{sym}({vals})"
    return f"{key}{sym}{vals}"


def _selector_string(sel: Any) -> tuple[str, bool]:
    """metav1.LabelSelectorAsSelector(sel).String() -> (string, ok).

    nil selector -> labels.Nothing() ("") ; empty -> labels.Everything() (""); requirements
    are sorted by key (internalSelector.Add) and printed with Requirement.String().
    ok is False when the selector is invalid (Go returns an error).
    """
    if not isinstance(sel, dict):
        return "", True
    reqs: list[tuple[str, str]] = []
    for k, v in _d(sel.get("matchLabels")).items():
        reqs.append((k, _requirement_string(k, "Equals", [_s(v)])))
    for expr in _l(sel.get("matchExpressions")):
        expr = _d(expr)
        key = _s(expr.get("key"))
        op = _s(expr.get("operator"))
        values = [_s(x) for x in _l(expr.get("values"))]
        if op in ("In", "NotIn"):
            if not values:
                return "", False
        elif op in ("Exists", "DoesNotExist"):
            if values:
                return "", False
        else:
            return "", False
        reqs.append((key, _requirement_string(key, op, values)))
    reqs.sort(key=lambda r: r[0])
    return ",".join(r[1] for r in reqs), True


def _format_label_selector(sel: Any) -> str:
    """metav1.FormatLabelSelector: ``<none>`` when empty, ``<error>`` when invalid."""
    s, ok = _selector_string(sel)
    if not ok:
        return "<error>"
    return s if s else "<none>"


def _go_label_selector_proto_string(sel: dict) -> str:
    """metav1.LabelSelector.String() (gogo-protobuf generated), used for ParamRef selectors."""
    ml = _d(sel.get("matchLabels"))
    labels = "map[string]string{" + "".join(f"{k}: {_s(ml[k])}," for k in sorted(ml)) + "}"
    exprs = "[]LabelSelectorRequirement{"
    for e in _l(sel.get("matchExpressions")):
        e = _d(e)
        vals = "[" + " ".join(_s(v) for v in _l(e.get("values"))) + "]"
        exprs += f"LabelSelectorRequirement{{Key:{_s(e.get('key'))},Operator:{_s(e.get('operator'))},Values:{vals},}},"
    exprs += "}"
    return f"&LabelSelector{{MatchLabels:{labels},MatchExpressions:{exprs},}}"


def _layout_containers(containers: Any) -> tuple[str, str]:
    """printers.go layoutContainerCells."""
    cs = [_d(c) for c in _l(containers)]
    return ",".join(_s(c.get("name")) for c in cs), ",".join(_s(c.get("image")) for c in cs)


def _pod_template_containers(template: Any) -> Any:
    return _d(_d(_d(template).get("spec"))).get("containers")


def _list_with_more(items: list[str], more: bool, count: int, max_: int) -> str:
    """printers.go listWithMoreString."""
    ret = ",".join(items)
    if more:
        return f"{ret} + {count - max_} more..."
    if ret == "":
        ret = "<unset>"
    return ret


def _join_host_port(host: str, port: int) -> str:
    """net.JoinHostPort."""
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def _condition_true(conditions: Any, ctype: str) -> bool:
    for c in _l(conditions):
        c = _d(c)
        if c.get("type") == ctype:
            return c.get("status") == "True"
    return False


def _format_resource_name_group_kind(group: str, kind: str, name: str) -> str:
    """printers.go formatResourceName with withKind=true: lower(GroupKind.String()) + "/" + name."""
    if not group and not kind:
        return name
    gk = f"{kind}.{group}" if group else kind
    return gk.lower() + "/" + name


def _replicas(spec: dict, default: int = 1) -> int:
    # SetDefaults_* set replicas to 1 when nil; server-written objects always carry it.
    v = spec.get("replicas")
    return default if v is None else _i(v)
