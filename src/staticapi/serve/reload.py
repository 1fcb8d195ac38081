"""Live reload: follow a must-gather directory that is still changing.

A gather still running, or a user editing YAML by hand: watchfiles reports
changed paths, each is classified with the layout rules, only those files are
parsed again, and the store applies them (store.apply_files), publishing
ADDED / MODIFIED / DELETED events with fresh resourceVersions to every watch.
Archives unpacked into the cache are never watched: nobody edits them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from pathlib import Path

from watchfiles import Change as FsChange
from watchfiles import watch

from ..source import ingest
from ..source import layout as layoutmod
from ..store.store import apply_files
from .activity import background_work, idle_priority, run_blocking

log = logging.getLogger("staticapi.reload")


def _parse(cluster, changes: set[tuple[FsChange, str]]):
    """Parse the changed files (in a thread): (results, removed rels, the namespace directories now).

    inotify reports a directory moved into the tree (tar, rsync, `cp -r` then `mv` into place) as one
    event for the directory and none for what it holds, and one moved out likewise: a directory that
    is there is walked as a whole, and a path that is gone goes to apply_files, which removes every
    file it knew below it.
    """
    store = cluster.store
    lay = store.layout
    results = []
    removed: set[str] = set()
    seen: set[str] = set()
    for kind, p in sorted(changes, key=lambda c: c[1]):
        path = Path(p)
        try:
            rel = str(path.relative_to(lay.source_dir))
        except ValueError:
            continue
        if kind != FsChange.deleted and path.is_dir() and not path.is_symlink():
            for f in _walk(path):
                if f not in seen:
                    seen.add(f)
                    o = layoutmod.object_file(Path(f), lay)
                    if o is not None:
                        results.append(ingest.process_file(o))
            continue
        if kind == FsChange.deleted or not path.is_file():
            removed.add(rel)  # a directory too: apply_files removes what was below it
            continue
        if p in seen:
            continue
        seen.add(p)
        f = layoutmod.object_file(path, lay)
        if f is None:
            continue
        results.append(ingest.process_file(f))
    return results, removed, layoutmod.namespace_dirs(lay)


def _walk(d: Path):
    """Every regular file under d (symlinks are never followed)."""
    for top, dirs, files in os.walk(d, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            yield os.path.join(top, name)


class Watcher:
    """watchfiles in its own process, its batches forwarded to the event loop.

    Setting up inotify on a tree of 10k+ directories takes seconds during which
    watchfiles holds the GIL: in the server's process that would stall every
    request. `ready()` says when changes are seen; follow() then catches up
    with what changed before.
    """

    def __init__(self, name: str, roots: list[str], debounce_ms: int = 200):
        import multiprocessing

        self.name = name
        self.roots = roots
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue = asyncio.Queue()
        self._ready = asyncio.Event()
        # spawn: start() returns at once (a forkserver would first be started and wait for its imports)
        ctx = multiprocessing.get_context("spawn")
        self._recv, send = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=watch_process, args=(roots, debounce_ms, os.getpid(), send),
                                name=f"staticapi-watch-{name}", daemon=True)
        self.proc.start()
        send.close()
        threading.Thread(target=self._pump, name=f"reload-{name}", daemon=True).start()

    def _pump(self) -> None:
        """Forward batches to the loop (a thread: recv blocks without the GIL)."""
        put = self.queue.put_nowait
        try:
            while True:
                batch = self._recv.recv()
                if batch is None:  # set up
                    self.loop.call_soon_threadsafe(self._ready.set)
                    continue
                self.loop.call_soon_threadsafe(put, {(FsChange(c), p) for c, p in batch})
        except (EOFError, OSError):
            pass
        finally:
            try:
                self.loop.call_soon_threadsafe(self._ready.set)
                self.loop.call_soon_threadsafe(put, None)
            except RuntimeError:  # the loop is gone
                pass

    async def ready(self, timeout: float = 120) -> None:
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except asyncio.TimeoutError:
            log.warning("%s: the file watcher is not set up after %.0f s; going on", self.name, timeout)

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self._recv.close()


async def follow(cluster, watcher: Watcher | None = None, debounce_ms: int = 200,
                 stop_event: asyncio.Event | None = None) -> None:
    """Run until cancelled (or stop_event is set), applying file changes as they come."""
    if cluster.store is None or not cluster.store.tracking:
        if watcher is not None:
            watcher.stop()
        return
    settled = getattr(cluster, "settled", None)
    if watcher is None:
        # Issue 20 "ready means ready": starting the watcher (a spawned interpreter, then inotify on
        # every directory) right at /readyz took the CPU the first answers need (the first `kubectl
        # get pods -A` after a cold start 1.5-2.5x slower). Changes are applied only after settle
        # anyway (the caches being written still read the scan's file list), and _catch_up finds
        # what changed before the watcher was up: start it then.
        if settled is not None:
            await settled.wait()
        roots = [str(r) for r in cluster.store.layout.roots] or [str(cluster.store.layout.source_dir)]
        watcher = Watcher(cluster.name, roots, debounce_ms)
    stopper = asyncio.create_task(stop_event.wait()) if stop_event is not None else None
    try:
        await watcher.ready()
        log.info("%s: live reload on %s", cluster.name, ", ".join(watcher.roots))
        if settled is not None:
            await settled.wait()  # the caches being written still read the scan's file list
        await _catch_up(cluster)
        while True:
            getter = asyncio.ensure_future(watcher.queue.get())
            done, _ = await asyncio.wait({getter, stopper} - {None}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                return
            changes = getter.result()
            if changes is None:
                return
            await _apply(cluster, changes)
    finally:
        watcher.stop()
        if stopper is not None:
            stopper.cancel()


async def _catch_up(cluster) -> None:
    """Apply what changed between the index's scan and the watcher's start (a second scan, compared
    file by file); then the scan's file list is no longer needed."""
    lay = cluster.store.layout
    # the scan and the comparison off the event loop: comparing 100k+ files took the loop for over a
    # second (answers waited for it); the store is not changed before _apply. On the idle-priority
    # background thread: a second scan of 135k files that a request overlapped took its CPU (a
    # py-spy profile of a kubectl get pods -A during it showed the scan as its largest item)
    with background_work():
        changes = await run_blocking(_changed_since_scan, lay)
    lay.files, lay.file_stamps = [], None
    if changes:
        log.info("%s: %d files changed while indexing", cluster.name, len(changes))
        await _apply(cluster, changes)


