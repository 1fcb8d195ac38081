"""Intervals of Pods and their containers from pod status (origin ``PodFromPod``, ``ContainerFromPod``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from .model import SOURCE_POD_STATE, ClusterView, make_interval, parse_time
from .objects import meta, safe_objects

_BAD_WAITING = {
    "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "CreateContainerError",
    "InvalidImageName", "RunContainerError", "ErrImageNeverPull", "PreCreateHookError", "PostStartHookError",
}


def pod_intervals(view: ClusterView, end: datetime) -> list[dict]:
    out = []
    for pod in safe_objects(view, "", "pods"):
        m = meta(pod)
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
            out.append(make_interval(SOURCE_POD_STATE, "Info", "Pod", pkeys, reason="Created", annotations=base_ann,
                                 start=created, end=created))
        conds = {c.get("type"): c for c in status.get("conditions") or () if isinstance(c, dict)}
        sched = conds.get("PodScheduled")
        if sched and parse_time(sched.get("lastTransitionTime")):
            t = parse_time(sched.get("lastTransitionTime"))
            if sched.get("status") == "True":
                out.append(make_interval(SOURCE_POD_STATE, "Info", "Pod", pkeys, reason="Scheduled",
                                     annotations={**base_ann, "node": node}, start=t, end=pod_end))
            else:
                out.append(make_interval(SOURCE_POD_STATE, "Warning", "Pod", pkeys, reason="PodIsPending",
                                     cause=sched.get("reason") or "", human=sched.get("message") or "",
                                     annotations=base_ann, start=created or t, end=pod_end, display=True))
        ready = conds.get("Ready")
        if ready and parse_time(ready.get("lastTransitionTime")):
            t = parse_time(ready.get("lastTransitionTime"))
            ok = ready.get("status") == "True"
            # a finished pod (phase Succeeded, reason PodCompleted) is not-ready by design, not a problem
            done = ready.get("reason") == "PodCompleted"
            out.append(make_interval(SOURCE_POD_STATE, "Info" if ok or done else "Warning", "Pod", pkeys,
                                 reason="PodReady" if ok else "PodNotReady",
                                 cause="" if ok else (ready.get("reason") or ""), human=ready.get("message") or "",
                                 annotations={**base_ann, "phase": status.get("phase") or ""}, start=t, end=pod_end))
        if deleted:
            grace = m.get("deletionGracePeriodSeconds")
            try:
                grace_s = int(grace) if grace is not None else 0
            except (TypeError, ValueError):
                grace_s = 0
            out.append(make_interval(SOURCE_POD_STATE, "Info", "Pod", pkeys, reason="GracefulDelete",
                                 annotations={**base_ann, "duration": f"{grace_s}s"},
                                 start=deleted - timedelta(seconds=grace_s), end=deleted))
        if status.get("reason") in ("Evicted", "Preempted") or status.get("phase") == "Failed":
            r = status.get("reason") or "Failed"
            t = deleted or end
            out.append(make_interval(SOURCE_POD_STATE, "Error" if r != "Preempted" else "Warning", "Pod", pkeys,
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
            out.append(make_interval(SOURCE_POD_STATE, "Info", "Container", ckeys, reason="ContainerStart",
                                 annotations=ann, start=start, end=stop or start))
        if stop:
            try:
                failed = int(code or 0) != 0
            except (TypeError, ValueError):
                failed = True
            a = {**ann, "code": str(code if code is not None else "")}
            if last:
                a["state"] = "lastState"
            out.append(make_interval(SOURCE_POD_STATE, "Error" if failed else "Info", "Container", ckeys,
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
            out.append(make_interval(SOURCE_POD_STATE, "Info", "Container", ckeys, reason="ContainerStart",
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
            out.append(make_interval(SOURCE_POD_STATE, "Warning" if bad else "Info", "Container", ckeys,
                                 reason="ContainerWait", cause=wreason, human=w.get("message") or "",
                                 annotations=ann, start=t, end=pod_end, display=bad))
    return out
