"""Turn a SOURCE argument (directory, archive file or URL) into a local directory, safely.

Why this module exists: must-gathers travel as archives (``must-gather.tar.gz`` from a
support case, ``must-gather.tar`` in a CI job's artifacts, a ``.zip`` holding a tar, ...)
and those archives come from clusters and people we do not control.  Everything after
this module only ever reads a plain directory, so this is the one place that has to be
hostile-input safe:

* nothing is ever written outside ``cache_dir`` and the original archive is never changed;
* member names are checked with the rules of CPython's ``tarfile.data_filter``
  (Lib/tarfile.py ``_get_filtered_attrs``), applied by hand to tar *and* zip members:
  absolute paths and ``..`` are refused, links may not point outside the unpacked tree,
  device files and fifos are refused, permission bits are reduced the way the data filter
  reduces them (no setuid/setgid/sticky, no group/other write, exec only if the owner
  had exec, owner always has read+write), ownership is ignored;
* total size, file count and compression ratio are capped (zip bombs, tar bombs);
* truncated gzip/xz/zstd/bzip2/zip streams keep what was read and are reported.

Symlinks are created only after every regular file of every (nested) archive has been
written, so no write can ever go through a symlink taken from an archive; each created
symlink is then resolved with ``os.path.realpath`` (as the data filter does) and removed
again if it leads outside the tree of the archive it came from.  That check is repeated
until nothing changes, because removing one link can change how another one resolves.

Unpacked trees are cached under ``cache_dir/<sha256 of the source identity>/tree``; the
unpacking happens in a temporary directory inside ``cache_dir`` that is renamed into place
when complete (the rename carries a ``complete.json`` marker with the problems found), so
a second start reuses the tree and a crashed start leaves no half tree behind.

URLs (``http``/``https``) are downloaded into ``cache_dir/downloads/<key>.part`` (resumed
with a Range request when the server supports it) and renamed when complete.  A URL that
returns HTML is treated as a CI artifacts directory listing (gcsweb style) and searched,
breadth first and on the same host only, for ``must-gather.tar(.gz)`` or
``hypershift-dump.tar(.gz)``.
"""

from __future__ import annotations

import bz2
import errno
import hashlib
import heapq
import io
import json
import lzma
import os
import posixpath
import re
import secrets
import shutil
import stat
import struct
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

try:  # a declared dependency, but keep the module importable without it
    import zstandard
except ImportError:  # pragma: no cover
    zstandard = None  # type: ignore[assignment]

__all__ = [
    "Materialized",
    "Problem",
    "SourceError",
    "default_cache_dir",
    "materialize",
    "source_name",
]

Progress = Callable[[str, int, "int | None"], None]

#: Bump when the unpacking rules change, so old cache entries are not reused.
CACHE_FORMAT = 1
#: How many archive levels are unpacked: the source archive is level 1.
MAX_NESTING = 3
#: The compression ratio cap only applies once this much has been decompressed, so that
#: small, very compressible files (a YAML full of spaces) are never refused.
RATIO_GRACE_BYTES = 1 << 20
#: At most this many problems are listed; the rest are counted in a last Problem.
MAX_PROBLEMS = 1000
#: Longest symlink target read from a zip member.
MAX_ZIP_LINK = 4096
#: Bounds for following an HTML artifacts listing.
MAX_LISTING_REQUESTS = 100
MAX_LISTING_BYTES = 8 << 20
HTTP_TIMEOUT = 60.0

_CHUNK = 1 << 20
_COPY_CHUNK = 64 << 10  # small, so a truncated tar member keeps most of what was read
_RAW_CHUNK = 64 << 10
_ZSTD_PIECE = 2048  # zstandard's decompressobj has no max_length: feed it small pieces
_PROGRESS_STEP = 4 << 20

_ARCHIVE_SUFFIXES = (
    ".tar.gz", ".tar.xz", ".tar.zst", ".tar.zstd", ".tar.bz2",
    ".tgz", ".txz", ".tzst", ".tbz2", ".tbz", ".tar", ".zip",
)
_LISTING_TARGETS = (
    "must-gather.tar", "must-gather.tar.gz", "must-gather.tgz",
    "hypershift-dump.tar", "hypershift-dump.tar.gz", "hypershift-dump.tgz",
)
_GENERIC_URL_SEGMENTS = {"artifacts", "index.html", "gather-must-gather", "gcs"}

_MAGIC = {
    "gz": b"\x1f\x8b",
    "xz": b"\xfd7zXZ\x00",
    "zst": b"\x28\xb5\x2f\xfd",
    "bz2": b"BZh",
}


# --------------------------------------------------------------------------- public types


@dataclass
class Problem:
    """A member or file that was refused or skipped, reported by its path in the archive."""

    path: str
    reason: str


@dataclass
class Materialized:
    path: Path
    source: str
    name: str
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False
    from_archive: bool = False


class SourceError(Exception):
    """The source cannot be used at all; the message is one line for the CLI."""


