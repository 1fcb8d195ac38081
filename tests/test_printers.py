"""Tests for staticapi.printers: column definitions and cells per kind, as printers.go /
openshift-apiserver printer.go compute them.  Expected values are hand-derived from the Go
source; the sample-based tests recompute expectations independently from the raw objects."""

from __future__ import annotations

import base64
import glob
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from staticapi.kube.printers import columns_for, has_printer, printed_kinds, row_cells, table_rows

NOW = datetime(2023, 3, 8, 14, 0, 0, tzinfo=timezone.utc)


def ago(**kw) -> str:
    return (NOW - timedelta(**kw)).strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(name="x", age_minutes=5, **extra):
    m = {"name": name, "namespace": "ns", "creationTimestamp": ago(minutes=age_minutes)}
    m.update(extra)
    return m


# ------------------------------------------------------------------------------- columns


def test_columns_shape_and_names():
    cols = columns_for("", "Pod")
    assert [c["name"] for c in cols] == [
        "Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]
    for c in cols:
        assert set(c) == {"name", "type", "format", "description", "priority"}
    assert cols[0]["format"] == "name"
    assert cols[0]["description"].startswith("Name must be unique within a namespace.")
    assert cols[3]["type"] == "string"  # Restarts became a string column with "(5m ago)"
    assert [c["priority"] for c in cols] == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert cols[5]["description"].startswith("podIP address allocated to the pod")
    assert columns_for("core", "Pod") == cols
    assert columns_for("", "LimitRange") is None
    assert columns_for("rbac.authorization.k8s.io", "Role") is None
    assert columns_for("example.com", "Widget") is None


def test_columns_every_printer_has_columns():
    for group, kind in printed_kinds():
        assert columns_for(group, kind), (group, kind)
        assert has_printer(group, kind)
    assert len(printed_kinds()) >= 87


def test_columns_event_and_events_k8s_io_identical():
    core = columns_for("", "Event")
    assert [c["name"] for c in core] == [
        "Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"]
    assert columns_for("events.k8s.io", "Event") == core
    sub = core[4]
    assert sub["priority"] == 1 and sub["description"]  # ObjectReference.fieldPath doc


def test_columns_csidriver_complete_and_missing_swaggerdoc_empty():
    assert [c["name"] for c in columns_for("storage.k8s.io", "CSIDriver")] == [
        "Name", "AttachRequired", "PodInfoOnMount", "StorageCapacity", "TokenRequests", "RequiresRepublish",
        "Modes", "Age"]
    # RuntimeClass Handler uses ObjectMeta{}.SwaggerDoc()["handler"], which does not exist -> ""
    handler = columns_for("node.k8s.io", "RuntimeClass")[1]
    assert handler["name"] == "Handler" and handler["description"] == ""


def test_columns_returns_copies():
    cols = columns_for("", "Node")
    cols[0]["name"] = "changed"
    assert columns_for("", "Node")[0]["name"] == "Name"


def test_cell_count_matches_columns():
    # upstream quirks: IPAddress prints an extra Age cell, BrokerTemplateInstance an extra one
    quirks = {("networking.k8s.io", "IPAddress"): 3, ("template.openshift.io", "BrokerTemplateInstance"): 3}
    for group, kind in printed_kinds():
        rows = table_rows(group, kind, {"metadata": {"name": "n"}}, NOW)
        if kind.endswith("RulesReview"):
            assert rows == []
            continue
        assert len(rows[0]) == quirks.get((group, kind), len(columns_for(group, kind))), (group, kind)


# ------------------------------------------------------------------------------- pods


def pod(containers=1, statuses=None, init=None, init_statuses=None, phase="Running", conditions=None, **kw):
    spec = {"containers": [{"name": f"c{i}", "image": "img"} for i in range(containers)]}
    if init is not None:
        spec["initContainers"] = init
    spec.update(kw.pop("spec", {}))
    status = {"phase": phase}
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    if conditions is not None:
        status["conditions"] = conditions
    status.update(kw.pop("status", {}))
    return {"metadata": meta("p", **kw.pop("meta", {})), "spec": spec, "status": status}


def running(name="c0", ready=True, restarts=0, last_finished=None, started=True):
    s = {"name": name, "ready": ready, "restartCount": restarts, "started": started,
         "state": {"running": {"startedAt": ago(minutes=3)}}}
    if last_finished:
        s["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": last_finished}}
    return s


def waiting(name="c0", reason="ContainerCreating", restarts=0, last_finished=None):
    s = {"name": name, "ready": False, "restartCount": restarts, "state": {"waiting": {"reason": reason}}}
    if last_finished:
        s["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": last_finished}}
    return s


def terminated(name="c0", exit_code=0, reason=None, signal=None, restarts=0):
    t = {"exitCode": exit_code}
    if reason is not None:
        t["reason"] = reason
    if signal is not None:
        t["signal"] = signal
    return {"name": name, "ready": False, "restartCount": restarts, "state": {"terminated": t}}


READY = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}]


def cells(p):
    return row_cells("", "Pod", p, NOW)


def test_pod_running_all_columns():
    p = pod(2, [running("c0"), running("c1")], conditions=READY,
            spec={"nodeName": "node-a"}, status={"podIP": "10.0.0.1", "podIPs": [{"ip": "10.0.0.1"}]})
    assert cells(p) == ["p", "2/2", "Running", "0", "5m", "10.0.0.1", "node-a", "<none>", "<none>"]


def test_pod_pending_no_statuses():
    assert cells(pod(1, phase="Pending"))[:5] == ["p", "0/1", "Pending", "0", "5m"]
    assert cells(pod(1, phase="Pending"))[5:] == ["<none>", "<none>", "<none>", "<none>"]


def test_pod_status_reason_overrides_phase():
    p = pod(1, [terminated(exit_code=137, reason="ContainerStatusUnknown")], phase="Failed",
            status={"reason": "Evicted"})
    # the container loop still runs (no init containers) and its reason wins
    assert cells(p)[2] == "ContainerStatusUnknown"
    assert cells(pod(1, phase="Failed", status={"reason": "Evicted"}))[2] == "Evicted"


def test_pod_scheduling_gated():
    p = pod(1, phase="Pending", conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}])
    assert cells(p)[1:3] == ["0/1", "SchedulingGated"]


def test_pod_waiting_reason():
    p = pod(1, [waiting(reason="ContainerCreating")], phase="Pending")
    assert cells(p)[1:4] == ["0/1", "ContainerCreating", "0"]


def test_pod_crashloop_with_restart_age():
    p = pod(1, [waiting(reason="CrashLoopBackOff", restarts=5, last_finished=ago(minutes=5))])
    assert cells(p)[1:4] == ["0/1", "CrashLoopBackOff", "5 (5m ago)"]


def test_pod_restarts_without_last_state_have_no_age():
    assert cells(pod(1, [running(restarts=3)], conditions=READY))[3] == "3"


