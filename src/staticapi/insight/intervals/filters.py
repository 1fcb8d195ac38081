"""The timeline's filters (``/staticapi/v1/intervals`` query parameters) over built intervals."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .model import locator_string, message_string, parse_time


def _csv(v: str | None) -> set[str] | None:
    if v is None or v == "":
        return None
    return {p.strip() for p in v.split(",") if p.strip()}


def search_text(item: Mapping) -> str:
    """What ``q`` is matched against (the page does the same): source, flat locator, flat message, reason."""
    msg = item.get("message") or {}
    return " ".join((str(item.get("source") or ""), locator_string(item.get("locator") or {}),
                     message_string(msg), f"reason/{msg.get('reason') or ''}"))


def filter_intervals(items: list[dict], query: Mapping[str, str]) -> list[dict]:
    """Filter by ``source``, ``level``, ``namespace``, ``type`` (comma lists), ``from``/``to`` (an
    RFC3339 window; intervals overlapping it are kept), ``display=true`` and ``q`` (a regular
    expression searched in the flat locator + message).  Raises ValueError on a bad regex or time."""
    sources = _csv(query.get("source"))
    levels = _csv(query.get("level"))
    namespaces = _csv(query.get("namespace"))
    types = _csv(query.get("type"))
    only_display = str(query.get("display", "")).lower() in ("true", "1", "yes")
    lo = hi = None
    if query.get("from"):
        lo = parse_time(query["from"])
        if lo is None:
            raise ValueError(f"invalid from time {query['from']!r}: want RFC3339")
    if query.get("to"):
        hi = parse_time(query["to"])
        if hi is None:
            raise ValueError(f"invalid to time {query['to']!r}: want RFC3339")
    rx = None
    if query.get("q"):
        try:
            rx = re.compile(query["q"])
        except re.error as e:
            raise ValueError(f"invalid regular expression {query['q']!r}: {e}") from e
    out = []
    for it in items:
        if sources is not None and it.get("source") not in sources:
            continue
        if levels is not None and it.get("level") not in levels:
            continue
        loc = it.get("locator") or {}
        if namespaces is not None and (loc.get("keys") or {}).get("namespace") not in namespaces:
            continue
        if types is not None and loc.get("type") not in types:
            continue
        if only_display and not it.get("display"):
            continue
        if lo is not None or hi is not None:
            f = parse_time(it.get("from"))
            t = parse_time(it.get("to")) if it.get("to") else None
            if hi is not None and f is not None and f > hi:
                continue
            if lo is not None and t is not None and t < lo:
                continue
        if rx is not None and not rx.search(search_text(it)):
            continue
        out.append(it)
    return out
