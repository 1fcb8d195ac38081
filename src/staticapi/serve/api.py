"""The Kubernetes API paths: discovery, get, list, watch, and their errors.

Path grammar (kube-apiserver `staging/src/k8s.io/apiserver/pkg/endpoints/
installer.go` registers the same shapes):

    /api | /api/v1 | /apis | /apis/<g> | /apis/<g>/<v>
    /api/v1[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]
    /apis/<g>/<v>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]
    (plus the deprecated /api/v1/watch/... form)

`parse_path` is pure and tested on its own; handlers only look things up in
the store and assemble bytes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from aiohttp import web

from ..kube import negotiate, selectors
from ..kube import registry as regmod
from ..kube.registry import Resource
from ..kube.status import bad_request, expired, not_acceptable, not_found, path_not_found
from ..store.store import ClusterStore, Entry
from . import liststream
from .cluster import Cluster
from .tables import TableConverter, check_include, read_ahead
from .watch import serve_watch


@dataclass(frozen=True)
class ApiPath:
    """What a request path names."""

    kind: str  # 'api' | 'apis' | 'group' | 'resources' | 'object'
    group: str = ""
    version: str = ""
    plural: str = ""
    namespace: str | None = None
    name: str | None = None
    sub: str | None = None
    watch_prefix: bool = False


def parse_path(path: str) -> ApiPath | None:
    """Split an API path; None when it is not an API path at all."""
    parts = [p for p in path.split("/") if p != ""]
    if not parts:
        return None
    if parts[0] == "api":
        if len(parts) == 1:
            return ApiPath("api")
        group, version, rest = "", parts[1], parts[2:]
    elif parts[0] == "apis":
        if len(parts) == 1:
            return ApiPath("apis")
        if len(parts) == 2:
            return ApiPath("group", group=parts[1])
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    if not rest:
        return ApiPath("resources", group=group, version=version)
    watch_prefix = False
    if rest[0] == "watch":
        watch_prefix, rest = True, rest[1:]
        if not rest:
            return None
    ns = None
    if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] not in ("status", "finalize"):
        ns, rest = rest[1], rest[2:]
    if len(rest) > 3:
        return None
    return ApiPath(
        "object",
        group=group,
        version=version,
        plural=rest[0],
        namespace=ns,
        name=rest[1] if len(rest) > 1 else None,
        sub=rest[2] if len(rest) > 2 else None,
        watch_prefix=watch_prefix,
    )


def json_response(body: bytes | dict, status: int = 200, content_type: str = "application/json") -> web.Response:
    if isinstance(body, dict):
        body = orjson.dumps(body)
    return web.Response(body=body, status=status, headers={"Content-Type": content_type})


# ------------------------------------------------------------------ discovery


async def discovery(request: web.Request, cluster: Cluster, ap: ApiPath) -> web.Response:
    store = await cluster.wait()
    reg = store.registry
    if ap.kind in ("api", "apis"):
        form = negotiate.for_discovery(request.headers.get("Accept"))
        if form is None:
            raise not_acceptable(request.headers.get("Accept", ""))
        if form in ("v2", "v2beta1"):
            doc = regmod.aggregated_doc(reg, core=ap.kind == "api", api_version=f"apidiscovery.k8s.io/{form}")
            ctype = negotiate.AGG_V2 if form == "v2" else negotiate.AGG_V2BETA1
            return json_response(doc, content_type=ctype)
        doc = regmod.api_versions_doc() if ap.kind == "api" else regmod.api_group_list_doc(reg)
        return json_response(doc)
    if ap.kind == "group":
        doc = regmod.api_group_doc(reg, ap.group)
    else:
        doc = regmod.resource_list_doc(reg, ap.group, ap.version)
    if doc is None:
        raise path_not_found()
    return json_response(doc)


# ------------------------------------------------------------------ objects


def _continue_token(rv: int, ns: str, name: str) -> str:
    raw = orjson.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": [ns, name]})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_continue(token: str) -> tuple[int, tuple[str, str]]:
    """Our opaque continue token -> (rv, last key). Bad tokens are 410 Expired, as kube-api-notes.md says."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        d = orjson.loads(raw)
        rv = d["rv"]
        ns, name = d["start"]
        if not (isinstance(rv, int) and isinstance(ns, str) and isinstance(name, str)):
            raise ValueError
        return rv, (ns, name)
    except (ValueError, KeyError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise expired("continue key is not valid: the provided continue parameter is too old or invalid") from None


def resolve(store: ClusterStore, ap: ApiPath) -> Resource:
    r = store.registry.get(ap.group, ap.version, ap.plural)
    if r is None or r.verbs == ("create",):
        raise path_not_found()
    if ap.namespace is not None and not r.namespaced:
        raise path_not_found()
    if ap.name is not None and ap.namespace is None and r.namespaced:
        raise path_not_found()
    if ap.sub is not None and ap.sub not in r.subresources:
        raise path_not_found()
    return r


def _field_matcher(r: Resource, text: str | None) -> Callable[[Entry], bool] | None:
    try:
        sel = selectors.parse_field_selector(text)
        if not sel.requirements:
            return None
        kw = {"custom_resource": True, "namespaced": r.namespaced} if r.origin in ("crd", "bundled-crd") else {}
        selectors.validate_field_selector(sel, r.group, r.plural, **kw)
    except selectors.SelectorError as e:
        raise bad_request(str(e)) from None
    key = f"fields:{r.group}/{r.plural}"
    fields_needed = {f for f, _, _ in sel.requirements}
    cheap = fields_needed <= {"metadata.name", "metadata.namespace"}

    def match(e: Entry) -> bool:
        if cheap:
            return sel.matches({"metadata.name": e.name, "metadata.namespace": e.namespace})
        fv = e.cached(key, lambda: selectors.field_values(r.group, r.plural, e.obj()))
        return sel.matches(fv)

    return match


def _label_matcher(text: str | None) -> Callable[[Entry], bool] | None:
    try:
        sel = selectors.parse_label_selector(text)
    except selectors.SelectorError as e:
        raise bad_request(str(e)) from None
    if sel.empty:
        return None
    return lambda e: sel.matches(e.labels or {})


def _hidden(e: Entry) -> bytes:
    """A Secret without its data (--hide-secret-data), computed once per object."""

    def compute() -> bytes:
        obj = e.obj()
        obj.pop("data", None)
        obj.pop("stringData", None)
        return orjson.dumps(obj)

    return e.cached("hidden", compute)


def list_kind(r: Resource) -> str:
    return f"{r.kind}List"


async def handle_object(request: web.Request, cluster: Cluster, ap: ApiPath) -> web.StreamResponse:
    store = await cluster.wait()
    r = resolve(store, ap)
    q = request.query
    form = negotiate.for_object(request.headers.get("Accept"))
    if form is None:
        raise not_acceptable(request.headers.get("Accept", ""))
    include = check_include(q.get("includeObject")) if form.startswith("table") else "Metadata"
    table_api = "meta.k8s.io/v1beta1" if form == "table-v1beta1" else "meta.k8s.io/v1"
    table_ct = negotiate.TABLE_V1BETA1 if form == "table-v1beta1" else negotiate.TABLE_V1
    ns = ap.namespace or ""
    raw_of: Callable[[Entry], bytes] = (
        _hidden if cluster.hide_secret_data and r.key == ("", "secrets") else (lambda e: e.raw))

    if ap.name is not None:
        e = store.get(r, ns, ap.name)
        if e is None:
            raise not_found(r.plural, r.group, ap.name)
        if ap.sub == "log":
            return await _serve_log(request, cluster, store, e)
        if ap.sub == "scale":
            return json_response(_scale(e))
        if form.startswith("table"):
            conv = TableConverter(r, ap.version)
            return json_response(conv.table([e], store.now, include, store.rv, api_version=table_api,
                                            raw_of=raw_of),
                                 content_type=table_ct)
        if form == "partial":
            return json_response(_partial(e))
        return json_response(raw_of(e))

    # ---- list / watch
    lmatch = _label_matcher(q.get("labelSelector"))
    fmatch = _field_matcher(r, q.get("fieldSelector"))
    t = store.tables.get(r.key)
    entries = t.in_namespace(ap.namespace) if t else []
    ns_filter = ap.namespace

    def match(e: Entry) -> bool:
        if ns_filter and e.namespace != ns_filter:
            return False
        return (lmatch is None or lmatch(e)) and (fmatch is None or fmatch(e))

    if lmatch or fmatch:
        entries = [e for e in entries if match(e)]

    if ap.watch_prefix or q.get("watch") in ("true", "1"):
        if form.startswith("table"):
            conv = TableConverter(r, ap.version)

            def render(e: Entry, first: bool) -> bytes:
                head = conv.header(store.rv)
                head["apiVersion"] = table_api
                if not first:
                    head["columnDefinitions"] = []
                h = orjson.dumps(head)
                return h[:-1] + b',"rows":[' + conv.row_bytes(e, store.now, include, raw_of,
                                                              table_api.endswith("v1beta1")) + b"]}"

            ctype = table_ct
        else:
            def render(e: Entry, first: bool) -> bytes:
                return raw_of(e)

            ctype = "application/json"
        return await serve_watch(request, cluster.hub, r.key, entries, store.rv, match, render,
                                 (r.group_version, r.kind), ctype)

    cont = q.get("continue")
    if cont:
        _rv, start = decode_continue(cont)
        import bisect

        i = bisect.bisect_right(entries, start, key=lambda e: (e.namespace, e.name))
        entries = entries[i:]
    limit = 0
    if q.get("limit"):
        try:
            limit = int(q["limit"])
        except ValueError:
            raise bad_request(f"invalid limit: {q['limit']!r}") from None
    next_token = ""
    remaining = None
    after: list[Entry] = []
    if limit > 0 and len(entries) > limit:
        last = entries[limit - 1]
        remaining = len(entries) - limit
        after = entries[limit:2 * limit]
        entries = entries[:limit]
        next_token = _continue_token(store.rv, last.namespace, last.name)

    if form.startswith("table"):
        conv = TableConverter(r, ap.version)
        head, rows = conv.table_parts(entries, store.now, include, store.rv, next_token, remaining,
                                      api_version=table_api, raw_of=raw_of)
        resp = await liststream.send(request, head, "rows", rows, table_ct)
        if after:
            read_ahead(conv, after, store.now)  # the page the client asks for next (tables.read_ahead)
        return resp
    meta: dict = {"resourceVersion": str(store.rv)}
    if next_token:
        meta["continue"] = next_token
        meta["remainingItemCount"] = remaining
    if form == "partial":
        head = {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": meta}
        items = (_partial(e) for e in entries)
    else:
        head = {"kind": list_kind(r), "apiVersion": r.group_version if ap.version == r.version
                else (f"{r.group}/{ap.version}" if r.group else ap.version), "metadata": meta}
        items = (raw_of(e) for e in entries)
    # item by item, as kube-apiserver >= 1.33 streams list bodies (liststream.py)
    return await liststream.send(request, orjson.dumps(head), "items", items, "application/json")


def _partial(e: Entry) -> bytes:
    obj = e.obj()
    return orjson.dumps({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                         "metadata": obj.get("metadata") or {}})


def _scale(e: Entry) -> dict:
    """autoscaling/v1 Scale of a workload (the `scale` subresource, read side)."""
    obj = e.obj()
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    sel = (spec.get("selector") or {})
    if isinstance(sel, dict) and "matchLabels" in sel:
        sel_str = ",".join(f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items()))
    elif isinstance(sel, dict):
        sel_str = ",".join(f"{k}={v}" for k, v in sorted(sel.items()))
    else:
        sel_str = ""
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta},
        "spec": {"replicas": spec.get("replicas", 0)},
        "status": {"replicas": status.get("replicas", 0), "selector": sel_str},
    }


async def _serve_log(request: web.Request, cluster: Cluster, store: ClusterStore, e: Entry) -> web.StreamResponse:
    from . import logs

    # logs.LogError is a StatusError: the middleware answers it as a Status
    opts = logs.parse_log_options(request.query, e.name)
    _container, files = logs.resolve_log_files(cluster.log_index, e.obj(), opts)
    # With live reload on, `logs -f` stays open and follows the file, as against a live pod.
    return await logs.stream_log(request, files, opts, store.now, follow_forever=cluster.live_reload)
