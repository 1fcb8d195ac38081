"""Audit logs (insight/audit.py, web/audit_api.py): index, per-object history, failed requests,
the streaming query, intervals, bad input; then the generated fixture through the real app.

Event shapes follow k8s.io/apiserver/pkg/apis/audit/v1/types.go; file names follow
openshift/must-gather collection-scripts/gather_audit_logs (``audit_logs/<apiserver>/<node>-<file>.gz``).
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from staticapi import server
from staticapi.insight import audit, audit_query
from staticapi.insight.context import open_sources
from staticapi.web.render import render

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "must-gather"
END = datetime(2025, 3, 20, 8, 0, tzinfo=timezone.utc)


def ev(t: str, verb: str, user: str, resource: str, ns: str = "", name: str = "", group: str = "", sub: str = "",
       code: int = 200, agent: str = "kubectl/v1.30.0", stage: str = "ResponseComplete", **extra) -> dict:
    ref = {"resource": resource, "namespace": ns, "name": name, "apiGroup": group, "apiVersion": "v1",
           "subresource": sub}
    out = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": f"id-{t}-{verb}",
           "stage": stage, "requestURI": f"/api/v1/{resource}", "verb": verb,
           "user": {"username": user, "groups": ["system:authenticated"]}, "sourceIPs": ["10.0.0.9"],
           "userAgent": agent, "objectRef": {k: v for k, v in ref.items() if v},
           "responseStatus": {"metadata": {}, "code": code}, "requestReceivedTimestamp": t,
           "stageTimestamp": t}
    if code >= 400:
        out["responseStatus"].update({"status": "Failure", "reason": extra.pop("reason", "Failed"),
                                      "message": extra.pop("message", "it failed")})
    out.update(extra)
    return out


def lines(events: list) -> bytes:
    return b"".join(orjson.dumps(e) + b"\n" for e in events)


class View:
    def __init__(self, root: Path, src: Path):
        self.must_gather_roots = [root]
        self.roots = [src]
        self.name = "t"
        self.collection_time = END
        self._memo = {}

    def derive_sync(self, key, build):
        if key not in self._memo:
            self._memo[key] = build(self)
        return self._memo[key]


@pytest.fixture
def tree(tmp_path: Path) -> View:
    root = tmp_path / "mg" / "quay-io-image"
    (root / "namespaces").mkdir(parents=True)
    kas = root / "audit_logs" / "kube-apiserver"
    kas.mkdir(parents=True)
    m1 = [
        ev("2025-03-20T06:00:00.000001Z", "create", "alice", "deployments", "demo", "web", "apps", code=201),
        ev("2025-03-20T06:00:00.000001Z", "create", "alice", "deployments", "demo", "web", "apps",
           stage="RequestReceived"),  # the same request's first stage: not indexed twice
        ev("2025-03-20T06:10:00.000000Z", "patch", "bob", "deployments", "demo", "web", "apps", sub="scale",
           agent="oc/4.17"),
        ev("2025-03-20T06:20:00.000000Z", "get", "carol", "secrets", "demo", "db", code=403, reason="Forbidden",
           message='secrets "db" is forbidden'),
        ev("2025-03-20T06:30:00.000000Z", "update", "system:serviceaccount:x:y", "leases", "demo", "lock",
           "coordination.k8s.io"),
    ]
    m2 = [
        ev("2025-03-20T06:05:00.000000Z", "update", "bob", "deployments", "demo", "web", "apps", code=409,
           reason="Conflict"),
        ev("2025-03-20T06:25:00.000000Z", "delete", "alice", "deployments", "demo", "web", "apps"),
        ev("2025-03-20T06:26:00.000000Z", "update", "op", "clusteroperators", "", "etcd", "config.openshift.io",
           sub="status", code=500, reason="InternalError", message="etcdserver: request timed out"),
    ]
    (kas / "master-1.example-audit.log.gz").write_bytes(gzip.compress(lines(m1), mtime=0))
    plain = lines(m2[:1]) + b"E0320 06:06:00 not json at all\n" + lines(m2[1:])
    (kas / "master-2.example-audit.log").write_bytes(plain)
    # a truncated gzip: its first event survives, the rest is cut off
    big = lines([ev(f"2025-03-20T05:{i:02d}:00.000000Z", "list", "dave", "pods", "demo") for i in range(50)])
    gz = gzip.compress(big, mtime=0)
    (kas / "master-3.example-audit-2025-03-20T05-59-59.000.log.gz").write_bytes(gz[: len(gz) // 2])
    (root / "audit_logs" / "kube-apiserver.audit_logs_listing").write_text("master-1.example audit.log\n")
    oas = root / "audit_logs" / "openshift-apiserver"
    oas.mkdir()
    (oas / "master-1.example-audit.log.gz").write_bytes(gzip.compress(lines([
        ev("2025-03-20T06:15:00.000000Z", "patch", "alice", "routes", "demo", "web", "route.openshift.io")]), mtime=0))
    return View(root, tmp_path / "mg")


def test_files_and_problems(tree):
    idx = audit.build_index(tree)
    names = sorted((f.apiserver, f.node) for f in idx.files)
    assert names == [("kube-apiserver", "master-1.example"), ("kube-apiserver", "master-2.example"),
                     ("kube-apiserver", "master-3.example"), ("openshift-apiserver", "master-1.example")]
    reasons = dict(idx.problems)
    plain = "quay-io-image/audit_logs/kube-apiserver/master-2.example-audit.log"
    assert "1 audit log line(s) not a JSON object" in reasons[plain] and "line 2" in reasons[plain]
    trunc = "quay-io-image/audit_logs/kube-apiserver/master-3.example-audit-2025-03-20T05-59-59.000.log.gz"
    assert "EOFError" in reasons[trunc]
    m3 = next(f for f in idx.files if f.node == "master-3.example")
    assert 0 < m3.events < 50  # what was readable before the damage is kept
    assert idx.verbs["create"] == 1  # RequestReceived is not counted
    assert all(not p.endswith("audit_logs_listing") for p, _ in idx.problems)


def test_history(tree):
    h = audit.history(tree, "apps", "deployments", "demo", "web")
    assert [(x["verb"], x["user"], x["code"], x["subresource"]) for x in h] == [
        ("create", "alice", 201, ""), ("update", "bob", 409, ""), ("patch", "bob", 200, "scale"),
        ("delete", "alice", 200, "")]
    assert h[2]["userAgent"] == "oc/4.17" and h[0]["node"] == "master-1.example"
    assert h[1]["apiserver"] == "kube-apiserver" and h[0]["sourceIP"] == "10.0.0.9"
    assert audit.history(tree, "route.openshift.io", "routes", "demo", "web")[0]["apiserver"] == "openshift-apiserver"
    assert audit.history(tree, "", "deployments", "demo", "web") == []  # the group matters
    assert audit.history(tree, "", "secrets", "demo", "db") == []  # reads are no history


def test_failures(tree):
    rows = audit.failures_of(audit.index_sync(tree))
    assert [(r["code"], r["verb"], r["resource"], r["user"]) for r in rows] == [
        (500, "update", "clusteroperators.config.openshift.io/status", "op"),  # 5xx first
        (403, "get", "secrets", "carol"), (409, "update", "deployments.apps", "bob")]
    assert rows[0]["message"] == "etcdserver: request timed out" and rows[0]["reason"] == "InternalError"


def q(tree, **query) -> list[dict]:
    idx = audit.index_sync(tree)
    return [json.loads(x) for x in audit_query.stream(idx, audit_query.parse_query(query))]


def test_stream_filters(tree):
    everything = q(tree)
    times = [e["requestReceivedTimestamp"] for e in everything]
    assert times == sorted(times)  # merged across files in time order
    assert len(everything) == audit.index_sync(tree).events  # final stages only by default
    assert {e["verb"] for e in q(tree, verb="delete,patch")} == {"delete", "patch"}
    assert [e["user"]["username"] for e in q(tree, user="carol")] == ["carol"]
    assert {e["objectRef"]["resource"] for e in q(tree, resource="deployments.apps")} == {"deployments"}
    assert [e["objectRef"].get("subresource") for e in q(tree, resource="deployments/scale")] == ["scale"]
    assert q(tree, resource="deployments", group="") == []
    assert [e["verb"] for e in q(tree, name="web", namespace="demo", resource="routes")] == ["patch"]
    assert {e["responseStatus"]["code"] for e in q(tree, code="4xx")} == {403, 409}
    assert {e["responseStatus"]["code"] for e in q(tree, code="failed")} == {403, 409, 500}
    assert [e["responseStatus"]["code"] for e in q(tree, code="500")] == [500]
    window = q(tree, **{"from": "2025-03-20T06:05:00Z", "to": "2025-03-20T06:15:00Z"})
    assert [e["verb"] for e in window] == ["update", "patch", "patch"]
    assert len(q(tree, limit="2")) == 2
    assert [e["stage"] for e in q(tree, stage="RequestReceived")] == ["RequestReceived"]
    # the oracle: a plain scan of every readable line
    want = []
    for f in audit.index_sync(tree).files:
        want += [e for _raw, e in audit.read_events(f) if e.get("user", {}).get("username") == "bob"
                 and e.get("stage") == "ResponseComplete"]
    assert sorted(e["auditID"] for e in q(tree, user="bob")) == sorted(e["auditID"] for e in want)


@pytest.mark.parametrize("bad", [{"code": "abc"}, {"code": "40"}, {"from": "yesterday"}, {"limit": "x"},
                                 {"resource": "apps/deployments.x"}])
def test_bad_query(bad):
    with pytest.raises(ValueError):
        audit_query.parse_query(bad)


def test_long_line_skipped(tmp_path, monkeypatch):
    root = tmp_path / "r"
    d = root / "audit_logs" / "kube-apiserver"
    d.mkdir(parents=True)
    ok = ev("2025-03-20T06:00:00.000000Z", "delete", "a", "pods", "n", "p")
    long = dict(ok, requestURI="/" + "x" * 1000)
    (d / "m-audit.log").write_bytes(lines([long, ok]))
    monkeypatch.setattr(audit, "MAX_LINE", len(orjson.dumps(ok)) + 10)  # the long line is over it
    idx = audit.build_index(View(root, tmp_path))
    assert idx.events == 1 and "too long" in idx.problems[0][1]


def test_intervals(tree):
    items = audit.intervals(tree, END)
    assert all(i["source"] == "Audit" for i in items)
    assert not [i for i in items if "leases" in i["locator"]["keys"]["resource"]]  # chatter left out
    by_verb = {(i["message"]["reason"], i["locator"]["keys"]["resource"]): i for i in items}
    d = by_verb[("delete", "deployments.apps")]
    assert d["level"] == "Info" and d["display"] and d["locator"]["keys"] == {
        "namespace": "demo", "resource": "deployments.apps", "name": "web"}
    assert by_verb[("update", "deployments.apps")]["level"] == "Warning"
    assert by_verb[("update", "clusteroperators.config.openshift.io/status")]["level"] == "Error"
    assert "by alice (kubectl/v1.30.0): 200" in d["message"]["humanMessage"]


def test_no_audit_logs(tmp_path):
    idx = audit.build_index(View(tmp_path, tmp_path))
    assert idx.files == [] and idx.events == 0 and audit.failures_of(idx) == []


def test_page_escapes():
    html = render("audit.html", base="/", cluster_name="c", collection_time="", page_title="audit",
                  summary={"files": [{"path": "<b>p", "apiserver": "a", "node": "n", "events": 1, "first": "",
                                      "last": ""}], "events": 1, "objects": 1, "failedRequests": 0,
                           "codes": {"2xx": 1}},
                  failures=[], problems=[("<x>", "<img src=x>")],
                  history=[{"time": "t", "verb": "patch", "subresource": "", "user": "<script>alert(1)</script>",
                            "userAgent": "a", "code": 200, "apiserver": "k", "node": "n", "requestURI": "/"}],
                  obj={"group": "", "resource": "pods", "namespace": "n", "name": "p"}, label="pods").text
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<img src" not in html


# ---------------------------------------------------------------------------------------------
# the generated fixture through the app


async def test_fixture_endpoints(aiohttp_client, tmp_path):
    (ci,) = await open_sources([str(FIXTURE)], tmp_path, index_cache=False)
    client = await aiohttp_client(server.create_app([ci.cluster]))
    name = ci.name
    for prefix in ("", f"/clusters/{name}"):
        r = await client.get(f"{prefix}/staticapi/v1/audit", params={"code": "failed"})
        assert r.status == 200 and r.headers["Content-Type"].startswith("application/x-ndjson")
        events = [json.loads(x) for x in (await r.text()).splitlines()]
        codes = sorted(e["responseStatus"]["code"] for e in events)
        assert codes and all(c >= 400 for c in codes) and 403 in codes and 404 in codes and 409 in codes
        assert 500 in codes
    r = await client.get("/staticapi/v1/audit/history",
                         params={"resource": "configmaps", "namespace": "demo-apps", "name": "feature-flags"})
    items = (await r.json())["items"]
    assert [(i["verb"], i["user"]) for i in items] == [("create", "developer"), ("patch", "developer")]
    gone = await (await client.get("/staticapi/v1/audit/history", params={
        "resource": "configmaps", "namespace": "demo-apps", "name": "old-settings"})).json()
    assert [(i["verb"], i["code"]) for i in gone["items"]] == [("delete", 200), ("delete", 404)]
    assert (await client.get("/staticapi/v1/audit/history")).status == 400
    r = await client.get("/staticapi/v1/audit", params={"code": "nope"})
    assert r.status == 400 and (await r.json())["reason"] == "BadRequest"
    fails = await (await client.get("/staticapi/v1/audit/failures")).json()
    assert fails["items"][0]["code"] == 500 and fails["summary"]["failedRequests"] == len(codes)
    skipped = (await (await client.get("/staticapi/v1/skipped")).json())["items"]
    audit_skips = [s for s in skipped if "/audit_logs/" in s["path"]]
    assert {s["stage"] for s in audit_skips} == {"gathered"} and len(audit_skips) == 2
    r = await client.get(f"/clusters/{name}/ui/audit", params={"resource": "deployments.apps",
                                                               "namespace": "demo-apps", "name": "api"})
    assert r.status == 200 and "script-src 'self'" in r.headers["Content-Security-Policy"]
    page = await r.text()
    assert "History of deployments.apps demo-apps/api" in page and "kube:admin" in page
    assert "Failed requests" in page
    iv = await (await client.get("/staticapi/v1/intervals", params={"source": "Audit"})).json()
    assert iv["items"] and {i["source"] for i in iv["items"]} == {"Audit"}
    assert any(i["message"]["reason"] == "delete" and i["locator"]["keys"]["resource"] == "pods"
               for i in iv["items"])


def test_time_window_follows_request_received(tmp_path):
    """Files are in completion order; a long watch received inside the window but completed after
    it is still found, and reading stops an hour (MAX_REQUEST_SECONDS) past the window."""
    root = tmp_path / "r"
    d = root / "audit_logs" / "kube-apiserver"
    d.mkdir(parents=True)
    a = ev("2025-03-20T06:00:00.000000Z", "get", "u", "pods", "n", "a")
    w = dict(ev("2025-03-20T06:01:00.000000Z", "watch", "u", "pods", "n"), stageTimestamp="2025-03-20T06:40:00.000000Z")
    b = ev("2025-03-20T08:00:00.000000Z", "get", "u", "pods", "n", "b")
    late = ev("2025-03-20T06:01:30.000000Z", "get", "u", "pods", "n", "never-read")  # after the stop: not read
    (d / "m-audit.log").write_bytes(lines([a, w, b, late]))
    view = View(root, tmp_path)
    got = q(view, **{"from": "2025-03-20T06:00:30Z", "to": "2025-03-20T06:02:00Z"})
    assert [e["verb"] for e in got] == ["watch"]
    assert len(q(view)) == 4


def test_hostile_events_never_crash(tmp_path):
    root = tmp_path / "r"
    d = root / "audit_logs" / "kube-apiserver"
    d.mkdir(parents=True)
    weird = [
        {"verb": {"x": 1}, "user": "not-a-dict", "objectRef": ["list"], "responseStatus": {"code": "500"}},
        {"verb": "delete", "objectRef": {"resource": 5, "name": None, "namespace": []}, "sourceIPs": [{"a": 1}],
         "requestReceivedTimestamp": 12, "stageTimestamp": "not a time", "responseStatus": []},
        {"verb": "patch", "stage": "ResponseComplete", "objectRef": {"resource": "pods", "name": "p\u202e<x>"},
         "user": {"username": ["u"]}, "responseStatus": {"code": 503}, "requestReceivedTimestamp": "2025-13-45T99:99:99Z"},
        [1, 2], "string", 7, None,
    ]
    (d / "m-audit.log").write_bytes(b"\n".join(orjson.dumps(w) for w in weird) + b"\n\x00\xff\xfe garbage\n")
    (d / "z-audit.log.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    view = View(root, tmp_path)
    idx = audit.build_index(view)
    assert idx.events == 3 and len(idx.problems) == 2  # 5 bad lines in one file, one unreadable gzip
    assert audit.failures_of(idx)[0]["code"] == 503
    assert audit.intervals(view, END) == []  # no usable time: no interval, no crash
    assert len(q(view, code="5xx")) == 1 and q(view, **{"from": "2025-01-01T00:00:00Z"}) == []


def test_history_is_capped_per_object(tmp_path, monkeypatch):
    monkeypatch.setattr(audit, "MAX_PER_OBJECT", 10)
    monkeypatch.setattr(audit, "KEEP_FIRST", 2)
    root = tmp_path / "r"
    d = root / "audit_logs" / "kube-apiserver"
    d.mkdir(parents=True)
    renewals = [ev(f"2025-03-20T06:{i // 60:02d}:{i % 60:02d}.000000Z", "update", "op", "leases", "n", "lock",
                   "coordination.k8s.io") for i in range(45)]
    events = [ev("2025-03-20T06:00:00.000000Z", "create", "kubelet", "events", "n", "e1")]
    (d / "b-audit.log").write_bytes(lines(renewals[20:] + events))
    (d / "a-audit.log").write_bytes(lines(renewals[:20]))
    idx = audit.build_index(View(root, tmp_path))
    h = audit.history_of(idx, "coordination.k8s.io", "leases", "n", "lock")
    assert len(h) == 10 and audit.omitted_of(idx, "coordination.k8s.io", "leases", "n", "lock") == 35
    assert [x["time"][14:19] for x in h] == ["00:00", "00:01"] + [f"00:{s}" for s in range(37, 45)]
    assert audit.history_of(idx, "", "events", "n", "e1") == []  # Events are not indexed ...
    assert len(q(View(root, tmp_path), resource="events")) == 1  # ... but found by the query
