"""The searchable text of one must-gather: its log files, node logs, events, gathered answers and (opt-in) objects and audit logs.

Why this module exists: search (``search.py``) and error signatures (``signatures.py``) both scan
every log line of an archive. Scanning one large buffer with RE2 runs at memory speed, while
per-file or per-line work in Python does not, so the text is kept as *segments*: up to
``SEGMENT_BYTES`` of documents (log files, one event per line, one object as indented JSON)
concatenated, each ending in ``\\n``. A match can never cross a line (the regex is compiled with
RE2's ``never_nl``), hence never crosses documents; a hit's document is found by bisecting the
segment's start offsets, its line number by counting ``\\n`` from the document's start.

What it costs: the first scan reads (and gunzips) every file; segments are kept in memory up to
``STATICAPI_SEARCH_CACHE_MB`` (default 512 MB of decompressed text) so repeated and refined
queries never touch the disk or gzip again; segments beyond the budget are rebuilt per query.
The plan (which files, in which order) is built once per store via ``ci.derive("search-corpus")``.

Layouts (see shared/samples/SOURCES.md):

* pod logs ``namespaces/<ns>/pods/<pod>/<c>/<c>/logs/{current,previous}[.insecure].log[.gz]`` and
  ``logs/rotated/<n>.log.<YYYYMMDD-HHMMSS>[.gz]`` (a plain copy wins over its ``.gz`` twin, as in
  ``serve.logs.LogIndex``); HyperShift dumps ``namespaces/<ns>/core/pods/logs/<pod>-<c>[-previous].log``;
* node logs ``host_service_logs/<role>/<service>_service.log[.gz]`` (``oc adm node-logs --role``
  output: journal lines of several nodes, the node is each line's host field) and node-gather
  ``nodes/<node>/<node>_logs_<service>[.gz]``.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import re
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from sys import intern
from typing import Any

import orjson
import zstandard

from ..source import codec
from . import corpus_gathered as cg
from .corpus_docs import Doc, Segment, file_segment
from .logtime import line_time

SEGMENT_BYTES = 2 << 20  # small enough that a first query reads files on both cores
PART_BYTES = 64 << 20  # a plain file larger than twice this is searched as parts cut at line ends
_DEFAULT_BUDGET_MB = 512

# audit (audit logs, GBs: opt-in like objects) and gathered (alert and etcd answers): corpus_gathered.py
SOURCES = ("logs", "nodes", "events", "gathered", "audit", "objects")
DEFAULT_SOURCES = ("logs", "nodes", "events", "gathered")

_ROTATED_RE = re.compile(r"(\d+)\.log\.(\d{8}-\d{6})(\.gz)?\Z")
_MAIN_RE = re.compile(r"(current|previous)(\.insecure)?\.log(\.gz)?\Z")


@dataclass
class _Plan:
    source: str
    docs: list[Doc]
    build: Any  # callable(docs) -> Segment


def _budget_bytes() -> int:
    try:
        return int(float(os.environ.get("STATICAPI_SEARCH_CACHE_MB", _DEFAULT_BUDGET_MB)) * (1 << 20))
    except ValueError:
        return _DEFAULT_BUDGET_MB << 20


# ------------------------------------------------------------------------------- file discovery
def _scan(d: str) -> list[os.DirEntry]:
    # entries are checked with follow_symlinks=False below: a hostile archive's link to a
    # directory outside the tree is never followed
    try:
        with os.scandir(d) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


def _dirs(d: str) -> list[os.DirEntry]:
    out = []
    for e in _scan(d):
        try:
            if e.is_dir(follow_symlinks=False):
                out.append(e)
        except OSError:
            pass
    return out


def _files(d: str) -> list[os.DirEntry]:
    out = []
    for e in _scan(d):
        try:
            if e.is_file(follow_symlinks=False) and e.stat(follow_symlinks=False).st_size > 0:
                out.append(e)
        except OSError:
            pass
    return out


def _rel(path: str, base: Path) -> str:
    b = str(base).rstrip("/") + "/"
    return path[len(b):] if path.startswith(b) else path


def pod_log_docs(roots: list[Path], base: Path, pods_of=None) -> list[Doc]:
    """Every pod log file under the must-gather roots (first root wins for a duplicate file).
    ``pods_of(namespace)`` names the namespace's pods (to split HyperShift dump file names)."""
    seen: set[tuple] = set()
    out: list[Doc] = []
    for root in roots:
        for nse in _dirs(os.path.join(root, "namespaces")):
            ns = nse.name
            for pe in _dirs(os.path.join(nse.path, "pods")):
                for ce in _dirs(pe.path):
                    for ce2 in _dirs(ce.path):
                        logs = os.path.join(ce2.path, "logs")
                        for fe in _files(logs):
                            m = _MAIN_RE.match(fe.name)
                            if not m:
                                continue
                            key = (ns, pe.name, ce.name, fe.name)
                            if key in seen:
                                continue
                            seen.add(key)
                            plain = fe.name in ("current.log", "previous.log")
                            out.append(Doc("logs", fe.path, _rel(fe.path, base), ns, pe.name, ce.name,
                                           previous=m.group(1) == "previous", file="" if plain else fe.name,
                                           size=fe.stat(follow_symlinks=False).st_size))
                        rot = _files(os.path.join(logs, "rotated"))
                        names = {e.name for e in rot}
                        for fe in rot:
                            m = _ROTATED_RE.match(fe.name)
                            if not m or (m.group(3) and fe.name[:-3] in names):
                                continue  # the plain twin is searched instead
                            key = (ns, pe.name, ce.name, "rotated/" + fe.name)
                            if key not in seen:
                                seen.add(key)
                                out.append(Doc("logs", fe.path, _rel(fe.path, base), ns, pe.name, ce.name,
                                               file=fe.name, size=fe.stat(follow_symlinks=False).st_size))
            # HyperShift dump: core/pods/logs/<pod>-<container>[-previous].log
            hs = _files(os.path.join(nse.path, "core", "pods", "logs"))
            pods = sorted(pods_of(ns) if hs and pods_of else (), key=len, reverse=True)
            for fe in hs:
                if not fe.name.endswith(".log"):
                    continue
                stem = fe.name[:-4]
                previous = stem.endswith("-previous")
                if previous:
                    stem = stem[: -len("-previous")]
                pod = next((p for p in pods if stem.startswith(p + "-")), None)
                pod, container = (pod, stem[len(pod) + 1:]) if pod else stem.rpartition("-")[::2]
                key = (ns, pod, container, fe.name)
                if key not in seen:
                    seen.add(key)
                    out.append(Doc("logs", fe.path, _rel(fe.path, base), ns, pod, container, previous=previous,
                                   file=fe.name, size=fe.stat(follow_symlinks=False).st_size))
    return out


