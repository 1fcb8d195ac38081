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
  (openshift/oc ``pkg/cli/admin/node/logs.go`` RunLogs): ``unit`` (repeated), ``since``,
  ``until`` (journalctl times: ``-7d``, ``2024-01-02 15:04:05``, ``today`` ...), ``tail``,
  ``grep`` + ``case-sensitive``, ``boot``, ``output`` (short, short-precise, cat, json,
  short-unix, short-iso). ``oc`` sends ``query``/``pattern``/``tailLines`` alongside for
  kubelets without the journal endpoint; they are ignored on this path.

Everything here is pure and returns error strings in Go's ``field.Error`` wording.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import re2

MAX_TAIL_LINES = 100000  # kubelet_server_journal.go maxTailLines
MAX_SERVICE_LENGTH = 256  # maxServiceLength
MAX_SERVICES = 4  # maxServices
# reServiceNameUnsafeCharacters
_UNSAFE = re.compile(r"[^a-zA-Z\-_0-9@]+")
OUTPUTS = ("short-precise", "short", "short-iso", "short-unix", "cat", "json")


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


def goquote(s: str) -> str:
    """Go's ``%q`` for printable text."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _goslice(values: Sequence[str]) -> str:
    # field.Invalid of a []string prints as %#v: []string{"a", "b"}
    return "[]string{" + ", ".join(goquote(v) for v in values) + "}"


def invalid(path: str, value: object, detail: str) -> str:
    """apimachinery ``field.Invalid(...).Error()``."""
    if isinstance(value, str):
        shown = goquote(value)
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
    return f"strconv.Atoi: parsing {goquote(value)}: invalid syntax"


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

_RELATIVE = re.compile(r"([+-]?)(\d{1,9})\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hour|hours"
                       r"|d|day|days|w|week|weeks)?")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ABSOLUTE = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")


def parse_journal_time(text: str, now: datetime) -> datetime | None:
    """A journalctl ``--since``/``--until`` value (systemd.time(7)), in UTC as the kubelet runs
    journalctl with ``--utc``: relative (``-7d``, ``+1h``, ``-30min``), ``now``, ``today``,
    ``yesterday``, ``tomorrow``, absolute ``YYYY-MM-DD[ HH:MM[:SS]]`` or RFC3339."""
    t = text.strip()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    named = {"now": now, "today": day, "yesterday": day - timedelta(days=1), "tomorrow": day + timedelta(days=1)}
    if t in named:
        return named[t]
    m = _RELATIVE.fullmatch(t)
    if m and (m.group(1) or m.group(3)):
        secs = int(m.group(2)) * _UNIT_SECONDS[(m.group(3) or "s")[0]]
        return now - timedelta(seconds=secs) if m.group(1) == "-" else now + timedelta(seconds=secs)
    if (r := parse_rfc3339(t)) is not None:
        return r
    for fmt in _ABSOLUTE:
        try:
            return datetime.strptime(t, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


def parse_journal(query: Mapping[str, Sequence[str]], now: datetime) -> tuple[NodeLogQuery | None, list[str]]:
    """OpenShift's ``/logs/journal`` parameters -> a query (or 400 error messages)."""
    errs: list[str] = []
    nlq = NodeLogQuery()
    for u in query.get("unit", ()):
        if (d := service_name_error(u)) is not None:
            errs.append(f"unit={goquote(u)}: {d}")
        elif u.strip():
            nlq.services.append(u)
    for key in ("since", "until"):
        v = _first(query, key)
        if v:
            t = parse_journal_time(v, now)
            if t is None:
                errs.append(f"{key}={goquote(v)}: must be a relative time (-2d, +1h) or an absolute date "
                            "(2006-01-02 15:04:05)")
            else:
                setattr(nlq, key, t)
    for key, attr in (("tail", "tail"), ("boot", "boot")):
        v = _first(query, key)
        if v:
            n = _atoi(v)
            if n is None:
                errs.append(f"{key}={goquote(v)}: {_atoi_error(v)}")
            else:
                setattr(nlq, attr, n)
    if nlq.tail is not None and not 0 <= nlq.tail <= MAX_TAIL_LINES:
        errs.append(f"tail={nlq.tail}: must be between 0 and {MAX_TAIL_LINES}, inclusive")
    if nlq.boot is not None and not -100 <= nlq.boot <= 0:
        errs.append(f"boot={nlq.boot}: must be between -100 and 0")  # oc: --boot accepts values [-100, 0]
    nlq.case_sensitive = _first(query, "case-sensitive").lower() not in ("false", "0", "f")
    nlq.pattern = _first(query, "grep")
    if nlq.pattern and (perr := pattern_error(nlq.pattern, nlq.case_sensitive)):
        errs.append(f"grep={goquote(nlq.pattern)}: {perr}")
    out = _first(query, "output")
    if out:
        if out not in OUTPUTS:
            errs.append(f"output={goquote(out)}: must be one of {', '.join(OUTPUTS)}")
        else:
            nlq.output = out
    return (None, errs) if errs else (nlq, [])
