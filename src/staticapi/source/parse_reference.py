"""The reference reading of YAML/JSON bytes: what ``parse.reference_load`` returns.

PyYAML ``CSafeLoader`` without the timestamp and ``=`` resolvers, JSON texts read as JSON, the
result converted the way ``sigs.k8s.io/yaml`` ``YAMLToJSON`` converts it, depth and alias
expansion bounded (the semantics and their upstream sources are listed in ``parse.py``).
"""

from __future__ import annotations

import base64
import binascii
import gc
import json
import math
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import orjson
import yaml

#: Deepest container nesting accepted; orjson.dumps refuses 255 nested containers.
MAX_DEPTH = 254
#: Nodes that aliases may add by expansion (billion-laughs bound).
MAX_ALIAS_NODES = 1_000_000
#: Scalar bytes that aliases may add by expansion.
MAX_ALIAS_BYTES = 64 << 20

_INT64_MIN = -(2**63)
_UINT64_MAX = 2**64 - 1


class ParseError(ValueError):
    """The file is not valid YAML/JSON (or is hostile).  ``str(e)`` is one line."""


# --------------------------------------------------------------------------- reference


class _RefLoader(yaml.CSafeLoader):
    """CSafeLoader without the timestamp and '=' implicit resolvers, JSON-able tags."""


_RefLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value")
    ]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
_RefLoader.yaml_constructors = dict(yaml.CSafeLoader.yaml_constructors)
_RefLoader.yaml_multi_constructors = dict(yaml.CSafeLoader.yaml_multi_constructors)


def _construct_binary(loader: yaml.BaseLoader, node: yaml.Node) -> str:
    text = loader.construct_scalar(node)
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"failed to decode base64 data: {exc}", node.start_mark
        ) from exc
    return raw.decode("utf-8", "replace")


def _construct_timestamp(loader: yaml.BaseLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)


def _construct_set(loader: yaml.BaseLoader, node: yaml.Node) -> Iterator[dict]:
    data: dict = {}
    yield data
    for key in loader.construct_mapping(node).keys():
        data[key] = None


