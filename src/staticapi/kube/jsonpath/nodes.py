"""The parse tree of a JSONPath template (client-go ``util/jsonpath/node.go``) and the errors."""

from __future__ import annotations

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
