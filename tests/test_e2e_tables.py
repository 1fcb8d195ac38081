"""Issue "kubectl get prints what a live cluster prints": server-side Tables end to end.

The real kubectl v1.33 (conftest fixtures) is pointed at live `staticapi serve`
processes and its output is checked against expectations computed here,
independently of the server's printers:

* header lines, for every kind in the bundled fixture, the OKD sample and the
  OCP 4.8 fragment: which columns kube-apiserver / openshift-apiserver /
  apiextensions-apiserver would send, decided from the packaged reference data
  (built-in printer columns, the kube and openshift-apiserver discovery
  documents, CRDs in the archive, then the bundled OpenShift CRDs) and rendered
  the way kubectl renders them (cli-runtime `printers/tableprinter.go`: upper
  case names, `priority > 0` only with `-o wide`, NAMESPACE first with `-A` for
  namespaced kinds, kubectl `get.go` drops it for cluster-scoped ones);
* cells of every pod, node, deployment and ClusterOperator of the OKD sample,
  recomputed from the archived YAML following `pkg/printers/internalversion/
  printers.go` (printPod, printNode, printDeployment) and the ClusterOperator
  CRD's printer columns, with ages from the collection time
  (apimachinery `util/duration.HumanDuration`);
* Table protocol details: includeObject (apiserver `endpoints/handlers/
  response.go` asTable, `apis/meta/v1beta1/validation` ValidateTableOptions),
  meta.k8s.io/v1beta1, limit/continue, watch (only the first event carries
  columnDefinitions: response.go watchEmbeddedEncoder.doEncode), and the
  kubectl flags that depend on them.

A small synthetic must-gather (written to a temp dir) makes the protocol and
age tests independent of ../shared/samples.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURE, MG48, OKD, Server, start_server

pytestmark = pytest.mark.e2e

TABLE_V1 = "application/json;as=Table;v=v1;g=meta.k8s.io"
TABLE_V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

# ===================================================================== independent oracles


def human_duration(seconds: float) -> str:
    """apimachinery `pkg/util/duration` HumanDuration, for a duration in seconds."""
    secs = int(seconds)  # Go truncates towards zero
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 120:
        return f"{secs}s"
    minutes = secs // 60
    if minutes < 10:
        return f"{minutes}m" if secs % 60 == 0 else f"{minutes}m{secs % 60}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = secs // 3600
    if hours < 8:
        return f"{hours}h" if minutes % 60 == 0 else f"{hours}h{minutes % 60}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours // 24}d{hours % 24}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def ts(value: str) -> datetime:
    value = re.sub(r"(\.\d{6})\d+", r"\1", value)  # RFC3339Nano -> microseconds
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def age(value: str | None, now: datetime) -> str:
    """printers.go translateTimestampSince."""
    if not value:
        return "<unknown>"
    return human_duration((now - ts(value)).total_seconds())


def format_labels(labels: dict | None) -> str:
    """apimachinery labels.FormatLabels (Set.String): the "k=v" strings sorted, joined by ','; '<none>' if empty."""
    if not labels:
        return "<none>"
    return ",".join(sorted(f"{k}={v}" for k, v in labels.items()))


def restartable_init(c: dict) -> bool:
    return c.get("restartPolicy") == "Always"


def expected_pod_cells(pod: dict, now: datetime) -> dict[str, Any]:
    """The cells of printPod (printers.go) that can be derived without the full state machine.

    Ready and Restarts are computed for pods whose init phase is over; Status
    only for the simple shapes (all containers running, or all completed).
    """
    spec, status, meta = pod.get("spec") or {}, pod.get("status") or {}, pod["metadata"]
    out: dict[str, Any] = {"Name": meta["name"], "Age": age(meta.get("creationTimestamp"), now)}
    init_specs = spec.get("initContainers") or []
    if any(restartable_init(c) for c in init_specs):
        return out  # sidecars: not the simple case
    init_statuses = status.get("initContainerStatuses") or []
    if not all(((s.get("state") or {}).get("terminated") or {}).get("exitCode", 1) == 0 for s in init_statuses):
        return out  # still initializing (or failed): Init:... states
    statuses = status.get("containerStatuses") or []
    total = len(spec.get("containers") or [])
    ready = 0
    restarts = 0
    last_restart = None
    for s in statuses:
        restarts += int(s.get("restartCount") or 0)
        fin = ((s.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        if fin and (last_restart is None or ts(fin) > last_restart):
            last_restart = ts(fin)
        st = s.get("state") or {}
        blocked = (st.get("waiting") or {}).get("reason") or "terminated" in st
        if not blocked and s.get("ready") and "running" in st:
            ready += 1
    out["Ready"] = f"{ready}/{total}"
    out["Restarts"] = (f"{restarts} ({human_duration((now - last_restart).total_seconds())} ago)"
                       if restarts and last_restart else str(restarts))
    simple = (not meta.get("deletionTimestamp") and not status.get("reason")
              and not any(c.get("reason") == "SchedulingGated" for c in status.get("conditions") or []))
    if simple and statuses and len(statuses) == total:
        states = [s.get("state") or {} for s in statuses]
        if all(set(st) == {"running"} for st in states):
            out["Status"] = status.get("phase")
        elif all(set(st) == {"terminated"} and st["terminated"].get("reason") == "Completed" for st in states):
            out["Status"] = "Completed"
    return out


def node_roles(labels: dict) -> str:
    roles = set()
    for k, v in (labels or {}).items():
        if k.startswith("node-role.kubernetes.io/") and k[len("node-role.kubernetes.io/"):]:
            roles.add(k[len("node-role.kubernetes.io/"):])
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return ",".join(sorted(roles)) or "<none>"


def expected_node_cells(node: dict, now: datetime) -> dict[str, Any]:
    conds = {c["type"]: c for c in (node.get("status") or {}).get("conditions") or []}
    st = [("Ready" if conds["Ready"]["status"] == "True" else "NotReady")] if "Ready" in conds else ["Unknown"]
    if (node.get("spec") or {}).get("unschedulable"):
        st.append("SchedulingDisabled")
    return {
        "Name": node["metadata"]["name"],
        "Status": ",".join(st),
        "Roles": node_roles(node["metadata"].get("labels") or {}),
        "Age": age(node["metadata"].get("creationTimestamp"), now),
        "Version": ((node.get("status") or {}).get("nodeInfo") or {}).get("kubeletVersion", ""),
    }


def expected_deployment_cells(d: dict, now: datetime) -> dict[str, Any]:
    spec, status = d.get("spec") or {}, d.get("status") or {}
    replicas = spec.get("replicas", 1)  # apps/v1 defaulting
    return {
        "Name": d["metadata"]["name"],
        "Ready": f"{status.get('readyReplicas', 0)}/{replicas}",
        "Up-to-date": status.get("updatedReplicas", 0),
        "Available": status.get("availableReplicas", 0),
        "Age": age(d["metadata"].get("creationTimestamp"), now),
    }


def expected_co_cells(co: dict, now: datetime) -> dict[str, Any]:
    """The ClusterOperator CRD's columns (openshift/api config/v1 clusteroperators CRD)."""
    status = co.get("status") or {}
    version = next((v.get("version") for v in status.get("versions") or [] if v.get("name") == "operator"), None)
    conds = {c.get("type"): c for c in status.get("conditions") or []}

    def cond(t):
        return conds[t].get("status") if t in conds else None

    since = conds.get("Available", {}).get("lastTransitionTime")
    return {
        "Name": co["metadata"]["name"],
        "Version": version,
        "Available": cond("Available"),
        "Progressing": cond("Progressing"),
        "Degraded": cond("Degraded"),
        "Since": age(since, now) if since else None,
    }


