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
    2. YAML input -> ``yaml_rs.loads(parse_datetime=False, duplicate_key_policy=Error)``
       with an alias budget of 0 (any alias goes to the reference, which bounds expansion),
       when nothing the two parsers may read differently is present.  That is decided in
       two halves (details and the speed rules at "fast path" below):

       * before parsing, a pre-scan of the bytes (``_prescan``) for syntax the result
         cannot show: control characters, tabs, CR, YAML 1.1-only line breaks (NEL, LS,
         PS), BOMs inside, explicit ``?`` keys, directives, ``...`` markers, ``---`` markers
         with content on their line, surrogate escapes, flow-context quirks, very deep
         block prefixes; anchors and tags at a node start are confirmed with libyaml's own
         event parser (``&&`` in a shell script in a block scalar is text, not an anchor);
       * after parsing, in yaml_rs's result as ``orjson.dumps`` writes it (that check is
         needed anyway): every string, key or value, that PyYAML's implicit resolvers
         (``resolver.py``: ``yes/no/on/off``, octal, sexagesimal, ``<<`` ...) would turn
         into a non-string had it been plain, unless yaml_rs resolves that spelling itself
         (then it was quoted: ``"1234"``, ``"true"``); and, since a number does not show its
         spelling, small number-shaped patterns over the bytes (leading zeros, ``0o``/``0x``
         /``0b``, leading ``_``; exponents, signed leading dots, ``.inf``/``.nan`` spellings
         when a float or null is present).  A quoted ``"yes"`` falls back too (rare).

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
import functools
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

__all__ = ["ParseError", "load_documents", "load_documents_json", "reference_load", "MAX_DEPTH", "MAX_ALIAS_NODES"]

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
#
# The fast path must never return a document that the reference reads differently.
# Differences come in two kinds:
#
# * syntax the result cannot show (tags, anchors, explicit keys, flow-context quirks,
#   control characters, YAML 1.1-only line breaks): found by a pre-scan of the bytes,
#   ``_fast_yaml_ok``;
# * plain scalars that the two resolve differently (YAML 1.1 booleans, octal, ``<<`` ...):
#   found *after* parsing, in yaml_rs's own result, where every string is visible as a
#   JSON string in the ``orjson.dumps`` output that is computed anyway.  Only numbers need
#   the bytes again (a number does not show its spelling), with small number-shaped
#   patterns.
#
# Speed: CPython's regex engine skips ahead fast only to a literal first byte (``_sre``
# "INFO" literal prefix: ~2 GB/s); a first byte *class* is tested byte by byte (~150
# MB/s) and a pattern that starts with a lookbehind or a group is tried at every byte
# (the old single pre-scan regex, starting with ``[\s\[{,:]``, ran at 7-11 MB/s).  So
# every pattern below starts with one literal byte and looks *behind* for the separator
# (one pattern per byte where several start a construct), and rare bytes are first
# tested with ``in``.

