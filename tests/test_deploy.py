"""The container image and the Kubernetes manifests agree with the code they run.

Why this exists: nothing here can be built or applied on the test machine (no
Docker engine, no cluster), so a typo in the Dockerfile or in deploy/*.yaml
would only show up when someone deploys. These tests read the Dockerfile and
the manifests as data and check them against what they depend on:

* the Dockerfile installs the project itself (`pip install .`), so every
  runtime dependency comes from pyproject.toml and no second list can drift;
* every flag the image and the manifests pass exists in `staticapi serve
  --help`, and every STATICAPI_* variable they set is read by the code;
* the CLI refuses a non-loopback bind without a token (one line, non-zero) and
  starts with STATICAPI_INSECURE_NO_AUTH=1; probes and the HEALTHCHECK reach
  /livez and /readyz without the token;
* every manifest object validates against the Kubernetes 1.33 OpenAPI v3
  schemas packaged in src/staticapi/data/openapi-v3 (unknown fields, wrong
  types, missing required fields, malformed quantities are errors), and ports,
  probe paths and labels agree between Deployment/Job, Service and Dockerfile.

The validator is a small structural checker written for this test. It reports
what `kubectl apply` (whose default `--validate=strict` asks the apiserver for
`fieldValidation=Strict`) and kubernetes-sigs/kubectl-validate (where the
packaged OpenAPI documents come from) would report structurally: unknown fields
after `$ref`/`allOf` resolution, JSON types, int32/int64 ranges, `required`,
`oneOf` (IntOrString, Quantity), list-map key uniqueness
(`x-kubernetes-list-type: map` + `x-kubernetes-list-map-keys`), and the
resource.Quantity grammar of k8s.io/apimachinery/pkg/api/resource/quantity.go
(its doc comment, which the schema's description repeats). It does not run the
apiserver's hand-written validation (name formats, probe handler exclusivity...).
"""

from __future__ import annotations

import copy
import fnmatch
import gzip
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import tomllib
import yaml

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
DEPLOY = REPO / "deploy"
MANIFESTS = sorted(DEPLOY.glob("*.yaml"))
OPENAPI_DIR = REPO / "src" / "staticapi" / "data" / "openapi-v3"
SRC = REPO / "src" / "staticapi"

EXPECTED_ENTRYPOINT = ["staticapi", "serve", "--host", "0.0.0.0", "--port", "8080"]
PROBE_PATHS = {"readinessProbe": "/readyz", "livenessProbe": "/livez", "startupProbe": "/livez"}


# ---------------------------------------------------------------------------
# Dockerfile reading
# ---------------------------------------------------------------------------

