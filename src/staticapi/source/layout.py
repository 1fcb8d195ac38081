"""Find what a must-gather directory holds, from its paths alone.

A must-gather root is any directory with `cluster-scoped-resources/` or
`namespaces/` below it: the image dirs of `oc adm must-gather`
(`quay-io-...-sha256-<hex>/`), the output of `oc adm inspect`, or a bare
tree. Several roots in one source are merged by the store.

This module does no parsing: it walks the tree once, classifies object files
(with the group/resource/namespace their path implies, used only as hints and
in messages) and reads the small `timestamp` files. Logs are found by
`serve/logs/`; interval files by `insight/intervals/`.
"""

from __future__ import annotations

import os
import re
import stat
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT_MARKERS = ("cluster-scoped-resources", "namespaces")
OBJECT_SUFFIXES = (".yaml", ".yml", ".json")
MAX_ROOT_DEPTH = 5


@dataclass(slots=True)
class ObjectFile:
    """A file expected to hold objects (a single object, a List, or several documents)."""

    path: str  # absolute path (a str: pathlib costs more than parsing on warm starts)
    rel: str  # path relative to the source, for messages
    size: int
    mtime_ns: int
    group: str | None  # from the path: '' for core; None when the path says nothing
    resource: str | None
    namespace: str | None
    per_object: bool = False  # <group>/<resource>/<name>.yaml or pods/<pod>/<pod>.yaml
    twin: bool = False  # per_object, and a List of the same group/resource/namespace exists: likely its item's twin


@dataclass
class Layout:
    source_dir: Path
    roots: list[Path] = field(default_factory=list)
    files: list[ObjectFile] = field(default_factory=list)
    namespace_dirs: set[str] = field(default_factory=set)
    collection_time: datetime | None = None
    collection_source: str | None = None  # the `timestamp` file it came from (relative to source_dir)
    version_text: str | None = None
    # What a later start compares to tell that nothing changed (image.py): the mtime of every
    # directory listed (an added, removed or renamed entry changes it) and (size, mtime) of the
    # other files read (timestamp, version), by path relative to source_dir.
    dirs: dict[str, int] = field(default_factory=dict)
    extra_files: dict[str, tuple[int, int]] = field(default_factory=dict)
    # loaded from a store image instead of scanned: files is empty, this has [rel, size, mtime]
    file_stamps: list | None = None
    size_watch: _SizeWatch | None = field(default=None, repr=False, compare=False)  # during scan() only

    def __getstate__(self) -> dict:
        """Pickled for the indexing child (cluster.py): 40k+ ObjectFiles go as a few columns, several
        times faster to pickle and unpickle than one object each."""
        state = dict(self.__dict__, size_watch=None)
        files = state.pop("files")
        base = str(self.source_dir).rstrip("/") + "/"
        hints: dict[tuple, int] = {}
        state["_files"] = (
            "\0".join(f.rel for f in files),
            {i: f.path for i, f in enumerate(files) if f.path != base + f.rel},  # normally none
            array("q", [f.size for f in files]), array("q", [f.mtime_ns for f in files]),
            array("I", [hints.setdefault((f.group, f.resource, f.namespace), len(hints)) for f in files]),
            list(hints), bytes(f.per_object | f.twin << 1 for f in files),
        )
        return state

    def __setstate__(self, state: dict) -> None:
        rels, paths, sizes, mtimes, hint_of, hints, flags = state.pop("_files")
        self.__dict__.update(state)
        base = str(self.source_dir).rstrip("/") + "/"
        self.files = [ObjectFile(paths.get(i) or base + rel, rel, size, mtime, *hints[h], bool(flag & 1),
                                 bool(flag & 2))
                      for i, (rel, size, mtime, h, flag)
                      in enumerate(zip(rels.split("\0") if rels else [], sizes, mtimes, hint_of, flags))]

    def slim(self) -> None:
        """Keep only the summary (roots, namespaces, collection time, version): the file and directory
        records are dropped (the indexing child took them; cluster._index_in_child)."""
        self.files, self.dirs, self.extra_files, self.file_stamps = [], {}, {}, None

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def find_roots(source: Path, listed: dict[str, int] | None = None) -> list[Path]:
    """Every directory that directly holds `cluster-scoped-resources` or `namespaces`.

    Search is breadth-first and bounded in depth; a found root is not searched
    further (its own `namespaces/x/...` never holds another root). `listed`
    gets the mtime of every directory read.
    """
    roots: list[Path] = []
    frontier = [source]
    for _ in range(MAX_ROOT_DEPTH + 1):
        nxt: list[Path] = []
        for d in frontier:
            try:
                entries = sorted(os.scandir(d), key=lambda e: e.name)
                if listed is not None:
                    listed[str(d)] = os.lstat(d).st_mtime_ns
            except OSError:
                continue
            names = {e.name for e in entries if _is_dir(e)}
            if any(m in names for m in ROOT_MARKERS):
                roots.append(d)
                continue
            nxt.extend(Path(e.path) for e in entries if _is_dir(e) and not e.name.startswith("."))
        frontier = nxt
        if not frontier:
            break
    return roots


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        # Never follow symlinks: a must-gather from a stranger must not lead
        # us outside its tree.
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_object_name(name: str) -> bool:
    if name.endswith(OBJECT_SUFFIXES):
        return True
    # static-kas style: List files without an extension, e.g.
    # namespaces/openshift-network-operator/openshift-service-ca-operator
    return "." not in name


