"""One served must-gather as the insight layer sees it, and the per-store memo of what it derives.

Why this module exists: intervals, triage findings, error signatures and search all derive data
from one built store, compute it once, and must forget it when a live reload replaces the store.
Before, the server hung an ad-hoc ``_interval_view`` attribute on the store for that; now each
loaded cluster has one :class:`ClusterInsight` per store, kept by :class:`Insights` (one per app),
and every derived value lives in its memo (:meth:`ClusterInsight.derive`).

:class:`ClusterInsight` is also the ``ClusterView`` that ``intervals`` reads.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..kube.status import path_not_found, service_unavailable
from ..serve.activity import run_blocking
from ..serve.cluster import Cluster
from ..store.store import ClusterStore


class ClusterInsight:
    """A ready cluster's store, log files and extra inputs, plus a memo of derived values.

    Built for one store: after a reload the cluster gets a new one (:meth:`Insights.get`)."""

    def __init__(self, cluster: Cluster, store: ClusterStore, extra_interval_files: list | None = None):
        self.cluster = cluster
        self.store = store
        self.name = cluster.name
        self.collection_time: datetime = store.now
        # interval files may sit anywhere in the archive, not only below the must-gather roots
        self.roots: list[Path] = [store.layout.source_dir] if store.layout else []
        self.extra_interval_files = list(extra_interval_files or [])
        self._lock = threading.Lock()
        self._memo: dict[str, Any] = {}
        self._pending: dict[str, asyncio.Future] = {}

    # -- ClusterView (intervals/) ---------------------------------------------------------
    def objects(self, group: str, resource: str) -> Iterable[dict]:
        return self.store.objects(group, resource)

    @property
    def log_index(self):
        return self.cluster.log_index

    @property
    def must_gather_roots(self) -> list[Path]:
        """The must-gather root directories (image dirs, inspect dirs) the layout scan found."""
        return list(self.store.roots)

    # -- memo -------------------------------------------------------------------------------
    def cached(self, key: str) -> Any:
        """The value :meth:`derive` or :meth:`derive_sync` already computed for ``key``, or None."""
        with self._lock:
            return self._memo.get(key)

    def derive_sync(self, key: str, build: Callable[[ClusterInsight], Any]) -> Any:
        """``build(self)`` once per store (thread-safe; for the CLI and worker threads)."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = build(self)
        with self._lock:
            return self._memo.setdefault(key, value)

    async def derive(self, key: str, build: Callable[[ClusterInsight], Any]) -> Any:
        """``build(self)`` once per store, in a worker thread (off the event loop; the idle-priority
        one for a prewarm: serve.activity.run_blocking); concurrent callers share one build, and a
        failed build is not remembered."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if key in self._memo:
                return self._memo[key]
            fut = self._pending.get(key)
            owner = fut is None
            if owner:
                fut = loop.create_future()
                self._pending[key] = fut
        if not owner:
            return await asyncio.shield(fut)
        try:
            value = await run_blocking(build, self)
        except BaseException as e:
            with self._lock:
                self._pending.pop(key, None)
            fut.set_exception(e)
            fut.exception()  # retrieved: no "never retrieved" warning when nobody else waits
            raise
        with self._lock:
            value = self._memo.setdefault(key, value)
            self._pending.pop(key, None)
        fut.set_result(value)
        return value


class Insights:
    """The :class:`ClusterInsight` of every served cluster, renewed when its store is replaced or
    changed (:meth:`invalidate`, wired to each cluster's ``on_change`` by the server)."""

    def __init__(self, clusters: dict[str, Cluster], interval_files: list | None = None):
        self._clusters = clusters
        self._interval_files = list(interval_files or [])
        self._by_name: dict[str, ClusterInsight] = {}
        self._lock = threading.Lock()
        self.on_renew: list[Callable[[ClusterInsight], None]] = []

    @property
    def clusters(self) -> dict[str, Cluster]:
        return self._clusters

    def first(self) -> Cluster:
        return next(iter(self._clusters.values()))

    def cluster(self, name: str | None) -> Cluster:
        """The named cluster (404 Status when unknown), or the first one for ``None``."""
        c = self._clusters.get(name) if name else self.first()
        if c is None:
            raise path_not_found()
        return c

    def get(self, cluster: Cluster) -> ClusterInsight:
        """The insight of a ready cluster (503 Status while it indexes or after it failed)."""
        store = cluster.store
        if not cluster.ready.is_set() or store is None:
            raise service_unavailable(f"cluster {cluster.name} is still indexing" if not cluster.ready.is_set()
                                      else f"cluster {cluster.name} failed to index: {cluster.error}")
        with self._lock:
            ins = self._by_name.get(cluster.name)
            if ins is not None and ins.store is store:
                return ins
            first = self.first() is cluster
            ins = ClusterInsight(cluster, store, self._interval_files if first else [])
            old = self._by_name.get(cluster.name)
            self._by_name[cluster.name] = ins
        if old is not None:
            for cb in self.on_renew:
                cb(old)
        return ins

    def invalidate(self, cluster: Cluster) -> None:
        """Forget what was derived from the cluster's store (a live reload changed it in place)."""
        with self._lock:
            old = self._by_name.pop(cluster.name, None)
        if old is not None:
            for cb in self.on_renew:
                cb(old)

    def peek(self, cluster: Cluster) -> ClusterInsight | None:
        """The insight already made for the cluster's current store, if any (no 503)."""
        with self._lock:
            ins = self._by_name.get(cluster.name)
        return ins if ins is not None and ins.store is cluster.store else None


async def open_sources(sources: list[str], cache_dir: Path | None = None, *,
                       index_cache: bool = True) -> list[ClusterInsight]:
    """Load each SOURCE (directory, archive, URL) without a server, for the CLI verbs
    (`staticapi triage | search | diff`). The index cache and store image are used and written as
    by `serve`, so a second run on the same must-gather starts from its image.

    Raises ``SourceError`` for a SOURCE that cannot be read and ``RuntimeError`` when indexing
    fails."""
    from ..serve.cluster import resolve_sources
    from ..source import archive

    cache = cache_dir or archive.default_cache_dir()
    resolved = await asyncio.to_thread(resolve_sources, sources, cache)
    clusters = [Cluster(name=n, directory=d, source=s, extra_problems=list(p),
                        cache_dir=cache if index_cache else None)
                for n, d, s, p, _from_archive in resolved]
    await asyncio.gather(*(c.load() for c in clusters))
    failed = [f"{c.name}: {c.error}" for c in clusters if c.store is None]
    if failed:
        raise RuntimeError("indexing failed: " + "; ".join(failed))
    return [ClusterInsight(c, c.store) for c in clusters]
