"""Turn object files into (metadata, JSON bytes) records, on every core.

Parsing YAML is the bottleneck of a multi-GB must-gather, so files are parsed
in worker processes that return bytes, never Python object trees: each object
is serialised to JSON once, here, and the store keeps those bytes. The main
process only sees small metadata tuples plus the bytes.

Rules applied to what a file holds (see the issue "Serve a must-gather"):
* a List (`kind: List` or `*List`) is unwrapped; items lacking kind or
  apiVersion take them from the List (`PodList` -> `Pod`);
* `items: null` is an empty List;
* anything that is not an object with `metadata.name` is reported, not served;
* Events are also converted to the other API group's form (events.py).
"""

from __future__ import annotations

import functools
import gc
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..kube import events as ev
from . import codec
from .layout import ObjectFile
from .parse import SMALL_FILE, ParseError, batchable, load_documents_json, load_single_documents

_DUMP_OPTS = orjson.OPT_NON_STR_KEYS


@dataclass(slots=True)
class Record:
    """One object as the store needs it. `raw` is the object's JSON."""

    group: str
    version: str
    kind: str
    namespace: str
    name: str
    uid: str
    rv: int
    labels: dict[str, str] | None
    raw: bytes
    rel: str  # file it came from (relative), for messages
    from_list: bool
    converted: bool = False  # an Event converted from the other group's form
    hint: tuple[str | None, str | None] = (None, None)  # group/resource the path implies

    def __reduce__(self):
        # workers send 100k+ of these: a plain argument tuple pickles ~2x faster than slots state
        return Record, (self.group, self.version, self.kind, self.namespace, self.name, self.uid, self.rv,
                        self.labels, self.raw, self.rel, self.from_list, self.converted, self.hint)


@dataclass
class FileResult:
    rel: str
    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    newest: str = ""  # newest RFC3339 timestamp seen (collection-time fallback)
    # Not parsed: the file's one object, identified by a metadata scan, is
    # expected to be a List item's twin: (group, version, kind, namespace, name, uid, rv)
    quick: tuple | None = None

    def __reduce__(self):
        return FileResult, (self.rel, self.records, self.problems, self.newest, self.quick)


# A per-object file as `oc adm inspect` writes it: one document, sorted keys,
# `apiVersion`/`kind`/`metadata` at column 0 and metadata's fields at two spaces.
# Found with bytes.find (a multi-line regex would test every position of a 10 KB pod).
_Q_VALUE = re.compile(rb"(?:\"([^\"\\\n]*)\"|'([^'\n]*)'|([^\n'\"#&*!|>{}\[\]]+?))[ ]*")
_Q_META_BLOCK = re.compile(rb"(?:  [^\n]*\n)+")


def _q_line(body: bytes, key: bytes, lo: int = 0, hi: int | None = None) -> bytes | None:
    """The value of the one line `<key>: <value>` starting at a line start in body[lo:hi] (key
    includes any indentation); None when absent, repeated or not a plain or simply quoted scalar."""
    hi = len(body) if hi is None else hi
    needle = b"\n" + key + b": "
    if lo == 0 and body.startswith(key + b": "):
        i = 0
    else:
        i = body.find(needle, max(lo - 1, 0), hi)
        if i < 0:
            return None
        i += 1
    start = i + len(key) + 2
    end = body.find(b"\n", start, hi)
    end = hi if end < 0 else end
    if body.find(needle, end - 1, hi) >= 0:
        return None  # a duplicate key: leave it to the parser
    m = _Q_VALUE.fullmatch(body, start, end)
    if m is None:
        return None
    return m.group(1) or m.group(2) or m.group(3) or b""


def quick_identity(data: bytes) -> tuple | None:
    """(group, version, kind, namespace, name, uid, rv) of a single-object YAML file by a byte
    scan, or None when the file is not plainly of that shape (then it is parsed normally)."""
    body = data[4:] if data.startswith(b"---\n") else data
    if b"\n---" in body or body.startswith(b"---") or b"\t" in body[:4096]:
        return None
    av, kind = _q_line(body, b"apiVersion"), _q_line(body, b"kind")
    if not av or not kind:
        return None
    if body.startswith(b"metadata:\n"):
        at = len(b"metadata:\n")
    else:
        at = body.find(b"\nmetadata:\n")
        if at < 0 or body.find(b"\nmetadata:", at + 1) >= 0:
            return None
        at += len(b"\nmetadata:\n")
    m = _Q_META_BLOCK.match(body, at)
    if m is None:
        return None
    lo, hi = m.start(), m.end()
    name, ns, rv, uid = (_q_line(body, b"  " + k, lo, hi) for k in (b"name", b"namespace", b"resourceVersion", b"uid"))
    if not (rv and rv.isdigit() and uid and name):
        return None
    try:
        g, v = split_api_version(av.decode())
        return (g, v, kind.decode(), (ns or b"").decode(), name.decode(), uid.decode(), int(rv))
    except UnicodeDecodeError:
        return None