def test_pod_restart_age_uses_latest_termination():
    p = pod(2, [running("c0", restarts=1, last_finished=ago(hours=3)),
                running("c1", restarts=2, last_finished=ago(minutes=10))], conditions=READY)
    assert cells(p)[3] == "3 (10m ago)"


def test_pod_terminated_reason_and_exit_codes():
    assert cells(pod(1, [terminated(reason="Completed")], phase="Succeeded"))[1:3] == ["0/1", "Completed"]
    assert cells(pod(1, [terminated(exit_code=2, reason="Error")], phase="Failed"))[2] == "Error"
    assert cells(pod(1, [terminated(exit_code=137, signal=9)], phase="Failed"))[2] == "Signal:9"
    assert cells(pod(1, [terminated(exit_code=3)], phase="Failed"))[2] == "ExitCode:3"


def test_pod_completed_with_running_container():
    sts = [running("c0"), terminated("c1", reason="Completed")]
    # statuses are walked last to first; the running one makes "Completed" -> Running/NotReady
    assert cells(pod(2, sts, conditions=READY))[1:3] == ["1/2", "Running"]
    assert cells(pod(2, sts, conditions=[{"type": "Ready", "status": "False"}]))[1:3] == ["1/2", "NotReady"]


def test_pod_container_status_order_last_wins():
    # walked from the last status to the first: the first container's reason is the final one
    sts = [waiting("c0", reason="ImagePullBackOff"), waiting("c1", reason="ContainerCreating")]
    assert cells(pod(2, sts, phase="Pending"))[2] == "ImagePullBackOff"


INIT2 = [{"name": "i0", "image": "x"}, {"name": "i1", "image": "x"}]


def test_pod_init_counter():
    p = pod(1, [waiting(reason="PodInitializing")], init=INIT2,
            init_statuses=[terminated("i0", reason="Completed"), running("i1", ready=False)], phase="Pending")
    assert cells(p)[1:3] == ["0/1", "Init:1/2"]
    p = pod(1, None, init=INIT2, init_statuses=[waiting("i0", reason="PodInitializing"), waiting("i1", "PodInitializing")],
            phase="Pending")
    assert cells(p)[2] == "Init:0/2"


def test_pod_init_waiting_reason():
    p = pod(1, None, init=INIT2, phase="Pending",
            init_statuses=[waiting("i0", reason="CrashLoopBackOff", restarts=4, last_finished=ago(minutes=2)),
                           waiting("i1", reason="PodInitializing")])
    # restarts of init containers count while initializing
    assert cells(p)[1:4] == ["0/1", "Init:CrashLoopBackOff", "4 (2m ago)"]


def test_pod_init_terminated_reasons():
    def st(t):
        return cells(pod(1, None, init=INIT2, phase="Pending", init_statuses=[t, waiting("i1", "PodInitializing")]))[2]

    assert st(terminated("i0", exit_code=1, reason="Error")) == "Init:Error"
    assert st(terminated("i0", exit_code=1, reason="OOMKilled")) == "Init:OOMKilled"
    assert st(terminated("i0", exit_code=137, signal=9)) == "Init:Signal:9"
    assert st(terminated("i0", exit_code=3)) == "Init:ExitCode:3"


def test_pod_init_failed_but_initialized_condition_true():
    # Initialized=True makes the app-container loop run; a running container only counts as
    # ready (the reason is rewritten only from "Completed"), a waiting one overrides the reason.
    p = pod(1, [running("c0")], init=INIT2[:1], init_statuses=[terminated("i0", exit_code=1, reason="Error")],
            conditions=READY)
    assert cells(p)[1:3] == ["1/1", "Init:Error"]
    p = pod(1, [waiting("c0", reason="CrashLoopBackOff")], init=INIT2[:1],
            init_statuses=[terminated("i0", exit_code=1, reason="Error")], conditions=READY)
    assert cells(p)[1:3] == ["0/1", "CrashLoopBackOff"]


SIDECAR = [{"name": "side", "image": "x", "restartPolicy": "Always"}]


def test_pod_sidecar_counted_in_ready_and_total():
    p = pod(1, [running("c0")], init=SIDECAR, conditions=READY,
            init_statuses=[running("side", restarts=2, last_finished=ago(minutes=7))])
    # total = 1 container + 1 restartable init container; restarts of the sidecar are kept
    assert cells(p)[1:4] == ["2/2", "Running", "2 (7m ago)"]


def test_pod_sidecar_not_started():
    p = pod(1, [waiting("c0", reason="PodInitializing")], init=SIDECAR, phase="Pending",
            init_statuses=[running("side", ready=False, started=False)])
    assert cells(p)[1:3] == ["0/2", "Init:0/1"]


def test_pod_sidecar_started_not_ready():
    p = pod(1, [running("c0")], init=SIDECAR, conditions=[{"type": "Initialized", "status": "True"}],
            init_statuses=[running("side", ready=False, started=True)])
    assert cells(p)[1:3] == ["1/2", "Running"]


def test_pod_regular_init_restarts_dropped_after_init():
    p = pod(1, [running("c0", restarts=1)], init=INIT2[:1], conditions=READY,
            init_statuses=[terminated("i0", reason="Completed", restarts=3)])
    assert cells(p)[3] == "1"


def test_pod_terminating():
    p = pod(1, [running("c0")], conditions=READY, meta={"deletionTimestamp": ago(minutes=1)})
    assert cells(p)[2] == "Terminating"
    p = pod(1, [terminated(reason="Completed")], phase="Succeeded", meta={"deletionTimestamp": ago(minutes=1)})
    assert cells(p)[2] == "Completed"  # terminal phases are not reported as Terminating


def test_pod_node_lost():
    p = pod(1, [running("c0")], status={"reason": "NodeLost"}, meta={"deletionTimestamp": ago(minutes=1)})
    assert cells(p)[2] == "Unknown"
    # without a deletionTimestamp the pod's status.reason is printed as is
    assert cells(pod(1, [running("c0")], status={"reason": "NodeLost"}))[2] == "NodeLost"


def test_pod_readiness_gates_and_nominated_node():
    p = pod(1, [running("c0")], conditions=READY + [{"type": "g1", "status": "True"}, {"type": "g2", "status": "False"}],
            spec={"readinessGates": [{"conditionType": "g1"}, {"conditionType": "g2"}, {"conditionType": "g3"}]},
            status={"nominatedNodeName": "node-b"})
    assert cells(p)[7:] == ["node-b", "1/3"]


def test_pod_ip_from_pod_ips_and_pod_ip_authoritative():
    assert cells(pod(1, status={"podIPs": [{"ip": "fd00::1"}, {"ip": "10.0.0.2"}]}))[5] == "fd00::1"
    assert cells(pod(1, status={"podIP": "10.0.0.3", "podIPs": [{"ip": "10.9.9.9"}]}))[5] == "10.0.0.3"


def test_pod_age_unknown_without_creation_timestamp():
    p = pod(1)
    del p["metadata"]["creationTimestamp"]
    assert cells(p)[4] == "<unknown>"


# ------------------------------------------------------------------------------- nodes


