"""Derived + imported intervals of one view, built once in a worker thread and kept until invalidated."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from .derive import derive_intervals
from .files import find_interval_files, load_interval_file
from .model import ClusterView, sort_intervals

log = logging.getLogger(__name__)


def _dedupe_items(items: Iterable[dict]) -> list[dict]:
    seen: set[bytes] = set()
    out = []
    for it in items:
        k = orjson.dumps(it, option=orjson.OPT_SORT_KEYS)
        if k in seen:
            continue
        seen.add(k)
        out.append(it)
    return out


def build_intervals(view: ClusterView) -> tuple[list[dict], list[str]]:
    """Derived + imported intervals for one view (blocking; run it in a thread)."""
    items = derive_intervals(view)
    files = []
    imported: list[dict] = []
    extra = [Path(p) for p in getattr(view, "extra_interval_files", ()) or ()]
    for p in find_interval_files(list(view.roots or ())) + extra:
        try:
            imported += load_interval_file(p)
            files.append(str(p))
        except (OSError, ValueError, orjson.JSONDecodeError) as e:
            log.warning("skipping interval file %s: %s", p, e)
    if imported:
        items = sort_intervals(items + _dedupe_items(imported))
    return items, files


class IntervalCache:
    """Builds a view's intervals once (in a worker thread, off the event loop) and keeps them
    until :meth:`invalidate`.  Concurrent requests for the same view share one build."""

    def __init__(self, builder: Callable[[ClusterView], tuple[list[dict], list[str]]] = build_intervals):
        self._builder = builder
        self._lock = threading.Lock()
        self._entries: dict[Any, dict] = {}
        self._pending: dict[Any, asyncio.Future] = {}
        self._generation = 0

    @staticmethod
    def _key(view: ClusterView) -> Any:
        return (getattr(view, "name", None), id(view))

    async def get(self, view: ClusterView) -> dict:
        """``{"items", "files", "json", "gzip"}`` for the view (json/gzip filled lazily by the server)."""
        key = self._key(view)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                return entry
            fut = self._pending.get(key)
            generation = self._generation
            owner = fut is None
            if owner:
                fut = asyncio.get_running_loop().create_future()
                self._pending[key] = fut
        if not owner:
            return await asyncio.shield(fut)
        try:
            items, files = await asyncio.to_thread(self._builder, view)
            entry = {"items": items, "files": files, "cache": {}}
            with self._lock:
                if generation == self._generation:
                    self._entries[key] = entry
                self._pending.pop(key, None)
            fut.set_result(entry)
            return entry
        except BaseException as e:
            with self._lock:
                self._pending.pop(key, None)
            fut.set_exception(e)
            fut.exception()  # mark retrieved
            raise

    async def items(self, view: ClusterView) -> list[dict]:
        return (await self.get(view))["items"]

    def invalidate(self, view: ClusterView | str | None = None) -> None:
        """Forget one view (by object or name) or all of them; call it on reload."""
        with self._lock:
            self._generation += 1
            if view is None:
                self._entries.clear()
                return
            name = view if isinstance(view, str) else getattr(view, "name", None)
            for k in list(self._entries):
                if k[0] == name or (not isinstance(view, str) and k == self._key(view)):
                    del self._entries[k]
