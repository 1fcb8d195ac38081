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

Layout: ``common`` (caps, result and problem types, member name and mode rules), ``streams``
(format sniffing, streaming decompression), ``extract`` (member writer and the state of one
materialize call), ``untar`` and ``unzip`` (one per archive format), ``cache`` (cache entries),
``url`` (downloads and artifact listings); here the entry points.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .cache import _materialize_archive
from .common import MAX_PROBLEMS, Materialized, Problem, Progress, SourceError, _Caps, _is_url, source_name
from .url import _materialize_url

__all__ = [
    "MAX_PROBLEMS",
    "Materialized",
    "Problem",
    "SourceError",
    "default_cache_dir",
    "materialize",
    "source_name",
]


def default_cache_dir() -> Path:
    """``$STATICAPI_CACHE_DIR``, else ``$XDG_CACHE_HOME/staticapi``, else ``~/.cache/staticapi``."""
    explicit = os.environ.get("STATICAPI_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec says relative values are ignored
        return Path(xdg) / "staticapi"
    return Path.home() / ".cache" / "staticapi"


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
