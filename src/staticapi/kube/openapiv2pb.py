"""A Swagger 2.0 document (a JSON dict) -> gnostic's ``openapi.v2.Document`` protobuf bytes.

kube-apiserver serves ``/openapi/v2`` as protobuf to clients that ask with
``Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`` (client-go
``discovery.OpenAPISchema``, used by ``kubectl explain`` up to 1.26, ``kubectl apply``'s
validation up to 1.26, and the ``oc`` clients of OpenShift 4.11-4.15). The message layout is
google/gnostic-models ``openapiv2/OpenAPIv2.proto``; the field numbers below are that file's.
This is a small hand-written encoder of the proto3 wire format (varints, length-delimited
fields, 64-bit doubles; default values left out) for the messages a Kubernetes document
uses. Vendor extensions, defaults, enums and examples are ``Any`` messages whose ``yaml``
field holds the value's JSON text (JSON is YAML; kube-openapi ``proto.VendorExtensionToMap``
decodes it with a YAML parser).
"""

from __future__ import annotations

import struct
from typing import Any

import orjson

# wire types
_VARINT, _I64, _LEN = 0, 1, 2


def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64  # int64/bool: two's complement, ten bytes
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field: int, wt: int) -> bytes:
    return _varint(field << 3 | wt)


def _len(field: int, data: bytes) -> bytes:
    return _key(field, _LEN) + _varint(len(data)) + data


def _str(field: int, v: Any) -> bytes:
    if not isinstance(v, str) or v == "":
        return b""
    return _len(field, v.encode("utf-8"))


def _strs(field: int, vs: Any) -> bytes:
    if not isinstance(vs, list):
        return b""
    return b"".join(_len(field, v.encode("utf-8")) for v in vs if isinstance(v, str))


def _bool(field: int, v: Any) -> bytes:
    return _key(field, _VARINT) + b"\x01" if v is True else b""


def _int(field: int, v: Any) -> bytes:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or int(v) != v or v == 0:
        return b""
    return _key(field, _VARINT) + _varint(int(v))


def _double(field: int, v: Any) -> bytes:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v == 0:
        return b""
    return _key(field, _I64) + struct.pack("<d", float(v))


def _msg(field: int, data: bytes, *, always: bool = False) -> bytes:
    return _len(field, data) if data or always else b""


def any_msg(value: Any) -> bytes:
    """``Any {string yaml = 2}``."""
    return _len(2, orjson.dumps(value, option=orjson.OPT_SORT_KEYS))


def _named_any(field: int, name: str, value: Any) -> bytes:
    return _len(field, _str(1, name) + _len(2, any_msg(value)))


def _extensions(field: int, d: dict) -> bytes:
    return b"".join(_named_any(field, k, v) for k, v in d.items() if k.startswith("x-"))


# ------------------------------------------------------------------ Schema

# Schema: scalar fields by number (openapiv2/OpenAPIv2.proto message Schema)
_SCHEMA_STR = {"$ref": 1, "format": 2, "title": 3, "description": 4, "pattern": 13, "discriminator": 26}
_SCHEMA_DOUBLE = {"multipleOf": 6, "maximum": 7, "minimum": 9}
_SCHEMA_BOOL = {"exclusiveMaximum": 8, "exclusiveMinimum": 10, "uniqueItems": 16, "readOnly": 27}
_SCHEMA_INT = {"maxLength": 11, "minLength": 12, "maxItems": 14, "minItems": 15, "maxProperties": 17,
               "minProperties": 18}


def schema(s: dict) -> bytes:
    if not isinstance(s, dict):
        return b""
    out = []
    for k, f in _SCHEMA_STR.items():
        out.append(_str(f, s.get(k)))
    if "default" in s:
        out.append(_len(5, any_msg(s["default"])))
    for k, f in _SCHEMA_DOUBLE.items():
        out.append(_double(f, s.get(k)))
    for k, f in _SCHEMA_BOOL.items():
        out.append(_bool(f, s.get(k)))
    for k, f in _SCHEMA_INT.items():
        out.append(_int(f, s.get(k)))
    out.append(_strs(19, s.get("required")))
    for v in s.get("enum") or [] if isinstance(s.get("enum"), list) else []:
        out.append(_len(20, any_msg(v)))
    ap = s.get("additionalProperties")
    if isinstance(ap, bool):  # AdditionalPropertiesItem.boolean = 2 (a oneof: written even when false)
        out.append(_len(21, _key(2, _VARINT) + (b"\x01" if ap else b"\x00")))
    elif isinstance(ap, dict):
        out.append(_len(21, _len(1, schema(ap))))
    t = s.get("type")
    if isinstance(t, str):
        out.append(_len(22, _str(1, t)))
    elif isinstance(t, list):
        out.append(_msg(22, _strs(1, t)))
    items = s.get("items")
    if isinstance(items, dict):
        out.append(_len(23, _len(1, schema(items))))
    elif isinstance(items, list):
        out.append(_len(23, b"".join(_len(1, schema(i)) for i in items if isinstance(i, dict))))
    for sub in s.get("allOf") or [] if isinstance(s.get("allOf"), list) else []:
        out.append(_len(24, schema(sub)))
    props = s.get("properties")
    if isinstance(props, dict):
        out.append(_len(25, b"".join(_len(1, _str(1, n) + _len(2, schema(p))) for n, p in props.items())))
    if "example" in s:
        out.append(_len(30, any_msg(s["example"])))
    out.append(_extensions(31, s))
    return b"".join(out)


