"""Issue "Serve a must-gather to real kubectl": end to end with kubectl v1.33 and the Python client."""

from __future__ import annotations

import json
import time

import pytest
import yaml

from conftest import OKD, needs_samples

pytestmark = pytest.mark.e2e


# ---------------------------------------------------------------- bundled fixture


def test_fixture_version_and_discovery(fixture_server):
    r = fixture_server.kubectl("version", "-o", "json")
    v = json.loads(r.stdout)
    assert v["serverVersion"]["major"] == "1"
    assert v["serverVersion"]["gitVersion"].startswith("v1.")
    out = fixture_server.kubectl("api-resources").stdout
    assert "pods" in out and "deployments" in out
    assert "clusteroperators" in out  # bundled OpenShift CRD for a resource present in the archive


def test_fixture_get_pods_all_namespaces(fixture_server):
    out = fixture_server.kubectl("get", "pods", "-A", "-o", "json").stdout
    items = json.loads(out)["items"]
    assert items, "fixture has pods"
    keys = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in items]
    assert keys == sorted(keys), "lists are ordered by namespace/name"
    assert len(set(keys)) == len(keys), "List + per-object duplicates are merged"


def test_fixture_delete_and_apply_refused(fixture_server):
    t0 = time.monotonic()
    r = fixture_server.kubectl("delete", "namespace", "default", check=False, timeout=20)
    assert r.returncode != 0
    assert "MethodNotAllowed" in r.stderr or "not allow" in r.stderr
    assert time.monotonic() - t0 < 15
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\ndata: {a: b}\n"
    r = fixture_server.kubectl("create", "-f", "-", check=False, input=manifest, timeout=20)
    assert r.returncode != 0


def test_fixture_missing_object(fixture_server):
    r = fixture_server.kubectl("get", "pod", "does-not-exist", "-n", "default", check=False)
    assert r.returncode != 0
    assert 'pods "does-not-exist" not found' in r.stderr


def test_unknown_path_and_status_bodies(fixture_server):
    code, body, _ = fixture_server.get("/api/v1/namespaces/default/pods/nope")
    assert code == 404
    assert body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": 'pods "nope" not found', "reason": "NotFound",
                    "details": {"name": "nope", "kind": "pods"}, "code": 404}
    code, body, _ = fixture_server.get("/apis/apps/v1/namespaces/default/deployments/nope")
    assert body["message"] == 'deployments.apps "nope" not found' and body["details"]["group"] == "apps"
    code, body, _ = fixture_server.get("/no/such/path")
    assert code == 404 and body["message"] == "the server could not find the requested resource"
    code, body, _ = fixture_server.get("/api/v1/pods?fieldSelector=spec.bogus%3Dx")
    assert code == 400 and body["reason"] == "BadRequest" and "field label not supported: spec.bogus" in body["message"]
    code, body, _ = fixture_server.get("/api/v1/pods?labelSelector=%3D%3D%3D")
    assert code == 400


def test_empty_namespace_is_empty_list(fixture_server):
    code, body, _ = fixture_server.get("/api/v1/namespaces/no-such-ns/pods")
    assert code == 200 and body["items"] == [] and body["kind"] == "PodList"


def test_health(fixture_server):
    for p in ("/healthz", "/livez", "/readyz"):
        code, body, _ = fixture_server.get(p)
        assert code == 200, p


def test_aggregated_discovery_content_type(fixture_server):
    accept = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
              "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
    for path in ("/api", "/apis"):
        code, body, headers = fixture_server.get(path, accept=accept)
        assert code == 200
        ct = headers["Content-Type"].replace(" ", "")
        assert "as=APIGroupDiscoveryList" in ct and "v=v2" in ct and "g=apidiscovery.k8s.io" in ct
        assert body["kind"] == "APIGroupDiscoveryList"
        for g in body["items"]:
            for v in g["versions"]:
                for r in v["resources"]:
                    assert r["responseKind"]["kind"], r
    code, body, _ = fixture_server.get("/apis")
    assert body["kind"] == "APIGroupList"
    for g in body["groups"]:
        assert g["preferredVersion"] in g["versions"]


