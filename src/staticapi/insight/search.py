"""Search everything a must-gather holds: a query model and its execution over the corpus.

Why this module exists: people grep unpacked must-gathers and read timestamps by hand. This runs a
regular expression over the pod logs, node logs, events and (opt-in) objects of one store
(``corpus.py``) and yields hits as they are found, then a summary with the hits per source and a
histogram over the must-gather's time span ("it started at 10:42 on the three masters").

Semantics follow ripgrep's defaults, the oracle of ``tests/test_search.py``: line-based (a match
never spans a newline: RE2's ``never_nl``, as rg's default removes ``\\n`` from the regex, see
ripgrep crates/regex/src/config.rs ``line_terminator``), multiline off, ``-i`` = ``(?i)``, and a
hit counts once per matching line (``rg -c``). Regexes are RE2 (linear time; no backreferences or
lookaround, as rg's default engine). Known differences: RE2's ``\\d \\w \\b`` are ASCII, rg's are
Unicode.
"""

from __future__ import annotations

import concurrent.futures
import fnmatch
import threading
import time
from array import array
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import re2

from .corpus import DEFAULT_SOURCES, SOURCES, Corpus, Doc, Segment
from .corpus_gathered import audit_ref, audit_time
from .logtime import iso, line_time
from .search_count import Tally, count_rest, series_label
from .search_literal import Literals, required

MAX_LINE = 2000  # characters of a hit's line (and of a context line) sent; counts are unaffected
MAX_CONTEXT = 20
MAX_LIMIT = 100_000
BUCKETS = 60
MAX_SERIES = 8


class QueryError(ValueError):
    """A query that cannot run (bad regex, bad filter): the reason is the message."""


@dataclass
class Query:
    pattern: str
    ignore_case: bool = False
    sources: tuple[str, ...] = DEFAULT_SOURCES
    namespace: str | None = None
    pod: str | None = None
    container: str | None = None
    kind: str | None = None
    since: float | None = None  # epoch seconds
    until: float | None = None
    limit: int = 1000
    context: int = 0

    def compile(self):
        """The RE2 regex (bytes, multiline, never matching a newline); QueryError when invalid."""
        if not self.pattern:
            raise QueryError("empty query: q is required")
        if "\n" in self.pattern:
            raise QueryError("the literal '\\n' is not allowed in a regex (search is line-based)")
        opts = re2.Options()
        opts.never_nl = True
        opts.never_capture = True
        opts.case_sensitive = not self.ignore_case
        opts.log_errors = False
        opts.max_mem = 64 << 20
        try:
            return re2.compile(b"(?m)" + self.pattern.encode("utf-8"), opts)
        except re2.error as e:
            why = e.args[0] if e.args else str(e)
            if isinstance(why, bytes):
                why = why.decode("utf-8", "replace")
            why = str(why).replace("(?m)", "", 1)
            raise QueryError(f"invalid regex {self.pattern!r}: {why}") from None


def parse_time(v: str | None, what: str) -> float | None:
    if not v:
        return None
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise QueryError(f"{what}: not an RFC3339 time: {v!r}") from None
    if dt.tzinfo is None:
        raise QueryError(f"{what}: an RFC3339 time needs a zone (Z or +hh:mm): {v!r}")
    return dt.timestamp()


def parse_sources(v: str | None) -> tuple[str, ...]:
    if not v:
        return DEFAULT_SOURCES
    got = tuple(dict.fromkeys(s.strip() for s in v.split(",") if s.strip()))
    bad = [s for s in got if s not in SOURCES]
    if bad:
        raise QueryError(f"in: unknown source(s) {', '.join(bad)} (valid: {', '.join(SOURCES)})")
    return got or DEFAULT_SOURCES


def _int(v: str | None, what: str, default: int, lo: int, hi: int) -> int:
    if v is None or v == "":
        return default
    try:
        n = int(v)
    except ValueError:
        raise QueryError(f"{what}: not an integer: {v!r}") from None
    if n < lo:
        raise QueryError(f"{what}: must be >= {lo}")
    return min(n, hi)