_SERVICE_SUFFIXES = (".gz", ".log", "_service")


def _service_name(name: str) -> str:
    for suf in _SERVICE_SUFFIXES:
        if name.endswith(suf):
            name = name[: -len(suf)]
    return name


def node_log_docs(dirs: list[Path], base: Path) -> list[Doc]:
    """``host_service_logs/**`` and node-gather ``nodes/<node>/<node>_logs_<service>[.gz]`` files."""
    out: list[Doc] = []
    seen: set[str] = set()
    for d in dirs:
        stack = [(os.path.join(d, "host_service_logs"), 0)]
        while stack:
            cur, depth = stack.pop()
            for fe in _files(cur):
                if fe.path not in seen and not fe.name.endswith((".tgz", ".tar", ".zip", ".json")):
                    seen.add(fe.path)
                    out.append(Doc("nodes", fe.path, _rel(fe.path, base), service=_service_name(fe.name),
                                   file=fe.name, size=fe.stat(follow_symlinks=False).st_size))
            if depth < 3:
                stack.extend((e.path, depth + 1) for e in reversed(_dirs(cur)))
        for ne in _dirs(os.path.join(d, "nodes")):
            for fe in _files(ne.path):
                prefix = f"{ne.name}_logs_"
                if fe.name.startswith(prefix) and fe.path not in seen:
                    seen.add(fe.path)
                    out.append(Doc("nodes", fe.path, _rel(fe.path, base), node=ne.name,
                                   service=_service_name(fe.name[len(prefix):]), file=fe.name,
                                   size=fe.stat(follow_symlinks=False).st_size))
    return out


