"""Triage findings (insight/triage*.py): every rule fires on its hand-built case and not on a
healthy twin; folding, stable keys, evidence (log tails), hostile objects; the real samples; the
``staticapi triage`` CLI and ``/staticapi/v1/triage`` on the bundled fixture."""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE, MG48, OKD, OKD_SNO, SAMPLES, needs_samples
from staticapi.insight import triage
from staticapi.insight.findings import Finding
from staticapi.insight.triage_rules import RULES
from staticapi.serve.logs import LogIndex
from staticapi.store.store import Problem

NOW = datetime(2025, 3, 20, 12, 0, 0, tzinfo=timezone.utc)


def t(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


class View:
    """The parts of a ClusterInsight the triage engine reads."""

    def __init__(self, data: dict | None = None, problems=(), extra_problems=(), roots=()):
        self.data = data or {}
        self.name = "test"
        self.collection_time = NOW
        self.store = SimpleNamespace(problems=list(problems))
        self.cluster = SimpleNamespace(extra_problems=list(extra_problems))
        self.log_index = LogIndex(roots) if roots else None

    def objects(self, group, resource):
        return iter(self.data.get((group, resource), ()))


# the rules of this module only: finding sources added by other modules (alerts, etcd) have tests
# of their own and need more than these hand-built objects
OBJECTS_ONLY = [("objects", triage.object_findings)]


def run(data: dict, **kw) -> list[Finding]:
    return triage.compute(View(data, **kw), OBJECTS_ONLY)


def rules_of(found: list[Finding]) -> list[str]:
    return [f.rule for f in found]


# ------------------------------------------------------------------------------ healthy objects

def cond(type_, status, minutes_ago=300, reason="", message=""):
    return {"type": type_, "status": status, "lastTransitionTime": t(minutes_ago), "reason": reason,
            "message": message}


def co(name="etcd", **over):
    conds = {"Available": "True", "Degraded": "False", "Progressing": "False", "Upgradeable": "True"}
    conds.update(over)
    return {"kind": "ClusterOperator", "metadata": {"name": name},
            "status": {"conditions": [cond(k, v, 120, "AsExpected", f"{k} message") for k, v in conds.items()]}}


def cv(history=None, **over):
    conds = {"Available": "True", "Failing": "False", "Progressing": "False"}
    conds.update(over)
    history = history if history is not None else [
        {"state": "Completed", "version": "4.17.20", "startedTime": t(600), "completionTime": t(550)},
        {"state": "Completed", "version": "4.17.19", "startedTime": t(9000), "completionTime": t(8950)}]
    return {"kind": "ClusterVersion", "metadata": {"name": "version"},
            "status": {"history": history, "conditions": [cond(k, v, 120, "", f"{k} msg") for k, v in conds.items()]}}


def node(name="worker-0", ready="True", **kw):
    conds = [cond("Ready", ready, 60, "KubeletReady" if ready == "True" else "NodeStatusUnknown", "m")]
    conds += [cond(p, kw.get(p, "False"), 60) for p in ("MemoryPressure", "DiskPressure", "PIDPressure")]
    obj = {"kind": "Node", "metadata": {"name": name}, "spec": {}, "status": {"conditions": conds}}
    if kw.get("unschedulable"):
        obj["spec"] = {"unschedulable": True, "taints": [{"key": "node.kubernetes.io/unschedulable",
                                                          "effect": "NoSchedule", "timeAdded": t(30)}]}
    return obj


def mcp(name="worker", degraded="False", updated="True"):
    return {"kind": "MachineConfigPool", "metadata": {"name": name},
            "status": {"machineCount": 3, "updatedMachineCount": 3 if updated == "True" else 1,
                       "readyMachineCount": 3, "degradedMachineCount": 0,
                       "conditions": [cond("Degraded", degraded, 30, "", "1 nodes are reporting degraded status"),
                                      cond("Updated", updated, 30), cond("Updating", "False" if updated == "True"
                                                                         else "True", 30)]}}


def machine(phase="Running"):
    return {"kind": "Machine", "metadata": {"name": "m-0", "namespace": "openshift-machine-api",
                                            "creationTimestamp": t(600)},
            "status": {"phase": phase, "errorMessage": "no capacity" if phase == "Failed" else None}}


def csr(approved=True, minutes_ago=60):
    return {"kind": "CertificateSigningRequest", "metadata": {"name": "csr-abcde", "creationTimestamp": t(minutes_ago)},
            "spec": {"username": "system:node:worker-0", "signerName": "kubernetes.io/kubelet-serving"},
            "status": {"conditions": [{"type": "Approved", "status": "True"}]} if approved else {}}


def pod(name="web-7d9f8c6b5d-x2x9q", ns="app", rs="web-7d9f8c6b5d", hash_="7d9f8c6b5d", phase="Running",
        container=None, created=600, **status):
    cs = {"name": "web", "ready": True, "restartCount": 0, "state": {"running": {"startedAt": t(500)}}}
    cs.update(container or {})
    obj = {"kind": "Pod", "metadata": {"name": name, "namespace": ns, "creationTimestamp": t(created),
                                       "labels": {"pod-template-hash": hash_} if hash_ else {},
                                       "ownerReferences": [{"kind": "ReplicaSet", "name": rs, "controller": True}]
                                       if rs else []},
           "status": {"phase": phase, "conditions": [cond("Ready", "True" if cs["ready"] else "False", 400),
                                                     cond("PodScheduled", "True", 590)],
                      "containerStatuses": [cs]}}
    obj["status"].update(status)
    return obj


def crashloop(restarts=12):
    return {"ready": False, "restartCount": restarts,
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed"}},
            "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "finishedAt": t(3)}}}


def deployment(replicas=3, available=3):
    return {"kind": "Deployment", "metadata": {"name": "web", "namespace": "app"}, "spec": {"replicas": replicas},
            "status": {"replicas": replicas, "availableReplicas": available,
                       "conditions": [cond("Available", "True" if available else "False", 20,
                                           "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                                           "Deployment has minimum availability.")]}}


def job(failed=False, name="backup-1", owner=None, created=60):
    meta = {"name": name, "namespace": "app", "creationTimestamp": t(created)}
    if owner:
        meta["ownerReferences"] = [{"kind": "CronJob", "name": owner, "controller": True}]
    c = cond("Failed", "True", 10, "BackoffLimitExceeded", "Job has reached the specified backoff limit") if failed \
        else cond("Complete", "True", 10)
    return {"kind": "Job", "metadata": meta, "status": {"conditions": [c]}}


def pvc(phase="Bound"):
    return {"kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "app",
                                                          "creationTimestamp": t(90)}, "status": {"phase": phase}}


def csv(phase="Succeeded", copied=False):
    labels = {"olm.copiedFrom": "openshift-operators"} if copied else {}
    return {"kind": "ClusterServiceVersion", "metadata": {"name": "op.v1", "namespace": "openshift-operators",
                                                          "labels": labels},
            "status": {"phase": phase, "reason": "InstallCheckFailed" if phase != "Succeeded" else "InstallSucceeded",
                       "message": "install timeout", "lastTransitionTime": t(30)}}


def event(reason="BackOff", count=1, type_="Warning", kind="Pod", name="web-7d9f8c6b5d-x2x9q", ns="app",
          message="Back-off pulling image", first=120, last=1, uid=None):
    return {"kind": "Event", "metadata": {"name": f"{name}.{reason}", "namespace": ns, "uid": uid or f"{name}{reason}"},
            "involvedObject": {"kind": kind, "name": name, "namespace": ns}, "reason": reason, "message": message,
            "type": type_, "count": count, "firstTimestamp": t(first), "lastTimestamp": t(last)}


CFG = "config.openshift.io"
CO, CV = (CFG, "clusteroperators"), (CFG, "clusterversions")
NODES, PODS, EVENTS = ("", "nodes"), ("", "pods"), ("", "events")
MCPS = ("machineconfiguration.openshift.io", "machineconfigpools")

# rule -> (data with the problem, its healthy twin); the twin differs only in the bad field
CASES: dict[str, tuple[dict, dict]] = {
    "clusteroperator-unavailable": ({CO: [co(Available="False")]}, {CO: [co()]}),
    "clusteroperator-degraded": ({CO: [co(Degraded="True")]}, {CO: [co()]}),
    "clusteroperator-progressing": ({CO: [co(Progressing="True")]},
                                    {CO: [dict(co(), status={"conditions": [cond("Progressing", "True", 5)]})]}),
    "clusterversion-failing": ({CV: [cv(Failing="True")]}, {CV: [cv()]}),
    "clusterversion-update-incomplete": (
        {CV: [cv([{"state": "Partial", "version": "4.18.1", "startedTime": t(180)},
                  {"state": "Completed", "version": "4.17.20", "startedTime": t(9000), "completionTime": t(8900)}],
                 Progressing="True")]},
        {CV: [cv([{"state": "Partial", "version": "4.18.1", "startedTime": t(10)},
                  {"state": "Completed", "version": "4.17.20", "startedTime": t(9000), "completionTime": t(8900)}],
                 Progressing="True")]}),
    "clusterversion-progressing": ({CV: [cv(Progressing="True")]}, {CV: [cv()]}),
    "node-not-ready": ({NODES: [node(ready="Unknown")]}, {NODES: [node()]}),
    "node-pressure": ({NODES: [node(DiskPressure="True")]}, {NODES: [node()]}),
    "node-unschedulable": ({NODES: [node(unschedulable=True)]}, {NODES: [node()]}),
    "mcp-degraded": ({MCPS: [mcp(degraded="True")]}, {MCPS: [mcp()]}),
    "mcp-not-updated": ({MCPS: [mcp(updated="False")]}, {MCPS: [mcp()]}),
    "machine-not-running": ({("machine.openshift.io", "machines"): [machine("Failed")]},
                            {("machine.openshift.io", "machines"): [machine()]}),
    "csr-pending": ({("certificates.k8s.io", "certificatesigningrequests"): [csr(False)]},
                    {("certificates.k8s.io", "certificatesigningrequests"): [csr(True), csr(False, 2)]}),
    "pod-crashloop": ({PODS: [pod(container=crashloop())]}, {PODS: [pod()]}),
    "pod-image-pull": ({PODS: [pod(phase="Pending", container={"ready": False, "state": {"waiting": {
        "reason": "ErrImagePull", "message": "pull access denied for quay.io/x/y"}}})]}, {PODS: [pod()]}),
    "pod-config-error": ({PODS: [pod(phase="Pending", container={"ready": False, "state": {"waiting": {
        "reason": "CreateContainerConfigError", "message": 'secret "db" not found'}}})]}, {PODS: [pod()]}),
    "pod-oomkilled": ({PODS: [pod(container={"restartCount": 1, "lastState": {"terminated": {
        "reason": "OOMKilled", "exitCode": 137, "finishedAt": t(5)}}})]},
        {PODS: [pod(container={"restartCount": 1, "lastState": {"terminated": {
            "reason": "Completed", "exitCode": 0, "finishedAt": t(5)}}})]}),
    "pod-terminated-error": ({PODS: [pod(phase="Failed", container={"ready": False, "state": {"terminated": {
        "reason": "Error", "exitCode": 2, "finishedAt": t(5)}}})]},
        {PODS: [pod(phase="Succeeded", container={"ready": False, "state": {"terminated": {
            "reason": "Completed", "exitCode": 0, "finishedAt": t(5)}}})]}),
    "pod-pending": ({PODS: [pod(phase="Pending", container={"ready": False, "state": {"waiting": {
        "reason": "ContainerCreating"}}}, conditions=[cond("PodScheduled", "False", 100, "Unschedulable",
                                                          "0/3 nodes are available: 3 Insufficient cpu.")])]},
        {PODS: [pod(phase="Pending", created=1, container={"ready": False, "state": {"waiting": {
            "reason": "ContainerCreating"}}}, conditions=[cond("PodScheduled", "False", 1, "Unschedulable", "x")])]}),
    "pod-evicted": ({PODS: [pod(phase="Failed", reason="Evicted", message="The node was low on resource: memory.")]},
                    {PODS: [pod(phase="Failed", reason="Shutdown", message="node shutdown")]}),
    "pod-restarts": ({PODS: [pod(container={"restartCount": 9, "state": {"running": {"startedAt": t(20)}}})]},
                     {PODS: [pod(container={"restartCount": 4, "state": {"running": {"startedAt": t(20)}}}),
                             pod(name="old-restarts", container={"restartCount": 9, "state": {"running": {
                                 "startedAt": t(6000)}}})]}),
    "workload-unavailable": ({("apps", "deployments"): [deployment(3, 0)]}, {("apps", "deployments"): [deployment()]}),
    "job-failed": ({("batch", "jobs"): [job(True)]},
                   {("batch", "jobs"): [job(True, "nightly-29040823", "nightly", 600),
                                        job(False, "nightly-29040883", "nightly", 10)]}),
    "pvc-not-bound": ({("", "persistentvolumeclaims"): [pvc("Pending")]}, {("", "persistentvolumeclaims"): [pvc()]}),
    "csv-not-succeeded": ({("operators.coreos.com", "clusterserviceversions"): [csv("Failed")]},
                          {("operators.coreos.com", "clusterserviceversions"): [csv(), csv("Failed", copied=True)]}),
    "event-storm": ({EVENTS: [event("FailedMount", 25, message='secret "x" not found')]},
                    {EVENTS: [event("FailedMount", 20, message='secret "x" not found')]}),
    "event-top-warnings": ({EVENTS: [event("FailedMount", 2)]}, {EVENTS: [event("Pulled", 2, type_="Normal")]}),
}


def test_every_rule_has_a_case():
    # files-unreadable needs a store (test_files_unreadable), triage-source-failed a failing source
    assert set(CASES) == set(RULES) - {"files-unreadable", "triage-source-failed"}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_its_case_and_not_on_its_healthy_twin(rule):
    bad, good = CASES[rule]
    found = run(copy.deepcopy(bad))
    assert rule in rules_of(found), found
    mine = [f for f in found if f.rule == rule]
    assert all(f.title and f.severity and f.key.startswith(rule) for f in mine)
    assert rule not in rules_of(run(copy.deepcopy(good)))
    if rule not in ("event-top-warnings",):  # the others say why
        assert all(f.evidence for f in mine), mine


def test_files_unreadable():
    found = run({}, problems=[Problem("ns/a.yaml", "invalid YAML")], extra_problems=[Problem("x.tar/b", "too big")])
    f = next(f for f in found if f.rule == "files-unreadable")
    assert f.count == 2 and "2 file(s)" in f.title and any("invalid YAML" in e for e in f.evidence)
    assert "files-unreadable" not in rules_of(run({}))


def test_healthy_cluster_has_no_findings():
    data = {CO: [co("etcd"), co("dns")], CV: [cv()], NODES: [node("a"), node("b")], MCPS: [mcp()],
            PODS: [pod()], ("apps", "deployments"): [deployment()], ("batch", "jobs"): [job()],
            ("", "persistentvolumeclaims"): [pvc()],
            EVENTS: [event("Pulled", 3, type_="Normal")]}
    assert run(data) == []


def test_severity_and_ranking():
    found = run({CO: [co(Available="False")], NODES: [node(ready="False")],
                 PODS: [pod(container={"restartCount": 9, "state": {"running": {"startedAt": t(5)}}})]})
    assert [f.severity for f in found] == ["critical", "critical", "warning"]
    assert triage.summary(found) == {"critical": 2, "error": 0, "warning": 1, "info": 0}


def test_partially_available_workload_is_a_warning_and_down_is_an_error():
    (f,) = run({("apps", "deployments"): [deployment(3, 1)]})
    assert (f.severity, f.title) == ("warning", "Deployment app/web: 1/3 replicas available")
    (f,) = run({("apps", "deployments"): [deployment(3, 0)]})
    assert f.severity == "error" and f.since == t(20)


def test_replicaset_of_a_deployment_is_left_to_the_deployment():
    rs = {"kind": "ReplicaSet", "metadata": {"name": "web-1", "namespace": "app",
                                             "ownerReferences": [{"kind": "Deployment", "name": "web"}]},
          "spec": {"replicas": 2}, "status": {"availableReplicas": 0}}
    assert run({("apps", "replicasets"): [rs]}) == []
    rs["metadata"]["ownerReferences"] = []
    assert rules_of(run({("apps", "replicasets"): [rs]})) == ["workload-unavailable"]


# ------------------------------------------------------------------------------ folding and keys

def _pull_pods(n: int, hash_: str, seed: str) -> list[dict]:
    out = []
    for i in range(n):
        out.append(pod(name=f"web-{hash_}-{seed}{i:03d}", rs=f"web-{hash_}", hash_=hash_, phase="Pending",
                       container={"ready": False, "state": {"waiting": {"reason": "ImagePullBackOff",
                                                                        "message": "Back-off pulling image q/x"}}}))
    return out


def test_fifty_pods_of_one_replicaset_fold_into_one_finding():
    (f,) = run({PODS: _pull_pods(50, "7d9f8c6b5d", "a")})
    assert f.rule == "pod-image-pull" and f.count == 50
    assert f.title == "50 pods of Deployment app/web: container web cannot pull its image (ImagePullBackOff)"
    assert (f.object.kind, f.object.name, f.object.namespace) == ("Deployment", "web", "app")
    assert f.evidence[0].startswith("pods: web-7d9f8c6b5d-a000, ") and "(+40 more)" in f.evidence[0]
    assert any("Back-off pulling image q/x" in e for e in f.evidence)


def test_keys_are_stable_across_runs_with_other_generated_names():
    a = run({PODS: _pull_pods(3, "7d9f8c6b5d", "a") + [pod(name="job-29040823-abcde", rs=None, hash_=None,
                                                           container=crashloop())]})
    b = run({PODS: _pull_pods(2, "5c4b3a2d1e", "z")})
    assert {f.key for f in a} >= {f.key for f in b} == {"pod-image-pull:apps/Deployment/app/web:web"}
    cron_pod = pod(name="report-29040823-ddgd8", rs=None, hash_=None, phase="Failed",
                   container={"ready": False, "state": {"terminated": {"reason": "Error", "exitCode": 2}}})
    cron_pod["metadata"]["ownerReferences"] = [{"kind": "Job", "name": "report-29040823", "controller": True}]
    (f,) = run({PODS: [cron_pod]})
    assert f.key == "pod-terminated-error:batch/CronJob/app/report:web"
    assert len({f.key for f in run({CO: [co("a", Degraded="True"), co("b", Degraded="True")]})}) == 2


def test_a_single_pod_finding_points_at_the_pod():
    (f,) = run({PODS: [pod(container=crashloop(12))]})
    assert (f.object.kind, f.object.name) == ("Pod", "web-7d9f8c6b5d-x2x9q")
    assert f.count == 12 and f.container == "web"
    assert f.evidence[0] == f"last termination Error, exit code 1, at {t(3)}"


# ------------------------------------------------------------------------------ evidence

def test_log_tail_of_the_crashed_container(tmp_path):
    d = tmp_path / "namespaces" / "app" / "pods" / "web-7d9f8c6b5d-x2x9q" / "web" / "web" / "logs"
    d.mkdir(parents=True)
    (d / "previous.log").write_text("".join(f"{t(10)} line {i}\n" for i in range(5000)) + f"{t(4)} panic: boom\n")
    (d / "current.log").write_text(f"{t(1)} starting\n")
    (f,) = triage.compute(View({PODS: [pod(container=crashloop())]}, roots=[tmp_path]), OBJECTS_ONLY)
    logs = [e for e in f.evidence if e.startswith("log ")]
    assert logs[-1] == f"log (previous): {t(4)} panic: boom" and len(logs) == 5
    assert logs[0] == f"log (previous): {t(10)} line 4996"


def test_events_give_evidence_and_since():
    p = pod(phase="Pending", container={"ready": False, "state": {"waiting": {"reason": "ImagePullBackOff"}}})
    ev = event("Failed", 4, message="Failed to pull image q/x: manifest unknown", first=90)
    (f,) = [f for f in run({PODS: [p], EVENTS: [ev]}) if f.rule == "pod-image-pull"]
    assert f.since == t(90)
    assert "event Warning Failed (x4): Failed to pull image q/x: manifest unknown" in f.evidence


def test_pending_pod_says_the_schedulers_reason():
    bad, _ = CASES["pod-pending"]
    (f,) = run(copy.deepcopy(bad))
    assert f.title == "Pod app/web-7d9f8c6b5d-x2x9q is Pending: 0/3 nodes are available: 3 Insufficient cpu."
    assert f.since == t(100)


# ------------------------------------------------------------------------------ noise control

def test_storm_explained_by_a_pod_finding_is_not_repeated():
    p = pod(container=crashloop())
    found = run({PODS: [p], EVENTS: [event("BackOff", 300, message="Back-off restarting failed container web")]})
    assert rules_of(found) == ["pod-crashloop", "event-top-warnings"]


def test_origin_allowed_repeats_and_install_time_storms_are_no_storms():
    allowed = event("Unhealthy", 80, message="Readiness probe failed: connection refused")
    during_install = event("FailedMount", 80, name="other", first=700, last=650)
    data = {EVENTS: [allowed, during_install],
            CV: [cv([{"state": "Completed", "version": "4.17.20", "startedTime": t(900), "completionTime": t(600)}])]}
    assert "event-storm" not in rules_of(run(data))
    data[CV] = [cv([{"state": "Completed", "version": "4.17.20", "startedTime": t(900), "completionTime": t(660)}])]
    assert [f.title for f in run(data) if f.rule == "event-storm"] == ["FailedMount repeated 80 times on Pod app/other"]


def test_upgrade_only_allowance_applies_during_an_update():
    ev = event("UnhealthyEtcdMember", 30, kind="Deployment", name="etcd-operator", ns="openshift-etcd-operator",
               message="unhealthy members: master-1", first=100, last=60)
    install = {"state": "Completed", "version": "4.17.19", "startedTime": t(9000), "completionTime": t(8900)}
    upgrade = {"state": "Completed", "version": "4.17.20", "startedTime": t(120), "completionTime": t(30)}
    assert "event-storm" not in rules_of(run({EVENTS: [ev], CV: [cv([upgrade, install])]}))
    assert "event-storm" in rules_of(run({EVENTS: [ev], CV: [cv([install])]}))


def test_superseded_installer_pods_and_retried_job_pods_are_not_failures():
    def installer(name, code):
        p = pod(name=name, ns="openshift-kube-apiserver", rs=None, hash_=None,
                phase="Failed" if code else "Succeeded",
                container={"ready": False, "state": {"terminated": {"reason": "Error" if code else "Completed",
                                                                   "exitCode": code}}})
        return p
    old = [installer("installer-2-master-0", 1), installer("installer-2-retry-1-master-0", 1),
           installer("installer-3-master-0", 0)]
    assert run({PODS: old}) == []
    (f,) = run({PODS: old + [installer("installer-4-master-0", 1)]})
    assert f.object.name == "installer-4-master-0"
    assert f.key == "pod-terminated-error:/Pod/openshift-kube-apiserver/installer-master-0:web"
    failed = pod(name="collect-1-a", rs=None, hash_=None, phase="Failed",
                 container={"ready": False, "state": {"terminated": {"reason": "Error", "exitCode": 1}}})
    failed["metadata"]["ownerReferences"] = [{"kind": "Job", "name": "collect-1"}]
    ok = copy.deepcopy(failed)
    ok["metadata"]["name"], ok["status"]["phase"] = "collect-1-b", "Succeeded"
    assert run({PODS: [failed, ok]}) == []
    assert rules_of(run({PODS: [failed]})) == ["pod-terminated-error"]


def test_recovered_container_is_not_a_failure():
    p = pod(container={"restartCount": 2, "lastState": {"terminated": {"reason": "Error", "exitCode": 1,
                                                                       "finishedAt": t(10)}}})
    assert run({PODS: [p]}) == []


# ------------------------------------------------------------------------------ robustness

def test_hostile_objects_do_not_crash():
    data = {CO: [{"metadata": "x", "status": {"conditions": [1, "a", None, {"type": 5}]}}, {"status": []}],
            NODES: [{"metadata": {"name": 3}, "spec": {"taints": "x"}, "status": {"conditions": {"a": 1}}}],
            PODS: [{"metadata": {"ownerReferences": "x"}, "status": {"phase": "Pending", "containerStatuses":
                                                                     [1, {"state": "x", "lastState": []}]}},
                   {"status": {"containerStatuses": [{"name": "<script>", "state": {"waiting": {
                       "reason": "CrashLoopBackOff", "message": ["not", "a", "string"]}}, "restartCount": "9"}]}}],
            EVENTS: [{"count": "many", "involvedObject": "x", "firstTimestamp": "yesterday"}, 7,
                     {"type": "Warning", "metadata": {"uid": ["a"], "name": {}}, "reason": 5, "count": 99}],
            ("apps", "deployments"): [{"spec": {"replicas": "three"}, "status": None}],
            CV: [{"status": {"history": ["x", {"state": "Partial", "startedTime": 5}]}}]}
    found = run(data)
    assert "triage-source-failed" not in rules_of(found)
    assert "pod-crashloop" in rules_of(found)


def test_a_failing_source_is_reported_not_fatal(monkeypatch):
    def boom(ci):
        yield Finding(rule="partial", severity="info", title="yielded before the error")
        raise ValueError("bad data")

    monkeypatch.setattr(triage, "SOURCES", [*OBJECTS_ONLY, ("boom", boom)])
    found = triage.compute(View({CO: [co(Degraded="True")]}))
    assert rules_of(found) == ["clusteroperator-degraded", "triage-source-failed", "partial"]
    assert found[1].title == "Triage check boom failed: ValueError" and found[1].evidence == ["bad data"]


def test_sources_list_takes_more_sources(monkeypatch):
    def alerts(ci):
        return [Finding(rule="alert-firing", severity="critical", title="KubeAPIDown firing", key="alert:KubeAPIDown")]

    monkeypatch.setattr(triage, "SOURCES", [*OBJECTS_ONLY, ("alerts", alerts)])
    assert rules_of(triage.compute(View({}))) == ["alert-firing"]


def test_report_shape():
    ci = View({CO: [co(Degraded="True")]})
    rep = triage.report(ci, triage.compute(ci, OBJECTS_ONLY))
    assert rep["kind"] == "TriageReport" and rep["apiVersion"] == "staticapi/v1" and rep["cluster"] == "test"
    assert rep["collectionTime"] == "2025-03-20T12:00:00Z"
    assert rep["summary"] == {"critical": 0, "error": 1, "warning": 0, "info": 0}
    f = rep["findings"][0]
    assert set(f) == {"rule", "severity", "title", "object", "evidence", "since", "container", "count", "key"}
    json.dumps(rep)
    text = triage.format_text(rep)
    assert text.splitlines()[1].startswith("ERROR    ClusterOperator etcd is Degraded (AsExpected)")


# ------------------------------------------------------------------------------ real samples

async def _open(src: Path, cache: Path):
    from staticapi.insight.context import open_sources

    (ci,) = await open_sources([str(src)], cache)
    return ci


def _sample_findings(src: Path, cache: Path) -> list[Finding]:
    ci = asyncio.run(_open(src, cache))
    return triage.compute(ci)


# Every finding on the samples, each justified in one sentence. Samples of healthy clusters have
# only the info summary of their (installation-time) warning events.
SAMPLE_EXPECTED = {
    # OKD install + upgrade on GCP, collected 2 min after the installation completed: all storms
    # happened during installation; the failed installer pods were replaced by later revisions.
    "resourcewatch-okd-3nodes": {"event-top-warnings"},
    "resourcewatch-okd-sno": {"event-top-warnings"},
    "must-gather-clean-release-4.8/release-4.8": set(),
    "must-gather-explorer-cnv": set(),
    "static-kas-testdata": set(),
    # mugshine's sample was hand-edited to show problems: storage Available=False, worker-2
    # Ready=Unknown, openshift-apiserver Degraded=True; a DaemonSet pod evicted for DiskPressure;
    # 61 placeholder-stub files. (multus-admission-controller's 7 and 5 restarts are 45 days old:
    # its containers have run since 2025-02-03, so they are no finding.)
    "mugshine/mgs/validMg": {
        "clusteroperator-unavailable:config.openshift.io/ClusterOperator//storage",
        "clusteroperator-progressing:config.openshift.io/ClusterOperator//storage",
        "clusteroperator-degraded:config.openshift.io/ClusterOperator//openshift-apiserver",
        "node-not-ready:/Node//worker-2.clustername.domain.local",
        "pod-evicted:apps/DaemonSet/openshift-multus/network-metrics-daemon",
        "files-unreadable"},
}


@needs_samples
@pytest.mark.parametrize("sample", sorted(SAMPLE_EXPECTED))
def test_real_samples(sample, tmp_path_factory):
    found = _sample_findings(SAMPLES / sample, tmp_path_factory.getbasetemp() / "triage-cache")
    expected = SAMPLE_EXPECTED[sample]
    got = {f.rule if f.rule in ("event-top-warnings",) else f.key for f in found}
    assert got == expected, [(f.severity, f.title) for f in found]
    assert "triage-source-failed" not in {f.rule for f in found}


@needs_samples
def test_real_sample_evidence(tmp_path_factory):
    found = _sample_findings(SAMPLES / "mugshine/mgs/validMg", tmp_path_factory.getbasetemp() / "triage-cache")
    by_key = {f.key: f for f in found}
    f = by_key["clusteroperator-unavailable:config.openshift.io/ClusterOperator//storage"]
    assert f.severity == "critical" and f.since == "2025-03-17T14:10:05Z"
    assert f.evidence == ["Available=False (AsExpected): DefaultStorageClassControllerAvailable: "
                          "No default StorageClass for this platform"]
    f = by_key["pod-evicted:apps/DaemonSet/openshift-multus/network-metrics-daemon"]
    assert f.evidence == ["Evicted: Pod was rejected: The node had condition: [DiskPressure]."]
    assert by_key["files-unreadable"].count == 61


assert {OKD.name, OKD_SNO.name, MG48.parent.name} <= {p.split("/")[0] for p in SAMPLE_EXPECTED}


# ------------------------------------------------------------------------------ CLI and endpoint

def _cli(*args: str, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "staticapi.cli", "triage", *args, "--cache-dir", str(cache)],
                          capture_output=True, text=True, timeout=300)


EXPECTED_FIXTURE = {
    "node-not-ready:/Node//ip-10-0-66-114.us-east-2.compute.internal",
    "clusteroperator-degraded:config.openshift.io/ClusterOperator//etcd",
    "pod-crashloop:apps/Deployment/demo-apps/worker:worker",
    "files-unreadable",
}


def test_cli_on_the_fixture(tmp_path):
    r = _cli(str(FIXTURE), cache=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("== must-gather (collected 2025-03-20T07:49:58")
    assert lines[1].startswith("CRITICAL Node ip-10-0-66-114.us-east-2.compute.internal is NotReady")
    assert "ERROR    Pod demo-apps/worker-jdr8c796d6-qb2bt: container worker in CrashLoopBackOff  x51" in r.stdout
    assert "WARNING  6 file(s) could not be read" in r.stdout
    assert r.stderr == ""
    j = _cli(str(FIXTURE), "-o", "json", cache=tmp_path)
    rep = json.loads(j.stdout)
    assert rep["kind"] == "TriageReport" and EXPECTED_FIXTURE <= {f["key"] for f in rep["findings"]}
    crash = next(f for f in rep["findings"] if f["key"] == "pod-crashloop:apps/Deployment/demo-apps/worker:worker")
    assert any(e.startswith("log (previous): ") for e in crash["evidence"]) and crash["container"] == "worker"
    crit = _cli(str(FIXTURE), "-o", "json", "--severity", "critical", cache=tmp_path)
    assert {f["severity"] for f in json.loads(crit.stdout)["findings"]} == {"critical"}
    bad = _cli(str(tmp_path / "does-not-exist"), cache=tmp_path)
    assert bad.returncode == 2 and "staticapi:" in bad.stderr and bad.stdout == ""


def test_endpoint_on_the_fixture(fixture_server, tmp_path):
    def get(path):
        with urllib.request.urlopen(fixture_server.url + path, timeout=60) as r:
            return r.status, r.headers["Content-Type"], json.loads(r.read())

    status, ctype, rep = get("/staticapi/v1/triage")
    assert status == 200 and ctype.startswith("application/json")
    assert rep["kind"] == "TriageReport" and rep["cluster"] == "must-gather"
    assert EXPECTED_FIXTURE <= {f["key"] for f in rep["findings"]}
    assert sum(rep["summary"].values()) == len(rep["findings"])
    _, _, again = get("/clusters/must-gather/staticapi/v1/triage")
    assert again == rep
    _, _, errors = get("/staticapi/v1/triage?severity=error")
    assert {f["severity"] for f in errors["findings"]} == {"critical", "error"}
    assert errors["summary"] == rep["summary"]
    cli = json.loads(_cli(str(FIXTURE), "-o", "json", cache=tmp_path).stdout)
    assert [f["key"] for f in cli["findings"]] == [f["key"] for f in rep["findings"]]
    for path, code in (("/staticapi/v1/triage?severity=bogus", 400), ("/clusters/nope/staticapi/v1/triage", 404)):
        with pytest.raises(urllib.error.HTTPError) as e:
            get(path)
        assert e.value.code == code and json.loads(e.value.read())["kind"] == "Status"


def test_storms_on_pods_of_one_workload_fold_with_a_stable_key():
    pods_ = [pod(name=f"web-7d9f8c6b5d-{c}") for c in "abc"]
    evs = [event("FailedMount", 30 + i, name=p["metadata"]["name"], message='secret "tls" not found')
           for i, p in enumerate(pods_)]
    (f,) = [f for f in run({PODS: pods_, EVENTS: evs}) if f.rule == "event-storm"]
    assert f.key == "event-storm:apps/Deployment/app/web:FailedMount" and f.count == 93
    assert f.title == "FailedMount repeated 93 times on Deployment app/web"
    assert f.evidence[0] == "on 3 pods: web-7d9f8c6b5d-c (32), web-7d9f8c6b5d-b (31), web-7d9f8c6b5d-a (30)"
    (one,) = [f for f in run({PODS: pods_[:1], EVENTS: evs[:1]}) if f.rule == "event-storm"]
    assert one.key == "event-storm:apps/Deployment/app/web:FailedMount"
    assert (one.object.kind, one.object.name, one.title) == ("Pod", "web-7d9f8c6b5d-a",
                                                             "FailedMount repeated 30 times on Pod app/web-7d9f8c6b5d-a")


def test_a_workload_whose_pods_have_findings_is_their_evidence():
    found = run({PODS: [pod(container=crashloop())], ("apps", "deployments"): [deployment(1, 0)]})
    (f,) = [f for f in found if f.rule != "event-top-warnings"]
    assert f.rule == "pod-crashloop" and f.evidence[-1] == "Deployment app/web: 0/1 replicas available"
    restarts_only = run({PODS: [pod(container={"restartCount": 9, "ready": False})],
                         ("apps", "deployments"): [deployment(3, 2)]})
    assert sorted(rules_of(restarts_only)) == ["pod-restarts", "workload-unavailable"]


def test_a_pending_claim_of_a_wait_for_first_consumer_class_waits_for_a_pod():
    sc = {"kind": "StorageClass", "metadata": {"name": "gp3", "annotations": {
        "storageclass.kubernetes.io/is-default-class": "true"}}, "volumeBindingMode": "WaitForFirstConsumer"}
    claim = pvc("Pending")
    data = {("", "persistentvolumeclaims"): [claim], ("storage.k8s.io", "storageclasses"): [sc]}
    assert run(copy.deepcopy(data)) == []
    user = pod()
    user["spec"] = {"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}
    data[PODS] = [user]
    assert rules_of(run(data)) == ["pvc-not-bound"]


def test_log_tails_are_capped_per_run(tmp_path, monkeypatch):
    from staticapi.insight import triage_base

    monkeypatch.setattr(triage_base, "MAX_LOG_TAILS", 1)
    pods_ = [pod(name=f"{app}-7d9f8c6b5d-x", rs=f"{app}-7d9f8c6b5d", container=crashloop()) for app in ("a", "b")]
    for p in pods_:
        d = tmp_path / "namespaces" / "app" / "pods" / p["metadata"]["name"] / "web" / "web" / "logs"
        d.mkdir(parents=True)
        (d / "previous.log").write_text(f"{t(4)} panic\n")
    found = triage.compute(View({PODS: pods_}, roots=[tmp_path]), OBJECTS_ONLY)
    assert [any(e.startswith("log ") for e in f.evidence) for f in found] == [True, False]


def test_storm_on_a_replicaset_is_keyed_by_its_deployment():
    rs = {"kind": "ReplicaSet", "metadata": {"name": "web-7d9f8c6b5d", "namespace": "app",
                                             "ownerReferences": [{"kind": "Deployment", "name": "web"}]},
          "spec": {"replicas": 0}, "status": {}}
    ev = event("FailedCreate", 30, kind="ReplicaSet", name="web-7d9f8c6b5d", message="forbidden: quota")
    (f,) = [f for f in run({("apps", "replicasets"): [rs], EVENTS: [ev]}) if f.rule == "event-storm"]
    assert f.key == "event-storm:apps/Deployment/app/web:FailedCreate"
    assert (f.object.kind, f.object.name) == ("ReplicaSet", "web-7d9f8c6b5d")


def test_pods_a_node_shutdown_stopped_are_no_failures():
    p = pod(phase="Failed", reason="Terminated", message="Pod was terminated in response to imminent node shutdown.",
            container={"ready": False, "state": {"terminated": {"reason": "Error", "exitCode": 137}}})
    assert run({PODS: [p]}) == []


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8)
                     | st.sampled_from(["True", "False", "Warning", "CrashLoopBackOff", "Failed", "Pending",
                                        "OOMKilled", "2025-03-20T11:00:00Z", "Deployment", "ReplicaSet", "Job"]),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                         st.sampled_from(["metadata", "status", "spec", "conditions", "type", "status", "reason",
                                          "containerStatuses", "state", "waiting", "terminated", "lastState",
                                          "ownerReferences", "kind", "name", "history", "phase", "count",
                                          "involvedObject", "labels", "restartCount", "exitCode", "replicas",
                                          "volumes", "startedTime", "lastTransitionTime", "taints"]),
                         inner, max_size=5), max_leaves=25)
_RESOURCES = [CO, CV, NODES, PODS, EVENTS, MCPS, ("apps", "deployments"), ("apps", "replicasets"),
              ("batch", "jobs"), ("", "persistentvolumeclaims"), ("machine.openshift.io", "machines"),
              ("operators.coreos.com", "clusterserviceversions"), ("storage.k8s.io", "storageclasses"),
              ("certificates.k8s.io", "certificatesigningrequests")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_RESOURCES), _json), max_size=8))
