#!/usr/bin/env python3
"""Re-lay a per-object tree (like the resourcewatch samples) as `oc adm must-gather` writes it.

Output: OUT/<image-dir>/{timestamp,version,cluster-scoped-resources,namespaces}
where every `<group>/<resource>/` directory of per-object files becomes a
`<group>/<resource>.yaml` List (kind `<Kind>List`), pods also keep their
`pods/<pod>/<pod>.yaml` copies (duplicates the server must merge), and
ClusterOperators are written both ways, as inspect does.

    python scripts/relayout_mustgather.py SRC OUT [--timestamp "2023-03-08 12:10:00.0 +0000 UTC"]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import yaml

IMAGE_DIR = "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0123456789abcdef"


class _Loader(yaml.CSafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:timestamp"] for k, v in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def _load(p: Path):
    return yaml.load(p.read_bytes(), Loader=_Loader)


def _dump(obj, p: Path) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p, "w") as f:
        f.write("---\n")
        yaml.dump(obj, f, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False)


def _as_list(objs: list[dict]) -> dict:
    kind = objs[0].get("kind", "")
    return {"apiVersion": objs[0].get("apiVersion", "v1"), "kind": f"{kind}List", "items": objs,
            "metadata": {"resourceVersion": ""}}


def relayout(src: Path, out: Path, timestamp: str) -> None:
    root = out / IMAGE_DIR
    root.mkdir(parents=True, exist_ok=True)
    (out / "timestamp").write_text(timestamp + "\n")
    (root / "timestamp").write_text(timestamp + "\n" + timestamp + "\n")
    (root / "version").write_text("staticapi relayout\n")
    for top in ("cluster-scoped-resources", "namespaces"):
        base = src / top
        if not base.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(base):
            d = Path(dirpath)
            rel = d.relative_to(src)
            yamls = sorted(f for f in files if f.endswith(".yaml"))
            if not yamls:
                continue
            parts = rel.parts
            # <top>/<group>/<resource>/ for cluster scope, namespaces/<ns>/<group>/<resource>/
            depth = 3 if top == "cluster-scoped-resources" else 4
            if len(parts) != depth:
                for f in yamls:
                    _dump(_load(d / f), root / rel / f)
                continue
            objs = [o for o in (_load(d / f) for f in yamls) if isinstance(o, dict)]
            if not objs:
                continue
            resource = parts[-1]
            _dump(_as_list(objs), root / rel.parent / f"{resource}.yaml")
            if resource == "pods":
                ns = parts[1]
                for o in objs:
                    name = o["metadata"]["name"]
                    _dump(o, root / "namespaces" / ns / "pods" / name / f"{name}.yaml")
            if resource == "clusteroperators":
                for o in objs:
                    _dump(o, root / rel / f"{o['metadata']['name']}.yaml")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--timestamp", default="2023-03-08 12:10:00.000000000 +0000 UTC m=+0.000000001")
    a = ap.parse_args()
    relayout(a.src, a.out, a.timestamp)


if __name__ == "__main__":
    main()