def split_api_version(api_version: str) -> tuple[str, str]:
    if "/" in api_version:
        g, _, v = api_version.partition("/")
        return g, v
    return "", api_version


def dumps(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj, option=_DUMP_OPTS)
    except TypeError:
        # Integers beyond 64 bits and other values orjson refuses: the
        # stdlib encoder keeps them exactly.
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _rv(meta: dict) -> int:
    v = meta.get("resourceVersion")
    if isinstance(v, str) and v.isdigit():
        return int(v)
    if isinstance(v, int) and v >= 0:
        return v
    return 0


# Fields that record when something was observed or happened: without a `timestamp` file the
# collection time is the newest of these. Never a date that says when something will happen:
# every OpenShift MachineConfigPool carries status.certExpirys[].expiry years ahead, Secrets carry
# certificate-not-after annotations (issue 19: a 2022 must-gather's nodes were 12 years old).
OBSERVED_TIME_FIELDS = (
    # conditions (metav1.Condition, NodeCondition, PodCondition, Deployment conditions ...)
    "lastTransitionTime", "lastHeartbeatTime", "lastProbeTime", "lastUpdateTime",
    # core/v1 and events.k8s.io/v1 Events (series.lastObservedTime)
    "eventTime", "firstTimestamp", "lastTimestamp", "lastObservedTime", "deprecatedFirstTimestamp",
    "deprecatedLastTimestamp",
    "time",  # metadata.managedFields[].time
    "creationTimestamp", "deletionTimestamp",
    "renewTime", "acquireTime",  # Lease heartbeats (coordination.k8s.io)
    "startedAt", "finishedAt", "startTime", "completionTime",  # containers, pods, jobs
)
# `"field":"time"` as JSON writes it; a field's name inside a string value is escaped (\"time\") and
# does not match. A fixed alternation: linear in the object's size.
_TS = re.compile(rb'"(?:' + b"|".join(f.encode() for f in OBSERVED_TIME_FIELDS)
                 + rb')"\s*:\s*"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)"')


def _newest(raw: bytes) -> str:
    """The newest observed time in the object (OBSERVED_TIME_FIELDS): the collection-time fallback
    when a must-gather has no `timestamp` file."""
    found = _TS.findall(raw)
    return max(found).decode() if found else ""


