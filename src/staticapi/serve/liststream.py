"""List and Table bodies written item by item, as kube-apiserver does since 1.33.

kube-apiserver encodes a large list response one item at a time instead of
marshalling the whole list into one buffer first (KEP-5116 "Streaming
encoding for LIST responses", `staging/src/k8s.io/apiserver/pkg/endpoints/
handlers/responsewriters/writers.go` SerializeObject -> the streaming
`json.StreamingEncoder` of `apimachinery/pkg/runtime/serializer/json`, gated
by `StreamingJSONListEncoding`, beta and on by default in 1.33). The bytes
are the same as the buffered encoding; only the memory differs.

We do the same: the head of the list (`{"kind":..,"metadata":{..}`) is
written, then the items, joined with commas, in chunks of about CHUNK bytes,
then `]}`. A list that fits in one chunk is sent as one response with a
Content-Length (what small lists always got); a larger one is sent chunked
(HTTP/1.1 Transfer-Encoding: chunked), so the server holds at most one chunk
of it at a time, never the body, and other requests are answered between
chunks. Before this, one unpaged list of all pods held the joined items and
then a second copy of them with the head (about 2x the body in memory at
once); time and memory now grow with the number of items, not faster.

A chunk is at most CHUNK bytes (unless one item alone is larger), and CHUNK
is kept well under glibc's mmap threshold (serve/cluster.malloc_tune fixes
it at 256 KB). Each chunk is joined into one buffer here and again by aiohttp
(its chunked framing: `http_writer._writelines` joins size line, data and
CRLF on Python 3.11). A buffer at or above the threshold is a fresh mmap:
every 4 KB page of it faults and is zeroed, then unmapped when freed, so one
list of 121 MB took ~60,000 page faults (about 160 ms of CPU; issue 20: the
doubled real-object tree's list cost 3x the single one's). Whether a
256 KB+ buffer came from a fresh mmap or from a free chunk already in the
heap depended on the heap's history, which is why the cost did not grow in
proportion. Under the threshold, the freed buffer of one chunk is reused by
the next: no page faults, whatever the heap looks like.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from aiohttp import web

CHUNK = 128 * 1024  # < the mmap threshold (malloc_tune), with room for aiohttp's framing


def body_of(head: bytes, field: str, parts: Iterable[bytes]) -> bytes:
    """The whole body at once (what the streamed response adds up to): `head` is the JSON of the
    list without its items (an object, its closing brace is replaced), `field` the items' key."""
    return head[:-1] + b',"' + field.encode() + b'":[' + b",".join(parts) + b"]}"


def chunks(head: bytes, field: str, parts: Iterable[bytes], chunk: int = CHUNK) -> Iterator[list[bytes]]:
    """body_of(head, field, parts) as lists of pieces, each list at most `chunk` bytes unless a
    single item is larger: a list is closed before the item that would make it exceed `chunk`."""
    buf: list[bytes] = [head[:-1], b',"', field.encode(), b'":[']
    size = sum(len(b) for b in buf)
    sep = b""
    for p in parts:
        n = len(p) + len(sep)
        if buf and size + n > chunk:
            yield buf
            buf, size = [], 0
        buf.append(sep)
        buf.append(p)
        sep = b","
        size += n
    buf.append(b"]}")
    yield buf


async def send(request: web.Request, head: bytes, field: str, parts: Iterable[bytes], content_type: str,
               chunk: int = CHUNK) -> web.StreamResponse:
    """Answer with body_of(head, field, parts), streamed once it is larger than `chunk`."""
    if request.method == "HEAD":  # headers only, with the Content-Length the GET would have
        return web.Response(body=body_of(head, field, parts), status=200, headers={"Content-Type": content_type})
    resp: web.StreamResponse | None = None
    pending: list[bytes] | None = None
    for buf in chunks(head, field, parts, chunk):
        if pending is not None:  # not the last chunk: the body is streamed
            if resp is None:
                resp = web.StreamResponse(status=200, headers={"Content-Type": content_type})
                resp.enable_chunked_encoding()
                await resp.prepare(request)
            await resp.write(b"".join(pending))
        pending = buf
    if resp is None:
        return web.Response(body=b"".join(pending or []), status=200, headers={"Content-Type": content_type})
    await resp.write(b"".join(pending or []))
    await resp.write_eof()
    return resp
