"""What every part of the unpacking shares: the caps, the result and problem types, the
exceptions that stop or skip, and the member name and mode rules of ``tarfile.data_filter``."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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


#: Bounds for following an HTML artifacts listing.
MAX_LISTING_REQUESTS = 100
MAX_LISTING_BYTES = 8 << 20
HTTP_TIMEOUT = 60.0

_CHUNK = 1 << 20
_COPY_CHUNK = 64 << 10  # small, so a truncated tar member keeps most of what was read
_RAW_CHUNK = 64 << 10


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


# --------------------------------------------------------------------------- streams


class _Stop(Exception):
    """A cap was reached: stop unpacking everything."""


class _Truncated(Exception):
    """The compressed stream ended before its end-of-stream marker."""


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


class _BadMember(Exception):
    """One member refused (reported); the archive goes on."""


class _ZipMemberError(Exception):
    """zipfile failed while reading a member's data (bad CRC, short data): the member is dropped."""