def _bool(v: str | None) -> bool:
    return (v or "").lower() in ("1", "true", "yes", "on")


def query_from_params(p) -> Query:
    """A Query from URL parameters (q, in, namespace, pod, container, kind, from, to, ignoreCase,
    limit, context); QueryError for a bad one."""
    q = Query(
        pattern=p.get("q") or "",
        ignore_case=_bool(p.get("ignoreCase")),
        sources=parse_sources(p.get("in")),
        namespace=p.get("namespace") or None,
        pod=p.get("pod") or None,
        container=p.get("container") or None,
        kind=p.get("kind") or None,
        since=parse_time(p.get("from"), "from"),
        until=parse_time(p.get("to"), "to"),
        limit=_int(p.get("limit"), "limit", 1000, 0, MAX_LIMIT),
        context=_int(p.get("context"), "context", 0, 0, MAX_CONTEXT),
    )
    q.compile()
    return q


def _glob(pat: str | None, v: str) -> bool:
    if pat is None:
        return True
    if any(c in pat for c in "*?["):
        return fnmatch.fnmatchcase(v, pat)
    return v == pat


def doc_filter(q: Query):
    """A predicate on documents for the query's namespace/pod/container/kind filters (None = all)."""
    if not (q.namespace or q.pod or q.container or q.kind):
        return None

    def keep(d: Doc) -> bool:
        if not _glob(q.namespace, d.namespace):
            return False
        if q.pod is not None and not (d.source == "logs" and _glob(q.pod, d.pod)) and not (
                d.source == "events" and d.kind == "Pod" and _glob(q.pod, d.name)) and not (
                d.source == "objects" and d.kind == "Pod" and _glob(q.pod, d.name)):
            return False
        if q.container is not None and not (d.source == "logs" and _glob(q.container, d.container)):
            return False
        if q.kind is not None:
            kind = "Pod" if d.source == "logs" else "Node" if d.source == "nodes" else d.kind
            if kind.lower() != q.kind.lower():
                return False
        return True

    return keep


def _text(b: bytes) -> str:
    s = b.decode("utf-8", "replace")
    return s if len(s) <= MAX_LINE else s[:MAX_LINE] + "…"


def link(d: Doc, line: int, node: str = "") -> str:
    """The page of a hit, relative to the cluster's base URL (the ``pages``/``nodelogs`` pages)."""
    from urllib.parse import quote, urlencode

    if d.source == "logs":
        qs = {}
        if d.previous:
            qs["previous"] = "1"
        if d.file:
            qs["file"] = d.file
        return (f"ui/logs/{quote(d.namespace, safe='')}/{quote(d.pod, safe='')}/{quote(d.container, safe='')}"
                + (f"?{urlencode(qs)}" if qs else "") + f"#L{line}")
    if d.source == "nodes":
        n = node or d.node or "_"
        qs = "" if d.node else "?" + urlencode({"file": d.rel})  # host_service_logs: several nodes in one file
        return f"ui/nodelogs/{quote(n, safe='')}/{quote(d.service, safe='')}{qs}#L{line}"
    if d.source == "gathered":
        return "ui/alerts" if d.service == "alerts" else "ui/etcd"
    if d.source == "audit":
        return "ui/audit"  # per hit: its object or its auditID (audit_link)
    if d.source == "events":
        if not (d.kind and d.name):
            return ""
        return _object_link(d.group, d.resource or _resource_of(d.kind), "" if d.cluster_scoped else d.namespace,
                            d.name)
    return _object_link(d.group, d.resource, d.namespace, d.name)


