"""Server-side Table columns and cells for custom resources, plus the bundled CRD knowledge.

Why this module exists: for a custom resource, kube-apiserver's apiextensions-apiserver (not
kubectl) decides what ``kubectl get`` prints.  It turns the CRD version's
``additionalPrinterColumns`` into Table ``columnDefinitions`` and evaluates each column's
JSONPath on every object to build the row cells.  ``oc get clusteroperators`` showing
``VERSION AVAILABLE PROGRESSING DEGRADED SINCE`` is that code path.  A must-gather does not
always contain the CRDs, so the CRDs of a stock OpenShift payload (plus prometheus-operator and
OLM) are packaged in ``data/crds/``; CRD objects found in an archive can be turned into the same
record shape with :func:`crd_record_from_object`.

Upstream behaviour followed (read, not copied), kubernetes/kubernetes
``staging/src/k8s.io/apiextensions-apiserver``:

* ``pkg/registry/customresource/tableconvertor/tableconvertor.go``: ``New`` (Name column with
  format ``name`` and the ObjectMeta ``name`` description; each column parsed as
  ``"{" + jsonPath + "}"`` with missing keys allowed; default description
  ``Custom resource definition column (in JSONPath format): <path>``; the first column whose
  path does not parse ends the list, the columns before it are still served), ``ConvertToTable``
  (first value of the first result; ``string`` columns are printed with
  ``JSONPath.PrintResults``, other types go through ``cellForJSONValue``; any evaluation error
  or no result gives a nil cell);
* ``cellForJSONValue``: integer (int64, or float64 truncated), number (float64), boolean,
  date (``metav1.Time.UnmarshalQueryParameter`` then
  ``apimachinery/pkg/api/meta/table.ConvertToHumanReadableDateType``, i.e. the server sends an
  *age* computed with ``duration.HumanDuration``, ``<unknown>`` for an empty/zero time and
  ``<invalid>`` for an unparseable one);
* ``pkg/apiserver/helpers.go`` ``serveDefaultColumnsIfEmpty``: a version without columns gets a
  single ``Age`` column (type date, ``.metadata.creationTimestamp``);
* ``pkg/apis/apiextensions/v1beta1`` conversion/defaults for ``crd_record_from_object``
  (top-level ``additionalPrinterColumns`` with ``JSONPath`` keys, ``spec.version``,
  ``singular`` defaulting to the lower-cased kind).

Ages are measured from an explicit ``now`` (the must-gather collection time), not the wall
clock.
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
import math
import re
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any

from .jsonpath import CompiledPath, JSONPathError, compile_template, format_value
from .jsonpath.nodes import _Byte

__all__ = [
    "NAME_COLUMN_DESCRIPTION",
    "CREATION_TIMESTAMP_DESCRIPTION",
    "default_printer_columns",
    "crd_columns",
    "crd_row_cells",
    "cell_for_json_value",
    "bundled_crds",
    "bundled_crd_schema",
    "crd_record_from_object",
    "crd_schemas_from_object",
]

# metav1.ObjectMeta{}.SwaggerDoc()["name"] / ["creationTimestamp"] (same text as the
# ObjectMeta descriptions in the v1.33 OpenAPI documents)
NAME_COLUMN_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name automatically. "
    "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
    "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
CREATION_TIMESTAMP_DESCRIPTION = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients "
    "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
    "system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_GO_ZERO_TIME = datetime(1, 1, 1, tzinfo=timezone.utc)


def default_printer_columns() -> list[dict]:
    """helpers.go serveDefaultColumnsIfEmpty: the column list of a version that has none."""
    return [{
        "name": "Age",
        "type": "date",
        "description": CREATION_TIMESTAMP_DESCRIPTION,
        "jsonPath": ".metadata.creationTimestamp",
    }]


def _column_path(col: dict) -> str:
    path = col.get("jsonPath")
    if path is None:
        path = col.get("JSONPath")  # apiextensions.k8s.io/v1beta1 spelling
    return path if isinstance(path, str) else ""


def _compiled_columns(printer_columns: list[dict] | None) -> list[tuple[dict, CompiledPath]]:
    """tableconvertor.New: parse every column; stop at the first one that does not parse."""
    cols = printer_columns if printer_columns else default_printer_columns()
    out: list[tuple[dict, CompiledPath]] = []
    for col in cols:
        try:
            compiled = compile_template("{" + _column_path(col) + "}")
        except JSONPathError:
            break
        out.append((col, compiled))
    return out


def crd_columns(printer_columns: list[dict] | None) -> list[dict]:
    """Table ``columnDefinitions`` for a CRD version's ``additionalPrinterColumns``.

    ``None``/``[]`` give Name + Age.  Every definition carries all five
    ``TableColumnDefinition`` fields (none of them is omitempty).
    """
    defs = [{
        "name": "Name",
        "type": "string",
        "format": "name",
        "description": NAME_COLUMN_DESCRIPTION,
        "priority": 0,
    }]
    for col, _compiled in _compiled_columns(printer_columns):
        path = _column_path(col)
        description = col.get("description") or ""
        if not description:
            description = f"Custom resource definition column (in JSONPath format): {path}"
        try:
            priority = int(col.get("priority") or 0)
        except (TypeError, ValueError):
            priority = 0
        defs.append({
            "name": str(col.get("name") or ""),
            "type": str(col.get("type") or ""),
            "format": str(col.get("format") or ""),
            "description": description,
            "priority": priority,
        })
    return defs


def crd_row_cells(printer_columns: list[dict] | None, obj: dict, now: datetime) -> list:
    """The ``cells`` of one Table row: the object's name, then one cell per column.

    Cells are JSON-ready values: ``str``, ``int``, ``float``, ``bool`` or ``None`` (nil, printed
    by kubectl as ``<none>``).  ``date`` columns become ages relative to ``now``.
    """
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    name = meta.get("name") if isinstance(meta, dict) else None
    cells: list = [name if isinstance(name, str) else ""]
    for col, compiled in _compiled_columns(printer_columns):
        cells.append(_cell(str(col.get("type") or ""), compiled, obj, now))
    return cells


def _cell(col_type: str, compiled: CompiledPath, obj: Any, now: datetime) -> Any:
    try:
        results = compiled.find_results(obj, allow_missing_keys=True)
    except JSONPathError:
        return None
    if not results or not results[0]:
        return None
    value = results[0][0]
    if col_type == "string":
        # column.PrintResults(buf, []reflect.Value{reflect.ValueOf(value)}): a nil value is an
        # invalid reflect.Value, which text/template's PrintableValue prints as "<no value>"
        if value is None:
            return "<no value>"
        try:
            return format_value(value)
        except JSONPathError:  # json.Marshal error (NaN/Inf inside a map or slice)
            return None
    return cell_for_json_value(col_type, value, now)


def _go_float_to_int64(f: float) -> int:
    """Go ``int64(float64)``: truncation; NaN/Inf/out of range give MinInt64 on amd64."""
    if math.isnan(f) or math.isinf(f):
        return _INT64_MIN
    i = int(f)
    if i < _INT64_MIN or i > _INT64_MAX:
        return _INT64_MIN
    return i


def cell_for_json_value(col_type: str, value: Any, now: datetime) -> Any:
    """tableconvertor.go ``cellForJSONValue`` (non-string column types)."""
    if value is None:
        return None
    is_bool = isinstance(value, bool)
    # a byte reached through '*' on a string is a Go uint8, which no case accepts
    is_int = isinstance(value, int) and not is_bool and not isinstance(value, _Byte)
    if col_type == "integer":
        if is_int:
            return int(value) if _INT64_MIN <= value <= _INT64_MAX else _go_float_to_int64(float(value))
        if isinstance(value, float):
            return _go_float_to_int64(value)
        return None
    if col_type == "number":
        if is_int:
            return float(value)
        if isinstance(value, float):
            return value
        return None
    if col_type == "boolean":
        return value if is_bool else None
    if col_type == "string":
        return value if isinstance(value, str) else None
    if col_type == "date":
        if not isinstance(value, str):
            return None
        return _human_readable_date(value, now)
    return None


_RFC3339_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
    r"(?:[.,]([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})"
)


def _parse_query_time(value: str) -> datetime | None:
    """metav1.Time.UnmarshalQueryParameter: "" and "null" are the zero time (None here);
    otherwise Go ``time.Parse(time.RFC3339, value)``.  Raises ValueError when invalid."""
    if value == "" or value == "null":
        return None
    m = _RFC3339_RE.fullmatch(value)
    if m is None:
        raise ValueError(f"cannot parse {value!r} as RFC3339")
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    frac = m.group(7) or ""
    micro = int((frac + "000000")[:6]) if frac else 0
    zone = m.group(8)
    if zone == "Z":
        tz = timezone.utc
    else:
        zh, zm = int(zone[1:3]), int(zone[4:6])
        if zh > 23 or zm > 59:
            raise ValueError("time zone offset out of range")
        off = timedelta(hours=zh, minutes=zm)
        tz = timezone(-off if zone[0] == "-" else off)
    if year == 0:
        raise ValueError("year 0 is not representable")
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


def _human_readable_date(value: str, now: datetime) -> str:
    try:
        ts = _parse_query_time(value)
    except (ValueError, OverflowError):
        return "<invalid>"
    # metatable.ConvertToHumanReadableDateType
    if ts is None or ts == _GO_ZERO_TIME:
        return "<unknown>"
    from .duration import human_duration_ns  # imported at call time on purpose

    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    delta = now - ts
    ns = ((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds) * 1000
    # time.Time.Sub saturates at the int64 Duration range
    ns = max(_INT64_MIN, min(_INT64_MAX, ns))
    return human_duration_ns(ns)


# --------------------------------------------------------------------------- CRD records


def _normalize_column(col: dict) -> dict:
    out: dict = {}
    for key in ("name", "type", "format", "description", "priority"):
        if col.get(key) is not None:
            out[key] = col[key]
    path = _column_path(col)
    if path or "jsonPath" in col or "JSONPath" in col:
        out["jsonPath"] = path
    return out


def crd_record_from_object(crd: dict) -> dict:
    """The bundled-record shape built from an apiextensions.k8s.io/v1 or v1beta1
    CustomResourceDefinition object::

        {group, kind, plural, singular, scope, shortNames, categories,
         versions: [{name, served, storage, additionalPrinterColumns}]}

    v1beta1 specifics: top-level ``spec.additionalPrinterColumns`` (keys spelled ``JSONPath``)
    apply to every version without its own columns, and ``spec.version`` alone means one served
    storage version.  Column keys are normalised to the v1 spelling (``jsonPath``).
    """
    spec = crd.get("spec") if isinstance(crd, dict) else None
    spec = spec if isinstance(spec, dict) else {}
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    kind = names.get("kind") or ""
    top_columns = spec.get("additionalPrinterColumns") or []
    versions_in = spec.get("versions") or []
    if not versions_in and spec.get("version"):
        versions_in = [{"name": spec["version"], "served": True, "storage": True}]
    versions = []
    for v in versions_in:
        if not isinstance(v, dict):
            continue
        cols = v.get("additionalPrinterColumns")
        if not cols:
            cols = top_columns
        versions.append({
            "name": v.get("name") or "",
            "served": bool(v.get("served", False)),
            "storage": bool(v.get("storage", False)),
            "additionalPrinterColumns": [_normalize_column(c) for c in cols if isinstance(c, dict)],
        })
    return {
        "group": spec.get("group") or "",
        "kind": kind,
        "plural": names.get("plural") or "",
        "singular": names.get("singular") or kind.lower(),
        "scope": spec.get("scope") or "Namespaced",
        "shortNames": list(names.get("shortNames") or []),
        "categories": list(names.get("categories") or []),
        "versions": versions,
    }


def crd_schemas_from_object(crd: dict) -> dict[str, dict]:
    """``{version name: openAPIV3Schema}`` of a v1 or v1beta1 CRD object (versions without a
    schema are left out; v1beta1's top-level ``spec.validation`` applies to every version)."""
    spec = crd.get("spec") if isinstance(crd, dict) else None
    spec = spec if isinstance(spec, dict) else {}
    top = (spec.get("validation") or {}).get("openAPIV3Schema") if isinstance(spec.get("validation"), dict) else None
    versions_in = spec.get("versions") or []
    if not versions_in and spec.get("version"):
        versions_in = [{"name": spec["version"]}]
    out: dict[str, dict] = {}
    for v in versions_in:
        if not isinstance(v, dict) or not v.get("name"):
            continue
        schema = v.get("schema")
        schema = schema.get("openAPIV3Schema") if isinstance(schema, dict) else None
        if schema is None:
            schema = top
        if isinstance(schema, dict):
            out[v["name"]] = schema
    return out


# --------------------------------------------------------------------------- packaged data


def _data_file(name: str):
    return resources.files("staticapi").joinpath("data", "crds", name)


@functools.lru_cache(maxsize=1)
def _summary() -> dict:
    return json.loads(_data_file("crd-summary.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _schemas() -> dict:
    with _data_file("schemas.json.gz").open("rb") as fh:
        return json.loads(gzip.decompress(fh.read()))


def bundled_crds() -> list[dict]:
    """The packaged CRD records (OpenShift payload, prometheus-operator, OLM); a fresh copy."""
    return copy.deepcopy(_summary()["crds"])


def bundled_crd_schema(group: str, version: str, kind: str) -> dict | None:
    """The packaged ``openAPIV3Schema`` of a bundled CRD version (a fresh copy), or None."""
    schema = _schemas()["schemas"].get(f"{group}/{version}/{kind}")
    return copy.deepcopy(schema) if schema is not None else None