def split_big(d: Doc, part: int = PART_BYTES) -> list[Doc]:
    """A plain file of more than two parts as Docs of about ``part`` bytes each, cut after a newline,
    with the number of lines before each (read once, 16 MB at a time): a segment never holds a
    whole multi-GB log, and line numbers stay the file's."""
    if d.size <= 2 * part or d.path.endswith(".gz"):
        return [d]
    out: list[Doc] = []
    start = base = pos = lines = 0
    target = part
    try:
        with open(d.path, "rb") as f:
            if f.read(2) == b"\x1f\x8b":
                return [d]
            f.seek(0)
            while True:
                block = f.read(16 << 20)
                if not block:
                    break
                while target < pos + len(block):
                    nl = block.find(b"\n", max(0, target - pos))
                    if nl < 0:
                        break  # the cut is in a later block
                    cut = pos + nl + 1
                    cut_lines = lines + block.count(b"\n", 0, nl + 1)
                    out.append(dataclasses.replace(d, offset=start, end=cut, line_base=base, size=cut - start))
                    start, base, target = cut, cut_lines, cut + part
                lines += block.count(b"\n")
                pos += len(block)
    except OSError:
        return [d]
    if pos > start:
        out.append(dataclasses.replace(d, offset=start, end=pos, line_base=base, size=pos - start))
    return out or [d]


# ------------------------------------------------------------------------------- segments
def _one_line(s: str) -> str:
    return s.replace("\r", " ").replace("\n", " ")


def event_time(ev: dict) -> float | None:
    for k in ("lastTimestamp", "eventTime", "deprecatedLastTimestamp", "firstTimestamp"):
        v = ev.get(k)
        if isinstance(v, str) and v:
            t, _ = line_time(v.encode(), 1970)
            if t is not None:
                return t
    series = ev.get("series")
    if isinstance(series, dict) and isinstance(series.get("lastObservedTime"), str):
        return line_time(series["lastObservedTime"].encode(), 1970)[0]
    md = ev.get("metadata") or {}
    v = md.get("creationTimestamp") if isinstance(md, dict) else None
    return line_time(v.encode(), 1970)[0] if isinstance(v, str) else None


def event_docs(store) -> list[tuple[Doc, bytes]]:
    """Events (core/v1, else events.k8s.io/v1) as one line each:
    ``<reason> <kind>/<name> <message>`` (the involved object's namespace is the Doc's)."""
    out: list[tuple[Doc, bytes]] = []
    names: dict[str, str] = {}
    for group in ("", "events.k8s.io"):
        for ev in store.objects(group, "events"):
            if not isinstance(ev, dict):
                continue
            md = ev.get("metadata") if isinstance(ev.get("metadata"), dict) else {}
            inv = ev.get("involvedObject") or ev.get("regarding") or {}
            if not isinstance(inv, dict):
                inv = {}
            kind, name = str(inv.get("kind") or ""), str(inv.get("name") or "")
            name = names.setdefault(name, name)  # an object's events share its name
            ns = str(md.get("namespace") or inv.get("namespace") or "")
            reason = str(ev.get("reason") or "")
            msg = str(ev.get("message") or ev.get("note") or "")
            api = str(inv.get("apiVersion") or "v1")
            igroup = api.rpartition("/")[0] if "/" in api else ""
            r = store.registry.for_kind(igroup, kind) if kind else None
            text = _one_line(f"{reason} {kind}/{name} {msg}")
            # the fields that repeat across 100k+ events are kept once each (interned): else every
            # Doc keeps its own copies, strewn among the decoded events' freed memory (resident for good)
            out.append((Doc("events", namespace=intern(ns), kind=intern(kind), name=name, group=intern(igroup),
                            resource=r.plural if r is not None else "", time=event_time(ev), reason=intern(reason),
                            event=str(md.get("name") or ""), cluster_scoped=r is not None and not r.namespaced),
                        text.encode("utf-8", "replace") + b"\n"))
        if out:
            break  # the store mirrors core events as events.k8s.io ones: one of them is enough
    return out


def _lines_segment(source: str, items: list[tuple[Doc, bytes]]) -> Segment:
    starts, docs, parts, pos = array("q"), [], [], 0
    first = None
    for d, b in items:
        starts.append(pos)
        docs.append(d)
        parts.append(b)
        pos += len(b)
        if d.time is not None and (first is None or d.time < first):
            first = d.time
    return Segment(source, b"".join(parts), starts, docs, first)


OBJECTS_PER_SEGMENT = 2000


def object_refs(store, hide_secrets: bool) -> list[Doc]:
    """Every served object but events (and Secrets with --hide-secret-data), as Docs."""
    out = []
    for (group, plural), t in sorted(store.tables.items()):
        if plural == "events" or (hide_secrets and group == "" and plural == "secrets"):
            continue
        for e in t.sorted():
            out.append(Doc("objects", namespace=e.namespace, name=e.name, kind=e.kind, group=group, resource=plural))
    return out


