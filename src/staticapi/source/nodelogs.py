"""Node service logs in a must-gather: find the files, split them per node, read entries.

Two layouts exist (both seen in real archives):

* ``host_service_logs/<dir>/<service>_service.log[.gz]``, written by openshift/must-gather
  ``collection-scripts/gather_service_logs_util`` (``collect_service_logs``): it runs
  ``oc adm node-logs --since=-7d --role=master -l kubernetes.io/os=linux -u <service>``
  and redirects the output into ``masters/`` (or ``workers/``, or a directory named
  after the selector). With several nodes, ``oc`` interleaves their journals
  (``--unify`` is the default for the journal, openshift/oc
  ``pkg/cli/admin/node/logs.go`` NewMergeReader), so **one file holds the lines of every
  master**; each line names its host in the journal's ``short-precise`` format::

      Dec 01 11:11:51.502943 ip-10-0-187-218 kubenswrapper[2885]: I1201 11:11:51.502904 ...

  The host field is the node's short hostname (``ip-10-0-187-218`` for the node
  ``ip-10-0-187-218.ec2.internal``), so lines are split per node by that field.
* node-gather (CNV/PAO): ``nodes/<node>/<node>_logs_<service>[.gz]``: one node, one service.

Everything here is pure file reading: plain files are read backwards in blocks for a tail
(like ``journalctl -n`` reads only the end), gzip files are streamed, nothing loads a whole
file. A truncated or corrupt gzip is reported by :func:`scan` and left out, never fatal.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

BLOCK = 64 * 1024
SCAN_BLOCK = 4 << 20
MAX_LINE = 1 << 20  # a longer "line" is cut: hostile files must not make us buffer gigabytes

MONTHS = {m.encode(): i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}

# journalctl's short / short-precise prefix: "Mon DD HH:MM:SS[.ffffff] HOST ". The day is
# zero-padded by journald ("%b %d") and space-padded by classic syslog; both are accepted.
_PREFIX = re.compile(rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? (\S+) ")
_SERVICE_FILE = re.compile(r"(.+)_service\.log(\.gz)?")
# gather_service_logs collects `--role=master` into masters/ and `--role=worker` into workers/;
# `oc adm node-logs --role=R` selects the nodes with the label node-role.kubernetes.io/R.
ROLE_DIR_LABELS = {
    "masters": ("node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"),
    "workers": ("node-role.kubernetes.io/worker",),
}


@dataclass(frozen=True)
class NodeLogFile:
    """One gathered service log file."""

    path: Path
    relpath: str  # relative to its must-gather root, for reports
    service: str
    node: str | None  # None: a role file that interleaves the lines of several hosts
    compressed: bool
    role: str | None = None  # the role dir (masters, workers) of a role file

    @property
    def name(self) -> str:
        """The name it is listed under in ``/proxy/logs/`` (the text is served uncompressed)."""
        base = self.path.name
        return base[:-3] if self.compressed and base.endswith(".gz") else base


@dataclass
class ScanResult:
    """What one pass over a file found: entries per host, or why it cannot be served."""

    hosts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def discover(roots: Iterable[Path]) -> list[NodeLogFile]:
    """Every node service log file under the must-gather roots (directory listings only:
    no path ever comes from a request)."""
    out: list[NodeLogFile] = []
    for root in roots:
        root = Path(root)
        hsl = root / "host_service_logs"
        for d in _subdirs(hsl):
            role = d.name if d.name in ROLE_DIR_LABELS else None
            for f in _files(d):
                m = _SERVICE_FILE.fullmatch(f.name)
                if m:
                    out.append(NodeLogFile(f, f"host_service_logs/{d.name}/{f.name}", m.group(1),
                                           None if role else d.name, m.group(2) is not None, role))
        for d in _subdirs(root / "nodes"):
            prefix = f"{d.name}_logs_"
            for f in _files(d):
                if f.name.startswith(prefix) and len(f.name) > len(prefix):
                    svc = f.name[len(prefix):]
                    gz = svc.endswith(".gz")
                    svc = svc[:-3] if gz else svc
                    if svc:
                        out.append(NodeLogFile(f, f"nodes/{d.name}/{f.name}", svc, d.name, gz))
    return out


def _subdirs(d: Path) -> list[Path]:
    try:
        with os.scandir(d) as it:
            return sorted(Path(e.path) for e in it if e.is_dir(follow_symlinks=False))
    except OSError:
        return []


def _files(d: Path) -> list[Path]:
    try:
        with os.scandir(d) as it:
            return sorted(Path(e.path) for e in it if e.is_file(follow_symlinks=False))
    except OSError:
        return []


def role_dirs(labels: dict | None) -> set[str] | None:
    """The role dirs whose files hold a node's lines, from its labels; None when it has no role
    label (then only a scan of the files can tell)."""
    labels = labels or {}
    dirs = {d for d, keys in ROLE_DIR_LABELS.items() if any(k in labels for k in keys)}
    return dirs or None


def short_host(name: str) -> str:
    """The journal's hostname for a node name: its first DNS label."""
    return name.split(".", 1)[0]


