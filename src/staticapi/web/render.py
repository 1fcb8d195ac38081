"""Rendering pages: one Jinja2 environment (autoescape on), one strict Content-Security-Policy.

Why this module exists: every page shows strings from an untrusted must-gather (names, labels,
annotations, messages, log lines). Autoescaping is on for every template, the CSP forbids inline
script and any other origin, and every page shares the header in ``templates/base.html``.
"""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web

# no inline script or style attribute, nothing from another origin, no plugins, no framing
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("staticapi.web", "templates"),
    autoescape=True,  # every template, whatever its extension
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, status: int = 200, **context: Any) -> web.Response:
    """The page as an HTML response with the security headers."""
    html = ENV.get_template(template).render(**context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8",
                        headers=SECURITY_HEADERS)
