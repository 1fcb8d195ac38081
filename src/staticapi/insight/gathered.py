"""Where the non-object gathers sit in a must-gather: ``audit_logs/``, ``monitoring/``, ``etcd_info/``.

Why this module exists: openshift/must-gather's collection scripts write these directories next to
``cluster-scoped-resources/`` and ``namespaces/`` under ``BASE_COLLECTION_PATH`` (the image
directory; see ``collection-scripts/gather_audit_logs``, ``gather_monitoring``, ``gather_etcd``).
The layout scan only reads object files, so audit, alerts and etcd look their directory up here:
below each must-gather root first, then (for a gather that ran only one script, whose image
directory has no objects and so is no root) a bounded walk of the source directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MAX_DEPTH = 3  # source/<archive dir>/<image dir>/<name>


def gathered_dirs(view: Any, name: str) -> list[Path]:
    """Every ``<root>/<name>`` directory (no symlink followed), in a stable order."""
    found: dict[str, Path] = {}
    for root in list(getattr(view, "must_gather_roots", None) or []):
        d = Path(root) / name
        if d.is_dir() and not d.is_symlink():
            found.setdefault(str(d.resolve()), d)
    if not found:
        frontier = [Path(r) for r in (getattr(view, "roots", None) or [])]
        for _ in range(MAX_DEPTH + 1):
            nxt: list[Path] = []
            for d in frontier:
                try:
                    entries = sorted(os.scandir(d), key=lambda e: e.name)
                except OSError:
                    continue
                for e in entries:
                    try:
                        if not e.is_dir(follow_symlinks=False) or e.name.startswith("."):
                            continue
                    except OSError:
                        continue
                    if e.name == name:
                        found.setdefault(str(Path(e.path).resolve()), Path(e.path))
                    elif e.name not in ("namespaces", "cluster-scoped-resources"):
                        nxt.append(Path(e.path))
            frontier = nxt
            if not frontier:
                break
    return [found[k] for k in sorted(found)]


def rel_path(view: Any, path: Path) -> str:
    """``path`` relative to the source directory (what /staticapi/v1/skipped shows)."""
    for r in getattr(view, "roots", None) or []:
        try:
            return str(Path(path).relative_to(r))
        except ValueError:
            continue
    return str(path)