# Bytes that are fine anywhere: printable ASCII, LF, and every non-ASCII byte
# (multi-byte sequences that matter are checked separately).  Deleting them leaves
# the control characters, TAB, CR and DEL.
_SAFE_BYTES = bytes(range(0x20, 0x7F)) + b"\n" + bytes(range(0x80, 0x100))
# Multi-byte sequences that matter, looked up only when their lead bytes occur.
_C1_CONTROLS = re.compile(rb"\xc2[\x80-\x9f]")  # C1 controls incl. NEL (YAML 1.1 line break)
_E2_RISKY = (b"\xe2\x80\xa8", b"\xe2\x80\xa9")  # LS, PS: YAML 1.1 line breaks
_EF_RISKY = (b"\xef\xbb\xbf", b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # inner BOM, non-characters
# The bytes _prescan looks at first: deleting all others from a body leaves the control
# characters (see _SAFE_BYTES) and these markers.
_CENSUS_MARKERS = b"%?\\[{\xc2\xe2\xef"
_CENSUS_DELETE = bytes(b for b in _SAFE_BYTES if b not in _CENSUS_MARKERS)

# After a one-byte match: that byte is preceded by a separator (a superset of the places
# a node can start: line start, after ': ', '- ', '[', '{', ',', '":') or starts the input.
_AT_TOKEN_START = rb"(?<![^\s\[{,:].)"
# The rest of a plain scalar is empty: it ends the line, the flow entry or is a key.
_FOLLOW = rb"(?=[ ]*(?:[\r\n#,\]}]|\Z|:(?:\s|\Z)))"

# Anchor ('&') or tag ('!') at a node start.  yaml_rs drops tags (PyYAML constructs them)
# and accepts anchor names libyaml refuses ('&&', '&a.b').  An empty anchor name ('& ',
# '&' at a line end) is an error in both, so it is left to yaml_rs: in shell scripts in
# block scalars ('cmd &') it is text, not syntax.  Aliases ('*') need no scan: yaml_rs
# runs with an alias budget of 0, so any alias fails there and goes to the reference,
# which bounds the expansion (MAX_ALIAS_NODES / MAX_ALIAS_BYTES).
_ANCHOR = re.compile(rb"&" + _AT_TOKEN_START + rb"(?![ \n]|\Z)")
_TAG = re.compile(rb"!" + _AT_TOKEN_START)
_EXPLICIT_KEY = re.compile(rb"\?" + _AT_TOKEN_START + rb"(?=\s|\Z)")
# Flow context only (needs a '[' or '{' somewhere): a flow indicator followed by '|', '>'
# or ':' (plain scalars in yaml_rs, errors or value indicators in libyaml), and ':'
# directly before a flow indicator ('[a:]': PyYAML needs a space after ':').
_FLOW_RISKY = tuple(
    re.compile(indicator + rb"\s*[|>:]") for indicator in (rb"\[", rb"{", rb",")
) + (re.compile(rb":[\]},]"),)
# surrogate escapes: yaml_rs pairs them up as JSON does, libyaml rejects them
_SURROGATE_ESCAPE = re.compile(rb"\\(?:u|U0000)[dD][89a-fA-F]")
# A document start marker alone on its line; the stream is split there (see _fast).
# Literal first: '---' at the start of the input or after a line break.
_DOC_START = re.compile(rb"---(?<![^\n]---)[ ]*(?:#[^\n]*)?(?:\n|\Z)")
# yaml_rs recurses on block nesting: a run of 1000 ' ', '?', '-' (found as 1000 spaces
# after mapping the three to a space and every other byte to 'x')
_DEEP_BLOCK_MAP = bytes.maketrans(
    bytes(range(256)), bytes(0x20 if b in b" ?-" else 0x78 for b in range(256))
)
_DEEP_BLOCK_RUN = b" " * 1000
# A bound on a document's nesting depth from its bytes (in the same mapping): in block
# context every level but a sequence in a mapping indents by at least one more ' ', '- ' or
# '? ' than its parent, so without a run of _SHALLOW_RUN of those bytes the depth is under
# 2 * len(_SHALLOW_RUN) + 2; a flow collection adds at most one level per '[' or '{'.
_SHALLOW_RUN = b" " * 60
_SHALLOW_OPENERS = 120
# A block scalar header at the end of a line.  After a flow opener on the same line
# ('{k: |') it is in flow context, where yaml_rs reads '|'/'>' as the start of a plain
# scalar and PyYAML refuses: checked per hit in _fast_yaml_ok (a single regex from
# each opener to the line end would be quadratic on '[[[[...').
_BLOCK_HEADERS = tuple(
    re.compile(indicator + rb"[-+0-9]*[ ]*(?:#[^\n]*)?(?:\n|\Z)") for indicator in (rb"\|", rb">")
)
_NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0, max_replay_stack_depth=64)


def _resolver_patterns() -> bytes:
    """PyYAML's own implicit-resolver regexes (resolver.py), as one verbose alternation.

    A *string* in yaml_rs's result that one of them fullmatches may have been a plain
    scalar that PyYAML reads as a bool/int/float/null/merge key (``yes``, ``0777``,
    ``1:20``, ``<<``, ``._`` ...).  It may also have been quoted; falling back then costs
    time only.  Timestamp and '=' are not resolved by the reference (see _RefLoader)."""
    alternatives: list[str] = []
    seen: set[str] = set()
    for resolvers in _RefLoader.yaml_implicit_resolvers.values():
        for tag, rx in resolvers:
            if tag in seen:
                continue
            seen.add(tag)
            pattern = rx.pattern
            assert pattern.startswith("^(?:") and pattern.endswith(")$"), pattern
            alternatives.append(pattern[1:-1])
    return "|".join(sorted(alternatives)).encode("ascii")


