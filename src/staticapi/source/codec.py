"""Compressed object bytes: each object's JSON kept as a small zstd frame.

Kubernetes objects are small and alike, so a zstd dictionary trained on a
sample of the archive's own objects shrinks them to about an eighth (measured
on the OKD sample: 0.12-0.14 of the JSON size), and decompressing one costs
about 15 us. That is what keeps a multi-GB must-gather in a fraction of its
size in memory (issue "Performance").

A stored value is either plain JSON (it starts with `{`) or a zstd frame (it
starts with the zstd magic), so no flag is needed; the frame header names
its dictionary, which is looked up in a process-wide table.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence

import zstandard

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
LEVEL = 3
DICT_SIZE = 112 * 1024
MIN_OBJECTS = 2000  # below this, compression is not worth it
SAMPLE = 4000
TRAIN_K, TRAIN_D = 4096, 6  # COVER segment size and d-mer length (zstd dictBuilder)

_dicts: dict[int, zstandard.ZstdCompressionDict] = {}
_local = threading.local()
_lock = threading.Lock()


def register(data: bytes) -> zstandard.ZstdCompressionDict:
    d = zstandard.ZstdCompressionDict(data)
    with _lock:
        _dicts[d.dict_id()] = d
    return d


def is_compressed(b: bytes) -> bool:
    return b[:4] == ZSTD_MAGIC


def _per_thread(slot: str, dict_id: int, make):
    """This thread's (de)compressor for a dictionary (zstandard's are not thread-safe), made once by
    `make(the registered dictionary or None)`; None when `make` gives None."""
    cache = getattr(_local, slot, None)
    if cache is None:
        cache = {}
        setattr(_local, slot, cache)
    got = cache.get(dict_id)
    if got is None:
        got = make(_dicts.get(dict_id))
        if got is not None:
            cache[dict_id] = got
    return got


def _decompressor(dict_id: int) -> zstandard.ZstdDecompressor:
    return _per_thread("d", dict_id,
                       lambda d: zstandard.ZstdDecompressor(dict_data=d) if d else zstandard.ZstdDecompressor())


def _dict_compressor(d: zstandard.ZstdCompressionDict | None) -> zstandard.ZstdCompressor | None:
    if d is None:
        return None
    return zstandard.ZstdCompressor(level=LEVEL, dict_data=d, write_content_size=True, write_checksum=False)


def own_length(frame: bytes) -> bytes:
    """A copy of a frame `ZstdCompressor.compress` returned, in memory of its own length: zstandard
    (0.25) leaves the frame in a buffer of the input's size."""
    return bytes(memoryview(frame))


def plain(b: bytes) -> bytes:
    """The JSON bytes of a stored value."""
    if b[:4] != ZSTD_MAGIC:
        return b
    dict_id = zstandard.get_frame_parameters(b).dict_id
    return _decompressor(dict_id).decompress(b)


def compress_as(stored: bytes, value: bytes) -> bytes:
    """`value` kept as compactly as the stored value `stored`: a frame with the dictionary `stored` was
    compressed with, or `value` itself when `stored` is plain (or its dictionary unknown here) or the
    frame would not be smaller. For values derived from an object and kept beside it (a Table row's
    PartialObjectMetadata: 5 KB for a real pod with its managedFields, 0.5 KB compressed)."""
    if stored[:4] != ZSTD_MAGIC:
        return value
    c = _per_thread("c", zstandard.get_frame_parameters(stored).dict_id, _dict_compressor)
    if c is None:
        return value
    z = c.compress(value)
    return own_length(z) if len(z) < len(value) else value


def train(raws: Sequence[bytes], seed: int = 0, minimum: int = MIN_OBJECTS) -> zstandard.ZstdCompressionDict | None:
    """A dictionary from a sample of the objects; None when there are fewer than `minimum`."""
    if len(raws) < minimum:
        return None
    rnd = random.Random(seed)
    sample = rnd.sample(list(raws), min(SAMPLE, len(raws)))
    try:
        # fixed COVER parameters: zstd's search for them takes 4x as long (0.6 s on 4,000 objects,
        # in the cold start's critical path) for a 1 % smaller result
        d = zstandard.train_dictionary(DICT_SIZE, sample, level=LEVEL, k=TRAIN_K, d=TRAIN_D)
    except zstandard.ZstdError:
        return None
    with _lock:
        _dicts[d.dict_id()] = d
    return d


def loaded(data: bytes) -> zstandard.ZstdCompressionDict:
    """The dictionary whose bytes are `data`, registered (for plain()) and prepared for compression
    once per process: parse workers get it with every batch."""
    with _lock:
        d = _loaded.get(data)
    if d is None:
        d = register(data)
        d.precompute_compress(level=LEVEL)
        with _lock:
            _loaded.clear()  # one archive's dictionary at a time
            _loaded[data] = d
    return d


_loaded: dict[bytes, zstandard.ZstdCompressionDict] = {}


def compress_many(raws: Sequence[bytes], d: zstandard.ZstdCompressionDict, threads: int = -1) -> list[bytes]:
    """Compress every value with the dictionary (content size kept in the frame for fast decompression),
    on every core (zstd's own threads; `threads=0`: in this thread only); a value that does not shrink
    stays plain."""
    c = _dict_compressor(d)
    raws = list(raws)
    if not raws:
        return []
    try:
        zs = [bytes(seg) for seg in c.multi_compress_to_buffer(raws, threads=threads)]
    except (ValueError, zstandard.ZstdError):  # e.g. an empty value
        zs = [own_length(c.compress(r)) for r in raws]
    return [z if len(z) < len(r) else r for z, r in zip(zs, raws)]


def compress_plain(raws: Sequence[bytes], d: zstandard.ZstdCompressionDict | None) -> list[bytes]:
    """`raws` for a file written with dictionary `d`: plain values compressed (compress_many), frames
    kept; without `d`, every value plain."""
    out = list(raws)
    if d is None:
        return [plain(r) for r in out]
    todo = [i for i, r in enumerate(out) if r[:4] != ZSTD_MAGIC]
    for i, z in zip(todo, compress_many([out[i] for i in todo], d)):
        out[i] = z
    return out