# ===================================================================== expected columns


@cache
def _pkg_json(name: str) -> Any:
    return json.loads(resources.files("staticapi").joinpath("data", *name.split("/")).read_text())


def printer_columns(group: str, kind: str) -> list[dict] | None:
    """Built-in printer columns (kube-apiserver / openshift-apiserver), packaged reference data."""
    if group == "events.k8s.io" and kind == "Event":
        group = ""  # events.k8s.io is served by the core event storage and its printer
    return _pkg_json("printer-columns.json")["groups"].get(group, {}).get(kind)


@cache
def kube_builtin() -> frozenset[tuple[str, str]]:
    core = _pkg_json("discovery/kubernetes-api-v1.json")
    out = {("", r["name"]) for r in core["resources"] if "/" not in r["name"]}
    for g in _pkg_json("discovery/kubernetes-aggregated-v2.json")["items"]:
        for v in g["versions"]:
            out.update((g["metadata"]["name"], r["resource"]) for r in v["resources"])
    return frozenset(out)


@cache
def openshift_apiserver() -> frozenset[tuple[str, str]]:
    out = set()
    for g in _pkg_json("discovery/openshift-apiserver-aggregated-v2.json")["items"]:
        for v in g["versions"]:
            out.update((g["metadata"]["name"], r["resource"]) for r in v["resources"])
    return frozenset(out)


@cache
def bundled_crds() -> dict[tuple[str, str], dict]:
    summary = _pkg_json("crds/crd-summary.json")
    files = summary["_source"].get("files", {})
    out = {}
    for rec in summary["crds"]:
        key = (rec["group"], rec["plural"])
        out[key] = dict(rec, payload=":payload-manifests/" in files.get(f"{key[0]}/{key[1]}", ""))
    return out


def crd_version_columns(versions: dict[str, list | None], version: str) -> list[dict]:
    """apiextensions-apiserver tableconvertor.New + serveDefaultColumnsIfEmpty."""
    cols = versions.get(version)
    if not cols:
        return [{"name": "Name", "priority": 0}, {"name": "Age", "priority": 0}]
    return [{"name": "Name", "priority": 0}] + [{"name": c["name"], "priority": c.get("priority", 0)} for c in cols]


DEFAULT_COLUMNS = [{"name": "Name", "priority": 0}, {"name": "Created At", "priority": 0}]


def expected_columns(group: str, plural: str, kind: str, version: str,
                     archive_crds: dict[tuple[str, str], dict[str, list | None]]) -> tuple[list[dict], str]:
    """(columns, why) a live OpenShift/Kubernetes cluster sends for this resource.

    1. a CRD in the archive;
    2. kube-apiserver built-ins: the printer, else the default table
       (`apiserver/pkg/registry/rest/table.go` Name + Created At);
    3. openshift-apiserver aggregated resources (route, build, image, project, ...)
       unless the release payload installs a CRD for them (SCC, CRQ, RBR are CRDs on a
       self-managed cluster; the routes CRD is not in payload-manifests and the
       v1.route.openshift.io APIService sends routes to openshift-apiserver);
    4. the bundled OpenShift / monitoring / OLM CRD;
    5. anything else: the default table.
    """
    key = (group, plural)
    if key in archive_crds:
        return crd_version_columns(archive_crds[key], version), "archive CRD"
    if key in kube_builtin() or (group == "events.k8s.io" and kind == "Event"):
        return printer_columns(group, kind) or DEFAULT_COLUMNS, "kube-apiserver"
    b = bundled_crds().get(key)
    if key in openshift_apiserver() and not (b and b["payload"]):
        return printer_columns(group, kind) or DEFAULT_COLUMNS, "openshift-apiserver"
    if b:
        versions = {v["name"]: v.get("additionalPrinterColumns") for v in b["versions"]}
        return crd_version_columns(versions, version), "bundled CRD"
    return DEFAULT_COLUMNS, "no printer"


def kubectl_header(cols: list[dict], namespaced: bool, all_namespaces: bool, wide: bool) -> list[str]:
    names = [c["name"].upper() for c in cols if wide or not c.get("priority")]
    return (["NAMESPACE"] + names) if namespaced and all_namespaces else names


# ===================================================================== kubectl output parsing


def column_starts(header: str) -> list[int]:
    """Column offsets of a kubectl table (tabwriter pads with >= 3 spaces; names hold single spaces)."""
    return [m.start() for m in re.finditer(r"(?:(?<=^)|(?<=\s\s))\S", header)]


def parse_table(out: str) -> tuple[list[str], list[list[str]]]:
    lines = [ln for ln in out.splitlines() if ln.strip()]
    if not lines:
        return [], []
    starts = column_starts(lines[0])
    bounds = list(zip(starts, starts[1:] + [None]))

    def cut(line: str) -> list[str]:
        return [line[a:b].strip() for a, b in bounds]

    return cut(lines[0]), [cut(ln) for ln in lines[1:]]


# ===================================================================== archive scanning (collection time)


def _mg_roots(root: Path) -> list[Path]:
    roots = []
    for dirpath, dirnames, _files in os.walk(root):
        depth = len(Path(dirpath).relative_to(root).parts)
        if "namespaces" in dirnames or "cluster-scoped-resources" in dirnames:
            roots.append(Path(dirpath))
        if depth >= 2:
            dirnames[:] = []
    return roots


