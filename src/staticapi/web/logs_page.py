"""The logs page of one container: current / previous / rotated files, tail N, timestamps on/off,
line-number permalinks (``#L123``) and a search-as-you-type highlight (``static/logs.js``).

Why this module exists: ``kubectl logs`` in a browser, with the lines numbered so a link can point
at one. It reads only what it shows: the tail is read backwards in blocks by ``serve.logs`` (the
same code ``kubectl logs --tail`` is served with), so a 500 MB log is never loaded whole. The line
numbers count from the file's start; the file's line count is found once by a streaming newline
count (bounded memory) and remembered per file size and mtime.
"""

from __future__ import annotations

import asyncio
import gzip
import os
from pathlib import Path
from typing import Any

from aiohttp import web

from ..insight.context import ClusterInsight
from ..kube.status import bad_request, not_found
from ..serve import logs as logsmod
from .common import GetInsight, base_of, html_errors, logs_url, object_url, page_context, timeline_url
from .render import render

DEFAULT_TAIL = 1000
MAX_TAIL = 100_000  # lines in one page: beyond that the browser, not the server, is the limit
MAX_LINE_CHARS = 20_000  # a 50 MB single-line log must not become a 50 MB table cell
_BLOCK = 1 << 20


def count_lines(path: Path) -> int:
    """Lines in a (possibly gzip) log file, streamed in 1 MiB blocks."""
    opener = gzip.open if path.name.endswith(".gz") else open
    n = 0
    last = b"\n"
    with opener(path, "rb") as f:
        while True:
            b = f.read(_BLOCK)
            if not b:
                break
            n += b.count(b"\n")
            last = b[-1:]
    return n + (0 if last == b"\n" else 1)


def _line_count(ci: ClusterInsight, path: Path) -> int:
    memo: dict = ci.derive_sync("pages.linecounts", lambda _ci: {})
    try:
        st = os.stat(path)
    except OSError:
        return 0
    key = (str(path), st.st_size, st.st_mtime_ns)
    n = memo.get(key)
    if n is None:
        n = memo[key] = count_lines(path)
    return n


def choices(index: Any, namespace: str, pod: str, container: str) -> list[dict]:
    """The log files a user can pick: current, previous, then each rotated file (newest first)."""
    out: list[dict] = []
    cur = index.files(namespace, pod, container, False) if index is not None else []
    rotated = [p for p in cur if p.parent.name == "rotated"]
    main = [p for p in cur if p.parent.name != "rotated"]
    if main:
        out.append({"key": "current", "label": "current", "path": main[-1]})
    prev = index.files(namespace, pod, container, True) if index is not None else []
    if prev:
        out.append({"key": "previous", "label": "previous", "path": prev[-1]})
    for p in reversed(rotated):
        out.append({"key": p.name, "label": f"rotated {p.name}", "path": p})
    return out


def read_tail(path: Path, tail: int, timestamps: bool, now, opener=None) -> list[str]:
    """The last ``tail`` lines of one file as kubelet serves them (CRI files converted,
    timestamps kept or stripped), read backwards from the end by ``serve.logs``."""
    opts = logsmod.LogOptions(tail_lines=tail, timestamps=timestamps)
    data = b"".join(logsmod.iter_log_chunks([path], opts, now, opener=opener))
    lines = data.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln if len(ln) <= MAX_LINE_CHARS else ln[:MAX_LINE_CHARS] + f" … ({len(ln) - MAX_LINE_CHARS} more characters)"
            for ln in lines]


def _int(v: str | None, default: int) -> int:
    if v in (None, ""):
        return default
    if v == "all":
        return MAX_TAIL
    try:
        n = int(v)
    except ValueError:
        raise bad_request(f"invalid tail: {v!r}") from None
    return min(max(n, 1), MAX_TAIL)


def setup_routes(app: web.Application, get_insight: GetInsight, prefix: str = "") -> None:
    @html_errors
    async def logs_page(request: web.Request) -> web.Response:
        ci = get_insight(request)
        base = base_of(request)
        mi = request.match_info
        ns, pod, container = mi["namespace"], mi["pod"], mi["container"]
        pods = ci.store.registry.resources.get(("", "pods"))
        e = ci.store.get(pods, ns, pod) if pods is not None else None
        if e is None:
            raise not_found("pods", "", pod)
        obj = e.obj()
        logsmod.select_container(obj, container)  # 400 with the apiserver's message when not in the pod
        q = request.query
        tail = _int(q.get("tail"), DEFAULT_TAIL)
        timestamps = q.get("timestamps", "1") not in ("0", "false", "")
        opts = await asyncio.to_thread(choices, ci.log_index, ns, pod, container)
        want = q.get("file") or ("previous" if q.get("previous") in ("1", "true") else "current")
        chosen = next((c for c in opts if c["key"] == want), None)
        if chosen is None and want == "current" and opts:
            chosen = opts[0]
        lines: list[str] = []
        total = 0
        if chosen is not None:
            total = await asyncio.to_thread(_line_count, ci, chosen["path"])
            lines = await asyncio.to_thread(read_tail, chosen["path"], tail, timestamps, ci.store.now)
        # the whole file shown: numbered from 1 (exact even for CRI files whose partial lines are
        # joined); a tail: counted back from the file's newline count
        first = 1 if len(lines) < tail else max(1, total - len(lines) + 1)
        containers = [c.get("name") for c in (obj.get("spec") or {}).get("containers") or [] if isinstance(c, dict)]
        containers += [c.get("name") for c in (obj.get("spec") or {}).get("initContainers") or []
                       if isinstance(c, dict)]
        keep = {"tail": q.get("tail"), "timestamps": "0" if not timestamps else None}

        def file_url(key: str) -> str:
            extra = {"previous": 1} if key == "previous" else ({} if key == "current" else {"file": key})
            return logs_url(base, ns, pod, container, **keep, **extra)

        return render(
            "logs.html", **page_context(ci, request, f"logs {ns}/{pod}/{container}"),
            ns=ns, pod=pod, container=container, containers=[c for c in containers if c],
            choices=[{"key": c["key"], "label": c["label"], "url": file_url(c["key"]),
                      "selected": chosen is not None and c["key"] == chosen["key"]} for c in opts],
            chosen=chosen["key"] if chosen else "", want=want, lines=lines, first=first, total=total,
            tail=tail, tail_param=q.get("tail", ""), timestamps=timestamps,
            more=logs_url(base, ns, pod, container, **dict(keep, tail=min(tail * 10, MAX_TAIL)),
                          **({"previous": 1} if want == "previous" else {"file": want} if want != "current" else {}))
            if first > 1 and tail < MAX_TAIL else "",
            container_url=lambda c: logs_url(base, ns, pod, c, **keep),
            pod_url=object_url(base, "", "pods", ns, pod),
            timeline=timeline_url(base, None, q=pod),
        )

    app.router.add_get(f"{prefix}/ui/logs/{{namespace}}/{{pod}}/{{container}}", logs_page)
