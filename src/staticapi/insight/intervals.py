"""Interval timelines from a must-gather, plus CI interval files imported as-is.

Why this module exists: openshift/origin's monitor writes "intervals" (something
happened to *this* object from *then* to *then*) and renders them as a chart;
Sippy shows the same data.  A must-gather has no monitor, but most of what the
monitor records can be rebuilt from the objects it does contain: Events,
ClusterOperator / ClusterVersion status, Pod and Node status.  This module turns
a cluster snapshot into intervals in origin's *current* structured format, so
the same viewer (``webui.py`` + ``web/``) can show a must-gather and a CI run's
``e2e-events*.json`` side by side.

Everything here is a pure function of its inputs except :class:`IntervalCache`,
which only memoises ``derive_intervals`` + imported files per cluster view.

Upstream references (read, not copied):

* openshift/origin ``pkg/monitor/monitorapi/types.go`` -- Interval, Locator,
  Message, the source / locator-type / reason / annotation names, ``sortKeys``
  (key order for display), ``Intervals.Less`` (sort order).
* openshift/origin ``pkg/monitor/monitorapi/construction.go`` --
  ``LocatorBuilder.KubeEvent``, ``PodFromPod``, ``ContainerFromPod``,
  ``ClusterOperator``, ``LocateServer``; ``MessageBuilder.Build`` (reason and
  cause are mirrored into annotations).
* openshift/origin ``pkg/monitortests/testframework/watchevents/event.go`` --
  ``recordAddOrUpdateEvent``: one KubeEvent interval per Event, Warning level
  for Warning events, ``count`` annotation when count > 1, ``pathological``
  when count > ``DuplicateEventThreshold`` (20), container from fieldPath,
  the ``hmsg`` locator key (first 10 hex chars of sha256(message)).
* openshift/origin ``pkg/monitortests/clusterversionoperator/operatorstateanalyzer``
  -- ``intervalsFromEvents_OperatorStatus``: Available (good=True, Error),
  Progressing (good=False, Warning), Degraded (good=False, Error).
* openshift/origin ``pkg/monitortests/kubeapiserver/apiservergracefulrestart``
  -- TerminationStart/ShutdownInitiated ... TerminationGracefulTerminationFinished
  pairs keyed by namespace/pod/node, ``namespaceToServer``, incomplete windows
  at Error level.
* openshift/library-go ``pkg/config/clusteroperator/v1helpers`` ``GetStatusDiff``
  -- the ``OperatorStatusChanged`` event text (``X changed from A to B ("msg")``,
  ``X set to S ("msg")``, ``X message changed from "a" to "b"``, ``X was removed``,
  joined by ``,``) used to rebuild past condition transitions.
* openshift/origin ``pkg/monitor/serialization/serialize.go`` and
  ``pkg/monitor/monitorapi/identification.go`` (``LocatorParts``,
  ``AnnotationsFromMessage``, ``NonAnnotationMessage``) -- the legacy flat and
  transitional ``tempStructured*`` file formats that :func:`load_interval_file`
  normalises.
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import orjson

log = logging.getLogger(__name__)

__all__ = [
    "ClusterView",
    "derive_intervals",
    "load_interval_file",
    "find_interval_files",
    "filter_intervals",
    "normalize_interval",
    "locator_string",
    "message_string",
    "IntervalCache",
]


@runtime_checkable
class ClusterView(Protocol):
    """What this module needs from a loaded cluster (the store implements it)."""

    name: str
    collection_time: datetime  # aware; the must-gather's timestamp
    roots: list[Path]  # must-gather root directories (searched for e2e-*.json)

    def objects(self, group: str, resource: str) -> Iterable[dict]:
        """All objects of one resource, e.g. ('', 'events'), ('config.openshift.io', 'clusteroperators')."""
        ...


# --------------------------------------------------------------------------------------
# names from origin pkg/monitor/monitorapi/types.go
SOURCE_KUBE_EVENT = "KubeEvent"
SOURCE_OPERATOR_STATE = "OperatorState"
SOURCE_NODE_STATE = "NodeState"
SOURCE_POD_STATE = "PodState"
SOURCE_APISERVER_SHUTDOWN = "APIServerGracefulShutdown"
SOURCE_E2E = "E2ETest"
SOURCE_ALERT = "Alert"
SOURCE_DISRUPTION = "Disruption"

# DuplicateEventThreshold in origin pkg/monitortestlibrary/pathologicaleventlibrary
PATHOLOGICAL_THRESHOLD = 20

# sortKeys() in types.go: these first, in this order; the rest alphabetically.
_ORDERED_KEYS = ("namespace", "node", "pod", "uid", "server", "container", "shutdown", "row")
_KEY_RANK = {k: i for i, k in enumerate(_ORDERED_KEYS)}

# namespaceToServer in apiservergracefulrestart
_NAMESPACE_TO_SERVER = {
    "openshift-kube-apiserver": "kube-apiserver",
    "openshift-apiserver": "openshift-apiserver",
    "openshift-oauth-apiserver": "oauth-apiserver",
}

_LEVELS = ("Info", "Warning", "Error")


# --------------------------------------------------------------------------------------
# time helpers


def parse_time(value: Any) -> datetime | None:
    """RFC3339 (metav1.Time / MicroTime) -> aware UTC datetime; None for empty/invalid."""
    if not value or not isinstance(value, str):
        return None
    s = value.strip()
    if s.startswith("0001-01-01"):  # Go's zero time
        return None
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith(("Z", "z")) else s)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def format_time(dt: datetime) -> str:
    """metav1.Time style: RFC3339 UTC, seconds; sub-second digits only when present (MicroTime)."""
    dt = dt.astimezone(timezone.utc)
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0") + "Z"
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------
# interval construction


def _interval(
    source: str,
    level: str,
    ltype: str,
    keys: Mapping[str, str],
    reason: str = "",
    human: str = "",
    annotations: Mapping[str, str] | None = None,
    cause: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    display: bool = False,
) -> dict:
    """Build one interval the way origin's MessageBuilder.Build does: reason/cause mirrored in annotations."""
    ann: dict[str, str] = {}
    if reason:
        ann["reason"] = reason
    if cause:
        ann["cause"] = cause
    if annotations:
        for k, v in annotations.items():
            if v is not None and v != "":
                ann[k] = str(v)
    assert start is not None
    if end is None or end < start:
        end = start
    return {
        "level": level,
        "source": source,
        "display": display,
        "locator": {"type": ltype, "keys": {k: str(v) for k, v in keys.items() if v}},
        "message": {"reason": reason, "cause": cause, "humanMessage": human, "annotations": ann},
        "from": format_time(start),
        "to": format_time(end),
    }


