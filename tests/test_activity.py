"""serve/activity.py: settle waits for a moment without requests (issue 20, ready means ready)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time

from staticapi.serve.activity import Activity, idle_priority, long_lived


async def test_quiet_waits_for_requests_to_end_then_for_the_quiet_time():
    a = Activity()
    a.last = time.monotonic() - 10
    assert await a.quiet(0.2, 5) < 0.05  # nothing happened for long: at once
    a.begin()

    async def finish():
        await asyncio.sleep(0.3)
        a.end()

    task = asyncio.create_task(finish())
    waited = await a.quiet(0.2, 5)
    await task
    assert 0.45 <= waited < 2  # 0.3 s in flight + 0.2 s quiet
    assert a.inflight == 0


async def test_quiet_gives_up_after_the_limit():
    a = Activity()
    a.begin()  # a request that never ends
    waited = await a.quiet(0.1, 0.3)
    assert 0.3 <= waited < 1


def test_watches_and_follows_do_not_count():
    assert long_lived({"watch": "true"}) and long_lived({"watch": "1"}) and long_lived({"follow": "true"})
    assert not long_lived({}) and not long_lived({"watch": "false", "limit": "500"})


def _child_policy(conn) -> None:
    applied = idle_priority()
    conn.send((applied, os.sched_getscheduler(0) if hasattr(os, "sched_getscheduler") else None, os.nice(0)))
    conn.close()


def test_idle_priority_applies_to_the_process_only():
    # a process of its own: the policy of the test process must not change
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    before = os.sched_getscheduler(0)
    p = ctx.Process(target=_child_policy, args=(send,))
    p.start()
    applied, policy, nice = recv.recv()
    p.join(10)
    assert applied in ("idle", "nice")
    if applied == "idle":
        assert policy == os.SCHED_IDLE
    else:
        assert nice == 19
    assert os.sched_getscheduler(0) == before
