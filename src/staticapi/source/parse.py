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
       two halves (details and the speed rules at the top of ``parse_checks.py``):

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

Layout: this module holds the entry points and the fast path that runs yaml_rs;
``parse_reference`` the reference reading, ``parse_checks`` the checks that send a
document from the fast path to the reference.
"""

from __future__ import annotations

from typing import Any

import orjson
import yaml_rs

from .parse_checks import (
    _DOC_START,
    _FLOAT_RISK,
    _FLOW,
    _FLOW_QUIRK,
    _INT_RISK,
    _NO_ALIASES,
    _SHALLOW,
    _SPACED_KEYS,
    _json_has_float,
    _libyaml_agrees,
    _maybe_node_properties,
    _nonfinite_risk,
    _prescan,
    _risky_json_string,
)
from .parse_reference import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    ParseError,
    _decode,
    _gc_paused,
    _reference,
    _reference_yaml,
    reference_load,
)

__all__ = ["ParseError", "load_documents", "load_documents_json", "reference_load", "MAX_DEPTH", "MAX_ALIAS_NODES"]


_MISSING = object()


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
    """The items of a List document (kind 'List' or '*List' with an items list; records.py unwraps
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
