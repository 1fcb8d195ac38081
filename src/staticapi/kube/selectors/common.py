"""What label and field selectors share: ``SelectorError``, Go string quoting and the
apimachinery validation messages (``util/validation/validation.go``, ``field/errors.go``)."""

from __future__ import annotations

import re


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
