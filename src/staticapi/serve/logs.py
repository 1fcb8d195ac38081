"""Pod logs from a must-gather, served the way kube-apiserver + kubelet serve them.

Why this module exists: ``kubectl logs`` (and the Python client's
``read_namespaced_pod_log``) talk to ``GET /api/v1/namespaces/<ns>/pods/<pod>/log``.
In a real cluster the apiserver validates the query (``PodLogOptions``), picks the
container, and proxies to the kubelet, which slices the CRI log file (tail, since,
limitBytes, timestamps).  A must-gather only has the log text that ``oc adm inspect``
saved, so this module re-creates both halves over those files:

* :func:`parse_log_options` -- query decoding + ``ValidatePodLogOptions``
  (kubernetes ``pkg/apis/core/validation/validation.go``), errors shaped as the
  apiserver's ``Status`` (400 for undecodable parameters, 422 Invalid for
  validation failures, see ``pkg/registry/core/pod/rest/log.go`` LogREST).
* :func:`select_container` -- ``validateContainer`` from
  ``pkg/registry/core/pod/strategy.go`` (LogLocation), same messages.
* :class:`LogIndex` -- finds the files for (namespace, pod, container, previous)
  under any number of must-gather roots.  Paths only ever come from directory
  listings, never from request input, so traversal is impossible.
* :func:`iter_log_chunks` / :func:`stream_log` -- the kubelet's
  ``pkg/kubelet/kuberuntime/logs/logs.go`` ReadLogs semantics (tail first, then the
  since filter, timestamps prefix, byte limit) implemented as a bounded-memory
  chunked stream: tail reads the file backwards in blocks like
  ``pkg/util/tail/tail.go`` FindTailLineStartIndex, gzip files are streamed.

File formats handled:

* ``oc adm inspect`` output (``current.log`` etc.): the kubelet's output with
  ``timestamps=true``, i.e. ``<RFC3339Nano> <message>`` per line.
* Raw CRI files (``logs/rotated/<n>.log.<YYYYMMDD-HHMMSS>[.gz]``, copied from
  ``/var/log/pods``): ``<RFC3339Nano> <stdout|stderr> <F|P> <message>``; these
  are converted exactly like the kubelet's ``parseCRILog`` + ``logWriter.write``
  (partial ``P`` lines joined, one timestamp per logical line).
* Plain text without timestamps (HyperShift dumps): served as is.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ..kube.status import StatusError

__all__ = [
    "LogError",
    "LogOptions",
    "LogIndex",
    "parse_log_options",
    "select_container",
    "resolve_log_files",
    "pod_not_found",
    "previous_not_found",
    "iter_log_chunks",
    "stream_log",
]

CHUNK_SIZE = 64 * 1024
_PROBE_SIZE = 8 * 1024
_LEAD_MAX = 1024 * 1024
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


# --------------------------------------------------------------------------- errors


class LogError(StatusError):
    """An error that becomes a ``metav1.Status`` response (status.py's StatusError).

    ``code``/``reason``/``message`` are the Status fields; ``details`` is the optional
    ``StatusDetails`` dict (name, kind, causes) exactly as the apiserver fills it.
    """

    def status(self) -> dict[str, Any]:
        """The ``Status`` body (key order as the apiserver's JSON encoder writes it)."""
        return orjson.loads(self.body())

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"LogError({self.code}, {self.reason!r}, {self.message!r})"


def _bad_request(message: str) -> LogError:
    # apimachinery pkg/api/errors NewBadRequest: no details.
    return LogError(400, "BadRequest", message)


def pod_not_found(name: str) -> LogError:
    """``pods "<name>" not found`` (apimachinery NewNotFound for resource ``pods``)."""
    return LogError(404, "NotFound", f'pods "{name}" not found', {"name": name, "kind": "pods"})


def previous_not_found(pod_name: str, container: str) -> LogError:
    """The kubelet's answer to ``previous=true`` without a terminated instance.

    kubelet ``validateContainerLogStatus`` returns
    ``previous terminated container %q in pod %q not found``; the kubelet server
    writes it with status 400 and the apiserver's ``GenericHttpResponseChecker``
    turns a 400 into ``NewBadRequest(body)``.
    """
    return _bad_request(f"previous terminated container {_goquote(container)} in pod {_goquote(pod_name)} not found")


def _goquote(s: str) -> str:
    """Go's ``%q`` for the printable strings we deal with (names, query values)."""
    out = ['"']
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class LogOptions:
    """Decoded ``PodLogOptions`` (core/v1), only the fields that affect the output."""

    container: str | None = None
    previous: bool = False
    timestamps: bool = False
    since_time: datetime | None = None
    since_seconds: int | None = None
    tail_lines: int | None = None
    limit_bytes: int | None = None
    follow: bool = False


def _q(query: Mapping[str, str], key: str) -> str | None:
    # url.Values -> the conversion functions always use the first value; aiohttp's
    # MultiDict .get() also returns the first one.
    v = query.get(key)
    return None if v is None else str(v)


def _parse_bool(v: str | None) -> bool:
    # apimachinery runtime Convert_Slice_string_To_bool: absent, "0" or "false"
    # (case-insensitive) are false; anything else, even "", is true.
    if v is None:
        return False
    return not (v == "0" or v.lower() == "false")


_INT_RE = re.compile(r"[+-]?[0-9]+\Z")


def _parse_int64(v: str | None) -> int | None:
    # runtime Convert_Slice_string_To_Pointer_int64 -> strconv.ParseInt(s, 10, 64);
    # its error text is returned unwrapped and the handler makes it a BadRequest.
    if v is None:
        return None
    if not _INT_RE.match(v):
        raise _bad_request(f"strconv.ParseInt: parsing {_goquote(v)}: invalid syntax")
    n = int(v)
    if n < _INT64_MIN or n > _INT64_MAX:
        raise _bad_request(f"strconv.ParseInt: parsing {_goquote(v)}: value out of range")
    return n


_RFC3339_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))\Z"
)