# Strings that yaml_rs itself resolves to a non-string when plain (YAML 1.2 core schema
# int/float/bool/null; tests/test_parse.py checks this against yaml_rs).  Such a string in
# yaml_rs's result was quoted or a block scalar, so PyYAML reads it as a string too: the
# ubiquitous quoted numbers and booleans of Kubernetes YAML (resourceVersion: "1234",
# "true" annotations) do not force the fallback.
_YAML_RS_RESOLVES = (
    rb"[-+]?[0-9]+(?:\.[0-9]*)?|true|True|TRUE|false|False|FALSE|null|Null|NULL|~"
)
# Strings that may be plain scalars PyYAML resolves differently, found in orjson's
# compact output of yaml_rs's result, where every string (key or value) is opened by a
# '"' after '{', '[', ',' or ':' (a closing quote is followed by none of the first bytes
# below and, for a string to follow, a '"').  First a cheap superset: a '"' literal lets
# the engine skip ahead fast, and the first byte after it rules out most strings:
# * a byte that cannot start a plain scalar in YAML 1.1 but may in yaml_rs's flow context
#   ('|', '>', ':', '%', '@', '`'), where PyYAML errors or splits it: risky as it is;
# * '!', '&', '*', '<' (exact '!', '&', '*' and '<<' resolve in PyYAML), YAML 1.1 boolean
#   words (two or three letters), or a number-shaped string that is not one of the plain
#   numbers yaml_rs resolves itself: checked exactly by _RISKY_STRING.
_RISKY_JSON_CANDIDATE = re.compile(
    rb'"(?=[-+.0-9<yYnNoO!&*|>:%@`])(?<=[:,\[{]")(?:[|>:%@`]|([!&*<][^"]*|[yYnNoO][a-zA-Z]{0,2}'
    rb'|(?!(?:[-+]?[0-9]+(?:\.[0-9]*)?|\.)")[-+]?[0-9.][0-9_.:a-fA-FxXiInN]*(?:[eE][-+]?[0-9]+)?)")'
)
# The exact test for a candidate's text: it fullmatches a PyYAML implicit resolver (see
# _resolver_patterns) and is not one of the strings yaml_rs resolves itself
# (_YAML_RS_RESOLVES).  The empty string never gets here (an empty plain scalar is null in
# both, so a "" is a quoted or block scalar).
_RISKY_STRING = re.compile(
    rb"(?!(?:" + _YAML_RS_RESOLVES + rb")\Z)(?:" + _resolver_patterns() + rb")\Z", re.VERBOSE
)


# Flow context only: libyaml refuses an implicit key that spans lines ('{"a\n b": 1}',
# '{a\n b: 1}'), yaml_rs folds it.  Folding leaves a space or a '\n' in the key, so a key
# with one of them (in orjson's output: opened after '{' or ',', closed before ':') sends
# the document to libyaml's parser (_libyaml_agrees) first, and so does an escaped
# line break anywhere ('"a\\<LF> b"' folds to "ab"; mostly shell line continuations).
_SPACED_KEYS = tuple(
    re.compile(opener + rb'"[^"\\ ]*(?:\\[^n][^"\\ ]*)*(?: |\\n)[^"\\]*(?:\\.[^"\\]*)*":')
    for opener in (rb"{", rb",")
)


def _risky_json_string(out: bytes, flow: bool, source: bytes) -> bool:
    """Whether orjson output ``out`` has a string that may be a plain scalar PyYAML reads
    differently.  ``flow``: the document may have flow content (_has_flow_content);
    without it a string starting with ':' is not risky (in block context both read
    ':5000' as a plain string, PyYAML scanner.py check_plain).  A string the resolvers
    would read differently is still fine when ``source`` (the YAML) never spells it as a
    plain scalar (_maybe_plain): the 'pv.kubernetes.io/bind-completed: "yes"' of every
    bound PersistentVolumeClaim."""
    checked: set[bytes] = set()  # found never plain in source
    for match in _RISKY_JSON_CANDIDATE.finditer(out):
        text = match.group(1)
        if text is None:
            if flow or out[match.start() + 1] != 0x3A:  # ':'
                return True
        elif text not in checked and _RISKY_STRING.match(text):
            if len(checked) >= _MAX_SPELLING_CHECKS or _maybe_plain(source, text, flow):
                return True  # (each check reads the source: a bound keeps this linear)
            checked.add(text)
    return False


# Where a plain scalar may start (a superset: input start, indentation, after ': ', '- ',
# '? ', a flow indicator or a JSON-like key's ':': the byte before it and its spaces) and
# what may directly follow its end (line end, ' #' comment, ': ' of a key, the input's
# end; in flow context also ',', ']', '}').
_MAX_SPELLING_CHECKS = 16
_PLAIN_LEAD = frozenset(b"\t\r\n[{,:")  # directly before
_PLAIN_LEAD_SPACED = _PLAIN_LEAD | frozenset(b"-?")  # before its spaces
_PLAIN_AFTER = frozenset(b" \t\r\n:")
_PLAIN_AFTER_FLOW = _PLAIN_AFTER | frozenset(b",]}")