def locator_string(locator: Mapping[str, Any]) -> str:
    """Locator.OldLocator(): ``k/v`` pairs in sortKeys order; e2e-test values quoted."""
    keys = locator.get("keys") or {}
    parts = []
    for k in sorted(keys, key=lambda k: (_KEY_RANK.get(k, len(_KEY_RANK)), "" if k in _KEY_RANK else k)):
        v = keys[k]
        if k == "e2e-test":
            parts.append(f"{k}/{orjson.dumps(v).decode()}")
        else:
            parts.append(f"{k}/{v}")
    return " ".join(parts)


def message_string(message: Mapping[str, Any]) -> str:
    """Message.OldMessage(): sorted ``k/v`` annotations, then the human message."""
    ann = message.get("annotations") or {}
    text = " ".join(f"{k}/{ann[k]}" for k in sorted(ann))
    human = message.get("humanMessage") or ""
    if not human:
        return text
    return f"{text} {human}".strip()


def _sort_key(item: dict) -> tuple:
    # Intervals.Less in types.go: from, to, reason, humanMessage, locator
    msg = item.get("message") or {}
    return (
        item.get("from") and parse_time(item["from"]) or datetime.min.replace(tzinfo=timezone.utc),
        item.get("to") and parse_time(item["to"]) or datetime.max.replace(tzinfo=timezone.utc),
        msg.get("reason") or "",
        msg.get("humanMessage") or "",
        locator_string(item.get("locator") or {}),
    )


def sort_intervals(items: list[dict]) -> list[dict]:
    items.sort(key=_sort_key)
    return items


# --------------------------------------------------------------------------------------
# object helpers


def _meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def _dedupe(objs: Iterable[dict]) -> list[dict]:
    """Must-gathers hold the same object twice (List file + per-object file); keep one per uid / ns+name."""
    seen: dict[tuple, dict] = {}
    for o in objs:
        if not isinstance(o, dict):
            continue
        m = _meta(o)
        key = (m.get("uid"),) if m.get("uid") else (m.get("namespace") or "", m.get("name") or "")
        seen[key] = o
    return list(seen.values())


def _safe_objects(view: ClusterView, group: str, resource: str) -> list[dict]:
    try:
        return _dedupe(view.objects(group, resource) or ())
    except (KeyError, LookupError, FileNotFoundError):
        return []


class _Event:
    """core/v1 and events.k8s.io/v1 Events, read through one shape."""

    __slots__ = (
        "namespace", "name", "uid", "reason", "message", "type", "count", "first", "last",
        "created", "kind", "iname", "inamespace", "fieldpath", "host", "component",
    )

    def __init__(self, obj: Mapping):
        m = _meta(obj)
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


def _events(view: ClusterView) -> list[_Event]:
    """Events from both API groups; the same Event served by both is counted once."""
    out: list[_Event] = []
    seen: set = set()
    for group in ("events.k8s.io", ""):
        for obj in _safe_objects(view, group, "events"):
            m = _meta(obj)
            key = m.get("uid") or (m.get("namespace"), m.get("name"))
            if key in seen:
                continue
            seen.add(key)
            ev = _Event(obj)
            if ev.first is None:
                continue
            out.append(ev)
    return out


def _container_from_fieldpath(fieldpath: str) -> str:
    # eventForContainer() in watchevents/event.go
    for prefix in ("spec.containers{", "spec.initContainers{", "spec.ephemeralContainers{"):
        if fieldpath.startswith(prefix) and fieldpath.endswith("}"):
            return fieldpath[len(prefix):-1]
    return ""


# --------------------------------------------------------------------------------------
# derivations


def _kube_event_intervals(events: list[_Event]) -> list[dict]:
    out = []
    for ev in events:
        keys: dict[str, str] = {"hmsg": hashlib.sha256(ev.message.encode()).hexdigest()[:10]}
        # LocatorBuilder.KubeEvent (LocatorTypeKubeEvent variant): kind, name, namespace, node
        keys["kind"] = ev.kind
        keys["name"] = ev.iname
        ns = ev.inamespace or (ev.namespace if ev.kind != "Node" and ev.kind != "Namespace" else "")
        if ev.kind == "Namespace":
            ns = ev.iname
        if ns:
            keys["namespace"] = ns
        if ev.host and ev.kind != "Node":
            keys["node"] = ev.host
        ann: dict[str, str] = {}
        if ev.count > 1:
            ann["count"] = str(ev.count)
        pathological = ev.count > PATHOLOGICAL_THRESHOLD
        if pathological:
            ann["pathological"] = "true"
        interesting = "pod sandbox" in ev.message
        if interesting:
            ann["interesting"] = "true"
        if ev.kind == "Pod":
            c = _container_from_fieldpath(ev.fieldpath)
            if c:
                ann["container"] = c
        # not an origin annotation: which Event object this came from (for links back into the API)
        ann["event"] = ev.name
        if ev.namespace:
            ann["event-namespace"] = ev.namespace
        out.append(
            _interval(
                SOURCE_KUBE_EVENT,
                "Warning" if ev.type == "Warning" else "Info",
                "KubeEvent",
                keys,
                reason=ev.reason,
                human=ev.message,
                annotations=ann,
                start=ev.first,
                end=ev.last,
                display=pathological or interesting,
            )
        )
    return out