def _objects_segment(store, docs: list[Doc]) -> Segment:
    """The objects as indented JSON (one key per line), read from the store when searched: the
    plan holds only their names, so an unsearched corpus costs no copy of the objects."""
    items = []
    for d in docs:
        t = store.tables.get((d.group, d.resource))
        e = t.objects.get((d.namespace, d.name)) if t is not None else None
        if e is None:
            continue  # gone since the plan (a live reload renews the corpus anyway)
        try:
            items.append((d, orjson.dumps(orjson.loads(e.raw), option=orjson.OPT_INDENT_2) + b"\n"))
        except orjson.JSONDecodeError:
            continue
    return _lines_segment("objects", items)


@dataclass
class Corpus:
    """The plan of every segment of one store and the segments built so far (within the budget)."""

    year: int
    collection_time: float | None
    plans: list[_Plan] = field(default_factory=list)
    budget: int = field(default_factory=_budget_bytes)
    _built: dict[int, Segment] = field(default_factory=dict)
    _kept_bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _building: dict[int, threading.Lock] = field(default_factory=dict)
    _objects: Any = None  # callable building the objects' plans on first use (opt-in source)
    results: Any = None  # search.py's cache of recent results (repeated queries)

    def docs(self, source: str) -> list[Doc]:
        self._ensure(source)
        return [d for p in self.plans if p.source == source for d in p.docs]

    def _ensure(self, source: str) -> None:
        if source == "objects" and self._objects is not None:
            with self._lock:
                build, self._objects = self._objects, None
            if build is not None:
                plans = build()
                with self._lock:
                    self.plans.extend(plans)

    def segments(self, sources, stop: threading.Event | None = None) -> Iterator[Segment]:
        """The segments of these sources, in plan order, built on first use. While the caller
        scans one segment, the next one not built yet is read in another thread (file reads,
        gunzip and RE2 all release the GIL: both cores work on a first query)."""
        if "objects" in sources:
            self._ensure("objects")
        todo = [i for i, plan in enumerate(self.plans) if plan.source in sources]
        ahead: concurrent.futures.Future | None = None
        pool: concurrent.futures.ThreadPoolExecutor | None = None
        try:
            for k, i in enumerate(todo):
                if stop is not None and stop.is_set():
                    return
                seg = ahead.result() if ahead is not None else self.segment(i)
                ahead = None
                nxt = todo[k + 1] if k + 1 < len(todo) else None
                if nxt is not None and nxt not in self._built:
                    if pool is None:
                        pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="search-read")
                    ahead = pool.submit(self.segment, nxt)
                yield seg
        finally:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    def indices(self, sources) -> list[int]:
        """The plan indices of these sources' segments, in order."""
        if "objects" in sources:
            self._ensure("objects")
        return [i for i, plan in enumerate(self.plans) if plan.source in sources]

    def prewarm(self, sources=("events",)) -> None:
        """Build (and keep, within the budget) the segments of these sources now."""
        for _ in self.segments(sources):
            pass

    def segment(self, i: int) -> Segment:
        seg = self._built.get(i)
        if seg is not None:
            return _unpacked(seg)
        with self._lock:
            lock = self._building.setdefault(i, threading.Lock())
        with lock:  # one build of a segment at a time; the others wait for it
            seg = self._built.get(i)
            if seg is not None:
                return _unpacked(seg)
            plan = self.plans[i]
            seg = plan.build(plan.docs)
            kept = _packed(seg) if plan.source in PACKED_SOURCES else seg
            size = len(kept.zdata or kept.data)
            with self._lock:
                if self._kept_bytes + size <= self.budget:
                    self._built[i] = kept
                    self._kept_bytes += size
            return seg

    @property
    def latest(self) -> float | None:
        """The latest plausible time of a log line: a day after the collection (year-less lines)."""
        return self.collection_time + 86400 if self.collection_time is not None else None

    def first_time(self, sources) -> float | None:
        """The earliest time seen at the start of a document of these sources (built segments)."""
        with self._lock:
            firsts = [s.first_ts for i, s in self._built.items()
                      if s.first_ts is not None and self.plans[i].source in sources]
        return min(firsts) if firsts else None

    def stats(self) -> dict[str, Any]:
        return {"segments": len(self.plans), "keptSegments": len(self._built), "keptBytes": self._kept_bytes,
                "budgetBytes": self.budget}


