"""``/api/v1/nodes/<node>/proxy/logs/...``: the kubelet's log endpoint over gathered node logs.

A real apiserver proxies these paths to the node's kubelet (``/logs/``), which answers:

* ``/logs/`` without parameters: an ``http.FileServer`` listing of ``/var/log`` (``<pre>`` with
  one ``<a href>`` per entry; ``oc adm node-logs --path=/`` turns the links into lines);
  ``/logs/<file>``: that file. Here the listing holds the node's gathered service logs and a
  file is served uncompressed and, for a role file that interleaves every master, with only
  this node's lines.
* ``/logs/?query=<service>&sinceTime&untilTime&tailLines&pattern&boot``: the node log query
  (KEP-2258, kubernetes ``pkg/kubelet/kubelet_server_journal.go``), which runs
  ``journalctl --utc --no-pager --output=short-precise`` for the services: here the gathered
  journal lines of that node, filtered and tailed the same way (``--lines`` counts entries).
* ``/logs/journal?unit=...&since&until&tail&grep&case-sensitive&boot&output``: OpenShift's
  journal endpoint, what ``oc adm node-logs -u <unit>`` calls.

Errors are the kubelet's plain-text answers (400 for bad parameters, 406 for invalid
queries), passed through by the apiserver proxy; an unknown node is the apiserver's 404
``Status``. A node without gathered logs gets a 200 that says so, never an error.
"""

from __future__ import annotations

import asyncio
import heapq
import html
import threading
import weakref
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import orjson
from aiohttp import web

from ..kube.status import not_found, path_not_found
from ..source import nodelogs as src
from ..source.nodelogs import Entry, NodeLogFile
from ..store.store import ClusterStore
from . import nodelogquery as q
from .cluster import Cluster

PROXY_PREFIX = "/api/v1/nodes/"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICRO = timedelta(microseconds=1)
NO_ENTRIES = b"-- No entries --\n"


def match(path: str) -> tuple[str, str] | None:
    """``/api/v1/nodes/<node>/proxy/<rest>`` -> (node, rest); None for any other path."""
    if not path.startswith(PROXY_PREFIX):
        return None
    node, sep, rest = path[len(PROXY_PREFIX):].partition("/proxy")
    if not sep or not node or "/" in node or (rest and not rest.startswith("/")):
        return None
    return node, rest[1:] if rest else ""


class NodeLogIndex:
    """The node log files of one store. Gzip files are read through once (a truncated one is
    reported and left out); a plain role file is scanned for its hosts only when a node's role
    labels cannot say whether it holds that node's lines, so a tail reads only the end."""

    def __init__(self, roots: Iterable, collection_time: datetime | None):
        self.collection_time = collection_time
        self.files = src.discover(roots)
        self._scans: dict[NodeLogFile, src.ScanResult] = {f: src.scan(f) for f in self.files if f.compressed}
        self._lock = threading.Lock()
        self.usable = [f for f in self.files if f not in self._scans or self._scans[f].error is None]

    def problems(self) -> list[tuple[str, str]]:
        return [(f.relpath, r.error) for f, r in self._scans.items() if r.error]

    def hosts(self, f: NodeLogFile) -> dict[str, int]:
        """Entries per host of a role file (scanned once, in the calling worker thread)."""
        with self._lock:
            if f not in self._scans:
                self._scans[f] = src.scan(f)
            return self._scans[f].hosts

    def knows(self, node: str) -> bool:
        """Whether any gathered file holds lines of ``node`` (may scan role files)."""
        if any(f.node is not None and src.node_matches(node, f.node) for f in self.usable):
            return True
        return any(src.node_matches(node, h) for f in self.usable if f.node is None for h in self.hosts(f))

    def for_node(self, node: str, roles: set[str] | None = None) -> list[NodeLogFile]:
        """Usable files with lines of ``node``, one per service (host_service_logs first). Role
        files are picked by the node's role dirs when known, else by a scan of their hosts."""
        out: dict[str, NodeLogFile] = {}
        for f in self.usable:
            if f.node is not None:
                has = src.node_matches(node, f.node)
            elif roles is not None:
                has = f.role in roles
            else:
                has = any(src.node_matches(node, h) for h in self.hosts(f))
            if has and f.service not in out:
                out[f.service] = f
        return sorted(out.values(), key=lambda f: f.service)


# id(store) -> (a weak reference to the store, its index being built or built)
_INDEXES: dict[int, tuple[weakref.ref, asyncio.Future]] = {}


async def index_for(store: ClusterStore) -> NodeLogIndex:
    """Built once per store in a worker thread (a reload builds a new store, hence a new index)."""
    key = id(store)
    have = _INDEXES.get(key)
    if have is None or have[0]() is not store:
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(None, NodeLogIndex, list(store.roots), store.collection_time)
        have = _INDEXES[key] = (weakref.ref(store, lambda _r, k=key: _INDEXES.pop(k, None)), fut)
    return await asyncio.shield(have[1])