def _maybe_plain(source: bytes, text: bytes, flow: bool) -> bool:
    """Whether ``text`` may be a whole plain scalar somewhere in ``source``.  A plain scalar
    is spelled literally (no escapes; folding a multi-line one inserts a space or line
    break), so a plain ``yes`` is the bytes 'yes' where a node starts, before a terminator.
    Quoted ('"yes"', "'yes'"), inside a longer word ('yes-no', 'eyes'), after another word
    ('say no') or escaped ('"y\\x65s"'), it is not."""
    if b"\\" in text:
        return True  # JSON escapes: the source spells it differently
    after = _PLAIN_AFTER_FLOW if flow else _PLAIN_AFTER
    i = source.find(text)
    n = len(text)
    while i >= 0:
        j = i + n
        if j == len(source) or source[j] in after:
            k = i - 1
            while k >= 0 and source[k] == 0x20:
                k -= 1
            if k < 0 or source[k] in (_PLAIN_LEAD if k == i - 1 else _PLAIN_LEAD_SPACED):
                return True
        i = source.find(text, i + 1)
    return False


# Number spellings must be found in the bytes: a number in the result does not show them.
# A number token starts at a separator, where ':' counts only after a JSON-like key
# ('{"a":0777}'): elsewhere 'x:0777' is one plain scalar in both parsers.  Checked after
# a one-byte match (so the engine can skip ahead to that byte), and after a sign.
_NUM_START = rb"(?<![^\s\[{,:].)(?<![^\"'\]}]:.)"
_SIGNED_NUM_START = rb"(?<=[-+].)(?<![^\s\[{,:]..)(?<![^\"'\]}]:..)"
# Integers: a leading zero ('0777' is octal 511 in PyYAML, 777 in yaml_rs; '09' a string
# in PyYAML), '0o'/'0X'/'0b' prefixes, a leading '_' ('_1' is 1 in yaml_rs, a string in
# PyYAML).  Other underscores ('1_000') are dropped by both, and zeros ('0000') are 0 in
# both.  Always checked.
_INT_RISK = (
    re.compile(
        rb"0(?:" + _NUM_START + rb"|" + _SIGNED_NUM_START + rb")(?!0*" + _FOLLOW + rb")"
        rb"(?:[0-9_]+|[xX][0-9a-fA-F_]*|[oObB][0-9_]*)(?:[eE][-+]?[0-9_]*)?" + _FOLLOW
    ),
    re.compile(
        rb"_(?:" + _NUM_START + rb"|" + _SIGNED_NUM_START + rb")"
        rb"[0-9_.]*(?:[eE][-+]?[0-9_]*)?" + _FOLLOW
    ),
)
# Floats, only when the result has one: exponents ('1e3' is a float in yaml_rs, a string
# in PyYAML, which needs a dot and a signed exponent), underscores, signed leading dots
# ('-.5'), leading zeros and '.inf'/'.nan' spellings.  (A byte class first: slower, but
# floats are rare in Kubernetes YAML.)
_FLOAT_RISK = re.compile(
    rb"[-+._0-9]" + _NUM_START
    + rb"(?:(?<=[-+])(?:[._]|0[0-9_])|(?<=_)|(?<=\.)_|(?<=0)(?!0*" + _FOLLOW + rb")[0-9_]"
    rb"|(?<=[0-9])[0-9.]*(?:[eE][-+]?|_)|(?<=[-+.])\.?[0-9][0-9.]*(?:[eE][-+]?|_)"
    rb"|(?<=[-+])\.(?:[iI][nN][fF]|[nN][aA][nN])|(?<=\.)(?:[iI][nN][fF]|[nN][aA][nN]))"
    rb"[0-9._]*(?:[eE][-+]?[0-9_]*)?" + _FOLLOW
)
# Only a null (orjson writes inf and nan as null; nulls are common, floats are not): the
# spellings of inf and nan, and exponents that overflow ('1e400', '1.0e400': a string in
# PyYAML).  Literal first bytes; where a hit's token starts is checked in Python
# (_nonfinite_risk), as a lookbehind cannot be of variable width.
_NONFINITE_RISK = (
    re.compile(rb"\.(?:[iI][nN][fF]|[nN][aA][nN])" + _FOLLOW),
    re.compile(rb"e(?<=[0-9._]e)\+?[0-9_]{3,}" + _FOLLOW),
    re.compile(rb"E(?<=[0-9._]E)\+?[0-9_]{3,}" + _FOLLOW),
)
_NUMBER_BYTES = frozenset(b"0123456789._")
_TOKEN_SEPARATORS = frozenset(b" \t\r\n[{,:")


def _nonfinite_risk(body: bytes) -> bool:
    for rx in _NONFINITE_RISK:
        for match in rx.finditer(body):
            i = match.start() - 1
            while i >= 0 and body[i] in _NUMBER_BYTES:
                i -= 1
            if i >= 0 and body[i] in b"+-":
                i -= 1
            if i < 0 or body[i] in _TOKEN_SEPARATORS:
                return True
    return False


