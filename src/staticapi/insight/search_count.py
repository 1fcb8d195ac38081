"""Counting the hits a search no longer shows: totals per source and the time histogram.

Why this module exists: past ``limit`` a search still counts every matching line (the summary and
the chart are about all of them), and a common query ("error", a timestamp prefix) matches
hundreds of thousands of lines. Per line that is a dictionary of times and series in Python; here
it is done per *distinct minute* instead: for a pod log (one series per document) the lines'
``YYYY-MM-DDTHH:MM`` prefixes are counted with :class:`collections.Counter` (C), and each distinct
prefix is turned into a time once. The lines of the document's first and last minute are parsed
fully, for the exact first and last hit and for the document's zone offset (``oc logs
--timestamps`` and CRI files keep one zone per file); with a from/to window those two minutes are
counted line by line (the window's edges may cut them). Lines without that prefix, node logs (a
series per journal host) and events go line by line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from .corpus import Segment
from .corpus_gathered import audit_time
from .logtime import fast_time, line_time

_KEY_RE = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d\Z")
_KEYS: dict[bytes, float | None] = {}


def _minute_time(key: bytes) -> float | None:
    """``YYYY-MM-DDTHH:MM`` as epoch seconds (UTC), or None for anything else."""
    t = _KEYS.get(key, -1.0)
    if t == -1.0:
        t = line_time(key + b":00Z", 1970)[0] if _KEY_RE.match(key) else None
        if len(_KEYS) > 500_000:
            _KEYS.clear()
        _KEYS[key] = t
    return t


def series_label(d, host: str) -> str:
    if d.source == "nodes":
        return f"node {host or d.node or d.label}"
    if d.source == "events":
        return "events"
    if d.source == "objects":
        return "objects"
    if d.source == "audit":
        return f"audit {d.service}"
    if d.source == "gathered":
        return d.service
    return f"ns {d.namespace}"


class Tally:
    """Hits counted: total, per source, untimed, per (minute, series), each series' first, the last."""

    __slots__ = ("total", "by_source", "untimed", "timed", "firsts", "last", "since", "until")

    def __init__(self, sources, since: float | None, until: float | None):
        self.total = 0
        self.by_source: dict[str, int] = dict.fromkeys(sources, 0)
        self.untimed = 0
        self.timed: dict[tuple[int, str], int] = {}  # bounded by minutes x series, whatever the hits
        self.firsts: dict[str, float] = {}
        self.last: float | None = None
        self.since = since
        self.until = until

    def outside(self, t: float | None) -> bool:
        """Whether a hit at ``t`` falls outside the query's from/to window (no time: outside)."""
        if self.since is None and self.until is None:
            return False
        return t is None or (self.since is not None and t < self.since) or (self.until is not None and t > self.until)

    def add_minute(self, source: str, t: float, label: str, n: int) -> None:
        """``n`` hits within the minute of ``t`` (their exact first and last: :meth:`first_last`)."""
        self.total += n
        self.by_source[source] = self.by_source.get(source, 0) + n
        mk = (int(t // 60), label)
        self.timed[mk] = self.timed.get(mk, 0) + n

    def first_last(self, label: str, t: float) -> None:
        f = self.firsts.get(label)
        if f is None or t < f:
            self.firsts[label] = t
        if self.last is None or t > self.last:
            self.last = t

    def add(self, source: str, t: float | None, label: str, n: int = 1) -> None:
        self.total += n
        self.by_source[source] = self.by_source.get(source, 0) + n
        if t is None:
            self.untimed += n
            return
        mk = (int(t // 60), label)
        self.timed[mk] = self.timed.get(mk, 0) + n
        f = self.firsts.get(label)
        if f is None or t < f:
            self.firsts[label] = t
        if self.last is None or t > self.last:
            self.last = t


def _line(data: bytes, ls: int) -> bytes:
    le = data.find(b"\n", ls, ls + 300)
    return data[ls:le] if le >= 0 else data[ls:ls + 300]


def count_rest(seg: Segment, found, k0: int, tally: Tally, year: int, latest: float | None) -> None:
    """Count the hits ``found[k0:]`` (``[start, end, ...]`` offsets in ``seg``) into ``tally``."""
    data = seg.data
    starts = found[k0::2]
    windowed = tally.since is not None or tally.until is not None
    # pod logs whose counted lines all start with a time: (series, zone offset) -> minute prefixes
    minutes: dict[tuple[str, float], list[bytes]] = {}
    edges: list[_Edge] = []
    j, n = 0, len(starts)
    while j < n:
        i = seg.doc_at(starts[j])
        d = seg.docs[i]
        jj = bisect_left(starts, seg.doc_end(i), j)
        if d.source == "events" or d.source == "objects":
            t = d.time if d.source == "events" else None
            for _ in range(jj - j):
                if not tally.outside(t):
                    tally.add(d.source, t, series_label(d, ""))
        elif d.source == "audit" or d.source == "gathered":
            label = series_label(d, "")
            for x in starts[j:jj]:
                if d.source == "audit":
                    e = data.find(b"\n", x)
                    t = audit_time(data, x, e if e >= 0 else len(data))
                else:
                    t = line_time(_line(data, x), year, latest)[0]
                if not tally.outside(t):
                    tally.add(d.source, t, label)
        elif d.source == "nodes":
            for x in starts[j:jj]:
                t, host = fast_time(_line(data, x), year, latest)
                if not tally.outside(t):
                    tally.add("nodes", t, series_label(d, host))
        elif windowed or not _minutes_of(seg, i, starts[j:jj], d, year, latest, minutes, edges):
            _count_log(data, starts[j:jj], d, tally, year, latest)
        j = jj
    timed, by_source = tally.timed, tally.by_source
    for (label, off), keys in minutes.items():
        tally.total += len(keys)
        by_source["logs"] = by_source.get("logs", 0) + len(keys)
        for key, c in Counter(keys).items():
            kt = _minute_time(key)
            if kt is None:  # between two times but not one (sorted keys): counted without a time
                tally.untimed += c
                continue
            mk = (int((kt - off) // 60), label)  # the minute (UTC) the lines were written in
            timed[mk] = timed.get(mk, 0) + c
    _first_last(edges, tally, data, year, latest)


class _Edge:
    """A pod log's counted lines in one segment, for the exact first and last hit of its series."""

    __slots__ = ("label", "lo", "hi", "xs", "keys", "kmin", "kmax")

    def __init__(self, label, lo, hi, xs, keys, kmin, kmax):
        self.label, self.lo, self.hi, self.xs, self.keys, self.kmin, self.kmax = label, lo, hi, xs, keys, kmin, kmax


def _minutes_of(seg: Segment, i: int, xs, d, year: int, latest: float | None,
                minutes: dict[tuple[str, float], list[bytes]], edges: list[_Edge]) -> bool:
    """Add a pod log's counted lines to ``minutes`` when they all start with a time (else False).
    The document's zone offset (``oc logs --timestamps`` and CRI files keep one zone per file) is
    learnt once per segment from one line parsed fully; the exact first and last hits are left to
    :func:`_first_last`, which parses only the lines of each series' earliest and latest minute."""
    data = seg.data
    keys = [data[x:x + 16] for x in xs]
    kmin, kmax = min(keys), max(keys)
    tmin, tmax = _minute_time(kmin), _minute_time(kmax)
    if tmin is None or tmax is None:
        return False  # some line has no time prefix (sorted keys: digits first, then anything else)
    off = seg.zones.get(i)
    if off is None:
        t0 = line_time(_line(data, xs[keys.index(kmin)]), year, latest)[0]
        if t0 is None:
            return False
        # the minute as written against the same line's minute in UTC: the zone, a whole number of minutes
        off = seg.zones[i] = round((tmin - (t0 // 60) * 60) / 60) * 60.0
    label = series_label(d, "")
    minutes.setdefault((label, off), []).extend(keys)
    edges.append(_Edge(label, tmin - off, tmax - off, xs, keys, kmin, kmax))
    return True


def _first_last(edges: list[_Edge], tally: Tally, data: bytes, year: int, latest: float | None) -> None:
    """The exact first and last hit per series: only the documents holding the series' earliest
    (latest) counted minute can hold its first (last) hit; their lines of that minute are parsed."""
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    for e in edges:
        if e.lo < lo.get(e.label, float("inf")):
            lo[e.label] = e.lo
        if e.hi > hi.get(e.label, float("-inf")):
            hi[e.label] = e.hi
    for e in edges:
        for key, want in ((e.kmin, e.lo == lo[e.label]), (e.kmax, e.hi == hi[e.label])):
            if want:
                for x, k in zip(e.xs, e.keys):
                    if k == key:
                        t = line_time(_line(data, x), year, latest)[0]
                        if t is not None:
                            tally.first_last(e.label, t)


def _count_log(data: bytes, starts, d, tally: Tally, year: int, latest: float | None) -> None:
    label = series_label(d, "")
    valid: list[tuple[bytes, float, int]] = []  # (minute prefix, its time as UTC, lines)
    other: set[bytes] = set()
    for key, c in Counter([data[x:x + 16] for x in starts]).items():
        kt = _minute_time(key)
        if kt is None:
            other.add(key)
        else:
            valid.append((key, kt, c))
    if valid:
        valid.sort()

        def exact(key: bytes) -> list[float]:
            ts = (line_time(_line(data, x), year, latest)[0] for x in starts if data[x:x + 16] == key)
            return [t for t in ts if t is not None]

        # the document's zone: its first minute as written against the same lines fully parsed
        first_ts = exact(valid[0][0])
        off = round((valid[0][1] - (min(first_ts) // 60) * 60) / 60) * 60 if first_ts else 0.0
        since, until = tally.since, tally.until
        counted: list[bytes] = []
        for key, kt, c in valid:
            lo = kt - off
            if (since is not None and lo + 60 <= since) or (until is not None and lo > until):
                continue  # the whole minute is outside the window
            if (since is not None and lo < since) or (until is not None and lo + 60 > until):
                other.add(key)  # the window's edge cuts this minute: its lines one by one
                continue
            tally.add_minute("logs", lo + 30, label, c)
            counted.append(key)
        if counted:  # the exact first and last hit of the minutes counted as a whole
            for t in exact(counted[0]):
                tally.first_last(label, t)
            if counted[-1] != counted[0]:
                for t in exact(counted[-1]):
                    tally.first_last(label, t)
    if other:  # lines without a timestamp prefix, or in a minute the window cuts: one by one
        for x in starts:
            if data[x:x + 16] in other:
                t = line_time(_line(data, x), year, latest)[0]
                if not tally.outside(t):
                    tally.add("logs", t, label)
