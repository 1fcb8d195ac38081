"""Which bytes of which files a request reads: tail and since as byte offsets, then the reads.

``tailLines`` is found reading backwards in blocks like the kubelet's
``pkg/util/tail/tail.go`` FindTailLineStartIndex; ``since`` by a binary search on
the line timestamps; gzip files are streamed (and counted for a tail).
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .options import LogOptions
from .timestamps import TS_LINE_RE, SinceCheck

_PROBE_SIZE = 8 * 1024


Opener = Callable[[Path, str], BinaryIO]


def default_opener(path: Path, mode: str) -> BinaryIO:
    # O_NOFOLLOW: a file swapped for a symlink after indexing is still refused.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    return os.fdopen(fd, mode)  # noqa: SIM115 - closed by the callers


def _is_gzip(path: Path, opener: Opener) -> bool:
    with opener(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


@dataclass
class Part:
    path: Path
    gz: bool
    offset: int = 0  # plain files: byte offset to start at
    skip_lines: int = 0  # gzip files: lines to drop first


def _tail_offset(path: Path, n: int, opener: Opener, block: int) -> tuple[int | None, int]:
    """Start offset of the last ``n`` lines, reading backwards in blocks.

    Returns ``(offset, 0)`` when the file holds at least ``n`` lines, else
    ``(None, lines_in_file)``.  Like pkg/util/tail FindTailLineStartIndex, but an
    unterminated last line counts as a line (it is served, so it is one of the
    last N lines a user sees).
    """
    with opener(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        if size == 0:
            return None, 0
        f.seek(size - 1)
        ends_nl = f.read(1) == b"\n"
        need = n + 1 if ends_nl else n  # newlines to walk back over
        pos = size
        found = 0
        while pos > 0:
            start = max(0, pos - block)
            f.seek(start)
            buf = f.read(pos - start)
            cnt = buf.count(b"\n")
            if found + cnt >= need:
                idx = len(buf)
                for _ in range(need - found):
                    idx = buf.rfind(b"\n", 0, idx)
                return start + idx + 1, 0
            found += cnt
            pos = start
        return None, found if ends_nl else found + 1


def _gz_count_lines(path: Path, opener: Opener, block: int) -> int:
    with opener(path, "rb") as raw, gzip.GzipFile(fileobj=raw) as f:
        count = 0
        last = b"\n"
        while True:
            buf = f.read(block)
            if not buf:
                break
            count += buf.count(b"\n")
            last = buf[-1:]
        return count if last == b"\n" else count + 1


def _plan_tail(files: list[Path], n: int, opener: Opener, block: int) -> list[Part]:
    parts: list[Part] = []
    for path in reversed(files):
        if n <= 0:
            break
        if _is_gzip(path, opener):
            lines = _gz_count_lines(path, opener, block)
            if lines >= n:
                parts.append(Part(path, True, skip_lines=lines - n))
                break
            parts.append(Part(path, True))
            n -= lines
        else:
            off, lines = _tail_offset(path, n, opener, block)
            if off is not None:
                parts.append(Part(path, False, offset=off))
                break
            parts.append(Part(path, False))
            n -= lines
    parts.reverse()
    return parts


def _since_offset(path: Path, check: SinceCheck, opener: Opener) -> int:
    """Binary search for a line start before which every line is older than since.

    Assumes timestamps grow through the file (they do, up to stdout/stderr
    interleaving of a few microseconds); everything from the returned offset on is
    still filtered line by line, so only grossly out-of-order lines could differ
    from the kubelet.  Files without timestamps give 0 (linear scan).
    """
    with opener(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        lo, hi = 0, size
        while hi - lo > _PROBE_SIZE:
            mid = (lo + hi) // 2
            f.seek(mid)
            buf = f.read(_PROBE_SIZE)
            nl = buf.find(b"\n")
            if nl < 0:
                break
            m = TS_LINE_RE.search(buf, nl + 1)
            if m is None:
                break
            ts_pos = mid + m.start()
            if not check.keep(m.group(1)):
                if ts_pos >= hi:
                    break  # not monotonic: keep the safe, smaller lo
                lo = ts_pos
            else:
                hi = mid
        return lo


def plan(files: list[Path], opts: LogOptions, since: SinceCheck | None, opener: Opener, block: int) -> list[Part]:
    if opts.tail_lines is not None:
        # kubelet: the tail start is found first, then lines are filtered by since.
        return _plan_tail(files, opts.tail_lines, opener, block)
    parts = []
    for path in files:
        gz = _is_gzip(path, opener)
        off = 0
        if since is not None and not gz:
            off = _since_offset(path, since, opener)
        parts.append(Part(path, gz, offset=off))
    return parts


def read_part(part: Part, opener: Opener, block: int) -> Iterator[bytes]:
    with opener(part.path, "rb") as raw:
        f: BinaryIO = raw
        gzf = None
        if part.gz:
            gzf = gzip.GzipFile(fileobj=raw)
            f = gzf  # type: ignore[assignment]
        try:
            if part.offset:
                f.seek(part.offset)
            skip = part.skip_lines
            while True:
                buf = f.read(block)
                if not buf:
                    return
                while skip and buf:
                    nl = buf.find(b"\n")
                    if nl < 0:
                        buf = b""
                        break
                    buf = buf[nl + 1 :]
                    skip -= 1
                if buf:
                    yield buf
        finally:
            if gzf is not None:
                gzf.close()
