"""Label and field selectors, parsed and applied the way kube-apiserver does it.

Why this module exists: kubectl and client libraries send ``labelSelector`` and
``fieldSelector`` query parameters on list and watch requests and expect the
server to filter exactly like a real kube-apiserver: the same grammar, the same
400 messages for bad input, the same set of selectable fields per resource and
the same (sometimes surprising) string values for them, e.g. ``spec.hostNetwork``
is ``"true"``/``"false"`` and a field the object does not have compares as ``""``.

Everything here is pure and precompiled: a selector is parsed once per request
and ``matches`` is then a few dict lookups per object (list requests run it over
100k objects).

Upstream sources followed (kubernetes v1.33 unless stated), re-implemented, not copied:

* ``k8s.io/apimachinery/pkg/labels/selector.go``: the label selector lexer
  (``Lexer.Lex``, ``scanIDOrKeyword``, ``scanSpecialSymbol``), the recursive descent
  ``Parser.parse`` / ``parseRequirement`` / ``parseKeyAndInferOperator`` /
  ``parseOperator`` / ``parseValues`` / ``parseIdentifiersList`` /
  ``parseExactValue``, ``NewRequirement`` validation, ``Requirement.Matches`` and
  ``Requirement.String``.
* ``k8s.io/apimachinery/pkg/util/validation/validation.go``: ``IsQualifiedName``,
  ``IsDNS1123Subdomain``, ``IsValidLabelValue``, ``RegexError``, ``MaxLenError``;
  ``.../validation/field/errors.go`` (``Error.Error``, ``ErrorBody``) and
  ``.../util/errors`` (``aggregate.Error``) for the exact message layout.
* ``k8s.io/apimachinery/pkg/fields/selector.go``: ``splitTerms``, ``splitTerm``,
  ``UnescapeValue`` / ``EscapeValue``, ``parseSelector``, ``hasTerm.Matches``
  (``fields.Get(f) == v``, so a missing field is ``""``).
* ``k8s.io/apimachinery/pkg/runtime/helper.go`` ``DefaultMetaV1FieldSelectorConversion``
  (resources without a registered conversion func), and the registered
  ``AddFieldLabelConversionFunc`` funcs: ``pkg/apis/core/v1/conversion.go``
  (Pod, Node, ReplicationController, Event, Namespace, Secret, Service),
  ``pkg/apis/events/v1/conversion.go`` ``AddFieldLabelConversionsForEvent``
  (``regarding.*`` -> ``involvedObject.*``, ``reportingController`` ->
  ``reportingComponent``), ``pkg/apis/batch/v1/conversion.go`` (Job),
  ``pkg/apis/certificates/v1/conversion.go`` and ``v1beta1`` (CSR,
  ClusterTrustBundle), ``pkg/apis/resource/v1beta1/conversion.go`` (ResourceSlice).
  apps/v1 registers none, so ``replicasets`` only support metadata fields even
  though the registry computes ``status.replicas`` (kubernetes issue #135136).
* ``staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/conversion/converter.go``
  ``crConverter.ConvertFieldLabel`` for custom resources (selectableFields).
* The per-resource field values: ``pkg/registry/core/pod/strategy.go``
  ``ToSelectableFields``, ``pkg/registry/core/node/strategy.go``,
  ``pkg/registry/core/event/strategy.go``, ``.../namespace``, ``.../secret``,
  ``.../service``, ``.../replicationcontroller``, ``pkg/registry/batch/job``,
  ``pkg/registry/certificates/...``, ``pkg/registry/resource/resourceslice``, plus the
  v1 -> internal conversions and defaulting that feed them (pod
  ``serviceAccount`` alias, ``podIP`` from ``podIPs[0]``, Secret type ``Opaque``,
  Service type ``ClusterIP``, Namespace phase ``Active`` ...).
* OpenShift aggregated APIs: openshift/openshift-apiserver field selector key
  conversions for Build (``status``, ``podName``), Route (``spec.path``,
  ``spec.host``, ``spec.to.name``), ImageStream (``spec/status.dockerImageRepository``)
  and Project (``status.phase``); ``podName`` follows openshift/library-go
  ``pkg/build/naming`` ``GetPodName``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

__all__ = [
    "SelectorError",
    "LabelRequirement",
    "LabelSelector",
    "parse_label_selector",
    "FieldSelector",
    "parse_field_selector",
    "escape_field_value",
    "supported_fields",
    "validate_field_selector",
    "field_values",
]


class SelectorError(ValueError):
    """A selector the apiserver would reject; ``str(err)`` is the 400 Status message."""


# ---------------------------------------------------------------------------
# Go formatting helpers
# ---------------------------------------------------------------------------

_GO_ESCAPES = {
    "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
    "\t": "\\t", "\v": "\\v", "\\": "\\\\", '"': '\\"',
}


def _go_quote(s: str) -> str:
    """Approximation of Go's ``%q`` / ``strconv.Quote`` for a string."""
    out = ['"']
    for ch in s:
        esc = _GO_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch.isprintable():
            out.append(ch)
        else:
            cp = ord(ch)
            if cp < 0x80:
                out.append("\\x%02x" % cp)
            elif cp < 0x10000:
                out.append("\\u%04x" % cp)
            else:
                out.append("\\U%08x" % cp)
    out.append('"')
    return "".join(out)