def _segments(points: list[tuple], end: datetime) -> list[tuple]:
    """points: (time, status, payload) sorted; returns (start, stop, status, payload) with each
    state lasting until the next point (or ``end``).  Two points with the same status within
    five seconds are one transition seen twice (an event and lastTransitionTime)."""
    points = sorted(points, key=lambda p: p[0])
    merged: list[tuple] = []
    for p in points:
        if merged and merged[-1][1] == p[1] and abs((p[0] - merged[-1][0]).total_seconds()) <= 5:
            # keep the earlier time, prefer the richer payload (current object state)
            prev = merged[-1]
            merged[-1] = (prev[0], prev[1], p[2] if p[2].get("current") else prev[2])
            continue
        merged.append(p)
    out = []
    for i, (t, status, payload) in enumerate(merged):
        stop = merged[i + 1][0] if i + 1 < len(merged) else end
        if stop < t:
            stop = t
        out.append((t, stop, status, payload))
    return out


# library-go v1helpers.GetStatusDiff clauses
_GO_QUOTED = r'"(?:[^"\\]|\\.)*"'
_DIFF_CLAUSES = [
    ("changed", re.compile(r'(\w+) changed from (\w+) to (\w+) \((' + _GO_QUOTED + r')\)', re.S)),
    ("set", re.compile(r'(\w+) set to (\w+) \((' + _GO_QUOTED + r')\)', re.S)),
    ("message", re.compile(r'(\w+) (?:message|reason) changed from (' + _GO_QUOTED + r') to (' + _GO_QUOTED + r')', re.S)),
    ("removed", re.compile(r'(\w+) was removed', re.S)),
    ("other", re.compile(r'status\.\w+ changed from .*?(?=,\w+ (?:changed|set|message|reason|was)\b|$)', re.S)),
]
_STATUS_CHANGED = re.compile(r"^Status for (?:clusteroperator|clusterversion)/([^ ]+) changed: (.*)$", re.S)


def _go_unquote(q: str) -> str:
    try:
        v = ast.literal_eval(q)
        return v if isinstance(v, str) else q[1:-1]
    except (ValueError, SyntaxError):
        return q[1:-1]


def parse_status_diff(text: str) -> list[dict]:
    """Parse the body of library-go's OperatorStatusChanged message into clauses.

    Returns dicts with ``condition``, ``kind`` (changed|set|message|removed) and, where present,
    ``old``, ``new`` (statuses) and ``message``.
    """
    out: list[dict] = []
    pos = 0
    n = len(text)
    while pos < n:
        for kind, rx in _DIFF_CLAUSES:
            m = rx.match(text, pos)
            if not m:
                continue
            if kind == "changed":
                out.append({"condition": m[1], "kind": kind, "old": m[2], "new": m[3], "message": _go_unquote(m[4])})
            elif kind == "set":
                out.append({"condition": m[1], "kind": kind, "new": m[2], "message": _go_unquote(m[3])})
            elif kind == "message":
                out.append({"condition": m[1], "kind": kind, "message": _go_unquote(m[3])})
            elif kind == "removed":
                out.append({"condition": m[1], "kind": kind})
            pos = m.end()
            break
        else:
            # unknown clause: skip to the next comma
            nxt = text.find(",", pos)
            if nxt < 0:
                break
            pos = nxt
        if pos < n and text[pos] == ",":
            pos += 1
    return out


# condition type -> (good status, level when not good); operatorstateanalyzer
_OPERATOR_CONDITIONS = {
    "Available": ("True", "Error"),
    "Degraded": ("False", "Error"),
    "Progressing": ("False", "Warning"),
}
_CV_CONDITIONS = {
    "Available": ("True", "Error"),
    "Failing": ("False", "Error"),
    "Progressing": ("False", "Warning"),
}


def _condition_intervals(
    ltype: str,
    keys: dict,
    conditions: list[dict],
    wanted: Mapping[str, tuple[str, str]],
    history: Mapping[str, list[tuple]],
    end: datetime,
    source: str,
    extra_ann: Mapping[str, str] | None = None,
    reason_for: Callable[[str, str, str], str] | None = None,
) -> list[dict]:
    """One interval per condition state: the current one (lastTransitionTime..end) and the
    past ones rebuilt from ``history[condition] = [(time, status, payload)]``."""
    out = []
    current = {c.get("type"): c for c in conditions or () if isinstance(c, dict)}
    for ctype, (good, bad_level) in wanted.items():
        points = list(history.get(ctype, ()))
        c = current.get(ctype)
        if c is not None:
            t = parse_time(c.get("lastTransitionTime"))
            if t is not None:
                points.append((t, str(c.get("status", "Unknown")), {
                    "current": True, "reason": c.get("reason") or "", "message": c.get("message") or "",
                }))
        if not points:
            continue
        for start, stop, status, payload in _segments(points, end):
            if start > end:
                continue
            is_good = status == good
            level = "Info" if is_good else bad_level
            kube_reason = payload.get("reason") or ""
            reason = reason_for(ctype, status, kube_reason) if reason_for else kube_reason
            ann = {"condition": ctype, "status": status}
            if extra_ann:
                ann.update(extra_ann)
            ann["constructed"] = payload.get("constructed") or ("current-status" if payload.get("current") else "")
            cause = kube_reason if (reason_for and kube_reason != reason) else ""
            out.append(_interval(
                source, level, ltype, keys, reason=reason, cause=cause, human=payload.get("message") or "",
                annotations=ann, start=start, end=stop, display=not is_good,
            ))
    return out