# ------------------------------------------------------------------ paths

# Query/Path/Header parameter sub-schemas share most fields but not their numbers.
_PARAM_FIELDS = {
    "query": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 6, "format": 7, "uniqueItems": 20,
              "ext": 23, "oneof": 3},
    "path": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 5, "format": 6, "uniqueItems": 19,
             "ext": 22, "oneof": 4},
    "header": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 5, "format": 6, "uniqueItems": 19,
               "ext": 22, "oneof": 1},
}


def parameter(p: dict) -> bytes:
    """A ``ParametersItem`` (parameter = 1) holding a body or a non-body ``Parameter``."""
    where = p.get("in")
    if where == "body":
        body = (_str(1, p.get("description")) + _str(2, p.get("name")) + _str(3, "body")
                + _bool(4, p.get("required")) + _msg(5, schema(p.get("schema") or {}), always=True)
                + _extensions(6, p))
        return _len(1, _len(1, body))
    f = _PARAM_FIELDS.get(where)
    if f is None:
        return b""
    sub = (_bool(f["required"], p.get("required")) + _str(f["in"], where) + _str(f["description"], p.get("description"))
           + _str(f["name"], p.get("name")) + _str(f["type"], p.get("type")) + _str(f["format"], p.get("format"))
           + _bool(f["uniqueItems"], p.get("uniqueItems")) + _extensions(f["ext"], p))
    return _len(1, _len(2, _len(f["oneof"], sub)))


def _response(r: dict) -> bytes:
    body = _str(1, r.get("description"))
    if isinstance(r.get("schema"), dict):
        body += _len(2, _len(1, schema(r["schema"])))
    return body + _extensions(5, r)


def operation(op: dict) -> bytes:
    out = [_strs(1, op.get("tags")), _str(2, op.get("summary")), _str(3, op.get("description")),
           _str(5, op.get("operationId")), _strs(6, op.get("produces")), _strs(7, op.get("consumes"))]
    out += [_len(8, parameter(p)) for p in op.get("parameters") or [] if isinstance(p, dict)]
    responses = op.get("responses")
    if isinstance(responses, dict):
        codes = b"".join(_len(1, _str(1, str(code)) + _len(2, _len(1, _response(r))))
                         for code, r in responses.items() if isinstance(r, dict))
        out.append(_len(9, codes))
    out += [_strs(10, op.get("schemes")), _bool(11, op.get("deprecated")), _extensions(13, op)]
    return b"".join(out)


_METHODS = {"get": 2, "put": 3, "post": 4, "delete": 5, "options": 6, "head": 7, "patch": 8}


def path_item(item: dict) -> bytes:
    out = [_str(1, item.get("$ref"))]
    for m, f in _METHODS.items():
        if isinstance(item.get(m), dict):
            out.append(_len(f, operation(item[m])))
    out += [_len(9, parameter(p)) for p in item.get("parameters") or [] if isinstance(p, dict)]
    out.append(_extensions(10, item))
    return b"".join(out)


# ------------------------------------------------------------------ Document


def document(doc: dict) -> bytes:
    """Encode a Swagger 2.0 dict as ``openapi.v2.Document``."""
    info = doc.get("info") or {}
    out = [_str(1, doc.get("swagger", "2.0")),
           _msg(2, _str(1, info.get("title")) + _str(2, info.get("version")) + _str(3, info.get("description"))
                + _extensions(7, info)),
           _str(3, doc.get("host")), _str(4, doc.get("basePath")), _strs(5, doc.get("schemes")),
           _strs(6, doc.get("consumes")), _strs(7, doc.get("produces"))]
    paths = doc.get("paths") or {}
    out.append(_len(8, _extensions(1, paths) + b"".join(
        _len(2, _str(1, p) + _len(2, path_item(item))) for p, item in paths.items()
        if not p.startswith("x-") and isinstance(item, dict))))
    defs = doc.get("definitions") or {}
    out.append(_len(9, b"".join(_len(1, _str(1, n) + _len(2, schema(s))) for n, s in defs.items())))
    for req in doc.get("security") or []:  # SecurityRequirement {NamedStringArray}
        out.append(_len(12, b"".join(_len(1, _str(1, n) + _len(2, _strs(1, v))) for n, v in req.items())))
    sd = doc.get("securityDefinitions") or {}
    items = []
    for n, d in sd.items():
        if isinstance(d, dict) and d.get("type") == "apiKey":  # SecurityDefinitionsItem.api_key_security = 2
            key = _str(1, "apiKey") + _str(2, d.get("name")) + _str(3, d.get("in")) + _str(4, d.get("description"))
            items.append(_len(1, _str(1, n) + _len(2, _len(2, key))))
    if items:
        out.append(_len(13, b"".join(items)))
    out.append(_extensions(16, doc))
    return b"".join(out)
