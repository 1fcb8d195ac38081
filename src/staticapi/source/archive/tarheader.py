"""A faster reading of one tar header block, for ``tarfile`` to use (``tarfile.open(tarinfo=...)``).

CPython's ``TarInfo.frombuf`` (Lib/tarfile.py) decodes each of a header's eight number fields with
``nti`` and sums the block twice (``calc_chksums``: unsigned and signed). A must-gather has 100k+
members, each with a GNU long-name header before it: that reading was a quarter of the time it took
to unpack one (7.6 s of tarfile for a 118 MB .tar.gz, 5.6 s with this). ``FastTarInfo.frombuf`` reads
the common header the same way in fewer steps, and hands every other block to ``TarInfo.frombuf``
itself: a base-256 or otherwise unusual number, a checksum that is not the plain unsigned sum (the
signed sum of old Sun tars, a bad checksum, an end-of-archive block), a GNU sparse header, a short
block. So whatever it returns is what tarfile would have returned (tests/test_archive.py compares
the two on real, made and mutated headers), and tarfile's own errors stay tarfile's.
"""

from __future__ import annotations

import tarfile

# (start, end) of the number fields, in the order frombuf reads them: chksum, mode, uid, gid, size,
# mtime, devmajor, devminor (ustar layout: POSIX.1-1988, tarfile's _create_header)
_NUMBERS = ((148, 156), (100, 108), (108, 116), (116, 124), (124, 136), (136, 148), (329, 337), (337, 345))


class _Unusual(Exception):
    """A field this fast path leaves to TarInfo.frombuf."""


def _number(field: bytes) -> int:
    """tarfile.nti for an octal field (NUL-terminated ASCII digits, blanks around them)."""
    if field[0] >= 0x80:  # base-256 (0x80, 0xff), or a byte nti rejects
        raise _Unusual
    end = field.find(b"\0")
    if end != -1:
        field = field[:end]
    if not field.isascii():
        raise _Unusual
    try:
        return int(field.decode("ascii").strip() or "0", 8)
    except ValueError:
        raise _Unusual from None


def _text(field: bytes, encoding: str, errors: str) -> str:
    """tarfile.nts: up to the first NUL, decoded."""
    end = field.find(b"\0")
    if end != -1:
        field = field[:end]
    return field.decode(encoding, errors)


class FastTarInfo(tarfile.TarInfo):
    __slots__ = ()

    @classmethod
    def frombuf(cls, buf, encoding, errors):  # type: ignore[no-untyped-def]
        if len(buf) != tarfile.BLOCKSIZE or buf[156:157] == tarfile.GNUTYPE_SPARSE:
            return super().frombuf(buf, encoding, errors)
        try:
            chksum, mode, uid, gid, size, mtime, devmajor, devminor = [_number(buf[a:b]) for a, b in _NUMBERS]
        except _Unusual:
            return super().frombuf(buf, encoding, errors)
        # calc_chksums' unsigned sum: the block with its checksum field counted as 8 spaces
        if chksum != 256 + sum(buf) - sum(buf[148:156]):
            return super().frombuf(buf, encoding, errors)
        obj = cls()
        obj.name = _text(buf[0:100], encoding, errors)
        obj.mode = mode
        obj.uid = uid
        obj.gid = gid
        obj.size = size
        obj.mtime = mtime
        obj.chksum = chksum
        obj.type = kind = buf[156:157]
        obj.linkname = _text(buf[157:257], encoding, errors)
        obj.uname = _text(buf[265:297], encoding, errors)
        obj.gname = _text(buf[297:329], encoding, errors)
        obj.devmajor = devmajor
        obj.devminor = devminor
        prefix = _text(buf[345:500], encoding, errors)
        # as frombuf: a v7 directory is a regular file whose name ends in a slash; directories lose
        # their trailing slashes; a ustar name is its prefix + "/" + name
        if kind == tarfile.AREGTYPE and obj.name.endswith("/"):
            obj.type = kind = tarfile.DIRTYPE
        if kind == tarfile.DIRTYPE:
            obj.name = obj.name.rstrip("/")
        if prefix and kind not in tarfile.GNU_TYPES:
            obj.name = prefix + "/" + obj.name
        return obj