def default_cache_dir() -> Path:
    """``$STATICAPI_CACHE_DIR``, else ``$XDG_CACHE_HOME/staticapi``, else ``~/.cache/staticapi``."""
    explicit = os.environ.get("STATICAPI_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec says relative values are ignored
        return Path(xdg) / "staticapi"
    return Path.home() / ".cache" / "staticapi"


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _strip_archive_suffix(base: str) -> str:
    low = base.lower()
    for suffix in _ARCHIVE_SUFFIXES:
        if low.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return base


def source_name(source: str) -> str:
    """A short human name for kubeconfig contexts.

    ``/x/must-gather.tar.gz`` -> ``must-gather``; ``/x/resourcewatch-okd-sno/`` ->
    ``resourcewatch-okd-sno``; ``https://host/.../1234/artifacts/`` -> ``1234``.
    """
    if _is_url(source):
        parts = urllib.parse.urlsplit(source)
        segs = [urllib.parse.unquote(s) for s in parts.path.split("/") if s]
        while len(segs) > 1 and segs[-1].lower() in _GENERIC_URL_SEGMENTS:
            segs.pop()
        base = segs[-1] if segs else (parts.hostname or "")
    else:
        p = Path(source).expanduser()
        base = p.name
        if not base or base in (".", ".."):
            base = p.resolve().name
    base = _strip_archive_suffix(base)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.")
    return name or "snapshot"


# --------------------------------------------------------------------------- materialize


@dataclass(frozen=True)
class _Caps:
    max_total_bytes: int
    max_files: int
    max_ratio: int


def materialize(
    source: str,
    cache_dir: Path,
    *,
    progress: Progress | None = None,
    max_total_bytes: int = 64 << 30,
    max_files: int = 2_000_000,
    max_ratio: int = 200,
) -> Materialized:
    """Return a local directory for SOURCE (a directory, an archive file or a URL).

    ``progress(phase, done, total)`` is called with phase ``"download"`` (bytes) and
    ``"unpack"`` (compressed bytes read of the source archive).
    """
    caps = _Caps(int(max_total_bytes), int(max_files), int(max_ratio))
    cache_dir = Path(cache_dir).expanduser()
    if _is_url(source):
        return _materialize_url(source, cache_dir, caps, progress)
    p = Path(source).expanduser()
    try:
        st = p.stat()
    except FileNotFoundError:
        raise SourceError(f"{source}: no such file or directory") from None
    except OSError as e:
        raise SourceError(f"{source}: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        return Materialized(
            path=p.resolve(), source=source, name=source_name(source),
            problems=[], truncated=False, from_archive=False,
        )
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(f"{source}: not a directory or a regular file")
    identity = f"file:{p.resolve()}:{st.st_size}:{st.st_mtime_ns}"
    return _materialize_archive(p, identity, source, source_name(source), cache_dir, caps, progress)


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
    caps: _Caps, progress: Progress | None,
) -> Materialized:
    key = _cache_key(identity, caps)
    entry = cache_dir / key
    hit = _load_entry(entry, source, name)
    if hit is not None:
        return hit
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
        ctx = _Context(caps, progress, archive.stat().st_size)
        ctx.run(archive, kind, tree)
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


# --------------------------------------------------------------------------- format detection


def _tar_header_ok(block: bytes) -> bool:
    """A tar header block: ``ustar`` magic, or (v7 tars) a valid header checksum."""
    if len(block) < 512:
        return False
    if block[257:262] == b"ustar":
        return True
    if not any(block):
        return False
    try:
        stored = int(block[148:156].replace(b"\x00", b" ").strip() or b"-1", 8)
    except ValueError:
        return False
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    return stored == unsigned


