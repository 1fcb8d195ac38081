"""Audit logs: who created, changed and deleted an object, and which requests failed.

Why this module exists: ``gather_audit_logs`` (openshift/must-gather collection-scripts) copies
every master's ``/var/log/<apiserver>/audit*.log`` into ``audit_logs/<apiserver>/<node>-<file>.gz``
(apiservers: kube-apiserver, openshift-apiserver, oauth-apiserver, oauth-server, ...). Each line is
one ``audit.k8s.io/v1`` ``Event`` (k8s.io/apiserver/pkg/apis/audit/v1/types.go): ``verb``,
``user.username``, ``userAgent``, ``objectRef{apiGroup,resource,subresource,namespace,name}``,
``responseStatus.code``, ``requestReceivedTimestamp``, ``stageTimestamp``, ``stage``.

These logs reach several GB, so they are read once per store (:func:`load`, memoised with
``ClusterInsight.derive``) into a compact :class:`AuditIndex`: per object key only the mutations
(small tuples of interned strings), a summary of failed requests, per-file time ranges. Everything
else (the ``/staticapi/v1/audit`` query) streams the files again (:func:`stream`), merged by time,
skipping files outside the asked time range and decoding only lines that can match.

Bad input is skipped and reported (:attr:`AuditIndex.problems`): a non-JSON line, an over-long
line, a truncated or corrupt gzip (the events before the damage are kept).
"""

from __future__ import annotations

import gzip
import heapq
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson

from .gathered import gathered_dirs, rel_path

DIR_NAME = "audit_logs"
MEMO_KEY = "audit.index"
MAX_LINE = 16 << 20  # a longer line (a RequestResponse body of a huge object) is skipped, not read
# kube-apiserver's verbs that change stored objects (request.Verb in k8s.io/apiserver endpoints)
MUTATING = frozenset({"create", "update", "patch", "delete", "deletecollection"})
# mutations that are machine chatter, not changes a person looks for on a timeline: leader
# election renewals and events (every 2-10 s per component) and the review APIs (create-only,
# never stored). They stay in the per-object history and in the query endpoint.
NOISY_RESOURCES = frozenset({
    ("coordination.k8s.io", "leases"), ("", "events"), ("events.k8s.io", "events"),
    ("authentication.k8s.io", "tokenreviews"), ("authorization.k8s.io", "subjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectaccessreviews"), ("authorization.k8s.io", "localsubjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectrulesreviews"), ("authentication.k8s.io", "selfsubjectreviews"),
    ("", "configmaps/leader"),
})
MAX_INTERVALS = 20000  # most recent audit mutations on the timeline
MAX_FAILURE_KEYS = 20000  # distinct (code, verb, resource, user) rows in the failure summary
_FILE_RX = re.compile(r"^(?P<node>.+?)-(?P<file>audit[^/]*)$")
_SAFE_NEEDLE = re.compile(r"^[A-Za-z0-9_.:@\-]+$")  # bytes that appear verbatim in Go's JSON

# history tuple fields (kept as tuples: a big log has millions of them)
H_TIME, H_END, H_VERB, H_SUB, H_USER, H_AGENT, H_CODE, H_ID, H_URI, H_FILE, H_IP = range(11)


@dataclass
class AuditFile:
    path: Path
    rel: str
    apiserver: str
    node: str
    size: int
    events: int = 0
    first: str = ""  # earliest requestReceivedTimestamp (normalised, see norm_time)
    last: str = ""
    bad_lines: int = 0


@dataclass
class AuditIndex:
    files: list[AuditFile] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    by_object: dict[tuple, list[tuple]] = field(default_factory=dict)  # (group, resource, ns, name) -> H_* tuples
    # (code, verb, resource, user) -> [n, first, last, reason, message, namespace, name]
    failures: dict[tuple, list] = field(default_factory=dict)
    failures_dropped: int = 0
    events: int = 0
    verbs: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)  # "2xx", "4xx", ...


# --------------------------------------------------------------------------------------
# time


