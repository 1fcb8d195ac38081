"""The same kubectl commands with kubectl v1.24, v1.33 and v1.37 (the newest on PyPI).

v1.24 reads ``/openapi/v2`` (protobuf) for ``explain``, v1.33 and v1.37 read ``/openapi/v3``;
v1.24 has ``kubectl alpha events`` where the later ones have ``kubectl events``. Each binary
comes from ``scripts/get-kubectl <version>``; a version that cannot be fetched (no network,
no pip) is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO

VERSIONS = ["1.24", "1.33", "1.37"]
POD = "demo-apps"


@pytest.fixture(scope="session", params=VERSIONS)
def kubectl_version(request) -> tuple[str, str]:
    v = request.param
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "get-kubectl"), v], capture_output=True, text=True,
                       timeout=900)
    if r.returncode != 0:
        pytest.skip(f"kubectl v{v} could not be fetched by scripts/get-kubectl: {r.stderr.strip()[-300:]}")
    return v, r.stdout.strip().splitlines()[-1]


def run(srv, kbin: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(srv.home), KUBECACHEDIR=str(srv.home / f"kcache-{os.path.basename(kbin)}"))
    r = subprocess.run([kbin, "--kubeconfig", str(srv.kubeconfig), *args], capture_output=True, text=True,
                       timeout=120, env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)} failed ({r.returncode}):\n{r.stderr}\n{r.stdout}")
    return r


def test_version(fixture_server, kubectl_version):
    v, kbin = kubectl_version
    out = json.loads(run(fixture_server, kbin, "version", "-o", "json").stdout)
    assert f"{out['clientVersion']['major']}.{out['clientVersion']['minor']}" == v
    assert out["serverVersion"]["gitVersion"].startswith("v1.")


def test_get_and_describe(fixture_server, kubectl_version):
    _, kbin = kubectl_version
    pods = json.loads(run(fixture_server, kbin, "get", "pods", "-A", "-o", "json").stdout)["items"]
    assert len(pods) > 20
    table = run(fixture_server, kbin, "get", "pods", "-n", POD).stdout
    assert table.startswith("NAME") and "CrashLoopBackOff" in table and "Running" in table
    name = next(p["metadata"]["name"] for p in pods if p["metadata"]["namespace"] == POD)
    desc = run(fixture_server, kbin, "describe", "pod", "-n", POD, name).stdout
    assert "Name:" in desc and name in desc and "Events:" in desc
    nodes = run(fixture_server, kbin, "get", "nodes").stdout
    assert "NotReady" in nodes and "SchedulingDisabled" in nodes


def test_logs(fixture_server, kubectl_version):
    _, kbin = kubectl_version
    pods = json.loads(run(fixture_server, kbin, "get", "pods", "-n", POD, "-o", "json").stdout)["items"]
    running = next(p for p in pods if p["status"].get("phase") == "Running"
                   and len(p["spec"]["containers"]) == 1)
    out = run(fixture_server, kbin, "logs", "-n", POD, running["metadata"]["name"], "--tail=3").stdout
    assert len(out.splitlines()) == 3


def test_events(fixture_server, kubectl_version):
    v, kbin = kubectl_version
    out = run(fixture_server, kbin, "get", "events", "-n", POD).stdout
    assert "FailedScheduling" in out
    events_cmd = ["alpha", "events"] if v == "1.24" else ["events"]
    out = run(fixture_server, kbin, *events_cmd, "-n", POD).stdout
    assert out.startswith("LAST SEEN") and "FailedScheduling" in out


def test_explain(fixture_server, kubectl_version):
    _, kbin = kubectl_version
    out = run(fixture_server, kbin, "explain", "deployment.spec.replicas").stdout
    assert "Deployment" in out and "replicas" in out and "<integer>" in out
    out = run(fixture_server, kbin, "explain", "pods.spec.containers.resources").stdout
    assert "limits" in out and "requests" in out
    out = run(fixture_server, kbin, "explain", "widgets").stdout  # a CRD of the archive
    assert "Widget" in out and "example.com" in out


def test_api_resources(fixture_server, kubectl_version):
    _, kbin = kubectl_version
    out = run(fixture_server, kbin, "api-resources").stdout
    assert "deployments" in out and "clusteroperators" in out and "widgets" in out


def test_auth_can_i(fixture_server, kubectl_version):
    _, kbin = kubectl_version
    assert run(fixture_server, kbin, "auth", "can-i", "get", "pods", "-A").stdout.strip() == "yes"
    r = run(fixture_server, kbin, "auth", "can-i", "delete", "pods", "-n", POD, check=False)
    assert r.returncode == 1 and r.stdout.startswith("no")


def test_node_logs(fixture_server, kubectl_version):
    _, kbin = kubectl_version
    out = run(fixture_server, kbin, "get", "--raw",
              "/api/v1/nodes/ip-10-0-17-148.us-east-2.compute.internal/proxy/logs/?query=kubelet&tailLines=20").stdout
    lines = [ln for ln in out.splitlines() if not ln.startswith(" ")]
    assert len(lines) == 20 and all(" ip-10-0-17-148 " in ln for ln in lines)