def _operator_intervals(view: ClusterView, events: list[_Event], end: datetime) -> list[dict]:
    # past transitions from OperatorStatusChanged events, keyed by operator then condition
    hist: dict[str, dict[str, list[tuple]]] = {}
    for ev in events:
        if ev.reason != "OperatorStatusChanged":
            continue
        m = _STATUS_CHANGED.match(ev.message)
        if not m:
            continue
        name = m[1]
        times = [ev.first] if ev.count <= 1 or ev.last == ev.first else [ev.first, ev.last]
        for clause in parse_status_diff(m[2]):
            if clause["kind"] not in ("changed", "set"):
                continue
            for t in times:
                hist.setdefault(name, {}).setdefault(clause["condition"], []).append(
                    (t, clause["new"], {"message": clause["message"], "constructed": "operator-status-changed-event"})
                )
    out = []
    seen = set()
    for co in _safe_objects(view, "config.openshift.io", "clusteroperators"):
        name = _meta(co).get("name") or ""
        seen.add(name)
        conds = (co.get("status") or {}).get("conditions") or []
        out += _condition_intervals(
            "ClusterOperator", {"clusteroperator": name}, conds, _OPERATOR_CONDITIONS, hist.get(name, {}), end,
            SOURCE_OPERATOR_STATE,
        )
    # operators only known from events (deleted or not gathered)
    for name, h in hist.items():
        if name not in seen:
            out += _condition_intervals(
                "ClusterOperator", {"clusteroperator": name}, [], _OPERATOR_CONDITIONS, h, end, SOURCE_OPERATOR_STATE,
            )
    return out


def _clusterversion_intervals(view: ClusterView, end: datetime) -> list[dict]:
    out = []
    for cv in _safe_objects(view, "config.openshift.io", "clusterversions"):
        name = _meta(cv).get("name") or "version"
        keys = {"clusterversion": name}
        status = cv.get("status") or {}
        for h in status.get("history") or ():
            start = parse_time(h.get("startedTime"))
            if start is None:
                continue
            stop = parse_time(h.get("completionTime"))
            state = h.get("state") or ""
            if state == "Completed":
                reason, level = "UpgradeComplete", "Info"
            elif stop is None:
                reason, level = "UpgradeStarted", "Warning"
            else:
                reason, level = "UpgradeVersion", "Warning"
            out.append(_interval(
                SOURCE_OPERATOR_STATE, level, "ClusterVersion", keys, reason=reason,
                human=f"{state or 'Partial'} update to {h.get('version') or h.get('image') or '?'}",
                annotations={"version": h.get("version") or "", "state": state, "image": h.get("image") or "",
                             "verified": str(h.get("verified")).lower() if "verified" in h else "",
                             "constructed": "clusterversion-history"},
                start=start, end=stop or end, display=True,
            ))
        out += _condition_intervals(
            "ClusterVersion", keys, status.get("conditions") or [], _CV_CONDITIONS, {}, end, SOURCE_OPERATOR_STATE,
        )
    return out


def _node_roles(node: Mapping) -> str:
    # nodeRoles() in watchevents/event.go
    labels = _meta(node).get("labels") or {}
    prefix = "node-role.kubernetes.io/"
    return ",".join(sorted(k[len(prefix):] for k in labels if k.startswith(prefix)))


# kubelet / node-controller event reasons -> (condition, status)
_NODE_EVENT_CONDITIONS = {
    "NodeReady": ("Ready", "True"),
    "NodeNotReady": ("Ready", "False"),
    "NodeHasDiskPressure": ("DiskPressure", "True"),
    "NodeHasNoDiskPressure": ("DiskPressure", "False"),
    "NodeHasInsufficientMemory": ("MemoryPressure", "True"),
    "NodeHasSufficientMemory": ("MemoryPressure", "False"),
    "NodeHasInsufficientPID": ("PIDPressure", "True"),
    "NodeHasSufficientPID": ("PIDPressure", "False"),
}
_NODE_CONDITIONS = {
    "Ready": ("True", "Warning"),
    "MemoryPressure": ("False", "Warning"),
    "DiskPressure": ("False", "Warning"),
    "PIDPressure": ("False", "Warning"),
}


def _node_reason(ctype: str, status: str, _kube_reason: str) -> str:
    # origin reasons: NotReady, NodeDiskPressure / NodeNoDiskPressure (types.go)
    if ctype == "Ready":
        return "Ready" if status == "True" else "NotReady"
    base = {"MemoryPressure": "Memory", "DiskPressure": "Disk", "PIDPressure": "PID"}[ctype]
    return f"Node{base}Pressure" if status == "True" else f"NodeNo{base}Pressure"


