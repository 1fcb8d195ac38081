"""The overview (what is broken), the clusters table at ``/``, the browse page, the kubeconfig
download and the login form.

Why this module exists: a person who opens the server's URL must see what is wrong in the
must-gather within one screen, each finding one click from its evidence (object page, its logs,
the timeline window around it). The findings come from ``insight.triage`` (computed once per
store); this module only shows them.
"""

from __future__ import annotations

import hmac
from collections import Counter
from typing import Any

import yaml
from aiohttp import web

from ..insight import triage
from ..insight.context import ClusterInsight, Insights
from ..insight.findings import SEVERITIES, Finding
from ..serve import kubeconfig as kubeconfigmod
from . import objects
from .common import (
    GetInsight,
    age,
    base_of,
    events_url,
    html_errors,
    list_url,
    logs_url,
    object_url,
    page_context,
    seg,
    timeline_url,
)
from .render import render

COOKIE = "staticapi_token"

# the kinds the overview counts and links to, (label, group, resource)
_OVERVIEW_KINDS = (("nodes", "", "nodes"), ("namespaces", "", "namespaces"), ("pods", "", "pods"))


def wants_html(request: web.Request) -> bool:
    """A browser navigation (Accept names text/html); API clients keep their JSON answers."""
    return "text/html" in request.headers.get("Accept", "")


async def findings_of(ci: ClusterInsight) -> list[Finding]:
    """The ranked findings, computed once per store (shared with /staticapi/v1/triage)."""
    return await ci.derive(triage.DERIVE_KEY, triage.compute)


# ------------------------------------------------------------------ cluster facts


def _first(ci: ClusterInsight, group: str, resource: str, name: str) -> dict:
    for o in ci.objects(group, resource):
        if (o.get("metadata") or {}).get("name") == name:
            return o
    return {}


def summary(ci: ClusterInsight) -> dict[str, Any]:
    """Version, platform and counts of one cluster (computed once per store)."""
    store = ci.store
    cv = _first(ci, "config.openshift.io", "clusterversions", "version")
    cvs = cv.get("status") or {}
    history = cvs.get("history") or []
    ocp = (cvs.get("desired") or {}).get("version") or (history[0].get("version") if history else "")
    infra = _first(ci, "config.openshift.io", "infrastructures", "cluster")
    ist = infra.get("status") or {}
    platform = (ist.get("platformStatus") or {}).get("type") or ist.get("platform") or ""
    nodes = ready = 0
    for n in ci.objects("", "nodes"):
        nodes += 1
        for c in (n.get("status") or {}).get("conditions") or []:
            if c.get("type") == "Ready" and c.get("status") == "True":
                ready += 1
    t = store.tables.get(("", "namespaces"))
    namespaces = len(t) if t is not None else 0
    t = store.tables.get(("", "pods"))
    pods = len(t) if t is not None else 0
    return {
        "openshift": ocp,
        "kubernetes": store.version_info.get("gitVersion", ""),
        "platform": platform,
        "channel": (cv.get("spec") or {}).get("channel", ""),
        "nodes": nodes, "nodes_ready": ready, "namespaces": namespaces, "pods": pods,
        "objects": store.count(),
        "skipped": len(store.problems) + len(ci.cluster.extra_problems),
        "history": [{"version": h.get("version", ""), "state": h.get("state", ""),
                     "started": h.get("startedTime", ""), "completed": h.get("completionTime") or ""}
                    for h in history[:5]],
    }


def finding_view(f: Finding, ci: ClusterInsight, base: str) -> dict[str, Any]:
    """A finding with the links the overview shows (object page, logs, events, timeline)."""
    o = f.object
    links: list[tuple[str, str]] = []
    if f.rule.startswith("alert-"):
        links.append(("alerts", f"{base}ui/alerts"))
    elif f.rule.startswith("etcd-"):
        links.append(("etcd", f"{base}ui/etcd"))
    if o is not None and o.name:
        r = ci.store.registry.resources.get((o.group, o.resource)) if o.resource else \
            ci.store.registry.for_kind(o.group, o.kind)
        if r is not None and ci.store.get(r, o.namespace if r.namespaced else "", o.name) is not None:
            links.append(("object", object_url(base, r.group, r.plural, o.namespace if r.namespaced else "",
                                               o.name)))
        if o.kind == "Pod" and o.group == "" and f.container:
            links.append(("logs", logs_url(base, o.namespace, o.name, f.container)))
            idx = ci.log_index
            if idx is not None and idx.files(o.namespace, o.name, f.container, True):
                links.append(("previous logs", logs_url(base, o.namespace, o.name, f.container, previous=1)))
        links.append(("events", events_url(base, namespace=o.namespace, object=o.name)))
        links.append(("timeline", timeline_url(base, f.since or ci.collection_time, q=o.name)))
    else:
        if f.rule.startswith("event"):
            links.append(("warning events", events_url(base, type="Warning")))
        if f.rule == "files-unreadable":
            links.append(("skipped files", f"{base}staticapi/v1/skipped"))
        if f.since:
            links.append(("timeline", timeline_url(base, f.since)))
    return {"f": f, "links": links, "since_age": age(f.since, ci.store.now) if f.since else ""}


