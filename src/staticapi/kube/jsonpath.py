"""The Kubernetes JSONPath dialect (client-go ``util/jsonpath``), re-implemented in Python.

Why this module exists: the apiextensions-apiserver builds the server-side Table of a custom
resource by evaluating each ``additionalPrinterColumns[].jsonPath`` with client-go's JSONPath
package (``tableconvertor.New`` parses ``"{" + jsonPath + "}"`` with ``AllowMissingKeys(true)``).
kubectl's ``-o jsonpath`` / ``custom-columns`` use the same dialect.  Kubernetes JSONPath is not
RFC 9535 JSONPath and it has many quirks (``['a.b']`` is the *path* ``.a.b``, escaped dots
``a\\.b`` are how a key containing a dot is written, ``[?()]`` filters compare with Go
``text/template`` rules, ``[-1]``/slices raise out-of-range errors, ...), so a generic
JSONPath library would print different cells than a real cluster.

Followed upstream (read, not copied), kubernetes/kubernetes ``staging/src/k8s.io/client-go``:

* ``util/jsonpath/parser.go`` (Parse, parseInsideAction, parseArray, parseFilter, parseQuote,
  parseField, parseRecursive, parseNumber, UnquoteExtend) -- the version that rejects
  ``....x`` ("invalid multiple recursive descent"),
* ``util/jsonpath/jsonpath.go`` (FindResults with range/end bookkeeping, evalArray,
  evalField, evalFilter, evalWildcard, evalRecursive, evalUnion, PrintResults, evalToText),
  including the fix from ``empty_array_test.go`` (an empty slice of one input no longer
  stops the following inputs),
* ``third_party/forked/golang/template/funcs.go`` (Equal/Less/... used by filters),
* ``text/template`` ``PrintableValue`` (``<no value>``) and Go's ``fmt``/``encoding/json``
  number formatting for printed values.

Data model: JSON-ish Python values (dict, list, str, int, float, bool, None) stand for the
``map[string]interface{}`` / ``[]interface{}`` / string / int64 / float64 / bool / nil that
``unstructured`` JSON decoding produces in Go.

Public API::

    compile_path(expr) -> CompiledPath     # '.status.x' or '{.status.x}' (cached)
    compile_template(text) -> CompiledPath # a kubectl -o jsonpath template, taken as is
    CompiledPath.find(obj) -> list         # all values, [] on any evaluation error
    CompiledPath.find_results(obj, allow_missing_keys=True) -> list[list]   # raises JSONPathError
    CompiledPath.execute(obj, allow_missing_keys=True) -> str               # like JSONPath.Execute
    print_results(values) -> str           # like JSONPath.PrintResults
    format_value(value) -> str             # one value as PrintResults prints it
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from typing import Any

__all__ = [
    "JSONPathError",
    "CompiledPath",
    "compile_path",
    "compile_template",
    "print_results",
    "format_value",
    "go_json_marshal",
    "go_format_float",
]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


class JSONPathError(ValueError):
    """A template that does not parse, or (from find_results/execute) an evaluation error."""


class _EvalError(JSONPathError):
    """Evaluation error carrying the partial result Go returns next to the error.

    Go's eval functions return ``(someValues, err)``; ``evalFilter`` with the ``exists``
    operator ignores ``err`` and only looks at ``len(someValues)``, so the partial value matters.
    """

    def __init__(self, message: str, partial: list):
        super().__init__(message)
        self.partial = partial


class _Byte(int):
    """A byte of a string reached through ``*`` (Go indexes a string as uint8 values)."""

    __slots__ = ()


# --------------------------------------------------------------------------- nodes


class _Node:
    __slots__ = ()


class _List(_Node):
    __slots__ = ("nodes",)

    def __init__(self, nodes: list | None = None):
        self.nodes: list = nodes if nodes is not None else []

    def __repr__(self) -> str:
        return f"List{self.nodes!r}"


class _Text(_Node):
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Text({self.text!r})"


class _Field(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


class _Array(_Node):
    # params: three (value, known, derived) triples, like Go's [3]ParamsEntry
    __slots__ = ("params",)

    def __init__(self, params: tuple):
        self.params = params

    def __repr__(self) -> str:
        return f"Array{self.params!r}"


class _Filter(_Node):
    __slots__ = ("left", "right", "op", "left_fields", "right_literal")

    def __init__(self, left: _List, right: _List, op: str):
        self.left, self.right, self.op = left, right, op
        # fast-path shapes (pure optimisation): left is a plain field chain such as @.type,
        # right is a single literal such as "Available"
        self.left_fields = (tuple(n.name for n in left.nodes)
                            if all(type(n) is _Field for n in left.nodes) else None)
        self.right_literal = None
        if len(right.nodes) == 1 and type(right.nodes[0]) in (_Text, _Int, _Float, _Bool):
            lit = right.nodes[0]
            self.right_literal = (lit.text if type(lit) is _Text else lit.value,)

    def __repr__(self) -> str:
        return f"Filter({self.left!r} {self.op} {self.right!r})"


class _Int(_Node):
    __slots__ = ("value",)

    def __init__(self, value: int):
        self.value = value

    def __repr__(self) -> str:
        return f"Int({self.value})"


class _Float(_Node):
    __slots__ = ("value",)

    def __init__(self, value: float):
        self.value = value

    def __repr__(self) -> str:
        return f"Float({self.value})"


class _Bool(_Node):
    __slots__ = ("value",)

    def __init__(self, value: bool):
        self.value = value

    def __repr__(self) -> str:
        return f"Bool({self.value})"


class _Wildcard(_Node):
    __slots__ = ()

    def __repr__(self) -> str:
        return "Wildcard"


class _Recursive(_Node):
    __slots__ = ()

    def __repr__(self) -> str:
        return "Recursive"


class _Union(_Node):
    __slots__ = ("lists",)

    def __init__(self, lists: list):
        self.lists = lists

    def __repr__(self) -> str:
        return f"Union{self.lists!r}"


class _Identifier(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"Identifier({self.name})"


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


# --------------------------------------------------------------------------- comparisons


def _basic_kind(v: Any) -> str:
    """template.basicKind for the Python stand-ins of Go values."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, _Byte):
        return "uint"
    if isinstance(v, int):
        # JSON integers outside int64 decode to float64 in Go
        return "int" if _INT64_MIN <= v <= _INT64_MAX else "float"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    raise _EvalError("invalid type for comparison", [])