def _node_intervals(view: ClusterView, events: list[_Event], end: datetime) -> list[dict]:
    hist: dict[str, dict[str, list[tuple]]] = {}
    for ev in events:
        if ev.kind != "Node" or ev.reason not in _NODE_EVENT_CONDITIONS:
            continue
        ctype, status = _NODE_EVENT_CONDITIONS[ev.reason]
        times = [ev.first] if ev.last == ev.first else [ev.first, ev.last]
        for t in times:
            hist.setdefault(ev.iname, {}).setdefault(ctype, []).append(
                (t, status, {"message": ev.message, "reason": ev.reason, "constructed": "node-event"})
            )
    out = []
    for node in _safe_objects(view, "", "nodes"):
        name = _meta(node).get("name") or ""
        conds = (node.get("status") or {}).get("conditions") or []
        out += _condition_intervals(
            "Node", {"node": name}, conds, _NODE_CONDITIONS, hist.get(name, {}), end, SOURCE_NODE_STATE,
            extra_ann={"roles": _node_roles(node)}, reason_for=_node_reason,
        )
    return out


_BAD_WAITING = {
    "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "CreateContainerError",
    "InvalidImageName", "RunContainerError", "ErrImageNeverPull", "PreCreateHookError", "PostStartHookError",
}


def _pod_intervals(view: ClusterView, end: datetime) -> list[dict]:
    out = []
    for pod in _safe_objects(view, "", "pods"):
        m = _meta(pod)
        ns, name, uid = m.get("namespace") or "", m.get("name") or "", m.get("uid") or ""
        spec = pod.get("spec") or {}
        status = pod.get("status") or {}
        node = spec.get("nodeName") or ""
        # PodFromPod(): namespace, pod, uid, node (+ mirror-uid)
        pkeys = {"namespace": ns, "pod": name, "uid": uid, "node": node}
        mirror = (m.get("annotations") or {}).get("kubernetes.io/config.mirror")
        if mirror:
            pkeys["mirror-uid"] = mirror
        base_ann = {"constructed": "pod-status", "mirrored": "true" if mirror else ""}
        created = parse_time(m.get("creationTimestamp"))
        deleted = parse_time(m.get("deletionTimestamp"))
        pod_end = min(deleted, end) if deleted else end
        if created:
            out.append(_interval(SOURCE_POD_STATE, "Info", "Pod", pkeys, reason="Created", annotations=base_ann,
                                 start=created, end=created))
        conds = {c.get("type"): c for c in status.get("conditions") or () if isinstance(c, dict)}
        sched = conds.get("PodScheduled")
        if sched and parse_time(sched.get("lastTransitionTime")):
            t = parse_time(sched.get("lastTransitionTime"))
            if sched.get("status") == "True":
                out.append(_interval(SOURCE_POD_STATE, "Info", "Pod", pkeys, reason="Scheduled",
                                     annotations={**base_ann, "node": node}, start=t, end=pod_end))
            else:
                out.append(_interval(SOURCE_POD_STATE, "Warning", "Pod", pkeys, reason="PodIsPending",
                                     cause=sched.get("reason") or "", human=sched.get("message") or "",
                                     annotations=base_ann, start=created or t, end=pod_end, display=True))
        ready = conds.get("Ready")
        if ready and parse_time(ready.get("lastTransitionTime")):
            t = parse_time(ready.get("lastTransitionTime"))
            ok = ready.get("status") == "True"
            # a finished pod (phase Succeeded, reason PodCompleted) is not-ready by design, not a problem
            done = ready.get("reason") == "PodCompleted"
            out.append(_interval(SOURCE_POD_STATE, "Info" if ok or done else "Warning", "Pod", pkeys,
                                 reason="PodReady" if ok else "PodNotReady",
                                 cause="" if ok else (ready.get("reason") or ""), human=ready.get("message") or "",
                                 annotations={**base_ann, "phase": status.get("phase") or ""}, start=t, end=pod_end))
        if deleted:
            grace = m.get("deletionGracePeriodSeconds")
            try:
                grace_s = int(grace) if grace is not None else 0
            except (TypeError, ValueError):
                grace_s = 0
            out.append(_interval(SOURCE_POD_STATE, "Info", "Pod", pkeys, reason="GracefulDelete",
                                 annotations={**base_ann, "duration": f"{grace_s}s"},
                                 start=deleted - timedelta(seconds=grace_s), end=deleted))
        if status.get("reason") in ("Evicted", "Preempted") or status.get("phase") == "Failed":
            r = status.get("reason") or "Failed"
            t = deleted or end
            out.append(_interval(SOURCE_POD_STATE, "Error" if r != "Preempted" else "Warning", "Pod", pkeys,
                                 reason=r if r in ("Evicted", "Preempted") else "Failed",
                                 human=status.get("message") or "", annotations=base_ann, start=t, end=t,
                                 display=True))
        for field in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
            for cs in status.get(field) or ():
                if isinstance(cs, dict):
                    out += _container_intervals(pkeys, cs, base_ann, created, pod_end, field)
    return out


