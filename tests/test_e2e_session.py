"""Issue "The rest of a kubectl session: logs, describe, events, watch with live reload, auth, explain".

End to end with the real kubectl v1.33 and the Python `kubernetes` client; every
test asserts real output. Data:

* the real must-gather-clean release-4.8 fragment (`mg48_server`: etcd and
  installer logs as `oc adm inspect` saved them);
* the real OKD resourcewatch snapshot (`okd_server`: 6,337 events.k8s.io Events,
  nodes, deployments, ClusterOperators) for describe / events;
* a small tree built here (`mini`) for what no sample has: rotated + gzipped CRI
  logs, a previous log, the HyperShift-dump log layout, a PVC, a node Lease;
* copies of the release-4.8 fragment in tmp dirs for live reload (the samples
  are never written to).

What kubectl does with the answers is client-side behaviour of kubectl v1.33
(`staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go`,
`pkg/polymorphichelpers/logsforobject.go`, `pkg/describe/describe.go`,
`pkg/cmd/events/events.go`); what the server must answer follows
kube-apiserver (`pkg/registry/core/pod/strategy.go` LogLocation /
validateContainer, kubelet `pkg/kubelet/kuberuntime/logs/logs.go`,
apiserver `pkg/storage/cacher/watch_cache.go`, `pkg/endpoints/handlers/watch.go`).
"""

from __future__ import annotations

import functools
import gzip
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE, MG48, OKD, Server, needs_samples, start_server

pytestmark = pytest.mark.e2e

ETCD_NS = "openshift-etcd"
ETCD_POD = "etcd-ip-10-0-187-218.ec2.internal"
INSTALLER_POD = "installer-2-ip-10-0-187-218.ec2.internal"
PRUNER_POD = "revision-pruner-3-ip-10-0-195-177.ec2.internal"
OKD_ETCD_POD = "etcd-vrutkovs-mrmwt-master-0.c.openshift-gce-devel.internal"
OKD_WORKER = "vrutkovs-mrmwt-worker-b-5rcfz.c.openshift-gce-devel.internal"

# kubelet RFC3339NanoFixed, as `oc adm inspect` saved it
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z ")
# any RFC3339 prefix (other dumps trim trailing zeros, Go's RFC3339Nano)
ANY_TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}) ")


def mg48_log(pod: str, container: str, name: str = "current.log") -> str:
    return (MG48 / "namespaces" / ETCD_NS / "pods" / pod / container / container / "logs" / name).read_text()


def strip_ts(text: str) -> str:
    return "".join(line.split(" ", 1)[1] if ANY_TS_RE.match(line) else line for line in text.splitlines(True))


