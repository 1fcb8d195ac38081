"""Search (insight/corpus.py, insight/search.py, web/search_api.py, `staticapi search`) with rg as the oracle.

The tree is the bundled fixture must-gather plus node logs written here: ``host_service_logs``
(journal lines of three masters interleaved, plain and .gz, as ``oc adm node-logs --role=master``
writes them) and node-gather ``nodes/<node>/<node>_logs_kubelet.gz``. Hit counts must equal
``rg -z -c`` on the same files (rg counts matching lines; -i for ignoreCase).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURE, SAMPLES, needs_samples, start_server
from staticapi.insight import corpus as corpusmod
from staticapi.insight import corpus_docs
from staticapi.insight import search as S
from staticapi.insight import signatures as sigmod
from staticapi.insight.context import open_sources

RG = shutil.which("rg")
needs_rg = pytest.mark.skipif(RG is None, reason="rg (ripgrep) not installed")

# the mix: literals, case-insensitive literals, alternations, anchored and unanchored regexes
MIX = [
    ("error", False),
    ("Error", True),
    ("upstream timeout", False),
    ("PLEG IS NOT HEALTHY", True),
    ("Started|Stopped|Killing", False),
    ("(timeout|refused|reset by peer)", True),
    (r"^2025-03-20T0[3-5]:", False),
    (r"level=(error|warning)", False),
    (r"\d+\.\d+\.\d+\.\d+:\d+", False),
    (r"attempt=\d$", False),
    (r"E\d{4} \d\d:\d\d", False),
    (r"kubenswrapper\[\d+\]: E", False),
    ("ZZZ-never-present", False),
    # no literal prefix but an inner literal: the prefilter's path (search_literal.py)
    (r"^2025-03-20T0[3-5]:.*error", False),
    (r'\d+\.\d+\.\d+\.\d+:\d+" resp=', False),
    (r"\w+ timeout", False),
]

MASTERS = ["master-0", "master-1", "master-2"]


def _journal(service: str, start_min: int, n: int, err_from: int) -> str:
    lines = []
    for i in range(n):
        node = MASTERS[i % 3]
        mm = start_min + i // 6
        ts = f"Mar 20 {10 + mm // 60:02d}:{mm % 60:02d}:{(i * 7) % 60:02d}.{i:06d}"
        if i >= err_from:
            msg = (f'E0320 {10 + mm // 60:02d}:{mm % 60:02d}:00.000000    2345 kubelet.go:2412] "PLEG is not healthy" '
                   f'pleg was last seen active {i}m0s ago; threshold is 3m0s node="{node}" ip=10.0.0.{i % 250}:10250')
        else:
            msg = f'I0320 {10 + mm // 60:02d}:{mm % 60:02d}:00.000000    2345 kubelet.go:100] "SyncLoop (housekeeping)"'
        lines.append(f"{ts} {node} kubenswrapper[2345]: {msg}")
    return "\n".join(lines) + "\n"


def build_tree(root: Path) -> Path:
    """The fixture must-gather plus node logs, a pathological line and a hostile line, at ``root``."""
    shutil.copytree(FIXTURE, root, symlinks=True)
    image = next(p for p in sorted(root.iterdir()) if p.is_dir() and (p / "namespaces").is_dir())
    # the node logs here replace the fixture's own (its truncated gzip is searched up to the damage,
    # where rg gives up on the file: tests/test_nodelogs.py covers it)
    shutil.rmtree(image / "host_service_logs")
    shutil.rmtree(image / "nodes")
    hsl = image / "host_service_logs" / "masters"
    hsl.mkdir(parents=True)
    (hsl / "kubelet_service.log").write_text(_journal("kubelet", 0, 300, 252))  # errors start at 10:42
    (hsl / "crio_service.log.gz").write_bytes(gzip.compress(_journal("crio", 5, 60, 30).encode()))
    ng = image / "nodes" / "master-0"
    ng.mkdir(parents=True)
    (ng / "master-0_logs_kubelet.gz").write_bytes(gzip.compress(_journal("kubelet", 0, 90, 45).encode()))
    (ng / "lspci").write_text("00:00.0 Host bridge: error not a log\n")  # not a node log: never searched
    # a pathological line for (a+)+$, a line without a final newline, markup that must stay text
    pod = image / "namespaces" / "demo-apps" / "pods" / "evil" / "c" / "c" / "logs"
    pod.mkdir(parents=True)
    (pod / "current.log").write_bytes(b"2025-03-20T07:00:00Z " + b"a" * 200_000 + b"b\n"
                                      + b"2025-03-20T07:00:01Z hostile <img src=x onerror=alert(1)><script>alert(2)</script>\n"
                                      + b"last error line")
    return root


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return build_tree(tmp_path_factory.mktemp("search-tree") / "mg")


@pytest.fixture(scope="module")
def ci(tree, tmp_path_factory):
    [ci] = asyncio.run(open_sources([str(tree)], tmp_path_factory.mktemp("search-cache")))
    return ci


@pytest.fixture(scope="module")
def corpus(ci):
    return corpusmod.corpus_of(ci)


def _rg_counts(pattern: str, ignore_case: bool, files: list[str]) -> dict[str, int]:
    args = [RG, "-z", "-c", "--no-messages", "--with-filename", *(["-i"] if ignore_case else []), "-e", pattern,
            "--", *files]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    out = {}
    for line in r.stdout.splitlines():
        path, _, n = line.rpartition(":")
        out[path] = int(n)
    return out


@needs_rg
@pytest.mark.parametrize("pattern,ignore_case", MIX)
def test_log_counts_equal_rg(corpus, tree, pattern, ignore_case):
    docs = corpus.docs("logs") + corpus.docs("nodes")
    assert any(d.path.endswith(".gz") for d in docs)
    want = _rg_counts(pattern, ignore_case, [d.path for d in docs])
    by_rel = {str(Path(tree) / k): v for k, v in S.count_lines(
        corpus, S.Query(pattern, ignore_case=ignore_case, sources=("logs", "nodes"))).items()}
    assert by_rel == want


@needs_rg
@pytest.mark.parametrize("pattern,ignore_case", MIX[:6])
def test_event_counts_equal_rg_on_event_lines(corpus, tmp_path, pattern, ignore_case):
    seg = next(corpus.segments(("events",)))
    assert len(seg.docs) > 10
    f = tmp_path / "events.txt"
    f.write_bytes(seg.data)
    want = sum(_rg_counts(pattern, ignore_case, [str(f)]).values())
    got = [h for h in S.search(corpus, S.Query(pattern, ignore_case=ignore_case, sources=("events",),
                                                limit=100_000))]
    assert got[-1]["hits"] == want == len(got) - 1


def test_node_logs_found_with_node_service_and_time(corpus):
    docs = corpus.docs("nodes")
    assert {(d.service, d.node) for d in docs} == {("kubelet", ""), ("crio", ""), ("kubelet", "master-0")}
    hits = list(S.search(corpus, S.Query("PLEG is not healthy", sources=("nodes",), limit=1000)))
    h = next(h for h in hits if h["type"] == "hit" and h["path"].endswith("kubelet_service.log"))
    assert h["source"] == "nodes" and h["node"] in MASTERS and h["service"] == "kubelet"
    assert h["time"].startswith("2025-03-20T10:42:")  # the journal's time, the collection's year
    assert h["link"].startswith(f"ui/nodelogs/{h['node']}/kubelet?file=") and h["link"].endswith(f"#L{h['line']}")
    summary = hits[-1]
    assert summary["bySource"]["nodes"] == 48 + 30 + 45
    series = {s["label"] for s in summary["histogram"]["series"]}
    assert {"node master-0", "node master-1", "node master-2"} <= series
    # the chart says when it started: nothing before 10:42 (the bucket holding 10:00 .. is empty)
    hist = summary["histogram"]
    assert sum(hist["counts"]) == summary["hits"]


def test_pod_log_hits_link_and_context(corpus):
    hits = list(S.search(corpus, S.Query("upstream timeout", context=1, limit=3)))
    h = hits[0]
    assert h["source"] == "logs" and h["namespace"] == "demo-apps"
    assert h["link"].startswith(f"ui/logs/demo-apps/{h['pod']}/{h['container']}")
    assert h["link"].endswith(f"#L{h['line']}")
    assert "time" in h and "text" in h and "after" in h and "before" in h
    lines = Path(corpus.docs("logs")[0].path).parent  # noqa: F841 - layout sanity below
    full = [d for d in corpus.docs("logs") if d.rel == h["path"]][0]
    text = corpus_docs.read_text(full.path).decode().split("\n")
    assert text[h["line"] - 1].startswith(h["text"][:50])
    if h["line"] > 1:
        assert h["before"] == [text[h["line"] - 2]]


def test_previous_and_rotated_are_searched(corpus):
    docs = corpus.docs("logs")
    assert any(d.previous for d in docs)
    rotated = [d for d in docs if "rotated/" in d.rel]
    assert rotated and all(d.file for d in rotated)
    q = S.Query(".", limit=100_000, sources=("logs",))
    paths = {h["path"] for h in S.search(corpus, q) if h["type"] == "hit"}
    assert {d.rel for d in rotated} <= paths
    h = next(h for h in S.search(corpus, q) if h["type"] == "hit" and "rotated/" in h["path"])
    assert "file=" in h["link"]


def test_filters(corpus):
    q = S.Query("error", ignore_case=True, namespace="demo-apps", limit=100_000)
    hits = [h for h in S.search(corpus, q) if h["type"] == "hit"]
    assert hits and all(h["namespace"] == "demo-apps" for h in hits)
    q = S.Query(".", kind="Node", sources=("nodes", "logs"), limit=10)
    assert all(h["source"] == "nodes" for h in S.search(corpus, q) if h["type"] == "hit")
    q = S.Query("PLEG", sources=("nodes",), since=S.parse_time("2025-03-20T10:45:00Z", "from"), limit=100_000)
    hits = [h for h in S.search(corpus, q) if h["type"] == "hit"]
    assert hits and all(h["time"] >= "2025-03-20T10:45" for h in hits)


def test_limit_keeps_counting(corpus):
    out = list(S.search(corpus, S.Query(".", limit=5)))
    assert len(out) == 6 and out[-1]["returned"] == 5 and out[-1]["hits"] > 5 and out[-1]["truncated"]


def test_bad_regex_and_params():
    with pytest.raises(S.QueryError, match="missing"):
        S.query_from_params({"q": "(unclosed"})
    with pytest.raises(S.QueryError):
        S.query_from_params({"q": "x", "in": "logs,bogus"})
    with pytest.raises(S.QueryError):
        S.query_from_params({"q": "x", "from": "yesterday"})
    with pytest.raises(S.QueryError):
        S.query_from_params({"q": ""})
    with pytest.raises(S.QueryError):
        S.query_from_params({"q": r"(\w+)\1"})  # backreferences: not linear, RE2 refuses them


def test_pathological_regex_is_linear(corpus):
    done = threading.Event()
    result = []

    def run():
        result.extend(S.search(corpus, S.Query("(a+)+$", limit=10, sources=("logs",))))
        result.extend(S.search(corpus, S.Query("(a+)+b$", limit=10, sources=("logs",))))
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(60), "a pathological regex hung the search"
    assert result[0]["type"] == "summary" and result[0]["hits"] == 0  # the line ends in b
    assert result[1]["type"] == "hit" and result[1]["pod"] == "evil" and result[-1]["hits"] == 1


def test_stop_ends_the_scan(corpus):
    stop = threading.Event()
    it = S.search(corpus, S.Query(".", limit=100_000), stop)
    next(it)
    stop.set()
    rest = list(it)
    assert rest[-1]["type"] == "summary" and rest[-1]["cancelled"]


def test_objects_opt_in(corpus, ci):
    import re2

    pod = next(ci.store.objects("", "pods"))
    ip = (pod.get("status") or {}).get("podIP")
    assert ip
    assert not any(h.get("source") == "objects" for h in S.search(corpus, S.Query(ip.replace(".", r"\."))))
    hits = [h for h in S.search(corpus, S.Query(ip.replace(".", r"\."), sources=("objects",), limit=1000))
            if h["type"] == "hit"]
    assert any(h["kind"] == "Pod" and h["name"] == pod["metadata"]["name"] for h in hits)
    assert hits[0]["link"].startswith("ui/objects/")
    node = next(ci.store.objects("", "nodes"))["metadata"]["name"]
    hits = [h for h in S.search(corpus, S.Query(re2.escape(node), sources=("objects",), kind="Node"))
            if h["type"] == "hit"]
    assert hits and hits[0]["link"] == f"ui/objects/core/nodes/_/{node}"


def test_signatures(ci):
    sigs = sigmod.compute(ci)
    pleg = [s for s in sigs if s.source == "nodes" and "PLEG is not healthy" in s.text and s.container == "kubelet"]
    # 48 + 30 (crio file has the same kubelet-like lines but is service crio) -> kubelet: two files
    assert pleg and pleg[0].count >= 48 and "<n>" in pleg[0].text and "<ip>" in pleg[0].text
    s = pleg[0]
    assert s.first_seen is not None and s.first_seen <= s.last_seen
    import re2

    assert re2.search(s.query(), s.sample)
    d = s.to_dict()
    assert d["firstSeen"].startswith("2025-03-20T10:07") and d["level"] == "error"  # node-gather file: 10:07
    assert sigmod.normalise("failed 10.1.2.3:443 id=3f2a9c1e-1b2c-4d5e-8f90-1234567890ab n=42") == \
        "failed <ip> id=<uuid> n=<n>"


# ------------------------------------------------------------------------------- server and CLI
@pytest.fixture(scope="module")
def server(tree, tmp_path_factory):
    srv = start_server([str(tree)], tmp_path_factory.mktemp("search-server"))
    yield srv
    srv.stop()


def _ndjson(url: str) -> list[dict]:
    with urllib.request.urlopen(url, timeout=60) as r:
        assert r.headers["Content-Type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in r.read().splitlines()]


def test_api_streams_hits_then_summary(server):
    out = _ndjson(server.url + "/staticapi/v1/search?q=PLEG+is+not+healthy&limit=7&context=1")
    assert [o["type"] for o in out] == ["hit"] * 7 + ["summary"]
    assert out[0]["link"].startswith("/ui/nodelogs/")
    assert out[-1]["hits"] == 48 + 30 + 45 and out[-1]["truncated"]
    name = out[0].get("cluster") or server.get("/clusters")[1]["items"][0]["name"]
    out2 = _ndjson(server.url + f"/clusters/{name}/staticapi/v1/search?q=upstream%20timeout&in=logs")
    assert out2[0]["link"].startswith(f"/clusters/{name}/ui/logs/demo-apps/")


def test_api_client_disconnect_stops_the_scan(server):
    import socket
    from urllib.parse import urlsplit

    u = urlsplit(server.url)
    with socket.create_connection((u.hostname, u.port), timeout=30) as s:
        s.sendall(b"GET /staticapi/v1/search?q=.&limit=100000&context=20 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
    for _ in range(100):
        if any("the client went away; scan stopped" in line for line in server.output):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("no sign of a stopped scan in the server log")
    code, body, _ = server.get("/staticapi/v1/search?q=upstream&limit=1")  # and it still answers
    assert code == 200


def test_api_bad_regex_is_400(server):
    code, body, _ = server.get("/staticapi/v1/search?q=%28oops")
    assert code == 400 and body["kind"] == "Status" and "missing" in body["message"]
    code, body, _ = server.get("/staticapi/v1/search?q=x&limit=lots")
    assert code == 400


def test_api_signatures(server):
    code, body, _ = server.get("/staticapi/v1/signatures?limit=5")
    assert code == 200 and body["kind"] == "SignatureList" and len(body["items"]) == 5
    assert all("query" in s and "count" in s for s in body["items"])


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "staticapi.cli", "search", *args], capture_output=True, text=True,
                          timeout=300)


def test_cli_grep_like(tree, tmp_path):
    cache = str(tmp_path / "cache")
    r = _cli(str(tree), "upstream timeout", "--cache-dir", cache)
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    path, line, text = first.split(":", 2)
    assert path.endswith(".log") and int(line) >= 1 and "upstream timeout" in text
    assert _cli(str(tree), "ZZZ-never-present", "--cache-dir", cache).returncode == 1
    bad = _cli(str(tree), "(", "--cache-dir", cache)
    assert bad.returncode == 2 and "invalid regex" in bad.stderr
    r = _cli(str(tree), "pleg", "-i", "--in", "nodes", "-o", "json", "--limit", "2", "--cache-dir", cache)
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["type"] for x in rows] == ["hit", "hit", "summary"] and rows[-1]["hits"] == 123
    assert _cli(str(tmp_path / "missing"), "x", "--cache-dir", cache).returncode == 2


@needs_samples
@needs_rg
def test_cnv_sample_node_gather_counts_equal_rg(tmp_path):
    src = SAMPLES / "must-gather-explorer-cnv"
    [ci] = asyncio.run(open_sources([str(src)], tmp_path / "cache"))
    corpus = corpusmod.corpus_of(ci)
    docs = corpus.docs("nodes")
    assert len(docs) >= 3 and all(d.node and d.service == "kubelet" for d in docs)
    for pattern, ic in (("error", True), (r"^\w+ \d+ \d\d:\d\d", False), ("kubenswrapper", False)):
        want = _rg_counts(pattern, ic, [d.path for d in docs])
        got = S.count_lines(corpus, S.Query(pattern, ignore_case=ic, sources=("nodes",)))
        assert {str(src.resolve() / k): v for k, v in got.items()} == want


# ------------------------------------------------------------------------------- repeated and refined
def test_narrower_rule():
    from staticapi.insight.search_cache import narrower

    assert narrower("error.*timeout", "error")
    assert narrower("upstream timeout", "timeout")
    assert narrower("level=(warning|error)", "(warning|error)")
    assert narrower(r"^2025-03-20T0[3-5]:.*error", r"^2025-03-20T0[3-5]:")
    assert not narrower("error|timeout", "error")  # a top-level | widens
    assert not narrower("errors*", "errors")  # the quantifier binds to the earlier part's last atom
    assert not narrower("a|b.*c", "a|b")
    assert not narrower("(?i)error", "error")  # a flag changes how the earlier part matches
    assert not narrower(r"a\\d", "a\\")
    assert not narrower("x[|]y|z", "x[|]y")
    assert not narrower("error", "error.*timeout")
    # RE2 syntax that the added text completes or turns into text (tests/test_search_refine_soundness.py)
    assert not narrower("a{2}", "a{2")  # 'a{2' is the text "a{2"; 'a{2}' is "aa"
    assert not narrower("a{2,3}", "a{2,")
    assert not narrower(r"\Q\ba", r"\ba")  # quoted: the text "\ba", without its word boundary
    assert not narrower(r"\pLx", "Lx")  # a letter class
    assert not narrower(r"a\01", r"a\0")  # another octal escape
    assert not narrower("[ab]]", "ab]")
    assert not narrower(r"\Qa.b\E*", r"\Qa.b")  # the '*' repeats the quoted 'b'
    assert narrower(r'\d+\.\d+\.\d+\.\d+:\d+" resp=200', r"\d+\.\d+\.\d+\.\d+:\d+")


@pytest.mark.parametrize("base,refined,extra", [
    ("error", "error.*timeout", {}),
    ("timeout", "upstream timeout", {"ignore_case": True}),
    ("e", "e", {"namespace": "demo-apps"}),
    ("PLEG", "PLEG is not", {"sources": ("nodes",)}),
    ("attempt=", "attempt=\\d$", {"context": 1}),
    ("2025", "^2025", {}),
    ("line", "\\bline", {"sources": ("logs",)}),
    ("error", r"^2025-03-20T0[3-5]:.*error", {}),  # the literal "error" is required: not a syntactic refinement
    ("Timeout", r"\w+ timeout", {"base_ignore_case": True}),
])
def test_refined_equals_full_scan(corpus, base, refined, extra):
    from staticapi.insight.search_cache import cached_search

    corpus.results = None  # a fresh cache
    ic = extra.get("ignore_case", False)
    src = extra.get("sources", S.DEFAULT_SOURCES)
    base_ic = extra.pop("base_ignore_case", ic)
    first = list(cached_search(corpus, S.Query(base, ignore_case=base_ic, sources=src, limit=100_000)))
    assert "refinedFrom" not in first[-1]
    q = S.Query(refined, limit=50, **extra)
    got = list(cached_search(corpus, q))
    want = list(S.search(corpus, q))
    assert got[-1].get("refinedFrom") is True
    strip = lambda rs: [{k: v for k, v in r.items() if k not in ("elapsedSeconds", "corpus", "documents",  # noqa: E731
                                                                  "bytes", "refinedFrom", "cached")} for r in rs]
    assert strip(got)[:-1] == strip(want)[:-1]
    assert {k: (v, strip(want)[-1].get(k)) for k, v in strip(got)[-1].items() if strip(want)[-1].get(k) != v} == {}
    again = list(cached_search(corpus, q))
    assert again[-1]["cached"] and strip(again) == strip(want)


@needs_samples
@needs_rg
@pytest.mark.parametrize("sample", ["must-gather-clean-release-4.8/release-4.8", "omc-testdata",
                                    "static-kas-testdata", "mugshine/mgs/validMg", "must-gather-explorer-cnv"])
def test_samples_counts_equal_rg(sample, tmp_path):
    src = SAMPLES / sample
    [ci] = asyncio.run(open_sources([str(src)], tmp_path / "cache"))
    corpus = corpusmod.corpus_of(ci)
    docs = corpus.docs("logs") + corpus.docs("nodes")
    assert docs, f"no log found in {sample}"
    base = Path(ci.roots[0])
    for pattern, ic in MIX[:2] + MIX[4:12] + [("raft|lease", True), (r"\bI\d{4}\b", False)]:
        want = _rg_counts(pattern, ic, [d.path for d in docs])
        got = S.count_lines(corpus, S.Query(pattern, ignore_case=ic, sources=("logs", "nodes")))
        assert {str(base / k): v for k, v in got.items()} == want, pattern


@pytest.mark.parametrize("pattern", [r"^2025-03-20T0[3-5]:.*error", r"\w+ timeout", r"\w+\.demo-apps\.svc",
                                     r"[a-z]+=\d$", r"[a-z]+=\"upstream"])
def test_literal_prefilter_equals_re2_scan(corpus, monkeypatch, pattern):
    """The lines found through a required literal are the lines RE2 finds scanning everything."""
    q = S.Query(pattern, sources=("logs", "nodes", "events"), limit=100_000)
    calls = []
    real = S._literal_lines
    monkeypatch.setattr(S, "_literal_lines", lambda *a: calls.append(1) or real(*a))
    with_prefilter = list(S.search(corpus, q))
    assert calls, "the prefilter was not used"
    monkeypatch.setattr(S, "required", lambda p, ic: S.Literals())
    plain = list(S.search(corpus, q))
    strip = lambda rs: [{k: v for k, v in r.items() if k not in ("elapsedSeconds", "corpus")} for r in rs]  # noqa: E731
    assert strip(with_prefilter) == strip(plain)
    assert plain[-1]["hits"] > 0


def test_event_hits_link_to_the_involved_object(corpus):
    hits = [h for h in S.search(corpus, S.Query(".", sources=("events",), limit=100_000)) if h["type"] == "hit"]
    assert hits and all("time" in h for h in hits)
    pod = next(h for h in hits if h["kind"] == "Pod")
    assert pod["link"] == f"ui/objects/core/pods/{pod['namespace']}/{pod['name']}"
    node = [h for h in hits if h["kind"] == "Node"]
    assert not node or node[0]["link"] == f"ui/objects/core/nodes/_/{node[0]['name']}"
    kinds = {h["kind"] for h in hits}
    assert len(kinds) >= 2, kinds
    dep = next(h for h in hits if h["kind"] == "Deployment")
    assert dep["link"] == f"ui/objects/apps/deployments/{dep['namespace']}/{dep['name']}"


def test_line_time_forms():
    from datetime import datetime, timezone

    def ts(s):
        return datetime.fromisoformat(s).replace(tzinfo=timezone.utc).timestamp()

    from staticapi.insight import logtime

    lt = logtime.line_time
    assert lt(b"2025-03-20T07:00:00.5Z x", 2025) == (ts("2025-03-20T07:00:00") + 0.5, "")
    assert lt(b"2025-03-20T09:00:00+02:00 stdout F x", 2025)[0] == ts("2025-03-20T07:00:00")
    assert lt(b"E0320 07:00:01.250000    1 x.go:1] boom", 2025)[0] == ts("2025-03-20T07:00:01") + 0.25
    assert lt(b"Mar 20 07:00:02.5 master-1 kubenswrapper[1]: x", 2025) == (ts("2025-03-20T07:00:02") + 0.5,
                                                                          "master-1")
    assert lt(b'time="2025-03-20T07:00:03Z" level=info', 2025)[0] == ts("2025-03-20T07:00:03")
    assert lt(b"no time here", 2025) == (None, "")
    # a December journal line collected on January 2nd belongs to the year before
    latest = ts("2026-01-03T00:00:00")
    assert lt(b"Dec 31 23:59:59 n k[1]: x", 2026, latest)[0] == ts("2025-12-31T23:59:59")
    assert lt(b"Jan 02 10:00:00 n k[1]: x", 2026, latest)[0] == ts("2026-01-02T10:00:00")
    assert logtime.fast_time(b"2025-03-20T09:00:00.9+02:00 x", 2025)[0] == ts("2025-03-20T07:00:00")


@needs_rg
def test_big_file_parts_keep_line_numbers_and_counts(tmp_path):
    log = tmp_path / "current.log"
    lines = [f"2025-03-20T07:{i // 60 % 60:02d}:{i % 60:02d}Z line {i} {'error' if i % 7 == 0 else 'ok'}"
             for i in range(20_000)]
    log.write_text("\n".join(lines) + "\n")
    d = corpus_docs.Doc("logs", str(log), "current.log", "ns", "p", "c", size=log.stat().st_size)
    parts = corpusmod.split_big(d, part=50_000)
    assert len(parts) > 5 and parts[0].offset == 0 and parts[-1].end == d.size
    assert all(a.end == b.offset for a, b in zip(parts, parts[1:]))
    assert all(corpus_docs.read_text(p.path, p.offset, p.end).endswith(b"\n") for p in parts)
    seg = corpus_docs.file_segment("logs", parts, 2025)
    corpus = corpusmod.Corpus(year=2025, collection_time=None)
    corpus.plans.append(corpusmod._Plan("logs", parts, lambda _ds: seg))
    got = [h for h in S.search(corpus, S.Query(r"line \d+ error", limit=100_000, sources=("logs",)))
           if h["type"] == "hit"]
    assert len(got) == _rg_counts(r"line \d+ error", False, [str(log)])[str(log)] == len(range(0, 20_000, 7))
    for h in got[::97]:
        assert lines[h["line"] - 1] == h["text"]


# ---------------------------------------------------------------------------- audit logs, gathered answers
AUDIT_MIX = [
    *MIX[:6],
    ('"verb":"(delete|patch|update)"', False),
    (r'"code":4\d\d', False),
    ("KUBE:ADMIN", True),
    (r'"requestReceivedTimestamp":"2025-03-20T0[67]:', False),
    ("demo-apps", False),
    (r'"health": ?(true|false)', False),
    ("firing|pending", True),
]


def _readable_gzip(path: str) -> bool:
    try:
        with gzip.open(path, "rb") as f:
            while f.read(1 << 20):
                pass
        return True
    except (EOFError, OSError):
        return False


@needs_rg
@pytest.mark.parametrize("pattern,ignore_case", AUDIT_MIX)
def test_audit_and_gathered_counts_equal_rg(corpus, tree, tmp_path, pattern, ignore_case):
    docs = corpus.docs("audit") + corpus.docs("gathered")
    assert {d.source for d in docs} == {"audit", "gathered"}
    assert any(d.path.endswith(".gz") for d in docs) and any(d.service == "etcd" for d in docs)
    # the fixture's truncated gzip (ending in a half-written line): rg reports the file as an error
    # and counts nothing in it, while search keeps what was readable (as the node logs do). It is
    # compared with rg over its readable text instead (corpus.read_text, i.e. zlib up to the damage).
    broken = [d.path for d in docs if d.path.endswith(".gz") and not _readable_gzip(d.path)]
    assert len(broken) == 1
    want = _rg_counts(pattern, ignore_case, [d.path for d in docs if d.path not in broken])
    readable = tmp_path / "readable.log"
    readable.write_bytes(corpus_docs.read_text(broken[0]))
    n = _rg_counts(pattern, ignore_case, [str(readable)]).get(str(readable))
    if n:
        want[broken[0]] = n
    got = {str(Path(tree) / k): v for k, v in S.count_lines(
        corpus, S.Query(pattern, ignore_case=ignore_case, sources=("audit", "gathered"))).items()}
    assert got == want


def test_audit_hits_time_link_and_histogram(corpus):
    out = list(S.search(corpus, S.Query('"verb":"(create|patch|delete)"', sources=("audit",), limit=1000)))
    hits, summary = out[:-1], out[-1]
    assert hits and summary["bySource"] == {"audit": len(hits)} and summary["untimed"] == 0
    for h in hits:
        ev = json.loads(h["text"])
        # the hit's time is the event's requestReceivedTimestamp (to the millisecond)
        assert h["time"] == ev["requestReceivedTimestamp"][:23] + "Z"
        assert h["auditID"] == ev["auditID"] and h["verb"] == ev["verb"] and h["service"] and h["node"]
        ref = ev.get("objectRef") or {}
        if ref.get("name"):
            assert h["link"] == "ui/objects/{}/{}/{}/{}".format(ref.get("apiGroup") or "core", ref["resource"],
                                                                ref.get("namespace") or "_", ref["name"])
        else:
            assert h["link"].startswith(f"ui/audit?auditID={ev['auditID']}&from=")
    labels = {s["label"] for s in summary["histogram"]["series"]}
    assert labels <= {"audit kube-apiserver", "audit openshift-apiserver"} and labels
    assert sum(summary["histogram"]["counts"]) == summary["hits"]
    # past the limit every hit is still counted, with its time (count_rest)
    few = list(S.search(corpus, S.Query('"verb":"(create|patch|delete)"', sources=("audit",), limit=1)))[-1]
    assert few["hits"] == summary["hits"] and few["untimed"] == 0
    assert few["histogram"]["counts"] == summary["histogram"]["counts"]
    # the from/to window applies to the events' times
    t = hits[len(hits) // 2]["time"]
    win = list(S.search(corpus, S.Query('"verb":"(create|patch|delete)"', sources=("audit",),
                                        since=S.parse_time(t, "from"))))[-1]
    assert win["hits"] == sum(1 for h in hits if h["time"] >= t)


def test_gathered_hits_link_to_their_pages(corpus):
    out = list(S.search(corpus, S.Query("health|alertname", sources=("gathered",))))
    links = {h["service"]: h["link"] for h in out[:-1]}
    assert links == {"alerts": "ui/alerts", "etcd": "ui/etcd"}


def test_default_sources_include_gathered_not_audit():
    assert "gathered" in S.DEFAULT_SOURCES and "audit" not in S.DEFAULT_SOURCES
    assert "audit" in S.SOURCES and S.parse_sources("logs,audit") == ("logs", "audit")


def test_api_audit_hit_links_to_its_request(server):
    out = _ndjson(server.url + "/staticapi/v1/search?q=%22verb%22%3A%22(get|list|watch)%22&in=audit")
    assert out[-1]["bySource"]["audit"] == len(out) - 1 > 0
    h = next(h for h in out[:-1] if "auditID=" in h["link"])
    assert h["link"].startswith("/ui/audit?auditID=")
    with urllib.request.urlopen(server.url + h["link"], timeout=60) as r:
        page = r.read().decode()
    assert f"Request {h['auditID']}" in page and page.count('class="audit-event"') == 1
    # the events endpoint takes auditID too: every stage of that request
    lines = urllib.request.urlopen(server.url + f"/staticapi/v1/audit?auditID={h['auditID']}",
                                   timeout=60).read().splitlines()
    assert [json.loads(x)["auditID"] for x in lines] == [h["auditID"]]


def test_cli_in_audit(tree, tmp_path):
    r = _cli(str(tree), "kube:admin", "--in", "audit", "--cache-dir", str(tmp_path / "cache"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() and all("audit_logs/" in ln for ln in r.stdout.splitlines())


@pytest.mark.parametrize("pattern,sources", [("error", ("logs",)), ("e", ("logs", "nodes", "events")),
                                             (r"^2025-03-20T0[3-5]:", ("logs",)), ("attempt=", ("logs",))])
def test_counted_past_the_limit_equals_hit_by_hit(corpus, pattern, sources):
    """Past ``limit`` hits are counted per minute (search_count.count_rest); the summary, chart,
    first and last hit per series are the same as when every hit is returned and timed one by one."""
    every = list(S.search(corpus, S.Query(pattern, sources=sources, limit=S.MAX_LIMIT)))[-1]
    assert not every["truncated"] and every["hits"] > 50
    for limit in (0, 7):
        counted = list(S.search(corpus, S.Query(pattern, sources=sources, limit=limit)))[-1]
        for k in ("hits", "bySource", "untimed", "histogram", "firstHit", "lastHit"):
            assert counted[k] == every[k], (limit, k)


@pytest.mark.parametrize("costs", [{"PROBE": 2, "US_CANDIDATE": 1e9}, {"PROBE": 2, "US_CANDIDATE": 0.0},
                                   {"PROBE": 10**9}, {"PROBE": 3, "US_LITERAL": 0.0, "US_CANDIDATE": 1e9}])
@pytest.mark.parametrize("base,refined", [("e", "error"), ("2025", r"^2025-03-20T0[3-5]:.*error"),
                                          ("=", r"[a-z]+=\d$"), ("level", "level=(error|warning)")])
def test_refinement_ways_agree(corpus, monkeypatch, costs, base, refined):
    """However _scan_one goes on after probing a refinement's candidate lines (all candidates, the
    literal's lines, RE2 over the rest), it finds the lines a scan of everything finds."""
    q = S.Query(refined, sources=("logs", "nodes", "events"), limit=100_000)
    want = list(S.search(corpus, q))
    spans = S.Spans()
    for _ in S.search(corpus, S.Query(base, sources=q.sources, limit=0), spans=spans):
        pass
    assert spans.complete and spans.lines > want[-1]["hits"] > 0
    for k, v in costs.items():
        monkeypatch.setattr(S, k, v)
    got = list(S.search(corpus, q, candidates=spans.by_segment))
    strip = lambda rs: [{k: v for k, v in r.items() if k not in ("elapsedSeconds", "corpus", "documents", "bytes")}  # noqa: E731
                        for r in rs]
    assert strip(got) == strip(want)


