"""The interval endpoint, the page and its assets (aiohttp test client), plus a headless
Chromium run of the page driven over the DevTools protocol (skipped without chromium).

The browser part needs only the Debian ``chromium`` package: the DevTools protocol is spoken
over aiohttp's own websocket client, so no playwright/selenium is involved.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from staticapi.insight.intervals import IntervalCache, format_time
from staticapi.web.timeline import INTERVAL_CACHE_KEY, setup_routes

CT = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def _t(minutes: float) -> str:
    return format_time(CT - timedelta(minutes=minutes))


class FakeView:
    """A tiny cluster: one degraded operator, a node, a crashlooping pod and a few events."""

    def __init__(self, name: str = "fake", roots: list[Path] | None = None):
        self.name = name
        self.collection_time = CT
        self.roots = roots or []
        self.data: dict[tuple[str, str], list[dict]] = {
            ("config.openshift.io", "clusteroperators"): [{
                "metadata": {"name": "dns"},
                "status": {"conditions": [
                    {"type": "Available", "status": "True", "lastTransitionTime": _t(50)},
                    {"type": "Degraded", "status": "True", "reason": "DNSDegraded", "message": "DNS default is degraded",
                     "lastTransitionTime": _t(20)},
                    {"type": "Progressing", "status": "False", "lastTransitionTime": _t(50)},
                ]},
            }],
            ("", "nodes"): [{
                "metadata": {"name": "master-0", "labels": {"node-role.kubernetes.io/master": ""}},
                "status": {"conditions": [
                    {"type": "Ready", "status": "True", "reason": "KubeletReady", "lastTransitionTime": _t(55)},
                ]},
            }],
            ("", "pods"): [{
                "metadata": {"name": "web-1", "namespace": "app", "uid": "u1", "creationTimestamp": _t(40)},
                "spec": {"nodeName": "master-0"},
                "status": {
                    "phase": "Running",
                    "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": _t(40)},
                                   {"type": "Ready", "status": "False", "reason": "ContainersNotReady",
                                    "lastTransitionTime": _t(10)}],
                    "containerStatuses": [{
                        "name": "web", "restartCount": 3, "ready": False,
                        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}},
                        "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": _t(12),
                                                     "finishedAt": _t(10)}},
                    }],
                },
            }],
            ("", "events"): [
                {"metadata": {"name": "web-1.a", "namespace": "app", "uid": "e1", "creationTimestamp": _t(30)},
                 "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "app",
                                    "fieldPath": "spec.containers{web}"},
                 "reason": "BackOff", "message": "Back-off restarting failed container", "type": "Warning",
                 "count": 25, "firstTimestamp": _t(30), "lastTimestamp": _t(1), "source": {"component": "kubelet",
                                                                                          "host": "master-0"}},
                {"metadata": {"name": "web-1.b", "namespace": "app", "uid": "e2", "creationTimestamp": _t(40)},
                 "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "app"},
                 "reason": "Scheduled", "message": "Successfully assigned app/web-1 to master-0", "type": "Normal",
                 "firstTimestamp": _t(40), "lastTimestamp": _t(40)},
            ],
        }

    def objects(self, group: str, resource: str):
        return iter(self.data.get((group, resource), []))


def make_app(view: FakeView, prefix: str = "", cache: IntervalCache | None = None) -> web.Application:
    app = web.Application()
    setup_routes(app, lambda request: view, prefix=prefix, cache=cache)
    return app


# --------------------------------------------------------------------------------------- HTTP


async def test_endpoint_returns_sorted_items(aiohttp_client):
    client = await aiohttp_client(make_app(FakeView()))
    resp = await client.get("/staticapi/v1/intervals")
    assert resp.status == 200
    assert resp.content_type == "application/json"
    body = await resp.json()
    items = body["items"]
    assert body["cluster"] == "fake"
    assert body["collectionTime"] == "2024-05-01T12:00:00Z"
    froms = [datetime.fromisoformat(i["from"].replace("Z", "+00:00")) for i in items]
    assert froms == sorted(froms)
    sources = {i["source"] for i in items}
    assert {"KubeEvent", "OperatorState", "NodeState", "PodState"} <= sources
    for it in items:
        assert set(it) == {"level", "source", "display", "locator", "message", "from", "to"}
        assert set(it["message"]) == {"reason", "cause", "humanMessage", "annotations"}


async def test_endpoint_gzip_and_plain_agree(aiohttp_client):
    client = await aiohttp_client(make_app(FakeView()))
    r1 = await client.get("/staticapi/v1/intervals", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    raw = await r1.read()
    assert r1.headers.get("Content-Encoding") == "gzip"
    r2 = await client.get("/staticapi/v1/intervals", headers={"Accept-Encoding": "identity"})
    assert r2.headers.get("Content-Encoding") is None
    assert json.loads(gzip.decompress(raw)) == await r2.json()


async def test_endpoint_filters(aiohttp_client):
    client = await aiohttp_client(make_app(FakeView()))

    async def get(**q):
        resp = await client.get("/staticapi/v1/intervals", params=q)
        assert resp.status == 200, await resp.text()
        return (await resp.json())["items"]

    events = await get(source="KubeEvent")
    assert len(events) == 2 and all(i["source"] == "KubeEvent" for i in events)
    warn = await get(level="Warning,Error")
    assert warn and all(i["level"] in ("Warning", "Error") for i in warn)
    app_ns = await get(namespace="app")
    assert app_ns and all(i["locator"]["keys"].get("namespace") == "app" for i in app_ns)
    # the regex runs over the flat locator + message
    backoff = await get(q="CrashLoop|Back-off")
    assert {i["message"]["reason"] for i in backoff} >= {"BackOff", "ContainerWait"}
    # window: only intervals overlapping the last 5 minutes
    recent = await get(**{"from": _t(5), "to": _t(0)})
    allitems = await get()
    assert 0 < len(recent) < len(allitems)
    assert all(i["to"] >= _t(5) for i in recent)


async def test_endpoint_bad_regex_is_400(aiohttp_client):
    client = await aiohttp_client(make_app(FakeView()))
    resp = await client.get("/staticapi/v1/intervals", params={"q": "(unclosed"})
    assert resp.status == 400
    body = await resp.json()
    assert body["kind"] == "Status" and body["code"] == 400 and "regular expression" in body["message"]
    resp = await client.get("/staticapi/v1/intervals", params={"from": "yesterday"})
    assert resp.status == 400


async def test_page_and_assets(aiohttp_client):
    client = await aiohttp_client(make_app(FakeView(), prefix="/clusters/c1"))
    page = await client.get("/clusters/c1/ui/intervals")
    assert page.status == 200
    assert page.content_type == "text/html"
    # the same strict policy as every page: no inline script or style attribute (the Chromium test
    # below fails on any violation, which Chromium logs as an error)
    assert "style-src 'self';" in page.headers["Content-Security-Policy"]
    html = await page.text()
    assert 'style="' not in html and "<script>" not in html
    assert 'src="static/intervals.js"' in html and 'href="static/intervals.css"' in html
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    js = await client.get("/clusters/c1/ui/static/intervals.js")
    assert js.status == 200 and js.content_type == "text/javascript"
    text = await js.text()
    assert "https://" not in text and "http://" not in text
    css = await client.get("/clusters/c1/ui/static/intervals.css")
    assert css.status == 200 and css.content_type == "text/css"
    assert (await client.get("/clusters/c1/ui/static/nope.js")).status == 404
    assert (await client.get("/clusters/c1/ui/static/..%2Fwebui.py")).status == 404
    redirect = await client.get("/clusters/c1/ui/intervals/", allow_redirects=False)
    assert redirect.status == 302
    data = await client.get("/clusters/c1/staticapi/v1/intervals")
    assert data.status == 200


async def test_cache_builds_once_and_invalidates(aiohttp_client):
    calls = []

    def builder(view):
        calls.append(view.name)
        return ([], [])

    cache = IntervalCache(builder)
    app = make_app(FakeView(), cache=cache)
    assert app[INTERVAL_CACHE_KEY] is cache
    client = await aiohttp_client(app)
    await asyncio.gather(*(client.get("/staticapi/v1/intervals") for _ in range(5)))
    assert calls == ["fake"]
    cache.invalidate("fake")
    await client.get("/staticapi/v1/intervals")
    assert calls == ["fake", "fake"]


# --------------------------------------------------------------------------------------- data


def generate_intervals(n: int = 50_000, seed: int = 7) -> list[dict]:
    """A synthetic but realistic mix (3 hours, events dominate) for load and render checks."""
    rnd = random.Random(seed)
    start = CT - timedelta(hours=3)
    out = []

    def iv(source, level, ltype, keys, reason, human, ann, a, b, display=False):
        ann = dict(ann)
        if reason:
            ann["reason"] = reason
        out.append({"level": level, "source": source, "display": display,
                    "locator": {"type": ltype, "keys": keys},
                    "message": {"reason": reason, "cause": "", "humanMessage": human, "annotations": ann},
                    "from": format_time(start + timedelta(seconds=a)), "to": format_time(start + timedelta(seconds=b))})

    namespaces = [f"openshift-ns-{i:02d}" for i in range(40)]
    ops = ["authentication", "dns", "etcd", "kube-apiserver", "network", "console", "ingress", "storage"]
    for op in ops:
        for cond, status, level in (("Available", "False", "Error"), ("Degraded", "True", "Error"),
                                    ("Progressing", "True", "Warning")):
            for _ in range(rnd.randint(0, 4)):
                a = rnd.uniform(0, 10000)
                iv("OperatorState", level, "ClusterOperator", {"clusteroperator": op}, "SomeReason",
                   f"{op} {cond}", {"condition": cond, "status": status}, a, a + rnd.uniform(10, 900), True)
    for k in range(6):
        a = rnd.uniform(0, 9000)
        iv("NodeState", "Warning", "Node", {"node": f"node-{k}"}, "NotReady", "node is not ready",
           {"roles": "worker"}, a, a + rnd.uniform(30, 400), True)
    for k in range(30):
        a = rnd.uniform(0, 10000)
        iv("Disruption", "Error", "Disruption", {"backend-disruption-name": f"backend-{k % 5}", "connection": "new"},
           "DisruptionBegan", "backend unreachable", {}, a, a + rnd.uniform(1, 30), True)
    for k in range(300):
        a = rnd.uniform(0, 10000)
        st = rnd.choice(["Passed"] * 8 + ["Failed", "Flaked", "Skipped"])
        iv("E2ETest", "Error" if st == "Failed" else "Info", "E2ETest",
           {"e2e-test": f"[sig-x] test number {k} should work"}, "E2ETestFinished", "", {"status": st},
           a, a + rnd.uniform(1, 600), True)
    for k in range(60):
        a = rnd.uniform(0, 10000)
        sev = rnd.choice(["info", "warning", "critical"])
        iv("Alert", "Warning", "Alert", {"alert": f"Alert{k % 12}", "namespace": rnd.choice(namespaces)},
           "", "", {"alertstate": rnd.choice(["firing", "pending"]), "severity": sev}, a, a + rnd.uniform(30, 2000), True)
    pods = 0
    while len(out) < n * 0.3:
        ns = rnd.choice(namespaces)
        pod = f"pod-{pods}"
        pods += 1
        a = rnd.uniform(0, 9000)
        keys = {"namespace": ns, "pod": pod, "uid": f"uid-{pods}", "node": f"node-{pods % 6}"}
        iv("PodState", "Info", "Pod", keys, "Created", "", {}, a, a)
        iv("PodState", "Info", "Pod", keys, "Scheduled", "", {"node": keys["node"]}, a + 1, 10800)
        for c in range(rnd.randint(1, 3)):
            ck = {**keys, "container": f"c{c}"}
            iv("PodState", "Info", "Container", ck, "ContainerStart", "", {}, a + 5, 10800)
            if rnd.random() < 0.1:
                iv("PodState", "Error", "Container", ck, "ContainerExit", "", {"code": "137", "cause": "OOMKilled"},
                   a + 50, a + 50, True)
    reasons = ["Pulled", "Created", "Started", "BackOff", "Unhealthy", "FailedMount", "OperatorStatusChanged"]
    while len(out) < n:
        ns = rnd.choice(namespaces)
        a = rnd.uniform(0, 10700)
        r = rnd.choice(reasons)
        count = rnd.choice([1, 1, 1, 2, 5, 30])
        ann = {"count": str(count)} if count > 1 else {}
        if count > 20:
            ann["pathological"] = "true"
        iv("KubeEvent", "Warning" if r in ("BackOff", "Unhealthy", "FailedMount") else "Info", "KubeEvent",
           {"kind": "Pod", "name": f"pod-{rnd.randrange(max(1, pods))}", "namespace": ns, "hmsg": f"{rnd.getrandbits(40):010x}"},
           r, f"{r} happened to a container in {ns}", ann, a, a + (rnd.uniform(0, 600) if count > 1 else 0), count > 20)
    out.sort(key=lambda i: i["from"])
    return out


def test_generated_dataset_shape():
    items = generate_intervals(5000)
    assert len(items) == 5000
    assert {i["source"] for i in items} >= {"KubeEvent", "PodState", "OperatorState", "E2ETest", "Alert"}


# --------------------------------------------------------------------------------------- browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--remote-debugging-port=0",
                "--window-size=1600,1000"]


class CDP:
    """Just enough of the Chrome DevTools protocol: one page session over a websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse):
        self.ws = ws
        self.next_id = 0
        self.pending: dict[int, asyncio.Future] = {}
        self.events: list[dict] = []
        self.session: str | None = None
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            else:
                self.events.append(data)

    async def send(self, method: str, params: dict | None = None, session: bool = True) -> dict:
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        await self.ws.send_str(json.dumps(msg))
        data = await asyncio.wait_for(fut, 60)
        if "error" in data:
            raise RuntimeError(f"{method}: {data['error']}")
        return data.get("result", {})

    async def eval(self, expr: str):
        res = await self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expr}: {res['exceptionDetails']}")
        return res["result"].get("value")

    async def wait_for(self, expr: str, timeout: float = 30):
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            v = await self.eval(expr)
            if v:
                return v
            if loop.time() > end:
                raise TimeoutError(expr)
            await asyncio.sleep(0.05)

    async def click(self, x: float, y: float):
        for t in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.send("Input.dispatchMouseEvent", {"type": t, "x": x, "y": y, "button": "left", "clickCount": 1})

    async def screenshot(self, path: Path):
        res = await self.send("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(res["data"]))

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(json.dumps(p.get("args"))[:500])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(p["entry"].get("text", "") + " " + p["entry"].get("url", ""))
        return out


class Browser:
    def __init__(self):
        self.proc = None
        self.tmp = None
        self.http = None

    async def __aenter__(self) -> CDP:
        self.tmp = tempfile.mkdtemp(prefix="staticapi-chromium-")
        # TMPDIR inside ours too: chromium's singleton socket directory would otherwise stay in /tmp
        os.mkdir(os.path.join(self.tmp, "tmp"))
        self.proc = subprocess.Popen([CHROMIUM, *CHROME_FLAGS, f"--user-data-dir={self.tmp}/profile", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True, env={**os.environ, "TMPDIR": f"{self.tmp}/tmp"})
        loop = asyncio.get_running_loop()
        url = None
        while url is None:
            line = await loop.run_in_executor(None, self.proc.stderr.readline)
            if not line:
                raise RuntimeError("chromium exited before DevTools came up")
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                url = m.group(1)
        # keep draining stderr so chromium never blocks on a full pipe
        loop.run_in_executor(None, lambda: [None for _ in iter(self.proc.stderr.readline, "")])
        self.http = aiohttp.ClientSession()
        ws = await self.http.ws_connect(url, max_msg_size=0)
        cdp = CDP(ws)
        target = await cdp.send("Target.createTarget", {"url": "about:blank"})
        att = await cdp.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
        cdp.session = att["sessionId"]
        for m in ("Runtime.enable", "Log.enable", "Page.enable"):
            await cdp.send(m)
        await cdp.send("Emulation.setDeviceMetricsOverride",
                       {"width": 1600, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
        self.cdp = cdp
        return cdp

    async def __aexit__(self, *exc):
        try:
            self.cdp.reader.cancel()
            await self.http.close()
        finally:
            # Chromium's helpers (zygote, GPU, crashpad) outlive the browser process by a moment and keep
            # writing into the profile; end the whole process group before removing it (a CI run failed
            # with "Directory not empty: 'Default'" when only the browser had been waited for).
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, sig)
                try:
                    self.proc.wait(10)
                    break
                except subprocess.TimeoutExpired:
                    continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            for attempt in range(50):
                try:
                    shutil.rmtree(self.tmp)
                    break
                except OSError:
                    if attempt == 49:
                        raise
                    await asyncio.sleep(0.1)


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")


def _mixed_items() -> list[dict]:
    """Derived intervals of the fake view plus a generated CI-like set, so every group shows."""
    from staticapi.insight.intervals import derive_intervals, sort_intervals
    return sort_intervals(derive_intervals(FakeView()) + generate_intervals(3000))


@needs_chromium
async def test_page_in_headless_chromium(aiohttp_server, tmp_path):
    items = _mixed_items()
    cache = IntervalCache(lambda view: (items, []))
    server = await aiohttp_server(make_app(FakeView(), prefix="/clusters/c1", cache=cache), host="127.0.0.1")
    base = f"http://127.0.0.1:{server.port}/clusters/c1"
    async with Browser() as cdp:
        await cdp.send("Page.navigate", {"url": f"{base}/ui/intervals"})
        await cdp.wait_for("document.body && document.body.dataset.ready === '1'")
        assert cdp.errors() == []
        rows = await cdp.eval("intervalsApp.rows()")
        labels = [r["label"] for r in rows]
        assert "Operator degraded" in labels and "Pods" in labels and "Events" in labels
        shown = int(await cdp.eval("document.getElementById('status').dataset.shown"))
        assert shown == len(items)

        # a source toggle hides that source and lands in the URL hash
        await cdp.eval("document.querySelector('[data-src=\"KubeEvent\"] input').click()")
        await cdp.wait_for("location.hash.includes('hide=KubeEvent')")
        shown2 = int(await cdp.eval("document.getElementById('status').dataset.shown"))
        assert shown2 == len(items) - sum(1 for i in items if i["source"] == "KubeEvent")
        assert "Events" not in [r["label"] for r in await cdp.eval("intervalsApp.rows()")]

        # the search highlights (rows stay) and lands in the hash
        nrows = len(await cdp.eval("intervalsApp.rows()"))
        await cdp.eval("(() => { const s = document.getElementById('search'); s.value = 'CrashLoop';"
                       " s.dispatchEvent(new Event('input')); })()")
        await cdp.wait_for("intervalsApp.matches() > 0")
        assert len(await cdp.eval("intervalsApp.rows()")) == nrows
        await cdp.wait_for("location.hash.includes('q=CrashLoop')")
        # "only matches" hides the rest
        await cdp.eval("document.getElementById('only').click()")
        await cdp.wait_for("intervalsApp.rows().length < %d" % nrows)

        # a bad regex marks the box instead of throwing
        await cdp.eval("(() => { const s = document.getElementById('search'); s.value = '(oops';"
                       " s.dispatchEvent(new Event('input')); })()")
        await cdp.wait_for("document.getElementById('search').classList.contains('bad')")
        await cdp.eval("(() => { const s = document.getElementById('search'); s.value = '';"
                       " s.dispatchEvent(new Event('input')); document.getElementById('only').click(); })()")
        await cdp.wait_for("intervalsApp.matches() === 0")

        # clicking a bar opens the detail pane with the locator and a link into the API
        i = await cdp.eval("intervalsApp.find(it => it.source === 'PodState' && it.message.reason === 'ContainerWait')")
        assert i >= 0
        pos = await cdp.eval(f"intervalsApp.locate({i})")
        await cdp.click(pos["x"], pos["y"])
        await cdp.wait_for("!document.getElementById('detail').hidden")
        detail = await cdp.eval("document.getElementById('detailbody').innerText")
        assert "web-1" in detail and "CrashLoopBackOff" in detail
        href = await cdp.eval("document.querySelector('#detailbody .links a').getAttribute('href')")
        assert href == f"{base}/api/v1/namespaces/app/pods/web-1"

        # keyboard zoom changes the window and writes it to the hash; reloading the hash restores it
        await cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "+", "text": "+"})
        await cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "+"})
        await cdp.wait_for("location.hash.includes('from=')")
        await cdp.screenshot(tmp_path / "intervals.png")
        assert (tmp_path / "intervals.png").stat().st_size > 10_000
        assert cdp.errors() == []