def _severity_counts(findings: list[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {s: c.get(s, 0) for s in SEVERITIES}


# ------------------------------------------------------------------ handlers


def setup_routes(app: web.Application, get_insight: GetInsight, prefix: str = "", options: Any = None) -> None:
    """``ui/``, ``ui/browse``, ``ui/kubeconfig`` under ``prefix``; ``options`` is the server's
    options (``.token``, ``.extra["ca_pem"]``) for the kubeconfig."""

    @html_errors
    async def overview(request: web.Request) -> web.Response:
        ci = get_insight(request)
        base = base_of(request)
        facts = await ci.derive("pages.summary", summary)
        findings = await findings_of(ci)
        objects.warm(ci)  # the next click is most likely an object page
        return render("overview.html", **page_context(ci, request, "overview"), s=facts,
                      counts=_severity_counts(findings), findings=[finding_view(f, ci, base) for f in findings],
                      kinds=[(label, list_url(base, g, r)) for label, g, r in _OVERVIEW_KINDS])

    @html_errors
    async def browse(request: web.Request) -> web.Response:
        ci = get_insight(request)
        base = base_of(request)
        ns = request.query.get("namespace", "")
        counts = await ci.derive("pages.counts", kind_counts)
        kinds = []
        for (group, plural), (kind, namespaced, total, per_ns) in sorted(
                counts["kinds"].items(), key=lambda kv: (kv[1][0].lower(), kv[0][0])):
            n = per_ns.get(ns, 0) if ns else total
            if n == 0 or (ns and not namespaced):
                continue
            kinds.append({"kind": kind, "group": group, "resource": plural, "count": n,
                          "namespaced": namespaced, "url": list_url(base, group, plural, namespace=ns)})
        namespaces = [{"name": name, "count": n, "url": f"{base}ui/browse?namespace={seg(name)}",
                       "object": object_url(base, "", "namespaces", None, name)}
                      for name, n in sorted(counts["namespaces"].items())]
        return render("browse.html", **page_context(ci, request, f"browse {ns}".strip()), namespace=ns,
                      kinds=kinds, namespaces=namespaces, events=events_url(base, namespace=ns),
                      ns_object=object_url(base, "", "namespaces", None, ns) if ns else "")

    @html_errors
    async def kubeconfig(request: web.Request) -> web.Response:
        """A kubeconfig for this cluster on this server (as `staticapi serve` writes one): the
        URL the browser used, the real token when the server has one (the user logged in with
        it), the server's CA when it serves its own TLS certificate."""
        ci = get_insight(request)
        extra = getattr(options, "extra", None) or {}
        url = f"{request.scheme}://{request.host}/clusters/{seg(ci.name)}"
        doc = kubeconfigmod.build([(ci.name, url)], token=getattr(options, "token", None) or "staticapi-read-only",
                                  ca_pem=extra.get("ca_pem"))
        return web.Response(text=yaml.safe_dump(doc, sort_keys=False), content_type="application/yaml", headers={
            "Content-Disposition": f'attachment; filename="staticapi-{seg(ci.name)}.kubeconfig"',
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    app.router.add_get(f"{prefix}/ui/", overview)
    app.router.add_get(f"{prefix}/ui", overview)
    app.router.add_get(f"{prefix}/ui/browse", browse)
    app.router.add_get(f"{prefix}/ui/kubeconfig", kubeconfig)


def kind_counts(ci: ClusterInsight) -> dict[str, Any]:
    """Objects per kind (total and per namespace) and per namespace, once per store."""
    kinds: dict[tuple[str, str], tuple[str, bool, int, Counter]] = {}
    per_ns: Counter = Counter()
    for key, t in ci.store.tables.items():
        if not len(t):
            continue
        r = t.resource
        c: Counter = Counter()
        if r.namespaced:
            for e in t.sorted():
                c[e.namespace] += 1
        kinds[key] = (r.kind, r.namespaced, len(t), c)
        if key != ("events.k8s.io", "events"):  # the same Events as core/v1 (store.count)
            per_ns.update(c)
    for e in (ci.store.tables.get(("", "namespaces")).sorted() if ("", "namespaces") in ci.store.tables else []):
        per_ns.setdefault(e.name, 0)
    return {"kinds": kinds, "namespaces": dict(per_ns)}


# ------------------------------------------------------------------ "/" and login


def setup_root(app: web.Application, insights_key: web.AppKey, api_fallback) -> None:
    """``/`` and ``/clusters/<name>/``: a page for browsers, the API's answer for everyone else
    (``api_fallback`` is the server's catch-all, so API clients get byte-identical bodies)."""

    async def root(request: web.Request) -> web.StreamResponse:
        if request.method != "GET" or not wants_html(request):
            return await api_fallback(request)
        insights: Insights = request.app[insights_key]
        clusters = insights.clusters
        if request.match_info.get("cluster"):
            if request.match_info["cluster"] not in clusters:
                return await api_fallback(request)
            raise web.HTTPFound(f"/clusters/{seg(request.match_info['cluster'])}/ui/")
        if len(clusters) == 1:
            raise web.HTTPFound("/ui/")
        rows = []
        for c in clusters.values():
            row: dict[str, Any] = {"name": c.name, "source": c.source, "url": f"/clusters/{seg(c.name)}/ui/",
                                   "ready": c.ready.is_set() and c.store is not None, "error": c.error}
            if row["ready"]:
                ci = insights.get(c)
                row["s"] = await ci.derive("pages.summary", summary)
                row["counts"] = _severity_counts(await findings_of(ci))
                ct = ci.store.collection_time
                row["collection_time"] = ct.strftime("%Y-%m-%d %H:%M:%S UTC") if ct else ""
            rows.append(row)
        return render("clusters.html", base="/", cluster_name="staticapi", collection_time="",
                      page_title="must-gathers", rows=rows, severities=SEVERITIES)

    app.router.add_route("*", "/", root)
    app.router.add_route("*", "/clusters/{cluster}/", root)
    app.router.add_route("*", "/clusters/{cluster}", root)


def token_ok(request: web.Request, token: str) -> bool:
    """Bearer everywhere; the login cookie for pages and ``/staticapi/`` endpoints only."""
    got = request.headers.get("Authorization", "")
    if hmac.compare_digest(got.encode(), f"Bearer {token}".encode()):
        return True
    if not is_page_path(request.path):
        return False
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), token.encode())


def is_public(path: str) -> bool:
    """Paths served without the token: the login form and our own CSS/JS (no must-gather data)."""
    return path == "/ui/login" or path.startswith("/ui/static/")


def is_page_path(path: str) -> bool:
    if path.startswith("/clusters/"):
        rest = path[len("/clusters/"):]
        path = "/" + rest.partition("/")[2]
    return path == "/" or path.startswith(("/ui/", "/staticapi/")) or path == "/ui"


def _safe_next(n: str | None) -> str:
    # only a path on this server (no scheme, no //host, no backslash tricks)
    if not n or not n.startswith("/") or n.startswith("//") or "\\" in n or any(ord(ch) < 32 for ch in n):
        return "/"
    return n


def login_page(request: web.Request, status: int = 401, failed: bool = False) -> web.Response:
    return render("login.html", status=status, base="/", cluster_name="staticapi", collection_time="",
                  page_title="log in", next=_safe_next(request.path_qs if request.method == "GET" else
                                                       request.query.get("next")), failed=failed)


def setup_login(app: web.Application, token_of) -> None:
    """``/ui/login``: a form posting the token; the answer sets an HttpOnly, SameSite=Strict cookie
    (the token never appears in a URL)."""

    async def login_form(request: web.Request) -> web.Response:
        return login_page(request, status=200)

    async def login_post(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        token = token_of(request)
        nxt = _safe_next(str(form.get("next") or "/"))
        given = str(form.get("token") or "")
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            resp = render("login.html", status=401, base="/", cluster_name="staticapi", collection_time="",
                          page_title="log in", next=nxt, failed=True)
            return resp
        resp = web.Response(status=303, headers={"Location": nxt})  # See Other: the form's GET target
        resp.set_cookie(COOKIE, token, path="/", httponly=True, samesite="Strict",
                        secure=request.scheme == "https")
        return resp

    app.router.add_get("/ui/login", login_form)
    app.router.add_post("/ui/login", login_post)