def _blen(s: str) -> int:
    """Length in bytes, as Go's ``len(string)``."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------------
# apimachinery validation (IsQualifiedName, IsValidLabelValue)
# ---------------------------------------------------------------------------

_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_RE = re.compile(_QNAME_FMT)
_QNAME_ERR = ("must consist of alphanumeric characters, '-', '_' or '.', "
              "and must start and end with an alphanumeric character")
_QNAME_MAX = 63
_LABEL_VALUE_FMT = "(" + _QNAME_FMT + ")?"
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE_FMT)
_LABEL_VALUE_ERR = ("a valid label must be an empty string or consist of alphanumeric characters, "
                    "'-', '_' or '.', and must start and end with an alphanumeric character")
_LABEL_VALUE_MAX = 63
_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)
_DNS1123_SUBDOMAIN_ERR = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                          "characters, '-' or '.', and must start and end with an alphanumeric character")
_DNS1123_SUBDOMAIN_MAX = 253


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    # validation.RegexError: note the doubled space before "or" that upstream produces.
    if not examples:
        return msg + " (regex used for validation is '" + fmt + "')"
    parts = [msg, " (e.g. "]
    for i, ex in enumerate(examples):
        if i:
            parts.append(" or ")
        parts.append("'" + ex + "', ")
    parts.append("regex used for validation is '" + fmt + "')")
    return "".join(parts)


def _max_len_error(n: int) -> str:
    return "must be no more than %d characters" % n


def _is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if _blen(value) > _DNS1123_SUBDOMAIN_MAX:
        errs.append(_max_len_error(_DNS1123_SUBDOMAIN_MAX))
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(_regex_error(_DNS1123_SUBDOMAIN_ERR, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def _is_qualified_name(value: str) -> list[str]:
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in _is_dns1123_subdomain(prefix))
    else:
        return ["a qualified name "
                + _regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part must be non-empty")
    elif _blen(name) > _QNAME_MAX:
        errs.append("name part " + _max_len_error(_QNAME_MAX))
    if not _QNAME_RE.fullmatch(name):
        errs.append("name part " + _regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


def _is_valid_label_value(value: str) -> list[str]:
    errs = []
    if _blen(value) > _LABEL_VALUE_MAX:
        errs.append(_max_len_error(_LABEL_VALUE_MAX))
    if not _LABEL_VALUE_RE.fullmatch(value):
        errs.append(_regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def _invalid(path: str, value: str, detail: str) -> str:
    # field.Invalid(...).Error() for a string BadValue.
    return "%s: Invalid value: %s: %s" % (path, _go_quote(value), detail)


def _aggregate(msgs: list[str]) -> str:
    # utilerrors.NewAggregate(...).Error(): dedup, one -> bare, many -> [a, b].
    seen: list[str] = []
    for m in msgs:
        if m not in seen:
            seen.append(m)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


_INT64_RE = re.compile(r"[+-]?[0-9]+")


def _parse_int64(s: str) -> int | None:
    """strconv.ParseInt(s, 10, 64); None where Go returns an error."""
    if not _INT64_RE.fullmatch(s):
        return None
    v = int(s)
    if -(1 << 63) <= v < (1 << 63):
        return v
    return None


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


# ---------------------------------------------------------------------------
# Field selectors
# ---------------------------------------------------------------------------


def escape_field_value(value: str) -> str:
    """fields.EscapeValue: backslash-escape ``\\``, ``,`` and ``=``."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def _unescape_field_value(s: str) -> str:
    """fields.UnescapeValue."""
    if "\\" not in s and "," not in s and "=" not in s:
        return s
    out = []
    in_slash = False
    for c in s:
        if in_slash:
            if c in "\\,=":
                out.append(c)
            else:
                raise SelectorError("invalid field selector: invalid escape sequence: \\" + c)
            in_slash = False
            continue
        if c == "\\":
            in_slash = True
        elif c == "," or c == "=":
            # UnescapedRune.Error prints the rune with %v, i.e. its code point number.
            raise SelectorError("invalid field selector: unescaped character in value: %d" % ord(c))
        else:
            out.append(c)
    if in_slash:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(sel: str) -> list[str]:
    """fields.splitTerms: split on commas not escaped by a backslash."""
    terms = []
    start = 0
    in_slash = False
    for i, c in enumerate(sel):
        if in_slash:
            in_slash = False
        elif c == "\\":
            in_slash = True
        elif c == ",":
            terms.append(sel[start:i])
            start = i + 1
    terms.append(sel[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    """fields.splitTerm: first position where '!=', '==' or '=' starts (in that order)."""
    for i in range(len(term)):
        c = term[i]
        if c == "!":
            if term.startswith("!=", i):
                return term[:i], "!=", term[i + 2:]
        elif c == "=":
            if term.startswith("==", i):
                return term[:i], "==", term[i + 2:]
            return term[:i], "=", term[i + 1:]
    return None


class FieldSelector:
    """A parsed field selector.

    ``requirements`` holds ``(field, op, value)`` with ``op`` in ``{'=', '!='}``
    (``==`` is normalised to ``=``) and escapes resolved, in upstream's order
    (terms sorted as written).
    """

    __slots__ = ("requirements", "_eq", "_ne")

    def __init__(self, requirements: Iterable[tuple[str, str, str]] = ()):
        self.requirements: list[tuple[str, str, str]] = list(requirements)
        self._eq = tuple((f, v) for f, op, v in self.requirements if op == "=")
        self._ne = tuple((f, v) for f, op, v in self.requirements if op == "!=")

    @property
    def empty(self) -> bool:
        return not self.requirements

    @property
    def fields(self) -> frozenset[str]:
        """The field labels this selector reads (lets a caller skip computing the rest,
        e.g. only ``metadata.*`` for most requests)."""
        return frozenset(f for f, _op, _v in self.requirements)

    def matches(self, fields: Mapping[str, str]) -> bool:
        # hasTerm / notHasTerm: fields.Get(f) is "" for an absent field.
        get = fields.get
        for f, v in self._eq:
            if get(f, "") != v:
                return False
        for f, v in self._ne:
            if get(f, "") == v:
                return False
        return True

    def requires_exact_match(self, field: str) -> str | None:
        """andTerm.RequiresExactMatch: value of the first ``field=value`` term, if any."""
        for f, v in self._eq:
            if f == field:
                return v
        return None

    def single_name(self) -> str | None:
        """The name if the selector is exactly ``metadata.name=X`` (watch on one object)."""
        if len(self.requirements) == 1:
            f, op, v = self.requirements[0]
            if f == "metadata.name" and op == "=":
                return v
        return None

    def __str__(self) -> str:
        return ",".join("%s%s%s" % (f, op, escape_field_value(v)) for f, op, v in self.requirements)

    def __repr__(self) -> str:
        return "FieldSelector(%r)" % str(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldSelector) and self.requirements == other.requirements

    def __hash__(self) -> int:
        return hash(tuple(self.requirements))


def parse_field_selector(text: str | None) -> FieldSelector:
    """fields.ParseSelector (syntax only; see validate_field_selector). Raises SelectorError."""
    if not text:
        return FieldSelector()
    parts = sorted(_split_terms(text))
    reqs = []
    for part in parts:
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise SelectorError("invalid selector: '%s'; can't understand '%s'" % (text, part))
        lhs, op, rhs = split
        value = _unescape_field_value(rhs)
        reqs.append((lhs, "!=" if op == "!=" else "=", value))
    return FieldSelector(reqs)


# ---------------------------------------------------------------------------
# Field label conversion (which fields each resource accepts) and field values
# ---------------------------------------------------------------------------

_META = ("metadata.name", "metadata.namespace")


def _default_error(label: str) -> str:
    # runtime.DefaultMetaV1FieldSelectorConversion
    return '%s is not a known field selector: only "metadata.name", "metadata.namespace"' % _go_quote(label)


def _plain_error(label: str) -> str:
    return "field label not supported: %s" % label


class _Conversion(NamedTuple):
    labels: frozenset[str]
    error: Callable[[str], str]


def _conv(labels: Iterable[str], error: Callable[[str], str] = _plain_error) -> _Conversion:
    return _Conversion(frozenset(labels), error)


_CORE_EVENT_FIELDS = (
    "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
    "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
    "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
)
# events.k8s.io/v1 label -> core label it is converted to (AddFieldLabelConversionsForEvent).
_EVENTS_V1_TO_CORE = {
    "reason": "reason",
    "regarding.kind": "involvedObject.kind",
    "regarding.namespace": "involvedObject.namespace",
    "regarding.name": "involvedObject.name",
    "regarding.uid": "involvedObject.uid",
    "regarding.apiVersion": "involvedObject.apiVersion",
    "regarding.resourceVersion": "involvedObject.resourceVersion",
    "regarding.fieldPath": "involvedObject.fieldPath",
    "reportingController": "reportingComponent",
    "type": "type",
    "metadata.namespace": "metadata.namespace",
    "metadata.name": "metadata.name",
}

# (group, plural) -> accepted field labels and the conversion func's error text.
_CONVERSIONS: dict[tuple[str, str], _Conversion] = {
    # pkg/apis/core/v1/conversion.go
    ("", "pods"): _conv(_META + (
        "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
        "status.nominatedNodeName",
        "spec.host",  # old v1 clients; converted to spec.nodeName
    )),
    ("", "nodes"): _conv(("metadata.name", "spec.unschedulable")),
    ("", "replicationcontrollers"): _conv(_META + ("status.replicas",)),
    ("", "events"): _conv(_CORE_EVENT_FIELDS + _META),
    ("", "namespaces"): _conv(("status.phase", "metadata.name")),
    ("", "secrets"): _conv(("type",) + _META),
    ("", "services"): _conv(_META + ("spec.clusterIP", "spec.type")),
    # pkg/apis/events/v1/conversion.go
    ("events.k8s.io", "events"): _conv(_EVENTS_V1_TO_CORE),
    # pkg/apis/batch/v1/conversion.go
    ("batch", "jobs"): _conv(_META + ("status.successful",),
                             lambda label: "field label %s not supported for Job" % _go_quote(label)),
    # pkg/apis/certificates/v1/conversion.go, v1beta1
    ("certificates.k8s.io", "certificatesigningrequests"): _conv(("metadata.name", "spec.signerName")),
    ("certificates.k8s.io", "clustertrustbundles"): _conv(("metadata.name", "spec.signerName")),
    # pkg/apis/resource/v1beta1/conversion.go (the message names the requested
    # group-version; v1beta2 is the preferred one in v1.33 discovery)
    ("resource.k8s.io", "resourceslices"): _conv(
        ("metadata.name", "spec.nodeName", "spec.driver"),
        lambda label: "field label not supported for resource.k8s.io/v1beta2, Kind=ResourceSlice: %s" % label),
    # openshift/openshift-apiserver: extra labels, else DefaultMetaV1FieldSelectorConversion
    ("build.openshift.io", "builds"): _conv(_META + ("status", "podName"), _default_error),
    ("route.openshift.io", "routes"): _conv(_META + ("spec.path", "spec.host", "spec.to.name"), _default_error),
    ("image.openshift.io", "imagestreams"): _conv(
        _META + ("spec.dockerImageRepository", "status.dockerImageRepository"), _default_error),
    ("project.openshift.io", "projects"): _conv(_META + ("status.phase",), _default_error),
}
_DEFAULT_CONVERSION = _conv(_META, _default_error)


def _conversion_for(group: str, resource: str, custom_resource: bool, namespaced: bool,
                    selectable_fields: Iterable[str]) -> _Conversion:
    if custom_resource:
        # crConverter.ConvertFieldLabel
        labels = {"metadata.name"}
        if namespaced:
            labels.add("metadata.namespace")
        labels.update(_cr_field_label(f) for f in selectable_fields)
        return _conv(labels)
    return _CONVERSIONS.get((group, resource), _DEFAULT_CONVERSION)


def _cr_field_label(path: str) -> str:
    # CRD selectableFields[].jsonPath is ".spec.color"; the selector label is "spec.color".
    return path[1:] if path.startswith(".") else path


def supported_fields(group: str, resource: str, *, custom_resource: bool = False,
                     namespaced: bool = True, selectable_fields: Iterable[str] = ()) -> frozenset[str]:
    """Field labels the apiserver accepts for ``group``/``resource`` (plural; ``''`` is core).

    For custom resources pass ``custom_resource=True``, the CRD scope and its
    ``selectableFields`` json paths.
    """
    return _conversion_for(group, resource, custom_resource, namespaced, selectable_fields).labels


def validate_field_selector(sel: FieldSelector, group: str, resource: str, *,
                            custom_resource: bool = False, namespaced: bool = True,
                            selectable_fields: Iterable[str] = ()) -> None:
    """Raise SelectorError with the apiserver's message for the first unsupported label.

    Mirrors ``opts.FieldSelector.Transform(scope.Convert.ConvertFieldLabel)`` in the
    list/watch handlers: terms are visited in selector order (sorted as written).
    """
    conv = _conversion_for(group, resource, custom_resource, namespaced, selectable_fields)
    for f, _op, _v in sel.requirements:
        if f not in conv.labels:
            raise SelectorError(conv.error(f))


def _s(v: Any) -> str:
    """A JSON scalar as the Go string the registry would put in the fields.Set."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _d(v: Any) -> Mapping[str, Any]:
    return v if isinstance(v, Mapping) else {}


def _meta_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    md = _d(obj.get("metadata"))
    # generic.ObjectMetaFieldsSet; cluster-scoped objects have no namespace, which
    # compares exactly like the absent field ("").
    return {"metadata.name": _s(md.get("name")), "metadata.namespace": _s(md.get("namespace"))}


def _pod_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = _d(obj.get("spec"))
    status = _d(obj.get("status"))
    out = _meta_fields(obj)
    node = _s(spec.get("nodeName"))
    out["spec.nodeName"] = node
    out["spec.host"] = node
    # SetDefaults_PodSpec
    out["spec.restartPolicy"] = _s(spec.get("restartPolicy")) or "Always"
    out["spec.schedulerName"] = _s(spec.get("schedulerName")) or "default-scheduler"
    # Convert_v1_PodSpec_To_core_PodSpec: deprecated serviceAccount is an alias.
    out["spec.serviceAccountName"] = _s(spec.get("serviceAccountName")) or _s(spec.get("serviceAccount"))
    out["spec.hostNetwork"] = "true" if spec.get("hostNetwork") is True else "false"
    out["status.phase"] = _s(status.get("phase"))
    # Convert_v1_PodStatus_To_core_PodStatus keeps podIPs, falling back to podIP;
    # ToSelectableFields uses PodIPs[0].
    pod_ip = ""
    ips = status.get("podIPs")
    if isinstance(ips, list) and ips:
        pod_ip = _s(_d(ips[0]).get("ip"))
    else:
        pod_ip = _s(status.get("podIP"))
    out["status.podIP"] = pod_ip
    # Accepted by the conversion func but not in ToSelectableFields: always "".
    out["status.podIPs"] = ""
    out["status.nominatedNodeName"] = _s(status.get("nominatedNodeName"))
    return out


def _node_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["spec.unschedulable"] = "true" if _d(obj.get("spec")).get("unschedulable") is True else "false"
    return out


def _namespace_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    # SetDefaults_NamespaceStatus
    out["status.phase"] = _s(_d(obj.get("status")).get("phase")) or "Active"
    return out


def _secret_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["type"] = _s(obj.get("type")) or "Opaque"  # SetDefaults_Secret
    return out


def _service_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = _d(obj.get("spec"))
    out = _meta_fields(obj)
    out["spec.clusterIP"] = _s(spec.get("clusterIP"))
    out["spec.type"] = _s(spec.get("type")) or "ClusterIP"  # SetDefaults_Service
    return out


def _rc_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["status.replicas"] = _s(_d(obj.get("status")).get("replicas") or 0)
    return out


def _job_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["status.successful"] = _s(_d(obj.get("status")).get("succeeded") or 0)
    return out


def _signer_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["spec.signerName"] = _s(_d(obj.get("spec")).get("signerName"))
    return out


def _resourceslice_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = _d(obj.get("spec"))
    out = _meta_fields(obj)
    out["spec.nodeName"] = _s(spec.get("nodeName"))
    out["spec.driver"] = _s(spec.get("driver"))
    return out


def _is_events_v1_form(obj: Mapping[str, Any]) -> bool:
    api_version = obj.get("apiVersion")
    if isinstance(api_version, str):
        if api_version.startswith("events.k8s.io/"):
            return True
        if api_version == "v1":
            return False
    return ("regarding" in obj or "deprecatedSource" in obj or "reportingController" in obj
            or "note" in obj)


def _event_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    """core ToSelectableFields on the internal Event, from either archived form.

    events.k8s.io/v1 -> internal (Convert_v1_Event_To_core_Event): regarding ->
    InvolvedObject, deprecatedSource -> Source, reportingController ->
    ReportingController (core/v1 JSON calls it reportingComponent).
    Keys are given in both spellings so one dict serves either group.
    """
    out = _meta_fields(obj)
    if _is_events_v1_form(obj):
        ref = _d(obj.get("regarding"))
        component = _s(_d(obj.get("deprecatedSource")).get("component"))
        reporting = _s(obj.get("reportingController"))
    else:
        ref = _d(obj.get("involvedObject"))
        component = _s(_d(obj.get("source")).get("component"))
        reporting = _s(obj.get("reportingComponent"))
    for attr in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"):
        v = _s(ref.get(attr))
        out["involvedObject." + attr] = v
        out["regarding." + attr] = v
    out["reason"] = _s(obj.get("reason"))
    out["reportingComponent"] = reporting
    out["reportingController"] = reporting
    out["source"] = component or reporting
    out["type"] = _s(obj.get("type"))
    return out


def _fnv32a_hex(s: str) -> str:
    h = 0x811C9DC5
    for b in s.encode("utf-8", "surrogatepass"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return "%08x" % h


def _build_pod_name(build: str) -> str:
    """library-go pkg/build/naming GetPodName(build, "build") (max length 253)."""
    suffix = "build"
    max_len = _DNS1123_SUBDOMAIN_MAX
    name = "%s-%s" % (build, suffix)
    if _blen(name) <= max_len:
        return name
    base_len = max_len - 10 - len(suffix)
    return "%s-%s-%s" % (build[:base_len], _fnv32a_hex(build), suffix)


def _build_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["status"] = _s(_d(obj.get("status")).get("phase"))
    out["podName"] = _build_pod_name(out["metadata.name"])
    return out


def _route_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = _d(obj.get("spec"))
    out = _meta_fields(obj)
    out["spec.path"] = _s(spec.get("path"))
    out["spec.host"] = _s(spec.get("host"))
    out["spec.to.name"] = _s(_d(spec.get("to")).get("name"))
    return out


def _imagestream_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["spec.dockerImageRepository"] = _s(_d(obj.get("spec")).get("dockerImageRepository"))
    out["status.dockerImageRepository"] = _s(_d(obj.get("status")).get("dockerImageRepository"))
    return out


def _project_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["status.phase"] = _s(_d(obj.get("status")).get("phase"))
    return out


_FIELD_FUNCS: dict[tuple[str, str], Callable[[Mapping[str, Any]], dict[str, str]]] = {
    ("", "pods"): _pod_fields,
    ("", "nodes"): _node_fields,
    ("", "namespaces"): _namespace_fields,
    ("", "secrets"): _secret_fields,
    ("", "services"): _service_fields,
    ("", "replicationcontrollers"): _rc_fields,
    ("", "events"): _event_fields,
    ("events.k8s.io", "events"): _event_fields,
    ("batch", "jobs"): _job_fields,
    ("certificates.k8s.io", "certificatesigningrequests"): _signer_fields,
    ("certificates.k8s.io", "clustertrustbundles"): _signer_fields,
    ("resource.k8s.io", "resourceslices"): _resourceslice_fields,
    ("build.openshift.io", "builds"): _build_fields,
    ("route.openshift.io", "routes"): _route_fields,
    ("image.openshift.io", "imagestreams"): _imagestream_fields,
    ("project.openshift.io", "projects"): _project_fields,
}


def _cr_value(obj: Mapping[str, Any], label: str) -> str | None:
    cur: Any = obj
    for part in label.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    if isinstance(cur, (str, bool, int)) or (isinstance(cur, float) and cur.is_integer()):
        return _s(cur)
    return None


def field_values(group: str, resource: str, obj: Mapping[str, Any], *,
                 selectable_fields: Iterable[str] = ()) -> dict[str, str]:
    """Every selectable field's value for ``obj`` as the apiserver's GetAttrs computes it.

    Keys cover ``supported_fields(group, resource)`` (for events both the core and
    the events.k8s.io spellings, for pods also the ``spec.host`` alias), so
    ``FieldSelector.matches(field_values(...))`` is the apiserver's decision once
    ``validate_field_selector`` passed. For custom resources pass the CRD's
    ``selectableFields`` json paths.
    """
    fn = _FIELD_FUNCS.get((group, resource))
    out = fn(obj) if fn is not None else _meta_fields(obj)
    for path in selectable_fields:
        label = _cr_field_label(path)
        v = _cr_value(obj, label)
        if v is not None:
            out[label] = v
    return out