@dataclass
class Instruction:
    op: str  # upper case
    args: str  # the rest, continuation lines joined
    workdir: str  # WORKDIR in effect when the instruction runs


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions in order: comments dropped, backslash continuations joined."""
    out: list[Instruction] = []
    workdir = "/"
    logical = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not logical and (not line or line.startswith("#")):
            continue
        if logical and line.startswith("#"):  # comment lines inside a continuation are skipped
            continue
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        op, _, rest = logical.strip().partition(" ")
        op = op.upper()
        rest = rest.strip()
        if op == "WORKDIR":
            workdir = rest if rest.startswith("/") else os.path.join(workdir, rest)
        out.append(Instruction(op, rest, workdir))
        logical = ""
    assert not logical, "Dockerfile ends in a continuation"
    return out


def exec_form(args: str) -> list[str]:
    """The JSON (exec) form of ENTRYPOINT/CMD; the shell form is refused."""
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
    return value


def env_pairs(args: str) -> dict[str, str]:
    words = shlex.split(args)
    if len(words) >= 2 and "=" not in words[0]:  # legacy `ENV KEY value`
        return {words[0]: " ".join(words[1:])}
    return dict(w.split("=", 1) for w in words)


@cache
def dockerfile() -> tuple[Instruction, ...]:
    return tuple(parse_dockerfile(DOCKERFILE.read_text()))


def instructions(op: str) -> list[Instruction]:
    return [i for i in dockerfile() if i.op == op]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for i in instructions("ENV"):
        env.update(env_pairs(i.args))
    return env


def healthcheck_cmd() -> tuple[dict[str, str], list[str]]:
    (hc,) = instructions("HEALTHCHECK")
    opts: dict[str, str] = {}
    rest = hc.args
    while rest.startswith("--"):
        opt, _, rest = rest.partition(" ")
        k, _, v = opt[2:].partition("=")
        opts[k] = v
        rest = rest.strip()
    kw, _, cmd = rest.partition(" ")
    assert kw.upper() == "CMD", hc.args
    return opts, exec_form(cmd.strip())


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


def dockerignored(rel: str, patterns: list[str]) -> bool:
    """Docker's rule, enough for our patterns: a path is excluded when it or a parent matches
    (`**/` matches any number of leading directories; `!` re-includes)."""
    parts = rel.strip("/").split("/")
    excluded = False
    for pat in patterns:
        neg = pat.startswith("!")
        p = pat[1:] if neg else pat
        p = p.strip("/")
        for n in range(1, len(parts) + 1):
            cand = "/".join(parts[:n])
            hit = fnmatch.fnmatchcase(cand, p)
            if not hit and p.startswith("**/"):
                hit = any(fnmatch.fnmatchcase("/".join(parts[k:n]), p[3:]) for k in range(n))
            if hit:
                excluded = not neg
                break
    return excluded


# ---------------------------------------------------------------------------
# Dockerfile tests
# ---------------------------------------------------------------------------

def test_base_image_is_python_311_slim():
    froms = instructions("FROM")
    assert froms, "no FROM"
    assert froms[-1].args.split()[0] == "python:3.11-slim"


def test_entrypoint_and_cmd():
    (ep,) = instructions("ENTRYPOINT")
    assert exec_form(ep.args) == EXPECTED_ENTRYPOINT
    # CMD (if any) is the default SOURCE list: empty, so STATICAPI_SOURCE or the fixture applies.
    for c in instructions("CMD"):
        assert exec_form(c.args) == []


def test_runs_as_numeric_non_root_user():
    users = instructions("USER")
    assert users, "no USER: the image would run as root"
    user = users[-1].args.split(":")[0]
    assert user.isdigit(), f"USER {user!r} must be numeric so runAsNonRoot can verify it"
    assert int(user) != 0
    # The user exists in the image with that UID.
    runs = " ".join(i.args for i in instructions("RUN"))
    assert re.search(rf"useradd\b[^&;]*--uid {user}\b", runs), "USER's UID is not created with useradd --uid"


def test_exposes_8080():
    exposed = [p.split("/")[0] for i in instructions("EXPOSE") for p in i.args.split()]
    assert exposed == ["8080"]
    assert EXPECTED_ENTRYPOINT[EXPECTED_ENTRYPOINT.index("--port") + 1] == "8080"


def test_healthcheck_probes_readyz_with_urllib():
    opts, cmd = healthcheck_cmd()
    assert cmd[:2] == ["python", "-c"], "slim images have no curl: the check must use python"
    code = cmd[2]
    compile(code, "<HEALTHCHECK>", "exec")
    assert "urllib.request" in code
    assert "://127.0.0.1:8080/readyz" in code and "https" in code  # a token implies HTTPS
    for k in ("interval", "timeout", "start-period", "retries"):
        assert k in opts, f"HEALTHCHECK --{k} missing"


def test_pip_installs_the_project_itself():
    """`pip install --no-cache-dir .` from a build dir holding pyproject.toml, setup.py (the build hook
    that makes the demo must-gather package data), its readme, src/ and fixtures/must-gather: the
    runtime dependencies are exactly pyproject's [project].dependencies."""
    pip_runs = [i for i in instructions("RUN") if "pip install" in i.args]
    assert len(pip_runs) == 1, "exactly one pip install"
    run = pip_runs[0]
    commands = re.split(r"&&|;|\|\|", run.args)
    (pip_cmd,) = [c for c in commands if "pip install" in c]
    words = shlex.split(pip_cmd)
    words = words[words.index("install") + 1:]
    options = [w for w in words if w.startswith("-")]
    targets = [w for w in words if not w.startswith("-")]
    assert "--no-cache-dir" in options
    assert not any(o in ("-r", "--requirement", "-c", "--constraint") or o.startswith(("-r", "--requirement="))
                   for o in options), "no separate requirements list"
    assert targets == ["."], f"pip must install the project ('.'), not {targets}"
    assert "requirements" not in run.args

    # The build dir holds what `pip install .` needs, copied before the RUN.
    project = pyproject()["project"]
    needed = {"pyproject.toml", "setup.py", "MANIFEST.in", "src", "fixtures/must-gather"}
    if isinstance(project.get("readme"), str):
        needed.add(project["readme"])
    copied: set[str] = set()
    for i in dockerfile():
        if i is run:
            break
        if i.op == "COPY":
            words = [w for w in shlex.split(i.args) if not w.startswith("--")]
            *srcs, dest = words
            dest_abs = dest if dest.startswith("/") else os.path.join(i.workdir, dest)
            if os.path.normpath(dest_abs) == os.path.normpath(run.workdir):
                copied |= {s.rstrip("/") for s in srcs}
            elif len(srcs) == 1 and os.path.relpath(os.path.normpath(dest_abs), run.workdir) == os.path.normpath(
                    srcs[0]):
                copied.add(srcs[0].rstrip("/"))  # COPY src/ ./src/, COPY fixtures/must-gather/ ./fixtures/must-gather/
    assert needed <= copied, f"not copied into {run.workdir} before pip install: {sorted(needed - copied)}"
    for rel in needed:
        assert (REPO / rel).exists(), rel

    # Every runtime dependency comes from pyproject via the project's metadata.
    deps = project.get("dependencies", [])
    assert deps, "pyproject.toml lists no runtime dependencies"
    names = {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower().replace("_", "-") for d in deps}
    for name in names:  # none of them is installed separately (that list could drift)
        assert not re.search(rf"pip install[^&;]*\s{re.escape(name)}\b", run.args, re.I), name


def test_installed_metadata_matches_pyproject():
    """What `pip install .` records as requirements is pyproject's list (skips when not installed)."""
    from importlib import metadata

    try:
        reqs = metadata.requires("staticapi") or []
    except metadata.PackageNotFoundError:
        pytest.skip("staticapi is not pip-installed in this environment")
    from packaging.requirements import Requirement

    def norm(r: str) -> tuple[str, str, str]:
        q = Requirement(r)
        return q.name.lower().replace("_", "-"), str(q.specifier), str(q.marker or "")

    runtime = {norm(r) for r in reqs if "extra ==" not in r}
    declared = {norm(d) for d in pyproject()["project"]["dependencies"]}
    assert runtime == declared, "reinstall with `pip install -e .`: installed metadata is stale"


