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
else (the ``/staticapi/v1/audit`` query) streams the files again: :mod:`.audit_query`.

Bad input is skipped and reported (:attr:`AuditIndex.problems`): a non-JSON line, an over-long
line, a truncated or corrupt gzip (the events before the damage are kept).
"""

from __future__ import annotations

import gzip
import re
import sys
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from .gathered import gathered_dirs, rel_path

DIR_NAME = "audit_logs"
SOURCE_AUDIT = "Audit"  # the interval source (origin has none for audit; named like its others)
MEMO_KEY = "audit.index"
MAX_LINE = 16 << 20  # a longer line (a RequestResponse body of a huge object) is skipped, not read
# kube-apiserver's verbs that change stored objects (request.Verb in k8s.io/apiserver endpoints)
MUTATING = frozenset({"create", "update", "patch", "delete", "deletecollection"})
# mutations that are machine chatter, not changes a person looks for on a timeline: leader
# election renewals and events (every 2-10 s per component) and the review APIs (create-only,
# never stored). Leases and reviews stay in the per-object history; all stay in the query.
NOISY_RESOURCES = frozenset({
    ("coordination.k8s.io", "leases"), ("", "events"), ("events.k8s.io", "events"),
    ("authentication.k8s.io", "tokenreviews"), ("authorization.k8s.io", "subjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectaccessreviews"), ("authorization.k8s.io", "localsubjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectrulesreviews"), ("authentication.k8s.io", "selfsubjectreviews"),
})
MAX_INTERVALS = 20000  # most recent audit mutations on the timeline
# the per-object index keeps an object's first KEEP_FIRST and its latest mutations, MAX_PER_OBJECT
# in all; Events are not indexed (each is created once and patched by its series; hundreds of
# thousands a day). Both stay in the query endpoint.
MAX_PER_OBJECT = 500
KEEP_FIRST = 20
NOT_INDEXED = frozenset({("", "events"), ("events.k8s.io", "events")})
MAX_FAILURE_KEYS = 20000  # distinct (code, verb, resource, user) rows in the failure summary
_FILE_RX = re.compile(r"^(?P<node>.+?)-(?P<file>audit[^/]*)$")

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
    omitted: dict[tuple, int] = field(default_factory=dict)  # object key -> mutations left out (MAX_PER_OBJECT)
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


def open_log(path: Path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def log_lines(f) -> Iterator[bytes | None]:
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


READ_ERRORS = (EOFError, OSError, zlib.error, gzip.BadGzipFile)


def read_events(af: AuditFile, problems: list | None = None) -> Iterator[tuple[bytes, dict]]:
    """(raw line, event) for every audit Event of one file; bad lines and a damaged gzip are
    reported into ``problems`` (path, reason) and skipped."""
    bad = 0
    first_bad = 0
    n = 0
    try:
        with open_log(af.path) as f:
            for n, line in enumerate(log_lines(f), 1):
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
    except READ_ERRORS as e:
        if problems is not None:
            problems.append((af.rel, f"audit log unreadable after line {n}: {type(e).__name__}: {e}"))
    finally:
        af.bad_lines = bad
        if bad and problems is not None:
            problems.append((af.rel, f"{bad} audit log line(s) not a JSON object or too long (first: line {first_bad})"))


def resource_of(ev: Mapping) -> tuple[str, str, str, str, str]:
    ref = ev.get("objectRef")
    if not isinstance(ref, dict):
        return "", "", "", "", ""
    return (str(ref.get("apiGroup") or ""), str(ref.get("resource") or ""), str(ref.get("subresource") or ""),
            str(ref.get("namespace") or ""), str(ref.get("name") or ""))


def code_of(ev: Mapping) -> int:
    rs = ev.get("responseStatus")
    c = rs.get("code") if isinstance(rs, dict) else None
    return c if isinstance(c, int) else 0


def user_of(ev: Mapping) -> str:
    u = ev.get("user")
    return str(u.get("username") or "") if isinstance(u, dict) else ""


def is_final(ev: Mapping) -> bool:
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
            if not is_final(ev):
                continue
            idx.events += 1
            verb = intern(str(ev.get("verb") or ""))
            idx.verbs[verb] += 1
            code = code_of(ev)
            idx.codes[f"{code // 100}xx" if code else "none"] += 1
            group, resource, sub, ns, name = resource_of(ev)
            user = user_of(ev)
            if verb in MUTATING and resource:
                ips = ev.get("sourceIPs")
                rec = (ts, norm_time(ev.get("stageTimestamp")) or ts, verb, intern(sub), intern(user),
                       intern(str(ev.get("userAgent") or "")), code, str(ev.get("auditID") or ""),
                       str(ev.get("requestURI") or ""), fi, intern(str(ips[0])) if isinstance(ips, list) and ips else "")
                key = (intern(group), intern(resource), intern(ns), name)
                if (key[0], key[1]) not in NOT_INDEXED:
                    recs = idx.by_object.setdefault(key, [])
                    recs.append(rec)
                    if len(recs) >= 2 * MAX_PER_OBJECT:
                        _compact(idx, key, recs)
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
    for key, recs in idx.by_object.items():
        recs.sort()
        if len(recs) > MAX_PER_OBJECT:
            _compact(idx, key, recs)
    return idx


def _compact(idx: AuditIndex, key: tuple, recs: list) -> None:
    """Keep an object's first KEEP_FIRST and latest records (a lease renewed every 2 s must not
    fill the memory); count the rest in ``idx.omitted``."""
    recs.sort()
    drop = len(recs) - MAX_PER_OBJECT
    if drop > 0:
        del recs[KEEP_FIRST:KEEP_FIRST + drop]
        idx.omitted[key] = idx.omitted.get(key, 0) + drop


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
    """The audited mutations of one object, oldest first (its first KEEP_FIRST and latest ones when
    it had more than MAX_PER_OBJECT: ``omitted_of`` tells how many are left out). ``name=""``
    gives the creates without a name in their objectRef (generateName)."""
    recs = idx.by_object.get((group or "", resource, namespace or "", name), [])
    return [_history_item(idx, r, group or "", resource, namespace or "", name) for r in recs]


def omitted_of(idx: AuditIndex, group: str, resource: str, namespace: str, name: str) -> int:
    return idx.omitted.get((group or "", resource, namespace or "", name), 0)


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
# intervals


def interval_records(idx: AuditIndex) -> list[tuple]:
    """(group, resource, ns, name, H_* tuple) of the mutations for the timeline: no machine
    chatter (NOISY_RESOURCES), the MAX_INTERVALS most recent."""
    out = []
    for (group, resource, ns, name), recs in idx.by_object.items():
        if (group, resource) in NOISY_RESOURCES:
            continue
        for r in recs:
            if r[H_TIME]:
                out.append((group, resource, ns, name, r))
    out.sort(key=lambda t: t[4][H_TIME])
    return out[-MAX_INTERVALS:]


def resource_label(group: str, resource: str, sub: str = "") -> str:
    return f"{resource}{'.' + group if group else ''}{'/' + sub if sub else ''}"


def intervals(view: Any, end: datetime) -> list[dict]:
    """Audit mutations as origin-style intervals (source ``Audit``): one per request, from
    ``requestReceivedTimestamp`` to ``stageTimestamp``; Info when it succeeded, Warning for 4xx,
    Error for 5xx. Deletes and failures are displayed by default."""
    from .intervals.model import make_interval  # same layer; imported here because intervals imports us

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
        out.append(make_interval(
            SOURCE_AUDIT, level, "Audit", {"namespace": ns, "resource": res, "name": name},
            reason=r[H_VERB], human=f"{r[H_VERB]} {res} {ns + '/' if ns else ''}{name} by {who}"
                                    f"{' (' + r[H_AGENT] + ')' if r[H_AGENT] else ''}: {code or 'no response'}",
            annotations={"user": who, "code": str(code), "verb": r[H_VERB]},
            start=start, end=parse_time(r[H_END]) or start,
            display=r[H_VERB] in ("delete", "deletecollection") or code >= 400,
        ))
    return out
