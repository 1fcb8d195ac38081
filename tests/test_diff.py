"""`staticapi diff` (insight/diff.py): planted changes in a copy of a real must-gather are all
reported, noise is not; unrelated real samples compare; a must-gather against itself is empty."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE, OKD, OKD_SNO, REPO, needs_samples
from staticapi.insight.context import open_sources
from staticapi.insight.diff import compare, is_empty
from staticapi.insight.diff_objects import field_diff, light, name_stem, object_stem, pair_by_stem
from staticapi.insight.diff_text import to_text

try:
    from staticapi.insight import signatures  # noqa: F401  (engineer `search`)
    HAVE_SIGNATURES = True
except ImportError:
    HAVE_SIGNATURES = False
try:
    from staticapi.insight import triage  # noqa: F401  (engineer `triage`)
    HAVE_TRIAGE = True
except ImportError:
    HAVE_TRIAGE = False

CO_FILE = "cluster-scoped-resources/config.openshift.io/clusteroperators/dns.yaml"
DEPLOY_FILE = "namespaces/openshift-dns-operator/apps/deployments/dns-operator.yaml"
RENAMED_POD = ("openshift-dns", "node-resolver-xk5zd", "node-resolver-q7w2m")
LOG_POD = ("openshift-dns", "dns-default-87g5w", "dns")
NEW_IMAGE = "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:" + "ab" * 32
ERROR_LINE = "E0308 12:40:01.000000       1 plugin.go:42] failed to reach upstream 10.0.0.1:53: connection refused"


def _load(p: Path) -> dict:
    return yaml.safe_load(p.read_text())


def _dump(p: Path, obj: dict) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(yaml.safe_dump(obj, sort_keys=True))


def _logs(root: Path, extra: list[str]) -> None:
    ns, pod, cont = LOG_POD
    d = root / "namespaces" / ns / "pods" / pod / cont / cont / "logs"
    d.mkdir(parents=True, exist_ok=True)
    lines = [f"2023-03-08T12:3{i}:00.000000000Z [INFO] plugin/reload: Running configuration SHA512 = {i}" for i in range(5)]
    lines += [f"2023-03-08T12:39:59.000000000Z {x}" for x in extra]
    (d / "current.log").write_text("\n".join(lines) + "\n")


def _event(ns: str, name: str, kind: str, obj_name: str, reason: str, count: int, message: str) -> dict:
    return {"apiVersion": "v1", "kind": "Event", "type": "Warning", "reason": reason, "message": message,
            "count": count, "firstTimestamp": "2023-03-08T12:30:00Z", "lastTimestamp": "2023-03-08T12:33:00Z",
            "involvedObject": {"apiVersion": "v1", "kind": kind, "namespace": ns, "name": obj_name},
            "metadata": {"name": name, "namespace": ns, "uid": "0f4a3c8e-1111-4222-8333-944455556666",
                         "resourceVersion": "99999", "creationTimestamp": "2023-03-08T12:30:00Z"}}


_TS_LINE = re.compile(r"^(\s*(?:- )?[A-Za-z]+: ['\"]?)2023-03-08T", re.M)
_RV_LINE = re.compile(r"^(\s*resourceVersion: ['\"]?)(\d+)", re.M)


def _noise(root: Path) -> None:
    """Pure noise over the whole tree: new resourceVersions, every timestamp a day later, one pod
    renamed with a new generated suffix."""
    for p in root.rglob("*.yaml"):
        s = p.read_text()
        t = _RV_LINE.sub(lambda m: m.group(1) + str(int(m.group(2)) + 7777), s)
        t = _TS_LINE.sub(lambda m: m.group(1) + "2023-03-09T", t)
        if t != s:
            p.write_text(t)
    ns, old, new = RENAMED_POD
    src = root / "namespaces" / ns / "core" / "pods" / f"{old}.yaml"
    obj = _load(src)
    obj["metadata"]["name"] = new
    obj["metadata"]["uid"] = "6a1d7c55-aaaa-4bbb-8ccc-9ddd0eee1fff"
    src.unlink()
    _dump(src.with_name(f"{new}.yaml"), obj)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    if not OKD_SNO.is_dir():
        pytest.skip("../shared/samples not present")
    tmp = tmp_path_factory.mktemp("diffpair")
    base, head = tmp / "base", tmp / "head"
    shutil.copytree(OKD_SNO, base)
    shutil.copytree(OKD_SNO, head)
    # BASE only: a ConfigMap that HEAD lost
    _dump(base / "namespaces/openshift-dns/core/configmaps/dns-extra.yaml",
          {"apiVersion": "v1", "kind": "ConfigMap", "data": {"Corefile": ". { forward . 10.0.0.1 }"},
           "metadata": {"name": "dns-extra", "namespace": "openshift-dns", "resourceVersion": "100",
                        "uid": "5b2c1d44-0000-4111-8222-933344445555", "creationTimestamp": "2023-03-08T12:00:00Z"}})
    _logs(base, [])
    _logs(head, [ERROR_LINE])
    # a degraded operator
    co = _load(head / CO_FILE)
    for c in co["status"]["conditions"]:
        if c["type"] == "Degraded":
            c.update(status="True", reason="DNSDegraded", message="DNS default is degraded: 0 of 1 pods available")
    _dump(head / CO_FILE, co)
    # a changed image
    dep = _load(head / DEPLOY_FILE)
    dep["spec"]["template"]["spec"]["containers"][0]["image"] = NEW_IMAGE
    _dump(head / DEPLOY_FILE, dep)
    # a new pod in CrashLoopBackOff
    pod = _load(head / "namespaces/openshift-dns/core/pods/dns-default-87g5w.yaml")
    pod["metadata"].update(name="crasher-0", uid="7c3e2f11-2222-4333-8444-955566667777")
    pod["metadata"].pop("generateName", None)
    pod["metadata"].pop("ownerReferences", None)
    pod["metadata"].pop("managedFields", None)
    cs = pod["status"]["containerStatuses"][0]
    cs.update(ready=False, restartCount=7, started=False,
              state={"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
              lastState={"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2023-03-08T12:30:00Z",
                                        "finishedAt": "2023-03-08T12:30:01Z"}})
    _dump(head / "namespaces/openshift-dns/core/pods/crasher-0.yaml", pod)
    # a warning storm on an object both have
    for i in range(3):
        _dump(head / f"namespaces/openshift-dns/core/events/storm-{i}.yaml",
              _event("openshift-dns", f"dns-default-87g5w.storm{i}", "Pod", "dns-default-87g5w", "ProbeError", 15,
                     "Readiness probe error: HTTP probe failed with statuscode: 503"))
    _noise(head)

    async def load():
        return await open_sources([str(base), str(head)], tmp / "cache", index_cache=False)

    b, h = asyncio.run(load())
    return {"base": base, "head": head, "b": b, "h": h, "report": compare(b, h), "tmp": tmp}


def _refs(items) -> set[tuple]:
    return {(i["kind"], i["namespace"], i["name"]) for i in items}


@needs_samples
def test_planted_changes_reported(planted):
    rep = planted["report"]
    o = rep["objects"]
    assert _refs(o["removed"]) == {("ConfigMap", "openshift-dns", "dns-extra")}
    assert _refs(o["added"]) == {("Pod", "openshift-dns", "crasher-0")}
    changed = {(c["kind"], c["namespace"], c["name"]) for c in o["changed"] if not c["noiseOnly"]}
    assert changed == {("ClusterOperator", "", "dns"), ("Deployment", "openshift-dns-operator", "dns-operator")}
    co = next(c for c in o["changed"] if c["kind"] == "ClusterOperator")
    paths = {d["path"]: d for d in co["changes"]}
    assert paths["status.conditions[type=Degraded].status"]["head"] == "True"
    # versions: the image
    imgs = rep["versions"]["images"]
    assert [(i["kind"], i["name"], i["container"], i["head"]) for i in imgs] == [
        ("Deployment", "dns-operator", "dns-operator", NEW_IMAGE)]
    assert rep["versions"]["cluster"] is None and rep["versions"]["operators"] == []
    # health: the operator condition, the new crashing pod
    conds = [(c["kind"], c["name"], c["condition"], c["base"], c["head"]) for c in rep["health"]["conditions"]]
    assert conds == [("ClusterOperator", "dns", "Degraded", "False", "True")]
    bad = [(c["name"], c["container"], c["head"]) for c in rep["health"]["containers"]]
    assert bad == [("crasher-0", "dns", "CrashLoopBackOff")]
    # events: the storm, and nothing else (every other event is the same, timestamps shifted)
    ev = [(e["kind"], e["name"], e["reason"], e["base"], e["head"]) for e in rep["events"]]
    assert ev == [("Pod", "dns-default-87g5w", "ProbeError", 0, 45)]
    if HAVE_TRIAGE:
        new = {f["rule"] for f in rep["health"]["findings"]["new"]}
        assert new, "triage found nothing new for a degraded operator and a crashing pod"
    if HAVE_SIGNATURES:
        logs = rep["logs"]
        assert [(lg["namespace"], lg["container"]) for lg in logs] == [("openshift-dns", "dns")]
        assert "failed to reach upstream" in logs[0]["sample"]


@needs_samples
def test_noise_not_reported(planted):
    rep = planted["report"]
    # the renamed pod is matched to its old name and differs only by noise
    assert not any(c["name"] == RENAMED_POD[2] for c in rep["objects"]["changed"] if not c["noiseOnly"])
    assert rep["objects"]["noiseOnly"] > 300  # every object got a new resourceVersion and timestamps
    assert rep["health"]["restarts"] == [] or all(r["name"] == "crasher-0" for r in rep["health"]["restarts"])
    # with noise shown, the rename and the shifted timestamps are there, marked as noise
    b, h = planted["b"], planted["h"]
    noisy = compare(b, h, show_noise=True, namespace="openshift-dns", kind="pods")
    renamed = next(c for c in noisy["objects"]["changed"] if c["name"] == RENAMED_POD[2])
    assert renamed["baseName"] == RENAMED_POD[1] and renamed["noiseOnly"]
    assert {d["path"] for d in renamed["changes"]} >= {"metadata.name", "metadata.uid", "metadata.resourceVersion"}
    assert all(d["noise"] for d in renamed["changes"])


@needs_samples
def test_text_puts_planted_changes_first(planted):
    rep = planted["report"]
    text = to_text(rep)
    lines = text.splitlines()
    assert len(lines) < 60
    assert "(noise only)" not in text
    for needle in ("ClusterOperator.config.openshift.io dns Degraded: False -> True",
                   "crasher-0 [dns] (new pod): - -> CrashLoopBackOff",
                   "- ConfigMap openshift-dns/dns-extra", "+ Pod openshift-dns/crasher-0", NEW_IMAGE[:60],
                   "ProbeError on Pod openshift-dns/dns-default-87g5w: new x45"):
        assert needle in text, needle
    assert RENAMED_POD[2] not in text and RENAMED_POD[1] not in text


@needs_samples
def test_cli_diff_json_and_filters(planted):
    env_py = [sys.executable, "-m", "staticapi.cli", "diff", str(planted["base"]), str(planted["head"]),
              "--cache-dir", str(planted["tmp"] / "clicache")]
    r = subprocess.run(env_py + ["-o", "json", "--namespace", "openshift-dns", "--kind", "ConfigMap"],
                       capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert _refs(rep["objects"]["removed"]) == {("ConfigMap", "openshift-dns", "dns-extra")}
    assert rep["objects"]["added"] == [] and rep["objects"]["changed"] == []
    r = subprocess.run(env_py, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert "HEALTH" in r.stdout and "crasher-0" in r.stdout
    r = subprocess.run([sys.executable, "-m", "staticapi.cli", "diff", str(planted["base"]),
                        str(planted["tmp"] / "nope")], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 2 and "nope" in r.stderr


@needs_samples
def test_okd_3nodes_vs_sno(tmp_path):
    async def load():
        return await open_sources([str(OKD), str(OKD_SNO)], tmp_path, index_cache=False)

    b, h = asyncio.run(load())
    rep = compare(b, h)
    v = rep["versions"]
    assert v["cluster"] == {"base": "4.12.0-0.okd-2023-03-04-063026", "head": "4.13.0-ec.4"}
    assert v["kubernetes"]["head"].startswith("v1.26")
    assert len(v["operators"]) >= 33 and v["images"]
    removed_nodes = {r["name"] for r in rep["objects"]["removed"] if r["kind"] == "Node" and not r["group"]}
    assert len(removed_nodes) == 6  # three masters and three workers, none in the SNO
    # deployment pods matched across clusters despite other template hashes
    assert any(c.get("baseName") and c["kind"] == "Pod" for c in rep["objects"]["changed"])
    text = to_text(rep)
    assert "cluster version: 4.12.0-0.okd-2023-03-04-063026 -> 4.13.0-ec.4" in text
    json.dumps(rep)  # JSON-ready


def test_fixture_against_itself_is_empty(tmp_path):
    async def load():
        return await open_sources([str(FIXTURE), str(FIXTURE)], tmp_path, index_cache=False)

    b, h = asyncio.run(load())
    rep = compare(b, h)
    assert is_empty(rep), rep["summary"]
    assert rep["summary"]["unchanged"] > 10
    assert "objects +0 -0 ~0" in to_text(rep)


# ---------------------------------------------------------------- pure helpers


def test_field_diff_noise_and_keys():
    a = {"metadata": {"name": "x", "uid": "u1", "resourceVersion": "1", "annotations": {"a": "1"}},
         "status": {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2023-01-01T00:00:00Z"},
                                   {"type": "Degraded", "status": "False"}],
                    "containerStatuses": [{"name": "c", "imageID": "docker-pullable://q/x@sha256:" + "a" * 64,
                                           "containerID": "cri-o://1", "restartCount": 1}]}}
    b = {"metadata": {"name": "x", "uid": "u2", "resourceVersion": "9", "annotations": {"a": "2"}},
         "status": {"conditions": [{"type": "Degraded", "status": "True"},
                                   {"type": "Ready", "status": "True", "lastTransitionTime": "2023-01-02T00:00:00Z"}],
                    "containerStatuses": [{"name": "c", "imageID": "q/x@sha256:" + "a" * 64,
                                           "containerID": "cri-o://2", "restartCount": 3}]}}
    d = {x["path"]: x["noise"] for x in field_diff(a, b)}
    assert d == {
        "metadata.uid": True, "metadata.resourceVersion": True, "metadata.annotations.a": False,
        "status.conditions[type=Ready].lastTransitionTime": True,
        "status.conditions[type=Degraded].status": False,
        "status.containerStatuses[name=c].imageID": True, "status.containerStatuses[name=c].containerID": True,
        "status.containerStatuses[name=c].restartCount": False,
    }
    # another digest is a real change
    b["status"]["containerStatuses"][0]["imageID"] = "q/x@sha256:" + "b" * 64
    assert not {x["path"]: x["noise"] for x in field_diff(a, b)}["status.containerStatuses[name=c].imageID"]


def test_generated_names():
    assert name_stem("Pod", "dns-default-7d4f8b6c9d-x2k4z") == "dns-default-*"
    assert name_stem("Pod", "node-resolver-xk5zd") == "node-resolver-*"
    assert name_stem("Pod", "etcd-master-0") == "etcd-master-0"
    assert name_stem("Pod", "kube-apiserver-ip-10-0-1-2") == "kube-apiserver-ip-10-0-1-2"
    rs_pod = {"metadata": {"name": "web-5d8f7c9b4b-abcde", "generateName": "web-5d8f7c9b4b-", "namespace": "n",
                           "labels": {"pod-template-hash": "5d8f7c9b4b"},
                           "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d8f7c9b4b", "controller": True}]}}
    other = {"metadata": {"name": "web-7c4d9f8b6d-xyzzy", "generateName": "web-7c4d9f8b6d-", "namespace": "n",
                          "labels": {"pod-template-hash": "7c4d9f8b6d"},
                          "ownerReferences": [{"kind": "ReplicaSet", "name": "web-7c4d9f8b6d", "controller": True}]}}
    assert object_stem("", "Pod", rs_pod) == object_stem("", "Pod", other) == "web-*|ReplicaSet/web"
    pairs, rb, rh = pair_by_stem([("a", rs_pod)], [("b", other), ("c", {"metadata": {"name": "solo"}})], "", "Pod")
    assert pairs == [("a", "b")] and rb == [] and rh == ["c"]
    rs = {"metadata": {"name": "web-5d8f7c9b4b", "labels": {"pod-template-hash": "5d8f7c9b4b"},
                       "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": True}]}}
    assert object_stem("apps", "ReplicaSet", rs) == "Deployment/web"


# ---------------------------------------------------------------- served: API and page


@pytest.fixture(scope="module")
def pair_server(planted):
    from conftest import start_server

    srv = start_server([str(planted["base"]), str(planted["head"])], planted["tmp"] / "srv")
    yield srv
    srv.stop()


@needs_samples
def test_api_diff(pair_server, planted):
    code, body, _ = pair_server.get("/staticapi/v1/diff")
    assert code == 200 and body["kind"] == "DiffReport"
    assert (body["base"]["name"], body["head"]["name"]) == ("base", "head")
    assert body["summary"] == planted["report"]["summary"]
    code, body, _ = pair_server.get("/clusters/base/staticapi/v1/diff?base=head&head=base&kind=cm&namespace=openshift-dns")
    assert code == 200 and _refs(body["objects"]["added"]) == {("ConfigMap", "openshift-dns", "dns-extra")}
    assert body["objects"]["removed"] == [] and body["filters"]["kind"] == "cm"
    code, body, _ = pair_server.get("/staticapi/v1/diff?base=nope")
    assert code == 404 and body["kind"] == "Status"
    code, body, _ = pair_server.get("/clusters/nope/staticapi/v1/diff")
    assert code == 404


def test_api_diff_needs_two_clusters(fixture_server):
    code, body, _ = fixture_server.get("/staticapi/v1/diff")
    assert code == 400 and "two must-gathers" in body["message"]


CHROMIUM = shutil.which("chromium")


@needs_samples
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_page_in_chromium(pair_server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            bad: list[str] = []
            page.on("response", lambda r: bad.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
            page.on("pageerror", lambda e: bad.append(str(e)))
            resp = page.goto(pair_server.url + "/ui/diff")
            assert resp.status == 200
            assert "default-src 'none'" in resp.headers["content-security-policy"]
            text = page.inner_text("main")
            for needle in ("ClusterOperator dns is Degraded", "CrashLoopBackOff", "dns-extra", "crasher-0",
                           "ProbeError", NEW_IMAGE):
                assert needle in text, needle
            assert RENAMED_POD[2] not in text
            hrefs = page.eval_on_selector_all("main a", "els => els.map(e => e.getAttribute('href'))")
            assert "/clusters/base/ui/objects/core/configmaps/openshift-dns/dns-extra" in hrefs
            assert "/clusters/head/ui/objects/core/pods/openshift-dns/crasher-0" in hrefs
            assert "/clusters/base/ui/objects/apps/deployments/openshift-dns-operator/dns-operator" in hrefs
            assert "/clusters/head/ui/objects/apps/deployments/openshift-dns-operator/dns-operator" in hrefs
            # the field diff opens; the form swaps the sides and filters (a plain GET form)
            page.locator("ul.objects details summary", has_text="Deployment.apps").click()
            assert page.locator("table.fields", has_text="containers[name=dns-operator].image").is_visible()
            page.screenshot(path=str(tmp_path / "diff.png"), full_page=True)
            page.select_option("select[name=base]", "head")
            page.select_option("select[name=head]", "base")
            page.fill("input[name=namespace]", "openshift-dns")
            page.click("button[type=submit]")
            page.wait_for_load_state()
            assert "base=head" in page.url and "namespace=openshift-dns" in page.url
            text = page.inner_text("main")
            assert "dns-extra" in text and "only in head" in text
            assert "dns-operator" not in text.split("Objects", 1)[1]
            assert bad == []
        finally:
            browser.close()


@needs_samples
def test_list_items_archive_and_layout_are_the_same_objects(tmp_path):
    """BASE: the SNO sample as a directory of per-object files. HEAD: the same cluster with every
    namespace's pods as one PodList file (no per-pod files), under an image dir of a
    must-gather.local directory, packed as a .tar.gz. Nothing differs."""
    import tarfile

    base = tmp_path / "base"
    shutil.copytree(OKD_SNO, base)
    root = tmp_path / "must-gather.local.42"
    img = root / "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123456789abcdef"
    shutil.copytree(OKD_SNO, img)
    (root / "timestamp").write_text((base / "timestamp").read_text() if (base / "timestamp").exists() else "")
    listed = 0
    for pods_dir in sorted(img.glob("namespaces/*/core/pods")):
        items = [_load(p) for p in sorted(pods_dir.glob("*.yaml"))]
        for it in items[::2]:  # List items without their own kind/apiVersion, as oc adm inspect writes some
            it.pop("kind", None)
            it.pop("apiVersion", None)
        shutil.rmtree(pods_dir)
        _dump(pods_dir.with_suffix(".yaml"), {"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": items})
        listed += len(items)
    assert listed > 100
    archive = tmp_path / "head.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(root, arcname=root.name)

    async def load():
        return await open_sources([str(base), str(archive)], tmp_path / "cache", index_cache=False)

    b, h = asyncio.run(load())
    assert h.store.count() == b.store.count()
    rep = compare(b, h)
    assert is_empty(rep), (rep["summary"], rep["objects"]["added"][:3], rep["objects"]["removed"][:3],
                           rep["objects"]["changed"][:3])
    assert rep["summary"]["unchanged"] > 400


def test_hostile_objects_do_not_break_the_diff():
    """Odd but parseable objects (a must-gather is untrusted): fields of the wrong type everywhere."""
    from staticapi.insight import diff as d

    odd = [
        {"metadata": {"name": "x"}, "status": []},
        {"metadata": {"name": "x"}, "status": {"conditions": "nope", "containerStatuses": {"a": 1},
                                               "versions": "1.0", "history": 3, "desired": []}},
        {"metadata": {"name": "x", "ownerReferences": "me", "labels": [1]},
         "status": {"conditions": [1, None, {"type": None}], "containerStatuses": [None, 3, {"name": ["x"],
                    "restartCount": "many", "state": [], "lastState": "gone"}]}},
        {"metadata": [], "spec": "x", "status": {"desired": {"image": {"x": 1}}, "history": [{"state": 1}]}},
    ]
    for a in odd:
        for b in odd:
            d._conditions(a)
            d._container_states(a)
            d._cv_version(a)
            field_diff(a, b)
            field_diff(a, b, with_noise=False)
            object_stem("", "Pod", light(a))
    assert d._container_states(odd[2]) == {"['x']": (None, 0, None)}