_DATA_EXT = ("", ".yaml", ".yml", ".json")


def path_resources(root: Path) -> list[tuple[str, str]]:
    """(group, plural) pairs the directory layout names (must-gather path conventions, SOURCES.md)."""
    found: set[tuple[str, str]] = set()
    if not root.is_dir():
        return []

    def g(name: str) -> str:
        return "" if name == "core" else name

    for mg in _mg_roots(root):
        cs = mg / "cluster-scoped-resources"
        if cs.is_dir():
            for gdir in cs.iterdir():
                if not gdir.is_dir():
                    continue
                for entry in gdir.iterdir():
                    if entry.is_dir() and any(entry.iterdir()):
                        found.add((g(gdir.name), entry.name))
                    elif entry.is_file() and entry.suffix in _DATA_EXT:
                        found.add((g(gdir.name), entry.name[: len(entry.name) - len(entry.suffix)]))
        nsroot = mg / "namespaces"
        if nsroot.is_dir():
            for ns in nsroot.iterdir():
                if not ns.is_dir():
                    continue
                for entry in ns.iterdir():
                    if entry.is_file() and entry.stem == ns.name:
                        found.add(("", "namespaces"))
                    elif entry.is_dir() and entry.name == "pods":
                        found.add(("", "pods"))
                    elif entry.is_dir():
                        for sub in entry.iterdir():
                            if sub.is_dir() and any(sub.iterdir()):
                                found.add((g(entry.name), sub.name))
                            elif sub.is_file() and sub.suffix in _DATA_EXT:
                                found.add((g(entry.name), sub.name[: len(sub.name) - len(sub.suffix)]))
    return sorted(found)


def archived_files(root: Path, group: str, plural: str) -> list[Path]:
    """Files that hold (group, plural) objects by the must-gather path conventions."""
    gdir = group or "core"
    out: list[Path] = []
    for mg in _mg_roots(root):
        for base in [mg / "cluster-scoped-resources" / gdir] + sorted((mg / "namespaces").glob(f"*/{gdir}")):
            out += [p for p in (base / plural).glob("*") if p.is_file()]
            out += [base / (plural + ext) for ext in _DATA_EXT if (base / (plural + ext)).is_file()]
        if (group, plural) == ("", "pods"):
            out += sorted((mg / "namespaces").glob("*/pods/*/*.yaml"))
        if (group, plural) == ("", "namespaces"):
            out += [d / f"{d.name}.yaml" for d in (mg / "namespaces").glob("*") if (d / f"{d.name}.yaml").is_file()]
    return out


class _Loader(yaml.CSafeLoader):
    """Timestamps stay strings, as in the JSON the server sends."""


