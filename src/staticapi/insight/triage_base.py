"""What every triage check reads: the collection time, conditions, events by object, log tails.

Why this module exists: the object checks (``triage_checks``), the pod checks (``triage_pods``)
and the engine (``triage``) share these readers; keeping them here lets each of those stay one
concept. Every reader is defensive: a must-gather is untrusted input, so a field of the wrong type
reads as missing instead of raising.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import orjson

from ..kube.duration import human_duration
from ..kube.duration import parse_time as _parse_time
from ..serve.logs import LogOptions, iter_log_chunks
from .findings import Finding, ObjectRef
from .intervals import format_time
from .triage_rules import LOG_TAIL_LINES, MAX_LOG_TAILS, RULES

log = logging.getLogger(__name__)

MAX_EVIDENCE_CHARS = 500  # one evidence line; condition messages can be pages long


def d(obj: Any, *path: str) -> Any:
    """``obj[path[0]][path[1]]...`` or None when a step is missing or not a mapping."""
    for p in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(p)
    return obj


def s(v: Any) -> str:
    return v if isinstance(v, str) else ("" if v is None else str(v))


def lst(v: Any) -> list:
    return v if isinstance(v, list) else []


def num(v: Any, default: int = 0) -> int:
    if isinstance(v, bool):
        return default
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    return default


def clip(text: Any, limit: int = MAX_EVIDENCE_CHARS) -> str:
    t = " ".join(s(text).split())
    return t if len(t) <= limit else t[: limit - 1] + "…"


def meta(obj: Mapping) -> Mapping:
    m = obj.get("metadata") if isinstance(obj, dict) else None
    return m if isinstance(m, dict) else {}


def conditions(obj: Mapping) -> dict[str, Mapping]:
    """status.conditions by type (the last one of a type wins, as a client reading them does)."""
    out: dict[str, Mapping] = {}
    for c in lst(d(obj, "status", "conditions")):
        if isinstance(c, dict) and isinstance(c.get("type"), str):
            out[c["type"]] = c
    return out


def parse_time(value: Any) -> datetime | None:
    """RFC3339 (metav1.Time / MicroTime) -> aware datetime; None for empty, invalid and Go's zero
    time. Cached by string (kube.duration): an archive's events share their timestamps."""
    dt = _parse_time(value) if isinstance(value, str) else None
    return dt if dt is not None and dt.year > 1 else None


def ts(dt: datetime | None) -> str | None:
    return format_time(dt) if dt else None


def age(since: datetime | None, now: datetime) -> str:
    return human_duration((now - since).total_seconds()) if since else "unknown time"


def condition_evidence(c: Mapping) -> str:
    reason, msg = s(c.get("reason")), clip(c.get("message"))
    head = f"{c.get('type')}={c.get('status')}"
    if reason:
        head += f" ({reason})"
    return f"{head}: {msg}" if msg else head


def title(rule: str, **fields: Any) -> str:
    return RULES[rule].title.format(**fields)


def finding(rule: str, obj_ref: ObjectRef | None, evidence: Iterable[str], since: datetime | None = None,
            **kw: Any) -> Finding:
    """A Finding of ``rule`` with its table severity; ``title`` fields are in ``kw['fields']``."""
    fields = kw.pop("fields", {})
    return Finding(rule=rule, severity=kw.pop("severity", RULES[rule].severity), title=title(rule, **fields),
                   object=obj_ref, evidence=[e for e in evidence if e], since=ts(since), **kw)


def ref(obj: Mapping, kind: str, group: str, resource: str) -> ObjectRef:
    m = meta(obj)
    return ObjectRef(kind=kind, name=s(m.get("name")), namespace=s(m.get("namespace")), group=group,
                     resource=resource)


# -------------------------------------------------------------------------------- events


