"""Repeated and refined searches: answered from the last results instead of a new scan.

Why this module exists: an investigation is a sequence of close queries ("error", then
"error.*timeout", then the same in one namespace) and the page re-runs a query on back/forward.
Per corpus (so per store: a reload forgets it) this keeps the last results (LRU, bounded in
bytes):

* the same query again replays its records (hits and summary, ``"cached": true``);
* a *refined* query, one that can only match lines the earlier query matched, scans only the
  earlier query's matching lines (their offsets are kept, 16 bytes a line, up to 1M lines); of
  several such earlier queries, the one with the fewest lines.

A refinement is recognised syntactically, soundly (never a lost hit): same sources and case
option, every filter of the earlier query kept, and the new pattern is the earlier one with
something prepended or appended (``error`` -> ``error.*timeout``, ``timeout`` -> ``upstream
timeout``) where neither part has a top-level ``|``, no part starts with a quantifier that would
bind to the other's last atom, no escape is split, and the added part has no flag group
(``(?i)`` would change how the earlier part matches). An earlier query that is a plain literal
also holds every line of a later one that requires that literal (``search_literal.required``:
"error", then ``^2025-03-20T0[3-5]:.*error``). Anything else scans.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from .corpus import Corpus
from .search import Query, Spans, search
from .search_literal import required, top_level_bar

RESULT_CACHE_ENTRIES = 32
RESULT_CACHE_BYTES = 64 << 20  # per corpus, records and line offsets of all entries together
_FILTERS = ("namespace", "pod", "container", "kind", "since", "until")


class _Entry:
    __slots__ = ("query", "records", "spans", "size")

    def __init__(self, query: Query, records: list[dict] | None, spans: Spans | None, size: int):
        self.query = query
        self.records = records
        self.spans = spans
        self.size = size


class Results:
    """The last results of one corpus (LRU)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple, _Entry] = OrderedDict()
        self.size = 0

    def get(self, key: tuple) -> _Entry | None:
        with self.lock:
            got = self.items.get(key)
            if got is not None:
                self.items.move_to_end(key)
            return got

    def entries(self) -> list[_Entry]:
        with self.lock:
            return list(reversed(self.items.values()))  # newest first

    def put(self, key: tuple, entry: _Entry) -> None:
        with self.lock:
            if key in self.items or entry.size > RESULT_CACHE_BYTES // 2:
                return
            self.items[key] = entry
            self.size += entry.size
            while len(self.items) > RESULT_CACHE_ENTRIES or self.size > RESULT_CACHE_BYTES:
                _, old = self.items.popitem(last=False)
                self.size -= old.size


def _key(q: Query) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in q.__dict__.items()))


def narrower(new: str, old: str) -> bool:
    """Whether every line ``new`` matches is a line ``old`` matches, by the rule in the module doc."""
    if new == old or not old or old not in new:
        return False
    if top_level_bar(old) or top_level_bar(new):
        return False
    if new.startswith(old):
        added = new[len(old):]
        if added[:1] in ("*", "+", "?", "{") or "(?" in added or "\\Q" in added:
            return False
        if _ends_in_escape(old) or _open_repeat(old) or _open_quote(old):
            return False
        return not (_OCTAL_END.search(old) and added[:1].isdigit())
    if new.endswith(old):
        added = new[: len(new) - len(old)]
        if old[:1] in ("*", "+", "?", "{") or "(?" in added or _ends_in_escape(added):
            return False
        # the added part must be whole: no class, group or repetition that old's text would close,
        # no quoting (old's syntax read as text), no escape that old's first characters complete
        # ('\\p' + 'L', '\\0' + '1')
        return not (any(c in added for c in "[({") or "\\Q" in added or _ESCAPE_START_END.search(added))
    return False


def _ends_in_escape(p: str) -> bool:
    k = len(p) - len(p.rstrip("\\"))
    return k % 2 == 1


# RE2 reads a '{' that does not make a repetition as text ('a{2,' matches "a{2,"): what is appended
# may close it ('a{2,' + '}' repeats 'a'); an octal escape takes up to three digits ('\\0' + '1');
# after '\\Q' everything is text up to '\\E'. Escapes are found with their parity (an escaped
# backslash is text).
_OCTAL_END = re.compile(r"(?<!\\)(?:\\\\)*\\[0-7]{1,2}\Z")
_ESCAPE_START_END = re.compile(r"(?<!\\)(?:\\\\)*\\(?:[pPxQE]|[0-7]{1,2})\Z")