_Loader.yaml_implicit_resolvers = {
    k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml_objects(path: Path) -> list[dict]:
    try:
        docs = list(yaml.load_all(path.read_bytes(), Loader=_Loader))
    except (yaml.YAMLError, ValueError, UnicodeDecodeError):
        return []
    out = []
    for d in docs:
        if isinstance(d, dict) and isinstance(d.get("items"), list) and str(d.get("kind", "")).endswith("List"):
            out.extend(i for i in d["items"] if isinstance(i, dict))
        elif isinstance(d, dict):
            out.append(d)
    return out


def archive_crds(root: Path) -> dict[tuple[str, str], dict[str, list | None]]:
    """CRDs in the archive: (group, plural) -> {version: additionalPrinterColumns}."""
    out: dict[tuple[str, str], dict[str, list | None]] = {}
    for p in root.rglob("*"):
        if "customresourcedefinitions" not in p.as_posix() or not p.is_file() or p.suffix not in _DATA_EXT:
            continue
        for obj in load_yaml_objects(p):
            if obj.get("kind") != "CustomResourceDefinition":
                continue
            spec = obj.get("spec") or {}
            names = spec.get("names") or {}
            top = spec.get("additionalPrinterColumns")  # apiextensions v1beta1
            versions: dict[str, list | None] = {}
            for v in spec.get("versions") or [{"name": spec.get("version")}]:
                cols = v.get("additionalPrinterColumns", top)
                versions[v.get("name")] = [{"name": c.get("name"), "priority": c.get("priority", 0)}
                                           for c in cols] if cols else None
            out[(spec.get("group"), names.get("plural"))] = versions
    return out


SAMPLES_BY_NAME = {"fixture": (FIXTURE, "fixture_server"), "okd": (OKD, "okd_server"), "mg48": (MG48, "mg48_server")}


def _header_params() -> list:
    params = []
    for sample, (root, _fx) in SAMPLES_BY_NAME.items():
        pairs = path_resources(root)
        if not pairs:
            params.append(pytest.param(sample, None, None, id=f"{sample}-absent",
                                       marks=pytest.mark.skip(reason=f"{root} not present (yet)")))
        for group, plural in pairs:
            params.append(pytest.param(sample, group, plural, id=f"{sample}-{group or 'core'}-{plural}"))
    return params


# ===================================================================== per-sample context


@dataclass
class Ctx:
    server: Server
    root: Path
    resources: dict[tuple[str, str], dict]
    crds: dict[tuple[str, str], dict[str, list | None]]
    kubectl_cache: dict[tuple, subprocess.CompletedProcess] = field(default_factory=dict)

    def kubectl(self, *args: str) -> subprocess.CompletedProcess:
        if args not in self.kubectl_cache:
            self.kubectl_cache[args] = self.server.kubectl(*args, check=False, timeout=120)
        return self.kubectl_cache[args]

    def list_path(self, group: str, plural: str) -> str:
        r = self.resources[(group, plural)]
        return f"/api/{r['version']}/{plural}" if not group else f"/apis/{group}/{r['version']}/{plural}"

    def table(self, group: str, plural: str, query: str = "", accept: str = TABLE_V1) -> dict:
        code, body, _ = self.server.get(self.list_path(group, plural) + (f"?{query}" if query else ""), accept=accept)
        assert code == 200, body
        return body


def discover(server: Server) -> dict[tuple[str, str], dict]:
    out: dict[tuple[str, str], dict] = {}
    for path in ("/api", "/apis"):
        code, doc, headers = server.get(path, accept=AGGREGATED)
        assert code == 200 and doc["kind"] == "APIGroupDiscoveryList", (path, doc)
        for g in doc["items"]:
            group = g["metadata"].get("name", "")
            for v in g["versions"][:1]:  # the preferred version, what kubectl uses
                for r in v["resources"]:
                    if "list" in r.get("verbs", []):
                        out.setdefault((group, r["resource"]), {
                            "kind": r["responseKind"]["kind"], "namespaced": r["scope"] == "Namespaced",
                            "version": v["version"]})
    return out


_CTX: dict[str, Ctx] = {}


def ctx_for(request, sample: str) -> Ctx:
    root, fixture_name = SAMPLES_BY_NAME[sample]
    if not root.is_dir():
        pytest.skip(f"{root} not present")
    if sample not in _CTX:
        server = request.getfixturevalue(fixture_name)
        _CTX[sample] = Ctx(server, root, discover(server), archive_crds(root))
    return _CTX[sample]


def resource_arg(group: str, plural: str) -> str:
    return f"{plural}.{group}" if group else plural


# Kinds whose server-side columns are known to differ from a live cluster (see the report to the lead).
KNOWN_HEADER_BUGS: dict = {}


def check_header(ctx: Ctx, group: str, plural: str) -> list[str]:
    """Problems with `kubectl get <resource> -A [-o wide]` headers and the Table's columnDefinitions."""
    info = ctx.resources[(group, plural)]
    cols, why = expected_columns(group, plural, info["kind"], info["version"], ctx.crds)
    problems = []
    table = ctx.table(group, plural, "limit=1")
    got = [(c["name"], c.get("priority", 0)) for c in table["columnDefinitions"]]
    want = [(c["name"], c.get("priority", 0)) for c in cols]
    if got != want:
        problems.append(f"{plural}.{group}: columnDefinitions {got} != {want} ({why})")
    for row in table["rows"]:
        if len(row["cells"]) != len(table["columnDefinitions"]):
            problems.append(f"{plural}.{group}: row has {len(row['cells'])} cells for {len(got)} columns")
    arg = resource_arg(group, plural)
    narrow: tuple[str, ...] = ()
    if table["rows"] and table["metadata"].get("remainingItemCount", 0) > 300:
        # thousands of events: the header is the same for one namespace (or name) of them, kubectl is faster
        md = table["rows"][0]["object"]["metadata"]
        narrow = ("--field-selector", f"metadata.namespace={md['namespace']}" if info["namespaced"]
                  else f"metadata.name={md['name']}")
    if not table["rows"]:
        held = [p for p in archived_files(ctx.root, group, plural) if load_yaml_objects(p)]
        if held:
            problems.append(f"{plural}.{group}: served empty but the archive holds objects in {held[:3]}")
    for wide in (False, True):
        args = ("get", arg, "-A") + narrow + (("-o", "wide") if wide else ())
        r = ctx.kubectl(*args)
        if r.returncode != 0:
            problems.append(f"kubectl {' '.join(args)} failed: {r.stderr.strip()}")
            continue
        if not table["rows"]:
            if "No resources found" not in r.stderr:
                problems.append(f"kubectl {' '.join(args)}: expected 'No resources found', got {r.stdout!r}")
            continue
        header = r.stdout.splitlines()[0] if r.stdout else ""
        want_h = kubectl_header(cols, info["namespaced"], True, wide)
        got_h = [h for h in re.split(r"\s{2,}", header.strip())]
        if got_h != want_h:
            problems.append(f"kubectl {' '.join(args)}: header {got_h} != {want_h} ({why})")
    return problems


# ===================================================================== headers: one test per kind


@pytest.mark.parametrize("sample,group,plural", _header_params())
def test_kubectl_header_per_kind(request, sample, group, plural):
    ctx = ctx_for(request, sample)
    if (group, plural) not in ctx.resources:
        held = [p for p in archived_files(ctx.root, group, plural)
                if any(o.get("kind") and o.get("metadata") for o in load_yaml_objects(p))]
        assert not held, f"objects in {held[:3]} but {group or 'core'}/{plural} is not served"
        pytest.skip(f"{group or 'core'}/{plural}: a file name in the archive, no objects in it (broken file)")
    if (group, plural) in KNOWN_HEADER_BUGS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_HEADER_BUGS[(group, plural)]))
    problems = check_header(ctx, group, plural)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("sample", list(SAMPLES_BY_NAME))
def test_every_present_kind_prints_live_cluster_header(request, sample):
    """Every served resource with objects (also synthesized ones: namespaces, projects, event views)."""
    ctx = ctx_for(request, sample)
    problems = []
    checked = 0
    for (group, plural) in sorted(ctx.resources):
        if (group, plural) in KNOWN_HEADER_BUGS:
            continue  # asserted (xfail) in test_kubectl_header_per_kind
        if not ctx.table(group, plural, "limit=1&includeObject=None")["rows"]:
            continue
        checked += 1
        problems += check_header(ctx, group, plural)
    assert checked, "no resource with objects"
    assert not problems, "\n".join(problems)


def test_clusteroperators_without_crd_in_archive(request):
    """`kubectl get co` prints the ClusterOperator CRD columns though the OKD archive holds no CRD."""
    ctx = ctx_for(request, "okd")
    assert not ctx.crds
    out = ctx.kubectl("get", "co").stdout
    assert out.splitlines()[0].split() == ["NAME", "VERSION", "AVAILABLE", "PROGRESSING", "DEGRADED", "SINCE"]


# ===================================================================== OKD cells


@dataclass
class OkdData:
    pods: dict[tuple[str, str], dict]
    nodes: dict[str, dict]
    deployments: dict[tuple[str, str], dict]
    cos: dict[str, dict]


@pytest.fixture(scope="module")
def okd_data() -> OkdData:
    if not OKD.is_dir():
        pytest.skip("../shared/samples not present")

    def load(pattern: str) -> list[dict]:
        return [o for p in sorted(OKD.glob(pattern)) for o in load_yaml_objects(p)]

    pods = {(o["metadata"]["namespace"], o["metadata"]["name"]): o for o in load("namespaces/*/core/pods/*.yaml")}
    nodes = {o["metadata"]["name"]: o for o in load("cluster-scoped-resources/core/nodes/*.yaml")}
    deps = {(o["metadata"]["namespace"], o["metadata"]["name"]): o
            for o in load("namespaces/*/apps/deployments/*.yaml")}
    cos = {o["metadata"]["name"]: o
           for o in load("cluster-scoped-resources/config.openshift.io/clusteroperators/*.yaml")}
    assert len(pods) == 242 and len(nodes) == 6 and len(deps) == 62 and len(cos) == 33
    return OkdData(pods, nodes, deps, cos)