@dataclass(slots=True)
class Event:
    """A core/v1 or events.k8s.io/v1 Event through one shape."""

    namespace: str
    kind: str  # involved object
    name: str
    reason: str
    message: str
    type: str
    count: int
    first: datetime | None
    last: datetime | None
    fieldpath: str
    group: str = ""  # the involved object's API group

    @classmethod
    def of(cls, obj: Mapping) -> Event:
        # one lookup per field (10k+ Warning events per archive): the fields an Event has in
        # either API group, the first present and of the right type winning
        get = obj.get
        m = get("metadata")
        m = m if isinstance(m, dict) else {}
        inv = get("involvedObject")
        if not isinstance(inv, dict):
            inv = get("regarding")
            inv = inv if isinstance(inv, dict) else {}
        series = get("series")
        series = series if isinstance(series, dict) else {}
        count = num(get("count"), 0) or num(series.get("count"), 0) or num(get("deprecatedCount"), 0) or 1
        first = (parse_time(get("firstTimestamp")) or parse_time(get("deprecatedFirstTimestamp"))
                 or parse_time(get("eventTime")) or parse_time(m.get("creationTimestamp")))
        last = (parse_time(series.get("lastObservedTime")) or parse_time(get("lastTimestamp"))
                or parse_time(get("deprecatedLastTimestamp")) or first)
        api = s(inv.get("apiVersion"))
        return cls(namespace=s(inv.get("namespace")) or s(m.get("namespace")), kind=s(inv.get("kind")),
                   name=s(inv.get("name")), reason=s(get("reason")),
                   message=s(get("message") if "message" in obj else get("note")),
                   type=s(get("type")), count=max(count, 1), first=first, last=last,
                   fieldpath=s(inv.get("fieldPath")), group=api.rpartition("/")[0] if "/" in api else "")

    def line(self) -> str:
        n = f" (x{self.count})" if self.count > 1 else ""
        return f"event {self.type} {self.reason}{n}: {clip(self.message)}"


class Events:
    """Every Warning Event once, indexed by the object it is about. Normal events are no evidence
    of a problem and are most of an archive's events: they are skipped before being read."""

    def __init__(self, objs: Iterable[Mapping]):
        self.all: list[Event] = []
        self.by_object: dict[tuple[str, str, str], list[Event]] = {}
        seen: set = set()
        for obj in objs:
            if not isinstance(obj, dict) or obj.get("type") != "Warning":
                continue
            m = meta(obj)
            key = s(m.get("uid")) or (s(m.get("namespace")), s(m.get("name")))
            if key in seen:
                continue
            seen.add(key)
            try:
                ev = Event.of(obj)
            except (TypeError, ValueError, AttributeError) as e:  # one odd event is no reason to lose them all
                log.debug("event %s skipped: %s", key, e)
                continue
            self.all.append(ev)
            self.by_object.setdefault((ev.namespace, ev.kind, ev.name), []).append(ev)

    def warnings_for(self, namespace: str, kind: str, name: str, container: str | None = None) -> list[Event]:
        """Warning events of one object, newest first; for a container, its own events first."""
        evs = list(self.by_object.get((namespace, kind, name), ()))
        key = _EPOCH
        evs.sort(key=lambda e: e.last or key, reverse=True)
        if container:
            mine = f"{{{container}}}"
            evs.sort(key=lambda e: not e.fieldpath.endswith(mine))
        return evs

    def first_seen(self, namespace: str, kind: str, name: str, reasons: Iterable[str]) -> datetime | None:
        rs = set(reasons)
        times = [e.first for e in self.by_object.get((namespace, kind, name), ()) if e.reason in rs and e.first]
        return min(times) if times else None


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


# -------------------------------------------------------------------------------- context


