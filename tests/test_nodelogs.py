"""Node service logs: file discovery and per-node splitting (source.nodelogs), the kubelet's
query parameters (serve.nodelogquery) and the proxy endpoint end to end with the real kubectl."""

from __future__ import annotations

import gzip
import json
import urllib.parse
from datetime import datetime, timezone

import pytest

from conftest import FIXTURE, SAMPLES, load_generator, needs_samples, start_server
from staticapi.serve import nodelogquery as q
from staticapi.serve import nodelogs as serve
from staticapi.source import nodelogs as src

gen = load_generator()
IMG = FIXTURE / gen.IMAGE_DIR
MASTER = "ip-10-0-17-148.us-east-2.compute.internal"
NOTREADY = "ip-10-0-66-114.us-east-2.compute.internal"
CORDONED = "ip-10-0-23-89.us-east-2.compute.internal"
NOW = datetime(2025, 3, 20, 7, 40, 12, tzinfo=timezone.utc)
CNV = SAMPLES / "must-gather-explorer-cnv"


def entries_of(text: str, host: str) -> list[str]:
    """Independent oracle: the entries (first line + indented continuation lines) of ``host``."""
    out: list[list[str]] = []
    owner = None
    for ln in text.splitlines():
        if ln.startswith(" ") and out is not None:
            if owner == host:
                out[-1].append(ln)
            continue
        owner = ln.split(" ")[3] if len(ln.split(" ")) > 3 else None
        if owner == host:
            out.append([ln])
    return ["\n".join(e) for e in out]


# --------------------------------------------------------------------------- source


def test_discover_fixture_files():
    files = {f.relpath: f for f in src.discover([IMG])}
    assert {"host_service_logs/masters/kubelet_service.log", "host_service_logs/masters/crio_service.log",
            "host_service_logs/masters/NetworkManager_service.log"} <= set(files)
    role = files["host_service_logs/masters/kubelet_service.log"]
    assert role.node is None and role.service == "kubelet" and not role.compressed
    gz = files[f"nodes/{NOTREADY}/{NOTREADY}_logs_kubelet.gz"]
    assert gz.node == NOTREADY and gz.service == "kubelet" and gz.compressed and gz.name == f"{NOTREADY}_logs_kubelet"
    assert all(p in files for p in gen.BAD_NODE_LOG_RELPATHS)


def test_role_file_is_split_by_host_field():
    f = next(f for f in src.discover([IMG]) if f.relpath.endswith("masters/kubelet_service.log"))
    text = f.path.read_text()
    scan = src.scan(f)
    assert scan.error is None
    assert set(scan.hosts) == {"ip-10-0-17-148", "ip-10-0-52-203", "ip-10-0-91-37"}
    for node in ("ip-10-0-17-148", "ip-10-0-52-203", "ip-10-0-91-37"):
        got = ["\n".join(ln.decode() for ln in e.lines) for e in src.read_entries(f, src.host_filter(node + ".x"))]
        assert got == entries_of(text, node)
        assert any("\n" in e for e in got)  # the multi-line panic entry keeps its continuation lines
        assert scan.hosts[node] == len(got)


def test_truncated_gzip_is_reported_not_fatal():
    idx = serve.NodeLogIndex([IMG], NOW)
    assert [p for p, _ in idx.problems()] == list(gen.BAD_NODE_LOG_RELPATHS)
    assert "truncated" in idx.problems()[0][1]
    # the cordoned worker keeps its good kubelet gzip; the bad crio one is not offered
    assert [f.service for f in idx.for_node(CORDONED)] == ["kubelet"]
    assert [f.service for f in idx.for_node(MASTER)] == ["NetworkManager", "crio", "kubelet"]
    assert idx.knows("ip-10-0-52-203") and not idx.knows("ip-10-0-1-1.ec2.internal")