def _objects(docs: list[tuple[Any, Any]], problems: list[str]) -> Iterator[tuple[dict, bool, bytes | None]]:
    """Yield (object, came_from_list, its JSON if the parser made it) for every object in the
    documents (parse.load_documents_json)."""
    for i, (doc, js) in enumerate(docs):
        where = f"document {i + 1}: " if len(docs) > 1 else ""
        if not isinstance(doc, dict):
            problems.append(f"{where}not an object ({type(doc).__name__})")
            continue
        kind = doc.get("kind")
        if "items" in doc and isinstance(kind, str) and (kind == "List" or kind.endswith("List")):
            items = doc.get("items") or []
            if not isinstance(items, list):
                problems.append(f"{where}items is not a list")
                continue
            item_kind = kind[: -len("List")] if kind != "List" else None
            list_av = doc.get("apiVersion")
            item_js = js if type(js) is list and len(js) == len(items) else None
            for j, item in enumerate(items):
                if not isinstance(item, dict):
                    problems.append(f"{where}item {j}: not an object")
                    continue
                raw = item_js[j] if item_js is not None else None
                if item_kind and "kind" not in item:
                    item, raw = {"kind": item_kind, **item}, None
                if "apiVersion" not in item and isinstance(list_av, str) and item_kind:
                    item, raw = {"apiVersion": list_av, **item}, None
                yield item, True, raw
        else:
            yield doc, False, js if type(js) is bytes else None


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_file(path: str, size: int) -> bytes:
    """The file's bytes (never following a symlink, never blocking on a fifo), in one read when
    it still has the size the scan saw (a buffered file object costs more than the read)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        chunks = []
        if 0 <= size < 1 << 30:  # (one read returns at most ~2 GiB)
            data = os.read(fd, size + 1)
            if len(data) == size:
                return data
            chunks.append(data)  # it changed since the scan: read to the end
        while chunk := os.read(fd, 1 << 24):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def process_file(f: ObjectFile, quick: bool = False, newest: bool = True) -> FileResult:
    """Parse one file; never raises for bad content.

    With `quick`, a per-object file with a List beside it (`f.twin`) that a
    metadata scan identifies is not parsed: its FileResult carries only
    `quick` (see resolve_quick). Without `newest`, the newest timestamp (the
    collection time of a must-gather without `timestamp` files) is not sought."""
    res, data = _read(f, quick)
    if data is not None:
        _parse_into(res, f, data, newest)
    return res


def process_files(files: list[ObjectFile], quick: bool = False, newest: bool = True) -> list[FileResult]:
    """process_file for each file, in order; small one-document files are parsed several at a time
    (parse.load_single_documents), each alone when their batch is in any doubt."""
    out: list[FileResult] = []
    batch: list[tuple[FileResult, ObjectFile, bytes, bytes]] = []
    for f in files:
        res, data = _read(f, quick)
        out.append(res)
        if data is None:
            continue
        body = batchable(data) if len(data) <= SMALL_FILE and f.path.endswith((".yaml", ".yml")) else None
        if body is None:
            _parse_into(res, f, data, newest)
            continue
        batch.append((res, f, data, body))
        if len(batch) >= _BATCH_FILES:
            _parse_batch(batch, newest)
            batch = []
    _parse_batch(batch, newest)
    return out


_BATCH_FILES = 32


def _parse_batch(batch: list[tuple[FileResult, ObjectFile, bytes, bytes]], newest: bool) -> None:
    docs = load_single_documents([body for _, _, _, body in batch]) if len(batch) > 1 else None
    for i, (res, f, data, _) in enumerate(batch):
        if docs is None:
            _parse_into(res, f, data, newest)
        else:
            _records_into(res, f, [docs[i]], newest)


def _read(f: ObjectFile, quick: bool) -> tuple[FileResult, bytes | None]:
    """The file's FileResult and bytes to parse; no bytes when nothing is left to do (unreadable,
    empty, or identified by the quick scan)."""
    res = FileResult(rel=f.rel)
    try:
        data = read_file(f.path, f.size)
    except OSError as e:
        res.problems.append(f"unreadable: {e.strerror or e}")
        return res, None
    if quick and f.twin and f.path.endswith((".yaml", ".yml")):
        ident = quick_identity(data)
        if ident is not None:
            res.quick = ident
            return res, None
    if not data or data.isspace():
        res.problems.append("empty file")
        return res, None
    return res, data


def _parse_into(res: FileResult, f: ObjectFile, data: bytes, newest: bool) -> None:
    try:
        docs = load_documents_json(data)
    except ParseError as e:
        res.problems.append(str(e))
        return
    except RecursionError:
        res.problems.append("nesting too deep")
        return
    if not docs:
        res.problems.append("no documents")
        return
    _records_into(res, f, docs, newest)


def _records_into(res: FileResult, f: ObjectFile, docs: list, newest: bool) -> None:
    for obj, from_list, raw in _objects(docs, res.problems):
        rec = _record(obj, from_list, f, res, newest, raw)
        if rec is not None:
            res.records.append(rec)


@functools.cache
def _path_kinds() -> dict[tuple[str, str], tuple[str, str]]:
    from ..kube import registry

    out: dict[tuple[str, str], tuple[str, str]] = {}
    for r in registry.builtin_resources() + registry.openshift_resources():
        out.setdefault((r.group, r.plural), (r.kind, r.group_version))
    try:
        from ..kube import crdprinter

        for c in crdprinter.bundled_crds():
            vs = [v["name"] for v in c.get("versions", []) if v.get("storage")] or [c["versions"][0]["name"]]
            out.setdefault((c["group"], c["plural"]), (c["kind"], f"{c['group']}/{vs[0]}"))
    except (ImportError, KeyError, IndexError):
        pass
    return out


def path_kind(group: str | None, resource: str | None) -> tuple[str, str] | None:
    """(kind, apiVersion) of a known resource named by a file's path."""
    if group is None or not resource:
        return None
    return _path_kinds().get((group, resource))


