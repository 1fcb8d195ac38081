"""Watch streams: `?watch=true` on every list.

Semantics follow kube-apiserver's watch cache (`staging/src/k8s.io/apiserver/
pkg/storage/cacher`): without a resourceVersion (or with "0") the stream starts
with a synthetic ADDED per matching object; with a resourceVersion it sends
only what changed after it, and an ERROR event with a 410 Status when that
version is older than the retained history. The stream then stays open until
`timeoutSeconds` (default: a random 30-60 min, like `--min-request-timeout`)
or until the client goes away, carrying changes published by live reload.
BOOKMARKs are sent when asked for (`allowWatchBookmarks`), every minute and
after the initial events when `sendInitialEvents=true`.

Each watcher is one asyncio.Queue; an idle watch costs a queue and a task.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from aiohttp import web

from ..kube.status import status_body
from ..store.store import Change, Entry

BOOKMARK_INTERVAL = 60.0
HISTORY = 10_000  # change events retained for resuming watches


@dataclass
class WatchHub:
    """Fan-out of store changes to the open watches of one cluster."""

    history: deque = field(default_factory=lambda: deque(maxlen=HISTORY))
    watchers: set = field(default_factory=set)
    oldest_rv: int = 0  # changes after this are all in history (set to the store's rv once indexed)
    closed: bool = False

    def publish(self, changes: list[Change]) -> None:
        for c in changes:
            if len(self.history) == self.history.maxlen:
                self.oldest_rv = self.history[0].rv
            self.history.append(c)
        for q in list(self.watchers):
            for c in changes:
                q.put_nowait(c)

    def close(self) -> None:
        """End every open watch (server shutdown), as the cacher's terminateAllWatchers does."""
        self.closed = True
        for q in list(self.watchers):
            q.put_nowait(None)

    def subscribe(self) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue()
        self.watchers.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue) -> None:
        self.watchers.discard(q)

    def since(self, rv: int) -> list[Change] | None:
        """Changes after rv, or None when rv is older than what is retained."""
        if rv < self.oldest_rv:
            return None
        return [c for c in self.history if c.rv > rv]


def _event(type_: str, obj: bytes) -> bytes:
    return b'{"type":"' + type_.encode() + b'","object":' + obj + b"}\n"


async def serve_watch(
    request: web.Request,
    hub: WatchHub,
    key: tuple[str, str],
    initial: list[Entry],
    current_rv: int,
    match: Callable[[Entry], bool],
    render: Callable[[Entry, bool], bytes],
    kind_for_bookmark: tuple[str, str],
    content_type: str,
) -> web.StreamResponse:
    """Stream a watch. `render(entry, first)` gives the event object bytes
    (the object itself, or a one-row Table carrying columns when `first`)."""
    q = request.query
    rv_param = q.get("resourceVersion", "")
    send_initial = q.get("sendInitialEvents") == "true"
    bookmarks = q.get("allowWatchBookmarks") in ("true", "1")
    try:
        timeout = float(q["timeoutSeconds"]) if "timeoutSeconds" in q else 1800.0 * (1 + random.random())
    except ValueError:
        timeout = 1800.0
    queue = hub.subscribe()  # before computing the backlog, so nothing falls in between
    try:
        resp = web.StreamResponse(status=200, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        first = True
        last_rv = current_rv
        if rv_param in ("", "0") or send_initial:
            for e in initial:
                await resp.write(_event("ADDED", render(e, first)))
                first = False
        else:
            try:
                since = int(rv_param)
            except ValueError:
                since = -1
            backlog = hub.since(since) if since >= 0 else None
            if backlog is None:
                err = status_body(410, "Expired", f"too old resource version: {rv_param} ({hub.oldest_rv})")
                await resp.write(_event("ERROR", err))
                await resp.write_eof()
                return resp
            for c in backlog:
                if c.key == key and match(c.entry):
                    await resp.write(_event(c.type, render(c.entry, first)))
                    first = False
                last_rv = max(last_rv, c.rv)
        if bookmarks and send_initial:
            await resp.write(_event("BOOKMARK", _bookmark(kind_for_bookmark, last_rv, initial_end=True)))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0)
        while not hub.closed:
            left = deadline - loop.time()
            if left <= 0:
                break
            try:
                c = await asyncio.wait_for(queue.get(), timeout=min(left, BOOKMARK_INTERVAL))
            except asyncio.TimeoutError:
                if bookmarks and deadline - loop.time() > 0:
                    await resp.write(_event("BOOKMARK", _bookmark(kind_for_bookmark, last_rv)))
                continue
            if c is None:  # server shutting down
                break
            last_rv = max(last_rv, c.rv)
            if c.key == key and match(c.entry):
                await resp.write(_event(c.type, render(c.entry, first)))
                first = False
        await resp.write_eof()
        return resp
    finally:
        hub.unsubscribe(queue)


def _bookmark(kind: tuple[str, str], rv: int, initial_end: bool = False) -> bytes:
    meta: dict = {"resourceVersion": str(rv)}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return orjson.dumps({"kind": kind[1], "apiVersion": kind[0], "metadata": meta})
