"""A store image: the built store of one must-gather, persisted whole.

A second start of an unchanged must-gather loads this image instead of
listing, parsing or merging anything: one lstat per directory and file the
first scan saw must find the same mtimes and sizes (an added, removed or
renamed file changes its directory's mtime), the package's code must be the
same, then the store comes back from columns and each kind's objects are
built on first use (issue "Archives ...": "a second start ... in under 5 %
of the first"). When anything changed, the per-file index cache
(indexcache.py) still spares the unchanged files' parsing.

After a cold start the server writes the image and then serves from a store
loaded back from it: the long-lived objects are then allocated together,
not interleaved with the parse's temporaries, which keeps the resident size
near what the store really holds (issue "Performance": RSS below the YAML).

Format (one file per source directory, in the cache dir):

    MAGIC(8) | u32 header length | header JSON
    | meta: zstd frame of JSON  (string table, problems, registry inputs, layout summary)
    | stamps: zstd frame of JSON  (directory mtimes, file sizes and mtimes)
    | tracking: zstd frame of JSON  (which files provide which objects; live reload only)
    | per table: zstd frame of its columns (JSON) | its objects' stored bytes (codec.py), concatenated
    | END

The header holds the format, the source path, the code's identity, the zstd
dictionary, the tables and each section's length and CRC-32. A foreign, stale, truncated
or corrupt image fails one of those checks and is ignored (and rewritten):
it is never served. Writes go to a temp file renamed into place.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import logging
import os
import stat
import struct
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import orjson
import zstandard

from ..kube import registry as regmod
from ..source import codec
from ..source.layout import Layout
from .indexcache import source_key
from .store import ClusterStore, Entry, Problem, ResourceObjects

log = logging.getLogger("staticapi.image")

MAGIC = b"SAPIIMG\x00"
FORMAT = 2
END = b"\xffEND"
_U32 = struct.Struct("<I")


def image_file(cache_dir: Path, source_dir: Path) -> Path:
    return Path(cache_dir) / "index" / f"{source_key(source_dir)}.v{FORMAT}.img"


@functools.lru_cache(maxsize=1)
def code_id() -> str:
    """Changes whenever this package's code does (an image built by other code is not used). Taken
    once: the code that runs is the code this process imported."""
    h = hashlib.blake2b(digest_size=12)
    pkg = Path(__file__).resolve().parents[1]  # the whole staticapi package
    for p in sorted(pkg.rglob("*")):
        if p.suffix in (".py", ".json", ".gz") and p.is_file():
            st = p.stat()
            h.update(f"{p.relative_to(pkg)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def stamps(layout: Layout) -> dict:
    """What a later start compares (unchanged()): every listed directory's mtime, every object
    file's and timestamp/version file's size and mtime."""
    return {"dirs": list(layout.dirs.items()),
            "files": [(f.rel, f.size, f.mtime_ns) for f in layout.files],
            "extra": [(rel, size, mt) for rel, (size, mt) in layout.extra_files.items()]}


def stamps_digest(layout: Layout) -> bytes:
    """A digest of stamps(layout) as save() writes them: load() tells by it that an image was built
    from a scan the caller no longer holds whole (cluster.load_store: the indexing child's)."""
    return hashlib.blake2b(orjson.dumps(stamps(layout)), digest_size=16).digest()


def unchanged(source: Path, st: dict) -> bool:
    """True when the tree still looks as stamped: one lstat per directory and file, no listing.

    A file added, removed or renamed changes its directory's mtime; a file
    rewritten changes its own size or mtime.
    """
    base = str(source).rstrip("/") + "/"
    lstat, isdir, isreg = os.lstat, stat.S_ISDIR, stat.S_ISREG
    try:
        for rel, mt in st["dirs"]:
            s = lstat(base + rel if rel else str(source))
            if s.st_mtime_ns != mt or not isdir(s.st_mode):
                return False
        for rel, size, mt in itertools.chain(st["files"], st["extra"]):
            s = lstat(base + rel)
            if s.st_mtime_ns != mt or s.st_size != size or not isreg(s.st_mode):
                return False
    except OSError:
        return False
    return True


# ------------------------------------------------------------------ save


class _StringTable(dict):
    """str -> its index, assigned on first sight (a C-level lookup for the ones already seen)."""

    def __missing__(self, s: str) -> int:
        i = self[s] = len(self)
        return i


def capture(store: ClusterStore) -> dict:
    """What save() writes, taken on the event loop (live reload changes the store there)."""
    lay = store.layout
    return {
        "tables": [(key, list(t.sorted())) for key, t in store.tables.items() if len(t)],
        "file_keys": {rel: list(keys) for rel, keys in store.file_keys.items()} if store.tracking else None,
        "generation": store.generation,
        "stamps": stamps(lay),
        "layout": {"roots": [str(r.relative_to(lay.source_dir)) for r in lay.roots],
                   "namespace_dirs": sorted(lay.namespace_dirs),
                   "collection_time": lay.collection_time.isoformat() if lay.collection_time else None,
                   "collection_source": lay.collection_source,
                   "version_text": lay.version_text},
    }


def save(path: Path, store: ClusterStore, snap: dict) -> bool:
    """Write the image of `store` (as captured by capture()); False when it could not be written."""
    strings = _StringTable()
    si = strings.__getitem__
    cctx = zstandard.ZstdCompressor(level=1, threads=-1)
    table_sections: list[bytes] = []
    tables = []
    for (group, plural), entries in snap["tables"]:
        raws = [e._raw for e in entries]
        if store.zdict is not None:
            raws = codec.compress_plain(raws, store.zdict)  # (compact() normally left none plain)
        cols = {
            "ns": [si(e.namespace) for e in entries],
            "name": [e.name for e in entries],
            "uid": [e.uid for e in entries],
            "rv": [e.rv for e in entries],
            "labels": [list(map(si, itertools.chain.from_iterable(e.labels.items()))) if e.labels else None
                       for e in entries],
            "version": [si(e.version) for e in entries],
            "kind": [si(e.kind) for e in entries],
            "rel": [si(e.rel) for e in entries],
            "conv": [1 if e.converted else 0 for e in entries],
            "len": [len(r) for r in raws],
        }
        tables.append([group, plural, len(entries)])
        table_sections += [cctx.compress(orjson.dumps(cols)), b"".join(raws)]
    meta = {
        "strings": list(strings),
        "problems": [[p.path, p.reason] for p in store.problems],
        "present": [[g, k, sorted(f["versions"]), f["namespaced"], f["plural_hint"]]
                    for (g, k), f in store.present.items()],
        "archive_crds": store.archive_crds,
        "openshift": store.openshift,
        "rv": store.rv,
        "files_read": store.files_read,
        "bytes_read": store.bytes_read,
        "collection_time": store.collection_time.isoformat() if store.collection_time else None,
        "collection_source": store.collection_source,
        "version_info": store.version_info,
        "generation": snap["generation"],
        "layout": snap["layout"],
    }
    # [[rel, [[[group, plural], ns, name], ...]], ...]: orjson writes the key tuples as they are
    tracking = list(snap["file_keys"].items()) if snap["file_keys"] is not None else None
    sections = [cctx.compress(orjson.dumps(meta)), cctx.compress(orjson.dumps(snap["stamps"])),
                cctx.compress(orjson.dumps(tracking)), *table_sections]
    del table_sections
    header = orjson.dumps({
        "format": FORMAT, "source": str(store.layout.source_dir), "code": code_id(),
        "dict": base64.b64encode(store.zdict.as_bytes()).decode() if store.zdict is not None else None,
        "sections": [[len(s), zlib.crc32(s)] for s in sections], "tables": tables,
        "tracking": tracking is not None,
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(MAGIC + _U32.pack(len(header)) + header)
            for s in sections:
                fh.write(s)
            fh.write(END)
        # no fsync: an image cut short by a crash fails its length or CRC check and is rebuilt
        os.replace(tmp, path)
    except OSError as e:
        log.warning("could not write store image %s: %s", path, e)
        try:
            tmp.unlink()
        except OSError:
            pass
        return False
    return True


# ------------------------------------------------------------------ load


class Unusable(ValueError):
    pass


def _read(path: Path, source: str) -> tuple[dict, list[bytes]]:
    with open(path, "rb") as fh:
        data = fh.read()
    if data[: len(MAGIC)] != MAGIC:
        raise Unusable("bad magic")
    mv = memoryview(data)
    (hlen,) = _U32.unpack_from(data, len(MAGIC))
    pos = len(MAGIC) + 4
    header = orjson.loads(mv[pos: pos + hlen])
    pos += hlen
    if header.get("format") != FORMAT or header.get("source") != source:
        raise Unusable("other format or source")
    if header.get("code") != code_id():
        raise Unusable("other code")
    sections = []
    for n, crc in header["sections"]:
        sec = mv[pos: pos + n]
        if len(sec) != n or zlib.crc32(sec) != crc:
            raise Unusable("truncated or corrupt")
        sections.append(sec)
        pos += n
    if data[pos:] != END:
        raise Unusable("no end marker")
    return header, sections


def load(path: Path, source: Path, *, name: str, track: bool, bundled_crds: list[dict],
         crd_record: Callable[[dict], dict | None] | None, layout: Layout | None = None,
         scan_digest: bytes | None = None) -> ClusterStore | None:
    """The store of the image of `source`, when its directories and files are unchanged; else None.

    Without `layout`, the layout comes from the image too (a warm start lists no directory). With
    it (the scan the image was just built from, cluster._index_in_child), the image's stamps must
    be that scan's (`scan_digest`: stamps_digest of the scan, when `layout` no longer holds its
    files): later changes are live reload's to follow, as after an in-process build.
    """
    source = Path(source)
    try:
        header, sections = _read(path, str(source))
        if track and not header.get("tracking"):
            raise Unusable("written without live reload's file tracking")
        dctx = zstandard.ZstdDecompressor()
        raw_stamps = dctx.decompress(sections[1])
        st = None
        if layout is not None:
            want = scan_digest if scan_digest is not None else stamps_digest(layout)
            if hashlib.blake2b(raw_stamps, digest_size=16).digest() != want:
                raise Unusable("not built from this scan")
            if track and not layout.files:  # live reload's catch-up compares with the scan's files
                layout.file_stamps = orjson.loads(raw_stamps)["files"]
        else:
            st = orjson.loads(raw_stamps)
            if not unchanged(source, st):
                raise Unusable("files changed")
        del raw_stamps
        meta = orjson.loads(dctx.decompress(sections[0]))
        if layout is None:
            lm = meta["layout"]
            ct = lm["collection_time"]
            layout = Layout(source_dir=source, roots=[source / r if r != "." else source for r in lm["roots"]],
                            namespace_dirs=set(lm["namespace_dirs"]),
                            collection_time=datetime.fromisoformat(ct) if ct else None,
                            collection_source=lm.get("collection_source"),
                            version_text=lm["version_text"])
            layout.file_stamps = st["files"]
        del st
        zdict = codec.register(base64.b64decode(header["dict"])) if header.get("dict") else None
        store = ClusterStore(name=name, layout=layout, tracking=track, bundled_crds=bundled_crds,
                             crd_record=crd_record)
        store.zdict = zdict
        store.problems = [Problem(p, r) for p, r in meta["problems"]]
        store.present = {(g, k): {"versions": set(vs), "namespaced": nsd, "plural_hint": hint}
                         for g, k, vs, nsd, hint in meta["present"]}
        store.archive_crds = meta["archive_crds"]
        store.openshift = meta["openshift"]
        store.registry = regmod.build_registry(store.present, store.archive_crds, store.bundled_crds,
                                               store.openshift)
        strings = meta["strings"]
        for i, (group, plural, n) in enumerate(header["tables"]):
            r = store.registry.resources.get((group, plural))
            if r is None:
                raise Unusable(f"no resource {group}/{plural}")
            # own copies: the file's bytes are freed once loaded, each table keeps only its part
            cols, blob = bytes(sections[3 + 2 * i]), bytes(sections[4 + 2 * i])
            store.tables[r.key] = ResourceObjects(r, functools.partial(_entries, cols, strings, blob), n)
        store.rv = meta["rv"]
        store.files_read = meta["files_read"]
        store.bytes_read = meta["bytes_read"]
        ct = meta["collection_time"]
        store.collection_time = datetime.fromisoformat(ct) if ct else None
        store.collection_source = meta.get("collection_source") or ""
        store.version_info = meta["version_info"]
        store.generation = meta["generation"]
        if track:
            store.tracking_loader = functools.partial(_load_tracking, ztracking=bytes(sections[2]))
    except FileNotFoundError:
        return None
    except (Unusable, ValueError, KeyError, TypeError, IndexError, OSError, struct.error, zstandard.ZstdError) as e:
        log.info("store image %s not used (%s)", path, e)
        return None
    return store


def _entries(zcols: bytes, strings: list[str], chunk: bytes) -> list[Entry]:
    """The entries of one table, in list order, from its image columns."""
    t = orjson.loads(zstandard.ZstdDecompressor().decompress(zcols))
    s_of = strings.__getitem__
    starts = list(itertools.accumulate(t["len"], initial=0))
    raws = [chunk[a:b] for a, b in zip(starts, starts[1:])]
    namespaces = list(map(s_of, t["ns"]))
    labels = [None if ls is None else dict(zip(map(s_of, ls[0::2]), map(s_of, ls[1::2]))) for ls in t["labels"]]
    return list(map(Entry, namespaces, t["name"], t["uid"], t["rv"], labels, raws, map(s_of, t["version"]),
                    map(s_of, t["kind"]), map(s_of, t["rel"]), map(bool, t["conv"])))


def _load_tracking(store: ClusterStore, ztracking: bytes) -> None:
    """Fill store.sources / store.file_keys (first live reload change only: nobody else needs them)."""
    tracking = orjson.loads(zstandard.ZstdDecompressor().decompress(ztracking)) or []
    for rel, keys in tracking:
        lst = store.file_keys.setdefault(rel, [])
        for (g, r), ns, name in keys:
            key = ((g, r), ns, name)
            lst.append(key)
            store.sources.setdefault(key, []).append(rel)
