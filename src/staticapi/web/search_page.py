"""The search page: ``GET {prefix}/ui/search``.

Why this module exists: "has this error been seen, and when did it start?" is one query box over
every log, node log and event of the archive, with a chart of the hits over the must-gather's time
span above the results. The page is a template (``templates/search.html``, extending the shared
header) plus our own ``static/search.js`` and ``static/search.css``: the script reads the query from
the URL, streams ``staticapi/v1/search`` (JSON lines) and draws the chart and the results grouped by
source; with no query it offers the error signatures (``staticapi/v1/signatures``) as starting
points. Everything from the archive reaches the DOM as text nodes, never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..insight.context import ClusterInsight
from ..insight.corpus import DEFAULT_SOURCES, SOURCES
from .common import page_context
from .render import render


def setup_routes(app: web.Application, get_insight: Callable[[web.Request], ClusterInsight],
                 prefix: str = "") -> None:
    prefix = prefix.rstrip("/")

    async def page(request: web.Request) -> web.StreamResponse:
        ci = get_insight(request)
        return render("search.html", **page_context(ci, request, "search"), sources=SOURCES, default_sources=DEFAULT_SOURCES,
                      opt_in=[s for s in SOURCES if s not in DEFAULT_SOURCES], q=request.query.get("q", ""))

    app.router.add_get(f"{prefix}/ui/search", page)
