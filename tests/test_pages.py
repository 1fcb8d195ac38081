"""The web pages (web/pages, listing, objects, logs_page, events_page): handlers through the
aiohttp test client over the bundled fixture, then end to end in Chromium (Playwright driving
Debian's chromium): overview -> finding -> object -> logs -> timeline without console errors, and
a must-gather full of hostile strings in which nothing may run."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from aiohttp import web

from staticapi.serve.cluster import Cluster
from staticapi.server import ServerOptions, create_app
from staticapi.web import listing, logs_page
from staticapi.web.render import CSP

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures" / "must-gather"
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def _app(tmp_path: Path, sources: list[tuple[str, Path]], options: ServerOptions | None = None) -> web.Application:
    clusters = [Cluster(name=n, directory=d, source=str(d), cache_dir=tmp_path / "cache") for n, d in sources]
    for c in clusters:
        await c.load()
        assert c.store is not None, c.error
    return create_app(clusters, options)


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    return await aiohttp_client(await _app(tmp_path, [("fixture", FIXTURE)]))


async def _page(client, path: str, status: int = 200) -> str:
    r = await client.get(path, headers=HTML, allow_redirects=False)
    body = await r.text()
    assert r.status == status, (path, r.status, body[:500])
    if r.content_type == "text/html":
        assert r.headers["Content-Security-Policy"] == CSP, path
    return body


# ------------------------------------------------------------------ "/" and the overview


async def test_root_is_html_for_browsers_and_json_for_api_clients(client):
    r = await client.get("/", headers=HTML, allow_redirects=False)
    assert r.status == 302 and r.headers["Location"] == "/ui/"
    for path in ("/clusters/fixture/", "/clusters/fixture"):
        r = await client.get(path, headers=HTML, allow_redirects=False)
        assert r.status == 302 and r.headers["Location"] == "/clusters/fixture/ui/"
    # API clients (kubectl sends application/json, */*) keep the apiserver's 404 Status, byte for byte
    for accept in (None, "application/json, */*", "*/*"):
        r = await client.get("/", headers={"Accept": accept} if accept else {})
        other = await client.get("/no-such-path", headers={"Accept": accept} if accept else {})
        assert r.status == 404 and r.content_type == "application/json"
        assert await r.read() == await other.read()
    for path in ("/clusters/fixture/", "/clusters/fixture", "/clusters/nope/"):  # as before the pages
        r = await client.get(path)
        assert r.status == 404 and (await r.json())["reason"] == "NotFound"


async def test_several_must_gathers_get_a_table(aiohttp_client, tmp_path):
    app = await _app(tmp_path, [("one", FIXTURE), ("two", FIXTURE)])
    client = await aiohttp_client(app)
    body = await _page(client, "/")
    for name in ("one", "two"):
        assert f'href="/clusters/{name}/ui/"' in body
    assert "4.17.20" in body and "v1.30.10" in body and "AWS" in body
    assert 'class="sev sev-critical"' in body  # findings by severity
    assert 'href="/ui/diff"' in body
    body = await _page(client, "/clusters/two/ui/")
    assert 'href="/clusters/two/ui/browse"' in body


async def test_overview_shows_facts_and_ranked_findings_with_links(client):
    body = await _page(client, "/ui/")
    for fact in ("4.17.20", "v1.30.10", "AWS", "4/5 ready", "2025-03-20 07:49:58 UTC"):
        assert fact in body, fact
    sevs = re.findall(r'<li class="finding" data-severity="(\w+)"', body)
    assert sevs and sevs == sorted(sevs, key=("critical", "error", "warning", "info").index)
    assert "ClusterVersion version is Failing" in body
    # a pod finding links its object, its logs and the timeline window around it
    m = re.search(r'href="(/ui/objects/core/pods/demo-apps/scheduler-[^"]+)"', body)
    assert m, "no pod finding with an object link"
    assert '/ui/logs/demo-apps/scheduler-4hffkmzvdz-2mcwv/scheduler"' in body
    assert re.search(r'href="/ui/intervals#from=2025-03-20T0[^"]*&amp;to=[^"]*&amp;q=', body)
    await _page(client, m.group(1).replace("&amp;", "&"))


async def test_browse_counts(client):
    body = await _page(client, "/ui/browse")
    assert re.search(r'<a href="/ui/list/core/pods">Pod</a>.*?<td class="num">46</td>', body, re.S)
    body = await _page(client, "/ui/browse?namespace=demo-apps")
    assert 'href="/ui/list/core/pods?namespace=demo-apps"' in body
    assert "ClusterOperator" not in body  # cluster-scoped kinds are not in a namespace


# ------------------------------------------------------------------ list pages


async def test_list_page_columns_selectors_sort(client):
    body = await _page(client, "/ui/list/core/pods")
    heads = re.findall(r"<th[^>]*><a [^>]*>([A-Z ]+)</a>", body)
    assert heads == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]  # kubectl get pods -A
    body = await _page(client, "/ui/list/core/pods?wide=1")
    heads = re.findall(r"<th[^>]*><a [^>]*>([A-Z ]+)</a>", body)
    assert heads[-4:] == ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]  # -o wide
    body = await _page(client, "/ui/list/core/pods?namespace=demo-apps&labelSelector=app%3Dworker")
    assert "1–1 of 1" in body and "worker-jdr8c796d6-qb2bt" in body
    body = await _page(client, "/ui/list/core/pods?fieldSelector=status.phase%3DPending&namespace=demo-apps")
    assert "frontend-bmcdtdjsw8-qkpfg" in body and "api-fdc9bbhgjs-5gz4f" not in body
    # the API's grammar and messages
    body = await _page(client, "/ui/list/core/pods?fieldSelector=spec.foo%3Dx", 400)
    api = await (await client.get("/api/v1/pods?fieldSelector=spec.foo%3Dx")).json()
    assert f'<p class="error">{api["message"]}</p>' in body
    await _page(client, "/ui/list/core/pods?labelSelector=a%20in", 400)
    # sorted by restarts, most first
    body = await _page(client, "/ui/list/core/pods?sort=-RESTARTS")
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    restarts = [int(re.findall(r"<td>([^<]*)</td>", r)[2].split()[0]) for r in rows[1:]]
    assert restarts == sorted(restarts, reverse=True) and restarts[0] == 51
    await _page(client, "/ui/list/core/nosuchthing", 404)


async def test_list_paging(client, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 10)
    body = await _page(client, "/ui/list/core/pods?page=2")
    assert "11–20 of 46" in body and "page 2 of 5" in body
    assert 'href="/ui/list/core/pods?page=3"' in body and 'href="/ui/list/core/pods?page=1"' in body
    body = await _page(client, "/ui/list/core/pods?page=99")
    assert "41–46 of 46" in body


# ------------------------------------------------------------------ object page


async def test_object_page_pod_owners_containers_yaml(client):
    body = await _page(client, "/ui/objects/core/pods/demo-apps/worker-jdr8c796d6-qb2bt")
    assert "CrashLoopBackOff" in body
    # owners up: ReplicaSet then Deployment
    assert 'href="/ui/objects/apps/replicasets/demo-apps/worker-jdr8c796d6"' in body
    assert 'href="/ui/objects/apps/deployments/demo-apps/worker"' in body
    assert 'href="/ui/logs/demo-apps/worker-jdr8c796d6-qb2bt/worker"' in body
    assert "<summary>metadata.managedFields</summary>" in body or "managedFields" not in body
    assert "kind: Pod" in body
    assert 'href="/ui/objects/core/nodes/_/' in body  # its node


async def test_object_page_owned_objects_and_node_pods(client):
    body = await _page(client, "/ui/objects/apps/deployments/demo-apps/worker")
    assert 'href="/ui/objects/apps/replicasets/demo-apps/worker-jdr8c796d6"' in body
    assert 'href="/ui/objects/core/pods/demo-apps/worker-jdr8c796d6-qb2bt"' in body  # grandchild
    body = await _page(client, "/ui/objects/core/nodes/_/ip-10-0-66-114.us-east-2.compute.internal")
    assert "Pods on this node" in body and "NodeStatusUnknown" in body
    body = await _page(client, "/ui/objects/config.openshift.io/clusteroperators/_/etcd")
    assert "EtcdMembersDegraded" in body and "Degraded" in body
    assert "Audit history (2)" in body and "update/status" in body  # insight.audit over audit_logs/
    await _page(client, "/ui/objects/core/pods/demo-apps/nope", 404)


async def test_object_page_events(client):
    body = await _page(client, "/ui/objects/apps/deployments/openshift-etcd-operator/etcd-operator")
    assert "UnhealthyEtcdMember" in body


# ------------------------------------------------------------------ logs page


async def test_logs_page_tail_numbers_and_files(client):
    base = "/ui/logs/clusters-hosted/kube-apiserver-cxkzbg5bcb-b4fd6/kube-apiserver"
    body = await _page(client, base)
    nums = [int(n) for n in re.findall(r'<div class="ln" id="L(\d+)">', body)]
    assert nums == list(range(1, 13))
    assert 'href="/ui/logs/clusters-hosted/kube-apiserver-cxkzbg5bcb-b4fd6/kube-apiserver?previous=1"' in body
    body = await _page(client, base + "?tail=3")
    assert re.findall(r'id="L(\d+)"', body) == ["10", "11", "12"]
    assert "2025-03-20T07:36:15.865545103Z" in body
    body = await _page(client, base + "?tail=3&timestamps=0")
    assert "2025-03-20T07:36:15.865545103Z " not in body and "poststarthook" in body
    body = await _page(client, base + "?previous=1")
    assert "<b>previous</b>" in body
    await _page(client, "/ui/logs/clusters-hosted/kube-apiserver-cxkzbg5bcb-b4fd6/nosuch", 400)
    await _page(client, base + "?tail=abc", 400)


def test_logs_read_only_the_tail(tmp_path, monkeypatch):
    p = tmp_path / "current.log"
    with open(p, "w") as f:
        for i in range(200_000):
            f.write(f"2025-03-20T07:36:13.000000000Z line {i}\n")
    assert logs_page.count_lines(p) == 200_000
    from datetime import datetime, timezone

    read = []

    def opener(path, mode):  # counts the bytes the tail reads
        f = open(path, mode)
        real = f.read

        def counted(n=-1):
            b = real(n)
            read.append(len(b))
            return b

        f.read = counted
        return f

    lines = logs_page.read_tail(p, 5, True, datetime.now(timezone.utc), opener=opener)
    assert lines[-1].endswith("line 199999") and len(lines) == 5
    assert read and p.stat().st_size > 8_000_000 and sum(read) <= 1 << 20  # the tail, not the file
    gz = tmp_path / "x.log.gz"
    import gzip

    gz.write_bytes(gzip.compress(b"a\nb\nc"))
    assert logs_page.count_lines(gz) == 3


# ------------------------------------------------------------------ events and kubeconfig


async def test_events_page_filters(client):
    body = await _page(client, "/ui/events?type=Warning")
    assert "17 of 97" in body
    body = await _page(client, "/ui/events?reason=FailedScheduling")
    assert body.count('<tr class="ev-warning">') == 2
    body = await _page(client, "/ui/events?object=Deployment/etcd-operator")
    assert "UnhealthyEtcdMember" in body and "kube-apiserver-ip" not in body
    seen = re.findall(r'<td title="([^"]+)">', body)
    assert seen == sorted(seen, reverse=True)  # last seen, newest first


async def test_kubeconfig_download(client):
    r = await client.get("/ui/kubeconfig")
    assert r.status == 200 and "attachment" in r.headers["Content-Disposition"]
    doc = yaml.safe_load(await r.text())
    assert doc["clusters"][0]["cluster"]["server"].endswith("/clusters/fixture")
    assert doc["current-context"] == "fixture"


# ------------------------------------------------------------------ --token


async def test_token_login_cookie(aiohttp_client, tmp_path):
    app = await _app(tmp_path, [("fixture", FIXTURE)], ServerOptions(token="s3cret-token"))
    client = await aiohttp_client(app)
    r = await client.get("/ui/", headers=HTML)
    body = await r.text()
    assert r.status == 401 and 'action="/ui/login"' in body and "s3cret" not in body
    assert r.headers["Content-Security-Policy"] == CSP
    r = await client.get("/api/v1/pods")
    assert r.status == 401 and (await r.json())["reason"] == "Unauthorized"
    r = await client.post("/ui/login", data={"token": "wrong", "next": "/ui/events"}, allow_redirects=False)
    assert r.status == 401
    r = await client.post("/ui/login", data={"token": "s3cret-token", "next": "//evil.example/x"},
                          allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/"  # no open redirect
    r = await client.post("/ui/login", data={"token": "s3cret-token", "next": "/ui/events?type=Warning"},
                          allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/ui/events?type=Warning"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "s3cret-token" not in r.headers["Location"]
    # the client keeps the cookie: pages and /staticapi/ work, the Kubernetes API still wants Bearer
    assert (await client.get("/ui/", headers=HTML)).status == 200
    assert (await client.get("/clusters/fixture/ui/events", headers=HTML)).status == 200
    assert (await client.get("/staticapi/v1/triage")).status == 200
    assert (await client.get("/api/v1/pods")).status == 401
    client.session.cookie_jar.clear()
    r = await client.get("/api/v1/pods", headers={"Authorization": "Bearer s3cret-token"})
    assert r.status == 200
    assert (await client.get("/ui/static/app.css")).status == 200  # our own assets, for the login form


# ------------------------------------------------------------------ in Chromium

needs_chromium = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="no /usr/bin/chromium")


async def _browser():
    from playwright.async_api import async_playwright

    pw = await async_playwright().start()
    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
    return pw, browser


@needs_chromium
async def test_browser_overview_to_finding_object_logs_timeline(aiohttp_server, tmp_path):
    server = await aiohttp_server(await _app(tmp_path, [("fixture", FIXTURE)]))
    url = f"http://127.0.0.1:{server.port}"
    pw, browser = await _browser()
    try:
        page = await browser.new_page(viewport={"width": 1440, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(url + "/", wait_until="load")
        assert page.url == url + "/ui/"
        await page.screenshot(path=str(tmp_path / "overview.png"))
        if os.environ.get("STATICAPI_UPDATE_SCREENSHOTS"):
            shutil.copy(tmp_path / "overview.png", REPO / "docs" / "overview.png")
        assert await page.locator("li.finding").count() > 5
        # the first pod finding with logs: its object page, then its logs
        finding = page.locator("li.finding", has=page.locator("a", has_text="logs")).first
        title = await finding.locator(".title").inner_text()
        await finding.locator("a", has_text="object").click()
        await page.wait_for_load_state("load")
        assert "/ui/objects/core/pods/" in page.url
        assert await page.locator("h2", has_text="Containers").count() == 1
        pod = page.url.rsplit("/", 1)[1]
        assert pod in title
        await page.locator("table.containers a", has_text="current").first.click()
        await page.wait_for_load_state("load")
        assert "/ui/logs/" in page.url
        n = await page.locator("#log .ln").count()
        assert n > 0
        # search-as-you-type highlights, "only matching lines" hides the others
        await page.fill("#logsearch", "level=")
        await page.locator("#log mark").first.wait_for()
        await page.check("#logonly")
        hidden = await page.locator("#log .ln.hidden").count()
        shown = await page.locator("#log .ln:not(.hidden)").count()
        assert shown > 0 and hidden + shown == n
        await page.screenshot(path=str(tmp_path / "logs.png"))
        # a line permalink
        await page.goto(page.url.split("#")[0] + "#L2")
        assert await page.evaluate("document.querySelector('.ln:target').id") == "L2"
        # back to the overview, the finding's timeline window
        await page.goto(url + "/ui/")
        await page.locator("li.finding").first.locator("a", has_text="timeline").click()
        await page.wait_for_load_state("load")
        assert "/ui/intervals#from=" in page.url
        await page.wait_for_timeout(500)
        # a list page and an events page
        await page.goto(url + "/ui/list/core/pods?wide=1")
        assert await page.locator("table.kubectl tbody tr").count() == 46
        await page.goto(url + "/ui/events?type=Warning")
        await page.screenshot(path=str(tmp_path / "events.png"))
        assert errors == []
    finally:
        await browser.close()
        await pw.stop()


SCRIPT_PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=2\">",
    "javascript:window.__pwned=3",
    "\"><svg onload=alert(4)>",
    "'><iframe src=javascript:alert(5)>",
    "{{7*7}}<style>body{display:none}</style>",
]
EVIL_NAME = "evil\"><img src=x onerror=alert(1)>"  # no '/' (it is a directory name too)


def hostile_must_gather(root: Path) -> Path:
    """A must-gather whose names, annotations, messages, events and log lines carry payloads."""
    mg = root / "mg"
    ns = "evil-ns"
    payload = " ".join(SCRIPT_PAYLOADS)
    (mg / "namespaces" / ns / "core").mkdir(parents=True)
    (mg / "timestamp").write_text("2025-03-20 08:40:12.409767748 +0100 CET m=+2.5\n")
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": EVIL_NAME, "namespace": ns, "uid": "u-1",
                     "creationTimestamp": "2025-03-20T07:00:00Z",
                     "labels": {"app": "x"}, "annotations": {"note": payload, payload[:60]: "v"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": payload,
                                          "uid": "u-rs", "controller": True}]},
        "spec": {"nodeName": "javascript:alert(6)", "containers": [{"name": "c1", "image": payload}]},
        "status": {"phase": "Running", "containerStatuses": [{
            "name": "c1", "ready": False, "restartCount": 9, "image": payload,
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": payload}},
            "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "message": payload,
                                         "finishedAt": "2025-03-20T07:40:00Z"}}}],
            "conditions": [{"type": "Ready", "status": "False", "reason": "<b>x</b>", "message": payload,
                            "lastTransitionTime": "2025-03-20T07:40:00Z"}]},
    }
    (mg / "namespaces" / ns / "core" / "pods.yaml").write_text(
        yaml.safe_dump({"apiVersion": "v1", "kind": "PodList", "items": [pod]}))
    events = [{"apiVersion": "v1", "kind": "Event",
               "metadata": {"name": f"ev{i}", "namespace": ns, "creationTimestamp": "2025-03-20T07:41:00Z"},
               "involvedObject": {"kind": "Pod", "name": EVIL_NAME, "namespace": ns, "uid": "u-1", "apiVersion": "v1"},
               "reason": p[:40], "message": p, "type": "Warning", "count": 30,
               "firstTimestamp": "2025-03-20T07:00:00Z", "lastTimestamp": "2025-03-20T07:41:00Z",
               "source": {"component": p}} for i, p in enumerate(SCRIPT_PAYLOADS)]
    (mg / "namespaces" / ns / "core" / "events.yaml").write_text(
        yaml.safe_dump({"apiVersion": "v1", "kind": "EventList", "items": events}))
    logs = mg / "namespaces" / ns / "pods" / EVIL_NAME / "c1" / "c1" / "logs"
    logs.mkdir(parents=True)
    (logs / "current.log").write_text("".join(f"2025-03-20T07:36:13.0Z {p}\n" for p in SCRIPT_PAYLOADS))
    (logs / "previous.log").write_text("2025-03-20T07:30:13.0Z </div></pre><script>window.__pwned=9</script>\n")
    co = {"apiVersion": "config.openshift.io/v1", "kind": "ClusterOperator",
          "metadata": {"name": "evil-co", "annotations": {"x": payload}},
          "status": {"conditions": [
              {"type": "Degraded", "status": "True", "reason": "Evil", "message": payload,
               "lastTransitionTime": "2025-03-20T07:00:00Z"},
              {"type": "Available", "status": "False", "reason": "Evil", "message": payload,
               "lastTransitionTime": "2025-03-20T07:00:00Z"}]}}
    d = mg / "cluster-scoped-resources" / "config.openshift.io" / "clusteroperators"
    d.mkdir(parents=True)
    (d / "evil-co.yaml").write_text(yaml.safe_dump(co))
    return mg


@needs_chromium
async def test_browser_hostile_strings_never_run(aiohttp_server, tmp_path):
    mg = hostile_must_gather(tmp_path)
    app = await _app(tmp_path, [("evil", mg)])
    server = await aiohttp_server(app)
    url = f"http://127.0.0.1:{server.port}"
    from urllib.parse import quote

    pod = quote(EVIL_NAME, safe="")
    paths = ["/ui/", "/ui/browse", "/ui/browse?namespace=evil-ns", "/ui/list/core/pods?wide=1",
             "/ui/list/core/events", "/ui/events",
             f"/ui/events?object={quote(EVIL_NAME)}", f"/ui/objects/core/pods/evil-ns/{pod}",
             "/ui/objects/config.openshift.io/clusteroperators/_/evil-co",
             f"/ui/logs/evil-ns/{pod}/c1", f"/ui/logs/evil-ns/{pod}/c1?previous=1",
             "/ui/objects/core/pods/evil-ns/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
             "/ui/list/core/pods?labelSelector=%3Cscript%3E"]
    pw, browser = await _browser()
    try:
        page = await browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        csp_violations: list[str] = []
        page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)
        found_finding = False
        for p in paths:
            resp = await page.goto(url + p, wait_until="load")
            assert resp is not None
            assert resp.headers.get("content-security-policy") == CSP, p
            assert resp.status == (400 if "Selector" in p else 404 if "%3Cscript" in p else 200), (p, resp.status)
            await page.wait_for_timeout(50)
            assert await page.evaluate("window.__pwned === undefined"), p
            # the payloads are shown as text
            text = await page.evaluate("document.body.innerText")
            if p == "/ui/":
                found_finding = "<script>window.__pwned=1</script>" in text or "onerror" in text
            assert await page.evaluate("document.querySelectorAll('main script, main img, main svg, main iframe').length") == 0, p
        # the search box handles the log lines as text too
        await page.goto(url + f"/ui/logs/evil-ns/{pod}/c1")
        await page.fill("#logsearch", "script")
        await page.locator("#log mark").first.wait_for()
        assert await page.evaluate("document.querySelectorAll('#log script, #log img').length") == 0
        assert await page.evaluate("window.__pwned === undefined")
        assert dialogs == []
        assert csp_violations == []  # escaping alone kept them inert: the CSP had nothing to block
        assert found_finding, "the hostile ClusterOperator/pod should be a finding whose text is shown"
    finally:
        await browser.close()
        await pw.stop()



def test_condition_polarity_and_timeline_links():
    from staticapi.web.common import timeline_url
    from staticapi.web.objects import condition_bad

    assert condition_bad("Ready", "False") and not condition_bad("Ready", "True")
    assert condition_bad("MemoryPressure", "True") and not condition_bad("MemoryPressure", "False")
    assert condition_bad("Degraded", "True") and condition_bad("EtcdMembersDegraded", "True")
    assert condition_bad("Available", "Unknown")
    # the timeline highlight is a regex: names are matched literally, the window is +-30 min
    url = timeline_url("/clusters/a/", "2025-03-20T07:00:00Z", q="ip-10-0-1-2.ec2(x)")
    assert url == ("/clusters/a/ui/intervals#from=2025-03-20T06%3A30%3A00.000Z&to=2025-03-20T07%3A30%3A00.000Z"
                   "&q=ip-10-0-1-2%5C.ec2%5C%28x%5C%29")


async def test_logs_page_rotated_files(aiohttp_client, tmp_path):
    mg = tmp_path / "mg"
    ns = mg / "namespaces" / "rot"
    (ns / "core").mkdir(parents=True)
    (mg / "timestamp").write_text("2025-03-20 08:40:12.409767748 +0100 CET m=+2.5\n")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "rot", "uid": "u"},
           "spec": {"containers": [{"name": "c", "image": "i"}]},
           "status": {"containerStatuses": [{"name": "c", "restartCount": 1, "state": {"running": {}}}]}}
    (ns / "core" / "pods.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "PodList", "items": [pod]}))
    logs = ns / "pods" / "p" / "c" / "c" / "logs"
    (logs / "rotated").mkdir(parents=True)
    (logs / "current.log").write_text("2025-03-20T07:00:00.0Z now\n")
    # kubelet's CRI format in rotated files: partial (P) lines are joined
    (logs / "rotated" / "1.log.20250320-060000").write_text(
        "2025-03-20T06:00:00.0Z stdout P first \n2025-03-20T06:00:00.0Z stdout F half\n"
        "2025-03-20T06:00:01.0Z stderr F second\n")
    client = await aiohttp_client(await _app(tmp_path, [("rot", mg)]))
    body = await _page(client, "/ui/logs/rot/p/c")
    assert "<b>current</b>" in body and "Z now</span>" in body
    assert 'href="/ui/logs/rot/p/c?file=1.log.20250320-060000"' in body
    body = await _page(client, "/ui/logs/rot/p/c?file=1.log.20250320-060000&timestamps=0")
    assert re.findall(r"<span>([^<]*)</span>", body) == ["first half", "second"]
    assert re.findall(r'id="L(\d+)"', body) == ["1", "2"]
    body = await _page(client, "/ui/logs/rot/p/c?previous=1")
    assert "No previous log was saved" in body


async def test_pages_while_indexing_are_html_and_refresh(aiohttp_client, tmp_path):
    c = Cluster(name="slow", directory=FIXTURE, source=str(FIXTURE), cache_dir=tmp_path / "cache")  # not loaded
    client = await aiohttp_client(create_app([c]))
    for path in ("/ui/", "/ui/list/core/pods", "/clusters/slow/ui/events"):
        r = await client.get(path, headers=HTML)
        assert r.status == 503 and r.content_type == "text/html", path
        assert r.headers["Refresh"] == "3" and r.headers["Content-Security-Policy"] == CSP
        assert "still indexing" in await r.text()


@needs_chromium
async def test_browser_token_login_form(aiohttp_server, tmp_path):
    app = await _app(tmp_path, [("fixture", FIXTURE)], ServerOptions(token="tok-123"))
    server = await aiohttp_server(app)
    url = f"http://127.0.0.1:{server.port}"
    pw, browser = await _browser()
    try:
        page = await browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "401" not in m.text else None)
        await page.goto(url + "/ui/events?type=Warning")
        assert await page.locator("form.login").count() == 1
        await page.fill("input[name=token]", "tok-123")
        await page.click("button[type=submit]")
        await page.wait_for_load_state("load")
        assert page.url == url + "/ui/events?type=Warning"  # back where the user wanted to go
        assert "tok-123" not in page.url
        assert await page.locator("h1", has_text="Events").count() == 1
        cookies = await page.context.cookies()
        assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [("staticapi_token", True, "Strict")]
        assert errors == []
    finally:
        await browser.close()
        await pw.stop()


async def test_finding_links(tmp_path):
    from staticapi.insight.findings import Finding, ObjectRef
    from staticapi.server import INSIGHTS
    from staticapi.web.pages import finding_view

    app = await _app(tmp_path, [("fixture", FIXTURE)])
    ins = app[INSIGHTS]
    ci = ins.get(ins.first())

    def links(f: Finding) -> dict:
        return dict(finding_view(f, ci, "/")["links"])

    got = links(Finding("pod-crashloop", "error", "t", ObjectRef("Pod", "worker-jdr8c796d6-qb2bt", "demo-apps",
                                                                 "", "pods"), container="worker"))
    assert got["object"] == "/ui/objects/core/pods/demo-apps/worker-jdr8c796d6-qb2bt"
    assert got["logs"] == "/ui/logs/demo-apps/worker-jdr8c796d6-qb2bt/worker"
    assert got["previous logs"].endswith("?previous=1")
    assert got["events"] == "/ui/events?namespace=demo-apps&object=worker-jdr8c796d6-qb2bt"
    # an object the must-gather does not hold gets no link to a 404, an etcd finding its page
    got = links(Finding("etcd-endpoint-unhealthy", "error", "t", ObjectRef("Pod", "etcd-gone", "openshift-etcd",
                                                                         "", "pods")))
    assert "object" not in got and got["etcd"] == "/ui/etcd"
    got = links(Finding("event-top-warnings", "info", "t", since="2025-03-20T07:00:00Z"))
    assert got["warning events"] == "/ui/events?type=Warning" and got["timeline"].startswith("/ui/intervals#from=")