@pytest.mark.parametrize("block", [7, 64, 1 << 16])
def test_tail_reads_backwards_like_forward(tmp_path, monkeypatch, block):
    monkeypatch.setattr(src, "BLOCK", block)
    lines = ["-- Logs begin at Mon 2025-03-17 --"]
    for i in range(40):
        host = ("a", "b", "c")[i % 3]
        lines.append(f"Mar 18 10:{i:02d}:00.000001 {host} svc[1]: message {i}")
        if i % 7 == 0:
            lines.append(f"                                 continuation of {i}")
    data = "\n".join(lines) + "\n"
    (tmp_path / "x_service.log").write_text(data)
    (tmp_path / "x_service.log.gz").write_bytes(gzip.compress(data.encode()))
    for name, gz in (("x_service.log", False), ("x_service.log.gz", True)):
        f = src.NodeLogFile(tmp_path / name, name, "x", None, gz)
        for host in ("a", "b", None):
            keep = src.host_filter(host)
            full = [e.lines for e in src.read_entries(f, keep)]
            for n in (1, 2, 5, 14, 100):
                assert [e.lines for e in src.tail_entries(f, keep, n)] == full[-n:], (name, host, n)


def test_parse_prefix_and_year():
    p = src.parse_prefix(b"Dec 31 23:59:59.5 host-1 kubelet[1]: hi")
    assert p and p.host == "host-1" and p.micro == 500000
    # a December line in a January collection belongs to the year before
    assert src.entry_time(p, datetime(2025, 1, 2, tzinfo=timezone.utc)).year == 2024
    assert src.parse_prefix(b"Dec  1 01:02:03 h x: y").day == 1  # syslog's space-padded day
    assert src.parse_prefix(b"   continuation") is None and src.parse_prefix(b"-- No entries --") is None
    assert src.node_matches("ip-10-0-1-2.ec2.internal", "ip-10-0-1-2")
    assert not src.node_matches("ip-10-0-1-2.ec2.internal", "ip-10-0-1-20")


# --------------------------------------------------------------------------- query parsing


def test_upstream_query_validation_messages():
    # kubernetes pkg/kubelet/kubelet_server_journal.go newNodeLogQuery / validate
    assert q.parse_upstream({}) == (None, [])
    assert q.parse_upstream({"query": ["  "]})[1] == ['query: Invalid value: []string{"  "}: query cannot be empty']
    assert q.parse_upstream({"query": ["kubelet"], "sinceTime": ["yesterday"]})[1] == [
        'sinceTime: Invalid value: "yesterday": invalid time format']
    assert q.parse_upstream({"query": ["kubelet"], "tailLines": ["x"]})[1] == [
        'tailLines: Invalid value: "x": strconv.Atoi: parsing "x": invalid syntax']
    nlq, errs = q.parse_upstream({"query": ["kubelet", "crio"], "tailLines": ["5"], "sinceTime": ["2025-03-20T07:00:00Z"],
                                  "pattern": ["PLEG"]})
    assert not errs and nlq.services == ["kubelet", "crio"] and nlq.tail == 5 and nlq.since.hour == 7
    assert q.validate_upstream(nlq) == []
    bad = q.NodeLogQuery(services=["kube;let", "a", "b", "c", "d"], tail=100001, boot=1, pattern="(")
    errs = q.validate_upstream(bad)
    assert errs[0] == 'query: Invalid value: "kube;let": input contains unsupported characters'
    assert "query: Too many: 5: must have at most 4 items" in errs
    assert "boot: Invalid value: 1: must be less than 1" in errs
    assert "tailLines: Invalid value: 100001: must be between 0 and 100000, inclusive" in errs
    assert any(e.startswith('pattern: Invalid value: "(": error parsing regexp') for e in errs)
    assert q.validate_upstream(q.NodeLogQuery(files=["/foo.log"], tail=1)) == [
        'query: Invalid value: []string{"/foo.log"}: cannot specify file with options']
    assert q.validate_upstream(q.NodeLogQuery(services=["kubelet"], since=NOW, until=NOW.replace(hour=1)))[0].startswith(
        'untilTime: Invalid value: "2025-03-20 01:40:12 +0000 UTC": must be after `sinceTime`')
    assert q.aggregate(["a"]) == "a" and q.aggregate(["a", "b"]) == "[a, b]"


