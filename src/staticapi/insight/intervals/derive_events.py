"""Intervals from Events: one KubeEvent interval per Event, and kube-apiserver graceful shutdowns.

* openshift/origin ``pkg/monitortests/testframework/watchevents/event.go`` --
  ``recordAddOrUpdateEvent``: one KubeEvent interval per Event, Warning level
  for Warning events, ``count`` annotation when count > 1, ``pathological``
  when count > ``DuplicateEventThreshold`` (20), container from fieldPath,
  the ``hmsg`` locator key (first 10 hex chars of sha256(message)).
* openshift/origin ``pkg/monitor/monitorapi/construction.go`` -- ``LocatorBuilder.KubeEvent``.
* openshift/origin ``pkg/monitortests/kubeapiserver/apiservergracefulrestart``
  -- TerminationStart/ShutdownInitiated ... TerminationGracefulTerminationFinished
  pairs keyed by namespace/pod/node, ``namespaceToServer``, incomplete windows
  at Error level.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from .model import PATHOLOGICAL_THRESHOLD, SOURCE_APISERVER_SHUTDOWN, SOURCE_KUBE_EVENT, make_interval
from .objects import Event, container_from_fieldpath

# namespaceToServer in apiservergracefulrestart
_NAMESPACE_TO_SERVER = {
    "openshift-kube-apiserver": "kube-apiserver",
    "openshift-apiserver": "openshift-apiserver",
    "openshift-oauth-apiserver": "oauth-apiserver",
}


def kube_event_intervals(events: list[Event]) -> list[dict]:
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
            c = container_from_fieldpath(ev.fieldpath)
            if c:
                ann["container"] = c
        # not an origin annotation: which Event object this came from (for links back into the API)
        ann["event"] = ev.name
        if ev.namespace:
            ann["event-namespace"] = ev.namespace
        out.append(
            make_interval(
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


def apiserver_shutdown_intervals(events: list[Event], end: datetime) -> list[dict]:
    def when(ev: Event) -> datetime:
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
        out.append(make_interval(
            SOURCE_APISERVER_SHUTDOWN, "Info", "APIServerShutdown", keys, reason="GracefulAPIServerShutdown",
            annotations={"constructed": "graceful-shutdown-analyzer"}, start=start or when(ev), end=when(ev),
            display=True,
        ))
    for start, keys in started.values():
        out.append(make_interval(
            SOURCE_APISERVER_SHUTDOWN, "Error", "APIServerShutdown", keys, reason="IncompleteAPIServerShutdown",
            annotations={"constructed": "graceful-shutdown-analyzer"}, start=start, end=max(start, end),
            display=True,
        ))
    return out
