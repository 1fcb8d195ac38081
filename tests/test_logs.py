"""Tests for staticapi.logs: option parsing, container choice, file lookup, slicing, streaming."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp import web

from staticapi.serve.logs import (
    LogError,
    LogIndex,
    LogOptions,
    iter_log_chunks,
    parse_log_options,
    pod_not_found,
    resolve_log_files,
    select_container,
    stream_log,
)

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"
NOW = datetime(2024, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


def body(files, now=NOW, **kw) -> bytes:
    return b"".join(iter_log_chunks(files, LogOptions(**kw), now))


def write(p: Path, data: bytes | str, gz: bool = False) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    p.write_bytes(gzip.compress(data) if gz else data)
    return p


def logs_dir(root: Path, ns: str, pod: str, c: str) -> Path:
    return root / "namespaces" / ns / "pods" / pod / c / c / "logs"


class Counter:
    """An opener that counts the bytes read from disk (gzip reads go through it too)."""

    def __init__(self):
        self.bytes = 0

    def __call__(self, path, mode):
        return _CountingFile(open(path, mode), self)


class _CountingFile:
    def __init__(self, f, counter):
        self._f = f
        self._c = counter
        self.mode = "rb"

    def read(self, n=-1):
        b = self._f.read(n)
        self._c.bytes += len(b)
        return b

    def seek(self, *a):
        return self._f.seek(*a)

    def tell(self):
        return self._f.tell()

    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------- options


def test_defaults_and_bools():
    assert parse_log_options({}) == LogOptions()
    o = parse_log_options({"container": "c", "previous": "true", "timestamps": "1", "follow": ""})
    assert (o.container, o.previous, o.timestamps, o.follow) == ("c", True, True, True)
    # runtime.Convert_Slice_string_To_bool: only "0"/"false" (any case) are false
    o = parse_log_options({"previous": "FALSE", "timestamps": "0", "follow": "no"})
    assert (o.previous, o.timestamps, o.follow) == (False, False, True)
    assert parse_log_options({"container": ""}).container is None


def test_ints_and_since_time():
    o = parse_log_options({"tailLines": "10", "limitBytes": "+5", "sinceSeconds": "60"})
    assert (o.tail_lines, o.limit_bytes, o.since_seconds) == (10, 5, 60)
    assert parse_log_options({"tailLines": "0"}).tail_lines == 0
    o = parse_log_options({"sinceTime": "2024-01-01T10:00:00.5+02:00"})
    assert o.since_time == datetime(2024, 1, 1, 8, 0, 0, 500000, tzinfo=timezone.utc)
    assert parse_log_options({"sinceTime": "2024-01-01T10:00:00Z"}).since_time.tzinfo is not None


@pytest.mark.parametrize(
    "query,message",
    [
        ({"tailLines": "abc"}, 'strconv.ParseInt: parsing "abc": invalid syntax'),
        ({"tailLines": ""}, 'strconv.ParseInt: parsing "": invalid syntax'),
        ({"limitBytes": "1.5"}, 'strconv.ParseInt: parsing "1.5": invalid syntax'),
        ({"sinceSeconds": "99999999999999999999"}, 'strconv.ParseInt: parsing "99999999999999999999": value out of range'),
    ],
)
def test_undecodable_is_bad_request(query, message):
    with pytest.raises(LogError) as ei:
        parse_log_options(query, "p")
    assert (ei.value.code, ei.value.reason, ei.value.message) == (400, "BadRequest", message)


def test_bad_since_time():
    with pytest.raises(LogError) as ei:
        parse_log_options({"sinceTime": "yesterday"})
    assert ei.value.code == 400 and ei.value.message.startswith('parsing time "yesterday" as "2006-01-02T15:04:05Z07:00"')


@pytest.mark.parametrize(
    "query,message,causes",
    [
        (
            {"tailLines": "-1"},
            'PodLogOptions "web-1" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
            [{"reason": "FieldValueInvalid", "message": "Invalid value: -1: must be greater than or equal to 0",
              "field": "tailLines"}],
        ),
        (
            {"limitBytes": "0"},
            'PodLogOptions "web-1" is invalid: limitBytes: Invalid value: 0: must be greater than 0',
            [{"reason": "FieldValueInvalid", "message": "Invalid value: 0: must be greater than 0", "field": "limitBytes"}],
        ),
        (
            {"sinceSeconds": "0"},
            'PodLogOptions "web-1" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0',
            [{"reason": "FieldValueInvalid", "message": "Invalid value: 0: must be greater than 0", "field": "sinceSeconds"}],
        ),
        (
            {"sinceSeconds": "5", "sinceTime": "2024-01-01T00:00:00Z"},
            'PodLogOptions "web-1" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
            [{"reason": "FieldValueForbidden",
              "message": "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"}],
        ),
    ],
)
def test_validation_is_invalid_422(query, message, causes):
    with pytest.raises(LogError) as ei:
        parse_log_options(query, "web-1")
    e = ei.value
    assert (e.code, e.reason, e.message) == (422, "Invalid", message)
    assert e.details == {"name": "web-1", "kind": "PodLogOptions", "causes": causes}
    st = e.status()
    assert st["kind"] == "Status" and st["status"] == "Failure" and st["code"] == 422 and st["reason"] == "Invalid"


def test_several_validation_errors_aggregate():
    with pytest.raises(LogError) as ei:
        parse_log_options({"tailLines": "-2", "limitBytes": "-1"}, "p")
    assert ei.value.message == (
        'PodLogOptions "p" is invalid: [tailLines: Invalid value: -2: must be greater than or equal to 0, '
        "limitBytes: Invalid value: -1: must be greater than 0]"
    )
    assert len(ei.value.details["causes"]) == 2


# --------------------------------------------------------------------------- containers


def pod(*containers, init=(), ephemeral=(), name="web-1", ns="ns"):
    spec = {"containers": [{"name": c} for c in containers]}
    if init:
        spec["initContainers"] = [{"name": c} for c in init]
    if ephemeral:
        spec["ephemeralContainers"] = [{"name": c} for c in ephemeral]
    return {"metadata": {"name": name, "namespace": ns}, "spec": spec}


def test_select_container():
    assert select_container(pod("app"), None) == "app"
    assert select_container(pod("app", init=["setup"]), None) == "app"
    assert select_container(pod("app", "side", init=["setup"]), "setup") == "setup"
    assert select_container(pod("app", ephemeral=["debugger"]), "debugger") == "debugger"


@pytest.mark.parametrize(
    "p,container,message",
    [
        (pod(), None, "a container name must be specified for pod web-1"),
        (pod("a", "b"), None, "a container name must be specified for pod web-1, choose one of: [a b]"),
        (
            pod("c1", "c2", init=["i1"], ephemeral=["debugger"]),
            None,
            "a container name must be specified for pod web-1, choose one of: [i1 c1 c2 debugger]",
        ),
        (pod("a", "b"), "x", "container x is not valid for pod web-1"),
    ],
)
def test_select_container_errors(p, container, message):
    with pytest.raises(LogError) as ei:
        select_container(p, container)
    assert (ei.value.code, ei.value.reason, ei.value.message) == (400, "BadRequest", message)
    assert ei.value.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": "BadRequest",
        "code": 400,
    }


def test_pod_not_found_status():
    assert pod_not_found("x").status()["message"] == 'pods "x" not found'
    assert pod_not_found("x").code == 404


# --------------------------------------------------------------------------- index


def test_index_layouts_and_fallbacks(tmp_path):
    root = tmp_path / "mg"
    d = logs_dir(root, "ns", "web-1", "app")
    write(d / "current.log", "")  # empty: falls back to insecure
    write(d / "current.insecure.log", "2024-01-01T00:00:00.000000000Z insecure\n")
    write(d / "previous.log", "")
    write(d / "previous.insecure.log", "")
    write(d / "rotated" / "0.log.20240101-000200", "2024-01-01T00:01:00.0Z stdout F b\n")
    write(d / "rotated" / "0.log.20240101-000100.gz", "2024-01-01T00:00:30.0Z stdout F a\n", gz=True)
    write(d / "rotated" / "0.log.20240101-000200.gz", "duplicate of the plain copy", gz=True)
    write(d / "rotated" / "junk.txt", "not a rotated log")
    write(root / "namespaces" / "hs" / "core" / "pods" / "logs" / "api-1-kas.log", "current\n")
    write(root / "namespaces" / "hs" / "core" / "pods" / "logs" / "api-1-kas-previous.log", "previous\n")
    idx = LogIndex([root])
    files = idx.files("ns", "web-1", "app", False)
    assert [f.name for f in files] == ["0.log.20240101-000100.gz", "0.log.20240101-000200", "current.insecure.log"]
    assert idx.files("ns", "web-1", "app", True) == []  # only empty previous files
    assert [f.name for f in idx.files("hs", "api-1", "kas", False)] == ["api-1-kas.log"]
    assert [f.name for f in idx.files("hs", "api-1", "kas", True)] == ["api-1-kas-previous.log"]
    assert idx.files("ns", "web-1", "other", False) == []
    assert idx.files("nope", "web-1", "app", False) == []
    # rotated (CRI, one gz) then current (inspect format), as one stream
    assert body(files) == b"a\nb\ninsecure\n"


def test_index_never_leaves_listed_names(tmp_path):
    root = tmp_path / "mg"
    write(logs_dir(root, "ns", "p", "c") / "current.log", "x\n")
    write(tmp_path / "secret" / "c" / "c" / "logs" / "current.log", "secret\n")
    idx = LogIndex([root])
    for ns, p, c in [("ns", "../../../secret", "c"), ("..", "ns", "c"), ("ns/pods", "p", "c"), ("ns", "p", "../c")]:
        assert idx.files(ns, p, c, False) == []
    assert idx.files("ns", "p", "c", False)


def test_index_several_roots_prefer_non_empty(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(logs_dir(a, "ns", "p", "c") / "current.log", "")
    write(logs_dir(b, "ns", "p", "c") / "current.log", "2024-01-01T00:00:00.000000000Z from b\n")
    write(logs_dir(b, "ns", "p", "c") / "previous.log", "2024-01-01T00:00:00.000000000Z prev b\n")
    write(logs_dir(a, "ns", "p", "c") / "previous.log", "2024-01-01T00:00:00.000000000Z prev a\n")
    idx = LogIndex([a, b])
    assert body(idx.files("ns", "p", "c", False)) == b"from b\n"
    assert body(idx.files("ns", "p", "c", True)) == b"prev a\n"


def test_resolve_log_files(tmp_path):
    root = tmp_path / "mg"
    write(logs_dir(root, "ns", "web-1", "app") / "current.log", "2024-01-01T00:00:00.000000000Z hi\n")
    write(logs_dir(root, "ns", "web-1", "app") / "previous.log", "")
    idx = LogIndex([root])
    p = pod("app", "side")
    c, files = resolve_log_files(idx, p, LogOptions(container="app"))
    assert c == "app" and len(files) == 1
    # exists in the pod, nothing collected: empty 200 body
    assert resolve_log_files(idx, p, LogOptions(container="side")) == ("side", [])
    with pytest.raises(LogError) as ei:
        resolve_log_files(idx, p, LogOptions(container="app", previous=True))
    assert (ei.value.code, ei.value.message) == (400, 'previous terminated container "app" in pod "web-1" not found')
    with pytest.raises(LogError):
        resolve_log_files(idx, p, LogOptions())


# --------------------------------------------------------------------------- slicing


def ts(sec: float) -> str:
    base = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=sec)
    return base.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"


@pytest.fixture
def simple(tmp_path):
    lines = [f"{ts(i)} line {i}\n" for i in range(10)]
    return write(tmp_path / "current.log", "".join(lines))


def test_timestamps_strip_and_keep(simple):
    assert body([simple]).splitlines()[0] == b"line 0"
    assert body([simple], timestamps=True).splitlines()[0] == b"2024-01-01T00:00:00.000000000Z line 0"
    assert body([simple], timestamps=True) == simple.read_bytes()


def test_tail_limit(simple):
    assert body([simple], tail_lines=2) == b"line 8\nline 9\n"
    assert body([simple], tail_lines=0) == b""
    assert body([simple], tail_lines=100) == body([simple])
    assert body([simple], limit_bytes=10) == b"line 0\nlin"
    assert body([simple], tail_lines=1, limit_bytes=3) == b"lin"
    assert body([simple], limit_bytes=10, timestamps=True) == b"2024-01-01"


def test_tail_unterminated_last_line(tmp_path):
    f = write(tmp_path / "x.log", "a\nb\nc")
    assert body([f], tail_lines=1) == b"c"
    assert body([f], tail_lines=2) == b"b\nc"
    assert body([f], tail_lines=5) == b"a\nb\nc"


def test_since_filters(simple):
    since = datetime(2024, 1, 1, 0, 0, 7, tzinfo=timezone.utc)
    assert body([simple], since_time=since) == b"line 7\nline 8\nline 9\n"
    # apiserver forwards sinceTime with second precision: .9 is truncated
    assert body([simple], since_time=since + timedelta(milliseconds=900)) == b"line 7\nline 8\nline 9\n"
    now = datetime(2024, 1, 1, 0, 0, 10, tzinfo=timezone.utc)
    assert body([simple], now=now, since_seconds=2) == b"line 8\nline 9\n"
    # tail first, then since (kubelet ReadLogs order)
    assert body([simple], since_time=since, tail_lines=5) == b"line 7\nline 8\nline 9\n"
    assert body([simple], since_time=since, tail_lines=2) == b"line 8\nline 9\n"
    assert body([simple], since_time=datetime(2030, 1, 1, tzinfo=timezone.utc)) == b""


def test_since_keeps_unstamped_lines_with_their_line(tmp_path):
    f = write(
        tmp_path / "x.log",
        f"no stamp at all\n{ts(1)} old\n  old continuation\n{ts(5)} new\n  new continuation\n",
    )
    since = datetime(2024, 1, 1, 0, 0, 3, tzinfo=timezone.utc)
    assert body([f], since_time=since) == b"new\n  new continuation\n"
    assert body([f], since_time=since, timestamps=True) == f"{ts(5)} new\n  new continuation\n".encode()
    assert body([f]) == b"no stamp at all\nold\n  old continuation\nnew\n  new continuation\n"
    # leading unstamped lines share the first stamp's verdict
    assert body([f], since_time=since - timedelta(seconds=3)).startswith(b"no stamp at all\nold\n")
    # no stamps anywhere (HyperShift stubs): nothing can be filtered, all is kept
    g = write(tmp_path / "y.log", "first\nsecond\n")
    assert body([g], since_time=since) == b"first\nsecond\n"


def test_since_with_offsets_and_short_fractions(tmp_path):
    f = write(tmp_path / "x.log", "2024-01-01T02:00:00.5+02:00 a\n2024-01-01T00:00:01Z b\n")
    since = datetime(2024, 1, 1, 0, 0, 0, tzinfo=timezone.utc)
    assert body([f], since_time=since) == b"a\nb\n"
    assert body([f], since_time=since + timedelta(seconds=1)) == b"b\n"


def test_cri_rotated_format(tmp_path):
    f = write(
        tmp_path / "0.log.20240101-000000",
        "2024-01-01T00:00:01.5+00:00 stdout P hello \n"
        "2024-01-01T00:00:01.6+00:00 stdout F world\n"
        "garbage line the kubelet cannot parse\n"
        "2024-01-01T00:00:02.000000001Z stderr F oops\n",
    )
    assert body([f]) == b"hello world\noops\n"
    assert body([f], timestamps=True) == (
        b"2024-01-01T00:00:01.500000000Z hello world\n2024-01-01T00:00:02.000000001Z oops\n"
    )
    assert body([f], since_time=datetime(2024, 1, 1, 0, 0, 2, tzinfo=timezone.utc)) == b"oops\n"


def test_rotated_gz_order_and_tail_across_files(tmp_path):
    d = logs_dir(tmp_path, "ns", "p", "c")
    write(d / "rotated" / "1.log.20240101-000100.gz", "".join(f"{ts(i)} stdout F r1-{i}\n" for i in range(3)), gz=True)
    write(d / "rotated" / "1.log.20240101-000200", "".join(f"{ts(10 + i)} stdout F r2-{i}\n" for i in range(3)))
    write(d / "current.log", "".join(f"{ts(20 + i)} cur-{i}\n" for i in range(3)))
    files = LogIndex([tmp_path]).files("ns", "p", "c", False)
    lines = body(files).decode().split()
    assert lines == ["r1-0", "r1-1", "r1-2", "r2-0", "r2-1", "r2-2", "cur-0", "cur-1", "cur-2"]
    assert body(files, tail_lines=4).decode().split() == ["r2-2", "cur-0", "cur-1", "cur-2"]
    assert body(files, tail_lines=8).decode().split() == lines[1:]
    assert body(files, tail_lines=100).decode().split() == lines
    assert body(files, since_time=datetime(2024, 1, 1, 0, 0, 2, tzinfo=timezone.utc)).decode().split() == lines[2:]


def test_gzip_current_log(tmp_path):
    f = write(tmp_path / "current.log.gz", "".join(f"{ts(i)} z{i}\n" for i in range(5)), gz=True)
    assert body([f], tail_lines=2) == b"z3\nz4\n"
    assert body([f], limit_bytes=5) == b"z0\nz1"


# --------------------------------------------------------------------------- big files


@pytest.fixture(scope="module")
def big_log(tmp_path_factory) -> Path:
    """~50 MB, 1 line per millisecond, every line timestamped."""
    p = tmp_path_factory.mktemp("big") / "current.log"
    pad = "x" * 60
    with open(p, "w") as f:
        chunk = []
        for i in range(560_000):
            s, ms = divmod(i, 1000)
            m, s = divmod(s, 60)
            h, m = divmod(m, 60)
            chunk.append(f"2024-01-01T{h:02d}:{m:02d}:{s:02d}.{ms:03d}000000Z line {i:07d} {pad}\n")
            if len(chunk) == 10_000:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))
    assert p.stat().st_size > 50_000_000
    return p


def test_tail_reads_backwards_only(big_log):
    c = Counter()
    out = b"".join(iter_log_chunks([big_log], LogOptions(tail_lines=10), NOW, opener=c))
    assert out.count(b"\n") == 10 and out.endswith(b"line 0559999 " + b"x" * 60 + b"\n")
    assert not out.startswith(b"2024")
    assert c.bytes <= 1_000_000, c.bytes


def test_since_seeks_instead_of_scanning(big_log):
    # last ~2 seconds of a 560 s file: binary search, then a short forward read
    since = datetime(2024, 1, 1, 0, 9, 18, tzinfo=timezone.utc)
    c = Counter()
    out = b"".join(iter_log_chunks([big_log], LogOptions(since_time=since), NOW, opener=c))
    assert out.startswith(b"line 0558000 ") and out.count(b"\n") == 2000
    assert c.bytes <= 1_000_000, c.bytes


def test_stream_is_chunked(big_log):
    sizes = [len(c) for c in iter_log_chunks([big_log], LogOptions(limit_bytes=3_000_000), NOW)]
    assert sum(sizes) == 3_000_000 and len(sizes) > 10 and max(sizes) <= 128 * 1024


# --------------------------------------------------------------------------- aiohttp


def make_app(tmp_path: Path) -> web.Application:
    root = tmp_path / "mg"
    write(logs_dir(root, "ns", "web-1", "app") / "current.log", "".join(f"{ts(i)} line {i}\n" for i in range(2000)))
    idx = LogIndex([root])
    pods = {("ns", "web-1"): pod("app", "side")}

    async def handler(request: web.Request) -> web.StreamResponse:
        ns, name = request.match_info["ns"], request.match_info["pod"]
        try:
            p = pods.get((ns, name))
            if p is None:
                raise pod_not_found(name)
            opts = parse_log_options(request.query, name)
            _, files = resolve_log_files(idx, p, opts)
        except LogError as e:
            return web.json_response(e.status(), status=e.code)
        return await stream_log(request, files, opts, NOW, chunk_size=4096)

    app = web.Application()
    app.router.add_get("/api/v1/namespaces/{ns}/pods/{pod}/log", handler)
    return app


async def test_stream_log_http(aiohttp_client, tmp_path):
    client = await aiohttp_client(make_app(tmp_path))
    url = "/api/v1/namespaces/ns/pods/web-1/log"
    r = await client.get(url, params={"container": "app"})
    assert r.status == 200
    assert r.headers["Content-Type"] == "text/plain"
    assert r.headers.get("Transfer-Encoding") == "chunked"
    text = await r.text()
    assert text.startswith("line 0\n") and text.count("\n") == 2000
    r = await client.get(url, params={"container": "app", "tailLines": "3", "timestamps": "true", "follow": "true"})
    assert (await r.text()).splitlines() == [f"{ts(i)} line {i}" for i in (1997, 1998, 1999)]
    r = await client.get(url, params={"container": "side"})
    assert r.status == 200 and await r.read() == b""
    r = await client.get(url)
    assert r.status == 400
    assert (await r.json())["message"] == "a container name must be specified for pod web-1, choose one of: [app side]"
    r = await client.get(url, params={"container": "app", "previous": "1"})
    assert r.status == 400
    assert (await r.json())["message"] == 'previous terminated container "app" in pod "web-1" not found'
    r = await client.get(url, params={"container": "app", "tailLines": "-1"})
    assert r.status == 422 and json.loads(await r.text())["reason"] == "Invalid"
    r = await client.get("/api/v1/namespaces/ns/pods/nope/log")
    assert r.status == 404


async def test_follow_forever_streams_appended_lines(aiohttp_client, tmp_path):
    f = write(tmp_path / "current.log", f"{ts(0)} first\n")

    async def handler(request):
        opts = parse_log_options(request.query, "p")
        return await stream_log(request, [f], opts, NOW, follow_forever=True, poll_interval=0.02)

    app = web.Application()
    app.router.add_get("/log", handler)
    client = await aiohttp_client(app)
    r = await client.get("/log", params={"follow": "true"})
    assert await r.content.readline() == b"first\n"
    with open(f, "ab") as fh:
        fh.write(f"{ts(1)} sec".encode())
        fh.flush()
        await asyncio.sleep(0.1)
        fh.write(b"ond\n")
    assert await asyncio.wait_for(r.content.readline(), 5) == b"second\n"
    r.close()
    # without follow_forever, follow=true just ends after the saved content
    r = await client.get("/log", params={"follow": "true", "limitBytes": "3"})
    assert await r.read() == b"fir"


# --------------------------------------------------------------------------- real samples

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not present")


@needs_samples
@pytest.mark.samples
def test_sample_must_gather_clean_etcd():
    root = SAMPLES / "must-gather-clean-release-4.8" / "release-4.8"
    if not root.is_dir():
        pytest.skip("sample missing")
    idx = LogIndex([root])
    ns, p = "openshift-etcd", "etcd-ip-10-0-187-218.ec2.internal"
    files = idx.files(ns, p, "etcd", False)
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert body(files, timestamps=True) == raw
    stripped = body(files)
    assert stripped.count(b"\n") == raw.count(b"\n")
    assert stripped.startswith(b"30c29f1b390a6a04, started,")
    assert not any(line.startswith(b"2021-08-03T") for line in stripped.splitlines())
    # previous.log and previous.insecure.log are both 0 bytes: no previous instance
    assert idx.files(ns, p, "etcd", True) == []
    # guard's current.log is empty: nothing to serve
    assert idx.files(ns, "etcd-quorum-guard-85b4c88c96-nmk5g", "guard", False) == []
    last = body(files, tail_lines=1, timestamps=True)
    assert raw.endswith(last) and last.count(b"\n") == 1
    since = datetime(2021, 8, 3, 9, 27, 0, tzinfo=timezone.utc)
    after = body(files, timestamps=True, since_time=since)
    assert after and after.splitlines()[0][:30] >= b"2021-08-03T09:27:00.000000000Z"


@needs_samples
@pytest.mark.samples
def test_sample_omc_rotated():
    root = SAMPLES / "omc-testdata" / "testdata"
    if not root.is_dir():
        pytest.skip("sample missing")
    files = LogIndex([root]).files("test-namespace", "test-pod", "test-container", False)
    assert [f.name for f in files] == ["1.log.20231102-061208", "current.log"]
    out = body(files).decode().splitlines()
    assert out[0].endswith("My Rotated LogMsg") and out[0].startswith("I1102 06:12:07.604158")
    assert [line.split("]")[1].strip() for line in out[1:]] == [
        "My Info LogMessage", "My Warning LogMessage", "My Error LogMessage"]
    assert body(files, timestamps=True).splitlines()[0].startswith(b"2023-11-02T06:12:07.604163885Z I1102")
    assert body(files, tail_lines=1).endswith(b"My Error LogMessage\n")


@needs_samples
@pytest.mark.samples
def test_sample_static_kas_hypershift():
    root = SAMPLES / "static-kas-testdata"
    if not root.is_dir():
        pytest.skip("sample missing")
    idx = LogIndex([root])
    ns, p, c = "openshift-service-ca-operator", "service-ca-operator-7496fb6588-2zznl", "service-ca-operator"
    assert body(idx.files(ns, p, c, False)) == b"Current first line\nCurrent second line\n"
    assert body(idx.files(ns, p, c, True)) == b"Previous first line\nPrevious second line\n"
    # the standard layout in the same sample
    f = idx.files("openshift-network-operator", "network-operator-7887564c4-mjg9d", "network-operator", True)
    assert body(f) == b"Previous first line\nPrevious second line\n"
