"""Condition histories: library-go's status-diff event text, state segments, one interval per state.

* openshift/library-go ``pkg/config/clusteroperator/v1helpers`` ``GetStatusDiff``
  -- the ``OperatorStatusChanged`` event text (``X changed from A to B ("msg")``,
  ``X set to S ("msg")``, ``X message changed from "a" to "b"``, ``X was removed``,
  joined by ``,``) used to rebuild past condition transitions.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from datetime import datetime

from .model import make_interval, parse_time


def _segments(points: list[tuple], end: datetime) -> list[tuple]:
    """points: (time, status, payload) sorted; returns (start, stop, status, payload) with each
    state lasting until the next point (or ``end``).  Two points with the same status within
    five seconds are one transition seen twice (an event and lastTransitionTime)."""
    points = sorted(points, key=lambda p: p[0])
    merged: list[tuple] = []
    for p in points:
        if merged and merged[-1][1] == p[1] and abs((p[0] - merged[-1][0]).total_seconds()) <= 5:
            # keep the earlier time, prefer the richer payload (current object state)
            prev = merged[-1]
            merged[-1] = (prev[0], prev[1], p[2] if p[2].get("current") else prev[2])
            continue
        merged.append(p)
    out = []
    for i, (t, status, payload) in enumerate(merged):
        stop = merged[i + 1][0] if i + 1 < len(merged) else end
        if stop < t:
            stop = t
        out.append((t, stop, status, payload))
    return out


# library-go v1helpers.GetStatusDiff clauses
GO_QUOTED = r'"(?:[^"\\]|\\.)*"'
_DIFF_CLAUSES = [
    ("changed", re.compile(r'(\w+) changed from (\w+) to (\w+) \((' + GO_QUOTED + r')\)', re.S)),
    ("set", re.compile(r'(\w+) set to (\w+) \((' + GO_QUOTED + r')\)', re.S)),
    ("message", re.compile(r'(\w+) (?:message|reason) changed from (' + GO_QUOTED + r') to (' + GO_QUOTED + r')', re.S)),
    ("removed", re.compile(r'(\w+) was removed', re.S)),
    ("other", re.compile(r'status\.\w+ changed from .*?(?=,\w+ (?:changed|set|message|reason|was)\b|$)', re.S)),
]
STATUS_CHANGED = re.compile(r"^Status for (?:clusteroperator|clusterversion)/([^ ]+) changed: (.*)$", re.S)


def go_unquote(q: str) -> str:
    try:
        v = ast.literal_eval(q)
        return v if isinstance(v, str) else q[1:-1]
    except (ValueError, SyntaxError):
        return q[1:-1]


def parse_status_diff(text: str) -> list[dict]:
    """Parse the body of library-go's OperatorStatusChanged message into clauses.

    Returns dicts with ``condition``, ``kind`` (changed|set|message|removed) and, where present,
    ``old``, ``new`` (statuses) and ``message``.
    """
    out: list[dict] = []
    pos = 0
    n = len(text)
    while pos < n:
        for kind, rx in _DIFF_CLAUSES:
            m = rx.match(text, pos)
            if not m:
                continue
            if kind == "changed":
                out.append({"condition": m[1], "kind": kind, "old": m[2], "new": m[3], "message": go_unquote(m[4])})
            elif kind == "set":
                out.append({"condition": m[1], "kind": kind, "new": m[2], "message": go_unquote(m[3])})
            elif kind == "message":
                out.append({"condition": m[1], "kind": kind, "message": go_unquote(m[3])})
            elif kind == "removed":
                out.append({"condition": m[1], "kind": kind})
            pos = m.end()
            break
        else:
            # unknown clause: skip to the next comma
            nxt = text.find(",", pos)
            if nxt < 0:
                break
            pos = nxt
        if pos < n and text[pos] == ",":
            pos += 1
    return out


def condition_intervals(
    ltype: str,
    keys: dict,
    conditions: list[dict],
    wanted: Mapping[str, tuple[str, str]],
    history: Mapping[str, list[tuple]],
    end: datetime,
    source: str,
    extra_ann: Mapping[str, str] | None = None,
    reason_for: Callable[[str, str, str], str] | None = None,
) -> list[dict]:
    """One interval per condition state: the current one (lastTransitionTime..end) and the
    past ones rebuilt from ``history[condition] = [(time, status, payload)]``."""
    out = []
    current = {c.get("type"): c for c in conditions or () if isinstance(c, dict)}
    for ctype, (good, bad_level) in wanted.items():
        points = list(history.get(ctype, ()))
        c = current.get(ctype)
        if c is not None:
            t = parse_time(c.get("lastTransitionTime"))
            if t is not None:
                points.append((t, str(c.get("status", "Unknown")), {
                    "current": True, "reason": c.get("reason") or "", "message": c.get("message") or "",
                }))
        if not points:
            continue
        for start, stop, status, payload in _segments(points, end):
            if start > end:
                continue
            is_good = status == good
            level = "Info" if is_good else bad_level
            kube_reason = payload.get("reason") or ""
            reason = reason_for(ctype, status, kube_reason) if reason_for else kube_reason
            ann = {"condition": ctype, "status": status}
            if extra_ann:
                ann.update(extra_ann)
            ann["constructed"] = payload.get("constructed") or ("current-status" if payload.get("current") else "")
            cause = kube_reason if (reason_for and kube_reason != reason) else ""
            out.append(make_interval(
                source, level, ltype, keys, reason=reason, cause=cause, human=payload.get("message") or "",
                annotations=ann, start=start, end=stop, display=not is_good,
            ))
    return out
