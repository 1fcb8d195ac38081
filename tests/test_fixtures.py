"""The bundled must-gather fixture and its generator (scripts/gen_mustgather.py).

Why: every other test and the benchmarks rely on ``fixtures/must-gather`` being
exactly what the generator produces and on it containing every layout quirk of
real must-gathers. These tests pin both, check the generator's YAML emitter
against real ``oc adm inspect`` output (when ../shared/samples exists) and make
sure a medium-sized generated tree parses.
"""
from __future__ import annotations

import functools
import gzip
import json
import os
import re
import subprocess
import sys
import zlib
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from conftest import load_generator

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "must-gather"
SAMPLES = REPO.parent / "shared" / "samples"
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


gen = load_generator()
IMG = FIXTURE / gen.IMAGE_DIR
IMG2 = FIXTURE / gen.IMAGE_DIR2
NS = IMG / "namespaces"
CS = IMG / "cluster-scoped-resources"
COLLECTED = gen.COLLECTED
BROKEN = {IMG / p for p in gen.BROKEN_RELPATHS}


def load(p: Path):
    return yaml.load(p.read_bytes(), Loader=Loader)


def all_files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def is_object_dir(rel: str) -> bool:
    """Objects live below namespaces/ and cluster-scoped-resources/ of an image dir (source.layout)."""
    return "/namespaces/" in f"/{rel}" or "/cluster-scoped-resources/" in f"/{rel}"


@functools.cache
def fixture_objects() -> tuple:
    return tuple(iter_objects(FIXTURE))


def iter_objects(root: Path):
    """(path, object) for every object file under ``root``, Lists unwrapped; logs and broken files skipped."""
    for rel, p in sorted(all_files(root).items()):
        if "/logs/" in rel or p.name in ("timestamp", "version") or p.suffix == ".html" or p in BROKEN \
                or "/host_service_logs/" in rel or f"{gen.IMAGE_DIR}/nodes/" in rel:
            continue
        if not is_object_dir(rel):  # audit_logs/, monitoring/, etcd_info/ ... hold no objects
            continue
        doc = json.loads(p.read_bytes()) if p.suffix == ".json" else load(p)
        if doc.get("kind", "").endswith("List") and "items" in doc:
            for it in doc["items"] or []:
                yield p, it
        else:
            yield p, doc


# ---------------------------------------------------------------------------
# the fixture never drifts from the generator
# ---------------------------------------------------------------------------


def test_regenerated_fixture_is_byte_identical(tmp_path):
    assert FIXTURE.is_dir(), "run: python scripts/gen_mustgather.py fixtures/must-gather --preset fixture"
    out = tmp_path / "mg"
    counts = gen.generate(out, **gen.PRESETS["fixture"])
    want, got = all_files(FIXTURE), all_files(out)
    assert sorted(got) == sorted(want)
    for rel, p in want.items():
        a, b = p.read_bytes(), got[rel].read_bytes()
        if rel.endswith(".gz"):  # zlib builds may differ in bytes; the content may not
            # (decompressobj: a deliberately truncated gzip yields what it holds, no EOFError)
            assert zlib.decompressobj(wbits=31).decompress(a) == zlib.decompressobj(wbits=31).decompress(b), rel
        else:
            assert a == b, rel
    assert counts["files"] == len(want)
    assert counts["bytes"] < 3 * 1024 * 1024
    assert counts["broken_files"] == len(gen.BROKEN_RELPATHS)


def test_generate_refuses_non_empty_dir(tmp_path):
    (tmp_path / "x").write_text("keep me")
    with pytest.raises(FileExistsError):
        gen.generate(tmp_path, **gen.PRESETS["fixture"])
    assert (tmp_path / "x").read_text() == "keep me"


# ---------------------------------------------------------------------------
# layout variants
# ---------------------------------------------------------------------------

GO_TIME_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? [+-]\d{4} [A-Z]{3,4} m=\+\d+\.\d{9}$")
RFC3339NANO_PREFIX = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z ")


def test_root_and_image_dirs():
    lines = (FIXTURE / "timestamp").read_text().splitlines()
    assert len(lines) == 2 and all(GO_TIME_RE.match(ln) for ln in lines)
    assert (FIXTURE / "event-filter.html").read_text().startswith("<!DOCTYPE html>")
    images = [d.name for d in FIXTURE.iterdir() if d.is_dir()]
    assert len(images) == 2  # several image dirs, merged by the server
    assert re.fullmatch(r"quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-[0-9a-f]{64}", gen.IMAGE_DIR)
    for img in (IMG, IMG2):
        assert (img / "timestamp").is_file() and (img / "version").is_file()
        assert (img / "namespaces").is_dir()
    assert (IMG / "cluster-scoped-resources").is_dir()
    assert (IMG2 / "cluster-scoped-resources" / "rbac.authorization.k8s.io" / "clusterroles").is_dir()


