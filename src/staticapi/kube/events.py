"""Core v1 Events and events.k8s.io/v1 Events are one storage, two views.

kube-apiserver keeps a single Event type in etcd and serves it under both
`/api/v1/.../events` and `/apis/events.k8s.io/v1/.../events`, converting the
field names (kubernetes `pkg/apis/events/v1/conversion.go`:
`Convert_v1_Event_To_core_Event` / `Convert_core_Event_To_v1_Event`).
A must-gather archives one form or the other, so `kubectl get events` and
`kubectl events` (which use different groups) only both work if we convert.

Converted objects keep every field that has a counterpart; the archived form
itself is always served untouched in its own group.
"""

from __future__ import annotations

from typing import Any

# events.k8s.io/v1 field -> core/v1 field (conversion.go); fields not listed
# here (eventTime, series, action, reason, type, reportingInstance, related,
# metadata) share the name in both versions.
V1_TO_CORE = {
    "regarding": "involvedObject",
    "note": "message",
    "deprecatedSource": "source",
    "deprecatedFirstTimestamp": "firstTimestamp",
    "deprecatedLastTimestamp": "lastTimestamp",
    "deprecatedCount": "count",
    "reportingController": "reportingComponent",
}
CORE_TO_V1 = {v: k for k, v in V1_TO_CORE.items()}

# Field order of the Go structs (k8s.io/api core/v1 Event and events/v1
# Event), which is the order the apiserver serialises them in.
_CORE_ORDER = (
    "kind", "apiVersion", "metadata", "involvedObject", "reason", "message", "source",
    "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series",
    "action", "related", "reportingComponent", "reportingInstance",
)
_V1_ORDER = (
    "kind", "apiVersion", "metadata", "eventTime", "series", "reportingController",
    "reportingInstance", "action", "reason", "regarding", "related", "note", "type",
    "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp",
    "deprecatedCount",
)


def _ordered(obj: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out = {k: obj[k] for k in order if k in obj}
    for k, v in obj.items():
        if k not in out:
            out[k] = v
    return out


def to_core(ev: dict[str, Any]) -> dict[str, Any]:
    """events.k8s.io/v1 (or v1beta1) Event -> core v1 Event."""
    out: dict[str, Any] = {}
    for k, v in ev.items():
        if k in ("kind", "apiVersion"):
            continue
        out[V1_TO_CORE.get(k, k)] = v
    out["kind"] = "Event"
    out["apiVersion"] = "v1"
    # The core API always carries these, even when empty (conversion fills
    # zero values, and the JSON has `source: {}` / `involvedObject: {}`).
    out.setdefault("involvedObject", {})
    out.setdefault("source", {})
    out.setdefault("reportingComponent", "")
    out.setdefault("reportingInstance", "")
    return _ordered(out, _CORE_ORDER)


def to_v1(ev: dict[str, Any]) -> dict[str, Any]:
    """core v1 Event -> events.k8s.io/v1 Event."""
    out: dict[str, Any] = {}
    for k, v in ev.items():
        if k in ("kind", "apiVersion"):
            continue
        out[CORE_TO_V1.get(k, k)] = v
    out["kind"] = "Event"
    out["apiVersion"] = "events.k8s.io/v1"
    out.setdefault("eventTime", None)
    return _ordered(out, _V1_ORDER)