@needs_chromium
async def test_page_with_50k_intervals(aiohttp_server):
    """Load + first paint of 50,000 intervals; timings are printed, not asserted."""
    items = generate_intervals(50_000)
    cache = IntervalCache(lambda view: (items, []))
    server = await aiohttp_server(make_app(FakeView(), cache=cache), host="127.0.0.1")
    async with Browser() as cdp:
        await cdp.send("Page.navigate", {"url": f"http://127.0.0.1:{server.port}/ui/intervals"})
        await cdp.wait_for("document.body && document.body.dataset.ready === '1'", timeout=120)
        assert cdp.errors() == []
        assert int(await cdp.eval("document.getElementById('status').dataset.shown")) == 50_000
        await cdp.eval("intervalsApp.setWindow(Date.parse('%s'), Date.parse('%s'))" % (_t(120), _t(60)))
        redraw = await cdp.eval("intervalsApp.redraw()")
        await cdp.eval("(() => { const s = document.getElementById('search'); s.value = 'BackOff';"
                       " s.dispatchEvent(new Event('input')); })()")
        await cdp.wait_for("intervalsApp.matches() > 0")
        perf = await cdp.eval("intervalsApp.perf()")
        print(f"\n50k intervals: {perf} redraw={redraw:.1f}ms")
        assert cdp.errors() == []
