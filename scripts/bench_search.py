#!/usr/bin/env python3
"""Search against ripgrep, on the same tree, in the same run (issue 16 "Speed").

For a mix of queries (literals, case-insensitive literals, alternations, anchored and unanchored
regexes) this times ``GET /staticapi/v1/search`` (logs, node logs and events; the page's default
limit of 1000 hits, read to the summary line) against ``rg -z -n`` printing every matching line
over the same log files and the event files (what a grep user runs; ``rg -c`` prints only counts
and is not what a search answers), and checks the hit counts: ours (pod logs + node logs) must
equal ``rg -c`` summed over the log files (rg counts matching lines).

* ``first``: the query's first run on the server (the very first query of the run also builds the
  corpus unless the server pre-warmed it); goal ours/rg <= 1.5.
* ``repeat``: the same query again; ``refined``: the query narrowed (``q`` + a namespace filter, or a
  longer regex); goal ours/rg <= 0.5.

Usage::

    python scripts/bench_search.py --tree PATH        # starts `staticapi serve PATH` on a free port
    python scripts/bench_search.py --url URL --tree PATH

``scripts/benchmark.py`` calls :func:`measure` with its own server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

# (pattern, ignore case, refinement: a narrower pattern of the same search)
MIX = [
    ("error", False, "error.*timeout"),
    ("timeout", True, "upstream timeout"),
    ("Failed to", False, "Failed to (list|watch)"),
    ("connection refused", True, "dial tcp.*connection refused"),
    ("Started|Stopped|Killing", False, "Started container"),
    ("(warning|error)", True, "level=(warning|error)"),
    (r"^2025-03-20T0[3-5]:", False, r"^2025-03-20T0[3-5]:.*error"),
    (r"level=error", False, r'level=error msg="upstream'),
    (r"\d+\.\d+\.\d+\.\d+:\d+", False, r'\d+\.\d+\.\d+\.\d+:\d+" resp=200'),
    (r"attempt=\d$", False, r"upstream.*attempt=\d$"),
    (r"E\d{4} \d\d:\d\d", False, r"E\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ kubelet"),
    ("zzz-never-present", False, "zzz-never-present-either"),
]

LOG_GLOBS = ["**/logs/**", "**/host_service_logs/**", "**/nodes/*/*_logs_*"]
EVENT_GLOBS = ["**/core/events.yaml", "**/events.k8s.io/events/**"]


def rg_bin() -> str:
    rg = shutil.which("rg")
    if not rg:
        raise SystemExit("bench_search: rg (ripgrep) is not installed (Debian package ripgrep)")
    return rg


def rg_run(pattern: str, ignore_case: bool, tree: Path, globs: list[str], count: bool = True) -> tuple[float, int]:
    """(wall seconds, matching lines) of ``rg -z -c`` over the files the globs select; with
    ``count=False`` rg prints every matching line with its file and number (``rg -n``, what a
    search answers; the figure's baseline) and the second value is the bytes it printed."""
    args = [rg_bin(), "-z", "--no-messages", "--no-ignore", "--hidden"]
    args += ["-c", "--no-filename"] if count else ["-n", "--no-heading", "--with-filename"]
    for g in globs:
        args += ["-g", g]
    if ignore_case:
        args.append("-i")
    args += ["-e", pattern, "--", str(tree)]
    t0 = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    el = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        raise RuntimeError(f"rg failed: {r.stderr}")
    return el, sum(int(x) for x in r.stdout.split()) if count else len(r.stdout)


def ours(url: str, pattern: str, ignore_case: bool, extra: dict | None = None) -> tuple[float, dict]:
    params = {"q": pattern, "limit": "1000", **(extra or {})}
    if ignore_case:
        params["ignoreCase"] = "1"
    t0 = time.perf_counter()
    with urllib.request.urlopen(f"{url}/staticapi/v1/search?{urllib.parse.urlencode(params)}", timeout=600) as r:
        body = r.read()
    el = time.perf_counter() - t0
    summary = json.loads(body[body.rstrip(b"\n").rfind(b"\n") + 1:])
    assert summary["type"] == "summary", summary
    return el, summary


def _median(f, n: int) -> tuple[float, object]:
    runs = [f() for _ in range(n)]
    return statistics.median(r[0] for r in runs), runs[-1][1]


def measure(url: str, tree: Path, mix=MIX, runs: int = 3) -> dict:
    """The mix against rg. rg's times and our repeated/refined times are medians of ``runs``
    (the machine is shared: single runs vary by 2x); a first run is one run by definition."""
    tree = Path(tree)
    rows = []
    cold_s, cold = ours(url, mix[0][0], mix[0][1], {"limit": "1"})  # the run's very first query
    rg_cold_s, _ = _median(lambda: rg_run(mix[0][0], mix[0][1], tree, LOG_GLOBS + EVENT_GLOBS, False), runs)
    for pattern, ic, refined in mix:
        rg_logs_s, rg_count = _median(lambda p=pattern, c=ic: rg_run(p, c, tree, LOG_GLOBS), runs)
        rg_s, _ = _median(lambda p=pattern, c=ic: rg_run(p, c, tree, LOG_GLOBS + EVENT_GLOBS, False), runs)
        first_s, summ = ours(url, pattern, ic)
        repeat_s, _ = _median(lambda p=pattern, c=ic: ours(url, p, c), runs)
        rg_ref_s, _ = _median(lambda p=refined, c=ic: rg_run(p, c, tree, LOG_GLOBS + EVENT_GLOBS, False), runs)
        refined_s, _ = ours(url, refined, ic)
        got = summ["bySource"].get("logs", 0) + summ["bySource"].get("nodes", 0)
        rows.append({"pattern": pattern, "ignoreCase": ic, "refined": refined,
                     "rg_seconds": rg_s, "rg_logs_seconds": rg_logs_s, "rg_log_lines": rg_count,
                     "ours_log_lines": got, "ours_event_hits": summ["bySource"].get("events", 0),
                     "counts_equal": got == rg_count,
                     "first_seconds": first_s, "repeat_seconds": repeat_s, "refined_seconds": refined_s,
                     "rg_refined_seconds": rg_ref_s,
                     "first_ratio": first_s / rg_s, "repeat_ratio": repeat_s / rg_s,
                     "refined_ratio": refined_s / rg_ref_s, "bytes": summ["bytes"],
                     "documents": summ["documents"], "corpus": summ.get("corpus")})
    worst_first = max(r["first_ratio"] for r in rows)
    worst_repeat = max(r["repeat_ratio"] for r in rows)
    worst_refined = max(r["refined_ratio"] for r in rows)
    return {"queries": rows, "all_counts_equal": all(r["counts_equal"] for r in rows),
            "cold_first_seconds": cold_s, "cold_first_ratio": cold_s / rg_cold_s,
            "cold_first_corpus": cold.get("corpus"),
            "worst_first_ratio": worst_first, "worst_repeat_ratio": worst_repeat,
            "worst_refined_ratio": worst_refined,
            "median_first_ratio": statistics.median(r["first_ratio"] for r in rows),
            "median_repeat_ratio": statistics.median(r["repeat_ratio"] for r in rows),
            "median_refined_ratio": statistics.median(r["refined_ratio"] for r in rows),
            "first_goal_met": worst_first <= 1.5, "repeat_goal_met": worst_repeat <= 0.5,
            "refined_goal_met": worst_refined <= 0.5}


def print_table(res: dict) -> None:
    print(f"{'query':42} {'rg':>7} {'first':>7} {'x':>5} {'repeat':>7} {'x':>5} {'refined':>7} {'x':>5} "
          f"{'rg lines':>9} {'ours':>9}")
    for r in res["queries"]:
        q = ("-i " if r["ignoreCase"] else "") + r["pattern"]
        print(f"{q[:42]:42} {r['rg_seconds']:7.3f} {r['first_seconds']:7.3f} {r['first_ratio']:5.2f} "
              f"{r['repeat_seconds']:7.3f} {r['repeat_ratio']:5.2f} {r['refined_seconds']:7.3f} "
              f"{r['refined_ratio']:5.2f} {r['rg_log_lines']:9d} {r['ours_log_lines']:9d}"
              + ("" if r["counts_equal"] else "  COUNT MISMATCH"))
    print(f"very first query of the run (reads the logs unless pre-warmed): {res['cold_first_seconds']:.3f} s, "
          f"{res['cold_first_ratio']:.2f} x rg")
    print(f"counts equal rg: {res['all_counts_equal']}; first/rg worst {res['worst_first_ratio']:.2f} median "
          f"{res['median_first_ratio']:.2f} (goal <= 1.5); repeat/rg worst {res['worst_repeat_ratio']:.2f} median "
          f"{res['median_repeat_ratio']:.2f}; refined/rg worst {res['worst_refined_ratio']:.2f} median "
          f"{res['median_refined_ratio']:.2f} (goal <= 0.5)")


def _serve(tree: Path, tmp: Path, cache: Path | None = None) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "staticapi.cli", "serve", str(tree), "--port", "0", "--cache-dir", str(cache or tmp / "cache"),
           "--kubeconfig", str(tmp / "kubeconfig"), "--no-reload"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    # the server logs "settled" once its caches are written: then the search pre-warm starts
    url = None
    for line in proc.stdout:
        m = re.search(r"serving .* at (https?://\S+)", line)
        if m:
            url = m.group(1)
        if "settled in" in line or line.startswith("failed:"):
            break
    if url is None:
        proc.kill()
        raise SystemExit("bench_search: the server did not start")
    return proc, url


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tree", type=Path, required=True)
    p.add_argument("--url", help="a running server over --tree (default: start one)")
    p.add_argument("--json", type=Path)
    p.add_argument("--runs", type=int, default=3, help="runs per median (default 3)")
    p.add_argument("--warm", type=float, default=2.0, help="seconds to wait after the server settled")
    p.add_argument("--cache-dir", type=Path, help="the server's cache dir (default: a new one, so a cold start "
                   "whose indexing child may still write the index cache while the first queries run)")
    a = p.parse_args(argv)
    proc = None
    tmp = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        url = a.url
        if not url:
            proc, url = _serve(a.tree.resolve(), tmp, a.cache_dir)
        if proc is not None:
            time.sleep(a.warm)  # let the pre-warm (STATICAPI_SEARCH_PREWARM) finish
        res = measure(url, a.tree.resolve(), runs=a.runs)
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(res)
    if a.json:
        a.json.write_text(json.dumps(res, indent=1) + "\n")
    return 0 if res["all_counts_equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
