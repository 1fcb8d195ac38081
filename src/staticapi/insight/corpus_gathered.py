"""The searchable text of the non-object gathers: audit logs (``audit``) and alert/etcd answers (``gathered``).

Why this module exists: issue 18 wants everything a must-gather holds searchable, and
``corpus.py`` only knows pod logs, node logs, events and objects. Two sources are added here:

* ``audit``: ``audit_logs/<apiserver>/<node>-audit*.log[.gz]`` (files found by
  :func:`staticapi.insight.audit.find_files`), one ``audit.k8s.io/v1`` Event per line, searched as
  the raw lines rg sees (a truncated gzip up to the damage, a half-written last line as a line).
  A hit's time is its event's ``requestReceivedTimestamp`` (else ``stageTimestamp``), read straight
  from the raw line: Go's encoding/json writes the struct fields in declaration order
  (k8s.io/apiserver/pkg/apis/audit/v1/types.go: ... RequestObject, ResponseObject,
  RequestReceivedTimestamp, StageTimestamp, Annotations), so the timestamps sit near the line's
  end, after any request/response body: the key is looked up from the end. Audit logs reach
  several GB, so ``audit`` is opt-in like ``objects`` (``in=...,audit``).
* ``gathered``: the Prometheus answers of ``monitoring/`` (:func:`staticapi.insight.alerts.find_files`)
  and ``etcd_info/*.json`` (etcdctl's JSON): a few KB of cluster state, searched by default.
  One source rather than ``monitoring`` + ``etcd``: both are small JSON answers of the gather
  scripts with the same line semantics (rg's), and a hit links to its page (``ui/alerts``,
  ``ui/etcd``) by the file's kind (``Doc.service``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from .corpus_docs import Doc, Segment, file_segment
from .gathered import gathered_dirs
from .logtime import line_time

AUDIT = "audit"
GATHERED = "gathered"
_KEYS = (b'"requestReceivedTimestamp":"', b'"stageTimestamp":"')


def _rel(path: str, base: Path) -> str:
    b = str(base).rstrip("/") + "/"
    return path[len(b):] if path.startswith(b) else path


def audit_docs(view: Any, base: Path) -> list[Doc]:
    """Every audit log file, as Docs of source ``audit`` (service = the apiserver, node = the master)."""
    from . import audit  # audit imports nothing of the corpus; imported late to keep this module light

    out = []
    for af in audit.find_files(view):
        if af.size <= 0:
            continue
        p = str(af.path)
        out.append(Doc(AUDIT, p, _rel(p, base), node=af.node, service=af.apiserver or "apiserver",
                       file=af.path.name, size=af.size))
    return out


def gathered_docs(view: Any, base: Path) -> list[Doc]:
    """The alert answers (``monitoring/``) and etcdctl answers (``etcd_info/*.json``) as ``gathered`` Docs."""
    from . import alerts, etcd

    out = []
    for p in alerts.find_files(view):
        size = p.stat().st_size
        if size > 0:
            out.append(Doc(GATHERED, str(p), _rel(str(p), base), service="alerts", file=p.name, size=size))
    for d in gathered_dirs(view, etcd.DIR_NAME):
        for e in sorted(os.scandir(d), key=lambda e: e.name):
            try:
                ok = e.name.endswith(".json") and e.is_file(follow_symlinks=False)
                size = e.stat(follow_symlinks=False).st_size if ok else 0
            except OSError:
                continue
            if size > 0:
                out.append(Doc(GATHERED, e.path, _rel(e.path, base), service="etcd", file=e.name, size=size))
    return out


def audit_time(data: bytes, ls: int, le: int) -> float | None:
    """The time of the audit event on ``data[ls:le]``: requestReceivedTimestamp, else stageTimestamp."""
    for key in _KEYS:
        i = data.rfind(key, ls, le)
        if i >= 0:
            i += len(key)
            t, _ = line_time(data[i:min(i + 40, le)], 1970)
            if t is not None:
                return t
    return None


def audit_segment(docs: list[Doc], year: int, latest: float | None) -> Segment:
    """The audit files' text (as rg reads them) with the earliest first-line time of its files."""
    seg = file_segment(AUDIT, docs, year, latest)
    first = None
    data = seg.data
    for s in seg.starts:
        e = data.find(b"\n", s)
        t = audit_time(data, s, e if e >= 0 else len(data))
        if t is not None and (first is None or t < first):
            first = t
    seg.first_ts = first
    return seg


def audit_ref(line: bytes) -> dict[str, str]:
    """What a hit links to: ``auditID``, the objectRef (``group``, ``resource``, ``namespace``,
    ``name``) and ``received`` (the raw requestReceivedTimestamp); {} for a line that is not an
    audit Event (a half-written line, junk)."""
    try:
        ev = orjson.loads(line)
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(ev, dict):
        return {}
    out = {}
    if isinstance(ev.get("auditID"), str):
        out["auditID"] = ev["auditID"]
    for k in ("verb", "requestReceivedTimestamp"):
        if isinstance(ev.get(k), str):
            out[k] = ev[k]
    user = ev.get("user")
    if isinstance(user, dict) and isinstance(user.get("username"), str):
        out["user"] = user["username"]
    ref = ev.get("objectRef")
    if isinstance(ref, dict):
        for src, dst in (("apiGroup", "group"), ("resource", "resource"), ("namespace", "namespace"),
                         ("name", "name")):
            v = ref.get(src)
            if isinstance(v, str) and v:
                out[dst] = v
    return out
