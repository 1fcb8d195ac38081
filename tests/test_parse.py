"""staticapi.parse: the fast path must read every input exactly like reference_load."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staticapi.source import parse, parse_checks
from staticapi.source.parse import MAX_DEPTH, ParseError, load_documents, load_documents_json, reference_load

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def same(a: Any, b: Any) -> bool:
    """Deep equality that is strict about types (True != 1), key order and NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


def outcome(fn, data: bytes) -> Any:
    try:
        return ("ok", fn(data))
    except ParseError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg, msg
        return ("error", None)


def assert_agree(data: bytes) -> Any:
    ref = outcome(reference_load, data)
    fast = outcome(load_documents, data)
    assert ref[0] == fast[0], (data, ref, fast)
    assert same(ref[1], fast[1]), (data, ref, fast)
    if ref[0] == "ok":
        for doc in ref[1]:
            orjson.dumps(doc)  # always serialisable
    return ref


# Every construct the fast path may read differently from the reference.
RISKY = [
    # YAML 1.1 booleans / nulls in every casing, and 1.2-only spellings
    *[f"a: {w}\n" for w in ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON",
                            "off", "Off", "OFF", "y", "Y", "n", "N", "true", "True", "TRUE",
                            "tRUE", "false", "FALSE", "fAlse", "null", "Null", "NULL", "nULL",
                            "~", "", "yEs", "oN"]],
    *[f"{w}: x\n" for w in ["yes", "on", "off", "no", "1", "0777", "1.5", "true", "=", "y"]],
    # integers: octal, 0o, hex, binary, underscores, signs, sexagesimal, big
    *[f"a: {w}\n" for w in ["0777", "0o17", "0O17", "0x1F", "0X1F", "0b101", "0B101", "-0b11",
                            "1_000", "_1", "1_", "+1", "-0", "+0", "00", "012", "09", "1:20",
                            "1:20:30", "-1:20", "190:20:30", "12:30", "12:61",
                            "123456789012345678901234567890", "18446744073709551615",
                            "18446744073709551616", "-9223372036854775809", "0x_1F",
                            "0000", "00000000000000000000000000000000", "-00", "+0000", "00_0",
                            "00000000-0000-0000-0000-000000000000"]],
    # floats: exponents, leading dots, inf/nan variants, underscores, sexagesimal floats
    *[f"a: {w}\n" for w in ["1e3", "1E3", "1.0e3", "1.0e+3", "1.5e-3", "-1.5E+3", ".5", "-.5",
                            "+.5", "1.", "0.", "01.5", "1_000.5", ".inf", ".Inf", ".INF",
                            "-.inf", "+.inf", ".iNf", ".nan", ".NaN", ".NAN", ".nAn", "inf",
                            "nan", "1:20.5", "1.0e400", "1.5.3", "4.12.0", "1e", "1e+"]],
    # '=', merge keys, timestamps (strings), odd tokens
    "a: =\n", "=: a\n", "a: <<\n",
    "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
    "base: &b {x: 1}\nother: &o {z: 2}\nd:\n  <<: [*b, *o]\n",
    "a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\nc: 2023-03-08T10:12:30Z\n",
    "a: !!timestamp 2001-12-14\n", "a: !!binary aGVsbG8=\n", "a: !!binary /w==\n",
    "a: !!binary '%%%'\n", "a: !!set {x, y}\n", "a: !!omap [x: 1, y: 2]\n",
    "a: !!pairs [x: 1, x: 2]\n", "a: !foo bar\n", "a: !foo {b: 1}\n", "a: !!str 1\n",
    "a: !!int '7'\n", "a: !!int x\n", "a: !!float '1'\n", "a: !<tag:example.com,2000:x> 1\n",
    "a: !!python/name:os.system\n", "!!map {a: 1}\n",
    # duplicate keys (last wins, first position)
    "a: 1\nb: 2\na: 3\n", "{a: 1, a: 2}\n", "1: a\n'1': b\n", "1: a\ntrue: b\n1.0: c\n",
    # BOM, tabs, CR, non-UTF-8, NUL, YAML 1.1 line breaks, controls
    "\ufeffa: 1\n", "a: 1\n\ufeffb: 2\n", "a:\tb\n", "a: b\t\n", "a:\n\t- 1\n", "a: 'x\ty'\n",
    "a: 1\r\nb: 2\r\n", "a: 1\rb: 2\r", "a: b\x85c\n", "a: b\u2028c\n", "a: b\u2029c\n",
    "a: \x1b[31m\n", "a: \x7f\n", "a: \ufffe\n", "a: \x80\n", "a: '\x9f'\n",
    # anchors, aliases, explicit keys, complex keys, flow quirks, reserved indicators
    "a: &x 1\nb: *x\n", "a: &x [1, 2]\nb: *x\n", "a: *x\n", "&a a: b\n", "? a\n: b\n",
    "? [a, b]\n: c\n", "[a, b]: c\n", "{a: 1}: c\n", ": x\n", "~: x\n", "null: x\n",
    "a: @x\n", "a: `x\n", "a: %x\n", "{a:1}\n", '{"a":1}\n', '{"a":0777}\n', "[a:b]\n",
    "{a: http://x}\n", "{k: |\n  x}\n", "{a: [1], b: >\n  x}\n", "[a,\n  |\n  x]\n", "[a,\n :x]\n", "[http://x, b]\n",
    "k: [1,2,]\n", "k: {a: 1,}\n", "k: [a, b\n",
    "a: ::1\n", "a: :x\n", "a: -\n", "- - - x\n", "-\n", "- \n",
    # document markers and directives
    "---\na: 1\n", "--- \na: 1\n", "--- # c\na: 1\n", "--- a\n", "--- !!str x\n", "---\n---\n",
    "a: 1\n---\n", "a: 1\n---\nb: 2\n", "a: 1\n...\n", "a: 1\n...\n---\nb: 2\n",
    "# c\n---\na: 1\n", "a: |\n  x\n---\nb: 1\n", "a: \"x\n---\ny\"\n", "a: x\n---\n  y\n",
    "--- |\nx\n---\ny\n", "a: 1\n---  # c\n- b\n", "a: 1\n---\n...\n", "%YAML 1.1\n---\na: 1\n",
    "%TAG ! tag:example.com,2000:\n---\na: !x 1\n",
    "--- >\n  folded\n", "---", "--- # c", "----\na: 1\n", "---a: 1\n", "---\n%a\n", "---\n...\n",
    "---\na: '%'\nb: x...\n", "null\n", "--- null\n", "~\n", "''\n", "x\n", "42\n", "[]\n", "{}\n",
    # scalars: block styles, folding, escapes
    "a: |\n  x\n  y\n", "a: |-\n  x\n\n", "a: |+\n  x\n\n", "a: >\n  x\n  y\n\n  z\n",
    "a: |2\n   x\n", "a: >-\n  x\n  y\n", "a: \"x\\/y\\u00e9\\U0001F600\\x41\"\n",
    "a: \"\\N\\_\\L\\P\\e\\0\"\n", "a: \"\\ud800\"\n", "a: \"\\q\"\n", "a: \"x\n  y\n\n  z\"\n",
    "a: x\n  y\n\n  z\n", "a: 'it''s'\n", "a: b #c\n", "a: b#c\n", "a: 'no'\nb: \"on\"\n",
    # JSON
    '{"a": 1e3, "b": 1.5E+2, "c": -0.0, "d": [true, null]}', '[1, 2, 3]', '{"a": 1, "a": 2}',
    '{"a": 123456789012345678901234567890}', '{"a": 1E400}', '{"a": NaN}', '["\\ud800"]',
    '{"a": "\\u00e9\\ud83d\\ude00"}', '  \n {"a": "\x85"}', '{"a": 1,}', "{'a': 1}", '"str"',
    '{"a": "b"} trailing', '[1]\n[2]',
]