def _parse_rfc3339(v: str) -> datetime:
    """metav1.Time.UnmarshalQueryParameter: ``time.Parse(time.RFC3339, s)``.

    Go's RFC3339 parser accepts an optional fractional second.  The error text is
    an approximation of Go's ``parsing time ... as ...`` message.
    """
    m = _RFC3339_RE.match(v)
    err = _bad_request(f'parsing time {_goquote(v)} as "2006-01-02T15:04:05Z07:00": cannot parse {_goquote(v)} as "2006"')
    if not m:
        raise err
    y, mo, d, h, mi, s, frac, z, sign, oh, om = m.groups()
    try:
        tz = timezone.utc
        if not z:
            off = timedelta(hours=int(oh), minutes=int(om))
            if int(oh) > 23 or int(om) > 59:
                raise ValueError
            tz = timezone(off if sign == "+" else -off)
        us = int((frac or "0")[:6].ljust(6, "0"))
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), us, tzinfo=tz)
    except ValueError:
        raise err from None


def parse_log_options(query: Mapping[str, str], name: str = "") -> LogOptions:
    """Decode and validate the pod log query like kube-apiserver.

    Decoding failures (``tailLines=abc``) -> 400 BadRequest with the Go conversion
    error.  Validation (``ValidatePodLogOptions``) failures -> 422 Invalid
    ``PodLogOptions "<name>" is invalid: ...`` with causes, as LogREST does via
    ``errors.NewInvalid(api.Kind("PodLogOptions"), name, errs)``.
    ``name`` is the pod name used in that message.

    ``stream`` (PodLogsQuerySplitStreams, alpha and off by default in 1.33) and
    ``insecureSkipTLSVerifyBackend`` are accepted and ignored.
    """
    container = _q(query, "container") or None
    follow = _parse_bool(_q(query, "follow"))
    previous = _parse_bool(_q(query, "previous"))
    timestamps = _parse_bool(_q(query, "timestamps"))
    since_seconds = _parse_int64(_q(query, "sinceSeconds"))
    tail_lines = _parse_int64(_q(query, "tailLines"))
    limit_bytes = _parse_int64(_q(query, "limitBytes"))
    since_time = None
    st = _q(query, "sinceTime")
    # UnmarshalQueryParameter: "" and "null" mean the zero time.  The generated
    # conversion still allocates the pointer, so a zero sinceTime counts as "set"
    # for the mutual-exclusion check; it never filters anything.
    since_time_set = st is not None
    if st not in (None, "", "null"):
        since_time = _parse_rfc3339(st)

    # pkg/apis/core/validation ValidatePodLogOptions, in its order.
    causes: list[tuple[str, str, str]] = []  # (type, field, ErrorBody())
    if tail_lines is not None and tail_lines < 0:
        causes.append(("FieldValueInvalid", "tailLines", f"Invalid value: {tail_lines}: must be greater than or equal to 0"))
    if limit_bytes is not None and limit_bytes < 1:
        causes.append(("FieldValueInvalid", "limitBytes", f"Invalid value: {limit_bytes}: must be greater than 0"))
    if since_seconds is not None and since_time_set:
        causes.append(("FieldValueForbidden", "", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"))
    elif since_seconds is not None and since_seconds < 1:
        causes.append(("FieldValueInvalid", "sinceSeconds", f"Invalid value: {since_seconds}: must be greater than 0"))
    if causes:
        raise _invalid(name, causes)

    return LogOptions(
        container=container,
        previous=previous,
        timestamps=timestamps,
        since_time=since_time,
        since_seconds=since_seconds,
        tail_lines=tail_lines,
        limit_bytes=limit_bytes,
        follow=follow,
    )


def _invalid(name: str, causes: list[tuple[str, str, str]]) -> LogError:
    # apimachinery NewInvalid: message "<Kind> %q is invalid: <aggregate>", where a
    # field.Error prints as "<field>: <body>" (an empty field leaves ": <body>")
    # and an aggregate of several errors prints as "[e1, e2]" (duplicates dropped).
    msgs: list[str] = []
    for _t, fld, body in causes:
        m = f"{fld}: {body}"
        if m not in msgs:
            msgs.append(m)
    agg = msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]"
    return LogError(
        422,
        "Invalid",
        f"PodLogOptions {_goquote(name)} is invalid: {agg}",
        {
            "name": name,
            "kind": "PodLogOptions",
            # metav1.StatusCause: reason, message, field -- all omitempty.
            "causes": [{"reason": t, "message": body, **({"field": fld} if fld else {})} for t, fld, body in causes],
        },
    )


# --------------------------------------------------------------------------- containers


def _names(items: Any) -> list[str]:
    return [c.get("name", "") for c in (items or []) if isinstance(c, dict)]


def select_container(pod: dict, container: str | None) -> str:
    """kube-apiserver ``validateContainer`` (pkg/registry/core/pod/strategy.go).

    * no container and exactly one in ``spec.containers`` -> that one (init and
      ephemeral containers do not count here);
    * none at all -> ``a container name must be specified for pod <name>``;
    * several -> ``..., choose one of: [<names>]`` where the names come from
      ``podutil.VisitContainers``: init containers, containers, then ephemeral
      containers (the v1.33 text; the older "or one of the init containers: [...]"
      suffix no longer exists upstream);
    * unknown name -> ``container <c> is not valid for pod <name>``.
    All are 400 BadRequest.
    """
    spec = pod.get("spec") or {}
    name = (pod.get("metadata") or {}).get("name", "")
    containers = _names(spec.get("containers"))
    everything = _names(spec.get("initContainers")) + containers + _names(spec.get("ephemeralContainers"))
    if not container:
        if len(containers) == 1:
            return containers[0]
        if not containers:
            raise _bad_request(f"a container name must be specified for pod {name}")
        raise _bad_request(f"a container name must be specified for pod {name}, choose one of: [{' '.join(everything)}]")
    if container not in everything:
        raise _bad_request(f"container {container} is not valid for pod {name}")
    return container


# --------------------------------------------------------------------------- index

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


# --------------------------------------------------------------------------- timestamps

_TS = rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})"
_TS_PREFIX_RE = re.compile(rb"(" + _TS + rb") ")
_TS_STRIP_RE = re.compile(rb"(?m)^" + _TS + rb" ")
_TS_LINE_RE = re.compile(rb"(?m)^(" + _TS + rb") ")
# kubelet parseCRILog: "<ts> <stdout|stderr> <tag[:tag...]> <content>"
_CRI_RE = re.compile(rb"(" + _TS + rb") (stdout|stderr) ([^ \n]*) ")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _ts_ns(b: bytes) -> int:
    """Nanoseconds since the epoch of an RFC3339(Nano) timestamp matched by _TS."""
    days = date(int(b[0:4]), int(b[5:7]), int(b[8:10])).toordinal() - _EPOCH_ORDINAL
    secs = days * 86400 + int(b[11:13]) * 3600 + int(b[14:16]) * 60 + int(b[17:19])
    i = 19
    frac = 0
    if b[i : i + 1] == b".":
        j = i + 1
        while j < len(b) and 48 <= b[j] <= 57:
            j += 1
        frac = int(b[i + 1 : j].ljust(9, b"0")[:9])
        i = j
    if b[i : i + 1] != b"Z":
        off = int(b[i + 1 : i + 3]) * 3600 + int(b[i + 4 : i + 6]) * 60
        secs -= off if b[i : i + 1] == b"+" else -off
    return secs * 1_000_000_000 + frac


