"""Tar archives (plain or gzip/xz/bzip2/zstd compressed), read as a stream by ``tarfile``:
every member goes through the extractor's checks, special files are refused."""

from __future__ import annotations

import contextlib
import io
import lzma
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

from .common import _BadMember, _fix_utf8, _Stop, _Truncated
from .extract import _Extractor
from .streams import _CountingReader, _DecompressReader, zstandard
from .tarheader import FastTarInfo


def unpack_tar(ex: _Extractor, archive: Path | IO[bytes], comp: str | None,
               on_raw: Callable[[int], None] | None) -> None:
    """The members of a tar file, or of a tar stream already open (a download as it arrives:
    url.py)."""
    with open(archive, "rb") if isinstance(archive, Path) else contextlib.nullcontext(archive) as raw:
        stream: io.RawIOBase
        if comp is None:
            stream = _CountingReader(raw, on_raw)
        else:
            stream = _DecompressReader(raw, comp, max_ratio=ex.ctx.caps.max_ratio, on_raw=on_raw)
        try:
            tf = tarfile.open(fileobj=stream, mode="r|", errors="surrogateescape", tarinfo=FastTarInfo)
        except (tarfile.TarError, _Truncated, EOFError, zlib.error, lzma.LZMAError, OSError) as e:
            ex.ctx.problem(ex.archive_label(), f"unreadable tar: {e}")
            ex.ctx.truncated = True
            return
        except _Stop:
            raise
        except Exception as e:  # zstandard.ZstdError
            ex.ctx.problem(ex.archive_label(), f"unreadable tar: {e}")
            ex.ctx.truncated = True
            return
        try:
            _tar_members(ex, tf)
        except _Truncated as e:
            ex.ctx.truncated = True
            if not ex.truncated:
                ex.ctx.problem(ex.archive_label(), f"archive truncated: {e}")
        except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError) as e:
            ex.ctx.truncated = True
            ex.ctx.problem(ex.archive_label(), f"archive truncated or corrupt: {e}")
        except _Stop:
            raise
        except OSError as e:
            ex.ctx.truncated = True
            ex.ctx.problem(ex.archive_label(), f"archive unreadable: {e}")
        except Exception as e:  # noqa: BLE001 - zstandard.ZstdError has no common base
            if zstandard is not None and isinstance(e, zstandard.ZstdError):
                ex.ctx.truncated = True
                ex.ctx.problem(ex.archive_label(), f"archive corrupt: {e}")
            else:
                raise


def _tar_members(ex: _Extractor, tf: tarfile.TarFile) -> None:
    while True:
        try:
            m = tf.next()
        except (tarfile.ReadError, EOFError) as e:
            raise _Truncated(f"{e}") from None
        if m is None:
            return
        name = m.name
        if m.isdir():
            ex.add_dir(name, m.mtime)
        elif m.isreg():
            f = tf.extractfile(m)
            assert f is not None
            try:
                ex.add_file(name, f, m.mode, m.mtime)
            except _BadMember as e:
                ex.ctx.problem(ex.where(_fix_utf8(name)[0]), str(e))
        elif m.issym():
            ex.add_symlink(name, m.linkname)
        elif m.islnk():
            ex.add_hardlink(name, m.linkname)
        else:
            fixed, _ = _fix_utf8(name)
            kind = {tarfile.CHRTYPE: "character device", tarfile.BLKTYPE: "block device",
                    tarfile.FIFOTYPE: "fifo"}.get(m.type, f"special member type {m.type!r}")
            ex.ctx.problem(ex.where(fixed), f"{kind} refused")
