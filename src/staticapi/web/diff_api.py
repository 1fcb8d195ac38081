"""``GET {prefix}/staticapi/v1/diff?base=<cluster>&head=<cluster>``: two served must-gathers compared.

Why this module exists: when several must-gathers are served (``staticapi serve BASE HEAD``), the
comparison of ``staticapi diff`` is wanted without leaving the browser, and as data for scripts.
The body is the report of :func:`staticapi.insight.diff.compare` with ``kind: DiffReport``.

Query: ``base``, ``head`` (cluster names; by default the first served cluster is BASE and the
request's cluster, or else the second one, is HEAD), ``namespace``, ``kind``, ``noise=1``. An
unknown cluster is a 404 Status, one still indexing a 503, one cluster only a 400. An unfiltered
report is computed once per pair of stores (memo of BASE's ClusterInsight, so a reload of BASE
forgets it; HEAD's store identity is part of the key); filtered ones are computed per request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from aiohttp import web

from ..insight.context import ClusterInsight, Insights
from ..insight.diff import compare
from ..kube.status import bad_request


@dataclass
class DiffQuery:
    base: str
    head: str
    namespace: str | None
    kind: str | None
    noise: bool


def parse_query(request: web.Request, insights: Insights) -> DiffQuery:
    names = list(insights.clusters)
    if len(names) < 2:
        raise bad_request("diff needs two must-gathers: serve both (staticapi serve BASE HEAD) "
                          "or run staticapi diff BASE HEAD")
    here = request.match_info.get("cluster")
    base = request.query.get("base") or names[0]
    head = request.query.get("head") or (here if here and here != base else next(n for n in names if n != base))
    noise = request.query.get("noise", "").lower() in ("1", "true", "yes", "on")
    return DiffQuery(base, head, request.query.get("namespace") or None, request.query.get("kind") or None, noise)


async def report_for(insights: Insights, q: DiffQuery) -> tuple[dict, ClusterInsight, ClusterInsight]:
    """The diff report of a query (computed in a worker thread, once per pair of stores)."""
    b = insights.get(insights.cluster(q.base))
    h = insights.get(insights.cluster(q.head))
    def build(ci: ClusterInsight) -> dict:
        return compare(ci, h, namespace=q.namespace, kind=q.kind, show_noise=q.noise)

    if q.namespace or q.kind:  # filtered: not memoised (any number of filters must not fill the memory)
        return await asyncio.to_thread(build, b), b, h
    key = f"diff\0{q.head}\0{id(h.store)}\0{h.store.generation}\0{int(q.noise)}"
    return await b.derive(key, build), b, h


def setup_routes(app: web.Application, get_insights: Callable[[web.Request], Insights], prefix: str = "") -> None:
    prefix = prefix.rstrip("/")

    async def diff_handler(request: web.Request) -> web.Response:
        insights = get_insights(request)
        if request.match_info.get("cluster"):
            insights.cluster(request.match_info["cluster"])  # 404 for an unknown prefix cluster
        rep, _, _ = await report_for(insights, parse_query(request, insights))
        body = {"kind": "DiffReport", "apiVersion": "staticapi/v1", **rep}
        resp = web.Response(body=orjson.dumps(body), content_type="application/json")
        if len(resp.body) > 65536 and "gzip" in request.headers.get("Accept-Encoding", ""):
            resp.enable_compression()
        return resp

    app.router.add_get(f"{prefix}/staticapi/v1/diff", diff_handler)
