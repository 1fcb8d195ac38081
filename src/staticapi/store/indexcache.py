"""A persistent cache of parse results, so the next start skips YAML parsing.

What is cached is the expensive part, ingest's output per file (records with
their JSON bytes, problems), keyed by the file's relative path, size and
mtime. On start every file of the scanned layout whose (size, mtime) matches
its cached entry is taken from the cache; only new or changed files are
parsed; then the store is built exactly as on a cold start, so responses are
identical by construction.

Format (one file per source directory, in the cache dir):

    MAGIC(8) | u32 header length | header JSON | zstd frame (with checksum)
    frame = repeated: u32 len | file meta JSON | (u32 len | record meta JSON | u32 len | raw JSON) * n
            then the END marker

A corrupt, truncated or foreign file fails the checksum, the magic, the format
version or the END marker, and is ignored (and rewritten): it is never served.
Writes go to a temp file renamed into place.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import struct
from pathlib import Path

import orjson
import zstandard

from ..source import codec
from ..source.ingest import FileResult, Record
from ..source.layout import Layout

log = logging.getLogger("staticapi.indexcache")

MAGIC = b"SAPIIDX\x00"
FORMAT = 4  # 4: FileResult.newest only from observed-time fields (ingest.OBSERVED_TIME_FIELDS)
END = b"\xffEND"
_U32 = struct.Struct("<I")


def source_key(source_dir: Path) -> str:
    """The name a source directory's caches take in the cache dir (this file and image.py)."""
    return hashlib.sha256(str(Path(source_dir).resolve()).encode()).hexdigest()[:32]


def cache_file(cache_dir: Path, source_dir: Path) -> Path:
    return Path(cache_dir) / "index" / f"{source_key(source_dir)}.v{FORMAT}.idx"


def _stamp(layout: Layout) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every object file, as the scan saw them."""
    return {f.rel: (f.size, f.mtime_ns) for f in layout.files}


def _read_exact(r, n: int) -> bytes:
    b = r.read(n)
    if len(b) != n:
        raise ValueError("truncated cache")
    return b


def load(path: Path, layout: Layout, info: dict | None = None) -> dict[str, FileResult]:
    """Cached results for the files of `layout` that did not change; {} when unusable.

    Record bytes come back compressed with the cached dictionary, which is
    registered with codec.py and returned in `info["zdict"]`.
    """
    try:
        fh = open(path, "rb")
    except OSError:
        return {}
    stamps = _stamp(layout)
    out: dict[str, FileResult] = {}
    try:
        with fh:
            if fh.read(len(MAGIC)) != MAGIC:
                raise ValueError("bad magic")
            (hlen,) = _U32.unpack(_read_exact(fh, 4))
            header = orjson.loads(_read_exact(fh, hlen))
            if header.get("format") != FORMAT or header.get("source") != str(layout.source_dir):
                raise ValueError("other format or source")
            if header.get("newest") is False and layout.collection_time is None:
                raise ValueError("parsed without seeking timestamps, and the timestamp file is gone")
            zdict = codec.register(base64.b64decode(header["dict"])) if header.get("dict") else None
            if info is not None:
                info["zdict"] = zdict
            dctx = zstandard.ZstdDecompressor()
            with dctx.stream_reader(fh, read_across_frames=False) as r:
                while True:
                    head = _read_exact(r, 4)
                    if head == END:
                        break
                    (n,) = _U32.unpack(head)
                    meta = orjson.loads(_read_exact(r, n))
                    res = FileResult(rel=meta["rel"], problems=meta["problems"], newest=meta["newest"],
                                     quick=tuple(meta["quick"]) if meta.get("quick") else None)
                    for _ in range(meta["n"]):
                        (m,) = _U32.unpack(_read_exact(r, 4))
                        g, v, k, ns, name, uid, rv, labels, from_list, converted, hint = orjson.loads(_read_exact(r, m))
                        (m,) = _U32.unpack(_read_exact(r, 4))
                        raw = _read_exact(r, m)
                        res.records.append(Record(g, v, k, ns, name, uid, rv, labels, raw, meta["rel"], from_list,
                                                  converted, tuple(hint)))
                    if stamps.get(meta["rel"]) == tuple(meta["stamp"]):
                        out[meta["rel"]] = res
                # the frame must end exactly here and its checksum verify
                if r.read(1):
                    raise ValueError("trailing data")
    except (ValueError, KeyError, TypeError, OSError, zstandard.ZstdError, orjson.JSONDecodeError, struct.error) as e:
        log.warning("index cache %s unusable (%s); rebuilding", path, e)
        return {}
    return out


def save(path: Path, layout: Layout, results: list[FileResult], zdict=None) -> None:
    """Persist results; record bytes are stored compressed with `zdict` so a warm start needs no compression."""
    stamps = _stamp(layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    header = orjson.dumps({"format": FORMAT, "source": str(layout.source_dir), "files": len(results),
                           "newest": layout.collection_time is None,
                           "dict": base64.b64encode(zdict.as_bytes()).decode() if zdict is not None else None})
    # the parse workers compressed most records already; the others, all at once
    raws = iter(codec.compress_plain([rec.raw for res in results if res.rel in stamps for rec in res.records],
                                     zdict))
    try:
        with open(tmp, "wb") as fh:
            fh.write(MAGIC + _U32.pack(len(header)) + header)
            cctx = zstandard.ZstdCompressor(level=1, write_checksum=True, threads=-1)
            with cctx.stream_writer(fh, closefd=False) as w:
                for res in results:
                    if res.rel not in stamps:
                        continue
                    meta = orjson.dumps({"rel": res.rel, "stamp": stamps[res.rel], "problems": res.problems,
                                         "newest": res.newest, "n": len(res.records), "quick": res.quick})
                    w.write(_U32.pack(len(meta)) + meta)
                    for rec in res.records:
                        m = orjson.dumps([rec.group, rec.version, rec.kind, rec.namespace, rec.name, rec.uid, rec.rv,
                                          rec.labels, rec.from_list, rec.converted, list(rec.hint)])
                        raw = next(raws)
                        w.write(_U32.pack(len(m)) + m + _U32.pack(len(raw)))
                        w.write(raw)
                w.write(END)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as e:  # also when stopped (the indexing child at the server's exit): no temp file left
        if isinstance(e, OSError):
            log.warning("could not write index cache %s: %s", path, e)
        try:
            tmp.unlink()
        except OSError:
            pass
        if not isinstance(e, OSError):
            raise
