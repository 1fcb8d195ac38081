"""Field selectors (``k8s.io/apimachinery/pkg/fields/selector.go``): terms, escaping,
parsing and matching."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .common import SelectorError

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
