"""Audit endpoints and page: the raw events (filtered, streamed), one object's history, the failed
requests.

Why this module exists: "who changed this object and when" had no tool but grep over raw audit
files. This serves what :mod:`staticapi.insight.audit` indexes:

* ``GET {prefix}/staticapi/v1/audit`` -> the matching audit events as JSON lines
  (``application/x-ndjson``; ``text/plain`` for a browser), in time order across all files, streamed. Query: verb, user, stage
  (comma-separated), resource (``pods``, ``pods/log``, ``deployments.apps``), group, namespace,
  name, from/to (RFC3339), code (``404``, ``4xx``, ``failed``), auditID (one request's events,
  every stage), limit. Bad values -> 400 Status.
* ``GET {prefix}/staticapi/v1/audit/history?resource=&group=&namespace=&name=`` -> the object's
  audited mutations (who, when, user agent, code), oldest first.
* ``GET {prefix}/staticapi/v1/audit/failures`` -> failed requests (4xx/5xx) folded by code, verb,
  resource and user, plus a summary of the files read.
* ``GET {prefix}/ui/audit`` -> a page: files, failed requests, a query form; with
  ``?resource=&namespace=&name=`` it shows that object's history; with ``?auditID=`` (and
  optionally ``from``/``to`` to read less) that request's events (where search hits link).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from itertools import islice
from urllib.parse import urlencode

import orjson
from aiohttp import web

from ..insight import audit, audit_query
from ..insight.context import ClusterInsight
from ..kube.status import bad_request
from .common import page_context
from .render import render

BATCH = 256  # lines read per worker-thread hop
MAX_REQUEST_EVENTS = 20  # a request's stages (RequestReceived, ResponseStarted, ResponseComplete, Panic)



def json_response(body: dict) -> web.Response:
    return web.Response(body=orjson.dumps(body), content_type="application/json")


def _take(it: Iterator[bytes], n: int) -> list[bytes]:
    return list(islice(it, n))


def _object_params(q) -> tuple[str, str, str, str]:
    resource = (q.get("resource") or "").strip()
    group = q.get("group")
    if "." in resource and group is None:
        resource, _, group = resource.partition(".")
    return group or "", resource, q.get("namespace") or "", q.get("name") or ""


def setup_routes(app: web.Application, get_insight: Callable[[web.Request], ClusterInsight], prefix: str = "") -> None:
    prefix = prefix.rstrip("/")

    async def events_handler(request: web.Request) -> web.StreamResponse:
        ci = get_insight(request)
        try:
            aq = audit_query.parse_query(request.query)
        except ValueError as e:
            raise bad_request(str(e)) from None
        idx = await audit.load(ci)
        # a browser (the page's form) gets the same lines as text/plain, shown instead of downloaded
        ctype = "text/plain" if "text/html" in request.headers.get("Accept", "") else "application/x-ndjson"
        resp = web.StreamResponse(headers={"Content-Type": f"{ctype}; charset=utf-8",
                                           "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
        await resp.prepare(request)
        it = audit_query.stream(idx, aq)
        try:
            while True:
                chunk = await asyncio.to_thread(_take, it, BATCH)
                if not chunk:
                    break
                await resp.write(b"".join(chunk))
        finally:
            it.close()
        await resp.write_eof()
        return resp

    async def history_handler(request: web.Request) -> web.Response:
        ci = get_insight(request)
        group, resource, ns, name = _object_params(request.query)
        if not resource or not name:
            raise bad_request("resource and name are required (namespace for namespaced objects)")
        idx = await audit.load(ci)
        return json_response({"kind": "AuditHistory", "apiVersion": "staticapi/v1",
                              "object": {"group": group, "resource": resource, "namespace": ns, "name": name},
                              "items": audit.history_of(idx, group, resource, ns, name),
                              "omitted": audit.omitted_of(idx, group, resource, ns, name)})

    async def failures_handler(request: web.Request) -> web.Response:
        ci = get_insight(request)
        idx = await audit.load(ci)
        try:
            limit = int(request.query.get("limit") or 200)
        except ValueError:
            raise bad_request("limit: not a number") from None
        return json_response({"kind": "AuditFailureList", "apiVersion": "staticapi/v1",
                              "items": audit.failures_of(idx, limit), "summary": audit.summary_of(idx),
                              "skipped": [{"path": p, "reason": r} for p, r in idx.problems]})

    async def page_handler(request: web.Request) -> web.Response:
        ci = get_insight(request)
        idx = await audit.load(ci)
        group, resource, ns, name = _object_params(request.query)
        hist = audit.history_of(idx, group, resource, ns, name) if resource and name else None
        omitted = audit.omitted_of(idx, group, resource, ns, name) if hist else 0
        failures = audit.failures_of(idx, 200)
        for f in failures:  # the row's raw events
            q = {"code": str(f["code"]), "verb": f["verb"], "user": f["user"]}
            if not f["resource"].startswith("/"):  # no objectRef: the row is keyed by its URI
                q["resource"] = f["resource"]
            f["eventsQuery"] = urlencode(q)
        request_events = None
        if request.query.get("auditID"):  # one request (a search hit without an object): its events
            try:
                aq = audit_query.parse_query(request.query)
            except ValueError as e:
                raise bad_request(str(e)) from None
            aq.limit = MAX_REQUEST_EVENTS
            lines = await asyncio.to_thread(lambda: list(audit_query.stream(idx, aq)))
            request_events = [orjson.dumps(orjson.loads(ln), option=orjson.OPT_INDENT_2).decode() for ln in lines]
        return render("audit.html", **page_context(ci, request, "audit"), summary=audit.summary_of(idx),
                      audit_id=request.query.get("auditID", ""), request_events=request_events,
                      failures=failures, problems=idx.problems, history=hist, omitted=omitted,
                      obj={"group": group, "resource": resource, "namespace": ns, "name": name},
                      label=audit.resource_label(group, resource))

    app.router.add_get(f"{prefix}/staticapi/v1/audit", events_handler)
    app.router.add_get(f"{prefix}/staticapi/v1/audit/history", history_handler)
    app.router.add_get(f"{prefix}/staticapi/v1/audit/failures", failures_handler)
    app.router.add_get(f"{prefix}/ui/audit", page_handler)