# the resources of the kinds events name most (others: the lower-cased plural guess)
_RESOURCES = {"Pod": "pods", "Node": "nodes", "Deployment": "deployments", "ReplicaSet": "replicasets",
              "DaemonSet": "daemonsets", "StatefulSet": "statefulsets", "Job": "jobs", "CronJob": "cronjobs",
              "Service": "services", "Endpoints": "endpoints", "Namespace": "namespaces",
              "ConfigMap": "configmaps", "Secret": "secrets", "PersistentVolumeClaim": "persistentvolumeclaims",
              "PersistentVolume": "persistentvolumes", "ClusterOperator": "clusteroperators",
              "Ingress": "ingresses", "HorizontalPodAutoscaler": "horizontalpodautoscalers",
              "Lease": "leases", "ClusterVersion": "clusterversions", "Machine": "machines"}


def _resource_of(kind: str) -> str:
    r = _RESOURCES.get(kind)
    if r:
        return r
    k = kind.lower()
    return k + ("es" if k.endswith(("s", "x", "ch", "sh")) else "s")


def audit_link(ref: dict[str, str]) -> str:
    """An audit hit's page: the object its event names (objectRef with a name), else the event
    itself on the audit page (``auditID``, narrowed to its receive time so a GB log is not read)."""
    from urllib.parse import urlencode

    if ref.get("name") and ref.get("resource"):
        ns = ref.get("namespace", "")
        return _object_link(ref.get("group", ""), ref["resource"], ns, ref["name"])
    if not ref.get("auditID"):
        return "ui/audit"
    qs = {"auditID": ref["auditID"]}
    if ref.get("requestReceivedTimestamp"):
        qs["from"] = qs["to"] = ref["requestReceivedTimestamp"]
    return "ui/audit?" + urlencode(qs)


def _object_link(group: str, resource: str, namespace: str, name: str) -> str:
    from urllib.parse import quote

    return (f"ui/objects/{quote(group or 'core', safe='')}/{quote(resource, safe='')}/"
            f"{quote(namespace or '_', safe='')}/{quote(name, safe='')}")


@dataclass
class Histogram:
    """Hits per time bucket over [start, end], per series (node, namespace, "events")."""

    start: float
    end: float
    buckets: int = BUCKETS
    counts: list[int] = field(default_factory=list)
    series: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self):
        if self.end <= self.start:
            self.end = self.start + 60
        self.width = (self.end - self.start) / self.buckets
        self.counts = [0] * self.buckets

    def add(self, t: float, label: str, n: int = 1) -> None:
        i = int((t - self.start) / self.width)
        i = 0 if i < 0 else self.buckets - 1 if i >= self.buckets else i
        self.counts[i] += n
        s = self.series.get(label)
        if s is None:
            s = self.series[label] = [0] * self.buckets
        s[i] += n

    def to_dict(self) -> dict[str, Any]:
        top = sorted(self.series.items(), key=lambda kv: -sum(kv[1]))
        series = [{"label": k, "counts": v} for k, v in top[:MAX_SERIES]]
        if len(top) > MAX_SERIES:
            rest = [sum(v[i] for _, v in top[MAX_SERIES:]) for i in range(self.buckets)]
            series.append({"label": f"{len(top) - MAX_SERIES} more", "counts": rest})
        return {"start": iso(self.start), "end": iso(self.end), "bucketSeconds": self.width,
                "counts": self.counts, "series": series}


def time_span(corpus: Corpus, sources) -> tuple[float, float]:
    """The must-gather's time span: the earliest time found at a document's start (built segments)
    to the collection time. Without either, a day before the collection time."""
    end = corpus.collection_time
    start = corpus.first_time(sources)
    if end is None:
        end = time.time()
    if start is None or start >= end:
        start = end - 86400
    return start, end