def test_python_client_fixture(fixture_server):
    from kubernetes import client, config, dynamic

    api_client = config.new_client_from_config(str(fixture_server.kubeconfig))
    v1 = client.CoreV1Api(api_client)
    pods = v1.list_pod_for_all_namespaces()
    assert pods.items
    ns = pods.items[0].metadata.namespace
    one = v1.read_namespaced_pod(pods.items[0].metadata.name, ns)
    assert one.metadata.uid == pods.items[0].metadata.uid
    ver = client.VersionApi(api_client).get_code()
    assert ver.major == "1"
    dyn = dynamic.DynamicClient(api_client)
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment").get()
    assert deps.kind == "DeploymentList"
    with pytest.raises(client.exceptions.ApiException) as ei:
        v1.delete_namespaced_pod(pods.items[0].metadata.name, ns)
    assert ei.value.status == 405


# ---------------------------------------------------------------- OKD sample (Done-when list)


@pytest.fixture(params=["per-object", "must-gather"], scope="module")
def okd(request):
    if not OKD.is_dir():
        pytest.skip("../shared/samples not present")
    return request.getfixturevalue("okd_server" if request.param == "per-object" else "okd_mg_server")


@needs_samples
def test_okd_get_pods_all(okd):
    out = okd.kubectl("get", "pods", "-A", "--no-headers").stdout
    assert len(out.strip().splitlines()) == 242
    out = okd.kubectl("get", "pods", "-A", "-o", "name").stdout
    assert len(out.split()) == 242 and out.startswith("pod/")


@needs_samples
def test_okd_nodes_co_ns(okd):
    assert len(okd.kubectl("get", "nodes", "--no-headers").stdout.strip().splitlines()) == 6
    co = okd.kubectl("get", "co").stdout
    assert len(co.strip().splitlines()) == 34
    assert okd.kubectl("get", "clusteroperators.config.openshift.io", "etcd", "-o", "name").stdout.strip() == \
        "clusteroperator.config.openshift.io/etcd"
    ns = okd.kubectl("get", "ns", "--no-headers").stdout.strip().splitlines()
    assert len(ns) == 51


@needs_samples
def test_okd_get_all(okd):
    out = okd.kubectl("get", "all", "-n", "openshift-etcd").stdout
    assert "pod/" in out and "service/" in out


@needs_samples
def test_okd_output_formats(okd):
    doc = yaml.safe_load(okd.kubectl("get", "deploy", "-n", "openshift-etcd-operator", "-o", "yaml").stdout)
    assert doc["kind"] == "List" and doc["items"]
    j = json.loads(okd.kubectl("get", "nodes", "-o", "json").stdout)
    assert len(j["items"]) == 6


@needs_samples
def test_okd_label_selectors(okd):
    pods = json.loads(okd.kubectl("get", "pods", "-A", "-o", "json").stdout)["items"]

    def labels(p):
        return p["metadata"].get("labels") or {}

    want = sorted(p["metadata"]["name"] for p in pods if labels(p).get("app") in ("etcd", "guard"))
    got = okd.kubectl("get", "pods", "-A", "-l", "app in (etcd,guard)", "-o", "name").stdout.split()
    assert sorted(n.split("/", 1)[1] for n in got) == want and want
    want = sorted(p["metadata"]["name"] for p in pods if "app" not in labels(p))
    got = okd.kubectl("get", "pods", "-A", "-l", "!app", "-o", "name").stdout.split()
    assert sorted(n.split("/", 1)[1] for n in got) == want
    want = sorted(p["metadata"]["name"] for p in pods if labels(p).get("app") != "etcd")
    got = okd.kubectl("get", "pods", "-A", "-l", "app notin (etcd)", "-o", "name").stdout.split()
    assert sorted(n.split("/", 1)[1] for n in got) == want


