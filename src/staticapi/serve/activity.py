"""Requests in flight, so the work that follows /readyz waits for a quiet moment.

Issue 20 "ready means ready": what runs after /readyz (Cluster.settle: compression,
the index cache and store image writes, the List-twin check) took CPU from the first
answers: the first `kubectl get pods -A` right after a cold start of the real-object
tree took 3.4 s, the same once settled 1.9 s (1,452 pods, 2 shared cores). The first
questions come right after ready, so settle now starts only once no request has been
in flight for QUIET seconds (at most LIMIT seconds late: the caches are still written
on a busy server). Long-lived requests (watches, `logs -f`) do not count.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ..store.store import BUILT_IN_BACKGROUND

T = TypeVar("T")

QUIET = 1.0  # seconds without a request before settle's next step
LIMIT = 30.0  # seconds settle waits at most for such a moment, per step


class Activity:
    def __init__(self) -> None:
        self.inflight = 0
        self.last = time.monotonic()

    def begin(self) -> None:
        self.inflight += 1

    def end(self) -> None:
        self.inflight -= 1
        self.last = time.monotonic()

    def is_quiet(self, seconds: float) -> bool:
        return self.inflight <= 0 and time.monotonic() - self.last >= seconds

    async def quiet(self, seconds: float = QUIET, limit: float = LIMIT) -> float:
        """Wait until no request has been in flight for `seconds` (at most `limit`); the time waited."""
        t0 = time.monotonic()
        while not self.is_quiet(seconds) and time.monotonic() - t0 < limit:
            await asyncio.sleep(min(0.1, seconds))
        return time.monotonic() - t0


def long_lived(query) -> bool:
    """A request that may stay open for good (a watch, `logs -f`): not counted."""
    return query.get("watch") in ("true", "1") or query.get("follow") in ("true", "1")


ACTIVITY = Activity()


def idle_priority() -> str:
    """Run this process (and the processes it starts from now on) only on CPU nothing else wants:
    SCHED_IDLE (Linux sched(7): below nice 19; inherited across fork), else nice 19. For the work a
    server's helper process goes on with once the server is ready (the indexing child's index cache
    and twin check, the live-reload watcher's setup): at nice 10 the indexing child and its parse
    workers still took 2-3 s of CPU during the first `kubectl get pods -A` after a cold start
    (2 cores), time kubectl and the server's answers wait for. Returns what was applied."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return "idle"
    except (AttributeError, OSError):  # not Linux
        pass
    try:
        os.nice(19 - os.nice(0))
        return "nice"
    except OSError:
        return ""


def idle_thread() -> str:
    """The calling thread only (Linux: a thread is a task, and sched_setscheduler(0) names the caller)
    at SCHED_IDLE; no fallback, as a thread's nice value would be the whole process's elsewhere."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return "idle"
    except (AttributeError, OSError):
        return ""


# Issue 20 "ready means ready": the work a settled server starts on its own (the findings, the events
# as search text) ran at the priority of the answers: during the first `kubectl get pods -A` after a
# cold start, kubectl's 2-4 s of decoding and printing are a quiet moment for the server, so that work
# started then and took the second core from kubectl. It now runs in one thread of its own at
# SCHED_IDLE, on CPU nothing else wants. That thread only ever runs background work: an unprivileged
# thread cannot leave SCHED_IDLE again (sched(7), RLIMIT_NICE), so a shared worker must never enter it.
# A request that needs the same result meanwhile waits for it (insight.context's shared build); the
# event loop never waits on that thread for the GIL for long, as a waiting loop leaves a core idle.
# The flag is the store's: what that work builds of the store is packed again after it (store.repack).


class OneThread:
    """A thread of its own for one kind of work, started on first use (a ThreadPoolExecutor of one)."""

    def __init__(self, name: str, initializer: Callable[[], Any] | None = None) -> None:
        self._name, self._initializer = name, initializer
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name,
                                                initializer=self._initializer)
            return self._pool


_BACKGROUND = OneThread("staticapi-background", idle_thread)


@contextlib.contextmanager
def background_work():
    """Within it (an asyncio task's context), :func:`run_blocking` runs on the idle-priority thread."""
    token = BUILT_IN_BACKGROUND.set(True)
    try:
        yield
    finally:
        BUILT_IN_BACKGROUND.reset(token)


def in_background() -> bool:
    return BUILT_IN_BACKGROUND.get()


async def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` off the event loop: on a worker thread (``asyncio.to_thread``), or, inside
    :func:`background_work`, on the idle-priority background thread."""
    if not BUILT_IN_BACKGROUND.get():
        return await asyncio.to_thread(fn, *args)
    ctx = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_BACKGROUND.pool(), lambda: ctx.run(fn, *args))