def search(corpus: Corpus, q: Query, stop: threading.Event | None = None, *,
           candidates: dict[int, array] | None = None, spans: Spans | None = None) -> Iterator[dict[str, Any]]:
    """Hits (``{"type": "hit", ...}``) as they are found, then one ``{"type": "summary", ...}``.

    Every matching line is counted (summary and histogram); at most ``q.limit`` hits are yielded.
    ``stop`` (set by a disconnected client) ends the scan between segments and hits.
    ``candidates`` (segment index -> line offsets of a broader query, ``search_cache.py``) limits
    the scan to those lines; ``spans`` collects this query's matching lines for such a later use."""
    rx = q.compile()
    regexp = rx._regexp  # the extension object: Match(anchor, text, pos, endpos) -> spans, no Match objects
    keep = doc_filter(q)
    t0 = time.monotonic()
    tally = Tally(q.sources, q.since, q.until)
    returned = 0
    files = nbytes = 0
    year = corpus.year
    latest = corpus.latest
    memo: dict[int, tuple[dict, str, str]] = {}  # id(doc) -> (its fields, link before/after the line number)
    lits = required(q.pattern, False)  # its prefix flag holds with -i too (RE2 folds its literal prefix)
    if q.ignore_case:
        lits = Literals((), lits.prefix)
    for i_seg, seg, found in _scanned(corpus, q.sources, regexp, keep, stop, candidates, lits):
        if stop is not None and stop.is_set():
            break
        if spans is not None:
            spans.add(i_seg, found)
        if seg is None:
            continue
        nbytes += len(seg.data)
        files += len(seg.docs)
        data = seg.data
        starts = seg.starts
        # the current document and the line count up to a position in it (hits come in order)
        cur_end, cur_pos, cur_line = -1, 0, 1
        d = seg.docs[0] if seg.docs else None
        label = ""
        k, n = 0, len(found)
        while k < n and returned < q.limit:
            ls, le = found[k], found[k + 1]
            k += 2
            if ls >= cur_end:
                i = seg.doc_at(ls)
                d = seg.docs[i]
                cur_pos, cur_end, cur_line = starts[i], seg.doc_end(i), 1 + d.line_base
                label = series_label(d, "")
            cur_line += data.count(b"\n", cur_pos, ls)
            cur_pos = ls
            line = data[ls:le]
            source = d.source
            if source == "events":
                t, host = d.time, ""
            elif source == "objects":
                t, host = None, ""
            elif source == "audit":
                t, host = audit_time(data, ls, le), ""
            else:
                t, host = line_time(line[:300], year, latest)
            if tally.outside(t):
                continue
            tally.add(source, t, series_label(d, host) if host else label)
            returned += 1
            yield _hit(seg, d, cur_line, ls, le, line, t, host, q.context, memo)
            if stop is not None and stop.is_set():
                break
        if k < n and not (stop is not None and stop.is_set()):
            count_rest(seg, found, k, tally, year, latest)  # past the limit: only counted
    start, end = time_span(corpus, q.sources)
    timed = tally.timed
    if timed:  # hits outside the span (clock skew, logs newer than the collection) widen it
        minutes = [m for m, _ in timed]
        start, end = min(start, min(minutes) * 60), max(end, max(minutes) * 60 + 60)
    hist = Histogram(start, end)
    for (minute, label), n in timed.items():
        hist.add(minute * 60 + 30, label, n)
    hd = hist.to_dict()
    for srs in hd["series"]:
        srs["first"] = iso(tally.firsts.get(srs["label"]))
    first = min(tally.firsts.values()) if tally.firsts else None
    yield {"type": "summary", "hits": tally.total, "returned": returned, "truncated": tally.total > returned,
           "bySource": tally.by_source, "untimed": tally.untimed, "histogram": hd,
           "firstHit": iso(first), "lastHit": iso(tally.last),
           "documents": files, "bytes": nbytes, "elapsedSeconds": round(time.monotonic() - t0, 4),
           "cancelled": bool(stop is not None and stop.is_set()), "corpus": corpus.stats()}


SCAN_THREADS = 2  # RE2 releases the GIL while it scans: both cores work on one query
SCAN_AHEAD = 4  # segments in flight per search (memory: their hit offsets)
_POOL: concurrent.futures.ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> concurrent.futures.ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = concurrent.futures.ThreadPoolExecutor(SCAN_THREADS, thread_name_prefix="search-scan")
        return _POOL


