"""Label selectors (``k8s.io/apimachinery/pkg/labels/selector.go``): lexer, parser,
requirement validation, matching and ``String()``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from .common import SelectorError, _aggregate, _invalid, _is_qualified_name, _is_valid_label_value, _parse_int64

# ---------------------------------------------------------------------------
# Label selectors
# ---------------------------------------------------------------------------

# selection.Operator string values.
OP_IN = "in"
OP_NOT_IN = "notin"
OP_EQUALS = "="
OP_DOUBLE_EQUALS = "=="
OP_NOT_EQUALS = "!="
OP_GT = "gt"
OP_LT = "lt"
OP_EXISTS = "exists"
OP_DOES_NOT_EXIST = "!"

_BINARY_OPERATORS = (OP_IN, OP_NOT_IN, OP_EQUALS, OP_DOUBLE_EQUALS, OP_NOT_EQUALS, OP_GT, OP_LT)

# Lexer tokens (labels.Token).
_T_ERROR, _T_EOS, _T_CLOSEPAR, _T_COMMA, _T_NOT, _T_DEQ, _T_EQ, _T_GT, _T_ID, _T_IN, _T_LT, \
    _T_NEQ, _T_NOTIN, _T_OPENPAR = range(14)

_STRING2TOKEN = {
    ")": _T_CLOSEPAR, ",": _T_COMMA, "!": _T_NOT, "==": _T_DEQ, "=": _T_EQ, ">": _T_GT,
    "in": _T_IN, "<": _T_LT, "!=": _T_NEQ, "notin": _T_NOTIN, "(": _T_OPENPAR,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")


def _lex(s: str) -> list[tuple[int, str]]:
    """labels.Lexer run to EndOfStringToken (Parser.scan).

    Mirrors the byte-at-a-time Go lexer, including its treatment of a NUL
    character, which ``read`` cannot tell apart from the end of the input.
    """
    n = len(s)
    pos = 0
    items: list[tuple[int, str]] = []

    def read() -> str:
        nonlocal pos
        if pos < n:
            ch = s[pos]
            pos += 1
            return ch
        return "\0"

    while True:
        ch = read()
        while ch in _WHITESPACE:
            ch = read()
        if ch == "\0":
            items.append((_T_EOS, ""))
            return items
        pos -= 1
        if ch in _SPECIAL:
            buf = ""
            last: tuple[int, str] | None = None
            while True:
                c = read()
                if c == "\0":
                    break
                if c in _SPECIAL:
                    buf += c
                    tok = _STRING2TOKEN.get(buf)
                    if tok is not None:
                        last = (tok, buf)
                    elif last is not None:
                        pos -= 1
                        break
                else:
                    pos -= 1
                    break
            if last is None:  # unreachable: every single special symbol is a token
                items.append((_T_ERROR, "error expected: keyword found '%s'" % buf))
            else:
                items.append(last)
        else:
            # scanIDOrKeyword: stop before a special symbol or whitespace; a NUL
            # ends the word and is consumed (read() advanced past it).
            start = pos
            while pos < n:
                c = s[pos]
                if c == "\0" or c in _SPECIAL or c in _WHITESPACE:
                    break
                pos += 1
            word = s[start:pos]
            if pos < n and s[pos] == "\0":
                pos += 1
            tok = _STRING2TOKEN.get(word)
            items.append((tok, word) if tok is not None else (_T_ID, word))


class _LabelParser:
    """labels.Parser over the scanned items."""

    __slots__ = ("items", "position")

    def __init__(self, text: str):
        self.items = _lex(text)
        self.position = 0

    # ParserContext: in Values context the keywords in/notin are identifiers.
    def lookahead(self, values: bool) -> tuple[int, str]:
        tok, lit = self.items[self.position]
        if values and (tok == _T_IN or tok == _T_NOTIN):
            tok = _T_ID
        return tok, lit

    def consume(self, values: bool) -> tuple[int, str]:
        tok, lit = self.items[self.position]
        self.position += 1
        if values and (tok == _T_IN or tok == _T_NOTIN):
            tok = _T_ID
        return tok, lit

    def parse(self) -> list[LabelRequirement]:
        reqs: list[LabelRequirement] = []
        while True:
            tok, lit = self.lookahead(True)
            if tok == _T_ID or tok == _T_NOT:
                try:
                    r = self.parse_requirement()
                except _ReqError as e:
                    raise SelectorError("unable to parse requirement: %s" % e.args[0]) from None
                reqs.append(r)
                t, t_lit = self.consume(True)
                if t == _T_EOS:
                    return reqs
                if t == _T_COMMA:
                    t2, l2 = self.lookahead(True)
                    if t2 != _T_ID and t2 != _T_NOT:
                        raise SelectorError("found '%s', expected: identifier after ','" % l2)
                else:
                    raise SelectorError("found '%s', expected: ',' or 'end of string'" % t_lit)
            elif tok == _T_EOS:
                return reqs
            else:
                raise SelectorError("found '%s', expected: !, identifier, or 'end of string'" % lit)

    def parse_requirement(self) -> LabelRequirement:
        key, op = self.parse_key_and_infer_operator()
        if op == OP_EXISTS or op == OP_DOES_NOT_EXIST:
            return _new_requirement(key, op, ())
        op = self.parse_operator()
        if op == OP_IN or op == OP_NOT_IN:
            values = self.parse_values()
        else:
            values = self.parse_exact_value()
        return _new_requirement(key, op, tuple(sorted(values)))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        op = ""
        tok, lit = self.consume(True)
        if tok == _T_NOT:
            op = OP_DOES_NOT_EXIST
            tok, lit = self.consume(True)
        if tok != _T_ID:
            raise _ReqError("found '%s', expected: identifier" % lit)
        errs = _is_qualified_name(lit)
        if errs:
            raise _ReqError(_invalid("<nil>", lit, "; ".join(errs)))
        t, _ = self.lookahead(True)
        if (t == _T_EOS or t == _T_COMMA) and op != OP_DOES_NOT_EXIST:
            op = OP_EXISTS
        return lit, op

    def parse_operator(self) -> str:
        tok, lit = self.consume(False)
        op = _TOKEN2OP.get(tok)
        if op is None:
            raise _ReqError("found '%s', expected: %s" % (lit, ", ".join(_BINARY_OPERATORS)))
        return op

    def parse_values(self) -> set[str]:
        tok, lit = self.consume(True)
        if tok != _T_OPENPAR:
            raise _ReqError("found '%s' expected: '('" % lit)
        tok, lit = self.lookahead(True)
        if tok == _T_ID or tok == _T_COMMA:
            s = self.parse_identifiers_list()
            tok2, _ = self.consume(True)
            if tok2 != _T_CLOSEPAR:  # unreachable; upstream reports the earlier literal
                raise _ReqError("found '%s', expected: ')'" % lit)
            return s
        if tok == _T_CLOSEPAR:
            self.consume(True)
            return {""}
        raise _ReqError("found '%s', expected: ',', ')' or identifier" % lit)

    def parse_identifiers_list(self) -> set[str]:
        s: set[str] = set()
        while True:
            tok, lit = self.consume(True)
            if tok == _T_ID:
                s.add(lit)
                tok2, lit2 = self.lookahead(True)
                if tok2 == _T_COMMA:
                    continue
                if tok2 == _T_CLOSEPAR:
                    return s
                raise _ReqError("found '%s', expected: ',' or ')'" % lit2)
            if tok == _T_COMMA:
                if not s:
                    s.add("")
                tok2, _ = self.lookahead(True)
                if tok2 == _T_CLOSEPAR:
                    s.add("")
                    return s
                if tok2 == _T_COMMA:
                    self.consume(True)
                    s.add("")
                continue
            raise _ReqError("found '%s', expected: ',', or identifier" % lit)

    def parse_exact_value(self) -> set[str]:
        tok, _ = self.lookahead(True)
        if tok == _T_EOS or tok == _T_COMMA:
            return {""}
        tok, lit = self.consume(True)
        if tok == _T_ID:
            return {lit}
        raise _ReqError("found '%s', expected: identifier" % lit)


class _ReqError(Exception):
    """Error inside parseRequirement (wrapped as 'unable to parse requirement: ...')."""


_TOKEN2OP = {
    _T_IN: OP_IN, _T_EQ: OP_EQUALS, _T_DEQ: OP_DOUBLE_EQUALS, _T_GT: OP_GT,
    _T_LT: OP_LT, _T_NOTIN: OP_NOT_IN, _T_NEQ: OP_NOT_EQUALS,
}


class LabelRequirement(NamedTuple):
    """One parsed requirement: ``operator`` is the upstream selection.Operator string
    (``in notin = == != gt lt exists !``); ``values`` is sorted and de-duplicated."""

    key: str
    operator: str
    values: tuple[str, ...]

    def __str__(self) -> str:  # Requirement.String
        op = self.operator
        if op == OP_EXISTS:
            return self.key
        if op == OP_DOES_NOT_EXIST:
            return "!" + self.key
        vals = ",".join(self.values)
        if op == OP_IN:
            return "%s in (%s)" % (self.key, vals)
        if op == OP_NOT_IN:
            return "%s notin (%s)" % (self.key, vals)
        sym = {OP_GT: ">", OP_LT: "<"}.get(op, op)
        return self.key + sym + vals


def _new_requirement(key: str, op: str, vals: tuple[str, ...]) -> LabelRequirement:
    """labels.NewRequirement's checks that the parser can reach."""
    errs: list[str] = []
    if op == OP_GT or op == OP_LT:
        for i, v in enumerate(vals):
            if _parse_int64(v) is None:
                errs.append(_invalid("values[%d]" % i, v,
                                     "for 'Gt', 'Lt' operators, the value must be an integer"))
    for i, v in enumerate(vals):
        verrs = _is_valid_label_value(v)
        if verrs:
            errs.append(_invalid("values[%d][%s]" % (i, key), v, "; ".join(verrs)))
    if errs:
        raise _ReqError(_aggregate(errs))
    return LabelRequirement(key, op, vals)


