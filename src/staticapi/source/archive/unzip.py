"""Zip archives: read by ``zipfile`` through the central directory, or by the local headers
where ``zipfile`` cannot open the file.

The hand-written local header reader (``_walk_zip``, ``_LocalZipReader``, ``_zip64_sizes``) is
kept only for the two hostile inputs on which ``zipfile.ZipFile`` fails outright, both cases of
``tests/test_archive.py::test_corpus_case`` (built by ``scripts/make_bad_archives.py``):

* ``truncated.zip``: no end-of-central-directory record, ``zipfile`` raises ``BadZipFile``
  ("File is not a zip file") and would give up every member that was fully written;
* ``utf8_flag.zip``: a name with the UTF-8 flag (bit 11) set that is not UTF-8, ``zipfile``
  raises ``UnicodeDecodeError`` while reading the central directory.

Every other zip (bombs, overlapping entries, lying sizes, bad CRCs, special files) is read with
``zipfile``.
"""

from __future__ import annotations

import bz2
import io
import lzma
import os
import stat
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

from .common import _CHUNK, _RAW_CHUNK, RATIO_GRACE_BYTES, _BadMember, _fix_utf8, _Stop, _Truncated, _ZipMemberError
from .extract import _Extractor

#: Longest symlink target read from a zip member.
MAX_ZIP_LINK = 4096


