"""Interval derivation from cluster objects, import of origin's three file formats, filtering.

Hand-built objects cover each derivation; the real samples (when ../shared/samples exists)
check counts on a real OKD install: one KubeEvent per Event (6,337), condition intervals for
all 33 ClusterOperators, and 356 items from origin's legacy e2e-interval.json.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from staticapi.insight.intervals import (
    IntervalCache,
    derive_intervals,
    filter_intervals,
    find_interval_files,
    format_time,
    load_interval_file,
    locator_string,
    message_string,
    normalize_interval,
    parse_status_diff,
    parse_time,
)

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
RESOURCEWATCH = SAMPLES / "resourcewatch-okd-3nodes"
INTERVAL_SAMPLES = SAMPLES / "intervals"

CT = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def t(minutes: float) -> str:
    return format_time(CT - timedelta(minutes=minutes))


class View:
    def __init__(self, data=None, roots=None, name="v"):
        self.name = name
        self.collection_time = CT
        self.roots = roots or []
        self.data = data or {}

    def objects(self, group, resource):
        return iter(self.data.get((group, resource), []))


def by(items, **kw):
    out = []
    for it in items:
        ok = True
        for k, v in kw.items():
            if k == "reason":
                ok &= it["message"]["reason"] == v
            elif k == "type":
                ok &= it["locator"]["type"] == v
            elif k in ("condition", "status", "code", "count", "pathological", "container"):
                ok &= it["message"]["annotations"].get(k) == v
            else:
                ok &= it.get(k) == v
        if ok:
            out.append(it)
    return out


# ------------------------------------------------------------------------------ events


def core_event(name, reason, message, first, last=None, count=1, type_="Normal", kind="Pod", iname="p",
               ns="ns", fieldpath="", host=""):
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": ns, "uid": "uid-" + name, "creationTimestamp": first},
            "involvedObject": {"kind": kind, "name": iname, "namespace": ns if kind not in ("Node",) else "",
                               "fieldPath": fieldpath},
            "reason": reason, "message": message, "type": type_, "count": count,
            "firstTimestamp": first, "lastTimestamp": last or first,
            "source": {"component": "kubelet", "host": host}}


def test_kube_event_interval_shape():
    ev = core_event("a", "BackOff", "Back-off restarting", t(30), t(2), count=25, type_="Warning",
                    fieldpath="spec.containers{web}", host="node-1")
    items = derive_intervals(View({("", "events"): [ev]}))
    assert len(items) == 1
    it = items[0]
    assert it["source"] == "KubeEvent" and it["level"] == "Warning" and it["display"] is True
    assert it["from"] == t(30) and it["to"] == t(2)
    assert it["locator"] == {"type": "KubeEvent", "keys": {
        "hmsg": it["locator"]["keys"]["hmsg"], "kind": "Pod", "name": "p", "namespace": "ns", "node": "node-1"}}
    assert len(it["locator"]["keys"]["hmsg"]) == 10
    ann = it["message"]["annotations"]
    assert ann["count"] == "25" and ann["pathological"] == "true" and ann["container"] == "web"
    assert ann["reason"] == "BackOff" and it["message"]["reason"] == "BackOff"
    assert it["message"]["humanMessage"] == "Back-off restarting"


def test_kube_event_threshold_and_levels():
    evs = [core_event("a", "X", "m", t(5), count=20), core_event("b", "Y", "m2", t(5), count=21),
           core_event("c", "Z", "m3", t(5))]
    items = {i["message"]["reason"]: i for i in derive_intervals(View({("", "events"): evs}))}
    assert "pathological" not in items["X"]["message"]["annotations"]
    assert items["Y"]["message"]["annotations"]["pathological"] == "true"
    assert "count" not in items["Z"]["message"]["annotations"]
    assert items["Z"]["level"] == "Info" and items["Z"]["from"] == items["Z"]["to"]


def test_events_k8s_io_and_dedup_across_groups():
    new = {"apiVersion": "events.k8s.io/v1", "kind": "Event",
           "metadata": {"name": "e", "namespace": "ns", "uid": "same", "creationTimestamp": t(10)},
           "regarding": {"kind": "Node", "name": "n1"}, "note": "Node n1 status is now: NodeNotReady",
           "reason": "NodeNotReady", "type": "Normal", "deprecatedCount": 2,
           "deprecatedFirstTimestamp": None, "eventTime": t(10) + "", "series": {"count": 3, "lastObservedTime": t(4)}}
    core = core_event("e", "NodeNotReady", "dup", t(10))
    core["metadata"]["uid"] = "same"
    items = derive_intervals(View({("events.k8s.io", "events"): [new], ("", "events"): [core]}))
    assert len(items) == 1
    it = items[0]
    assert it["locator"]["keys"]["kind"] == "Node" and "node" not in it["locator"]["keys"]
    assert it["message"]["annotations"]["count"] == "3"
    assert it["from"] == t(10) and it["to"] == t(4)


def test_event_without_timestamps_uses_creation_time():
    ev = {"apiVersion": "events.k8s.io/v1", "metadata": {"name": "x", "namespace": "ns", "creationTimestamp": t(7)},
          "regarding": {"kind": "Pod", "name": "p", "namespace": "ns"}, "note": "n", "reason": "R",
          "deprecatedFirstTimestamp": None, "deprecatedLastTimestamp": None, "eventTime": None}
    (it,) = derive_intervals(View({("events.k8s.io", "events"): [ev]}))
    assert it["from"] == it["to"] == t(7)


# ------------------------------------------------------------------------------ operators


def test_parse_status_diff():
    text = ('Degraded changed from False to True ("NodeControllerDegraded: a, b\\nc"),'
            'Progressing message changed from "x" to "y, z",Available set to Unknown (""),'
            'Upgradeable was removed,status.versions changed from [] to [{"operator" "1"}]')
    clauses = parse_status_diff(text)
    assert clauses[0] == {"condition": "Degraded", "kind": "changed", "old": "False", "new": "True",
                          "message": "NodeControllerDegraded: a, b\nc"}
    assert clauses[1] == {"condition": "Progressing", "kind": "message", "message": "y, z"}
    assert clauses[2] == {"condition": "Available", "kind": "set", "new": "Unknown", "message": ""}
    assert clauses[3] == {"condition": "Upgradeable", "kind": "removed"}
    assert len(clauses) == 4


def test_operator_current_conditions():
    co = {"metadata": {"name": "dns"}, "status": {"conditions": [
        {"type": "Available", "status": "False", "reason": "NoPods", "message": "no pods", "lastTransitionTime": t(20)},
        {"type": "Degraded", "status": "False", "lastTransitionTime": t(60)},
        {"type": "Progressing", "status": "True", "reason": "Rolling", "lastTransitionTime": t(30)},
        {"type": "Upgradeable", "status": "True", "lastTransitionTime": t(60)},
    ]}}
    items = derive_intervals(View({("config.openshift.io", "clusteroperators"): [co]}))
    assert len(items) == 3  # Upgradeable is not charted
    (avail,) = by(items, condition="Available")
    assert avail["level"] == "Error" and avail["display"] is True and avail["source"] == "OperatorState"
    assert avail["locator"] == {"type": "ClusterOperator", "keys": {"clusteroperator": "dns"}}
    assert avail["message"]["reason"] == "NoPods" and avail["message"]["humanMessage"] == "no pods"
    assert avail["from"] == t(20) and avail["to"] == format_time(CT)
    (deg,) = by(items, condition="Degraded")
    assert deg["level"] == "Info" and deg["display"] is False
    (prog,) = by(items, condition="Progressing")
    assert prog["level"] == "Warning" and prog["message"]["annotations"]["status"] == "True"


def test_operator_past_transitions_from_events():
    co = {"metadata": {"name": "dns"}, "status": {"conditions": [
        {"type": "Degraded", "status": "False", "reason": "AsExpected", "lastTransitionTime": t(10)}]}}
    ev1 = core_event("s1", "OperatorStatusChanged",
                     'Status for clusteroperator/dns changed: Degraded changed from False to True ("DNS down")',
                     t(40), kind="Deployment", iname="dns-operator")
    ev2 = core_event("s2", "OperatorStatusChanged",
                     'Status for clusteroperator/dns changed: Degraded changed from True to False ("")',
                     t(10), kind="Deployment", iname="dns-operator")
    items = by(derive_intervals(View({("config.openshift.io", "clusteroperators"): [co],
                                       ("", "events"): [ev1, ev2]})), source="OperatorState")
    assert [(i["from"], i["to"], i["message"]["annotations"]["status"]) for i in items] == [
        (t(40), t(10), "True"), (t(10), format_time(CT), "False")]
    assert items[0]["level"] == "Error" and items[0]["message"]["humanMessage"] == "DNS down"
    # the event at t(10) and lastTransitionTime at t(10) are one transition; the current one wins
    assert items[1]["message"]["reason"] == "AsExpected"


def test_clusterversion_history():
    cv = {"metadata": {"name": "version"}, "status": {"history": [
        {"state": "Partial", "startedTime": t(30), "completionTime": None, "version": "4.15.1"},
        {"state": "Completed", "startedTime": t(90), "completionTime": t(60), "version": "4.15.0"}]}}
    items = derive_intervals(View({("config.openshift.io", "clusterversions"): [cv]}))
    assert [(i["message"]["reason"], i["level"], i["from"], i["to"]) for i in items] == [
        ("UpgradeComplete", "Info", t(90), t(60)), ("UpgradeStarted", "Warning", t(30), format_time(CT))]
    assert items[0]["locator"] == {"type": "ClusterVersion", "keys": {"clusterversion": "version"}}


# ------------------------------------------------------------------------------ nodes, pods


def test_node_conditions_and_events():
    node = {"metadata": {"name": "n1", "labels": {"node-role.kubernetes.io/worker": "", "x": "y"}},
            "status": {"conditions": [
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "lastTransitionTime": t(20)},
                {"type": "DiskPressure", "status": "True", "reason": "KubeletHasDiskPressure",
                 "lastTransitionTime": t(5)},
                {"type": "MemoryPressure", "status": "False", "lastTransitionTime": t(60)},
                {"type": "NetworkUnavailable", "status": "False", "lastTransitionTime": t(60)}]}}
    ev = core_event("nr", "NodeNotReady", "Node n1 status is now: NodeNotReady", t(30), kind="Node", iname="n1")
    items = by(derive_intervals(View({("", "nodes"): [node], ("", "events"): [ev]})), source="NodeState")
    ready = by(items, condition="Ready")
    assert [(i["message"]["reason"], i["level"], i["from"], i["to"]) for i in ready] == [
        ("NotReady", "Warning", t(30), t(20)), ("Ready", "Info", t(20), format_time(CT))]
    (disk,) = by(items, condition="DiskPressure")
    assert disk["message"]["reason"] == "NodeDiskPressure" and disk["level"] == "Warning"
    assert disk["message"]["cause"] == "KubeletHasDiskPressure"
    assert disk["message"]["annotations"]["roles"] == "worker"
    assert disk["locator"] == {"type": "Node", "keys": {"node": "n1"}}
    assert len(by(items, condition="MemoryPressure")) == 1 and not by(items, condition="NetworkUnavailable")


def test_pod_lifecycle():
    pod = {"metadata": {"name": "web", "namespace": "app", "uid": "u1", "creationTimestamp": t(60),
                        "deletionTimestamp": t(1), "deletionGracePeriodSeconds": 30,
                        "annotations": {"kubernetes.io/config.mirror": "m1"}},
           "spec": {"nodeName": "n1"},
           "status": {"phase": "Running", "conditions": [
               {"type": "PodScheduled", "status": "True", "lastTransitionTime": t(59)},
               {"type": "Ready", "status": "False", "reason": "ContainersNotReady", "lastTransitionTime": t(10)}],
               "initContainerStatuses": [{"name": "init", "restartCount": 0, "state": {"terminated": {
                   "exitCode": 0, "reason": "Completed", "startedAt": t(58), "finishedAt": t(57)}}}],
               "containerStatuses": [
                   {"name": "web", "restartCount": 2,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}},
                    "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                                                 "startedAt": t(15), "finishedAt": t(10)}}},
                   {"name": "side", "restartCount": 0, "ready": True,
                    "state": {"running": {"startedAt": t(56)}}}]}}
    items = by(derive_intervals(View({("", "pods"): [pod]})), source="PodState")
    pkeys = {"namespace": "app", "pod": "web", "uid": "u1", "node": "n1", "mirror-uid": "m1"}
    (created,) = by(items, reason="Created")
    assert created["locator"] == {"type": "Pod", "keys": pkeys} and created["from"] == created["to"] == t(60)
    (sched,) = by(items, reason="Scheduled")
    assert (sched["from"], sched["to"]) == (t(59), t(1))  # ends at deletion
    (notready,) = by(items, reason="PodNotReady")
    assert notready["level"] == "Warning" and notready["message"]["cause"] == "ContainersNotReady"
    (gd,) = by(items, reason="GracefulDelete")
    assert (gd["from"], gd["to"]) == (format_time(parse_time(t(1)) - timedelta(seconds=30)), t(1))
    assert gd["message"]["annotations"]["duration"] == "30s"
    exits = by(items, reason="ContainerExit")
    oom = [e for e in exits if e["locator"]["keys"]["container"] == "web"][0]
    assert oom["level"] == "Error" and oom["message"]["cause"] == "OOMKilled"
    assert oom["message"]["annotations"]["code"] == "137" and oom["message"]["annotations"]["restarts"] == "2"
    assert oom["locator"] == {"type": "Container", "keys": {**pkeys, "container": "web"}}
    init_exit = [e for e in exits if e["locator"]["keys"]["container"] == "init"][0]
    assert init_exit["level"] == "Info" and init_exit["message"]["annotations"]["init"] == "true"
    (wait,) = by(items, reason="ContainerWait")
    assert wait["level"] == "Warning" and wait["message"]["cause"] == "CrashLoopBackOff"
    assert (wait["from"], wait["to"]) == (t(10), t(1))
    runs = {(i["locator"]["keys"]["container"], i["from"], i["to"]) for i in by(items, reason="ContainerStart")}
    assert runs == {("init", t(58), t(57)), ("web", t(15), t(10)), ("side", t(56), t(1))}


def test_apiserver_graceful_shutdown_windows():
    def ev(name, reason, when, kind="Pod", iname="kube-apiserver-m0", ns="openshift-kube-apiserver", host="m0"):
        e = core_event(name, reason, reason, when, kind=kind, iname=iname, ns=ns, host=host)
        e["metadata"]["namespace"] = ns if kind == "Pod" else "default"
        return e

    evs = [ev("a", "TerminationStart", t(30)), ev("b", "TerminationGracefulTerminationFinished", t(28)),
           ev("c", "TerminationStart", t(5), iname="kube-apiserver-m1", host="m1")]
    items = by(derive_intervals(View({("", "events"): evs})), source="APIServerGracefulShutdown")
    assert [(i["level"], i["message"]["reason"], i["from"], i["to"]) for i in items] == [
        ("Info", "GracefulAPIServerShutdown", t(30), t(28)),
        ("Error", "IncompleteAPIServerShutdown", t(5), format_time(CT))]
    assert items[0]["locator"]["keys"] == {"shutdown": "graceful", "server": "kube-apiserver", "node": "m0",
                                           "namespace": "openshift-kube-apiserver", "pod": "kube-apiserver-m0"}


def test_sorted_by_from_and_empty_view():
    assert derive_intervals(View()) == []
    evs = [core_event(str(k), "R", f"m{k}", t(k)) for k in (5, 50, 20)]
    items = derive_intervals(View({("", "events"): evs}))
    assert [i["from"] for i in items] == [t(50), t(20), t(5)]


# ------------------------------------------------------------------------------ import


def test_normalize_legacy_flat():
    it = normalize_interval({"level": "Error", "locator": "clusteroperator/dns",
                             "message": "condition/Degraded status/True reason/DNS default is degraded",
                             "from": "2021-03-29T20:04:30Z", "to": "2021-03-29T20:06:09Z"})
    assert it["source"] == "OperatorState" and it["display"] is True
    assert it["locator"] == {"type": "ClusterOperator", "keys": {"clusteroperator": "dns"}}
    assert it["message"]["annotations"] == {"condition": "Degraded", "status": "True", "reason": "DNS"}
    assert it["message"]["humanMessage"] == "default is degraded"
    e2e = normalize_interval({"level": "Info", "locator": 'e2e-test/"[sig-x] it works [Suite:openshift]"',
                              "message": 'e2e test finished As "Passed"', "from": "2021-03-29T19:30:26Z",
                              "to": "2021-03-29T19:30:47Z"})
    assert e2e["source"] == "E2ETest" and e2e["locator"]["keys"] == {"e2e-test": "[sig-x] it works [Suite:openshift]"}
    assert e2e["message"]["annotations"]["status"] == "Passed"
    pod = normalize_interval({"level": "Info", "locator": "ns/a pod/b node/c uid/d container/e",
                              "message": "reason/ContainerExit code/0 cause/Completed ", "from": "2022-03-22T22:29:36Z",
                              "to": "2022-03-22T22:29:36Z"})
    assert pod["locator"] == {"type": "Container", "keys": {"namespace": "a", "pod": "b", "node": "c", "uid": "d",
                                                           "container": "e"}}
    assert pod["message"]["reason"] == "ContainerExit" and pod["message"]["cause"] == "Completed"
    assert pod["source"] == "PodState"


def test_normalize_transitional_and_current():
    trans = normalize_interval({"level": "Info", "locator": "node/n1", "message": "reason/NodeUpdate phase/Drain drained",
                                "tempSource": "NodeState",
                                "tempStructuredLocator": {"type": "", "keys": None},
                                "tempStructuredMessage": {"reason": "", "cause": "", "humanMessage": "", "annotations": None},
                                "from": "2023-07-17T22:58:52Z", "to": "2023-07-17T23:00:24Z"})
    assert trans["source"] == "NodeState" and trans["locator"] == {"type": "Node", "keys": {"node": "n1"}}
    assert trans["message"]["reason"] == "NodeUpdate" and trans["message"]["annotations"]["phase"] == "Drain"
    trans2 = normalize_interval({"level": "Info", "locator": "x", "message": "y",
                                 "tempStructuredLocator": {"type": "Pod", "keys": {"pod": "p"}},
                                 "tempStructuredMessage": {"reason": "Created", "annotations": {"reason": "Created"}},
                                 "from": "2023-07-17T22:58:52Z", "to": None})
    assert trans2["locator"] == {"type": "Pod", "keys": {"pod": "p"}} and trans2["message"]["reason"] == "Created"
    assert trans2["to"] is None
    cur = {"level": "Warning", "source": "EtcdLog", "display": True,
           "locator": {"type": "Container", "keys": {"pod": "etcd", "container": "etcd"}},
           "message": {"reason": "", "cause": "", "humanMessage": "slow", "annotations": {"batchable": "true"}},
           "from": "2026-02-03T10:51:04Z", "to": "2026-02-03T10:51:05Z"}
    assert normalize_interval(cur) == cur


def test_duplicate_keys_keep_last(tmp_path):
    p = tmp_path / "e2e-events_1.json"
    p.write_text('{"items": [{"level": "Info", "locator": "ns/a pod/b", "message": "reason/Created ",'
                 ' "source": "PodMonitor", "locator": {"type": "Pod", "keys": {"namespace": "a", "pod": "b"}},'
                 ' "message": {"reason": "Created", "cause": "", "humanMessage": "", "annotations": {"reason": "Created"}},'
                 ' "from": "2022-03-07T18:41:46Z", "to": "2022-03-07T18:41:46Z"}]}')
    (it,) = load_interval_file(p)
    assert it["locator"] == {"type": "Pod", "keys": {"namespace": "a", "pod": "b"}}
    assert it["message"]["reason"] == "Created" and it["source"] == "PodMonitor"


def test_find_interval_files(tmp_path):
    names = ["e2e-events_20231004-223824.json", "e2e-timelines_everything_20231004.json", "e2e-intervals.json",
             "e2e-events.json.gz", "junit.xml", "events.json"]
    (tmp_path / "a" / "b").mkdir(parents=True)
    for n in names:
        (tmp_path / "a" / "b" / n).write_text("{}")
    found = [p.name for p in find_interval_files([tmp_path])]
    assert found == ["e2e-events_20231004-223824.json", "e2e-intervals.json", "e2e-timelines_everything_20231004.json"]


def test_locator_and_message_strings():
    loc = {"type": "Container", "keys": {"container": "c", "zeta": "z", "pod": "p", "namespace": "n", "alpha": "a"}}
    assert locator_string(loc) == "namespace/n pod/p container/c alpha/a zeta/z"
    assert locator_string({"keys": {"e2e-test": 'a "b"'}}) == 'e2e-test/"a \\"b\\""'
    assert message_string({"humanMessage": "hi", "annotations": {"reason": "R", "code": "1"}}) == "code/1 reason/R hi"


# ------------------------------------------------------------------------------ filter


ITEMS = [
    normalize_interval({"level": "Info", "source": "KubeEvent", "locator": {"type": "KubeEvent", "keys": {"namespace": "a"}},
                        "message": {"reason": "Pulled", "humanMessage": "pulled image"},
                        "from": "2024-01-01T00:00:00Z", "to": "2024-01-01T00:01:00Z"}),
    normalize_interval({"level": "Error", "source": "PodState",
                        "locator": {"type": "Pod", "keys": {"namespace": "b", "pod": "x"}},
                        "message": {"reason": "ContainerExit", "humanMessage": "boom"}, "display": True,
                        "from": "2024-01-01T01:00:00Z", "to": "2024-01-01T01:00:00Z"}),
]


def test_filter_intervals():
    assert filter_intervals(ITEMS, {}) == ITEMS
    assert filter_intervals(ITEMS, {"source": "PodState"}) == ITEMS[1:]
    assert filter_intervals(ITEMS, {"level": "Info,Warning"}) == ITEMS[:1]
    assert filter_intervals(ITEMS, {"namespace": "b"}) == ITEMS[1:]
    assert filter_intervals(ITEMS, {"type": "KubeEvent"}) == ITEMS[:1]
    assert filter_intervals(ITEMS, {"display": "true"}) == ITEMS[1:]
    assert filter_intervals(ITEMS, {"q": "pod/x.*boom"}) == ITEMS[1:]
    assert filter_intervals(ITEMS, {"q": "reason/Pulled"}) == ITEMS[:1]
    assert filter_intervals(ITEMS, {"from": "2024-01-01T00:00:30Z", "to": "2024-01-01T00:30:00Z"}) == ITEMS[:1]
    assert filter_intervals(ITEMS, {"from": "2024-01-01T00:02:00Z"}) == ITEMS[1:]
    with pytest.raises(ValueError, match="regular expression"):
        filter_intervals(ITEMS, {"q": "(["})
    with pytest.raises(ValueError):
        filter_intervals(ITEMS, {"to": "soon"})


async def test_interval_cache_includes_imported_files(tmp_path):
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "artifacts" / "e2e-events_x.json").write_text(json.dumps({"items": [ITEMS[0], ITEMS[0]]}))
    (tmp_path / "artifacts" / "e2e-intervals_bad.json").write_text("{not json")
    view = View(roots=[tmp_path])
    cache = IntervalCache()
    entry = await cache.get(view)
    assert entry["items"] == [ITEMS[0]]  # duplicates across/within files collapse
    assert entry["files"] == [str(tmp_path / "artifacts" / "e2e-events_x.json")]
    assert (await cache.get(view)) is entry
    cache.invalidate()
    assert (await cache.get(view)) is not entry


# ------------------------------------------------------------------------------ real samples


@pytest.mark.samples
@pytest.mark.skipif(not INTERVAL_SAMPLES.is_dir(), reason="needs ../shared/samples/intervals")
def test_sample_interval_files():
    legacy = load_interval_file(INTERVAL_SAMPLES / "legacy-flat__e2echart__e2e-interval.json")
    assert len(legacy) == 356
    sources = {}
    for it in legacy:
        sources[it["source"]] = sources.get(it["source"], 0) + 1
    assert sources == {"E2ETest": 321, "OperatorState": 17, "NodeState": 4, "PodState": 14}
    statuses = {i["message"]["annotations"].get("status") for i in legacy if i["source"] == "E2ETest"}
    assert statuses == {"Passed", "Skipped", "Flaked", "Failed"}
    for name, n in [("legacy-flat__intervalcreation__pod_test_08_container_life.json", 8),
                    ("transitional__nodestateanalyzer__drain-01__expected.json", 2),
                    ("dupkeys__nodestateanalyzer__drain-01__startingEvents.json", 2),
                    ("dupkeys__watchpods__container-life__startingEvents.json", 6),
                    ("dupkeys__timelineserializer__render_test_01_skip_e2e.json", 2),
                    ("new-format__watchpods__container-life__expected.json", 6),
                    ("new-format__etcdloganalyzer__etcdlog_test_intervals.json", 13)]:
        items = load_interval_file(INTERVAL_SAMPLES / name)
        assert len(items) == n, name
        for it in items:
            assert isinstance(it["locator"], dict) and isinstance(it["message"], dict)
    dup = load_interval_file(INTERVAL_SAMPLES / "dupkeys__nodestateanalyzer__drain-01__startingEvents.json")
    assert dup[0]["locator"]["type"] == "Node" and dup[0]["message"]["reason"] == "Drain"
    new = json.loads((INTERVAL_SAMPLES / "new-format__watchpods__container-life__expected.json").read_text())["items"]
    assert load_interval_file(INTERVAL_SAMPLES / "new-format__watchpods__container-life__expected.json") == [
        {**i, "display": False} for i in new]


class YamlDirView:
    """Reads a must-gather-shaped directory with PyYAML (the real store is the lead's)."""

    def __init__(self, root: Path):
        self.root = root
        self.name = root.name
        self.roots = [root]
        self.collection_time = datetime(2023, 3, 8, 12, 30, tzinfo=timezone.utc)
        self._loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def objects(self, group, resource):
        g = group or "core"
        for pat in (f"cluster-scoped-resources/{g}/{resource}/*.yaml", f"cluster-scoped-resources/{g}/{resource}.yaml",
                    f"namespaces/*/{g}/{resource}/*.yaml", f"namespaces/*/{g}/{resource}.yaml"):
            for p in sorted(self.root.glob(pat)):
                doc = yaml.load(p.read_bytes(), Loader=self._loader)
                if not isinstance(doc, dict):
                    continue
                if str(doc.get("kind", "")).endswith("List"):
                    yield from (i for i in doc.get("items") or () if isinstance(i, dict))
                else:
                    yield doc


@pytest.fixture(scope="module")
def resourcewatch_intervals():
    if not RESOURCEWATCH.is_dir():
        pytest.skip("needs ../shared/samples/resourcewatch-okd-3nodes")
    return derive_intervals(YamlDirView(RESOURCEWATCH))


@pytest.mark.samples
def test_resourcewatch_counts(resourcewatch_intervals):
    items = resourcewatch_intervals
    assert len(by(items, source="KubeEvent")) == 6337
    operators = {i["locator"]["keys"]["clusteroperator"] for i in items if i["locator"]["type"] == "ClusterOperator"}
    assert len(operators) == 33
    for op in operators:
        conds = {i["message"]["annotations"]["condition"] for i in items
                 if i["locator"]["keys"].get("clusteroperator") == op}
        assert conds == {"Available", "Degraded", "Progressing"}, op
    # OperatorStatusChanged events rebuilt earlier states (e.g. unavailable during install)
    assert by(items, source="OperatorState", status="False", condition="Available")
    assert {i["locator"]["keys"]["node"] for i in by(items, source="NodeState")} == {
        p.stem for p in (RESOURCEWATCH / "cluster-scoped-resources/core/nodes").glob("*.yaml")}
    shut = by(items, source="APIServerGracefulShutdown")
    assert shut and {i["locator"]["keys"]["server"] for i in shut} >= {"kube-apiserver", "oauth-apiserver"}
    assert by(items, source="PodState", reason="ContainerStart")
    froms = [parse_time(i["from"]) for i in items]
    assert froms == sorted(froms)
