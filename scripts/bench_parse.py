#!/usr/bin/env python3
"""Measure YAML/JSON parse throughput of the candidates behind staticapi.parse.

Usage: python scripts/bench_parse.py [--samples DIR] [--big] [--skip-slow] [--quick]
                                     [--baseline REV]

Reads every .yaml/.yml/.json file under the samples directory into memory, then for
each candidate (PyYAML CSafeLoader as reference_load uses it, yaml_rs, rapidyaml ->
emit_json -> orjson, orjson on the JSON files, the fast-path pre-scan alone,
reference_load and load_documents) prints MB/s with the garbage collector on and
off, as a table and as one JSON line.  --big also builds a >= 100 MB synthetic
multi-document YAML stream by concatenating the sample YAML files (each as one
document, '---' separated) and parses that as a whole.  --baseline REV also times
``load_documents`` of parse.py as committed at git revision REV (read with
``git show``, nothing in the work tree changes), in the same run, for before/after
numbers under the same machine load.  --quick skips the slow PyYAML-based candidates.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import orjson  # noqa: E402
import yaml  # noqa: E402
import yaml_rs  # noqa: E402

from staticapi.source import parse, parse_checks, parse_reference  # noqa: E402

try:
    import ryml  # type: ignore[import-not-found]  # noqa: E402
except ImportError:  # pragma: no cover
    ryml = None


def _pyyaml(b: bytes) -> Any:
    return list(yaml.load_all(b, Loader=parse_reference._RefLoader))


def _yaml_rs(b: bytes) -> Any:
    return yaml_rs.loads(
        b.decode("utf-8"), parse_datetime=False,
        duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins,
    )


def _ryml(b: bytes) -> Any:
    tree = ryml.parse_in_arena(b)
    return orjson.loads(ryml.emit_json(tree))


def _prescan(b: bytes) -> Any:
    return parse_checks._fast_yaml_ok(b)


def _load_baseline(rev: str) -> Any:
    """parse.py at git revision ``rev`` as a separate module (read-only git access)."""
    repo = Path(__file__).resolve().parent.parent
    source = subprocess.run(
        ["git", "show", f"{rev}:src/staticapi/parse.py"], cwd=repo, check=True,
        capture_output=True,
    ).stdout
    with tempfile.NamedTemporaryFile("wb", suffix="_parse_baseline.py", delete=False) as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location("staticapi_parse_baseline", fh.name)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    os.unlink(fh.name)
    return module


def _fast_path_eligible(module: Any, blob: bytes) -> bool:
    """Every document of ``blob`` is answered by yaml_rs (no reference fallback)."""
    body = blob.removeprefix(b"\xef\xbb\xbf")
    if body.startswith(b"---") or b"\n---" in body:
        parts = module._DOC_START.split(body)
    else:
        parts = [body]
    return all(module._fast_document(p) is not module._MISSING for p in parts)


def run(name: str, fn: Callable[[bytes], Any], blobs: list[bytes], gc_off: bool) -> dict:
    total = sum(len(b) for b in blobs)
    errors = 0
    was = gc.isenabled()
    if gc_off:
        gc.disable()
    else:
        gc.enable()
    start = time.perf_counter()
    for b in blobs:
        try:
            fn(b)
        except Exception:
            errors += 1
    elapsed = time.perf_counter() - start
    if was:
        gc.enable()
    return {
        "candidate": name, "gc": "off" if gc_off else "on", "files": len(blobs),
        "mb": round(total / 1e6, 2), "seconds": round(elapsed, 3),
        "mb_per_s": round(total / 1e6 / elapsed, 2) if elapsed else None, "errors": errors,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", default=str(Path(__file__).resolve().parents[2] / "shared" / "samples"))
    ap.add_argument("--big", action="store_true", help="also parse a >= 100 MB synthetic stream")
    ap.add_argument("--skip-slow", action="store_true", help="skip PyYAML/reference_load on --big")
    ap.add_argument("--quick", action="store_true", help="skip PyYAML, ryml and reference_load")
    ap.add_argument("--baseline", metavar="REV", help="also time load_documents of parse.py at REV")
    args = ap.parse_args()

    root = Path(args.samples)
    if not root.is_dir():
        print(f"samples directory not found: {root}", file=sys.stderr)
        return 2
    yaml_files: list[bytes] = []
    json_files: list[bytes] = []
    for dirpath, _dirs, names in os.walk(root):
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            if name.endswith((".yaml", ".yml")):
                yaml_files.append(Path(path).read_bytes())
            elif name.endswith(".json"):
                json_files.append(Path(path).read_bytes())

    baseline = _load_baseline(args.baseline) if args.baseline else None
    fast = [_fast_path_eligible(parse, b) for b in yaml_files]
    fast_files = sum(fast)
    fast_bytes = sum(len(b) for b, ok in zip(yaml_files, fast) if ok)

    results: list[dict] = []
    candidates: list[tuple[str, Callable[[bytes], Any], list[bytes]]] = []
    if not args.quick:
        candidates.append(("pyyaml-CSafeLoader", _pyyaml, yaml_files))
    candidates.append(("yaml_rs", _yaml_rs, yaml_files))
    if ryml is not None and not args.quick:
        candidates.append(("ryml+orjson", _ryml, yaml_files))
    candidates.append(("prescan-only", _prescan, yaml_files))
    if not args.quick:
        candidates.append(("reference_load", parse.reference_load, yaml_files))
    if baseline is not None:
        candidates.append(("load_documents[base]", baseline.load_documents, yaml_files))
    candidates += [
        ("load_documents", parse.load_documents, yaml_files),
        ("orjson(json)", orjson.loads, json_files),
    ]
    if not args.quick:
        candidates.append(("reference_load(json)", parse.reference_load, json_files))
    candidates.append(("load_documents(json)", parse.load_documents, json_files))
    if args.big:
        parts: list[bytes] = []
        size = 0
        while size < 100_000_000:
            for b in yaml_files:
                parts.append(b"---\n" + b.removeprefix(b"---\n"))
                size += len(parts[-1])
                if size >= 100_000_000:
                    break
        big = [b"".join(parts)]
        print(f"synthetic stream: {len(big[0]) / 1e6:.1f} MB", file=sys.stderr)
        candidates.append(("yaml_rs(big)", _yaml_rs, big))
        if baseline is not None:
            candidates.append(("load_documents(big)[base]", baseline.load_documents, big))
        candidates.append(("load_documents(big)", parse.load_documents, big))
        if not args.skip_slow and not args.quick:
            candidates.append(("reference_load(big)", parse.reference_load, big))
    for name, fn, blobs in candidates:
        for gc_off in (False, True):
            if "(big)" in name and name != "yaml_rs(big)" and not gc_off:
                continue  # parse.* pause the GC themselves; one run is enough on 100 MB
            res = run(name, fn, blobs, gc_off)
            results.append(res)
            print(f"{res['candidate']:24} gc={res['gc']:3} files={res['files']:6} "
                  f"{res['mb']:8.2f} MB {res['seconds']:8.2f} s {res['mb_per_s']:8.2f} MB/s "
                  f"errors={res['errors']}", flush=True)
    if baseline is not None:
        base_fast = sum(_fast_path_eligible(baseline, b) for b in yaml_files)
        print(f"baseline {args.baseline} fast path eligible: {base_fast}/{len(yaml_files)} files")
    summary = {
        "yaml_files": len(yaml_files), "json_files": len(json_files),
        "fast_path_files": fast_files, "fast_path_bytes": fast_bytes,
        "yaml_bytes": sum(len(b) for b in yaml_files), "results": results,
    }
    print(f"fast path eligible: {fast_files}/{len(yaml_files)} files, "
          f"{fast_bytes / 1e6:.2f}/{summary['yaml_bytes'] / 1e6:.2f} MB")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