_TS_KEYS = re.compile(rb'^\s*-?\s*(creationTimestamp|lastTimestamp|eventTime|deprecatedLastTimestamp|'
                      rb'firstTimestamp|deprecatedFirstTimestamp): "?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)',
                      re.M)
_ANY_TS = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


@cache
def okd_newest() -> tuple[datetime, datetime]:
    """(newest creation/event timestamp, newest RFC3339 timestamp of any field) in the OKD archive."""
    newest_obj, newest_any = b"", b""  # seconds precision: "YYYY-MM-DDTHH:MM:SS" sorts chronologically
    for dirpath, _d, files in os.walk(OKD):
        for f in files:
            if not f.endswith(".yaml"):
                continue
            data = (Path(dirpath) / f).read_bytes()
            newest_obj = max([newest_obj] + [m.group(2)[:19] for m in _TS_KEYS.finditer(data)])
            newest_any = max([newest_any] + _ANY_TS.findall(data))
    return ts(newest_obj.decode() + "Z"), ts(newest_any.decode() + "Z")


def served_collection_time(server: Server) -> datetime:
    code, body, _ = server.get("/clusters")
    assert code == 200
    return datetime.fromisoformat(body["items"][0]["collectionTime"])


@pytest.fixture(scope="module")
def okd_now(okd_server) -> datetime:
    """The collection time the OKD server measures ages from; the archive has no `timestamp` file."""
    now = served_collection_time(okd_server)
    newest_obj, newest_any = okd_newest()
    assert newest_obj <= now <= newest_any, (now, newest_obj, newest_any)
    return now


def table_by_key(table: dict, namespaced: bool) -> dict:
    names = [c["name"] for c in table["columnDefinitions"]]
    out = {}
    for row in table["rows"]:
        md = row["object"]["metadata"]
        key = (md["namespace"], md["name"]) if namespaced else md["name"]
        assert key not in out, key
        out[key] = dict(zip(names, row["cells"]))
    return out


def compare(kind: str, expected: dict, got: dict) -> list[str]:
    """Problems for every archived object whose served cells differ from the expectation."""
    problems = []
    assert set(got) == set(expected), (kind, set(got) ^ set(expected))
    for key, want in expected.items():
        for col, value in want.items():
            if got[key].get(col) != value:
                problems.append(f"{kind} {key}: {col} = {got[key].get(col)!r}, expected {value!r}")
    return problems


def test_okd_pod_cells(okd_server, okd_data, okd_now):
    table = okd_server.get("/api/v1/pods", accept=TABLE_V1)[1]
    expected = {k: expected_pod_cells(p, okd_now) for k, p in okd_data.pods.items()}
    assert sum("Status" in e for e in expected.values()) > 200, "most pods are simple cases"
    assert sum("Restarts" in e for e in expected.values()) > 200
    assert any(e.get("Restarts", "0") != "0" for e in expected.values()), "some pods restarted"
    problems = compare("pod", expected, table_by_key(table, True))
    assert not problems, "\n".join(problems[:40])


def test_okd_node_cells(okd_server, okd_data, okd_now):
    table = okd_server.get("/api/v1/nodes", accept=TABLE_V1)[1]
    expected = {k: expected_node_cells(n, okd_now) for k, n in okd_data.nodes.items()}
    problems = compare("node", expected, table_by_key(table, False))
    assert not problems, "\n".join(problems)
    assert {e["Roles"] for e in expected.values()} == {"control-plane,master", "worker"}


def test_okd_deployment_cells(okd_server, okd_data, okd_now):
    table = okd_server.get("/apis/apps/v1/deployments", accept=TABLE_V1)[1]
    expected = {k: expected_deployment_cells(d, okd_now) for k, d in okd_data.deployments.items()}
    got = table_by_key(table, True)
    problems = compare("deployment", expected, got)
    assert not problems, "\n".join(problems)
    # UP-TO-DATE and AVAILABLE are integers in the Table (printDeployment appends int64)
    assert all(isinstance(c["Up-to-date"], int) and isinstance(c["Available"], int) for c in got.values())


def test_okd_clusteroperator_cells(okd_server, okd_data, okd_now):
    table = okd_server.get("/apis/config.openshift.io/v1/clusteroperators", accept=TABLE_V1)[1]
    expected = {k: expected_co_cells(c, okd_now) for k, c in okd_data.cos.items()}
    problems = compare("clusteroperator", expected, table_by_key(table, False))
    assert not problems, "\n".join(problems)


def test_okd_ages_are_from_collection_time_not_wall_clock(okd_server, okd_data, okd_now):
    """No pod of a 2023 archive prints an age in years, and every age matches the collection time."""
    r = okd_server.kubectl("get", "pods", "-A")
    header, rows = parse_table(r.stdout)
    i_age = header.index("AGE")
    ages = [row[i_age] for row in rows]
    assert len(ages) == len(okd_data.pods)
    assert not [a for a in ages if "y" in a or "d" in a], "ages must be measured from 2023-03-08"
    i_ns, i_name = header.index("NAMESPACE"), header.index("NAME")
    for row in rows:
        pod = okd_data.pods[(row[i_ns], row[i_name])]
        assert row[i_age] == age(pod["metadata"]["creationTimestamp"], okd_now), row
    wall = datetime.now(timezone.utc)
    assert okd_now < wall - timedelta(days=365)


def test_okd_collection_time_is_newest_timestamp_in_data(okd_server):
    assert served_collection_time(okd_server) == okd_newest()[1]


# ===================================================================== kubectl flags on OKD


def test_okd_all_namespaces_wide_labels(okd_server, okd_data):
    """-A adds NAMESPACE from row.object.metadata; -o wide adds IP/NODE/...; -L app and --show-labels."""
    r = okd_server.kubectl("get", "pods", "-A", "-o", "wide", "-L", "app", "--show-labels")
    header, rows = parse_table(r.stdout)
    assert header == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE",
                      "READINESS GATES", "APP", "LABELS"]
    assert len(rows) == len(okd_data.pods)
    col = {h: i for i, h in enumerate(header)}
    apps = 0
    for row in rows:
        pod = okd_data.pods[(row[col["NAMESPACE"]], row[col["NAME"]])]
        labels = pod["metadata"].get("labels") or {}
        ips = (pod.get("status") or {}).get("podIPs") or []
        assert row[col["IP"]] == (ips[0]["ip"] if ips else "<none>"), row
        assert row[col["NODE"]] == ((pod.get("spec") or {}).get("nodeName") or "<none>"), row
        assert row[col["NOMINATED NODE"]] == ((pod.get("status") or {}).get("nominatedNodeName") or "<none>")
        assert row[col["APP"]] == labels.get("app", ""), row
        assert row[col["LABELS"]] == format_labels(labels), row
        apps += "app" in labels
    assert apps > 50
    keys = [(row[col["NAMESPACE"]], row[col["NAME"]]) for row in rows]
    assert keys == sorted(keys)