def _sniff(path: Path) -> tuple[str, str | None] | None:
    """('tar', compression or None), ('zip', None) or None, from magic bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
            if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
                return ("zip", None)
            for comp, magic in _MAGIC.items():
                if head.startswith(magic):
                    if comp == "zst" and zstandard is None:
                        return None
                    f.seek(0)
                    reader = _DecompressReader(f, comp, max_ratio=0)
                    try:
                        inner = _read_exact(reader, 512)
                    except Exception:  # noqa: BLE001 - truncated/corrupt: sniff what came out
                        inner = reader.head
                    if _tar_header_ok(inner):
                        return ("tar", comp)
                    if not inner and path.name.lower().endswith(_ARCHIVE_SUFFIXES):
                        # Truncated before the first block was complete (bzip2 blocks are
                        # up to 900 kB): trust the name; unpacking will report it.
                        return ("tar", comp)
                    return None
            if _tar_header_ok(head):
                return ("tar", None)
        if path.name.lower().endswith(".zip") and zipfile.is_zipfile(path):
            return ("zip", None)  # e.g. a self-extracting prefix before the zip
    except OSError:
        return None
    return None


def _read_exact(reader: _DecompressReader, n: int) -> bytes:
    out = bytearray()
    while len(out) < n:
        chunk = reader.read(n - len(out))
        if not chunk:
            break
        out += chunk
    return bytes(out)


# --------------------------------------------------------------------------- streams


class _Stop(Exception):
    """A cap was reached: stop unpacking everything."""


class _Truncated(Exception):
    """The compressed stream ended before its end-of-stream marker."""


class _DecompressReader(io.RawIOBase):
    """A streaming decompressor over a raw file that notices truncation and bombs.

    Uses the incremental decompressors with a bounded output per step, so a bomb never
    inflates more than a few MiB at once; counts compressed input against decompressed
    output for the ratio cap; raises ``_Truncated`` if the input ends inside a stream.
    Concatenated streams (multi-member gzip, several xz/zstd frames) are read through;
    trailing non-stream bytes (padding) are ignored, as gzip(1) does.
    """

    def __init__(self, raw: IO[bytes], comp: str, *, max_ratio: int,
                 on_raw: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self._raw = raw
        self._comp = comp
        self._max_ratio = max_ratio
        self._on_raw = on_raw
        self._dec = self._new()
        self._pending = b""
        self._more = False
        self._out = b""
        self._pos = 0
        self._done = False
        self.consumed = 0
        self.produced = 0
        self.head = b""  # the first bytes produced, for sniffing a truncated stream

    def _new(self):  # type: ignore[no-untyped-def]
        if self._comp == "gz":
            return zlib.decompressobj(wbits=31)
        if self._comp == "xz":
            return lzma.LZMADecompressor()
        if self._comp == "bz2":
            return bz2.BZ2Decompressor()
        assert zstandard is not None
        return zstandard.ZstdDecompressor().decompressobj()

    def readable(self) -> bool:
        return True

    def _read_raw(self) -> bytes:
        data = self._raw.read(_RAW_CHUNK)
        self.consumed += len(data)
        if self._on_raw is not None and data:
            self._on_raw(len(data))
        return data

    def _feed(self, data: bytes) -> bytes:
        d = self._dec
        if self._comp == "gz":
            out = d.decompress(data, _CHUNK)
            self._pending = d.unconsumed_tail
            self._more = len(out) >= _CHUNK
        elif self._comp in ("xz", "bz2"):
            out = d.decompress(data, _CHUNK)
            self._pending = b""
            self._more = not d.eof and not d.needs_input
        else:
            piece, self._pending = data[:_ZSTD_PIECE], data[_ZSTD_PIECE:]
            out = d.decompress(piece)
            self._more = False
        return out

    def _produce(self) -> bytes:
        while True:
            d = self._dec
            if d.eof:
                rest = d.unused_data + self._pending
                self._pending = b""
                if not rest:
                    rest = self._read_raw()
                if rest.startswith(_MAGIC[self._comp]):
                    self._dec = self._new()
                    self._pending = rest
                    self._more = False
                    continue
                self._done = True
                return b""
            if self._more or self._pending:
                data = self._pending
            else:
                data = self._read_raw()
                if not data:
                    raise _Truncated(f"{self._comp} stream ended before its end marker")
            out = self._feed(data)
            if out:
                self.produced += len(out)
                if (
                    self._max_ratio > 0
                    and self.produced > RATIO_GRACE_BYTES
                    and self.produced > self._max_ratio * max(self.consumed, 1)
                ):
                    raise _Stop(
                        f"compression ratio above {self._max_ratio}:1 "
                        f"({self.produced} bytes from {self.consumed}); looks like a bomb"
                    )
                if len(self.head) < 512:
                    self.head += out[: 512 - len(self.head)]
                return out

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        if n is None or n < 0:
            chunks = []
            while True:
                c = self.read(_CHUNK)
                if not c:
                    return b"".join(chunks)
                chunks.append(c)
        if self._pos >= len(self._out):
            if self._done:
                return b""
            self._out, self._pos = self._produce(), 0
        data = self._out[self._pos:self._pos + n]
        self._pos += len(data)
        return data

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


class _CountingReader(io.RawIOBase):
    def __init__(self, raw: IO[bytes], on_raw: Callable[[int], None] | None) -> None:
        super().__init__()
        self._raw = raw
        self._on_raw = on_raw

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        data = self._raw.read(n)
        if self._on_raw is not None and data:
            self._on_raw(len(data))
        return data

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


# --------------------------------------------------------------------------- names and modes


def _fix_utf8(name: str) -> tuple[str, bool]:
    """Names that are not valid UTF-8 (surrogateescape'd bytes) get U+FFFD instead."""
    try:
        name.encode("utf-8")
        return name, False
    except UnicodeEncodeError:
        pass
    try:
        raw = name.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "replace"), True
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in name), True


def _clean_path(name: str) -> tuple[str | None, str | None]:
    """(relative path, None), (None, reason) if refused, or (None, None) for the root.

    Stricter than ``tarfile.data_filter`` on two points, on purpose: a leading ``/``
    is refused rather than stripped, and any ``..`` component is refused even when the
    normalised path would stay inside.
    """
    if "\x00" in name:
        return None, "NUL byte in name"
    if name.startswith("/"):
        return None, "absolute path refused"
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None, "path with '..' refused"
    if not parts:
        return None, None
    return "/".join(parts), None


def _data_mode(mode: int) -> int:
    """Permission bits as tarfile.data_filter leaves them for a regular file.

    Lib/tarfile.py ``_get_filtered_attrs``: strip high bits (setuid, setgid, sticky) and
    group/other write; clear all exec bits unless the owner may execute; owner rw always.
    """
    mode &= 0o755
    if not mode & 0o100:
        mode &= ~0o111
    return mode | 0o600


# --------------------------------------------------------------------------- extraction


@dataclass
class _Link:
    root: str  # realpath of the extraction root the link must stay in
    path: str  # absolute path of the link
    target: str
    label: str  # for reporting
    alive: bool = True  # False when a later member of the same name replaced it