def _record(obj: dict, from_list: bool, f: ObjectFile, res: FileResult, newest: bool = True,
            raw: bytes | None = None) -> Record | None:
    """The Record of one object; `raw` is its JSON if the parser made it (else it is made here)."""
    meta = obj.get("metadata")
    kind = obj.get("kind")
    av = obj.get("apiVersion")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        res.problems.append(f"{kind or 'object'} without metadata.name")
        return None
    if not isinstance(kind, str) or not kind:
        # A generic `kind: List` item without kind: only the path can tell
        # (namespaces/<ns>/<group>/<resource>.yaml names the resource).
        known = path_kind(f.group, f.resource) if from_list else None
        if known is None:
            res.problems.append(f"object {meta['name']!r} without kind")
            return None
        kind = known[0]
        if not isinstance(av, str) or not av:
            av = known[1]
        obj = {"kind": kind, "apiVersion": av, **{k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}}
        raw = None
    if not isinstance(av, str) or not av:
        res.problems.append(f"{kind} {meta['name']!r} without apiVersion")
        return None
    ns = meta.get("namespace")
    if not isinstance(ns, str):
        ns = ""
    labels = meta.get("labels")
    if not isinstance(labels, dict) or not labels:
        labels = None
    else:
        labels = {str(k): "" if v is None else str(v) for k, v in labels.items()}
    uid = meta.get("uid")
    group, version = split_api_version(av)
    if raw is None:
        raw = dumps(obj)
    if newest:
        ts = _newest(raw)
        if ts > res.newest:
            res.newest = ts
    rec = Record(
        group=group,
        version=version,
        kind=kind,
        namespace=ns,
        name=meta["name"],
        uid=uid if isinstance(uid, str) else "",
        rv=_rv(meta),
        labels=labels,
        raw=raw,
        rel=f.rel,
        from_list=from_list,
        hint=(f.group, f.resource),
    )
    if kind == "Event" and group in ("", "events.k8s.io"):
        other = ev.to_v1(obj) if group == "" else ev.to_core(obj)
        og, ov = split_api_version(other["apiVersion"])
        res.records.append(
            Record(og, ov, "Event", ns, meta["name"], rec.uid, rec.rv, labels,
                   dumps(other), f.rel, from_list, converted=True, hint=(og, "events"))
        )
    return rec


def _process_batch(files: list[ObjectFile] | list[int], quick: bool = False, newest: bool = True,
                   zdict: bytes | None = None) -> list[FileResult]:
    gc.disable()
    try:
        if files and type(files[0]) is int:  # a forked worker: positions in the list it inherited
            files = [_FORKED_FILES[i] for i in files]
        results = process_files(files, quick, newest)
        if zdict is not None:
            # compressed here, on every core, the objects' bytes also cross the pipe at a seventh of their size
            records = [rec for res in results for rec in res.records]
            for rec, z in zip(records, codec.compress_many([rec.raw for rec in records], codec.loaded(zdict),
                                                           threads=0)):
                rec.raw = z
        return results
    finally:
        gc.enable()


# The files of the parse_files running in this process, when its workers are forked: they inherit
# the list, and tasks name files by position (pickling 40k file entries costs 0.6 CPU-s otherwise).
_FORKED_FILES: list[ObjectFile] = []


BATCH_BYTES = 4 << 20  # a parse worker's task


def _batches(files: list[ObjectFile], skip: set[str] = frozenset()) -> Iterator[list[int]]:
    """Workers' tasks: runs of positions in `files` (but those in `skip`), BATCH_BYTES or 2,000 files each."""
    batch: list[int] = []
    size = 0
    for i, f in enumerate(files):
        if f.rel in skip:
            continue
        batch.append(i)
        size += f.size
        if size >= BATCH_BYTES or len(batch) >= 2000:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


PARALLEL_THRESHOLD = 16 << 20  # below this, a process pool costs more than it saves


