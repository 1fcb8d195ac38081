"""Shared fixtures: the real kubectl binary and live `staticapi serve` processes.

End-to-end tests start the real CLI in a subprocess (port 0, a private cache
dir and kubeconfig) and drive it with the real kubectl v1.33 and the Python
`kubernetes` client: a unit test of our own JSON is not proof that kubectl
works.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
REFERENCE = REPO.parent / "shared" / "reference"
FIXTURE = REPO / "fixtures" / "must-gather"
OKD = SAMPLES / "resourcewatch-okd-3nodes"
OKD_SNO = SAMPLES / "resourcewatch-okd-sno"
MG48 = SAMPLES / "must-gather-clean-release-4.8" / "release-4.8"

# Servers started with --tls/--token use a generated CA; tests reach them without verifying
# (kubectl verifies with the CA from the kubeconfig).
_UNVERIFIED = ssl._create_unverified_context()

def load_generator():
    """scripts/gen_mustgather.py as a module (the fixture's generator; its constants name the files
    it plants), loaded once per test session."""
    if "gen_mustgather" not in sys.modules:
        import importlib.util

        spec = importlib.util.spec_from_file_location("gen_mustgather", REPO / "scripts" / "gen_mustgather.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["gen_mustgather"] = mod
        spec.loader.exec_module(mod)
    return sys.modules["gen_mustgather"]


needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not present")


@pytest.fixture(scope="session")
def kubectl_bin() -> str:
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "get-kubectl")], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, f"scripts/get-kubectl failed: {out.stderr}"
    path = out.stdout.strip().splitlines()[-1]
    assert os.access(path, os.X_OK), path
    return path


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    kubeconfig: Path
    kubectl_path: str | None
    home: Path
    output: list[str]

    def kubectl(self, *args: str, check: bool = True, timeout: float = 60, context: str | None = None,
                input: str | None = None) -> subprocess.CompletedProcess:
        assert self.kubectl_path, "kubectl fixture not requested"
        cmd = [self.kubectl_path, "--kubeconfig", str(self.kubeconfig)]
        if context:
            cmd += ["--context", context]
        env = dict(os.environ, HOME=str(self.home), KUBECACHEDIR=str(self.home / "kcache"))
        r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout, env=env, input=input)
        if check and r.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({r.returncode}):\n{r.stderr}\n{r.stdout}")
        return r

    def get(self, path: str, accept: str | None = None) -> tuple[int, dict | str, dict]:
        req = urllib.request.Request(self.url + path)
        if accept:
            req.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(req, timeout=30, context=_UNVERIFIED) as resp:
                body = resp.read()
                status, headers = resp.status, dict(resp.headers)
        except urllib.error.HTTPError as e:
            body, status, headers = e.read(), e.code, dict(e.headers)
        try:
            return status, json.loads(body), headers
        except ValueError:
            return status, body.decode(errors="replace"), headers

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start_server(sources: list[str], tmp: Path, kubectl_path: str | None = None, extra: list[str] | None = None,
                 env: dict | None = None, wait_ready: bool = True, timeout: float = 300) -> Server:
    tmp.mkdir(parents=True, exist_ok=True)
    kc = tmp / "kubeconfig"
    cmd = [sys.executable, "-m", "staticapi.cli", "serve", *sources, "--port", "0", "--kubeconfig", str(kc),
           "--cache-dir", str(tmp / "cache"), *(extra or [])]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, **(env or {})))
    lines: list[str] = []
    url = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"serving .* at (https?://\S+)", line)
        if m:
            url = m.group(1)
        if line.startswith("export KUBECONFIG="):
            break
    if url is None:
        proc.kill()
        raise AssertionError("server did not start:\n" + "".join(lines) + (proc.stdout.read() or ""))
    # keep draining output so the pipe never blocks the server
    import threading

    def drain():
        for line in proc.stdout:
            lines.append(line)

    threading.Thread(target=drain, daemon=True).start()
    srv = Server(proc, url, kc, kubectl_path, tmp, lines)
    if wait_ready:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/readyz", timeout=5, context=_UNVERIFIED) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None:
                raise AssertionError("server exited:\n" + "".join(lines))
            time.sleep(0.1)
        else:
            srv.stop()
            raise AssertionError("server not ready:\n" + "".join(lines))
    return srv


@pytest.fixture(scope="session")
def fixture_server(kubectl_bin, tmp_path_factory):
    srv = start_server([str(FIXTURE)], tmp_path_factory.mktemp("fixture-server"), kubectl_bin)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def okd_server(kubectl_bin, tmp_path_factory):
    if not OKD.is_dir():
        pytest.skip("../shared/samples not present")
    srv = start_server([str(OKD)], tmp_path_factory.mktemp("okd-server"), kubectl_bin)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def okd_relayout(tmp_path_factory) -> Path:
    if not OKD.is_dir():
        pytest.skip("../shared/samples not present")
    sys.path.insert(0, str(REPO / "scripts"))
    from relayout_mustgather import relayout

    out = tmp_path_factory.mktemp("okd-mg") / "must-gather"
    relayout(OKD, out, "2023-03-08 12:10:00.000000000 +0000 UTC m=+0.000000001")
    return out


@pytest.fixture(scope="session")
def okd_mg_server(kubectl_bin, okd_relayout, tmp_path_factory):
    srv = start_server([str(okd_relayout)], tmp_path_factory.mktemp("okd-mg-server"), kubectl_bin)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def mg48_server(kubectl_bin, tmp_path_factory):
    if not MG48.is_dir():
        pytest.skip("../shared/samples not present")
    srv = start_server([str(MG48)], tmp_path_factory.mktemp("mg48-server"), kubectl_bin)
    yield srv
    srv.stop()


def copytree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst
