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
from pathlib import Path

from watchfiles import Change as FsChange, awatch

from . import ingest, layout as layoutmod
from .store import apply_files

log = logging.getLogger("staticapi.reload")


def _parse(cluster, changes: set[tuple[FsChange, str]]):
    """Parse the changed files (in a thread): (results, removed rels)."""
    store = cluster.store
    lay = store.layout
    results = []
    removed: set[str] = set()
    for kind, p in sorted(changes, key=lambda c: c[1]):
        path = Path(p)
        try:
            rel = str(path.relative_to(lay.source_dir))
        except ValueError:
            continue
        if kind == FsChange.deleted or not path.is_file():
            removed.add(rel)
            continue
        f = layoutmod.object_file(path, lay)
        if f is None:
            continue
        results.append(ingest.process_file(f))
    return results, removed


async def follow(cluster, debounce_ms: int = 200, stop_event: asyncio.Event | None = None) -> None:
    """Run until cancelled (or stop_event is set), applying file changes as they come."""
    if cluster.store is None or not cluster.store.tracking:
        return
    roots = [str(r) for r in cluster.store.layout.roots] or [str(cluster.store.layout.source_dir)]
    log.info("%s: live reload on %s", cluster.name, ", ".join(roots))
    async for changes in awatch(*roots, debounce=debounce_ms, step=50, stop_event=stop_event,
                                recursive=True, force_polling=None):
        store = cluster.store  # the store may be replaced once (Cluster.settle): never keep an old one
        try:
            results, removed = await asyncio.to_thread(_parse, cluster, changes)
            # applied on the event loop: handlers never see a store mid-change
            applied = apply_files(store, results, removed) if (results or removed) else []
        except Exception:
            log.exception("%s: live reload failed for %d paths", cluster.name, len(changes))
            continue
        if cluster.log_index is not None and hasattr(cluster.log_index, "invalidate"):
            cluster.log_index.invalidate()
        if applied:
            log.info("%s: live reload applied %d changes (resourceVersion %d)", cluster.name, len(applied),
                     store.rv)
            cluster.hub.publish(applied)
            for cb in cluster.on_change:
                cb()
