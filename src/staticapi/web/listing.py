"""The list page of one kind: the columns ``kubectl get`` prints, selectors, sorting, paging.

Why this module exists: a browser user wants ``kubectl get pods -A -o wide`` with a filter box,
sortable columns and pages that stay fast at 10k rows. The columns and cells are the server-side
Table printers' (``serve.tables.TableConverter``, cached per object by the store), the
selectors are the API's grammar (``kube.selectors``, same validation and messages as a list
request), and only one page of rows is rendered.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web

from ..kube import selectors
from ..kube.duration import parse_time
from ..kube.registry import Resource
from ..kube.status import path_not_found
from ..serve.tables import TableConverter
from ..store.store import Entry
from .common import GetInsight, age, base_of, html_errors, list_url, object_url, page_context
from .render import render

PAGE_SIZE = 250  # rows per page: 10k pods are 40 pages, each painted at once


def resource_of(ci, group: str, plural: str) -> Resource:
    """The served resource for the URL's ``{group or 'core'}/{plural}`` (404 when unknown)."""
    g = "" if group == "core" else group
    r = ci.store.registry.resources.get((g, plural))
    if r is None:
        raise path_not_found()
    return r


def matchers(r: Resource, label_text: str, field_text: str) -> Callable[[Entry], bool] | None:
    """The API's label and field selector decision for one resource (raises SelectorError with
    the apiserver's message, as ``serve.api`` answers a list request)."""
    lsel = selectors.parse_label_selector(label_text)
    fsel = selectors.parse_field_selector(field_text)
    if fsel.requirements:
        kw = {"custom_resource": True, "namespaced": r.namespaced} if r.origin in ("crd", "bundled-crd") else {}
        selectors.validate_field_selector(fsel, r.group, r.plural, **kw)
    if lsel.empty and not fsel.requirements:
        return None
    key = f"fields:{r.group}/{r.plural}"  # the same per-entry cache the API's list handler fills

    def match(e: Entry) -> bool:
        if not lsel.empty and not lsel.matches(e.labels or {}):
            return False
        if fsel.requirements:
            fv = e.cached(key, lambda: selectors.field_values(r.group, r.plural, e.obj()))
            return fsel.matches(fv)
        return True

    return match


def _sort_key(col: dict, now: datetime) -> Callable[[Any], tuple]:
    t = col.get("type")
    if t in ("integer", "number"):
        return lambda v: (0, v) if isinstance(v, int | float) else (1, 0)
    if t == "date":
        # newest first reads as "smallest age first", as kubectl --sort-by=.metadata.creationTimestamp
        def k(v: Any) -> tuple:
            d = parse_time(v) if isinstance(v, str) else None
            return (0, -d.timestamp()) if d else (1, 0)
        return k
    return lambda v: (0, _natural(str(v))) if v not in (None, "") else (1, [])


_DIGITS = re.compile(r"(\d+)")


def _natural(s: str) -> list:
    """'pod-10' after 'pod-9' (text and numbers alternate, so they are never compared)."""
    parts: list = _DIGITS.split(s.lower())
    parts[1::2] = [int(p) for p in parts[1::2]]
    return parts


def cell_text(col: dict, v: Any, now: datetime) -> str:
    if v is None:
        return "<none>" if col.get("type") == "string" and col.get("format") != "name" else ""
    if col.get("type") == "date" and isinstance(v, str):
        return age(v, now) or "<unknown>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | dict):
        return orjson.dumps(v).decode()
    return str(v)