def test_journal_times():
    # openshift/kubernetes kubelet_server_journal.go validJournalDateRange
    assert q.parse_journal_time("-7d", NOW) == NOW.replace(day=13)
    assert q.parse_journal_time("+1h", NOW).hour == 8 and q.parse_journal_time("30m", NOW).minute == 10
    assert q.parse_journal_time("2025-03-20 06:00:00", NOW).hour == 6
    assert q.parse_journal_time("2025-03-20 06:00:00.5", NOW).microsecond == 500000
    for bad in ("-30min", "2025-03-20", "yesterday", "2025-03-20T06:00:00Z", "-7"):
        assert q.parse_journal_time(bad, NOW) is None, bad


def test_journal_parameters():
    # what oc adm node-logs -u kubelet --tail=3 --grep=pleg --case-sensitive=false --since=-1h -o cat sends
    nlq, errs = q.parse_journal({"unit": ["kubelet"], "query": ["kubelet"], "tail": ["3"], "tailLines": ["3"],
                                 "grep": ["pleg"], "pattern": ["pleg"], "case-sensitive": ["false"],
                                 "since": ["-1h"], "output": ["cat"]}, NOW)
    assert not errs and nlq.services == ["kubelet"] and nlq.tail == 3 and not nlq.case_sensitive
    assert nlq.output == "cat" and nlq.since.hour == 6 and nlq.pattern == "pleg"
    assert q.parse_journal({"tail": ["999999"]}, NOW)[0].tail == 100000  # clamped, not refused
    assert q.parse_journal({"tail": ["x"]}, NOW)[0].tail is None
    assert q.parse_journal({}, NOW)[0].output == "short-precise"
    cases = {
        "since": ("soon", "parameter 'since' is invalid: date must be a relative time of the form "
                          "'(+|-)[0-9]+(s|m|h|d)' or a date in 'YYYY-MM-DD HH:MM:SS' form"),
        "output": ("xml", "parameter 'output' is invalid: only the following values are allowed: short-precise, "
                          "json, short, short-unix, short-iso, short-iso-precise, cat, "),
        "unit": ("a;b", "parameter 'unit' is invalid: input contains unsupported characters"),
        "boot": ("-101", "parameter 'boot' is invalid: integer must be in range [-100, 0]"),
        "grep": ("a|b", "parameter 'grep' is invalid: input contains unsupported characters"),
    }
    for key, (value, msg) in cases.items():
        assert q.parse_journal({key: [value]}, NOW) == (None, [msg]), key
    assert q.parse_journal({"boot": ["x"]}, NOW)[1] == [
        'parameter \'boot\' is invalid: strconv.Atoi: parsing "x": invalid syntax']


def test_formats():
    e = next(src.entries([b"Mar 20 07:01:02.123456 h1 kubenswrapper[42]: I0320 hello", b"   more"]))
    assert serve.format_entry(e, "short-precise", NOW) == b"Mar 20 07:01:02.123456 h1 kubenswrapper[42]: I0320 hello\n   more\n"
    assert serve.format_entry(e, "short", NOW) == b"Mar 20 07:01:02 h1 kubenswrapper[42]: I0320 hello\n   more\n"
    assert serve.format_entry(e, "cat", NOW) == b"I0320 hello\n   more\n"
    assert serve.format_entry(e, "short-unix", NOW).startswith(b"1742454062.123456 h1 kubenswrapper[42]:")
    assert serve.format_entry(e, "short-iso", NOW).startswith(b"2025-03-20T07:01:02+00:00 h1 ")
    assert serve.format_entry(e, "short-iso-precise", NOW).startswith(b"2025-03-20T07:01:02.123456+00:00 h1 ")
    doc = json.loads(serve.format_entry(e, "json", NOW))
    assert doc["_HOSTNAME"] == "h1" and doc["_PID"] == "42" and doc["SYSLOG_IDENTIFIER"] == "kubenswrapper"
    assert doc["__REALTIME_TIMESTAMP"] == "1742454062123456"


