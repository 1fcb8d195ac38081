"""The events page (filter by type, reason, namespace, object; sorted by last seen; counts) and
the per-object event index the object page reads.

Why this module exists: ``kubectl get events`` is the first thing a triage engineer runs, and
events archived as core/v1 or events.k8s.io/v1 must read the same. The store serves every Event
under both groups (``kube/events.py``); the core form is read here, once per store.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..insight.context import ClusterInsight
from ..kube.duration import parse_time
from .common import GetInsight, age, base_of, events_url, html_errors, object_url, page_context
from .render import render

PAGE_SIZE = 500


@dataclass(frozen=True)
class Ev:
    namespace: str
    name: str
    type: str
    reason: str
    message: str
    count: int
    first: str
    last: str  # last seen (lastTimestamp, series.lastObservedTime, eventTime or creation)
    kind: str
    obj_name: str
    obj_namespace: str
    obj_uid: str
    obj_api_version: str
    source: str


def _last_seen(e: dict) -> str:
    # kubectl's printer (printers.go printEvent) shows lastTimestamp, falling back to
    # series.lastObservedTime, then eventTime, then creationTimestamp
    series = e.get("series") or {}
    return (e.get("lastTimestamp") or series.get("lastObservedTime") or e.get("eventTime")
            or (e.get("metadata") or {}).get("creationTimestamp") or "")


def _ev(e: dict) -> Ev:
    m = e.get("metadata") or {}
    io = e.get("involvedObject") or {}
    src = e.get("source") or {}
    series = e.get("series") or {}
    count = e.get("count") or series.get("count") or 1
    return Ev(
        namespace=m.get("namespace") or "", name=m.get("name") or "",
        type=str(e.get("type") or ""), reason=str(e.get("reason") or ""), message=str(e.get("message") or ""),
        count=count if isinstance(count, int) else 1,
        first=str(e.get("firstTimestamp") or e.get("eventTime") or m.get("creationTimestamp") or ""),
        last=str(_last_seen(e)),
        kind=str(io.get("kind") or ""), obj_name=str(io.get("name") or ""),
        obj_namespace=str(io.get("namespace") or ""), obj_uid=str(io.get("uid") or ""),
        obj_api_version=str(io.get("apiVersion") or ""),
        source=str(src.get("component") or e.get("reportingComponent") or ""),
    )


def _ts(s: str) -> float:
    t = parse_time(s) if s else None
    return t.timestamp() if t else 0.0


class EventIndex:
    """Every Event of a store, newest last seen first, and by the object it is about."""

    def __init__(self, ci: ClusterInsight):
        evs = [_ev(e) for e in ci.objects("", "events")]
        evs.sort(key=lambda e: (-_ts(e.last), e.namespace, e.name))
        self.events = evs
        self.by_uid: dict[str, list[Ev]] = {}
        self.by_ref: dict[tuple[str, str, str], list[Ev]] = {}
        for e in evs:
            if e.obj_uid:
                self.by_uid.setdefault(e.obj_uid, []).append(e)
            self.by_ref.setdefault((e.kind, e.obj_namespace, e.obj_name), []).append(e)

    def for_object(self, kind: str, namespace: str, name: str, uid: str) -> list[Ev]:
        """The object's events: by uid, plus same kind/namespace/name events without a uid (a
        recreated object with the same name has another uid and is not this one)."""
        out = list(self.by_uid.get(uid, ())) if uid else []
        seen = {id(e) for e in out}
        for e in self.by_ref.get((kind, namespace, name), ()):
            if id(e) not in seen and (not e.obj_uid or not uid):
                out.append(e)
        out.sort(key=lambda e: -_ts(e.last))
        return out


async def event_index(ci: ClusterInsight) -> EventIndex:
    return await ci.derive("pages.events", EventIndex)


def event_view(e: Ev, ci: ClusterInsight, base: str) -> dict[str, Any]:
    now = ci.store.now
    r = None
    if e.kind:
        group = e.obj_api_version.rpartition("/")[0] if "/" in e.obj_api_version else ""
        r = ci.store.registry.for_kind(group, e.kind)
    return {
        "e": e, "last_age": age(e.last, now), "first_age": age(e.first, now),
        "object_url": object_url(base, r.group, r.plural, e.obj_namespace or None, e.obj_name)
        if r is not None and e.obj_name else "",
    }


def filter_events(events: list[Ev], q: dict[str, str]) -> list[Ev]:
    """The events page's filters: exact namespace, type and reason; ``object`` matches the
    involved object's name, or ``Kind/name``."""
    ns, typ, reason, obj = (q.get(k, "") for k in ("namespace", "type", "reason", "object"))
    kind = ""
    if "/" in obj:
        kind, _, obj = obj.partition("/")
    out = []
    for e in events:
        if ns and e.namespace != ns:
            continue
        if typ and e.type != typ:
            continue
        if reason and e.reason != reason:
            continue
        if obj and e.obj_name != obj:
            continue
        if kind and e.kind.lower() != kind.lower():
            continue
        out.append(e)
    return out


def setup_routes(app: web.Application, get_insight: GetInsight, prefix: str = "") -> None:
    @html_errors
    async def events_page(request: web.Request) -> web.Response:
        ci = get_insight(request)
        base = base_of(request)
        idx = await event_index(ci)
        q = {k: request.query.get(k, "") for k in ("namespace", "type", "reason", "object")}
        shown = filter_events(idx.events, q)
        try:
            page = max(1, int(request.query.get("page", "1")))
        except ValueError:
            page = 1
        pages = max(1, -(-len(shown) // PAGE_SIZE))
        page = min(page, pages)
        types = Counter(e.type for e in shown)
        reasons = Counter(e.reason for e in shown if e.type != "Normal").most_common(15)
        keep = {k: v for k, v in q.items() if v}
        return render(
            "events.html", **page_context(ci, request, "events"), q=q, total=len(shown), all_total=len(idx.events),
            rows=[event_view(e, ci, base) for e in shown[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]],
            types=sorted(types.items()), reasons=reasons, page=page, pages=pages,
            namespaces=sorted({e.namespace for e in idx.events}),
            all_types=sorted({e.type for e in idx.events if e.type}),
            prev=events_url(base, **keep, page=page - 1) if page > 1 else "",
            next=events_url(base, **keep, page=page + 1) if page < pages else "",
            link=lambda **over: events_url(base, **dict(keep, **over)))

    app.router.add_get(f"{prefix}/ui/events", events_page)
