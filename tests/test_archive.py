"""Tests for staticapi.archive: safe unpacking of hostile archives, caching, URLs.

The hostile archives come from scripts/make_bad_archives.py (built once per session in a
tmp dir); each case says what must be served, what must be reported, and every case checks
that nothing appeared outside the cache dir.  URL tests use a local http.server on
127.0.0.1 only.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import importlib.util
import io
import os
import shutil
import stat
import tarfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from staticapi.source import archive as A
from staticapi.source.archive import Materialized, SourceError, common, extract, materialize, source_name

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"


def _load_corpus_module():
    spec = importlib.util.spec_from_file_location("make_bad_archives", REPO / "scripts" / "make_bad_archives.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


corpus_mod = _load_corpus_module()
MANY = 10_000


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("corpus")
    return root, corpus_mod.build_corpus(root, many=MANY)


def _snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int, int]]:
    """Every path under root except the cache dir, with (mode, size, mtime_ns)."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        d = Path(dirpath)
        if d == skip or skip in d.parents:
            dirs[:] = []
            continue
        for n in dirs + files:
            p = d / n
            if p == skip:
                continue
            st = os.lstat(p)
            out[str(p)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


def _tree_files(root: Path) -> dict[str, Path]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for n in files:
            p = Path(dirpath) / n
            out[str(p.relative_to(root))] = p
    return out


PASSWD_HASH = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest() if Path("/etc/passwd").exists() else None


def _check_case(name: str, exp: dict[str, Any], cache: Path, corpus_root: Path) -> Materialized | None:
    before = _snapshot(corpus_root.parent, cache)
    try:
        if exp["error"]:
            with pytest.raises(SourceError, match=exp["error"]):
                materialize(exp["file"], cache, **exp["kwargs"])
            return None
        m = materialize(exp["file"], cache, **exp["kwargs"])
    finally:
        after = _snapshot(corpus_root.parent, cache)
        assert after == before, f"{name}: files changed outside the cache dir"
        assert not list((corpus_root / "outside").glob("pwned*"))
        if PASSWD_HASH:
            assert hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest() == PASSWD_HASH
    assert m.from_archive
    tree = m.path
    assert tree.is_dir() and cache.resolve() in tree.resolve().parents
    for rel, content in exp["served"].items():
        p = tree / rel
        assert p.exists(), f"{name}: {rel} not served; problems={m.problems}"
        if content is not None:
            assert p.read_bytes() == content, f"{name}: {rel} content"
    for rel, target in exp["links"].items():
        assert os.path.islink(tree / rel), f"{name}: {rel} is not a symlink"
        assert os.readlink(tree / rel) == target
    for rel, mode in exp["modes"].items():
        assert stat.S_IMODE(os.lstat(tree / rel).st_mode) == mode, f"{name}: mode of {rel}"
    for rel in exp["absent"]:
        assert not os.path.lexists(tree / rel), f"{name}: {rel} must not be served"
    paths = {p.path for p in m.problems}
    for want in exp["problems"]:
        assert want in paths, f"{name}: {want!r} not reported; got {m.problems}"
    for want in exp["reasons"]:
        assert any(want in p.reason for p in m.problems), f"{name}: no reason with {want!r}: {m.problems}"
    assert m.truncated == exp["truncated"], f"{name}: truncated; problems={m.problems}"
    if exp["count"] is not None:
        assert len(_tree_files(tree)) == exp["count"]
    # Every symlink left in the tree resolves inside it.
    real_tree = os.path.realpath(tree)
    for dirpath, dirs, files in os.walk(tree):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            if os.path.islink(p):
                r = os.path.realpath(p)
                assert r == real_tree or r.startswith(real_tree + os.sep), f"{name}: {p} -> {r}"
    return m


def _case_names() -> list[str]:
    # Names are stable; build once into a throwaway dir just to list them (cheap: --many 1).
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        return list(corpus_mod.build_corpus(d, many=1))


@pytest.mark.parametrize("name", _case_names())
def test_corpus_case(name: str, corpus, tmp_path: Path) -> None:
    root, cases = corpus
    exp = cases[name]
    cache = root.parent / f"cache-{name}"
    try:
        _check_case(name, exp, cache, root)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def test_corpus_covers_the_brief(corpus) -> None:
    _root, cases = corpus
    for want in ("absolute.tar", "dotdot.tar", "symlink_passwd.tar", "hardlink.tar", "devices.tar",
                 "duplicates.tar", "zip_bomb.zip", "size_cap.tar", "truncated.tar.gz", "truncated.tar.xz",
                 "lying_header.zip", "utf8_names.tar", "many_files.tar.gz", "nested.tar", "nested.zip"):
        assert want in cases


# --------------------------------------------------------------------------- caching


def test_second_start_reuses_tree(corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _root, cases = corpus
    cache = tmp_path / "cache"
    m1 = materialize(cases["symlink_passwd.tar"]["file"], cache)
    marker = m1.path.parent / "complete.json"
    assert marker.is_file()
    # A second start must not unpack again.
    monkeypatch.setattr(extract._Context, "run", lambda *a, **k: pytest.fail("unpacked twice"))
    m2 = materialize(cases["symlink_passwd.tar"]["file"], cache)
    assert m2.path == m1.path
    assert m2.problems == m1.problems and m2.truncated == m1.truncated
    # Only the entry (no temp dirs) is left in the cache dir.
    assert sorted(p.name for p in cache.iterdir()) == [m1.path.parent.name]


def test_cache_key_changes_with_the_file(tmp_path: Path) -> None:
    src = tmp_path / "mg.tar"
    _write_tar(src, {"a.yaml": b"one\n"})
    cache = tmp_path / "cache"
    m1 = materialize(str(src), cache)
    _write_tar(src, {"a.yaml": b"two, longer\n"})
    m2 = materialize(str(src), cache)
    assert m1.path != m2.path
    assert (m2.path / "a.yaml").read_bytes() == b"two, longer\n"


def test_failed_unpack_leaves_no_temp_dir(corpus, tmp_path: Path) -> None:
    _root, cases = corpus
    cache = tmp_path / "cache"
    with pytest.raises(SourceError):
        materialize(cases["nothing_usable.tar"]["file"], cache)
    assert not [p for p in cache.iterdir() if p.name.startswith(".tmp-")]


def test_stale_temp_dir_of_dead_process_is_removed(corpus, tmp_path: Path) -> None:
    _root, cases = corpus
    cache = tmp_path / "cache"
    cache.mkdir()
    stale = cache / ".tmp-0123456789abcdef-999999999-abcd"  # no such pid
    (stale / "tree").mkdir(parents=True)
    materialize(cases["ok.tar"]["file"], cache)
    assert not stale.exists()


def test_directory_is_returned_as_is(tmp_path: Path) -> None:
    d = tmp_path / "resourcewatch-okd-sno"
    d.mkdir()
    (d / "x.yaml").write_text("a: 1\n")
    before = _snapshot(tmp_path, tmp_path / "nonexistent")
    m = materialize(str(d) + "/", tmp_path / "cache")
    assert m.path == d.resolve() and not m.from_archive and m.problems == [] and not m.truncated
    assert m.name == "resourcewatch-okd-sno"
    assert _snapshot(tmp_path, tmp_path / "nonexistent") == before  # nothing written, no cache dir


def test_missing_source(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        materialize(str(tmp_path / "nope.tar.gz"), tmp_path / "cache")


def test_original_archive_unchanged(corpus, tmp_path: Path) -> None:
    _root, cases = corpus
    f = Path(cases["nested.tar"]["file"])
    h = hashlib.sha256(f.read_bytes()).hexdigest()
    st = f.stat()
    materialize(str(f), tmp_path / "cache")
    assert hashlib.sha256(f.read_bytes()).hexdigest() == h and f.stat().st_mtime_ns == st.st_mtime_ns


def test_progress_reports_unpack(corpus, tmp_path: Path) -> None:
    _root, cases = corpus
    seen: list[tuple[str, int, int | None]] = []
    materialize(cases["size_cap.tar"]["file"], tmp_path / "cache",
                progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert seen and seen[-1][0] == "unpack"
    assert seen[-1][1] == seen[-1][2] == os.path.getsize(cases["size_cap.tar"]["file"])


def test_problem_list_is_capped(tmp_path: Path) -> None:
    src = tmp_path / "many-bad.tar"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for i in range(A.MAX_PROBLEMS + 50):
            ti = tarfile.TarInfo(f"dev{i}")
            ti.type = tarfile.FIFOTYPE
            tf.addfile(ti)
        data = b"ok\n"
        ti = tarfile.TarInfo("ok.yaml")
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    src.write_bytes(buf.getvalue())
    m = materialize(str(src), tmp_path / "cache")
    assert len(m.problems) == A.MAX_PROBLEMS + 1
    assert "50 more problems" in m.problems[-1].reason


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize("source,name", [
    ("/x/must-gather.tar.gz", "must-gather"),
    ("/x/must-gather.tgz", "must-gather"),
    ("/x/must-gather.zip", "must-gather"),
    ("/x/resourcewatch-okd-sno", "resourcewatch-okd-sno"),
    ("/x/resourcewatch-okd-sno/", "resourcewatch-okd-sno"),
    ("/x/must gather (1).tar", "must-gather-1"),
    ("https://h/logs/job/1790/artifacts/", "1790"),
    ("https://h/a/b/hypershift-dump.tar", "hypershift-dump"),
])
def test_source_name(source: str, name: str) -> None:
    assert source_name(source) == name


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STATICAPI_CACHE_DIR", str(tmp_path / "c"))
    assert A.default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("STATICAPI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert A.default_cache_dir() == tmp_path / "xdg" / "staticapi"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert A.default_cache_dir() == tmp_path / "home" / ".cache" / "staticapi"


@pytest.mark.parametrize("mode,want", [
    (0o644, 0o644), (0o4755, 0o755), (0o666, 0o644), (0o000, 0o600), (0o070, 0o640),
    (0o777, 0o755), (0o2755, 0o755), (0o100, 0o700),
])
def test_data_mode_matches_tarfile_data_filter(mode: int, want: int, tmp_path: Path) -> None:
    assert common._data_mode(mode) == want
    ti = tarfile.TarInfo("f")
    ti.mode = mode
    assert tarfile.data_filter(ti, str(tmp_path)).mode == want


@pytest.mark.parametrize("name,ok", [
    ("a/b", "a/b"), ("./a//b/", "a/b"), ("/etc/x", None), ("a/../b", None), ("..", None), ("a\0b", None),
])
def test_clean_path(name: str, ok: str | None) -> None:
    assert common._clean_path(name)[0] == ok


# --------------------------------------------------------------------------- URLs


def _write_tar(path: Path, files: dict[str, bytes], comp: str = "") -> None:
    with tarfile.open(path, "w:" + comp if comp else "w") as tf:
        for n, data in files.items():
            ti = tarfile.TarInfo(n)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[str, bytes]] = {}
    log: list[tuple[str, str | None]] = []
    etag = '"v1"'
    fail_after: dict[str, int] = {}
    slow: dict[str, tuple[int, float]] = {}  # path -> (piece size, pause after each piece)

    def log_message(self, *a: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.log.append((self.path, self.headers.get("Range")))
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        ctype, body = route
        start = 0
        rng = self.headers.get("Range")
        if rng and self.headers.get("If-Range") == self.etag and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("ETag", self.etag)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        cut = self.fail_after.pop(self.path, None)
        if cut is not None:
            self.wfile.write(body[start:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        piece, pause = self.slow.get(self.path, (0, 0.0))
        if piece:
            for i in range(start, len(body), piece):
                self.wfile.write(body[i:i + piece])
                self.wfile.flush()
                time.sleep(pause)
            return
        self.wfile.write(body[start:])


@pytest.fixture
def server():
    class H(_Handler):
        routes: dict[str, tuple[str, bytes]] = {}
        log: list[tuple[str, str | None]] = []
        fail_after: dict[str, int] = {}
        slow: dict[str, tuple[int, float]] = {}

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield H, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _tar_gz_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for n, data in files.items():
            ti = tarfile.TarInfo(n)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def test_url_archive_download_and_cache(server, tmp_path: Path) -> None:
    H, base = server
    H.routes["/x/must-gather.tar.gz"] = ("application/gzip", _tar_gz_bytes({"mg/a.yaml": b"a: 1\n"}))
    cache = tmp_path / "cache"
    seen: list[tuple[str, int, int | None]] = []
    m = materialize(f"{base}/x/must-gather.tar.gz", cache, progress=lambda *a: seen.append(a))
    assert (m.path / "mg/a.yaml").read_bytes() == b"a: 1\n" and m.from_archive and m.name == "must-gather"
    assert any(p == "download" for p, _, _ in seen)
    assert not list((cache / "downloads").iterdir())  # the download is removed once unpacked
    # Second start: one GET for the ETag, no unpacking.
    m2 = materialize(f"{base}/x/must-gather.tar.gz", cache)
    assert m2.path == m.path


def test_url_html_listing_is_searched(server, tmp_path: Path) -> None:
    H, base = server
    H.routes["/job/1/artifacts/"] = ("text/html", b"""<html><body>
      <a href="../">..</a> <a href="build-log.txt">build-log.txt</a>
      <a href="e2e/">e2e/</a> <a href="http://example.invalid/other/">elsewhere</a></body></html>""")
    H.routes["/job/1/artifacts/e2e/"] = ("text/html", b"""<!DOCTYPE html><html>
      <a href="/job/1/artifacts/e2e/junit/">junit/</a>
      <a href="/job/1/artifacts/e2e/gather-must-gather/">gather-must-gather/</a></html>""")
    H.routes["/job/1/artifacts/e2e/junit/"] = ("text/html", b"<html></html>")
    H.routes["/job/1/artifacts/e2e/gather-must-gather/"] = ("text/html", b"""<html>
      <a href="artifacts/">artifacts/</a></html>""")
    H.routes["/job/1/artifacts/e2e/gather-must-gather/artifacts/"] = ("text/html", b"""<html>
      <a href="must-gather.tar">must-gather.tar</a></html>""")
    inner = _tar_gz_bytes({"must-gather.local.5/timestamp": b"ts\n"})
    outer = io.BytesIO()
    with tarfile.open(fileobj=outer, mode="w") as tf:
        ti = tarfile.TarInfo("quay-io-x/must-gather.tar.gz")
        ti.size = len(inner)
        tf.addfile(ti, io.BytesIO(inner))
    H.routes["/job/1/artifacts/e2e/gather-must-gather/artifacts/must-gather.tar"] = (
        "application/x-tar", outer.getvalue())
    m = materialize(f"{base}/job/1/artifacts/", tmp_path / "cache")
    assert (m.path / "quay-io-x/must-gather/must-gather.local.5/timestamp").read_bytes() == b"ts\n"
    assert m.name == "1"
    paths = [p for p, _ in H.log]
    assert "/job/1/" not in paths  # never climbs above the start URL
    assert "/job/1/artifacts/e2e/junit/" not in paths  # gather dirs are visited first
    assert "/job/1/artifacts/build-log.txt" not in paths  # files are not fetched


def test_url_gcsweb_style_file_link_on_storage_host(server, tmp_path: Path) -> None:
    """gcsweb links files to the storage host: /gcs/<bucket>/<p>/ lists <storage>/<bucket>/<p>/f."""
    H, base = server
    storage = base.replace("127.0.0.1", "localhost")  # another host name for the same server
    H.routes["/gcs/bucket/logs/job/2/artifacts/"] = ("text/html", f"""<html>
      <a href="/gcs/bucket/logs/job/2/">..</a>
      <a href="{storage}/bucket/logs/job/2/artifacts/must-gather.tar">must-gather.tar</a></html>""".encode())
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        ti = tarfile.TarInfo("mg/timestamp")
        ti.size = 3
        tf.addfile(ti, io.BytesIO(b"ts\n"))
    H.routes["/bucket/logs/job/2/artifacts/must-gather.tar"] = ("application/x-tar", buf.getvalue())
    m = materialize(f"{base}/gcs/bucket/logs/job/2/artifacts/", tmp_path / "cache")
    assert (m.path / "mg/timestamp").read_bytes() == b"ts\n"
    assert m.name == "2"


def test_url_html_without_archive(server, tmp_path: Path) -> None:
    H, base = server
    other = base.replace("127.0.0.1", "localhost")
    H.routes["/empty/"] = ("text/html", f"""<html><a href='x.txt'>x</a>
      <a href="{other}/unrelated/must-gather.tar">not this listing's</a>
      <a href="/must-gather.tar">above the start URL</a></html>""".encode())
    with pytest.raises(SourceError, match="HTML page"):
        materialize(f"{base}/empty/", tmp_path / "cache")


def test_url_errors(server, tmp_path: Path) -> None:
    H, base = server
    with pytest.raises(SourceError, match="404"):
        materialize(f"{base}/missing.tar", tmp_path / "cache")
    H.routes["/big.tar"] = ("application/x-tar", b"\0" * 20000)
    with pytest.raises(SourceError, match="limit"):
        materialize(f"{base}/big.tar", tmp_path / "cache", max_total_bytes=10000)


def test_url_download_resumes(server, tmp_path: Path) -> None:
    H, base = server
    body = _tar_gz_bytes({f"f{i}.log": os.urandom(20000) for i in range(20)})
    H.routes["/r.tar.gz"] = ("application/gzip", body)
    H.fail_after["/r.tar.gz"] = len(body) // 2
    cache = tmp_path / "cache"
    with pytest.raises(SourceError, match="download"):
        materialize(f"{base}/r.tar.gz", cache)
    parts = list((cache / "downloads").glob("*.part"))
    assert len(parts) == 1 and 0 < parts[0].stat().st_size < len(body)
    m = materialize(f"{base}/r.tar.gz", cache)
    assert len(_tree_files(m.path)) == 20
    assert H.log[-1][1] is not None and H.log[-1][1].startswith("bytes=")  # a Range request


def test_url_tar_is_unpacked_while_it_downloads(server, tmp_path: Path) -> None:
    """Issue 20 "from a URL": a tar download is unpacked as it arrives: members are on disk before
    its last bytes came (the download and the unpacking overlap), and the tree is the same."""
    H, base = server
    files = {f"mg/namespaces/ns/pods/p{i}/p{i}.log": os.urandom(20000) for i in range(40)}
    body = _tar_gz_bytes(files)
    H.routes["/s.tar.gz"] = ("application/gzip", body)
    H.slow["/s.tar.gz"] = (32 << 10, 0.02)
    cache = tmp_path / "cache"
    seen: list[tuple[int, int]] = []  # (bytes downloaded, members already unpacked)

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "download":
            assert total == len(body)
            seen.append((done, len(list(cache.glob(".tmp-*/tree/mg/namespaces/ns/pods/*/*.log")))))

    m = materialize(f"{base}/s.tar.gz", cache, progress=progress)
    assert seen[-1][0] == len(body)
    assert any(unpacked > 0 for done, unpacked in seen if done < len(body) // 2)
    assert {k: v.read_bytes() for k, v in _tree_files(m.path).items()} == files
    assert not list((cache / "downloads").iterdir())  # nothing left behind
    assert [p for p, _ in H.log] == ["/s.tar.gz"]  # one GET: no second read of a downloaded file


def test_url_zip_is_downloaded_then_unpacked(server, tmp_path: Path) -> None:
    """A zip is read from its end (the central directory): downloaded first, as before."""
    H, base = server
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mg/timestamp", b"ts\n")
    H.routes["/z.zip"] = ("application/zip", buf.getvalue())
    m = materialize(f"{base}/z.zip", tmp_path / "cache")
    assert (m.path / "mg/timestamp").read_bytes() == b"ts\n"
    assert not list((tmp_path / "cache" / "downloads").iterdir())


def test_url_stream_interrupted_mid_unpack_keeps_nothing_half_done(server, tmp_path: Path) -> None:
    """A streamed download that breaks leaves no tree (not even one marked truncated), keeps what
    arrived for a resume, and the next start resumes and unpacks all of it."""
    H, base = server
    files = {f"f{i}.log": os.urandom(20000) for i in range(20)}
    body = _tar_gz_bytes(files)
    H.routes["/i.tar.gz"] = ("application/gzip", body)
    H.fail_after["/i.tar.gz"] = len(body) * 3 // 4
    cache = tmp_path / "cache"
    with pytest.raises(SourceError, match="download"):
        materialize(f"{base}/i.tar.gz", cache)
    assert not [p for p in cache.iterdir() if p.name != "downloads"]  # no entry, no temp dir
    (part,) = (cache / "downloads").glob("*.part")
    assert body.startswith(part.read_bytes()) and 0 < part.stat().st_size < len(body)
    m = materialize(f"{base}/i.tar.gz", cache)
    assert not m.truncated and {k: v.read_bytes() for k, v in _tree_files(m.path).items()} == files
    assert H.log[-1][1] is not None and H.log[-1][1].startswith("bytes=")  # a Range request


# --------------------------------------------------------------------------- real samples


OMC = SAMPLES / "omc-testdata" / "cmd-use-testdata"


@pytest.mark.samples
@pytest.mark.parametrize("fname", ["must-gather.tar", "must-gather.tar.gz", "must-gather.tar.xz",
                                   "must-gather.zip"])
def test_omc_sample_archives(fname: str, tmp_path: Path) -> None:
    src = OMC / fname
    if not src.is_file():
        pytest.skip("shared samples not present")
    m = materialize(str(src), tmp_path / "cache")
    assert m.name == "must-gather" and m.from_archive
    assert (m.path / "must-gather.sample" / "event-filter.html").is_file()
    assert (m.path / "must-gather.sample" / "namespaces").is_dir()
    assert not m.truncated and m.problems == []


@pytest.mark.samples
def test_sample_directory_as_is(tmp_path: Path) -> None:
    d = SAMPLES / "resourcewatch-okd-sno"
    if not d.is_dir():
        pytest.skip("shared samples not present")
    m = materialize(str(d), tmp_path / "cache")
    assert m.path == d.resolve() and m.name == "resourcewatch-okd-sno" and not m.from_archive
    assert not (tmp_path / "cache").exists()


def test_gzip_log_inside_archive_is_not_unpacked(tmp_path: Path) -> None:
    """A rotated ``.gz`` log (not a tar) inside a must-gather stays as it is."""
    src = tmp_path / "mg.tar"
    _write_tar(src, {"logs/rotated/1.log.20231102-061208.gz": gzip.compress(b"line\n"),
                     "sysinfo.tgz.txt": b"x"})
    m = materialize(str(src), tmp_path / "cache")
    assert gzip.decompress((m.path / "logs/rotated/1.log.20231102-061208.gz").read_bytes()) == b"line\n"