def test_match_paths():
    assert serve.match("/api/v1/nodes/n1/proxy/logs/") == ("n1", "logs/")
    assert serve.match("/api/v1/nodes/n1/proxy/logs/journal") == ("n1", "logs/journal")
    assert serve.match("/api/v1/nodes/n1/proxy") == ("n1", "")
    assert serve.match("/api/v1/nodes/n1") is None
    assert serve.match("/api/v1/nodes/n1/proxyx") is None
    assert serve.match("/api/v1/namespaces/x/pods/p/proxy/logs") is None


def test_listing_escapes_names(tmp_path):
    f = src.NodeLogFile(tmp_path / '<b>"x"_service.log', "r", '<b>"x"', "n", False)
    body = serve.listing([f]).decode()
    assert body.startswith("<pre>\n<a href=") and "<b>" not in body and body.endswith("</pre>\n")


# --------------------------------------------------------------------------- end to end


def _raw(srv, path: str) -> str:
    return srv.kubectl("get", "--raw", path).stdout


def test_kubectl_tail_of_one_master(fixture_server):
    # Done-when of issue 18: that master's last 20 kubelet lines
    out = _raw(fixture_server, f"/api/v1/nodes/{MASTER}/proxy/logs/?query=kubelet&tailLines=20")
    text = (IMG / "host_service_logs/masters/kubelet_service.log").read_text()
    want = entries_of(text, "ip-10-0-17-148")[-20:]
    assert out == "".join(e + "\n" for e in want)
    assert len(out.splitlines()) >= 20


def test_kubectl_query_filters_and_errors(fixture_server):
    srv = fixture_server
    out = _raw(srv, f"/api/v1/nodes/{MASTER}/proxy/logs/?query=kubelet&query=crio&sinceTime=2025-03-20T00:00:00Z"
               "&pattern=Kubelet")
    assert out.splitlines() and all("Kubelet" in ln and "ip-10-0-17-148" in ln for ln in out.splitlines())
    r = srv.kubectl("get", "--raw", "/api/v1/nodes/no-such-node/proxy/logs/?query=kubelet", check=False)
    assert r.returncode != 0 and 'nodes "no-such-node" not found' in r.stderr
    r = srv.kubectl("get", "--raw", f"/api/v1/nodes/{MASTER}/proxy/logs/?query=kubelet&tailLines=100001", check=False)
    assert r.returncode != 0 and "must be between 0 and 100000, inclusive" in r.stderr
    out = _raw(srv, f"/api/v1/nodes/{MASTER}/proxy/logs/?query=ovs-vswitchd")
    assert out.startswith("-- No entries: this must-gather holds no ovs-vswitchd log")


def test_kubectl_listing_and_files(fixture_server):
    srv = fixture_server
    listing = _raw(srv, f"/api/v1/nodes/{MASTER}/proxy/logs/")
    assert 'href="kubelet_service.log"' in listing and 'href="crio_service.log"' in listing
    whole = _raw(srv, f"/api/v1/nodes/{MASTER}/proxy/logs/kubelet_service.log")
    text = (IMG / "host_service_logs/masters/kubelet_service.log").read_text()
    assert whole == "".join(e + "\n" for e in entries_of(text, "ip-10-0-17-148"))
    gz = _raw(srv, f"/api/v1/nodes/{NOTREADY}/proxy/logs/")
    assert f'href="{NOTREADY}_logs_kubelet"' in gz
    body = _raw(srv, f"/api/v1/nodes/{NOTREADY}/proxy/logs/{NOTREADY}_logs_kubelet")
    assert body == gzip.decompress((IMG / f"nodes/{NOTREADY}/{NOTREADY}_logs_kubelet.gz").read_bytes()).decode()
    # the truncated gzip is neither listed nor fatal, and is reported with the skipped files
    assert "crio" not in _raw(srv, f"/api/v1/nodes/{CORDONED}/proxy/logs/")
    status, skipped, _ = srv.get("/staticapi/v1/skipped")
    assert status == 200
    assert any(i["stage"] == "nodelogs" and i["path"] in gen.BAD_NODE_LOG_RELPATHS for i in skipped["items"])


