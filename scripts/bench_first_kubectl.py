#!/usr/bin/env python3
"""The first `kubectl get pods -A` right after each of N cold starts, against the same once the server
has settled (issue 20 "ready means ready"), as medians: one kubectl run varies by up to 2x on a shared
machine, and benchmark.py times the first one after a single cold start.

    python scripts/bench_first_kubectl.py TREE [--runs 3]

Each cold start has an empty cache dir and the tree in the page cache (benchmark.prime_page_cache),
each kubectl an empty discovery cache (bench_extra.kubectl_once).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_extra as X  # noqa: E402
import benchmark as B  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tree", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    kubectl = B.find_kubectl()
    home = Path(tempfile.mkdtemp(prefix="staticapi-first-"))
    firsts, settled = [], []
    try:
        for i in range(a.runs):
            B.prime_page_cache(a.tree)
            srv = B.Server(a.tree, home / f"cache-{i}", home / f"kubeconfig-{i}", 900)
            try:
                first = X.kubectl_once(kubectl, srv.kubeconfig, home / f"kc-first-{i}")["seconds"]
                srv.wait_settled(timeout=600)
                X.wait_idle(srv.pid)
                now = statistics.median(X.kubectl_once(kubectl, srv.kubeconfig, home / f"kc-{i}-{j}")["seconds"]
                                        for j in range(3))
            finally:
                srv.stop()
            firsts.append(first)
            settled.append(now)
            print(f"cold start {i + 1}: ready in {srv.ready_seconds:.2f} s; first kubectl {first:.2f} s, "
                  f"settled {now:.2f} s", flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    f, s = statistics.median(firsts), statistics.median(settled)
    print(f"median: first {f:.2f} s, settled {s:.2f} s, first ÷ settled {f / s:.3f}")


if __name__ == "__main__":
    main()