_MISSING = object()


def _compile_requirement(r: LabelRequirement) -> Callable[[Mapping[str, str]], bool]:
    """Requirement.Matches as a closure over precomputed values."""
    k, op, vals = r
    if op in (OP_EQUALS, OP_DOUBLE_EQUALS, OP_IN):
        if len(vals) == 1:
            v = vals[0]
            return lambda ls: ls.get(k, _MISSING) == v
        vs = frozenset(vals)
        return lambda ls: ls.get(k, _MISSING) in vs
    if op in (OP_NOT_EQUALS, OP_NOT_IN):
        if len(vals) == 1:
            v = vals[0]
            return lambda ls: ls.get(k, _MISSING) != v
        vs = frozenset(vals)
        return lambda ls: ls.get(k, _MISSING) not in vs
    if op == OP_EXISTS:
        return lambda ls: k in ls
    if op == OP_DOES_NOT_EXIST:
        return lambda ls: k not in ls
    bound = _parse_int64(vals[0])
    greater = op == OP_GT

    def cmp(ls: Mapping[str, str]) -> bool:
        v = ls.get(k)
        if v is None:
            return False
        n = _parse_int64(v)
        if n is None:
            return False
        return n > bound if greater else n < bound  # type: ignore[operator]

    return cmp


class LabelSelector:
    """A parsed label selector; ``matches`` does not re-parse."""

    __slots__ = ("requirements", "_checks")

    def __init__(self, requirements: Iterable[LabelRequirement] = ()):
        # parse() sorts by key (sort.Sort(ByKey(items))) for a deterministic String().
        self.requirements: tuple[LabelRequirement, ...] = tuple(
            sorted(requirements, key=lambda r: r.key))
        self._checks = tuple(_compile_requirement(r) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if labels is None:
            labels = {}
        for check in self._checks:
            if not check(labels):
                return False
        return True

    def requires_exact_match(self, label: str) -> str | None:
        """internalSelector.RequiresExactMatch: the single value ``label`` must have, if any."""
        for r in self.requirements:
            if r.key == label:
                if r.operator in (OP_EQUALS, OP_DOUBLE_EQUALS, OP_IN) and len(r.values) == 1:
                    return r.values[0]
                return None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)

    def __repr__(self) -> str:
        return "LabelSelector(%r)" % str(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LabelSelector) and self.requirements == other.requirements

    def __hash__(self) -> int:
        return hash(self.requirements)


_EVERYTHING_LABELS = LabelSelector()


def parse_label_selector(text: str | None) -> LabelSelector:
    """labels.Parse; ``''``/``None`` select everything. Raises SelectorError."""
    if not text:
        return _EVERYTHING_LABELS
    reqs = _LabelParser(text).parse()
    if not reqs:
        return _EVERYTHING_LABELS
    return LabelSelector(reqs)
