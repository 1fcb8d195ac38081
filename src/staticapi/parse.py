"""YAML/JSON bytes -> Python documents, fast, with a verified fallback.

Why this module exists
----------------------
Parsing is the bottleneck of indexing multi-GB must-gathers: PyYAML's
``CSafeLoader`` builds Python objects in Python and reads about 2-3 MB/s,
``yaml_rs`` (a Rust YAML parser) about 10x that (see ``scripts/bench_parse.py``).
But the two do not read YAML the same way, and what we serve must be what
Kubernetes would read, so this module has two entry points:

``reference_load(data)``
    The *definition* of the semantics.  PyYAML ``CSafeLoader`` with the
    timestamp implicit resolver removed (timestamps stay strings, as with
    ``sigs.k8s.io/yaml``: go-yaml v2 ``decode.go`` keeps implicit timestamps as
    strings when decoding into ``interface{}``) and the ``=`` (``tag:yaml.org,2002:value``)
    resolver removed (a bare ``=`` is a string).  Duplicate keys: the last wins
    (and keeps the first key's position).  Empty (``null``) documents are dropped.
    A JSON text (first non-blank byte ``{`` or ``[``, valid RFC 8259) is read as JSON,
    not as YAML 1.1, exactly like apimachinery's ``YAMLOrJSONDecoder`` sniffing
    (``k8s.io/apimachinery/pkg/util/yaml/decoder.go``): YAML 1.1 is not a JSON
    superset (PyYAML reads ``1e3`` as a string).

    The result is converted to what ``sigs.k8s.io/yaml`` ``YAMLToJSON`` produces
    (``yaml.go`` ``convertToJSONableObject``) so it is orjson-serialisable:

    * non-string mapping keys become strings: int -> decimal, bool -> ``true``/``false``,
      float -> Go ``strconv.FormatFloat(f, 'g', -1, 32)`` (``.inf``/``-.inf``/``.nan``);
      a null key is an error ("unsupported map key"), as upstream;
    * integers outside [-2**63, 2**64-1] become floats (go-yaml v2 ``resolve.go`` falls
      back to float64; orjson can neither load nor dump them as integers);
    * explicit tags: ``!!binary`` -> the decoded bytes as a string (go-yaml v2 does
      ``string(data)``; invalid UTF-8 becomes U+FFFD as Go's ``json.Marshal`` would);
      ``!!timestamp`` -> the scalar text (go-yaml would re-format it as RFC 3339, we keep
      the archived text); ``!!set`` -> mapping to nulls; ``!!omap``/``!!pairs`` ->
      the plain sequence of one-key mappings; unknown tags (``!foo``) -> the untagged
      value (go-yaml v2 ignores tags it does not know);
    * nesting deeper than ``MAX_DEPTH`` containers (orjson's own limit: 254) and alias
      expansion beyond ``MAX_ALIAS_NODES`` (billion laughs) raise ``ParseError``;
      recursive aliases raise ``ParseError`` (go-yaml: "anchor contains itself").

    Known, documented differences from go-yaml v2 / sigs.k8s.io/yaml that we keep
    (the reference is PyYAML's YAML 1.1 reading):
    ``y``/``Y``/``n``/``N`` are strings here (booleans in go-yaml v2 ``resolve.go``);
    ``1e3``/``1.0e3`` (exponent without dot or sign) are strings here (floats in go-yaml);
    ``0o17`` is a string here (15 in go-yaml via ``strconv.ParseInt(s, 0, 64)``);
    ``1:20`` is sexagesimal 80 here (a string in go-yaml, which dropped base 60);
    ``.nan``/``.inf`` stay floats (Go's ``json.Marshal`` would fail on them; orjson
    writes ``null``); key order is the document's (Go's ``json.Marshal`` sorts map keys).

``load_documents(data)``
    Same result as ``reference_load`` (tests assert equality), faster:

    1. JSON input -> ``orjson.loads``; anything it rejects falls through.
    2. YAML input with none of the constructs the two parsers may read differently ->
       ``yaml_rs.loads(parse_datetime=False, duplicate_key_policy=Error)`` with alias
       limits.  A cheap pre-scan over the bytes decides: control characters, tabs, CR,
       YAML 1.1-only line breaks (NEL, LS, PS), BOMs inside, tags/anchors/aliases,
       reserved indicators, explicit ``?`` keys, ``<<``, directives, ``...`` markers,
       ``---`` markers with content on their line, very deep block prefixes, and plain scalars that YAML 1.1 (PyYAML) and
       YAML 1.2 (yaml_rs) resolve differently (``yes/no/on/off`` in PyYAML's casings,
       leading-zero/``0o``/``0x``/``0b`` integers, ``_`` in numbers, exponents,
       leading-dot floats and ``.inf``/``.nan`` spellings, sexagesimal ``1:20``).
       A multi-document stream is split at its ``---`` lines and each part takes its
       own path (yaml_rs returns a bare value for one document and a list for several,
       which is ambiguous with a top-level sequence); a ``ParseError`` from a part then
       gives line numbers relative to that part.
    3. The yaml_rs result must pass ``orjson.dumps`` (string keys only, depth <= 254,
       64-bit integers) or we fall back.
    4. Everything else, and any fast-path failure (including duplicate keys) ->
       the reference (for that document), so errors are always the reference's.

The cyclic garbage collector is paused while parsing (it gives ~1.5x on
allocation-heavy parsing; the previous state is restored).
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
import yaml_rs

__all__ = ["ParseError", "load_documents", "reference_load", "MAX_DEPTH", "MAX_ALIAS_NODES"]

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


# --------------------------------------------------------------------------- fast path

# Bytes that are fine anywhere: printable ASCII, LF, and every non-ASCII byte
# (multi-byte sequences that matter are checked separately).  Deleting them leaves
# the control characters, TAB, CR and DEL.
_SAFE_BYTES = bytes(range(0x20, 0x7F)) + b"\n" + bytes(range(0x80, 0x100))
# Multi-byte sequences that matter, looked up only when their lead bytes occur.
_C1_CONTROLS = re.compile(rb"\xc2[\x80-\x9f]")  # C1 controls incl. NEL (YAML 1.1 line break)
_E2_RISKY = (b"\xe2\x80\xa8", b"\xe2\x80\xa9")  # LS, PS: YAML 1.1 line breaks
_EF_RISKY = (b"\xef\xbb\xbf", b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # inner BOM, non-characters
# merge keys, directives, document markers after the first line
_RISKY_SEQUENCES = (b"<<", b"\n%", b"\n...")

# Plain scalars that YAML 1.1 (PyYAML) and YAML 1.2 (yaml_rs) may resolve differently,
# as whole tokens.  Derived from PyYAML resolver.py's implicit resolvers and the
# YAML 1.2 core schema plus yaml_rs's observed extensions (underscores, 0b); the
# Hypothesis test in tests/test_parse.py compares both parsers on random tokens.
_RISKY_VALUE = (
    rb"(?:[yY](?:es|ES)|[nN][oO]|[oO](?:[nN]|[fF][fF])"  # YAML 1.1 booleans (P's casings +)
    rb"|[-+]?0[0-9_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?"  # leading zero: octal vs decimal
    rb"|[-+]?0(?:[bB][0-9_]+|[oO][0-9_]+|[xX][0-9a-fA-F_]+)"  # radix prefixes
    rb"|[-+]?[.0-9]*_[-+._0-9a-zA-Z:]*"  # underscores in numbers
    rb"|[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+"  # exponents
    rb"|[-+]?\.(?:[0-9][-+.0-9A-Za-z_]*|[iI][nN][fF]|[nN][aA][nN])"  # leading dot, inf, nan
    rb"|[-+]?[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?)"  # sexagesimal
)
_FOLLOW = rb"(?=[ ]*(?:[\r\n#,\]}]|\Z|:(?:\s|\Z)))"
# A separator, then an indicator that changes meaning (tag, anchor, alias, reserved,
# explicit key) or a risky plain scalar.  Separators are a superset of the places a
# plain scalar can start (line start, after ': ', '- ', '[', '{', ',', '":').
_RISKY = re.compile(
    rb"[\s\[{,:](?:[&*!@`%]|\?(?=\s|\Z)|(?=[-+.0-9_yYnNoO])" + _RISKY_VALUE + _FOLLOW
    # plain scalars starting with ':' (flow: PyYAML refuses, yaml_rs accepts)
    + rb"|:(?=\S)"
    # '|'/'>' not followed by a block scalar header and line end (in flow: plain in yaml_rs)
    + rb"|[|>](?![-+0-9]*[ ]*(?:#[^\n]*)?(?:\n|\Z)))"
    # flow indicators directly followed by '|', '>' or ':'
    + rb"|[\[{,]\s*[|>:]"

    # ':' directly before a flow indicator ('[a:]'): PyYAML needs a space after ':'
    + rb"|:[\]},]"
    # surrogate escapes: yaml_rs pairs them up as JSON does, libyaml rejects them
    + rb"|\\(?:u|U0000)[dD][89a-fA-F]"
)
# A document start marker alone on its line; the stream is split there (see _fast).
_DOC_START = re.compile(rb"^---[ ]*(?:#[^\n]*)?(?:\n|\Z)", re.MULTILINE)
_DEEP_BLOCK = re.compile(rb"(?<![ ?-])[ ?-]{1000}")  # yaml_rs recurses on block nesting
# A block scalar header at the end of a line.  After a flow opener on the same line
# ('{k: |') it is in flow context, where yaml_rs reads '|'/'>' as the start of a plain
# scalar and PyYAML refuses: checked per hit in _fast_yaml_ok (a single regex from
# each opener to the line end would be quadratic on '[[[[...').
_BLOCK_HEADER = re.compile(rb"[|>][-+0-9]*[ ]*(?:#[^\n]*)?(?:\n|\Z)")
_ALIAS_LIMITS = yaml_rs.AliasLimits(
    max_total_replayed_events=MAX_ALIAS_NODES, max_replay_stack_depth=64
)


def _fast_yaml_ok(body: bytes) -> bool:
    """True when yaml_rs is known to read ``body`` exactly like the reference."""
    if body.translate(None, _SAFE_BYTES):
        return False
    for seq in _RISKY_SEQUENCES:
        if seq in body:
            return False
    if b"\xc2" in body and _C1_CONTROLS.search(body):
        return False
    if b"\xe2\x80" in body and any(seq in body for seq in _E2_RISKY):
        return False
    if b"\xef" in body and any(seq in body for seq in _EF_RISKY):
        return False
    head = body[:1]
    if head in (b"%", b"&", b"*", b"!", b"@", b"`", b"?", b"."):
        return False
    if _RISKY.search(b"\n" + body[:256]) or _RISKY.search(body):
        return False
    if len(body) > 2000 and max(map(len, body.split(b"\n"))) > 2000 and _DEEP_BLOCK.search(body):
        return False
    if b"[" in body or b"{" in body:
        for match in _BLOCK_HEADER.finditer(body):
            start = match.start()
            line = body[body.rfind(b"\n", 0, start) + 1 : start]
            if b"[" in line or b"{" in line:
                return False
    return True


_MISSING = object()


def _fast(body: bytes) -> Any:
    stripped = body.lstrip(b" \t\r\n")
    if stripped[:1] in (b"{", b"["):
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
        else:
            if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
                return [value]
            try:
                orjson.dumps(value)
                return [value]
            except orjson.JSONEncodeError:
                return _MISSING
    if body.startswith(b"---") or b"\n---" in body:
        # Multi-document stream: split at marker lines ('---' alone, or with a
        # comment).  A '---' line at column 0 ends a document wherever it appears and
        # anchors do not cross documents, so each part is one document that can take
        # its own path.  Streams with directives or '...' markers, or a '---' line with
        # content ('--- |'), go to the reference whole.
        if body.startswith((b"%", b"...")) or b"\n%" in body or b"\n..." in body:
            return _MISSING
        parts = _DOC_START.split(body)
        if any(p.startswith(b"---") or b"\n---" in p for p in parts):
            return _MISSING
    else:
        parts = [body]
    docs: list[Any] = []
    for part in parts:
        value = _fast_document(part)
        if value is _MISSING:
            docs.extend(_reference_yaml(_decode(part)))
        elif value is not None:
            docs.append(value)
    return docs


def _fast_document(part: bytes) -> Any:
    """One YAML document through yaml_rs, or _MISSING when the reference must read it."""
    if not _fast_yaml_ok(part):
        return _MISSING
    try:
        value = yaml_rs.loads(
            part.decode("utf-8"),
            parse_datetime=False,
            alias_limits=_ALIAS_LIMITS,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except (ValueError, TypeError, RecursionError, OverflowError):
        return _MISSING
    if value is not None:
        try:
            orjson.dumps(value)
        except (orjson.JSONEncodeError, TypeError):
            return _MISSING
    return value


def load_documents(data: bytes) -> list[Any]:
    """Every document in ``data`` (YAML stream or JSON text); ``reference_load`` semantics.

    Empty documents are dropped.  Raises ``ParseError`` for invalid YAML/JSON,
    binary data (NUL bytes, invalid UTF-8), alias bombs and excessive nesting.
    """
    body = bytes(data)
    if body[:3] == b"\xef\xbb\xbf":
        body = body[3:]
    elif body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return reference_load(data)
    if b"\x00" in body:
        nul = body.find(b"\x00")
        raise ParseError(f"binary data (NUL byte at offset {nul})")
    with _gc_paused():
        result = _fast(body)
        if result is not _MISSING:
            return result
        return _reference(_decode(body))
