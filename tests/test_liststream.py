"""serve/liststream.py: a streamed list body is byte for byte the buffered one."""

from __future__ import annotations

import orjson
import pytest
from aiohttp import web

from staticapi.serve import liststream

HEAD = orjson.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "7"}})


def _items(n: int) -> list[bytes]:
    return [orjson.dumps({"metadata": {"name": f"p{i}", "namespace": "ns"}, "pad": "x" * (i % 50)}) for i in range(n)]


def test_body_of_is_the_list_json():
    for n in (0, 1, 3):
        doc = orjson.loads(liststream.body_of(HEAD, "items", _items(n)))
        assert doc["kind"] == "PodList" and doc["metadata"] == {"resourceVersion": "7"}
        assert [i["metadata"]["name"] for i in doc["items"]] == [f"p{i}" for i in range(n)]


def _app(items: list[bytes], chunk: int) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        # a generator, as api.py passes: consumed once, item by item
        return await liststream.send(request, HEAD, "items", (i for i in items), "application/json", chunk=chunk)

    app = web.Application()
    app.router.add_route("*", "/", handle)
    return app


@pytest.mark.parametrize("n,chunk,streamed", [(0, 64, False), (1, 64, True), (500, 64, True), (500, 1000, True),
                                               (500, 10**9, False), (7, 1, True)])
async def test_streamed_body_equals_buffered(aiohttp_client, n, chunk, streamed):
    items = _items(n)
    client = await aiohttp_client(_app(items, chunk))
    r = await client.get("/")
    assert r.status == 200 and r.headers["Content-Type"] == "application/json"
    body = await r.read()
    assert body == liststream.body_of(HEAD, "items", items)
    # a small list keeps its Content-Length; a large one is chunked, never held whole
    assert ("Content-Length" in r.headers) == (not streamed)
    assert (r.headers.get("Transfer-Encoding") == "chunked") == streamed


async def test_head_has_the_length_and_no_body(aiohttp_client):
    items = _items(2000)
    client = await aiohttp_client(_app(items, 64))
    r = await client.head("/")
    assert r.status == 200 and int(r.headers["Content-Length"]) == len(liststream.body_of(HEAD, "items", items))
    assert await r.read() == b""
    r = await client.get("/")  # the connection is still usable: no stray body was sent
    assert await r.read() == liststream.body_of(HEAD, "items", items)


@pytest.mark.parametrize("chunk", [1, 64, 300, 1000, 10**9])
def test_chunks_stay_within_the_chunk_size(chunk):
    items = _items(300) + [b'{"big":"' + b"y" * 2000 + b'"}'] + _items(20)
    got = list(liststream.chunks(HEAD, "items", iter(items), chunk))
    assert b"".join(b"".join(c) for c in got) == liststream.body_of(HEAD, "items", items)
    for c in got:
        size = sum(map(len, c))
        # larger only when it holds one item (or only the head) and that alone is larger
        pieces = c[4:] if c[0] == HEAD[:-1] else c
        assert size <= chunk or len([p for p in pieces if p not in (b"", b",", b"]}")]) <= 1, (chunk, size)
    if chunk == 10**9:
        assert len(got) == 1


class _FakeLibc:
    def __init__(self):
        self.opts: dict[int, int] = {}

    def mallopt(self, param: int, value: int) -> int:
        self.opts[param] = value
        return 1


def test_a_chunk_stays_under_the_mmap_threshold(monkeypatch):
    # every joined chunk (ours, and aiohttp's with its chunked framing) must be served from the heap,
    # not from a fresh mmap whose pages all fault: see the module docstring (issue 20)
    from staticapi.serve import cluster

    libc = _FakeLibc()
    monkeypatch.setattr(cluster, "_libc", libc)
    cluster.malloc_tune()
    m_mmap_threshold = -3  # malloc.h
    framing = 64  # aiohttp's size line and CRLF, CPython's bytes header
    assert liststream.CHUNK + framing < libc.opts[m_mmap_threshold]
    # items of a few KB (pods): chunks are close to CHUNK, so there are few writes
    items = [b'{"p":"' + b"x" * 12000 + b'"}'] * 40
    sizes = [sum(map(len, c)) for c in liststream.chunks(HEAD, "items", items)]
    assert max(sizes) <= liststream.CHUNK and min(sizes[:-1]) > liststream.CHUNK - 12100