@pytest.mark.parametrize("base,base_ic,q,q_ic,holds", [
    ("error", False, r"^2025-03-20T0[3-5]:.*error", False, True),
    ("error", True, r"\w+error", False, True),  # a case-insensitive base holds more lines
    ("error", False, r"\w+error", True, False),  # a case-insensitive query requires no exact bytes
    ("err.r", False, "error", False, False),  # not a plain literal
    ("error", False, "errors?", False, True),
    ("error", False, "error|warn", False, False),
    ("rror", False, r"\berror\b", False, True),
])
def test_a_literal_base_holds_the_lines_of_a_query_requiring_it(base, base_ic, q, q_ic, holds):
    from staticapi.insight.search_cache import _refines

    assert _refines(S.Query(q, ignore_case=q_ic), S.Query(base, ignore_case=base_ic)) is holds


def test_event_docs_share_their_repeated_fields(ci):
    # 100k+ events: each Doc keeping its own copy of its namespace, kind, group and reason held tens
    # of MB resident after the search prewarm (real-object tree); equal strings are one object
    docs = [d for d, _text in corpusmod.event_docs(ci.store)]
    assert len(docs) >= 2
    for field in ("namespace", "kind", "group", "reason", "name"):
        by_value: dict[str, str] = {}
        for d in docs:
            v = getattr(d, field)
            assert by_value.setdefault(v, v) is v, field


def test_the_kept_event_segment_is_compressed_and_searches_the_same(corpus):
    # the events are kept for good once built (search prewarm): as a zstd frame, 1/6 of their text
    import zstandard

    [i] = corpus.indices(("events",))
    first = corpus.segment(i)
    kept = corpus._built[i]
    assert kept.data == b"" and zstandard.ZstdDecompressor().decompress(kept.zdata) == first.data
    again = corpus.segment(i)
    assert again.data == first.data and again.docs is kept.docs and again.zones is kept.zones
    assert again.doc_at(len(again.data) - 1) == len(again.docs) - 1
    q = S.Query("Back-?off|Failed", sources=("events",), limit=100_000)
    hits, again_hits = list(S.search(corpus, q)), list(S.search(corpus, q))
    assert hits[-1]["hits"] == again_hits[-1]["hits"] == len(hits) - 1 > 0
    assert hits[:-1] == again_hits[:-1]
