"""Archives, URLs, several must-gathers at once, and the intervals endpoint, end to end with kubectl."""

from __future__ import annotations

import functools
import http.server
import shutil
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

from conftest import OKD, OKD_SNO, SAMPLES, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.samples,
              pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not present")]


def _pods(srv, context=None) -> list[str]:
    out = srv.kubectl("get", "pods", "-A", "--no-headers", "-o", "custom-columns=NS:.metadata.namespace,N:.metadata.name",
                      context=context).stdout
    return sorted(line for line in out.split("\n") if line.strip())


@pytest.fixture(scope="module")
def sno_archives(tmp_path_factory) -> dict[str, Path]:
    """The OKD SNO sample packed as every archive type, plus a tar with hostile members."""
    d = tmp_path_factory.mktemp("archives")
    out = {}
    for name, mode in (("sno.tar", "w"), ("sno.tar.gz", "w:gz"), ("sno.tar.xz", "w:xz")):
        with tarfile.open(d / name, mode) as t:
            t.add(OKD_SNO, arcname="must-gather")
        out[name] = d / name
    with zipfile.ZipFile(d / "sno.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(OKD_SNO.rglob("*")):
            if p.is_file():
                z.write(p, "must-gather/" + str(p.relative_to(OKD_SNO)))
    out["sno.zip"] = d / "sno.zip"
    # hostile members next to the real tree
    import io

    with tarfile.open(d / "hostile.tar", "w") as t:
        t.add(OKD_SNO, arcname="must-gather")
        for member in ("../escape.yaml", "/abs.yaml"):
            info = tarfile.TarInfo(member)
            data = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: evil, namespace: default}\n"
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("must-gather/namespaces/default/core/passwd.yaml")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        t.addfile(link)
        dev = tarfile.TarInfo("must-gather/dev0")
        dev.type, dev.devmajor, dev.devminor = tarfile.CHRTYPE, 1, 3
        t.addfile(dev)
    out["hostile.tar"] = d / "hostile.tar"
    return out


@pytest.fixture(scope="module")
def sno_dir_pods(kubectl_bin, tmp_path_factory):
    srv = start_server([str(OKD_SNO)], tmp_path_factory.mktemp("sno-dir"), kubectl_bin, extra=["--no-reload"])
    try:
        yield _pods(srv)
    finally:
        srv.stop()


@pytest.mark.parametrize("archive", ["sno.tar", "sno.tar.gz", "sno.tar.xz", "sno.zip"])
def test_archive_serves_like_the_directory(archive, sno_archives, sno_dir_pods, kubectl_bin, tmp_path):
    srv = start_server([str(sno_archives[archive])], tmp_path, kubectl_bin)
    try:
        got = _pods(srv)
        assert got == sno_dir_pods and len(got) >= 100
    finally:
        srv.stop()
    assert sno_archives[archive].stat().st_size > 0  # the archive is untouched


def test_url_serves_like_the_directory(sno_archives, sno_dir_pods, kubectl_bin, tmp_path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sno_archives["sno.tar.gz"].parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/sno.tar.gz"
        srv = start_server([url], tmp_path, kubectl_bin)
        try:
            assert _pods(srv) == sno_dir_pods
        finally:
            srv.stop()
    finally:
        httpd.shutdown()


def test_hostile_members_refused_and_reported(sno_archives, sno_dir_pods, kubectl_bin, tmp_path):
    before = set(p for p in tmp_path.parent.rglob("*"))
    srv = start_server([str(sno_archives["hostile.tar"])], tmp_path / "srv", kubectl_bin)
    try:
        assert _pods(srv) == sno_dir_pods
        code, body, _ = srv.get("/staticapi/v1/skipped")
        paths = " ".join(i["path"] + " " + i["reason"] for i in body["items"])
        for bad in ("escape.yaml", "abs.yaml", "passwd.yaml", "dev0"):
            assert bad in paths, (bad, paths)
        code, _, _ = srv.get("/api/v1/namespaces/default/configmaps/evil")
        assert code == 404
    finally:
        srv.stop()
    after = set(p for p in tmp_path.parent.rglob("*"))
    outside = [p for p in after - before if tmp_path not in p.parents and p != tmp_path]
    assert not outside, outside
    assert not (tmp_path.parent / "escape.yaml").exists() and not Path("/abs.yaml").exists()


def test_two_must_gathers_two_contexts(kubectl_bin, tmp_path, sno_dir_pods):
    srv = start_server([str(OKD_SNO), str(OKD)], tmp_path, kubectl_bin, extra=["--no-reload"])
    try:
        ctx = srv.kubectl("config", "get-contexts", "-o", "name").stdout.split()
        assert sorted(ctx) == ["resourcewatch-okd-3nodes", "resourcewatch-okd-sno"]
        assert srv.kubectl("config", "current-context").stdout.strip() == "resourcewatch-okd-sno"  # the first SOURCE
        assert _pods(srv, context="resourcewatch-okd-sno") == sno_dir_pods
        assert len(_pods(srv, context="resourcewatch-okd-3nodes")) == 242
        nodes = srv.kubectl("get", "nodes", "--no-headers", context="resourcewatch-okd-3nodes").stdout
        assert len(nodes.strip().splitlines()) == 6
        code, body, _ = srv.get("/clusters")
        assert [c["name"] for c in body["items"]] == ["resourcewatch-okd-sno", "resourcewatch-okd-3nodes"]
        assert all(c["ready"] for c in body["items"])
    finally:
        srv.stop()


def test_intervals_endpoint_on_okd_with_imported_file(kubectl_bin, tmp_path):
    """Issue "Interval timelines", Done when: the OKD sample with origin's legacy e2e-interval.json."""
    legacy = SAMPLES / "intervals" / "legacy-flat__e2echart__e2e-interval.json"
    tree = tmp_path / "okd"
    shutil.copytree(OKD, tree)
    shutil.copy(legacy, tree / "e2e-intervals_20230308-120000.json")  # dropped into the tree
    srv = start_server([str(tree)], tmp_path / "srv", kubectl_bin, extra=["--no-reload"])
    try:
        code, body, _ = srv.get("/staticapi/v1/intervals")
        assert code == 200
        items = body["items"]
        from datetime import datetime

        froms = [datetime.fromisoformat(i["from"].replace("Z", "+00:00")) for i in items]
        assert froms == sorted(froms)
        by_source: dict[str, int] = {}
        for i in items:
            by_source[i["source"]] = by_source.get(i["source"], 0) + 1
        assert by_source["KubeEvent"] >= 6337
        ops = {i["locator"]["keys"].get("clusteroperator") for i in items
               if i["source"] == "OperatorState" and i["locator"]["type"] == "ClusterOperator"}
        assert len(ops - {None}) >= 33
        assert by_source.get("PodState", 0) > 242
        assert any("e2e-intervals_20230308-120000.json" in f for f in body["files"])
        code, only, _ = srv.get("/staticapi/v1/intervals?source=KubeEvent")
        assert {i["source"] for i in only["items"]} == {"KubeEvent"}
        code, page, headers = srv.get("/ui/intervals")
        assert code == 200 and "text/html" in headers["Content-Type"]
        code, body2, _ = srv.get(f"/clusters/{srv.kubectl('config', 'current-context').stdout.strip()}"
                                 "/staticapi/v1/intervals?level=Error")
        assert code == 200 and all(i["level"] == "Error" for i in body2["items"])
    finally:
        srv.stop()
