"""Identify a per-object file's object by a byte scan of its metadata, without parsing it."""

from __future__ import annotations

import re

from .records import split_api_version

# A per-object file as `oc adm inspect` writes it: one document, sorted keys,
# `apiVersion`/`kind`/`metadata` at column 0 and metadata's fields at two spaces.
# Found with bytes.find (a multi-line regex would test every position of a 10 KB pod).
_Q_VALUE = re.compile(rb"(?:\"([^\"\\\n]*)\"|'([^'\n]*)'|([^\n'\"#&*!|>{}\[\]]+?))[ ]*")
_Q_META_BLOCK = re.compile(rb"(?:  [^\n]*\n)+")


def _q_line(body: bytes, key: bytes, lo: int = 0, hi: int | None = None) -> bytes | None:
    """The value of the one line `<key>: <value>` starting at a line start in body[lo:hi] (key
    includes any indentation); None when absent, repeated or not a plain or simply quoted scalar."""
    hi = len(body) if hi is None else hi
    needle = b"\n" + key + b": "
    if lo == 0 and body.startswith(key + b": "):
        i = 0
    else:
        i = body.find(needle, max(lo - 1, 0), hi)
        if i < 0:
            return None
        i += 1
    start = i + len(key) + 2
    end = body.find(b"\n", start, hi)
    end = hi if end < 0 else end
    if body.find(needle, end - 1, hi) >= 0:
        return None  # a duplicate key: leave it to the parser
    m = _Q_VALUE.fullmatch(body, start, end)
    if m is None:
        return None
    return m.group(1) or m.group(2) or m.group(3) or b""


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
    name, ns, rv, uid = (_q_line(body, b"  " + k, lo, hi) for k in (b"name", b"namespace", b"resourceVersion", b"uid"))
    if not (rv and rv.isdigit() and uid and name):
        return None
    try:
        g, v = split_api_version(av.decode())
        return (g, v, kind.decode(), (ns or b"").decode(), name.decode(), uid.decode(), int(rv))
    except UnicodeDecodeError:
        return None
