"""Template text -> parse tree (client-go ``util/jsonpath/parser.go``: Parse,
parseInsideAction, parseArray, parseFilter, parseQuote, parseField, parseRecursive,
parseNumber, UnquoteExtend)."""

from __future__ import annotations

import math
import re

from .nodes import (
    _INT64_MAX,
    _INT64_MIN,
    JSONPathError,
    _Array,
    _Bool,
    _Field,
    _Filter,
    _Float,
    _Identifier,
    _Int,
    _List,
    _Recursive,
    _Text,
    _Union,
    _Wildcard,
)

# --------------------------------------------------------------------------- parser

_DICT_KEY_RE = re.compile(r"'([^']*)'")  # parser.go dictKeyRex ^'([^']*)'$ (used with fullmatch)
# parser.go sliceOperatorRex ^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$ ; RE2 \d is ASCII only
_SLICE_RE = re.compile(r"(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?")
# parser.go parseFilter: ^([^!<>=]+)([!<>=]+)(.+?)$
_FILTER_RE = re.compile(r"([^!<>=]+)([!<>=]+)(.+?)")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")

_TERMINATORS = frozenset(" \t\r\n.,[]$@{}")


def _is_digit(r: str | None) -> bool:
    # unicode.IsDigit == category Nd == str.isdecimal()
    return r is not None and r.isdecimal()


def _is_alnum(r: str | None) -> bool:
    # parser.go isAlphaNumeric: '_' || unicode.IsLetter || unicode.IsDigit
    return r is not None and (r == "_" or r.isalpha() or r.isdecimal())


def _is_terminator(r: str | None) -> bool:
    return r is None or r in _TERMINATORS


def _go_rune_repr(r: str) -> str:
    # fmt %#U: "U+002A '*'" (the quoted char only when printable)
    code = f"U+{ord(r):04X}"
    return f"{code} '{r}'" if r.isprintable() else code


def _atoi(text: str) -> int | None:
    """strconv.Atoi: optional sign, ASCII digits, int64 range; None on error."""
    if not _INT_RE.fullmatch(text) or len(text) > 21:  # also avoids int()'s digit limit
        return None
    v = int(text)
    if v < _INT64_MIN or v > _INT64_MAX:
        return None
    return v


class _Parser:
    """Mirror of parser.go's recursive descent, written as a loop (no deep recursion)."""

    def __init__(self, text: str):
        self.input = text
        self.pos = 0
        self.start = 0
        self.width = 0
        self.root = _List()

    # -- rune helpers (parser.go next/peek/backup/consumeText)
    def next(self) -> str | None:
        if self.pos >= len(self.input):
            self.width = 0
            return None
        self.width = 1
        self.pos += 1
        return self.input[self.pos - 1]

    def peek(self) -> str | None:
        r = self.next()
        self.backup()
        return r

    def backup(self) -> None:
        self.pos -= self.width

    def consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    # -- top level
    def parse(self) -> _List:
        cur: _List | None = None
        text = self.input
        while True:
            if cur is None:
                # parseText: literal text up to the next '{'
                idx = text.find("{", self.pos)
                if idx < 0:
                    self.pos = len(text)
                    if self.pos > self.start:
                        self.root.nodes.append(_Text(self.consume()))
                    return self.root
                self.pos = idx
                if self.pos > self.start:
                    self.root.nodes.append(_Text(self.consume()))
                # parseLeftDelim
                self.pos += 1
                self.consume()
                cur = _List()
                self.root.nodes.append(cur)
                continue
            # parseInsideAction
            if text.startswith("}", self.pos):  # parseRightDelim
                self.pos += 1
                self.consume()
                cur = None
                continue
            if text.startswith("[?(", self.pos):
                self._parse_filter(cur)
                continue
            if text.startswith("..", self.pos):
                self._parse_recursive(cur)
                continue
            r = self.next()
            if r is None or r in "\r\n":
                raise JSONPathError("unclosed action")
            if r == " " or r == "@" or r == "$":
                self.consume()
            elif r == "[":
                self._parse_array(cur)
            elif r == '"' or r == "'":
                self._parse_quote(cur, r)
            elif r == ".":
                self._parse_field(cur)
            elif r == "+" or r == "-" or _is_digit(r):
                self.backup()
                self._parse_number(cur)
            elif _is_alnum(r):
                self.backup()
                self._parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: {_go_rune_repr(r)}")

    def _parse_identifier(self, cur: _List) -> None:
        while True:
            r = self.next()
            if _is_terminator(r):
                self.backup()
                break
        value = self.consume()
        if value in ("true", "false"):
            cur.nodes.append(_Bool(value == "true"))
        else:
            cur.nodes.append(_Identifier(value))

    def _parse_recursive(self, cur: _List) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], _Recursive):
            raise JSONPathError("invalid multiple recursive descent")
        self.pos += 2
        self.consume()
        cur.nodes.append(_Recursive())
        if _is_alnum(self.peek()):
            self._parse_field(cur)

    def _parse_number(self, cur: _List) -> None:
        r = self.peek()
        if r == "+" or r == "-":
            self.next()
        while True:
            r = self.next()
            if r != "." and not _is_digit(r):
                self.backup()
                break
        value = self.consume()
        i = _atoi(value)
        if i is not None:
            cur.nodes.append(_Int(i))
            return
        if _FLOAT_RE.fullmatch(value):
            f = float(value)
            if not math.isinf(f):  # strconv.ParseFloat reports ErrRange for overflow
                cur.nodes.append(_Float(f))
                return
        raise JSONPathError(f"cannot parse number {value}")

    def _parse_array(self, cur: _List) -> None:
        while True:
            r = self.next()
            if r is None or r == "\n":
                raise JSONPathError("unterminated array")
            if r == "]":
                break
        text = self.consume()[1:-1]
        if text == "*":
            text = ":"
        # union operator
        parts = text.split(",")
        if len(parts) > 1:
            lists = [_parse_action("[" + part.strip(" ") + "]") for part in parts]
            cur.nodes.append(_Union(lists))
            return
        # dict key: ['a.b'] is parsed as the path .a.b
        m = _DICT_KEY_RE.fullmatch(text)
        if m is not None:
            cur.nodes.extend(_parse_action("." + m.group(1)).nodes)
            return
        # slice operator
        m = _SLICE_RE.fullmatch(text)
        if m is None:
            raise JSONPathError(f"invalid array index {text}")
        groups = [g or "" for g in m.groups()]
        params: list = [None, None, None]
        for i in range(3):
            g = groups[i]
            if g != "":
                if i > 0:
                    g = g[1:]
                if i > 0 and g == "":
                    params[i] = (0, False, False)
                else:
                    v = _atoi(g)
                    if v is None:
                        raise JSONPathError(f"array index {g} is not a number")
                    params[i] = (v, True, False)
            elif i == 1:
                params[i] = (params[0][0] + 1, True, True)
            else:
                params[i] = (0, False, False)
        cur.nodes.append(_Array(tuple(params)))

    def _parse_filter(self, cur: _List) -> None:
        self.pos += 3
        self.consume()
        begin = end = False
        pair = None
        while True:
            r = self.next()
            if r is None or r == "\n":
                raise JSONPathError("unterminated filter")
            if r == '"' or r == "'":
                if not begin:
                    begin, pair = True, r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")":
                if begin == end:
                    break
        if self.next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self.consume()[:-2]
        m = _FILTER_RE.fullmatch(text)
        if m is None:
            cur.nodes.append(_Filter(_parse_action(text), _List(), "exists"))
        else:
            left = _parse_action(m.group(1))
            right = _parse_action(m.group(3))
            cur.nodes.append(_Filter(left, right, m.group(2)))

    def _parse_quote(self, cur: _List, end: str) -> None:
        while True:
            r = self.next()
            if r is None or r == "\n":
                raise JSONPathError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self.consume()
        try:
            s = _unquote_extend(value)
        except ValueError:
            raise JSONPathError(f"unquote string {value} error invalid syntax") from None
        cur.nodes.append(_Text(s))

    def _parse_field(self, cur: _List) -> None:
        self.consume()
        while True:  # advance(): scan to the next non-escaped terminator
            r = self.next()
            if r == "\\":
                self.next()
            elif _is_terminator(r):
                self.backup()
                break
        value = self.consume()
        if value == "*":
            cur.nodes.append(_Wildcard())
        else:
            cur.nodes.append(_Field(value.replace("\\", "")))