def unpack_zip(ex: _Extractor, archive: Path, comp: str | None, on_raw: Callable[[int], None] | None) -> None:
    """The zip's members through ``ex`` (``comp`` is always None: zip compresses each member)."""
    size = max(os.path.getsize(archive), 1)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, UnicodeDecodeError, EOFError, OSError, ValueError,
            NotImplementedError) as e:
        # No usable central directory (truncated zip) or a name zipfile cannot decode:
        # read the local file headers front to back instead (test_archive.py corpus cases
        # truncated.zip and utf8_flag.zip: zipfile raises BadZipFile / UnicodeDecodeError).
        if isinstance(e, UnicodeDecodeError):
            ex.ctx.problem(ex.archive_label(),
                           "central directory has names that are not UTF-8; read local headers")
        _walk_zip(ex, archive, size, on_raw)
        return
    base = ex.ctx.bytes
    with zf:
        for info in zf.infolist():
            try:
                _zip_member(ex, zf, info, size, base)
            except _BadMember as e:
                ex.ctx.problem(ex.where(_fix_utf8(_zip_name(info))[0]), str(e))
            except _Truncated:
                ex.ctx.truncated = True
            if on_raw is not None:
                on_raw(info.compress_size)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member name as UTF-8 with surrogateescape'd bad bytes (reported by _admit).

    Without the UTF-8 flag (bit 11) zipfile decodes names as cp437; in practice such
    names are raw UTF-8 bytes written by Linux tools, so get the bytes back first.
    """
    name = info.orig_filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            pass
    if info.create_system == 0:
        # Made on MS-DOS/Windows (FAT): some tools wrote '\\' as the separator.
        name = name.replace("\\", "/")
    return name


def _zip_member(ex: _Extractor, zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive_size: int,
                archive_base: int) -> None:
    name = _zip_name(info)
    unix = info.external_attr >> 16 if info.create_system == 3 else 0
    ftype = stat.S_IFMT(unix)
    mtime = _zip_mtime(info.date_time)
    if name.endswith("/") or ftype == stat.S_IFDIR:
        ex.add_dir(name, mtime)
        return
    if ftype == stat.S_IFLNK:
        try:
            with zf.open(info) as src:
                target = src.read(MAX_ZIP_LINK + 1)
        except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError,
                OSError) as e:
            raise _BadMember(f"symlink unreadable: {e}") from None
        if len(target) > MAX_ZIP_LINK:
            raise _BadMember("symlink target too long")
        ex.add_symlink(name, target.decode("utf-8", "surrogateescape"))
        return
    if ftype not in (0, stat.S_IFREG):
        kind = {stat.S_IFCHR: "character device", stat.S_IFBLK: "block device",
                stat.S_IFIFO: "fifo", stat.S_IFSOCK: "socket"}.get(ftype, "special file")
        raise _BadMember(f"{kind} refused")
    mode = (unix & 0o7777) if unix else 0o644
    caps = ex.ctx.caps
    csize = max(info.compress_size, 1)

    def check(written: int) -> None:
        if caps.max_ratio > 0:
            if written > RATIO_GRACE_BYTES and written > caps.max_ratio * csize:
                raise _Stop(f"compression ratio above {caps.max_ratio}:1 in {ex.where(name)}; "
                            "looks like a zip bomb")
            so_far = ex.ctx.bytes - archive_base
            if so_far > RATIO_GRACE_BYTES and so_far > caps.max_ratio * archive_size:
                raise _Stop(f"compression ratio above {caps.max_ratio}:1 for the whole zip; "
                            "looks like a zip bomb")

    try:
        src = zf.open(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
            zlib.error, ValueError) as e:
        raise _BadMember(f"member unreadable: {e}") from None
    with src:
        ex.add_file(name, _ZipGuard(src), mode, mtime, check=check,
                    expect_size=info.file_size)


def _walk_zip(ex: _Extractor, archive: Path, size: int, on_raw: Callable[[int], None] | None) -> None:
    """Read a zip by its local headers, for a zip without a usable central directory."""
    zip_base = ex.ctx.bytes
    with open(archive, "rb") as f:
        while True:
            pos = f.tell()
            sig = f.read(4)
            if sig in (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06"):
                return  # reached the central directory: the members are all read
            if sig != b"PK\x03\x04":
                ex.ctx.truncated = True
                ex.ctx.problem(ex.archive_label(),
                               f"zip ends without a central directory at byte {pos}"
                               if len(sig) < 4 else f"zip corrupt at byte {pos}")
                return
            hdr = f.read(26)
            if len(hdr) < 26:
                _zip_truncated(ex, archive, pos)
                return
            (_ver, flags, method, mtime_t, mdate, crc, csize, usize, nlen, xlen) = struct.unpack(
                "<HHHHHIIIHH", hdr)
            raw_name = f.read(nlen)
            extra = f.read(xlen)
            if len(raw_name) < nlen or len(extra) < xlen:
                _zip_truncated(ex, archive, pos)
                return
            if csize == 0xFFFFFFFF or usize == 0xFFFFFFFF:
                usize, csize = _zip64_sizes(extra, usize, csize)
            name = raw_name.decode("utf-8", "surrogateescape")  # _admit reports bad bytes
            where = ex.where(_fix_utf8(name)[0])
            mtime = _zip_mtime(_dos_datetime(mdate, mtime_t))
            data_start = f.tell()
            if on_raw is not None:
                on_raw(data_start - pos)
            descriptor = bool(flags & 0x08)
            if flags & 0x01:
                ex.ctx.problem(where, "encrypted member skipped")
                if descriptor:
                    ex.ctx.problem(ex.archive_label(), "cannot skip an encrypted member "
                                   "without a central directory; stopped")
                    ex.ctx.truncated = True
                    return
                f.seek(data_start + csize)
                continue
            if name.endswith("/"):
                ex.add_dir(name, mtime)
                f.seek(data_start + csize)
                continue
            if descriptor and method != 8:
                ex.ctx.problem(where, "member with a data descriptor and no deflate cannot be "
                               "read without the central directory; stopped")
                ex.ctx.truncated = True
                return
            if method not in (0, 8, 12):
                ex.ctx.problem(where, f"compression method {method} not supported; skipped")
                f.seek(data_start + csize)
                continue
            reader = _LocalZipReader(f, method, None if descriptor else csize)
            caps = ex.ctx.caps
            base = zip_base

            def check(written: int, _cs: int = max(csize, 1), _d: bool = descriptor,
                      _caps=caps, _base: int = base) -> None:
                if _caps.max_ratio <= 0:
                    return
                if not _d and written > RATIO_GRACE_BYTES and written > _caps.max_ratio * _cs:
                    raise _Stop(f"compression ratio above {_caps.max_ratio}:1; looks like a zip bomb")
                so_far = ex.ctx.bytes - _base
                if so_far > RATIO_GRACE_BYTES and so_far > _caps.max_ratio * size:
                    raise _Stop(f"compression ratio above {_caps.max_ratio}:1 for the whole zip; "
                                "looks like a zip bomb")

            try:
                rel = ex.add_file(name, reader, 0o644, mtime, check=check,
                                  expect_size=None if descriptor else usize)
            except _Truncated:
                ex.ctx.truncated = True
                return
            except _BadMember as e:
                ex.ctx.problem(where, str(e))
                rel = None
            if rel is not None and not descriptor and reader.crc != crc:
                ex.drop(rel)
                ex.ctx.regular_files -= 1
                if rel in ex.candidates:
                    ex.candidates.remove(rel)
                ex.ctx.problem(where, "CRC-32 mismatch; member dropped")
            if descriptor:
                # Skip the data descriptor: optional signature, crc, then 4- or 8-byte sizes.
                f.seek(data_start + reader.consumed)
                d = f.read(4)
                skip = 12 if d == b"PK\x07\x08" else 8
                f.seek(f.tell() + skip)
                nxt = f.read(4)
                if nxt not in (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b""):
                    f.seek(f.tell() - 4 + 8)  # zip64 descriptor
                else:
                    f.seek(f.tell() - len(nxt))
            else:
                f.seek(data_start + csize)
            if on_raw is not None:
                on_raw(f.tell() - data_start)


def _zip_truncated(ex: _Extractor, archive: Path, pos: int) -> None:
    ex.ctx.truncated = True
    ex.ctx.problem(ex.archive_label(), f"zip truncated inside a local header at byte {pos}")


class _ZipGuard(io.RawIOBase):
    """Turns zipfile's errors while reading a member (bad CRC, short data) into one type."""

    def __init__(self, src: IO[bytes]) -> None:
        super().__init__()
        self._src = src

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        try:
            return self._src.read(n)
        except (zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError, OSError, ValueError) as e:
            raise _ZipMemberError(str(e)) from None