@pytest.mark.parametrize("text", RISKY)
def test_risky_constructs_agree(text: str) -> None:
    assert_agree(text.encode("utf-8"))


@pytest.mark.parametrize("text", [t for t in RISKY if not t.lstrip().startswith(("{", "[", '"'))])
def test_risky_constructs_with_leading_document_marker(text: str) -> None:
    assert_agree(b"---\n" + text.encode("utf-8"))


@pytest.mark.parametrize("text", [t for t in RISKY if t.startswith("a: ")])
def test_risky_scalars_in_other_positions(text: str) -> None:
    value = text[3:].rstrip("\n")
    for doc in (f"- {value}\n", f"x:\n  - {value}\n", f"[{value}]\n", f"{{k: {value}}}\n",
                f"x:\n  y: {value}\n", f"x: [a, {value}, b]\n", f"- - {value}\n"):
        assert_agree(doc.encode("utf-8"))


def test_risky_fast_path_rejects() -> None:
    for text in ["a: yes\n", "a: 0777\n", "a: 1e3\n", "a: -.5\n", "a: 1:20\n", "a: _1\n",
                 "a: &x 1\n", "a: *x\n", "a: !t 1\n", "? a\n: b\n", "a:\tb\n", "a: 1\r\n",
                 "d:\n  <<: {x: 1}\n", "a: b\u2028c\n", "%YAML 1.1\n",
                 "a: 0o7\n", "a: 0x1F\n", "a: .nAn\n", "on: x\n", "- No\n", "[off]\n",
                 "a: @x\n", "a: 'yes'\nb: yes\n", "a: \"on\"\nb: [on]\n", "a: \"1:20\"\nb: {x: 1:20}\n",
                 "'no': x\nno: y\n", "a: \"<<\"\nb:\n  <<: {x: 1}\n"]:
        assert parse._fast_document(text.encode()) is parse._MISSING, text


def test_typical_kubernetes_yaml_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = (
        b"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n  namespace: default\n"
        b"  labels:\n    app: web\n  annotations:\n    x/enabled: \"true\"\n"
        b"  creationTimestamp: \"2023-03-08T10:12:30Z\"\n  uid: 0003f135-d9bc-46d4-a0b7-25ac6c606038\n"
        b"spec:\n  containers:\n  - name: c\n    image: quay.io/x/y@sha256:0bac1085cd30\n"
        b"    args: [\"--v=2\", --port=8080]\n    ports:\n    - containerPort: 8080\n"
        b"      protocol: TCP\n    resources: {}\n  nodeSelector:\n    kubernetes.io/os: linux\n"
        b"status:\n  phase: Running\n  message: 'failed on node: no'\n  ratio: 0.5\n  count: -3\n"
        b"  ok: true\n  none: null\n  empty:\n  version: 4.12.0-0.okd-2023-03-04-063026\n"
    )
    monkeypatch.setattr(parse, "_reference", lambda text: pytest.fail("fell back"))
    docs = load_documents(doc)
    assert docs[0]["spec"]["containers"][0]["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    monkeypatch.undo()
    assert same(docs, reference_load(doc))


def test_json_takes_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "_reference", lambda text: pytest.fail("fell back"))
    assert load_documents(b'{"a": 1e3, "b": [1, 2]}') == [{"a": 1000.0, "b": [1, 2]}]


# ------------------------------------------------------------------ semantics


def test_reference_semantics() -> None:
    docs = reference_load(
        b"---\nb1: yes\nb2: off\ns1: y\ns2: 1e3\nt: 2023-03-08T10:12:30Z\neq: =\noct: 0777\n"
        b"sexa: 1:20\nnil: ~\n1: int-key\ntrue: bool-key\n1.5: float-key\n"
    )
    assert docs == [{"b1": True, "b2": False, "s1": "y", "s2": "1e3",
                     "t": "2023-03-08T10:12:30Z", "eq": "=", "oct": 511, "sexa": 80,
                     "nil": None, "1": "int-key", "true": "bool-key", "1.5": "float-key"}]


@pytest.mark.parametrize(("key", "expected"), [
    ("1.5", "1.5"), ("0.1", "0.1"), ("1000000.0", "1e+06"), ("123456.0", "123456"),
    ("0.0001", "0.0001"), ("0.00001", "1e-05"), ("-2.5", "-2.5"), (".inf", ".inf"),
    ("-.inf", "-.inf"), (".nan", ".nan"), ("1.0e+40", ".inf"), ("3.14159265358979", "3.1415927"),
])
def test_float_keys_formatted_like_go(key: str, expected: str) -> None:
    # sigs.k8s.io/yaml convertToJSONableObject: strconv.FormatFloat(k, 'g', -1, 32)
    assert load_documents(f"{key}: x\n".encode()) == [{expected: "x"}]


