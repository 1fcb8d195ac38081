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
"""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

CHUNK = 256 * 1024


def body_of(head: bytes, field: str, parts: Iterable[bytes]) -> bytes:
    """The whole body at once (what the streamed response adds up to): `head` is the JSON of the
    list without its items (an object, its closing brace is replaced), `field` the items' key."""
    return head[:-1] + b',"' + field.encode() + b'":[' + b",".join(parts) + b"]}"


async def send(request: web.Request, head: bytes, field: str, parts: Iterable[bytes], content_type: str,
               chunk: int = CHUNK) -> web.StreamResponse:
    """Answer with body_of(head, field, parts), streamed once it is larger than `chunk`."""
    if request.method == "HEAD":  # headers only, with the Content-Length the GET would have
        return web.Response(body=body_of(head, field, parts), status=200, headers={"Content-Type": content_type})
    buf: list[bytes] = [head[:-1], b',"', field.encode(), b'":[']
    size = sum(len(b) for b in buf)
    resp: web.StreamResponse | None = None
    sep = b""
    for p in parts:
        buf.append(sep)
        buf.append(p)
        sep = b","
        size += len(p) + 1
        if size >= chunk:
            if resp is None:
                resp = web.StreamResponse(status=200, headers={"Content-Type": content_type})
                resp.enable_chunked_encoding()
                await resp.prepare(request)
            await resp.write(b"".join(buf))
            buf, size = [], 0
    buf.append(b"]}")
    if resp is None:
        return web.Response(body=b"".join(buf), status=200, headers={"Content-Type": content_type})
    await resp.write(b"".join(buf))
    await resp.write_eof()
    return resp