def test_arbitrary_objects_never_break_a_check(objs):
    data: dict = {}
    for res, obj in objs:
        data.setdefault(res, []).append(obj)
    found = run(data)
    assert "triage-source-failed" not in rules_of(found), [f.evidence for f in found]
    json.dumps(triage.report(View(data), found))


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


_REAL = [(res, obj) for bad, _good in CASES.values() for res, objs in bad.items() for obj in objs]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_realistic_objects_with_one_field_of_the_wrong_shape(data):
    res, obj = data.draw(st.sampled_from(_REAL))
    obj = copy.deepcopy(obj)
    paths = [p for p in _paths(obj) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = obj
        try:
            for k in path[:-1]:
                parent = parent[k]
            parent[path[-1]] = data.draw(_json)
        except (KeyError, IndexError, TypeError):
            continue
    found = run({res: [obj]})
    assert "triage-source-failed" not in rules_of(found), [f.evidence for f in found]


@pytest.mark.parametrize("src", [FIXTURE, SAMPLES / "mugshine/mgs/validMg", OKD_SNO])
def test_byte_prefilters_change_no_finding(src, monkeypatch, tmp_path_factory):
    """matching_objects skips decoding objects by a bytes test: on real stores the findings are
    the same as when every object is decoded."""
    if not src.is_dir():
        pytest.skip("../shared/samples not present")
    from staticapi.insight import triage_base, triage_checks, triage_pods

    ci = asyncio.run(_open(src, tmp_path_factory.getbasetemp() / "triage-cache"))
    fast = [f.to_dict() for f in triage.compute(ci)]

    def everything(ci, group, resource, pattern, unless=None, within=None):
        return triage_base.safe_objects(ci, group, resource)

    for mod in (triage_base, triage_checks, triage_pods):
        monkeypatch.setattr(mod, "matching_objects", everything)
    assert [f.to_dict() for f in triage.compute(ci)] == fast


def test_unavailable_workload_says_why_its_pods_are_not_ready():
    p = pod(container={"ready": False}, conditions=[cond("Ready", "False", 45, "ContainersNotReady",
                                                         "containers with unready status: [web]")])
    ev = event("Unhealthy", 3, message="Readiness probe failed: HTTP probe failed with statuscode: 503")
    dep = deployment(1, 0)
    dep["status"]["conditions"] = []
    (f,) = [f for f in run({PODS: [p], EVENTS: [ev], ("apps", "deployments"): [dep]})
            if f.rule == "workload-unavailable"]
    assert f.evidence == [
        "pod web-7d9f8c6b5d-x2x9q: Ready=False (ContainersNotReady): containers with unready status: [web]",
        "pod web-7d9f8c6b5d-x2x9q: event Warning Unhealthy (x3): Readiness probe failed: HTTP probe failed with "
        "statuscode: 503"]
    assert f.since == t(45)


def test_a_container_that_ended_now_shows_its_current_log(tmp_path):
    d = tmp_path / "namespaces" / "app" / "pods" / "web-7d9f8c6b5d-x2x9q" / "web" / "web" / "logs"
    d.mkdir(parents=True)
    (d / "previous.log").write_text(f"{t(300)} an older run\n")
    (d / "current.log").write_text(f"{t(6)} fatal: out of disk\n")
    p = pod(phase="Failed", container={"ready": False, "state": {"terminated": {"reason": "Error", "exitCode": 3}}})
    (f,) = triage.compute(View({PODS: [p]}, roots=[tmp_path]), OBJECTS_ONLY)
    assert f.evidence[-1] == f"log (current): {t(6)} fatal: out of disk"


async def test_findings_computed_once_the_server_settled(aiohttp_client, tmp_path):
    """The server computes the findings in advance (web/triage_api.prewarm_on_settled): the first
    overview finds them in the cluster's memo."""
    from staticapi.serve.cluster import Cluster
    from staticapi.server import INSIGHTS, create_app

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "must-gather"
    c = Cluster(name="mg", directory=fixture, source=str(fixture), cache_dir=tmp_path / "cache")
    await c.load()
    app = create_app([c])
    await aiohttp_client(app)  # runs the app's startup
    for _ in range(200):
        ins = app[INSIGHTS].peek(c)
        if ins is not None and ins.cached(triage.DERIVE_KEY) is not None:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("findings were not computed after the cluster settled")
    assert any(f.rule == "pod-crashloop" for f in ins.cached(triage.DERIVE_KEY))


def test_byte_prefilter_within_a_key_searches_from_its_first_occurrence():
    """matching_objects(within=...) looks for the pattern in the key's value (the JSON from its
    first occurrence on): a match only before it (an annotation) does not count, a key inside a
    string (escaped quotes) only starts the search earlier, an object without the key is skipped."""
    import re

    from staticapi.insight.triage_base import matching_objects

    objs = [
        {"metadata": {"name": "before", "annotations": {"a": "Pending"}}, "status": {"phase": "Running"}},
        {"metadata": {"name": "after"}, "status": {"phase": "Pending"}},
        {"metadata": {"name": "quoted", "annotations": {"a": '"status":'}}, "status": {"phase": "Pending"}},
        {"metadata": {"name": "nostatus", "annotations": {"a": "Pending"}}},
    ]
    found = matching_objects(View({PODS: objs}), "", "pods", re.compile(rb'"Pending"'), within=b'"status":')
    assert [o["metadata"]["name"] for o in found] == ["after", "quoted"]
    everywhere = matching_objects(View({PODS: objs}), "", "pods", re.compile(rb'"Pending"'))
    assert [o["metadata"]["name"] for o in everywhere] == ["before", "after", "quoted", "nostatus"]


def test_compute_pauses_the_cyclic_gc_and_restores_it():
    """A run pauses the cyclic collector (it would walk the store's heap every few hundred
    allocations) and leaves it as it found it, even when a source raises."""
    import gc

    seen = []

    def source(ci):
        seen.append(gc.isenabled())
        raise RuntimeError("boom")

    assert gc.isenabled()
    found = triage.compute(View(), [("probe", source)])
    assert seen == [False] and gc.isenabled() and rules_of(found) == ["triage-source-failed"]
    gc.disable()
    try:
        triage.compute(View(), [("probe", source)])
        assert not gc.isenabled()
    finally:
        gc.enable()


class _CountedPod(dict):
    """A decoded pod that counts how many of its kind are alive at once."""

    alive = 0
    most = 0

    def __init__(self, *a):
        super().__init__(*a)
        _CountedPod.alive += 1
        _CountedPod.most = max(_CountedPod.most, _CountedPod.alive)

    def __del__(self):
        _CountedPod.alive -= 1


def test_pods_are_read_one_decoded_pod_at_a_time():
    # the pods pass keeps what it reads later (names, owners, conditions), never every decoded
    # pod at once: that held 130-170 MB on the 10k-pod benchmark tree, which the server (the
    # triage prewarm after settle) then kept resident
    base = _pull_pods(60, "5d4c3b2a19", "x") + [pod(name=f"crash-{i}", rs="crash-6f5e4d3c2b", hash_="6f5e4d3c2b",
                                                    container=crashloop()) for i in range(60)]

    class Decoding(View):
        def objects(self, group, resource):  # a store decodes each object anew
            if (group, resource) == PODS:
                return (_CountedPod(copy.deepcopy(p)) for p in base)
            return super().objects(group, resource)

    _CountedPod.alive = _CountedPod.most = 0
    found = triage.compute(Decoding({}), OBJECTS_ONLY)
    plain = run({PODS: base})
    assert [f.to_dict() for f in found] == [f.to_dict() for f in plain]
    assert len(found) == 2 and _CountedPod.most <= 2, _CountedPod.most
