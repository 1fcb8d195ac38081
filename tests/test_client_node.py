"""The official JavaScript client, @kubernetes/client-node 1.4, with the default kubeconfig (issue 19, item 5).

client-node refuses a plain-HTTP cluster unless it is marked `insecure-skip-tls-verify: true`
(src/config.ts KubeConfig.createAgent: "HTTP protocol is not allowed when skipTLSVerify is not set
or false"), so the kubeconfig marks http:// clusters that way; kubectl and the Python client ignore
the flag over plain HTTP. This installs the client with npm (into .cache/, once) and runs
tests/client_node_check.mjs against a served copy of the demo must-gather: list, get, logs, a
custom resource list, an informer that hears of a pod moved into the tree, and 405 on delete.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE, REPO, start_server

pytestmark = pytest.mark.e2e

CLIENT_NODE = "@kubernetes/client-node@~1.4.0"
SCRIPT = Path(__file__).with_name("client_node_check.mjs")


@pytest.fixture(scope="session")
def client_node() -> Path:
    """dist/index.js of client-node 1.4, installed with npm into .cache/ (or $STATICAPI_NODE_CLIENT_DIR)."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are not installed")
    d = Path(os.environ.get("STATICAPI_NODE_CLIENT_DIR") or REPO / ".cache" / "client-node-1.4")
    pkg = d / "node_modules" / "@kubernetes" / "client-node"
    try:
        version = json.loads((pkg / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        version = ""
    if not version.startswith("1.4."):
        d.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(["npm", "install", "--prefix", str(d), "--no-audit", "--no-fund", "--no-save",
                            CLIENT_NODE], capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"npm install {CLIENT_NODE} failed:\n{r.stderr[-2000:]}"
        version = json.loads((pkg / "package.json").read_text())["version"]
    assert version.startswith("1.4."), version
    return pkg / json.loads((pkg / "package.json").read_text())["main"]


def test_default_kubeconfig_marks_plain_http_clusters(tmp_path):
    srv = start_server([str(FIXTURE)], tmp_path / "srv", extra=["--no-reload"], wait_ready=False)
    try:
        kc = yaml.safe_load(srv.kubeconfig.read_text())
    finally:
        srv.stop()
    assert srv.url.startswith("http://")
    for c in kc["clusters"]:
        assert c["cluster"]["server"].startswith("http://")
        assert c["cluster"]["insecure-skip-tls-verify"] is True
        assert "certificate-authority-data" not in c["cluster"]


def test_https_kubeconfig_keeps_the_ca(tmp_path):
    srv = start_server([str(FIXTURE)], tmp_path / "srv", extra=["--no-reload", "--tls"], wait_ready=False)
    try:
        kc = yaml.safe_load(srv.kubeconfig.read_text())
    finally:
        srv.stop()
    for c in kc["clusters"]:
        assert c["cluster"]["server"].startswith("https://")
        assert "insecure-skip-tls-verify" not in c["cluster"] and c["cluster"]["certificate-authority-data"]


def _pod_dir(root: Path, ns: str) -> Path:
    (d,) = [p for p in root.rglob(f"namespaces/{ns}/pods") if p.is_dir()]
    return d


def test_client_node_list_get_logs_informer_and_405(client_node, kubectl_bin, tmp_path):
    mg = tmp_path / "mg"
    shutil.copytree(FIXTURE, mg, symlinks=True)
    srv = start_server([str(mg)], tmp_path / "srv", kubectl_bin)
    proc = None
    try:
        ns = "demo-apps"
        _, body, _ = srv.get(f"/api/v1/namespaces/{ns}/pods")
        names = [i["metadata"]["name"] for i in body["items"]]
        (pod,) = [i for i in body["items"] if i["metadata"]["name"] == names[0]]
        container = pod["spec"]["containers"][0]["name"]
        _, want_log, _ = srv.get(f"/api/v1/namespaces/{ns}/pods/{names[0]}/log?container={container}&tailLines=3")
        assert isinstance(want_log, str) and want_log
        _, cos, _ = srv.get("/apis/config.openshift.io/v1/clusteroperators")
        new = "client-node-new-pod"

        env = dict(os.environ, KUBECONFIG=str(srv.kubeconfig), CLIENT_NODE_MODULE=str(client_node),
                   HOME=str(tmp_path))
        proc = subprocess.Popen(["node", str(SCRIPT), ns, names[0], container, new], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout] + [lines.put(None)], daemon=True).start()
        steps: dict[str, dict] = {}
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            step = json.loads(line)
            steps[step["step"]] = step
            if step["step"] == "informer-started":
                # a pod delivered the way tar/rsync deliver it: written elsewhere, moved into the tree
                pods = _pod_dir(mg, ns)
                staged = tmp_path / "staged" / new
                staged.mkdir(parents=True)
                obj = dict(pod, metadata=dict(pod["metadata"], name=new, uid="c11e0000-0000-4000-8000-000000000001"))
                obj["metadata"].pop("resourceVersion", None)
                (staged / f"{new}.yaml").write_text(yaml.safe_dump(obj))
                staged.rename(pods / new)
        proc.wait(timeout=30)
        err = proc.stderr.read()
        assert "delete" in steps, f"the script stopped early: {steps}\n{err}"
        assert "HTTP protocol is not allowed" not in err
        assert steps["list"]["names"] == names
        assert steps["list"]["rv"] == body["metadata"]["resourceVersion"]
        assert steps["get"]["name"] == names[0] and steps["get"]["uid"] == pod["metadata"]["uid"]
        assert steps["get"]["phase"] == pod["status"]["phase"]
        assert steps["get"]["created"].replace(".000Z", "Z") == pod["metadata"]["creationTimestamp"]
        assert steps["logs"]["text"] == want_log
        assert steps["custom"]["names"] == [i["metadata"]["name"] for i in cos["items"]] and cos["items"]
        assert steps["informer-started"]["cached"] == sorted(names)
        assert steps["informer"]["errors"] == []
        assert new in steps["informer"]["added"] and new in steps["informer"]["cached"], steps["informer"]
        assert set(names) <= set(steps["informer"]["added"])
        assert steps["delete"]["code"] == 405, steps["delete"]
        assert steps["delete"]["body"]["reason"] == "MethodNotAllowed"

        # the same kubeconfig still works for kubectl and the Python client
        assert srv.kubectl("get", "pod", new, "-n", ns, "-o", "name").stdout == f"pod/{new}\n"
        from kubernetes import client as kclient
        from kubernetes import config as kconfig

        api = kclient.CoreV1Api(kconfig.new_client_from_config(config_file=str(srv.kubeconfig)))
        assert new in [p.metadata.name for p in api.list_namespaced_pod(ns).items]
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        srv.stop()
