"""Writing an archive's members under one root, safely: the state shared by every (nested)
archive of one materialize call, and the per-archive member writer the tar and zip readers feed."""

from __future__ import annotations

import errno
import lzma
import os
import posixpath
import stat
import tarfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .common import (
    _ARCHIVE_SUFFIXES,
    _COPY_CHUNK,
    _PROGRESS_STEP,
    MAX_NESTING,
    MAX_PROBLEMS,
    Problem,
    Progress,
    _BadMember,
    _Caps,
    _clean_path,
    _data_mode,
    _fix_utf8,
    _Stop,
    _strip_archive_suffix,
    _Truncated,
    _ZipMemberError,
)
from .streams import _sniff, zstandard

# --------------------------------------------------------------------------- extraction


#: A format reader (``untar.unpack_tar``, ``unzip.unpack_zip``): writes the members of one
#: archive through the extractor.  ``cache.READERS`` maps the sniffed format to its reader and
#: is handed to ``_Context``, so the readers import this module and not the other way round.
Reader = Callable[["_Extractor", "Path | IO[bytes]", "str | None", "Callable[[int], None] | None"], None]


@dataclass
class _Link:
    root: str  # realpath of the extraction root the link must stay in
    path: str  # absolute path of the link
    target: str
    label: str  # for reporting
    alive: bool = True  # False when a later member of the same name replaced it


class _Context:
    """State shared by every (nested) archive of one materialize call."""

    def __init__(self, caps: _Caps, progress: Progress | None, total_raw: int,
                 readers: Mapping[str, Reader]) -> None:
        self.readers = readers
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
    def run(self, archive: Path | IO[bytes], kind: tuple[str, str | None], tree: Path) -> None:
        try:
            self.unpack(archive, kind, tree, label="", depth=1, top=True)
        except _Stop as e:
            self.truncated = True
            self.problem("", f"unpacking stopped: {e}")
        self.make_links()
        if self.progress is not None:
            self.progress("unpack", self.raw_done, self.total_raw)

    def unpack(self, archive: Path | IO[bytes], kind: tuple[str, str | None], root: Path, *,
               label: str, depth: int, top: bool = False) -> None:
        ex = _Extractor(self, root, label)
        on_raw = self.on_raw if top else None
        fmt, comp = kind
        self.readers[fmt](ex, archive, comp, on_raw)
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

    # -- helpers
    def archive_label(self) -> str:
        """How the archive itself is named in a Problem: "" for the source archive."""
        return self.label[:-2] if self.label.endswith("!/") else self.label

    def where(self, name: str) -> str:
        return self.label + name

    def _abs(self, rel: str) -> str:
        return self.root_str + "/" + rel

    def _admit(self, raw_name: str, kind: str) -> str | None:
        """Checks and bookkeeping common to every member; returns the rel path or None."""
        name, replaced = _fix_utf8(raw_name)
        if replaced:
            self.ctx.problem(self.where(name), "name is not valid UTF-8; bad bytes replaced by U+FFFD")
        rel, reason = _clean_path(name)
        if rel is None:
            if reason:
                self.ctx.problem(self.where(name), reason)
            return None
        prev = self.seen.get(rel)
        if prev is not None and not (prev == "dir" and kind == "dir"):
            self.ctx.problem(self.where(rel), "duplicate member; the last one wins")
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
            self.ctx.problem(self.where(rel), "refused: a directory of that name exists")
            return False
        if kind == "dir":
            self.ctx.problem(self.where(rel), "directory refused: a file of that name exists")
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
            self.ctx.problem(self.where(rel), f"directory not created: {e.strerror or e}")
            return
        self.seen[rel] = "dir"

    def add_file(self, raw_name: str, src: IO[bytes], mode: int, mtime: float | None,
                 *, check: Callable[[int], None] | None = None,
                 expect_size: int | None = None) -> str | None:
        """Copy SRC into the tree.  Returns the rel path written (also when truncated)."""
        rel = self._admit(raw_name, "file")
        if rel is None:
            return None
        where = self.where(rel)
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
            self.drop(rel)
            raise
        except (_BadMember, _ZipMemberError) as e:
            self.drop(rel)
            raise _BadMember(f"member dropped: {e}") from None
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                self.drop(rel)
                raise _Stop(f"disk full: {e.strerror}") from None
            self.drop(rel)
            raise _BadMember(f"file not written: {e.strerror or e}") from None
        except Exception as e:  # noqa: BLE001 - truncated/corrupt stream (incl. zstandard.ZstdError)
            if not isinstance(e, (_Truncated, EOFError, tarfile.TarError, zlib.error, lzma.LZMAError)) and not (
                zstandard is not None and isinstance(e, zstandard.ZstdError)
            ):
                self.drop(rel)
                raise
            # Keep what was read of a truncated stream.
            self.truncated = True
            if written == 0:
                self.drop(rel)
                self.ctx.problem(where, f"lost: the archive ends before its data ({e})")
            else:
                self.ctx.problem(where, f"truncated after {written} bytes: {e}")
                self._note_regular(rel)
            raise _Truncated(str(e)) from None
        assert ok
        if expect_size is not None and written != expect_size:
            self.drop(rel)
            raise _BadMember(f"size {written} differs from the declared {expect_size}")
        self._note_regular(rel)
        return rel

    def _note_regular(self, rel: str) -> None:
        self.ctx.regular_files += 1
        if rel.lower().endswith(_ARCHIVE_SUFFIXES):
            self.candidates.append(rel)

    def drop(self, rel: str) -> None:
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
        where = self.where(rel)
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
        where = self.where(rel)
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