def _container_intervals(pkeys, cs, base_ann, created, pod_end, field) -> list[dict]:
    out = []
    ckeys = {**pkeys, "container": cs.get("name") or ""}
    restarts = cs.get("restartCount") or 0
    ann = {**base_ann, "restarts": str(restarts) if restarts else ""}
    if field == "initContainerStatuses":
        ann["init"] = "true"

    def ran(term: Mapping, last: bool) -> None:
        start = parse_time(term.get("startedAt"))
        stop = parse_time(term.get("finishedAt"))
        code = term.get("exitCode")
        if start:
            out.append(_interval(SOURCE_POD_STATE, "Info", "Container", ckeys, reason="ContainerStart",
                                 annotations=ann, start=start, end=stop or start))
        if stop:
            try:
                failed = int(code or 0) != 0
            except (TypeError, ValueError):
                failed = True
            a = {**ann, "code": str(code if code is not None else "")}
            if last:
                a["state"] = "lastState"
            out.append(_interval(SOURCE_POD_STATE, "Error" if failed else "Info", "Container", ckeys,
                                 reason="ContainerExit", cause=term.get("reason") or "",
                                 human=(term.get("message") or "")[:4096], annotations=a, start=stop, end=stop,
                                 display=failed))

    last_state = (cs.get("lastState") or {}).get("terminated")
    if isinstance(last_state, dict):
        ran(last_state, True)
    state = cs.get("state") or {}
    if isinstance(state.get("running"), dict):
        t = parse_time(state["running"].get("startedAt"))
        if t:
            out.append(_interval(SOURCE_POD_STATE, "Info", "Container", ckeys, reason="ContainerStart",
                                 annotations={**ann, "ready": str(bool(cs.get("ready"))).lower()},
                                 start=t, end=pod_end))
    if isinstance(state.get("terminated"), dict):
        ran(state["terminated"], False)
    if isinstance(state.get("waiting"), dict):
        w = state["waiting"]
        wreason = w.get("reason") or ""
        t = (parse_time(last_state.get("finishedAt")) if isinstance(last_state, dict) else None) or created
        if t:
            bad = wreason in _BAD_WAITING
            out.append(_interval(SOURCE_POD_STATE, "Warning" if bad else "Info", "Container", ckeys,
                                 reason="ContainerWait", cause=wreason, human=w.get("message") or "",
                                 annotations=ann, start=t, end=pod_end, display=bad))
    return out


def _apiserver_shutdown_intervals(events: list[_Event], end: datetime) -> list[dict]:
    def when(ev: _Event) -> datetime:
        return ev.created or ev.first  # timeOf(): CreationTimestamp is what these events carry

    relevant = [e for e in events if e.reason in ("ShutdownInitiated", "TerminationStart",
                                                  "TerminationGracefulTerminationFinished")]
    relevant.sort(key=when)
    # openshift-oauth-apiserver reports these against Namespace/kube-system with the pod as host:
    # find the pod's real namespace from the other events about it.
    pod_ns = {e.iname: e.inamespace for e in events if e.kind == "Pod" and e.inamespace}
    started: dict[tuple, tuple[datetime, dict]] = {}
    out = []
    for ev in relevant:
        if ev.kind == "Pod":
            ns, pod = ev.inamespace or ev.namespace, ev.iname
            node = ev.host if ev.host and ev.host != pod else ""
        else:  # openshift-apiserver style: regarding the Namespace, host is the pod or node
            ns, pod, node = (ev.iname if ev.kind == "Namespace" else ev.namespace), ev.host, ""
            if pod in pod_ns:
                ns = pod_ns[pod]
            elif ns in _NAMESPACE_TO_SERVER:  # host is the node of a static kube-apiserver pod
                pod, node = "", ev.host
        key = (ns, pod, node)
        keys = {"shutdown": "graceful", "server": _NAMESPACE_TO_SERVER.get(ns, ns), "node": node,
                "namespace": ns, "pod": pod}
        if ev.reason in ("ShutdownInitiated", "TerminationStart"):
            started.setdefault(key, (when(ev), keys))
            continue
        start, _ = started.pop(key, (None, keys))
        out.append(_interval(
            SOURCE_APISERVER_SHUTDOWN, "Info", "APIServerShutdown", keys, reason="GracefulAPIServerShutdown",
            annotations={"constructed": "graceful-shutdown-analyzer"}, start=start or when(ev), end=when(ev),
            display=True,
        ))
    for start, keys in started.values():
        out.append(_interval(
            SOURCE_APISERVER_SHUTDOWN, "Error", "APIServerShutdown", keys, reason="IncompleteAPIServerShutdown",
            annotations={"constructed": "graceful-shutdown-analyzer"}, start=start, end=max(start, end),
            display=True,
        ))
    return out


def derive_intervals(view: ClusterView) -> list[dict]:
    """All intervals a must-gather can give, in origin's current structured format, sorted by ``from``."""
    end = view.collection_time
    if end.tzinfo is None:
        end = end.replace(tzinfo=timezone.utc)
    end = end.astimezone(timezone.utc)
    events = _events(view)
    out: list[dict] = []
    out += _kube_event_intervals(events)
    out += _operator_intervals(view, events, end)
    out += _clusterversion_intervals(view, end)
    out += _node_intervals(view, events, end)
    out += _pod_intervals(view, end)
    out += _apiserver_shutdown_intervals(events, end)
    out += _gathered("alerts", view, end)
    out += _gathered("audit", view, end)
    return sort_intervals(out)


def _gathered(module: str, view: ClusterView, end: datetime) -> list[dict]:
    """Intervals of a gathered source beside the objects (``alerts``, ``audit``: their module's
    ``intervals(view, end)``); a failure there never costs the rest of the timeline."""
    import importlib

    try:
        return importlib.import_module(f"{__package__}.{module}").intervals(view, end)
    except Exception:  # bad input is reported by the module; the timeline goes on without it
        log.exception("no %s intervals for %s", module, getattr(view, "name", "?"))
        return []


# --------------------------------------------------------------------------------------
# imported interval files

_FILE_RX = re.compile(r"^e2e-(events|intervals|timelines)[^/]*\.json$")


def find_interval_files(roots: list[Path]) -> list[Path]:
    """``e2e-events*.json``, ``e2e-intervals*.json``, ``e2e-timelines*.json`` anywhere below the roots."""
    found: set[Path] = set()
    for root in roots or ():
        root = Path(root)
        if root.is_file():
            if _FILE_RX.match(root.name):
                found.add(root)
            continue
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                if _FILE_RX.match(f):
                    found.add(Path(dirpath) / f)
    return sorted(found)


