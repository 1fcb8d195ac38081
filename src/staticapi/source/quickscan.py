"""Identify a per-object file's object by a byte scan of its metadata, without parsing it."""

from __future__ import annotations

import re

from .parse_checks import _resolver_patterns
from .records import split_api_version

# A per-object file as `oc adm inspect` writes it: one document, sorted keys,
# `apiVersion`/`kind`/`metadata` at column 0 and metadata's fields at two spaces.
# Found with bytes.find (a multi-line regex would test every position of a 10 KB pod).
_Q_VALUE = re.compile(rb"(?:\"([^\"\\\n]*)\"|'([^'\n]*)'|([^\n'\"#&*!|>{}\[\]]+?))[ ]*")
_Q_META_BLOCK = re.compile(rb"(?:  [^\n]*\n|\n)+")  # (an empty line does not end the mapping)
# A plain value the reference reads as something else than a string (PyYAML's implicit resolvers:
# 'yes' is true, '0777' is 511, '6' is 6): the parse decides (a non-string name is refused there).
_Q_NOT_A_STRING = re.compile(_resolver_patterns(), re.VERBOSE)
_DECIMAL = re.compile(rb"0|[1-9][0-9]*")
_RESOLVABLE_FIRST = frozenset(b"-+._0123456789yYnNoOtTfF~<=")  # what such a scalar can start with


def _q_line(body: bytes, key: bytes, lo: int = 0, hi: int | None = None, number: bool = False) -> bytes | None:
    """The value of the one line `<key>: <value>` starting at a line start in body[lo:hi] (key
    includes any indentation); None when absent, repeated (also as `<key>:` with no value: a null
    that wins), not a plain or simply quoted scalar, continued on the next lines, or a plain scalar
    the reference reads as a non-string (with `number`: but for a decimal number; '21947' is the int
    21947 there, which is what a resourceVersion takes)."""
    hi = len(body) if hi is None else hi
    lines = _key_lines(body, key, lo, hi)
    if len(lines) != 1:
        return None  # absent, or a duplicate key: leave it to the parser
    start = lines[0] + len(key) + 1
    if body[start:start + 1] != b" ":
        return None
    start += 1
    end = body.find(b"\n", start, hi)
    end = hi if end < 0 else end
    m = _Q_VALUE.fullmatch(body, start, end)
    if m is None:
        return None
    # a deeper line after it (past empty lines) continues a plain scalar ('v1\n  x' is "v1 x")
    nxt = end + 1
    while nxt < len(body) and body[nxt] == 0x0A:
        nxt += 1
    if body.startswith(b" " * (len(key) - len(key.lstrip(b" ")) + 1), nxt):
        return None
    plain = m.group(3)
    if (plain is not None and plain[0] in _RESOLVABLE_FIRST and not _dashed_word(plain)
            and not (number and _DECIMAL.fullmatch(plain)) and _Q_NOT_A_STRING.fullmatch(plain)):
        return None
    return m.group(1) or m.group(2) or plain or b""


def _dashed_word(plain: bytes) -> bool:
    """A '-' after the first byte but not in an exponent ('1.0e-5'): no resolved plain scalar has one
    (a uid such as '65133408-7e8b-...' skips the resolvers' regex)."""
    i = plain.find(b"-", 1)
    return i > 0 and plain[i - 1] not in b"eE"


def _key_lines(body: bytes, key: bytes, lo: int, hi: int) -> list[int]:
    """Where the lines of body[lo:hi] that start with `<key>:` (then a space, a line end or the end)
    start; at most two (a second one is enough to refuse)."""
    colon = key + b":"
    found: list[int] = []
    i = lo if (lo == 0 or body[lo - 1] == 0x0A) and body.startswith(colon, lo) else -1
    search_from = lo
    while True:
        if i < 0:
            j = body.find(b"\n" + colon, max(search_from - 1, 0), hi)
            if j < 0:
                return found
            i = j + 1
        after = i + len(colon)
        if after >= len(body) or body[after] in b" \n":
            found.append(i)
            if len(found) == 2:
                return found
        search_from, i = i + 1, -1


def quick_identity(data: bytes) -> tuple | None:
    """(group, version, kind, namespace, name, uid, rv) of a single-object YAML file by a byte
    scan, or None when the file is not plainly of that shape (then it is parsed normally)."""
    body = data[4:] if data.startswith(b"---\n") else data
    if b"\n---" in body or body.startswith(b"---") or b"\t" in body[:4096]:
        return None
    av, kind = _q_line(body, b"apiVersion"), _q_line(body, b"kind")
    if not av or not kind:
        return None
    if body.startswith(b"metadata:\n"):
        at = len(b"metadata:\n")
    else:
        at = body.find(b"\nmetadata:\n")
        if at < 0 or body.find(b"\nmetadata:", at + 1) >= 0:
            return None
        at += len(b"\nmetadata:\n")
    m = _Q_META_BLOCK.match(body, at)
    if m is None:
        return None
    lo, hi = m.start(), m.end()
    name, ns, uid = (_q_line(body, b"  " + k, lo, hi) for k in (b"name", b"namespace", b"uid"))
    rv = _q_line(body, b"  resourceVersion", lo, hi, number=True)
    if not (rv and rv.isdigit() and uid and name):
        return None
    if ns is None and body.find(b"\n  namespace:", lo - 1, hi) >= 0:
        return None  # a namespace line it cannot read (repeated, multi-line): not "no namespace"
    try:
        g, v = split_api_version(av.decode())
        return (g, v, kind.decode(), (ns or b"").decode(), name.decode(), uid.decode(), int(rv))
    except UnicodeDecodeError:
        return None
