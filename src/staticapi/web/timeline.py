"""The interval timeline page and its data endpoint.

Why this module exists: origin's intervals chart is one HTML template that pulls
timelines-chart, d3 and Bootstrap from CDNs and bogs down on big runs; Sippy's view
needs Sippy.  This serves a self-contained page (hand-written JS + canvas in
``web/``, no CDN, works offline) over the intervals built by ``insight/intervals/``:

* ``GET {prefix}/staticapi/v1/intervals`` -> ``{"items": [...]}`` sorted by ``from``
  (query: source, level, namespace, type, from, to, display, q; bad regex -> 400).
* ``GET {prefix}/ui/intervals`` -> the page; ``{prefix}/ui/static/*`` -> its assets.

The page finds its data and the API relative to its own URL, so one copy works under
any cluster prefix.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable
from pathlib import Path

import orjson
from aiohttp import web

from ..insight.intervals import ClusterView, IntervalCache, filter_intervals, format_time
from ..kube import status
from .render import SECURITY_HEADERS

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).with_name("static")

INTERVAL_CACHE_KEY: web.AppKey[IntervalCache] = web.AppKey("staticapi_interval_cache", IntervalCache)

_CONTENT_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}

_FILTER_KEYS = ("source", "level", "namespace", "type", "from", "to", "display", "q")


def _accepts_gzip(request: web.Request) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def setup_routes(
    app: web.Application,
    get_view: Callable[[web.Request], ClusterView],
    prefix: str = "",
    cache: IntervalCache | None = None,
) -> IntervalCache:
    """Register the endpoint, the page and its assets under ``prefix``.

    One :class:`IntervalCache` is shared by every prefix of an app (kept at
    ``app[INTERVAL_CACHE_KEY]``); call its ``invalidate()`` when a cluster is reloaded.
    """
    prefix = prefix.rstrip("/")
    if cache is None:
        cache = app.get(INTERVAL_CACHE_KEY) if INTERVAL_CACHE_KEY in app else None
    if cache is None:
        cache = IntervalCache()
    if INTERVAL_CACHE_KEY not in app:
        app[INTERVAL_CACHE_KEY] = cache

    async def intervals_handler(request: web.Request) -> web.StreamResponse:
        view = get_view(request)
        entry = await cache.get(view)
        query = {k: request.query[k] for k in _FILTER_KEYS if request.query.get(k)}
        meta = {
            "cluster": getattr(view, "name", ""),
            "collectionTime": format_time(view.collection_time) if getattr(view, "collection_time", None) else None,
            "files": entry["files"],
        }
        if not query:
            memo = entry["cache"]
            if "json" not in memo:
                memo["json"] = orjson.dumps({"items": entry["items"], **meta})
            if _accepts_gzip(request):
                if "gzip" not in memo:
                    memo["gzip"] = gzip.compress(memo["json"], compresslevel=5)
                return web.Response(body=memo["gzip"], content_type="application/json",
                                    headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
            return web.Response(body=memo["json"], content_type="application/json")
        try:
            items = filter_intervals(entry["items"], query)
        except ValueError as e:
            err = status.bad_request(str(e))  # a Status body, like the rest of the server
            return web.Response(status=err.code, body=err.body(), content_type="application/json")
        resp = web.Response(body=orjson.dumps({"items": items, **meta}), content_type="application/json")
        if _accepts_gzip(request) and len(resp.body) > 65536:
            resp.enable_compression()
        return resp

    async def page_handler(request: web.Request) -> web.StreamResponse:
        get_view(request)  # 404 for unknown clusters, as the handler decides
        return web.FileResponse(WEB_DIR / "intervals.html", headers={
            **SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8"})

    async def page_redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("../intervals")  # relative: the prefix may hold route variables

    async def static_handler(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = (WEB_DIR / name).resolve()
        if WEB_DIR.resolve() not in path.parents or not path.is_file():
            raise web.HTTPNotFound()
        ctype = _CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        if ctype.startswith("text/") or ctype == "application/json":
            ctype += "; charset=utf-8"
        return web.FileResponse(path, headers={"Content-Type": ctype, "Cache-Control": "no-cache"})

    app.router.add_get(f"{prefix}/staticapi/v1/intervals", intervals_handler)
    app.router.add_get(f"{prefix}/ui/intervals", page_handler)
    app.router.add_get(f"{prefix}/ui/intervals/", page_redirect)
    app.router.add_get(f"{prefix}/ui/static/{{name:[A-Za-z0-9_.\\-]+}}", static_handler)
    return cache