def _construct_untagged(loader: yaml.BaseLoader, tag_suffix: str, node: yaml.Node) -> Any:
    # go-yaml v2 decodes a node with an unknown tag as if it had none.
    if isinstance(node, yaml.MappingNode):
        return loader.construct_yaml_map(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_yaml_seq(node)
    return loader.construct_scalar(node)


def _construct_mapping(self: _RefLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    # Keys become strings as they are constructed (not afterwards), so that e.g. the
    # keys 1 and true stay distinct as in Go's map[interface{}]interface{}.
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a mapping node, but found {node.id}", node.start_mark
        )
    self.flatten_mapping(node)  # '<<' merge keys, as SafeConstructor does
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = self.construct_object(key_node, deep=deep)
        if type(key) is not str:
            key = _key_string(key)
        mapping[key] = self.construct_object(value_node, deep=deep)
    return mapping


_RefLoader.construct_mapping = _construct_mapping  # type: ignore[method-assign]
_RefLoader.add_constructor("tag:yaml.org,2002:binary", _construct_binary)
_RefLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_RefLoader.add_constructor("tag:yaml.org,2002:set", _construct_set)
_RefLoader.add_constructor("tag:yaml.org,2002:omap", yaml.constructor.SafeConstructor.construct_yaml_seq)
_RefLoader.add_constructor("tag:yaml.org,2002:pairs", yaml.constructor.SafeConstructor.construct_yaml_seq)


def _multi_tag(loader: yaml.BaseLoader, tag_suffix: str, node: yaml.Node) -> Any:
    tag = "tag:" + tag_suffix
    if tag.startswith("tag:yaml.org,2002:python/"):
        raise yaml.constructor.ConstructorError(
            None, None, f"unsupported tag {tag!r}", node.start_mark
        )
    return _construct_untagged(loader, tag_suffix, node)


# Local tags (!foo) and unknown global tags decode as untagged values; python/* tags
# stay errors.
_RefLoader.add_multi_constructor("!", _construct_untagged)
_RefLoader.add_multi_constructor("tag:", _multi_tag)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [p for p in (exc.context, exc.problem) if p]
        msg = ": ".join(parts) or exc.__class__.__name__
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            msg += f" (line {mark.line + 1}, column {mark.column + 1})"
    else:
        msg = str(exc) or exc.__class__.__name__
    return "invalid YAML: " + " ".join(msg.split())


def _decode(data: bytes) -> str:
    """Bytes -> text: UTF-8 (BOM stripped) or UTF-16 with BOM; no NUL bytes."""
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(f"not valid UTF-16 text (byte {exc.start})") from None
        if "\x00" in text:
            raise ParseError("binary data (NUL character)")
        return text
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ParseError(f"binary data (NUL byte at offset {nul})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not valid UTF-8 text (byte {exc.start})") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _strict_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError("number out of range")
    return value


def _go_float_key(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 32) with go-yaml's inf/nan spellings."""
    if math.isnan(value):
        return ".nan"
    try:
        f32 = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        f32 = math.copysign(math.inf, value)
    if math.isinf(f32):
        return ".inf" if f32 > 0 else "-.inf"
    if f32 == 0:
        return "-0" if math.copysign(1.0, f32) < 0 else "0"
    for prec in range(1, 10):  # shortest digits that round-trip through float32
        s = f"{abs(f32):.{prec - 1}e}"
        if struct.unpack("<f", struct.pack("<f", float(s)))[0] == abs(f32):
            break
    mantissa, exp_s = s.split("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    exp = int(exp_s)
    sign = "-" if f32 < 0 else ""
    if exp < -4 or exp >= 6:  # Go uses %e when shortest and exp outside [-4, 6)
        frac = "." + digits[1:] if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{frac}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    return sign + format(Decimal(f"{digits}e{exp - len(digits) + 1}"), "f")


def _key_string(key: Any) -> str:
    # sigs.k8s.io/yaml yaml.go convertToJSONableObject: string, int, float, bool keys.
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return _go_float_key(key)
    if key is None:
        raise ParseError("unsupported map key null")
    raise ParseError(f"unsupported map key of type {type(key).__name__}")


def _jsonable(value: Any, depth: int = 0) -> Any:
    """Convert a constructed document to orjson-able data (see module docstring)."""
    tp = type(value)
    if tp is dict or tp is list:
        depth += 1
        if depth > MAX_DEPTH:
            raise ParseError(f"nesting deeper than {MAX_DEPTH} levels")
        if tp is list:
            return [_jsonable(v, depth) for v in value]
        return {_key_string(k): _jsonable(v, depth) for k, v in value.items()}
    if tp is int and not (_INT64_MIN <= value <= _UINT64_MAX):
        return float(value)
    if tp is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError("invalid Unicode (lone surrogate) in string") from None
    return value


def _finish(doc: Any) -> Any:
    try:
        orjson.dumps(doc)
        return doc
    except (orjson.JSONEncodeError, TypeError):
        pass
    try:
        doc = _jsonable(doc)
    except RecursionError:
        raise ParseError(f"nesting deeper than {MAX_DEPTH} levels") from None
    try:
        orjson.dumps(doc)
    except (orjson.JSONEncodeError, TypeError) as exc:
        raise ParseError(f"cannot represent as JSON: {exc}") from None
    return doc


_DEEP_PREFIX = re.compile(r"(?<![ ?-])[ ?-]{100}")  # run starts only: linear


def _check_event_depth(text: str) -> None:
    """Exact composed nesting depth from libyaml events (iterative: no C recursion)."""
    depth = 0
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=_RefLoader):
            if isinstance(event, starts):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ParseError(f"nesting deeper than {MAX_DEPTH} levels")
            elif isinstance(event, ends):
                depth -= 1
    except yaml.YAMLError as exc:
        raise ParseError(_one_line(exc)) from None


def _check_aliases(root: yaml.Node) -> None:
    """Bound alias expansion (billion laughs) in nodes *and* in scalar bytes, and expanded depth;
    reject recursive aliases. A byte bound is needed too: one 1 MB scalar aliased 2,000 times is
    few nodes but ~2 GB of JSON (go-yaml v2 decode.go bounds decode operations for the same reason)."""
    sizes: dict[int, tuple[int, int, int]] = {}  # id(node) -> (expanded nodes, expanded depth, scalar bytes)
    on_stack: set[int] = set()
    expanded_extra = 0
    expanded_bytes = 0

    def visit(node: yaml.Node) -> tuple[int, int, int]:
        nonlocal expanded_extra, expanded_bytes
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            expanded_extra += known[0]
            expanded_bytes += known[2]
            if expanded_extra > MAX_ALIAS_NODES:
                raise ParseError(f"alias expansion exceeds {MAX_ALIAS_NODES} nodes (alias bomb?)")
            if expanded_bytes > MAX_ALIAS_BYTES:
                raise ParseError(f"alias expansion exceeds {MAX_ALIAS_BYTES} bytes (alias bomb?)")
            return known
        if key in on_stack:
            raise ParseError("recursive alias (anchor contains itself)")
        if isinstance(node, yaml.ScalarNode):
            result = (1, 0, len(node.value))
        else:
            on_stack.add(key)
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            else:
                children = node.value
            total, deepest, nbytes = 1, 0, 0
            for child in children:
                n, d, b = visit(child)
                total += n
                nbytes += b
                deepest = max(deepest, d)
            on_stack.discard(key)
            result = (total, deepest + 1, nbytes)
            if result[1] > MAX_DEPTH:
                raise ParseError(f"nesting deeper than {MAX_DEPTH} levels")
        sizes[key] = result
        return result

    visit(root)


def _reference_yaml(text: str) -> list[Any]:
    flow = text.count("[") + text.count("{")
    if flow > MAX_DEPTH - 203 or _DEEP_PREFIX.search(text):
        _check_event_depth(text)  # PyYAML's C composer recurses; bound depth first
    check_aliases = "*" in text
    docs: list[Any] = []
    loader = _RefLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if check_aliases:
                _check_aliases(node)
            docs.append(loader.construct_document(node))
    except yaml.YAMLError as exc:
        raise ParseError(_one_line(exc)) from None
    except RecursionError:
        raise ParseError(f"nesting deeper than {MAX_DEPTH} levels") from None
    except ParseError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. !!int x
        raise ParseError("invalid YAML: " + " ".join(str(exc).split())) from None
    finally:
        loader.dispose()
    return [_finish(d) for d in docs if d is not None]


def _reference(text: str) -> list[Any]:
    if text.lstrip(" \t\r\n")[:1] in ("{", "["):
        try:
            value = json.loads(text, parse_constant=_reject_constant, parse_float=_strict_float)
        except (ValueError, RecursionError):
            pass  # not JSON: YAML flow syntax, or junk the YAML parser will report
        else:
            return [_finish(value)]
    return _reference_yaml(text)


@contextmanager
def _gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def reference_load(data: bytes) -> list[Any]:
    """Every document of ``data`` with the reference semantics (see module docstring)."""
    text = _decode(bytes(data))
    with _gc_paused():
        return _reference(text)