def node_matches(node: str, host: str) -> bool:
    """True when journal host ``host`` is node ``node`` (exact, or by short hostname)."""
    return host == node or host == short_host(node) or short_host(host) == short_host(node)


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Prefix:
    month: int
    day: int
    hour: int
    minute: int
    second: int
    micro: int
    host: str
    time_end: int  # offset just after the seconds (or their fraction)
    message_at: int  # offset of the text after "HOST "


def parse_prefix(line: bytes) -> Prefix | None:
    """The journal prefix of a line, or None for a continuation/comment line."""
    return _prefix_of(_PREFIX.match(line))


def _prefix_of(m: re.Match | None) -> Prefix | None:
    if m is None:
        return None
    month = MONTHS.get(m.group(1))
    if month is None:
        return None
    try:
        day = int(m.group(2))
    except ValueError:
        return None
    frac = m.group(6) or b""
    micro = int((frac + b"000000")[:6]) if frac else 0
    return Prefix(month, day, int(m.group(3)), int(m.group(4)), int(m.group(5)), micro,
                  m.group(7).decode("utf-8", "replace"), m.start(7) - 1, m.end())


def entry_time(p: Prefix, ref: datetime | None) -> datetime | None:
    """The UTC time of an entry. The short formats carry no year: take the reference
    (collection) time's year, or the year before for months after the reference month."""
    year = (ref or datetime.now(timezone.utc)).year
    if ref is not None and p.month > ref.month:
        year -= 1
    try:
        return datetime(year, p.month, p.day, p.hour, p.minute, p.second, p.micro, tzinfo=timezone.utc)
    except ValueError:
        return None


class Entry:
    """One journal entry: its first line (with the prefix) and any continuation lines. The
    prefix is decoded only when asked for (most entries are only checked for their host)."""

    __slots__ = ("lines", "_m", "_prefix")

    def __init__(self, lines: list[bytes], m: re.Match | None = None):
        self.lines = lines
        self._m = m
        self._prefix: Prefix | None | bool = False

    @property
    def host(self) -> bytes | None:
        return self._m.group(7) if self._m is not None else None

    @property
    def prefix(self) -> Prefix | None:
        if self._prefix is False:
            self._prefix = _prefix_of(self._m)
        return self._prefix  # type: ignore[return-value]

    def message(self) -> bytes:
        first = self.lines[0]
        if self._m is None:
            return b"\n".join(self.lines)
        rest = first[self._m.end():]
        colon = rest.find(b": ")
        msg = rest[colon + 2:] if colon >= 0 else rest
        return b"\n".join([msg, *self.lines[1:]])


def _plain_lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        yield from _split(iter(lambda: f.read(BLOCK), b""))


def _gzip_lines(path: Path) -> Iterator[bytes]:
    """Lines of a gzip file, streamed; raises EOFError/zlib.error/OSError when it is truncated."""
    with gzip.open(path, "rb") as f:
        yield from _split(iter(lambda: f.read(BLOCK), b""))


def _split(chunks: Iterable[bytes]) -> Iterator[bytes]:
    rest = b""
    for chunk in chunks:
        buf = rest + chunk
        lines = buf.split(b"\n")
        rest = lines.pop()
        if len(rest) > MAX_LINE:
            yield rest[:MAX_LINE]
            rest = b""
        for ln in lines:
            yield ln[:MAX_LINE] if len(ln) > MAX_LINE else ln
    if rest:
        yield rest