def _parse_action(text: str) -> _List:
    """parser.go parseAction: parse ``{text}`` and return the first action's list."""
    root = _Parser("{" + text + "}").parse()
    first = root.nodes[0]
    assert isinstance(first, _List)
    return first


_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}


def _unquote_char(s: str, quote: str) -> tuple[int, bool, str]:
    """strconv.UnquoteChar: (value, multibyte, tail); ValueError on bad syntax."""
    c = s[0]
    if c == quote:
        raise ValueError("invalid syntax")
    if ord(c) >= 0x80:
        return ord(c), True, s[1:]
    if c != "\\":
        return ord(c), False, s[1:]
    if len(s) <= 1:
        raise ValueError("invalid syntax")
    c = s[1]
    s = s[2:]
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], False, s
    if c in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[c]
        if len(s) < n:
            raise ValueError("invalid syntax")
        v = 0
        for ch in s[:n]:
            if ch not in "0123456789abcdefABCDEF":
                raise ValueError("invalid syntax")
            v = (v << 4) | int(ch, 16)
        s = s[n:]
        if c == "x":
            return v, False, s  # a single byte
        if not (0 <= v < 0xD800 or 0xDFFF < v <= 0x10FFFF):
            raise ValueError("invalid syntax")
        return v, True, s
    if "0" <= c <= "7":
        v = ord(c) - 48
        if len(s) < 2:
            raise ValueError("invalid syntax")
        for ch in s[:2]:
            if not ("0" <= ch <= "7"):
                raise ValueError("invalid syntax")
            v = (v << 3) | (ord(ch) - 48)
        if v > 255:
            raise ValueError("invalid syntax")
        return v, False, s[2:]
    if c in "'\"":
        if c != quote:
            raise ValueError("invalid syntax")
        return ord(c), False, s
    raise ValueError("invalid syntax")


def _unquote_extend(s: str) -> str:
    """parser.go UnquoteExtend: strconv.Unquote that also accepts single-quoted strings."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote = s[0]
    s = s[1:-1]
    if "\\" not in s and quote not in s:
        return s
    buf = bytearray()
    while s:
        c, multibyte, s = _unquote_char(s, quote)
        if c < 0x80 or not multibyte:
            buf.append(c)
        else:
            buf += chr(c).encode("utf-8", "surrogatepass")
    # \xNN escapes may produce invalid UTF-8; keep such bytes as lone surrogates (never equal
    # to decoded data, like Go's byte comparison)
    return buf.decode("utf-8", "surrogateescape")
