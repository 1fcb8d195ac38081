"""Where a container's log files are: :class:`LogIndex` and :func:`resolve_log_files`.

Finds the files for (namespace, pod, container, previous) under any number of
must-gather roots.  Paths only ever come from directory listings, never from
request input, so traversal is impossible.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from .options import LogOptions, previous_not_found, select_container

_ROTATED_RE = re.compile(r"(\d+)\.log\.(\d{8}-\d{6})(\.gz)?\Z")


def _scan(d: Path) -> dict[str, os.DirEntry]:
    # Never through a symlink: a hostile archive could point a pods/ or logs/
    # directory outside the tree. Every level is scanned by this function, and
    # entries are checked without following links below, so no link is followed.
    try:
        if d.is_symlink():
            return {}
        with os.scandir(d) as it:
            return {e.name: e for e in it}
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return {}


def _is_dir(e: os.DirEntry | None) -> bool:
    try:
        return e is not None and e.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _nonempty(e: os.DirEntry | None) -> bool:
    try:
        return e is not None and e.is_file(follow_symlinks=False) and e.stat(follow_symlinks=False).st_size > 0
    except OSError:
        return False


class LogIndex:
    """Where the log files of each (namespace, pod, container) live.

    ``roots`` are must-gather roots (directories holding ``namespaces/``).
    Directories are listed lazily and cached: the namespace list once, then one
    listing per namespace/pod/container actually asked for, so a 10k-pod
    must-gather costs nothing up front.  Lookups are dict hits on names that came
    from ``os.scandir``: a request can never make us open a path we did not list.

    Layouts (see shared/samples/SOURCES.md):

    * ``namespaces/<ns>/pods/<pod>/<c>/<c>/logs/{current,previous}[.insecure].log[.gz]``
      plus ``logs/rotated/<n>.log.<YYYYMMDD-HHMMSS>[.gz]`` (served before
      ``current.log``, oldest first; a plain copy wins over its ``.gz`` twin);
    * HyperShift dump: ``namespaces/<ns>/core/pods/logs/<pod>-<c>[-previous].log``.

    The ``.insecure`` variant is what inspect wrote when it had to retry with
    ``insecureSkipTLSVerifyBackend``; it is used when the plain file is missing or
    empty.  Empty files count as absent (inspect leaves 0-byte ``previous.log``
    files for containers that never restarted).  When several roots hold the pod,
    the first root with a non-empty answer wins.
    """

    def __init__(self, roots: Iterable[Path | str]):
        self._roots = [Path(r) for r in roots]
        self._ns: dict[str, list[Path]] | None = None
        self._cache: dict[Path, dict[str, os.DirEntry]] = {}

    def _listing(self, d: Path) -> dict[str, os.DirEntry]:
        got = self._cache.get(d)
        if got is None:
            got = self._cache[d] = _scan(d)
        return got

    def _namespaces(self) -> dict[str, list[Path]]:
        if self._ns is None:
            ns: dict[str, list[Path]] = {}
            for root in self._roots:
                for name, e in sorted(_scan(root / "namespaces").items()):
                    if _is_dir(e):
                        ns.setdefault(name, []).append(Path(e.path))
            self._ns = ns
        return self._ns

    def invalidate(self) -> None:
        """Forget cached listings (call after the must-gather changed on disk)."""
        self._ns = None
        self._cache.clear()

    def files(self, namespace: str, pod: str, container: str, previous: bool) -> list[Path]:
        """Files to serve, in output order (rotated oldest first, then current); [] when none."""
        for nsdir in self._namespaces().get(namespace, ()):
            got = self._standard(nsdir, pod, container, previous)
            if not got:
                got = self._hypershift(nsdir, pod, container, previous)
            if got:
                return got
        return []

    def _standard(self, nsdir: Path, pod: str, container: str, previous: bool) -> list[Path]:
        pe = self._listing(nsdir / "pods").get(pod)
        if not _is_dir(pe):
            return []
        ce = self._listing(Path(pe.path)).get(container)
        if not _is_dir(ce):
            return []
        ce2 = self._listing(Path(ce.path)).get(container)
        if not _is_dir(ce2):
            return []
        logs_dir = Path(ce2.path) / "logs"
        entries = self._listing(logs_dir)
        base = "previous" if previous else "current"
        main = None
        for cand in (f"{base}.log", f"{base}.log.gz", f"{base}.insecure.log", f"{base}.insecure.log.gz"):
            e = entries.get(cand)
            if _nonempty(e):
                main = Path(e.path)
                break
        out: list[Path] = []
        if not previous and _is_dir(entries.get("rotated")):
            out = self._rotated(logs_dir / "rotated")
        if main is not None:
            out.append(main)
        return out

    def _rotated(self, d: Path) -> list[Path]:
        # Kubelet rotation names: <restartCount>.log.<YYYYMMDD-HHMMSS>[.gz]; the
        # timestamp sorts lexicographically.  All of them are treated as belonging
        # to the current container instance.
        best: dict[tuple[str, int], tuple[bool, Path]] = {}
        for name, e in self._listing(d).items():
            m = _ROTATED_RE.match(name)
            if not m or not _nonempty(e):
                continue
            key = (m.group(2), int(m.group(1)))
            gz = m.group(3) is not None
            if key not in best or (best[key][0] and not gz):
                best[key] = (gz, Path(e.path))
        return [best[k][1] for k in sorted(best)]

    def _hypershift(self, nsdir: Path, pod: str, container: str, previous: bool) -> list[Path]:
        entries = self._listing(nsdir / "core" / "pods" / "logs")
        if not entries:
            return []
        key = f"{pod}-{container}-previous.log" if previous else f"{pod}-{container}.log"
        e = entries.get(key)
        return [Path(e.path)] if _nonempty(e) else []


def resolve_log_files(index: LogIndex, pod: dict, opts: LogOptions) -> tuple[str, list[Path]]:
    """Container selection + file lookup + the kubelet's ``previous`` check.

    Returns ``(container, files)``.  ``files`` may be empty for the current log: a
    container that exists in the pod spec but has no saved log (inspect skipped it,
    it never started, or it printed nothing) is served as an empty 200 body.  A
    live kubelet would answer "waiting to start" or an empty stream depending on
    state the must-gather no longer has; empty is the honest answer for "nothing
    was collected" and keeps ``kubectl logs --all-containers`` working.
    """
    container = select_container(pod, opts.container)
    meta = pod.get("metadata") or {}
    name = meta.get("name", "")
    files = index.files(meta.get("namespace", ""), name, container, opts.previous)
    if opts.previous and not files:
        raise previous_not_found(name, container)
    return container, files