class _Context:
    """State shared by every (nested) archive of one materialize call."""

    def __init__(self, caps: _Caps, progress: Progress | None, total_raw: int) -> None:
        self.caps = caps
        self.progress = progress
        self.total_raw = total_raw
        self.raw_done = 0
        self._next_progress = 0
        self.files = 0
        self.bytes = 0
        self.regular_files = 0
        self.truncated = False
        self.problems: list[Problem] = []
        self.more_problems = 0
        self.links: list[_Link] = []

    # -- bookkeeping
    def problem(self, path: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(path, reason))
        else:
            self.more_problems += 1

    def final_problems(self) -> list[Problem]:
        out = list(self.problems)
        if self.more_problems:
            out.append(Problem("", f"{self.more_problems} more problems not listed"))
        return out

    def on_raw(self, n: int) -> None:
        self.raw_done += n
        if self.progress is not None and self.raw_done >= self._next_progress:
            self._next_progress = self.raw_done + _PROGRESS_STEP
            self.progress("unpack", self.raw_done, self.total_raw)

    def count_file(self) -> None:
        if self.files >= self.caps.max_files:
            raise _Stop(f"file count limit {self.caps.max_files} reached")
        self.files += 1

    def count_bytes(self, n: int) -> None:
        if self.bytes + n > self.caps.max_total_bytes:
            raise _Stop(f"total size limit {self.caps.max_total_bytes} bytes reached")
        self.bytes += n

    # -- driver
    def run(self, archive: Path, kind: tuple[str, str | None], tree: Path) -> None:
        try:
            self.unpack(archive, kind, tree, label="", depth=1, top=True)
        except _Stop as e:
            self.truncated = True
            self.problem("", f"unpacking stopped: {e}")
        self.make_links()
        if self.progress is not None:
            self.progress("unpack", self.raw_done, self.total_raw)

    def unpack(self, archive: Path, kind: tuple[str, str | None], root: Path, *,
               label: str, depth: int, top: bool = False) -> None:
        ex = _Extractor(self, root, label)
        on_raw = self.on_raw if top else None
        fmt, comp = kind
        if fmt == "zip":
            ex.unpack_zip(archive, on_raw)
        else:
            ex.unpack_tar(archive, comp, on_raw)
        self.unpack_nested(ex, depth)

    def unpack_nested(self, ex: _Extractor, depth: int) -> None:
        for rel in sorted(ex.candidates):
            path = Path(ex.root_str) / rel
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    continue
            except OSError:
                continue
            kind = _sniff(path)
            if kind is None:
                continue
            where = ex.label + rel
            if depth >= MAX_NESTING:
                self.problem(where, f"nested archive deeper than {MAX_NESTING} levels left as is")
                continue
            base = _strip_archive_suffix(path.name)
            dest = path.with_name(base if base != path.name else base + ".unpacked")
            if os.path.lexists(dest):
                dest = path.with_name(path.name + ".unpacked")
                if os.path.lexists(dest):
                    self.problem(where, "nested archive left as is: its unpack dir exists")
                    continue
            os.mkdir(dest)
            try:
                self.unpack(path, kind, dest, label=where + "!/", depth=depth + 1)
            finally:
                # The unpacked dir replaces the inner archive (it is our own cache copy).
                try:
                    os.unlink(path)
                except OSError:
                    pass

    # -- symlinks, last of all
    def make_links(self) -> None:
        made: list[_Link] = []
        for link in self.links:
            if not link.alive:
                continue
            try:
                os.symlink(link.target, link.path)
            except FileExistsError:
                self.problem(link.label, "symlink not created: a file or directory has that name")
                continue
            except OSError as e:
                self.problem(link.label, f"symlink not created: {e.strerror or e}")
                continue
            made.append(link)
        # tarfile.data_filter resolves link targets with os.path.realpath; do the same on
        # the finished tree, until stable (removing one link changes how others resolve).
        # Judge every link on the same tree state, then remove the bad ones together.
        while made:
            bad = []
            for link in made:
                real = os.path.realpath(link.path)
                if not (real == link.root or real.startswith(link.root + os.sep)):
                    bad.append(link)
            if not bad:
                break
            for link in bad:
                os.unlink(link.path)
                self.problem(link.label, f"symlink to {link.target!r} leads outside the tree; removed")
            made = [link for link in made if link not in bad]


