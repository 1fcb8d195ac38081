"""The searchable units: a document (a log file, a part of one, an event, an object) and a segment
(documents concatenated, scanned by one RE2 call), and reading a file's text.

Why this module exists: the corpus (``corpus.py``) and its gathered sources (``corpus_gathered.py``:
audit logs, alert and etcd answers) both build segments of files; this is what they share.
"""

from __future__ import annotations

import bisect
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .logtime import line_time

MAX_FILE_BYTES = 1 << 30  # decompressed size cap per gzip'd file (a gzip bomb stops there)


@dataclass(frozen=True, slots=True)
class Doc:
    """One searchable document. ``source`` is one of :data:`SOURCES`."""

    source: str
    path: str = ""  # absolute path of a file (logs, nodes)
    rel: str = ""  # path relative to the archive's source dir, for display
    namespace: str = ""
    pod: str = ""
    container: str = ""
    previous: bool = False
    file: str = ""  # the log file's name when it is not the plain current/previous.log (rotated, insecure, .gz)
    node: str = ""
    service: str = ""
    kind: str = ""  # events: the involved object's kind; objects: the object's kind
    name: str = ""  # events/objects: the object's name
    group: str = ""  # objects (and events' involved object): API group, resource
    resource: str = ""
    time: float | None = None  # events: the event's time (epoch seconds)
    reason: str = ""
    event: str = ""  # events: the Event's own name
    size: int = field(default=0, compare=False)  # bytes on disk (files)
    cluster_scoped: bool = False  # events: the involved object is cluster-scoped (a Node ...)
    offset: int = 0  # a part of a big plain file: its bytes [offset, end) and the lines before it
    end: int = -1
    line_base: int = 0

    @property
    def label(self) -> str:
        """Where a hit is, as grep's file name: ``ns/pod/container``, ``node/service``, ..."""
        if self.source == "logs":
            s = f"{self.namespace}/{self.pod}/{self.container}"
            if self.previous:
                s += " (previous)"
            if self.file:
                s += f" [{self.file}]"
            return s
        if self.source == "nodes":
            # host_service_logs/<role>/<service>_service.log holds several nodes: named by its role
            return f"{self.node or os.path.basename(os.path.dirname(self.rel)) or self.rel}/{self.service}"
        if self.source == "events":
            return f"event {self.namespace + '/' if self.namespace else ''}{self.kind}/{self.name}"
        if self.source in ("audit", "gathered"):
            return f"{self.service}/{self.file}"
        return f"{self.group or 'core'}/{self.resource}/{self.namespace + '/' if self.namespace else ''}{self.name}"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"source": self.source, "label": self.label}
        for k in ("rel", "namespace", "pod", "container", "file", "node", "service", "kind", "name", "group",
                  "resource", "reason", "event"):
            v = getattr(self, k)
            if v:
                d["path" if k == "rel" else k] = v
        if self.previous:
            d["previous"] = True
        return d


@dataclass
class Segment:
    """Documents concatenated: ``docs[i]`` occupies ``data[starts[i]:starts[i+1]]``."""

    source: str
    data: bytes
    starts: Sequence[int]  # a list, or an array("q")
    docs: list[Doc]
    first_ts: float | None = None  # earliest timestamp seen at a document's start (for the time span)
    zones: dict[int, float] = field(default_factory=dict, repr=False)  # search_count: doc index -> zone offset
    zdata: bytes = field(default=b"", repr=False)  # kept compressed (corpus.PACKED_SOURCES): then data is b""

    def doc_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def doc_end(self, i: int) -> int:
        return self.starts[i + 1] if i + 1 < len(self.starts) else len(self.data)


def _read_fd(fd: int, n: int, offset: int = 0) -> bytes:
    parts, got = [], 0
    while got < n:
        piece = os.pread(fd, min(n - got, 1 << 30), offset + got)
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def read_text(path: str, offset: int = 0, end: int = -1) -> bytes:
    """A file's bytes (``[offset, end)`` of a plain file's part), gunzipped when it is gzip (by its
    magic, whatever its name), capped at MAX_FILE_BYTES. One open and one read per file: a first
    search reads thousands of them."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        if end >= 0:
            return _read_fd(fd, end - offset, offset)
        data = _read_fd(fd, min(os.fstat(fd).st_size, MAX_FILE_BYTES))
    finally:
        os.close(fd)
    if data[:2] != b"\x1f\x8b":
        return data
    out = []
    total = 0
    d = zlib.decompressobj(wbits=47)
    rest = data
    try:
        while rest and total < MAX_FILE_BYTES:
            piece = d.decompress(rest, MAX_FILE_BYTES - total)
            out.append(piece)
            total += len(piece)
            if d.unconsumed_tail:
                break  # the cap was reached
            rest = d.unused_data  # concatenated gzip members
            if rest:
                d = zlib.decompressobj(wbits=47)
    except zlib.error:
        pass  # a truncated or corrupt archive: search what was readable
    return b"".join(out)


def file_segment(source: str, docs: list[Doc], year: int, latest: float | None = None) -> Segment:
    """The documents' files read (gunzipped, capped) and concatenated into one segment; the
    earliest line time seen at a document's start is its ``first_ts``."""
    parts: list[bytes] = []
    starts: list[int] = []
    kept: list[Doc] = []
    pos = 0
    first: float | None = None
    for d in docs:
        try:
            data = read_text(d.path, d.offset, d.end)
        except OSError:
            continue
        if not data:
            continue
        if not data.endswith(b"\n"):
            data += b"\n"
        starts.append(pos)
        kept.append(d)
        parts.append(data)
        pos += len(data)
        t, _ = line_time(data[:300], year, latest)
        if t is not None and (first is None or t < first):
            first = t
    return Segment(source, b"".join(parts), starts, kept, first)
