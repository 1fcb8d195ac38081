"""``GET {prefix}/staticapi/v1/search`` and ``GET {prefix}/staticapi/v1/signatures``.

Why this module exists: the search page, scripts and ``curl`` need search results as they are
found, not after the whole archive was scanned. Hits stream as chunked JSON lines
(``application/x-ndjson``): one ``{"type": "hit", ...}`` per matching line (at most ``limit``),
then one ``{"type": "summary", ...}`` with the hits per source and the time histogram
(``insight/search.py``). Links in hits are made absolute to the cluster's prefix here.

Query: ``q`` (RE2 regex, required), ``in=logs,nodes,events,gathered,audit,objects`` (default all but audit and objects),
``namespace``, ``pod``, ``container``, ``kind`` (exact or glob), ``from``/``to`` (RFC3339),
``ignoreCase``, ``limit`` (default 1000), ``context`` (lines around each hit, at most 20).
A bad query answers 400 with a ``Status``; a client that disconnects stops the scan.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable

import orjson
from aiohttp import web

from ..insight import signatures as sigmod
from ..insight.context import ClusterInsight, Insights
from ..insight.corpus import DEFAULT_SOURCES, build_corpus
from ..insight.search import QueryError, query_from_params
from ..insight.search_cache import cached_search
from ..serve.activity import run_blocking
from .common import background_turn, base_of, uses_background

log = logging.getLogger(__name__)

BATCH = 200  # hits taken from the scanning thread per hop


def _status(code: int, reason: str, message: str) -> web.Response:
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    return web.Response(status=code, body=orjson.dumps(body), content_type="application/json")



def setup_routes(app: web.Application, get_insight: Callable[[web.Request], ClusterInsight],
                 prefix: str = "") -> None:
    prefix = prefix.rstrip("/")

    async def search_handler(request: web.Request) -> web.StreamResponse:
        ci = get_insight(request)
        try:
            q = query_from_params(request.query)
        except QueryError as e:
            return _status(400, "BadRequest", str(e))
        corpus = await ci.derive("search-corpus", build_corpus)
        base = base_of(request)
        stop = threading.Event()
        it = cached_search(corpus, q, stop)

        def batch() -> list[dict]:
            out = []
            for h in it:
                out.append(h)
                if len(out) >= BATCH or h["type"] == "summary":
                    break
            return out

        resp = web.StreamResponse(headers={"Content-Type": "application/x-ndjson; charset=utf-8",
                                           "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        try:
            while True:
                hits = await asyncio.to_thread(batch)
                if not hits:
                    break
                buf = bytearray()
                for h in hits:
                    if h.get("link"):  # records may be cached and shared: never mutated
                        h = {**h, "link": base + h["link"]}
                    buf += orjson.dumps(h)
                    buf += b"\n"
                await resp.write(bytes(buf))
                if hits[-1]["type"] == "summary":
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            stop.set()  # the scan ends at its next hit or segment
            log.info("search %r: the client went away; scan stopped", q.pattern[:80])
            raise
        finally:
            stop.set()
            await asyncio.to_thread(it.close)
        await resp.write_eof()
        return resp

    async def signatures_handler(request: web.Request) -> web.StreamResponse:
        ci = get_insight(request)
        sigs = await ci.derive("signatures", sigmod.compute)
        try:
            limit = max(0, min(int(request.query.get("limit") or 200), 100_000))
        except ValueError:
            return _status(400, "BadRequest", "limit: not an integer")
        ns = request.query.get("namespace")
        items = [s for s in sigs if not ns or s.namespace == ns]
        base = base_of(request)
        out = []
        for s in items[:limit]:
            d = s.to_dict()
            if d.get("link"):
                d["link"] = base + d["link"]
            out.append(d)
        return web.Response(body=orjson.dumps({"kind": "SignatureList", "apiVersion": "staticapi/v1",
                                               "total": len(items), "items": out}),
                            content_type="application/json")

    app.router.add_get(f"{prefix}/staticapi/v1/search", search_handler)
    app.router.add_get(f"{prefix}/staticapi/v1/signatures", signatures_handler)


PREWARM_TASKS: web.AppKey[list] = web.AppKey("staticapi_search_prewarm", list)


def prewarm_on_ready(app: web.Application, insights: Insights) -> None:
    """Once each cluster has settled, plan its search corpus and build what
    ``STATICAPI_SEARCH_PREWARM`` names in a worker thread: ``events`` (default: the events as
    text, a few MB, so no query pays for decoding them), ``all`` (also read every log into memory,
    within ``STATICAPI_SEARCH_CACHE_MB``) or ``off``."""
    mode = os.environ.get("STATICAPI_SEARCH_PREWARM", "events").strip().lower()
    if mode in ("off", "0", "no", "false", ""):
        return
    sources = DEFAULT_SOURCES if mode == "all" else ("events",)

    async def one(cluster) -> None:
        await cluster.ready.wait()
        await cluster.settled.wait()
        if cluster.store is None:
            return
        try:
            async with background_turn(app, cluster.store):
                ci = insights.get(cluster)
                corpus = await ci.derive("search-corpus", build_corpus)
                await run_blocking(corpus.prewarm, sources)
        except Exception:  # a prewarm is an optimisation: the first query builds what is missing
            log.exception("%s: search prewarm failed", cluster.name)

    uses_background(app)

    async def start(app: web.Application) -> None:
        app[PREWARM_TASKS] = [asyncio.create_task(one(c)) for c in insights.clusters.values()]

    async def stop(app: web.Application) -> None:
        for t in app.get(PREWARM_TASKS, []):
            t.cancel()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