# A float in orjson's output: '1.5', '-2.5e-7' (a '.' after a digit), '1e+20' (an exponent
# after a number token).  Literal first bytes ('.', 'e'), so the engine skips ahead fast; a
# superset inside strings (',"v1.2]"'), but not the '12.345Z' of timestamps.
_JSON_FLOAT_DOT = re.compile(rb"\.(?<=[0-9]\.)[0-9]+(?:e[-+]?[0-9]+)?(?:[,}\]]|\Z)")
_JSON_FLOAT_EXP = re.compile(rb"e(?<=[0-9]e)[-+]?[0-9]+(?:[,}\]]|\Z)")
_NUMBER_TOKEN_BYTES = frozenset(b"0123456789-")


def _json_has_float(out: bytes) -> bool:
    if _JSON_FLOAT_DOT.search(out):
        return True
    for match in _JSON_FLOAT_EXP.finditer(out):
        i = match.start() - 1
        while i >= 0 and out[i] in _NUMBER_TOKEN_BYTES:
            i -= 1
        if i >= 0 and out[i] in b":,[":
            return True  # the token from a value separator to the exponent is all digits
    return False


def _fast_yaml_ok(body: bytes) -> bool:
    """Pre-scan: True when ``body`` has none of the syntax yaml_rs may read differently
    from the reference in a way its result cannot show (see _fast_document for the rest:
    anchors and tags, and the scalars)."""
    return _prescan(body) is not None


_NO_FLOW, _FLOW, _FLOW_QUIRK = 0, 1, 2
_SHALLOW = 4  # a flag on those: nesting certainly well below MAX_DEPTH (see _SHALLOW_RUN)


def _prescan(body: bytes) -> int | None:
    """_fast_yaml_ok: None when the reference must read ``body``; else _NO_FLOW, _FLOW
    (``body`` may have flow content: see the post-parse checks) or _FLOW_QUIRK: a flow
    quirk pattern matched, but '[', '{' in shell scripts in block scalars match them too,
    so libyaml's parser decides (_libyaml_agrees with no_flow: there is no flow
    collection, so the quirk is text); with the _SHALLOW flag when its nesting is certainly
    shallow."""
    # One pass keeps the control characters and the rare bytes that start the checks
    # below, so that most of them test a short string instead of the whole body.
    census = body.translate(None, _CENSUS_DELETE)
    if census.translate(None, _CENSUS_MARKERS):
        return None  # control characters, TAB, CR, DEL
    if b"\n..." in body or (b"%" in census and b"\n%" in body):
        return None  # document end marker / directive after the first line
    if b"\xc2" in census and _C1_CONTROLS.search(body):
        return None
    if b"\xe2" in census and any(seq in body for seq in _E2_RISKY):
        return None
    if b"\xef" in census and any(seq in body for seq in _EF_RISKY):
        return None
    head = body[:1]
    if head in (b"%", b"&", b"*", b"!", b"@", b"`", b"?", b"."):
        return None
    if b"?" in census and _EXPLICIT_KEY.search(body):
        return None
    if b"\\" in census and (b"\\u" in body or b"\\U" in body) and _SURROGATE_ESCAPE.search(body):
        return None
    shallow = _SHALLOW
    if len(body) > len(_SHALLOW_RUN):
        runs = body.translate(_DEEP_BLOCK_MAP)
        if len(body) > len(_DEEP_BLOCK_RUN) and _DEEP_BLOCK_RUN in runs:
            return None
        if _SHALLOW_RUN in runs:
            shallow = 0
    if not ((b"[" in census or b"{" in census) and _has_flow_content(body)):
        return _NO_FLOW | shallow
    if shallow and body.count(b"[") + body.count(b"{") >= _SHALLOW_OPENERS:
        shallow = 0
    for rx in _FLOW_RISKY:
        if rx.search(body):
            return _FLOW_QUIRK | shallow
    for rx in _BLOCK_HEADERS:
        for match in rx.finditer(body):
            start = match.start()
            line = body[body.rfind(b"\n", 0, start) + 1 : start]
            if b"[" in line or b"{" in line:
                return _FLOW_QUIRK | shallow
    return _FLOW | shallow


_MISSING = object()


