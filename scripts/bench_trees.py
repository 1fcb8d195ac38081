"""Benchmark trees made of real objects, and doubled trees (for scripts/benchmark.py).

Issue 20: generated objects take the parser's fast path more often than real
ones (long managedFields, quoted strings, annotations holding JSON), so the
benchmark also runs on a tree built from the real OKD objects of
``../shared/samples/resourcewatch-okd-3nodes`` (SOURCES.md): every namespace
copied `copies` times under a new name (``<ns>-r<k>``; copy 0 keeps the
name), the objects' bytes unchanged but for their namespace, laid out as
``oc adm inspect`` / must-gather writes them:

* ``namespaces/<ns>/core/pods.yaml`` (PodList) and ``pods/<pod>/<pod>.yaml``
  (the same pods again, one per file) and ``pods/<pod>/<c>/<c>/logs/current.log``
  (real log lines of the samples, `log_kb` KB per container);
* ``namespaces/<ns>/<group>/<resource>.yaml`` Lists for the other kinds;
* ``namespaces/<ns>/events.k8s.io/events/<name>.yaml``: events one per file, as the
  sample has them;
* ``cluster-scoped-resources/``: copied once, as is.

A List file is the items' YAML indented under ``items:`` (inspect writes the
same block style), so each object keeps its real field shapes and quoting.

``double_tree`` makes the "doubled tree" of the growth figure: every
namespace of a tree once more as ``<ns>-d2`` (objects renamed the same way,
logs hard-linked), cluster-scoped files shared.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

REAL_SAMPLE = "resourcewatch-okd-3nodes"
REAL_FORMAT = 1  # bump when the layout written here changes
# real container log lines (an OCP 4.8 etcd installer log, must-gather-clean sample)
LOG_SOURCES = ("must-gather-clean-release-4.8/release-4.8/namespaces/openshift-etcd/pods",)


def rename_namespace(data: bytes, old: str, new: str) -> bytes:
    """The object bytes with every `namespace: old` (YAML or JSON, quoted or not) naming `new`."""
    pat = re.compile(rb'(namespace"?:[ \t]*["\']?)' + re.escape(old.encode()) + rb'(?=["\'\s,}]|$)', re.M)
    return pat.sub(lambda m: m.group(1) + new.encode(), data)


def _docs(data: bytes) -> bytes:
    """A one-object YAML file without its leading `---` and trailing newlines."""
    lines = data.split(b"\n")
    while lines and lines[0].strip() in (b"---", b""):
        lines.pop(0)
    return b"\n".join(lines).rstrip(b"\n")


def yaml_list(kind: str, api_version: str, objects: list[bytes]) -> bytes:
    """A `<Kind>List` file holding the objects' own YAML as items (block style, as inspect writes)."""
    out = [f"apiVersion: {api_version}\nitems:\n".encode()]
    for obj in objects:
        lines = _docs(obj).split(b"\n")
        out.append(b"- " + lines[0] + b"\n")
        out.extend((b"  " + ln if ln else ln) + b"\n" for ln in lines[1:])
    out.append(f'kind: {kind}List\nmetadata:\n  resourceVersion: "1"\n'.encode())
    return b"".join(out)


def _kind_and_version(data: bytes) -> tuple[str, str]:
    kind = re.search(rb"^kind: *(\S+)", data, re.M)
    av = re.search(rb"^apiVersion: *(\S+)", data, re.M)
    return (kind.group(1).decode() if kind else "List"), (av.group(1).decode() if av else "v1")


def _containers(pod_yaml: bytes) -> list[str]:
    import yaml

    try:
        obj = yaml.load(pod_yaml, Loader=yaml.CSafeLoader)
        return [c["name"] for c in (obj.get("spec") or {}).get("containers") or [] if c.get("name")]
    except Exception:  # noqa: BLE001 - a pod we cannot read gets no log
        return []


def _log_lines(samples: Path) -> list[bytes]:
    lines: list[bytes] = []
    for rel in LOG_SOURCES:
        for p in sorted((samples / rel).rglob("*.log")):
            lines.extend(ln + b"\n" for ln in p.read_bytes().splitlines() if ln.strip())
    return lines or [b"2023-03-08T10:00:00.000000000Z I0308 10:00:00.000000 1 main.go:1] started\n"]


def _log_text(lines: list[bytes], kb: int, seed: int) -> bytes:
    out, size, i = [], 0, seed % len(lines)
    while size < kb * 1024:
        ln = lines[i % len(lines)]
        out.append(ln)
        size += len(ln)
        i += 1
    return b"".join(out)


