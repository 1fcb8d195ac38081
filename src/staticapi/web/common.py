"""What every page handler shares: the URL shapes, the page context, ages, and HTML errors.

Why this module exists: the pages link to each other (overview -> object -> logs -> timeline)
and other engineers' pages link in with the same URL shapes, so they are built in one place:

* object page  ``{base}ui/objects/{group or 'core'}/{resource}/{namespace or '_'}/{name}``
* list page    ``{base}ui/list/{group or 'core'}/{resource}?namespace=&labelSelector=&fieldSelector=&sort=&page=``
* logs page    ``{base}ui/logs/{namespace}/{pod}/{container}?previous=1&file=&tail=N&timestamps=1#L{line}``
* events       ``{base}ui/events?namespace=&type=&reason=&object=``
* timeline     ``{base}ui/intervals#from=&to=&q=`` (the hash parameters ``intervals.js`` reads)

``base`` is the URL prefix ending in ``/``: ``/`` or ``/clusters/<name>/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import traceback
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from ..insight.context import ClusterInsight
from ..kube.duration import human_duration_ns, parse_time, since_ns
from ..kube.status import StatusError
from ..serve.activity import ACTIVITY, background_work, run_blocking
from ..serve.cluster import release_memory
from .render import render

log = logging.getLogger("staticapi.web")

GetInsight = Callable[[web.Request], ClusterInsight]


def seg(s: str) -> str:
    """One path segment, percent-encoded (names may hold anything a must-gather holds)."""
    return quote(s, safe="")


def base_of(request: web.Request) -> str:
    name = request.match_info.get("cluster")
    return f"/clusters/{seg(name)}/" if name else "/"


def object_url(base: str, group: str, resource: str, namespace: str | None, name: str) -> str:
    return f"{base}ui/objects/{seg(group or 'core')}/{seg(resource)}/{seg(namespace or '_')}/{seg(name)}"


def list_url(base: str, group: str, resource: str, **query: Any) -> str:
    q = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{base}ui/list/{seg(group or 'core')}/{seg(resource)}" + (f"?{urlencode(q)}" if q else "")


def logs_url(base: str, namespace: str, pod: str, container: str, **query: Any) -> str:
    q = {k: v for k, v in query.items() if v not in (None, "", False)}
    return f"{base}ui/logs/{seg(namespace)}/{seg(pod)}/{seg(container)}" + (f"?{urlencode(q)}" if q else "")


def events_url(base: str, **query: Any) -> str:
    q = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{base}ui/events" + (f"?{urlencode(q)}" if q else "")


_REGEX_SPECIAL = set("\\^$.*+?()[]{}|/")


def regex_literal(s: str) -> str:
    """``s`` as a JavaScript RegExp matching it literally (the timeline's highlight is a regex)."""
    return "".join("\\" + ch if ch in _REGEX_SPECIAL else ch for ch in s)


def timeline_url(base: str, around: str | datetime | None = None, q: str = "",
                 before: timedelta = timedelta(minutes=30), after: timedelta = timedelta(minutes=30)) -> str:
    """The timeline page over a window around a time, highlighting ``q`` (a literal string; the
    page's highlight box takes a regex, so it is escaped)."""
    p: dict[str, str] = {}
    t = parse_time(around) if isinstance(around, str) else around
    if t is not None:
        p["from"] = (t - before).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        p["to"] = (t + after).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if q:
        p["q"] = regex_literal(q)
    return f"{base}ui/intervals" + (f"#{urlencode(p, quote_via=quote)}" if p else "")


def age(ts: str | None, now: datetime) -> str:
    """kubectl's age of an RFC3339 time ('' when absent)."""
    t = parse_time(ts) if ts else None
    if t is None:
        return ""
    return human_duration_ns(since_ns(t, now))


def page_context(ci: ClusterInsight, request: web.Request, title: str) -> dict[str, Any]:
    ct = ci.store.collection_time
    return {
        "base": base_of(request),
        "cluster_name": ci.name,
        "collection_time": ct.strftime("%Y-%m-%d %H:%M:%S UTC") if ct else "",
        "page_title": title,
    }


def error_page(request: web.Request, code: int, message: str) -> web.Response:
    return render("error.html", status=code, base=base_of(request), cluster_name="staticapi",
                  collection_time="", page_title=f"{code}", code=code, message=message)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def html_errors(handler: Handler) -> Handler:
    """A page handler whose Kubernetes Status errors (404, 503 while indexing, 400) become an
    HTML page instead of a JSON body (the API keeps its Status bodies)."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except StatusError as e:
            resp = error_page(request, e.code, e.message)
            if e.code == 503:
                resp.headers["Refresh"] = "3"
            return resp
        except web.HTTPException:
            raise
        except Exception:  # a page never shows a traceback, and is HTML with its CSP even then
            log.error("internal error on %s\n%s", request.path_qs, traceback.format_exc())
            return error_page(request, 500, "an internal error occurred")

    return wrapped


BACKGROUND = web.AppKey("staticapi_background_turn", asyncio.Lock)


def uses_background(app: web.Application) -> None:
    """Give the app its background turn (see :func:`background_turn`); call it where a prewarm is set
    up (the lock binds to the app's loop on first use)."""
    if BACKGROUND not in app:
        app[BACKGROUND] = asyncio.Lock()


def _repack(store) -> None:
    if store.repack_background():
        release_memory()


@contextlib.asynccontextmanager
async def background_turn(app: web.Application, store=None):
    """The work a settled server starts on its own (the findings, the search prewarm) runs one job at
    a time, each after a moment without requests (serve/activity.py): all at once they took 2.5-4.6 s
    of CPU from the first `kubectl get pods -A` after a cold start (issue 20 "ready means ready"). What
    the job runs off the loop (``run_blocking``, ``ClusterInsight.derive``) runs at idle priority
    (serve.activity.background_work)."""
    async with app[BACKGROUND]:
        await ACTIVITY.quiet()
        with background_work():
            try:
                yield
            finally:
                if store is not None:  # the kinds only this job built go back to their packed form
                    await run_blocking(_repack, store)
