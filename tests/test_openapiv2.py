"""/openapi/v2: the v3 -> Swagger 2.0 conversion, the gnostic protobuf encoding, and the
strict model building older kubectl/oc do on it (kube-openapi pkg/util/proto NewOpenAPIData)."""

from __future__ import annotations

import struct
import urllib.request

import orjson

from staticapi.kube import openapiv2pb as pb
from staticapi.serve import openapiv2 as v2

PB_ACCEPT = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"


# --------------------------------------------------------------------------- a wire decoder


def decode(data: bytes) -> list[tuple[int, int, object]]:
    """Generic protobuf wire decoding: [(field, wire type, int | bytes | float)]."""
    out, i = [], 0

    def varint() -> int:
        nonlocal i
        shift = n = 0
        while True:
            b = data[i]
            i += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return n

    while i < len(data):
        key = varint()
        field, wt = key >> 3, key & 7
        if wt == 0:
            out.append((field, wt, varint()))
        elif wt == 1:
            out.append((field, wt, struct.unpack("<d", data[i:i + 8])[0]))
            i += 8
        elif wt == 2:
            n = varint()
            out.append((field, wt, data[i:i + n]))
            i += n
        else:
            raise AssertionError(f"wire type {wt}")
    assert i == len(data)
    return out


def fields(data: bytes, num: int) -> list:
    return [v for f, _, v in decode(data) if f == num]


def test_varints_and_scalars():
    assert pb._varint(0) == b"\x00" and pb._varint(300) == b"\xac\x02"
    assert pb._varint(-1) == b"\xff" * 9 + b"\x01"
    s = pb.schema({"type": "integer", "format": "int32", "minimum": -1, "maxLength": 5, "uniqueItems": True,
                   "required": ["a", "b"], "description": "d"})
    assert fields(s, 22) and fields(fields(s, 22)[0], 1) == [b"integer"]
    assert fields(s, 2) == [b"int32"] and fields(s, 4) == [b"d"] and fields(s, 9) == [-1.0]
    assert fields(s, 11) == [5] and fields(s, 16) == [1] and fields(s, 19) == [b"a", b"b"]
    assert pb.schema({}) == b""


def test_extensions_are_yaml_any():
    s = pb.schema({"x-kubernetes-group-version-kind": [{"group": "", "kind": "Pod", "version": "v1"}]})
    (named,) = fields(s, 31)
    assert fields(named, 1) == [b"x-kubernetes-group-version-kind"]
    (anyv,) = fields(named, 2)
    assert orjson.loads(fields(anyv, 2)[0]) == [{"group": "", "kind": "Pod", "version": "v1"}]


def test_additional_properties_false_is_written():
    (ap,) = fields(pb.schema({"type": "object", "additionalProperties": False}), 21)
    assert decode(ap) == [(2, 0, 0)]


def test_schema_conversion():
    s = v2.schema_v2({
        "type": "object",
        "properties": {
            "metadata": {"allOf": [{"$ref": "#/components/schemas/io.k8s.Meta"}], "default": {}, "description": "m"},
            "port": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "tags": {"type": "array", "items": {"type": "string"}, "nullable": True},
            "raw": {"type": "array"},
            "odd": {"type": ["string", "null"]},
        },
    })
    p = s["properties"]
    assert p["metadata"] == {"$ref": "#/definitions/io.k8s.Meta", "description": "m"}
    assert p["port"] == {"x-kubernetes-int-or-string": True}
    assert p["tags"] == {"type": "array", "items": {"type": "string"}}
    assert p["raw"] == {"type": "array", "items": {}}
    assert p["odd"] == {"type": "string"}


