"""The interval model: origin's names, times, one interval's shape, its flat strings and sort order.

* openshift/origin ``pkg/monitor/monitorapi/types.go`` -- Interval, Locator,
  Message, the source / locator-type / reason / annotation names, ``sortKeys``
  (key order for display), ``Intervals.Less`` (sort order).
* openshift/origin ``pkg/monitor/monitorapi/construction.go`` --
  ``MessageBuilder.Build`` (reason and cause are mirrored into annotations).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import orjson


@runtime_checkable
class ClusterView(Protocol):
    """What the intervals need from a loaded cluster (insight.context.ClusterInsight implements it)."""

    name: str
    collection_time: datetime  # aware; the must-gather's timestamp
    roots: list[Path]  # must-gather root directories (searched for e2e-*.json)

    def objects(self, group: str, resource: str) -> Iterable[dict]:
        """All objects of one resource, e.g. ('', 'events'), ('config.openshift.io', 'clusteroperators')."""
        ...


# --------------------------------------------------------------------------------------
# names from origin pkg/monitor/monitorapi/types.go
SOURCE_KUBE_EVENT = "KubeEvent"
SOURCE_OPERATOR_STATE = "OperatorState"
SOURCE_NODE_STATE = "NodeState"
SOURCE_POD_STATE = "PodState"
SOURCE_APISERVER_SHUTDOWN = "APIServerGracefulShutdown"
SOURCE_E2E = "E2ETest"
SOURCE_ALERT = "Alert"
SOURCE_DISRUPTION = "Disruption"

# DuplicateEventThreshold in origin pkg/monitortestlibrary/pathologicaleventlibrary
PATHOLOGICAL_THRESHOLD = 20

# sortKeys() in types.go: these first, in this order; the rest alphabetically.
_ORDERED_KEYS = ("namespace", "node", "pod", "uid", "server", "container", "shutdown", "row")
_KEY_RANK = {k: i for i, k in enumerate(_ORDERED_KEYS)}


LEVELS = ("Info", "Warning", "Error")


# --------------------------------------------------------------------------------------
# time helpers


def parse_time(value: Any) -> datetime | None:
    """RFC3339 (metav1.Time / MicroTime) -> aware UTC datetime; None for empty/invalid."""
    if not value or not isinstance(value, str):
        return None
    s = value.strip()
    if s.startswith("0001-01-01"):  # Go's zero time
        return None
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith(("Z", "z")) else s)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def format_time(dt: datetime) -> str:
    """metav1.Time style: RFC3339 UTC, seconds; sub-second digits only when present (MicroTime)."""
    dt = dt.astimezone(timezone.utc)
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0") + "Z"
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------
# interval construction


def make_interval(
    source: str,
    level: str,
    ltype: str,
    keys: Mapping[str, str],
    reason: str = "",
    human: str = "",
    annotations: Mapping[str, str] | None = None,
    cause: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    display: bool = False,
) -> dict:
    """Build one interval the way origin's MessageBuilder.Build does: reason/cause mirrored in annotations."""
    ann: dict[str, str] = {}
    if reason:
        ann["reason"] = reason
    if cause:
        ann["cause"] = cause
    if annotations:
        for k, v in annotations.items():
            if v is not None and v != "":
                ann[k] = str(v)
    assert start is not None
    if end is None or end < start:
        end = start
    return {
        "level": level,
        "source": source,
        "display": display,
        "locator": {"type": ltype, "keys": {k: str(v) for k, v in keys.items() if v}},
        "message": {"reason": reason, "cause": cause, "humanMessage": human, "annotations": ann},
        "from": format_time(start),
        "to": format_time(end),
    }


def locator_string(locator: Mapping[str, Any]) -> str:
    """Locator.OldLocator(): ``k/v`` pairs in sortKeys order; e2e-test values quoted."""
    keys = locator.get("keys") or {}
    parts = []
    for k in sorted(keys, key=lambda k: (_KEY_RANK.get(k, len(_KEY_RANK)), "" if k in _KEY_RANK else k)):
        v = keys[k]
        if k == "e2e-test":
            parts.append(f"{k}/{orjson.dumps(v).decode()}")
        else:
            parts.append(f"{k}/{v}")
    return " ".join(parts)


def message_string(message: Mapping[str, Any]) -> str:
    """Message.OldMessage(): sorted ``k/v`` annotations, then the human message."""
    ann = message.get("annotations") or {}
    text = " ".join(f"{k}/{ann[k]}" for k in sorted(ann))
    human = message.get("humanMessage") or ""
    if not human:
        return text
    return f"{text} {human}".strip()


def _sort_key(item: dict) -> tuple:
    # Intervals.Less in types.go: from, to, reason, humanMessage, locator
    msg = item.get("message") or {}
    return (
        item.get("from") and parse_time(item["from"]) or datetime.min.replace(tzinfo=timezone.utc),
        item.get("to") and parse_time(item["to"]) or datetime.max.replace(tzinfo=timezone.utc),
        msg.get("reason") or "",
        msg.get("humanMessage") or "",
        locator_string(item.get("locator") or {}),
    )


def sort_intervals(items: list[dict]) -> list[dict]:
    items.sort(key=_sort_key)
    return items
