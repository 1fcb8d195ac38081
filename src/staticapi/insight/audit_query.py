"""Querying the audit logs: the filters of ``/staticapi/v1/audit`` and the streamed answer.

Why this module exists: the audit index (:mod:`staticapi.insight.audit`) keeps only what the
per-object history and the failure summary need; any other question (every delete by a user, the
403s of one namespace in a time window) reads the files again. This parses the query once
(:func:`parse_query`) and streams the matching raw lines (:func:`stream`): files outside the time
window are skipped, lines outside it are dropped before they are decoded, a needle (name,
namespace, user) is searched in the raw bytes first, and a file is left as soon as its events
lie an hour past the window.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

import orjson

from .audit import (
    READ_ERRORS,
    AuditFile,
    AuditIndex,
    code_of,
    is_final,
    log_lines,
    norm_time,
    open_log,
    parse_time,
    resource_of,
    user_of,
)

_SAFE_NEEDLE = re.compile(r"^[A-Za-z0-9_.:@\-]+$")  # bytes that appear verbatim in Go's JSON

_CODE_CLASS = re.compile(r"^([1-5])xx$", re.I)
QUERY_KEYS = ("verb", "user", "resource", "group", "namespace", "name", "from", "to", "code", "stage", "limit",
              "auditID")


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
    audit_id: str | None = None  # one request's events (every stage unless ``stage`` is given)

    def needles(self) -> list[bytes]:
        """Strings a matching line must contain verbatim (checked before decoding it)."""
        out = []
        for v in (self.name, self.namespace, self.audit_id):
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
        elif self.audit_id is None and not is_final(ev):
            return False
        if self.audit_id is not None and ev.get("auditID") != self.audit_id:
            return False
        if self.verbs is not None and ev.get("verb") not in self.verbs:
            return False
        if self.users is not None and user_of(ev) not in self.users:
            return False
        if self.resource or self.namespace is not None or self.name is not None or self.group is not None:
            group, resource, sub, ns, name = resource_of(ev)
            if self.resource and self.resource not in (resource, f"{resource}/{sub}"):
                return False
            if self.group is not None and group != self.group:
                return False
            if self.namespace is not None and ns != self.namespace:
                return False
            if self.name is not None and name != self.name:
                return False
        if self.codes is not None or self.classes is not None:
            c = code_of(ev)
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
    if q.get("auditID"):
        aq.audit_id = q["auditID"].strip()
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
    for seq, line in enumerate(_rawlog_lines(af)):
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


def _rawlog_lines(af: AuditFile) -> Iterator[bytes]:
    try:
        with open_log(af.path) as f:
            for line in log_lines(f):
                if line is not None:
                    line = line.strip()
                    if line:
                        yield line
    except READ_ERRORS:
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
