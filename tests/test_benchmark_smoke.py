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

FIGURES = {  # figure -> does it have a measured baseline in a --skip-omg run
    "cold_start": True,
    "warm_restart": True,
    "rss": True,
    "kubectl_get_pods": False,  # omg skipped
    "get_throughput": True,
    "table_list": False,
    "logs_tail_bytes_read": False,
    "triage": False,
}


def _num(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and x == x


@pytest.mark.e2e
def test_quick_benchmark_reports_every_figure(tmp_path, kubectl_bin):
    out = tmp_path / "bench.json"
    r = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "benchmark.py"), "--quick", "--skip-omg", "--json", str(out)],
        capture_output=True, text=True, timeout=900, cwd=REPO, env={**os.environ, "KUBECTL": kubectl_bin},
    )
    assert r.returncode == 0, f"benchmark failed:\n{r.stdout}\n{r.stderr}"
    rep = json.loads(out.read_text())

    m = rep["machine"]
    assert m["nproc"] >= 1 and m["python"] and "cpu_model" in m and m["ram_gb"] > 0
    assert rep["tree"]["object_bytes"] > 0 and rep["tree"]["object_files"] > 0

    figs = rep["figures"]
    assert set(FIGURES) <= set(figs), set(FIGURES) - set(figs)
    for name, has_baseline in FIGURES.items():
        f = figs[name]
        assert _num(f["value"]) and f["value"] >= 0, (name, f)
        if has_baseline:
            assert _num(f["baseline"]) and f["baseline"] > 0, (name, f)
            assert _num(f["ratio"]), (name, f)
            assert isinstance(f["met"], bool), (name, f)
    # the figures are measured for real: the servers answered and kubectl listed the pods
    assert figs["kubectl_get_pods"]["rows"] > 0
    assert figs["table_list"]["rows"] == figs["kubectl_get_pods"]["rows"]
    assert figs["get_throughput"]["errors"] == 0
    assert figs["logs_tail_bytes_read"]["lines"] == 100
    # the table is printed too
    assert "cold start to /readyz" in r.stdout and "warm restart to /readyz" in r.stdout
