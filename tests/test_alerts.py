"""Prometheus alerts (insight/alerts.py, web/alerts_page.py): rules and alerts answers, error
answers skipped, findings ranked by severity (quiet alerts never alarm), Alert intervals; then
the generated fixture through the app.

Answer shapes: Prometheus HTTP API ``/api/v1/rules`` and ``/api/v1/alerts``
(prometheus/web/api/v1/api.go); interval locators: origin's
``LocatorBuilder.AlertFromPromSampleStream``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from staticapi import server
from staticapi.insight import alerts
from staticapi.insight.context import open_sources

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "must-gather"
END = datetime(2025, 3, 20, 8, 0, tzinfo=timezone.utc)


def alert(alertname, severity, state, active="2025-03-20T07:00:00Z", **labels):
    return {"labels": {"alertname": alertname, "severity": severity, **labels},
            "annotations": {"summary": f"{alertname} summary", "description": f"{alertname} <b>description</b>"},
            "state": state, "activeAt": active, "value": "1e+00"}


def rule(name, severity, alerts_, state=None):
    st = state or ("firing" if any(a["state"] == "firing" for a in alerts_) else "pending" if alerts_ else "inactive")
    return {"state": st, "name": name, "query": f"{name}_query > 0", "duration": 600, "labels": {"severity": severity},
            "annotations": {"summary": f"{name} summary"}, "alerts": alerts_, "health": "ok", "type": "alerting"}


RULES = {"status": "success", "data": {"groups": [
    {"name": "general.rules", "file": "/etc/x.yaml", "rules": [
        rule("Watchdog", "none", [alert("Watchdog", "none", "firing", "2025-03-17T05:00:00Z",
                                        namespace="openshift-monitoring")]),
        rule("AlertmanagerReceiversNotConfigured", "warning",
             [alert("AlertmanagerReceiversNotConfigured", "warning", "firing", namespace="openshift-monitoring")]),
        {"name": "job:up:sum", "query": "sum(up)", "health": "ok", "type": "recording"},
    ]},
    {"name": "apps", "file": "/etc/y.yaml", "rules": [
        rule("KubePodCrashLooping", "warning", [alert("KubePodCrashLooping", "warning", "firing",
                                                      namespace="demo", pod="web-1", container="app")]),
        rule("etcdMembersDown", "critical", [alert("etcdMembersDown", "critical", "firing", "2025-03-20T07:10:00Z",
                                                   namespace="openshift-etcd", pod="etcd-m3")]),
        rule("KubeNodeUnreachable", "warning", [alert("KubeNodeUnreachable", "warning", "pending", node="w2")]),
        rule("ClusterOperatorDegraded", "warning", [alert("ClusterOperatorDegraded", "warning", "firing",
                                                          namespace="openshift-cluster-version", name="etcd")]),
        rule("KubeJobFailed", "warning", []),
    ]},
]}}


class View:
    def __init__(self, root: Path, src: Path):
        self.must_gather_roots = [root]
        self.roots = [src]
        self.name = "t"
        self.collection_time = END


def make_tree(tmp_path: Path, files: dict) -> View:
    root = tmp_path / "mg" / "img"
    for rel, body in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body if isinstance(body, str) else json.dumps(body))
    return View(root, tmp_path / "mg")


def test_rules_answer(tmp_path):
    view = make_tree(tmp_path, {"monitoring/prometheus/rules.json": RULES})
    ad = alerts.build(view)
    assert ad.problems == [] and ad.files == ["img/monitoring/prometheus/rules.json"]
    assert alerts.rule_counts(ad) == {"firing": 5, "pending": 1, "inactive": 1, "recording": 1}
    assert [(a.name, a.state) for a in ad.alerts][:1] == [("Watchdog", "firing")]  # oldest first
    assert {a.name for a in ad.alerts if a.state == "pending"} == {"KubeNodeUnreachable"}


def test_error_answer_and_bad_files_are_skipped(tmp_path):
    view = make_tree(tmp_path, {
        "monitoring/prometheus/rules.json": {"status": "error", "errorType": "unavailable", "error": "not ready"},
        "monitoring/prometheus/prometheus-k8s-0/alerts.json": "{not json",
        "monitoring/alerts.json": {"status": "success", "data": {"alerts": [
            alert("KubeNodeNotReady", "warning", "firing", node="w2")]}},
        "monitoring/prometheus/status/config.json": {"status": "success", "data": {"yaml": ""}},  # not ours
    })
    ad = alerts.build(view)
    reasons = dict(ad.problems)
    assert reasons["img/monitoring/prometheus/rules.json"] == "Prometheus error answer: unavailable: not ready"
    assert "not readable JSON" in reasons["img/monitoring/prometheus/prometheus-k8s-0/alerts.json"]
    assert len(reasons) == 2
    assert [(a.name, a.labels["node"]) for a in ad.alerts] == [("KubeNodeNotReady", "w2")]  # /api/v1/alerts shape
    assert alerts.parse_answer([], "x")[2] and alerts.parse_answer({"status": "success"}, "x")[2]


def test_replicas_dedupe(tmp_path):
    pending = json.loads(json.dumps(RULES))
    pending["data"]["groups"][1]["rules"][0]["alerts"][0]["state"] = "pending"
    view = make_tree(tmp_path, {"monitoring/prometheus/prometheus-k8s-0/rules.json": pending,
                                "monitoring/prometheus/prometheus-k8s-1/rules.json": RULES})
    ad = alerts.build(view)
    crash = [a for a in ad.alerts if a.name == "KubePodCrashLooping"]
    assert len(crash) == 1 and crash[0].state == "firing"  # firing wins over one replica's pending
    assert len(ad.rules) == 8  # the same rules from two replicas are kept once


def test_findings(tmp_path):
    view = make_tree(tmp_path, {"monitoring/prometheus/rules.json": RULES})
    fs = alerts.findings(view)
    got = [(f.severity, f.rule, f.object.kind if f.object else None, f.object.name if f.object else None) for f in fs]
    assert got[0] == ("critical", "alert-firing", "Pod", "etcd-m3")
    assert ("warning", "alert-firing", "Pod", "web-1") in got
    assert ("warning", "alert-firing", "ClusterOperator", "etcd") in got
    assert ("info", "alert-pending", "Node", "w2") in got  # pending ranks one step lower
    names = [f.title.split()[1] for f in fs]
    assert "Watchdog" not in names  # fires by design: no finding at all
    arnc = next(f for f in fs if "AlertmanagerReceiversNotConfigured" in f.title)
    assert arnc.severity == "info"  # an info-style hint never alarms
    assert all(f.key.startswith("alert:") and "activeAt" not in f.key for f in fs)
    crash = next(f for f in fs if "KubePodCrashLooping" in f.title)
    assert crash.key == "alert:KubePodCrashLooping:alertname=KubePodCrashLooping,container=app,namespace=demo,pod=web-1"
    again = alerts.finding_of(alerts.Alert("KubePodCrashLooping", "pending", {"pod": "api-7d9f8b6c4d-x2vzq",
                                                                              "namespace": "n", "severity": "warning"}, {}))
    assert again.key == "alert:KubePodCrashLooping:namespace=n,pod=api"  # no generated pod suffix in the key
    assert fs[0].since == "2025-03-20T07:10:00Z" and "etcdMembersDown <b>description</b>" in fs[0].evidence[0]


def test_intervals(tmp_path):
    view = make_tree(tmp_path, {"monitoring/prometheus/rules.json": RULES})
    items = alerts.intervals(view, END)
    by = {i["locator"]["keys"]["alert"]: i for i in items}
    assert all(i["source"] == "Alert" and i["locator"]["type"] == "Alert" for i in items)
    e = by["etcdMembersDown"]
    assert e["level"] == "Error" and e["from"] == "2025-03-20T07:10:00Z" and e["to"] == "2025-03-20T08:00:00Z"
    assert e["locator"]["keys"] == {"alert": "etcdMembersDown", "namespace": "openshift-etcd", "pod": "etcd-m3",
                                    "severity": "critical"}
    assert e["message"]["annotations"] == {"alertstate": "firing", "severity": "critical"}
    assert by["KubePodCrashLooping"]["level"] == "Warning"
    assert by["KubeNodeUnreachable"]["level"] == "Info"  # pending
    assert by["Watchdog"]["level"] == "Info"
    assert by["ClusterOperatorDegraded"]["locator"]["keys"]["name"] == "etcd"


def test_no_monitoring_dir(tmp_path):
    ad = alerts.build(make_tree(tmp_path, {"namespaces/x/x.yaml": "kind: Namespace"}))
    assert ad.alerts == [] and ad.rules == [] and ad.problems == [] and alerts.findings_of(ad) == []


async def test_fixture(aiohttp_client, tmp_path):
    (ci,) = await open_sources([str(FIXTURE)], tmp_path, index_cache=False)
    client = await aiohttp_client(server.create_app([ci.cluster]))
    body = await (await client.get(f"/clusters/{ci.name}/staticapi/v1/alerts")).json()
    active = {(a["name"], a["state"]) for a in body["alerts"]}
    assert {("KubePodCrashLooping", "firing"), ("KubeNodeNotReady", "firing"), ("ClusterOperatorDegraded", "firing"),
            ("Watchdog", "firing"), ("KubeNodeUnreachable", "pending")} <= active
    assert any(r["state"] == "inactive" for r in body["rules"])
    assert [s["reason"] for s in body["skipped"]] == ["Prometheus error answer: unavailable: rule manager is not ready"]
    # the crash-looping pod and the NotReady node of the fixture are the ones alerted on
    pods = {p["metadata"]["name"]: p for p in ci.objects("", "pods")}
    crash = next(a for a in body["alerts"] if a["name"] == "KubePodCrashLooping")["labels"]["pod"]
    assert any(s.get("state", {}).get("waiting", {}).get("reason") == "CrashLoopBackOff"
               for s in pods[crash]["status"]["containerStatuses"])
    skipped = (await (await client.get("/staticapi/v1/skipped")).json())["items"]
    assert any(s["path"].endswith("monitoring/prometheus/rules.json") and s["stage"] == "gathered" for s in skipped)
    fs = alerts.findings(ci)
    assert fs[0].severity == "critical" and "etcdMembersDown" in fs[0].title
    assert not any("Watchdog" in f.title for f in fs)
    r = await client.get("/ui/alerts")
    page = await r.text()
    assert r.status == 200 and "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "KubePodCrashLooping" in page and "rule manager is not ready" in page and "KubeJobFailed" in page
    assert "KubeJobFailed" not in await (await client.get("/ui/alerts", params={"state": "firing"})).text()
    iv = await (await client.get("/staticapi/v1/intervals", params={"source": "Alert"})).json()
    assert {i["locator"]["keys"]["alert"] for i in iv["items"]} >= {"KubePodCrashLooping", "KubeNodeNotReady"}


def test_hostile_answers_never_crash(tmp_path):
    weird = {"status": "success", "data": {"groups": [
        5, {"name": ["x"], "rules": 7}, {"name": "g", "rules": [
            None, {"name": "R", "alerts": 3, "duration": "abc", "labels": [1]},
            {"name": "A", "type": "alerting", "state": "firing", "alerts": [
                {"labels": {"alertname": "A", "severity": {"x": 1}, "pod": 5}, "annotations": None,
                 "state": "firing", "activeAt": 12345},
                {"labels": "nope", "state": "pending"}, "str"]}]}]}}
    view = make_tree(tmp_path, {"monitoring/alerts.json": weird})
    ad = alerts.build(view)
    # the alert without labels still belongs to its rule A
    assert sorted((a.name, a.state) for a in ad.alerts) == [("A", "firing"), ("A", "pending")]
    assert {r.name for r in ad.rules} == {"R", "A"} and len(alerts.findings(view)) == 2
    items = alerts.intervals(view, END)  # unreadable activeAt: from the collection time
    assert {(i["from"], i["to"]) for i in items} == {("2025-03-20T08:00:00Z", "2025-03-20T08:00:00Z")}
