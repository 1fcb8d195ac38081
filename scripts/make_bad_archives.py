#!/usr/bin/env python3
"""Generate a corpus of hostile (and a few benign) archives for staticapi.archive.

Why: the unpacker's safety rules are only as good as the cases they are tried on, and
hostile archives must not be committed as binary blobs.  ``build_corpus(dir)`` writes every
case into ``dir/archives/`` and returns ``{name: expectation}`` for tests/test_archive.py:

    file       path of the archive (or other source) to materialize
    kwargs     keyword arguments for materialize (small caps for the bomb cases)
    served     {relative path in the unpacked tree: expected bytes, or None for "exists"}
    links      {relative path: expected symlink target} (links that must be served)
    modes      {relative path: expected permission bits}
    absent     relative paths that must not be in the tree
    problems   Problem.path values that must be reported ("" = the archive as a whole)
    reasons    substrings that must occur in some Problem.reason
    truncated  expected Materialized.truncated
    error      substring of the SourceError message, when materialize must fail
    count      number of regular files expected in the tree (for the many-files case)

Attack paths aim at ``dir/outside/`` by climbing with more ``..`` than any tree can be
deep and then naming that directory absolutely, so a broken unpacker would write there
(inside the test's tmp dir), never into a real system directory.

Run as a script to write the corpus somewhere and print the case names:
``python scripts/make_bad_archives.py /tmp/corpus --many 100000``.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import json
import lzma
import os
import random
import stat
import struct
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

try:
    import zstandard
except ImportError:  # pragma: no cover
    zstandard = None  # type: ignore[assignment]

OK = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: default\n"
CLIMB = "../" * 24


def _rand_text(n: int, seed: int) -> bytes:
    """Incompressible-ish printable text (so truncation points land inside it)."""
    alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789 \n"
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    return random.Random(seed).randbytes(n).translate(table)


# --------------------------------------------------------------------------- tar helpers


def _ti(name: str, type_: bytes = tarfile.REGTYPE, *, size: int = 0, mode: int = 0o644,
        linkname: str = "") -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type = type_
    ti.size = size
    ti.mode = mode
    ti.mtime = 1_700_000_000
    ti.linkname = linkname
    ti.uid = ti.gid = 1000
    ti.uname = ti.gname = "user"
    return ti


def _tar_bytes(members: list[tuple[Any, ...]]) -> bytes:
    """members: ('file', name, data[, mode]) | ('dir', name) | ('sym', name, target) |
    ('lnk', name, target) | ('chr'|'blk'|'fifo', name).  GNU format, surrogateescape names,
    so names can carry raw bytes and absolute / '..' paths exactly as given."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT,
                      encoding="utf-8", errors="surrogateescape") as tf:
        for m in members:
            kind, name = m[0], m[1]
            if kind == "file":
                data = m[2]
                mode = m[3] if len(m) > 3 else 0o644
                tf.addfile(_ti(name, size=len(data), mode=mode), io.BytesIO(data))
            elif kind == "dir":
                tf.addfile(_ti(name, tarfile.DIRTYPE, mode=0o755))
            elif kind == "sym":
                tf.addfile(_ti(name, tarfile.SYMTYPE, linkname=m[2], mode=0o777))
            elif kind == "lnk":
                tf.addfile(_ti(name, tarfile.LNKTYPE, linkname=m[2]))
            elif kind in ("chr", "blk"):
                ti = _ti(name, tarfile.CHRTYPE if kind == "chr" else tarfile.BLKTYPE)
                ti.devmajor, ti.devminor = (1, 3) if kind == "chr" else (8, 0)
                tf.addfile(ti)
            elif kind == "fifo":
                tf.addfile(_ti(name, tarfile.FIFOTYPE))
            else:  # pragma: no cover
                raise ValueError(kind)
    return buf.getvalue()


