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


def test_background_turns_run_one_at_a_time_after_a_quiet_moment():
    """web.common.background_turn: the work a settled server starts on its own (findings, search
    prewarm) runs one job at a time, and not while a request is in flight."""
    import asyncio

    from aiohttp import web

    from staticapi.serve.activity import ACTIVITY
    from staticapi.web.common import BACKGROUND, background_turn, uses_background

    async def main():
        app = web.Application()
        uses_background(app)
        lock = app[BACKGROUND]
        uses_background(app)  # one lock per app
        assert app[BACKGROUND] is lock
        log = []

        async def job(name):
            async with background_turn(app):
                log.append(("in", name, ACTIVITY.inflight))
                await asyncio.sleep(0.05)
                log.append(("out", name, ACTIVITY.inflight))

        ACTIVITY.begin()  # a request in flight: no turn starts before it ends
        tasks = [asyncio.create_task(job(n)) for n in ("a", "b")]
        await asyncio.sleep(0.3)
        assert log == []
        ACTIVITY.end()
        await asyncio.gather(*tasks)
        assert [e[:2] for e in log] in ([("in", "a"), ("out", "a"), ("in", "b"), ("out", "b")],
                                        [("in", "b"), ("out", "b"), ("in", "a"), ("out", "a")])
        assert all(e[2] == 0 for e in log)

    asyncio.run(main())


def _policy() -> tuple[int, int]:
    import threading

    return threading.get_native_id(), os.sched_getscheduler(0)


def test_background_work_runs_on_an_idle_priority_thread_of_its_own():
    """serve.activity.run_blocking: inside background_work (a prewarm's background_turn) the blocking
    part runs on one thread at SCHED_IDLE; anywhere else on asyncio's workers at the normal policy, and
    the loop's own thread never changes. ClusterInsight.derive follows the same rule."""
    import threading
    from types import SimpleNamespace

    from staticapi.insight.context import ClusterInsight
    from staticapi.serve.activity import background_work, in_background, run_blocking

    loop_thread = (threading.get_native_id(), os.sched_getscheduler(0))
    store = SimpleNamespace(now=None, layout=None)
    ci = ClusterInsight(SimpleNamespace(name="c"), store)  # type: ignore[arg-type]

    async def main():
        plain = await run_blocking(_policy)
        with background_work():
            assert in_background()
            bg1 = await run_blocking(_policy)
            bg2 = await run_blocking(_policy)
            derived = await ci.derive("k", lambda _ci: _policy())
        assert not in_background()
        after = await run_blocking(_policy)
        return plain, bg1, bg2, derived, after

    plain, bg1, bg2, derived, after = asyncio.run(main())
    assert derived == bg1
    assert bg1[0] == bg2[0] != loop_thread[0]  # one thread of its own
    assert bg1[1] == os.SCHED_IDLE
    assert plain[1] == after[1] == loop_thread[1] != os.SCHED_IDLE
    assert after[0] != bg1[0]
    assert (threading.get_native_id(), os.sched_getscheduler(0)) == loop_thread


def test_a_background_turn_packs_again_what_its_job_built():
    """web.common.background_turn(app, store): after the job, store.repack_background runs (the kinds
    only the job built go back to their packed form); the job itself ran as background work."""
    from aiohttp import web

    from staticapi.serve.activity import in_background
    from staticapi.web.common import background_turn, uses_background

    class Store:
        calls = 0

        def repack_background(self):
            Store.calls += 1
            return 0

    async def main():
        app = web.Application()
        uses_background(app)
        seen = []
        async with background_turn(app, Store()):
            seen.append(in_background())
        return seen

    assert asyncio.run(main()) == [True]
    assert Store.calls == 1