#: sources whose kept segments hold their text zstd-compressed: the events, which the server builds
#: on its own once settled (search prewarm) and keeps for good (issue 20 "RSS after indexing": their
#: 30 MB of text on the real-object tree is kept in 5 MB; a search over them decompresses it again,
#: about 20 ms; reading them from the store instead takes seconds)
PACKED_SOURCES = frozenset({"events"})


def _packed(seg: Segment) -> Segment:
    """The segment to keep: its text compressed, the rest (documents, offsets, zones) shared."""
    z = zstandard.ZstdCompressor(level=3).compress(seg.data)
    return dataclasses.replace(seg, data=b"", zdata=codec.own_length(z))


def _unpacked(seg: Segment) -> Segment:
    """A kept segment as searches read it (the same documents, offsets and zones)."""
    if not seg.zdata:
        return seg
    return dataclasses.replace(seg, data=zstandard.ZstdDecompressor().decompress(seg.zdata), zdata=b"")


def _chunks(docs: list[Doc], size_of) -> Iterator[list[Doc]]:
    cur: list[Doc] = []
    total = 0
    for d in docs:
        n = size_of(d)
        if cur and total + n > SEGMENT_BYTES:
            yield cur
            cur, total = [], 0
        cur.append(d)
        total += n
    if cur:
        yield cur


def _size(d: Doc) -> int:
    return d.size * 8 if d.path.endswith(".gz") else d.size  # gzip'd logs expand about 8x


def build_corpus(ci) -> Corpus:
    """The plan for a ClusterInsight: its pod logs, node logs and events (objects on demand)."""
    store = ci.store
    ct = ci.collection_time
    year = ct.year if ct else datetime.now(timezone.utc).year
    base = ci.roots[0] if ci.roots else Path("/")
    pods_by_ns: dict[str, list[str]] = {}

    def pods_of(ns: str) -> list[str]:
        if not pods_by_ns:
            for p in store.objects("", "pods"):
                md = p.get("metadata") or {}
                pods_by_ns.setdefault(md.get("namespace", ""), []).append(md.get("name", ""))
        return pods_by_ns.get(ns, [])

    mg_roots = list(ci.must_gather_roots)
    corpus = Corpus(year=year, collection_time=ct.timestamp() if ct else None)
    for source, docs in (("logs", pod_log_docs(mg_roots, base, pods_of)),
                         ("nodes", node_log_docs(list(dict.fromkeys([*ci.roots, *mg_roots])), base))):
        docs = [p for d in docs for p in split_big(d)]
        for chunk in _chunks(docs, _size):
            corpus.plans.append(_Plan(source, chunk, lambda ds, s=source: file_segment(s, ds, year, corpus.latest)))
    _gathered_plans(corpus, ci, base, year)
    # events: one segment, read from the store when first searched
    corpus.plans.append(_Plan("events", [], lambda _ds: _lines_segment("events", event_docs(store))))
    hide = bool(getattr(ci.cluster, "hide_secret_data", False))

    def object_plans() -> list[_Plan]:
        refs = object_refs(store, hide)
        return [_Plan("objects", refs[i:i + OBJECTS_PER_SEGMENT], lambda ds: _objects_segment(store, ds))
                for i in range(0, len(refs), OBJECTS_PER_SEGMENT)]

    corpus._objects = object_plans
    return corpus


def _gathered_plans(corpus: Corpus, ci, base: Path, year: int) -> None:
    """The plans of the ``audit`` and ``gathered`` sources (corpus_gathered.py)."""
    docs = [p for d in cg.audit_docs(ci, base) for p in split_big(d)]
    for chunk in _chunks(docs, _size):
        corpus.plans.append(_Plan(cg.AUDIT, chunk, lambda ds: cg.audit_segment(ds, year, corpus.latest)))
    docs = cg.gathered_docs(ci, base)
    for chunk in _chunks(docs, _size):
        corpus.plans.append(_Plan(cg.GATHERED, chunk, lambda ds: file_segment(cg.GATHERED, ds, year, corpus.latest)))


def corpus_of(ci) -> Corpus:
    """The ClusterInsight's corpus, built once per store."""
    return ci.derive_sync("search-corpus", build_corpus)
