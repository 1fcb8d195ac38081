#!/usr/bin/env python3
"""The `staticapi diff` figure of scripts/benchmark.py: two benchmark-sized must-gathers compared.

Goal (issue 17): compared in under 10 s once both are indexed (both loaded from their store
images), memory under the sum of their two stores plus 20%.

How it is measured: BASE is the benchmark tree, HEAD the same generator with the next seed (another
run of the same "job": other uids, generated name suffixes, timestamps, IPs). A first child process
indexes both (writes their store images; not timed). A second child loads both from their images,
materializes every table (the stores' full size: ``rss_stores``), then runs ``compare`` and records
its wall time and the peak RSS (VmHWM, reset before the compare). Both clusters' triage findings and
log signatures (which the health and logs sections compare) are computed first and timed apart:
they are memoised per store, and a server computes them for its overview and search pages anyway.
``memory_ratio`` = 1 + (peak during compare - RSS before it) / (the two stores);
``memos_ratio`` = what the findings and signatures memos hold, over the two stores.

Usage (alone)::

    python scripts/bench_diff.py BASE_TREE HEAD_TREE [--cache DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
from pathlib import Path


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def child(base: str, head: str, cache: str, index_only: bool) -> dict:
    from staticapi.insight.context import open_sources
    from staticapi.insight.diff import compare

    gc.collect()
    rss0 = _status_kb("VmRSS")
    t0 = time.perf_counter()
    b, h = asyncio.run(open_sources([base, head], Path(cache)))
    load_s = time.perf_counter() - t0
    if index_only:
        return {"load_seconds": round(load_s, 2)}
    t0 = time.perf_counter()
    for ci in (b, h):
        for t in list(ci.store.tables.values()):
            t.objects  # noqa: B018  (materialize: the stores at full size)
    materialize_s = time.perf_counter() - t0
    gc.collect()
    rss_stores = _status_kb("VmRSS")
    memo_s = {}
    for key, mod in (("triage", "triage"), ("signatures", "signatures")):
        # what the health and logs sections compare: memoised per store (a server computes them for
        # its overview and search pages anyway), so timed apart
        try:
            m = __import__(f"staticapi.insight.{mod}", fromlist=["compute"])
        except ImportError:
            continue
        t0 = time.perf_counter()
        for ci in (b, h):
            ci.derive_sync(getattr(m, "DERIVE_KEY", key), m.compute)
        memo_s[key] = round(time.perf_counter() - t0, 2)
    gc.collect()
    rss_memos = _status_kb("VmRSS")
    try:  # reset VmHWM to the current RSS (Linux >= 4.0, proc(5) clear_refs)
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    t0, c0 = time.perf_counter(), time.process_time()
    rep = compare(b, h)
    compare_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    peak = _status_kb("VmHWM")
    stores = max(1, rss_stores - rss0)
    return {"load_seconds": round(load_s, 2), "materialize_seconds": round(materialize_s, 2),
            "compare_seconds": round(compare_s, 2), "cpu_seconds": round(cpu_s, 2), "memo_seconds": memo_s,
            "rss_interpreter": rss0, "rss_stores": rss_stores, "rss_memos": rss_memos,
            "peak_rss": peak,
            # the diff's own memory over the two stores (findings and signatures memos excluded)
            "memory_ratio": round(1 + (peak - rss_memos) / stores, 3),
            "memos_ratio": round((rss_memos - rss_stores) / stores, 3),
            "objects": [b.store.count(), h.store.count()], "summary": rep["summary"]}


def run(base: Path, head: Path, cache: Path, timeout: float = 3600) -> dict:
    """Index both (first child), then measure (second child); returns the second child's figures."""
    cmd = [sys.executable, str(Path(__file__)), str(base), str(head), "--cache", str(cache), "--child"]
    first = subprocess.run(cmd + ["--index-only"], capture_output=True, text=True, timeout=timeout)
    if first.returncode != 0:
        raise RuntimeError(f"diff indexing failed: {first.stderr[-2000:]}")
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if second.returncode != 0:
        raise RuntimeError(f"diff measurement failed: {second.stderr[-2000:]}")
    out = json.loads(second.stdout.strip().splitlines()[-1])
    out["index_seconds"] = json.loads(first.stdout.strip().splitlines()[-1])["load_seconds"]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="time staticapi diff on two must-gathers")
    p.add_argument("base", type=Path)
    p.add_argument("head", type=Path)
    p.add_argument("--cache", type=Path, default=Path(".cache/bench/diff-cache"))
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--index-only", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        print(json.dumps(child(str(a.base), str(a.head), str(a.cache), a.index_only)))
        return 0
    print(json.dumps(run(a.base, a.head, a.cache), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