def test_okd_sort_by_creation_timestamp(okd_server, okd_data):
    r = okd_server.kubectl("get", "pods", "-A", "--sort-by=.metadata.creationTimestamp")
    header, rows = parse_table(r.stdout)
    keys = [(row[0], row[1]) for row in rows]
    assert set(keys) == set(okd_data.pods)
    created = [okd_data.pods[k]["metadata"]["creationTimestamp"] for k in keys]
    assert created == sorted(created)
    assert keys != sorted(keys), "the order really changed"


def natural_key(s: str) -> list:
    """github.com/fvbommel/sortorder NaturalLess, which kubectl's --sort-by uses for strings."""
    return [int(x) if i % 2 else x for i, x in enumerate(re.split(r"(\d+)", s))]


def test_okd_sort_by_needs_full_objects(okd_server, okd_data):
    """--sort-by on a field outside metadata works only with includeObject=Object rows."""
    r = okd_server.kubectl("get", "pods", "-A", "-o", "wide", "--sort-by=.spec.nodeName")
    header, rows = parse_table(r.stdout)
    nodes = [row[header.index("NODE")] for row in rows]
    assert len(rows) == len(okd_data.pods)
    want = sorted((p["spec"].get("nodeName") or "<none>" for p in okd_data.pods.values()), key=natural_key)
    assert sorted(nodes, key=natural_key) == want and nodes == want


def test_okd_table_continue_pages(okd_server):
    full = okd_server.get("/api/v1/pods", accept=TABLE_V1)[1]
    assert "continue" not in full["metadata"] or not full["metadata"]["continue"]
    rows, token, pages = [], "", 0
    while True:
        q = "limit=50" + (f"&continue={token}" if token else "")
        code, page, _ = okd_server.get(f"/api/v1/pods?{q}", accept=TABLE_V1)
        assert code == 200 and page["kind"] == "Table"
        assert page["columnDefinitions"] == full["columnDefinitions"]
        rows += page["rows"]
        pages += 1
        token = page["metadata"].get("continue", "")
        if token:
            assert page["metadata"]["remainingItemCount"] == len(full["rows"]) - len(rows)
            assert len(page["rows"]) == 50
        else:
            assert not page["metadata"].get("remainingItemCount")
            break
    assert pages == -(-len(full["rows"]) // 50)
    assert rows == full["rows"]
    # kubectl pages Tables with --chunk-size and prints the same thing
    chunked = okd_server.kubectl("get", "pods", "-A", "--chunk-size=25").stdout
    whole = okd_server.kubectl("get", "pods", "-A", "--chunk-size=0").stdout
    assert chunked == whole and len(chunked.splitlines()) == len(full["rows"]) + 1


def test_okd_watch_prints_header_once(okd_server, okd_data):
    """`kubectl get pods -w` lists (one header), then watches; --request-timeout ends the watch."""
    r = okd_server.kubectl("get", "pods", "-n", "openshift-etcd", "-w", "--request-timeout=2s", timeout=30,
                           check=False)
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert sum(ln.startswith("NAME ") for ln in lines) == 1, r.stdout
    names = [ln.split()[0] for ln in lines[1:]]
    assert sorted(set(names)) == sorted(n for ns, n in okd_data.pods if ns == "openshift-etcd")


def test_okd_table_watch_column_definitions_once(okd_server, okd_data):
    """Only the first Table watch event carries columnDefinitions (response.go watchEmbeddedEncoder)."""
    want = sorted(n for ns, n in okd_data.pods if ns == "openshift-etcd")
    req = urllib.request.Request(okd_server.url + "/api/v1/namespaces/openshift-etcd/pods?watch=true",
                                 headers={"Accept": TABLE_V1})
    events = []
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Content-Type"].startswith("application/json")
        while len(events) < len(want):
            line = resp.readline()
            assert line, "watch stream ended early"
            events.append(json.loads(line))
    assert all(e["type"] == "ADDED" and e["object"]["kind"] == "Table" for e in events)
    first, rest = events[0]["object"], [e["object"] for e in events[1:]]
    assert [c["name"] for c in first["columnDefinitions"]][:5] == ["Name", "Ready", "Status", "Restarts", "Age"]
    assert all(not t.get("columnDefinitions") for t in rest)
    assert all(len(t["rows"]) == 1 and len(t["rows"][0]["cells"]) == len(first["columnDefinitions"])
               for t in [first] + rest)
    assert sorted(t["rows"][0]["object"]["metadata"]["name"] for t in [first] + rest) == want


# ===================================================================== synthetic must-gather

COLLECTION_START = "2023-03-08 12:30:00.123456789 +0000 UTC m=+0.012345678"
COLLECTION_END = "2023-03-08 12:30:20.5 +0000 UTC m=+20.5"
COLLECTED = datetime(2023, 3, 8, 12, 30, 0, 123456, tzinfo=timezone.utc)
IMAGE_DIR = "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-00000000000000000000000000000000"


def _pod(name: str, created: str, labels: dict, running: bool = True, restarts: int = 0,
         finished: str | None = None) -> dict:
    state = {"running": {"startedAt": created}} if running else {
        "terminated": {"exitCode": 0, "reason": "Completed", "startedAt": created, "finishedAt": created}}
    cs = {"name": "main", "image": "registry.example/app:1", "imageID": "", "ready": running,
          "restartCount": restarts, "started": running, "state": state, "lastState": {}}
    if finished:
        cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": created,
                                          "finishedAt": finished}}
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "demo", "uid": f"uid-{name}", "resourceVersion": "100",
                     "creationTimestamp": created, "labels": labels},
        "spec": {"containers": [{"name": "main", "image": "registry.example/app:1"}], "nodeName": "node-a"},
        "status": {"phase": "Running" if running else "Succeeded", "podIP": "10.0.0.9",
                   "podIPs": [{"ip": "10.0.0.9"}], "containerStatuses": [cs]},
    }


