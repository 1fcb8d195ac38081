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
import os
import time

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
