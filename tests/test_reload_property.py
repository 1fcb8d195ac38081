"""Live reload ends where a fresh index of the same files starts: a property test.

After any sequence of file operations on a served tree (objects added, rewritten, deleted; a file
made unreadable; a namespace directory moved in or out whole, as tar and rsync deliver them), the
store that live reload kept up to date (serve.reload._parse + store.apply_files, as the watcher
delivers the changes) must hold the same objects as a store indexed afresh from the final tree, and
the same skipped files. Only resourceVersions may differ: reload gives a changed object the store's
next one, so that watches see it increase. Every object here lives in one file (duplicates across
files follow their own documented rule).
"""

from __future__ import annotations

import shutil
import types
from pathlib import Path

import orjson
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from watchfiles import Change

from staticapi.serve import cluster as clustermod
from staticapi.serve import reload
from staticapi.source import layout as layoutmod
from staticapi.store.store import apply_files

NAMESPACES = ["alpha", "beta", "gamma"]
NAMES = ["a", "b", "c", "d"]


def _pod(ns: str, name: str, version: int) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-{ns}-{name}", "resourceVersion": str(version),
                         "labels": {"v": str(version)}, "creationTimestamp": "2024-05-01T09:00:00Z"},
            "spec": {"containers": [{"name": "c", "image": f"img:{version}"}]}, "status": {"phase": "Running"}}


def _cm(ns: str, name: str, version: int) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-cm-{ns}-{name}", "resourceVersion": str(version)},
            "data": {"v": str(version)}}


def _write(path: Path, obj: dict | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(obj if isinstance(obj, str) else yaml.safe_dump(obj))


def _base(root: Path, openshift: bool) -> None:
    _write(root / "timestamp", "2024-05-01 10:00:00.000000000 +0000 UTC m=+0.000000001\n")
    if openshift:  # an openshift-* namespace: Projects mirror the Namespaces (store._mirror_projects)
        _write(root / "namespaces" / "openshift-etcd" / "core" / "configmaps" / "x.yaml", _cm("openshift-etcd", "x", 5))
    for ns in NAMESPACES[:2]:
        _write(root / "namespaces" / ns / f"{ns}.yaml",
               {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "uid": f"ns-{ns}", "resourceVersion": "1"}})
        _write(root / "namespaces" / ns / "core" / "pods" / "a.yaml", _pod(ns, "a", 10))
        _write(root / "namespaces" / ns / "core" / "configmaps" / "a.yaml", _cm(ns, "a", 11))


ops = st.lists(st.tuples(st.sampled_from(["pod", "cm", "rewrite", "delete", "broken", "ns in", "ns out", "list"]),
                         st.sampled_from(NAMESPACES), st.sampled_from(NAMES), st.integers(20, 99)),
               min_size=1, max_size=6)


def _apply_op(root: Path, staging: Path, op, ns, name, version) -> set[tuple[Change, str]]:
    """Do one operation; return what the watcher would report."""
    nsdir = root / "namespaces" / ns
    if op in ("pod", "cm", "rewrite"):
        kind = "pods" if op != "cm" else "configmaps"
        path = nsdir / "core" / kind / f"{name}.yaml"
        _write(path, (_cm if kind == "configmaps" else _pod)(ns, name, version))
        return {(Change.modified, str(path))}
    if op == "delete":
        files = sorted(nsdir.rglob("*.yaml")) if nsdir.is_dir() else []
        if not files:
            return set()
        victim = files[version % len(files)]
        victim.unlink()
        return {(Change.deleted, str(victim))}
    if op == "broken":
        path = nsdir / "core" / "pods" / f"{name}.yaml"
        _write(path, "apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n")
        return {(Change.modified, str(path))}
    if op == "list":  # a List file beside the per-object files, holding other objects
        path = nsdir / "core" / "services.yaml"
        items = [{"apiVersion": "v1", "kind": "Service",
                  "metadata": {"name": f"s{name}{k}", "namespace": ns, "uid": f"uid-s-{ns}-{name}{k}",
                               "resourceVersion": str(version + k)}, "spec": {"type": "ClusterIP"}}
                 for k in range(1 + version % 3)]
        _write(path, {"apiVersion": "v1", "kind": "ServiceList", "items": items})
        return {(Change.modified, str(path))}
    if op == "ns in":  # a whole directory moved into the tree: one event for the directory
        if nsdir.exists():
            return set()
        tmp = staging / ns
        shutil.rmtree(tmp, ignore_errors=True)
        _write(tmp / f"{ns}.yaml", {"apiVersion": "v1", "kind": "Namespace",
                                    "metadata": {"name": ns, "uid": f"ns-{ns}-{version}", "resourceVersion": str(version)}})
        _write(tmp / "core" / "pods" / f"{name}.yaml", _pod(ns, name, version))
        nsdir.parent.mkdir(parents=True, exist_ok=True)
        tmp.rename(nsdir)
        return {(Change.added, str(nsdir))}
    if op == "ns out":
        if not nsdir.exists():
            return set()
        nsdir.rename(staging / f"gone-{ns}-{len(list(staging.iterdir()))}")
        return {(Change.deleted, str(nsdir))}
    raise AssertionError(op)


def _content(store) -> tuple[dict, list]:
    objs = {}
    for key, t in store.tables.items():
        for e in t.sorted():
            obj = orjson.loads(e.raw)
            if isinstance(obj.get("metadata"), dict):
                obj["metadata"].pop("resourceVersion", None)
            objs[(key, e.namespace, e.name)] = obj
    return objs, sorted((p.path, p.reason) for p in store.problems)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(ops, st.booleans())
def test_live_reload_matches_a_fresh_index(tmp_path_factory, sequence, openshift):
    base = tmp_path_factory.mktemp("reload")
    root, staging = base / "mg", base / "staging"
    staging.mkdir()
    _base(root, openshift)
    store = clustermod.build("t", layoutmod.scan(root), track=True)
    fake = types.SimpleNamespace(store=store, name="t")
    for op in sequence:
        changes = _apply_op(root, staging, *op)
        if changes:
            results, removed, dirs = reload._parse(fake, changes)
            apply_files(store, results, removed, dirs)
    fresh = clustermod.build("t", layoutmod.scan(root), track=True)
    got, want = _content(store), _content(fresh)
    assert got[1] == want[1], (sequence, "problems")
    assert sorted(got[0]) == sorted(want[0]), (sequence, sorted(set(got[0]) ^ set(want[0])))
    for k in want[0]:
        assert got[0][k] == want[0][k], (sequence, k)