MINI_PODS = [
    _pod("old-web", "2023-03-01T12:00:00Z", {"app": "web", "tier": "front"}),
    _pod("new-web", "2023-03-08T12:00:00Z", {"app": "web"}),
    _pod("flaky", "2023-03-08T08:00:00Z", {"app": "flaky"}, restarts=3, finished="2023-03-08T12:10:00Z"),
    _pod("batch-done", "2023-03-08T11:00:00Z", {}, running=False),
]
# CRD-less kinds: ClusterOperator (bundled CRD columns), Infrastructure (bundled CRD, no columns: Age),
# an unknown group (no printer, no CRD: Name + Created At)
MINI_CO = {"apiVersion": "config.openshift.io/v1", "kind": "ClusterOperator",
           "metadata": {"name": "dns", "creationTimestamp": "2023-03-07T12:00:00Z", "uid": "u-co"},
           "status": {"versions": [{"name": "operator", "version": "4.12.0"}],
                      "conditions": [{"type": "Available", "status": "True",
                                      "lastTransitionTime": "2023-03-08T12:10:00Z"},
                                     {"type": "Progressing", "status": "False",
                                      "lastTransitionTime": "2023-03-08T12:10:00Z"},
                                     {"type": "Degraded", "status": "False",
                                      "lastTransitionTime": "2023-03-08T12:10:00Z"}]}}
MINI_INFRA = {"apiVersion": "config.openshift.io/v1", "kind": "Infrastructure",
              "metadata": {"name": "cluster", "creationTimestamp": "2023-03-08T10:00:00Z", "uid": "u-inf"}}
MINI_GADGET = {"apiVersion": "gadgets.example.org/v1", "kind": "Gadget",
               "metadata": {"name": "g1", "namespace": "demo", "creationTimestamp": "2023-03-08T10:00:00Z",
                            "uid": "u-g1"}}


def write_mini_mustgather(root: Path) -> Path:
    img = root / IMAGE_DIR
    for d in (root, img):
        d.mkdir(parents=True, exist_ok=True)
        (d / "timestamp").write_text(f"{COLLECTION_START}\n{COLLECTION_END}\n")
    ns = img / "namespaces" / "demo"
    (ns / "core").mkdir(parents=True)
    (ns / "demo.yaml").write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "demo", "creationTimestamp": "2023-03-01T00:00:00Z", "uid": "u-ns"},
        "status": {"phase": "Active"}}))
    (ns / "core" / "pods.yaml").write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "100"}, "items": MINI_PODS}))
    (ns / "gadgets.example.org").mkdir()
    (ns / "gadgets.example.org" / "gadgets.yaml").write_text(yaml.safe_dump(
        {"apiVersion": "v1", "kind": "List", "items": [MINI_GADGET]}))
    cs = img / "cluster-scoped-resources" / "config.openshift.io"
    (cs / "clusteroperators").mkdir(parents=True)
    (cs / "clusteroperators" / "dns.yaml").write_text(yaml.safe_dump(MINI_CO))
    (cs / "infrastructures").mkdir()
    (cs / "infrastructures" / "cluster.yaml").write_text(yaml.safe_dump(MINI_INFRA))
    return root


@pytest.fixture(scope="module")
def mini_root(tmp_path_factory) -> Path:
    return write_mini_mustgather(tmp_path_factory.mktemp("mini") / "must-gather")


@pytest.fixture(scope="module")
def mini_server(kubectl_bin, mini_root, tmp_path_factory):
    srv = start_server([str(mini_root)], tmp_path_factory.mktemp("mini-server"), kubectl_bin, extra=["--no-reload"])
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def mini_wall_server(kubectl_bin, mini_root, tmp_path_factory):
    srv = start_server([str(mini_root)], tmp_path_factory.mktemp("mini-wall-server"), kubectl_bin,
                       extra=["--no-reload", "--wall-clock"])
    yield srv
    srv.stop()


def test_mini_ages_from_timestamp_file(mini_server):
    """Ages (and restart ages) are measured from the must-gather's `timestamp` file."""
    code, table, _ = mini_server.get("/api/v1/namespaces/demo/pods", accept=TABLE_V1)
    got = table_by_key(table, True)
    expected = {("demo", p["metadata"]["name"]): expected_pod_cells(p, COLLECTED) for p in MINI_PODS}
    assert {k: e["Age"] for k, e in expected.items()} == {
        ("demo", "old-web"): "7d", ("demo", "new-web"): "30m", ("demo", "flaky"): "4h30m",
        ("demo", "batch-done"): "90m"}
    assert expected[("demo", "flaky")]["Restarts"] == "3 (20m ago)"
    assert expected[("demo", "batch-done")]["Status"] == "Completed"
    assert not compare("pod", expected, got)
    out = mini_server.kubectl("get", "pods", "-n", "demo").stdout
    header, rows = parse_table(out)
    assert header == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert rows == [["batch-done", "0/1", "Completed", "0", "90m"], ["flaky", "1/1", "Running", "3 (20m ago)", "4h30m"],
                    ["new-web", "1/1", "Running", "0", "30m"], ["old-web", "1/1", "Running", "0", "7d"]]


def test_mini_wall_clock_ages(mini_wall_server):
    """--wall-clock: ages from now (a 2023 pod is years old)."""
    before = datetime.now(timezone.utc)
    code, table, _ = mini_wall_server.get("/api/v1/namespaces/demo/pods", accept=TABLE_V1)
    after = datetime.now(timezone.utc)
    got = table_by_key(table, True)
    for p in MINI_PODS:
        created = p["metadata"]["creationTimestamp"]
        cell = got[("demo", p["metadata"]["name"])]["Age"]
        assert cell in (age(created, before), age(created, after)), (p["metadata"]["name"], cell)
        assert "y" in cell
    out = mini_wall_server.kubectl("get", "pods", "-n", "demo").stdout
    assert all(re.search(r"\d+y(\d+d)?$", ln) for ln in out.splitlines()[1:]), out


def test_mini_headers_without_printer_or_crd(mini_server):
    """CRD-less archive: bundled CRD columns, CRD without columns (AGE), unknown kind (CREATED AT)."""
    co = mini_server.kubectl("get", "co").stdout.splitlines()
    assert re.split(r"\s{2,}", co[0].strip()) == ["NAME", "VERSION", "AVAILABLE", "PROGRESSING", "DEGRADED", "SINCE"]
    assert co[1].split() == ["dns", "4.12.0", "True", "False", "False", "20m"]
    infra = mini_server.kubectl("get", "infrastructures.config.openshift.io").stdout.splitlines()
    assert infra[0].split() == ["NAME", "AGE"] and infra[1].split() == ["cluster", "150m"]
    gadgets = mini_server.kubectl("get", "gadgets", "-A").stdout.splitlines()
    assert re.split(r"\s{2,}", gadgets[0].strip()) == ["NAMESPACE", "NAME", "CREATED AT"]
    assert gadgets[1].split() == ["demo", "g1", "2023-03-08T10:00:00Z"]
    ns = mini_server.kubectl("get", "namespaces").stdout.splitlines()
    assert ns[0].split() == ["NAME", "STATUS", "AGE"]