def build_real_tree(samples: Path, out: Path, copies: int, log_kb: int = 8) -> dict:
    """Write the real-object tree into `out` (a new directory); return its counts."""
    src = samples / REAL_SAMPLE
    if not (src / "namespaces").is_dir():
        raise FileNotFoundError(f"{src} has no namespaces/ (see ../shared/samples/SOURCES.md)")
    logs = _log_lines(samples)
    counts = {"copies": copies, "namespaces": 0, "pods": 0, "objects": 0, "log_files": 0}
    out.mkdir(parents=True)
    shutil.copytree(src / "cluster-scoped-resources", out / "cluster-scoped-resources")
    (out / "timestamp").write_text("2023-03-08 12:00:00.000000000 +0000 UTC m=+0.000000001\n")
    for ns_dir in sorted((src / "namespaces").iterdir()):
        ns = ns_dir.name
        kinds: dict[tuple[str, str], list[tuple[str, bytes]]] = {}
        for f in sorted(ns_dir.rglob("*.yaml")):
            rel = f.relative_to(ns_dir).parts  # <group>/<resource>/<name>.yaml
            if len(rel) != 3:
                continue
            kinds.setdefault((rel[0], rel[1]), []).append((f.stem, f.read_bytes()))
        containers = {name: _containers(data) for name, data in kinds.get(("core", "pods"), [])}
        for k in range(copies):
            new = ns if k == 0 else f"{ns}-r{k}"
            dst = out / "namespaces" / new
            counts["namespaces"] += 1
            for (group, res), objs in kinds.items():
                objs = [(name, rename_namespace(data, ns, new)) for name, data in objs]
                counts["objects"] += len(objs)
                if (group, res) == ("events.k8s.io", "events"):
                    d = dst / group / res
                    d.mkdir(parents=True, exist_ok=True)
                    for name, data in objs:
                        (d / f"{name}.yaml").write_bytes(data)
                    continue
                kind, av = _kind_and_version(objs[0][1])
                (dst / group).mkdir(parents=True, exist_ok=True)
                (dst / group / f"{res}.yaml").write_bytes(yaml_list(kind, av, [d for _, d in objs]))
                if (group, res) != ("core", "pods"):
                    continue
                for i, (name, data) in enumerate(objs):
                    pd = dst / "pods" / name
                    pd.mkdir(parents=True, exist_ok=True)
                    (pd / f"{name}.yaml").write_bytes(b"---\n" + data)
                    counts["pods"] += 1
                    for c in containers.get(name, []):
                        ld = pd / c / c / "logs"
                        ld.mkdir(parents=True, exist_ok=True)
                        (ld / "current.log").write_bytes(_log_text(logs, log_kb, i + k))
                        counts["log_files"] += 1
    return counts


def double_tree(src: Path, out: Path) -> dict:
    """`src` with every namespace twice: as is and as `<ns>-d2` (renamed); into `out` (new)."""
    counts = {"namespaces": 0, "files": 0}
    for dp, dn, fn in os.walk(src):
        dn.sort()
        rel = Path(dp).relative_to(src)
        (out / rel).mkdir(parents=True, exist_ok=True)
        for f in fn:
            p = Path(dp) / f
            os.link(p, out / rel / f) if p.stat().st_size > 1 << 20 else shutil.copy2(p, out / rel / f)
            counts["files"] += 1
    for ns_root in sorted(out.rglob("namespaces")):
        above = ns_root.relative_to(out).parts[:-1]
        if not ns_root.is_dir() or "namespaces" in above or "cluster-scoped-resources" in above:
            continue
        for ns_dir in sorted(d for d in ns_root.iterdir() if d.is_dir() and not d.name.endswith("-d2")):
            ns, new = ns_dir.name, ns_dir.name + "-d2"
            counts["namespaces"] += 1
            for dp, dn, fn in os.walk(ns_dir):
                dn.sort()
                rel = Path(dp).relative_to(ns_dir)
                target = ns_root / new / rel
                target.mkdir(parents=True, exist_ok=True)
                for f in fn:
                    p = Path(dp) / f
                    if f.endswith((".yaml", ".yml", ".json")) and "logs" not in rel.parts:
                        data = rename_namespace(p.read_bytes(), ns, new)
                        name = f
                        if f.startswith(ns + ".") and rel == Path("."):  # namespaces/<ns>/<ns>.yaml
                            name = f"{new}{f[len(ns):]}"
                            data = re.sub(rb"^(  name: *[\"']?)" + re.escape(ns.encode()) + rb"(?=[\"']?$)",
                                          lambda m, n=new: m.group(1) + n.encode(), data, flags=re.M)
                        (target / name).write_bytes(data)
                    else:
                        os.link(p, target / f)
                    counts["files"] += 1
    return counts


def ensure(base: Path, name: str, build) -> Path:
    """`base/name`, built once by `build(tmp_dir) -> counts` into a temp dir renamed into place."""
    import fcntl

    base.mkdir(parents=True, exist_ok=True)
    final = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if final.is_dir() and (base / f"{name}.json").is_file():
            return final
        tmp = base / f"{name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)
        try:
            counts = build(tmp)
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        (base / f"{name}.json").write_text(json.dumps(counts, indent=1))
    return final
