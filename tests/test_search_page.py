"""The search page (/ui/search) in a real browser: Playwright driving Debian's chromium.

Checks what a user sees: the query from the URL runs, the chart says when the hits started and on
which nodes, results are grouped by source, the keyboard works (/ j k o), a hit opens its log page
at the hit's line, a bad regex shows the reason, signatures are offered and clicking one searches
it, and archive strings stay text (no markup from a log line reaches the DOM).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import start_server
from test_search import build_tree

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tree = build_tree(tmp_path_factory.mktemp("search-page-tree") / "mg")
    srv = start_server([str(tree)], tmp_path_factory.mktemp("search-page-server"))
    yield srv
    srv.stop()
    shutil.rmtree(tree, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    ctx = browser.new_context(viewport={"width": 1300, "height": 1000})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.text
          and "404" not in m.text else None)
    pg.errors = errors
    yield pg
    ctx.close()


def _wait_done(pg):
    # a selector, not wait_for_function: the page's CSP forbids the eval that polling a JS string needs
    pg.wait_for_selector("#status:has-text('matching line'), #status.error", timeout=30000)


def test_query_from_url_chart_and_groups(server, page, tmp_path):
    resp = page.goto(server.url + "/ui/search?q=PLEG+is+not+healthy&in=nodes")
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    _wait_done(page)
    page.screenshot(path=str(tmp_path / "search.png"))
    status = page.text_content("#status")
    assert status.startswith("123 matching lines (nodes 123)")
    started = page.text_content(".chart .started")
    # the journal's errors start at 10:07 in the node-gather file and 10:10 / 10:42 in the others
    assert started == "first hit 2025-03-20 10:07:15Z on node master-0, node master-1, node master-2"
    assert page.locator("svg.hist rect.bar").count() > 3
    assert set(page.locator(".legend-item").all_text_contents()) >= {"node master-0 (41)", "node master-1 (41)",
                                                                    "node master-2 (41)"}
    heads = page.locator(".group-head .label").all_text_contents()
    assert heads == ["masters/crio", "masters/kubelet", "master-0/kubelet"]
    assert page.locator(".hit").count() == 123
    assert page.errors == []


def test_keyboard_and_hit_opens_log_page_at_line(server, page):
    page.goto(server.url + "/ui/search")
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("upstream timeout")
    page.keyboard.press("Enter")
    _wait_done(page)
    assert "q=upstream+timeout" in page.url
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = page.locator(".hit").first
    assert "sel" in first.get_attribute("class")
    href = first.get_attribute("data-href")
    line = first.locator(".hit-link").text_content().rpartition("L")[2]
    assert href.startswith("/ui/logs/demo-apps/") and href.endswith(f"#L{line}")
    page.keyboard.press("o")
    page.wait_for_url("**/ui/logs/demo-apps/**")
    assert page.url.endswith(f"#L{line}")
    page.go_back()
    _wait_done(page)
    assert page.input_value("#q") == "upstream timeout"


def test_bad_regex_shows_reason(server, page):
    page.goto(server.url + "/ui/search?q=%28oops")
    _wait_done(page)
    assert "missing )" in page.text_content("#status")


def test_signatures_offered_and_clickable(server, page):
    page.goto(server.url + "/ui/search")
    page.wait_for_selector("tr.sig", timeout=30000)
    rows = page.locator("tr.sig")
    assert rows.count() >= 5
    assert "PLEG is not healthy" in rows.first.text_content()
    rows.first.locator("a.sig-query").click()
    _wait_done(page)
    assert "q=" in page.url and page.locator(".hit").count() > 0
    assert page.locator("#signatures").is_hidden()


def test_archive_markup_stays_text(server, page):
    page.goto(server.url + "/ui/search?q=hostile")
    _wait_done(page)
    text = page.text_content(".hit-text")
    assert "<img src=x onerror=alert(1)><script>alert(2)</script>" in text
    assert page.locator(".results img, .results script").count() == 0
    assert page.errors == []


def test_under_cluster_prefix(server, page):
    code, body, _ = server.get("/clusters")
    name = body["items"][0]["name"]
    page.goto(server.url + f"/clusters/{name}/ui/search?q=upstream+timeout&in=logs")
    _wait_done(page)
    assert page.get_attribute("a.brand", "href") == f"/clusters/{name}/ui/"
    href = page.locator(".hit").first.get_attribute("data-href")
    assert href.startswith(f"/clusters/{name}/ui/logs/demo-apps/")
    assert page.errors == []


def test_audit_checkbox_opt_in_and_hits_open_their_pages(server, page, tmp_path):
    page.goto(server.url + "/ui/search")
    boxes = {cb.get_attribute("value"): cb.is_checked() for cb in page.locator("input[name=in]").all()}
    assert boxes == {"logs": True, "nodes": True, "events": True, "gathered": True, "audit": False,
                     "objects": False}
    page.fill("#q", '"verb":"(create|delete)"')
    page.check("input[name=in][value=audit]")
    page.press("#q", "Enter")
    _wait_done(page)
    assert "in=logs%2Cnodes%2Cevents%2Cgathered%2Caudit" in page.url
    page.screenshot(path=str(tmp_path / "search-audit.png"), full_page=True)
    status = page.text_content("#status")
    assert "audit " in status
    assert page.locator(".legend-item", has_text="audit kube-apiserver").count() == 1
    hit = page.locator(".src-audit .hit").first
    assert hit.locator(".tag").all_text_contents()[:1] in (["create"], ["delete"])
    href = hit.get_attribute("data-href")
    assert href.startswith("/ui/objects/") or href.startswith("/ui/audit?auditID=")
    # the URL restores the boxes (audit checked) on reload
    page.reload()
    _wait_done(page)
    assert page.is_checked("input[name=in][value=audit]") and not page.is_checked("input[name=in][value=objects]")
    # a request without an object opens the audit page at that request
    page.goto(server.url + "/ui/search?q=%22verb%22%3A%22watch%22&in=audit")
    _wait_done(page)
    page.locator(".src-audit .hit .hit-link").first.click()
    page.wait_for_url("**/ui/audit?auditID=**")
    page.screenshot(path=str(tmp_path / "audit-request.png"), full_page=True)
    assert page.locator("pre.audit-event").count() == 1
    assert page.errors == []
