"""The response body: :func:`iter_log_chunks` (pure, synchronous) and :func:`stream_log` (aiohttp).

A bounded-memory chunked stream over the slicing plan and the line filter.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from .linefilter import LineFilter
from .options import LogOptions
from .slicing import Opener, default_opener, plan, read_part
from .timestamps import SinceCheck, since_ns

CHUNK_SIZE = 64 * 1024


class _Reader:
    """Produces the response body; keeps the state ``follow_forever`` continues from."""

    def __init__(self, files: list[Path], opts: LogOptions, now: datetime, opener: Opener | None, chunk_size: int):
        self.files = list(files)
        self.opts = opts
        self.opener = opener or default_opener
        self.chunk_size = chunk_size
        since = since_ns(opts, now)
        self.filter = LineFilter(opts, SinceCheck(since) if since is not None else None)
        self.last_path: Path | None = None
        self.last_pos = 0  # bytes of last_path consumed (plain files only)

    def chunks(self) -> Iterator[bytes]:
        opts = self.opts
        if not self.files or opts.tail_lines == 0:
            return
        flt = self.filter
        parts = plan(self.files, opts, flt.since, self.opener, self.chunk_size)
        for part in parts:
            flt.begin_file()
            pos = part.offset
            for raw in read_part(part, self.opener, self.chunk_size):
                pos += len(raw)
                out = flt.feed(raw)
                if out:
                    yield out
                if flt.done:
                    return
            out = flt.end_file()
            if out:
                yield out
            if flt.done:
                return
            self.last_path = None if part.gz else part.path
            self.last_pos = pos
        out = flt.finish()
        if out:
            yield out

    def more(self) -> bytes:
        """follow_forever: whatever was appended to the last file since we read it."""
        path = self.last_path
        if path is None or self.filter.done:
            return b""
        try:
            size = os.stat(path).st_size
        except OSError:
            return b""
        if size < self.last_pos:  # truncated / replaced: start over
            self.last_pos = 0
            self.filter.pending = b""
        if size == self.last_pos:
            return b""
        out: list[bytes] = []
        with self.opener(path, "rb") as f:
            f.seek(self.last_pos)
            while not self.filter.done:
                buf = f.read(self.chunk_size)
                if not buf:
                    break
                self.last_pos += len(buf)
                out.append(self.filter.feed(buf))
        return b"".join(out)


def iter_log_chunks(
    files: list[Path],
    opts: LogOptions,
    now: datetime,
    *,
    opener: Opener | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """The selected log bytes as a stream of chunks (pure, synchronous).

    ``files`` in output order (``LogIndex.files``); ``now`` is the must-gather
    collection time that ``sinceSeconds`` counts back from.  ``opener`` lets tests
    observe how many bytes are read.
    """
    return _Reader(files, opts, now, opener, chunk_size).chunks()


_END = object()


async def stream_log(
    request: Any,
    files: list[Path],
    opts: LogOptions,
    now: datetime,
    *,
    follow_forever: bool = False,
    poll_interval: float = 1.0,
    chunk_size: int = CHUNK_SIZE,
) -> Any:
    """Write the log as a chunked ``text/plain`` 200 response and return it.

    File reads happen in the default executor, one chunk at a time, so a 50 MB log
    never blocks the event loop nor sits in memory.  With ``follow=true`` the
    response ends after the saved content (a must-gather does not grow), unless
    ``follow_forever`` is set (live reload): then the last plain file is polled for
    appended data until the client goes away.
    """
    from aiohttp import web  # local import keeps the pure parts importable without aiohttp

    resp = web.StreamResponse(status=200)
    # LogREST / LocationStreamer use ContentType "text/plain" (no charset).
    resp.headers["Content-Type"] = "text/plain"
    resp.enable_chunked_encoding()
    await resp.prepare(request)

    reader = _Reader(files, opts, now, None, chunk_size)
    it = reader.chunks()
    loop = asyncio.get_running_loop()
    try:
        while True:
            chunk = await loop.run_in_executor(None, next, it, _END)
            if chunk is _END:
                break
            await resp.write(chunk)  # type: ignore[arg-type]
        if opts.follow and follow_forever and reader.last_path is not None:
            while not reader.filter.done:
                transport = request.transport
                if transport is None or transport.is_closing():
                    break
                data = await loop.run_in_executor(None, reader.more)
                if data:
                    await resp.write(data)
                else:
                    await asyncio.sleep(poll_interval)
    except (ConnectionResetError, asyncio.CancelledError):
        _close(it)
        raise
    _close(it)
    await resp.write_eof()
    return resp


def _close(it: Iterator[bytes]) -> None:
    # After a cancellation the executor thread may still be inside next(it);
    # the generator is then closed by garbage collection instead.
    try:
        it.close()  # type: ignore[attr-defined]
    except ValueError:
        pass