def node(conditions, labels=None, unschedulable=False, info=None, addresses=None):
    return {
        "metadata": meta("n1", age_minutes=60 * 50, labels=labels or {}),
        "spec": {"unschedulable": True} if unschedulable else {},
        "status": {"conditions": conditions, "nodeInfo": info if info is not None else {
            "kubeletVersion": "v1.33.1", "osImage": "RHCOS", "kernelVersion": "5.14", "containerRuntimeVersion": "cri-o://1.33"},
            "addresses": addresses or []},
    }


def test_node_ready_roles_and_wide():
    n = node([{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
             labels={"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/infra": "",
                     "kubernetes.io/role": "edge", "node-role.kubernetes.io/": ""},
             addresses=[{"type": "Hostname", "address": "n1"}, {"type": "InternalIP", "address": "10.0.0.5"},
                        {"type": "ExternalIP", "address": "1.2.3.4"}, {"type": "InternalIP", "address": "10.0.0.6"}])
    assert row_cells("", "Node", n, NOW) == [
        "n1", "Ready", "edge,infra,worker", "2d2h", "v1.33.1", "10.0.0.5", "1.2.3.4", "RHCOS", "5.14", "cri-o://1.33"]


def test_node_not_ready_scheduling_disabled_unknown():
    n = node([{"type": "Ready", "status": "Unknown"}], unschedulable=True, info={})
    assert row_cells("", "Node", n, NOW)[1:3] == ["NotReady,SchedulingDisabled", "<none>"]
    assert row_cells("", "Node", n, NOW)[5:] == ["<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]
    assert row_cells("", "Node", node([]), NOW)[1] == "Unknown"
    assert row_cells("", "Node", node([], unschedulable=True), NOW)[1] == "Unknown,SchedulingDisabled"


# ------------------------------------------------------------------------------- events


def core_event(**kw):
    e = {
        "apiVersion": "v1", "kind": "Event",
        "metadata": meta("web.17a", age_minutes=10),
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "ns", "fieldPath": "spec.containers{app}"},
        "reason": "BackOff", "message": "  Back-off restarting failed container\n", "type": "Warning",
        "source": {"component": "kubelet", "host": "node-a"},
        "firstTimestamp": ago(minutes=10), "lastTimestamp": ago(minutes=2), "count": 7,
    }
    e.update(kw)
    return e


def test_event_core_v1():
    assert row_cells("", "Event", core_event(), NOW) == [
        "2m", "Warning", "BackOff", "pod/web", "spec.containers{app}", "kubelet, node-a",
        "Back-off restarting failed container", "10m", 7, "web.17a"]


def test_event_event_time_series_and_singleton():
    e = core_event(firstTimestamp=None, lastTimestamp=None, count=None, source={},
                   eventTime="2023-03-08T13:30:00.123456Z", reportingComponent="sched", reportingInstance="sched-1",
                   involvedObject={"kind": "Node"})
    c = row_cells("", "Event", e, NOW)
    assert c[0] == "29m" and c[7] == "29m" and c[8] == 1
    assert c[3] == "node" and c[5] == "sched, sched-1"
    e["series"] = {"count": 4, "lastObservedTime": "2023-03-08T13:59:00.000000Z"}
    c = row_cells("", "Event", e, NOW)
    assert c[0] == "60s" and c[8] == 4
    e = core_event(lastTimestamp=None)
    assert row_cells("", "Event", e, NOW)[0] == "10m"  # last seen falls back to first seen
    e = core_event(source={"component": "kubelet"})
    assert row_cells("", "Event", e, NOW)[5] == "kubelet"


def test_events_k8s_io_v1_prints_like_core():
    v1 = {
        "apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": meta("web.17a", age_minutes=10),
        "regarding": {"kind": "Pod", "name": "web", "namespace": "ns", "fieldPath": "spec.containers{app}"},
        "reason": "BackOff", "note": "  Back-off restarting failed container\n", "type": "Warning",
        "deprecatedSource": {"component": "kubelet", "host": "node-a"},
        "deprecatedFirstTimestamp": ago(minutes=10), "deprecatedLastTimestamp": ago(minutes=2),
        "deprecatedCount": 7, "eventTime": None,
    }
    assert row_cells("events.k8s.io", "Event", v1, NOW) == row_cells("", "Event", core_event(), NOW)
    v1b = dict(v1, deprecatedSource=None, deprecatedFirstTimestamp=None, deprecatedLastTimestamp=None,
               deprecatedCount=None, eventTime="2023-03-08T13:50:00.000000Z", reportingController="ctrl",
               reportingInstance="ctrl-0", series={"count": 3, "lastObservedTime": "2023-03-08T13:55:00.000000Z"})
    c = row_cells("events.k8s.io", "Event", v1b, NOW)
    assert c[0] == "5m" and c[5] == "ctrl, ctrl-0" and c[7] == "10m" and c[8] == 3


# ------------------------------------------------------------------------------- other kinds

LABELSEL = {"matchLabels": {"app": "web", "tier": "fe"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]},
                                 {"key": "zz", "operator": "DoesNotExist"}]}
SELSTR = "app=web,env in (dev,prod),tier=fe,!zz"
TEMPLATE = {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "a", "image": "ia"}, {"name": "b", "image": "ib"}]}}


def o(**kw):
    d = {"metadata": meta("obj")}
    d.update(kw)
    return d


