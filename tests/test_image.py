"""The store image (image.py): a second start of an unchanged must-gather loads the built store
instead of parsing, with identical objects; anything changed, foreign or corrupt is rebuilt."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from staticapi.serve import cluster
from staticapi.source import ingest, layout
from staticapi.store import image
from staticapi.store.store import apply_files, compact

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "must-gather"


@pytest.fixture()
def mg(tmp_path: Path) -> Path:
    d = tmp_path / "mg"
    shutil.copytree(FIXTURE, d, symlinks=True)
    return d


def _state(store) -> dict:
    """Everything the API serves from a store, per object."""
    return {
        key: [(e.namespace, e.name, e.uid, e.rv, e.labels, e.raw, e.version, e.kind, e.rel, e.converted)
              for e in t.sorted()]
        for key, t in store.tables.items() if len(t)
    }


def _first_start(mg: Path, cache: Path, track: bool = False):
    """What a first start does: build here, then (Cluster.settle) compact and write the image."""
    lay = layout.scan(mg)
    img = image.image_file(cache, lay.source_dir)
    store = cluster.build("t", lay, track=track, cache_dir=cache, img=img)
    compact(store)
    assert image.save(img, store, image.capture(store))
    return store, img


def test_second_start_loads_the_image_with_identical_objects(mg: Path, tmp_path: Path, caplog) -> None:
    first, path = _first_start(mg, tmp_path / "cache")
    assert path.is_file() and path.parent == tmp_path / "cache" / "index"
    with caplog.at_level(logging.INFO, logger="staticapi.cluster"):
        second = cluster.load_store("t", mg, cache_dir=tmp_path / "cache")
    assert "from the store image" in caplog.text
    # nothing built yet: tables are filled on first use, counts are known without it
    assert all(t._objects is None for t in second.tables.values())
    assert second.count() == first.count() > 100
    assert _state(second) == _state(first)
    assert second.rv == first.rv and second.collection_time == first.collection_time
    assert second.version_info == first.version_info and second.openshift == first.openshift
    assert [(p.path, p.reason) for p in second.problems] == [(p.path, p.reason) for p in first.problems]
    assert sorted(second.registry.resources) == sorted(first.registry.resources)
    # the layout comes from the image: no directory was listed
    assert second.layout.roots == first.layout.roots and second.layout.files == []
    assert second.layout.namespace_dirs == first.layout.namespace_dirs


@pytest.mark.parametrize("change", ["rewrite", "add", "remove", "rename", "timestamp"])
def test_a_changed_tree_is_not_served_from_the_image(mg: Path, tmp_path: Path, caplog, change: str) -> None:
    first, _ = _first_start(mg, tmp_path / "cache")
    f = next(p for p in sorted(mg.rglob("configmaps.yaml")) if "/core/" in str(p))
    st = f.stat()
    if change == "rewrite":  # same size, later mtime
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    elif change == "add":
        ns = f.parent.parent.name
        (f.parent / "extra.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added\n"
                                             f"  namespace: {ns}\ndata:\n  a: b\n")
    elif change == "remove":
        f.unlink()
    elif change == "rename":
        f.rename(f.with_name("renamed.yml"))
    else:
        ts = next(mg.rglob("timestamp"))
        ts.write_text(ts.read_text() + "\n")
    with caplog.at_level(logging.INFO):
        store = cluster.load_store("t", mg, cache_dir=tmp_path / "cache")
    assert "files changed" in caplog.text and "from the store image" not in caplog.text
    assert store.count() > 100
    names = {e.name for e in store.tables[("", "configmaps")].sorted()}
    assert ("added" in names) == (change == "add")


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign"])
def test_a_corrupt_or_foreign_image_is_rebuilt(mg: Path, tmp_path: Path, caplog, damage: str) -> None:
    first, path = _first_start(mg, tmp_path / "cache")
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        del data[-100:]
    else:
        data[:8] = b"NOTANIMG"
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.INFO):
        assert image.load(path, mg.resolve(), name="t", track=False, bundled_crds=[], crd_record=None) is None
    assert "not used" in caplog.text
    assert _state(cluster.load_store("t", mg, cache_dir=tmp_path / "cache")) == _state(first)


def test_live_reload_after_a_warm_start(mg: Path, tmp_path: Path) -> None:
    """Which file provides which object comes from the image on the first change."""
    _first_start(mg, tmp_path / "cache", track=True)
    store = cluster.load_store("t", mg, cache_dir=tmp_path / "cache", track=True)
    assert store.tracking_loader is not None and not store.file_keys
    lay = store.layout
    f = next(f for f in layout.scan(mg).files if f.per_object and f.resource == "configmaps")
    entry_before = {e.name: e for e in store.tables[("", "configmaps")].sorted()}
    text = Path(f.path).read_text()
    Path(f.path).write_text(text.replace("data:", "data:\n  added-by-test: \"1\"", 1) if "data:" in text
                            else text + "data:\n  added-by-test: \"1\"\n")
    changes = apply_files(store, [ingest.process_file(layout.object_file(Path(f.path), lay))], set())
    assert store.tracking_loader is None and store.file_keys
    assert [c.type for c in changes] == ["MODIFIED"]
    assert changes[0].entry.name in entry_before and b"added-by-test" in changes[0].entry.raw
    assert changes[0].rv == store.rv > entry_before[changes[0].entry.name].rv
    # deleting the file: the object goes only if no other file (a List) still provides it
    os.unlink(f.path)
    gone = apply_files(store, [], {f.rel})
    still = [e.name for e in store.tables[("", "configmaps")].sorted()]
    assert all(c.type == "DELETED" for c in gone)
    assert (changes[0].entry.name in still) == (not gone)


def test_first_index_in_a_child_process(mg: Path, tmp_path: Path, monkeypatch, caplog) -> None:
    """Large sources are indexed in a child that writes the image; the server loads it (RSS)."""
    monkeypatch.setenv("STATICAPI_ISOLATE_BYTES", "0")
    seen: list[tuple[int, int]] = []
    with caplog.at_level(logging.INFO, logger="staticapi.cluster"):
        store = cluster.load_store("t", mg, cache_dir=tmp_path / "cache", progress=lambda d, t: seen.append((d, t)))
    assert "in a child process" in caplog.text
    for proc in cluster.CHILDREN:
        proc.join(60)
    assert seen and seen[-1][0] == seen[-1][1]
    monkeypatch.delenv("STATICAPI_ISOLATE_BYTES")
    here = cluster.build("t", layout.scan(mg))
    assert _state(store) == _state(here)


def test_image_loaded_with_a_scan_must_be_built_from_that_scan(mg: Path, tmp_path: Path) -> None:
    """After the indexing child, the server loads the image with its own scan and checks no file:
    the image's stamps must be that very scan's."""
    lay = layout.scan(mg)
    store = cluster.build("t", lay)
    path = image.image_file(tmp_path, mg.resolve())
    assert image.save(path, store, image.capture(store))
    opts = dict(name="t", track=False, bundled_crds=[], crd_record=None)
    assert image.load(path, mg.resolve(), layout=layout.scan(mg), **opts) is not None
    other = layout.scan(mg)
    other.files[0].mtime_ns += 1
    assert image.load(path, mg.resolve(), layout=other, **opts) is None


def test_image_loaded_with_a_digest_of_the_scan(mg: Path, tmp_path: Path) -> None:
    """The server gives its scan to the indexing child and keeps only the scan's digest: the image
    must match it, and with live reload the scan's file stamps come back from the image."""
    lay = layout.scan(mg)
    store = cluster.build("t", lay, track=True)
    path = image.image_file(tmp_path, mg.resolve())
    assert image.save(path, store, image.capture(store))
    opts = dict(name="t", bundled_crds=[], crd_record=None)
    scan = layout.scan(mg)
    want = [[f.rel, f.size, f.mtime_ns] for f in scan.files]
    digest = image.stamps_digest(scan)
    scan.slim()
    assert scan.files == [] and scan.dirs == {} and scan.roots
    got = image.load(path, mg.resolve(), layout=scan, scan_digest=digest, track=True, **opts)
    assert got is not None and got.layout.file_stamps == want
    assert _state(got) == _state(store)
    other = layout.scan(mg)
    other.dirs[next(iter(other.dirs))] += 1  # a directory's mtime differs: another scan
    assert image.load(path, mg.resolve(), layout=scan, scan_digest=image.stamps_digest(other), track=True,
                      **opts) is None