@needs_samples
def test_okd_field_selectors(okd):
    pods = json.loads(okd.kubectl("get", "pods", "-A", "-o", "json").stdout)["items"]
    running = [p for p in pods if p["status"].get("phase") == "Running"]
    got = okd.kubectl("get", "pods", "-A", "--field-selector", "status.phase=Running", "-o", "name").stdout.split()
    assert len(got) == len(running)
    got = okd.kubectl("get", "pods", "-A", "--field-selector", "status.phase!=Running", "-o", "name").stdout.split()
    assert len(got) == len(pods) - len(running)
    node = pods[0]["spec"]["nodeName"]
    on_node = [p for p in pods if p["spec"].get("nodeName") == node]
    got = okd.kubectl("get", "pods", "-A", "--field-selector", f"spec.nodeName={node}", "-o", "name").stdout.split()
    assert len(got) == len(on_node)
    r = okd.kubectl("get", "pods", "-A", "--field-selector", "spec.nope=1", check=False)
    assert r.returncode != 0 and "field label not supported" in r.stderr


@needs_samples
def test_okd_chunking(okd):
    out = okd.kubectl("get", "pods", "-A", "--chunk-size=7", "--no-headers").stdout
    assert len(out.strip().splitlines()) == 242
    code, body, _ = okd.get("/api/v1/pods?limit=100")
    assert len(body["items"]) == 100 and body["metadata"]["remainingItemCount"] == 142
    code, body2, _ = okd.get("/api/v1/pods?limit=100&continue=" + body["metadata"]["continue"])
    assert body2["items"][0]["metadata"]["name"] != body["items"][-1]["metadata"]["name"]
    code, body3, _ = okd.get("/api/v1/pods?limit=100&continue=garbage")
    assert code == 410 and body3["reason"] == "Expired"


@needs_samples
def test_okd_missing_and_delete(okd):
    r = okd.kubectl("get", "pod", "nope", "-n", "openshift-etcd", check=False)
    assert 'pods "nope" not found' in r.stderr
    r = okd.kubectl("delete", "pod", "--all", "-n", "openshift-etcd", check=False, timeout=20)
    assert r.returncode != 0


@needs_samples
def test_okd_python_client(okd):
    from kubernetes import client, config, dynamic

    api_client = config.new_client_from_config(str(okd.kubeconfig))
    v1 = client.CoreV1Api(api_client)
    assert len(v1.list_pod_for_all_namespaces().items) == 242
    dyn = dynamic.DynamicClient(api_client)
    co = dyn.resources.get(api_version="config.openshift.io/v1", kind="ClusterOperator").get()
    assert len(co.items) == 33
    ev = dyn.resources.get(api_version="events.k8s.io/v1", kind="Event").get(namespace="openshift-etcd")
    assert ev.items


@needs_samples
def test_okd_byte_faithful(okd_server):
    """Every archived object is served exactly as archived (YAML -> JSON)."""
    from staticapi.source.parse import reference_load

    checked = 0
    for path in sorted(OKD.rglob("*.yaml")):
        obj = reference_load(path.read_bytes())[0]
        rel = path.relative_to(OKD).parts
        group = obj["apiVersion"].rpartition("/")[0] if "/" in obj["apiVersion"] else ""
        version = obj["apiVersion"].rpartition("/")[2]
        base = f"/apis/{group}/{version}" if group else "/api/v1"
        plural = rel[-2]
        ns = obj["metadata"].get("namespace")
        url = f"{base}/namespaces/{ns}/{plural}/{obj['metadata']['name']}" if ns else \
            f"{base}/{plural}/{obj['metadata']['name']}"
        if checked % 7 == 0 or plural not in ("events",):
            code, body, _ = okd_server.get(url)
            assert code == 200, url
            assert body == obj, url
        checked += 1
    assert checked == 6880


def test_generic_list_items_without_kind_take_it_from_the_path(fixture_server):
    """fixtures' demo-apps/core/serviceaccounts.yaml is a `kind: List` whose items have no kind/apiVersion."""
    out = fixture_server.kubectl("get", "serviceaccounts", "-n", "demo-apps", "-o", "name").stdout.split()
    assert {"serviceaccount/builder", "serviceaccount/default", "serviceaccount/deployer"} <= set(out)
    code, body, _ = fixture_server.get("/api/v1/namespaces/demo-apps/serviceaccounts/builder")
    assert code == 200 and body["kind"] == "ServiceAccount" and body["apiVersion"] == "v1"
    code, skipped, _ = fixture_server.get("/staticapi/v1/skipped")
    assert not any("serviceaccounts.yaml" in i["path"] for i in skipped["items"])