def test_mini_show_labels_and_label_columns(mini_server):
    r = mini_server.kubectl("get", "pods", "-n", "demo", "--show-labels", "-L", "app", "-L", "example.com/tier")
    header, rows = parse_table(r.stdout)
    assert header == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "APP", "TIER", "LABELS"]
    by_name = {p["metadata"]["name"]: p["metadata"]["labels"] for p in MINI_PODS}
    for row in rows:
        labels = by_name[row[0]]
        assert row[5] == labels.get("app", "") and row[6] == "" and row[7] == format_labels(labels)
    assert [row[7] for row in rows if row[0] == "batch-done"] == ["<none>"]


def test_mini_include_object(mini_server):
    """includeObject=Metadata (default) | Object | None (apiserver handlers/response.go asTable)."""
    path = "/api/v1/namespaces/demo/pods"
    by_name = {p["metadata"]["name"]: p for p in MINI_PODS}
    for q in ("", "?includeObject=Metadata", "?includeObject="):
        code, t, _ = mini_server.get(path + q, accept=TABLE_V1)
        assert code == 200
        for row in t["rows"]:
            obj = row["object"]
            assert obj["kind"] == "PartialObjectMetadata" and obj["apiVersion"] == "meta.k8s.io/v1"
            assert obj["metadata"]["name"] in by_name
            assert obj["metadata"]["labels"] == by_name[obj["metadata"]["name"]]["metadata"]["labels"]
            assert obj["metadata"]["uid"] == by_name[obj["metadata"]["name"]]["metadata"]["uid"]
            assert set(obj) == {"kind", "apiVersion", "metadata"}
    code, t, _ = mini_server.get(path + "?includeObject=Object", accept=TABLE_V1)
    assert code == 200
    for row in t["rows"]:
        obj = row["object"]
        assert obj["kind"] == "Pod" and obj["apiVersion"] == "v1"
        assert obj["spec"] == by_name[obj["metadata"]["name"]]["spec"]
        assert obj["status"] == by_name[obj["metadata"]["name"]]["status"]
    code, t, _ = mini_server.get(path + "?includeObject=None", accept=TABLE_V1)
    assert code == 200 and len(t["rows"]) == len(MINI_PODS)
    assert all(row.get("object") is None for row in t["rows"])
    # one object as a Table
    code, t, _ = mini_server.get(path + "/flaky", accept=TABLE_V1)
    assert code == 200 and t["kind"] == "Table" and len(t["rows"]) == 1
    assert t["rows"][0]["cells"][:4] == ["flaky", "1/1", "Running", "3 (20m ago)"]
    # without a Table Accept, includeObject is ignored
    code, lst, _ = mini_server.get(path + "?includeObject=Bogus")
    assert code == 200 and lst["kind"] == "PodList"


def test_mini_include_object_bad_value(mini_server):
    code, body, _ = mini_server.get("/api/v1/namespaces/demo/pods?includeObject=Bogus", accept=TABLE_V1)
    assert code == 400
    assert body["kind"] == "Status" and body["reason"] == "BadRequest" and body["code"] == 400
    assert "Bogus" in body["message"]


def test_mini_include_object_bad_value_message(mini_server):
    for path in ("/api/v1/namespaces/demo/pods", "/api/v1/namespaces/empty/pods"):
        code, body, _ = mini_server.get(path + "?includeObject=Bogus", accept=TABLE_V1)
        assert code == 400
        assert body["message"] == ("Unable to convert to Table as requested: includeObject: Invalid value: "
                                   "\"Bogus\": must be 'Metadata', 'Object', 'None', or empty")


def test_mini_table_v1beta1(mini_server):
    code, t, headers = mini_server.get("/api/v1/namespaces/demo/pods", accept=TABLE_V1BETA1)
    assert code == 200
    assert t["kind"] == "Table" and t["apiVersion"] == "meta.k8s.io/v1beta1"
    assert headers["Content-Type"].startswith("application/json")
    v1 = mini_server.get("/api/v1/namespaces/demo/pods", accept=TABLE_V1)[1]
    assert t["columnDefinitions"] == v1["columnDefinitions"]
    assert [r["cells"] for r in t["rows"]] == [r["cells"] for r in v1["rows"]]
    # kubectl's own Accept list prefers v1
    code, t, _ = mini_server.get("/api/v1/namespaces/demo/pods",
                                 accept=f"{TABLE_V1},{TABLE_V1BETA1},application/json")
    assert t["apiVersion"] == "meta.k8s.io/v1"


def test_mini_table_v1beta1_row_objects(mini_server):
    code, t, _ = mini_server.get("/api/v1/namespaces/demo/pods", accept=TABLE_V1BETA1)
    assert {r["object"]["apiVersion"] for r in t["rows"]} == {"meta.k8s.io/v1beta1"}


def test_mini_table_continue(mini_server):
    seen, token = [], ""
    while True:
        q = "limit=3" + (f"&continue={token}" if token else "")
        code, page, _ = mini_server.get(f"/api/v1/pods?{q}", accept=TABLE_V1)
        assert code == 200
        seen += [r["cells"][0] for r in page["rows"]]
        token = page["metadata"].get("continue")
        if not token:
            break
        assert page["metadata"]["remainingItemCount"] == len(MINI_PODS) - len(seen)
    assert seen == sorted(p["metadata"]["name"] for p in MINI_PODS)
    code, body, _ = mini_server.get("/api/v1/pods?limit=3&continue=garbage", accept=TABLE_V1)
    assert code == 410 and body["reason"] == "Expired"


def test_mini_watch_single_object(mini_server):
    """`kubectl get pod X -w`: the row once with the header (watch from rv 0 gives an initial ADDED)."""
    r = mini_server.kubectl("get", "pod", "flaky", "-n", "demo", "-w", "--request-timeout=2s", timeout=30,
                            check=False)
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert lines[0].split()[:2] == ["NAME", "READY"]
    assert all(ln.split()[0] == "flaky" for ln in lines[1:]) and len(lines) >= 2
