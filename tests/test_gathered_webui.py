"""The audit, alerts and etcd pages in a real browser (Playwright driving Debian's chromium) against
a live server on the generated fixture: they render under the strict CSP without console errors,
the forms work, and what the fixture holds is on the page.
"""

from __future__ import annotations

import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="chromium not installed")


def test_pages(fixture_server):
    from playwright.sync_api import sync_playwright

    base = fixture_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "favicon" not in m.text
                    and "404" not in m.text else None)
            page.on("pageerror", lambda e: problems.append(str(e)))

            page.goto(f"{base}/ui/audit")
            assert page.locator("h1").inner_text() == "Audit logs"
            rows = page.locator("table.audit-failures tbody tr")
            assert rows.count() == 5 and rows.first.locator("td").first.inner_text().startswith("500")
            # a failure row links to its raw events
            with page.expect_navigation():
                rows.first.locator("a").click()
            assert page.locator("body").inner_text().count('"code":500') == 2
            page.go_back()
            # the history form
            form = page.locator("form.query").nth(1)
            form.locator("input[name=resource]").fill("configmaps")
            form.locator("input[name=namespace]").fill("demo-apps")
            form.locator("input[name=name]").fill("feature-flags")
            with page.expect_navigation():
                form.locator("button").click()
            verbs = page.locator("table.audit-history tbody tr td:nth-child(2)").all_inner_texts()
            assert verbs == ["create", "patch"]
            # the query form leads to the streamed JSON lines
            form = page.locator("form.query").first
            form.locator("input[name=code]").fill("5xx")
            with page.expect_navigation():
                form.locator("button").click()
            text = page.locator("body").inner_text()
            assert text.count('"apiVersion":"audit.k8s.io/v1"') == 2 and '"code":500' in text

            page.goto(f"{base}/ui/alerts")
            active = page.locator("table.alerts tbody tr")
            assert active.count() == 8
            assert "critical" in active.first.inner_text() and "etcdMembersDown" in active.first.inner_text()
            with page.expect_navigation():
                page.locator("p.filters a", has_text="inactive").click()
            assert page.locator("table.rules tbody tr").count() == 3

            page.goto(f"{base}/ui/etcd")
            assert page.locator("table.etcd-members tbody tr").count() == 3
            assert page.locator("tr.artefact").count() == 3
            assert "unhealthy" in page.locator("ul.findings").inner_text()
            # the timeline has both sources and draws Watchdog (severity none) as info (the legend
            # lists the colours in use)
            page.goto(f"{base}/ui/intervals")
            # a selector, not wait_for_function: the page's CSP forbids the eval that polling a JS string needs
            page.locator("#legend", has_text="alert info").wait_for(timeout=15000)
            sources = page.locator("#sources").inner_text()
            assert "Audit" in sources and "Alert" in sources
            assert problems == []
        finally:
            browser.close()