class _LocalZipReader(io.RawIOBase):
    """Member data after a local header: stored, deflate or bzip2; tracks CRC-32."""

    def __init__(self, f: IO[bytes], method: int, csize: int | None) -> None:
        super().__init__()
        self._f = f
        self._method = method
        self._left = csize  # None: unknown (data descriptor), read until the stream ends
        self._dec = (zlib.decompressobj(-15) if method == 8 else
                     bz2.BZ2Decompressor() if method == 12 else None)
        self._pending = b""
        self.crc = 0
        self.consumed = 0
        self._eof = False

    def readable(self) -> bool:
        return True

    def _raw(self) -> bytes:
        n = _RAW_CHUNK if self._left is None else min(_RAW_CHUNK, self._left)
        if n == 0:
            return b""
        data = self._f.read(n)
        if self._left is not None:
            self._left -= len(data)
            if not data:
                raise _Truncated("zip member data ends early")
        elif not data:
            raise _Truncated("zip member data ends early")
        return data

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        if self._eof:
            return b""
        while True:
            if self._dec is None:
                data = self._raw()
                if not data:
                    self._eof = True
                    return b""
                self.consumed += len(data)
                self.crc = zlib.crc32(data, self.crc)
                return data
            d = self._dec
            if getattr(d, "eof", False):
                # Give back what the decompressor did not use (data descriptor follows).
                self.consumed -= len(d.unused_data) + len(self._pending)
                self._eof = True
                return b""
            if self._pending:
                data, self._pending = self._pending, b""
            else:
                data = self._raw()
                if not data:
                    if self._left == 0:
                        raise _BadMember("compressed data ends before its end marker")
                    raise _Truncated("zip member data ends early")
                self.consumed += len(data)
            if self._method == 8:
                out = d.decompress(data, _CHUNK)
                self._pending = d.unconsumed_tail
            else:
                out = d.decompress(data, _CHUNK)
            if out:
                self.crc = zlib.crc32(out, self.crc)
                return out

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int]:
    i = 0
    while i + 4 <= len(extra):
        tag, ln = struct.unpack("<HH", extra[i:i + 4])
        body = extra[i + 4:i + 4 + ln]
        if tag == 0x0001:
            vals = [struct.unpack("<Q", body[j:j + 8])[0] for j in range(0, len(body) - 7, 8)]
            it = iter(vals)
            if usize == 0xFFFFFFFF:
                usize = next(it, usize)
            if csize == 0xFFFFFFFF:
                csize = next(it, csize)
            break
        i += 4 + ln
    return usize, csize


def _dos_datetime(d: int, t: int) -> tuple[int, int, int, int, int, int]:
    return ((d >> 9) + 1980, (d >> 5) & 0xF, d & 0x1F, t >> 11, (t >> 5) & 0x3F, (t & 0x1F) * 2)


def _zip_mtime(dt: tuple[int, ...]) -> float | None:
    try:
        return time.mktime(tuple(dt) + (0, 0, -1))  # type: ignore[arg-type]
    except (OverflowError, ValueError, TypeError):
        return None
