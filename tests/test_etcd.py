"""etcd_info (insight/etcd.py, web/etcd_page.py): etcdctl's JSON answers, findings (unhealthy
endpoints, alarms, members not started, DB size near the quota, leader), the unixs:// artefact
explained instead of alarmed on; then the generated fixture through the app.

Shapes: etcdctl/ctlv3/command/printer_json.go over clientv3 responses (numbers for IDs and the
AlarmType enum), as openshift/must-gather collection-scripts/gather_etcd writes them.
"""

from __future__ import annotations

import json
from pathlib import Path

from staticapi import server
from staticapi.insight import etcd
from staticapi.insight.context import open_sources

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "must-gather"
IDS = [1993170391063488055, 6745843196264856464, 12102546329427284102]
HDR = {"cluster_id": 4487251372098445062, "member_id": IDS[0], "raft_term": 4}


def members(*extra):
    ms = [{"ID": i, "name": f"m{k}", "peerURLs": [f"https://10.0.0.{k}:2380"],
           "clientURLs": [f"https://10.0.0.{k}:2379", f"unixs://10.0.0.{k}:0"]} for k, i in enumerate(IDS)]
    return {"header": HDR, "members": ms + list(extra)}


def status(k, db=1 << 30, in_use=900 << 20, leader=IDS[0], errors=None):
    st = {"header": {**HDR, "member_id": IDS[k], "revision": 100}, "version": "3.5.16", "dbSize": db,
          "leader": leader, "raftIndex": 500, "raftTerm": 4, "raftAppliedIndex": 500, "dbSizeInUse": in_use}
    if errors:
        st["errors"] = errors
    return {"Endpoint": f"https://10.0.0.{k}:2379", "Status": st}


class View:
    def __init__(self, root, src):
        self.must_gather_roots = [root]
        self.roots = [src]
        self.name = "t"


def tree(tmp_path: Path, **docs) -> View:
    d = tmp_path / "mg" / "img" / "etcd_info"
    d.mkdir(parents=True)
    for k, v in docs.items():
        (d / f"{k}.json").write_text(v if isinstance(v, str) else json.dumps(v))
    return View(tmp_path / "mg" / "img", tmp_path / "mg")


def healthy(k):
    return {"endpoint": f"https://10.0.0.{k}:2379", "health": True, "took": "9.1ms"}


def artefact(k):
    return {"endpoint": f"unixs://10.0.0.{k}:0", "health": False, "took": "5s",
            "error": "failed to dial endpoint: context deadline exceeded"}


def test_healthy_cluster_with_artefacts(tmp_path):
    view = tree(tmp_path, member_list=members(),
                endpoint_health=[healthy(0), artefact(0), healthy(1), artefact(1), healthy(2), artefact(2)],
                endpoint_status=[status(0), status(1), status(2)], alarm_list={"header": HDR})
    ed = etcd.build(view)
    assert ed.present and ed.problems == [] and len(ed.files) == 4
    assert ed.cluster_id == format(HDR["cluster_id"], "x") and ed.members[0].id == format(IDS[0], "x")
    assert etcd.findings(view) == []  # the unixs:// failures are no finding ...
    assert len(ed.notes) == 3 and "unixs://10.0.0.0:0" in ed.notes[0]  # ... but explained
    assert "answered on its https endpoint" in ed.notes[0]
    assert [e.artefact for e in ed.endpoints] == [False] * 3 + [True] * 3


def test_broken_cluster(tmp_path):
    unstarted = {"ID": 777, "peerURLs": ["https://10.0.0.9:2380"]}
    view = tree(tmp_path, member_list=members(unstarted),
                endpoint_health=[healthy(0), healthy(1), {"endpoint": "https://10.0.0.2:2379", "health": False,
                                                          "took": "5.0s", "error": "context deadline exceeded"}],
                endpoint_status=[status(0, db=int(7.5 * (1 << 30)), in_use=7 << 30),
                                 status(1, db=3 << 30, in_use=1 << 30, leader=IDS[1], errors=["memberID:1 alarm:NOSPACE"])],
                alarm_list={"header": HDR, "alarms": [{"memberID": IDS[1], "alarm": 1}, {"memberID": IDS[0],
                                                                                        "alarm": "CORRUPT"}]})
    fs = etcd.findings(view)
    got = {(f.rule, f.severity) for f in fs}
    assert ("etcd-alarm", "critical") in got
    assert {f.title for f in fs if f.rule == "etcd-alarm"} == {"etcd alarm NOSPACE on member m1",
                                                               "etcd alarm CORRUPT on member m0"}
    assert ("etcd-member-not-started", "error") in got
    assert ("etcd-endpoint-unhealthy", "error") in got
    unhealthy = next(f for f in fs if f.rule == "etcd-endpoint-unhealthy")
    assert unhealthy.object.name == "etcd-m2" and unhealthy.object.namespace == "openshift-etcd"
    assert "context deadline exceeded" in unhealthy.evidence
    assert ("etcd-db-near-quota", "critical") in got  # 7.5 of 8 GiB
    assert ("etcd-db-fragmented", "info") in got  # 3 GiB on disk, 1 in use
    assert ("etcd-endpoint-errors", "warning") in got
    assert ("etcd-leader-disagreement", "warning") in got
    assert fs[0].severity == "critical" and fs[-1].severity == "info"  # ranked


