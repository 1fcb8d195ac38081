"""The pod log query and the container it names, checked like kube-apiserver.

* :func:`parse_log_options` -- query decoding + ``ValidatePodLogOptions``
  (kubernetes ``pkg/apis/core/validation/validation.go``), errors shaped as the
  apiserver's ``Status`` (400 for undecodable parameters, 422 Invalid for
  validation failures, see ``pkg/registry/core/pod/rest/log.go`` LogREST).
* :func:`select_container` -- ``validateContainer`` from
  ``pkg/registry/core/pod/strategy.go`` (LogLocation), same messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson

from ...kube.gostrings import quote
from ...kube.status import StatusError

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


# --------------------------------------------------------------------------- errors


class LogError(StatusError):
    """An error that becomes a ``metav1.Status`` response (status.py's StatusError).

    ``code``/``reason``/``message`` are the Status fields; ``details`` is the optional
    ``StatusDetails`` dict (name, kind, causes) exactly as the apiserver fills it.
    """

    def status(self) -> dict[str, Any]:
        """The ``Status`` body (key order as the apiserver's JSON encoder writes it)."""
        return orjson.loads(self.body())

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"LogError({self.code}, {self.reason!r}, {self.message!r})"


def _bad_request(message: str) -> LogError:
    # apimachinery pkg/api/errors NewBadRequest: no details.
    return LogError(400, "BadRequest", message)


def pod_not_found(name: str) -> LogError:
    """``pods "<name>" not found`` (apimachinery NewNotFound for resource ``pods``)."""
    return LogError(404, "NotFound", f'pods "{name}" not found', {"name": name, "kind": "pods"})


def previous_not_found(pod_name: str, container: str) -> LogError:
    """The kubelet's answer to ``previous=true`` without a terminated instance.

    kubelet ``validateContainerLogStatus`` returns
    ``previous terminated container %q in pod %q not found``; the kubelet server
    writes it with status 400 and the apiserver's ``GenericHttpResponseChecker``
    turns a 400 into ``NewBadRequest(body)``.
    """
    return _bad_request(f"previous terminated container {quote(container)} in pod {quote(pod_name)} not found")



# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class LogOptions:
    """Decoded ``PodLogOptions`` (core/v1), only the fields that affect the output."""

    container: str | None = None
    previous: bool = False
    timestamps: bool = False
    since_time: datetime | None = None
    since_seconds: int | None = None
    tail_lines: int | None = None
    limit_bytes: int | None = None
    follow: bool = False


def _q(query: Mapping[str, str], key: str) -> str | None:
    # url.Values -> the conversion functions always use the first value; aiohttp's
    # MultiDict .get() also returns the first one.
    v = query.get(key)
    return None if v is None else str(v)


def _parse_bool(v: str | None) -> bool:
    # apimachinery runtime Convert_Slice_string_To_bool: absent, "0" or "false"
    # (case-insensitive) are false; anything else, even "", is true.
    if v is None:
        return False
    return not (v == "0" or v.lower() == "false")


_INT_RE = re.compile(r"[+-]?[0-9]+\Z")


def _parse_int64(v: str | None) -> int | None:
    # runtime Convert_Slice_string_To_Pointer_int64 -> strconv.ParseInt(s, 10, 64);
    # its error text is returned unwrapped and the handler makes it a BadRequest.
    if v is None:
        return None
    if not _INT_RE.match(v):
        raise _bad_request(f"strconv.ParseInt: parsing {quote(v)}: invalid syntax")
    n = int(v)
    if n < _INT64_MIN or n > _INT64_MAX:
        raise _bad_request(f"strconv.ParseInt: parsing {quote(v)}: value out of range")
    return n


_RFC3339_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))\Z"
)


def _parse_rfc3339(v: str) -> datetime:
    """metav1.Time.UnmarshalQueryParameter: ``time.Parse(time.RFC3339, s)``.

    Go's RFC3339 parser accepts an optional fractional second.  The error text is
    an approximation of Go's ``parsing time ... as ...`` message.
    """
    m = _RFC3339_RE.match(v)
    err = _bad_request(f'parsing time {quote(v)} as "2006-01-02T15:04:05Z07:00": cannot parse {quote(v)} as "2006"')
    if not m:
        raise err
    y, mo, d, h, mi, s, frac, z, sign, oh, om = m.groups()
    try:
        tz = timezone.utc
        if not z:
            off = timedelta(hours=int(oh), minutes=int(om))
            if int(oh) > 23 or int(om) > 59:
                raise ValueError
            tz = timezone(off if sign == "+" else -off)
        us = int((frac or "0")[:6].ljust(6, "0"))
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), us, tzinfo=tz)
    except ValueError:
        raise err from None


