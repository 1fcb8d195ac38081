"""Turn object files into (metadata, JSON bytes) records, on every core.

Parsing YAML is the bottleneck of a multi-GB must-gather, so files are parsed
in worker processes that return bytes, never Python object trees: each object
is serialised to JSON once, in the worker, and the store keeps those bytes. The main
process only sees small metadata tuples plus the bytes.

This module is the worker pool (:func:`parse_files`, start method, stop), the
dictionary compression of what workers return (:class:`Compression`) and the
List/per-object twins (:func:`resolve_quick`, :func:`twin_conflicts`). One file's
parse is ``fileparse``, what it yields ``records``, the twin scan ``quickscan``;
their public names are importable from here too.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, ProcessPoolExecutor

from . import codec
from .fileparse import process_file, process_files, read_file
from .layout import ObjectFile
from .quickscan import quick_identity
from .records import OBSERVED_TIME_FIELDS, FileResult, Record, dumps, path_kind, split_api_version

__all__ = [
    "BATCH_BYTES",
    "OBSERVED_TIME_FIELDS",
    "PARALLEL_THRESHOLD",
    "POOL_START_METHOD",
    "Compression",
    "FileResult",
    "Record",
    "Stopped",
    "available_cpus",
    "dictionary_sample",
    "dumps",
    "parse_files",
    "path_kind",
    "pool_context",
    "process_file",
    "process_files",
    "quick_identity",
    "read_file",
    "resolve_quick",
    "split_api_version",
    "start_forkserver",
    "stop",
    "stopping",
    "twin_conflicts",
]


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