def _parse_legacy_locator(s: str) -> dict:
    """Flat ``k/v k/v`` locator -> {type, keys} (LocatorParts, with quoted e2e-test names kept whole)."""
    keys: dict[str, str] = {}
    s = s.strip()
    if s.startswith("e2e-test/"):
        rest = s[len("e2e-test/"):]
        name = rest
        if rest.startswith('"'):
            m = re.match(_GO_QUOTED, rest)
            if m:
                name = _go_unquote(m.group(0))
                tail = rest[m.end():].strip()
                for tag in tail.split():
                    k, _, v = tag.partition("/")
                    keys[k] = v
        keys["e2e-test"] = name
    else:
        for tag in s.split(" "):
            if not tag:
                continue
            k, _, v = tag.partition("/")
            keys["namespace" if k == "ns" else k] = v
    if "e2e-test" in keys:
        ltype = "E2ETest"
    elif "container" in keys:
        ltype = "Container"
    elif "pod" in keys:
        ltype = "Pod"
    elif "clusteroperator" in keys:
        ltype = "ClusterOperator"
    elif "clusterversion" in keys:
        ltype = "ClusterVersion"
    elif "alert" in keys:
        ltype = "Alert"
    elif "disruption" in keys or "backend-disruption-name" in keys:
        ltype = "Disruption"
    elif "node" in keys and len(keys) == 1:
        ltype = "Node"
    else:
        ltype = ""
    return {"type": ltype, "keys": keys}


_ANN_TOKEN = re.compile(r"^[A-Za-z][\w.\-]*/\S*$")


def _parse_legacy_message(s: str) -> dict:
    """AnnotationsFromMessage / NonAnnotationMessage: leading ``k/v`` tokens are annotations."""
    tokens = s.split(" ")
    ann: dict[str, str] = {}
    i = 0
    for i, tok in enumerate(tokens):  # noqa: B007
        if not _ANN_TOKEN.match(tok):
            break
        k, _, v = tok.partition("/")
        ann[k] = v
    else:
        i = len(tokens)
    human = " ".join(tokens[i:]).strip()
    return {"reason": ann.get("reason", ""), "cause": ann.get("cause", ""), "humanMessage": human, "annotations": ann}


def _structured_nonempty(v: Any) -> bool:
    if not isinstance(v, dict):
        return False
    return any(v.get(k) for k in ("type", "keys", "reason", "cause", "humanMessage", "annotations"))


def _infer_source(loc: dict, msg: dict) -> str:
    t = loc.get("type")
    ann = msg.get("annotations") or {}
    if t == "E2ETest":
        return SOURCE_E2E
    if t == "ClusterOperator" and "condition" in ann:
        return SOURCE_OPERATOR_STATE
    if t == "Alert":
        return SOURCE_ALERT
    if t == "Disruption":
        return SOURCE_DISRUPTION
    if t == "Node":
        return SOURCE_NODE_STATE
    if t in ("Pod", "Container"):
        return SOURCE_POD_STATE
    return ""


def normalize_interval(raw: Mapping[str, Any]) -> dict:
    """Any of origin's three interval shapes -> the current structured one."""
    loc = raw.get("locator")
    msg = raw.get("message")
    if isinstance(loc, dict):
        locator = {"type": loc.get("type") or "", "keys": {k: str(v) for k, v in (loc.get("keys") or {}).items()}}
    elif _structured_nonempty(raw.get("tempStructuredLocator")):
        t = raw["tempStructuredLocator"]
        locator = {"type": t.get("type") or "", "keys": {k: str(v) for k, v in (t.get("keys") or {}).items()}}
    else:
        locator = _parse_legacy_locator(loc if isinstance(loc, str) else "")
    if isinstance(msg, dict):
        message = msg
    elif _structured_nonempty(raw.get("tempStructuredMessage")):
        message = raw["tempStructuredMessage"]
    else:
        message = _parse_legacy_message(msg if isinstance(msg, str) else "")
    ann = {str(k): str(v) for k, v in (message.get("annotations") or {}).items()}
    message = {
        "reason": message.get("reason") or ann.get("reason", ""),
        "cause": message.get("cause") or ann.get("cause", ""),
        "humanMessage": message.get("humanMessage") or "",
        "annotations": ann,
    }
    legacy = not isinstance(loc, dict)
    source = raw.get("source") or raw.get("tempSource") or ""
    if legacy and locator["type"] == "E2ETest":
        m = re.search(r'finished As "(\w+)"', message["humanMessage"])
        if m:
            ann.setdefault("status", m[1])
            message["reason"] = message["reason"] or "E2ETestFinished"
    if legacy and locator["type"] == "Node" and "not ready" in message["humanMessage"]:
        message["reason"] = message["reason"] or "NotReady"
    if legacy and locator["type"] == "Pod" and "pending" in message["humanMessage"]:
        message["reason"] = message["reason"] or "PodIsPending"
    if not source:
        source = _infer_source(locator, message)
    level = raw.get("level") if raw.get("level") in _LEVELS else "Info"
    display = raw.get("display")
    if display is None:
        display = legacy  # flat-era files were charted whole
    out = {
        "level": level,
        "source": str(source),
        "display": bool(display),
        "locator": locator,
        "message": message,
        "from": raw.get("from"),
        "to": raw.get("to"),
    }
    for k in ("from", "to"):
        t = parse_time(out[k]) if out[k] else None
        out[k] = format_time(t) if t else None
    return out


def load_interval_file(path: Path) -> list[dict]:
    """Read an origin interval file (legacy flat, transitional tempStructured*, or current) and normalise it.

    Duplicate JSON keys keep the last value, as Go's encoding/json does (orjson and json both do).
    """
    data = orjson.loads(Path(path).read_bytes())
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"{path}: no items list")
    return [normalize_interval(it) for it in items if isinstance(it, dict)]


