r"""The Kubernetes JSONPath dialect (client-go ``util/jsonpath``), re-implemented in Python.

Why this module exists: the apiextensions-apiserver builds the server-side Table of a custom
resource by evaluating each ``additionalPrinterColumns[].jsonPath`` with client-go's JSONPath
package (``tableconvertor.New`` parses ``"{" + jsonPath + "}"`` with ``AllowMissingKeys(true)``).
kubectl's ``-o jsonpath`` / ``custom-columns`` use the same dialect.  Kubernetes JSONPath is not
RFC 9535 JSONPath and it has many quirks (``['a.b']`` is the *path* ``.a.b``, escaped dots
``a\.b`` are how a key containing a dot is written, ``[?()]`` filters compare with Go
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

Layout: ``nodes`` (parse tree and errors), ``parser`` (parser.go), ``evaluate`` (jsonpath.go's
evaluation and the template comparisons), ``output`` (printing values); here the public API.
"""

from __future__ import annotations

import functools
from typing import Any

from .evaluate import _Evaluator
from .nodes import JSONPathError, _List
from .output import format_value, go_format_float, go_json_marshal, print_results
from .parser import _Parser

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