def file_lines(f: NodeLogFile) -> Iterator[bytes]:
    return _gzip_lines(f.path) if f.compressed else _plain_lines(f.path)


def entries(lines: Iterable[bytes]) -> Iterator[Entry]:
    """Group lines into entries: a line without a journal prefix continues the entry before
    it (journalctl indents multi-line messages); leading prefix-less lines are their own entry."""
    cur: Entry | None = None
    match = _PREFIX.match
    for ln in lines:
        m = match(ln)
        if m is None and cur is not None:
            cur.lines.append(ln)
            continue
        if cur is not None:
            yield cur
        cur = Entry([ln], m)
    if cur is not None:
        yield cur


def host_filter(node: str | None) -> Callable[[Entry], bool]:
    """Entries of ``node`` (every entry when None). Entries without a host (journalctl's
    ``-- No entries --`` / ``-- Logs begin at`` comments) belong to nobody in a shared file."""
    if node is None:
        return lambda e: True
    full, short = node.encode(), short_host(node).encode()

    def keep(e: Entry) -> bool:
        h = e.host
        return h is not None and (h == short or h == full or h.split(b".", 1)[0] == short)

    return keep


def scan(f: NodeLogFile) -> ScanResult:
    """One streamed pass: entries per host; a truncated/corrupt gzip gives ``error``. The hosts
    are found with one multi-line regex search per block (lines are not split in Python)."""
    res = ScanResult()
    counts: Counter[bytes] = Counter()
    try:
        opener = gzip.open if f.compressed else open
        with opener(f.path, "rb") as fh:
            rest = b""
            while chunk := fh.read(SCAN_BLOCK):
                buf = rest + chunk
                cut = buf.rfind(b"\n") + 1
                if cut == 0 and len(buf) > MAX_LINE:
                    cut = len(buf)  # no newline in a long stretch: scan it as is, never grow
                counts.update(_HOSTS.findall(buf, 0, cut))
                rest = buf[cut:]
            counts.update(_HOSTS.findall(rest))
        res.hosts = {h.decode("utf-8", "replace"): n for h, n in counts.items()}
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        res.error = f"truncated or corrupt gzip: {e}"
    except OSError as e:
        res.error = f"unreadable: {e}"
    return res


# every journal-prefixed line of a block, its host field captured (same shape as _PREFIX)
_HOSTS = re.compile(rb"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})? (\S+) ",
                    re.M)


def read_entries(f: NodeLogFile, keep: Callable[[Entry], bool]) -> Iterator[Entry]:
    """Entries of the file that pass ``keep``, in file order, streamed."""
    for e in entries(file_lines(f)):
        if keep(e):
            yield e


def tail_entries(f: NodeLogFile, keep: Callable[[Entry], bool], n: int) -> list[Entry]:
    """The last ``n`` entries that pass ``keep``, in file order. Plain files are read backwards
    block by block and the read stops once ``n`` are found; gzip cannot seek, so it streams
    through a bounded deque."""
    if n <= 0:
        return []
    if f.compressed:
        return list(deque(read_entries(f, keep), maxlen=n))
    out: list[Entry] = []
    pending: list[bytes] = []  # continuation lines seen (backwards) before their first line
    match = _PREFIX.match
    for ln in _reverse_lines(f.path):
        m = match(ln)
        if m is None:
            pending.append(ln)
            continue
        e = Entry([ln, *reversed(pending)], m)
        pending = []
        if keep(e):
            out.append(e)
            if len(out) >= n:
                break
    else:
        if pending:  # prefix-less lines at the very start of the file
            e = Entry(list(reversed(pending)))
            if keep(e):
                out.append(e)
    out.reverse()
    return out[-n:]


def _reverse_lines(path: Path) -> Iterator[bytes]:
    """Lines of a plain file from the last to the first, reading BLOCK bytes at a time."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        pos = fh.tell()
        rest = b""
        first = True
        while pos > 0:
            step = min(BLOCK, pos)
            pos -= step
            fh.seek(pos)
            buf = fh.read(step) + rest
            lines = buf.split(b"\n")
            rest = lines[0]
            if len(rest) > MAX_LINE:
                rest = rest[-MAX_LINE:]
            body = lines[1:]
            if first:
                first = False
                if body and body[-1] == b"":
                    body.pop()  # the file's final newline
            yield from reversed(body)
        if rest:
            yield rest