def test_the_server_keeps_no_file_records_after_the_indexing_child(mg: Path, tmp_path: Path, monkeypatch) -> None:
    """The child takes the scan; the server's store keeps only its summary (RSS), and live reload's
    catch-up still finds what changed since that scan; a failed child means a fresh scan here."""
    from staticapi.serve import reload

    monkeypatch.setenv("STATICAPI_ISOLATE_BYTES", "0")
    store = cluster.load_store("t", mg, cache_dir=tmp_path / "cache", track=True)
    for proc in cluster.CHILDREN:
        proc.join(60)
    lay = store.layout
    assert lay.files == [] and lay.dirs == {} and len(lay.file_stamps) > 100
    f = next(r for r, _, _ in lay.file_stamps if r.endswith(".yaml"))
    with open(mg / f, "a") as fh:
        fh.write("\n")
    assert reload._changed_since_scan(lay) == {(reload.FsChange.modified, str(mg.resolve() / f))}

    def no_image(*a, **kw):
        return None  # as if the child's image could not be read

    monkeypatch.setattr(cluster.image, "load", no_image)
    again = cluster.load_store("t", mg, cache_dir=tmp_path / "cache2", track=True)
    for proc in cluster.CHILDREN:
        proc.join(60)
    monkeypatch.delenv("STATICAPI_ISOLATE_BYTES")
    assert _state(again) == _state(cluster.build("t", layout.scan(mg)))
    assert len(again.layout.files) == len(layout.scan(mg).files)


