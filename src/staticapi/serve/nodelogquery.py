"""The node log query parameters, parsed and validated as the kubelet does.

Two request shapes reach ``/api/v1/nodes/<node>/proxy/logs/``:

* the upstream node log query (KEP-2258), kubernetes ``pkg/kubelet/kubelet_server_journal.go``
  ``newNodeLogQuery`` + ``(*nodeLogQuery).validate`` and its caller in
  ``pkg/kubelet/kubelet.go`` (``/logs/`` handler): ``query`` (services, or a file when it holds
  ``/`` or ``\\``), ``sinceTime``/``untilTime`` (RFC3339), ``tailLines`` (0..100000),
  ``boot`` (< 1), ``pattern`` (a regex). Parse errors answer 400, validation errors 406, both
  as plain text (``http.Error`` with ``errs.ToAggregate().Error()``); a query on a path other
  than ``/`` answers 406 ``path not allowed in query mode``.
* OpenShift's journal endpoint ``/logs/journal`` that ``oc adm node-logs`` calls
  (openshift/oc ``pkg/cli/admin/node/logs.go`` RunLogs; the handler is openshift/kubernetes
  ``pkg/kubelet/kubelet_server_journal.go`` newJournalArgsFromURL): ``unit`` (repeated),
  ``since``/``until`` (``-7d`` or ``2024-01-02 15:04:05``), ``tail``, ``grep`` +
  ``case-sensitive``, ``boot``, ``output`` (short-precise, json, short, short-unix, short-iso,
  short-iso-precise, cat). ``oc`` sends ``query``/``pattern``/``tailLines`` alongside for
  kubelets without the journal endpoint; they are ignored on this path.

Everything here is pure and returns error strings in Go's ``field.Error`` wording.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import re2

from ..kube.gostrings import quote

MAX_TAIL_LINES = 100000  # kubelet_server_journal.go maxTailLines
MAX_SERVICE_LENGTH = 256  # maxServiceLength
MAX_SERVICES = 4  # maxServices
# reServiceNameUnsafeCharacters
_UNSAFE = re.compile(r"[^a-zA-Z\-_0-9@]+")


@dataclass
class NodeLogQuery:
    services: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    tail: int | None = None
    boot: int | None = None
    pattern: str = ""
    case_sensitive: bool = True
    output: str = "short-precise"

    def has_options(self) -> bool:
        return (self.since is not None or self.until is not None or self.tail is not None
                or self.boot is not None or self.pattern != "")



def _goslice(values: Sequence[str]) -> str:
    # field.Invalid of a []string prints as %#v: []string{"a", "b"}
    return "[]string{" + ", ".join(quote(v) for v in values) + "}"


def invalid(path: str, value: object, detail: str) -> str:
    """apimachinery ``field.Invalid(...).Error()``."""
    if isinstance(value, str):
        shown = quote(value)
    elif isinstance(value, (list, tuple)):
        shown = _goslice([str(v) for v in value])
    elif isinstance(value, datetime):
        shown = '"' + value.strftime("%Y-%m-%d %H:%M:%S +0000 UTC") + '"'
    else:
        shown = str(value)
    return f"{path}: Invalid value: {shown}: {detail}"


def aggregate(errors: Sequence[str]) -> str:
    """utilerrors.Aggregate.Error(): one error as is, several as ``[a, b]``."""
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


def parse_rfc3339(text: str) -> datetime | None:
    """Go ``time.Parse(time.RFC3339, ...)`` (fractional seconds accepted, zone required)."""
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)", text):
        return None
    t = text.replace("Z", "+00:00")
    m = re.match(r"(.*?:\d\d)(\.\d+)?([+-].*)", t)
    if m and m.group(2):
        t = m.group(1) + (m.group(2) + "000000")[:7] + m.group(3)
    try:
        return datetime.fromisoformat(t).astimezone(timezone.utc)
    except ValueError:
        return None


def _atoi_error(value: str) -> str:
    return f"strconv.Atoi: parsing {quote(value)}: invalid syntax"


def _atoi(value: str) -> int | None:
    return int(value) if re.fullmatch(r"[+-]?\d{1,18}", value) else None


def parse_upstream(query: Mapping[str, Sequence[str]]) -> tuple[NodeLogQuery | None, list[str]]:
    """``newNodeLogQuery``: (None, []) when the request carries none of the parameters (a
    plain file/listing request), else the query or the 400 errors."""
    errs: list[str] = []
    nlq = NodeLogQuery()
    queries = list(query.get("query", ()))
    for q in queries:
        if "/" in q or "\\" in q:
            nlq.files.append(q)
        elif q.strip():
            nlq.services.append(q)
    if "query" in query and not nlq.files and not nlq.services:
        errs.append(invalid("query", queries, "query cannot be empty"))
    for key, attr in (("sinceTime", "since"), ("untilTime", "until")):
        v = _first(query, key)
        if v:
            t = parse_rfc3339(v)
            if t is None:
                errs.append(invalid(key, v, "invalid time format"))
            else:
                setattr(nlq, attr, t)
    for key, attr in (("boot", "boot"), ("tailLines", "tail")):
        v = _first(query, key)
        if v:
            n = _atoi(v)
            if n is None:
                errs.append(invalid(key, v, _atoi_error(v)))
            else:
                setattr(nlq, attr, n)
    nlq.pattern = _first(query, "pattern")
    if errs:
        return None, errs
    if nlq == NodeLogQuery():
        return None, []
    return nlq, []


def _first(query: Mapping[str, Sequence[str]], key: str) -> str:
    v = query.get(key)
    return v[0] if v else ""


def validate_upstream(nlq: NodeLogQuery) -> list[str]:
    """``(*nodeLogQuery).validate`` (406 errors). A file query names a path under the node's
    /var/log, which a must-gather does not hold: it fails like a missing file."""
    errs = [invalid("query", s, d) for s in nlq.services if (d := service_name_error(s))]
    if len(nlq.services) > MAX_SERVICES:
        errs.append(f"query: Too many: {len(nlq.services)}: must have at most {MAX_SERVICES} items")
    if not nlq.files and not nlq.services:
        errs.append("query: Required value: cannot be empty with options")
    elif nlq.files and nlq.services:
        errs.append(invalid("query", f"[{' '.join(nlq.files)}], [{' '.join(nlq.services)}]",
                            "cannot specify a file and service"))
    elif len(nlq.files) > 1:
        errs.append(invalid("query", nlq.files, "cannot specify more than one file"))
    elif len(nlq.files) == 1 and nlq.has_options():
        errs.append(invalid("query", nlq.files, "cannot specify file with options"))
    if nlq.since is not None and nlq.until is not None and nlq.since > nlq.until:
        errs.append(invalid("untilTime", nlq.until, "must be after `sinceTime`"))
    if nlq.boot is not None and nlq.boot > 0:
        errs.append(invalid("boot", nlq.boot, "must be less than 1"))
    if nlq.tail is not None and not 0 <= nlq.tail <= MAX_TAIL_LINES:
        errs.append(invalid("tailLines", nlq.tail, f"must be between 0 and {MAX_TAIL_LINES}, inclusive"))
    if nlq.pattern and (perr := pattern_error(nlq.pattern)):
        errs.append(invalid("pattern", nlq.pattern, perr))
    return errs


def service_name_error(s: str) -> str | None:
    """``safeServiceName`` (its length message says 100 although the limit is 256: copied)."""
    if len(s) > MAX_SERVICE_LENGTH:
        return "length must be less than 100"
    if _UNSAFE.search(s):
        return "input contains unsupported characters"
    return None


def pattern_error(pattern: str, case_sensitive: bool = True) -> str | None:
    try:
        compile_pattern(pattern, case_sensitive)
    except re2.error as e:
        arg = e.args[0] if e.args else ""
        return "error parsing regexp: " + (arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg))
    return None


def compile_pattern(pattern: str, case_sensitive: bool = True):
    """A user regex, compiled with RE2 (linear time, like Go's regexp/syntax the kubelet checks with)."""
    opts = re2.Options()
    opts.case_sensitive = case_sensitive
    opts.log_errors = False
    return re2.compile(pattern.encode(), opts)


# ------------------------------------------------------------------ OpenShift /logs/journal
# openshift/kubernetes pkg/kubelet/kubelet_server_journal.go (the OpenShift carry behind
# /logs/journal): newJournalArgsFromURL and its helpers. The first bad parameter answers 400
# "parameter '<name>' is invalid: <reason>"; ``tail`` and ``timeout`` are clamped, never errors.

# reRelativeDate
_RELATIVE = re.compile(r"([+-])?(\d+)(s|m|h|d)")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# reUnsafeCharacters (units and grep patterns)
_UNSAFE_JOURNAL = re.compile(r"[^a-zA-Z\-_.0-9\s@]+")
JOURNAL_OUTPUTS = ("short-precise", "json", "short", "short-unix", "short-iso", "short-iso-precise", "cat", "")
_MAX_PARAMETER_LENGTH = 100
_MAX_TOTAL_LENGTH = 1000


def parse_journal_time(text: str, now: datetime) -> datetime | None:
    """``validJournalDateRange``: ``(+|-)N(s|m|h|d)`` (journalctl reads it relative to now; here
    the collection time) or ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (UTC: journalctl runs with
    ``--utc``). None when invalid."""
    m = _RELATIVE.fullmatch(text)
    if m:
        delta = timedelta(seconds=int(m.group(2)) * _UNIT_SECONDS[m.group(3)])
        return now - delta if m.group(1) == "-" else now + delta
    dm = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?", text)
    if dm is None:
        return None
    try:
        micro = int((dm.group(7) or "0").ljust(6, "0"))
        return datetime(*(int(x) for x in dm.groups()[:6]), micro, tzinfo=timezone.utc)  # type: ignore[misc]
    except ValueError:
        return None


def _safe(s: str) -> str | None:
    """``safeString``: the error, or None."""
    if len(s) > _MAX_PARAMETER_LENGTH:
        return f"input is too long, max length is {_MAX_PARAMETER_LENGTH}"
    if _UNSAFE_JOURNAL.search(s):
        return "input contains unsupported characters"
    return None


def _bounded(text: str, lo: int, hi: int, default: int) -> int:
    """``boundedIntegerOrDefault``."""
    n = _atoi(text)
    n = default if n is None else n
    return max(lo, min(hi, n))


def parse_journal(query: Mapping[str, Sequence[str]], now: datetime) -> tuple[NodeLogQuery | None, list[str]]:
    """OpenShift's ``/logs/journal`` parameters -> a query, or the one 400 message."""
    nlq = NodeLogQuery()
    for key in ("since", "until"):
        v = _first(query, key)
        if v:
            t = parse_journal_time(v, now)
            if t is None:
                return None, [f"parameter '{key}' is invalid: date must be a relative time of the form "
                              "'(+|-)[0-9]+(s|m|h|d)' or a date in 'YYYY-MM-DD HH:MM:SS' form"]
            setattr(nlq, key, t)
    out = _first(query, "output")
    if out not in JOURNAL_OUTPUTS:
        return None, ["parameter 'output' is invalid: only the following values are allowed: "
                      + ", ".join(JOURNAL_OUTPUTS)]
    nlq.output = out or "short-precise"
    total = 0
    for u in query.get("unit", ()):
        err = _safe(u)
        total += len(u)
        if err is None and total > _MAX_TOTAL_LENGTH:
            err = f"total input length across all values must be less than {_MAX_TOTAL_LENGTH}"
        if err:
            return None, [f"parameter 'unit' is invalid: {err}"]
        if u:
            nlq.services.append(u)
    b = _first(query, "boot")
    if b:
        n = _atoi(b)
        if n is None:
            return None, [f"parameter 'boot' is invalid: {_atoi_error(b)}"]
        if not -100 <= n <= 0:
            return None, ["parameter 'boot' is invalid: integer must be in range [-100, 0]"]
        nlq.boot = n
    pattern = _first(query, "grep")
    if (err := _safe(pattern)) is not None:
        return None, [f"parameter 'grep' is invalid: {err}"]
    tail = _bounded(_first(query, "tail"), 0, MAX_TAIL_LINES, 0)
    nlq.tail = tail if tail > 0 else None
    cs = _first(query, "case-sensitive")
    nlq.case_sensitive = cs in ("", "1", "true")
    nlq.pattern = pattern
    if pattern and (perr := pattern_error(pattern, nlq.case_sensitive)):
        return None, [f"parameter 'grep' is invalid: {perr}"]
    return nlq, []
