"""Issue "Reliability and security": `scripts/loadtest.py --short` passes.

The load test starts its own server on a generated must-gather (loopback only),
runs concurrent mixed clients, opens and abandons idle watches, and edits files
under live reload while watchers run; its JSON report must say zero errors and
consistent watch sequences. No timing is asserted here: latencies are reported,
not judged.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.e2e


def test_loadtest_short(tmp_path):
    out = tmp_path / "report.json"
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "loadtest.py"), "--short", "--json", str(out)],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert out.exists(), f"no report (exit {r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    rep = json.loads(out.read_text())
    detail = f"\n{r.stdout[-4000:]}\n{r.stderr[-2000:]}"
    assert rep["mixed"]["requests"] > 0, detail
    assert rep["mixed"]["errors"] == 0, detail
    assert set(rep["mixed"]["ops"]) >= {"list", "list_table", "get", "logs", "watch"}, detail
    idle = rep["idle_watches"]
    assert idle["errors"] == 0 and idle["gauge_peak"] >= idle["gauge_baseline"] + idle["watches"], detail
    assert idle["gauge_back_seconds"] is not None, f"open-watch gauge did not return to baseline{detail}"
    storm = rep["reload_storm"]
    assert storm["events"] > 0, detail
    for k in ("non_increasing", "duplicated", "inconsistent", "watchers_final_state_mismatch", "errors"):
        assert storm[k] == 0, f"{k}: {storm['problems']}{detail}"
    assert storm["final_list_matches_disk"], detail
    assert rep["watch_sequences_consistent"] is True
    assert rep["server"]["tracebacks_in_log"] == 0, detail
    assert rep["errors"] == 0 and rep["ok"] is True and r.returncode == 0, detail
