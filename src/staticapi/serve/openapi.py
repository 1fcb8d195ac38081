"""OpenAPI v3 documents, for `kubectl explain` (and clients that validate).

kube-apiserver serves `/openapi/v3` as an index
(`{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}`,
`staging/src/k8s.io/kube-openapi/pkg/handler3`) and one document per
group-version. Built-in documents are the upstream v1.33 specs, packaged
gzipped in data/openapi-v3 (see data/SOURCES.md); custom resources get a
document built from their CRD's `openAPIV3Schema` the way
apiextensions-apiserver's `controller/openapi/builder` does, with the
`x-kubernetes-group-version-kind` extension kubectl explain looks the kind up
by. The serverRelativeURL keeps our `/clusters/<name>` prefix, because
client-go requests it as an absolute path on the server.

`/openapi/v2` (for older clients) is built from these same documents in
openapiv2.py.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache, lru_cache
from importlib import resources as ires
from typing import Any

import orjson

from ..store.store import ClusterStore


def _builtin_name(gv_path: str) -> str:
    # "api/v1" -> "api__v1_openapi.json.gz"; "apis/apps/v1" -> "apis__apps__v1_openapi.json.gz"
    return gv_path.replace("/", "__") + "_openapi.json.gz"


@cache
def builtin_paths() -> frozenset[str]:
    d = ires.files("staticapi").joinpath("data", "openapi-v3")
    out = set()
    for f in d.iterdir():
        name = f.name
        if name.endswith("_openapi.json.gz"):
            out.add(name[: -len("_openapi.json.gz")].replace("__", "/"))
    return frozenset(out)


@lru_cache(maxsize=64)
def builtin_doc(gv_path: str) -> bytes | None:
    if gv_path not in builtin_paths():
        return None
    data = ires.files("staticapi").joinpath("data", "openapi-v3", _builtin_name(gv_path)).read_bytes()
    return gzip.decompress(data)


def _reverse_group(group: str) -> str:
    return ".".join(reversed(group.split(".")))


def _crd_schemas(store: ClusterStore) -> dict[tuple[str, str], dict[str, dict]]:
    """(group, version) -> {schema name: schema} from archive CRDs, then bundled ones."""
    out: dict[tuple[str, str], dict[str, dict]] = {}
    for crd in store.objects("apiextensions.k8s.io", "customresourcedefinitions"):
        spec = crd.get("spec") or {}
        group, names = spec.get("group"), spec.get("names") or {}
        kind = names.get("kind")
        if not group or not kind:
            continue
        for v in spec.get("versions") or []:
            schema = ((v.get("schema") or {}).get("openAPIV3Schema")) or spec.get("validation", {}).get(
                "openAPIV3Schema")
            if not v.get("served", True) or not isinstance(schema, dict):
                continue
            _put(out, group, v["name"], kind, schema)
    try:
        from ..kube import crdprinter
    except ImportError:  # pragma: no cover
        return out
    for r in store.registry.resources.values():
        if r.origin != "bundled-crd":
            continue
        for v in r.versions:
            if (r.group, v) in out and any(
                    s.get("x-kubernetes-group-version-kind", [{}])[0].get("kind") == r.kind
                    for s in out[(r.group, v)].values()):
                continue
            schema = crdprinter.bundled_crd_schema(r.group, v, r.kind)
            if schema:
                _put(out, r.group, v, r.kind, schema)
    return out


def _put(out, group: str, version: str, kind: str, schema: dict) -> None:
    s = dict(schema)
    s["x-kubernetes-group-version-kind"] = [{"group": group, "version": version, "kind": kind}]
    out.setdefault((group, version), {})[f"{_reverse_group(group)}.{version}.{kind}"] = s


def _crd_doc(schemas: dict[str, dict], registry) -> bytes:
    """One CRD group-version document. kubectl explain finds a resource's kind
    through the GET operations of its paths (`x-kubernetes-group-version-kind`),
    then the schema through the component with the same extension."""
    paths: dict[str, Any] = {}
    for name, s in schemas.items():
        gvk = s["x-kubernetes-group-version-kind"][0]
        r = registry.for_kind(gvk["group"], gvk["kind"])
        if r is None:
            continue
        base = f"/apis/{gvk['group']}/{gvk['version']}/" + ("namespaces/{namespace}/" if r.namespaced else "")
        op = {
            "x-kubernetes-group-version-kind": gvk,
            "responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{name}"}}}}},
        }
        paths[base + r.plural] = {"get": {**op, "x-kubernetes-action": "list"}}
        paths[base + r.plural + "/{name}"] = {"get": {**op, "x-kubernetes-action": "get"}}
    return orjson.dumps({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes CRD Swagger", "version": "v0.1.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    })


def cluster_docs(store: ClusterStore) -> dict[str, bytes | None]:
    """gv path -> document bytes (None: a built-in, loaded lazily)."""
    cached = getattr(store, "_openapi_docs", None)
    if cached is not None:
        return cached
    docs: dict[str, bytes | None] = {}
    reg = store.registry
    served = {("", "v1")} | {(r.group, v) for r in reg.resources.values() for v in r.versions}
    for g, v in served:
        p = f"apis/{g}/{v}" if g else f"api/{v}"
        if p in builtin_paths():
            docs[p] = None
    for (g, v), schemas in _crd_schemas(store).items():
        p = f"apis/{g}/{v}"
        if p not in docs:
            docs[p] = _crd_doc(schemas, reg)
    store._openapi_docs = docs  # type: ignore[attr-defined]
    return docs


def doc_bytes(store: ClusterStore, gv_path: str) -> bytes | None:
    docs = cluster_docs(store)
    if gv_path not in docs:
        return None
    d = docs[gv_path]
    return d if d is not None else builtin_doc(gv_path)


def index(store: ClusterStore, prefix: str) -> dict[str, Any]:
    paths = {}
    for p in sorted(cluster_docs(store)):
        h = _hash(store, p)
        paths[p] = {"serverRelativeURL": f"{prefix}/openapi/v3/{p}?hash={h}"}
    return {"paths": paths}


def _hash(store: ClusterStore, p: str) -> str:
    d = cluster_docs(store)[p]
    if d is None:
        return hashlib.sha512(("builtin-1.33:" + p).encode()).hexdigest()[:64].upper()
    return hashlib.sha512(d).hexdigest()[:64].upper()
