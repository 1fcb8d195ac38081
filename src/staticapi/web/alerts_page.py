"""The alerts page and endpoint: Prometheus rules and their alerts as the must-gather saw them.

* ``GET {prefix}/ui/alerts`` -> active alerts (firing, pending) first, then every alerting rule by
  group with its state, query and annotations; skipped files (error answers) are listed.
  ``?state=firing|pending|inactive`` narrows the rules.
* ``GET {prefix}/staticapi/v1/alerts`` -> ``{"alerts": [...], "rules": [...], "files", "skipped"}``.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..insight import alerts
from ..insight.context import ClusterInsight
from .audit_api import json_response
from .common import page_context
from .render import render

STATES = ("firing", "pending", "inactive")


def setup_routes(app: web.Application, get_insight: Callable[[web.Request], ClusterInsight], prefix: str = "") -> None:
    prefix = prefix.rstrip("/")

    async def api_handler(request: web.Request) -> web.Response:
        ad = await alerts.load(get_insight(request))
        return json_response({"kind": "AlertList", "apiVersion": "staticapi/v1",
                              "alerts": [a.to_dict() for a in ad.alerts], "rules": [r.to_dict() for r in ad.rules],
                              "files": ad.files, "skipped": [{"path": p, "reason": r} for p, r in ad.problems]})

    async def page_handler(request: web.Request) -> web.Response:
        ci = get_insight(request)
        ad = await alerts.load(ci)
        state = request.query.get("state") or ""
        rules = [r for r in ad.rules if r.type == "alerting" and (not state or r.state == state)]
        groups: dict[str, list] = {}
        for r in rules:
            groups.setdefault(r.group, []).append(r)
        active = sorted(ad.alerts, key=lambda a: (a.state != "firing", alerts.FIRING_SEVERITY.get(a.severity, "z")
                                                   if a.name not in alerts.QUIET_ALERTS else "zz", a.name))
        return render("alerts.html", **page_context(ci, request, "alerts"), active=active, groups=groups,
                      counts=alerts.rule_counts(ad), state=state, states=STATES, files=ad.files, problems=ad.problems,
                      quiet=alerts.QUIET_ALERTS, sev_class=_sev_class)

    app.router.add_get(f"{prefix}/staticapi/v1/alerts", api_handler)
    app.router.add_get(f"{prefix}/ui/alerts", page_handler)


def _sev_class(a: alerts.Alert) -> str:
    """The CSS class of an alert's severity badge (a quiet alert is shown as info)."""
    if a.name in alerts.QUIET_ALERTS:
        return "info"
    return {"critical": "critical", "warning": "warning", "error": "error"}.get(a.severity, "info")