def test_multi_document_stream_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = b"---\na: 1\n---\n- x\n- y\n--- # c\n\n---\nb: {c: 2}\n"
    expected = reference_load(stream)
    monkeypatch.setattr(parse, "_reference", lambda text: pytest.fail("fell back"))
    assert same(load_documents(stream), expected)
    assert expected == [{"a": 1}, ["x", "y"], {"b": {"c": 2}}]


def test_documents_and_empties() -> None:
    assert load_documents(b"") == []
    assert load_documents(b"# only a comment\n") == []
    assert load_documents(b"---\n---\n") == []
    assert load_documents(b"a: 1\n---\n---\nb: 2\n...\n") == [{"a": 1}, {"b": 2}]
    assert load_documents(b"- a\n- b\n") == [["a", "b"]]
    assert load_documents(b"---\n- a\n") == [["a"]]


def test_encoding_handling() -> None:
    assert load_documents(b"\xef\xbb\xbfa: 1\n") == [{"a": 1}]
    assert load_documents("a: é\n".encode("utf-16")) == [{"a": "é"}]
    for junk in (b"\x00\x01\x02", b"a: 1\n\x00", b"a: \xff\xfe\n", b"\x89PNG\r\n\x1a\n\x00"):
        with pytest.raises(ParseError):
            load_documents(junk)
        with pytest.raises(ParseError):
            reference_load(junk)


def test_duplicate_keys_last_wins_first_position() -> None:
    docs = load_documents(b"a: 1\nb: 2\na: 3\n")
    assert list(docs[0].items()) == [("a", 3), ("b", 2)]


def test_tags_are_jsonable() -> None:
    docs = load_documents(b"a: !!binary aGVsbG8=\nb: !!set {x, y}\nc: !!omap [x: 1]\n"
                          b"d: !!timestamp 2001-12-14\ne: !custom [1]\n")
    assert docs == [{"a": "hello", "b": {"x": None, "y": None}, "c": [{"x": 1}],
                     "d": "2001-12-14", "e": [1]}]
    with pytest.raises(ParseError):
        load_documents(b"a: !!python/object/apply:os.system [ls]\n")


def test_big_ints_become_floats_like_go() -> None:
    assert load_documents(b"a: 18446744073709551615\nb: 18446744073709551616\n") == [
        {"a": 18446744073709551615, "b": 1.8446744073709552e19}]
    assert load_documents(b'{"a": 18446744073709551616}') == [{"a": 1.8446744073709552e19}]


def test_parse_error_is_one_line() -> None:
    with pytest.raises(ParseError) as info:
        load_documents(b"a: [1, 2\nb: c\n")
    assert "\n" not in str(info.value) and "line" in str(info.value)


def billion_laughs(levels: int = 9) -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def test_alias_bomb_rejected_quickly() -> None:
    start = time.monotonic()
    for fn in (load_documents, reference_load):
        with pytest.raises(ParseError, match="alias"):
            fn(billion_laughs())
    assert time.monotonic() - start < 30
    assert_agree(billion_laughs(3))  # small expansions are fine


def test_recursive_alias_rejected() -> None:
    for data in (b"a: &a [*a]\n", b"a: &a {b: *a}\n"):
        assert_agree(data)
        with pytest.raises(ParseError):
            load_documents(data)


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 5000, 100_000])
def test_depth_limit_flow(depth: int) -> None:
    data = b"[" * depth + b"]" * depth
    ref = assert_agree(data)
    assert (ref[0] == "ok") == (depth <= MAX_DEPTH)


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1, 30_000])
def test_depth_limit_block(depth: int) -> None:
    compact = b"- " * depth + b"x\n"
    assert (assert_agree(compact)[0] == "ok") == (depth <= MAX_DEPTH)
    if depth < 1000:
        indented = b"".join(b" " * i + b"k:\n" for i in range(depth - 1)) + b" " * depth + b"k: v\n"
        assert (assert_agree(indented)[0] == "ok") == (depth <= MAX_DEPTH)


def test_alias_depth_counts_expanded() -> None:
    inner = b"[" * 200 + b"]" * 200
    ok = b"a: &a " + inner + b"\nb: " + b"[" * 40 + b"*a" + b"]" * 40 + b"\n"
    too_deep = b"a: &a " + inner + b"\nb: " + b"[" * 60 + b"*a" + b"]" * 60 + b"\n"
    assert assert_agree(ok)[0] == "ok"  # 1 + 40 + 200 levels
    assert assert_agree(too_deep)[0] == "error"  # 1 + 60 + 200 levels


# ------------------------------------------------------------------ hypothesis

RISKY_TOKENS = [
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y",
    "n", "N", "true", "True", "TRUE", "tRue", "false", "null", "Null", "NULL", "nuLL", "~",
    "=", "0777", "0o17", "0x1F", "0X1f", "0b101", "1_000", "_1", "+1", "-0", "1:20", "-1:20:30",
    "1e3", "1.0e3", "1.5e+3", ".5", "-.5", "+.5", "1.", ".inf", "-.Inf", ".NaN", ".nAn",
    "12345678901234567890", "99999999999999999999999", "2001-12-14", "2023-03-08T10:12:30Z",
    "4.12.0", "1.5.3", "0.0.0.0:8080", "-", "+", ".", "..", "1e", "0x", "0b", "0o", "00",
    "a", "node-1", "openshift-etcd",
]
TOKEN_ALPHABET = "0123456789._:+-eExXoObBaAfFnNyYtTrRuUlLsS~="
plain_tokens = st.one_of(st.sampled_from(RISKY_TOKENS),
                         st.text(TOKEN_ALPHABET, min_size=1, max_size=8))
texts = st.one_of(plain_tokens, st.text(min_size=0, max_size=12))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=True, allow_infinity=True), texts)
json_like = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(texts, children, max_size=4)),
    max_leaves=20,
)

