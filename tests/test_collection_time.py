"""The collection time without a `timestamp` file (issue 19, item 4).

A must-gather normally says when it was collected (`timestamp`, Go's time.Time.String()). Without
one the collection time falls back to the newest time in the data that records when something was
observed or happened (condition transition and heartbeat times, event times, managedFields times,
creation and deletion timestamps), never a date that says when something will happen: every
OpenShift MachineConfigPool carries `status.certExpirys[].expiry` years ahead, which made a 2022
must-gather's nodes 12 years old. The log says which source was used.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

import yaml

from conftest import start_server
from staticapi.serve import cluster
from staticapi.source import records

OBSERVED = "2022-06-01T10:00:00Z"  # the newest observation in the tree below
EXPIRY = "2035-03-11T10:40:19Z"  # a certificate expiry (MachineConfigPool)


def _dump(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(obj))


def build_tree(root: Path, timestamp: str | None = None) -> Path:
    """A must-gather slice whose only future dates are certificate expiries."""
    csr = root / "cluster-scoped-resources"
    _dump(csr / "core" / "nodes" / "master-0.yaml", {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "master-0", "uid": "00000000-0000-4000-8000-000000000001",
                     "creationTimestamp": "2022-05-01T09:00:00Z",
                     "managedFields": [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1",
                                        "time": "2022-06-01T09:58:00Z"}]},
        "status": {"conditions": [
            {"type": "Ready", "status": "True", "reason": "KubeletReady",
             "lastHeartbeatTime": OBSERVED, "lastTransitionTime": "2022-05-01T09:05:00Z"}],
            # a far-future date in a field that is no observation (the kubelet's serving cert)
            "nodeInfo": {"kubeletVersion": "v1.24.0"}}})
    _dump(csr / "machineconfiguration.openshift.io" / "machineconfigpools" / "master.yaml", {
        "apiVersion": "machineconfiguration.openshift.io/v1", "kind": "MachineConfigPool",
        "metadata": {"name": "master", "uid": "00000000-0000-4000-8000-000000000002",
                     "creationTimestamp": "2022-05-01T09:00:00Z"},
        "spec": {"paused": False},
        "status": {"machineCount": 1, "readyMachineCount": 1, "updatedMachineCount": 1,
                   "degradedMachineCount": 0,
                   "certExpirys": [{"bundle": "KubeAPIServerServingCAData", "subject": "CN=admin-kubeconfig-signer",
                                    "expiry": EXPIRY},
                                   {"bundle": "KubeAPIServerServingCAData", "subject": "CN=kube-csr-signer",
                                    "expiry": "2031-01-01T00:00:00Z"}],
                   "conditions": [{"type": "Updated", "status": "True",
                                   "lastTransitionTime": "2022-05-20T12:00:00Z"}]}})
    ns = root / "namespaces" / "openshift-etcd"
    _dump(ns / "openshift-etcd.yaml", {"apiVersion": "v1", "kind": "Namespace",
                                       "metadata": {"name": "openshift-etcd", "uid": "00000000-0000-4000-8000-000000000003",
                                                    "creationTimestamp": "2022-05-01T09:00:00Z"}})
    _dump(ns / "core" / "events.yaml", {"apiVersion": "v1", "kind": "EventList", "items": [
        {"apiVersion": "v1", "kind": "Event",
         "metadata": {"name": "etcd.1", "namespace": "openshift-etcd", "creationTimestamp": "2022-06-01T09:50:00Z"},
         "involvedObject": {"kind": "Pod", "name": "etcd-master-0", "namespace": "openshift-etcd"},
         "reason": "Pulled", "message": "a certificate valid until \"2040-01-01T00:00:00Z\"", "type": "Normal",
         "firstTimestamp": "2022-06-01T09:40:00Z", "lastTimestamp": "2022-06-01T09:59:00Z", "count": 2}]})
    # a Secret annotation with a future date (cert-manager style): no observation either
    _dump(ns / "core" / "secrets.yaml", {"apiVersion": "v1", "kind": "SecretList", "items": [
        {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
         "metadata": {"name": "serving-cert", "namespace": "openshift-etcd",
                      "creationTimestamp": "2022-05-01T09:00:00Z",
                      "annotations": {"auth.openshift.io/certificate-not-after": "2032-05-01T09:00:00Z"}}}]})
    if timestamp:
        (root / "timestamp").write_text(timestamp)
    return root


def test_newest_observed_time_only(tmp_path):
    raw = (b'{"metadata":{"creationTimestamp":"2022-05-01T09:00:00Z"},"status":{"certExpirys":[{"expiry":"'
           + EXPIRY.encode() + b'"}],"conditions":[{"lastTransitionTime":"2022-05-20T12:00:00Z"}]}}')
    assert records.newest_time(raw) == "2022-05-20T12:00:00Z"
    # quoted inside a string value (a message, a ConfigMap's embedded JSON): not a field
    assert records.newest_time(b'{"message":"{\\"time\\":\\"2040-01-01T00:00:00Z\\"}","time":"2022-01-01T00:00:00Z"}') \
        == "2022-01-01T00:00:00Z"
    assert records.newest_time(b'{"notAfter":"2040-01-01T00:00:00Z"}') == ""


def test_fallback_ignores_certificate_expiries(tmp_path, caplog):
    mg = build_tree(tmp_path / "mg")
    with caplog.at_level(logging.INFO, logger="staticapi"):
        store = cluster.load_store("t", mg)
    assert store.collection_time == datetime(2022, 6, 1, 10, 0, tzinfo=timezone.utc)
    msg = [r.getMessage() for r in caplog.records if "collection time" in r.getMessage()]
    assert msg and "2022-06-01T10:00:00Z" in msg[0] and "no timestamp file" in msg[0] \
        and "master-0.yaml" in msg[0], msg


def test_timestamp_file_is_named_in_the_log(tmp_path, caplog):
    mg = build_tree(tmp_path / "mg", "2022-06-02 08:00:00.000000000 +0000 UTC m=+0.000000001\n")
    with caplog.at_level(logging.INFO, logger="staticapi"):
        store = cluster.load_store("t", mg)
    assert store.collection_time == datetime(2022, 6, 2, 8, 0, tzinfo=timezone.utc)
    msg = [r.getMessage() for r in caplog.records if "collection time" in r.getMessage()]
    assert msg and "2022-06-02T08:00:00Z" in msg[0] and "timestamp" in msg[0], msg


def test_no_time_at_all_says_wall_clock(tmp_path, caplog):
    _dump(tmp_path / "mg" / "cluster-scoped-resources" / "core" / "nodes" / "n.yaml",
          {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}})
    with caplog.at_level(logging.INFO, logger="staticapi"):
        store = cluster.load_store("t", tmp_path / "mg")
    assert store.collection_time is None
    assert any("collection time" in r.getMessage() and "wall clock" in r.getMessage() for r in caplog.records)


def test_kubectl_ages_without_timestamp_file(kubectl_bin, tmp_path):
    mg = build_tree(tmp_path / "mg")
    srv = start_server([str(mg)], tmp_path / "srv", kubectl_bin, extra=["--no-reload"])
    try:
        rows = srv.kubectl("get", "nodes", "--no-headers").stdout.split()
        assert rows[:2] == ["master-0", "Ready"] and rows[-2] == "31d", rows  # created 2022-05-01T09:00Z
        out = srv.kubectl("get", "mcp", "master", "--no-headers").stdout
        assert "31d" in out and "y" not in out.split()[-1], out
        # the warm start (store image) keeps the same time and says where it came from
    finally:
        srv.stop()
    assert any("collection time 2022-06-01T10:00:00Z" in ln for ln in srv.output), "".join(srv.output)
    srv = start_server([str(mg)], tmp_path / "srv", kubectl_bin, extra=["--no-reload"])
    try:
        assert srv.kubectl("get", "nodes", "--no-headers").stdout.split()[-2] == "31d"
    finally:
        srv.stop()
    assert any("collection time 2022-06-01T10:00:00Z" in ln for ln in srv.output), "".join(srv.output)
