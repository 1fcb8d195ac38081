"""Go's ``%q`` (``strconv.Quote``), as the kubelet and kube-apiserver put names and values into
their error messages.

Why this module exists: those messages are compared byte for byte by clients' tests and users'
scripts, and two places (pod log options, node log queries) quote values the same Go way.
"""

from __future__ import annotations

# strconv.Quote's short escapes (strconv/quote.go appendEscapedRune)
_SHORT = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
          '"': '\\"', "\\": "\\\\"}


def quote(s: str) -> str:
    """``fmt.Sprintf("%q", s)``: printable characters as they are, short escapes, other control
    characters as ``\\xNN`` (below U+0080) or ``\\uNNNN``/``\\UNNNNNNNN``."""
    out = ['"']
    for ch in s:
        esc = _SHORT.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)
