"""``GET {prefix}/staticapi/v1/triage``: the ranked findings of one must-gather as JSON.

Why this module exists: the overview page shows the findings, CI jobs and scripts want them as
data (the same as ``staticapi triage -o json``). The body is a ``TriageReport``::

    {"kind": "TriageReport", "apiVersion": "staticapi/v1", "cluster": ..., "collectionTime": ...,
     "summary": {"critical": n, "error": n, "warning": n, "info": n}, "findings": [Finding...]}

Query ``severity=<s>`` keeps the findings at least that severe (``severity=error``: critical and
error); the summary always counts them all. Findings are computed once per store
(``ci.derive("triage", triage.compute)``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import orjson
from aiohttp import web

from ..insight import triage
from ..insight.context import ClusterInsight, Insights
from ..insight.findings import SEVERITY_RANK
from ..kube.status import bad_request
from .common import background_turn, uses_background


async def findings_of(ci: ClusterInsight) -> list:
    """The cluster's ranked findings, computed once per store (for this endpoint and the pages)."""
    return await ci.derive(triage.DERIVE_KEY, triage.compute)


def setup_routes(app: web.Application, get_insight: Callable[[web.Request], ClusterInsight],
                 prefix: str = "") -> None:
    prefix = prefix.rstrip("/")

    async def triage_handler(request: web.Request) -> web.Response:
        ci = get_insight(request)
        sev = request.query.get("severity")
        if sev is not None and sev not in SEVERITY_RANK:
            raise bad_request(f"severity must be one of {', '.join(SEVERITY_RANK)}")
        found = await findings_of(ci)
        body = triage.report(ci, found)
        if sev is not None:
            body["findings"] = [f for f in body["findings"] if SEVERITY_RANK[f["severity"]] <= SEVERITY_RANK[sev]]
        return web.Response(body=orjson.dumps(body), content_type="application/json")

    app.router.add_get(f"{prefix}/staticapi/v1/triage", triage_handler)



TRIAGE_PREWARM = web.AppKey("staticapi_triage_prewarm", list)


def prewarm_on_settled(app: web.Application, insights: Insights) -> None:
    """Compute each cluster's findings once it has settled, in a worker thread, so the first
    overview does not wait for them (seconds on a 100k-object must-gather). A live reload renews
    the cluster's insight; the next request computes them again."""
    log = logging.getLogger(__name__)

    async def one(cluster) -> None:
        await cluster.settled.wait()
        if cluster.store is None:
            return
        try:
            async with background_turn(app, cluster.store):
                await findings_of(insights.get(cluster))
        except Exception:  # an optimisation: the first request computes what is missing
            log.exception("%s: computing the findings in advance failed", cluster.name)

    uses_background(app)

    async def start(app: web.Application) -> None:
        app[TRIAGE_PREWARM] = [asyncio.create_task(one(c)) for c in insights.clusters.values()]

    async def stop(app: web.Application) -> None:
        for t in app.get(TRIAGE_PREWARM, []):
            t.cancel()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