def test_oc_adm_node_logs_requests(fixture_server):
    """The requests openshift/oc pkg/cli/admin/node/logs.go RunLogs sends for
    ``oc adm node-logs <node> -u kubelet --tail=3 --grep=PLEG --since=-2h``."""
    params = [("since", "-2h"), ("unit", "kubelet"), ("query", "kubelet"), ("grep", "PLEG"), ("pattern", "PLEG"),
              ("case-sensitive", "true"), ("tail", "3"), ("tailLines", "3")]
    status, body, headers = fixture_server.get(f"/api/v1/nodes/{NOTREADY}/proxy/logs/journal?"
                                               + urllib.parse.urlencode(params))
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body.count("\n") == 1 and "PLEG is not healthy" in body
    # --path=/ lists the files; every name is an href oc turns into a line
    status, body, _ = fixture_server.get(f"/api/v1/nodes/{MASTER}/proxy/logs/")
    assert status == 200 and body.startswith("<pre>\n")
    status, body, _ = fixture_server.get(f"/api/v1/nodes/{MASTER}/proxy/logs/journal?since=-1d&output=cat")
    assert status == 200 and body and not body.startswith("Mar ")
    status, body, _ = fixture_server.get(f"/api/v1/nodes/{MASTER}/proxy/logs/journal?unit=crio.service&tail=2")
    assert status == 200 and body.count("\n") == 2 and body.count(" crio[") == 2
    status, body, _ = fixture_server.get(f"/api/v1/nodes/{MASTER}/proxy/logs/journal?boot=-1")
    assert status == 200 and "No such boot ID" in body
    status, body, _ = fixture_server.get(f"/api/v1/nodes/{MASTER}/proxy/logs/journal?since=soon")
    assert status == 400 and body.startswith("parameter 'since' is invalid: date must be a relative time")


@needs_samples
def test_node_gather_sample_and_node_without_logs(kubectl_bin, tmp_path):
    """The CNV sample: node-gather kubelet gzips for nodes whose Node objects were not gathered
    (served all the same), and two Node objects without any gathered log (a 200 that says so)."""
    srv = start_server([str(CNV)], tmp_path, kubectl_bin)
    try:
        node = "qemtv-05-s8dvn-master-0"
        gz = CNV / "nodes" / node / f"{node}_logs_kubelet.gz"
        want = gzip.decompress(gz.read_bytes()).decode().splitlines()
        out = _raw(srv, f"/api/v1/nodes/{node}/proxy/logs/?query=kubelet&tailLines=5")
        assert out.splitlines() == want[-5:]
        out = _raw(srv, "/api/v1/nodes/infd-vrf-418t2-2lnlk-master-0/proxy/logs/?query=kubelet")
        assert out == ("-- No entries: this must-gather holds no service logs for node "
                       "infd-vrf-418t2-2lnlk-master-0 --\n")
        assert _raw(srv, "/api/v1/nodes/infd-vrf-418t2-2lnlk-master-0/proxy/logs/") == "<pre>\n</pre>\n"
    finally:
        srv.stop()