def test_cluster_with_live_reload_writes_a_complete_image(mg: Path, tmp_path: Path, caplog, monkeypatch) -> None:
    """Live reload's catch-up scan waits for settle: the image keeps every file's stamp. (The file
    watcher is a stand-in that is ready at once: the real one runs in the e2e servers.)"""
    import asyncio

    from staticapi.serve import reload

    class ReadyWatcher:
        def __init__(self, name, roots, debounce_ms=200):
            self.roots, self.queue = roots, asyncio.Queue()

        async def ready(self, timeout=120):
            return None

        def stop(self):
            self.queue.put_nowait(None)

    monkeypatch.setattr(reload, "Watcher", ReadyWatcher)

    async def run():
        c = cluster.Cluster("t", mg, str(mg), cache_dir=tmp_path / "cache", live_reload=True)
        await c.load()
        await asyncio.wait_for(c.settled.wait(), 30)
        c.reload_task.cancel()
        try:
            await c.reload_task
        except asyncio.CancelledError:
            pass
        return c.store

    first = asyncio.run(asyncio.wait_for(run(), 60))
    path = image.image_file(tmp_path / "cache", mg.resolve())
    import orjson
    import zstandard

    header, sections = image._read(path, str(mg.resolve()))
    stamps = orjson.loads(zstandard.ZstdDecompressor().decompress(sections[1]))
    assert len(stamps["files"]) == len(layout.scan(mg).files) > 100
    with caplog.at_level(logging.INFO, logger="staticapi.cluster"):
        second = cluster.load_store("t", mg, cache_dir=tmp_path / "cache", track=True)
    assert "from the store image" in caplog.text
    assert _state(second) == _state(first)


