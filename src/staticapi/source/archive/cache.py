"""Unpacked trees in the cache dir: one entry per source identity and caps, unpacked in a
temporary directory and renamed into place with a ``complete.json`` marker."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import IO

from .common import CACHE_FORMAT, Materialized, Problem, Progress, SourceError, _Caps
from .extract import Reader, _Context
from .streams import _sniff
from .untar import unpack_tar
from .unzip import unpack_zip

#: The reader of each format _sniff reports.
READERS: dict[str, Reader] = {"tar": unpack_tar, "zip": unpack_zip}


def _cache_key(identity: str, caps: _Caps) -> str:
    blob = json.dumps(
        {"format": CACHE_FORMAT, "identity": identity, "caps": asdict(caps)}, sort_keys=True
    )
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


def _load_entry(entry: Path, source: str, name: str) -> Materialized | None:
    marker = entry / "complete.json"
    try:
        data = json.loads(marker.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("format") != CACHE_FORMAT or not (entry / "tree").is_dir():
        return None
    return Materialized(
        path=entry / "tree", source=source, name=name,
        problems=[Problem(p["path"], p["reason"]) for p in data.get("problems", [])],
        truncated=bool(data.get("truncated")), from_archive=True,
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(cache_dir: Path) -> None:
    """Remove temp dirs left behind by dead processes (the pid is part of the name)."""
    try:
        names = os.listdir(cache_dir)
    except OSError:
        return
    for n in names:
        if not n.startswith((".tmp-", ".trash-")):
            continue
        m = re.match(r"\.(?:tmp|trash)-[0-9a-f]+-(\d+)-", n)
        if m and _pid_alive(int(m.group(1))):
            continue  # still at work (or our own)
        shutil.rmtree(cache_dir / n, ignore_errors=True)


def _materialize_archive(
    archive: Path, identity: str, source: str, name: str, cache_dir: Path,
    caps: _Caps, progress: Progress | None, *, stream: IO[bytes] | None = None,
    kind: tuple[str, str | None] | None = None, size: int | None = None,
) -> Materialized:
    """Unpack ARCHIVE into its cache entry; with ``stream`` (and its ``kind`` and ``size``), unpack
    that stream instead: a download as it arrives (url.py), ARCHIVE then names where it goes."""
    key = _cache_key(identity, caps)
    entry = cache_dir / key
    hit = _load_entry(entry, source, name)
    if hit is not None:
        return hit
    if kind is None:
        kind = _sniff(archive)
    if kind is None:
        raise SourceError(
            f"{source}: not a supported archive (tar, tar.gz, tar.xz, tar.zst, tar.bz2, zip) "
            "or directory"
        )
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SourceError(f"cannot create cache dir {cache_dir}: {e.strerror or e}") from None
    _clean_stale(cache_dir)
    tag = f"{key[:16]}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp = cache_dir / f".tmp-{tag}"
    tree = tmp / "tree"
    tree.mkdir(parents=True)
    try:
        ctx = _Context(caps, progress, size if size is not None else archive.stat().st_size, READERS)
        ctx.run(stream if stream is not None else archive, kind, tree)
        if ctx.regular_files == 0:
            first = "; ".join(f"{p.path}: {p.reason}" for p in ctx.problems[:3])
            raise SourceError(f"{source}: nothing usable in the archive" + (f" ({first})" if first else ""))
        problems = ctx.final_problems()
        marker = {
            "format": CACHE_FORMAT, "source": source, "identity": identity,
            "truncated": ctx.truncated, "problems": [asdict(p) for p in problems],
            "files": ctx.files, "bytes": ctx.bytes,
        }
        (tmp / "complete.json").write_text(json.dumps(marker, indent=1), "utf-8")
        if entry.exists() and _load_entry(entry, source, name) is None:
            # A broken entry (no marker): move it aside before taking its place.
            trash = cache_dir / f".trash-{tag}"
            try:
                os.rename(entry, trash)
            except OSError:
                pass
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.rename(tmp, entry)
        except OSError as e:
            if e.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            # Another process finished first: use its tree.
            hit = _load_entry(entry, source, name)
            if hit is None:
                raise SourceError(f"{source}: cache entry {entry} is in the way") from None
            shutil.rmtree(tmp, ignore_errors=True)
            return hit
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Materialized(
        path=entry / "tree", source=source, name=name, problems=problems,
        truncated=ctx.truncated, from_archive=True,
    )
