"""Intervals of Node conditions: the current ones and those kubelet / node-controller events tell."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from .conditions import condition_intervals
from .model import SOURCE_NODE_STATE, ClusterView
from .objects import Event, meta, safe_objects


def _node_roles(node: Mapping) -> str:
    # nodeRoles() in watchevents/event.go
    labels = meta(node).get("labels") or {}
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


def node_intervals(view: ClusterView, events: list[Event], end: datetime) -> list[dict]:
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
    for node in safe_objects(view, "", "nodes"):
        name = meta(node).get("name") or ""
        conds = (node.get("status") or {}).get("conditions") or []
        out += condition_intervals(
            "Node", {"node": name}, conds, _NODE_CONDITIONS, hist.get(name, {}), end, SOURCE_NODE_STATE,
            extra_ann={"roles": _node_roles(node)}, reason_for=_node_reason,
        )
    return out