def build_list(ci, r: Resource, query: dict[str, str], base: str) -> dict[str, Any]:
    """The page's data: columns, the current page of rows, paging and sort state. Pure over the
    store (tested without a server)."""
    store = ci.store
    now = store.now
    ns = query.get("namespace", "") if r.namespaced else ""
    wide = query.get("wide") in ("1", "true")
    t = store.tables.get(r.key)
    entries = t.in_namespace(ns or None) if t is not None else []
    error = ""
    try:
        m = matchers(r, query.get("labelSelector", ""), query.get("fieldSelector", ""))
        if m is not None:
            entries = [e for e in entries if m(e)]
    except selectors.SelectorError as e:
        error, entries = str(e), []
    conv = TableConverter(r, r.version)
    cols = [(i, c) for i, c in enumerate(conv.columns) if wide or not c.get("priority")]
    sort = query.get("sort", "")
    desc = sort.startswith("-")
    sname = sort.lstrip("-")
    col = next((i for i, c in enumerate(conv.columns) if c["name"].upper() == sname.upper()), None) \
        if sname else None
    # a sorted order is kept per store for the unfiltered list (paging through it costs a slice)
    memo: dict | None = ci.derive_sync("pages.sorted", lambda _ci: {}) if sname and not error and \
        not query.get("labelSelector") and not query.get("fieldSelector") else None
    mkey = (r.key, ns, sort)
    ordered: list | None = memo.get(mkey) if memo is not None else None
    if ordered is not None:
        pass
    elif col is not None:  # a column sort needs every row's cells (cached per object by the store)
        k = _sort_key(conv.columns[col], now)
        rows = [(e, orjson.loads(conv.row(e, now)[0])) for e in entries]
        rows.sort(key=lambda row: k(row[1][col] if col < len(row[1]) else None), reverse=desc)
        ordered = [e for e, _ in rows]
    elif sname == "NAMESPACE" and r.namespaced:
        ordered = sorted(entries, key=lambda e: (_natural(e.namespace), _natural(e.name)), reverse=desc)
    else:  # the store's namespace/name order, as kubectl get lists
        ordered = list(reversed(entries)) if desc else entries
    if memo is not None:
        memo[mkey] = ordered
    total = len(ordered)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    try:
        page = min(max(1, int(query.get("page", "1"))), pages)
    except ValueError:
        page = 1
    # only the shown page's cells are decoded
    shown = [(e, orjson.loads(conv.row(e, now)[0])) for e in ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]]
    show_ns = r.namespaced and not ns
    keep = {k: query[k] for k in ("namespace", "labelSelector", "fieldSelector", "wide", "sort") if query.get(k)}

    def url(**over: Any) -> str:
        q = dict(keep, **over)
        return list_url(base, r.group, r.plural, **q)

    headers = []
    if show_ns:
        headers.append({"name": "NAMESPACE", "title": "", "url": url(sort="-NAMESPACE" if sname == "NAMESPACE" and not desc
                                                          else "NAMESPACE", page=None),
                        "sorted": ("desc" if desc else "asc") if sname == "NAMESPACE" else ""})
    for _i, c in cols:
        n = c["name"].upper()
        headers.append({"name": n, "title": c.get("description", "")[:300],
                        "url": url(sort=f"-{n}" if sname.upper() == n and not desc else n, page=None),
                        "sorted": ("desc" if desc else "asc") if sname.upper() == n else ""})
    out_rows = []
    for e, cells in shown:
        cells_out = []
        if show_ns:
            cells_out.append({"text": e.namespace, "url": list_url(base, r.group, r.plural, namespace=e.namespace)})
        for i, c in cols:
            v = cells[i] if i < len(cells) else None
            cell: dict[str, Any] = {"text": cell_text(c, v, now), "url": ""}
            if c.get("format") == "name":
                cell["url"] = object_url(base, r.group, r.plural, e.namespace or None, e.name)
            cells_out.append(cell)
        out_rows.append(cells_out)
    return {
        "resource": r, "namespace": ns, "wide": wide, "error": error, "headers": headers, "rows": out_rows,
        "total": total, "page": page, "pages": pages, "query": keep,
        "prev": url(page=page - 1) if page > 1 else "", "next": url(page=page + 1) if page < pages else "",
        "wide_url": url(wide=None if wide else "1", page=None),
        "first_row": (page - 1) * PAGE_SIZE + 1 if total else 0, "last_row": (page - 1) * PAGE_SIZE + len(shown),
    }


def setup_routes(app: web.Application, get_insight: GetInsight, prefix: str = "") -> None:
    @html_errors
    async def list_page(request: web.Request) -> web.Response:
        ci = get_insight(request)
        r = resource_of(ci, request.match_info["group"], request.match_info["resource"])
        base = base_of(request)
        data = await asyncio.to_thread(build_list, ci, r, dict(request.query), base)
        title = f"{r.plural}" + (f" in {data['namespace']}" if data["namespace"] else "")
        resp = render("list.html", status=400 if data["error"] else 200, **page_context(ci, request, title),
                      d=data, group_seg=r.group or "core")
        return resp

    app.router.add_get(f"{prefix}/ui/list/{{group}}/{{resource}}", list_page)