# ------------------------------------------------------------------ reading


def _sort_key(e: Entry, ref: datetime | None) -> datetime:
    return (src.entry_time(e.prefix, ref) if e.prefix else None) or _EPOCH


def _keep(node: str | None, nlq: q.NodeLogQuery, ref: datetime | None):
    on_host = src.host_filter(node)
    rx = q.compile_pattern(nlq.pattern, nlq.case_sensitive) if nlq.pattern else None
    since, until = nlq.since, nlq.until

    def keep(e: Entry) -> bool:
        if not on_host(e):
            return False
        if since is not None or until is not None:
            t = src.entry_time(e.prefix, ref) if e.prefix else None
            if t is None or (since is not None and t < since) or (until is not None and t > until):
                return False
        return rx is None or rx.search(e.message()) is not None

    return keep


def select_entries(files: list[NodeLogFile], node: str, nlq: q.NodeLogQuery, ref: datetime | None) -> Iterator[Entry]:
    """Entries of ``node`` in the files, filtered, merged by time, tailed (journalctl semantics)."""
    keep_for = {f: _keep(None if f.node is not None else node, nlq, ref) for f in files}
    if nlq.tail is not None:
        parts = [src.tail_entries(f, keep_for[f], nlq.tail) for f in files]
        merged = list(heapq.merge(*parts, key=lambda e: _sort_key(e, ref)))
        yield from merged[len(merged) - nlq.tail:] if nlq.tail else []
        return
    streams = [src.read_entries(f, keep_for[f]) for f in files]
    yield from heapq.merge(*streams, key=lambda e: _sort_key(e, ref)) if len(streams) > 1 else streams[0]


def format_entry(e: Entry, output: str, ref: datetime | None) -> bytes:
    """One entry in a journalctl ``--output`` format (the files hold short-precise)."""
    p = e.prefix
    if p is None or output == "short-precise":
        return b"\n".join(e.lines) + b"\n"
    first = e.lines[0]
    if output == "cat":
        return e.message() + b"\n"
    t = src.entry_time(p, ref) or _EPOCH
    after_time = first[p.time_end:]
    if output == "short":
        return b"\n".join([first[:15] + after_time, *e.lines[1:]]) + b"\n"
    if output in ("short-iso", "short-iso-precise"):
        frac = f".{t.microsecond:06d}" if output == "short-iso-precise" else ""
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S").encode() + frac.encode() + b"+00:00"
        return b"\n".join([stamp + after_time, *e.lines[1:]]) + b"\n"
    if output == "short-unix":
        us = (t - _EPOCH) // _MICRO
        stamp = f"{us // 1_000_000}.{us % 1_000_000:06d}".encode()
        return b"\n".join([stamp + after_time, *e.lines[1:]]) + b"\n"
    # json: the journal fields this line carries
    rest = first[p.message_at:]
    ident, _, _ = rest.partition(b": ")
    name, _, pid = ident.partition(b"[")
    doc = {"__REALTIME_TIMESTAMP": str((t - _EPOCH) // _MICRO),
           "_HOSTNAME": p.host, "SYSLOG_IDENTIFIER": name.decode("utf-8", "replace"),
           "MESSAGE": e.message().decode("utf-8", "replace")}
    if pid.endswith(b"]"):
        doc["_PID"] = pid[:-1].decode("utf-8", "replace")
    return orjson.dumps(doc) + b"\n"


def journal_chunks(idx: NodeLogIndex, node: str, nlq: q.NodeLogQuery,
                   roles: set[str] | None = None) -> Iterator[bytes]:
    """The body of a journal query for ``node``, in chunks of about 64 KiB."""
    have = idx.for_node(node, roles)
    if not have:
        yield f"-- No entries: this must-gather holds no service logs for node {node} --\n".encode()
        return
    if nlq.services:
        # journalctl -u takes "kubelet" and "kubelet.service" alike
        wanted = [s.removesuffix(".service") for s in nlq.services]
        files = [f for f in have if f.service in wanted]
        missing = [s for s in wanted if s not in {f.service for f in files}]
        if not files:
            gathered = ", ".join(f.service for f in have)
            yield (f"-- No entries: this must-gather holds no {', '.join(missing)} log for node {node} "
                   f"(gathered: {gathered}) --\n").encode()
            return
    else:
        files = have
    if nlq.boot is not None and nlq.boot < 0:
        # The gathered lines carry no boot id: only "the current boot" (everything) exists, and
        # journalctl answers an unknown boot offset with this on stderr (the kubelet copies it).
        yield f"Data from the specified boot ({nlq.boot}) is not available: No such boot ID in journal\n".encode()
        return
    ref = idx.collection_time
    buf: list[bytes] = []
    size = 0
    any_entry = False
    for e in select_entries(files, node, nlq, ref):
        any_entry = True
        b = format_entry(e, nlq.output, ref)
        buf.append(b)
        size += len(b)
        if size >= src.BLOCK:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)
    if not any_entry:
        yield NO_ENTRIES