class _Extractor:
    """Writes the members of one archive under one root directory."""

    def __init__(self, ctx: _Context, root: Path, label: str) -> None:
        self.ctx = ctx
        self.root_str = os.path.realpath(root)
        self.label = label
        self.seen: dict[str, str] = {}  # rel path -> 'file' | 'dir' | 'link' | 'hardlink'
        self.pending_links: dict[str, _Link] = {}
        self.dirs: set[str] = set()
        self.candidates: list[str] = []
        self.truncated = False
        self._zip_base_bytes = 0

    # -- helpers
    def _archive_label(self) -> str:
        """How the archive itself is named in a Problem: "" for the source archive."""
        return self.label[:-2] if self.label.endswith("!/") else self.label

    def _where(self, name: str) -> str:
        return self.label + name

    def _abs(self, rel: str) -> str:
        return self.root_str + "/" + rel

    def _admit(self, raw_name: str, kind: str) -> str | None:
        """Checks and bookkeeping common to every member; returns the rel path or None."""
        name, replaced = _fix_utf8(raw_name)
        if replaced:
            self.ctx.problem(self._where(name), "name is not valid UTF-8; bad bytes replaced by U+FFFD")
        rel, reason = _clean_path(name)
        if rel is None:
            if reason:
                self.ctx.problem(self._where(name), reason)
            return None
        prev = self.seen.get(rel)
        if prev is not None and not (prev == "dir" and kind == "dir"):
            self.ctx.problem(self._where(rel), "duplicate member; the last one wins")
        return rel

    def _parent(self, rel: str) -> None:
        parent = rel.rpartition("/")[0]
        if parent and parent not in self.dirs:
            os.makedirs(self._abs(parent), exist_ok=True)
            p = parent
            while p and p not in self.dirs:
                self.dirs.add(p)
                p = p.rpartition("/")[0]

    def _make_room(self, rel: str, kind: str) -> bool:
        """Last one wins: remove an earlier file/link of that name; keep directories."""
        old = self.pending_links.pop(rel, None)
        if old is not None:
            old.alive = False
            return True
        if rel not in self.seen and rel not in self.dirs:
            return True  # the tree started empty: nothing of ours has that name
        path = self._abs(rel)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return True
        if stat.S_ISDIR(st.st_mode):
            if kind == "dir":
                return True
            self.ctx.problem(self._where(rel), "refused: a directory of that name exists")
            return False
        if kind == "dir":
            self.ctx.problem(self._where(rel), "directory refused: a file of that name exists")
            return False
        os.unlink(path)
        return True

    # -- member kinds
    def add_dir(self, raw_name: str, mtime: float | None = None) -> None:
        rel = self._admit(raw_name, "dir")
        if rel is None:
            return
        try:
            self._parent(rel)
            if not self._make_room(rel, "dir"):
                return
            if rel not in self.dirs:
                self.ctx.count_file()
                os.makedirs(self._abs(rel), exist_ok=True)
                self.dirs.add(rel)
        except OSError as e:
            self.ctx.problem(self._where(rel), f"directory not created: {e.strerror or e}")
            return
        self.seen[rel] = "dir"

    def add_file(self, raw_name: str, src: IO[bytes], mode: int, mtime: float | None,
                 *, check: Callable[[int], None] | None = None,
                 expect_size: int | None = None) -> str | None:
        """Copy SRC into the tree.  Returns the rel path written (also when truncated)."""
        rel = self._admit(raw_name, "file")
        if rel is None:
            return None
        where = self._where(rel)
        try:
            self._parent(rel)
            if not self._make_room(rel, "file"):
                return None
            self.ctx.count_file()
            fd = os.open(self._abs(rel),
                         os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as e:
            self.ctx.problem(where, f"file not created: {e.strerror or e}")
            return None
        self.seen[rel] = "file"
        written = 0
        ok = False
        try:
            with open(fd, "wb", closefd=True) as out:
                while True:
                    chunk = src.read(_COPY_CHUNK)
                    if not chunk:
                        break
                    self.ctx.count_bytes(len(chunk))
                    written += len(chunk)
                    if check is not None:
                        check(written)
                    out.write(chunk)
                os.fchmod(out.fileno(), _data_mode(mode))
                if mtime is not None:
                    try:
                        os.utime(out.fileno(), (mtime, mtime))
                    except (OSError, OverflowError, ValueError):
                        pass
            ok = True
        except _Stop:
            self._drop(rel)
            raise
        except (_BadMember, _ZipMemberError) as e:
            self._drop(rel)
            raise _BadMember(f"member dropped: {e}") from None
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                self._drop(rel)
                raise _Stop(f"disk full: {e.strerror}") from None
            self._drop(rel)
            raise _BadMember(f"file not written: {e.strerror or e}") from None
        except Exception as e:  # noqa: BLE001 - truncated/corrupt stream (incl. zstandard.ZstdError)
            if not isinstance(e, (_Truncated, EOFError, tarfile.TarError, zlib.error, lzma.LZMAError)) and not (
                zstandard is not None and isinstance(e, zstandard.ZstdError)
            ):
                self._drop(rel)
                raise
            # Keep what was read of a truncated stream.
            self.truncated = True
            if written == 0:
                self._drop(rel)
                self.ctx.problem(where, f"lost: the archive ends before its data ({e})")
            else:
                self.ctx.problem(where, f"truncated after {written} bytes: {e}")
                self._note_regular(rel)
            raise _Truncated(str(e)) from None
        assert ok
        if expect_size is not None and written != expect_size:
            self._drop(rel)
            raise _BadMember(f"size {written} differs from the declared {expect_size}")
        self._note_regular(rel)
        return rel

    def _note_regular(self, rel: str) -> None:
        self.ctx.regular_files += 1
        if rel.lower().endswith(_ARCHIVE_SUFFIXES):
            self.candidates.append(rel)

    def _drop(self, rel: str) -> None:
        try:
            os.unlink(self._abs(rel))
        except OSError:
            pass
        self.seen.pop(rel, None)

    def add_symlink(self, raw_name: str, raw_target: str) -> None:
        rel = self._admit(raw_name, "link")
        if rel is None:
            return
        target, replaced = _fix_utf8(raw_target)
        where = self._where(rel)
        if replaced:
            self.ctx.problem(where, "link target is not valid UTF-8; bad bytes replaced")
        if not target or "\x00" in target:
            self.ctx.problem(where, "symlink with an empty or invalid target refused")
            return
        if os.path.isabs(target):
            self.ctx.problem(where, f"symlink to absolute path {target!r} refused")
            return
        # First cheap check on the names (the realpath check after creation is the real one).
        lexical = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
        if lexical == ".." or lexical.startswith("../"):
            self.ctx.problem(where, f"symlink to {target!r} leads outside the tree; refused")
            return
        try:
            self._parent(rel)
            if not self._make_room(rel, "link"):
                return
            self.ctx.count_file()
        except OSError as e:
            self.ctx.problem(where, f"symlink not created: {e.strerror or e}")
            return
        self.seen[rel] = "link"
        link = _Link(self.root_str, self._abs(rel), target, where)
        self.pending_links[rel] = link
        self.ctx.links.append(link)

    def add_hardlink(self, raw_name: str, raw_target: str) -> None:
        rel = self._admit(raw_name, "hardlink")
        if rel is None:
            return
        where = self._where(rel)
        target, _ = _fix_utf8(raw_target)
        trel, reason = _clean_path(target)
        if trel is None:
            self.ctx.problem(where, f"hard link to {target!r} refused: {reason or 'empty target'}")
            return
        if trel in self.pending_links or self.seen.get(trel) == "link":
            self.ctx.problem(where, f"hard link to symlink {target!r} refused")
            return
        try:
            st = os.lstat(self._abs(trel))
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode) or self.seen.get(trel) != "file":
            self.ctx.problem(where, f"hard link target {target!r} is not a file of this archive")
            return
        try:
            self._parent(rel)
            if not self._make_room(rel, "file"):
                return
            self.ctx.count_file()
            os.link(self._abs(trel), self._abs(rel), follow_symlinks=False)
        except OSError as e:
            self.ctx.problem(where, f"hard link not created: {e.strerror or e}")
            return
        self.seen[rel] = "file"
        self._note_regular(rel)

    # -- tar
    def unpack_tar(self, archive: Path, comp: str | None, on_raw: Callable[[int], None] | None) -> None:
        with open(archive, "rb") as raw:
            stream: io.RawIOBase
            if comp is None:
                stream = _CountingReader(raw, on_raw)
            else:
                stream = _DecompressReader(raw, comp, max_ratio=self.ctx.caps.max_ratio, on_raw=on_raw)
            try:
                tf = tarfile.open(fileobj=stream, mode="r|", errors="surrogateescape")
            except (tarfile.TarError, _Truncated, EOFError, zlib.error, lzma.LZMAError, OSError) as e:
                self.ctx.problem(self._archive_label(), f"unreadable tar: {e}")
                self.ctx.truncated = True
                return
            except _Stop:
                raise
            except Exception as e:  # zstandard.ZstdError
                self.ctx.problem(self._archive_label(), f"unreadable tar: {e}")
                self.ctx.truncated = True
                return
            try:
                self._tar_members(tf)
            except _Truncated as e:
                self.ctx.truncated = True
                if not self.truncated:
                    self.ctx.problem(self._archive_label(), f"archive truncated: {e}")
            except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError) as e:
                self.ctx.truncated = True
                self.ctx.problem(self._archive_label(), f"archive truncated or corrupt: {e}")
            except _Stop:
                raise
            except OSError as e:
                self.ctx.truncated = True
                self.ctx.problem(self._archive_label(), f"archive unreadable: {e}")
            except Exception as e:  # noqa: BLE001 - zstandard.ZstdError has no common base
                if zstandard is not None and isinstance(e, zstandard.ZstdError):
                    self.ctx.truncated = True
                    self.ctx.problem(self._archive_label(), f"archive corrupt: {e}")
                else:
                    raise

    def _tar_members(self, tf: tarfile.TarFile) -> None:
        while True:
            try:
                m = tf.next()
            except (tarfile.ReadError, EOFError) as e:
                raise _Truncated(f"{e}") from None
            if m is None:
                return
            name = m.name
            if m.isdir():
                self.add_dir(name, m.mtime)
            elif m.isreg():
                f = tf.extractfile(m)
                assert f is not None
                try:
                    self.add_file(name, f, m.mode, m.mtime)
                except _BadMember as e:
                    self.ctx.problem(self._where(_fix_utf8(name)[0]), str(e))
            elif m.issym():
                self.add_symlink(name, m.linkname)
            elif m.islnk():
                self.add_hardlink(name, m.linkname)
            else:
                fixed, _ = _fix_utf8(name)
                kind = {tarfile.CHRTYPE: "character device", tarfile.BLKTYPE: "block device",
                        tarfile.FIFOTYPE: "fifo"}.get(m.type, f"special member type {m.type!r}")
                self.ctx.problem(self._where(fixed), f"{kind} refused")

    # -- zip
    def unpack_zip(self, archive: Path, on_raw: Callable[[int], None] | None) -> None:
        size = max(os.path.getsize(archive), 1)
        try:
            zf = zipfile.ZipFile(archive)
        except (zipfile.BadZipFile, UnicodeDecodeError, EOFError, OSError, ValueError,
                NotImplementedError) as e:
            # No usable central directory (truncated zip) or a name zipfile cannot decode:
            # read the local file headers front to back instead.
            if isinstance(e, UnicodeDecodeError):
                self.ctx.problem(self._archive_label(),
                                 "central directory has names that are not UTF-8; read local headers")
            self._walk_zip(archive, size, on_raw)
            return
        self._zip_base_bytes = self.ctx.bytes
        with zf:
            for info in zf.infolist():
                try:
                    self._zip_member(zf, info, size)
                except _BadMember as e:
                    self.ctx.problem(self._where(_fix_utf8(self._zip_name(info))[0]), str(e))
                except _Truncated:
                    self.ctx.truncated = True
                if on_raw is not None:
                    on_raw(info.compress_size)

    @staticmethod
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

    def _zip_member(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive_size: int) -> None:
        name = self._zip_name(info)
        unix = info.external_attr >> 16 if info.create_system == 3 else 0
        ftype = stat.S_IFMT(unix)
        mtime = _zip_mtime(info.date_time)
        if name.endswith("/") or ftype == stat.S_IFDIR:
            self.add_dir(name, mtime)
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
            self.add_symlink(name, target.decode("utf-8", "surrogateescape"))
            return
        if ftype not in (0, stat.S_IFREG):
            kind = {stat.S_IFCHR: "character device", stat.S_IFBLK: "block device",
                    stat.S_IFIFO: "fifo", stat.S_IFSOCK: "socket"}.get(ftype, "special file")
            raise _BadMember(f"{kind} refused")
        mode = (unix & 0o7777) if unix else 0o644
        caps = self.ctx.caps
        csize = max(info.compress_size, 1)
        archive_base = self._zip_base_bytes

        def check(written: int) -> None:
            if caps.max_ratio > 0:
                if written > RATIO_GRACE_BYTES and written > caps.max_ratio * csize:
                    raise _Stop(f"compression ratio above {caps.max_ratio}:1 in {self._where(name)}; "
                                "looks like a zip bomb")
                so_far = self.ctx.bytes - archive_base
                if so_far > RATIO_GRACE_BYTES and so_far > caps.max_ratio * archive_size:
                    raise _Stop(f"compression ratio above {caps.max_ratio}:1 for the whole zip; "
                                "looks like a zip bomb")

        try:
            src = zf.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
                zlib.error, ValueError) as e:
            raise _BadMember(f"member unreadable: {e}") from None
        with src:
            self.add_file(name, _ZipGuard(src), mode, mtime, check=check,
                          expect_size=info.file_size)

    def _walk_zip(self, archive: Path, size: int, on_raw: Callable[[int], None] | None) -> None:
        """Read a zip by its local headers, for a zip without a usable central directory."""
        self._zip_base_bytes = self.ctx.bytes
        with open(archive, "rb") as f:
            while True:
                pos = f.tell()
                sig = f.read(4)
                if sig in (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06"):
                    return  # reached the central directory: the members are all read
                if sig != b"PK\x03\x04":
                    self.ctx.truncated = True
                    self.ctx.problem(self._archive_label(),
                                     f"zip ends without a central directory at byte {pos}"
                                     if len(sig) < 4 else f"zip corrupt at byte {pos}")
                    return
                hdr = f.read(26)
                if len(hdr) < 26:
                    self._zip_truncated(archive, pos)
                    return
                (_ver, flags, method, mtime_t, mdate, crc, csize, usize, nlen, xlen) = struct.unpack(
                    "<HHHHHIIIHH", hdr)
                raw_name = f.read(nlen)
                extra = f.read(xlen)
                if len(raw_name) < nlen or len(extra) < xlen:
                    self._zip_truncated(archive, pos)
                    return
                if csize == 0xFFFFFFFF or usize == 0xFFFFFFFF:
                    usize, csize = _zip64_sizes(extra, usize, csize)
                name = raw_name.decode("utf-8", "surrogateescape")  # _admit reports bad bytes
                where = self._where(_fix_utf8(name)[0])
                mtime = _zip_mtime(_dos_datetime(mdate, mtime_t))
                data_start = f.tell()
                if on_raw is not None:
                    on_raw(data_start - pos)
                descriptor = bool(flags & 0x08)
                if flags & 0x01:
                    self.ctx.problem(where, "encrypted member skipped")
                    if descriptor:
                        self.ctx.problem(self._archive_label(), "cannot skip an encrypted member "
                                         "without a central directory; stopped")
                        self.ctx.truncated = True
                        return
                    f.seek(data_start + csize)
                    continue
                if name.endswith("/"):
                    self.add_dir(name, mtime)
                    f.seek(data_start + csize)
                    continue
                if descriptor and method != 8:
                    self.ctx.problem(where, "member with a data descriptor and no deflate cannot be "
                                     "read without the central directory; stopped")
                    self.ctx.truncated = True
                    return
                if method not in (0, 8, 12):
                    self.ctx.problem(where, f"compression method {method} not supported; skipped")
                    f.seek(data_start + csize)
                    continue
                reader = _LocalZipReader(f, method, None if descriptor else csize)
                caps = self.ctx.caps
                base = self._zip_base_bytes

                def check(written: int, _cs: int = max(csize, 1), _d: bool = descriptor,
                          _caps=caps, _base: int = base) -> None:
                    if _caps.max_ratio <= 0:
                        return
                    if not _d and written > RATIO_GRACE_BYTES and written > _caps.max_ratio * _cs:
                        raise _Stop(f"compression ratio above {_caps.max_ratio}:1; looks like a zip bomb")
                    so_far = self.ctx.bytes - _base
                    if so_far > RATIO_GRACE_BYTES and so_far > _caps.max_ratio * size:
                        raise _Stop(f"compression ratio above {_caps.max_ratio}:1 for the whole zip; "
                                    "looks like a zip bomb")

                try:
                    rel = self.add_file(name, reader, 0o644, mtime, check=check,
                                        expect_size=None if descriptor else usize)
                except _Truncated:
                    self.ctx.truncated = True
                    return
                except _BadMember as e:
                    self.ctx.problem(where, str(e))
                    rel = None
                if rel is not None and not descriptor and reader.crc != crc:
                    self._drop(rel)
                    self.ctx.regular_files -= 1
                    if rel in self.candidates:
                        self.candidates.remove(rel)
                    self.ctx.problem(where, "CRC-32 mismatch; member dropped")
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

    def _zip_truncated(self, archive: Path, pos: int) -> None:
        self.ctx.truncated = True
        self.ctx.problem(self._archive_label(), f"zip truncated inside a local header at byte {pos}")


class _BadMember(Exception):
    """One member refused (reported); the archive goes on."""


class _ZipMemberError(Exception):
    pass


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


# --------------------------------------------------------------------------- URLs


def _open_url(url: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    req = urllib.request.Request(url, headers={"User-Agent": "staticapi", **(headers or {})})
    try:
        return urllib.request.urlopen(req, timeout=HTTP_TIMEOUT)  # noqa: S310 - http(s) only
    except urllib.error.HTTPError as e:
        raise SourceError(f"{url}: HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise SourceError(f"{url}: download failed: {reason}") from None


def _is_html(resp, head: bytes) -> bool:  # type: ignore[no-untyped-def]
    ctype = (resp.headers.get_content_type() or "").lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return True
    h = head.lstrip()[:64].lower()
    return h.startswith((b"<!doctype html", b"<html"))


def _materialize_url(source: str, cache_dir: Path, caps: _Caps, progress: Progress | None) -> Materialized:
    problems: list[Problem] = []
    url = source
    resp = _open_url(url)
    try:
        head = resp.read(512)
        if _is_html(resp, head):
            body = head + resp.read(MAX_LISTING_BYTES)
            resp.close()
            found = _search_listing(resp.geturl() or url, body)
            if not found:
                raise SourceError(
                    f"{source}: an HTML page with no {', '.join(_LISTING_TARGETS[:2])} or "
                    f"{_LISTING_TARGETS[3]} link under it"
                )
            url = found[0]
            problems.extend(Problem(u, "another archive in the listing, not used") for u in found[1:])
            resp = _open_url(url)
            head = resp.read(512)
        result = _fetch_and_unpack(url, resp, head, source, cache_dir, caps, progress)
    finally:
        resp.close()
    result.problems = problems + result.problems
    return result


def _fetch_and_unpack(url: str, resp, head: bytes, source: str, cache_dir: Path,  # type: ignore[no-untyped-def]
                      caps: _Caps, progress: Progress | None) -> Materialized:
    final_url = resp.geturl() or url
    etag = resp.headers.get("ETag") or ""
    modified = resp.headers.get("Last-Modified") or ""
    length = resp.headers.get("Content-Length") or ""
    identity = f"url:{url}:{etag}:{modified}:{length}"
    key = _cache_key(identity, caps)
    name = source_name(source)
    hit = _load_entry(cache_dir / key, source, name)
    if hit is not None:
        return hit
    downloads = cache_dir / "downloads"
    try:
        downloads.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SourceError(f"cannot create cache dir {downloads}: {e.strerror or e}") from None
    part = downloads / f"{key}.part"
    done = downloads / f"{key}.archive"
    if not done.exists():
        _download(final_url, resp, head, part, caps.max_total_bytes, progress,
                  validator=etag or modified, total=int(length) if length.isdigit() else None)
        os.rename(part, done)
    result = _materialize_archive(done, identity, source, name, cache_dir, caps, progress)
    try:
        done.unlink()  # the unpacked tree is cached; the download is not needed again
    except OSError:
        pass
    return result


def _download(url: str, resp, head: bytes, part: Path, limit: int,  # type: ignore[no-untyped-def]
              progress: Progress | None, *, validator: str, total: int | None) -> None:
    have = part.stat().st_size if part.exists() else 0
    mode = "wb"
    if have and validator:
        # Resume: If-Range makes the server send the whole file (200) if it changed.
        resp2 = _open_url(url, {"Range": f"bytes={have}-", "If-Range": validator})
        if resp2.status == 206:
            resp.close()
            resp, head, mode = resp2, b"", "ab"
        else:
            resp2.close()
            have = 0
    else:
        have = 0
    done = have
    with open(part, mode) as out:
        chunk = head
        while True:
            if chunk:
                done += len(chunk)
                if done > limit:
                    raise SourceError(f"{url}: download larger than the limit of {limit} bytes")
                out.write(chunk)
                if progress is not None:
                    progress("download", done, total)
            try:
                chunk = resp.read(_CHUNK)
            except (OSError, urllib.error.URLError) as e:
                raise SourceError(f"{url}: download interrupted after {done} bytes: {e}") from None
            if not chunk:
                break
    if total is not None and done < total:
        raise SourceError(f"{url}: download ended after {done} of {total} bytes (kept for resume)")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for k, v in attrs:
                if k == "href" and v:
                    self.hrefs.append(v)


def _links(body: bytes) -> list[str]:
    p = _Links()
    try:
        p.feed(body.decode("utf-8", "replace"))
        p.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient; never fail on a bad page
        pass
    return p.hrefs


def _mirrors(file_path: str, page_path: str) -> bool:
    """A file link on another host that names the listed directory (gcsweb style).

    gcsweb (kubernetes/test-infra gcsweb/cmd/gcsweb/gcsweb.go, ``Record.Render``) links
    directories as ``/gcs/<bucket>/<path>/`` on its own host but files as
    ``https://storage.googleapis.com/<bucket>/<path>/<name>``: accept such a file when its
    directory (at least bucket and one more segment) ends the listing page's path.
    """
    dir_segs = [s for s in posixpath.dirname(file_path).split("/") if s]
    page_segs = [s for s in page_path.split("/") if s]
    return len(dir_segs) >= 2 and page_segs[-len(dir_segs):] == dir_segs


def _search_listing(start_url: str, body: bytes) -> list[str]:
    """Breadth-first search of an artifacts listing for must-gather / hypershift-dump tars.

    Pages are loaded from the same host only, only below the start URL, at most
    MAX_LISTING_REQUESTS of them; directories whose name mentions gather or dump are
    visited first.  The archive link itself may point to a storage host (see _mirrors).
    """
    start = urllib.parse.urlsplit(start_url)
    prefix = start.path if start.path.endswith("/") else posixpath.dirname(start.path) + "/"
    seen = {start_url}
    heap: list[tuple[int, int, int, str]] = []
    order = 0
    requests = 0
    page: tuple[str, bytes] | None = (start_url, body)
    depth = 0
    while page is not None:
        url, html = page
        found: list[str] = []
        for href in _links(html):
            absu = urllib.parse.urljoin(url, href)
            absu = urllib.parse.urldefrag(absu)[0]
            u = urllib.parse.urlsplit(absu)
            if u.scheme not in ("http", "https") or absu in seen:
                continue
            seen.add(absu)
            base = posixpath.basename(u.path)
            if base in _LISTING_TARGETS:
                same = u.netloc == start.netloc and u.path.startswith(prefix)
                if same or _mirrors(u.path, urllib.parse.urlsplit(url).path):
                    found.append(absu)
                continue
            if u.netloc != start.netloc or not u.path.startswith(prefix):
                continue
            if u.path.endswith("/"):
                low = u.path[len(prefix):].lower()
                preferred = 0 if ("gather" in low or "dump" in low) else 1
                order += 1
                heapq.heappush(heap, (preferred, depth + 1, order, absu))
        if found:
            found.sort(key=lambda s: (posixpath.basename(urllib.parse.urlsplit(s).path) not in
                                      ("must-gather.tar", "must-gather.tar.gz"), s))
            return found
        page = None
        while heap and requests < MAX_LISTING_REQUESTS:
            _, depth, _, nxt = heapq.heappop(heap)
            requests += 1
            try:
                r = _open_url(nxt)
            except SourceError:
                continue
            try:
                head = r.read(512)
                if not _is_html(r, head):
                    continue
                page = (r.geturl() or nxt, head + r.read(MAX_LISTING_BYTES))
            except OSError:
                continue
            finally:
                r.close()
            break
    return []