def parse_log_options(query: Mapping[str, str], name: str = "") -> LogOptions:
    """Decode and validate the pod log query like kube-apiserver.

    Decoding failures (``tailLines=abc``) -> 400 BadRequest with the Go conversion
    error.  Validation (``ValidatePodLogOptions``) failures -> 422 Invalid
    ``PodLogOptions "<name>" is invalid: ...`` with causes, as LogREST does via
    ``errors.NewInvalid(api.Kind("PodLogOptions"), name, errs)``.
    ``name`` is the pod name used in that message.

    ``stream`` (PodLogsQuerySplitStreams, alpha and off by default in 1.33) and
    ``insecureSkipTLSVerifyBackend`` are accepted and ignored.
    """
    container = _q(query, "container") or None
    follow = _parse_bool(_q(query, "follow"))
    previous = _parse_bool(_q(query, "previous"))
    timestamps = _parse_bool(_q(query, "timestamps"))
    since_seconds = _parse_int64(_q(query, "sinceSeconds"))
    tail_lines = _parse_int64(_q(query, "tailLines"))
    limit_bytes = _parse_int64(_q(query, "limitBytes"))
    since_time = None
    st = _q(query, "sinceTime")
    # UnmarshalQueryParameter: "" and "null" mean the zero time.  The generated
    # conversion still allocates the pointer, so a zero sinceTime counts as "set"
    # for the mutual-exclusion check; it never filters anything.
    since_time_set = st is not None
    if st not in (None, "", "null"):
        since_time = _parse_rfc3339(st)

    # pkg/apis/core/validation ValidatePodLogOptions, in its order.
    causes: list[tuple[str, str, str]] = []  # (type, field, ErrorBody())
    if tail_lines is not None and tail_lines < 0:
        causes.append(("FieldValueInvalid", "tailLines", f"Invalid value: {tail_lines}: must be greater than or equal to 0"))
    if limit_bytes is not None and limit_bytes < 1:
        causes.append(("FieldValueInvalid", "limitBytes", f"Invalid value: {limit_bytes}: must be greater than 0"))
    if since_seconds is not None and since_time_set:
        causes.append(("FieldValueForbidden", "", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"))
    elif since_seconds is not None and since_seconds < 1:
        causes.append(("FieldValueInvalid", "sinceSeconds", f"Invalid value: {since_seconds}: must be greater than 0"))
    if causes:
        raise _invalid(name, causes)

    return LogOptions(
        container=container,
        previous=previous,
        timestamps=timestamps,
        since_time=since_time,
        since_seconds=since_seconds,
        tail_lines=tail_lines,
        limit_bytes=limit_bytes,
        follow=follow,
    )


def _invalid(name: str, causes: list[tuple[str, str, str]]) -> LogError:
    # apimachinery NewInvalid: message "<Kind> %q is invalid: <aggregate>", where a
    # field.Error prints as "<field>: <body>" (an empty field leaves ": <body>")
    # and an aggregate of several errors prints as "[e1, e2]" (duplicates dropped).
    msgs: list[str] = []
    for _t, fld, body in causes:
        m = f"{fld}: {body}"
        if m not in msgs:
            msgs.append(m)
    agg = msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]"
    return LogError(
        422,
        "Invalid",
        f"PodLogOptions {quote(name)} is invalid: {agg}",
        {
            "name": name,
            "kind": "PodLogOptions",
            # metav1.StatusCause: reason, message, field -- all omitempty.
            "causes": [{"reason": t, "message": body, **({"field": fld} if fld else {})} for t, fld, body in causes],
        },
    )


# --------------------------------------------------------------------------- containers


def _names(items: Any) -> list[str]:
    return [c.get("name", "") for c in (items or []) if isinstance(c, dict)]


def select_container(pod: dict, container: str | None) -> str:
    """kube-apiserver ``validateContainer`` (pkg/registry/core/pod/strategy.go).

    * no container and exactly one in ``spec.containers`` -> that one (init and
      ephemeral containers do not count here);
    * none at all -> ``a container name must be specified for pod <name>``;
    * several -> ``..., choose one of: [<names>]`` where the names come from
      ``podutil.VisitContainers``: init containers, containers, then ephemeral
      containers (the v1.33 text; the older "or one of the init containers: [...]"
      suffix no longer exists upstream);
    * unknown name -> ``container <c> is not valid for pod <name>``.
    All are 400 BadRequest.
    """
    spec = pod.get("spec") or {}
    name = (pod.get("metadata") or {}).get("name", "")
    containers = _names(spec.get("containers"))
    everything = _names(spec.get("initContainers")) + containers + _names(spec.get("ephemeralContainers"))
    if not container:
        if len(containers) == 1:
            return containers[0]
        if not containers:
            raise _bad_request(f"a container name must be specified for pod {name}")
        raise _bad_request(f"a container name must be specified for pod {name}, choose one of: [{' '.join(everything)}]")
    if container not in everything:
        raise _bad_request(f"container {container} is not valid for pod {name}")
    return container