def _compress(data: bytes, comp: str | None) -> bytes:
    if comp is None:
        return data
    if comp == "gz":
        return gzip.compress(data, mtime=0)
    if comp == "xz":
        return lzma.compress(data)
    if comp == "bz2":
        return bz2.compress(data, 1)  # 100 kB blocks, so a cut keeps whole blocks
    if comp == "zst":
        assert zstandard is not None
        return zstandard.ZstdCompressor().compress(data)
    raise ValueError(comp)


# --------------------------------------------------------------------------- raw zip writer


def _zip_raw(entries: list[dict[str, Any]]) -> bytes:
    """A zip written by hand so names, flags and sizes can lie.

    entry keys: name (bytes), data (bytes), method (0 stored / 8 deflate), flags,
    declared_size (uncompressed size to claim), crc (to claim), mode (unix st_mode),
    same_as (index of an earlier entry: no data of its own, the central directory entry
    points at that entry's local header, as overlapping-file zip bombs do).
    """
    out = io.BytesIO()
    central = []
    fields: list[tuple[Any, ...]] = []
    for e in entries:
        if "same_as" in e:
            central.append(central[e["same_as"]])
            fields.append(fields[e["same_as"]])
            continue
        name: bytes = e["name"]
        data: bytes = e.get("data", b"")
        method = e.get("method", 8)
        if method == 8:
            co = zlib.compressobj(9, zlib.DEFLATED, -15)
            comp = co.compress(data) + co.flush()
        else:
            comp = data
        crc = e.get("crc", zlib.crc32(data))
        usize = e.get("declared_size", len(data))
        flags = e.get("flags", 0)
        mode = e.get("mode")
        ext_attr = (mode << 16) if mode is not None else 0
        system = 3 if mode is not None else 0
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, method, 0, 0x5821,
                              crc, len(comp), usize, len(name), 0))
        out.write(name)
        out.write(comp)
        fields.append((name,))
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", (system << 8) | 20, 20,
                                   flags, method, 0, 0x5821, crc, len(comp), usize, len(name),
                                   0, 0, 0, 0, ext_attr, offset) + name)
    cd_start = out.tell()
    for c in central:
        out.write(c)
    cd_size = out.tell() - cd_start
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          cd_size, cd_start, 0))
    return out.getvalue()