def _has_flow_content(body: bytes) -> bool:
    """Whether a non-empty flow collection may start somewhere in ``body``.

    In block context a flow collection starts only where a node starts: at the
    start of the input, at a line's indentation, or after the ' ' that must follow
    a ':', '-' or '?' indicator (PyYAML scanner.py check_value / check_block_entry;
    YAML 1.2 s-separate).  A '[' or '{' anywhere else is text in a plain or quoted
    scalar: the 'k:{"type":"Ready"}' keys of managedFields, '[10.0.0.1/23]' in an
    Event message.  So is one after the ': ' of a value that opened a quote before
    it ("message: 'containers with unready status: [a]'") and one at the
    indentation of a block scalar's line (JSON in a ConfigMap's 'config.json: |').
    Empty '[]' / '{}' ('resources: {}') hold nothing.  With an anchor or tag around
    ('&a [x]', '!t {y}') any '[' or '{' counts (the old superset).  Anything
    unclear counts: this only decides which checks run."""
    if body[:1] in (b"[", b"{"):
        return True
    if _maybe_node_properties(body):
        return bool(_FLOW_OPEN_ANY.search(body))
    pos = 0
    # '[' and '{' are searched apart: a literal first byte scans ~7x faster than a class
    nxt = [_FLOW_SEQ_AFTER_SPACE.search(body), _FLOW_MAP_AFTER_SPACE.search(body)]
    while True:
        for k, rx in enumerate((_FLOW_SEQ_AFTER_SPACE, _FLOW_MAP_AFTER_SPACE)):
            m = nxt[k]
            if m is not None and m.start() < pos:
                nxt[k] = rx.search(body, pos)
        live = [m.start() for m in nxt if m is not None]
        if not live:
            return False
        i = min(live)
        ls = body.rfind(b"\n", 0, i) + 1
        j = i - 1
        while j >= ls and body[j] == 0x20:
            j -= 1
        if j < ls:  # at the line's indentation
            end = _block_scalar_end(body, ls, i - ls)
            if end is None:
                return True
            pos = end
        elif body[j] in b"-?" or (body[j] == 0x3A and not _in_quoted_value(body, ls, j, i)):
            return True
        else:
            pos = i + 1


def _in_quoted_value(body: bytes, ls: int, colon: int, i: int) -> bool:
    """Whether position ``i`` (after the ': ' at ``colon``) is inside a quoted scalar that the
    line's first value opened: '<indent>[- ]<plain key>: <quote>...' with the quote still open."""
    line = body[ls:i]
    rest = line.lstrip(b" ")
    while rest.startswith(b"- "):
        rest = rest[2:].lstrip(b" ")
    if rest[:1] in (b"'", b'"', b"#") or b" #" in line:
        return False
    k = rest.find(b": ")
    if k < 0:
        return False
    value = rest[k + 2:].lstrip(b" ")
    quote = value[:1]
    if quote == b"'":
        return value.count(b"'") % 2 == 1  # '' is an escaped quote: an odd count is still open
    if quote == b'"':
        return value.count(b'"') == 1 and b"\\" not in value
    return False


_BLOCK_HEADER_LINE = re.compile(rb"(?:^|: |- )[|>][-+0-9]*[ ]*(?:#[^\n]*)?\Z")


def _block_scalar_end(body: bytes, ls: int, indent: int) -> int | None:
    """If the line at ``ls`` (indented by ``indent``) is inside a block scalar, the offset where
    that block scalar ends; else None.  Walks back to the nearest less indented line that is a
    block scalar header ('key: |', '- >-'), over lines that are all indented deeper than it."""
    least = indent
    end = ls - 1  # the '\n' ending the previous line
    while end > 0:
        start = body.rfind(b"\n", 0, end) + 1
        line = body[start:end]
        stripped = line.lstrip(b" ")
        end = start - 1
        if not stripped:
            continue
        ind = len(line) - len(stripped)
        if ind >= least:
            continue
        if _BLOCK_HEADER_LINE.search(stripped):
            closing = _dedent_re(ind).search(body, ls)
            return len(body) if closing is None else closing.start() + 1
        if ind == 0:
            return None
        least = ind
    return None


@functools.lru_cache(maxsize=64)
def _dedent_re(indent: int) -> re.Pattern:
    """The next non-blank line indented by at most ``indent`` (ends a block scalar)."""
    return re.compile(rb"\n {0,%d}[^ \n]" % indent)


_FLOW_OPEN_ANY = re.compile(rb"[\[{](?![\]}])")
_FLOW_SEQ_AFTER_SPACE = re.compile(rb"\[(?<=[ \n]\[)(?!\])")
_FLOW_MAP_AFTER_SPACE = re.compile(rb"{(?<=[ \n]{)(?!})")


def _maybe_node_properties(body: bytes) -> bool:
    """Whether ``body`` may have an anchor or tag (see _ANCHOR, _TAG)."""
    return bool((b"&" in body and _ANCHOR.search(body)) or (b"!" in body and _TAG.search(body)))


