"""Refined searches (search_cache.narrower) and the literal prefilter (search_literal.required) must
never lose a hit: a property test against RE2 itself.

``narrower(new, old)`` claims that every line ``new`` matches is a line ``old`` matches (a search for
``new`` then scans only ``old``'s hits); ``required(p)`` claims that every match of ``p`` holds each of
its literals (a search skips lines without them). Both are syntactic; here random patterns built
from RE2 syntax that changes meaning when text is put before or after it (unclosed ``{2,`` that RE2
reads literally, ``\\Q...\\E`` quoting, octal escapes, ``\\pL``, classes, groups, alternation) are
checked on random lines with RE2 (the engine the search runs, with the search's own options).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staticapi.insight.search import Query, QueryError
from staticapi.insight.search_cache import narrower
from staticapi.insight.search_literal import required

PIECES = ["a", "b", "x", "1", "2", "{", "}", "{2", "{2,", "{1,2}", ",", "[", "]", "[ab]", "(", ")", "|", "*",
          "+", "?", ".", "^", "$", "\\Q", "\\E", "\\d", "\\0", "\\01", "\\1", "\\p", "\\pL", "L", "\\x", "\\x4",
          "4", "1}", "\\", "\\\\", "(?i)", "(?:", "\\b", "-", " ", "error"]
LINE_CHARS = "ab x12{},[]()|*+.?^$\\LE4-"


def _compile(p: str):
    try:
        return Query(p).compile()
    except QueryError:
        return None


def _matches(rx, line: str) -> bool:
    return rx.search(line.encode()) is not None


patterns = st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join)
lines = st.lists(st.one_of(st.text(LINE_CHARS, max_size=12), patterns), min_size=1, max_size=12)
CHECK = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CHECK
@given(patterns, patterns, st.booleans(), lines)
def test_a_refinement_keeps_every_hit(old: str, added: str, append: bool, sample: list[str]) -> None:
    new = old + added if append else added + old
    if not narrower(new, old):
        return
    rx_old, rx_new = _compile(old), _compile(new)
    if rx_old is None or rx_new is None:
        return  # an invalid pattern is never searched, so never cached
    for line in sample + [new, old, added, new.replace("\\", "")]:
        if _matches(rx_new, line):
            assert _matches(rx_old, line), (old, new, line)


@CHECK
@given(patterns, lines)
def test_every_required_literal_is_in_every_match(p: str, sample: list[str]) -> None:
    rx = _compile(p)
    if rx is None:
        return
    lits = required(p, False)
    for line in sample + [p, p.replace("\\", "")]:
        if _matches(rx, line):
            for part in lits.parts:
                assert part in line.encode(), (p, line, lits)


@CHECK
@given(patterns, lines)
def test_a_whole_literal_matches_exactly_the_lines_holding_it(p: str, sample: list[str]) -> None:
    # a plain literal is searched with bytes.find, not RE2 (search._scan_one): the same lines
    rx = _compile(p)
    lits = required(p, False)
    if rx is None or not lits.whole:
        return
    for line in sample + [p, p.replace("\\", "")]:
        assert _matches(rx, line) == (lits.parts[0] in line.encode()), (p, line, lits)


def _compile_q(p: str, ignore_case: bool):
    try:
        return Query(p, ignore_case=ignore_case).compile()
    except QueryError:
        return None


@CHECK
@given(patterns, patterns, st.booleans(), st.booleans(), st.booleans(), lines)
def test_a_cached_base_holds_every_line_of_the_query(old: str, added: str, append: bool, base_ic: bool,
                                                    q_ic: bool, sample: list[str]) -> None:
    # search_cache._refines: the syntactic rule or a literal the base is (any case options)
    from staticapi.insight.search_cache import _refines

    new = old + added if append else added + old
    for base_p, q_p in ((old, new), (old.replace("\\", ""), new)):
        base, q = Query(base_p, ignore_case=base_ic), Query(q_p, ignore_case=q_ic)
        if not _refines(q, base):
            continue
        rx_base, rx_q = _compile_q(base_p, base_ic), _compile_q(q_p, q_ic)
        if rx_base is None or rx_q is None:
            continue
        for line in sample + [q_p, base_p, q_p.upper(), q_p.replace("\\", "")]:
            if _matches(rx_q, line):
                assert _matches(rx_base, line), (base_p, base_ic, q_p, q_ic, line)


# ------------------------------------------------------------------ the scan's three ways, one answer
# search._scan_one finds a segment's matching lines by checking candidate lines one by one, by
# following a required literal, or by letting RE2 scan the bytes, chosen by a cost model; with a
# filter (keep) only some documents' ranges. Each way, forced by the cost constants, must find
# exactly the lines an RE2 search of each line alone finds.
_COSTS = {
    "model": {},
    "candidates": {"US_CANDIDATE": 0.0, "US_BYTE": 1e9, "US_BYTE_FAST": 1e9, "US_LITERAL": 1e9},
    "literal": {"US_CANDIDATE": 1e9, "US_LITERAL": 0.0, "US_BYTE": 1e9, "US_BYTE_FAST": 1e9},
    "scan": {"US_CANDIDATE": 1e9, "US_LITERAL": 1e9, "US_BYTE": 0.0, "US_BYTE_FAST": 0.0},
    "probe then scan": {"PROBE": 2, "US_CANDIDATE": 1e9, "US_LITERAL": 1e9, "US_BYTE": 0.0, "US_BYTE_FAST": 0.0},
}
doc_lines = st.lists(st.one_of(st.text(LINE_CHARS + "\n", max_size=10), patterns), min_size=0, max_size=6)


def _segment(docs: list[list[str]], last_newline: bool):
    from array import array

    from staticapi.insight.corpus_docs import Doc, Segment

    parts, starts, pos = [], array("q"), 0
    for k, lines_ in enumerate(docs):
        text = "\n".join(lines_) + ("\n" if (k < len(docs) - 1 or last_newline) else "")
        b = text.encode()
        starts.append(pos)
        parts.append(b)
        pos += len(b)
    return Segment("objects", b"".join(parts), starts, [Doc("objects", name=f"d{k}") for k in range(len(docs))])


def _oracle(seg, p: str, keep) -> list[int]:
    rx = _compile(p)
    out = []
    for i, d in enumerate(seg.docs):
        if keep is not None and not keep(d):
            continue
        lo, hi = seg.starts[i], seg.doc_end(i)
        pos = lo
        while pos < hi:
            le = seg.data.find(b"\n", pos, hi)
            le = hi if le < 0 else le
            if rx.search(seg.data[pos:le]) is not None:
                out += [pos, le]
            if le >= hi:
                break
            pos = le + 1
    return out


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns, st.data(), st.booleans(), st.sampled_from(sorted(_COSTS)), st.sampled_from(["all", "odd docs"]),
       st.booleans())
def test_every_way_of_scanning_finds_the_same_lines(p, data, last_newline, costs, kept, with_candidates):
    import pytest

    from staticapi.insight import corpus as corpusmod
    from staticapi.insight import search as S

    rx = _compile(p)
    if rx is None:
        return
    # lines that often match: the pattern's own text and literals, and short texts of its characters
    lits = required(p, False)
    near = st.one_of(st.sampled_from([p, p.replace("\\", ""), *[x.decode() for x in lits.parts], "", "x"]),
                     st.text(p + "\n " if p else "a", max_size=8))
    line = st.builds(lambda a, b: a + b, near, st.one_of(st.just(""), near))
    docs = data.draw(st.lists(st.lists(line, max_size=6), min_size=1, max_size=4))
    seg = _segment(docs, last_newline)
    keep = None if kept == "all" else (lambda d: int(d.name[1:]) % 2 == 1)
    want = _oracle(seg, p, keep)
    corpus = corpusmod.Corpus(year=2025, collection_time=None)
    corpus.plans.append(corpusmod._Plan("objects", seg.docs, lambda _ds: seg))
    cand = _array(_oracle(seg, "(?s:.*)", keep)) if with_candidates else None  # every line: a broad base
    with pytest.MonkeyPatch.context() as mp:
        for name, value in _COSTS[costs].items():
            mp.setattr(S, name, value)
        _, _, found = S._scan_one(corpus, 0, rx._regexp, keep, None, cand, lits)
    assert list(found) == want, (docs, p, costs, kept, with_candidates)


def _array(xs):
    from array import array

    return array("q", xs)


_EDGE_DOCS = [[["a", "b"]], [["a", ""], ["", "b"]], [[""], ["a"], [""]], [["ab", "ba"], ["a"]], [[], ["a"]]]


def test_every_way_of_scanning_agrees_on_empty_matches_and_range_ends():
    # patterns that match the empty string (at a range's end after its last line break, RE2 finds one
    # more "line" that is not one), lines at document boundaries, empty documents and lines
    import itertools

    import pytest

    from staticapi.insight import corpus as corpusmod
    from staticapi.insight import search as S

    for docs, last_newline, p, costs, kept, with_cand in itertools.product(
            _EDGE_DOCS, (True, False), ["^$", "^x*$", "x*", "$", "^", r"\b", "a?", "a", "^a", "a$", "b|^$"],
            sorted(_COSTS), ("all", "odd docs"), (False, True)):
        rx = _compile(p)
        seg = _segment(docs, last_newline)
        keep = None if kept == "all" else (lambda d: int(d.name[1:]) % 2 == 1)
        want = _oracle(seg, p, keep)
        corpus = corpusmod.Corpus(year=2025, collection_time=None)
        corpus.plans.append(corpusmod._Plan("objects", seg.docs, lambda _ds, seg=seg: seg))
        cand = _array(_oracle(seg, "(?s:.*)", keep)) if with_cand else None
        with pytest.MonkeyPatch.context() as mp:
            for name, value in _COSTS[costs].items():
                mp.setattr(S, name, value)
            _, _, found = S._scan_one(corpus, 0, rx._regexp, keep, None, cand, required(p, False))
        assert list(found) == want, (docs, last_newline, p, costs, kept, with_cand)