def _zip_std(files: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in files.items():
            zi = zipfile.ZipInfo(name, (2023, 11, 10, 8, 12, 0))
            zi.compress_type = method
            zi.create_system = 3
            zi.external_attr = ((stat.S_IFDIR | 0o755) if name.endswith("/") else (stat.S_IFREG | 0o644)) << 16
            zf.writestr(zi, data)
    return buf.getvalue()


# --------------------------------------------------------------------------- the corpus


def build_corpus(dir: str | os.PathLike[str], *, many: int = 10_000) -> dict[str, dict[str, Any]]:
    root = Path(dir)
    arch = root / "archives"
    outside = root / "outside"
    arch.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret").write_bytes(b"do not serve me\n")
    out_rel = CLIMB + str(outside).lstrip("/")  # '..' x24 then the absolute outside dir

    cases: dict[str, dict[str, Any]] = {}

    def case(name: str, data: bytes, **expect: Any) -> None:
        path = arch / name
        path.write_bytes(data)
        exp: dict[str, Any] = {
            "file": str(path), "kwargs": {}, "served": {}, "links": {}, "modes": {},
            "absent": [], "problems": [], "reasons": [], "truncated": False, "error": None,
            "count": None,
        }
        exp.update(expect)
        cases[name] = exp

    base = [("dir", "mg/"), ("file", "mg/timestamp", b"2024-01-01 00:00:00 +0000 UTC\n"),
            ("file", "mg/ok.yaml", OK)]
    base_served = {"mg/timestamp": b"2024-01-01 00:00:00 +0000 UTC\n", "mg/ok.yaml": OK}
    plain = _tar_bytes(base)

    # ---- benign formats, detected by magic bytes
    for comp, suffix in ((None, "tar"), ("gz", "tar.gz"), ("xz", "tar.xz"), ("bz2", "tar.bz2"),
                         ("zst", "tar.zst")):
        if comp == "zst" and zstandard is None:
            continue
        case(f"ok.{suffix}", _compress(plain, comp), served=dict(base_served))
    case("disguised.bin", _compress(plain, "gz"), served=dict(base_served))
    case("ok.zip", _zip_std({"mg/": b"", "mg/timestamp": base_served["mg/timestamp"], "mg/ok.yaml": OK}),
         served=dict(base_served))

    # ---- paths
    case("absolute.tar", _tar_bytes(base + [("file", str(outside / "pwned-abs"), b"pwned\n")]),
         served=dict(base_served), problems=[str(outside / "pwned-abs")], reasons=["absolute"])
    case("dotdot.tar", _tar_bytes(base + [
        ("file", out_rel + "/pwned-dotdot", b"pwned\n"),
        ("file", "mg/../../pwned-dotdot2", b"pwned\n"),
        ("dir", "mg/../" + out_rel + "/pwned-dir/"),
    ]), served=dict(base_served), absent=["pwned-dotdot2", "mg/pwned-dotdot2"],
        problems=[out_rel + "/pwned-dotdot", "mg/../../pwned-dotdot2"], reasons=["'..'"])

    # ---- symlinks
    case("symlink_passwd.tar", _tar_bytes(base + [
        ("sym", "mg/passwd", "/etc/passwd"),
        ("sym", "mg/passwd2", CLIMB + "etc/passwd"),
        ("sym", "mg/good", "ok.yaml"),
        ("sym", "mg/dirlink", "."),
    ]), served={**base_served, "mg/good": OK}, links={"mg/good": "ok.yaml", "mg/dirlink": "."},
        absent=["mg/passwd", "mg/passwd2"], problems=["mg/passwd", "mg/passwd2"])
    # 'b' -> 'a/a/..' normalises to 'a' (inside) but resolves to the tree's parent because
    # 'a' -> '.'; only a realpath check on the real tree catches it.
    case("symlink_chain.tar", _tar_bytes(base + [
        ("sym", "a", "."),
        ("sym", "b", "a/a/.."),
        ("sym", "c", "b/" + str(outside).lstrip("/")),
        ("sym", "d", "a/mg/ok.yaml"),
    ]), served={**base_served, "d": OK}, links={"a": ".", "d": "a/mg/ok.yaml"},
        absent=["b", "c"], problems=["b", "c"], reasons=["outside"])
    # A link that escapes, then a file written "through" it.
    case("symlink_write_through.tar", _tar_bytes(base + [
        ("sym", "esc", out_rel),
        ("file", "esc/pwned-through-link", b"pwned\n"),
        ("sym", "a", "."),
        ("sym", "b", "a/a/.."),
        ("file", "b/" + str(outside).lstrip("/") + "/pwned-through-chain", b"pwned\n"),
    ]), served={**base_served, "esc/pwned-through-link": b"pwned\n"},
        problems=["esc", "b"])

    # ---- hard links
    case("hardlink.tar", _tar_bytes(base + [
        ("lnk", "mg/hl-ok", "mg/ok.yaml"),
        ("lnk", "mg/hl-abs", "/etc/passwd"),
        ("lnk", "mg/hl-dotdot", out_rel + "/secret"),
        ("lnk", "mg/hl-missing", "mg/nope"),
        ("sym", "mg/sl", "ok.yaml"),
        ("lnk", "mg/hl-to-symlink", "mg/sl"),
    ]), served={**base_served, "mg/hl-ok": OK},
        absent=["mg/hl-abs", "mg/hl-dotdot", "mg/hl-missing", "mg/hl-to-symlink"],
        problems=["mg/hl-abs", "mg/hl-dotdot", "mg/hl-missing", "mg/hl-to-symlink"])

    # ---- special files and modes
    case("devices.tar", _tar_bytes(base + [("chr", "mg/null"), ("blk", "mg/sda"), ("fifo", "mg/fifo")]),
         served=dict(base_served), absent=["mg/null", "mg/sda", "mg/fifo"],
         problems=["mg/null", "mg/sda", "mg/fifo"], reasons=["character device", "fifo"])
    case("modes.tar", _tar_bytes(base + [
        ("file", "mg/setuid", b"x", 0o4755), ("file", "mg/worldwrite", b"x", 0o666),
        ("file", "mg/none", b"x", 0o000), ("file", "mg/groupexec", b"x", 0o070),
        ("file", "mg/sticky", b"x", 0o1777), ("file", "mg/setgid", b"x", 0o2750),
    ]), served=dict(base_served), modes={
        "mg/setuid": 0o755, "mg/worldwrite": 0o644, "mg/none": 0o600, "mg/groupexec": 0o640,
        "mg/sticky": 0o755, "mg/setgid": 0o750,
    })
    case("zip_special.zip", _zip_raw([
        {"name": b"mg/ok.yaml", "data": OK, "mode": stat.S_IFREG | 0o644},
        {"name": b"mg/run.sh", "data": b"#!/bin/sh\n", "mode": stat.S_IFREG | 0o4777},
        {"name": b"mg/passwd", "data": b"/etc/passwd", "mode": stat.S_IFLNK | 0o777},
        {"name": b"mg/up", "data": CLIMB.encode() + b"etc", "mode": stat.S_IFLNK | 0o777},
        {"name": b"mg/good", "data": b"ok.yaml", "mode": stat.S_IFLNK | 0o777},
        {"name": b"mg/fifo", "data": b"", "mode": stat.S_IFIFO | 0o644},
        {"name": b"mg/chr", "data": b"", "mode": stat.S_IFCHR | 0o644},
        {"name": b"/" + str(outside / "pwned-zip-abs").lstrip("/").encode(), "data": b"pwned"},
        {"name": out_rel.encode() + b"/pwned-zip-dotdot", "data": b"pwned"},
    ]), served={"mg/ok.yaml": OK, "mg/run.sh": b"#!/bin/sh\n", "mg/good": OK},
        links={"mg/good": "ok.yaml"}, modes={"mg/run.sh": 0o755},
        absent=["mg/passwd", "mg/up", "mg/fifo", "mg/chr"],
        problems=["mg/passwd", "mg/up", "mg/fifo", "mg/chr", "/" + str(outside / "pwned-zip-abs").lstrip("/"),
                  out_rel + "/pwned-zip-dotdot"])

    # ---- duplicates
    case("duplicates.tar", _tar_bytes(base + [
        ("file", "mg/dup.yaml", b"first\n"), ("file", "mg/dup.yaml", b"second\n"),
        ("sym", "mg/x", "ok.yaml"), ("file", "mg/x", b"file wins\n"),
        ("file", "mg/y", b"link wins\n"), ("sym", "mg/y", "ok.yaml"),
    ]), served={**base_served, "mg/dup.yaml": b"second\n", "mg/x": b"file wins\n", "mg/y": OK},
        links={"mg/y": "ok.yaml"}, problems=["mg/dup.yaml", "mg/x", "mg/y"], reasons=["duplicate"])

    # ---- bombs and caps
    zeros = b"\0" * (16 << 20)
    case("zip_bomb.zip", _zip_std({"mg/ok.yaml": OK, "mg/bomb.bin": zeros}),
         served={"mg/ok.yaml": OK}, absent=["mg/bomb.bin"], truncated=True, problems=[""],
         reasons=["ratio"])
    # Overlapping entries: the central directory lists one local member many times.
    mib = b"\0" * (1 << 20)
    case("zip_overlap.zip", _zip_raw([{"name": b"mg/ok.yaml", "data": OK},
                                      {"name": b"mg/z.bin", "data": mib}]
                                     + [{"same_as": 1} for _ in range(50)]),
         served={"mg/ok.yaml": OK}, absent=["mg/z.bin"], truncated=True, problems=[""],
         reasons=["ratio"])
    case("tar_bomb.tar.gz", _compress(_tar_bytes(base + [("file", "mg/bomb.bin", zeros)]), "gz"),
         served=dict(base_served), absent=["mg/bomb.bin"], truncated=True, problems=[""],
         reasons=["ratio"])
    big = [_rand_text(400_000, i) for i in range(3)]
    case("size_cap.tar", _tar_bytes([("file", f"big{i}.log", b) for i, b in enumerate(big)]),
         kwargs={"max_total_bytes": 1_000_000}, served={"big0.log": big[0], "big1.log": big[1]},
         absent=["big2.log"], truncated=True, problems=[""], reasons=["total size limit"])
    case("file_cap.tar", _tar_bytes([("file", f"f{i:02d}", b"x") for i in range(20)]),
         kwargs={"max_files": 10}, served={f"f{i:02d}": b"x" for i in range(10)},
         absent=[f"f{i:02d}" for i in range(10, 20)], truncated=True, problems=[""],
         reasons=["file count limit"])

    # ---- truncated streams
    long_log = _rand_text(300_000, 99)
    tr = _tar_bytes(base + [("file", "mg/long.log", long_log), ("file", "mg/after.yaml", OK)])
    for comp in ("gz", "xz", "bz2", "zst"):
        if comp == "zst" and zstandard is None:
            continue
        data = _compress(tr, comp)
        case(f"truncated.tar.{comp}", data[: len(data) * 6 // 10], served=dict(base_served),
             absent=["mg/after.yaml"], truncated=True, problems=["mg/long.log"],
             reasons=["truncated"])
    z = _zip_std({"mg/timestamp": base_served["mg/timestamp"], "mg/ok.yaml": OK,
                  "mg/long.log": long_log, "mg/after.yaml": OK})
    case("truncated.zip", z[: len(z) * 6 // 10], served=dict(base_served), absent=["mg/after.yaml"],
         truncated=True, problems=["mg/long.log"], reasons=["truncated"])

    # ---- lying headers: the declared size differs from the real one
    case("lying_header.zip", _zip_raw([
        {"name": b"mg/ok.yaml", "data": OK},
        {"name": b"mg/smaller.log", "data": long_log[:50_000], "declared_size": 1000},
        {"name": b"mg/larger.log", "data": long_log[:50_000], "declared_size": 5_000_000},
        {"name": b"mg/stored-larger.log", "data": long_log[:2000], "method": 0, "declared_size": 4000},
        {"name": b"mg/badcrc.log", "data": long_log[:3000], "crc": 12345},
    ]), served={"mg/ok.yaml": OK},
        absent=["mg/smaller.log", "mg/larger.log", "mg/stored-larger.log", "mg/badcrc.log"],
        problems=["mg/smaller.log", "mg/larger.log", "mg/badcrc.log"])

    # ---- names that are not UTF-8
    bad = "mg/bad-\udcff-\udcfe.yaml"  # surrogateescape'd bytes 0xff 0xfe
    fixed = "mg/bad-\ufffd-\ufffd.yaml"
    case("utf8_names.tar", _tar_bytes(base + [("file", bad, b"bad name\n")]),
         served={**base_served, fixed: b"bad name\n"}, problems=[fixed], reasons=["UTF-8"])
    case("utf8_names.zip", _zip_raw([
        {"name": b"mg/ok.yaml", "data": OK},
        {"name": b"mg/bad-\xff-\xfe.yaml", "data": b"bad name\n"},
    ]), served={"mg/ok.yaml": OK, fixed: b"bad name\n"}, problems=[fixed], reasons=["UTF-8"])
    # With the UTF-8 flag set, zipfile cannot even open the central directory.
    case("utf8_flag.zip", _zip_raw([
        {"name": b"mg/ok.yaml", "data": OK, "flags": 0x800},
        {"name": b"mg/bad-\xff-\xfe.yaml", "data": b"bad name\n", "flags": 0x800},
    ]), served={"mg/ok.yaml": OK, fixed: b"bad name\n"}, problems=[fixed], reasons=["UTF-8"])

    # ---- many tiny files
    many_tar = _tar_bytes([("file", f"mg/ns{i % 50:02d}/obj{i:06d}.yaml", b"a: 1\n")
                           for i in range(many)])
    case("many_files.tar.gz", _compress(many_tar, "gz"), count=many,
         served={"mg/ns00/obj000000.yaml": b"a: 1\n",
                 f"mg/ns{(many - 1) % 50:02d}/obj{many - 1:06d}.yaml": b"a: 1\n"})

    # ---- nested archives
    inner = _compress(_tar_bytes([
        ("dir", "must-gather.local.1/"),
        ("file", "must-gather.local.1/timestamp", b"ts\n"),
        ("file", "must-gather.local.1/ns/ok.yaml", OK),
        ("file", "../escape-inner", b"pwned\n"),
        ("sym", "must-gather.local.1/up", "../.."),
    ]), "gz")
    case("nested.tar", _tar_bytes([("file", "ci/artifacts/must-gather.tar.gz", inner),
                                   ("file", "ci/build-log.txt", b"log\n")]),
         served={"ci/build-log.txt": b"log\n",
                 "ci/artifacts/must-gather/must-gather.local.1/timestamp": b"ts\n",
                 "ci/artifacts/must-gather/must-gather.local.1/ns/ok.yaml": OK},
         absent=["ci/artifacts/must-gather.tar.gz", "ci/artifacts/escape-inner", "ci/escape-inner",
                 "ci/artifacts/must-gather/must-gather.local.1/up"],
         problems=["ci/artifacts/must-gather.tar.gz!/../escape-inner",
                   "ci/artifacts/must-gather.tar.gz!/must-gather.local.1/up"])
    tar_in_zip = _tar_bytes([("file", "must-gather.local.2/timestamp", b"ts2\n"),
                             ("file", "must-gather.local.2/ok.yaml", OK)])
    case("nested.zip", _zip_std({"case-0123/must-gather.tar": tar_in_zip, "case-0123/notes.txt": b"n\n"}),
         served={"case-0123/notes.txt": b"n\n",
                 "case-0123/must-gather/must-gather.local.2/ok.yaml": OK})
    level = _tar_bytes([("file", "deepest.yaml", OK)])
    for i in range(5):
        level = _tar_bytes([("file", f"level{i}.tar.gz", _compress(level, "gz"))])
    # tar > level4.tar.gz > level3.tar.gz > level2.tar.gz > ...: only 3 levels are opened
    case("nested_deep.tar", level,
         served={"level4/level3/level2.tar.gz": None},
         absent=["level4.tar.gz", "level4/level3.tar.gz", "level4/level3/level2"],
         problems=["level4.tar.gz!/level3.tar.gz!/level2.tar.gz"],
         reasons=["nested archive deeper"])

    # ---- unusable sources
    case("not_archive.txt", b"just text\n", error="not a supported archive")
    case("nothing_usable.tar", _tar_bytes([("file", "/abs", b"x"), ("file", "../up", b"x"),
                                           ("chr", "dev")]), error="nothing usable")
    case("empty.gz", gzip.compress(b"hello, not a tar\n"), error="not a supported archive")
    return cases


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="directory to write the corpus into")
    ap.add_argument("--many", type=int, default=100_000, help="files in many_files.tar.gz")
    ap.add_argument("--json", action="store_true", help="print the expectations as JSON")
    args = ap.parse_args(argv)
    cases = build_corpus(args.dir, many=args.many)
    if args.json:
        def enc(o: Any) -> Any:
            return o.decode("utf-8", "replace") if isinstance(o, bytes) else str(o)
        # served bytes can be large: print only their sizes
        slim = {k: {**v, "served": {p: (None if b is None else len(b)) for p, b in v["served"].items()}}
                for k, v in cases.items()}
        json.dump(slim, sys.stdout, indent=1, default=enc)
        print()
    else:
        for name in cases:
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
