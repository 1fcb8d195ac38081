"""Access control: token, TLS with a generated CA, hidden Secret data, refused writes."""

from __future__ import annotations

import json
import ssl
import urllib.request

import pytest

from conftest import FIXTURE, start_server

pytestmark = pytest.mark.e2e


def _status(url: str, token: str | None = None, method: str = "GET", ctx=None) -> int:
    req = urllib.request.Request(url, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if ctx is None and url.startswith("https://"):
        ctx = ssl._create_unverified_context()
    try:
        with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
            return r.status
    except urllib.error.HTTPError as e:
        body = json.loads(e.read())
        assert body["kind"] == "Status" and body["code"] == e.code
        return e.code


def test_token_required(kubectl_bin, tmp_path):
    """A token implies HTTPS: kubectl only sends kubeconfig credentials over TLS
    (client-go clientcmd client_config.go, IsConfigTransportTLS)."""
    srv = start_server([str(FIXTURE)], tmp_path, kubectl_bin, extra=["--token", "s3cret"])
    try:
        assert srv.url.startswith("https://")
        assert _status(srv.url + "/api/v1/pods") == 401
        assert _status(srv.url + "/api/v1/pods", token="wrong") == 401
        assert _status(srv.url + "/api/v1/pods", token="s3cret") == 200
        assert _status(srv.url + "/livez") == 200  # probes stay open
        out = srv.kubectl("get", "ns", "-o", "name").stdout  # the kubeconfig carries the token
        assert "namespace/" in out
    finally:
        srv.stop()


def test_tls_generated_ca_verified_by_kubectl(kubectl_bin, tmp_path):
    srv = start_server([str(FIXTURE)], tmp_path, kubectl_bin, extra=["--tls", "--hide-secret-data"])
    try:
        assert srv.url.startswith("https://")
        out = srv.kubectl("get", "secrets", "-A", "-o", "json").stdout
        items = json.loads(out)["items"]
        assert items and all("data" not in s and "stringData" not in s for s in items)
        # without the CA a verifying client refuses the certificate
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(srv.url + "/livez", timeout=10)
        ctx = ssl._create_unverified_context()
        assert _status(srv.url + "/livez", ctx=ctx) == 200
    finally:
        srv.stop()


def test_non_loopback_bind_needs_token(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "staticapi.cli", "serve", str(FIXTURE), "--host", "0.0.0.0",
                        "--port", "0", "--cache-dir", str(tmp_path)], capture_output=True, text=True, timeout=60,
                       env={k: v for k, v in __import__("os").environ.items() if not k.startswith("STATICAPI_")})
    assert r.returncode == 2 and "--token" in r.stderr


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", [
    "/api/v1/namespaces/default/pods",
    "/api/v1/namespaces/default/pods/x",
    "/api/v1/namespaces/default/pods/x/status",
    "/api/v1/namespaces/default/pods/x/eviction",
    "/api/v1/namespaces/default/pods/x/exec",
    "/api/v1/namespaces/default/pods/x/attach",
    "/api/v1/namespaces/default/pods/x/portforward",
    "/api/v1/namespaces/default/pods/x/proxy",
    "/apis/apps/v1/namespaces/default/deployments/x/scale",
    "/api/v1/namespaces/default",
    "/version",
    "/apis",
    "/no/such/path",
])
def test_every_write_refused(fixture_server, method, path):
    assert _status(fixture_server.url + path, method=method) == 405
