"""Printing results as client-go does (``PrintResults``, ``evalToText``): Go ``fmt`` and
``encoding/json`` formatting of values."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from .nodes import _INT64_MAX, _INT64_MIN, JSONPathError, _Byte

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