def norm_time(value: Any) -> str:
    """An audit timestamp as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (the metav1.MicroTime form the
    apiserver writes), so that string order is time order; "" when unreadable."""
    if not isinstance(value, str) or not value:
        return ""
    if len(value) == 27 and value[-1] == "Z" and value[19] == ".":
        return value
    dt = parse_time(value)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if dt else ""


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    s = value.strip()
    if s[-1:] in "Zz":
        s = s[:-1] + "+00:00"
    m = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", s)
    if m and m.group(2) and len(m.group(2)) > 7:  # Python takes at most 6 fractional digits
        s = m.group(1) + m.group(2)[:7] + m.group(3)
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


# --------------------------------------------------------------------------------------
# files


def find_files(view: Any) -> list[AuditFile]:
    """``audit_logs/<apiserver>/<node>-audit*.log[.gz]`` (and files directly in ``audit_logs/``)."""
    out = []
    for d in gathered_dirs(view, DIR_NAME):
        for sub in sorted(d.iterdir()):
            candidates = [sub] if sub.is_file() else sorted(sub.iterdir()) if sub.is_dir() and not sub.is_symlink() else []
            apiserver = sub.name if sub.is_dir() else ""
            for p in candidates:
                name = p.name
                if p.is_symlink() or not p.is_file() or "audit" not in name:
                    continue
                if not (name.endswith((".log", ".gz")) or ".log." in name) or name.endswith(".audit_logs_listing"):
                    continue
                m = _FILE_RX.match(name)
                out.append(AuditFile(path=p, rel=rel_path(view, p), apiserver=apiserver,
                                     node=m.group("node") if m else "", size=p.stat().st_size))
    return out


