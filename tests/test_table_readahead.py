"""serve/tables.read_ahead: once a page of a Table list is sent, the next page's rows are computed in
the background (issue 20: the first paged `kubectl get pods -A` after a start waited for them page by
page); the pages are byte for byte what they are without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from staticapi import server
from staticapi.insight.context import open_sources
from staticapi.serve import api, tables

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "must-gather"
TABLE = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}
ROW_KEY = "row:/pods/v1"


def _pods(ci) -> list:
    (t,) = [t for k, t in ci.cluster.store.tables.items() if k == ("", "pods")]
    return t.sorted()


async def _pages(client, name: str) -> list[bytes]:
    out, cont = [], ""
    while True:
        r = await client.get(f"/clusters/{name}/api/v1/pods?limit=3" + (f"&continue={cont}" if cont else ""),
                             headers=TABLE)
        assert r.status == 200
        body = await r.read()
        out.append(body)
        cont = (await r.json())["metadata"].get("continue", "")
        if not cont:
            return out


@pytest.mark.parametrize("ahead", [True, False])
async def test_the_next_page_is_computed_after_a_page_is_sent(aiohttp_client, tmp_path, monkeypatch, ahead):
    submitted = []
    real = tables.read_ahead

    def spy(conv, entries, now):
        fut = real(conv, entries, now) if ahead else None
        submitted.append([e.name for e in entries])
        if fut is not None:
            fut.result(timeout=30)  # (done before the client asks: the order the test checks)
        return fut

    monkeypatch.setattr(api, "read_ahead", spy)
    (ci,) = await open_sources([str(FIXTURE)], tmp_path / "c", index_cache=False)
    pods = _pods(ci)
    assert len(pods) > 6
    client = await aiohttp_client(server.create_app([ci.cluster]))
    r = await client.get(f"/clusters/{ci.name}/api/v1/pods?limit=3", headers=TABLE)
    assert r.status == 200
    await r.read()
    # the first page's rows were computed for the answer; the second page's in the background
    assert submitted == [[e.name for e in pods[3:6]]]
    cached = [bool(e.cache and ROW_KEY in e.cache) for e in pods]
    assert cached[:3] == [True] * 3
    assert cached[3:6] == [ahead] * 3 and not any(cached[6:])
    pages = await _pages(client, ci.name)
    # the same pages as a server without read-ahead
    (fresh,) = await open_sources([str(FIXTURE)], tmp_path / "f", index_cache=False)
    monkeypatch.setattr(api, "read_ahead", lambda conv, entries, now: None)
    assert pages == await _pages(await aiohttp_client(server.create_app([fresh.cluster])), fresh.name)


def test_read_ahead_skips_what_is_cached(tmp_path):
    import asyncio

    (ci,) = asyncio.run(open_sources([str(FIXTURE)], tmp_path, index_cache=False))
    pods = _pods(ci)
    store = ci.cluster.store
    r = next(t.resource for k, t in store.tables.items() if k == ("", "pods"))
    conv = tables.TableConverter(r, "v1")
    fut = tables.read_ahead(conv, pods[:4], store.now)
    assert fut is not None
    fut.result(timeout=30)
    assert all(ROW_KEY in e.cache for e in pods[:4])
    assert tables.read_ahead(conv, pods[:4], store.now) is None  # nothing left to do