def test_operation_conversion():
    op = v2.operation_v2({
        "operationId": "readCoreV1NamespacedPod", "x-kubernetes-action": "get",
        "parameters": [{"name": "pretty", "in": "query", "schema": {"type": "string", "uniqueItems": True}}],
        "requestBody": {"content": {"*/*": {"schema": {"$ref": "#/components/schemas/P"}}}},
        "responses": {"200": {"description": "OK", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/P"}}, "application/yaml": {}}}},
    })
    assert op["parameters"][0] == {"name": "pretty", "in": "query", "type": "string", "uniqueItems": True}
    assert op["parameters"][1] == {"name": "body", "in": "body", "required": True,
                                   "schema": {"$ref": "#/definitions/P"}}
    assert op["produces"] == ["application/json", "application/yaml"] and op["consumes"] == ["*/*"]
    assert op["responses"]["200"]["schema"] == {"$ref": "#/definitions/P"}
    assert op["x-kubernetes-action"] == "get"


def test_dangling_refs_are_removed():
    doc = v2.build([{"components": {"schemas": {"A": {"type": "object", "properties": {
        "b": {"allOf": [{"$ref": "#/components/schemas/Missing"}], "description": "gone"}}}}}, "paths": {}}], "v1.33.0")
    assert doc["definitions"]["A"]["properties"]["b"] == {"description": "gone"}


def check_models(doc: dict) -> None:
    """What kube-openapi pkg/util/proto NewOpenAPIData rejects, on every definition."""
    defs = doc["definitions"]

    def walk(s: dict, path: str) -> None:
        if "$ref" in s:
            ref = s["$ref"]
            assert ref.startswith("#/definitions/") and ref[len("#/definitions/"):] in defs, (path, ref)
            return
        t = s.get("type")
        assert t is None or t in ("object", "array", "string", "integer", "number", "boolean"), (path, t)
        if t == "array":
            assert isinstance(s.get("items"), dict), path  # "array should have exactly one sub-item"
            walk(s["items"], path + "[]")
        for n, p in (s.get("properties") or {}).items():
            walk(p, f"{path}.{n}")
        if isinstance(s.get("additionalProperties"), dict):
            walk(s["additionalProperties"], path + "{}")

    for name, s in defs.items():
        walk(s, name)


def test_served_document(fixture_server):
    srv = fixture_server
    status, doc, headers = srv.get("/openapi/v2")
    assert status == 200 and headers["Content-Type"] == "application/json" and doc["swagger"] == "2.0"
    check_models(doc)
    defs = doc["definitions"]
    gvks = {(g["group"], g["version"], g["kind"]) for s in defs.values()
            for g in s.get("x-kubernetes-group-version-kind", [])}
    assert {("", "v1", "Pod"), ("apps", "v1", "Deployment"), ("example.com", "v1", "Widget")} <= gvks
    assert "/api/v1/namespaces/{namespace}/pods/{name}" in doc["paths"]
    # the protobuf form decodes to the same definitions, in the same order
    req = urllib.request.Request(srv.url + "/openapi/v2", headers={"Accept": PB_ACCEPT})
    with urllib.request.urlopen(req, timeout=60) as r:
        body, ctype, etag = r.read(), r.headers["Content-Type"], r.headers["ETag"]
    assert ctype == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    top = decode(body)
    assert [v for f, _, v in top if f == 1] == [b"2.0"]
    (definitions,) = [v for f, _, v in top if f == 9]
    names = [fields(ns, 1)[0].decode() for ns in fields(definitions, 1)]
    assert names == list(defs)
    req = urllib.request.Request(srv.url + "/openapi/v2", headers={"Accept": PB_ACCEPT, "If-None-Match": etag})
    try:
        urllib.request.urlopen(req, timeout=30)
        raise AssertionError("expected 304")
    except urllib.error.HTTPError as e:
        assert e.code == 304


def test_kubectl_explain_through_v2(fixture_server):
    # kubectl >= 1.27 can be told to use v2: the code path of kubectl 1.24-1.26 and oc 4.11-4.13
    out = fixture_server.kubectl("explain", "--output=plaintext-openapiv2", "deployment.spec.replicas").stdout
    assert "KIND:     Deployment" in out and "replicas <integer>" in out
    out = fixture_server.kubectl("explain", "--output=plaintext-openapiv2", "widgets").stdout
    assert "KIND:     Widget" in out and "VERSION:  example.com/v1" in out


def test_okd_document_with_crds(okd_server):
    """A real OKD archive: archive and bundled CRD schemas convert to models kube-openapi accepts."""
    status, doc, _ = okd_server.get("/openapi/v2")
    assert status == 200
    check_models(doc)
    kinds = {g["kind"] for s in doc["definitions"].values() for g in s.get("x-kubernetes-group-version-kind", [])}
    assert {"ClusterOperator", "ClusterVersion", "Pod"} <= kinds
    out = okd_server.kubectl("explain", "--output=plaintext-openapiv2", "clusteroperators.status.conditions").stdout
    assert "KIND:     ClusterOperator" in out and "FIELDS:" in out