class Spans:
    """The matching lines of one search per segment (``[start0, end0, start1, ...]``), kept for
    refinements while they stay under ``limit`` lines (16 bytes a line)."""

    def __init__(self, limit: int = 1_000_000):
        self.by_segment: dict[int, array] = {}
        self.lines = 0
        self.limit = limit
        self.complete = True

    def add(self, i: int, found: array) -> None:
        if not self.complete:
            return
        self.lines += len(found) // 2
        if self.lines > self.limit:
            self.complete = False
            self.by_segment.clear()
        elif found:
            self.by_segment[i] = found

    @property
    def nbytes(self) -> int:
        return sum(a.itemsize * len(a) for a in self.by_segment.values())


def _scan_one(corpus: Corpus, i: int, regexp, keep, stop: threading.Event | None,
              cand: array | None, lits: Literals | None = None) -> tuple[int, Segment, array]:
    """Build (or take) segment ``i`` and find its matching lines: ``[start0, end0, start1, ...]``,
    among the candidate lines ``cand`` (a broader query's) when given. Three ways, the cheapest by
    the cost model below: check the candidate lines one by one, find the lines holding a literal
    every match needs (``lits``, ``search_literal.py``) and check those, or let RE2 scan the bytes.
    With candidates, the first ``PROBE`` of them are checked to learn how many match."""
    seg = corpus.segment(i)
    found = array("q")
    if stop is not None and stop.is_set():
        return i, seg, found
    data = seg.data
    n = len(data)
    append = found.append
    match = regexp.Match
    if lits is not None and lits.whole:  # a plain literal: substring search, no RE2 call per line
        for lo, hi, _i in _ranges(seg, keep):
            _literal_lines(data, lo, hi, lits.parts[0], None, append, 0)
        return i, seg, found
    byte_us = US_BYTE_FAST if lits is not None and lits.prefix else US_BYTE
    rare, lit_lines = _literal_plan(data, lits)
    # follow the literal unless RE2 jumps to its own literal prefix, or the literal's lines cost more
    # than RE2's scan (which pays for its hits too: say half of the literal's lines match)
    lit = rare if rare is not None and not lits.prefix and lit_lines * (US_LITERAL - US_HIT / 2) < n * byte_us else None
    start = 0
    if cand is not None and (lit is None or len(cand) // 2 * US_CANDIDATE <= lit_lines * US_LITERAL):
        total = len(cand) // 2
        probed = min(total, PROBE)
        _check(seg, cand, 0, probed, match, keep, append, rare)
        if probed == total:
            return i, seg, found
        start = cand[2 * probed - 1] + 1  # after the last probed line: no other line before it can match
        rest = total - probed
        left = (n - start) / n
        scan_us = (n - start) * byte_us + rest * (len(found) // 2) / probed * US_HIT
        if lit is not None:
            scan_us = min(scan_us, lit_lines * left * US_LITERAL)
        if rest * US_CANDIDATE <= scan_us:
            _check(seg, cand, probed, total, match, keep, append, rare)
            return i, seg, found
    for lo, hi, _i in _ranges(seg, keep):
        if hi <= start:
            continue
        lo = max(lo, start)
        if lit is not None:
            lo = _literal_lines(data, lo, hi, lit, match, append, max(64, lit_lines))
        _re2_lines(data, lo, hi, match, append)
    return i, seg, found


# The cost model of _scan_one, in microseconds per step (measured with scripts/bench_search.py's
# queries on the benchmark tree, 2 vCPUs): every line found or checked is a step in Python (a RE2
# call, the line's bounds), while RE2 scanning bytes runs in C, fast when the regex starts with a
# literal it can jump to (US_BYTE_FAST), slower when its DFA walks every byte (US_BYTE).
US_CANDIDATE = 1.8  # check one candidate line
US_LITERAL = 4.0  # find the next line holding the literal (CPython's find: ~1 GB/s) and check it
US_HIT = 2.6  # a matching line RE2 found scanning
US_BYTE = 0.0012
US_BYTE_FAST = 0.0003
PROBE = 256  # candidate lines checked before choosing how to go on
LITERAL_SAMPLE = 1 << 16


def _check(seg: Segment, cand: array, a: int, b: int, match, keep, append, lit: bytes | None) -> None:
    """Check the candidate lines ``a..b`` (``cand[2a:2b]`` offsets); a line without ``lit`` (a
    literal every match holds) is passed over without calling RE2."""
    data = seg.data
    find = data.find
    unanchored = re2._Anchor.UNANCHORED
    it = iter(cand[2 * a:2 * b])
    for ls, le in zip(it, it):
        if lit is not None and find(lit, ls, le) < 0:
            continue
        if keep is not None and not keep(seg.docs[seg.doc_at(ls)]):
            continue
        if match(unanchored, data, ls, le)[0][0] >= 0:  # RE2 sees the line's context: ^ $ \b hold
            append(ls)
            append(le)


def _literal_plan(data: bytes, lits: Literals | None) -> tuple[bytes | None, int]:
    """The rarest required literal in samples of ``data`` (four 16 KB slices spread over it) and its
    estimated count, or ``(None, 0)`` without one."""
    if lits is None or not lits.parts:
        return None, 0
    n = len(data)
    slices = [(0, n)] if n <= LITERAL_SAMPLE else [(k * n // 4, k * n // 4 + LITERAL_SAMPLE // 4) for k in range(4)]
    sample = sum(b - a for a, b in slices)
    best, count = None, 0
    for lit in lits.parts[:4]:  # longest first
        c = sum(data.count(lit, a, b) for a, b in slices)
        if best is None or c < count:
            best, count = lit, c
    return best, count * n // max(sample, 1) + 1


def _literal_lines(data: bytes, lo: int, hi: int, lit: bytes, match, append, budget: int) -> int:
    """Append the lines of ``data[lo:hi]`` that hold ``lit`` and match (``match`` None: every such
    line); returns where RE2 must go on (``hi`` when done; earlier when more than ``budget`` lines
    held the literal but did not match, as the estimate was wrong for this part)."""
    find, rfind = data.find, data.rfind
    unanchored = re2._Anchor.UNANCHORED
    pos, missed = lo, 0
    while pos < hi:
        p = find(lit, pos, hi)
        if p < 0:
            return hi
        ls = rfind(b"\n", pos, p) + 1  # pos is a line's start: -1 + 1 means the literal is on that line
        if ls == 0:
            ls = pos
        le = find(b"\n", p, hi)
        if le < 0:
            le = hi
        if match is None or match(unanchored, data, ls, le)[0][0] >= 0:  # RE2 sees the line's context
            append(ls)
            append(le)
        else:
            missed += 1
            if missed > budget:
                return le + 1 if le < hi else hi
        pos = le + 1
    return hi


def _re2_lines(data: bytes, lo: int, hi: int, match, append) -> None:
    """Append the matching lines of ``data[lo:hi]``: one RE2 search per matching line, resuming
    after it (linear in the range)."""
    find, rfind = data.find, data.rfind
    unanchored = re2._Anchor.UNANCHORED
    pos = lo
    while pos < hi:
        s = match(unanchored, data, pos, hi)[0][0]
        if s < 0 or (s >= hi and data[hi - 1] == 10):
            break
        ls = rfind(b"\n", lo, s) + 1  # -1 + 1 when the match is on the range's first line
        if ls < lo:
            ls = lo
        le = find(b"\n", s, hi)
        if le < 0:
            le = hi
        append(ls)
        append(le)
        pos = le + 1


def _scanned(corpus: Corpus, sources, regexp, keep, stop: threading.Event | None,
             candidates: dict[int, array] | None = None, lits: Literals | None = None):
    """(index, segment, matching line offsets) in plan order, scanned SCAN_AHEAD at a time in the
    pool; with ``candidates``, segments without any are skipped (``(index, None, [])``)."""
    todo = corpus.indices(sources)
    pool = _pool()
    inflight: deque = deque()
    k = 0
    try:
        while k < len(todo) or inflight:
            while k < len(todo) and len(inflight) < SCAN_AHEAD:
                i = todo[k]
                k += 1
                if candidates is not None and i not in candidates:
                    continue
                inflight.append(pool.submit(_scan_one, corpus, i, regexp, keep, stop,
                                            None if candidates is None else candidates[i], lits))
            if not inflight:
                break
            yield inflight.popleft().result()
            if stop is not None and stop.is_set():
                return
    finally:
        for f in inflight:
            f.cancel()


def _ranges(seg: Segment, keep) -> Iterator[tuple[int, int, int | None]]:
    """The byte ranges to scan: the whole segment, or each kept document's."""
    if keep is None:
        yield 0, len(seg.data), None
        return
    for i, d in enumerate(seg.docs):
        if keep(d):
            yield seg.starts[i], seg.doc_end(i), i


def _doc_fields(d: Doc, memo: dict) -> tuple[dict, str, str]:
    got = memo.get(id(d))
    if got is None:
        lk = link(d, 0)
        pre, sep, post = lk.partition("#L0") if lk.endswith("#L0") else (lk, "", "")
        got = memo[id(d)] = (d.to_dict(), pre + ("#L" if sep else ""), "")
        if len(memo) > 100_000:
            memo.clear()
    return got


_ISO_CACHE: dict[int, str] = {}


def _iso_ms(t: float) -> str:
    sec = int(t)
    head = _ISO_CACHE.get(sec)
    if head is None:
        if len(_ISO_CACHE) > 100_000:
            _ISO_CACHE.clear()
        head = _ISO_CACHE[sec] = datetime.fromtimestamp(sec, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{head}.{int((t - sec) * 1000):03d}Z"


def _hit(seg: Segment, d: Doc, lineno: int, ls: int, le: int, line: bytes, t: float | None, host: str,
         context: int, memo: dict) -> dict[str, Any]:
    fields, pre, _ = _doc_fields(d, memo)
    h: dict[str, Any] = {"type": "hit", **fields, "line": lineno, "text": _text(line)}
    if d.source == "nodes" and host:
        h["node"] = host
        h["link"] = link(d, lineno, host)
    elif d.source == "audit":
        ref = audit_ref(line)
        h["link"] = audit_link(ref)
        for k in ("auditID", "verb", "user"):
            if k in ref:
                h[k] = ref[k]
    elif pre:
        h["link"] = f"{pre}{lineno}" if pre.endswith("#L") else pre
    if t is not None:
        h["time"] = _iso_ms(t)
    if context:
        i = seg.doc_at(ls)
        start, end = seg.starts[i], seg.doc_end(i)
        data = seg.data
        before, p = [], ls
        for _ in range(context):
            if p <= start:
                break
            q = max(data.rfind(b"\n", start, p - 1) + 1, start)
            before.append(_text(data[q:p - 1]))
            p = q
        after, p = [], le + 1
        for _ in range(context):
            if p >= end:
                break
            q = data.find(b"\n", p, end)
            q = end if q < 0 else q
            after.append(_text(data[p:q]))
            p = q + 1
        h["before"] = before[::-1]
        h["after"] = after
    return h


def count_lines(corpus: Corpus, q: Query) -> dict[str, int]:
    """Matching lines per document path (logs/nodes) or label, for comparisons with ``rg -c``."""
    out: dict[str, int] = {}
    qq = Query(**{**q.__dict__, "limit": MAX_LIMIT})
    for h in search(corpus, qq):
        if h["type"] == "hit":
            k = h.get("path") or h["label"]
            out[k] = out.get(k, 0) + 1
    return out
