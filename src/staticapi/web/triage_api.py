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

from collections.abc import Callable

import orjson
from aiohttp import web

from ..insight import triage
from ..insight.context import ClusterInsight
from ..insight.findings import SEVERITY_RANK
from ..kube.status import bad_request


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

