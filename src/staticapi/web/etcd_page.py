"""The etcd page and endpoint: members, endpoint health and status, alarms, findings.

* ``GET {prefix}/ui/etcd`` -> the tables of ``etcd_info/*.json`` plus the findings and notes
  (``unixs://`` endpoints explained, not alarmed on).
* ``GET {prefix}/staticapi/v1/etcd`` -> the same as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from aiohttp import web

from ..insight import etcd
from ..insight.context import ClusterInsight
from .audit_api import json_response
from .common import page_context
from .render import render


def setup_routes(app: web.Application, get_insight: Callable[[web.Request], ClusterInsight], prefix: str = "") -> None:
    prefix = prefix.rstrip("/")

    async def api_handler(request: web.Request) -> web.Response:
        ci = get_insight(request)
        ed = await etcd.load(ci)
        quota = etcd.quota_bytes(ci)
        return json_response({"kind": "EtcdInfo", "apiVersion": "staticapi/v1", "present": ed.present,
                              "clusterID": ed.cluster_id, "members": [asdict(m) for m in ed.members],
                              "endpoints": [asdict(e) for e in ed.endpoints], "alarms": ed.alarms, "notes": ed.notes,
                              "quotaBytes": quota,
                              "findings": [f.to_dict() for f in etcd.findings_of(ed, quota)], "files": ed.files,
                              "skipped": [{"path": p, "reason": r} for p, r in ed.problems]})

    async def page_handler(request: web.Request) -> web.Response:
        ci = get_insight(request)
        ed = await etcd.load(ci)
        quota = etcd.quota_bytes(ci)
        return render("etcd.html", **page_context(ci, request, "etcd"), ed=ed, findings=etcd.findings_of(ed, quota),
                      gib=etcd.gib, quota=quota, default_quota=quota == etcd.QUOTA_BYTES)

    app.router.add_get(f"{prefix}/staticapi/v1/etcd", api_handler)
    app.router.add_get(f"{prefix}/ui/etcd", page_handler)
