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

import re2
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