def available_cpus() -> int:
    """CPUs this process may really use: $STATICAPI_WORKERS, else affinity capped by the cgroup v2 quota."""
    env = os.environ.get("STATICAPI_WORKERS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    try:
        quota, period = open("/sys/fs/cgroup/cpu.max").read().split()[:2]
        if quota != "max":
            n = min(n, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, n)


# How parse workers start: "forkserver" in the server (it has threads: fork would copy their
# locks); a child process that only indexes (cluster.child_index) forks them, which spares
# starting one more interpreter.
POOL_START_METHOD = "forkserver"


# What the forkserver imports once, so that the processes it forks start at once: the parse
# workers need this module; the indexing child (cluster.child_index) needs cluster.py, and
# multiprocessing re-runs the server's main module (cli.py: aiohttp...) in every child it
# starts (spawn.prepare), which then finds those imports done (0.5 s less per child).
FORKSERVER_PRELOAD = ["staticapi.source.ingest", "staticapi.serve.cluster", "staticapi.cli"]


def pool_context():
    import multiprocessing

    ctx = multiprocessing.get_context(POOL_START_METHOD)
    if POOL_START_METHOD == "forkserver":
        ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
    return ctx


class Stopped(Exception):
    """The server is shutting down (stop()): a parse ended early."""


_stopping = False
_running_pools: set = set()  # the process pools of the parses running in this process


def stop() -> None:
    """Shutting down: every parse running in this process ends after its workers' current batches,
    and none starts (each raises Stopped)."""
    global _stopping
    _stopping = True
    for pool in list(_running_pools):
        pool.shutdown(wait=False, cancel_futures=True)


def stopping() -> bool:
    return _stopping


def _end_with_owner(owner: int, forked: bool) -> None:
    """Parse worker initializer: end when the process that owns the pool ends, even if it was killed.
    A worker that waits for tasks would not notice: forked workers (the indexing child's) share every
    pipe of their pool, and the forkserver's get both ends of their queues. Forked workers have the
    owner as parent (Linux: PR_SET_PDEATHSIG); the forkserver's have the forkserver, which outlives
    a killed server as long as they do, so a thread checks on the owner every second."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        pass
    if forked:
        if os.getppid() != owner:
            os._exit(0)  # it ended before the line above
        return
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(owner, 0)
            except OSError:  # gone (or its pid now another user's process)
                os._exit(0)

    threading.Thread(target=watch, name="staticapi-owner-watch", daemon=True).start()


def start_forkserver() -> None:
    """Start the forkserver now (it imports this module, about a second), not at the first use."""
    from multiprocessing import forkserver

    if POOL_START_METHOD == "forkserver":
        pool_context()
        forkserver.ensure_running()


class Compression:
    """Asks parse_files to have its workers compress each object's bytes (codec.py) with `zdict`, or,
    when that is None, with a dictionary trained on a sample of the archive parsed first (left in
    `zdict`; None when the sample held too few objects to train one)."""

    def __init__(self, zdict=None):
        self.zdict = zdict

    def data(self) -> bytes | None:
        """The dictionary's bytes, as the workers get them (codec.loaded); None without one."""
        return None if self.zdict is None else self.zdict.as_bytes()


SAMPLE_BYTES = 12 << 20  # what the dictionary is trained on: ~2,000 objects of a must-gather
SAMPLE_OBJECTS = 200  # fewer, and the archive is mostly a few large objects: compact() trains on all
_SAMPLE_POINTS = 128


def dictionary_sample(files: list[ObjectFile]) -> list[ObjectFile]:
    """Files to train the dictionary on, spread over the archive: those at evenly spaced byte offsets
    (so the large List files that hold most objects are the likeliest, as in the archive's bytes),
    none over 2 MB (one large ConfigMap is not a sample), evenly thinned to about SAMPLE_BYTES.
    On the benchmark tree its dictionary leaves objects at 0.117 of their size, one trained on 4,000
    objects drawn from all of them at 0.108 (a spread of smaller files did worse: 0.15-0.17)."""
    total = sum(f.size for f in files)
    points = iter([total * (k + 0.5) / _SAMPLE_POINTS for k in range(_SAMPLE_POINTS)])
    point = next(points)
    picked: list[ObjectFile] = []
    offset = 0
    for f in files:
        offset += f.size
        if offset <= point:
            continue
        if f.size <= 2 << 20:
            picked.append(f)
        point = next((p for p in points if p >= offset), None)
        if point is None:
            break
    size = sum(f.size for f in picked)
    return picked[::-(-size // SAMPLE_BYTES)] if size > SAMPLE_BYTES else picked


def parse_files(
    files: list[ObjectFile],
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    quick: bool = False,
    newest: bool = True,
    compression: Compression | None = None,
) -> Iterable[FileResult]:
    """Parse every file, in order, yielding results as they come.

    Uses one worker process per core for large inputs. Results keep the
    order of `files`, so merging duplicates is deterministic. With
    `compression`, the workers compress what they return (see Compression);
    without workers, nothing is compressed.
    """
    total = sum(f.size for f in files)
    workers = workers or available_cpus()
    if _stopping:
        raise Stopped()
    if total < PARALLEL_THRESHOLD or workers < 2:
        done = 0
        gc_was = gc.isenabled()
        gc.disable()
        try:
            for f in files:
                if _stopping:
                    raise Stopped()
                r = process_file(f, quick, newest)
                done += f.size
                if progress:
                    progress(done, total)
                yield r
        finally:
            if gc_was:
                gc.enable()
        return
    global _FORKED_FILES
    forked = POOL_START_METHOD == "fork"
    if forked:
        _FORKED_FILES = files  # before the pool forks its workers (at the first task)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(), initializer=_end_with_owner,
                                 initargs=(os.getpid(), forked)) as pool:
            _running_pools.add(pool)
            try:
                yield from _parse_in(pool, files, forked, workers, quick, newest, compression, progress, total)
            except (CancelledError, RuntimeError):
                if not _stopping:
                    raise
                raise Stopped() from None  # stop() cancelled the batches left, or refused new ones
            finally:
                _running_pools.discard(pool)
    finally:
        if forked:
            _FORKED_FILES = []


def _parse_in(pool, files, forked, workers, quick, newest, compression, progress, total) -> Iterator[FileResult]:
    """parse_files on `pool`. With `compression` but no dictionary yet, a sample of the files is parsed
    first (one part per worker) while the first batches are parsed uncompressed; the dictionary is
    trained on the sample's objects, and every later batch is compressed with it. The sample's results
    are yielded in their place in `files`."""

    def submit(positions: list[int], zdict: bytes | None = None):
        task = positions if forked else [files[i] for i in positions]
        return pool.submit(_process_batch, task, quick, newest, zdict)

    position = {f.rel: i for i, f in enumerate(files)}
    sample = dictionary_sample(files) if compression is not None and compression.zdict is None else []
    batches = list(_batches(files, {f.rel for f in sample}))
    sample_futures = [submit([position[f.rel] for f in sample[k::workers]]) for k in range(workers)
                      if sample[k::workers]]
    zdict = compression.data() if compression is not None else None
    futures = [submit(b, zdict) for b in batches[:workers if sample else None]]
    held: dict[str, FileResult] = {}
    if sample_futures:
        held = {res.rel: res for fut in sample_futures for res in fut.result()}
        compression.zdict = codec.train([rec.raw for res in held.values() for rec in res.records],
                                        minimum=SAMPLE_OBJECTS)
        zdict = compression.data()
        futures += [submit(b, zdict) for b in batches[workers:]]
    done = sum(f.size for f in sample)
    pending = sorted(held, key=position.__getitem__, reverse=True)  # next one last
    for batch, fut in zip(batches, futures):
        results = fut.result()
        done += sum(files[i].size for i in batch)
        for res in results:
            if pending:
                here = position[res.rel]
                while pending and position[pending[-1]] < here:
                    yield held[pending.pop()]
            yield res
        if progress:
            progress(done, total)
    for rel in reversed(pending):
        yield held[rel]


def resolve_quick(results: list[FileResult], files: list[ObjectFile], **kw) -> list[FileResult]:
    """Parse the quick-scanned files whose object is not already a List item with the same uid and
    resourceVersion (then the two are the same object version: one parse is enough)."""
    known = {}
    for res in results:
        if res.quick is None:
            for r in res.records:
                if not r.converted:
                    known[(r.group, r.kind, r.namespace, r.name)] = (r.uid, r.rv)
    by_rel = {f.rel: f for f in files}
    redo = [by_rel[res.rel] for res in results
            if res.quick is not None and known.get((res.quick[0], res.quick[2], res.quick[3], res.quick[4]))
            != (res.quick[5], res.quick[6])]
    if not redo:
        return results
    again = {r.rel: r for r in parse_files(redo, quick=False, **kw)}
    return [again.get(res.rel, res) for res in results]


def twin_conflicts(results: list[FileResult], files: list[ObjectFile],
                   served: Callable[[Record], tuple[bytes, str] | None], **kw) -> list[str]:
    """Parse the quick-skipped twins and describe those whose content differs from the served copy.

    Same uid and resourceVersion means the same object version, so the served
    (first in path order: the List) copy stays; a differing twin is only reported.
    """
    by_rel = {f.rel: f for f in files}
    twins = [by_rel[r.rel] for r in results if r.quick is not None and r.rel in by_rel]
    out = []
    for res in parse_files(twins, quick=False, **kw):
        for rec in res.records:
            if rec.converted:
                continue
            cur = served(rec)
            if cur is not None and cur[0] != rec.raw:
                out.append(f"duplicate {rec.kind} {rec.namespace}/{rec.name} differs between {cur[1]} and "
                           f"{rec.rel} (same uid and resourceVersion); kept {cur[1]}")
    return out