def _unescaped(p: str):
    """(index, character) of ``p``'s characters that are syntax, not escaped."""
    i, n = 0, len(p)
    while i < n:
        if p[i] == "\\":
            i += 2
            continue
        yield i, p[i]
        i += 1


def _open_repeat(p: str) -> bool:
    """Whether ``p`` has a '{' with no '}' after it (text to RE2 now, perhaps a repetition later)."""
    last_open = last_close = -1
    for i, c in _unescaped(p):
        if c == "{":
            last_open = i
        elif c == "}":
            last_close = i
    return last_open > last_close


def _open_quote(p: str) -> bool:
    """Whether ``p`` has a '\\Q' with no '\\E' after it."""
    i, n, quoting = 0, len(p), False
    while i < n - 1:
        if p[i] == "\\":
            if p[i + 1] == "Q" and not quoting:
                quoting = True
            elif p[i + 1] == "E":
                quoting = False
            i += 2
            continue
        i += 1
    return quoting


def _refines(q: Query, base: Query) -> bool:
    if tuple(q.sources) != tuple(base.sources):
        return False
    for f in _FILTERS:
        b = getattr(base, f)
        if b is not None and getattr(q, f) != b:
            return False
    if q.ignore_case == base.ignore_case and (q.pattern == base.pattern or narrower(q.pattern, base.pattern)):
        return True
    return _needs_literal_of(q, base)


def _needs_literal_of(q: Query, base: Query) -> bool:
    """Whether ``base`` is a plain literal that every match of ``q`` contains (``search_literal``):
    "error" then ``^2025-03-20T0[3-5]:.*error`` checks only the lines holding "error". A
    case-insensitive base matches more lines, so it still holds all of them; a case-insensitive
    ``q`` requires no literal byte for byte."""
    if q.ignore_case:
        return False
    lit = required(base.pattern, False)
    if not lit.whole:
        return False
    b = lit.parts[0].lower() if base.ignore_case else lit.parts[0]  # (ASCII case: RE2 folds at least that)
    return any(b in (part.lower() if base.ignore_case else part) for part in required(q.pattern, False).parts)


def cached_search(corpus: Corpus, q: Query, stop: threading.Event | None = None) -> Iterator[dict[str, Any]]:
    """:func:`search.search`, remembered per corpus (module doc). Records must not be mutated."""
    with corpus._lock:
        if corpus.results is None:
            corpus.results = Results()
    cache: Results = corpus.results
    key = _key(q)
    got = cache.get(key)
    if got is not None and got.records is not None:
        t0 = time.monotonic()
        for r in got.records[:-1]:
            if stop is not None and stop.is_set():
                break
            yield r
        yield {**got.records[-1], "cached": True, "elapsedSeconds": round(time.monotonic() - t0, 4)}
        return
    candidates, fewest = None, None
    for e in cache.entries():  # the earlier query with the fewest lines that holds every line q can match
        if e.spans is not None and e.spans.complete and (fewest is None or e.spans.lines < fewest) and _refines(q, e.query):
            candidates, fewest = e.spans.by_segment, e.spans.lines
    spans = Spans()
    records: list[dict] | None = []
    size = 0
    for r in search(corpus, q, stop, candidates=candidates, spans=spans):
        if records is not None:
            records.append(r)
            size += 200 + len(r.get("text", "")) + sum(len(x) for x in r.get("before", ())) + sum(
                len(x) for x in r.get("after", ()))
            if size > RESULT_CACHE_BYTES // 4:
                records = None  # too big to replay: memory stays bounded
        if r["type"] == "summary":
            if candidates is not None:
                r["refinedFrom"] = True
            if not r.get("cancelled"):
                keep_spans = spans if spans.complete else None
                cache.put(key, _Entry(q, records, keep_spans, size + (keep_spans.nbytes if keep_spans else 0)))
        yield r  # the summary is stored before it is yielded: a consumer may stop at it