class Ctx:
    """One triage run: the cluster insight, its collection time, events and log tails."""

    def __init__(self, ci: Any):
        self.ci = ci
        self.now: datetime = ci.collection_time or datetime.now(timezone.utc)
        self.events = Events(self._events(ci))
        # (namespace, kind, name, event reason) already shown as a finding's evidence
        self.explained: set[tuple[str, str, str, str]] = set()
        self.install_completed, self.update_windows = _cluster_history(ci, self.now)
        self._jobs: dict[tuple[str, str], Mapping] | None = None
        # (group, kind, namespace, name) of a workload -> the pod findings of its pods
        self.workload_findings: dict[tuple[str, str, str, str], list[Finding]] = {}
        self._claims: set[tuple[str, str]] | None = None
        # (group, kind, namespace, name) of a workload -> its pods that are not Ready
        self.unready_pods: dict[tuple[str, str, str, str], list[Mapping]] = {}
        self._pods: dict[tuple[str, str], Mapping] | None = None
        self.log_tails = 0
        self.rs_owners: dict[tuple[str, str], str] | None = None  # (namespace, ReplicaSet) -> Deployment

    @property
    def claims_in_use(self) -> set[tuple[str, str]]:
        """(namespace, PVC name) of every claim a pod mounts (read on first use: only pods whose
        JSON names a claim are decoded)."""
        if self._claims is None:
            self._claims = set()
            for pod in matching_objects(self.ci, "", "pods", _CLAIM):
                for v in lst(d(pod, "spec", "volumes")):
                    claim = d(v, "persistentVolumeClaim", "claimName")
                    if isinstance(claim, str):
                        self._claims.add((s(meta(pod).get("namespace")), claim))
        return self._claims

    def pod(self, namespace: str, name: str) -> Mapping | None:
        """One pod by name (the store's index when there is one)."""
        store = getattr(self.ci, "store", None)
        registry = getattr(store, "registry", None)
        if registry is not None and hasattr(store, "get"):
            r = registry.for_kind("", "Pod")
            e = store.get(r, namespace, name) if r is not None else None
            try:
                obj = e.obj() if e is not None else None
            except ValueError:
                return None
            return obj if isinstance(obj, dict) else None
        if self._pods is None:
            self._pods = {(s(meta(p).get("namespace")), s(meta(p).get("name"))): p
                          for p in safe_objects(self.ci, "", "pods")}
        return self._pods.get((namespace, name))

    def job(self, namespace: str, name: str) -> Mapping | None:
        if self._jobs is None:
            self._jobs = {(s(meta(o).get("namespace")), s(meta(o).get("name"))): o
                          for o in safe_objects(self.ci, "batch", "jobs")}
        return self._jobs.get((namespace, name))

    @staticmethod
    def _events(ci: Any) -> Iterator[Mapping]:
        """Warning Events, each once: the store keeps every Event in both API groups
        (source/records.py converts one into the other), so one group is all of them; the
        events.k8s.io view is the smaller to decode. Events whose JSON does not say "Warning" are
        not decoded."""
        found = False
        for group in ("events.k8s.io", ""):
            for obj in matching_objects(ci, group, "events", _WARNING):
                found = True
                yield obj
            if found or has_objects(ci, group, "events"):
                return

    def object_ref(self, group: str, kind: str, name: str, namespace: str) -> ObjectRef:
        """A reference with the resource's plural name, when the store's registry knows the kind."""
        registry = getattr(getattr(self.ci, "store", None), "registry", None)
        r = registry.for_kind(group, kind) if registry is not None else None
        return ObjectRef(kind, name, namespace, group, r.plural if r is not None else "")

    def log_tail(self, namespace: str, pod: str, container: str, previous_first: bool = True,
                 n: int = LOG_TAIL_LINES) -> tuple[str, list[str]]:
        """The last ``n`` lines of the container's previous log (the one that crashed) or, when
        there is none, its current log; only the tail of the file is read (serve/logs/)."""
        index = getattr(self.ci, "log_index", None)
        if index is None or self.log_tails >= MAX_LOG_TAILS:
            return "", []
        self.log_tails += 1
        order = (True, False) if previous_first else (False,)
        for previous in order:
            try:
                files = index.files(namespace, pod, container, previous)
                if not files:
                    continue
                data = b"".join(iter_log_chunks(files, LogOptions(tail_lines=n, timestamps=True), self.now))
            except (OSError, ValueError, EOFError) as e:  # unreadable or corrupt (gzip) log
                log.debug("log tail %s/%s/%s: %s", namespace, pod, container, e)
                continue
            lines = [clip(x.decode("utf-8", "replace"), 300) for x in data.splitlines() if x.strip()]
            if lines:
                return ("previous" if previous else "current"), lines[-n:]
        return "", []