_PLAIN_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:+-~=/")


def emit_scalar(value: Any) -> str:
    """Emit a scalar as a *plain* YAML scalar whenever that is syntactically possible."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if not isinstance(value, float) or math.isfinite(value) else (
            ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf"))
    if (value and set(value) <= _PLAIN_OK and not value.startswith(("-", ":", "?"))
            and ": " not in value and not value.endswith(":")):
        return value
    if value in ("-", "+", ".") or (value.startswith("-") and set(value) <= _PLAIN_OK
                                    and len(value) > 1 and value[1] != " " and ": " not in value
                                    and not value.endswith(":")):
        return value
    return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar


def emit(value: Any, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = []
        for k, v in value.items():
            key = emit_scalar(k)
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{key}:\n{emit(v, indent + 2)}")
            else:
                out.append(f"{pad}{key}: {emit(v, 0).strip()}\n")
        return "".join(out)
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        out = []
        for v in value:
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}-\n{emit(v, indent + 2)}")
            else:
                out.append(f"{pad}- {emit(v, 0).strip()}\n")
        return "".join(out)
    return pad + emit_scalar(value) + "\n"


def emit_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{emit_scalar(k)}: {emit_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(emit_flow(v) for v in value) + "]"
    return emit_scalar(value)


HYP = settings(max_examples=int(os.environ.get("STATICAPI_PARSE_EXAMPLES", "300")), deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# the structured generators below: three times as many examples (their inputs are cheap to read)
HYP_MORE = settings(HYP, max_examples=HYP.max_examples * 3,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@HYP
@given(json_like)
def test_hypothesis_block_emitter(value: Any) -> None:
    assert_agree(emit(value).encode("utf-8"))


@HYP
@given(json_like)
def test_hypothesis_flow_emitter(value: Any) -> None:
    assert_agree(("k: " + emit_flow(value) + "\n").encode("utf-8"))


@HYP
@given(json_like)
def test_hypothesis_multiline_flow_emitter(value: Any) -> None:
    flow = emit_flow(value).replace(", ", ",\n  ").replace("[", "[\n  ").replace("{", "{\n  ")
    assert_agree(("k: " + flow + "\n").encode("utf-8"))
    assert_agree(("- " + flow + "\n").encode("utf-8"))


@HYP
@given(json_like)
def test_hypothesis_pyyaml_dump(value: Any) -> None:
    text = yaml.safe_dump(value, default_style=None, allow_unicode=True, explicit_start=True)
    assert_agree(text.encode("utf-8"))


@HYP
@given(plain_tokens, plain_tokens)
def test_hypothesis_tokens_in_every_position(token: str, other: str) -> None:
    for doc in (f"k: {token}\n", f"{token}: v\n", f"- {token}\n", f"[{token}, {other}]\n",
                f"{{{token}: {other}}}\n", f"a:\n  {token}: {other}\n", f"k: {token} # c\n",
                f'{{"k":{token}}}\n', f"k: {token}\n  {other}\n", f"k: [a,\n  {token}]\n",
                f"{{k: {token},\n  {other}: x}}\n", f"k: [\n  {token}\n]\n"):
        assert_agree(doc.encode("utf-8"))


# Block structure around block scalars: headers on '- key:' and '- ' lines, sibling keys after a
# block scalar, flow collections and node properties at a line's start (a value on its own line),
# and block scalar text that looks like all of these (shell scripts: '[[ ! -f x ]]', '&& chmod').
# The checks that tell block scalar text from syntax (parse_checks._block_scalar_end) must never
# take syntax for text.
BLOCK_TEXT = ["[a:]", "{x: 1}", "[[ ! -f a ]] && b", 'if [ "$a" != "b" ]; then', "&& chmod 0600 /x",
              "!x y", "&a b", "key: |", "- |", "k: [a, b]", "{a", " b: 1}", "x", "", "# c", "- [a]"]
FLOW_LINES = ["[a:]", "[a, b]", "{a: 1}", "{a\n b: 1}", "[a, :b]", "!t [a]", "&x {a: 1}", "!!str 1",
              "&a 1", "[a,\n b]", '{"a\n b": 1}', "x", "[ \"a\\\n b\" ]", "|\n x"]
HEADERS = ["|", ">-", "|2", "|+", ">", "|1-", "|-"]


def _without_properties(xs: list[str]) -> list[str]:
    return [x for x in xs if not isinstance(x, str) or ("!" not in x and "&" not in x)]


@st.composite
def block_structured(draw) -> str:
    lines: list[str] = []
    # half of the documents have no '&' or '!' at all: with one, every '[' counts as flow
    # (parse_checks._has_flow_content) and the block scalar bounds are never asked
    props = draw(st.booleans())
    pick = lambda xs: draw(st.sampled_from(xs if props else _without_properties(xs)))  # noqa: E731

    def body(col: int) -> None:  # block scalar content, at least one line
        base = col + draw(st.integers(0, 3))
        for _ in range(draw(st.integers(1, 3))):
            t = pick(BLOCK_TEXT)
            lines.append(" " * (base + draw(st.integers(-1, 2))) + t if t else "")

    def value_lines(first: str, col: int, depth: int) -> None:
        """`first` is the line so far ('  key:' or '  -'); `col` the column its content belongs under."""
        kind = pick(["block", "flowline", "nested", "plain"] if depth < 3 else ["block", "flowline", "plain"])
        if kind == "block":
            lines.append(f"{first} {pick(HEADERS)}")
            body(col + 1)
        elif kind == "flowline":
            lines.append(first)
            for k, piece in enumerate(pick(FLOW_LINES).split("\n")):
                lines.append(" " * (col + draw(st.integers(0, 3)) + (1 if k else 0)) + piece)
        elif kind == "nested":
            lines.append(first)
            node(col + pick([1, 2, 2, 4]), depth + 1)
        else:
            lines.append(first + " " + pick(["x", "!t x", "&a x", "[a]", "v # c", "|", '"q"']))

    def mapping(first_prefix: str, col: int, depth: int) -> None:
        for k in range(draw(st.integers(1, 3))):
            prefix = first_prefix if k == 0 else " " * col
            value_lines(f"{prefix}{pick(['a', 'b', 's', 'o'])}:", col, depth)

    def node(col: int, depth: int) -> None:
        if pick(["map", "seq"]) == "map":
            mapping(" " * col, col, depth)
            return
        for _ in range(draw(st.integers(1, 3))):
            item = pick(["map", "scalar", "flow"])
            if item == "map":
                mapping(" " * col + "- ", col + 2, depth)
            elif item == "scalar":
                value_lines(" " * col + "-", col, depth)
            else:
                lines.append(" " * col + "-")
                lines.append(" " * (col + draw(st.integers(1, 3))) + pick(FLOW_LINES).replace("\n", "\n" + " " * (col + 2)))

    node(0, 0)
    return "\n".join(lines) + "\n"


@HYP_MORE
@given(block_structured())
def test_hypothesis_block_scalars_among_block_structure(text: str) -> None:
    assert_agree(text.encode("utf-8"))


# Line-level mutations of a realistic object (what a hand edit, a truncated copy or a hostile
# archive does to a must-gather file): lines dropped, repeated, re-indented, cut short, or tricky
# lines inserted. Every mutant must read as the reference reads it (often: both refuse it).
REALISTIC = """apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"etcd","namespace":"openshift-etcd"}}
    k8s.v1.cni.cncf.io/network-status: |-
      [{
          "name": "ovn-kubernetes",
          "ips": [ "10.128.0.5" ],
          "default": true
      }]
    note: 'it''s: [not] {flow} & !text'
  creationTimestamp: "2023-03-08T11:55:01Z"
  labels:
    app: etcd
    k8s-app: "true"
  managedFields:
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:labels:
          .: {}
          f:app: {}
      f:spec:
        f:containers:
          k:{"name":"etcd"}:
            .: {}
            f:command: {}
    manager: kubelet
    operation: Update
    time: "2023-03-08T11:55:01Z"
  name: etcd-master-0
  namespace: openshift-etcd
  resourceVersion: "21947"
  uid: 65133408-7e8b-439f-b101-324271a0d745
