#!/usr/bin/env python3
"""Which object files take the parser's fast path, which check sends them to the reference, and
how fast each kind of file parses (issue 20: "find the slow path on real data").

For every object file of a tree (kind of file: List file, pod file, event file, other
per-object file, JSON), this replays the decisions of ``source/parse.py`` (`_fast`,
`_yaml_rs_read`, `_fast_document`, `_checks_pass`) on each document and counts the
outcome: ``fast``, ``fast, libyaml re-check`` (the fast result kept after libyaml's event
parser was asked), or ``reference: <check>`` naming the first check that rejected it.
Then it times, per kind, ``parse.load_documents_json`` (what ingest runs per file) and a
plain CSafeLoader parse with the documents discarded, in this one process (CPU time:
MB/s per core).

    python scripts/parse_census.py TREE [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

OBJECT_EXTS = (".yaml", ".yml", ".json")


def file_kind(rel: tuple[str, ...]) -> str:
    """What a must-gather object file is, from its path."""
    name = rel[-1]
    if name.endswith(".json"):
        return "json"
    if "pods" in rel[:-1] and len(rel) >= 3 and rel[-2] == name.rsplit(".", 1)[0] and rel[-3] == "pods":
        return "pod file"
    if len(rel) >= 3 and rel[-3:-1] == ("events.k8s.io", "events"):
        return "event file"
    if "cluster-scoped-resources" in rel or "namespaces" in rel:
        i = max(i for i, p in enumerate(rel) if p in ("namespaces", "cluster-scoped-resources"))
        depth = len(rel) - i - (2 if rel[i] == "namespaces" else 1)  # below namespaces/<ns>/ or c-s-r/
        if depth == 2:  # <group>/<resource>.yaml
            return "list file"
    return "per-object file"


def object_files(tree: Path):
    for dp, dn, fn in os.walk(tree):
        dn.sort()
        rel = Path(dp).relative_to(tree).parts
        if not ("namespaces" in rel or "cluster-scoped-resources" in rel) or "logs" in rel:
            continue
        for f in sorted(fn):
            if f.endswith(OBJECT_EXTS):
                yield Path(dp) / f, (*rel, f)


STAGE_CPU: Counter = Counter()


def _stage(name: str, t0: float) -> float:
    t = time.process_time()
    STAGE_CPU[name] += t - t0
    return t


def outcome(part: bytes) -> str:
    """The fast path's decision on one YAML document (mirrors parse._yaml_rs_read, _fast_document
    and _checks_pass, naming the check that decides)."""
    import orjson
    import yaml_rs

    from staticapi.source import parse as P

    t = time.process_time()
    state = P._prescan(part)
    t = _stage("pre-scan", t)
    if state is None:
        return "reference: pre-scan"
    try:
        text = part.decode("utf-8")
    except UnicodeDecodeError:
        return "reference: not UTF-8"
    shallow = bool(state & P._SHALLOW)
    state &= ~P._SHALLOW
    flow = state == P._FLOW
    rechecked = False
    if state == P._FLOW_QUIRK or P._maybe_node_properties(part) or (flow and b"\\\n" in part):
        agrees = P._libyaml_agrees(text, no_flow=state == P._FLOW_QUIRK)
        t = _stage("libyaml re-check", t)
        if not agrees:
            return "reference: libyaml disagrees (anchor/tag/flow)"
        rechecked = True
    try:
        value = yaml_rs.loads(text, parse_datetime=False, alias_limits=P._NO_ALIASES,
                              duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except (ValueError, TypeError, RecursionError, OverflowError):
        return "reference: yaml_rs error"
    t = _stage("yaml_rs", t)
    if value is None:
        return "fast (empty)"
    pieces = P._json_pieces(value, shallow)
    t = _stage("orjson.dumps", t)
    if pieces is None:
        return "reference: orjson refuses"
    head, items = pieces
    out = (b"[" + b",".join([head, *items]) + b"]" if items is not None
           else head if type(value) in (dict, list) else b"[" + head)
    risky = P._risky_json_string(out, flow, part)
    t = _stage("post-parse string check", t)
    if risky:
        return "reference: YAML 1.1 string (yes/no/octal/<<...)"
    if flow and not rechecked and any(rx.search(out) for rx in P._SPACED_KEYS):
        if not P._libyaml_agrees(text):
            return "reference: libyaml disagrees (flow keys)"
        rechecked = True
    if any(rx.search(part) for rx in P._INT_RISK):
        return "reference: integer spelling"
    if P._json_has_float(out):
        if P._FLOAT_RISK.search(part):
            return "reference: float spelling"
    elif b"null" in out and P._nonfinite_risk(part):
        return "reference: .inf/.nan spelling"
    del orjson
    _stage("number/spaced-key checks", t)
    return "fast, libyaml re-check" if rechecked else "fast"


def file_outcomes(data: bytes) -> list[str]:
    from staticapi.source import parse as P

    body = data[3:] if data[:3] == b"\xef\xbb\xbf" else data
    if body.lstrip(b" \t\r\n")[:1] in (b"{", b"["):
        return ["json"]
    if b"\n---" in body:
        parts = P._DOC_START.split(body)
    elif body.startswith(b"---"):
        m = P._DOC_START.match(body)
        if m is None:
            return ["reference: '---' line with content"]
        parts = [body[m.end():]]
    else:
        parts = [body]
    return [outcome(p) for p in parts if p.strip()]


def census(tree: Path) -> dict:
    import yaml

    from staticapi.source import parse as P

    counts: dict[str, Counter] = defaultdict(Counter)
    size: Counter = Counter()
    files: Counter = Counter()
    fast_cpu: Counter = Counter()
    naive_cpu: Counter = Counter()
    for path, rel in object_files(tree):
        data = path.read_bytes()
        kind = file_kind(rel)
        files[kind] += 1
        size[kind] += len(data)
        for o in file_outcomes(data):
            counts[kind][o] += 1
        t0 = time.process_time()
        try:
            P.load_documents_json(data)
        except P.ParseError:
            counts[kind]["parse error"] += 1
        t1 = time.process_time()
        try:
            for _ in yaml.load_all(data, Loader=yaml.CSafeLoader):
                pass  # discarded
        except yaml.YAMLError:
            pass
        naive_cpu[kind] += time.process_time() - t1
        fast_cpu[kind] += t1 - t0
    out = {}
    for kind in sorted(files):
        mb = size[kind] / 1e6
        out[kind] = {"files": files[kind], "mb": round(mb, 2), "documents": dict(counts[kind].most_common()),
                     "parse_mb_per_cpu_s": round(mb / fast_cpu[kind], 1) if fast_cpu[kind] else None,
                     "naive_csafeloader_mb_per_cpu_s": round(mb / naive_cpu[kind], 1) if naive_cpu[kind] else None}
    total_mb = sum(size.values()) / 1e6
    out["all"] = {"files": sum(files.values()), "mb": round(total_mb, 2),
                  "parse_mb_per_cpu_s": round(total_mb / sum(fast_cpu.values()), 1) if fast_cpu else None,
                  "naive_csafeloader_mb_per_cpu_s": round(total_mb / sum(naive_cpu.values()), 1) if naive_cpu else None}
    out["all"]["fast_path_cpu_seconds_by_stage"] = {k: round(v, 3) for k, v in STAGE_CPU.most_common()}
    return out


def print_census(c: dict) -> None:
    for kind, v in c.items():
        rate = f"{v['parse_mb_per_cpu_s']} MB/s per core (CSafeLoader, discarding: {v['naive_csafeloader_mb_per_cpu_s']})"
        print(f"{kind}: {v['files']} files, {v['mb']} MB, parse {rate}")
        for o, n in (v.get("documents") or {}).items():
            print(f"    {n:7d}  {o}")
        for o, n in (v.get("fast_path_cpu_seconds_by_stage") or {}).items():
            print(f"    {n:7.2f} s  {o}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tree", type=Path)
    p.add_argument("--json", type=Path)
    a = p.parse_args(argv)
    c = census(a.tree)
    print_census(c)
    if a.json:
        a.json.write_text(json.dumps(c, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