def _libyaml_agrees(text: str, no_flow: bool = False) -> bool:
    """libyaml's own events (C parser, ~5x faster than constructing): True when the
    document parses and has no anchor, alias or tag, and with ``no_flow`` no non-empty
    flow collection.  Decides the '&&', '!=', '[[ x ]]', 'a:]' of shell scripts in block
    scalars, which the byte patterns cannot tell from syntax, and implicit keys that span
    lines (libyaml refuses them)."""
    loader = _RefLoader(text)
    flow_start = False
    try:
        while loader.check_event():
            event = loader.get_event()
            if flow_start and not isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                return False  # a flow collection with content
            flow_start = no_flow and getattr(event, "flow_style", None) is True
            if getattr(event, "anchor", None) is not None or getattr(event, "tag", None) is not None:
                return False
            if type(event) is yaml.AliasEvent:
                return False
    except yaml.YAMLError:
        return False
    finally:
        loader.dispose()
    return True


def _fast(body: bytes) -> Any:
    """[(document, its JSON or None)] (see load_documents_json), or _MISSING."""
    stripped = body.lstrip(b" \t\r\n")
    if stripped[:1] in (b"{", b"["):
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
        else:
            if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
                return [(value, None)]
            try:
                orjson.dumps(value)
                return [(value, None)]
            except orjson.JSONEncodeError:
                return _MISSING
    inner = b"\n---" in body
    if inner or body.startswith(b"---"):
        # Multi-document stream: split at marker lines ('---' alone, or with a
        # comment).  A '---' line at column 0 ends a document wherever it appears and
        # anchors do not cross documents, so each part is one document that can take
        # its own path.  Streams with directives or '...' markers, or a '---' line with
        # content ('--- |'), go to the reference whole.  ('%' is rare: memchr first.)
        if body.startswith((b"%", b"...")) or (b"%" in body and b"\n%" in body) or b"\n..." in body:
            return _MISSING
        if inner:
            parts = _DOC_START.split(body)
            if any(p.startswith(b"---") or b"\n---" in p for p in parts):
                return _MISSING
        else:
            # only the leading marker, as every file oc adm inspect writes: no need to split
            # and search each part again (what split gives then: b'' and the rest)
            marker = _DOC_START.match(body)
            if marker is None:
                return _MISSING  # content on the marker's line
            parts = [body[marker.end():]]
    else:
        parts = [body]
    docs: list[Any] = []
    for part in parts:
        if not part:
            continue  # before a leading '---': no document
        value = _fast_document(part)
        if value is _MISSING:
            docs.extend((doc, None) for doc in _reference_yaml(_decode(part)))
        elif value[0] is not None:
            docs.append(value)
    return docs


def _list_items(value: Any) -> list | None:
    """The items of a List document (kind 'List' or '*List' with an items list; ingest.py unwraps
    exactly these), else None."""
    if type(value) is dict:
        kind, items = value.get("kind"), value.get("items")
        if type(items) is list and type(kind) is str and kind.endswith("List"):
            return items
    return None


def _json_pieces(value: Any, shallow: bool) -> tuple[bytes, list[bytes] | None] | None:
    """orjson's output for the post-parse checks: (the document's JSON, None), or for a List
    that is certainly shallow (head JSON without items, [each item's JSON]), which ingest
    stores as the items' bytes. None when orjson refuses the document (non-string keys,
    integers beyond 64 bits, nesting deeper than MAX_DEPTH)."""
    items = _list_items(value)
    try:
        if items is None or not shallow:
            return orjson.dumps(value), None
        # (the whole is then at most two levels deeper than an item: well within orjson's 254)
        return orjson.dumps({k: v for k, v in value.items() if k != "items"}), [orjson.dumps(i) for i in items]
    except (orjson.JSONEncodeError, TypeError):
        return None


