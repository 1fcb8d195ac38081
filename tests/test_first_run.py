"""The first run as a new user sees it (issue 19, item 3): `staticapi serve` with no SOURCE.

The demo must-gather keeps its deliberately broken files (they show that bad input is skipped, not
fatal), but a start reports them in one line with where to read the reasons
(`/staticapi/v1/skipped`), at every start (a warm start from the store image too); `-v` logs each.
"""

from __future__ import annotations

import json
import time

from conftest import start_server


def _wait_line(srv, prefix: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in list(srv.output):
            if line.startswith(prefix):
                return line
        time.sleep(0.05)
    raise AssertionError(f"no {prefix!r} line:\n" + "".join(srv.output))


def _start(tmp, extra=()):
    # the same cache dir for every start: the second one is a warm start from the store image
    return start_server([], tmp, extra=["--no-reload", *extra])


def test_first_run_reports_skipped_files_in_one_line(tmp_path):
    for run in ("cold", "warm"):
        srv = _start(tmp_path)
        try:
            ready = _wait_line(srv, "ready: ")
            _, body, _ = srv.get("/staticapi/v1/skipped")
            # node service logs, audit logs, alert and etcd files are read when first asked for
            # (stages "nodelogs", "gathered"), after the ready line: it counts what the start skipped
            paths = [i["path"] for i in body["items"] if i["stage"] in ("unpack", "index")]
            # the URL in the line answers the same list
            url = ready.split("reasons: ", 1)[1].split(",", 1)[0]
            assert url.startswith(srv.url) and srv.get(url[len(srv.url):])[1] == body, url
            time.sleep(0.3)  # anything logged right after the ready line
        finally:
            srv.stop()
        assert len(paths) >= 5, body  # the demo's broken files are kept
        out = "".join(srv.output).replace(str(tmp_path), "TMP")
        n = len(paths)
        assert f", {n} skipped files (not served; reasons: {srv.url}/clusters/" in ready, (run, ready)
        assert ready.rstrip().endswith("/staticapi/v1/skipped, or run with -v)"), ready
        assert [ln for ln in out.splitlines() if "skipped" in ln.lower() and not ln.startswith("INFO ")] \
            == [ready.rstrip().replace(str(tmp_path), "TMP")], run
        assert "WARNING" not in out, (run, out)
        assert not any(p.rsplit("/", 1)[-1] in out for p in paths), (run, out)


def test_verbose_logs_each_skipped_file(tmp_path):
    for run in ("cold", "warm"):
        srv = _start(tmp_path, ["-v"])
        try:
            _wait_line(srv, "ready: ")
            _, body, _ = srv.get("/staticapi/v1/skipped")
        finally:
            srv.stop()
        out = "".join(srv.output)
        assert "DEBUG " in out
        for item in body["items"]:
            if item["stage"] not in ("unpack", "index"):
                continue  # read on first use, after the start (see above)
            lines = [ln for ln in out.splitlines() if f"skipped {item['path']}: " in ln]
            assert lines and lines[0].startswith("DEBUG ") and lines[0].endswith(item["reason"]), (run, item)
    assert json.dumps(body)  # (the endpoint answered JSON)