def test_hostile_node_log_files(tmp_path):
    """Junk, a symlink, a directory with a log name, a fake gzip, an endless line: nothing
    crashes, nothing outside the tree is read, bad gzip is reported."""
    mg = tmp_path / "mg"
    masters = mg / "host_service_logs" / "masters"
    masters.mkdir(parents=True)
    (masters / "kubelet_service.log").write_bytes(b"\x00\xff junk \x00\n" * 100 + b"x" * 300_000)
    (masters / "crio_service.log").symlink_to("/etc/passwd")
    (masters / "dir_service.log").mkdir()
    n1 = mg / "nodes" / "n1"
    n1.mkdir(parents=True)
    (n1 / "n1_logs_kubelet.gz").write_bytes(b"Mar 20 07:00:00.000001 n1 kubelet[1]: not gzip\n")
    (n1 / "n1_logs_crio").write_bytes(b"Mar 20 07:00:00.000001 n1 crio[1]: plain\n")
    idx = serve.NodeLogIndex([mg], NOW)
    assert {f.relpath for f in idx.files} == {"host_service_logs/masters/kubelet_service.log",
                                              "nodes/n1/n1_logs_kubelet.gz", "nodes/n1/n1_logs_crio"}
    assert [p for p, _ in idx.problems()] == ["nodes/n1/n1_logs_kubelet.gz"]
    assert [f.service for f in idx.for_node("n1")] == ["crio"]
    body = b"".join(serve.journal_chunks(idx, "n1", q.NodeLogQuery(services=["kubelet"], tail=5)))
    assert body.startswith(b"-- No entries: this must-gather holds no kubelet log for node n1")
    body = b"".join(serve.journal_chunks(idx, "n1", q.NodeLogQuery(tail=5)))
    assert body == b"Mar 20 07:00:00.000001 n1 crio[1]: plain\n"
    role = next(f for f in idx.files if f.node is None)
    assert src.scan(role).hosts == {} and src.tail_entries(role, src.host_filter("n1"), 10) == []


def test_python_client_and_cluster_prefix(fixture_server):
    from kubernetes import client, config

    api = client.CoreV1Api(config.new_client_from_config(str(fixture_server.kubeconfig)))
    out = api.connect_get_node_proxy_with_path(MASTER, "logs/", path2="", _preload_content=False).data.decode()
    assert 'href="kubelet_service.log"' in out
    status, body, _ = fixture_server.get(
        f"/clusters/must-gather/api/v1/nodes/{MASTER}/proxy/logs/?query=crio&tailLines=1")
    assert status == 200 and body.count("\n") == 1 and " ip-10-0-17-148 crio[" in body


def test_role_labels_spare_the_scan():
    """A master (by its node-role labels) reads the masters' files from the end, no host scan."""
    assert src.role_dirs({"node-role.kubernetes.io/master": ""}) == {"masters"}
    assert src.role_dirs({"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/worker": ""}) == {
        "masters", "workers"}
    assert src.role_dirs({"kubernetes.io/os": "linux"}) is None
    idx = serve.NodeLogIndex([IMG], NOW)
    body = b"".join(serve.journal_chunks(idx, MASTER, q.NodeLogQuery(services=["kubelet"], tail=3), {"masters"}))
    assert body.count(b"\n") >= 3 and b" ip-10-0-17-148 " in body
    assert not any(f.node is None for f in idx._scans)
    assert [f.service for f in idx.for_node(NOTREADY, {"workers"})] == ["kubelet"]


def test_tail_reads_only_the_end(tmp_path, monkeypatch):
    """tailLines on a plain 6 MB role file reads a few blocks from its end, not the file."""
    path = tmp_path / "kubelet_service.log"
    with open(path, "w") as fh:
        for i in range(60000):
            fh.write(f"Mar 20 07:{i // 1000 % 60:02d}:{i % 60:02d}.{i:06d} {'ab'[i % 2]} kubelet[1]: line {i} "
                     + "x" * 60 + "\n")
    read = []

    class Counting:
        def __init__(self, *a, **k):
            self.f = open(*a, **k)  # noqa: SIM115

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def seek(self, *a):
            return self.f.seek(*a)

        def tell(self):
            return self.f.tell()

        def read(self, n=-1):
            data = self.f.read(n)
            read.append(len(data))
            return data

    monkeypatch.setattr(src, "open", Counting, raising=False)
    f = src.NodeLogFile(path, "x", "kubelet", None, False, "masters")
    got = src.tail_entries(f, src.host_filter("b"), 100)
    numbers = [int(e.lines[0].split(b" line ")[1].split(b" ")[0]) for e in got]
    assert numbers == list(range(59801, 60000, 2))  # host "b" has the odd lines
    assert sum(read) <= 4 * src.BLOCK < path.stat().st_size // 10
