"""The aiohttp application: routing, clusters, health, read-only enforcement.

One application serves every loaded must-gather: each under
`/clusters/<name>/`, and the first one also at `/` so a plain
`--server http://127.0.0.1:PORT` works. Every error leaves as a Kubernetes
`Status` (middleware), every method but GET/HEAD is refused with 405 except
the review APIs `kubectl auth` uses, and unknown paths get the apiserver's
404 body.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field

from aiohttp import web

from .insight import alerts, audit, etcd
from .insight.context import ClusterInsight, Insights
from .kube.status import StatusError, method_not_allowed, path_not_found, status_body, unauthorized
from .serve import activity, api, nodelogs, openapi, openapiv2, reviews
from .serve import metrics as metricsmod
from .serve.cluster import Cluster
from .web import (
    alerts_page,
    audit_api,
    diff_api,
    diff_page,
    etcd_page,
    events_page,
    listing,
    logs_page,
    objects,
    pages,
    search_api,
    search_page,
    triage_api,
)
from .web import timeline as webui

log = logging.getLogger("staticapi.server")

CLUSTERS = web.AppKey("clusters", dict)
OPTIONS = web.AppKey("options", object)
METRICS = web.AppKey("metrics", metricsmod.Metrics)
INSIGHTS = web.AppKey("insights", Insights)

READ_METHODS = ("GET", "HEAD")


@dataclass
class ServerOptions:
    token: str | None = None  # bearer token required when set
    interval_files: list = field(default_factory=list)  # --intervals FILE, added to the first cluster
    hide_secret_data: bool = False
    extra: dict = field(default_factory=dict)


@web.middleware
async def record(request: web.Request, handler):
    t0 = metricsmod.now()
    code = 500
    counted = not activity.long_lived(request.query)  # settle waits for a quiet moment (activity.py)
    if counted:
        activity.ACTIVITY.begin()
    try:
        resp = await handler(request)
        code = resp.status
        return resp
    finally:
        if counted:
            activity.ACTIVITY.end()
        path = request.path
        if path.startswith("/clusters/"):
            path = "/" + path.split("/", 3)[-1] if path.count("/") >= 3 else "/"
        ap = api.parse_path(path)
        if ap is not None and ap.kind == "object":
            verb = metricsmod.verb_of(request.method, request.query, ap.name is not None)
            group, resource = ap.group, ap.plural + (f"/{ap.sub}" if ap.sub else "")
        else:
            verb, group, resource = request.method.lower(), "", ""
        request.app[METRICS].observe(verb, group, resource, code, metricsmod.now() - t0)


@web.middleware
async def status_errors(request: web.Request, handler):
    try:
        return await handler(request)
    except StatusError as e:
        return web.Response(body=e.body(), status=e.code, headers={"Content-Type": "application/json"})
    except web.HTTPException as e:
        if e.status >= 400:
            reason = {404: "NotFound", 405: "MethodNotAllowed", 400: "BadRequest"}.get(e.status, "InternalError")
            msg = "the server could not find the requested resource" if e.status == 404 else e.reason
            return web.Response(body=status_body(e.status, reason, msg, {}), status=e.status,
                                headers={"Content-Type": "application/json"})
        raise
    except ConnectionResetError:
        raise
    except Exception:  # never a traceback in a response body
        log.error("internal error on %s %s\n%s", request.method, request.path_qs, traceback.format_exc())
        return web.Response(body=status_body(500, "InternalError", "an internal error occurred"), status=500,
                            headers={"Content-Type": "application/json"})


@web.middleware
async def auth(request: web.Request, handler):
    token = request.app[OPTIONS].token
    if token and request.path not in ("/livez", "/readyz", "/healthz") and not pages.is_public(request.path):
        if not pages.token_ok(request, token):  # Bearer everywhere; the login cookie on pages
            if pages.wants_html(request) and pages.is_page_path(request.path):
                return pages.login_page(request)
            raise unauthorized()
    return await handler(request)


def split_cluster(request: web.Request) -> tuple[Cluster, str]:
    clusters: dict[str, Cluster] = request.app[CLUSTERS]
    path = request.path
    if path.startswith("/clusters/"):
        rest = path[len("/clusters/"):]
        name, _, tail = rest.partition("/")
        c = clusters.get(name)
        if c is None:
            raise path_not_found()
        return c, "/" + tail
    return next(iter(clusters.values())), path


async def dispatch(request: web.Request) -> web.StreamResponse:
    cluster, path = split_cluster(request)
    if path in ("/livez", "/healthz", "/livez/", "/healthz/"):
        return web.Response(text="ok")
    if path in ("/readyz", "/readyz/"):
        if cluster.ready.is_set() and cluster.store is not None:
            return web.Response(text="ok")
        return web.Response(text="indexing" if not cluster.ready.is_set() else f"failed: {cluster.error}", status=503)
    if request.path in ("/clusters", "/clusters/"):
        return clusters_page(request)
    if path in ("/staticapi/v1/skipped", "/staticapi/v1/skipped/") and request.method in READ_METHODS:
        return await skipped_page(cluster, request.app[INSIGHTS])
    ap = api.parse_path(path)
    if request.method not in READ_METHODS:
        if request.method == "POST" and ap is not None and reviews.is_review(ap):
            return await reviews.handle(request, cluster, ap)
        raise method_not_allowed()
    if (node_proxy := nodelogs.match(path)) is not None:
        return await nodelogs.handle(request, cluster, *node_proxy)
    if path in ("/version", "/version/"):
        store = await cluster.wait()
        return api.json_response(store.version_info)
    if path.startswith("/openapi/v3"):
        return await serve_openapi(request, cluster, path)
    if path in ("/openapi/v2", "/openapi/v2/"):
        return await openapiv2.handle(request, cluster)
    if ap is None:
        raise path_not_found()
    if ap.kind == "object":
        return await api.handle_object(request, cluster, ap)
    return await api.discovery(request, cluster, ap)


async def serve_openapi(request: web.Request, cluster: Cluster, path: str) -> web.Response:
    store = await cluster.wait()
    rest = path[len("/openapi/v3"):].strip("/")
    if not rest:
        prefix = request.path[: len(request.path) - len(path)] if request.path.endswith(path) else ""
        return api.json_response(openapi.index(store, prefix))
    body = openapi.doc_bytes(store, rest)
    if body is None:
        raise path_not_found()
    return web.Response(body=body, headers={"Content-Type": "application/json",
                                            "Cache-Control": "public, immutable"})


async def skipped_page(cluster: Cluster, insights: Insights | None = None) -> web.Response:
    """Every file or archive member that was not served, with the reason."""
    store = await cluster.wait()
    items = [{"path": p.path, "reason": p.reason, "stage": "unpack"} for p in cluster.extra_problems]
    items += [{"path": p.path, "reason": p.reason, "stage": "index"} for p in store.problems]
    items += [{"path": p, "reason": r, "stage": "nodelogs"} for p, r in (await nodelogs.index_for(store)).problems()]
    if insights is not None:  # audit logs, alert and etcd files (each read once per store)
        ci = insights.get(cluster)
        for mod in (audit, alerts, etcd):
            items += [{"path": p, "reason": r, "stage": "gathered"} for p, r in (await mod.load(ci)).problems]
    return api.json_response({"kind": "SkippedList", "apiVersion": "staticapi/v1", "items": items})


def clusters_page(request: web.Request) -> web.Response:
    clusters: dict[str, Cluster] = request.app[CLUSTERS]
    items = []
    for c in clusters.values():
        s = c.store
        items.append({
            "name": c.name,
            "source": c.source,
            "path": f"/clusters/{c.name}",
            "ready": c.ready.is_set() and s is not None,
            "error": c.error,
            "objects": s.count() if s else None,
            "skippedFiles": len(s.problems) if s else None,
            "collectionTime": s.collection_time.isoformat() if s and s.collection_time else None,
        })
    return api.json_response({"kind": "ClusterList", "apiVersion": "staticapi/v1", "items": items})


async def readyz_all(request: web.Request) -> web.Response:
    clusters: dict[str, Cluster] = request.app[CLUSTERS]
    if all(c.ready.is_set() and c.store is not None for c in clusters.values()):
        return web.Response(text="ok")
    return web.Response(text="indexing", status=503)


def _insight(request: web.Request) -> ClusterInsight:
    """The ClusterInsight of the request's cluster (``/clusters/{cluster}/...``, else the first)."""
    insights = request.app[INSIGHTS]
    return insights.get(insights.cluster(request.match_info.get("cluster")))