def _fixed_ts(b: bytes) -> bytes:
    """Re-format as the kubelet's RFC3339NanoFixed (9 fraction digits, Z for UTC)."""
    main = b[:19]
    i = 19
    frac = b""
    if b[i : i + 1] == b".":
        j = i + 1
        while j < len(b) and 48 <= b[j] <= 57:
            j += 1
        frac = b[i + 1 : j]
        i = j
    tz = b[i:]
    if tz in (b"+00:00", b"-00:00"):
        tz = b"Z"
    return main + b"." + frac.ljust(9, b"0")[:9] + tz


def _ns_to_fixed(ns: int) -> bytes:
    secs, frac = divmod(ns, 1_000_000_000)
    dt = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=secs)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{frac:09d}Z".encode()


def _since_ns(opts: LogOptions, now: datetime) -> int | None:
    """kubelet NewLogOptions: since = now - sinceSeconds, or sinceTime if later.

    ``now`` is the must-gather collection time.  The apiserver forwards sinceTime
    to the kubelet as ``Format(time.RFC3339)`` (LogLocation), which drops the
    fraction, so the effective value is truncated to whole seconds.
    """
    since: int | None = None
    if opts.since_seconds is not None:
        n = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        since = _dt_ns(n) - opts.since_seconds * 1_000_000_000
    if opts.since_time is not None:
        st = opts.since_time if opts.since_time.tzinfo else opts.since_time.replace(tzinfo=timezone.utc)
        st_ns = _dt_ns(st.replace(microsecond=0))
        if since is None or st_ns > since:
            since = st_ns
    return since