spec:
  containers:
  - command:
    - /bin/sh
    - -c
    - |
      #!/bin/sh
      set -euo pipefail
      [[ ! -f /var/lib/etcd/member ]] && mkdir -p /var/lib/etcd
      if [ "${NODE_IP}" != "[::1]" ]; then
        exec etcd --name=x &
      fi
    env:
    - name: ETCD_PORT
      value: "2379"
    - name: ADDR
      value: :5000
    image: quay.io/openshift/etcd@sha256:0123
    name: etcd
    resources:
      requests:
        cpu: 300m
        memory: 600Mi
  nodeSelector:
    node-role.kubernetes.io/master: ""
  tolerations:
  - operator: Exists
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2023-03-08T11:55:01Z"
    status: "True"
    type: Ready
  containerStatuses:
  - message: >
      back-off 5m0s restarting failed
      container=etcd pod=etcd-master-0
    restartCount: 12
    ready: false
  phase: Running
  podIP: 10.0.0.5
"""
INSERTED = ["key: |", "- |", "  - >-", "[a:]", "  {a: 1}", "x: &a 1", "y: *a", "  !!str 1", "? k",
            "z: 'multi", "  line'", 'q: "a\\', '  b"', "w: yes", "v: 0777", "u: 1e3", "---", "...",
            "# comment", "", "   ", "t: |2", "  - [a, b]", "s: >+", "r: {a: [b, {c: d}]}", "p:", "    -",
            "<<: *a", "m: x # c", "k:v", "a b: c", '"a": b', "'a': b", "--- |", "&a k: v", "k:", "n: ~",
            "- - - x", "-  x", "e: \u00e9t\u00e9", "f: [a,", "  b]", "g: {a: 1,", "  b: 2}", "h: 'x''y'",
            "i: \"x\\\"y\"", "j: x:y", "l: -1", "o: .5", "p: 1_000", "r: 2023-03-08", "s: =", "t: <<"]


REALISTIC_JSON = json.dumps(yaml.safe_load(REALISTIC), indent=2)  # JSON is read as JSON, not YAML 1.1


def _mutate(draw, lines: list[str], ops: list[str], rounds: st.SearchStrategy, indents: list[int]) -> list[str]:
    """`lines` after a few of `ops` at drawn places; an inserted line is one of INSERTED at one of
    `indents`."""
    for _ in range(draw(rounds)):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(ops))
        if op == "drop":
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][draw(st.integers(1, 3)):] if lines[i].startswith(" ") else lines[i]
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))]
        elif op == "insert":
            lines.insert(i, " " * draw(st.sampled_from(indents)) + draw(st.sampled_from(INSERTED)))
        else:  # truncate
            lines = lines[: max(1, i)]
        if not lines:
            lines = [""]
    return lines


@st.composite
def mutated_documents(draw) -> str:
    lines = _mutate(draw, draw(st.sampled_from([REALISTIC, REALISTIC_JSON])).split("\n"),
                    ["drop", "repeat", "indent", "dedent", "cut", "insert", "truncate"], st.integers(1, 4),
                    [0, 2, 4, 6])
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


def test_the_realistic_object_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # (so that its mutants below exercise the fast path's checks, not only the reference)
    expected = reference_load(REALISTIC.encode())
    monkeypatch.setattr(parse, "_reference", lambda text: pytest.fail("fell back"))
    monkeypatch.setattr(parse, "_reference_yaml", lambda text: pytest.fail("fell back"))
    assert same(load_documents(REALISTIC.encode()), expected)


@HYP_MORE
@given(mutated_documents())
def test_hypothesis_mutated_realistic_objects(text: str) -> None:
    assert_agree(text.encode("utf-8"))


EVENT_BODY = """apiVersion: v1
count: 1
involvedObject:
  kind: Pod
  name: etcd-0
  namespace: openshift-etcd
kind: Event
message: 'Back-off restarting failed container: [etcd] & !x'
metadata:
  name: etcd-0.174a6f7bcf719aba
  namespace: openshift-etcd
  resourceVersion: "21947"
reason: BackOff
note: |
  line one
