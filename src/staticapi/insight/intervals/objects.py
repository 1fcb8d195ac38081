"""Reading a cluster's objects for the derivations: de-duplicated objects and Events in one shape."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import ClusterView, parse_time


def meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def dedupe_objects(objs: Iterable[dict]) -> list[dict]:
    """Must-gathers hold the same object twice (List file + per-object file); keep one per uid / ns+name."""
    seen: dict[tuple, dict] = {}
    for o in objs:
        if not isinstance(o, dict):
            continue
        m = meta(o)
        key = (m.get("uid"),) if m.get("uid") else (m.get("namespace") or "", m.get("name") or "")
        seen[key] = o
    return list(seen.values())


def safe_objects(view: ClusterView, group: str, resource: str) -> list[dict]:
    try:
        return dedupe_objects(view.objects(group, resource) or ())
    except (KeyError, LookupError, FileNotFoundError):
        return []


class Event:
    """core/v1 and events.k8s.io/v1 Events, read through one shape."""

    __slots__ = (
        "namespace", "name", "uid", "reason", "message", "type", "count", "first", "last",
        "created", "kind", "iname", "inamespace", "fieldpath", "host", "component",
    )

    def __init__(self, obj: Mapping):
        m = meta(obj)
        self.namespace = m.get("namespace") or ""
        self.name = m.get("name") or ""
        self.uid = m.get("uid") or ""
        self.created = parse_time(m.get("creationTimestamp"))
        new_api = "regarding" in obj or "note" in obj or str(obj.get("apiVersion", "")).startswith("events.k8s.io")
        series = obj.get("series") or {}
        if new_api:
            ref = obj.get("regarding") or {}
            self.message = obj.get("note") or ""
            src = obj.get("deprecatedSource") or {}
            count = obj.get("deprecatedCount")
            first = parse_time(obj.get("deprecatedFirstTimestamp"))
            last = parse_time(obj.get("deprecatedLastTimestamp"))
            self.component = src.get("component") or obj.get("reportingController") or ""
            self.host = src.get("host") or ""
        else:
            ref = obj.get("involvedObject") or {}
            self.message = obj.get("message") or ""
            src = obj.get("source") or {}
            count = obj.get("count")
            first = parse_time(obj.get("firstTimestamp"))
            last = parse_time(obj.get("lastTimestamp"))
            self.component = src.get("component") or obj.get("reportingComponent") or ""
            self.host = src.get("host") or ""
        if series.get("count"):
            count = series["count"]
        try:
            self.count = int(count or 1)
        except (TypeError, ValueError):
            self.count = 1
        event_time = parse_time(obj.get("eventTime"))
        self.first = first or event_time or self.created
        self.last = parse_time(series.get("lastObservedTime")) or last or self.first
        if self.first and self.last and self.last < self.first:
            self.last = self.first
        self.reason = obj.get("reason") or ""
        self.type = obj.get("type") or ""
        self.kind = ref.get("kind") or ""
        self.iname = ref.get("name") or ""
        self.inamespace = ref.get("namespace") or ""
        self.fieldpath = ref.get("fieldPath") or ""


def read_events(view: ClusterView) -> list[Event]:
    """Events from both API groups; the same Event served by both is counted once."""
    out: list[Event] = []
    seen: set = set()
    for group in ("events.k8s.io", ""):
        for obj in safe_objects(view, group, "events"):
            m = meta(obj)
            key = m.get("uid") or (m.get("namespace"), m.get("name"))
            if key in seen:
                continue
            seen.add(key)
            ev = Event(obj)
            if ev.first is None:
                continue
            out.append(ev)
    return out


def container_from_fieldpath(fieldpath: str) -> str:
    # eventForContainer() in watchevents/event.go
    for prefix in ("spec.containers{", "spec.initContainers{", "spec.ephemeralContainers{"):
        if fieldpath.startswith(prefix) and fieldpath.endswith("}"):
            return fieldpath[len(prefix):-1]
    return ""
