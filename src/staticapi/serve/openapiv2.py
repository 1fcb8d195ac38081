"""``/openapi/v2``: one Swagger 2.0 document built from the same schemas as our ``/openapi/v3``.

Older clients only know v2: ``kubectl explain`` of kubectl 1.24-1.26 (1.27+ use v3 and fall
back to v2), their ``apply`` validation, and the ``oc`` clients of OpenShift 4.11-4.15. They
read it as protobuf (client-go ``discovery.OpenAPISchema`` sends
``Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf``) and build their models
with kube-openapi ``pkg/util/proto`` ``NewOpenAPIData``, which is strict: a ``$ref`` to a
missing definition, an array without exactly one ``items`` schema or an unknown primitive type
fails the whole document. So the conversion from v3 (kube-openapi's ``builder3`` output and
CRD schemas, see openapi.py) follows what kube-openapi's v2 builder writes and drops what v2
cannot say:

* ``#/components/schemas/X`` -> ``#/definitions/X``; the v3 wrapper
  ``{"allOf": [{"$ref": X}], "description": ..., "default": ...}`` -> ``{"$ref": X, "description": ...}``;
* ``anyOf``/``oneOf``/``not``/``nullable`` are dropped (as apiextensions-apiserver does for
  CRDs in v2, ``ToStructuralOpenAPIV2``), a ``type`` list keeps its first entry;
* operations: parameters flattened (``schema.type`` -> ``type``), ``requestBody`` -> a
  ``body`` parameter, response ``content`` -> ``schema`` + ``produces``.

The document is built once per store, in a worker thread, and kept with its JSON and
protobuf bytes and an ETag (kube-openapi ``handler`` answers ``If-None-Match`` with 304).
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import orjson

from ..kube import openapiv2pb
from ..store.store import ClusterStore
from . import openapi

PB_TYPES = ("application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
_V3_REF = "#/components/schemas/"
_V2_REF = "#/definitions/"
_TYPES = {"object", "array", "string", "integer", "number", "boolean"}
_SCALARS = ("format", "title", "description", "default", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
            "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems",
            "maxProperties", "minProperties", "required", "enum", "readOnly", "example")


def schema_v2(s: Any) -> dict:
    """A v3 schema object as a v2 one (see the module docstring)."""
    if not isinstance(s, dict):
        return {}
    out: dict[str, Any] = {}
    ref = s.get("$ref")
    all_of = s.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict) and "$ref" in all_of[0] \
            and not ref:
        ref, all_of = all_of[0]["$ref"], None
    if isinstance(ref, str):
        out["$ref"] = _V2_REF + ref[len(_V3_REF):] if ref.startswith(_V3_REF) else ref
        if isinstance(s.get("description"), str):
            out["description"] = s["description"]
        out.update((k, v) for k, v in s.items() if k.startswith("x-"))
        return out
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x in _TYPES), None)
    if t in _TYPES:
        out["type"] = t
    for k in _SCALARS:
        if k in s:
            out[k] = s[k]
    if isinstance(s.get("discriminator"), str):
        out["discriminator"] = s["discriminator"]
    if isinstance(s.get("properties"), dict):
        out["properties"] = {n: schema_v2(p) for n, p in s["properties"].items()}
    ap = s.get("additionalProperties")
    if isinstance(ap, bool):
        out["additionalProperties"] = ap
    elif isinstance(ap, dict):
        out["additionalProperties"] = schema_v2(ap)
    if t == "array":
        items = s.get("items")
        out["items"] = schema_v2(items[0] if isinstance(items, list) and items else items)
    if isinstance(all_of, list) and all_of:
        out["allOf"] = [schema_v2(x) for x in all_of]
    out.update((k, v) for k, v in s.items() if k.startswith("x-"))
    return out


def _param_v2(p: dict) -> dict:
    out = {k: p[k] for k in ("name", "in", "description", "required") if k in p}
    sch = p.get("schema") if isinstance(p.get("schema"), dict) else {}
    for k in ("type", "format", "uniqueItems"):
        if k in sch:
            out[k] = sch[k]
    if out.get("in") == "path":
        out["required"] = True
    return out


def _content_schema(content: Any) -> tuple[list[str], dict | None]:
    if not isinstance(content, dict):
        return [], None
    types = [k for k in content if isinstance(k, str)]
    pick = content.get("application/json") or next(iter(content.values()), None)
    sch = pick.get("schema") if isinstance(pick, dict) else None
    return types, schema_v2(sch) if isinstance(sch, dict) else None


def operation_v2(op: dict) -> dict:
    out: dict[str, Any] = {k: op[k] for k in ("tags", "summary", "description", "operationId", "deprecated")
                           if k in op}
    params = [_param_v2(p) for p in op.get("parameters") or [] if isinstance(p, dict)]
    body = op.get("requestBody")
    if isinstance(body, dict):
        consumes, sch = _content_schema(body.get("content"))
        out["consumes"] = consumes
        params.append({"name": "body", "in": "body", "required": bool(body.get("required", True)),
                       "schema": sch or {}})
    if params:
        out["parameters"] = params
    produces: list[str] = []
    responses = {}
    for code, r in (op.get("responses") or {}).items():
        if not isinstance(r, dict):
            continue
        types, sch = _content_schema(r.get("content"))
        produces += [t for t in types if t not in produces]
        rr: dict[str, Any] = {"description": r.get("description") or "OK"}
        if sch is not None:
            rr["schema"] = sch
        responses[str(code)] = rr
    if produces:
        out["produces"] = produces
    out["responses"] = responses or {"200": {"description": "OK"}}
    out["schemes"] = ["https"]
    out.update((k, v) for k, v in op.items() if k.startswith("x-"))
    return out


def build(v3_docs: list[dict], version: str) -> dict:
    """Merge v3 group-version documents into one Swagger 2.0 document."""
    paths: dict[str, Any] = {}
    defs: dict[str, Any] = {}
    for d in v3_docs:
        for name, s in ((d.get("components") or {}).get("schemas") or {}).items():
            defs.setdefault(name, schema_v2(s))
        for p, item in (d.get("paths") or {}).items():
            if not isinstance(item, dict) or p in paths:
                continue
            out: dict[str, Any] = {}
            for m, op in item.items():
                if m == "parameters" and isinstance(op, list):
                    out["parameters"] = [_param_v2(x) for x in op if isinstance(x, dict)]
                elif m in ("get", "put", "post", "delete", "options", "head", "patch") and isinstance(op, dict):
                    out[m] = operation_v2(op)
            paths[p] = out
    _fix_dangling(defs, paths)
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": version},
        "paths": dict(sorted(paths.items())),
        "definitions": dict(sorted(defs.items())),
        "securityDefinitions": {"BearerToken": {"description": "Bearer Token authentication", "type": "apiKey",
                                                "name": "authorization", "in": "header"}},
        "security": [{"BearerToken": []}],
    }


def _fix_dangling(defs: dict, paths: dict) -> None:
    """kube-openapi rejects the whole document for one ``$ref`` to a missing definition: turn
    such a reference into an untyped schema (kubectl shows it as an arbitrary value)."""
    def walk(x: Any) -> None:
        if isinstance(x, dict):
            ref = x.get("$ref")
            if isinstance(ref, str) and (not ref.startswith(_V2_REF) or ref[len(_V2_REF):] not in defs):
                del x["$ref"]
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(defs)
    walk(paths)


class V2Document:
    def __init__(self, doc: dict):
        self.json = orjson.dumps(doc)
        self.protobuf = openapiv2pb.document(doc)
        self.etag = '"' + hashlib.sha512(self.json).hexdigest()[:64].upper() + '"'


def build_for_store(store: ClusterStore) -> V2Document:
    docs = []
    for p in sorted(openapi.cluster_docs(store)):
        body = openapi.doc_bytes(store, p)
        if body is not None:
            docs.append(orjson.loads(body))
    version = (store.version_info or {}).get("gitVersion") or "v1.33.0"
    return V2Document(build(docs, version))


async def document_for(store: ClusterStore) -> V2Document:
    """Built once per store (kept on it, like openapi.cluster_docs), in a worker thread."""
    fut = getattr(store, "_openapi_v2", None)
    if fut is None:
        fut = asyncio.get_running_loop().run_in_executor(None, build_for_store, store)
        store._openapi_v2 = fut  # type: ignore[attr-defined]
    return await asyncio.shield(fut)


def wants_protobuf(accept: str | None) -> bool:
    """True when the Accept header names the v2 protobuf type before (or instead of) JSON."""
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in PB_TYPES:
            return True
        if media in ("application/json", "*/*", "application/*"):
            return False
    return False


async def handle(request: Any, cluster: Any) -> Any:
    """GET /openapi/v2: protobuf or JSON by Accept, 304 for a matching If-None-Match."""
    from aiohttp import web

    store = await cluster.wait()
    doc = await document_for(store)
    headers = {"ETag": doc.etag, "Cache-Control": "no-cache, private", "Vary": "Accept"}
    if request.headers.get("If-None-Match") == doc.etag:
        return web.Response(status=304, headers=headers)
    if wants_protobuf(request.headers.get("Accept")):
        # the "@" form is what clients ask for, but Go's mime.ParseMediaType (client-go reads the
        # answer's Content-Type) rejects it: the answer names the ".v1.0" form
        return web.Response(body=doc.protobuf, headers={**headers, "Content-Type": PB_TYPES[1]})
    return web.Response(body=doc.json, headers={**headers, "Content-Type": "application/json"})
