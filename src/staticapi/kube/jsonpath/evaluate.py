"""Evaluating a parse tree over JSON-ish data (client-go ``util/jsonpath/jsonpath.go``:
FindResults with range/end bookkeeping, evalArray, evalField, evalFilter, evalWildcard,
evalRecursive, evalUnion) and the filter comparisons of Go ``text/template``
(``third_party/forked/golang/template/funcs.go``)."""

from __future__ import annotations

from typing import Any

from .nodes import (
    _INT64_MAX,
    _INT64_MIN,
    _Array,
    _Bool,
    _Byte,
    _EvalError,
    _Field,
    _Filter,
    _Float,
    _Identifier,
    _Int,
    _List,
    _Node,
    _Recursive,
    _Text,
    _Union,
    _Wildcard,
)

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
