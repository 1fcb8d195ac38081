"""Live reload of directories moved into and out of a served tree (issue 19, item 1).

tar, rsync, `cp -r` into place and download-then-rename tools deliver a directory
whole: write `new-pod.tmp/new-pod.yaml`, then `mv new-pod.tmp new-pod`. inotify
then reports one event for the directory and none for the files inside it, so
the reload must scan a moved-in directory as a whole and drop every file under a
moved-out one. Checked with a real `kubectl get -w` and the Python client's
watch (kubernetes.watch.Watch), the way an informer would hear of it.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import yaml
from kubernetes import client as kclient
from kubernetes import config as kconfig
from kubernetes import watch as kwatch

from conftest import start_server
from test_e2e_session import Lines, _pod, build_mini

UID = "00000000-0000-4000-8000-0000000000a1"


def _python_watch(kubeconfig: Path, ns: str, rv: str, out: queue.Queue) -> kwatch.Watch:
    api = kclient.CoreV1Api(kconfig.new_client_from_config(config_file=str(kubeconfig)))
    w = kwatch.Watch()

    def run():
        try:
            for ev in w.stream(api.list_namespaced_pod, ns, resource_version=rv, timeout_seconds=60):
                out.put((ev["type"], ev["object"].metadata.name))
        except Exception as e:  # noqa: BLE001 - reported to the test through the queue
            out.put(("ERROR", repr(e)))

    threading.Thread(target=run, daemon=True).start()
    return w


def _next(q: queue.Queue, want: tuple[str, str], timeout: float = 15) -> list:
    seen = []

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            ev = q.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(ev)
        if ev == want:
            return seen
    raise AssertionError(f"no {want} from the Python client's watch; saw {seen}")


def test_directory_moved_in_and_out(kubectl_bin, tmp_path):
    src = build_mini(tmp_path / "mg")
    pods = src / "namespaces" / "demo" / "pods"
    srv = start_server([str(src)], tmp_path / "srv", kubectl_bin)
    env = dict(os.environ, HOME=str(srv.home), KUBECACHEDIR=str(srv.home / "kcache"))
    proc = subprocess.Popen([kubectl_bin, "--kubeconfig", str(srv.kubeconfig), "get", "pods", "-n", "demo", "-w",
                             "--output-watch-events"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)
    w = None
    try:
        kl = Lines(proc.stdout)
        assert kl.wait_for(lambda line: line.startswith("EVENT "), 15), kl.seen
        _, body, _ = srv.get("/api/v1/namespaces/demo/pods")
        events: queue.Queue = queue.Queue()
        w = _python_watch(srv.kubeconfig, "demo", body["metadata"]["resourceVersion"], events)
        # wait until live reload is set up (a file created in place is seen)
        probe = pods / "probe-pod"
        probe.mkdir()
        (probe / "probe-pod.yaml").write_text(yaml.safe_dump(_pod("probe-pod", "demo", UID[:-2] + "b1", ["x"])))
        assert kl.wait_for(lambda line: line.split()[:2] == ["ADDED", "probe-pod"], 30), kl.seen
        _next(events, ("ADDED", "probe-pod"))

        # a directory written elsewhere in the tree, then renamed into place
        staged = pods / "new-pod.tmp"
        staged.mkdir()
        (staged / "new-pod.yaml").write_text(yaml.safe_dump(_pod("new-pod", "demo", UID, ["app"])))
        (staged / "app" / "app" / "logs").mkdir(parents=True)
        (staged / "app" / "app" / "logs" / "current.log").write_text("2024-05-01T11:00:00.000000000Z moved in\n")
        staged.rename(pods / "new-pod")
        assert kl.wait_for(lambda line: line.split()[:2] == ["ADDED", "new-pod"], 15), kl.seen
        _next(events, ("ADDED", "new-pod"))
        assert srv.kubectl("get", "pod", "new-pod", "-n", "demo", "-o", "name").stdout == "pod/new-pod\n"
        assert srv.kubectl("logs", "new-pod", "-n", "demo").stdout == "moved in\n"
        # the moved-in directory is watched from then on: an edit inside it is seen
        f = pods / "new-pod" / "new-pod.yaml"
        f.write_text(f.read_text().replace("node-1", "node-2"))
        assert kl.wait_for(lambda line: line.split()[:2] == ["MODIFIED", "new-pod"], 15), kl.seen
        _next(events, ("MODIFIED", "new-pod"))

        # a directory from outside the tree moved in (a namespace delivered whole)
        outside = tmp_path / "outside" / "other"
        (outside / "pods" / "far-pod").mkdir(parents=True)
        (outside / "other.yaml").write_text(yaml.safe_dump(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other", "uid": UID[:-2] + "c1"}}))
        (outside / "pods" / "far-pod" / "far-pod.yaml").write_text(
            yaml.safe_dump(_pod("far-pod", "other", UID[:-2] + "c2", ["app"])))
        shutil.move(str(outside), str(src / "namespaces" / "other"))
        r = None
        for _ in range(100):
            r = srv.kubectl("get", "pod", "far-pod", "-n", "other", "-o", "name", check=False)
            if r.returncode == 0:
                break

            time.sleep(0.1)
        assert r is not None and r.stdout == "pod/far-pod\n", r

        # moved out of the tree: gone, with DELETED events
        (pods / "new-pod").rename(tmp_path / "new-pod-gone")
        assert kl.wait_for(lambda line: line.split()[:2] == ["DELETED", "new-pod"], 15), kl.seen
        _next(events, ("DELETED", "new-pod"))
        r = srv.kubectl("get", "pod", "new-pod", "-n", "demo", check=False)
        assert r.returncode == 1 and "NotFound" in r.stderr
        # a directory renamed within the tree: pods/<pod>/<pod>.yaml no longer matches, so the pod goes
        (pods / "probe-pod").rename(pods / "probe-pod-old")
        assert kl.wait_for(lambda line: line.split()[:2] == ["DELETED", "probe-pod"], 15), kl.seen
        _next(events, ("DELETED", "probe-pod"))
        (src / "namespaces" / "other").rename(tmp_path / "other-gone")
        for _ in range(100):
            r = srv.kubectl("get", "pod", "far-pod", "-n", "other", check=False)
            if r.returncode == 1:
                break

            time.sleep(0.1)
        assert r.returncode == 1 and "NotFound" in r.stderr, r

        # a namespace directory without its Namespace object: the Namespace a fresh index synthesizes
        # (store._synthesize_namespaces) appears with it and goes with it (store._sync_namespaces)
        bare = tmp_path / "outside2" / "bare"
        (bare / "pods" / "lone-pod").mkdir(parents=True)
        (bare / "pods" / "lone-pod" / "lone-pod.yaml").write_text(
            yaml.safe_dump(_pod("lone-pod", "bare", UID[:-2] + "d1", ["app"])))
        shutil.move(str(bare), str(src / "namespaces" / "bare"))
        for _ in range(100):
            r = srv.kubectl("get", "namespace", "bare", "-o", "name", check=False)
            if r.returncode == 0:
                break
            time.sleep(0.1)
        assert r.stdout == "namespace/bare\n", r
        (src / "namespaces" / "bare").rename(tmp_path / "bare-gone")
        for _ in range(100):
            r = srv.kubectl("get", "namespace", "bare", check=False)
            if r.returncode == 1:
                break
            time.sleep(0.1)
        assert r.returncode == 1 and "NotFound" in r.stderr, r
        assert proc.poll() is None, "kubectl get -w stays open"
    finally:
        if w is not None:
            w.stop()
        proc.kill()
        proc.wait()
        srv.stop()


def test_changes_since_the_scan_are_found_by_a_second_scan(tmp_path):
    # _catch_up's comparison (now in a worker thread, off the event loop): modified, added and
    # deleted object files between the index's scan and the watcher's start
    from watchfiles import Change

    from staticapi.serve.reload import _changed_since_scan
    from staticapi.source import layout as layoutmod

    root = build_mini(tmp_path / "mg")
    lay = layoutmod.scan(root)
    assert _changed_since_scan(lay) == set()
    files = sorted(f.rel for f in lay.files)
    changed, gone = root / files[0], root / files[1]
    changed.write_text(changed.read_text() + "\n")
    os.utime(changed, ns=(1, 1))
    gone.unlink()
    added = root / "namespaces" / "demo" / "core" / "pods" / "extra.yaml"
    added.parent.mkdir(parents=True, exist_ok=True)
    _pod_yaml = yaml.safe_dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "extra", "namespace": "demo"}})
    added.write_text(_pod_yaml)
    assert _changed_since_scan(lay) == {(Change.modified, str(changed)), (Change.deleted, str(gone)),
                                        (Change.modified, str(added))}
    # from the store image's stamps (a warm start keeps no file list) the same
    lay2 = layoutmod.scan(root)
    lay2.file_stamps, lay2.files = [(f.rel, f.size, f.mtime_ns) for f in lay2.files], []
    assert _changed_since_scan(lay2) == set()


def test_the_catch_up_scan_runs_on_the_idle_background_thread(tmp_path, monkeypatch):
    # the second scan of a big tree (135k files on the benchmark's real tree) must not take CPU from
    # answers: it runs on serve.activity's SCHED_IDLE thread, and the scan's file list is dropped after
    import asyncio
    import types

    from staticapi.serve import reload
    from staticapi.source import layout as layoutmod

    root = build_mini(tmp_path / "mg")
    lay = layoutmod.scan(root)
    seen = []
    real = reload._changed_since_scan

    def spy(layout):
        seen.append((threading.current_thread().name, os.sched_getscheduler(0)))
        return real(layout)

    monkeypatch.setattr(reload, "_changed_since_scan", spy)
    cluster = types.SimpleNamespace(name="t", store=types.SimpleNamespace(layout=lay))
    asyncio.run(reload._catch_up(cluster))
    assert len(seen) == 1
    name, policy = seen[0]
    assert name.startswith("staticapi-background"), name
    assert policy == os.SCHED_IDLE
    assert lay.files == [] and lay.file_stamps is None
