"""One served must-gather: its source, its store once indexed, its watchers.

The HTTP server starts before indexing ends (so `/livez` answers at once);
`ready` is set when the whole archive is indexed, and every API request for
this cluster waits for it: a list is never served from a partial index.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..source import ingest
from ..source import layout as layoutmod
from ..store import image, indexcache
from ..store.store import ClusterStore, build_store, compact
from .activity import ACTIVITY, idle_priority
from .watch import WatchHub

log = logging.getLogger("staticapi.cluster")


def _crd_helpers():
    from ..kube import crdprinter

    return crdprinter.bundled_crds(), crdprinter.crd_record_from_object


def load_store(name: str, directory: Path, progress: Callable[[int, int], None] | None = None,
               track: bool = False, cache_dir: Path | None = None, hold_child: bool = False) -> ClusterStore:
    """Scan, parse and index one must-gather directory (blocking; run in a thread).

    With `cache_dir`, an unchanged must-gather comes from its store image
    (image.py). A large one seen for the first time is indexed in a child
    process that writes the image, which this process then loads: the parse's
    garbage never fragments the server's heap (RSS stays near what the store
    holds). Otherwise it is built here, with parse results of unchanged files
    from the index cache (indexcache.py), and `store.pending` says what to
    persist once the server is ready (Cluster.settle). With `hold_child`, an indexing child goes on
    (index cache, twin check) only once `store.child_go` is sent or closed (Cluster.settle does).
    """
    t0 = time.monotonic()
    bundled, crd_record = _crd_helpers()
    source = Path(directory).resolve()
    img = image.image_file(cache_dir, source) if cache_dir else None
    opts = dict(name=name, track=track, bundled_crds=bundled, crd_record=crd_record)
    store, how = (image.load(img, source, **opts), "from the store image") if img else (None, "")
    lay = None
    if store is None:
        # a large must-gather is parsed by processes the forkserver starts, which itself needs most
        # of a second to start: let it start while the scan goes on
        lay = layoutmod.scan(directory, on_bytes=(ingest.PARALLEL_THRESHOLD, ingest.start_forkserver))
        if not lay.roots:
            log.warning("%s: no cluster-scoped-resources/ or namespaces/ found under %s", name, directory)
        log.debug("%s: scanned %d files at %.2fs", name, len(lay.files), time.monotonic() - t0)
        if img and lay.total_bytes >= isolate_bytes():
            how = "in a child process"
            ok, go, digest = _index_in_child(name, lay, cache_dir, progress, hold_child)
            if ok:
                store = image.load(img, source, layout=lay, scan_digest=digest, **opts)
            if store is not None and go is not None:
                store.child_go = go  # type: ignore[attr-defined]
            elif go is not None:
                go.close()
            if store is None and ingest.stopping():
                raise ingest.Stopped()  # (the child was stopped: do not index here instead)
            if store is None:
                log.warning("%s: indexing in a child process failed; indexing in the server", name)
                lay = layoutmod.scan(directory)  # (the child took the first scan's files: _index_in_child)
    if store is not None:
        dt = time.monotonic() - t0
        # (none from the index cache: the store image holds the objects, `how` says where it came from)
        log.info("%s: indexed %d objects from %d files (%.1f MB, 0 from the index cache) in %.2fs; "
                 "%d skipped; %s", name, store.count(), store.files_read,
                 store.bytes_read / 1e6, dt, len(store.problems), how)
        store.index_seconds = dt  # type: ignore[attr-defined]
        _log_collection_time(name, store)
        return store
    store = build(name, lay, progress=progress, track=track, cache_dir=cache_dir, img=img,
                  crd_helpers=(bundled, crd_record))
    pending = store.pending  # type: ignore[attr-defined]
    if pending.twins and pending.twin_bytes <= TWIN_SYNC_BYTES:
        verify_twins(store)  # small archives: before ready, so conflicts are in the log at once
    store.index_seconds = time.monotonic() - t0  # type: ignore[attr-defined]
    _log_collection_time(name, store)
    return store


def _log_collection_time(name: str, store: ClusterStore) -> None:
    """Ages are measured from the collection time: say at every start where it came from."""
    if store.collection_time is None:
        log.info("%s: collection time: %s", name, store.collection_source or "none found: ages from the wall clock")
    else:
        log.info("%s: collection time %s, %s", name, store.collection_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 store.collection_source or "from the store image")


def build(name: str, lay: layoutmod.Layout, *, progress: Callable[[int, int], None] | None = None,
          track: bool = False, cache_dir: Path | None = None, img: Path | None = None,
          crd_helpers: tuple | None = None, intern: bool = True) -> ClusterStore:
    """Parse (what the index cache does not have) and merge a scanned must-gather into a store
    (`intern`: see build_store)."""
    t0 = time.monotonic()
    gc_was = gc.isenabled()
    gc.disable()  # 100k+ long-lived objects: collections would only walk them again and again
    try:
        return _build(name, lay, progress, track, cache_dir, img, t0, crd_helpers or _crd_helpers(), intern)
    finally:
        if gc_was:
            gc.enable()


def _build(name, lay, progress, track, cache_dir, img, t0, crd_helpers, intern) -> ClusterStore:
    bundled, crd_record = crd_helpers
    cfile = indexcache.cache_file(cache_dir, lay.source_dir) if cache_dir else None
    info: dict = {}
    cached = indexcache.load(cfile, lay, info) if cfile else {}
    todo = [f for f in lay.files if f.rel not in cached]
    # the newest timestamp in the objects is the collection time only without a `timestamp` file
    # the parse workers compress the objects with the index cache's dictionary, or with one trained
    # on a sample of the archive (compressing there is on every core, and shrinks what crosses the pipe)
    comp = ingest.Compression(info.get("zdict"))
    parsed = {r.rel: r for r in ingest.parse_files(todo, progress=progress, quick=True,
                                                     newest=lay.collection_time is None, compression=comp)}
    results = [cached.get(f.rel) or parsed[f.rel] for f in lay.files]
    log.debug("%s: parsed %d files at %.2fs", name, len(todo), time.monotonic() - t0)
    # per-object twins of List items are not parsed twice (ingest.quick_identity)
    results = ingest.resolve_quick(results, lay.files)
    store = build_store(name, lay, results, bundled_crds=bundled, crd_record=crd_record, track=track,
                        intern=intern)
    store.zdict = comp.zdict
    log.info(
        "%s: indexed %d objects from %d files (%.1f MB, %d from the index cache) in %.2fs; %d skipped",
        name, store.count(), store.files_read, lay.total_bytes / 1e6, len(cached), time.monotonic() - t0,
        len(store.problems),
    )
    twins = [r for r in results if r.quick is not None]
    twin_rels = {r.rel for r in twins}
    store.pending = Pending(  # type: ignore[attr-defined]
        index=(cfile, lay, results) if cfile and (todo or not cfile.exists()) else None,
        image=img, twins=(twins, lay.files) if twins else None,
        twin_bytes=sum(f.size for f in lay.files if f.rel in twin_rels))
    return store


def isolate_bytes() -> int:
    """Object bytes from which a first index runs in a child process ($STATICAPI_ISOLATE_BYTES)."""
    env = os.environ.get("STATICAPI_ISOLATE_BYTES", "")
    return int(env) if env.isdigit() else 128 << 20


def _index_in_child(name: str, lay: layoutmod.Layout, cache_dir: Path,
                    progress: Callable[[int, int], None] | None, hold: bool = False) -> tuple[bool, Any, bytes]:
    """Run child_index in a fresh process; (True once it wrote the store image, the pipe end that lets
    it go on: index cache, twin check, the digest of the scan's stamps for image.load). Without
    `hold` it goes on at once, on its own.

    Once the child has the scan, `lay` keeps only its summary (Layout.slim): its file and directory
    records are the child's to use, and here they would stay resident for good under the store
    loaded next (issue 20 "RSS after indexing": 35 MB on the generated benchmark tree, 80 MB on the
    real-object one)."""
    ctx = ingest.pool_context()
    recv, send = ctx.Pipe(duplex=False)
    go_recv, go_send = ctx.Pipe(duplex=False) if hold else (None, None)
    proc = ctx.Process(target=child_index, name=f"staticapi-index-{name}",
                       args=(name, lay, str(cache_dir), logging.getLogger().level, send, go_recv))
    proc.start()  # (the scan goes to the child now: pickled by start())
    log.debug("%s: indexing child started", name)
    digest = image.stamps_digest(lay)
    lay.slim()
    release_memory()  # while the child parses: the store loaded next fills what the scan held
    send.close()
    if go_recv is not None:
        go_recv.close()
    if not CHILDREN:
        import atexit

        atexit.register(_stop_children)  # runs before multiprocessing's own exit hook joins them
    CHILDREN.append(proc)  # (stop_indexing stops it, also while it parses)
    ok = False
    try:
        while True:
            msg = recv.recv()
            if msg[0] == "progress":
                if progress:
                    progress(msg[1], msg[2])
            elif msg[0] == "image":
                ok = bool(msg[1])
                break
    except (EOFError, OSError):
        pass
    finally:
        recv.close()
    threading.Thread(target=proc.join, name=f"reap-{proc.name}", daemon=True).start()
    return ok, go_send, digest


CHILDREN: list = []  # indexing child processes started (they finish the index cache on their own)


def stop_indexing() -> None:
    """Shutting down: parses in this process end (ingest.stop) and indexing children are stopped, so
    the threads that wait for them return at once instead of finishing the index."""
    ingest.stop()
    _stop_children()


def _stop_children() -> None:
    """At exit: an indexing child still writing the index cache is not waited for."""
    for proc in CHILDREN:
        if proc.is_alive():
            proc.terminate()


#: seconds an indexing child waits for its server's go before it writes the index cache anyway
CHILD_HOLD_LIMIT = 120.0


def child_index(name: str, lay: layoutmod.Layout, cache_dir: str, level: int, conn, go=None) -> None:
    """In the child: build the store, write its image, tell the parent, then (once `go` says so, or
    closes) write the index cache and check List twins (their messages go to the same stderr as the
    server's)."""
    logging.basicConfig(level=level or logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    ingest.POOL_START_METHOD = "fork"  # this process has no threads
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2 or done >= total:
            last[0] = now
            conn.send(("progress", done, total))

    ok = False
    gc.disable()  # until the image is written: collections would walk the 100k+ new objects again and again
    try:
        img = image.image_file(Path(cache_dir), lay.source_dir)
        store = build(name, lay, progress=progress, track=True, cache_dir=Path(cache_dir), img=img, intern=False)
        gc.disable()  # (build turned it back on)
        t0 = time.monotonic()
        compact(store)
        log.debug("%s: compressed in %.2fs", name, time.monotonic() - t0)
        ok = image.save(img, store, image.capture(store))
        log.debug("%s: store image written at %.2fs", name, time.monotonic() - t0)
    except Exception:  # noqa: BLE001 - the parent indexes by itself then
        log.exception("%s: indexing in a child process failed", name)
        store = None
    finally:
        conn.send(("image", ok))
        conn.close()
        gc.enable()
    idle_priority()  # what is left (index cache, twin check) yields the CPU to the server's first answers
    # the server stops this process at its exit (_stop_children): unwind, so that the index cache's
    # temp file is removed (a SIGTERM's default action left it behind)
    signal.signal(signal.SIGTERM, _exit_now)
    if go is not None:
        # Issue 20 "ready means ready": even at SCHED_IDLE this work (1-2 s of CPU here and in the
        # parse workers) ran during the first `kubectl get pods -A` after a cold start; the server's
        # settle says when it has had a quiet moment (or closes the pipe)
        try:
            go.poll(CHILD_HOLD_LIMIT)
        except (EOFError, OSError):
            pass
        go.close()
    if store is not None:
        pending = store.pending  # type: ignore[attr-defined]
        if pending.index:
            indexcache.save(*pending.index, store.zdict)
        verify_twins(store)


def _exit_now(signum, frame) -> None:
    raise SystemExit(0)


@dataclass
class Pending:
    """Work left after a cold start, done once the server is ready (Cluster.settle)."""

    index: tuple | None = None  # (cache file, layout, results) for indexcache.save
    image: Path | None = None  # the store image to write (image.save)
    twins: tuple | None = None  # (quick-scanned twins, files) for verify_twins
    twin_bytes: int = 0


TWIN_SYNC_BYTES = 32 << 20


def verify_twins(store: ClusterStore) -> None:
    """Log List/per-object twins that differ (ingest.twin_conflicts); large archives do this after ready."""
    pending = getattr(store, "pending", None)
    if pending is None or not pending.twins:
        return
    twins, files = pending.twins
    pending.twins = None

    def served(rec):
        r = store.registry.for_kind(rec.group, rec.kind)
        e = store.get(r, rec.namespace, rec.name) if r else None
        return (e.raw, e.rel) if e is not None else None

    for line in ingest.twin_conflicts(twins, files, served):
        log.info("%s: %s", store.name, line)


def _glibc():
    """libc when it is glibc (malloc_trim, mallopt), else False."""
    global _libc
    if _libc is None:
        import ctypes

        try:
            _libc = ctypes.CDLL("libc.so.6")
            _libc.malloc_trim  # noqa: B018 - probe
            _libc.mallopt  # noqa: B018 - probe
        except (OSError, AttributeError):  # not glibc
            _libc = False
    return _libc


def malloc_trim() -> None:
    """Return freed heap memory to the OS (glibc keeps it otherwise); a no-op elsewhere."""
    libc = _glibc()
    if libc:
        libc.malloc_trim(0)


def malloc_tune() -> None:
    """Serve large buffers (list and Table bodies of megabytes) from mmap, so they go back to the OS
    when freed: glibc otherwise raises its mmap threshold to 32 MB after the first such buffer and
    keeps them in the heap (RSS growth under load). Fixed thresholds turn that adjustment off."""
    libc = _glibc()
    if libc:
        m_trim_threshold, m_mmap_threshold = -1, -3  # malloc.h
        libc.mallopt(m_mmap_threshold, 256 * 1024)
        libc.mallopt(m_trim_threshold, 1024 * 1024)


_libc = None


def release_memory() -> None:
    """Give the parse results' freed memory back to the OS after indexing."""
    import gc

    gc.collect()
    malloc_trim()


@dataclass
class Cluster:
    name: str
    directory: Path
    source: str
    store: ClusterStore | None = None
    error: str | None = None
    hub: WatchHub = field(default_factory=WatchHub)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    settled: asyncio.Event = field(default_factory=asyncio.Event)  # caches written (settle)
    extra_problems: list = field(default_factory=list)  # from unpacking archives
    log_index: object | None = None
    live_reload: bool = False  # follow file changes (directories only)
    wall_clock: bool = False  # ages from the wall clock instead of the collection time
    hide_secret_data: bool = False  # serve Secrets without data/stringData
    reload_task: asyncio.Task | None = None
    cache_dir: Path | None = None  # index cache location (None: no index cache)
    on_change: list = field(default_factory=list)  # callbacks after live reload applied changes

    async def load(self, progress: Callable[[int, int], None] | None = None) -> None:
        try:
            self.store = await asyncio.to_thread(load_store, self.name, self.directory, progress,
                                                 self.live_reload, self.cache_dir, True)
            self.store.wall_clock = self.wall_clock
            # at every start (a warm one from the store image too); the cli prints their number
            for p in self.store.problems:
                log.debug("%s: skipped %s: %s", self.name, p.path, p.reason)
            # history starts at the indexed state: older resourceVersions are 410 Expired
            # (cacher watch_cache.go getAllEventsSinceLocked)
            self.hub.oldest_rv = self.store.rv
            from .logs import LogIndex

            self.log_index = LogIndex(list(self.store.roots))
            if self.live_reload:
                from . import reload

                # after ready (its setup costs seconds of CPU on a big tree): follow() catches up with
                # what changed since the scan
                self.reload_task = asyncio.create_task(reload.follow(self))
        except ingest.Stopped:
            self.error = "stopped: the server is shutting down"
        except Exception as e:  # keep serving health endpoints and say why
            log.exception("%s: indexing failed", self.name)
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self.ready.set()
        await self.settle()

    async def settle(self) -> None:
        """After ready: compress object bytes, persist the index cache and the store image, check
        List twins, and give freed memory back."""
        try:
            await self._settle()
        finally:
            self.settled.set()

    async def _settle(self) -> None:
        store = self.store
        if store is None:
            return
        pending = getattr(store, "pending", None)
        store.pending = None  # type: ignore[attr-defined]
        t0 = time.monotonic()
        # each step waits for a moment without requests: the first answers after /readyz come first
        waited = await ACTIVITY.quiet()
        go = getattr(store, "child_go", None)
        if go is not None:  # the indexing child's index cache and twin check (child_index)
            store.child_go = None  # type: ignore[attr-defined]
            with contextlib.suppress(OSError, ValueError):
                go.send(("go",))
            go.close()
        saved = await asyncio.to_thread(compact, store)
        if saved:
            log.info("%s: compressed object bytes, %.1f MB saved", self.name, saved / 1e6)
        if pending and pending.index:
            waited += await ACTIVITY.quiet()
            await asyncio.to_thread(indexcache.save, *pending.index, store.zdict)
            log.debug("%s: index cache written at %.2fs", self.name, time.monotonic() - t0)
        if pending and pending.image:
            waited += await ACTIVITY.quiet()
            await asyncio.to_thread(image.save, pending.image, store, image.capture(store))
            log.debug("%s: store image written at %.2fs", self.name, time.monotonic() - t0)
        if pending and pending.twins:
            waited += await ACTIVITY.quiet()
            store.pending = Pending(twins=pending.twins)  # type: ignore[attr-defined]
            await asyncio.to_thread(verify_twins, store)
            store.pending = None  # type: ignore[attr-defined]
        del pending
        if store.layout is not None and not store.tracking:
            store.layout.files = []  # 40k+ file records: nothing needs them once the caches are written
            # (live reload drops them after its catch-up scan: reload.follow)
        release_memory()
        log.info("%s: settled in %.2fs (%.2fs of it waiting for quiet moments)", self.name,
                 time.monotonic() - t0, waited)

    async def wait(self) -> ClusterStore:
        await self.ready.wait()
        if self.store is None:
            from ..kube.status import service_unavailable

            raise service_unavailable(f"cluster {self.name} failed to index: {self.error}")
        return self.store


def _unique(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        n = re.sub(r"[^A-Za-z0-9._-]+", "-", n).strip("-") or "cluster"
        cand, i = n, 2
        while cand in out:
            cand, i = f"{n}-{i}", i + 1
        out.append(cand)
    return out


def resolve_sources(sources: list[str], cache_dir: Path | None,
                    progress: Callable[[str, int, int | None], None] | None = None,
                    ) -> list[tuple[str, Path, str, list, bool]]:
    """[(name, directory, source, problems, from_archive)] for every SOURCE: archives and URLs are
    unpacked into the cache dir; names are made unique (they become kubeconfig contexts)."""
    from ..source import archive

    cache = cache_dir or archive.default_cache_dir()
    mats = []
    for src in sources:
        m = archive.materialize(src, cache, progress=progress)
        for p in m.problems:
            log.debug("%s: refused %s: %s", src, p.path, p.reason)  # counted in the start summary (cli)
        if m.truncated:
            log.warning("%s: archive is truncated; serving what could be read", src)
        mats.append(m)
    names = _unique([m.name for m in mats])
    return [(n, m.path, m.source, m.problems, m.from_archive) for n, m in zip(names, mats)]
