"""One served must-gather: its source, its store once indexed, its watchers.

The HTTP server starts before indexing ends (so `/livez` answers at once);
`ready` is set when the whole archive is indexed, and every API request for
this cluster waits for it: a list is never served from a partial index.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import indexcache, ingest, layout as layoutmod
from .store import ClusterStore, build_store, compact
from .watch import WatchHub

log = logging.getLogger("staticapi.cluster")


def _crd_helpers():
    from . import crdprinter

    return crdprinter.bundled_crds(), crdprinter.crd_record_from_object


def load_store(name: str, directory: Path, progress: Callable[[int, int], None] | None = None,
               track: bool = False, cache_dir: Path | None = None) -> ClusterStore:
    """Scan, parse and index one must-gather directory (blocking; run in a thread).

    With `cache_dir`, parse results of unchanged files come from the index
    cache (indexcache.py) and `store.cache_to_save` holds what to persist.
    """
    t0 = time.monotonic()
    lay = layoutmod.scan(directory)
    if not lay.roots:
        log.warning("%s: no cluster-scoped-resources/ or namespaces/ found under %s", name, directory)
    bundled, crd_record = _crd_helpers()
    cfile = indexcache.cache_file(cache_dir, lay.source_dir) if cache_dir else None
    info: dict = {}
    cached = indexcache.load(cfile, lay, info) if cfile else {}
    todo = [f for f in lay.files if f.rel not in cached]
    parsed = {r.rel: r for r in ingest.parse_files(todo, progress=progress, quick=True)}
    results = [cached.get(f.rel) or parsed[f.rel] for f in lay.files]
    # per-object twins of List items are not parsed twice (ingest.quick_identity)
    results = ingest.resolve_quick(results, lay.files)
    store = build_store(name, lay, results, bundled_crds=bundled, crd_record=crd_record, track=track)
    store.zdict = info.get("zdict")
    saved = compact(store)
    dt = time.monotonic() - t0
    if saved:
        log.info("%s: compressed object bytes, %.1f MB saved", name, saved / 1e6)
    log.info(
        "%s: indexed %d objects from %d files (%.1f MB, %d from the index cache) in %.2fs; %d skipped",
        name, store.count(), store.files_read, lay.total_bytes / 1e6, len(cached), dt, len(store.problems),
    )
    store.index_seconds = dt  # type: ignore[attr-defined]
    store.cache_to_save = (cfile, lay, results, store.zdict) if cfile and (todo or not cfile.exists()) else None  # type: ignore
    twins = [r for r in results if r.quick is not None]
    twin_rels = {r.rel for r in twins}
    twin_bytes = sum(f.size for f in lay.files if f.rel in twin_rels)
    store.twins = (twins, lay.files)  # type: ignore[attr-defined]
    if twins and twin_bytes <= TWIN_SYNC_BYTES:
        verify_twins(store)  # small archives: before ready, so conflicts are in the log at once
    return store


TWIN_SYNC_BYTES = 32 << 20


def verify_twins(store: ClusterStore) -> None:
    """Log List/per-object twins that differ (ingest.twin_conflicts); large archives do this after ready."""
    pending = getattr(store, "twins", None)
    if not pending:
        return
    store.twins = None  # type: ignore[attr-defined]
    twins, files = pending

    def served(rec):
        r = store.registry.for_kind(rec.group, rec.kind)
        e = store.get(r, rec.namespace, rec.name) if r else None
        return (e.raw, e.rel) if e is not None else None

    for line in ingest.twin_conflicts(twins, files, served):
        log.info("%s: %s", store.name, line)


def malloc_trim() -> None:
    """Return freed heap memory to the OS (glibc keeps it otherwise); a no-op elsewhere."""
    global _libc
    if _libc is None:
        import ctypes

        try:
            _libc = ctypes.CDLL("libc.so.6")
            _libc.malloc_trim  # noqa: B018 - probe
        except (OSError, AttributeError):  # not glibc
            _libc = False
    if _libc:
        _libc.malloc_trim(0)


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
                                                 self.live_reload, self.cache_dir)
            self.store.wall_clock = self.wall_clock
            # history starts at the indexed state: older resourceVersions are 410 Expired
            # (cacher watch_cache.go getAllEventsSinceLocked)
            self.hub.oldest_rv = self.store.rv
            from .logs import LogIndex

            self.log_index = LogIndex(list(self.store.roots))
            if self.live_reload:
                from . import reload

                self.reload_task = asyncio.create_task(reload.follow(self))
        except Exception as e:  # keep serving health endpoints and say why
            log.exception("%s: indexing failed", self.name)
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self.ready.set()
        pending = getattr(self.store, "cache_to_save", None)
        if pending:
            self.store.cache_to_save = None  # type: ignore[union-attr]
            await asyncio.to_thread(indexcache.save, *pending)
            del pending
        if self.store is not None and getattr(self.store, "twins", None):
            await asyncio.to_thread(verify_twins, self.store)
        release_memory()

    async def wait(self) -> ClusterStore:
        await self.ready.wait()
        if self.store is None:
            from .status import service_unavailable

            raise service_unavailable(f"cluster {self.name} failed to index: {self.error}")
        return self.store