def file_chunks(f: NodeLogFile, node: str) -> Iterator[bytes]:
    """A listed file, uncompressed; a role file with only this node's entries."""
    keep = src.host_filter(None if f.node is not None else node)
    buf: list[bytes] = []
    size = 0
    for e in src.read_entries(f, keep):
        for ln in e.lines:
            buf.append(ln + b"\n")
            size += len(ln) + 1
        if size >= src.BLOCK:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)


def listing(files: list[NodeLogFile]) -> bytes:
    """Go's ``http.FileServer`` directory listing (``dirList``), the shape oc parses."""
    rows = "".join(f'<a href="{html.escape(quote(f.name), quote=True)}">{html.escape(f.name)}</a>\n'
                   for f in files)
    return ("<pre>\n" + rows + "</pre>\n").encode()


# ------------------------------------------------------------------ HTTP


def _text(status: int, text: str) -> web.Response:
    # the kubelet's http.Error: text/plain, the message and a newline
    return web.Response(status=status, body=(text + "\n").encode(),
                        headers={"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"})


async def _stream(request: web.Request, chunks: Iterator[bytes]) -> web.StreamResponse:
    resp = web.StreamResponse(status=200, headers={"Content-Type": "text/plain;charset=UTF-8"})
    resp.enable_chunked_encoding()
    loop = asyncio.get_running_loop()
    end = object()
    first = await loop.run_in_executor(None, next, chunks, end)  # errors before the headers go out
    await resp.prepare(request)
    if first is not end:
        await resp.write(first)  # type: ignore[arg-type]
        while (chunk := await loop.run_in_executor(None, next, chunks, end)) is not end:
            await resp.write(chunk)  # type: ignore[arg-type]
    await resp.write_eof()
    return resp


def _node_labels(store: ClusterStore, node: str) -> dict | None:
    """The labels of the Node object, {} when it has none, None when there is no such object."""
    t = store.tables.get(("", "nodes"))
    e = t.objects.get(("", node)) if t is not None else None
    return None if e is None else (e.labels or {})


async def handle(request: web.Request, cluster: Cluster, node: str, rest: str) -> web.StreamResponse:
    """Answer ``/api/v1/nodes/<node>/proxy/<rest>`` (only ``logs`` is served)."""
    store = await cluster.wait()
    idx = await index_for(store)
    loop = asyncio.get_running_loop()
    labels = _node_labels(store, node)
    if labels is None and not await loop.run_in_executor(None, idx.knows, node):
        raise not_found("nodes", "", node)  # the apiserver looks the node up before proxying
    if rest != "logs" and not rest.startswith("logs/"):
        raise path_not_found()  # other kubelet endpoints (stats, metrics, pods) were not gathered
    roles = src.role_dirs(labels)
    sub = rest[len("logs/"):] if rest.startswith("logs/") else ""
    query = {k: request.query.getall(k) for k in request.query}
    if sub in ("journal", "journal/"):
        nlq, errs = q.parse_journal(query, store.now)
        if errs:
            return _text(400, q.aggregate(errs))
        assert nlq is not None
        return await _stream(request, journal_chunks(idx, node, nlq, roles))
    nlq, errs = q.parse_upstream(query)
    if errs:
        return _text(400, q.aggregate(errs))
    files = await loop.run_in_executor(None, idx.for_node, node, roles)
    if nlq is not None:
        if sub not in ("", "/"):
            return _text(406, "path not allowed in query mode")
        errs = q.validate_upstream(nlq)
        by_name = {f.name: f for f in files}
        if not errs and nlq.files and nlq.files[0].lstrip("/\\") not in by_name:
            errs = [q.invalid("query", nlq.files, f"stat /var/log/{nlq.files[0].lstrip('/')}: no such file or directory")]
        if errs:
            return _text(406, q.aggregate(errs))
        if nlq.services:
            return await _stream(request, journal_chunks(idx, node, nlq, roles))
        sub = nlq.files[0].lstrip("/\\")
    if sub in ("", "/"):
        return web.Response(body=listing(files), headers={"Content-Type": "text/html; charset=utf-8"})
    f = next((f for f in files if f.name == sub), None)
    if f is None:
        return _text(404, "404 page not found")  # http.NotFound
    return await _stream(request, file_chunks(f, node))