# --------------------------------------------------------------------------------------
# filtering


def _csv(v: str | None) -> set[str] | None:
    if v is None or v == "":
        return None
    return {p.strip() for p in v.split(",") if p.strip()}


def search_text(item: Mapping) -> str:
    """What ``q`` is matched against (the page does the same): source, flat locator, flat message, reason."""
    msg = item.get("message") or {}
    return " ".join((str(item.get("source") or ""), locator_string(item.get("locator") or {}),
                     message_string(msg), f"reason/{msg.get('reason') or ''}"))


def filter_intervals(items: list[dict], query: Mapping[str, str]) -> list[dict]:
    """Filter by ``source``, ``level``, ``namespace``, ``type`` (comma lists), ``from``/``to`` (an
    RFC3339 window; intervals overlapping it are kept), ``display=true`` and ``q`` (a regular
    expression searched in the flat locator + message).  Raises ValueError on a bad regex or time."""
    sources = _csv(query.get("source"))
    levels = _csv(query.get("level"))
    namespaces = _csv(query.get("namespace"))
    types = _csv(query.get("type"))
    only_display = str(query.get("display", "")).lower() in ("true", "1", "yes")
    lo = hi = None
    if query.get("from"):
        lo = parse_time(query["from"])
        if lo is None:
            raise ValueError(f"invalid from time {query['from']!r}: want RFC3339")
    if query.get("to"):
        hi = parse_time(query["to"])
        if hi is None:
            raise ValueError(f"invalid to time {query['to']!r}: want RFC3339")
    rx = None
    if query.get("q"):
        try:
            rx = re.compile(query["q"])
        except re.error as e:
            raise ValueError(f"invalid regular expression {query['q']!r}: {e}") from e
    out = []
    for it in items:
        if sources is not None and it.get("source") not in sources:
            continue
        if levels is not None and it.get("level") not in levels:
            continue
        loc = it.get("locator") or {}
        if namespaces is not None and (loc.get("keys") or {}).get("namespace") not in namespaces:
            continue
        if types is not None and loc.get("type") not in types:
            continue
        if only_display and not it.get("display"):
            continue
        if lo is not None or hi is not None:
            f = parse_time(it.get("from"))
            t = parse_time(it.get("to")) if it.get("to") else None
            if hi is not None and f is not None and f > hi:
                continue
            if lo is not None and t is not None and t < lo:
                continue
        if rx is not None and not rx.search(search_text(it)):
            continue
        out.append(it)
    return out


# --------------------------------------------------------------------------------------
# cache


def _dedupe_items(items: Iterable[dict]) -> list[dict]:
    seen: set[bytes] = set()
    out = []
    for it in items:
        k = orjson.dumps(it, option=orjson.OPT_SORT_KEYS)
        if k in seen:
            continue
        seen.add(k)
        out.append(it)
    return out


def build_intervals(view: ClusterView) -> tuple[list[dict], list[str]]:
    """Derived + imported intervals for one view (blocking; run it in a thread)."""
    items = derive_intervals(view)
    files = []
    imported: list[dict] = []
    extra = [Path(p) for p in getattr(view, "extra_interval_files", ()) or ()]
    for p in find_interval_files(list(view.roots or ())) + extra:
        try:
            imported += load_interval_file(p)
            files.append(str(p))
        except (OSError, ValueError, orjson.JSONDecodeError) as e:
            log.warning("skipping interval file %s: %s", p, e)
    if imported:
        items = sort_intervals(items + _dedupe_items(imported))
    return items, files


class IntervalCache:
    """Builds a view's intervals once (in a worker thread, off the event loop) and keeps them
    until :meth:`invalidate`.  Concurrent requests for the same view share one build."""

    def __init__(self, builder: Callable[[ClusterView], tuple[list[dict], list[str]]] = build_intervals):
        self._builder = builder
        self._lock = threading.Lock()
        self._entries: dict[Any, dict] = {}
        self._pending: dict[Any, asyncio.Future] = {}
        self._generation = 0

    @staticmethod
    def _key(view: ClusterView) -> Any:
        return (getattr(view, "name", None), id(view))

    async def get(self, view: ClusterView) -> dict:
        """``{"items", "files", "json", "gzip"}`` for the view (json/gzip filled lazily by the server)."""
        key = self._key(view)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                return entry
            fut = self._pending.get(key)
            generation = self._generation
            owner = fut is None
            if owner:
                fut = asyncio.get_running_loop().create_future()
                self._pending[key] = fut
        if not owner:
            return await asyncio.shield(fut)
        try:
            items, files = await asyncio.to_thread(self._builder, view)
            entry = {"items": items, "files": files, "cache": {}}
            with self._lock:
                if generation == self._generation:
                    self._entries[key] = entry
                self._pending.pop(key, None)
            fut.set_result(entry)
            return entry
        except BaseException as e:
            with self._lock:
                self._pending.pop(key, None)
            fut.set_exception(e)
            fut.exception()  # mark retrieved
            raise

    async def items(self, view: ClusterView) -> list[dict]:
        return (await self.get(view))["items"]

    def invalidate(self, view: ClusterView | str | None = None) -> None:
        """Forget one view (by object or name) or all of them; call it on reload."""
        with self._lock:
            self._generation += 1
            if view is None:
                self._entries.clear()
                return
            name = view if isinstance(view, str) else getattr(view, "name", None)
            for k in list(self._entries):
                if k[0] == name or (not isinstance(view, str) and k == self._key(view)):
                    del self._entries[k]
