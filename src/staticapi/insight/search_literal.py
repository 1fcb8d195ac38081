"""The literals every match of a regex must contain: a prefilter, as ripgrep's "inner literals".

Why this module exists: RE2 scans fast when a regex starts with a literal (it jumps to the
literal's occurrences), but a regex such as ``^2025-03-20T0[3-5]:.*error`` or
``\\d+\\.\\d+:\\d+" resp=200`` has no such prefix, so RE2 walks every byte with its DFA. ripgrep
extracts a literal that every match must contain, finds it with a fast substring search and runs
the regex only on the lines that hold it (ripgrep crates/regex/src/literal.rs, "inner literals").
:func:`required` does the same, soundly: a literal it returns is in every match, so a line
without it cannot match (``tests/test_search_literal.py`` checks it against RE2 on random
patterns and lines).

The parse is deliberately small and conservative: it reads the regex's top-level concatenation
left to right and stops at the first construct it does not fully understand (a flag group, a
quoting ``\\Q``, an unusual ``{``); stopping early only loses literals, it never invents one. A
top-level ``|`` means no literal is required. Case-insensitive searches have none (a byte search
cannot fold case; RE2 folds its own literal prefix).
"""

from __future__ import annotations

from dataclasses import dataclass

# escapes of one character that stand for that character (RE2 syntax: any punctuation escapes itself)
_PUNCT = frozenset("\\.+*?()|[]{}^$-/\"'=:;,<>!@#%&~`_ ")
_QUANT = "*+?"


@dataclass(frozen=True)
class Literals:
    """What a regex requires: ``parts`` (each in every match), whether it *starts* with one
    (``prefix``: RE2 then accelerates on it by itself, a prefilter adds nothing), and whether it is
    nothing but one literal (``whole``: a substring search answers it, no RE2 call per line)."""

    parts: tuple[bytes, ...] = ()
    prefix: bool = False
    whole: bool = False  # the regex is just ``parts[0]``: a line matches when it holds it


def top_level_bar(p: str) -> bool:
    """Whether ``p`` has a ``|`` outside any group or character class (or ends in an escape: unsafe)."""
    depth, i, n, in_class = 0, 0, len(p), False
    while i < n:
        c = p[i]
        if c == "\\":
            if i + 1 >= n:
                return True
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            i = _class_body_start(p, i)
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def _class_body_start(p: str, i: int) -> int:
    """The index after ``[``, an optional ``^`` and a leading literal ``]``."""
    i += 1
    if p[i:i + 1] == "^":
        i += 1
    if p[i:i + 1] == "]":
        i += 1
    return i


def _class_end(p: str, i: int) -> int:
    """The index after the character class opening at ``p[i] == "["``, or -1 if it does not close.
    RE2 classes hold escapes and POSIX names (``[[:alpha:]]``), no nested classes."""
    j, n = _class_body_start(p, i), len(p)
    while j < n:
        c = p[j]
        if c == "\\":
            j += 2
            continue
        if c == "[" and p[j + 1:j + 2] == ":":
            k = p.find(":]", j + 2)
            if k < 0:
                return -1
            j = k + 2
            continue
        if c == "]":
            return j + 1
        j += 1
    return -1


def _group_end(p: str, i: int) -> int:
    """The index after the group opening at ``p[i] == "("``, or -1."""
    depth, j, n = 0, i, len(p)
    while j < n:
        c = p[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(p, j)
            if j < 0:
                return -1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def _repeat_end(p: str, i: int) -> int:
    """The index after a repetition ``{n}``, ``{n,}`` or ``{n,m}`` at ``p[i] == "{"``, or -1 when
    the brace is not one (RE2 then reads it as a literal ``{``: the caller stops)."""
    j = p.find("}", i)
    if j < 0:
        return -1
    body = p[i + 1:j]
    lo, sep, hi = body.partition(",")
    if not lo.isdigit() or (hi and not hi.isdigit()) or not lo.isascii() or not hi.isascii():
        return -1
    return j + 1


def required(pattern: str, ignore_case: bool) -> Literals:
    """The literals (UTF-8 bytes) every match of ``pattern`` contains, longest first (module doc)."""
    if ignore_case or not pattern or top_level_bar(pattern):
        return Literals()
    runs: list[str] = []
    cur: list[str] = []
    prefix = None  # whether the first atom is a literal character
    mixed = False  # whether anything but literal characters was read
    i, n = 0, len(pattern)

    def end_run() -> None:
        if cur:
            runs.append("".join(cur))
            cur.clear()

    stopped = True  # left by a break: what follows may repeat the last character (``a(?i)*``)
    while i < n:
        c = pattern[i]
        nxt = pattern[i + 1:i + 2]
        if c in _QUANT or c == "{":
            # a repetition of the atom before it: a literal character before it is optional or
            # repeated, so it leaves the run (and is not the regex's literal prefix any more)
            if c == "{":
                j = _repeat_end(pattern, i)
                if j < 0:
                    break  # a literal "{" in RE2's reading: stop rather than guess
            else:
                j = i + 1
            mixed = True
            if cur:
                cur.pop()
                if not cur and not runs and prefix:
                    prefix = False
            end_run()
            if pattern[j:j + 1] in ("?", "+"):  # lazy or possessive-looking suffix
                if pattern[j:j + 1] == "+":
                    break
                j += 1
            if pattern[j:j + 1] in _QUANT or pattern[j:j + 1] == "{":
                break  # a repetition of a repetition: RE2 rejects or reads it its way; stop
            i = j
            continue
        if c == "\\":
            if nxt and nxt in _PUNCT:
                ch, i = nxt, i + 2  # an escaped punctuation character is itself
            elif nxt and nxt in "dDwWsSbB":
                end_run()  # a class or a word boundary: not a literal, the run ends here
                prefix, mixed = False if prefix is None else prefix, True
                i += 2
                continue
            else:
                break  # \Q quoting, \x hex, octal, \p classes, \t...: stop rather than decode
        elif c in "[(":
            if c == "(" and nxt == "?" and pattern[i + 2:i + 3] != ":":
                break  # a flag group or a named group: stop (flags change how the rest matches)
            j = _class_end(pattern, i) if c == "[" else _group_end(pattern, i)
            if j < 0:
                break
            end_run()
            prefix, mixed = False if prefix is None else prefix, True
            i = j
            continue
        elif c in ".^$":
            end_run()
            prefix, mixed = False if prefix is None else prefix, True
            i += 1
            continue
        elif c in ")|":
            break
        else:
            ch, i = c, i + 1
        if prefix is None:
            prefix = True
        cur.append(ch)
    else:
        stopped = False
    if stopped and cur:
        cur.pop()
    end_run()
    parts = sorted({r.encode("utf-8") for r in runs if r}, key=len, reverse=True)
    whole = not stopped and not mixed and len(runs) == 1
    return Literals(tuple(parts), bool(prefix) and bool(parts), whole)