type: Warning
"""


@st.composite
def small_file_batches(draw) -> list[bytes]:
    bodies = []
    for _ in range(draw(st.integers(2, 4))):
        lines = _mutate(draw, EVENT_BODY.split("\n"), ["drop", "indent", "cut", "insert"], st.integers(0, 2), [0, 2])
        body = parse.batchable("\n".join(lines).encode("utf-8"))
        if body is not None:
            bodies.append(body)
    return bodies


@HYP_MORE
@given(small_file_batches())
def test_hypothesis_small_files_batched_read_as_alone(bodies: list[bytes]) -> None:
    got = parse.load_single_documents(bodies)
    if got is None:
        return  # each is then parsed alone (load_documents_json)
    for body, (doc, js) in zip(bodies, got):
        ref = outcome(reference_load, body)
        assert ref[0] == "ok" and len(ref[1]) == 1, (bodies, body, ref)
        assert same(doc, ref[1][0]), (bodies, body)
        assert orjson.loads(js) == orjson.loads(orjson.dumps(ref[1][0])), (bodies, body)


# ------------------------------------------------------------------ real samples


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/samples not present")
def test_every_sample_file_agrees() -> None:
    count = 0
    for dirpath, _dirs, names in os.walk(SAMPLES):
        for name in names:
            if not name.endswith((".yaml", ".yml", ".json")):
                continue
            data = (Path(dirpath) / name).read_bytes()
            ref = outcome(reference_load, data)
            fast = outcome(load_documents, data)
            assert ref[0] == fast[0] and same(ref[1], fast[1]), os.path.join(dirpath, name)
            count += 1
    assert count > 1000


# ------------------------------------------------------------------ post-parse checks
# The fast path checks plain-scalar resolution after yaml_rs has parsed (see parse.py
# "fast path"): strings in the result, number spellings in the bytes.  These tests target
# that: the same token plain, single- and double-quoted, as key and as value.

NUMBER_FORMS = st.from_regex(
    r"[-+]?(?:0[xXoObB]?)?[0-9_]{0,4}(?:\.[0-9_]{0,3})?(?:[eE][-+]?[0-9]{1,3})?",
    fullmatch=True,
).filter(bool)
SPECIAL_FORMS = st.sampled_from([
    ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".iNf", ".nan", ".NaN", ".NAN", "-.nan", "+.NaN",
    "1:20", "1:20:30", "-1:20", "1:20.5", "190:20:30.15", "1:60", "0:1", "1_0:30",
    "._", "._1", "_.1", "_1", "__1", "+_8", "1_", "0b", "0x", "0o", "0b1_0", "0x_1F", "0X1F",
    "0o17", "0O17", "07", "08", "0_8", "0777", "1e400", "-1e400", "1.0e400", "1e-400", "<<",
    "!", "&", "*", "~", "=", "yes", "Yes", "YES", "yEs", "no", "NO", "nO", "on", "ON", "oN",
    "off", "OFF", "oFf", "y", "n", "true", "FALSE", "null", "NULL", "Null", "nULL",
])
tokens_any = st.one_of(NUMBER_FORMS, SPECIAL_FORMS, plain_tokens)


def _styles(token: str) -> list[str]:
    single = "'" + token.replace("'", "''") + "'"
    return [token, single, json.dumps(token)]


@HYP
@given(tokens_any, tokens_any)
def test_hypothesis_plain_and_quoted_scalars(token: str, other: str) -> None:
    for a in _styles(token):
        for b in (other, json.dumps(other)):
            for doc in (f"k: {a}\n", f"{a}: {b}\n", f"- {a}\n- {b}\n", f"m:\n  {a}: {b}\n",
                        f"k: [{a}, {b}]\n", f"{{{a}: {b}}}\n", f'{{"k":{a}}}\n',
                        f"k: {{x: {a}}}\nl: [1, {b}]\n"):
                assert_agree(doc.encode("utf-8"))


@HYP
@given(tokens_any, plain_tokens)
def test_hypothesis_same_token_quoted_and_plain(token: str, word: str) -> None:
    # a quoted spelling lets the fast path through only while no plain one is there too
    quoted = json.dumps(token)
    for plain in (f"k: {token}\n", f"- {token}\n", f"k:\n  {token}: v\n", f"k: [{token}]\n",
                  f"k: {{x: {token}}}\n", f"k: {word}\n  {token}\n", f"k: {word} {token}\n",
                  f"k: {word}-{token}\n", f"k: {word}\n\n  {token}\n", f"--- {token}\n",
                  f'{{"k":{token}}}\n', f"k: [{word}, {token}]\n", f"? {token}\n"):
        for doc in (f"a: {quoted}\nb:\n  {plain.replace(chr(10), chr(10) + '  ')}",
                    f"- {quoted}\n- {plain}", f"a: {quoted}\n---\n{plain}", f"a: {quoted}\n{plain}"):
            assert_agree(doc.encode("utf-8"))


@HYP
@given(NUMBER_FORMS)
def test_hypothesis_number_forms_in_documents(token: str) -> None:
    # numbers next to the constructs that make the checks run: floats, nulls, ints
    for doc in (f"a: {token}\nb: 1.5\n", f"a: {token}\nb: null\n", f"a: {token}\nb: 7\n",
                f"a: {token}\n", f"- x\n- {token}\n- ~\n", f"{token}\n"):
        assert_agree(doc.encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.from_regex(parse_checks._YAML_RS_RESOLVES.decode(), fullmatch=True))
def test_yaml_rs_resolves_what_the_post_parse_check_assumes(token: str) -> None:
    # The post-parse check lets a *string* equal to one of these through because yaml_rs
    # would have resolved it had it been plain, so it must have been quoted.
    import yaml_rs

    value = yaml_rs.loads(f"- {token}\n", parse_datetime=False)[0]
    assert not isinstance(value, str), (token, value)


@pytest.mark.parametrize("text", [
    "k: |\n  a && b &\n  c & d\n  ! x\n  x != y\n", "- &\n", "a: & x\n", "a: &\n  b: 1\n",
    "a: &&x 1\n", "a: &a&b 1\n", "a: &a.b 1\n", "a: ! x\n", "a: ! 1\n", "a: ! [1]\n",
    "a: !=x\n", "k: |\n  x\nb: &&x 1\n", "k: |\n  b: &&x 1\nb: &&x 1\n", "a: x &y\n",
    "a: 'x && y'\n", 'a: "x & y"\n', "{&: x}\n", "[&a x]\n", "a: :5000\n", "a: ':5000'\n",
    "[':5000']\n", "[:5000]\n", "{a: :5000}\n", "a: '::1'\n", "a: fe80::1\n", "[fe80::1]\n",
    # a property after spaces on its line: only after an indicator is it one (_any_at_node_start)
    "- chmod 0700 /x && touch /y\n", "a: x\n  &y z\n", "a: 'q' &x\n", "a: \"q\" !x\n", "[a] &x\n",
    "a: b # &c\n", "- - &a x\n", "? &a x\n: y\n", "a: !t &x 1\n", "a: &x !t 1\n", "a: text !x\n",
    "{a: b &c}\n", "[a, b &c]\n", "a: b\n  c !d\n", "a:   &x 1\nb: *x\n", "[a,   &x b]\n", "{a:  !t b}\n",
    "- x\n-   &a y\n", "a: |  &x\n  t\n", "a: >   !x\n  t\n", "a: *x &y\n", "a: &x &y 1\n", "---   &a x\n",
    "a: b  &&c\n", "a: b ! c\n", "- 'a' !b\n", "[a]  !b\n",
])
def test_anchor_tag_and_colon_edge_cases_agree(text: str) -> None:
    assert_agree(text.encode("utf-8"))


# A block scalar holds the lines indented at least as deep as its content (PyYAML scanner.py
# scan_block_scalar: one more than its parent collection, the key's column in '- key: |'), not every
# line deeper than its header line: after '- s: |' a sibling key at the key's column ends it, and a
# flow collection on a line of its own below that key is syntax (parse_checks._block_scalar_end; the
# fast path once read these as plain text in a block scalar and served yaml_rs's value where PyYAML
# refuses the document).
@pytest.mark.parametrize("text", [
    "- s: |\n    x\n  o:\n    [a:]\n", "- s: |\n    x\n  o:\n    {a\n     b: 1}\n",
    '- s: |\n    x\n  o:\n    {"a\n     b": 1}\n', "- s: |\n    x\n  o:\n    [a, :b]\n",
    "- s: |\n    x\n  o:\n    { a: [x, y] }\n", '- s: |\n    x\n  o:\n    [ "a\\\n  b" ]\n',
    "- s: >-\n    x\n  o:\n    [a:]\n", "a:\n- s: |\n    x\n  o:\n    [a:]\n",
    "- - s: |\n      x\n    o:\n      [a:]\n", "- s: |2\n     x\n  o:\n    [a:]\n",
    "- s: |\n\n      \n    x\n  o:\n    [a:]\n", "k: |\n  x\n  [a:]\n", "- |\n  x\n  [a:]\n",
    "- - |\n    x\n    [a:]\n", "a:\n- k: |2\n     x\n    [a:]\n", "k: |\n    x\n  [a:]\n",
    "- s: |\n    x\n  o: !t\n    [a]\n", "- s: |\n    x\n    [[ ! -f a ]] && b\n  o: &x 1\n",
    # an empty block scalar at the end of the input: '' in PyYAML, '\n' in yaml_rs
    "a: |\n", "a: |\n\n", "- >\n\n", "a: | # c\n", "a:\n  b: |2\n\n\n", "a: |+\n", "a: |-\n",
    "a: |\n\nb: 1\n", "a: |\n# c\n",
    # a block scalar's last line without a line break at the end of the input: none is kept
    "a: |\n  x", "- |\n  x", "a: >\n  x", "a: |+\n  x", "a: |\n  x\n  y", "a:\n  b: |\n    x", "a: |-\n  x",
])
def test_block_scalar_bounds_agree(text: str) -> None:
    assert_agree(text.encode("utf-8"))


def test_an_empty_block_scalar_ending_a_batched_file_agrees() -> None:
    # small files are parsed as one stream (load_single_documents): only the last file of the stream
    # ends the input, and each must read as it does alone
    for bodies in ([b"a: |\n", b"b: 1\n"], [b"b: 1\n", b"a: |\n"], [b"a: >\n\n", b"c: |\n"]):
        got = parse.load_single_documents(bodies)
        alone = [reference_load(b)[0] for b in bodies]
        assert got is None or [doc for doc, _ in got] == alone, (bodies, got)
        assert [load_documents(b)[0] for b in bodies] == alone


def test_block_scalar_end_follows_the_content_indentation() -> None:
    end = parse_checks._block_scalar_end
    body = b"- s: |\n    x\n  o:\n    [a]\n"
    assert end(body, body.index(b"    [a]"), 4) is None  # under the sibling key 'o', not in the scalar
    body = b"- s: |\n    x\n    [a]\n  o: 1\n"
    assert end(body, body.index(b"    [a]"), 4) == body.index(b"  o: 1")  # in the scalar, up to 'o'
    body = b"k: |\n    x\n  [a]\n"
    assert end(body, body.index(b"  [a]"), 2) is None  # less indented than the content: ends it
    body = b"- s: |2\n     x\n    [a]\n"
    assert end(body, body.index(b"    [a]"), 4) == len(body)  # indicator: content at the key's column + 2


def test_ampersand_inside_a_plain_scalar_skips_the_libyaml_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # real pod specs (issue 20): `sh -c "chmod ... && touch ..."` as a plain sequence item
    doc = (b"spec:\n  containers:\n  - command:\n    - sh\n    - -c\n"
           b"    - chmod 0700 /var/log/openshift-apiserver && touch /var/log/openshift-apiserver/audit.log\n"
           b"    name: x\n    args: [--a, b !c]\n")
    expected = reference_load(doc)
    monkeypatch.setattr(parse, "_libyaml_agrees", lambda *a, **k: pytest.fail("asked libyaml"))
    monkeypatch.setattr(parse, "_reference", lambda text: pytest.fail("fell back"))
    monkeypatch.setattr(parse, "_reference_yaml", lambda text: pytest.fail("fell back"))
    assert same(load_documents(doc), expected)


def test_shell_scripts_and_quoted_scalars_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = (
        b"spec:\n  containers:\n  - command:\n    - /bin/bash\n    - -c\n    - |\n"
        b"      set -eu -e\n      test -f /x && echo ok &\n      test \"$a\" != \"b\" || exit 1\n"
        b"      cat << EOF > /tmp/x\n      on: yes\n      EOF\n"
        b"    env:\n    - name: ADDR\n      value: \":5000\"\n    - name: V\n      value: \"0777\"\n"
        b"metadata:\n  resourceVersion: \"13502831\"\n  annotations:\n    a: \"true\"\n    b: '1.16'\n"
        b"  uid: 00000000-0000-0000-0000-000000000000\n  zeros: 00000000\n  n: null\n  f: 0.5\n"
    )
    expected = reference_load(doc)
    monkeypatch.setattr(parse, "_reference", lambda text: pytest.fail("fell back"))
    monkeypatch.setattr(parse, "_reference_yaml", lambda text: pytest.fail("fell back"))
    assert same(load_documents(doc), expected)


def test_quoted_yaml11_booleans_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # every bound PersistentVolumeClaim has 'pv.kubernetes.io/bind-completed: "yes"': a string
    # PyYAML would resolve if it were plain, but the source only spells it quoted (or inside
    # longer words)
    doc = (
        b"apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata:\n"
        b"    annotations:\n      pv.kubernetes.io/bind-completed: \"yes\"\n"
        b"      pv.kubernetes.io/bound-by-controller: 'yes'\n      eyes: yes-no\n      n: \"no\"\n"
        b"      o: 'off'\n      m: 'NO'\n      note: say yes, say no\n    name: data\n"
        b"  spec:\n    accessModes:\n    - ReadWriteOnce\nkind: List\n"
    )
    expected = reference_load(doc)
    monkeypatch.setattr(parse, "_reference", lambda text: pytest.fail("fell back"))
    monkeypatch.setattr(parse, "_reference_yaml", lambda text: pytest.fail("fell back"))
    assert same(load_documents(doc), expected)
    assert expected[0]["items"][0]["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] == "yes"


BATCH_DOCS = [
    b"a: 1\n", b"---\nb: 'yes'\n", b"c: yes\n", b"d: |+\n  x\n\n", b"e: |-\n  y\n", b"f: 0777\n",
    b"g: [1, {h: 2}]\n", b"i: &x 1\nj: *x\n", b"k: 1\nk: 2\n", b"l: [\n", b"m: 1.5\nn: null\n",
    b"o: .inf\n", b"p: 'no'\nq: \"on\"\n", b"r: \"\\u00e9\"\n", b"s: >\n  folded\n  text\n",
    b"t: !!str 1\n", b"u: 1e3\n", b"kind: PodList\nitems:\n- metadata: {name: a}\n", b"v: x\n# end\n",
    b"w: '1:20'\n", b"x: 1:20\n", b"y: \"a\\\n  b\"\n", b"z: ~\n", b"aa: 2001-12-14\n", b"bb: <<\n",
]


@pytest.mark.parametrize("seed", range(40))
def test_small_files_parsed_as_one_stream_agree_with_each_alone(seed: int) -> None:
    """load_single_documents (several small files in one yaml-rs call) gives each file's own
    reading, or None: then each file is parsed alone."""
    import random

    rnd = random.Random(seed)
    docs = rnd.sample(BATCH_DOCS, rnd.randint(2, 8))
    bodies = [parse.batchable(d) for d in docs]
    if any(b is None for b in bodies):
        return
    got = parse.load_single_documents(bodies)
    if got is None:
        return
    for d, (value, js) in zip(docs, got):
        alone = load_documents_json(d)
        assert len(alone) == 1 and same([value], [alone[0][0]]) and same([value], reference_load(d)), d
        assert js == alone[0][1] or (alone[0][1] is None and js == orjson.dumps(value)), d


def test_small_files_in_one_stream_take_the_fast_path_together() -> None:
    bodies = [parse.batchable(b"apiVersion: v1\nkind: Event\nmetadata:\n  name: e%d\n  namespace: n\n"
                              b"message: started\ncount: %d\n" % (i, i)) for i in range(20)]
    got = parse.load_single_documents(bodies)
    assert got is not None and [v["metadata"]["name"] for v, _ in got] == [f"e{i}" for i in range(20)]
    # one doubtful file (a plain YAML 1.1 boolean) sends the whole batch back to one-by-one
    assert parse.load_single_documents(bodies + [parse.batchable(b"a: yes\n")]) is None
    assert parse.batchable(b"a: 1") is None and parse.batchable(b"- 1\n") is None
    assert parse.batchable(b"a: 1\n---\nb: 2\n") is None and parse.batchable(b"---\na: 1\n") == b"a: 1\n"


@pytest.mark.parametrize("data", [
    # long minified lines: every pattern must stay linear (one would take minutes if not)
    b"k: [" + b"a, " * 300_000 + b"b]\n",
    b"k: {" + b"a: 1, " * 200_000 + b"b: 2}\n",
    b'{"a":[' + b'{"b":"c:d","e":[1,2.5,null,"x"]},' * 50_000 + b'0]}',
    b'k: {"a":[' + b'{"b":"c:d","e":[1,2.5,null,"x"]},' * 50_000 + b'0]}\n',
    b"k: " + b"0" * 1_000_000 + b"\n", b"k: " + b"_" * 1_000_000 + b"\n",
    b"k: " + b"1" * 500_000 + b"e" + b"5" * 500_000 + b"\n",
    b"k: " + b"- " * 400_000 + b"\n", b"k: '" + b"&! ? " * 200_000 + b"'\n",
    b"[" * 10_000 + b"]" * 10_000, b"{a: " * 10_000 + b"1" + b"}" * 10_000,
    # quoted strings PyYAML would resolve if plain: each distinct one is sought in the source
    b"k: [" + b'"yes", ' * 300_000 + b"x]\n", b"k: [" + b"".join(b'"0x%x", ' % i for i in range(100_000)) + b"x]\n",
])
def test_big_inputs_stay_linear(data: bytes) -> None:
    assert_agree(data)