def test_cluster_scoped_layout():
    nodes = [load(p) for p in sorted((CS / "core" / "nodes").glob("*.yaml")) if p not in BROKEN]
    roles = [("node-role.kubernetes.io/master" in n["metadata"]["labels"]) for n in nodes]
    assert roles.count(True) == 3 and roles.count(False) == 2
    ready = {n["metadata"]["name"]: next(c["status"] for c in n["status"]["conditions"] if c["type"] == "Ready")
             for n in nodes}
    assert sorted(ready.values()) == ["True", "True", "True", "True", "Unknown"]
    assert sum(1 for n in nodes if n["spec"].get("unschedulable")) == 1
    assert list((CS / "core" / "persistentvolumes").glob("*.yaml"))
    assert list((CS / "storage.k8s.io" / "storageclasses").glob("*.yaml"))
    co_list = load(CS / "config.openshift.io" / "clusteroperators.yaml")
    per_obj = {p.stem: load(p) for p in (CS / "config.openshift.io" / "clusteroperators").glob("*.yaml")}
    assert co_list["kind"] == "ClusterOperatorList"
    assert {i["metadata"]["name"]: i for i in co_list["items"]} == per_obj  # duplicates to merge
    cv = load(CS / "config.openshift.io" / "clusterversions" / "version.yaml")
    assert [h["version"] for h in cv["status"]["history"]] == [gen.VERSION, gen.OLD_VERSION]
    cfg_node = load(CS / "config.openshift.io" / "nodes" / "cluster.yaml")
    assert (cfg_node["apiVersion"], cfg_node["kind"]) == ("config.openshift.io/v1", "Node")
    assert load(CS / "config.openshift.io" / "infrastructures.yaml")["items"][0]["kind"] == "Infrastructure"
    crd = load(CS / "apiextensions.k8s.io" / "customresourcedefinitions" / "widgets.example.com.yaml")
    assert crd["spec"]["versions"][0]["additionalPrinterColumns"]
    assert len(list((NS / "demo-apps" / "example.com" / "widgets").glob("*.yaml"))) >= 3
    assert list((CS / "example.com" / "gizmos").glob("*.yaml"))
    for d in ("rbac.authorization.k8s.io/clusterroles", "certificates.k8s.io/certificatesigningrequests",
              "admissionregistration.k8s.io/validatingwebhookconfigurations",
              "machineconfiguration.openshift.io/machineconfigpools"):
        assert list((CS / d).glob("*.yaml")), d
    csrs = [load(p) for p in (CS / "certificates.k8s.io" / "certificatesigningrequests").glob("*.yaml")]
    assert any(not c["status"] for c in csrs) and any(c["status"].get("conditions") for c in csrs)


def test_namespace_layout():
    nsdirs = [d for d in NS.iterdir() if d.is_dir()]
    missing = [d.name for d in nsdirs if not (d / f"{d.name}.yaml").exists()]
    assert missing == ["openshift-ingress"]  # the server must synthesize this Namespace
    with_core_events = [d for d in nsdirs if (d / "core" / "events.yaml").exists()]
    with_v1_events = [d for d in nsdirs if (d / "events.k8s.io" / "events").is_dir()]
    assert with_core_events and with_v1_events
    ev = load(next((with_v1_events[0] / "events.k8s.io" / "events").glob("*.yaml")))
    assert ev["apiVersion"] == "events.k8s.io/v1" and "regarding" in ev
    demo = NS / "demo-apps"
    for rel in ("core/pods.yaml", "core/configmaps.yaml", "core/secrets.yaml", "core/services.yaml",
                "core/endpoints.yaml", "core/serviceaccounts.yaml", "core/persistentvolumeclaims.yaml",
                "apps/deployments.yaml", "apps/replicasets.yaml", "apps/daemonsets.yaml", "apps/statefulsets.yaml",
                "batch/jobs.yaml", "batch/cronjobs.yaml", "route.openshift.io/routes.yaml",
                "apps.openshift.io/deploymentconfigs.yaml", "monitoring.coreos.com/servicemonitors.yaml",
                "policy/poddisruptionbudgets.yaml", "networking.k8s.io/networkpolicies.yaml",
                "autoscaling/horizontalpodautoscalers.yaml", "discovery.k8s.io/endpointslices.yaml"):
        assert (demo / rel).is_file(), rel
    assert list((demo / "coordination.k8s.io" / "leases").glob("*.yaml"))
    # pods twice: PodList and per-pod files, identical objects
    plist = load(demo / "core" / "pods.yaml")
    assert plist["kind"] == "PodList"
    for pod in plist["items"]:
        name = pod["metadata"]["name"]
        assert load(demo / "pods" / name / f"{name}.yaml") == pod
    assert (demo / "core" / "pods.yaml").read_text().startswith("---\n")
    # routes.yaml with items: null, generic List without kind/apiVersion, extension-less ReplicaSetList
    assert "\nitems: null\n" in (NS / "openshift-monitoring" / "route.openshift.io" / "routes.yaml").read_text()
    generic = load(demo / "core" / "serviceaccounts.yaml")
    assert generic["kind"] == "List" and all("kind" not in i and "apiVersion" not in i for i in generic["items"])
    noext = NS / "openshift-ingress" / "apps" / "replicasets"
    assert noext.is_file() and load(noext)["kind"] == "ReplicaSetList"
    yml = load(demo / "core" / "configmaps" / "feature-flags.yml")
    assert yml["kind"] == "ConfigMap"
    js = json.loads((demo / "core" / "services" / "external-db.json").read_text())
    assert js["spec"]["type"] == "ExternalName"
    # secrets are redacted like inspect does
    import base64
    for s in load(demo / "core" / "secrets.yaml")["items"]:
        for v in s.get("data", {}).values():
            assert re.fullmatch(r"\d+ bytes long", base64.b64decode(v).decode())


