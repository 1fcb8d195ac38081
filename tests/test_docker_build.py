"""The image's Python part, built and run the way the Dockerfile does it (issue 19, item 6).

No container runtime can run on the CI machines, so this follows the Dockerfile step by step
without one: a build dir holding only what the Dockerfile COPYs into it (honouring
.dockerignore), the Dockerfile's own RUN line (`pip install --no-cache-dir . && rm -rf /build`)
in a fresh virtualenv with the Dockerfile's ENV, then the installed entry point (ENTRYPOINT +
CMD, no SOURCE: the demo must-gather from the package) with the runtime ENV as the non-root
USER, the cache dir prepared like the Dockerfile's RUN (owner 10001, group 0, mode 0775).
Checked: /readyz, the HEALTHCHECK command itself, and kubectl against the kubeconfig it wrote.

Two things differ from `docker run`, on purpose: paths under /build and /var/cache/staticapi are
temporary directories here, and the port is a free one instead of 8080 (8080 is replaced in
ENTRYPOINT and in the HEALTHCHECK command alike), because engineers share this machine.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from test_deploy import (
    REPO,
    dockerfile,
    dockerignore_patterns,
    dockerignored,
    env_pairs,
    exec_form,
    healthcheck_cmd,
    instructions,
)

pytestmark = pytest.mark.e2e

BUILD = "/build"
CACHE = "/var/cache/staticapi"


def _pip_run():
    (run,) = [i for i in instructions("RUN") if "pip install" in i.args]
    return run


def copy_build_context(build: Path) -> list[str]:
    """What the Dockerfile COPYs into the build dir before `pip install`, with COPY's rules: a
    directory's contents go to the destination, a file goes into a destination ending in `/`."""
    run = _pip_run()
    pats = dockerignore_patterns()
    copied = []
    for i in dockerfile():
        if i is run:
            break
        if i.op != "COPY":
            continue
        *srcs, dest = [w for w in shlex.split(i.args) if not w.startswith("--")]
        dest_abs = os.path.normpath(dest if dest.startswith("/") else os.path.join(i.workdir, dest))
        assert dest_abs == BUILD or dest_abs.startswith(BUILD + "/"), f"COPY outside the build dir: {i.args}"
        target = build / os.path.relpath(dest_abs, BUILD)
        for s in srcs:
            src = REPO / s.rstrip("/")
            if src.is_dir():
                for dirpath, _dirnames, filenames in os.walk(src):
                    for name in filenames:
                        p = Path(dirpath, name)
                        rel = str(p.relative_to(REPO))
                        if dockerignored(rel, pats):
                            continue
                        out = target / p.relative_to(src)
                        out.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(p, out)
                        copied.append(rel)
            else:
                out = target / src.name if dest.endswith("/") or len(srcs) > 1 else target
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, out)
                copied.append(s)
    return copied


def env_at(stop) -> dict[str, str]:
    """The ENV in effect at the instruction `stop` (None: the final image)."""
    env: dict[str, str] = {}
    for i in dockerfile():
        if i is stop:
            break
        if i.op == "ENV":
            env.update(env_pairs(i.args))
    return env


def _as_user(uid: int) -> list[str]:
    if os.geteuid() != 0:
        return []  # already not root
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]


def _python_for(uid: int) -> str:
    """A Python 3.11 that `uid` may run (the image's is python:3.11): pyenv's under /root is not."""
    for cand in ("/usr/local/bin/python3.11", "/usr/bin/python3.11", sys.executable):
        if os.path.exists(cand) and subprocess.run(_as_user(uid) + [cand, "-c", "import venv"],
                                                   capture_output=True, timeout=30).returncode == 0:
            return cand
    pytest.skip(f"no Python 3.11 that uid {uid} can run")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _uid() -> int:
    (user,) = [i.args for i in instructions("USER")]
    return int(user.split(":")[0])