def _as_number(v: Any, kind: str) -> Any:
    return float(v) if kind == "float" else v


def _equal(a: Any, b: Any) -> bool:
    k1, k2 = _basic_kind(a), _basic_kind(b)
    if k1 != k2:
        if {k1, k2} == {"int", "uint"}:
            return a == b
        raise _EvalError("incompatible types for comparison", [])
    return _as_number(a, k1) == _as_number(b, k2)


def _less(a: Any, b: Any) -> bool:
    k1, k2 = _basic_kind(a), _basic_kind(b)
    if k1 != k2:
        if {k1, k2} == {"int", "uint"}:
            return a < b
        raise _EvalError("incompatible types for comparison", [])
    if k1 == "bool":
        raise _EvalError("invalid type for comparison", [])
    return _as_number(a, k1) < _as_number(b, k2)


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "<":
        return _less(a, b)
    if op == ">":
        return not (_less(a, b) or _equal(a, b))
    if op == "==":
        return _equal(a, b)
    if op == "!=":
        return not _equal(a, b)
    if op == "<=":
        return _less(a, b) or _equal(a, b)
    if op == ">=":
        return not _less(a, b)
    raise _EvalError(f"unrecognized filter operator {op}", [])


# --------------------------------------------------------------------------- evaluation


def _go_type_name(v: Any) -> str:
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, _Byte):
        return "uint8"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    return "<nil>" if v is None else type(v).__name__