def run_kubectl(srv: Server, *args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Like Server.kubectl, with extra environment (EDITOR, TMPDIR) and never raising."""
    cmd = [srv.kubectl_path, "--kubeconfig", str(srv.kubeconfig), *args]
    e = dict(os.environ, HOME=str(srv.home), KUBECACHEDIR=str(srv.home / "kcache"), **(env or {}))
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=e)


# ---------------------------------------------------------------------------------------------
# a small must-gather for what the samples lack

COLLECTED = "2024-05-01 12:00:00.000000000 +0000 UTC m=+0.000000001"
DEMO_POD = "web-5d4f8c9b7-x2k4p"
DONE_POD = "job-done-7bq2z"
KAS_POD = "kube-apiserver-7c9d8-abcde"
UID = {k: f"00000000-0000-4000-8000-{i:012d}" for i, k in enumerate(
    ["deploy", "rs", "pod", "done", "svc", "pvc", "node", "kas", "lease"], start=1)}

ROT0 = [f"2024-05-01T10:00:0{i}.000000001Z stdout F rotated-0 line {i}\n" for i in range(3)]
ROT1 = ["2024-05-01T11:00:00.1Z stdout P partial-\n",  # kubelet joins P + F into one line
        "2024-05-01T11:00:00.2Z stdout F joined\n",
        "2024-05-01T11:00:01.000000000Z stderr F rotated-1 line 1\n"]
CURRENT = [f"2024-05-01T11:{30 + i:02d}:00.000000000Z current line {i:02d}\n" for i in range(30)]
PREVIOUS = ["2024-05-01T08:59:58.000000000Z starting\n", "2024-05-01T08:59:59.000000000Z panic: boom\n"]
# what kubectl logs -c app prints: rotated (oldest first, CRI decoded), then current.log
APP_PLAIN = (["rotated-0 line 0\n", "rotated-0 line 1\n", "rotated-0 line 2\n", "partial-joined\n",
              "rotated-1 line 1\n"] + [line.split(" ", 1)[1] for line in CURRENT])
APP_STAMPED = ([line.split(" stdout F ")[0] + " " + line.split(" stdout F ")[1] for line in ROT0]
               + ["2024-05-01T11:00:00.100000000Z partial-joined\n",
                  "2024-05-01T11:00:01.000000000Z rotated-1 line 1\n"] + CURRENT)
KAS_LOG = ("I0501 11:00:00.000000       1 server.go:150] Version: v1.33.1\n"
           "I0501 11:00:01.000000       1 secure_serving.go:213] Serving securely\n")
KAS_PREV_LOG = "E0501 10:00:00.000000       1 run.go:72] error: etcd unavailable\n"
KONN_LOG = "I0501 11:00:00.000000       1 main.go:1] konnectivity agent up\n"


def _meta(name, ns=None, uid=None, labels=None, **kw):
    m = {"name": name, "creationTimestamp": "2024-05-01T09:00:00Z", "resourceVersion": str(1000 + len(name)),
         "uid": uid or UID.get(name, "00000000-0000-4000-8000-999999999999")}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    m.update(kw)
    return m


def _pod(name, ns, uid, containers, labels=None, node="node-1", phase="Running", init=(), annotations=None,
         owner=None, restarts=None):
    restarts = restarts or {}
    meta = _meta(name, ns, uid, labels)
    if annotations:
        meta["annotations"] = annotations
    if owner:
        meta["ownerReferences"] = [owner]
    running = phase == "Running"

    def status(c):
        st = {"name": c, "image": f"registry.example/{c}:1", "imageID": f"registry.example/{c}@sha256:" + "0" * 64,
              "containerID": "cri-o://" + "1" * 64, "ready": running, "restartCount": restarts.get(c, 0), "started": running,
              "state": {"running": {"startedAt": "2024-05-01T09:00:05Z"}} if running else
              {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "2024-05-01T09:00:05Z",
                              "finishedAt": "2024-05-01T09:01:00Z"}}, "lastState": {}}
        if restarts.get(c):
            st["lastState"] = {"terminated": {"exitCode": 2, "reason": "Error", "startedAt": "2024-05-01T08:59:58Z",
                                              "finishedAt": "2024-05-01T08:59:59Z"}}
        return st

    return {
        "apiVersion": "v1", "kind": "Pod", "metadata": meta,
        "spec": {
            "nodeName": node, "restartPolicy": "Always" if running else "Never", "schedulerName": "default-scheduler",
            "initContainers": [{"name": c, "image": f"registry.example/{c}:1"} for c in init],
            "containers": [{"name": c, "image": f"registry.example/{c}:1",
                            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}} for c in containers],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data-web"}}] if name == DEMO_POD else [],
        },
        "status": {
            "phase": phase, "podIP": "10.128.0.10", "hostIP": "10.0.0.1", "startTime": "2024-05-01T09:00:00Z",
            "qosClass": "Burstable",
            "conditions": [{"type": "Ready", "status": "True" if running else "False",
                            "lastTransitionTime": "2024-05-01T09:00:06Z"}],
            "containerStatuses": [status(c) for c in containers],
        },
    }


def _event(name, ns, kind, obj_name, uid, reason, type_, message, count=1, api_version="v1", obj_ns=None):
    return {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": ns, "uid": f"e0000000-0000-4000-8000-{zlib.crc32(name.encode()):012d}",
                     "resourceVersion": "2000", "creationTimestamp": "2024-05-01T09:00:00Z"},
        "involvedObject": {"apiVersion": api_version, "kind": kind, "name": obj_name, "uid": uid,
                           **({"namespace": obj_ns} if obj_ns is not None else {"namespace": ns} if kind != "Node" else {})},
        "reason": reason, "message": message, "type": type_, "count": count,
        "source": {"component": "kubelet" if kind in ("Pod", "Node") else "controller"},
        "firstTimestamp": "2024-05-01T09:00:00Z", "lastTimestamp": "2024-05-01T11:50:00Z",
        "reportingComponent": "", "reportingInstance": "",
    }


def _dump(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(obj, sort_keys=True))


def build_mini(root: Path) -> Path:
    """A bare must-gather tree (inspect layout) with the log variants no sample has."""
    root.mkdir(parents=True)
    (root / "timestamp").write_text(COLLECTED + "\n")
    ns = root / "namespaces" / "demo"
    _dump(ns / "demo.yaml", {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta("demo", uid="ns-demo"),
                             "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    sel = {"app": "web", "pod-template-hash": "5d4f8c9b7"}
    _dump(ns / "apps" / "deployments" / "web.yaml", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta("web", "demo", UID["deploy"], {"app": "web"}),
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "app", "image": "registry.example/app:1"},
                                                      {"name": "sidecar", "image": "registry.example/sidecar:1"}]}}},
        "status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1, "updatedReplicas": 1,
                   "observedGeneration": 1,
                   "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                                   "lastTransitionTime": "2024-05-01T09:00:06Z",
                                   "lastUpdateTime": "2024-05-01T09:00:06Z", "message": "ok"}]}})
    rs_owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": UID["deploy"],
                "controller": True, "blockOwnerDeletion": True}
    _dump(ns / "apps" / "replicasets" / "web-5d4f8c9b7.yaml", {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": _meta("web-5d4f8c9b7", "demo", UID["rs"], sel, ownerReferences=[rs_owner],
                          annotations={"deployment.kubernetes.io/revision": "1"}),
        "spec": {"replicas": 1, "selector": {"matchLabels": sel},
                 # the Deployment's template + the hash label: how describe finds the NewReplicaSet
                 "template": {"metadata": {"labels": sel},
                              "spec": {"containers": [{"name": "app", "image": "registry.example/app:1"},
                                                      {"name": "sidecar", "image": "registry.example/sidecar:1"}]}}},
        "status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1, "fullyLabeledReplicas": 1}})
    _dump(ns / "core" / "services" / "web.yaml", {
        "apiVersion": "v1", "kind": "Service", "metadata": _meta("web", "demo", UID["svc"], {"app": "web"}),
        "spec": {"selector": {"app": "web"}, "type": "ClusterIP", "clusterIP": "172.30.0.10",
                 "clusterIPs": ["172.30.0.10"], "ports": [{"name": "http", "port": 80, "protocol": "TCP",
                                                           "targetPort": 8080}], "sessionAffinity": "None"},
        "status": {"loadBalancer": {}}})
    _dump(ns / "core" / "persistentvolumeclaims" / "data-web.yaml", {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": _meta("data-web", "demo", UID["pvc"]),
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                 "storageClassName": "standard", "volumeMode": "Filesystem", "volumeName": "pvc-1234"},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}})
    pod_owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d4f8c9b7", "uid": UID["rs"],
                 "controller": True, "blockOwnerDeletion": True}
    pdir = ns / "pods" / DEMO_POD
    _dump(pdir / f"{DEMO_POD}.yaml", _pod(DEMO_POD, "demo", UID["pod"], ["app", "sidecar"], sel, init=["init"],
                                          owner=pod_owner, restarts={"app": 1}))
    logs = pdir / "app" / "app" / "logs"
    (logs / "rotated").mkdir(parents=True)
    (logs / "rotated" / "0.log.20240501-100000.gz").write_bytes(gzip.compress("".join(ROT0).encode()))
    (logs / "rotated" / "1.log.20240501-110000").write_text("".join(ROT1))
    (logs / "current.log").write_text("".join(CURRENT))
    (logs / "previous.log").write_text("".join(PREVIOUS))
    side = pdir / "sidecar" / "sidecar" / "logs"
    side.mkdir(parents=True)
    (side / "current.log").write_text("2024-05-01T11:00:00.000000000Z sidecar ready\n")
    (side / "previous.log").write_text("")  # inspect leaves empty previous logs: no previous instance
    ddir = ns / "pods" / DONE_POD
    _dump(ddir / f"{DONE_POD}.yaml", _pod(DONE_POD, "demo", UID["done"], ["job"], {"app": "job"},
                                          phase="Succeeded"))
    _dump(ns / "core" / "events.yaml", {"apiVersion": "v1", "kind": "EventList", "metadata": {}, "items": [
        _event(f"{DEMO_POD}.1", "demo", "Pod", DEMO_POD, UID["pod"], "BackOff", "Warning",
               "Back-off restarting failed container app", count=5),
        _event(f"{DEMO_POD}.2", "demo", "Pod", DEMO_POD, UID["pod"], "Pulled", "Normal",
               'Container image "registry.example/app:1" already present on machine'),
        _event("data-web.1", "demo", "PersistentVolumeClaim", "data-web", UID["pvc"], "ProvisioningSucceeded",
               "Normal", "Successfully provisioned volume pvc-1234"),
        _event("web.1", "demo", "Deployment", "web", UID["deploy"], "ScalingReplicaSet", "Normal",
               "Scaled up replica set web-5d4f8c9b7 to 1", api_version="apps/v1"),
        _event("web-5d4f8c9b7.1", "demo", "ReplicaSet", "web-5d4f8c9b7", UID["rs"], "SuccessfulCreate", "Normal",
               f"Created pod: {DEMO_POD}", api_version="apps/v1"),
        _event("web.2", "demo", "Service", "web", UID["svc"], "Type", "Normal", "ClusterIP -> ClusterIP"),
    ]})
    _dump(root / "namespaces" / "default" / "core" / "events.yaml", {
        "apiVersion": "v1", "kind": "EventList", "metadata": {}, "items": [
            # the kubelet reports node events with the node name as uid (describe asks both ways)
            _event("node-1.1", "default", "Node", "node-1", "node-1", "NodeReady", "Normal",
                   "Node node-1 status is now: NodeReady")]})
    _dump(root / "cluster-scoped-resources" / "core" / "nodes" / "node-1.yaml", {
        "apiVersion": "v1", "kind": "Node",
        "metadata": _meta("node-1", uid=UID["node"], labels={"kubernetes.io/hostname": "node-1",
                                                             "node-role.kubernetes.io/worker": ""}),
        "spec": {"providerID": "gce://p/z/node-1"},
        "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "250"},
                   "allocatable": {"cpu": "3500m", "memory": "7Gi", "pods": "250"},
                   "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
                   "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                   "message": "kubelet is posting ready status",
                                   "lastHeartbeatTime": "2024-05-01T11:59:00Z",
                                   "lastTransitionTime": "2024-05-01T09:00:00Z"}],
                   "nodeInfo": {"kubeletVersion": "v1.33.1", "containerRuntimeVersion": "cri-o://1.33.0",
                                "osImage": "RHCOS", "kernelVersion": "5.14", "operatingSystem": "linux",
                                "architecture": "amd64", "machineID": "m", "systemUUID": "s", "bootID": "b",
                                "kubeProxyVersion": ""}}})
    _dump(root / "namespaces" / "kube-node-lease" / "coordination.k8s.io" / "leases" / "node-1.yaml", {
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": _meta("node-1", "kube-node-lease", UID["lease"]),
        "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40,
                 "renewTime": "2024-05-01T11:59:50.123456Z"}})
    # HyperShift dump: a PodList and core/pods/logs/<pod>-<container>[-previous].log (no timestamps)
    hcp = root / "namespaces" / "clusters-hosted"
    _dump(hcp / "core" / "pods.yaml", {"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": [
        _pod(KAS_POD, "clusters-hosted", UID["kas"], ["konnectivity", "kube-apiserver"], {"app": "kube-apiserver"},
             annotations={"kubectl.kubernetes.io/default-container": "kube-apiserver"},
             restarts={"kube-apiserver": 1})]})
    hl = hcp / "core" / "pods" / "logs"
    hl.mkdir(parents=True)
    (hl / f"{KAS_POD}-kube-apiserver.log").write_text(KAS_LOG)
    (hl / f"{KAS_POD}-kube-apiserver-previous.log").write_text(KAS_PREV_LOG)
    (hl / f"{KAS_POD}-konnectivity.log").write_text(KONN_LOG)
    return root


@pytest.fixture(scope="module")
def mini(kubectl_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mini")
    src = build_mini(tmp / "mg")
    srv = start_server([str(src)], tmp / "srv", kubectl_bin, extra=["--no-reload"])
    yield srv
    srv.stop()


# ---------------------------------------------------------------------------------------------
# logs: the real release-4.8 fragment


@needs_samples
def test_mg48_logs_container_tail_timestamps(mg48_server):
    raw = mg48_log(ETCD_POD, "etcd")
    lines = raw.splitlines(True)
    assert len(lines) > 50 and all(TS_RE.match(line) for line in lines)
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd").stdout
    assert out == strip_ts(raw)  # the kubelet only adds the prefix with timestamps=true
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd", "--timestamps").stdout
    assert out == raw  # inspect saved it with timestamps: kept byte for byte
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd", "--tail", "5").stdout
    assert out == strip_ts("".join(lines[-5:]))
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd", "--tail=3", "--timestamps").stdout
    assert out == "".join(lines[-3:])
    assert mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd", "--tail=0").stdout == ""
    # the installer pod has a single container: no -c needed, no "Defaulted container" notice
    r = mg48_server.kubectl("logs", "-n", ETCD_NS, INSTALLER_POD)
    assert r.stdout == strip_ts(mg48_log(INSTALLER_POD, "installer")) and "Defaulted" not in r.stderr


@needs_samples
def test_mg48_logs_since_time_and_limit_bytes(mg48_server):
    raw = mg48_log(ETCD_POD, "etcd")
    lines = raw.splitlines(True)
    since = "2021-08-03T09:27:02Z"
    want = [line for line in lines if line[:30] >= "2021-08-03T09:27:02.000000000Z"]
    assert 0 < len(want) < len(lines)
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd", f"--since-time={since}",
                              "--timestamps").stdout
    assert out == "".join(want)
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd", "--limit-bytes=100").stdout
    assert out == strip_ts(raw)[:100]
    # the limit counts the bytes sent, prefix included (kubelet logWriter)
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd", "--limit-bytes=45",
                              "--timestamps").stdout
    assert out == raw[:45]
    # the python client: read_namespaced_pod_log with tail_lines
    from kubernetes import client, config

    v1 = client.CoreV1Api(config.new_client_from_config(str(mg48_server.kubeconfig)))
    got = v1.read_namespaced_pod_log(PRUNER_POD, ETCD_NS, tail_lines=2, timestamps=True)
    assert got == "".join(mg48_log(PRUNER_POD, "pruner").splitlines(True)[-2:])


@needs_samples
def test_mg48_logs_previous_missing(mg48_server):
    # previous.log is 0 bytes in the archive: the kubelet's answer for a container that never restarted
    r = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "etcd", "-p", check=False)
    assert r.returncode == 1
    assert r.stderr.strip() == (f'Error from server (BadRequest): previous terminated container "etcd" in pod '
                                f'"{ETCD_POD}" not found')


@needs_samples
def test_mg48_logs_multi_container_default(mg48_server):
    pod = yaml.safe_load((MG48 / "namespaces" / ETCD_NS / "pods" / ETCD_POD / f"{ETCD_POD}.yaml").read_text())
    first = pod["spec"]["containers"][0]["name"]
    # kubectl picks the first container and says so (logsforobject.go); etcdctl left no log in the archive
    r = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD)
    assert r.stdout == ""
    assert f'Defaulted container "{first}" out of: etcdctl, etcd, etcd-metrics, etcd-health-monitor, setup (init), ' \
           "etcd-ensure-env-vars (init), etcd-resources-copy (init)" in r.stderr
    # the raw API without container: kube-apiserver's validateContainer 400, names in VisitContainers order
    code, body, _ = mg48_server.get(f"/api/v1/namespaces/{ETCD_NS}/pods/{ETCD_POD}/log")
    assert code == 400 and body["reason"] == "BadRequest"
    assert body["message"] == (f"a container name must be specified for pod {ETCD_POD}, choose one of: "
                               "[setup etcd-ensure-env-vars etcd-resources-copy etcdctl etcd etcd-metrics "
                               "etcd-health-monitor]")
    # an init container's log
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "setup").stdout
    assert out == strip_ts(mg48_log(ETCD_POD, "setup")) and out.startswith("Fixing etcd log permissions.")


@needs_samples
def test_mg48_logs_errors(mg48_server):
    code, body, _ = mg48_server.get(f"/api/v1/namespaces/{ETCD_NS}/pods/{ETCD_POD}/log?container=nope")
    assert code == 400 and body["message"] == f"container nope is not valid for pod {ETCD_POD}"
    # kubectl checks the container name itself before asking for the log
    r = mg48_server.kubectl("logs", "-n", ETCD_NS, ETCD_POD, "-c", "nope", check=False)
    assert r.returncode == 1 and f"container nope is not valid for pod {ETCD_POD}" in r.stderr
    r = mg48_server.kubectl("logs", "-n", ETCD_NS, "no-such-pod", check=False)
    assert r.returncode == 1 and 'pods "no-such-pod" not found' in r.stderr
    code, body, _ = mg48_server.get(f"/api/v1/namespaces/{ETCD_NS}/pods/no-such-pod/log")
    assert code == 404 and body["details"] == {"name": "no-such-pod", "kind": "pods"}
    code, body, _ = mg48_server.get(f"/api/v1/namespaces/{ETCD_NS}/pods/{ETCD_POD}/log?container=etcd&tailLines=-1")
    assert code == 422 and body["reason"] == "Invalid"
    assert body["message"] == (f'PodLogOptions "{ETCD_POD}" is invalid: tailLines: Invalid value: -1: '
                               "must be greater than or equal to 0")


@needs_samples
def test_mg48_logs_by_selector(mg48_server):
    # -l: every matching pod, and --tail defaults to 10 with a selector (logs.go selectorTail)
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, "-l", "app=installer").stdout
    assert out == strip_ts("".join(mg48_log(INSTALLER_POD, "installer").splitlines(True)[-10:]))
    out = mg48_server.kubectl("logs", "-n", ETCD_NS, "-l", "app in (installer,pruner)", "--prefix",
                              "--tail=1").stdout.splitlines()
    assert sorted(line.split("]", 1)[0] for line in out) == [f"[pod/{INSTALLER_POD}/installer",
                                                            f"[pod/{PRUNER_POD}/pruner"]


# ---------------------------------------------------------------------------------------------
# logs: rotated + gzipped, previous, HyperShift layout (built tree)


def test_logs_rotated_gzip_cri(mini):
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app").stdout
    assert out == "".join(APP_PLAIN)
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", "--timestamps").stdout
    assert out == "".join(APP_STAMPED)
    # --tail reaches back into the rotated files
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", f"--tail={len(CURRENT) + 1}").stdout
    assert out == "".join(APP_PLAIN[-len(CURRENT) - 1:])
    # the kubelet counts file lines (tail.FindTailLineStartIndex on the CRI file), so a P + F pair is two
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", f"--tail={len(CURRENT) + 2}").stdout
    assert out == "joined\n" + "".join(APP_PLAIN[-len(CURRENT) - 1:])
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", f"--tail={len(CURRENT) + 3}").stdout
    assert out == "".join(APP_PLAIN[-len(CURRENT) - 2:])
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", f"--tail={len(APP_PLAIN) + 5}").stdout
    assert out == "".join(APP_PLAIN)
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", "--since-time=2024-05-01T11:00:00Z",
                       "--timestamps").stdout
    assert out == "".join(APP_STAMPED[3:])
    # --since counts back from the collection time (timestamp file: 12:00:00), not from now
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", "--since=90s").stdout
    assert out == "current line 29\n"
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", "--limit-bytes=30").stdout
    assert out == "".join(APP_PLAIN)[:30]


def test_logs_previous_and_defaults(mini):
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", "-p").stdout
    assert out == "starting\npanic: boom\n"
    out = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "app", "--previous", "--timestamps").stdout
    assert out == "".join(PREVIOUS)
    r = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "sidecar", "-p", check=False)
    assert r.returncode == 1 and f'previous terminated container "sidecar" in pod "{DEMO_POD}" not found' in r.stderr
    r = mini.kubectl("logs", "-n", "demo", DEMO_POD)
    assert r.stdout == "".join(APP_PLAIN)
    assert 'Defaulted container "app" out of: app, sidecar, init (init)' in r.stderr
    code, body, _ = mini.get(f"/api/v1/namespaces/demo/pods/{DEMO_POD}/log")
    assert code == 400 and body["message"].endswith("choose one of: [init app sidecar]")
    # init container without a saved log: an empty 200, not an error
    r = mini.kubectl("logs", "-n", "demo", DEMO_POD, "-c", "init")
    assert r.stdout == ""
    r = mini.kubectl("logs", "-n", "demo", DEMO_POD, "--all-containers", "--prefix")
    assert f"[pod/{DEMO_POD}/sidecar] sidecar ready" in r.stdout.splitlines()
    assert f"[pod/{DEMO_POD}/app] current line 29" in r.stdout.splitlines()


def test_logs_through_workloads(mini):
    # deploy/x and rs/x: kubectl resolves the selector and asks the first pod (logsforobject.go)
    for ref in ("deploy/web", "deployment/web", "rs/web-5d4f8c9b7"):
        r = mini.kubectl("logs", "-n", "demo", ref, "-c", "app", "--tail=2")
        assert r.stdout == "current line 28\ncurrent line 29\n", ref
    out = mini.kubectl("logs", "-n", "demo", "-l", "app=web", "-c", "sidecar").stdout
    assert out == "sidecar ready\n"
    r = mini.kubectl("logs", "-n", "demo", "deploy/nope", check=False)
    assert r.returncode == 1 and 'deployments.apps "nope" not found' in r.stderr


def test_logs_hypershift_layout(mini):
    # the default-container annotation picks kube-apiserver silently
    r = mini.kubectl("logs", "-n", "clusters-hosted", KAS_POD)
    assert r.stdout == KAS_LOG and "Defaulted" not in r.stderr
    assert mini.kubectl("logs", "-n", "clusters-hosted", KAS_POD, "-c", "konnectivity").stdout == KONN_LOG
    assert mini.kubectl("logs", "-n", "clusters-hosted", KAS_POD, "-p").stdout == KAS_PREV_LOG
    assert mini.kubectl("logs", "-n", "clusters-hosted", KAS_POD, "--tail=1").stdout == KAS_LOG.splitlines(True)[-1]
    r = mini.kubectl("logs", "-n", "clusters-hosted", KAS_POD, "-c", "konnectivity", "-p", check=False)
    assert r.returncode == 1 and 'previous terminated container "konnectivity"' in r.stderr


def _fixture_logs() -> tuple[list[Path], list[Path]]:
    if not FIXTURE.is_dir():
        return [], []
    rotated = sorted(p for p in FIXTURE.rglob("rotated") if p.is_dir() and any(p.iterdir()))
    hyper = sorted(p for p in FIXTURE.rglob("*.log") if p.parent.name == "logs" and p.parent.parent.name == "pods"
                   and p.parent.parent.parent.name == "core" and p.stat().st_size > 0)
    return rotated, hyper


def test_fixture_rotated_and_hypershift_logs(request):
    """The bundled fixture (scripts/gen_mustgather.py) carries both variants too."""
    rotated, hyper = _fixture_logs()
    if not rotated and not hyper:
        pytest.skip("fixtures/must-gather has no rotated or HyperShift logs (yet)")
    fixture_server = request.getfixturevalue("fixture_server")
    for d in rotated[:1]:
        logs = d.parent
        container, pod, ns = logs.parent.name, logs.parent.parent.parent.name, logs.parents[4].name
        out = fixture_server.kubectl("logs", "-n", ns, pod, "-c", container).stdout
        oldest = sorted(d.iterdir(), key=lambda p: p.name.split(".log.")[1])[0]
        data = oldest.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        # the first whole CRI line (ts stream F message) of the oldest rotated file comes first
        prev_partial, first = False, None
        for line in data.decode().splitlines():
            _ts, _stream, tag, msg = line.split(" ", 3)
            if tag.startswith("F") and not prev_partial:
                first = msg
                break
            prev_partial = tag.startswith("P")
        assert first is not None and first + "\n" in out, (ns, pod, container)
        current = logs / "current.log"
        if current.is_file() and current.stat().st_size:
            assert out.endswith(strip_ts(current.read_text().splitlines(True)[-1]))
    matched = 0
    for f in hyper[:2]:
        ns = f.parents[3].name
        stem = f.name[:-len(".log")]
        previous = stem.endswith("-previous")
        stem = stem[:-len("-previous")] if previous else stem
        code, pods, _ = fixture_server.get(f"/api/v1/namespaces/{ns}/pods")
        for p in pods["items"]:
            name = p["metadata"]["name"]
            for c in p["spec"]["containers"]:
                if stem == f"{name}-{c['name']}":
                    args = ["logs", "-n", ns, name, "-c", c["name"]] + (["-p"] if previous else [])
                    assert fixture_server.kubectl(*args).stdout == strip_ts(f.read_text())
                    matched += 1
    assert matched == len(hyper[:2])


# ---------------------------------------------------------------------------------------------
# describe + events on the OKD sample


@functools.lru_cache(maxsize=8)
def _okd_events(ns: str = "*", mentioning: str | None = None) -> list[dict]:
    """The archived events.k8s.io Events of a namespace (or all), parsed from the sample files;
    with `mentioning`, only files containing that text are parsed (fast)."""
    out = []
    for p in sorted((OKD / "namespaces").glob(f"{ns}/events.k8s.io/events/*.yaml")):
        data = p.read_bytes()
        if mentioning is None or mentioning.encode() in data:
            out.append(yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return out


def _events_section(text: str) -> list[str]:
    assert "\nEvents:" in text, text[-500:]
    sect = text.split("\nEvents:", 1)[1]
    assert not sect.startswith("  <none>"), "no events shown"
    return [line for line in sect.splitlines()[3:] if line.startswith("  Normal") or line.startswith("  Warning")]


@needs_samples
def test_okd_event_field_selectors(okd_server):
    evs = _okd_events(ETCD_NS)
    mine = [e for e in evs if (e.get("regarding") or {}).get("name") == OKD_ETCD_POD]
    assert mine
    uids = {e["regarding"]["uid"] for e in mine}
    base = f"/api/v1/namespaces/{ETCD_NS}/events?fieldSelector="

    def names(sel: str) -> list[str]:
        code, body, _ = okd_server.get(base + urllib.request.quote(sel, safe="=,!"))
        assert code == 200, body
        return sorted(i["metadata"]["name"] for i in body["items"])

    assert names(f"involvedObject.name={OKD_ETCD_POD}") == sorted(e["metadata"]["name"] for e in mine)
    uid = sorted(uids)[0]
    assert names(f"involvedObject.uid={uid}") == sorted(
        e["metadata"]["name"] for e in evs if (e.get("regarding") or {}).get("uid") == uid)
    assert names("involvedObject.kind=PodDisruptionBudget") == sorted(
        e["metadata"]["name"] for e in evs if (e.get("regarding") or {}).get("kind") == "PodDisruptionBudget")
    warn = sorted(e["metadata"]["name"] for e in evs if e.get("type") == "Warning")
    assert warn and names("type=Warning") == warn
    assert names("reason=Unhealthy") == sorted(e["metadata"]["name"] for e in evs if e.get("reason") == "Unhealthy")
    assert names(f"involvedObject.name={OKD_ETCD_POD},type=Warning,reason!=ProbeError") == sorted(
        e["metadata"]["name"] for e in mine if e.get("type") == "Warning" and e.get("reason") != "ProbeError")
    # events.k8s.io/v1 has its own field names (regarding.*, pkg/registry/core/event/strategy.go is
    # shared; events.k8s.io accepts the core names too)
    code, body, _ = okd_server.get(f"/apis/events.k8s.io/v1/namespaces/{ETCD_NS}/events?fieldSelector="
                                   f"regarding.name%3D{OKD_ETCD_POD}")
    assert code == 200 and len(body["items"]) == len(mine)


@needs_samples
def test_okd_describe_pod(okd_server):
    out = okd_server.kubectl("describe", "pod", "-n", ETCD_NS, OKD_ETCD_POD).stdout
    assert out.startswith(f"Name:                 {OKD_ETCD_POD}\nNamespace:            {ETCD_NS}\n")
    assert "Status:               Running" in out and "Containers:" in out and "Init Containers:" in out
    pod = json.loads(okd_server.kubectl("get", "pod", "-n", ETCD_NS, OKD_ETCD_POD, "-o", "json").stdout)
    # describe searches by name, namespace and uid; for a mirror pod (a static etcd pod) the uid is the
    # kubernetes.io/config.mirror annotation, which the kubelet's events carry (describe.go describePod)
    uid = pod["metadata"]["annotations"]["kubernetes.io/config.mirror"]
    assert uid != pod["metadata"]["uid"]
    want = [e for e in _okd_events(ETCD_NS) if (e.get("regarding") or {}).get("name") == OKD_ETCD_POD
            and e["regarding"].get("uid") == uid]
    rows = _events_section(out)
    assert len(rows) == len(want) > 0
    assert sum(r.startswith("  Warning") for r in rows) == sum(e.get("type") == "Warning" for e in want)


@needs_samples
def test_okd_describe_node(okd_server):
    out = okd_server.kubectl("describe", "node", OKD_WORKER).stdout
    assert out.startswith(f"Name:               {OKD_WORKER}\nRoles:              worker\n")
    pods = json.loads(okd_server.kubectl("get", "pods", "-A", "-o", "json").stdout)["items"]
    on_node = [p for p in pods if p["spec"].get("nodeName") == OKD_WORKER
               and p["status"].get("phase") not in ("Succeeded", "Failed")]
    m = re.search(r"^Non-terminated Pods:\s+\((\d+) in total\)", out, re.M)
    assert m and int(m.group(1)) == len(on_node) > 0
    for p in on_node:
        assert p["metadata"]["name"] in out
    # no Lease in this archive: the 404 of the lease GET is shown in place
    assert f'Lease:              Failed to get lease: leases.coordination.k8s.io "{OKD_WORKER}" not found' in out
    rows = _events_section(out)
    # node events: uid = node uid (controllers) or uid = node name (kubelet), both in every namespace
    node = json.loads(okd_server.kubectl("get", "node", OKD_WORKER, "-o", "json").stdout)
    want = 0
    for e in _okd_events(mentioning=OKD_WORKER):
        r = e.get("regarding") or {}
        if r.get("kind") == "Node" and r.get("name") == OKD_WORKER and not r.get("namespace") and \
                r.get("uid") in (node["metadata"]["uid"], OKD_WORKER):
            want += 1
    assert len(rows) == want > 0


@needs_samples
@pytest.mark.parametrize("args,events", [
    (("deployment", "-n", "openshift-etcd-operator", "etcd-operator"), True),
    (("replicaset", "-n", "openshift-controller-manager", "controller-manager-7d49857b4"), True),
    (("service", "-n", "openshift-ingress", "router-default"), True),
    (("clusteroperator", "machine-api"), True),
    (("namespace", "openshift-etcd"), False),
])
def test_okd_describe_kinds(okd_server, args, events):
    r = okd_server.kubectl("describe", *args)
    assert r.returncode == 0 and r.stderr == ""
    name = args[-1]
    assert re.search(rf"^Name:\s+{re.escape(name)}$", r.stdout, re.M), r.stdout[:300]
    if events:
        assert _events_section(r.stdout)
    if args[0] == "deployment":
        assert re.search(r"^NewReplicaSet:\s+etcd-operator-\w+ \(1/1 replicas created\)", r.stdout, re.M)
    if args[0] == "replicaset":
        assert "Controlled By:  Deployment/controller-manager" in r.stdout
    if args[0] == "namespace":
        assert re.search(r"^Status:\s+Active$", r.stdout, re.M)
    if args[0] == "clusteroperator":
        assert "Kind:         ClusterOperator" in r.stdout and "API Version:  config.openshift.io/v1" in r.stdout


def test_describe_pvc_node_lease(mini):
    out = mini.kubectl("describe", "pvc", "-n", "demo", "data-web").stdout
    assert re.search(r"^Status:\s+Bound$", out, re.M) and re.search(r"^Volume:\s+pvc-1234$", out, re.M)
    assert re.search(rf"^Used By:\s+{DEMO_POD}$", out, re.M)  # pods listed in the namespace
    rows = _events_section(out)
    assert len(rows) == 1 and "ProvisioningSucceeded" in rows[0]
    out = mini.kubectl("describe", "node", "node-1").stdout
    assert re.search(r"^  HolderIdentity:\s+node-1$", out, re.M)
    assert re.search(r"^  RenewTime:\s+Wed, 01 May 2024 11:59:50 \+0000$", out, re.M)
    assert re.search(r"^Non-terminated Pods:\s+\(2 in total\)", out, re.M)  # DONE_POD (Succeeded) excluded
    assert DONE_POD not in out and KAS_POD in out and DEMO_POD in out
    rows = _events_section(out)
    assert len(rows) == 1 and "NodeReady" in rows[0]
    out = mini.kubectl("describe", "pod", "-n", "demo", DEMO_POD).stdout
    rows = _events_section(out)
    assert sorted(r.split()[:2] for r in rows) == [["Normal", "Pulled"], ["Warning", "BackOff"]]
    assert re.search(r"^      Reason:\s+Error$", out, re.M)  # lastState terminated of app
    assert re.search(r"^    ClaimName:\s+data-web$", out, re.M)
    out = mini.kubectl("describe", "deploy", "-n", "demo", "web").stdout
    assert "ScalingReplicaSet" in out and re.search(r"^NewReplicaSet:\s+web-5d4f8c9b7 \(1/1 replicas created\)",
                                                    out, re.M)
    out = mini.kubectl("describe", "svc", "-n", "demo", "web").stdout
    assert re.search(r"^IP:\s+172.30.0.10$", out, re.M) and len(_events_section(out)) == 1


@needs_samples
def test_okd_get_events_warning(okd_server):
    warn = 0
    for p in (OKD / "namespaces").glob("*/events.k8s.io/events/*.yaml"):
        if re.search(rb"^type: Warning$", p.read_bytes(), re.M):
            warn += 1
    assert warn == 1033  # SOURCES.md: the snapshot as published
    out = okd_server.kubectl("get", "events", "-A", "--field-selector", "type=Warning", "--no-headers").stdout
    assert len(out.splitlines()) == warn
    assert all(line.split()[2] == "Warning" for line in out.splitlines())
    out = okd_server.kubectl("get", "events", "-n", ETCD_NS, "--field-selector",
                             f"involvedObject.name={OKD_ETCD_POD},type=Warning", "-o", "name").stdout
    want = [e for e in _okd_events(ETCD_NS) if e.get("type") == "Warning"
            and (e.get("regarding") or {}).get("name") == OKD_ETCD_POD]
    assert sorted(out.split()) == sorted(f"event/{e['metadata']['name']}" for e in want)


@needs_samples
def test_okd_kubectl_events(okd_server):
    evs = [e for e in _okd_events(ETCD_NS) if (e.get("regarding") or {}).get("kind") == "Pod"
           and e["regarding"].get("name") == OKD_ETCD_POD]
    # kubectl events --for: involvedObject.kind, apiVersion and name (events.go), no uid
    out = okd_server.kubectl("events", "-n", ETCD_NS, "--for", f"pod/{OKD_ETCD_POD}").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    rows = [line for line in lines[1:] if f"Pod/{OKD_ETCD_POD}" in line]
    assert len(rows) == len(evs) > 0
    out = okd_server.kubectl("events", "-n", ETCD_NS, "--for", f"pod/{OKD_ETCD_POD}", "--types=Warning").stdout
    rows = [line for line in out.splitlines()[1:] if f"Pod/{OKD_ETCD_POD}" in line]
    assert len(rows) == sum(e.get("type") == "Warning" for e in evs) > 0
    assert all(" Warning " in r for r in rows)
    r = okd_server.kubectl("events", "-n", ETCD_NS, "--types=Bogus", check=False)
    assert r.returncode == 1 and r.stderr == "error: valid --types are Normal or Warning\n"


# ---------------------------------------------------------------------------------------------
# watch and live reload (a copy of the release-4.8 fragment in a tmp dir)


class Lines:
    """Lines of a stream read on a thread, so a test can wait for them with a deadline."""

    def __init__(self, stream):
        self.q: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        self.closed = False

        def pump():
            try:
                for line in stream:
                    self.q.put(line if isinstance(line, str) else line.decode())
            except (OSError, ValueError, AttributeError):  # the test closed the stream under us
                pass
            self.q.put(None)

        threading.Thread(target=pump, daemon=True).start()

    def wait_for(self, pred, timeout: float = 10) -> str | None:
        deadline = time.monotonic() + timeout
        for line in self.seen:
            if pred(line):
                return line
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                self.closed = True
                return None
            self.seen.append(line)
            if pred(line):
                return line
        return None

    def drain(self, seconds: float) -> list[str]:
        self.wait_for(lambda _line: False, timeout=seconds)
        return self.seen


def _copy_mg48(dst: Path) -> Path:
    shutil.copytree(MG48, dst)
    for p in [dst, *dst.rglob("*")]:  # the samples are read-only; the copy must be writable
        p.chmod(p.stat().st_mode | 0o200)
    return dst


def _new_pod_yaml(src: Path, name: str, uid: str) -> str:
    obj = yaml.safe_load(src.read_text())
    obj["metadata"]["name"] = name
    obj["metadata"]["uid"] = uid
    return yaml.safe_dump(obj)


@pytest.fixture(scope="module")
def live(kubectl_bin, tmp_path_factory):
    if not MG48.is_dir():
        pytest.skip("../shared/samples not present")
    tmp = tmp_path_factory.mktemp("live")
    src = _copy_mg48(tmp / "mg")
    srv = start_server([str(src)], tmp / "srv", kubectl_bin)
    srv.src = src  # type: ignore[attr-defined]
    yield srv
    srv.stop()


def _watch(srv: Server, path: str, timeout: float = 30):
    return urllib.request.urlopen(srv.url + path, timeout=timeout)


class OpenWatch:
    """A watch stream read on a thread; close() cuts the socket (a reader blocked on the
    response would otherwise keep its buffer lock until the server ends the stream)."""

    def __init__(self, srv: Server, path: str):
        u = urllib.parse.urlsplit(srv.url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        self.conn.request("GET", u.path + path)
        resp = self.conn.getresponse()
        assert resp.status == 200, resp.read()
        self.lines = Lines(resp)

    def close(self) -> None:
        sock = self.conn.sock
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()


def _events(resp) -> list[dict]:
    return [json.loads(line) for line in resp.read().splitlines() if line.strip()]


def _list_rv(srv: Server, ns: str) -> int:
    code, body, _ = srv.get(f"/api/v1/namespaces/{ns}/pods")
    assert code == 200
    return int(body["metadata"]["resourceVersion"])


@needs_samples
def test_watch_live_reload_kubectl_and_raw(live):
    pods_dir = live.src / "namespaces" / ETCD_NS / "pods"
    rv0 = _list_rv(live, ETCD_NS)
    env = dict(os.environ, HOME=str(live.home), KUBECACHEDIR=str(live.home / "kcache"))
    proc = subprocess.Popen([live.kubectl_path, "--kubeconfig", str(live.kubeconfig), "get", "pods", "-n", ETCD_NS,
                             "-w"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    raw = OpenWatch(live, f"/api/v1/namespaces/{ETCD_NS}/pods?watch=true&resourceVersion={rv0}&timeoutSeconds=60")
    raw_lines = raw.lines
    try:
        kl = Lines(proc.stdout)
        assert kl.wait_for(lambda line: line.startswith("NAME "), 15), kl.seen
        for p in (ETCD_POD, INSTALLER_POD, PRUNER_POD):
            assert kl.wait_for(lambda line, p=p: line.startswith(p + " "), 10), kl.seen
        # a new pod file appears: kubectl -w prints it within seconds
        new = "etcd-new-pod-0"
        d = pods_dir / new
        d.mkdir()
        tmpf = d / f".{new}.tmp"
        tmpf.write_text(_new_pod_yaml(pods_dir / PRUNER_POD / f"{PRUNER_POD}.yaml", new,
                                      "11111111-2222-4333-8444-555555555555"))
        tmpf.rename(d / f"{new}.yaml")
        line = kl.wait_for(lambda line: line.startswith(new + " "), 10)
        assert line is not None, kl.seen
        assert line.split()[1:3] == ["0/1", "Completed"]
        ev = json.loads(raw_lines.wait_for(lambda line: new in line, 10) or "null")
        assert ev and ev["type"] == "ADDED" and ev["object"]["metadata"]["name"] == new
        rv1 = int(ev["object"]["metadata"]["resourceVersion"])
        assert rv1 > rv0
        # modified
        f = d / f"{new}.yaml"
        f.write_text(f.read_text().replace("phase: Succeeded", "phase: Failed"))
        ev = json.loads(raw_lines.wait_for(lambda line: '"MODIFIED"' in line, 10) or "null")
        assert ev and ev["object"]["metadata"]["name"] == new and ev["object"]["status"]["phase"] == "Failed"
        rv2 = int(ev["object"]["metadata"]["resourceVersion"])
        assert rv2 > rv1
        # an existing pod modified, then a pod file deleted
        existing = pods_dir / INSTALLER_POD / f"{INSTALLER_POD}.yaml"
        existing.write_text(existing.read_text().replace("app: installer", "app: installer-changed"))
        ev = json.loads(raw_lines.wait_for(lambda line: '"MODIFIED"' in line and INSTALLER_POD in line, 10) or "null")
        assert ev and ev["object"]["metadata"]["labels"]["app"] == "installer-changed"
        rv3 = int(ev["object"]["metadata"]["resourceVersion"])
        assert rv3 > rv2
        shutil.rmtree(d)
        ev = json.loads(raw_lines.wait_for(lambda line: '"DELETED"' in line, 10) or "null")
        assert ev and ev["object"]["metadata"]["name"] == new
        rv4 = int(ev["object"]["metadata"]["resourceVersion"])
        assert rv4 > rv3
        # the list agrees, and its resourceVersion moved on
        code, body, _ = live.get(f"/api/v1/namespaces/{ETCD_NS}/pods")
        assert new not in [i["metadata"]["name"] for i in body["items"]]
        assert int(body["metadata"]["resourceVersion"]) == rv4
        # a watch from rv1 replays what came after it, in order
        got = _events(_watch(live, f"/api/v1/namespaces/{ETCD_NS}/pods?watch=true&resourceVersion={rv1}"
                                   "&timeoutSeconds=1"))
        assert [(e["type"], e["object"]["metadata"]["name"]) for e in got] == [
            ("MODIFIED", new), ("MODIFIED", INSTALLER_POD), ("DELETED", new)]
        assert [int(e["object"]["metadata"]["resourceVersion"]) for e in got] == [rv2, rv3, rv4]
        # kubectl saw the modifications too
        assert kl.wait_for(lambda line: line.startswith(INSTALLER_POD + " "), 5)
        assert proc.poll() is None, "kubectl get -w stays open"
    finally:
        proc.kill()
        proc.wait()
        raw.close()


def test_no_reload(kubectl_bin, tmp_path):
    src = build_mini(tmp_path / "mg")
    srv = start_server([str(src)], tmp_path / "srv", kubectl_bin, extra=["--no-reload"])
    try:
        rv0 = _list_rv(srv, "demo")
        resp = _watch(srv, f"/api/v1/namespaces/demo/pods?watch=true&resourceVersion={rv0}&timeoutSeconds=3")
        pdir = src / "namespaces" / "demo" / "pods" / "extra-pod"
        pdir.mkdir()
        (pdir / "extra-pod.yaml").write_text(
            yaml.safe_dump(_pod("extra-pod", "demo", "00000000-0000-4000-8000-000000000077", ["x"])))
        assert _events(resp) == []
        code, body, _ = srv.get("/api/v1/namespaces/demo/pods")
        assert "extra-pod" not in [i["metadata"]["name"] for i in body["items"]]
        assert int(body["metadata"]["resourceVersion"]) == rv0
    finally:
        srv.stop()
    assert not any("live reload on" in line for line in srv.output)


def test_watch_timeout_and_bookmarks(mini):
    t0 = time.monotonic()
    got = _events(_watch(mini, "/api/v1/namespaces/demo/pods?watch=true&timeoutSeconds=1"))
    assert time.monotonic() - t0 < 8
    assert sorted((e["type"], e["object"]["metadata"]["name"]) for e in got) == [
        ("ADDED", DONE_POD), ("ADDED", DEMO_POD)]
    rv = _list_rv(mini, "demo")
    # the streaming list (WatchList, KEP-3157): initial ADDEDs then the initial-events-end BOOKMARK
    got = _events(_watch(mini, "/api/v1/namespaces/demo/pods?watch=true&allowWatchBookmarks=true"
                               "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1"))
    assert [e["type"] for e in got] == ["ADDED", "ADDED", "BOOKMARK"]
    bm = got[-1]["object"]
    assert bm["kind"] == "Pod" and bm["apiVersion"] == "v1"
    assert bm["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(bm["metadata"]["resourceVersion"]) >= rv
    # a single object: the form kubectl get pod X -w and informers on one name use
    got = _events(_watch(mini, f"/api/v1/namespaces/demo/pods?watch=true&fieldSelector=metadata.name%3D{DEMO_POD}"
                               "&timeoutSeconds=1"))
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in got] == [("ADDED", DEMO_POD)]
    got = _events(_watch(mini, "/api/v1/watch/namespaces/demo/pods/?timeoutSeconds=1&labelSelector=app%3Djob"))
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in got] == [("ADDED", DONE_POD)]
    # kubectl get pod X -w prints the object, then waits (bounded by --request-timeout here)
    r = mini.kubectl("get", "pod", "-n", "demo", DEMO_POD, "-w", "--request-timeout=2s", check=False, timeout=30)
    assert r.stdout.splitlines()[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert r.stdout.splitlines()[1].split()[:3] == [DEMO_POD, "2/2", "Running"]


def test_watch_current_rv_is_quiet(mini):
    rv = _list_rv(mini, "demo")
    got = _events(_watch(mini, f"/api/v1/namespaces/demo/pods?watch=true&resourceVersion={rv}&timeoutSeconds=1"))
    assert got == []


def test_watch_too_old_resource_version(mini):
    """kube-apiserver watch_cache.go getAllEventsSinceLocked: after a list at RV N, the oldest event it
    can deliver is N+1, so any resourceVersion < N gets `too old resource version: <rv> (N)` as an
    ERROR event carrying a 410 Expired Status."""
    rv = _list_rv(mini, "demo")
    assert rv > 2
    got = _events(_watch(mini, "/api/v1/namespaces/demo/pods?watch=true&resourceVersion=1&timeoutSeconds=2"))
    assert len(got) == 1 and got[0]["type"] == "ERROR"
    st = got[0]["object"]
    assert st["kind"] == "Status" and st["code"] == 410 and st["reason"] == "Expired"
    assert st["message"] == f"too old resource version: 1 ({rv})"


def test_sigterm_ends_open_watches(kubectl_bin, tmp_path):
    """kube-apiserver ends every watch when it stops (cacher.go Stop / terminateAllWatchers): a
    `kubectl get -w` left open must not keep the server alive after SIGTERM."""
    src = build_mini(tmp_path / "mg")
    srv = start_server([str(src)], tmp_path / "srv", kubectl_bin, extra=["--no-reload"])
    w = OpenWatch(srv, "/api/v1/namespaces/demo/pods?watch=true")
    try:
        assert w.lines.wait_for(lambda line: DEMO_POD in line, 10)
        srv.proc.send_signal(signal.SIGTERM)
        try:
            srv.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError("server still running 10 s after SIGTERM with one open watch") from None
        assert srv.proc.returncode == 0
    finally:
        w.close()
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()


def test_python_client_watch(mini):
    from kubernetes import client, config, watch

    v1 = client.CoreV1Api(config.new_client_from_config(str(mini.kubeconfig)))
    t0 = time.monotonic()
    seen = [(e["type"], e["object"].metadata.name) for e in
            watch.Watch().stream(v1.list_namespaced_pod, "demo", timeout_seconds=2)]
    assert sorted(seen) == [("ADDED", DONE_POD), ("ADDED", DEMO_POD)]
    assert time.monotonic() - t0 < 10


# ---------------------------------------------------------------------------------------------
# auth, explain, top, writes, openapi v2


def test_auth(mini):
    r = mini.kubectl("auth", "can-i", "get", "pods")
    assert r.stdout.strip() == "yes"
    assert mini.kubectl("auth", "can-i", "watch", "deployments.apps", "-A").stdout.strip() == "yes"
    r = mini.kubectl("auth", "can-i", "delete", "pods", check=False)
    assert r.returncode == 1 and r.stdout.startswith("no")
    r = mini.kubectl("auth", "can-i", "create", "configmaps", "-n", "demo", check=False)
    assert r.returncode == 1 and r.stdout.startswith("no")
    r = mini.kubectl("auth", "can-i", "get", "/healthz")  # non-resource URL
    assert r.stdout.strip() == "yes"
    out = mini.kubectl("auth", "can-i", "--list").stdout.splitlines()
    assert out[0].split() == ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"]
    assert out[1].split() == ["*.*", "[]", "[]", "[get", "list", "watch]"]
    out = mini.kubectl("auth", "whoami").stdout
    assert re.search(r"^Username\s+system:admin$", out, re.M)
    who = json.loads(mini.kubectl("auth", "whoami", "-o", "json").stdout)
    assert who["kind"] == "SelfSubjectReview" and who["status"]["userInfo"]["username"] == "system:admin"


def test_explain_builtin(mini):
    out = mini.kubectl("explain", "pods.spec.containers.resources").stdout
    assert out.startswith("KIND:       Pod\nVERSION:    v1\n")
    assert "FIELD: resources <ResourceRequirements>" in out
    assert re.search(r"^  limits\t<map\[string\]Quantity>$", out, re.M)
    assert re.search(r"^  requests\t<map\[string\]Quantity>$", out, re.M)
    out = mini.kubectl("explain", "deployment.spec.strategy.type").stdout
    assert out.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n")


@needs_samples
def test_explain_crd(okd_server):
    out = okd_server.kubectl("explain", "co.status.conditions").stdout
    assert out.startswith("GROUP:      config.openshift.io\nKIND:       ClusterOperator\nVERSION:    v1\n")
    assert "FIELD: conditions <[]Object>" in out
    assert re.search(r"^  lastTransitionTime\t<string> -required-$", out, re.M)
    out = okd_server.kubectl("explain", "clusteroperators", "--recursive").stdout
    assert "relatedObjects\t<[]Object>" in out


def test_top_and_openapi_v2(mini):
    for args in (("top", "pods", "-n", "demo"), ("top", "nodes")):
        r = mini.kubectl(*args, check=False)
        assert r.returncode == 1 and r.stderr.strip() == "error: Metrics API not available", r.stderr
    # served since kubectl 1.24-1.28 `explain` needs it (tests/test_openapiv2.py has the details)
    code, body, _ = mini.get("/openapi/v2")
    assert code == 200 and body["swagger"] == "2.0" and "/api/v1/namespaces/{namespace}/pods" in body["paths"]
    code, body, _ = mini.get("/openapi/v3")
    assert code == 200 and "api/v1" in body["paths"]


def test_writes_refused(mini, tmp_path):
    manifest = tmp_path / "cm.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: demo\ndata: {a: b}\n")
    cases = [
        ("delete", "pod", "-n", "demo", DEMO_POD),
        ("apply", "-f", str(manifest)),
        ("create", "-f", str(manifest)),
        ("patch", "pod", "-n", "demo", DEMO_POD, "-p", '{"metadata":{"labels":{"a":"b"}}}'),
        ("label", "pod", "-n", "demo", DEMO_POD, "a=b"),
        ("annotate", "pod", "-n", "demo", DEMO_POD, "a=b"),
        ("scale", "deploy", "-n", "demo", "web", "--replicas=3"),
        ("cordon", "node-1"),
    ]
    for args in cases:
        t0 = time.monotonic()
        r = run_kubectl(mini, *args, "--request-timeout=10s", timeout=30)
        # kubectl cordon reports the failure on stderr but exits 0 (drain.go RunCordonOrUncordon)
        assert r.returncode == (0 if args[0] == "cordon" else 1), (args, r.stdout, r.stderr)
        assert "the server does not allow this method on the requested resource" in r.stderr, (args, r.stderr)
        assert time.monotonic() - t0 < 8, args  # at once: no retries, no waiting
    # edit: the PATCH is refused and kubectl keeps the edited copy (in TMPDIR)
    r = run_kubectl(mini, "edit", "pod", "-n", "demo", DEMO_POD, env={
        "EDITOR": "sed -i s/pod-template-hash:/pod-template-hash-edited:/",
        "TMPDIR": str(tmp_path)})
    assert r.returncode == 1
    assert f'pods "{DEMO_POD}" could not be patched: the server does not allow this method' in r.stderr
    # the raw Status of a write
    req = urllib.request.Request(mini.url + f"/api/v1/namespaces/demo/pods/{DEMO_POD}", method="DELETE")
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("DELETE succeeded")
    except urllib.error.HTTPError as e:
        body = json.loads(e.read())
        assert e.code == 405 and body["kind"] == "Status" and body["reason"] == "MethodNotAllowed"
    # nothing changed
    assert mini.kubectl("get", "pod", "-n", "demo", DEMO_POD, "-o", "jsonpath={.metadata.labels.a}").stdout == ""