CASES = [
    ("", "PodTemplate", o(template=TEMPLATE), ["obj", "a,b", "ia,ib", "app=web"]),
    ("", "ReplicationController",
     o(spec={"replicas": 3, "selector": {"app": "web"}, "template": TEMPLATE}, status={"replicas": 3, "readyReplicas": 2}),
     ["obj", 3, 3, 2, "5m", "a,b", "ia,ib", "app=web"]),
    ("", "Service",
     o(spec={"type": "NodePort", "clusterIP": "172.30.0.10", "clusterIPs": ["172.30.0.10"], "selector": {"app": "web"},
             "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}),
     ["obj", "NodePort", "172.30.0.10", "<none>", "80:30080/TCP,53/UDP", "5m", "app=web"]),
    ("", "Service",
     o(spec={"type": "LoadBalancer", "clusterIP": "None", "ports": []},
       status={"loadBalancer": {"ingress": [{"hostname": "b.example.com"}, {"ip": "1.2.3.4"}]}}),
     ["obj", "LoadBalancer", "None", "1.2.3.4,b.example.com", "<none>", "5m", "<none>"]),
    ("", "Service", o(spec={"type": "LoadBalancer", "clusterIP": "10.0.0.1"}),
     ["obj", "LoadBalancer", "10.0.0.1", "<pending>", "<none>", "5m", "<none>"]),
    ("", "Service", o(spec={"type": "ExternalName", "externalName": "db.example.com"}),
     ["obj", "ExternalName", "<none>", "db.example.com", "<none>", "5m", "<none>"]),
    ("", "Endpoints",
     o(subsets=[{"addresses": [{"ip": "10.0.0.1"}, {"ip": "fd00::2"}], "ports": [{"port": 8080}, {"port": 9090}]}]),
     ["obj", "10.0.0.1:8080,[fd00::2]:8080,10.0.0.1:9090 + 1 more...", "5m"]),
    ("", "Endpoints", o(), ["obj", "<none>", "5m"]),
    ("", "Namespace", o(status={"phase": "Active"}), ["obj", "Active", "5m"]),
    ("", "Secret", o(type="kubernetes.io/tls", data={"tls.crt": "", "tls.key": ""}),
     ["obj", "kubernetes.io/tls", 2, "5m"]),
    ("", "ServiceAccount", o(secrets=[{"name": "s"}]), ["obj", 1, "5m"]),
    ("", "ConfigMap", o(data={"a": "1"}, binaryData={"b": ""}), ["obj", 2, "5m"]),
    ("", "PersistentVolume",
     o(spec={"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
             "persistentVolumeReclaimPolicy": "Delete", "claimRef": {"namespace": "ns", "name": "data"},
             "storageClassName": "gp3", "volumeMode": "Filesystem"}, status={"phase": "Bound"}),
     ["obj", "10Gi", "RWO,RWX", "Delete", "Bound", "ns/data", "gp3", "<unset>", "", "5m", "Filesystem"]),
    ("", "PersistentVolumeClaim",
     o(spec={"volumeName": "pv-1", "storageClassName": "gp3", "volumeAttributesClassName": "fast",
             "volumeMode": "Block"},
       status={"phase": "Bound", "capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOncePod"]}),
     ["obj", "Bound", "pv-1", "5Gi", "RWOP", "gp3", "fast", "5m", "Block"]),
    ("", "PersistentVolumeClaim",
     o(metadata=meta("obj", deletionTimestamp=ago(minutes=1),
                     annotations={"volume.beta.kubernetes.io/storage-class": "old"}),
       spec={"storageClassName": "gp3"}, status={"phase": "Pending"}),
     ["obj", "Terminating", "", "", "", "old", "<unset>", "5m", "Filesystem"]),
    ("", "ComponentStatus", o(conditions=[{"type": "Healthy", "status": "True", "message": "ok"}]),
     ["obj", "Healthy", "ok", ""]),
    ("", "ResourceQuota",
     o(status={"hard": {"pods": "10", "limits.cpu": "4", "requests.cpu": "2"},
               "used": {"pods": "3", "limits.cpu": "1"}}),
     ["obj", "pods: 3/10, requests.cpu: 0/2", "limits.cpu: 1/4", "5m"]),
    ("policy", "PodDisruptionBudget", o(spec={"minAvailable": "50%"}, status={"disruptionsAllowed": 1}),
     ["obj", "50%", "N/A", 1, "5m"]),
    ("apps", "ReplicaSet",
     o(spec={"replicas": 2, "selector": LABELSEL, "template": TEMPLATE}, status={"replicas": 2, "readyReplicas": 1}),
     ["obj", 2, 2, 1, "5m", "a,b", "ia,ib", SELSTR]),
    ("apps", "DaemonSet",
     o(spec={"selector": {"matchLabels": {"app": "ds"}},
             "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}, "containers": [{"name": "a", "image": "ia"}]}}},
       status={"desiredNumberScheduled": 6, "currentNumberScheduled": 6, "numberReady": 5,
               "updatedNumberScheduled": 6, "numberAvailable": 5}),
     ["obj", 6, 6, 5, 6, 5, "kubernetes.io/os=linux", "5m", "a", "ia", "app=ds"]),
    ("apps", "StatefulSet", o(spec={"replicas": 3, "template": TEMPLATE}, status={"readyReplicas": 3}),
     ["obj", "3/3", "5m", "a,b", "ia,ib"]),
    ("apps", "Deployment",
     o(spec={"replicas": 3, "selector": LABELSEL, "template": TEMPLATE},
       status={"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}),
     ["obj", "2/3", 3, 2, "5m", "a,b", "ia,ib", SELSTR]),
    ("apps", "Deployment", o(spec={"selector": {"matchExpressions": [{"key": "a", "operator": "Bogus"}]}}),
     ["obj", "0/1", 0, 0, "5m", "", "", "<invalid>"]),
    ("apps", "ControllerRevision",
     o(metadata=meta("obj", ownerReferences=[{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "dns", "controller": True}]),
       revision=4),
     ["obj", "daemonset.apps/dns", 4, "5m"]),
    ("apps", "ControllerRevision", o(revision=1), ["obj", "<none>", 1, "5m"]),
    ("batch", "Job",
     o(spec={"completions": 3, "parallelism": 1, "selector": {"matchLabels": {"job": "x"}}, "template": TEMPLATE},
       status={"succeeded": 3, "startTime": ago(minutes=4), "completionTime": ago(minutes=1),
               "conditions": [{"type": "Complete", "status": "True"}]}),
     ["obj", "Complete", "3/3", "3m", "5m", "a,b", "ia,ib", "job=x"]),
    ("batch", "Job", o(spec={"parallelism": 4}, status={"startTime": ago(seconds=90)}),
     ["obj", "Running", "0/1 of 4", "90s", "5m", "", "", "<none>"]),
    ("batch", "Job", o(spec={}, status={"conditions": [{"type": "Suspended", "status": "True"}]}),
     ["obj", "Suspended", "0/1", "", "5m", "", "", "<none>"]),
    ("batch", "CronJob",
     o(spec={"schedule": "*/5 * * * *", "suspend": False, "jobTemplate": {"spec": {"template": TEMPLATE}}},
       status={"active": [{"name": "j"}], "lastScheduleTime": ago(minutes=3)}),
     ["obj", "*/5 * * * *", "<none>", "False", 1, "3m", "5m", "a,b", "ia,ib", "<none>"]),
    ("autoscaling", "HorizontalPodAutoscaler",
     o(spec={"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 5,
             "metrics": [{"type": "Resource",
                          "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}},
                         {"type": "Pods", "pods": {"target": {"averageValue": "1k"}}},
                         {"type": "External", "external": {"target": {"value": "10"}}}]},
       status={"currentReplicas": 3, "currentMetrics": [
           {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 45}}}]}),
     ["obj", "Deployment/web", "cpu: 45%/80%, <unknown>/1k + 1 more...", "2", 5, 3, "5m"]),
    ("autoscaling", "HorizontalPodAutoscaler",  # External/Object: value vs (avg), current from status
     o(spec={"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5,
             "metrics": [{"type": "Object", "object": {"target": {"averageValue": "5"}}},
                         {"type": "External", "external": {"target": {"value": "10"}}}]},
       status={"currentReplicas": 2, "currentMetrics": [
           {"type": "Object", "object": {"current": {"averageValue": "3"}}},
           {"type": "External", "external": {"current": {"value": "7"}}}]}),
     ["obj", "Deployment/web", "3/5 (avg), 7/10", "<unset>", 5, 2, "5m"]),
    ("autoscaling", "HorizontalPodAutoscaler",
     o(spec={"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5,
             "targetCPUUtilizationPercentage": 70}, status={"currentReplicas": 1}),
     ["obj", "Deployment/web", "cpu: <unknown>/70%", "<unset>", 5, 1, "5m"]),
    ("autoscaling", "Scale", o(spec={"replicas": 3}, status={"replicas": 2}), ["obj", 3, 2, "5m"]),
    ("networking.k8s.io", "Ingress",
     o(spec={"ingressClassName": "nginx", "rules": [{"host": "a"}, {"host": "b"}, {}, {"host": "c"}, {"host": "d"}],
             "tls": [{}]}, status={"loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}}),
     ["obj", "nginx", "a,b,c + 2 more...", "1.1.1.1", "80, 443", "5m"]),
    ("networking.k8s.io", "Ingress", o(spec={}), ["obj", "<none>", "*", "", "80", "5m"]),
    ("networking.k8s.io", "IngressClass",
     o(spec={"controller": "k8s.io/ingress-nginx", "parameters": {"kind": "Params", "apiGroup": "example.com", "name": "p"}}),
     ["obj", "k8s.io/ingress-nginx", "Params.example.com/p", "5m"]),
    ("networking.k8s.io", "NetworkPolicy", o(spec={"podSelector": {}}), ["obj", "<none>", "5m"]),
    ("networking.k8s.io", "ServiceCIDR", o(spec={"cidrs": ["10.0.0.0/16", "fd00::/108"]}),
     ["obj", "10.0.0.0/16,fd00::/108", "5m"]),
    ("networking.k8s.io", "IPAddress",
     o(spec={"parentRef": {"group": "", "resource": "services", "namespace": "default", "name": "kubernetes"}}),
     ["obj", "services/default/kubernetes", "5m"]),
    ("discovery.k8s.io", "EndpointSlice",
     o(addressType="IPv4", ports=[{"port": 80}, {"name": "dns"}, {}, {"port": 1}],
       endpoints=[{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2", "10.0.0.3", "10.0.0.4"]}]),
     ["obj", "IPv4", "80,dns,* + 1 more...", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "5m"]),
    ("discovery.k8s.io", "EndpointSlice", o(addressType="IPv6"), ["obj", "IPv6", "<unset>", "<unset>", "5m"]),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding",
     o(roleRef={"kind": "ClusterRole", "name": "admin"},
       subjects=[{"kind": "User", "name": "alice"}, {"kind": "Group", "name": "devs"},
                 {"kind": "ServiceAccount", "namespace": "ns", "name": "sa"}, {"kind": "User", "name": "bob"}]),
     ["obj", "ClusterRole/admin", "5m", "alice, bob", "devs", "ns/sa"]),
    ("rbac.authorization.k8s.io", "RoleBinding",
     o(roleRef={"kind": "Role", "name": "view"}, subjects=[{"kind": "ServiceAccount", "namespace": "a", "name": "b"}]),
     ["obj", "Role/view", "5m", "", "", "a/b"]),
    ("certificates.k8s.io", "CertificateSigningRequest",
     o(spec={"signerName": "kubernetes.io/kubelet-serving", "username": "system:node:n1", "expirationSeconds": 86400},
       status={"conditions": [{"type": "Approved"}], "certificate": "Zm9v"}),
     ["obj", "5m", "kubernetes.io/kubelet-serving", "system:node:n1", "24h", "Approved,Issued"]),
    ("certificates.k8s.io", "CertificateSigningRequest", o(spec={}, status={"conditions": [{"type": "Failed"}]}),
     ["obj", "5m", "<none>", "", "<none>", "Pending,Failed"]),
    ("certificates.k8s.io", "ClusterTrustBundle", o(spec={}), ["obj", "<none>"]),
    ("certificates.k8s.io", "PodCertificateRequest",
     o(spec={"podName": "p", "serviceAccountName": "sa", "nodeName": "n", "signerName": "s"},
       status={"conditions": [{"type": "Issued", "status": "True"}]}),
     ["obj", "p", "sa", "n", "s", "Issued"]),
    ("coordination.k8s.io", "Lease", o(spec={"holderIdentity": "me"}), ["obj", "me", "5m"]),
    ("coordination.k8s.io", "LeaseCandidate",
     o(spec={"leaseName": "kcm", "binaryVersion": "1.33.0", "emulationVersion": "1.33"}),
     ["obj", "kcm", "1.33.0", "1.33", "5m"]),
    ("storage.k8s.io", "StorageClass",
     o(metadata=meta("obj", annotations={"storageclass.kubernetes.io/is-default-class": "true"}),
       provisioner="ebs.csi.aws.com", volumeBindingMode="WaitForFirstConsumer", allowVolumeExpansion=True),
     ["obj (default)", "ebs.csi.aws.com", "Delete", "WaitForFirstConsumer", True, "5m"]),
    ("storage.k8s.io", "VolumeAttributesClass", o(driverName="d"), ["obj", "d", "5m"]),
    ("storage.k8s.io", "VolumeAttachment",
     o(spec={"attacher": "csi", "nodeName": "n1", "source": {"persistentVolumeName": "pv"}}, status={"attached": True}),
     ["obj", "csi", "pv", "n1", True, "5m"]),
    ("storage.k8s.io", "CSINode", o(spec={"drivers": [{"name": "a"}]}), ["obj", 1, "5m"]),
    ("storage.k8s.io", "CSIDriver",
     o(spec={"attachRequired": False, "podInfoOnMount": True, "tokenRequests": [{"audience": "a"}, {"audience": "b"}],
             "volumeLifecycleModes": ["Persistent", "Ephemeral"]}),
     ["obj", False, True, False, "a,b", False, "Persistent,Ephemeral", "5m"]),
    ("storage.k8s.io", "CSIDriver", o(spec={}), ["obj", True, False, False, "<unset>", False, "Persistent", "5m"]),
    ("storage.k8s.io", "CSIStorageCapacity", o(storageClassName="sc", capacity="100Gi"), ["obj", "sc", "100Gi"]),
    ("storage.k8s.io", "CSIStorageCapacity", o(storageClassName="sc"), ["obj", "sc", "<unset>"]),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", o(webhooks=[{}, {}]), ["obj", 2, "5m"]),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration", o(), ["obj", 0, "5m"]),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy",
     o(spec={"validations": [{}], "paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}}),
     ["obj", 1, "v1/ConfigMap", "5m"]),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy", o(spec={"mutations": [{}, {}]}),
     ["obj", 2, "<unset>", "5m"]),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding",
     o(spec={"policyName": "p", "paramRef": {"name": "cfg"}}), ["obj", "p", "*/cfg", "5m"]),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding",
     o(spec={"policyName": "p", "paramRef": {"selector": {"matchLabels": {"a": "b"}}}}),
     ["obj", "p", "&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},}",
      "5m"]),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema",
     o(spec={"priorityLevelConfiguration": {"name": "workload-low"}, "matchingPrecedence": 9000,
             "distinguisherMethod": {"type": "ByUser"}},
       status={"conditions": [{"type": "Dangling", "status": "False"}]}),
     ["obj", "workload-low", 9000, "ByUser", "5m", "False"]),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration",
     o(spec={"type": "Limited", "limited": {"nominalConcurrencyShares": 100,
                                            "limitResponse": {
                                                "type": "Queue",
                                                "queuing": {"queues": 128, "handSize": 6, "queueLengthLimit": 50}}}}),
     ["obj", "Limited", 100, 128, 6, 50, "5m"]),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration", o(spec={"type": "Exempt", "exempt": {}}),
     ["obj", "Exempt", "<none>", "<none>", "<none>", "<none>", "5m"]),
    ("internal.apiserver.k8s.io", "StorageVersion",
     o(status={"commonEncodingVersion": "v1", "storageVersions": [
         {"apiServerID": f"a{i}", "encodingVersion": "v1"} for i in range(4)]}),
     ["obj", "v1", "a0=v1,a1=v1,a2=v1 + 1 more...", "5m"]),
    ("scheduling.k8s.io", "PriorityClass", o(value=2000000000, globalDefault=False, preemptionPolicy="Never"),
     ["obj", 2000000000, False, "5m", "Never"]),
    ("node.k8s.io", "RuntimeClass", o(handler="runc"), ["obj", "runc", "5m"]),
    ("resource.k8s.io", "DeviceClass", o(), ["obj", "5m"]),
    ("resource.k8s.io", "ResourceClaimTemplate", o(), ["obj", "5m"]),
    ("resource.k8s.io", "ResourceClaim", o(status={"allocation": {}, "reservedFor": [{}]}),
     ["obj", "allocated,reserved", "5m"]),
    ("resource.k8s.io", "ResourceClaim", o(metadata=meta("obj", deletionTimestamp=ago(minutes=1))),
     ["obj", "deleted", "5m"]),
    ("resource.k8s.io", "ResourceSlice", o(spec={"nodeName": "n", "driver": "gpu.example.com", "pool": {"name": "p"}}),
     ["obj", "n", "gpu.example.com", "p", "5m"]),
    ("resource.k8s.io", "DeviceTaintRule",
     o(spec={"taint": {"key": "k", "value": "v", "effect": "NoExecute", "timeAdded": ago(minutes=2)}}),
     ["obj", "k", "v", "NoExecute", "2m", "5m"]),
    ("storagemigration.k8s.io", "StorageVersionMigration",
     o(spec={"resource": {"group": "apps", "version": "v1", "resource": "deployments"}}),
     ["obj", "deployments.v1.apps"]),
]


@pytest.mark.parametrize("group,kind,obj,expected", CASES, ids=[f"{c[0] or 'core'}/{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_kind_cells(group, kind, obj, expected):
    assert row_cells(group, kind, obj, NOW) == expected


# ------------------------------------------------------------------------------- OpenShift

OS_CASES = [
    ("route.openshift.io", "Route",
     o(spec={"host": "app.apps.example.com", "path": "/api", "to": {"kind": "Service", "name": "web", "weight": 100},
             "port": {"targetPort": "https"}, "tls": {"termination": "edge", "insecureEdgeTerminationPolicy": "Redirect"},
             "wildcardPolicy": "None"},
       status={"ingress": [{"host": "app.apps.example.com", "conditions": [{"type": "Admitted", "status": "True"}]}]}),
     ["obj", "app.apps.example.com", "/api", "web", "https", "edge/Redirect", "None"]),
    ("route.openshift.io", "Route",
     o(spec={"host": "h", "to": {"name": "a", "weight": 3}, "alternateBackends": [{"name": "b", "weight": 1}]},
       status={"ingress": [{"host": "h", "conditions": [{"type": "Admitted", "status": "True"}]},
                           {"host": "h2", "conditions": [{"type": "Admitted", "status": "True"}]}]}),
     ["obj", "h ... 1 more", "", "a(75%),b(25%)", "<all>", "", "None"]),
    ("route.openshift.io", "Route",
     o(spec={"host": "h", "to": {"name": "a"}, "port": {"targetPort": 8080}, "tls": {"insecureEdgeTerminationPolicy": "Allow"}},
       status={"ingress": [{"host": "h",
                            "conditions": [{"type": "Admitted", "status": "False", "reason": "HostAlreadyClaimed"}]}]}),
     ["obj", "HostAlreadyClaimed", "", "a", "8080", "default/Allow", "None"]),
    ("route.openshift.io", "Route", o(spec={"host": "h", "to": {"name": "a"}}, status={"ingress": []}),
     ["obj", "Pending", "", "a", "<all>", "", "None"]),
    ("route.openshift.io", "Route", o(spec={"host": "h", "to": {"name": "a", "weight": 0}}),
     ["obj", "h", "", "a(0%)", "<all>", "", "None"]),
    ("build.openshift.io", "Build",
     o(spec={"strategy": {"dockerStrategy": {}},
             "source": {"git": {"uri": "https://x", "ref": "main"}},
             "revision": {"git": {"commit": "0123456789abcdef0123456789abcdef01234567"}}},
       status={"phase": "Failed", "reason": "DockerBuildFailed", "startTimestamp": ago(hours=3),
               "duration": 95_000_000_000}),
     ["obj", "Docker", "Git@0123456", "Failed (DockerBuildFailed)", "3 hours ago", "1m35s"]),
    ("build.openshift.io", "Build", o(spec={"strategy": {"sourceStrategy": {}}, "source": {"binary": {}}},
                                      status={"phase": "New"}),
     ["obj", "Source", "Binary", "New", "", ""]),
    ("build.openshift.io", "BuildConfig",
     o(spec={"strategy": {"customStrategy": {"from": {"kind": "DockerImage", "name": "builder:latest"}}}},
       status={"lastVersion": 4}),
     ["obj", "Custom", "builder:latest", 4]),
    ("build.openshift.io", "BuildConfig",
     o(spec={"strategy": {"jenkinsPipelineStrategy": {}}, "source": {"dockerfile": "FROM x", "git": {"uri": "u"}}},
       status={"lastVersion": 0}),
     ["obj", "JenkinsPipeline", "Dockerfile,Git", 0]),
    ("image.openshift.io", "Image", o(dockerImageReference="quay.io/x@sha256:1"), ["obj", "quay.io/x@sha256:1"]),
    ("image.openshift.io", "ImageStream",
     o(spec={}, status={"dockerImageRepository": "image-registry/ns/obj",
                        "publicDockerImageRepository": "default-route/ns/obj",
                        "tags": [{"tag": "v1", "items": [{"created": ago(days=3)}]},
                                 {"tag": "latest", "items": [{"created": ago(minutes=30)}]},
                                 {"tag": "b", "items": [{"created": ago(days=3)}]}]}),
     ["obj", "default-route/ns/obj", "latest,b,v1", "30 minutes ago"]),
    ("image.openshift.io", "ImageStream",
     o(spec={"dockerImageRepository": "spec/repo"},
       status={"tags": [{"tag": f"tag-number-{i:02d}", "items": []} for i in range(6)]}),
     ["obj", "spec/repo", "tag-number-00,tag-number-01,tag-number-02 + 3 more...", ""]),
    ("image.openshift.io", "ImageStreamTag",
     o(image={"metadata": {"name": "sha256:1"}, "dockerImageReference": "quay.io/x@sha256:1"}),
     ["obj", "quay.io/x@sha256:1", "5 minutes ago", "sha256:1"]),
    ("image.openshift.io", "ImageStreamImage",
     o(image={"metadata": {"name": "sha256:1"}, "dockerImageReference": "quay.io/x@sha256:1"}),
     ["obj", "5 minutes ago", "quay.io/x@sha256:1", "sha256:1"]),
    ("image.openshift.io", "ImageTag",
     o(spec={"from": {"kind": "DockerImage", "name": "quay.io/x:1"}, "generation": 2, "importPolicy": {"scheduled": True}},
       status={"items": [{"created": ago(hours=2), "image": "sha256:1", "generation": 2}]}),
     ["obj", "Scheduled", "image/sha256:1", 1, "2 hours ago"]),
    ("image.openshift.io", "ImageTag", o(spec={"from": {"kind": "ImageStreamTag", "name": "other"}}),
     ["obj", "Track", "istag/other", None, ""]),
    ("image.openshift.io", "ImageTag",
     o(status={"items": [{"created": ago(minutes=10), "dockerImageReference": "reg/x@sha256:2"}],
               "conditions": [{"type": "ImportSuccess", "status": "False", "reason": "NotFound",
                               "lastTransitionTime": ago(minutes=1)}]}),
     ["obj", "Push", "ImportFailed (NotFound)", 1, "About a minute ago"]),
    ("apps.openshift.io", "DeploymentConfig",
     o(spec={"replicas": 2, "test": True,
             "template": {"spec": {"containers": [{"name": "a"}, {"name": "b"}]}},
             "triggers": [{"type": "ConfigChange"},
                          {"type": "ImageChange",
                           "imageChangeParams": {"automatic": True, "containerNames": ["z", "a"],
                                                 "from": {"kind": "ImageStreamTag", "name": "app:latest"}}},
                          {"type": "ImageChange", "imageChangeParams": {"automatic": False, "containerNames": ["a"],
                                                                        "from": {"kind": "ImageStreamTag", "name": "x:1"}}}]},
       status={"latestVersion": 7, "updatedReplicas": 2}),
     ["obj", 7, "2 (during test)", 2, "config,image(a,z:app:latest)"]),
    ("template.openshift.io", "Template",
     o(metadata=meta("obj", annotations={"description": "first line\nsecond"}),
       parameters=[{"name": "A", "value": "1"}, {"name": "B", "generate": "expression"}, {"name": "C"}],
       objects=[{}, {}]),
     ["obj", "first line...", "3 (1 blank)", 2]),
    ("template.openshift.io", "Template",
     o(metadata=meta("obj", annotations={"description": "x" * 100}), parameters=[{"name": "B", "generate": "e"}]),
     ["obj", "x" * 77 + "...", "1 (1 generated)", 0]),
    ("template.openshift.io", "TemplateInstance", o(spec={"template": {"metadata": {"name": "tmpl"}}}), ["obj", "tmpl"]),
    ("template.openshift.io", "BrokerTemplateInstance",
     o(spec={"templateInstance": {"namespace": "ns", "name": "ti"}}), ["obj", "ns", "ti"]),
    ("project.openshift.io", "Project",
     o(metadata=meta("obj", annotations={"openshift.io/display-name": "My Project"}), status={"phase": "Active"}),
     ["obj", "My Project", "Active"]),
    ("quota.openshift.io", "ClusterResourceQuota",
     o(spec={"selector": {"labels": {"matchLabels": {"team": "a"}}, "annotations": {"openshift.io/requester": "bob"}}}),
     ["obj", "team=a", {"openshift.io/requester": "bob"}]),
    ("quota.openshift.io", "AppliedClusterResourceQuota", o(spec={"selector": {}}), ["obj", "<none>", None]),
    ("security.openshift.io", "SecurityContextConstraints",
     o(allowPrivilegedContainer=True, allowedCapabilities=["NET_ADMIN", "SYS_ADMIN"], seLinuxContext={"type": "RunAsAny"},
       runAsUser={"type": "MustRunAsRange"}, fsGroup={"type": "MustRunAs"}, supplementalGroups={"type": "RunAsAny"},
       priority=10, readOnlyRootFilesystem=False, volumes=["configMap", "secret"]),
     ["obj", True, "NET_ADMIN,SYS_ADMIN", "RunAsAny", "MustRunAsRange", "MustRunAs", "RunAsAny", "10", False,
      "configMap,secret"]),
    ("security.openshift.io", "SecurityContextConstraints", o(),
     ["obj", False, "", "", "", "", "", "<none>", False, ""]),
    ("security.openshift.io", "RangeAllocation",
     o(range="1000000000-1999999999/10000", data=base64.b64encode(b"\x01\xff").decode()),
     ["obj", "1000000000-1999999999/10000", "0x01ff"]),
    ("authorization.openshift.io", "ClusterRole", o(), ["obj"]),
    ("authorization.openshift.io", "Role", o(), ["obj"]),
    ("authorization.openshift.io", "RoleBinding",
     o(roleRef={"name": "edit"},
       subjects=[{"kind": "User", "name": f"u{i}"} for i in range(7)]
       + [{"kind": "SystemGroup", "name": "system:authenticated"},
          {"kind": "ServiceAccount", "namespace": "ns", "name": "local"},
          {"kind": "ServiceAccount", "namespace": "other", "name": "remote"},
          {"kind": "Weird", "namespace": "n", "name": "w"}]),
     ["obj", "/edit", "u0, u1, u2, u3, u4 (2 more)", "system:authenticated", "local, other/remote", "Weird/n/w"]),
    ("authorization.openshift.io", "ClusterRoleBinding",
     o(metadata={"name": "obj"}, roleRef={"name": "cluster-admin"},
       subjects=[{"kind": "ServiceAccount", "namespace": "ns", "name": "sa"}, {"kind": "Group", "name": "g"}]),
     ["obj", "/cluster-admin", "", "g", "ns/sa", ""]),
    ("authorization.openshift.io", "RoleBindingRestriction",
     o(spec={"userrestriction": {"users": ["a", "b"], "groups": ["g"], "labels": [{"matchLabels": {"x": "y"}}]}}),
     ["obj", "User", "a, b, group(g) + 1 more..."]),
    ("authorization.openshift.io", "RoleBindingRestriction",
     o(spec={"serviceaccountrestriction": {"serviceaccounts": [{"namespace": "ns", "name": "sa"}], "namespaces": ["p"]}}),
     ["obj", "ServiceAccount", "ns/sa, p/*"]),
    ("authorization.openshift.io", "RoleBindingRestriction", o(spec={}), ["obj", "<unknown>", "<none>"]),
    ("authorization.openshift.io", "IsPersonalSubjectAccessReview", o(), ["IsPersonalSubjectAccessReview"]),
]


@pytest.mark.parametrize("group,kind,obj,expected", OS_CASES, ids=[f"{c[0]}/{c[1]}-{i}" for i, c in enumerate(OS_CASES)])
def test_openshift_cells(group, kind, obj, expected):
    assert row_cells(group, kind, obj, NOW) == expected


def test_rules_review_multi_row():
    obj = {"status": {"rules": [
        {"verbs": ["list", "get", "get"], "apiGroups": ["", "apps"], "resources": ["pods"]},
        {"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]}}
    rows = table_rows("authorization.openshift.io", "SelfSubjectRulesReview", obj, NOW)
    assert rows == [[["get", "list"], [], [], ["", "apps"], ["pods"]], [["get"], ["/healthz"], [], [], []]]
    assert row_cells("authorization.openshift.io", "SubjectRulesReview", obj, NOW) == rows[0]


def test_unknown_kind_raises():
    with pytest.raises(KeyError):
        row_cells("example.com", "Widget", {}, NOW)


def test_naive_now_is_utc():
    p = pod(1)
    assert row_cells("", "Pod", p, NOW.replace(tzinfo=None))[4] == "5m"


# ------------------------------------------------------------------------------- real samples

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "resourcewatch-okd-3nodes"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not available")


_CACHE: dict[str, object] = {}


def _load(pattern, exclude=()):
    yaml = pytest.importorskip("yaml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for f in sorted(glob.glob(str(SAMPLES / pattern))):
        if any(x in f for x in exclude):
            continue
        if f not in _CACHE:
            with open(f, "rb") as fh:
                _CACHE[f] = yaml.load(fh, Loader=loader)
        yield f, _CACHE[f]


@pytest.mark.samples
@needs_samples
def test_samples_pods_without_init_containers():
    """Independent expectation for pods without init containers or deletion: READY counts
    running+ready containers, STATUS is the phase for all-running pods or the single
    terminated reason for finished ones, RESTARTS is the plain sum when no lastState exists."""
    checked = 0
    for f, p in _load("namespaces/*/core/pods/*.yaml"):
        spec, st = p["spec"], p.get("status", {})
        if spec.get("initContainers") or p["metadata"].get("deletionTimestamp"):
            continue
        css = st.get("containerStatuses") or []
        c = row_cells("", "Pod", p, NOW)
        ready = sum(1 for cs in css if cs.get("ready") and "running" in (cs.get("state") or {}))
        assert c[1] == f"{ready}/{len(spec['containers'])}", f
        states = [next(iter(cs.get("state") or {"none": 0})) for cs in css]
        if st.get("phase") == "Running" and states and all(s == "running" for s in states):
            assert c[2] == "Running", f
        reasons = {cs["state"]["terminated"].get("reason") for cs in css if "terminated" in cs["state"]}
        if st.get("phase") in ("Succeeded", "Failed") and all(s == "terminated" for s in states) and len(reasons) == 1:
            assert c[2] == reasons.pop(), f
        if not any((cs.get("lastState") or {}).get("terminated") for cs in css):
            assert c[3] == str(sum(cs.get("restartCount", 0) for cs in css)), f
        assert c[0] == p["metadata"]["name"]
        assert c[5] == (st.get("podIP") or "<none>")
        assert c[6] == (spec.get("nodeName") or "<none>")
        checked += 1
    assert checked > 100


@pytest.mark.samples
@needs_samples
def test_samples_pods_with_init_containers_finished():
    """Pods whose init containers all exited 0 print the app-container status."""
    checked = 0
    for f, p in _load("namespaces/*/core/pods/*.yaml"):
        st = p.get("status", {})
        ics = st.get("initContainerStatuses") or []
        if not ics or p["metadata"].get("deletionTimestamp"):
            continue
        if not all((cs.get("state") or {}).get("terminated", {}).get("exitCode", 1) == 0 for cs in ics):
            continue
        css = st.get("containerStatuses") or []
        if st.get("phase") == "Running" and css and all(
                cs.get("ready") and "running" in cs.get("state", {}) for cs in css):
            assert row_cells("", "Pod", p, NOW)[1:3] == [f"{len(css)}/{len(p['spec']['containers'])}", "Running"], f
            checked += 1
    assert checked > 0


@pytest.mark.samples
@needs_samples
def test_samples_nodes():
    n = 0
    for _f, node_obj in _load("cluster-scoped-resources/core/nodes/*.yaml"):
        c = row_cells("", "Node", node_obj, NOW)
        ready = [x for x in node_obj["status"]["conditions"] if x["type"] == "Ready"][0]
        status = "Ready" if ready["status"] == "True" else "NotReady"
        if node_obj["spec"].get("unschedulable"):
            status += ",SchedulingDisabled"
        roles = sorted(k.split("/", 1)[1] for k in node_obj["metadata"].get("labels", {})
                       if k.startswith("node-role.kubernetes.io/"))
        info = node_obj["status"]["nodeInfo"]
        internal = [a["address"] for a in node_obj["status"]["addresses"] if a["type"] == "InternalIP"]
        assert c[0] == node_obj["metadata"]["name"]
        assert c[1] == status and c[2] == ",".join(roles)
        assert c[4] == info["kubeletVersion"] and c[5] == internal[0]
        assert c[7:] == [info["osImage"], info["kernelVersion"], info["containerRuntimeVersion"]]
        n += 1
    assert n == 6


@pytest.mark.samples
@needs_samples
def test_samples_events_k8s_io():
    n = 0
    for _f, ev in _load("namespaces/openshift-dns/events.k8s.io/events/*.yaml"):
        c = row_cells("events.k8s.io", "Event", ev, NOW)
        reg = ev["regarding"]
        assert c[1] == ev["type"] and c[2] == ev["reason"]
        assert c[3] == f"{reg['kind'].lower()}/{reg['name']}"
        assert c[4] == reg.get("fieldPath", "")
        assert c[6] == ev.get("note", "").strip()
        assert c[8] == (ev.get("series") or {}).get("count") or ev.get("deprecatedCount") or 1
        assert c[9] == ev["metadata"]["name"]
        src = ev.get("deprecatedSource") or {}
        comp = src.get("component") or ev.get("reportingController", "")
        host = src.get("host") or ev.get("reportingInstance", "")
        assert c[5] == (f"{comp}, {host}" if host else comp)
        n += 1
    assert n > 10


@pytest.mark.samples
@needs_samples
def test_samples_all_supported_objects_print():
    """Every sample object of a printed kind yields one cell per column (smoke)."""
    n = 0
    for f, obj in _load("namespaces/*/*/*/*.yaml", exclude=("/events.k8s.io/",)):
        if not isinstance(obj, dict) or "kind" not in obj:
            continue
        api = obj.get("apiVersion", "v1")
        group = api.split("/")[0] if "/" in api else ""
        if not has_printer(group, obj["kind"]):
            continue
        cols = columns_for(group, obj["kind"])
        assert len(row_cells(group, obj["kind"], obj, NOW)) == len(cols), f
        n += 1
    assert n > 400