def _children(value: Any) -> list:
    """What evalWildcard / evalRecursive enumerate for one value."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [_Byte(b) for b in value.encode("utf-8", "surrogatepass")]
    return []


class _Evaluator:
    """One FindResults run: holds the range/end counters of jsonpath.go."""

    def __init__(self, nodes: list, allow_missing_keys: bool):
        self.nodes = nodes
        self.allow_missing = allow_missing_keys
        self.begin_range = 0
        self.in_range = 0
        self.end_range = 0
        self.last_end: int | None = None

    def find_results(self, data: Any, start: int = 0) -> list[list]:
        nodes = self.nodes
        cur = [data]
        full: list[list] = []
        i = start
        n = len(nodes)
        while i < n:
            results = self.walk(cur, nodes[i])
            # encounter an end node, break the current block
            if self.end_range > 0 and self.end_range <= self.in_range:
                self.end_range -= 1
                self.last_end = i
                break
            # encounter a range node, start a range loop
            if self.begin_range > 0:
                self.begin_range -= 1
                self.in_range += 1
                if results:
                    for value in results:
                        full.extend(self.find_results(value, i + 1))
                else:
                    # still walk the body so that the position advances to the end node
                    self.find_results(None, i + 1)
                self.in_range -= 1
                # resume after the most recent end node
                if self.last_end is not None and i < self.last_end < n:
                    i = self.last_end
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def walk(self, values: list, node: _Node) -> list:
        t = type(node)
        if t is _List:
            return self.eval_list(values, node)  # type: ignore[arg-type]
        if t is _Text:
            return [node.text]  # type: ignore[attr-defined]
        if t is _Field:
            return self.eval_field(values, node)  # type: ignore[arg-type]
        if t is _Array:
            return self.eval_array(values, node)  # type: ignore[arg-type]
        if t is _Filter:
            return self.eval_filter(values, node)  # type: ignore[arg-type]
        if t is _Int or t is _Float or t is _Bool:
            return [node.value for _ in values]  # type: ignore[attr-defined]
        if t is _Wildcard:
            out: list = []
            for v in values:
                if v is not None:
                    out.extend(_children(v))
            return out
        if t is _Recursive:
            return self.eval_recursive(values)
        if t is _Union:
            return self.eval_union(values, node)  # type: ignore[arg-type]
        if t is _Identifier:
            return self.eval_identifier(values, node)  # type: ignore[arg-type]
        raise _EvalError(f"unexpected Node {node!r}", values)

    def eval_list(self, values: list, node: _List) -> list:
        cur = values
        for child in node.nodes:
            cur = self.walk(cur, child)
        return cur

    def eval_identifier(self, values: list, node: _Identifier) -> list:
        if node.name == "range":
            self.begin_range += 1
            return values
        if node.name == "end":
            if self.in_range > 0:
                self.end_range += 1
                return []
            raise _EvalError("not in range, nothing to end", [])
        raise _EvalError(f"unrecognized identifier {node.name}", values)

    def eval_array(self, values: list, node: _Array) -> list:
        result: list = []
        (p0, k0, _d0), (p1, k1, d1), (p2, k2, _d2) = node.params
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise _EvalError(f"{_go_type_name(value)} is not array or slice", values)
            length = len(value)
            start = p0 if k0 else 0
            if start < 0:
                start += length
            end = p1 if k1 else length
            if end < 0 or (end == 0 and d1):
                end += length
            if end == start:
                # requesting zero elements is allowed; newest upstream keeps going with the
                # next input (empty_array_test.go) instead of returning early
                continue
            if start >= length or start < 0:
                raise _EvalError(f"array index out of bounds: index {start}, length {length}", values)
            if end > length or end < 0:
                raise _EvalError(f"array index out of bounds: index {end - 1}, length {length}", values)
            if start > end:
                raise _EvalError(f"starting index {start} is greater than ending index {end}", values)
            step = 1
            if k2:
                if p2 <= 0:
                    raise _EvalError("step must be > 0", values)
                step = p2
            result.extend(value[start:end:step])
        return result

    def eval_union(self, values: list, node: _Union) -> list:
        result: list = []
        for lst in node.lists:
            try:
                result.extend(self.eval_list(values, lst))
            except _EvalError as e:
                raise _EvalError(str(e), values) from None
        return result

    def eval_field(self, values: list, node: _Field) -> list:
        if not values:
            return []
        results = []
        name = node.name
        for value in values:
            if isinstance(value, dict) and name in value:
                results.append(value[name])
        if not results and not self.allow_missing:
            raise _EvalError(f"{name} is not found", [])
        return results

    def eval_recursive(self, values: list) -> list:
        # pre-order walk over every value that has children (strings included: they have bytes)
        result: list = []
        stack = [iter(values)]
        while stack:
            try:
                value = next(stack[-1])
            except StopIteration:
                stack.pop()
                continue
            if value is None:
                continue
            kids = _children(value)
            if kids:
                result.append(value)
                if not isinstance(value, str):  # bytes never have children
                    stack.append(iter(kids))
        return result

    def eval_filter(self, values: list, node: _Filter) -> list:
        results: list = []
        fields = node.left_fields if self.allow_missing else None
        literal = node.right_literal
        for value in values:
            if not isinstance(value, list):
                raise _EvalError(f"{_go_type_name(value)} is not array or slice and cannot be filtered", values)
            if fields is not None and (literal is not None or node.op == "exists"):
                self._filter_fast(value, fields, literal, node.op, results)
                continue
            for item in value:
                temp = [item]
                try:
                    lefts = self.eval_list(temp, node.left)
                    err = None
                except _EvalError as e:
                    lefts, err = e.partial, e
                if node.op == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if err is not None:
                    raise _EvalError(str(err), values)
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise _EvalError("can only compare one element at a time", values)
                try:
                    rights = self.eval_list(temp, node.right)
                except _EvalError as e:
                    raise _EvalError(str(e), values) from None
                if not rights:
                    continue
                if len(rights) > 1:
                    raise _EvalError("can only compare one element at a time", values)
                try:
                    passed = _compare(node.op, lefts[0], rights[0])
                except _EvalError as e:
                    raise _EvalError(str(e), list(results)) from None
                if passed:
                    results.append(item)
        return results


    @staticmethod
    def _filter_fast(value: list, fields: tuple, literal: tuple | None, op: str, results: list) -> None:
        """eval_filter for ``@.a.b <op> literal`` / ``@.a.b`` with missing keys allowed: the
        same results as the general path, without building intermediate lists."""
        for item in value:
            v = item
            found = True
            for name in fields:
                if isinstance(v, dict) and name in v:
                    v = v[name]
                else:
                    found = False
                    break
            if op == "exists":
                if found:
                    results.append(item)
                continue
            if not found:
                continue
            right = literal[0]  # type: ignore[index]
            if type(v) is str and type(right) is str and op == "==":
                passed = v == right
            else:
                try:
                    passed = _compare(op, v, right)
                except _EvalError as e:
                    raise _EvalError(str(e), list(results)) from None
            if passed:
                results.append(item)


# --------------------------------------------------------------------------- printing


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of abs(f) and the decimal point position.

    Value == 0.<digits> * 10**dp, like strconv's decimal representation.
    """
    _sign, digits, exponent = Decimal(repr(abs(f))).as_tuple()
    ds = "".join(map(str, digits)).lstrip("0")
    if not ds:
        return "0", 1
    # Decimal: value == int(ds) * 10**exponent == 0.<ds> * 10**(len(ds) + exponent)
    dp = len(ds) + int(exponent)
    return ds.rstrip("0"), dp