def test_image_python_part_builds_and_serves_the_demo(kubectl_bin, tmp_path):
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("setpriv not installed")
    uid = _uid()
    assert uid != 0
    top = Path(tempfile.mkdtemp(prefix="staticapi-image-"))  # not under pytest's 0700 tmp: uid must read it
    proc = None
    try:
        top.chmod(0o755)
        build, venv, cache = top / "build", top / "venv", top / "cache"
        build.mkdir()
        copied = copy_build_context(build)
        assert "setup.py" in copied and any(c.startswith("fixtures/must-gather/") for c in copied)
        assert not any(c.startswith(("tests/", ".git/", ".venv/")) for c in copied)

        # the Dockerfile's RUN, with its ENV, the venv's pip first on PATH
        py = _python_for(uid)
        subprocess.run([py, "-m", "venv", str(venv)], check=True, timeout=120)
        run = _pip_run()
        cmd = run.args.replace(BUILD, str(build))
        env = dict(os.environ, **env_at(run), PATH=f"{venv / 'bin'}:{os.environ['PATH']}")
        env.pop("STATICAPI_FIXTURE", None)
        r = subprocess.run(["bash", "-ec", cmd], cwd=build, env=env, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stderr[-3000:]
        assert not build.exists(), "the RUN line removes the build dir"
        (site,) = venv.glob("lib/python3*/site-packages")
        demo = site / "staticapi" / "data" / "demo" / "must-gather"
        assert (demo / "timestamp").is_file(), "the demo must-gather is not in the installed package"

        # the cache dir as the Dockerfile prepares it
        cache.mkdir()
        if os.geteuid() == 0:
            os.chown(cache, uid, 0)
        cache.chmod(0o775)

        port = _free_port()
        entry = [w.replace("8080", str(port)) for w in exec_form(instructions("ENTRYPOINT")[-1].args)]
        entry += exec_form(instructions("CMD")[-1].args)
        assert entry[0] == "staticapi"
        entry[0] = str(venv / "bin" / "staticapi")
        token = "secret-for-the-image-test"
        runtime = {k: v.replace(CACHE, str(cache)) for k, v in env_at(None).items()}
        assert "STATICAPI_FIXTURE" not in runtime
        renv = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "STATICAPI_TOKEN": token, **runtime}
        proc = subprocess.Popen(_as_user(uid) + entry, cwd=cache, env=renv, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(ln.startswith("ready: ") for ln in lines):
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
        out = "\n".join(lines)
        assert any(ln.startswith("ready: ") for ln in lines), out
        assert f"<- {demo}" in out, out  # no SOURCE: the packaged demo
        assert f"at https://127.0.0.1:{port}" in out, out  # a token: HTTPS
        assert "WARNING" not in out, out
        with open(f"/proc/{proc.pid}/status") as f:
            status = f.read()
        assert re.search(rf"^Uid:\s+{uid}\s", status, re.M), status

        # /readyz answers without the token
        ctx = ssl._create_unverified_context()
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/readyz", timeout=10, context=ctx) as resp:
            assert resp.status == 200
        # the HEALTHCHECK command, as the image runs it (its `python` is the image's interpreter)
        _, hc = healthcheck_cmd()
        assert hc[0] == "python"
        hc = [str(venv / "bin" / "python")] + [w.replace("8080", str(port)) for w in hc[1:]]
        h = subprocess.run(_as_user(uid) + hc, env=renv, cwd=cache, capture_output=True, text=True, timeout=30)
        assert h.returncode == 0, h.stderr
        # ... and it fails when nothing answers
        dead = [w.replace(str(port), str(_free_port())) for w in hc]
        assert subprocess.run(_as_user(uid) + dead, env=renv, capture_output=True, timeout=30).returncode != 0

        # kubectl with the kubeconfig the server wrote (CA and token in it)
        kc = re.search(r"^kubeconfig: (\S+)$", out, re.M).group(1)  # type: ignore[union-attr]
        assert kc.startswith(str(cache))
        k = subprocess.run([kubectl_bin, "--kubeconfig", kc, "get", "namespaces", "-o", "name"],
                           capture_output=True, text=True, timeout=60, env=dict(os.environ, HOME=str(top)))
        assert k.returncode == 0, k.stderr
        assert "namespace/openshift-etcd" in k.stdout.split(), k.stdout
        k = subprocess.run([kubectl_bin, "--kubeconfig", kc, "delete", "namespace", "openshift-etcd"],
                           capture_output=True, text=True, timeout=60, env=dict(os.environ, HOME=str(top)))
        assert k.returncode != 0 and ("MethodNotAllowed" in k.stderr or "not allowed" in k.stderr.lower()), k.stderr
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(top, ignore_errors=True)
