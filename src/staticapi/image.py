"""A store image: the built store of one must-gather, persisted whole.

A second start of an unchanged must-gather loads this image instead of
parsing or merging anything: the scan's fingerprint of every object file
(path, size, mtime) and of this package's code must equal the image's, then
the store is rebuilt from columns in about a second (issue "Archives ...":
"a second start ... in under 5 % of the first"). When any file changed, the
per-file index cache (indexcache.py) still spares the unchanged files'
parsing.

After a cold start the server writes the image and then serves from a store
loaded back from it: the long-lived objects are then allocated together,
not interleaved with the parse's temporaries, which keeps the resident size
near what the store really holds (issue "Performance": RSS below the YAML).

Format (one file per source directory, in the cache dir):

    MAGIC(8) | u32 header length | header JSON
    | meta: zstd frame of JSON  (string table, each table's columns, problems, registry inputs)
    | blob: every object's stored bytes (zstd frames, codec.py), concatenated in table order
    | tracking: zstd frame of JSON  (which files provide which objects; live reload only)
    | END

The header holds the format, the source path, the fingerprint, the zstd
dictionary and each section's length and CRC-32. A foreign, stale, truncated
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
import struct
import zlib
from datetime import datetime
from pathlib import Path
from typing import Callable

import orjson
import zstandard

from . import codec, registry as regmod
from .layout import Layout
from .store import ClusterStore, Entry, Problem, ResourceObjects

log = logging.getLogger("staticapi.image")

MAGIC = b"SAPIIMG\x00"
FORMAT = 1
END = b"\xffEND"
_U32 = struct.Struct("<I")


def image_file(cache_dir: Path, source_dir: Path) -> Path:
    key = hashlib.sha256(str(Path(source_dir).resolve()).encode()).hexdigest()[:32]
    return Path(cache_dir) / "index" / f"{key}.v{FORMAT}.img"


def code_id() -> str:
    """Changes whenever this package's code does (an image built by other code is not used)."""
    h = hashlib.blake2b(digest_size=12)
    pkg = Path(__file__).parent
    for p in sorted(pkg.rglob("*")):
        if p.suffix in (".py", ".json", ".gz") and p.is_file():
            st = p.stat()
            h.update(f"{p.relative_to(pkg)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def fingerprint(layout: Layout) -> str:
    """Identity of what a scan saw: every object file's path, size and mtime, and the code."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}\0{layout.source_dir}\0{code_id()}\n".encode())
    h.update("\n".join(f"{f.rel}\0{f.size}\0{f.mtime_ns}" for f in layout.files).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


# ------------------------------------------------------------------ save


def capture(store: ClusterStore) -> dict:
    """What save() writes, taken on the event loop (live reload changes the store there)."""
    return {
        "tables": [(key, list(t.sorted())) for key, t in store.tables.items() if t.objects],
        "file_keys": {rel: list(keys) for rel, keys in store.file_keys.items()} if store.tracking else None,
        "generation": store.generation,
    }


def save(path: Path, fp: str, store: ClusterStore, snap: dict) -> bool:
    """Write the image of `store` (as captured by capture()); False when it could not be written."""
    strings: dict[str, int] = {}

    def si(s: str) -> int:
        i = strings.get(s)
        if i is None:
            i = strings[s] = len(strings)
        return i

    comp = (zstandard.ZstdCompressor(level=codec.LEVEL, dict_data=store.zdict, write_content_size=True)
            if store.zdict is not None else None)
    blobs: list[bytes] = []
    tables = []
    for (group, plural), entries in snap["tables"]:
        lens = []
        for e in entries:
            raw = e._raw
            if comp is not None and not codec.is_compressed(raw):
                z = comp.compress(raw)
                raw = z if len(z) < len(raw) else raw
            blobs.append(raw)
            lens.append(len(raw))
        tables.append({
            "key": [group, plural],
            "ns": [si(e.namespace) for e in entries],
            "name": [e.name for e in entries],
            "uid": [e.uid for e in entries],
            "rv": [e.rv for e in entries],
            "labels": [None if not e.labels else [si(x) for kv in e.labels.items() for x in kv] for e in entries],
            "version": [si(e.version) for e in entries],
            "kind": [si(e.kind) for e in entries],
            "rel": [si(e.rel) for e in entries],
            "conv": [1 if e.converted else 0 for e in entries],
            "len": lens,
        })
    meta = {
        "strings": list(strings),
        "tables": tables,
        "problems": [[p.path, p.reason] for p in store.problems],
        "present": [[g, k, sorted(f["versions"]), f["namespaced"], f["plural_hint"]]
                    for (g, k), f in store.present.items()],
        "archive_crds": store.archive_crds,
        "openshift": store.openshift,
        "rv": store.rv,
        "files_read": store.files_read,
        "bytes_read": store.bytes_read,
        "collection_time": store.collection_time.isoformat() if store.collection_time else None,
        "version_info": store.version_info,
        "generation": snap["generation"],
    }
    tracking = [[rel, [[g, r, ns, name] for (g, r), ns, name in keys]]
                for rel, keys in snap["file_keys"].items()] if snap["file_keys"] is not None else None
    cctx = zstandard.ZstdCompressor(level=3, threads=-1)
    sections = [cctx.compress(orjson.dumps(meta)), b"".join(blobs), cctx.compress(orjson.dumps(tracking))]
    del blobs
    header = orjson.dumps({
        "format": FORMAT, "source": str(store.layout.source_dir) if store.layout else "", "fingerprint": fp,
        "dict": base64.b64encode(store.zdict.as_bytes()).decode() if store.zdict is not None else None,
        "sections": [[len(s), zlib.crc32(s)] for s in sections],
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(MAGIC + _U32.pack(len(header)) + header)
            for s in sections:
                fh.write(s)
            fh.write(END)
            fh.flush()
            os.fsync(fh.fileno())
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


def _read(path: Path, fp: str, source: str) -> tuple[dict, list[bytes]]:
    with open(path, "rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            raise Unusable("bad magic")
        (hlen,) = _U32.unpack(fh.read(4))
        header = orjson.loads(fh.read(hlen))
        if header.get("format") != FORMAT or header.get("source") != source:
            raise Unusable("other format or source")
        if header.get("fingerprint") != fp:
            raise Unusable("files or code changed")
        sections = []
        for n, crc in header["sections"]:
            s = fh.read(n)
            if len(s) != n or zlib.crc32(s) != crc:
                raise Unusable("truncated or corrupt")
            sections.append(s)
        if fh.read() != END:
            raise Unusable("no end marker")
    return header, sections


def load(path: Path, fp: str, layout: Layout, *, name: str, track: bool,
         bundled_crds: list[dict], crd_record: Callable[[dict], dict | None] | None) -> ClusterStore | None:
    """The store of an image whose fingerprint is `fp`; None when there is none usable."""
    try:
        header, (zmeta, blob, ztracking) = _read(path, fp, str(layout.source_dir))
        dctx = zstandard.ZstdDecompressor()
        meta = orjson.loads(dctx.decompress(zmeta))
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
        pos = 0
        for t in meta["tables"]:
            r = store.registry.resources.get(tuple(t["key"]))
            if r is None:
                raise Unusable(f"no resource {t['key']}")
            size = sum(t["len"])
            chunk = blob[pos: pos + size]
            pos += size
            store.tables[r.key] = ResourceObjects(r, functools.partial(_entries, t, strings, chunk), len(t["name"]))
        del blob
        store.rv = meta["rv"]
        store.files_read = meta["files_read"]
        store.bytes_read = meta["bytes_read"]
        ct = meta["collection_time"]
        store.collection_time = datetime.fromisoformat(ct) if ct else None
        store.version_info = meta["version_info"]
        store.generation = meta["generation"]
        if track:
            store.tracking_loader = lambda s, z=ztracking: _load_tracking(s, z)
    except FileNotFoundError:
        return None
    except (Unusable, ValueError, KeyError, TypeError, IndexError, OSError, struct.error, zstandard.ZstdError) as e:
        log.warning("store image %s unusable (%s); rebuilding", path, e)
        return None
    return store


def _entries(t: dict, strings: list[str], chunk: bytes) -> list[Entry]:
    """The entries of one table, in list order, from its image columns."""
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
        for g, r, ns, name in keys:
            key = ((g, r), ns, name)
            lst.append(key)
            store.sources.setdefault(key, []).append(rel)