async def metrics_page(request: web.Request) -> web.Response:
    return request.app[METRICS].render()


def create_app(clusters: list[Cluster], options: ServerOptions | None = None) -> web.Application:
    app = web.Application(middlewares=[record, status_errors, auth], client_max_size=1 << 20)
    app[CLUSTERS] = {c.name: c for c in clusters}
    app[OPTIONS] = options or ServerOptions()
    app[METRICS] = metricsmod.Metrics(lambda: app[CLUSTERS])
    app.router.add_get("/readyz", readyz_all)
    app.router.add_get("/metrics", metrics_page)
    insights = app[INSIGHTS] = Insights(app[CLUSTERS], app[OPTIONS].interval_files)
    cache = webui.setup_routes(app, _insight, prefix="/clusters/{cluster}")
    webui.setup_routes(app, _insight, prefix="", cache=cache)
    insights.on_renew.append(cache.invalidate)
    for prefix in ("/clusters/{cluster}", ""):
        # pages and /staticapi/v1/* endpoints that read one cluster's insight
        for mod in (triage_api, search_api, search_page, audit_api, alerts_page, etcd_page,
                    listing, objects, logs_page, events_page):
            mod.setup_routes(app, _insight, prefix=prefix)
        pages.setup_routes(app, _insight, prefix=prefix, options=app[OPTIONS])  # ui/, browse, kubeconfig
        # diff reads two clusters
        diff_api.setup_routes(app, lambda request: request.app[INSIGHTS], prefix=prefix)
        diff_page.setup_routes(app, lambda request: request.app[INSIGHTS], prefix=prefix)
    search_api.prewarm_on_ready(app, insights)
    triage_api.prewarm_on_settled(app, insights)
    for c in clusters:
        c.on_change.append(lambda cl=c: insights.invalidate(cl))
    pages.setup_login(app, lambda request: request.app[OPTIONS].token)
    pages.setup_root(app, INSIGHTS, dispatch)  # "/": a page for browsers, the API's answer otherwise
    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app