def _dt_ns(dt: datetime) -> int:
    d = dt.astimezone(timezone.utc)
    days = d.date().toordinal() - _EPOCH_ORDINAL
    return (days * 86400 + d.hour * 3600 + d.minute * 60 + d.second) * 1_000_000_000 + d.microsecond * 1000


class _SinceCheck:
    """``not ts.Before(since)`` with a byte-compare fast path for canonical UTC stamps."""

    def __init__(self, since_ns: int):
        self.since_ns = since_ns
        self.key = _ns_to_fixed(since_ns)  # 30 bytes, ends with Z

    def keep(self, ts: bytes) -> bool:
        if len(ts) == 30 and ts[-1:] == b"Z":
            return ts >= self.key
        return _ts_ns(ts) >= self.since_ns


# --------------------------------------------------------------------------- reading

Opener = Callable[[Path, str], BinaryIO]


def _default_opener(path: Path, mode: str) -> BinaryIO:
    # O_NOFOLLOW: a file swapped for a symlink after indexing is still refused.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    return os.fdopen(fd, mode)  # noqa: SIM115 - closed by the callers


def _is_gzip(path: Path, opener: Opener) -> bool:
    with opener(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


@dataclass
class _Part:
    path: Path
    gz: bool
    offset: int = 0  # plain files: byte offset to start at
    skip_lines: int = 0  # gzip files: lines to drop first


def _tail_offset(path: Path, n: int, opener: Opener, block: int) -> tuple[int | None, int]:
    """Start offset of the last ``n`` lines, reading backwards in blocks.

    Returns ``(offset, 0)`` when the file holds at least ``n`` lines, else
    ``(None, lines_in_file)``.  Like pkg/util/tail FindTailLineStartIndex, but an
    unterminated last line counts as a line (it is served, so it is one of the
    last N lines a user sees).
    """
    with opener(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        if size == 0:
            return None, 0
        f.seek(size - 1)
        ends_nl = f.read(1) == b"\n"
        need = n + 1 if ends_nl else n  # newlines to walk back over
        pos = size
        found = 0
        while pos > 0:
            start = max(0, pos - block)
            f.seek(start)
            buf = f.read(pos - start)
            cnt = buf.count(b"\n")
            if found + cnt >= need:
                idx = len(buf)
                for _ in range(need - found):
                    idx = buf.rfind(b"\n", 0, idx)
                return start + idx + 1, 0
            found += cnt
            pos = start
        return None, found if ends_nl else found + 1


def _gz_count_lines(path: Path, opener: Opener, block: int) -> int:
    with opener(path, "rb") as raw, gzip.GzipFile(fileobj=raw) as f:
        count = 0
        last = b"\n"
        while True:
            buf = f.read(block)
            if not buf:
                break
            count += buf.count(b"\n")
            last = buf[-1:]
        return count if last == b"\n" else count + 1


def _plan_tail(files: list[Path], n: int, opener: Opener, block: int) -> list[_Part]:
    parts: list[_Part] = []
    for path in reversed(files):
        if n <= 0:
            break
        if _is_gzip(path, opener):
            lines = _gz_count_lines(path, opener, block)
            if lines >= n:
                parts.append(_Part(path, True, skip_lines=lines - n))
                break
            parts.append(_Part(path, True))
            n -= lines
        else:
            off, lines = _tail_offset(path, n, opener, block)
            if off is not None:
                parts.append(_Part(path, False, offset=off))
                break
            parts.append(_Part(path, False))
            n -= lines
    parts.reverse()
    return parts


def _since_offset(path: Path, check: _SinceCheck, opener: Opener) -> int:
    """Binary search for a line start before which every line is older than since.

    Assumes timestamps grow through the file (they do, up to stdout/stderr
    interleaving of a few microseconds); everything from the returned offset on is
    still filtered line by line, so only grossly out-of-order lines could differ
    from the kubelet.  Files without timestamps give 0 (linear scan).
    """
    with opener(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        lo, hi = 0, size
        while hi - lo > _PROBE_SIZE:
            mid = (lo + hi) // 2
            f.seek(mid)
            buf = f.read(_PROBE_SIZE)
            nl = buf.find(b"\n")
            if nl < 0:
                break
            m = _TS_LINE_RE.search(buf, nl + 1)
            if m is None:
                break
            ts_pos = mid + m.start()
            if not check.keep(m.group(1)):
                if ts_pos >= hi:
                    break  # not monotonic: keep the safe, smaller lo
                lo = ts_pos
            else:
                hi = mid
        return lo


def _plan(files: list[Path], opts: LogOptions, since: _SinceCheck | None, opener: Opener, block: int) -> list[_Part]:
    if opts.tail_lines is not None:
        # kubelet: the tail start is found first, then lines are filtered by since.
        return _plan_tail(files, opts.tail_lines, opener, block)
    parts = []
    for path in files:
        gz = _is_gzip(path, opener)
        off = 0
        if since is not None and not gz:
            off = _since_offset(path, since, opener)
        parts.append(_Part(path, gz, offset=off))
    return parts


def _read_part(part: _Part, opener: Opener, block: int) -> Iterator[bytes]:
    with opener(part.path, "rb") as raw:
        f: BinaryIO = raw
        gzf = None
        if part.gz:
            gzf = gzip.GzipFile(fileobj=raw)
            f = gzf  # type: ignore[assignment]
        try:
            if part.offset:
                f.seek(part.offset)
            skip = part.skip_lines
            while True:
                buf = f.read(block)
                if not buf:
                    return
                while skip and buf:
                    nl = buf.find(b"\n")
                    if nl < 0:
                        buf = b""
                        break
                    buf = buf[nl + 1 :]
                    skip -= 1
                if buf:
                    yield buf
        finally:
            if gzf is not None:
                gzf.close()


class _LineFilter:
    """Per-request line processing: timestamps, since, byte limit.

    State crosses file boundaries (the limit, the time of the last stamped line);
    the format (inspect text vs raw CRI) is sniffed per file.
    """

    PLAIN, CRI = 0, 1

    def __init__(self, opts: LogOptions, since: _SinceCheck | None):
        self.timestamps = opts.timestamps
        self.since = since
        self.remaining = opts.limit_bytes  # None = unlimited
        self.done = False
        # Verdict of the last stamped line; None until one is seen.  Unstamped lines
        # before the first stamp are held in ``lead`` and share its verdict (they
        # are older than it); with no stamp anywhere they are all kept.
        self.last_keep: bool | None = None
        self.lead: list[bytes] = []
        self.lead_size = 0
        self.new_line = True  # CRI: next message starts a new logical line
        self.pending = b""
        self.fmt: int | None = None

    def begin_file(self) -> None:
        self.pending = b""
        self.fmt = None

    def feed(self, raw: bytes) -> bytes:
        data = self.pending + raw if self.pending else raw
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            self.pending = data
            return b""
        self.pending = data[cut:]
        return self._limit(self._block(data[:cut]))

    def end_file(self) -> bytes:
        """Flush an unterminated last line (kubelet writes it as is)."""
        data, self.pending = self.pending, b""
        return self._limit(self._block(data)) if data else b""

    def finish(self) -> bytes:
        """End of the stream: lines that never met a timestamp are kept."""
        if not self.lead:
            return b""
        out, self.lead, self.lead_size = b"".join(self.lead), [], 0
        self.last_keep = True
        return self._limit(out)

    def _limit(self, out: bytes) -> bytes:
        # kubelet logWriter.write: cut the line that crosses the limit, then stop.
        if self.remaining is not None and out:
            if len(out) >= self.remaining:
                out = out[: self.remaining]
                self.remaining = 0
                self.done = True
            else:
                self.remaining -= len(out)
        return out

    def _block(self, block: bytes) -> bytes:
        if self.fmt is None:
            self.fmt = self.CRI if _CRI_RE.match(block) else self.PLAIN
        if self.fmt == self.CRI:
            return self._cri(block)
        if self.since is None:
            return block if self.timestamps else _TS_STRIP_RE.sub(b"", block)
        return self._plain_since(block)

    @staticmethod
    def _lines(block: bytes) -> Iterator[tuple[bytes, bytes]]:
        ends = block.endswith(b"\n")
        body = block[:-1] if ends else block
        lines = body.split(b"\n")
        last = len(lines) - 1
        for i, line in enumerate(lines):
            yield line, (b"\n" if (i < last or ends) else b"")

    def _plain_since(self, block: bytes) -> bytes:
        assert self.since is not None
        keep_ts = self.since.keep
        out: list[bytes] = []
        for line, nl in self._lines(block):
            m = _TS_PREFIX_RE.match(line)
            if m is not None:
                self.last_keep = keep = keep_ts(m.group(1))
                if self.lead:
                    if keep:
                        out.extend(self.lead)
                    self.lead, self.lead_size = [], 0
                if keep:
                    out.append(line if self.timestamps else line[m.end() :])
                    out.append(nl)
            elif self.last_keep is None:
                self.lead.append(line + nl)
                self.lead_size += len(line) + 1
                if self.lead_size > _LEAD_MAX:  # evidently a file without timestamps
                    out.extend(self.lead)
                    self.lead, self.lead_size = [], 0
                    self.last_keep = True
            elif self.last_keep:
                # No timestamp (continuation text): it belongs with the line before.
                out.append(line)
                out.append(nl)
        return b"".join(out)

    def _cri(self, block: bytes) -> bytes:
        # kubelet parseCRILog + logWriter.write(msg, addPrefix=isNewLine).
        out: list[bytes] = []
        for line, nl in self._lines(block):
            m = _CRI_RE.match(line)
            if m is None:
                continue  # kubelet: "Failed when parsing line in log file" -> skipped
            ts = m.group(1)
            partial = m.group(3).split(b":", 1)[0] == b"P"
            content = line[m.end() :] + (b"" if partial else nl)
            add_prefix = self.new_line
            self.new_line = not partial
            if self.since is not None and not self.since.keep(ts):
                continue
            if self.timestamps and add_prefix:
                out.append(_fixed_ts(ts) + b" ")
            out.append(content)
        return b"".join(out)


class _Reader:
    """Produces the response body; keeps the state ``follow_forever`` continues from."""

    def __init__(self, files: list[Path], opts: LogOptions, now: datetime, opener: Opener | None, chunk_size: int):
        self.files = list(files)
        self.opts = opts
        self.opener = opener or _default_opener
        self.chunk_size = chunk_size
        since_ns = _since_ns(opts, now)
        self.filter = _LineFilter(opts, _SinceCheck(since_ns) if since_ns is not None else None)
        self.last_path: Path | None = None
        self.last_pos = 0  # bytes of last_path consumed (plain files only)

    def chunks(self) -> Iterator[bytes]:
        opts = self.opts
        if not self.files or opts.tail_lines == 0:
            return
        flt = self.filter
        parts = _plan(self.files, opts, flt.since, self.opener, self.chunk_size)
        for part in parts:
            flt.begin_file()
            pos = part.offset
            for raw in _read_part(part, self.opener, self.chunk_size):
                pos += len(raw)
                out = flt.feed(raw)
                if out:
                    yield out
                if flt.done:
                    return
            out = flt.end_file()
            if out:
                yield out
            if flt.done:
                return
            self.last_path = None if part.gz else part.path
            self.last_pos = pos
        out = flt.finish()
        if out:
            yield out

    def more(self) -> bytes:
        """follow_forever: whatever was appended to the last file since we read it."""
        path = self.last_path
        if path is None or self.filter.done:
            return b""
        try:
            size = os.stat(path).st_size
        except OSError:
            return b""
        if size < self.last_pos:  # truncated / replaced: start over
            self.last_pos = 0
            self.filter.pending = b""
        if size == self.last_pos:
            return b""
        out: list[bytes] = []
        with self.opener(path, "rb") as f:
            f.seek(self.last_pos)
            while not self.filter.done:
                buf = f.read(self.chunk_size)
                if not buf:
                    break
                self.last_pos += len(buf)
                out.append(self.filter.feed(buf))
        return b"".join(out)


def iter_log_chunks(
    files: list[Path],
    opts: LogOptions,
    now: datetime,
    *,
    opener: Opener | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """The selected log bytes as a stream of chunks (pure, synchronous).

    ``files`` in output order (``LogIndex.files``); ``now`` is the must-gather
    collection time that ``sinceSeconds`` counts back from.  ``opener`` lets tests
    observe how many bytes are read.
    """
    return _Reader(files, opts, now, opener, chunk_size).chunks()


_END = object()


async def stream_log(
    request: Any,
    files: list[Path],
    opts: LogOptions,
    now: datetime,
    *,
    follow_forever: bool = False,
    poll_interval: float = 1.0,
    chunk_size: int = CHUNK_SIZE,
) -> Any:
    """Write the log as a chunked ``text/plain`` 200 response and return it.

    File reads happen in the default executor, one chunk at a time, so a 50 MB log
    never blocks the event loop nor sits in memory.  With ``follow=true`` the
    response ends after the saved content (a must-gather does not grow), unless
    ``follow_forever`` is set (live reload): then the last plain file is polled for
    appended data until the client goes away.
    """
    from aiohttp import web  # local import keeps the pure parts importable without aiohttp

    resp = web.StreamResponse(status=200)
    # LogREST / LocationStreamer use ContentType "text/plain" (no charset).
    resp.headers["Content-Type"] = "text/plain"
    resp.enable_chunked_encoding()
    await resp.prepare(request)

    reader = _Reader(files, opts, now, None, chunk_size)
    it = reader.chunks()
    loop = asyncio.get_running_loop()
    try:
        while True:
            chunk = await loop.run_in_executor(None, next, it, _END)
            if chunk is _END:
                break
            await resp.write(chunk)  # type: ignore[arg-type]
        if opts.follow and follow_forever and reader.last_path is not None:
            while not reader.filter.done:
                transport = request.transport
                if transport is None or transport.is_closing():
                    break
                data = await loop.run_in_executor(None, reader.more)
                if data:
                    await resp.write(data)
                else:
                    await asyncio.sleep(poll_interval)
    except (ConnectionResetError, asyncio.CancelledError):
        _close(it)
        raise
    _close(it)
    await resp.write_eof()
    return resp


def _close(it: Iterator[bytes]) -> None:
    # After a cancellation the executor thread may still be inside next(it);
    # the generator is then closed by garbage collection instead.
    try:
        it.close()  # type: ignore[attr-defined]
    except ValueError:
        pass
