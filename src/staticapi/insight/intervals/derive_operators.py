"""Intervals of ClusterOperator and ClusterVersion conditions (now and rebuilt from events) and updates.

* openshift/origin ``pkg/monitortests/clusterversionoperator/operatorstateanalyzer``
  -- ``intervalsFromEvents_OperatorStatus``: Available (good=True, Error),
  Progressing (good=False, Warning), Degraded (good=False, Error).
* openshift/origin ``pkg/monitor/monitorapi/construction.go`` -- ``ClusterOperator`` locator.
"""

from __future__ import annotations

from datetime import datetime

from .conditions import STATUS_CHANGED, condition_intervals, parse_status_diff
from .model import SOURCE_OPERATOR_STATE, ClusterView, make_interval, parse_time
from .objects import Event, meta, safe_objects

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


def operator_intervals(view: ClusterView, events: list[Event], end: datetime) -> list[dict]:
    # past transitions from OperatorStatusChanged events, keyed by operator then condition
    hist: dict[str, dict[str, list[tuple]]] = {}
    for ev in events:
        if ev.reason != "OperatorStatusChanged":
            continue
        m = STATUS_CHANGED.match(ev.message)
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
    for co in safe_objects(view, "config.openshift.io", "clusteroperators"):
        name = meta(co).get("name") or ""
        seen.add(name)
        conds = (co.get("status") or {}).get("conditions") or []
        out += condition_intervals(
            "ClusterOperator", {"clusteroperator": name}, conds, _OPERATOR_CONDITIONS, hist.get(name, {}), end,
            SOURCE_OPERATOR_STATE,
        )
    # operators only known from events (deleted or not gathered)
    for name, h in hist.items():
        if name not in seen:
            out += condition_intervals(
                "ClusterOperator", {"clusteroperator": name}, [], _OPERATOR_CONDITIONS, h, end, SOURCE_OPERATOR_STATE,
            )
    return out


def clusterversion_intervals(view: ClusterView, end: datetime) -> list[dict]:
    out = []
    for cv in safe_objects(view, "config.openshift.io", "clusterversions"):
        name = meta(cv).get("name") or "version"
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
            out.append(make_interval(
                SOURCE_OPERATOR_STATE, level, "ClusterVersion", keys, reason=reason,
                human=f"{state or 'Partial'} update to {h.get('version') or h.get('image') or '?'}",
                annotations={"version": h.get("version") or "", "state": state, "image": h.get("image") or "",
                             "verified": str(h.get("verified")).lower() if "verified" in h else "",
                             "constructed": "clusterversion-history"},
                start=start, end=stop or end, display=True,
            ))
        out += condition_intervals(
            "ClusterVersion", keys, status.get("conditions") or [], _CV_CONDITIONS, {}, end, SOURCE_OPERATOR_STATE,
        )
    return out
