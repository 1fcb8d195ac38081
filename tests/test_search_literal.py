"""The search prefilter's literals (insight/search_literal.py): sound against RE2 itself."""

from __future__ import annotations

import random

import pytest
import re2

from staticapi.insight.search_literal import Literals, required


@pytest.mark.parametrize("pattern,parts,prefix", [
    ("error", [b"error"], True),
    ("upstream timeout", [b"upstream timeout"], True),
    (r"^2025-03-20T0[3-5]:.*error", [b"2025-03-20T0", b"error", b":"], False),
    (r'\d+\.\d+\.\d+\.\d+:\d+" resp=200', [b'" resp=200', b":", b"."], False),
    (r"upstream.*attempt=\d$", [b"upstream", b"attempt="], True),
    (r"E\d{4} \d\d:\d\d", [b"E", b" ", b":"], True),
    ("colou?r", [b"colo", b"r"], True),
    ("ab*c", [b"a", b"c"], True),
    ("a{2}bc", [b"bc"], False),
    (r"\.yaml", [b".yaml"], True),
    ("(?:foo|bar)baz", [b"baz"], False),
    ("[[:alpha:]]x|y", [], False),  # a top-level | : nothing is required
    ("foo|bar", [], False),
    ("(foo)|bar", [], False),
    ("(?i)error", [], False),  # a flag group changes how the rest matches: stop
    ("abc(?i)def", [b"ab"], True),  # what follows a stop may repeat its last character: dropped
    (r"\Qa.b\E", [], False),
    (r"x\x41y", [], False),
    ("a{,2}b", [], False),  # RE2 reads "{,2}" literally: stop rather than guess
    ("héllo wörld", ["héllo wörld".encode()], True),
    ("", [], False),
])
def test_required(pattern, parts, prefix):
    got = required(pattern, False)
    assert sorted(got.parts) == sorted(parts)
    assert got.prefix == prefix


@pytest.mark.parametrize("pattern,whole", [("error", True), (r"\.yaml", True), ("a b=c", True), ("^error", False),
                                           ("errors?", False), ("a(?i)b", False), ("x\\x41", False), ("a.b", False)])
def test_whole(pattern, whole):
    assert required(pattern, False).whole == whole


def test_ignore_case_has_none():
    assert required("error", True) == Literals()


_TOKENS = ["a", "b", "c", "ab", "=", ":", " ", ".", r"\.", r"\d", r"\w", r"\s", r"\b", "[ab]", "[^a]", "[[:digit:]]",
           "(a|b)", "(?:ab)", "(?i)", "*", "+", "?", "*?", "{2}", "{1,}", "{,2}", "{", "}", "]", "^", "$", "|", r"\Q",
           r"\E", r"\x61", "a|", "(", ")", "é"]
_TEXT = "ab =:.1é\tAB"


def test_sound_against_re2_on_random_patterns():
    """Every line RE2 matches holds every literal :func:`required` returns (what the prefilter
    relies on), over thousands of random patterns made of the tricky constructs."""
    rnd = random.Random(16)
    opts = re2.Options()
    opts.never_nl = True
    opts.log_errors = False
    checked = 0
    for _ in range(6000):
        pattern = "".join(rnd.choice(_TOKENS) for _ in range(rnd.randint(1, 7)))
        try:
            rx = re2.compile(("(?m)" + pattern).encode(), opts)
        except re2.error:
            continue
        lits = required(pattern, False)
        for _ in range(40):
            line = "".join(rnd.choice(_TEXT) for _ in range(rnd.randint(0, 12))).encode()
            if rx.search(line):
                checked += 1
                for part in lits.parts:
                    assert part in line, (pattern, line, lits)
            elif lits.whole:
                assert lits.parts[0] not in line, (pattern, line, lits)
    assert checked > 5000