_WARNING = re.compile(rb'"Warning"')
_CLAIM = re.compile(rb'"claimName"')


def has_objects(ci: Any, group: str, resource: str) -> bool:
    return next(iter(safe_objects(ci, group, resource)), None) is not None


def matching_objects(ci: Any, group: str, resource: str, pattern: re.Pattern[bytes],
                     unless: re.Pattern[bytes] | None = None, within: bytes | None = None) -> Iterator[Mapping]:
    """The objects whose JSON matches ``pattern`` (and not ``unless``): a cheap test that must
    hold for every object a check can report (a superset); the others are never decoded.
    Decoding is most of a triage run's time (a pod's JSON is ~10 KB), scanning the bytes a tenth
    of it.

    ``within`` (a top-level key, as ``b'"status":'``): ``pattern`` only needs to match in that
    key's value; it is searched from the first occurrence of these bytes on, and an object
    without them is skipped. A superset still: the store's JSON is ``orjson.dumps``'s (or the
    stdlib's compact) output, which spells a key ``"status":`` exactly, and inside a JSON string
    a quote is escaped, so any earlier occurrence only starts the search earlier. A pod's status
    is its last fifth: scanning 10k pods takes a third of the time."""
    store = getattr(ci, "store", None)
    tables = getattr(store, "tables", None)
    table = tables.get((group, resource)) if isinstance(tables, dict) else None
    if table is None:  # no store (tests, other views): the same test on the objects' JSON
        for obj in safe_objects(ci, group, resource):
            try:
                js = orjson.dumps(obj, default=str)
            except TypeError:  # not JSON (a huge int, a non-string key): keep it, the superset holds
                yield obj
                continue
            if _matches(js, pattern, unless, within):
                yield obj
        return
    for e in table.sorted():
        raw = e.raw
        if _matches(raw, pattern, unless, within):
            try:
                obj = orjson.loads(raw)
            except ValueError:
                continue
            if isinstance(obj, dict):
                yield obj


def _matches(js: bytes, pattern: re.Pattern[bytes], unless: re.Pattern[bytes] | None, within: bytes | None) -> bool:
    start = 0
    if within is not None:
        start = js.find(within)
        if start < 0:
            return False
    return bool(pattern.search(js, start)) and not (unless and unless.search(js))


def safe_objects(ci: Any, group: str, resource: str) -> Iterator[Mapping]:
    """Objects of one resource; a missing resource is empty, a non-mapping object is skipped."""
    try:
        objs = ci.objects(group, resource)
    except (KeyError, LookupError, FileNotFoundError):
        return
    for o in objs or ():
        if isinstance(o, dict):
            yield o


def _cluster_history(ci: Any, now: datetime) -> tuple[datetime | None, list[tuple[datetime, datetime]]]:
    """From ClusterVersion status.history (newest first; the oldest entry is the installation):
    when the installation completed, and the time windows of later updates."""
    for cv in safe_objects(ci, "config.openshift.io", "clusterversions"):
        hist = [h for h in lst(d(cv, "status", "history")) if isinstance(h, dict)]
        if not hist:
            continue
        install = hist[-1]
        done = parse_time(install.get("completionTime")) if s(install.get("state")) == "Completed" else None
        windows = []
        for h in hist[:-1]:
            start = parse_time(h.get("startedTime"))
            if start is not None:
                windows.append((start, parse_time(h.get("completionTime")) or now))
        return done, windows
    return None, []
