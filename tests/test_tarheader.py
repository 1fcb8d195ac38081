"""source/archive/tarheader.FastTarInfo.frombuf reads every header block as tarfile.TarInfo.frombuf
does (the same TarInfo, or the same error), on headers tarfile writes in its three formats, hand-made
old and odd ones, and random mutations of them."""

from __future__ import annotations

import io
import random
import tarfile

import pytest

from staticapi.source.archive.tarheader import FastTarInfo

FIELDS = ("name", "mode", "uid", "gid", "size", "mtime", "chksum", "type", "linkname", "uname", "gname",
          "devmajor", "devminor")


def _outcome(cls, buf: bytes, encoding: str = "utf-8", errors: str = "surrogateescape"):
    try:
        obj = cls.frombuf(buf, encoding, errors)
    except Exception as e:  # noqa: BLE001 - the error is part of the outcome
        return ("error", type(e).__name__, str(e))
    return ("ok",) + tuple(getattr(obj, f) for f in FIELDS) + (getattr(obj, "_sparse_structs", None),)


def _blocks(data: bytes) -> list[bytes]:
    return [data[i:i + 512] for i in range(0, len(data), 512) if len(data[i:i + 512]) == 512]


def _archive(fmt: int) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tf:
        def add(name, kind=tarfile.REGTYPE, size=0, **kw):
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.size = size
            for k, v in kw.items():
                setattr(ti, k, v)
            tf.addfile(ti, io.BytesIO(b"x" * size) if kind == tarfile.REGTYPE else None)

        add("must-gather/namespaces/ns/pods/p/p.yaml", size=3, mtime=1742400000, mode=0o644)
        add("a/" * 60 + "long-name.log", size=1, mtime=1.5 if fmt == tarfile.PAX_FORMAT else 1)
        add("dir", tarfile.DIRTYPE, mode=0o755)
        add("link", tarfile.SYMTYPE, linkname="t" * 150 if fmt != tarfile.USTAR_FORMAT else "t")
        add("hard", tarfile.LNKTYPE, linkname="must-gather/namespaces/ns/pods/p/p.yaml")
        add("dev", tarfile.CHRTYPE, devmajor=1, devminor=3)
        add("fifo", tarfile.FIFOTYPE)
        add("caf\u00e9-\udcff" if fmt != tarfile.USTAR_FORMAT else "cafe", size=2, uname="root", gname="wheel")
        if fmt == tarfile.GNU_FORMAT:
            add("big", size=0, uid=8 ** 8 + 1, mtime=-5)  # base-256 numbers
    return buf.getvalue()


def _hand_made() -> list[bytes]:
    out = []
    v7dir = tarfile.TarInfo("olddir/")
    raw = bytearray(v7dir.tobuf(tarfile.USTAR_FORMAT))
    raw[156:157] = b"\0"  # AREGTYPE with a trailing slash: a v7 directory
    raw[257:265] = b"\0" * 8
    out.append(_with_sum(raw))
    sparse = bytearray(tarfile.TarInfo("sparse").tobuf(tarfile.GNU_FORMAT))
    sparse[156:157] = b"S"
    out.append(_with_sum(sparse))
    signed = bytearray(tarfile.TarInfo("x").tobuf(tarfile.USTAR_FORMAT))
    signed[1:3] = b"\xe9\xff"  # high bytes: the signed sum differs from the unsigned one
    out.append(_with_sum(signed, signed_sum=True))
    spaced = bytearray(tarfile.TarInfo("y").tobuf(tarfile.USTAR_FORMAT))
    spaced[124:136] = b" \x1c 17 \0\0\0\0\0\0"  # str.strip() takes \x1c, bytes.strip() would not
    out.append(_with_sum(spaced))
    out += [b"", b"\0" * 512, b"\0" * 100, bytes(range(256)) * 2]
    return out


def _with_sum(raw: bytearray, signed_sum: bool = False) -> bytes:
    raw[148:156] = b" " * 8
    total = sum((b - 256 if b > 127 else b) for b in raw) if signed_sum else sum(raw)
    raw[148:156] = b"%06o\0 " % (total & 0o777777)
    return bytes(raw)


def _corpus() -> list[bytes]:
    out = []
    for fmt in (tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        out += _blocks(_archive(fmt))
    return out + _hand_made()


@pytest.mark.parametrize("i", range(len(_corpus())))
def test_made_headers_read_as_tarfile_reads_them(i):
    buf = _corpus()[i]
    assert _outcome(FastTarInfo, buf) == _outcome(tarfile.TarInfo, buf)


def test_mutated_headers_read_as_tarfile_reads_them(monkeypatch):
    rnd = random.Random(20261207)
    original = tarfile.TarInfo.frombuf.__func__
    delegated = [0]

    def counted(cls, buf, encoding, errors):
        delegated[0] += 1
        return original(cls, buf, encoding, errors)
    base = [b for b in _corpus() if len(b) == 512 and any(b)]
    special = b"\0 \x1c\x80\xff01234567789/\xe9+-_x"
    fast_paths = 0
    for _ in range(6000):
        raw = bytearray(rnd.choice(base))
        for _ in range(rnd.randint(1, 4)):
            pos = rnd.choice([rnd.randrange(512), rnd.randrange(100, 156), rnd.randrange(329, 345), 156, 148])
            raw[pos] = rnd.choice(special)
        buf = _with_sum(raw, signed_sum=rnd.random() < 0.2) if rnd.random() < 0.7 else bytes(raw)
        for enc, err in (("utf-8", "surrogateescape"), ("ascii", "strict")):
            want = _outcome(tarfile.TarInfo, buf, enc, err)
            before = delegated[0]
            monkeypatch.setattr(tarfile.TarInfo, "frombuf", classmethod(counted))
            got = _outcome(FastTarInfo, buf, enc, err)
            monkeypatch.undo()
            assert got == want, buf
            fast_paths += want[0] == "ok" and delegated[0] == before
    assert fast_paths > 2000, fast_paths  # many were read by the fast path itself


def test_a_whole_archive_lists_the_same():
    for fmt in (tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        data = _archive(fmt)
        a = tarfile.open(fileobj=io.BytesIO(data), mode="r|", errors="surrogateescape")
        b = tarfile.open(fileobj=io.BytesIO(data), mode="r|", errors="surrogateescape", tarinfo=FastTarInfo)
        assert [(m.name, m.type, m.size, m.mtime, m.linkname, m.mode) for m in a] == \
               [(m.name, m.type, m.size, m.mtime, m.linkname, m.mode) for m in b]
