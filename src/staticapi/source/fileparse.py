"""One object file -> its FileResult: read it safely, parse it (small files several at a time), make records."""

from __future__ import annotations

import os

from .layout import ObjectFile
from .parse import SMALL_FILE, ParseError, batchable, load_documents_json, load_single_documents
from .quickscan import quick_identity
from .records import FileResult, iter_objects, make_record

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_file(path: str, size: int) -> bytes:
    """The file's bytes (never following a symlink, never blocking on a fifo), in one read when
    it still has the size the scan saw (a buffered file object costs more than the read)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        chunks = []
        if 0 <= size < 1 << 30:  # (one read returns at most ~2 GiB)
            data = os.read(fd, size + 1)
            if len(data) == size:
                return data
            chunks.append(data)  # it changed since the scan: read to the end
        while chunk := os.read(fd, 1 << 24):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def process_file(f: ObjectFile, quick: bool = False, newest: bool = True) -> FileResult:
    """Parse one file; never raises for bad content.

    With `quick`, a per-object file with a List beside it (`f.twin`) that a
    metadata scan identifies is not parsed: its FileResult carries only
    `quick` (see resolve_quick). Without `newest`, the newest timestamp (the
    collection time of a must-gather without `timestamp` files) is not sought."""
    res, data = _read(f, quick)
    if data is not None:
        _parse_into(res, f, data, newest)
    return res


def process_files(files: list[ObjectFile], quick: bool = False, newest: bool = True) -> list[FileResult]:
    """process_file for each file, in order; small one-document files are parsed several at a time
    (parse.load_single_documents), each alone when their batch is in any doubt."""
    out: list[FileResult] = []
    batch: list[tuple[FileResult, ObjectFile, bytes, bytes]] = []
    for f in files:
        res, data = _read(f, quick)
        out.append(res)
        if data is None:
            continue
        body = batchable(data) if len(data) <= SMALL_FILE and f.path.endswith((".yaml", ".yml")) else None
        if body is None:
            _parse_into(res, f, data, newest)
            continue
        batch.append((res, f, data, body))
        if len(batch) >= _BATCH_FILES:
            _parse_batch(batch, newest)
            batch = []
    _parse_batch(batch, newest)
    return out


_BATCH_FILES = 32


def _parse_batch(batch: list[tuple[FileResult, ObjectFile, bytes, bytes]], newest: bool) -> None:
    docs = load_single_documents([body for _, _, _, body in batch]) if len(batch) > 1 else None
    for i, (res, f, data, _) in enumerate(batch):
        if docs is None:
            _parse_into(res, f, data, newest)
        else:
            _records_into(res, f, [docs[i]], newest)


def _read(f: ObjectFile, quick: bool) -> tuple[FileResult, bytes | None]:
    """The file's FileResult and bytes to parse; no bytes when nothing is left to do (unreadable,
    empty, or identified by the quick scan)."""
    res = FileResult(rel=f.rel)
    try:
        data = read_file(f.path, f.size)
    except OSError as e:
        res.problems.append(f"unreadable: {e.strerror or e}")
        return res, None
    if quick and f.twin and f.path.endswith((".yaml", ".yml")):
        ident = quick_identity(data)
        if ident is not None:
            res.quick = ident
            return res, None
    if not data or data.isspace():
        res.problems.append("empty file")
        return res, None
    return res, data


def _parse_into(res: FileResult, f: ObjectFile, data: bytes, newest: bool) -> None:
    try:
        docs = load_documents_json(data)
    except ParseError as e:
        res.problems.append(str(e))
        return
    except RecursionError:
        res.problems.append("nesting too deep")
        return
    if not docs:
        res.problems.append("no documents")
        return
    _records_into(res, f, docs, newest)


def _records_into(res: FileResult, f: ObjectFile, docs: list, newest: bool) -> None:
    for obj, from_list, raw in iter_objects(docs, res.problems):
        rec = make_record(obj, from_list, f, res, newest, raw)
        if rec is not None:
            res.records.append(rec)
