"""Smoke test of scripts/benchmark.py: one --quick run produces every figure as a number.

The performance goals themselves are not asserted (they are measurements, not
unit tests, and depend on the machine); this only proves the benchmark runs end
to end on a fresh checkout (tree generation, servers, kubectl, the load client,
the hello-world baseline) and reports what the issue "Performance" asks for.
"""

from __future__ import annotations

import json
import numbers
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"

FIGURES = {  # figure -> (has a measured baseline in a --skip-omg run, has a goal that is met or not)
    "cold_start": (True, True),
    "warm_restart": (True, True),
    "rss": (True, True),
    "kubectl_get_pods": (True, True),  # ÷ kubectl against our responses replayed from memory
    "kubectl_first": (True, True),  # the first one after the cold start ÷ the same floor
    "unpaged_list_growth": (False, True),  # doubled tree ÷ tree
    "url_to_ready": (True, True),  # serve URL ÷ curl + tar -x + naive parse
    "get_throughput": (True, True),
    "table_list": (False, False),
    "logs_tail_bytes_read": (False, True),
    "triage": (False, True),
    "search_first": (True, True),  # the search mix against rg (scripts/bench_search.py)
    "search_again": (False, True),
    "object_page": (False, True),
}
REAL_FIGURES = {  # on the tree of real objects built from ../shared/samples (bench_trees.py)
    "real_cold_start": (True, True),
    "real_warm_restart": (True, True),
    "real_rss": (True, True),
    "real_kubectl_first": (True, True),
    "real_kubectl_settled": (True, True),
    "real_parse_rate": (True, False),
    "real_unpaged_list_growth": (False, True),
    "real_url_to_ready": (True, True),  # the run passes --url
}


def _num(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and x == x


@pytest.mark.e2e
def test_quick_benchmark_reports_every_figure(tmp_path, kubectl_bin):
    out = tmp_path / "bench.json"
    r = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "benchmark.py"), "--quick", "--skip-omg", "--url", "--json", str(out)],
        capture_output=True, text=True, timeout=900, cwd=REPO, env={**os.environ, "KUBECTL": kubectl_bin},
    )
    assert r.returncode == 0, f"benchmark failed:\n{r.stdout}\n{r.stderr}"
    rep = json.loads(out.read_text())

    m = rep["machine"]
    assert m["nproc"] >= 1 and m["python"] and "cpu_model" in m and m["ram_gb"] > 0
    assert rep["tree"]["object_bytes"] > 0 and rep["tree"]["object_files"] > 0

    figs = rep["figures"]
    expected = dict(FIGURES)
    if SAMPLES.is_dir():
        expected.update(REAL_FIGURES)
    assert set(expected) <= set(figs), set(expected) - set(figs)
    for name, (has_baseline, has_goal) in expected.items():
        f = figs[name]
        assert _num(f["value"]) and f["value"] >= 0, (name, f)
        if has_baseline:
            assert _num(f["baseline"]) and f["baseline"] > 0, (name, f)
            assert _num(f["ratio"]), (name, f)
        assert isinstance(f["met"], bool) == has_goal, (name, f)
    for name in ("cold_start", "warm_restart") + (("real_cold_start",) if SAMPLES.is_dir() else ()):
        assert _num(figs[name]["baseline_kept"]) and _num(figs[name]["ratio_kept"]), name
    # the figures are measured for real: the servers answered and kubectl listed the pods
    assert figs["kubectl_get_pods"]["rows"] > 0
    assert figs["table_list"]["rows"] == figs["kubectl_get_pods"]["rows"]
    assert figs["get_throughput"]["errors"] == 0
    assert figs["logs_tail_bytes_read"]["lines"] == 100
    assert figs["search_first"]["counts_equal_rg"] is True and figs["search_first"]["queries"] >= 10
    assert figs["kubectl_first"]["rows"] == figs["kubectl_get_pods"]["rows"]
    g = figs["unpaged_list_growth"]
    assert 1.9 < g["doubled_bytes"] / g["single_bytes"] < 2.1  # the doubled tree has twice the pods
    if SAMPLES.is_dir():
        census = rep["details"]["real_tree"]["parse_census"]
        assert {"list file", "pod file", "event file"} <= set(census)
        assert sum(census["pod file"]["documents"].values()) == census["pod file"]["files"]
        assert figs["real_kubectl_first"]["rows"] == figs["real_kubectl_settled"]["rows"] > 0
    # the table is printed too
    assert "cold start to /readyz" in r.stdout and "warm restart to /readyz" in r.stdout