def go_format_float(f: float, fmt: str = "g") -> str:
    """strconv.FormatFloat(f, fmt, -1, 64) for fmt in 'e', 'f', 'g' (shortest digits)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    neg = "-" if math.copysign(1.0, f) < 0 else ""
    if f == 0:
        digits, dp = "0", 1
    else:
        digits, dp = _shortest_digits(f)
    if fmt == "g":
        exp = dp - 1
        fmt = "e" if exp < -4 or exp >= 6 else "f"  # shortest %g uses eprec 6 (strconv/ftoa.go)
    if fmt == "e":
        exp = dp - 1 if f != 0 else 0
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        es = "-" if exp < 0 else "+"
        ea = abs(exp)
        return f"{neg}{mant}e{es}{ea:02d}"
    # 'f'
    if dp <= 0:
        return f"{neg}0." + "0" * (-dp) + digits
    if dp >= len(digits):
        return neg + digits + "0" * (dp - len(digits))
    return f"{neg}{digits[:dp]}.{digits[dp:]}"


def _go_json_float(f: float) -> str:
    """encoding/json floatEncoder for float64."""
    if math.isnan(f) or math.isinf(f):
        raise JSONPathError(f"json: unsupported value: {go_format_float(f)}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        s = go_format_float(f, "e")
        # clean up e-09 to e-9
        if len(s) >= 4 and s[-4] == "e" and s[-3] == "-" and s[-2] == "0":
            s = s[:-2] + s[-1]
        return s
    return go_format_float(f, "f")


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
                 "\f": "\\f", "<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029\ud800-\udfff]')


def _json_escape_char(m: re.Match) -> str:
    c = m.group(0)
    e = _JSON_ESCAPES.get(c)
    if e is not None:
        return e
    if "\ud800" <= c <= "\udfff":
        return "\ufffd"  # invalid UTF-8 is replaced by Go's encoder
    return f"\\u{ord(c):04x}"


def _go_json_string(s: str) -> str:
    return '"' + _JSON_NEEDS_ESCAPE.sub(_json_escape_char, s) + '"'


def go_json_marshal(value: Any) -> str:
    """encoding/json.Marshal of an unstructured value: sorted keys, HTML-safe escaping,
    Go number formatting, compact. Raises JSONPathError for NaN/Inf."""
    out: list[str] = []

    def enc(v: Any) -> None:
        if v is None:
            out.append("null")
        elif v is True:
            out.append("true")
        elif v is False:
            out.append("false")
        elif isinstance(v, str):
            out.append(_go_json_string(v))
        elif isinstance(v, int):
            out.append(str(int(v)) if _INT64_MIN <= v <= _INT64_MAX or isinstance(v, _Byte)
                       else _go_json_float(float(v)))
        elif isinstance(v, float):
            out.append(_go_json_float(v))
        elif isinstance(v, dict):
            out.append("{")
            first = True
            for k in sorted(v, key=lambda k: str(k).encode("utf-8", "surrogatepass")):
                if not first:
                    out.append(",")
                first = False
                out.append(_go_json_string(str(k)))
                out.append(":")
                enc(v[k])
            out.append("}")
        elif isinstance(v, (list, tuple)):
            out.append("[")
            for i, item in enumerate(v):
                if i:
                    out.append(",")
                enc(item)
            out.append("]")
        else:
            raise JSONPathError(f"json: unsupported type: {type(v).__name__}")

    try:
        enc(value)
    except RecursionError:
        raise JSONPathError("json: value too deeply nested") from None
    return "".join(out)


def format_value(value: Any) -> str:
    """How JSONPath.PrintResults prints one result value (non-JSON output mode).

    Maps and slices are JSON-marshalled; anything else goes through evalToText
    (text/template PrintableValue + fmt.Fprint).  A JSON null reached through a map or slice
    prints as ``<nil>`` (fmt of a nil interface); callers that print ``reflect.ValueOf(nil)``
    (the CRD table convertor) get ``<no value>`` instead and must special-case None.
    """
    if isinstance(value, (dict, list)):
        return go_json_marshal(value)
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(int(value)) if _INT64_MIN <= value <= _INT64_MAX or isinstance(value, _Byte) \
            else go_format_float(float(value))
    if isinstance(value, float):
        return go_format_float(value)
    return str(value)


def print_results(values: list) -> str:
    """JSONPath.PrintResults: the values of one result group separated by single spaces."""
    return " ".join(format_value(v) for v in values)


# --------------------------------------------------------------------------- public API


class CompiledPath:
    """A parsed Kubernetes JSONPath template."""

    __slots__ = ("template", "_root")

    def __init__(self, template: str, root: _List):
        self.template = template
        self._root = root

    def __repr__(self) -> str:
        return f"CompiledPath({self.template!r})"

    def find_results(self, obj: Any, allow_missing_keys: bool = True) -> list[list]:
        """JSONPath.FindResults: one list of values per top-level template node.

        Raises JSONPathError on evaluation errors (out-of-range index, filtering a non-list,
        incomparable filter operands, ...), exactly where client-go returns an error.
        """
        ev = _Evaluator(self._root.nodes, allow_missing_keys)
        try:
            return ev.find_results(obj)
        except JSONPathError:
            raise
        except RecursionError:
            raise JSONPathError("jsonpath: data too deeply nested") from None

    def find(self, obj: Any) -> list:
        """All matched values (every result group, concatenated); [] when the evaluation
        fails.  Missing keys are allowed (like the CRD table convertor and kubectl)."""
        try:
            groups = self.find_results(obj, True)
        except JSONPathError:
            return []
        out: list = []
        for g in groups:
            out.extend(g)
        return out

    def execute(self, obj: Any, allow_missing_keys: bool = True) -> str:
        """JSONPath.Execute: print every result group (kubectl -o jsonpath output)."""
        return "".join(print_results(g) for g in self.find_results(obj, allow_missing_keys))


def _compile(template: str) -> CompiledPath:
    if not isinstance(template, str):
        raise JSONPathError(f"jsonpath template must be a string, not {type(template).__name__}")
    try:
        root = _Parser(template).parse()
    except JSONPathError:
        raise
    except RecursionError:
        raise JSONPathError("jsonpath: template too deeply nested") from None
    return CompiledPath(template, root)


@functools.lru_cache(maxsize=2048)
def compile_template(template: str) -> CompiledPath:
    """Parse a template as kubectl -o jsonpath does: text outside ``{}`` is literal."""
    return _compile(template)


@functools.lru_cache(maxsize=2048)
def compile_path(expr: str) -> CompiledPath:
    """Parse a path.  ``'.status.x'`` is wrapped as ``'{.status.x}'`` (what the CRD table
    convertor does with ``additionalPrinterColumns[].jsonPath``); an expression that already
    starts with ``{`` is taken as a template as is."""
    if isinstance(expr, str) and not expr.startswith("{"):
        return _compile("{" + expr + "}")
    return _compile(expr)
