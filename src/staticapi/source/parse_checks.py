"""The fast path's checks: when yaml_rs's reading of a document may differ from the reference.

A pre-scan of the bytes before parsing (``_prescan``) and checks of yaml_rs's result after it
(``_risky_json_string``, number spellings, ``_libyaml_agrees``); ``parse.py`` runs them.
"""

from __future__ import annotations

import functools
import re

import yaml
import yaml_rs

from .parse_reference import _RefLoader

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
    if _ends_in_block_header(body):
        return None
    if body[-1:] != b"\n" and any(rx.search(body) for rx in _BLOCK_HEADERS):
        return None  # a block scalar may end the input without a line break: yaml_rs adds one
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


def _ends_in_block_header(body: bytes) -> bool:
    """Whether the last non-blank line of ``body`` may be a block scalar header ('key: |', '- >'):
    an empty block scalar at the end of the input is '' in PyYAML (clip chomping keeps no line
    break without content, YAML 1.2 8.1.1.2) and '\\n' in yaml_rs ('a: |' at the end of a file)."""
    end = len(body)
    while end and body[end - 1] in b" \n":
        end -= 1
    last = body[body.rfind(b"\n", 0, end) + 1:end].lstrip(b" ")
    return (b"|" in last or b">" in last) and bool(_BLOCK_HEADER_LINE.search(last))


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
# A header line, stripped of its indentation: its '- ' entries, then a key or nothing, and the
# header's indentation indicator (a digit), if any.
_HEADER_PARTS = re.compile(rb"((?:-[ ]+)*)(?:([^|>][^\n]*?): )?[|>][-+]?([1-9])?[-+]?[ ]*(?:#[^\n]*)?\Z")


def _block_scalar_end(body: bytes, ls: int, indent: int) -> int | None:
    """If the line at ``ls`` (indented by ``indent``) is inside a block scalar, the offset where
    that block scalar ends; else None.  Walks back to the nearest less indented line that is a
    block scalar header ('key: |', '- >-'), over lines that are all indented deeper than it, then
    checks the line against that scalar's content indentation (_block_content_indent): the scalar
    holds the lines from its header on while they are blank or indented at least that much."""
    least = indent
    end = ls - 1  # the '\n' ending the previous line
    while end > 0:
        start = body.rfind(b"\n", 0, end) + 1
        line = body[start:end]
        stripped = line.lstrip(b" ")
        header_end = end
        end = start - 1
        if not stripped:
            continue
        ind = len(line) - len(stripped)
        if ind >= least:
            continue
        if _BLOCK_HEADER_LINE.search(stripped):
            content = _block_content_indent(body, header_end, ind, stripped)
            if content is None or indent < content or _dedent_re(content - 1).search(body, header_end, ls):
                return None  # the line, or one between, is less indented than the scalar's content
            closing = _dedent_re(content - 1).search(body, ls)
            return len(body) if closing is None else closing.start() + 1
        if ind == 0:
            return None
        least = ind
    return None


def _block_content_indent(body: bytes, header_end: int, ind: int, stripped: bytes) -> int | None:
    """The content indentation of the block scalar whose header line (indented by ``ind``, its '\n'
    at ``header_end``) is ``stripped``, as PyYAML's scanner sets it (scanner.py scan_block_scalar):
    at least one more than its parent collection's indentation, which is the column of the key
    before the header ('- key: |': the key's column, not the '-'), or of the last '- ' entry
    ('- |'); with an indentation indicator that parent column plus the indicator, else the
    deepest of the leading blank lines and the first non-blank line.  None when unsure (a bare
    '|' line, a property before the header)."""
    m = _HEADER_PARTS.fullmatch(stripped)
    if m is None:
        return None
    dashes, key, digit = m.groups()
    if key is None and not dashes:
        return None  # '|' alone on its line: its parent is on another line
    if key is not None:
        parent = ind + len(dashes)
    else:
        parent = ind + dashes.rstrip(b" ").rfind(b"-")  # the column of the last '-'
    if digit:
        return parent + int(digit)
    deepest = parent + 1
    pos = header_end + 1
    n = len(body)
    while pos < n:  # the leading blank lines count, then the first non-blank line
        nl = body.find(b"\n", pos)
        if nl < 0:
            nl = n
        line = body[pos:nl]
        spaces = len(line) - len(line.lstrip(b" "))
        deepest = max(deepest, spaces)
        if spaces < len(line):
            break
        pos = nl + 1
    return deepest


@functools.lru_cache(maxsize=64)
def _dedent_re(indent: int) -> re.Pattern:
    """The next non-blank line indented by at most ``indent`` (ends a block scalar)."""
    return re.compile(rb"\n {0,%d}[^ \n]" % indent)


_FLOW_OPEN_ANY = re.compile(rb"[\[{](?![\]}])")
_FLOW_SEQ_AFTER_SPACE = re.compile(rb"\[(?<=[ \n]\[)(?!\])")
_FLOW_MAP_AFTER_SPACE = re.compile(rb"{(?<=[ \n]{)(?!})")


def _maybe_node_properties(body: bytes) -> bool:
    """Whether ``body`` may have an anchor or tag (see _ANCHOR, _TAG)."""
    return (b"&" in body and _any_at_node_start(_ANCHOR, body)) or (b"!" in body and _any_at_node_start(_TAG, body))


# What may come, on the same line, before the spaces in front of a node property: an indicator
# ('- ', ': ', '? ', ', ', '[ ', '{ ', '--- ') or anything after which yaml_rs might read it
# differently from libyaml (quotes, flow ends, block headers, other properties). After any other
# byte the '&' or '!' is inside a plain scalar or a comment: 'chmod 0700 /var/log && touch ...'
# in a container command (28 of 40 real pod files went to libyaml's parser for that: issue 20).
_BEFORE_NODE_SPACES = frozenset(b"\n-:?,[{'\"]}|>!&")


def _any_at_node_start(rx: re.Pattern, body: bytes) -> bool:
    """Whether a match of ``rx`` (an '&' or '!' after a separator: _AT_TOKEN_START) may start a node.
    A YAML node property only starts a node, and a node starts after an indicator or at a line
    start: a property after spaces that follow any other byte on its line is scalar text. (The first
    property of a node is at its start, so a second one after it needs no look: tag then anchor.)"""
    for m in rx.finditer(body):
        i = j = m.start()
        while j > 0 and body[j - 1] == 0x20:
            j -= 1
        if j == i or j == 0 or body[j - 1] in _BEFORE_NODE_SPACES:
            return True
    return False


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