@dataclass
class _SizeWatch:
    """Calls `call` once, as soon as the object files scanned so far reach `threshold` bytes."""

    threshold: int
    call: Callable[[], None]
    seen: int = 0


def scan(source: Path, on_bytes: tuple[int, Callable[[], None]] | None = None) -> Layout:
    """Walk `source` and classify its object files. `on_bytes` = (threshold, call): `call()` runs
    during the walk once the object files found reach `threshold` bytes (to start work a large
    must-gather will need while the walk goes on)."""
    source = source.resolve()
    layout = Layout(source_dir=source)
    if on_bytes is not None:
        layout.size_watch = _SizeWatch(*on_bytes)
    listed: dict[str, int] = {}
    layout.roots = find_roots(source, listed)
    times: list[tuple[datetime, Path]] = []
    for root in layout.roots:
        t = read_timestamp(root)
        if t:
            times.append((t, root / "timestamp"))
        for extra in (root / "timestamp", root / "version"):
            try:
                st = extra.lstat()
                layout.extra_files[str(extra)] = (st.st_size, st.st_mtime_ns)
            except OSError:
                pass
        v = root / "version"
        if layout.version_text is None and v.is_file() and not v.is_symlink():
            try:
                layout.version_text = v.read_text(errors="replace")[:4096].strip() or None
            except OSError:
                pass
        _scan_root(root, source, layout, listed)
    if not times:
        for parent in {r.parent for r in layout.roots} | {source}:
            t = read_timestamp(parent)
            if t:
                times.append((t, parent / "timestamp"))
    if times:
        t, p = max(times)
        layout.collection_time, layout.collection_source = t, str(p.relative_to(source)) if p.is_relative_to(
            source) else str(p)
    for parent in {r.parent for r in layout.roots} | {source}:
        try:
            st = (parent / "timestamp").lstat()
            layout.extra_files[str(parent / "timestamp")] = (st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    cut = len(str(source).rstrip("/")) + 1
    layout.dirs = {p[cut:] if len(p) >= cut else "": m for p, m in sorted(listed.items())}
    layout.extra_files = {p[cut:]: st for p, st in sorted(layout.extra_files.items())}
    layout.size_watch = None
    layout.files.sort(key=lambda f: f.rel)
    lists = {(f.group, f.resource, f.namespace) for f in layout.files if not f.per_object}
    for f in layout.files:
        if f.per_object and (f.group, f.resource, f.namespace) in lists:
            f.twin = True
    return layout


def classify(parts: tuple[str, ...]) -> tuple | None:
    """Path parts below a root -> (group hint, resource hint, namespace[, per_object]), or None
    when not an object file.

    The single place that knows the must-gather layout (see the module docstring).
    """
    if len(parts) < 2:
        return None
    name = parts[-1]
    if parts[0] == "cluster-scoped-resources":
        if not name.endswith(OBJECT_SUFFIXES):
            return None
        d = parts[1:-1]
        if len(d) == 1:  # <group>/<resource>.yaml  (a List)
            return _core(d[0]), _stem(name), None
        if len(d) == 2:  # <group>/<resource>/<name>.yaml
            return _core(d[0]), d[1], None, True
        return None, None, None
    if parts[0] != "namespaces" or len(parts) < 3:
        return None
    ns, d = parts[1], parts[2:-1]
    if d and d[0] == "pods":
        # pods/<pod>/<pod>.yaml; everything deeper is logs
        if len(d) == 2 and name.endswith(OBJECT_SUFFIXES) and _stem(name) == d[1]:
            return "", "pods", ns, True
        return None
    if len(d) >= 2 and d[0] == "core" and d[1] == "pods" and len(d) >= 3 and d[2] == "logs":
        return None  # HyperShift-dump logs
    if not _is_object_name(name):
        return None
    if not d:  # namespaces/<ns>/<ns>.yaml or an extension-less List
        return ("", "namespaces", ns) if _stem(name) == ns else (None, None, ns)
    if len(d) == 1:  # namespaces/<ns>/<group>/<resource>.yaml
        return _core(d[0]), _stem(name), ns
    if len(d) == 2:  # namespaces/<ns>/<group>/<resource>/<name>.yaml
        return _core(d[0]), d[1], ns, True
    return None, None, ns


def _core(group: str) -> str:
    return "" if group == "core" else group


def _scan_root(root: Path, source: Path, layout: Layout, listed: dict[str, int]) -> None:
    src = str(source)
    for top in ROOT_MARKERS:
        base = root / top
        if not base.is_dir() or base.is_symlink():
            continue
        _scan_dir(str(base), (top,), src, layout, listed)


def namespace_dirs(layout: Layout) -> set[str]:
    """The namespace directories under the layout's roots now (what scan() records as it walks:
    ``<root>/namespaces/<ns>/``, not through a symlink): live reload follows directories moved in
    and out."""
    out: set[str] = set()
    for root in layout.roots:
        try:
            with os.scandir(os.path.join(root, "namespaces")) as it:
                out.update(e.name for e in it if e.is_dir(follow_symlinks=False))
        except OSError:
            continue
    return out


def _scan_dir(d: str, parts: tuple[str, ...], src: str, layout: Layout, listed: dict[str, int]) -> None:
    """Walk with os.scandir (no symlink is followed, regular files only), classifying files."""
    try:
        with os.scandir(d) as it:
            entries = list(it)  # order does not matter: scan() sorts the files by path
        listed[d] = os.lstat(d).st_mtime_ns
    except OSError:
        return
    if parts[0] == "namespaces" and len(parts) == 2:
        layout.namespace_dirs.add(parts[1])
    cut = len(src.rstrip("/")) + 1  # e.path is src + "/" + rel (scandir joins the names it was given)
    found = 0
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                # container log directories below namespaces/<ns>/pods/<pod>/ hold no objects
                if not (parts[0] == "namespaces" and len(parts) >= 4 and parts[2] == "pods"):
                    _scan_dir(e.path, parts + (e.name,), src, layout, listed)
                continue
            if not e.is_file(follow_symlinks=False):
                continue  # symlinks, fifos, devices are never read
            c = classify(parts + (e.name,))
            if c is None:
                continue
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        group, resource, ns = c[0], c[1], c[2]
        layout.files.append(ObjectFile(path=e.path, rel=e.path[cut:], size=st.st_size,
                                       mtime_ns=st.st_mtime_ns, group=group, resource=resource, namespace=ns,
                                       per_object=len(c) > 3 and c[3]))
        found += st.st_size
    watch = layout.size_watch
    if watch is not None and found:
        watch.seen += found
        if watch.seen >= watch.threshold:
            layout.size_watch = None
            watch.call()


def object_file(path: Path, layout: Layout) -> ObjectFile | None:
    """Classify one file of an already scanned source (live reload)."""
    for root in layout.roots:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            continue
        c = classify(parts)
        if c is None:
            return None
        return _object_file(path, layout.source_dir, *c)
    return None


def _stem(name: str) -> str:
    for suf in OBJECT_SUFFIXES:
        if name.endswith(suf):
            return name[: -len(suf)]
    return name


def _object_file(path: Path, source: Path, group, resource, ns, per_object=False) -> ObjectFile | None:
    try:
        st = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None  # symlinks, fifos, devices are never read
    return ObjectFile(path=str(path), rel=str(path.relative_to(source)), size=st.st_size, mtime_ns=st.st_mtime_ns,
                      group=group, resource=resource, namespace=ns, per_object=per_object)


# Go's time.Time.String(): "2025-02-24 10:13:07.409767748 +0100 CET m=+2.570579986"
_TS_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))? ([+-]\d{2})(\d{2})"
)


def parse_go_time(text: str) -> datetime | None:
    m = _TS_RE.search(text)
    if not m:
        return None
    date, clock, frac, tzh, tzm = m.groups()
    frac = (frac or "0")[:6].ljust(6, "0")
    try:
        base = datetime.strptime(f"{date} {clock}", "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    sign = -1 if tzh.startswith("-") else 1
    offset = timedelta(hours=abs(int(tzh)), minutes=int(tzm)) * sign
    return (base.replace(microsecond=int(frac), tzinfo=timezone(offset))).astimezone(timezone.utc)


def read_timestamp(d: Path) -> datetime | None:
    """The latest time in a must-gather `timestamp` file (start and end lines)."""
    p = d / "timestamp"
    try:
        if not p.is_file() or p.is_symlink():
            return None
        text = p.read_text(errors="replace")[:4096]
    except OSError:
        return None
    times = [t for t in (parse_go_time(line) for line in text.splitlines()) if t]
    return max(times) if times else None