def _open(path: Path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _lines(f) -> Iterator[bytes | None]:
    """Lines of a binary stream; ``None`` for a line over MAX_LINE (skipped without keeping it)."""
    while True:
        line = f.readline(MAX_LINE)
        if not line:
            return
        if len(line) >= MAX_LINE and not line.endswith(b"\n"):
            while True:
                more = f.readline(MAX_LINE)
                if not more or more.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


_READ_ERRORS = (EOFError, OSError, zlib.error, gzip.BadGzipFile)


def read_events(af: AuditFile, problems: list | None = None) -> Iterator[tuple[bytes, dict]]:
    """(raw line, event) for every audit Event of one file; bad lines and a damaged gzip are
    reported into ``problems`` (path, reason) and skipped."""
    bad = 0
    first_bad = 0
    n = 0
    try:
        with _open(af.path) as f:
            for n, line in enumerate(_lines(f), 1):
                if line is None:
                    bad += 1
                    first_bad = first_bad or n
                    continue
                line = line.strip()
                if not line:
                    continue
                try:
                    ev = orjson.loads(line)
                except orjson.JSONDecodeError:
                    ev = None
                if not isinstance(ev, dict):
                    bad += 1
                    first_bad = first_bad or n
                    continue
                yield line, ev
    except _READ_ERRORS as e:
        if problems is not None:
            problems.append((af.rel, f"audit log unreadable after line {n}: {type(e).__name__}: {e}"))
    finally:
        af.bad_lines = bad
        if bad and problems is not None:
            problems.append((af.rel, f"{bad} audit log line(s) not a JSON object or too long (first: line {first_bad})"))


def _resource_of(ev: Mapping) -> tuple[str, str, str, str, str]:
    ref = ev.get("objectRef")
    if not isinstance(ref, dict):
        return "", "", "", "", ""
    return (str(ref.get("apiGroup") or ""), str(ref.get("resource") or ""), str(ref.get("subresource") or ""),
            str(ref.get("namespace") or ""), str(ref.get("name") or ""))


def _code(ev: Mapping) -> int:
    rs = ev.get("responseStatus")
    c = rs.get("code") if isinstance(rs, dict) else None
    return c if isinstance(c, int) else 0


def _user(ev: Mapping) -> str:
    u = ev.get("user")
    return str(u.get("username") or "") if isinstance(u, dict) else ""


def _final(ev: Mapping) -> bool:
    """One record per request: ResponseComplete (or Panic); RequestReceived / ResponseStarted
    records of the same request are left out of the index (OpenShift's profiles omit them)."""
    return ev.get("stage") in ("ResponseComplete", "Panic", None)


# --------------------------------------------------------------------------------------
# the index


def build_index(view: Any) -> AuditIndex:
    """Read every audit file once (blocking: run it in a worker thread)."""
    idx = AuditIndex()
    idx.files = find_files(view)
    intern = sys.intern
    for fi, af in enumerate(idx.files):
        first = last = ""
        for _raw, ev in read_events(af, idx.problems):
            af.events += 1
            ts = norm_time(ev.get("requestReceivedTimestamp") or ev.get("stageTimestamp"))
            if ts:
                first = ts if not first or ts < first else first
                last = ts if ts > last else last
            if not _final(ev):
                continue
            idx.events += 1
            verb = intern(str(ev.get("verb") or ""))
            idx.verbs[verb] += 1
            code = _code(ev)
            idx.codes[f"{code // 100}xx" if code else "none"] += 1
            group, resource, sub, ns, name = _resource_of(ev)
            user = _user(ev)
            if verb in MUTATING and resource:
                ips = ev.get("sourceIPs")
                rec = (ts, norm_time(ev.get("stageTimestamp")) or ts, verb, intern(sub), intern(user),
                       intern(str(ev.get("userAgent") or "")), code, str(ev.get("auditID") or ""),
                       str(ev.get("requestURI") or ""), fi, intern(str(ips[0])) if isinstance(ips, list) and ips else "")
                key = (intern(group), intern(resource), intern(ns), name)
                idx.by_object.setdefault(key, []).append(rec)
            if code >= 400:
                res = resource_label(group, resource, sub) if resource else str(ev.get("requestURI") or "")[:120]
                fkey = (code, verb, intern(res), intern(user))
                ent = idx.failures.get(fkey)
                if ent is None:
                    if len(idx.failures) >= MAX_FAILURE_KEYS:
                        idx.failures_dropped += 1
                        continue
                    rs = ev.get("responseStatus") if isinstance(ev.get("responseStatus"), dict) else {}
                    idx.failures[fkey] = [1, ts, ts, str(rs.get("reason") or ""), str(rs.get("message") or "")[:300], ns, name]
                else:
                    ent[0] += 1
                    if ts and (not ent[1] or ts < ent[1]):
                        ent[1] = ts
                    if ts > ent[2]:
                        ent[2] = ts
        af.first, af.last = first, last
    for recs in idx.by_object.values():
        recs.sort()
    return idx


async def load(ci: Any) -> AuditIndex:
    """The cluster's audit index, built once per store in a worker thread."""
    return await ci.derive(MEMO_KEY, build_index)


def index_sync(view: Any) -> AuditIndex:
    """The index from a thread (intervals, CLI): memoised when ``view`` is a ClusterInsight."""
    derive = getattr(view, "derive_sync", None)
    return derive(MEMO_KEY, build_index) if derive else build_index(view)


def problems(view: Any) -> list[tuple[str, str]]:
    return list(index_sync(view).problems)


# --------------------------------------------------------------------------------------
# per-object history


def _history_item(idx: AuditIndex, rec: tuple, group: str, resource: str, ns: str, name: str) -> dict:
    af = idx.files[rec[H_FILE]]
    return {
        "time": rec[H_TIME], "stageTimestamp": rec[H_END], "verb": rec[H_VERB], "subresource": rec[H_SUB],
        "user": rec[H_USER], "userAgent": rec[H_AGENT], "code": rec[H_CODE], "auditID": rec[H_ID],
        "requestURI": rec[H_URI], "sourceIP": rec[H_IP], "apiserver": af.apiserver, "node": af.node,
        "group": group, "resource": resource, "namespace": ns, "name": name,
    }


def history_of(idx: AuditIndex, group: str, resource: str, namespace: str, name: str) -> list[dict]:
    """Every audited mutation of one object, oldest first. ``name=""`` gives the creates without
    a name in their objectRef (generateName) only when asked for explicitly."""
    recs = idx.by_object.get((group or "", resource, namespace or "", name), [])
    return [_history_item(idx, r, group or "", resource, namespace or "", name) for r in recs]


def history(ci: Any, group: str, resource: str, namespace: str, name: str) -> list[dict]:
    """Who created, patched, updated, deleted the object, when, from which user agent and with
    which response code: ``[{time, verb, subresource, user, userAgent, code, ...}]`` oldest first.

    Blocking the first time (reads every audit file); from an aiohttp handler ``await load(ci)``
    first, then this returns at once."""
    return history_of(index_sync(ci), group, resource, namespace, name)


# --------------------------------------------------------------------------------------
# failed requests


def failures_of(idx: AuditIndex, limit: int = 200) -> list[dict]:
    """Failed requests (4xx/5xx) folded by code, verb, resource and user; most frequent first."""
    rows = [{"code": k[0], "verb": k[1], "resource": k[2], "user": k[3], "count": v[0], "first": v[1],
             "last": v[2], "reason": v[3], "message": v[4], "exampleNamespace": v[5], "exampleName": v[6]}
            for k, v in idx.failures.items()]
    rows.sort(key=lambda r: (-(r["code"] >= 500), -r["count"], r["code"], r["resource"], r["user"], r["verb"]))
    return rows[:limit] if limit else rows


def summary_of(idx: AuditIndex) -> dict:
    return {
        "events": idx.events,
        "verbs": dict(idx.verbs.most_common()),
        "codes": dict(sorted(idx.codes.items())),
        "objects": len(idx.by_object),
        "failedRequests": sum(v[0] for v in idx.failures.values()),
        "failureGroupsDropped": idx.failures_dropped,
        "files": [{"path": f.rel, "apiserver": f.apiserver, "node": f.node, "size": f.size, "events": f.events,
                   "first": f.first, "last": f.last, "badLines": f.bad_lines} for f in idx.files],
    }


# --------------------------------------------------------------------------------------
# query (streaming)


_CODE_CLASS = re.compile(r"^([1-5])xx$", re.I)
QUERY_KEYS = ("verb", "user", "resource", "group", "namespace", "name", "from", "to", "code", "stage", "limit")


@dataclass
class AuditQuery:
    verbs: frozenset | None = None
    users: frozenset | None = None
    resource: str | None = None  # objectRef.resource, or "resource/subresource"
    group: str | None = None  # from "deployments.apps"; None = any group
    namespace: str | None = None
    name: str | None = None
    since: str = ""  # normalised times (norm_time); "" = unbounded
    until: str = ""
    codes: frozenset | None = None  # exact codes
    classes: frozenset | None = None  # 4, 5 for 4xx, 5xx
    stages: frozenset | None = None
    limit: int = 0

    def needles(self) -> list[bytes]:
        """Strings a matching line must contain verbatim (checked before decoding it)."""
        out = []
        for v in (self.name, self.namespace):
            if v and _SAFE_NEEDLE.match(v):
                out.append(f'"{v}"'.encode())
        if self.users and len(self.users) == 1:
            (u,) = self.users
            if _SAFE_NEEDLE.match(u):
                out.append(f'"{u}"'.encode())
        return out

    def matches(self, ev: Mapping) -> bool:
        if self.stages is not None:
            if ev.get("stage") not in self.stages:
                return False
        elif not _final(ev):
            return False
        if self.verbs is not None and ev.get("verb") not in self.verbs:
            return False
        if self.users is not None and _user(ev) not in self.users:
            return False
        if self.resource or self.namespace is not None or self.name is not None or self.group is not None:
            group, resource, sub, ns, name = _resource_of(ev)
            if self.resource and self.resource not in (resource, f"{resource}/{sub}"):
                return False
            if self.group is not None and group != self.group:
                return False
            if self.namespace is not None and ns != self.namespace:
                return False
            if self.name is not None and name != self.name:
                return False
        if self.codes is not None or self.classes is not None:
            c = _code(ev)
            if not ((self.codes and c in self.codes) or (self.classes and c // 100 in self.classes)):
                return False
        if self.since or self.until:
            ts = norm_time(ev.get("requestReceivedTimestamp") or ev.get("stageTimestamp"))
            if not ts or (self.since and ts < self.since) or (self.until and ts > self.until):
                return False
        return True


def _csv(v: str | None) -> frozenset | None:
    if not v:
        return None
    parts = frozenset(p.strip() for p in v.split(",") if p.strip())
    return parts or None


def parse_query(q: Mapping[str, str]) -> AuditQuery:
    """Query parameters -> :class:`AuditQuery`; ``ValueError`` with a message for bad values.

    verb, user, stage: comma-separated; resource: ``pods``, ``pods/log``, ``deployments.apps``
    (the group after the first dot, kubectl's form; or ``group=apps``); code: ``404``,
    ``4xx``, ``failed`` (any >= 400), comma-separated; from/to: RFC3339; limit: events at most."""
    aq = AuditQuery(verbs=_csv(q.get("verb")), users=_csv(q.get("user")), stages=_csv(q.get("stage")))
    res = (q.get("resource") or "").strip()
    if res:
        base, slash, sub = res.partition("/")
        if "." in base:
            base, _, group = base.partition(".")
            aq.group = group
        aq.resource = base + (f"/{sub}" if slash else "")
        if slash and ("." in sub or "/" in sub):
            raise ValueError(f"resource {res!r}: use <resource>[.<group>][/<subresource>]")
    if q.get("group") is not None:
        aq.group = q.get("group") or ""
    if q.get("namespace") is not None:
        aq.namespace = q.get("namespace") or ""
    if q.get("name"):
        aq.name = q["name"]
    for key, attr in (("from", "since"), ("to", "until")):
        v = q.get(key)
        if v:
            t = norm_time(v)
            if not t:
                raise ValueError(f"{key}: not an RFC3339 time: {v!r}")
            setattr(aq, attr, t)
    codes, classes = set(), set()
    for part in _csv(q.get("code")) or ():
        m = _CODE_CLASS.match(part)
        if part.lower() == "failed":
            classes |= {4, 5}
        elif m:
            classes.add(int(m.group(1)))
        elif part.isdigit() and len(part) == 3:
            codes.add(int(part))
        else:
            raise ValueError(f"code: {part!r} is not a status code, a class like 4xx, or 'failed'")
    if codes or classes:
        aq.codes, aq.classes = frozenset(codes), frozenset(classes)
    if q.get("limit"):
        try:
            aq.limit = max(0, int(q["limit"]))
        except ValueError:
            raise ValueError(f"limit: not a number: {q['limit']!r}") from None
    return aq


def _file_matches(af: AuditFile, aq: AuditQuery) -> bool:
    if af.events and af.first and af.last:
        if aq.since and af.last < aq.since:
            return False
        if aq.until and af.first > aq.until:
            return False
    return True


_RECEIVED = b'"requestReceivedTimestamp":"'
_STAGE = b'"stageTimestamp":"'
# kube-apiserver writes an event when its request completes, so a file is in stageTimestamp order,
# and a request (a watch: up to --min-request-timeout 1800 s, doubled by its jitter) was received
# at most this long before it completed. Once stageTimestamp passes `to` by this much, the rest of
# a file cannot match.
MAX_REQUEST_SECONDS = 3600


def _field_time(line: bytes, key: bytes) -> str:
    """A timestamp field read straight from the raw line (Go's JSON has no spaces), normalised;
    "" when absent (the caller then decodes the line)."""
    i = line.find(key)
    if i < 0:
        return ""
    i += len(key)
    j = line.find(b'"', i, i + 40)
    return norm_time(line[i:j].decode("ascii", "replace")) if j > 0 else ""


def _shift(ts: str, seconds: int) -> str:
    dt = parse_time(ts)
    return (dt + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if dt else ""


def _file_stream(af: AuditFile, aq: AuditQuery, needles: list[bytes]) -> Iterator[tuple[str, int, bytes]]:
    """(stageTimestamp, line number, line) of the file's matching events, in file order."""
    stop_after = _shift(aq.until, MAX_REQUEST_SECONDS) if aq.until else ""
    for seq, line in enumerate(_raw_lines(af)):
        if aq.since or aq.until:
            stage = _field_time(line, _STAGE)
            if stop_after and stage and stage > stop_after:
                break
            received = _field_time(line, _RECEIVED)
            if received and ((aq.since and received < aq.since) or (aq.until and received > aq.until)):
                continue
        if needles and not all(n in line for n in needles):
            continue
        try:
            ev = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(ev, dict) or not aq.matches(ev):
            continue
        yield norm_time(ev.get("stageTimestamp") or ev.get("requestReceivedTimestamp")), seq, line


def _raw_lines(af: AuditFile) -> Iterator[bytes]:
    try:
        with _open(af.path) as f:
            for line in _lines(f):
                if line is not None:
                    line = line.strip()
                    if line:
                        yield line
    except _READ_ERRORS:
        return  # reported once by the index build


def stream(idx: AuditIndex, aq: AuditQuery) -> Iterator[bytes]:
    """The matching events' JSON lines (each ending in ``\\n``) in the order the apiservers wrote
    them: a k-way merge of the per-file streams by ``stageTimestamp`` (each file is in that order)."""
    needles = aq.needles()
    streams = [_file_stream(af, aq, needles) for af in idx.files if _file_matches(af, aq)]
    n = 0
    for _ts, _seq, line in heapq.merge(*streams, key=lambda t: (t[0], t[1])):
        yield line + b"\n"
        n += 1
        if aq.limit and n >= aq.limit:
            break


# --------------------------------------------------------------------------------------
# intervals


def interval_records(idx: AuditIndex) -> list[tuple]:
    """(group, resource, ns, name, H_* tuple) of the mutations for the timeline: no machine
    chatter (NOISY_RESOURCES), the MAX_INTERVALS most recent."""
    out = []
    for (group, resource, ns, name), recs in idx.by_object.items():
        if (group, resource) in NOISY_RESOURCES:
            continue
        for r in recs:
            if r[H_TIME] and (group, f"{resource}/{r[H_SUB]}") not in NOISY_RESOURCES:
                out.append((group, resource, ns, name, r))
    out.sort(key=lambda t: t[4][H_TIME])
    return out[-MAX_INTERVALS:]


def resource_label(group: str, resource: str, sub: str = "") -> str:
    return f"{resource}{'.' + group if group else ''}{'/' + sub if sub else ''}"


def intervals(view: Any, end: datetime) -> list[dict]:
    """Audit mutations as origin-style intervals (source ``Audit``): one per request, from
    ``requestReceivedTimestamp`` to ``stageTimestamp``; Info when it succeeded, Warning for 4xx,
    Error for 5xx. Deletes and failures are displayed by default."""
    from .intervals import _interval  # same layer; imported here because intervals imports us

    idx = index_sync(view)
    out = []
    for group, resource, ns, name, r in interval_records(idx):
        start = parse_time(r[H_TIME])
        if start is None:
            continue
        code = r[H_CODE]
        level = "Error" if code >= 500 else "Warning" if code >= 400 else "Info"
        res = resource_label(group, resource, r[H_SUB])
        who = r[H_USER] or "unknown user"
        out.append(_interval(
            SOURCE_AUDIT, level, "Audit", {"namespace": ns, "resource": res, "name": name},
            reason=r[H_VERB], human=f"{r[H_VERB]} {res} {ns + '/' if ns else ''}{name} by {who}"
                                    f"{' (' + r[H_AGENT] + ')' if r[H_AGENT] else ''}: {code or 'no response'}",
            annotations={"user": who, "code": str(code), "verb": r[H_VERB]},
            start=start, end=parse_time(r[H_END]) or start,
            display=r[H_VERB] in ("delete", "deletecollection") or code >= 400,
        ))
    return out


SOURCE_AUDIT = "Audit"