def test_demo_must_gather_is_package_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The demo must-gather goes into the package at build time (setup.py), so the image needs no
    copy of its own and no STATICAPI_FIXTURE; tests/test_docker_build.py builds and runs it."""
    env = dockerfile_env()
    assert "STATICAPI_FIXTURE" not in env, "the installed package carries the demo must-gather"
    for i in instructions("COPY"):
        *srcs, dest = [w for w in shlex.split(i.args) if not w.startswith("--")]
        if any(s.rstrip("/").startswith("fixtures") for s in srcs):
            dest_abs = os.path.normpath(dest if dest.startswith("/") else os.path.join(i.workdir, dest))
            assert dest_abs.startswith("/build/"), f"fixtures are copied only into the build dir: {i.args}"
    setup_py = (REPO / "setup.py").read_text()
    assert '"fixtures" / "must-gather"' in setup_py and '"data", "demo", "must-gather"' in setup_py
    assert "graft fixtures/must-gather" in (REPO / "MANIFEST.in").read_text()  # the sdist carries it too
    from staticapi import cli

    monkeypatch.delenv("STATICAPI_FIXTURE", raising=False)
    packaged = Path(cli.__file__).resolve().parent / "data" / "demo" / "must-gather"
    if packaged.is_dir():  # a non-editable install
        assert cli.bundled_fixture() == packaged
    else:  # editable: the repo's tree, read in place
        assert cli.bundled_fixture() == REPO / "fixtures" / "must-gather"
    monkeypatch.setenv("STATICAPI_FIXTURE", str(tmp_path))
    assert cli.bundled_fixture() == tmp_path


def test_bundled_fixture_is_in_the_build_context():
    """`COPY fixtures/must-gather/` fails in a fresh clone unless fixtures/must-gather is committed."""
    fixture = REPO / "fixtures" / "must-gather"
    if not fixture.is_dir():
        pytest.skip("fixtures/must-gather not generated yet: `docker build` needs it")
    assert any(fixture.iterdir())
    assert not dockerignored("fixtures/must-gather", dockerignore_patterns())


def test_cache_dir_is_a_writable_volume():
    env = dockerfile_env()
    cache = env.get("STATICAPI_CACHE_DIR")
    assert cache and cache.startswith("/")
    vols = [v for i in instructions("VOLUME") for v in
            (exec_form(i.args) if i.args.startswith("[") else i.args.split())]
    assert cache in vols
    runs = " ".join(i.args for i in instructions("RUN"))
    user = instructions("USER")[-1].args.split(":")[0]
    assert f"mkdir -p {cache}" in runs and re.search(rf"chown {user}(:\d+)? {re.escape(cache)}", runs)
    # The VOLUME comes after the directory is prepared (later changes to a volume path are discarded).
    ops = list(dockerfile())
    vol_idx = next(k for k, i in enumerate(ops) if i.op == "VOLUME")
    prep_idx = max(k for k, i in enumerate(ops) if i.op == "RUN" and cache in i.args)
    assert prep_idx < vol_idx


def test_dockerignore_keeps_junk_out_and_build_inputs_in():
    pats = dockerignore_patterns()
    for junk in (".git/HEAD", ".venv/bin/python", ".cache/staticapi/x", ".pytest_cache/v",
                 ".hypothesis/examples/x", "tests/__pycache__/x.pyc", "src/staticapi/__pycache__/cli.pyc"):
        assert dockerignored(junk, pats), junk
    for keep in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src/staticapi/cli.py",
                 "src/staticapi/data/openapi-v3/api__v1_openapi.json.gz", "fixtures/must-gather/timestamp"):
        assert not dockerignored(keep, pats), keep
    # Everything COPY'd from the context is let through.
    for i in instructions("COPY"):
        words = [w for w in shlex.split(i.args) if not w.startswith("--")]
        for s in words[:-1]:
            assert not dockerignored(s.rstrip("/"), pats), s


# ---------------------------------------------------------------------------
# CLI: flags and environment variables the image and manifests rely on
# ---------------------------------------------------------------------------

def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATICAPI_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


@cache
def serve_help() -> str:
    r = subprocess.run([sys.executable, "-m", "staticapi.cli", "serve", "--help"], capture_output=True,
                       text=True, timeout=60, env=_clean_env(), cwd=REPO)
    assert r.returncode == 0, r.stderr
    return r.stdout


def manifest_containers() -> list[tuple[str, dict]]:
    out = []
    for path, doc in manifest_docs():
        pod = pod_spec(doc)
        if pod:
            for c in pod.get("containers", []):
                out.append((f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", c))
    return out


def test_every_flag_used_exists():
    help_text = serve_help()
    known = set(re.findall(r"(--[a-z][a-z0-9-]*)", help_text))
    used: dict[str, str] = {}
    for w in EXPECTED_ENTRYPOINT:
        if w.startswith("--"):
            used[w] = "Dockerfile ENTRYPOINT"
    for i in instructions("ENTRYPOINT") + instructions("CMD"):
        for w in exec_form(i.args):
            if w.startswith("--"):
                used[w.split("=")[0]] = f"Dockerfile {i.op}"
    for where, c in manifest_containers():
        assert "command" not in c, f"{where}: keep the image's ENTRYPOINT; pass SOURCE as args"
        for w in c.get("args", []):
            if w.startswith("--"):
                used[w.split("=")[0]] = where
    missing = {f: where for f, where in used.items() if f not in known}
    assert not missing, f"flags not in `staticapi serve --help`: {missing}"
    assert {"--host", "--port", "--kubeconfig", "--cache-dir", "--token", "--insecure-no-auth"} <= known


def test_every_staticapi_env_var_is_read_by_the_code():
    code = "\n".join(p.read_text() for p in SRC.glob("*.py"))
    used: dict[str, str] = {k: "Dockerfile" for k in dockerfile_env() if k.startswith("STATICAPI_")}
    for where, c in manifest_containers():
        for e in c.get("env", []):
            if e["name"].startswith("STATICAPI_"):
                used[e["name"]] = where
    assert used
    unread = {k: w for k, w in used.items() if f'"{k}"' not in code}
    assert not unread, f"set but never read by src/staticapi: {unread}"


def _start(args: list[str], env: dict[str, str], stderr: Path) -> subprocess.Popen:
    """The CLI in its own session; stderr goes to a file so a chatty log can never fill a pipe."""
    with open(stderr, "w") as err:
        return subprocess.Popen([sys.executable, "-m", "staticapi.cli", "serve", *args], stdout=subprocess.PIPE,
                                stderr=err, text=True, env=env, cwd=REPO, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _read_until(proc: subprocess.Popen, pattern: str, timeout: float = 120,
                stderr: Path | None = None) -> list[str]:
    """stdout lines up to and including the first matching `pattern` (fails on exit or timeout)."""
    import selectors

    lines: list[str] = []
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not sel.select(timeout=1):
            if proc.poll() is not None:
                break
            continue
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if re.search(pattern, line):
            return lines
    err = stderr.read_text()[-2000:] if stderr and stderr.exists() else ""
    raise AssertionError(f"no line matching {pattern!r}; stdout={lines!r} rc={proc.poll()} stderr={err!r}")


@pytest.fixture
def tiny_mustgather(tmp_path: Path) -> Path:
    """A minimal must-gather tree (one namespace, one configmap), written for the test."""
    root = tmp_path / "mg"
    ns = root / "namespaces" / "demo"
    (ns / "core").mkdir(parents=True)
    (ns / "demo.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n  uid: 1\n"
        "  creationTimestamp: '2025-03-20T10:00:00Z'\n")
    (ns / "core" / "configmaps.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n"
        "    name: settings\n    namespace: demo\n    creationTimestamp: '2025-03-20T10:00:00Z'\n"
        "  data:\n    a: b\n")
    (root / "timestamp").write_text("2025-03-20 10:05:00.000000000 +0000 UTC m=+0.0\n")
    return root


def test_non_loopback_bind_without_token_exits_with_one_line_reason(tmp_path: Path):
    env = _clean_env(STATICAPI_CACHE_DIR=str(tmp_path / "cache"))
    r = subprocess.run([sys.executable, "-m", "staticapi.cli", "serve", "--host", "0.0.0.0", "--port", "0"],
                       capture_output=True, text=True, timeout=60, env=env, cwd=REPO)
    assert r.returncode != 0
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert "token" in lines[0] and "0.0.0.0" in lines[0]
    assert "Traceback" not in r.stderr
    assert r.stdout == ""


def test_insecure_no_auth_env_lets_it_start(tmp_path: Path, tiny_mustgather: Path):
    env = _clean_env(STATICAPI_CACHE_DIR=str(tmp_path / "cache"), STATICAPI_INSECURE_NO_AUTH="1",
                     STATICAPI_SOURCE=str(tiny_mustgather))
    proc = _start(["--host", "0.0.0.0", "--port", "0", "--no-reload"], env, tmp_path / "stderr")
    try:
        lines = _read_until(proc, r"^kubeconfig: ", stderr=tmp_path / "stderr")
        assert re.search(r"serving .* at http://127\.0\.0\.1:\d+$", lines[0]), lines
        assert str(tiny_mustgather) in "\n".join(lines), "STATICAPI_SOURCE was not used"
    finally:
        _stop(proc)
    assert "WITHOUT AUTHENTICATION" in (tmp_path / "stderr").read_text()


def test_probes_and_healthcheck_work_without_the_token(tmp_path: Path, tiny_mustgather: Path):
    """Kubelet probes and Docker's HEALTHCHECK send no Authorization header: with STATICAPI_TOKEN
    set, /livez and /readyz must still answer 200 while the API itself needs the token.
    The HEALTHCHECK command itself runs against the server."""
    token = "t0k3n-for-the-test"
    # No SOURCE: like the image without arguments, it serves the demo must-gather ($STATICAPI_FIXTURE here).
    env = _clean_env(STATICAPI_CACHE_DIR=str(tmp_path / "cache"), STATICAPI_TOKEN=token,
                     STATICAPI_FIXTURE=str(tiny_mustgather))
    proc = _start(["--port", "0", "--no-reload"], env, tmp_path / "stderr")
    try:
        lines = _read_until(proc, r"^(ready|failed): ", stderr=tmp_path / "stderr")
        assert lines[-1].startswith("ready: "), lines
        assert str(tiny_mustgather) in "\n".join(lines), "STATICAPI_FIXTURE was not served"
        base = re.search(r"at (https://\S+)$", lines[0]).group(1)  # type: ignore[union-attr]  # token => TLS
        import ssl

        unverified = ssl._create_unverified_context()
        port = base.rsplit(":", 1)[1]

        def status(path: str, auth: str | None = None) -> int:
            req = urllib.request.Request(base + path)
            if auth:
                req.add_header("Authorization", f"Bearer {auth}")
            try:
                with urllib.request.urlopen(req, timeout=10, context=unverified) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code

        for _, c in manifest_containers():
            for probe, path in PROBE_PATHS.items():
                assert status(c[probe]["httpGet"]["path"]) == 200, (probe, path)
        assert status("/api/v1/namespaces") == 401
        assert status("/api/v1/namespaces", token) == 200
        assert status("/metrics", token) == 200

        # The image's HEALTHCHECK command, pointed at this server's port.
        _, cmd = healthcheck_cmd()
        code = cmd[2].replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        henv = dict(_clean_env(), STATICAPI_TOKEN=token)
        assert subprocess.run([sys.executable, "-c", code], timeout=30, capture_output=True,
                              env=henv).returncode == 0
    finally:
        _stop(proc)
    # ... and the same check fails once nothing listens there.
    r = subprocess.run([sys.executable, "-c", code], timeout=30, capture_output=True, env=henv)
    assert r.returncode != 0


# ---------------------------------------------------------------------------
# OpenAPI v3 structural validator
# ---------------------------------------------------------------------------

REF_PREFIX = "#/components/schemas/"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# resource.Quantity's serialization grammar (quantity.go doc comment / ParseQuantity):
# <signedNumber><suffix>, suffix = binarySI | decimalSI | decimalExponent.
_QUANTITY_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")
_INT_RANGES = {"int32": (-(2 ** 31), 2 ** 31 - 1), "int64": (-(2 ** 63), 2 ** 63 - 1)}


def openapi_file(api_version: str) -> Path:
    """The packaged document of one group-version: api__v1 for core, apis__<group>__<version> otherwise."""
    if "/" in api_version:
        group, version = api_version.split("/", 1)
        return OPENAPI_DIR / f"apis__{group}__{version}_openapi.json.gz"
    return OPENAPI_DIR / f"api__{api_version}_openapi.json.gz"


@cache
def load_components(path: Path) -> dict:
    with gzip.open(path) as f:
        return json.load(f)["components"]["schemas"]


@dataclass
class Validator:
    """Check one object against the component of its group-version-kind."""

    components: dict
    allow_null: bool = False  # real apiserver output has `field: null`; our manifests must not
    errors: list[str] = field(default_factory=list)

    @classmethod
    def for_object(cls, obj: dict, allow_null: bool = False) -> tuple[Validator, str]:
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            raise LookupError("apiVersion and kind must be strings")
        path = openapi_file(api_version)
        if not path.exists():
            raise LookupError(f"no OpenAPI document for apiVersion {api_version}")
        comps = load_components(path)
        group, _, version = api_version.rpartition("/")
        for name, schema in comps.items():
            for gvk in schema.get("x-kubernetes-group-version-kind", []):
                if (gvk.get("group", ""), gvk.get("version"), gvk.get("kind")) == (group, version, kind):
                    return cls(comps, allow_null), name
        raise LookupError(f"kind {kind} not in {api_version}")

    def resolve(self, schema: dict) -> dict:
        """Flatten `$ref` and `allOf` into one schema (properties/required merged)."""
        merged: dict = {}
        stack = [schema]
        refs: list[str] = []
        while stack:
            s = stack.pop(0)
            if "$ref" in s:
                ref = s["$ref"]
                assert ref.startswith(REF_PREFIX), ref
                refs.append(ref[len(REF_PREFIX):])
                stack.append(self.components[ref[len(REF_PREFIX):]])
            for sub in s.get("allOf", []):
                stack.append(sub)
            for k, v in s.items():
                if k in ("$ref", "allOf"):
                    continue
                if k == "properties":
                    merged.setdefault("properties", {}).update(v)
                elif k == "required":
                    merged["required"] = sorted(set(merged.get("required", [])) | set(v))
                else:
                    merged.setdefault(k, v)
        merged["_refs"] = refs
        return merged

    def check(self, schema: dict, value, path: str) -> None:
        s = self.resolve(schema)
        if value is None:
            # The apiserver's decoder treats null as "unset"; in a hand-written manifest it is
            # almost always an accident (`image:` with nothing after it), so it is an error here.
            if not self.allow_null:
                self.errors.append(f"{path}: null value")
            return
        if QUANTITY in s["_refs"]:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                self.errors.append(f"{path}: quantity must be a string or number, got {type(value).__name__}")
            elif isinstance(value, str) and not _QUANTITY_RE.match(value):
                self.errors.append(f"{path}: {value!r} is not a valid quantity")
            return
        if "oneOf" in s:
            matches = 0
            for alt in s["oneOf"]:
                sub = Validator(self.components, self.allow_null)
                sub.check(alt, value, path)
                matches += not sub.errors
            if matches != 1:
                self.errors.append(f"{path}: {value!r} matches {matches} of the oneOf alternatives (want 1)")
            return
        if "enum" in s and value not in s["enum"]:
            self.errors.append(f"{path}: {value!r} not one of {s['enum']}")
        typ = s.get("type")
        if typ is None and ("properties" in s or "additionalProperties" in s):
            typ = "object"
        if typ is None:
            return  # free-form (RawExtension, JSON)
        ok = {
            "object": isinstance(value, dict),
            "array": isinstance(value, list),
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        }.get(typ)
        if ok is None:
            self.errors.append(f"{path}: schema type {typ!r} not understood")
            return
        if not ok:
            self.errors.append(f"{path}: expected {typ}, got {type(value).__name__} {value!r}")
            return
        if typ == "integer" and s.get("format") in _INT_RANGES:
            lo, hi = _INT_RANGES[s["format"]]
            if not lo <= value <= hi:
                self.errors.append(f"{path}: {value} out of {s['format']} range")
        if typ == "array":
            items = s.get("items", {})
            for k, item in enumerate(value):
                self.check(items, item, f"{path}[{k}]")
            self.check_list_keys(s, items, value, path)
        elif typ == "object":
            self.check_object(s, value, path)

    def check_object(self, s: dict, value: dict, path: str) -> None:
        props = s.get("properties")
        extra = s.get("additionalProperties")
        for k, v in value.items():
            where = f"{path}.{k}" if path else str(k)
            if not isinstance(k, str):
                self.errors.append(f"{where}: field name must be a string")
            elif props is not None and k in props:
                self.check(props[k], v, where)
            elif isinstance(extra, dict):
                self.check(extra, v, where)
            elif props is not None and extra is not True:
                self.errors.append(f"{where}: unknown field {k!r}")
        for req in s.get("required", []):
            if req not in value:
                self.errors.append(f"{path or '<root>'}: missing required field {req!r}")

    def check_list_keys(self, s: dict, items: dict, value: list, path: str) -> None:
        """`x-kubernetes-list-type: map` items must be unique by their map keys, `set` items unique."""
        list_type = s.get("x-kubernetes-list-type")
        if list_type == "map":
            keys = s.get("x-kubernetes-list-map-keys", [])
            item_props = self.resolve(items).get("properties", {})
            seen: dict[tuple, int] = {}
            for k, item in enumerate(value):
                if not isinstance(item, dict):
                    continue
                key = tuple(item.get(name, self.resolve(item_props.get(name, {})).get("default")) for name in keys)
                if key in seen:
                    self.errors.append(f"{path}[{k}]: duplicate entry for key {dict(zip(keys, key))} "
                                       f"(first at [{seen[key]}])")
                seen.setdefault(key, k)
        elif list_type == "set":
            dumped = [json.dumps(v, sort_keys=True) for v in value]
            if len(set(dumped)) != len(dumped):
                self.errors.append(f"{path}: duplicate items in a set")


def validate(obj, allow_null: bool = False) -> list[str]:
    """Every structural error of one manifest object; [] when it is valid."""
    if not isinstance(obj, dict):
        return [f"<root>: expected an object, got {type(obj).__name__}"]
    try:
        v, name = Validator.for_object(obj, allow_null)
    except LookupError as e:
        return [f"<root>: {e}"]
    v.check({"$ref": REF_PREFIX + name}, obj, "")
    meta = obj.get("metadata") or {}
    if not meta.get("name") and not meta.get("generateName"):
        v.errors.append("metadata: name (or generateName) is required")
    return v.errors


# ---------------------------------------------------------------------------
# Manifest tests
# ---------------------------------------------------------------------------

@cache
def _load_manifest(path: Path) -> tuple:
    return tuple(d for d in yaml.safe_load_all(path.read_text()) if d is not None)


def manifest_docs() -> list[tuple[Path, dict]]:
    return [(p, d) for p in MANIFESTS for d in _load_manifest(p)]


def pod_spec(doc: dict) -> dict | None:
    if doc.get("kind") in ("Deployment", "Job", "StatefulSet", "DaemonSet", "ReplicaSet"):
        return doc["spec"]["template"]["spec"]
    if doc.get("kind") == "Pod":
        return doc["spec"]
    return None


def by_kind(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for d in _load_manifest(path):
        assert d["kind"] not in out, f"{path.name}: two {d['kind']}s"
        out[d["kind"]] = d
    return out


def test_manifest_files_and_kinds():
    names = {p.name for p in MANIFESTS}
    assert names == {"staticapi-deployment.yaml", "staticapi-job.yaml"}
    assert (DEPLOY / "README.md").is_file()
    assert {k: v["apiVersion"] for k, v in by_kind(DEPLOY / "staticapi-deployment.yaml").items()} == {
        "Deployment": "apps/v1", "Service": "v1"}
    assert {k: v["apiVersion"] for k, v in by_kind(DEPLOY / "staticapi-job.yaml").items()} == {
        "Job": "batch/v1", "Service": "v1"}


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_objects_validate_against_openapi(path: Path):
    docs = _load_manifest(path)
    assert docs
    for d in docs:
        errors = validate(d)
        assert not errors, f"{path.name} {d.get('kind')}/{d.get('metadata', {}).get('name')}:\n" + "\n".join(errors)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_workload_service_and_dockerfile_agree(path: Path):
    objs = by_kind(path)
    svc = objs["Service"]
    (workload,) = [d for d in objs.values() if pod_spec(d) is not None]
    pod = pod_spec(workload)
    template_labels = workload["spec"]["template"]["metadata"]["labels"]
    exposed = {int(p.split("/")[0]) for i in instructions("EXPOSE") for p in i.args.split()}

    # Service selects this workload's pods (and only by labels the template sets).
    assert svc["spec"]["selector"].items() <= template_labels.items()
    if workload["kind"] == "Deployment":
        assert workload["spec"]["selector"]["matchLabels"].items() <= template_labels.items()
        assert workload["spec"]["replicas"] == 1

    (c,) = pod["containers"]
    assert "command" not in c, "the image's ENTRYPOINT must run"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert set(ports.values()) == exposed == {8080}
    for sp in svc["spec"]["ports"]:
        target = sp["targetPort"]
        assert (ports[target] if isinstance(target, str) else target) in exposed
    for probe, want in PROBE_PATHS.items():
        get = c[probe]["httpGet"]
        assert get["path"] == want, probe
        port = get["port"]
        assert (ports[port] if isinstance(port, str) else port) in exposed, probe
        assert "httpHeaders" not in get, "probes must not need the token"
        assert get.get("scheme") == "HTTPS", "the token makes the server serve HTTPS"
    # The startup probe leaves time for downloading/unpacking a large archive (>= 15 min).
    sp = c["startupProbe"]
    assert sp["periodSeconds"] * sp["failureThreshold"] >= 900

    # Token from a Secret, never inline; no insecure mode.
    env = {e["name"]: e for e in c.get("env", [])}
    assert "secretKeyRef" in env["STATICAPI_TOKEN"]["valueFrom"]
    assert "value" not in env["STATICAPI_TOKEN"]
    assert "STATICAPI_INSECURE_NO_AUTH" not in env

    # SOURCE: a URL, from the env (Deployment) or as the single argument (Job).
    sources = list(c.get("args", []))
    if "STATICAPI_SOURCE" in env:
        sources.append(env["STATICAPI_SOURCE"]["value"])
    assert len(sources) == 1 and re.match(r"https?://", sources[0]), sources

    # Read-only root filesystem, non-root, writable emptyDirs for the cache dir and /tmp.
    sc = c["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    cache = env.get("STATICAPI_CACHE_DIR", {}).get("value") or dockerfile_env()["STATICAPI_CACHE_DIR"]
    assert cache == dockerfile_env()["STATICAPI_CACHE_DIR"]
    for writable in (cache, "/tmp"):
        assert "emptyDir" in volumes[mounts[writable]], writable
        assert not any(m.get("readOnly") for m in c["volumeMounts"] if m["mountPath"] == writable)

    # Resources: requests and limits for cpu, memory and ephemeral storage; the cache fits the limit.
    res = c["resources"]
    for k in ("cpu", "memory", "ephemeral-storage"):
        assert parse_quantity(res["requests"][k]) <= parse_quantity(res["limits"][k]), k
    assert parse_quantity(res["limits"]["memory"]) >= 4 * 2 ** 30
    cache_limit = parse_quantity(volumes[mounts[cache]]["emptyDir"]["sizeLimit"])
    assert cache_limit >= 10 * 2 ** 30
    assert parse_quantity(res["limits"]["ephemeral-storage"]) >= cache_limit

    if workload["kind"] == "Job":
        spec = workload["spec"]
        assert spec["activeDeadlineSeconds"] > 0
        assert pod["restartPolicy"] in ("Never", "OnFailure")


def parse_quantity(q) -> float:
    if isinstance(q, (int, float)):
        return float(q)
    m = re.match(r"^([+-]?[\d.]+)([a-zA-Z]*)$", q)
    assert m, q
    mult = {"": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2 ** 10, "Mi": 2 ** 20,
            "Gi": 2 ** 30, "Ti": 2 ** 40}[m.group(2)]
    return float(m.group(1)) * mult


def test_readme_per_instance_recipe_yields_a_separate_valid_instance(tmp_path: Path):
    """deploy/README.md's `sed` recipe for one instance per must-gather, run as written: every
    name and instance label changes, the shared Secret and the rest do not, and the result validates."""
    import shutil

    sed = shutil.which("sed")
    if not sed:
        pytest.skip("no sed")
    text = (DEPLOY / "README.md").read_text()
    m = re.search(r"^(sed (?:.*\\\n)+\s*deploy/staticapi-deployment\.yaml)", text, re.M)
    assert m, "per-instance sed recipe not found in deploy/README.md"
    script = m.group(1)
    env = dict(os.environ, NAME="mg-case-0123", URL="https://artifacts.example.org/job/42/must-gather.tar")
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=REPO, env=env, timeout=30)
    assert r.returncode == 0, r.stderr
    docs = [d for d in yaml.safe_load_all(r.stdout) if d]
    assert [d["kind"] for d in docs] == ["Deployment", "Service"]
    dep, svc = docs
    for d in docs:
        assert validate(d) == []
        assert d["metadata"]["name"] == "mg-case-0123"
        assert d["metadata"]["labels"]["app.kubernetes.io/instance"] == "mg-case-0123"
    labels = dep["spec"]["template"]["metadata"]["labels"]
    assert dep["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"] == "mg-case-0123"
    assert svc["spec"]["selector"].items() <= labels.items()
    c = _container(dep)
    env_by_name = {e["name"]: e for e in c["env"]}
    assert env_by_name["STATICAPI_SOURCE"]["value"] == env["URL"]
    assert env_by_name["STATICAPI_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "staticapi-token"


def test_deploy_readme_mentions_what_users_need():
    text = (DEPLOY / "README.md").read_text()
    for needle in ("kubectl apply -f deploy/staticapi-deployment.yaml", "staticapi-token", "port-forward",
                   "STATICAPI_SOURCE", "--token", "/readyz", "activeDeadlineSeconds"):
        assert needle in text, needle


# ---------------------------------------------------------------------------
# The validator itself: it must catch the mistakes people make
# ---------------------------------------------------------------------------

def _deployment() -> dict:
    return copy.deepcopy(by_kind(DEPLOY / "staticapi-deployment.yaml")["Deployment"])


def _container(d: dict) -> dict:
    return d["spec"]["template"]["spec"]["containers"][0]


def _rename(d: dict, old: str, new: str) -> None:
    d[new] = d.pop(old)


def _m_probe_typo(d):
    _rename(_container(d), "readinessProbe", "readinessProbes")


def _m_port_string(d):
    _container(d)["ports"][0]["containerPort"] = "8080"


def _m_bool_as_string(d):
    _container(d)["securityContext"]["readOnlyRootFilesystem"] = "true"


def _m_missing_container_name(d):
    del _container(d)["name"]


def _m_missing_template(d):
    del d["spec"]["template"]


def _m_bad_quantity(d):
    _container(d)["resources"]["limits"]["memory"] = "8GB"


def _m_quantity_list(d):
    _container(d)["resources"]["limits"]["memory"] = ["8Gi"]


def _m_port_out_of_int32(d):
    _container(d)["ports"][0]["containerPort"] = 2 ** 40


def _m_probe_port_float(d):
    _container(d)["livenessProbe"]["httpGet"]["port"] = 8080.5


def _m_unknown_top_level(d):
    d["sepc"] = d.pop("spec")


def _m_env_value_int(d):
    _container(d)["env"].append({"name": "X", "value": 1})


def _m_duplicate_env(d):
    _container(d)["env"].append(dict(_container(d)["env"][0]))


def _m_duplicate_port(d):
    _container(d)["ports"].append({"name": "other", "containerPort": 8080})


def _m_label_not_string(d):
    d["metadata"]["labels"]["replicas"] = 1


def _m_null(d):
    _container(d)["image"] = None


def _m_unknown_in_allof_ref(d):
    d["spec"]["template"]["spec"]["securityContext"]["runAsNonroot"] = True


def _m_wrong_kind(d):
    d["kind"] = "Deploymnet"


def _m_wrong_api_version(d):
    d["apiVersion"] = "apps/v2"


def _m_no_name(d):
    del d["metadata"]["name"]


NEGATIVE = [
    (_m_probe_typo, "unknown field 'readinessProbes'"),
    (_m_port_string, "containerPort: expected integer"),
    (_m_bool_as_string, "readOnlyRootFilesystem: expected boolean"),
    (_m_missing_container_name, "missing required field 'name'"),
    (_m_missing_template, "missing required field 'template'"),
    (_m_bad_quantity, "'8GB' is not a valid quantity"),
    (_m_quantity_list, "quantity must be a string or number"),
    (_m_port_out_of_int32, "out of int32 range"),
    (_m_probe_port_float, "matches 0 of the oneOf"),
    (_m_unknown_top_level, "unknown field 'sepc'"),
    (_m_env_value_int, "value: expected string"),
    (_m_duplicate_env, "duplicate entry for key {'name': 'STATICAPI_SOURCE'}"),
    (_m_duplicate_port, "duplicate entry for key {'containerPort': 8080, 'protocol': 'TCP'}"),
    (_m_label_not_string, "labels.replicas: expected string"),
    (_m_null, "image: null value"),
    (_m_unknown_in_allof_ref, "unknown field 'runAsNonroot'"),
    (_m_wrong_kind, "kind Deploymnet not in apps/v1"),
    (_m_wrong_api_version, "no OpenAPI document for apiVersion apps/v2"),
    (_m_no_name, "name (or generateName) is required"),
]


@pytest.mark.parametrize("mutate,expected", NEGATIVE, ids=[m.__name__[3:] for m, _ in NEGATIVE])
def test_validator_rejects_broken_objects(mutate, expected):
    d = _deployment()
    assert validate(d) == []
    mutate(d)
    errors = validate(d)
    assert any(expected in e for e in errors), errors


def test_validator_rejects_broken_yaml_text():
    """The same typos, as someone would write them in YAML (quoted port, misspelled key)."""
    text = (DEPLOY / "staticapi-deployment.yaml").read_text()
    assert "containerPort: 8080" in text and "readinessProbe:" in text
    for old, new, expected in [
        ("containerPort: 8080", 'containerPort: "8080"', "containerPort: expected integer"),
        ("readinessProbe:", "readinessProbes:", "unknown field 'readinessProbes'"),
        ("replicas: 1", "replicas: one", "replicas: expected integer"),
        ("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: 'yes'", "expected boolean"),
    ]:
        broken = text.replace(old, new, 1)
        dep = next(d for d in yaml.safe_load_all(broken) if d and d["kind"] == "Deployment")
        errors = validate(dep)
        assert any(expected in e for e in errors), (old, errors)


def test_validator_accepts_other_kinds_and_free_form_fields():
    """Positive cases outside our manifests: a Secret with data, a ConfigMap, a quantity as a number,
    an IntOrString as a string."""
    assert validate({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque",
                     "stringData": {"token": "x"}}) == []
    assert validate({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}}) == []
    d = _deployment()
    _container(d)["resources"]["requests"]["cpu"] = 1
    _container(d)["livenessProbe"]["httpGet"]["port"] = 8080
    d["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
    assert validate(d) == []


SAMPLES = REPO.parent / "shared" / "samples"


@pytest.mark.samples
def test_validator_accepts_real_objects_from_samples():
    """No false positives: workloads, Services and Pods written by real clusters (must-gathers in
    ../shared/samples) validate, apart from the `null`s real apiserver output contains."""
    if not SAMPLES.is_dir():
        pytest.skip("shared samples not present")
    files = sorted(p for pat in ("apps/deployments.yaml", "apps/daemonsets.yaml", "core/services.yaml",
                                 "core/pods.yaml", "batch/jobs.yaml")
                   for p in SAMPLES.glob(f"*/**/namespaces/*/{pat}")
                   if "camgi" not in str(p) and "invalid" not in str(p) and p.stat().st_size < 1 << 20)
    checked = 0
    for p in files[:60]:
        doc = yaml.load(p.read_text(errors="replace"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        doc = doc or {}
        for obj in doc.get("items") or []:
            # items of a typed List may leave out apiVersion/kind: they are the List's
            obj.setdefault("apiVersion", doc.get("apiVersion"))
            obj.setdefault("kind", str(doc.get("kind", "")).removesuffix("List"))
            errors = validate(obj, allow_null=True)
            assert not errors, f"{p}: {obj['kind']}/{obj['metadata'].get('name')}: {errors}"
            checked += 1
    if not checked:
        pytest.skip("no workload files in the samples")