def _printed_status(pod: dict) -> str:
    """The STATUS column logic of kube printers.go printPod, enough to classify our pods."""
    st = pod["status"]
    reason = st.get("reason") or st["phase"]
    for c in st.get("conditions", []):
        if c["type"] == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c["name"]: c for c in pod["spec"].get("initContainers", [])}
    initializing = False
    n_init = len(init_specs)
    for i, cs in enumerate(st.get("initContainerStatuses", [])):
        sidecar = init_specs[cs["name"]].get("restartPolicy") == "Always"
        term = cs["state"].get("terminated")
        if term and term["exitCode"] == 0:
            continue
        if sidecar and cs.get("started"):
            continue
        if term:
            reason = "Init:" + (term.get("reason") or f"ExitCode:{term['exitCode']}")
        elif cs["state"].get("waiting", {}).get("reason", "PodInitializing") != "PodInitializing":
            reason = "Init:" + cs["state"]["waiting"]["reason"]
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break
    if not initializing:
        for cs in reversed(st.get("containerStatuses", [])):
            w, t = cs["state"].get("waiting"), cs["state"].get("terminated")
            if w and w.get("reason"):
                reason = w["reason"]
            elif t and t.get("reason"):
                reason = t["reason"]
    if pod["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    return reason


def test_pod_states_and_shapes():
    pods = [load(p) for p in NS.glob("*/pods/*/*.yaml")]
    states = {_printed_status(p) for p in pods}
    for want in ("Running", "Pending", "ContainerCreating", "CrashLoopBackOff", "Init:0/2", "Completed", "Error",
                 "OOMKilled", "Terminating", "SchedulingGated"):
        assert want in states, (want, states)
    crash = next(p for p in pods if _printed_status(p) == "CrashLoopBackOff")
    cs = crash["status"]["containerStatuses"][0]
    assert cs["restartCount"] > 0 and cs["lastState"]["terminated"]["finishedAt"]
    assert any(c.get("restartPolicy") == "Always" for p in pods for c in p["spec"].get("initContainers", []))
    assert any(len(p["spec"]["containers"]) >= 3 for p in pods)
    static = [p for p in pods if p["metadata"].get("ownerReferences", [{}])[0].get("kind") == "Node"]
    assert len(static) >= 6 and all(p["metadata"]["annotations"]["kubernetes.io/config.source"] == "file" for p in static)
    assert all(p["metadata"]["managedFields"] for p in pods)


def test_logs_layout():
    logs = [p for p in NS.glob("*/pods/*/*/*/logs/*") if p.is_file()]
    current = [p for p in logs if p.name == "current.log"]
    assert current and all(RFC3339NANO_PREFIX.match(ln) for ln in current[0].read_text().splitlines())
    assert any(p.name == "previous.log" and p.stat().st_size > 0 for p in logs)
    for p in logs:
        if p.name == "previous.insecure.log":
            assert p.stat().st_size > 0 and (p.parent / "previous.log").stat().st_size == 0
            break
    else:
        pytest.fail("no previous.insecure.log")
    assert any(p.name == "current.insecure.log" and not (p.parent / "current.log").exists() for p in logs)
    rotated = list(NS.glob("*/pods/*/*/*/logs/rotated/*"))
    assert any(re.fullmatch(r"\d+\.log\.\d{8}-\d{6}", p.name) for p in rotated)
    gz = [p for p in rotated if p.name.endswith(".gz")]
    assert gz and b" F " in gzip.decompress(gz[0].read_bytes())
    hs = list((IMG2 / "namespaces").glob("*/core/pods/logs/*.log"))
    assert any(p.name.endswith("-previous.log") for p in hs) and any(not p.name.endswith("-previous.log") for p in hs)
    assert not list((IMG2 / "namespaces" / "clusters-hosted").glob("pods"))


def test_events_material_for_intervals():
    events = [o for _, o in fixture_objects() if o.get("kind") == "Event"]
    reasons = {e["reason"] for e in events}
    for r in ("TerminationStart", "TerminationPreShutdownHooksFinished", "TerminationMinimalShutdownDurationFinished",
              "TerminationStoppedServing", "TerminationGracefulTerminationFinished", "OperatorStatusChanged"):
        assert r in reasons
    msgs = [e.get("message", e.get("note", "")) for e in events if e["reason"] == "OperatorStatusChanged"]
    assert any(re.match(r'Status for clusteroperator/etcd changed: Degraded changed from False to True \(".+"\)$', m)
               for m in msgs)
    assert any(e.get("type") == "Warning" and e.get("count", e.get("deprecatedCount", 0)) > 20 for e in events)


def test_broken_files_are_broken():
    for p in BROKEN:
        assert p.exists()
        try:
            doc = yaml.load(p.read_bytes(), Loader=Loader)
        except yaml.YAMLError:
            continue
        assert not isinstance(doc, dict), p


def test_duplicates_are_identical():
    """The same object may appear in several files (Lists, per-object files, image dirs) but never differs."""
    seen: dict = {}
    for p, obj in fixture_objects():
        if "kind" not in obj:
            continue
        md = obj["metadata"]
        key = (obj["apiVersion"], obj["kind"], md.get("namespace"), md["name"])
        if key in seen:
            assert seen[key] == obj, (key, p)
        seen[key] = obj
    assert len(seen) > 400


def test_times_relative_to_collection():
    for p, obj in fixture_objects():
        ct = obj.get("metadata", {}).get("creationTimestamp")
        if ct:
            assert datetime.fromisoformat(ct.replace("Z", "+00:00")) <= COLLECTED, p


# ---------------------------------------------------------------------------
# medium run: everything parses
# ---------------------------------------------------------------------------


def test_medium_run_parses(tmp_path):
    out = tmp_path / "medium"
    counts = gen.generate(out, **gen.PRESETS["medium"])
    assert counts["Namespace"] >= 20 and counts["Pod"] >= 150
    broken = {out / gen.IMAGE_DIR / p for p in gen.BROKEN_RELPATHS}
    n = 0
    for p in out.rglob("*"):
        if not p.is_file() or "/logs/" in p.as_posix() or p.suffix in (".html", ".log", ".gz"):
            continue
        if p.name in ("timestamp", "version") or p in broken or not is_object_dir(p.relative_to(out).as_posix()):
            continue
        data = p.read_bytes()
        doc = json.loads(data) if p.suffix == ".json" else yaml.load(data, Loader=Loader)
        assert isinstance(doc, dict) and doc.get("kind") or doc.get("items") is not None, p
        n += 1
    assert n > 500


# ---------------------------------------------------------------------------
# the YAML emitter
# ---------------------------------------------------------------------------

TRICKY = ["", "true", "True", "yes", "y", "N", "off", "null", "~", "0", "007", "1.5", "1e3", "-1", "+1", ".5",
          "0x1F", "0o17", "0b101", "1_000", "12:30", "2025-01-01", "2025-01-01T10:00:00Z", ".inf", "-.nan",
          "4.17.20", "v1", "- x", "-x", ": x", "a: b", "a:b", "x:", "#x", "a #b", "a#b", "? q", "[x]", "{x}", "&a",
          "*a", "!t", "|x", ">x", "'q'", '"dq"', "%x", "@x", "`x", "---", "...", " lead", "trail ", "tab\there",
          "multi\nline", "multi\nline\n", "multi\n\n", "\nstarts", " indented\nblock", "trailing space \nx",
          "it's", 'say "hi"', "back\\slash", "ctrl\x07char", "ünïcödé", "x" * 200, ("word " * 40).strip(),
          ("it's a: " * 20).strip(), ('quote "x" ' * 15).strip() + "\x01"]


def test_emitter_roundtrips_tricky_values():
    obj = {"k%02d" % i: v for i, v in enumerate(TRICKY)}
    obj["nested"] = {"list": TRICKY, "empty_list": [], "empty_map": {}, "none": None, "t": True, "n": 3,
                     "lists": [[1, 2], [], [{"a": "b"}]], "items": [{"name": "a", "v": ["x", "y"]}]}
    for ind in (0, 2, 6):
        text = gen.dump(obj, indent=ind)
        assert yaml.load(text, Loader=Loader) == obj
    assert yaml.load(gen.dump(obj, doc_start=True), Loader=Loader) == obj
    lst = gen.dump_list("v1", "PodList", [obj, {"a": 1}], "5")
    assert yaml.load(lst, Loader=Loader)["items"] == [obj, {"a": 1}]
    assert yaml.load(gen.dump_list("v1", "RouteList", [], "5", items_null=True), Loader=Loader)["items"] is None


def test_emitter_go_yaml_style():
    # yaml.v2 sorter.go: non-letters first, digit runs numerically
    text = gen.dump({"b": 1, "a10": 1, "A": 1, "a9": 1, "_x": 1, "a": {"z": 1, ".": {}}})
    assert [ln.split(":")[0] for ln in text.splitlines() if not ln.startswith(" ")] == ["_x", "A", "a", "a9", "a10", "b"]
    assert "a:\n  .: {}\n  z: 1\n" in text
    assert gen.dump({"s": "true", "num": "10", "e": "", "t": "2025-01-01T00:00:00Z", "n": "y"}) == (
        'e: ""\n"n": "y"\nnum: "10"\ns: "true"\nt: "2025-01-01T00:00:00Z"\n')  # y/n are YAML 1.1 booleans
    assert gen.dump({"l": ["a", {"b": 1, "c": [1]}]}) == "l:\n- a\n- b: 1\n  c:\n  - 1\n"
    assert gen.dump({"m": "line1\nline2"}) == "m: |-\n  line1\n  line2\n"
    assert gen.dump({"m": "line1\n"}) == "m: |\n  line1\n"
    long = "The etcd backup controller is starting, and will decide if recent backups are available or if a backup is required"
    assert gen.dump({"message": long}) == (
        "message: The etcd backup controller is starting, and will decide if recent backups\n"
        "  are available or if a backup is required\n")


def _sample_files():
    if not SAMPLES.is_dir():
        return []
    files = sorted((SAMPLES / "resourcewatch-okd-3nodes").rglob("*.yaml"))[::7]
    files += sorted((SAMPLES / "must-gather-clean-release-4.8" / "release-4.8").rglob("*.yaml"))
    files += sorted((SAMPLES / "must-gather-explorer-cnv").rglob("*.yaml"))
    return files


@pytest.mark.samples
@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not present")
def test_emitter_reproduces_real_inspect_output():
    """Parsing a real inspect/resourcewatch YAML and emitting it again gives the same bytes."""
    checked = 0
    for p in _sample_files():
        raw = p.read_text(errors="replace")
        try:
            doc = yaml.load(raw, Loader=Loader)
        except yaml.YAMLError:
            continue
        if not isinstance(doc, dict):
            continue
        assert gen.dump(doc, doc_start=raw.startswith("---\n")) == raw, p
        checked += 1
    assert checked > 500


# ---------------------------------------------------------------------------
# scripts/get-kubectl (only when a binary is already cached: no download in unit tests)
# ---------------------------------------------------------------------------


def _cached_kubectl():
    cache = Path(os.environ.get("STATICAPI_KUBECTL_CACHE") or REPO / ".cache" / "kubectl")
    return cache / "v1.33" / "kubectl"


@pytest.mark.skipif(not _cached_kubectl().exists(), reason="kubectl not cached (run scripts/get-kubectl)")
def test_get_kubectl_prints_cached_path():
    env = {k: v for k, v in os.environ.items() if k != "KUBECTL"}
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "get-kubectl")], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    path = proc.stdout.strip()
    assert proc.stdout.count("\n") == 1 and Path(path).is_absolute()
    v = json.loads(subprocess.run([path, "version", "--client", "-o", "json"], capture_output=True, text=True,
                                  timeout=60).stdout)
    assert (v["clientVersion"]["major"], v["clientVersion"]["minor"]) == ("1", "33")
    # $KUBECTL wins when it names an executable
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "get-kubectl")], capture_output=True, text=True,
                          env={**env, "KUBECTL": path}, timeout=60)
    assert proc.stdout.strip() == str(Path(path).resolve())