def _yaml_rs_read(part: bytes) -> tuple[Any, str, bool, bool, bool] | None:
    """yaml_rs's reading of ``part`` after the pre-scan (and libyaml's parser where that must
    decide): (value, text, flow, shallow, libyaml_checked) for the post-parse checks
    (_json_pieces, _checks_pass), or None when the reference must read it."""
    state = _prescan(part)
    if state is None:
        return None
    try:
        text = part.decode("utf-8")
    except UnicodeDecodeError:
        return None
    shallow = bool(state & _SHALLOW)
    state &= ~_SHALLOW
    flow = state == _FLOW
    libyaml_checked = False
    if state == _FLOW_QUIRK or _maybe_node_properties(part) or (flow and b"\\\n" in part):
        if not _libyaml_agrees(text, no_flow=state == _FLOW_QUIRK):
            return None
        libyaml_checked = True
    try:
        value = yaml_rs.loads(text, parse_datetime=False, alias_limits=_NO_ALIASES,
                              duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except (ValueError, TypeError, RecursionError, OverflowError):
        return None
    return value, text, flow, shallow, libyaml_checked


def _fast_document(part: bytes) -> Any:
    """One YAML document through yaml_rs as (value, its JSON: see load_documents_json), or
    _MISSING when the reference must read it."""
    got = _yaml_rs_read(part)
    if got is None:
        return _MISSING
    value, text, flow, shallow, libyaml_checked = got
    if value is None:
        return None, None
    # string keys only, depth <= 254, 64-bit integers
    pieces = _json_pieces(value, shallow)
    if pieces is None:
        return _MISSING
    head, items = pieces
    if items is not None:
        out = b"[" + b",".join([head, *items]) + b"]"  # one array: every string has its opening context
    elif type(value) is not dict and type(value) is not list:
        out = b"[" + head  # a top-level scalar: give its string an opening context
    else:
        out = head
    if not _checks_pass(out, part, text, flow, libyaml_checked):
        return _MISSING
    return value, (head if items is None else items)


def _checks_pass(out: bytes, part: bytes, text: str, flow: bool, libyaml_checked: bool) -> bool:
    """The post-parse checks: yaml-rs's reading of ``part`` (``text``), as orjson wrote it
    (``out``), is the reference's (see the module docstring)."""
    if _risky_json_string(out, flow, part):
        return False
    if flow and not libyaml_checked and any(rx.search(out) for rx in _SPACED_KEYS):
        if not _libyaml_agrees(text):
            return False
    for rx in _INT_RISK:
        if rx.search(part):
            return False
    if _json_has_float(out):
        if _FLOAT_RISK.search(part):
            return False
    elif b"null" in out and _nonfinite_risk(part):
        return False
    return True


# Several small files parsed as one stream (load_single_documents): at most this many bytes each
# (per-call costs dominate below it: 25k one-Event files spend 3/4 of their time outside yaml-rs).
SMALL_FILE = 8 << 10
_NOT_A_BATCH_HEAD = frozenset(b"%&*!@`?.{[\"'|>#- \t\r\n\xef\xfe\xff")


def batchable(data: bytes) -> bytes | None:
    """The part of a small file that may go into a batch (load_single_documents): ``data`` without
    a leading '---' line, when the file plainly holds one block-style YAML document that ends in a
    line break; None when it must be parsed alone."""
    body = data[4:] if data.startswith(b"---\n") else data
    if (not body or body[0] in _NOT_A_BATCH_HEAD or not body.endswith(b"\n") or b"\n---" in body
            or b"\n..." in body or b"\x00" in body):
        return None
    return body


def load_single_documents(bodies: list[bytes]) -> list[tuple[Any, bytes]] | None:
    """(document, its JSON) of each of several files that each hold one mapping (bodies from
    batchable()), parsed as one '---'-separated stream: the pre-scan, yaml-rs and the post-parse
    checks run once for all of them. The checks see every file (a superset of each file's own,
    as every pattern is local and each body starts at a line start), so when they pass, each
    document is what load_documents_json would give for its file alone. None whenever anything
    is in doubt (a check, an error, a document that is not a mapping): then parse each alone."""
    if len(bodies) < 2:
        return None
    joined = b"---\n".join(bodies)
    with _gc_paused():
        got = _yaml_rs_read(joined)
        if got is None:
            return None
        values, text, flow, shallow, libyaml_checked = got
        if type(values) is not list or len(values) != len(bodies) or any(type(v) is not dict for v in values):
            return None
        out: list[tuple[Any, bytes | list[bytes]]] = []
        pieces: list[bytes] = []
        for value in values:
            json_of = _json_pieces(value, shallow)
            if json_of is None:
                return None
            head, items = json_of
            pieces.append(head)
            if items is not None:
                pieces += items
            out.append((value, head if items is None else items))
        if not _checks_pass(b"[" + b",".join(pieces) + b"]", joined, text, flow, libyaml_checked):
            return None
    return out


def load_documents(data: bytes) -> list[Any]:
    """Every document in ``data`` (YAML stream or JSON text); ``reference_load`` semantics.

    Empty documents are dropped.  Raises ``ParseError`` for invalid YAML/JSON,
    binary data (NUL bytes, invalid UTF-8), alias bombs and excessive nesting.
    """
    return [doc for doc, _ in load_documents_json(data)]


def load_documents_json(data: bytes) -> list[tuple[Any, bytes | list[bytes] | None]]:
    """load_documents, each document with the JSON the fast path already made of it (orjson's
    compact output, what ingest stores): the document's bytes, or for a List document (see
    _list_items) a list of its items' bytes; None where it made none."""
    body = bytes(data)
    if body[:3] == b"\xef\xbb\xbf":
        body = body[3:]
    elif body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return [(doc, None) for doc in reference_load(data)]
    if b"\x00" in body:
        nul = body.find(b"\x00")
        raise ParseError(f"binary data (NUL byte at offset {nul})")
    with _gc_paused():
        result = _fast(body)
        if result is not _MISSING:
            return result
        return [(doc, None) for doc in _reference(_decode(body))]