def test_compressing_workers_build_the_same_store(mg: Path, tmp_path: Path, monkeypatch) -> None:
    """With parse workers (large archives), each object is compressed in its worker with a dictionary
    trained on a sample parsed first; the store, its index cache and its image serve the same objects
    as a build without workers, and the dictionary is the one the store and the image keep."""
    from staticapi.source import codec

    lay = layout.scan(mg)
    plain = cluster.build("t", lay)
    monkeypatch.setattr(ingest, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(ingest, "SAMPLE_BYTES", 1 << 20)
    monkeypatch.setattr(ingest, "SAMPLE_OBJECTS", 20)
    monkeypatch.setattr(ingest, "BATCH_BYTES", 32 << 10)
    cache = tmp_path / "cache"
    img = image.image_file(cache, lay.source_dir)
    store = cluster.build("t", lay, cache_dir=cache, img=img)
    assert store.zdict is not None
    entries = [e for t in store.tables.values() for e in t.sorted()]
    assert sum(codec.is_compressed(e._raw) for e in entries) > len(entries) // 2
    assert _state(store) == _state(plain)
    compact(store)
    assert image.save(img, store, image.capture(store))
    indexcache_save = store.pending.index
    ingest_results = indexcache_save[2]
    assert any(codec.is_compressed(r.raw) for res in ingest_results for r in res.records)
    from staticapi.store import indexcache

    indexcache.save(*indexcache_save, store.zdict)
    again = cluster.load_store("t", mg, cache_dir=cache)
    assert again.zdict.dict_id() == store.zdict.dict_id()
    assert _state(again) == _state(plain)
    # the index cache alone (no image): its records come back compressed with the same dictionary
    img.unlink()
    warm = cluster.build("t", layout.scan(mg), cache_dir=cache)
    assert warm.zdict.dict_id() == store.zdict.dict_id() and _state(warm) == _state(plain)


def test_parse_files_yields_every_file_in_order_with_its_sample(monkeypatch) -> None:
    """The dictionary's sample is parsed first but yielded in its place; a given dictionary is used
    as is (no sample)."""
    from staticapi.source import codec

    lay = layout.scan(FIXTURE)
    monkeypatch.setattr(ingest, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(ingest, "SAMPLE_BYTES", 1 << 20)
    monkeypatch.setattr(ingest, "SAMPLE_OBJECTS", 20)
    monkeypatch.setattr(ingest, "BATCH_BYTES", 32 << 10)
    sample = ingest.dictionary_sample(lay.files)
    rels = [f.rel for f in lay.files]
    assert sample and all(f.size <= 2 << 20 for f in sample)
    assert [rels.index(f.rel) for f in sample] == sorted(rels.index(f.rel) for f in sample)
    assert len(sample) < len(lay.files) and sum(f.size for f in sample) < 2 << 20
    reference = {r.rel: r for r in ingest.parse_files(lay.files, workers=1)}
    comp = ingest.Compression()
    got = list(ingest.parse_files(lay.files, workers=2, compression=comp))
    assert [r.rel for r in got] == rels and comp.zdict is not None
    for res in got:
        ref = reference[res.rel]
        assert res.problems == ref.problems and res.quick == ref.quick
        assert [codec.plain(r.raw) for r in res.records] == [r.raw for r in ref.records]
    sampled = {f.rel for f in sample}
    assert not any(codec.is_compressed(r.raw) for res in got if res.rel in sampled for r in res.records)
    given = list(ingest.parse_files(lay.files, workers=2, compression=ingest.Compression(comp.zdict)))
    records = [r for res in given for r in res.records]
    assert [r.rel for r in given] == rels
    assert sum(codec.is_compressed(r.raw) for r in records) > len(records) * 3 // 4


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_forked_parse_workers_end_with_their_parent(tmp_path: Path) -> None:
    """The indexing child forks its parse workers; killed (the server stopping it, or SIGKILL), it
    must not leave them behind: forked workers share every pipe of their pool and would wait forever."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "parse.py"
    script.write_text(
        "import sys, time\n"
        "from pathlib import Path\n"
        "from staticapi.source import ingest, layout\n"
        "ingest.POOL_START_METHOD = 'fork'\n"
        "ingest.PARALLEL_THRESHOLD = 0\n"
        "ingest.BATCH_BYTES = 1\n"
        f"files = layout.scan(Path({str(FIXTURE)!r})).files\n"
        "for i, res in enumerate(ingest.parse_files(files * 20, workers=2)):\n"
        "    if i == 5:\n"
        "        print('parsing', flush=True)\n"
        "        time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "parsing"
        workers = set()
        for task in Path(f"/proc/{proc.pid}/task").iterdir():
            workers |= {int(p) for p in (task / "children").read_text().split()}
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() and "Z" not in _proc_state(w) for w in workers):
        assert time.monotonic() < deadline, f"workers {workers} outlived their parent"
        time.sleep(0.05)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def _session_processes(sid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[3]) == sid and fields[0] != "Z":  # (state, ppid, pgrp, session)
                out.append(int(d.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc")
@pytest.mark.parametrize("where", ["child", "server"])
def test_stopping_the_server_during_a_first_index_ends_it_at_once(tmp_path: Path, where: str) -> None:
    """SIGTERM while a large must-gather is first indexed (in the indexing child, or in the server's
    own parse workers): the server exits at once, does not index in the server instead, and leaves
    no process behind. (It used to finish the whole index first: minutes on a large archive.)"""
    import signal
    import subprocess
    import sys
    import time

    mg = tmp_path / "mg"
    shutil.copytree(FIXTURE, mg, symlinks=True)
    image_dir = next(p for p in mg.iterdir() if (p / "namespaces" / "demo-apps").is_dir())
    demo = image_dir / "namespaces" / "demo-apps"
    yamls = [p for p in demo.rglob("*.yaml") if p.is_file() and not p.is_symlink()]
    for k in range(200):  # ~130 MB of objects: seconds of parsing on any machine
        for p in yamls:
            dest = image_dir / "namespaces" / f"copy-{k}" / p.relative_to(demo)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(p.read_bytes())
    env = {**os.environ, "STATICAPI_ISOLATE_BYTES": "0" if where == "child" else str(1 << 40)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "staticapi.cli", "serve", str(mg), "--port", "0", "--no-reload",
         "--cache-dir", str(tmp_path / "cache"), "--kubeconfig", str(tmp_path / "kc"), "--log-level", "debug"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    lines: list[str] = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "indexing child started" in line or (where == "server" and "scanned" in line):
                break
        time.sleep(0.5)  # parsing now
        proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        lines += proc.stdout.readlines()
        proc.wait(30)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    text = "".join(lines)
    assert "shutting down" in text and "indexed" not in text and "indexing in the server" not in text, text[-2000:]
    assert took < 10, took
    deadline = time.monotonic() + 10
    while _session_processes(proc.pid):
        assert time.monotonic() < deadline, f"left behind: {_session_processes(proc.pid)}"
        time.sleep(0.1)


def test_a_stopped_index_cache_write_leaves_no_temp_file(mg: Path, tmp_path: Path, monkeypatch) -> None:
    """The indexing child is stopped (SIGTERM -> SystemExit, cluster.child_index) when the server exits,
    maybe while it writes the index cache: the temp file goes, the stop goes on."""
    from staticapi.store import indexcache

    lay = layout.scan(mg)
    cache = tmp_path / "cache"
    store = cluster.build("t", lay, cache_dir=cache)
    cfile, lay_, results = store.pending.index

    def stopped(fd):
        raise SystemExit(0)

    monkeypatch.setattr(indexcache.os, "fsync", stopped)
    with pytest.raises(SystemExit):
        indexcache.save(cfile, lay_, results, store.zdict)
    assert not list(cfile.parent.glob("*.tmp")) and not cfile.exists()
    monkeypatch.undo()
    indexcache.save(cfile, lay_, results, store.zdict)
    assert cfile.exists() and not list(cfile.parent.glob("*.tmp"))


def test_the_indexing_child_stopped_while_writing_the_index_cache_leaves_no_temp_file(
        mg: Path, tmp_path: Path, monkeypatch) -> None:
    """The server stops its indexing child at exit (cluster._stop_children: SIGTERM), maybe while the
    child writes the index cache after the image: its temp file goes (the default action left it)."""
    import multiprocessing
    import time

    from staticapi.store import indexcache

    monkeypatch.setattr(indexcache.os, "fsync", lambda fd: time.sleep(60))  # (inherited by the fork)
    lay = layout.scan(mg)
    cache = tmp_path / "cache"
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=cluster.child_index, args=("t", lay, str(cache), logging.WARNING, send))
    proc.start()
    send.close()
    try:
        while (msg := recv.recv())[0] != "image":
            pass
        assert msg[1] is True
        deadline = time.monotonic() + 60
        while not list((cache / "index").glob("*.idx.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list((cache / "index").glob("*.idx.*.tmp"))
        proc.terminate()
        proc.join(30)
        assert proc.exitcode == 0
        assert not list((cache / "index").glob("*.tmp"))
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()


def test_the_indexing_child_holds_its_index_cache_until_the_server_says_go(mg: Path, tmp_path: Path,
                                                                           monkeypatch) -> None:
    """cluster.child_index with a `go` pipe (a server's Cluster.load): the store image comes at once,
    the index cache only after the server's settle sends go (issue 20: that work ran during the first
    answers), or after CHILD_HOLD_LIMIT seconds without it."""
    import multiprocessing
    import time

    lay = layout.scan(mg)
    ctx = multiprocessing.get_context("fork")
    for how, limit in (("go", 60.0), ("limit", 3.0)):
        monkeypatch.setattr(cluster, "CHILD_HOLD_LIMIT", limit)  # (inherited by the fork)
        cache = tmp_path / f"cache-{how}"
        recv, send = ctx.Pipe(duplex=False)
        go_recv, go_send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=cluster.child_index, args=("t", lay, str(cache), logging.WARNING, send, go_recv))
        proc.start()
        send.close()
        go_recv.close()
        try:
            while (msg := recv.recv())[0] != "image":
                pass
            t_image = time.monotonic()
            assert msg[1] is True and list((cache / "index").glob("*.img"))
            time.sleep(1.0)
            assert not list((cache / "index").glob("*.idx")), "the index cache was written before go"
            assert proc.is_alive()
            if how == "go":
                go_send.send(("go",))
            proc.join(90)
            assert proc.exitcode == 0
            assert list((cache / "index").glob("*.idx"))
            took = time.monotonic() - t_image
            assert took < 50 if how == "go" else took >= 2.9, took
        finally:
            go_send.close()
            if proc.is_alive():
                proc.kill()
                proc.join()


def test_kinds_only_background_work_built_are_packed_again(mg: Path, tmp_path: Path) -> None:
    """store.ResourceObjects.repack: after a prewarm (BUILT_IN_BACKGROUND set, as
    serve.activity.background_work does) the kinds it alone built go back to their packed form, with
    the same objects on the next use; a kind a request used, or a reload changed, stays built."""
    import contextvars

    from staticapi.store.store import BUILT_IN_BACKGROUND

    first, _ = _first_start(mg, tmp_path / "cache")
    store = cluster.load_store("t", mg, cache_dir=tmp_path / "cache")
    want = _state(first)
    pods, nodes, cms = (store.tables[("", p)] for p in ("pods", "nodes", "configmaps"))

    def background() -> None:
        BUILT_IN_BACKGROUND.set(True)
        for t in (pods, nodes, cms):
            # a pass over a packed kind gets entries of its own and leaves the kind packed (RSS: the
            # findings read every kind, their entries were 60-70 MB on the benchmark tree)
            assert [(e.namespace, e.name, e.raw) for e in t.sorted()] == [w[:2] + (w[5],) for w in want[t.resource.key]]
            assert t._objects is None
            assert len(t.objects) == len(t)  # a lookup builds the kind (kept until repacked)

    contextvars.copy_context().run(background)
    assert all(t._objects is not None for t in (pods, nodes, cms))
    assert len(nodes.objects) > 0  # a request (outside background work) uses the nodes
    e = next(iter(cms.objects.values()))
    contextvars.copy_context().run(lambda: (BUILT_IN_BACKGROUND.set(True), cms.put(e)))  # a reload's change
    assert store.repack_background() == 1
    assert pods._objects is None and nodes._objects is not None and cms._objects is not None
    assert store.repack_background() == 0
    assert _state(store) == want  # rebuilt on use, the same objects
    assert store.repack_background() == 0  # (that use was not background work)
