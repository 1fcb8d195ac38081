"""Compressed streams: format sniffing by magic bytes and a streaming decompressor that
notices truncation and bombs (gzip, xz, bzip2, zstd)."""

from __future__ import annotations

import bz2
import io
import lzma
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

try:  # a declared dependency, but keep the module importable without it
    import zstandard
except ImportError:  # pragma: no cover
    zstandard = None  # type: ignore[assignment]
from .common import _ARCHIVE_SUFFIXES, _CHUNK, _RAW_CHUNK, RATIO_GRACE_BYTES, _Stop, _Truncated

_ZSTD_PIECE = 2048  # zstandard's decompressobj has no max_length: feed it small pieces


_MAGIC = {
    "gz": b"\x1f\x8b",
    "xz": b"\xfd7zXZ\x00",
    "zst": b"\x28\xb5\x2f\xfd",
    "bz2": b"BZh",
}


# --------------------------------------------------------------------------- format detection


def _tar_header_ok(block: bytes) -> bool:
    """A tar header block: ``ustar`` magic, or (v7 tars) a valid header checksum."""
    if len(block) < 512:
        return False
    if block[257:262] == b"ustar":
        return True
    if not any(block):
        return False
    try:
        stored = int(block[148:156].replace(b"\x00", b" ").strip() or b"-1", 8)
    except ValueError:
        return False
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    return stored == unsigned


def _sniff_head(head: bytes) -> tuple[str, str | None] | None:
    """A tar stream's format from its first bytes (a download as it arrives), or None when they do
    not tell it is one: not a tar, a zip (read from its end, so never streamed), or too few bytes."""
    for comp, magic in _MAGIC.items():
        if head.startswith(magic):
            if comp == "zst" and zstandard is None:
                return None
            reader = _DecompressReader(io.BytesIO(head), comp, max_ratio=0)
            try:
                inner = _read_exact(reader, 512)
            except Exception:  # noqa: BLE001 - not enough of the stream yet, or corrupt
                return None
            return ("tar", comp) if _tar_header_ok(inner) else None
    return ("tar", None) if _tar_header_ok(head[:512]) else None


def _sniff(path: Path) -> tuple[str, str | None] | None:
    """('tar', compression or None), ('zip', None) or None, from magic bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
            if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
                return ("zip", None)
            for comp, magic in _MAGIC.items():
                if head.startswith(magic):
                    if comp == "zst" and zstandard is None:
                        return None
                    f.seek(0)
                    reader = _DecompressReader(f, comp, max_ratio=0)
                    try:
                        inner = _read_exact(reader, 512)
                    except Exception:  # noqa: BLE001 - truncated/corrupt: sniff what came out
                        inner = reader.head
                    if _tar_header_ok(inner):
                        return ("tar", comp)
                    if not inner and path.name.lower().endswith(_ARCHIVE_SUFFIXES):
                        # Truncated before the first block was complete (bzip2 blocks are
                        # up to 900 kB): trust the name; unpacking will report it.
                        return ("tar", comp)
                    return None
            if _tar_header_ok(head):
                return ("tar", None)
        if path.name.lower().endswith(".zip") and zipfile.is_zipfile(path):
            return ("zip", None)  # e.g. a self-extracting prefix before the zip
    except OSError:
        return None
    return None


def _read_exact(reader: _DecompressReader, n: int) -> bytes:
    out = bytearray()
    while len(out) < n:
        chunk = reader.read(n - len(out))
        if not chunk:
            break
        out += chunk
    return bytes(out)


class _DecompressReader(io.RawIOBase):
    """A streaming decompressor over a raw file that notices truncation and bombs.

    Uses the incremental decompressors with a bounded output per step, so a bomb never
    inflates more than a few MiB at once; counts compressed input against decompressed
    output for the ratio cap; raises ``_Truncated`` if the input ends inside a stream.
    Concatenated streams (multi-member gzip, several xz/zstd frames) are read through;
    trailing non-stream bytes (padding) are ignored, as gzip(1) does.
    """

    def __init__(self, raw: IO[bytes], comp: str, *, max_ratio: int,
                 on_raw: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self._raw = raw
        self._comp = comp
        self._max_ratio = max_ratio
        self._on_raw = on_raw
        self._dec = self._new()
        self._pending = b""
        self._more = False
        self._out = b""
        self._pos = 0
        self._done = False
        self.consumed = 0
        self.produced = 0
        self.head = b""  # the first bytes produced, for sniffing a truncated stream

    def _new(self):  # type: ignore[no-untyped-def]
        if self._comp == "gz":
            return zlib.decompressobj(wbits=31)
        if self._comp == "xz":
            return lzma.LZMADecompressor()
        if self._comp == "bz2":
            return bz2.BZ2Decompressor()
        assert zstandard is not None
        return zstandard.ZstdDecompressor().decompressobj()

    def readable(self) -> bool:
        return True

    def _read_raw(self) -> bytes:
        data = self._raw.read(_RAW_CHUNK)
        self.consumed += len(data)
        if self._on_raw is not None and data:
            self._on_raw(len(data))
        return data

    def _feed(self, data: bytes) -> bytes:
        d = self._dec
        if self._comp == "gz":
            out = d.decompress(data, _CHUNK)
            self._pending = d.unconsumed_tail
            self._more = len(out) >= _CHUNK
        elif self._comp in ("xz", "bz2"):
            out = d.decompress(data, _CHUNK)
            self._pending = b""
            self._more = not d.eof and not d.needs_input
        else:
            piece, self._pending = data[:_ZSTD_PIECE], data[_ZSTD_PIECE:]
            out = d.decompress(piece)
            self._more = False
        return out

    def _produce(self) -> bytes:
        while True:
            d = self._dec
            if d.eof:
                rest = d.unused_data + self._pending
                self._pending = b""
                if not rest:
                    rest = self._read_raw()
                if rest.startswith(_MAGIC[self._comp]):
                    self._dec = self._new()
                    self._pending = rest
                    self._more = False
                    continue
                self._done = True
                return b""
            if self._more or self._pending:
                data = self._pending
            else:
                data = self._read_raw()
                if not data:
                    raise _Truncated(f"{self._comp} stream ended before its end marker")
            out = self._feed(data)
            if out:
                self.produced += len(out)
                if (
                    self._max_ratio > 0
                    and self.produced > RATIO_GRACE_BYTES
                    and self.produced > self._max_ratio * max(self.consumed, 1)
                ):
                    raise _Stop(
                        f"compression ratio above {self._max_ratio}:1 "
                        f"({self.produced} bytes from {self.consumed}); looks like a bomb"
                    )
                if len(self.head) < 512:
                    self.head += out[: 512 - len(self.head)]
                return out

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        if n is None or n < 0:
            chunks = []
            while True:
                c = self.read(_CHUNK)
                if not c:
                    return b"".join(chunks)
                chunks.append(c)
        if self._pos >= len(self._out):
            if self._done:
                return b""
            self._out, self._pos = self._produce(), 0
        data = self._out[self._pos:self._pos + n]
        self._pos += len(data)
        return data

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


class _CountingReader(io.RawIOBase):
    def __init__(self, raw: IO[bytes], on_raw: Callable[[int], None] | None) -> None:
        super().__init__()
        self._raw = raw
        self._on_raw = on_raw

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        data = self._raw.read(n)
        if self._on_raw is not None and data:
            self._on_raw(len(data))
        return data

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)