def _changed_since_scan(lay: layoutmod.Layout) -> set[tuple[FsChange, str]]:
    """The object files modified, added or deleted since `lay` was scanned (a second scan)."""
    before = ({rel: (size, mt) for rel, size, mt in lay.file_stamps} if lay.file_stamps is not None
              else {f.rel: (f.size, f.mtime_ns) for f in lay.files})
    now = layoutmod.scan(lay.source_dir)
    after = {f.rel: (f.size, f.mtime_ns) for f in now.files}
    changes = {(FsChange.modified, str(lay.source_dir / rel)) for rel, st in after.items() if before.get(rel) != st}
    changes |= {(FsChange.deleted, str(lay.source_dir / rel)) for rel in before.keys() - after.keys()}
    return changes


class _ParentGone:
    """A stop event for the watcher process: set once the server that started it is gone (the
    watcher is the forkserver's child, not the server's, so its parent pid says nothing)."""

    def __init__(self, parent: int):
        self.parent = parent

    def is_set(self) -> bool:
        try:
            os.kill(self.parent, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        return False


def watch_process(roots: list[str], debounce_ms: int, parent: int, conn) -> None:
    """In the watcher process: None once set up, then each batch of changes as [(change, path), ...]."""
    announced = False
    idle_priority()  # setting up inotify on a big tree must not slow down the server's answers
    try:
        # rust_timeout + yield_on_timeout: a first (empty) batch comes once inotify is set up
        for changes in watch(*roots, debounce=debounce_ms, step=50, stop_event=_ParentGone(parent),
                             rust_timeout=50, yield_on_timeout=True, recursive=True, raise_interrupt=False):
            if not announced:
                conn.send(None)
                announced = True
            if changes:
                conn.send([(int(c), p) for c, p in changes])
    except (EOFError, OSError):  # the server closed the pipe
        pass


async def _apply(cluster, changes) -> None:
    store = cluster.store  # the store may be replaced: never keep an old one
    try:
        results, removed, dirs = await asyncio.to_thread(_parse, cluster, changes)
        # applied on the event loop: handlers never see a store mid-change
        applied = apply_files(store, results, removed, dirs) if (results or removed) else []
    except Exception:
        log.exception("%s: live reload failed for %d paths", cluster.name, len(changes))
        return
    if cluster.log_index is not None and hasattr(cluster.log_index, "invalidate"):
        cluster.log_index.invalidate()
    if applied:
        log.info("%s: live reload applied %d changes (resourceVersion %d)", cluster.name, len(applied),
                 store.rv)
        cluster.hub.publish(applied)
        for cb in cluster.on_change:
            cb()
