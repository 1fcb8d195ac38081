"""kube.gostrings.quote against Go's fmt %q (strconv.Quote) outputs."""

import pytest

from staticapi.kube.gostrings import quote


@pytest.mark.parametrize("s, go", [
    ("web-1", '"web-1"'),
    ("", '""'),
    ('a"b\\c', '"a\\"b\\\\c"'),
    ("x\ny\tz\r", '"x\\ny\\tz\\r"'),
    ("\a\b\f\v", '"\\a\\b\\f\\v"'),
    ("\x00\x1f\x7f", '"\\x00\\x1f\\x7f"'),
    ("é ☃ 🚀", '"é ☃ 🚀"'),  # printable runes stay as they are
    ("\u0085\u200b", '"\\u0085\\u200b"'),  # non-printable runes: \u
    ("not-a-date", '"not-a-date"'),
])
def test_quote_matches_go(s, go):
    assert quote(s) == go