def test_no_leader(tmp_path):
    view = tree(tmp_path, endpoint_status=[status(0, leader=0), status(1, leader=0)])
    assert [f.rule for f in etcd.findings(view)] == ["etcd-no-leader"]


def test_bad_files_are_reported(tmp_path):
    view = tree(tmp_path, member_list="", endpoint_health="{oops", endpoint_status=[{"Endpoint": 5}, "x"],
                alarm_list=[1, 2])
    ed = etcd.build(view)
    reasons = dict(ed.problems)
    assert "empty" in reasons["img/etcd_info/member_list.json"]
    assert "not etcdctl JSON" in reasons["img/etcd_info/endpoint_health.json"]
    assert ed.members == [] and ed.alarms == [] and etcd.findings_of(ed) == []


def test_absent(tmp_path):
    ed = etcd.build(View(tmp_path, tmp_path))
    assert not ed.present and ed.problems == [] and etcd.findings_of(ed) == []


async def test_fixture(aiohttp_client, tmp_path):
    (ci,) = await open_sources([str(FIXTURE)], tmp_path, index_cache=False)
    client = await aiohttp_client(server.create_app([ci.cluster]))
    body = await (await client.get(f"/clusters/{ci.name}/staticapi/v1/etcd")).json()
    assert len(body["members"]) == 3 and body["alarms"] == [] and len(body["notes"]) == 3
    nodes = {n["metadata"]["name"] for n in ci.objects("", "nodes")}
    assert {m["name"] for m in body["members"]} <= nodes  # members are named after their masters
    rules = [(f["rule"], f["object"]["name"]) for f in body["findings"] if f["severity"] == "error"]
    assert rules == [("etcd-endpoint-unhealthy", "etcd-ip-10-0-91-37.us-east-2.compute.internal")]
    pods = {p["metadata"]["name"] for p in ci.objects("", "pods") if p["metadata"].get("namespace") == "openshift-etcd"}
    assert rules[0][1] in pods  # the finding links to a pod that exists
    r = await client.get("/ui/etcd")
    page = await r.text()
    assert r.status == 200 and "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "unixs://10.0.91.37:0" in page and "n/a (artefact)" in page and "unhealthy" in page


def test_quota_from_operator_config(tmp_path):
    view = tree(tmp_path, endpoint_status=[status(0, db=7 << 30, in_use=7 << 30)])
    # no etcd operator config (this View has no objects): OpenShift's default 8 GiB, 7 GiB is 88% of it
    assert [(f.rule, f.severity) for f in etcd.findings(view)] == [("etcd-db-near-quota", "warning")]

    class WithConfig(View):
        def objects(self, group, resource):
            assert (group, resource) == ("operator.openshift.io", "etcds")
            return [{"metadata": {"name": "cluster"}, "spec": {"backendQuotaGiB": 16}}]

    view16 = WithConfig(view.must_gather_roots[0], view.roots[0])
    assert etcd.quota_bytes(view16) == 16 << 30
    assert [(f.rule, f.severity) for f in etcd.findings(view16)] == []  # 7 of 16 GiB is fine


def test_hostile_answers_never_crash(tmp_path):
    view = tree(tmp_path, member_list={"header": [], "members": 5},
                endpoint_health=[None, {"endpoint": ["x"], "health": "yes"}, {"endpoint": "https://h:2379", "took": 5}],
                endpoint_status=[{"Endpoint": "https://h:2379", "Status": {"dbSize": "big", "leader": True,
                                                                          "errors": "e"}}],
                alarm_list={"alarms": 9})
    ed = etcd.build(view)
    assert ed.members == [] and ed.alarms == [] and len(ed.endpoints) == 2
    assert isinstance(etcd.findings(view), list)
