"""All intervals a must-gather's objects give: each derivation, and the gathered sources beside them."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from .derive_events import apiserver_shutdown_intervals, kube_event_intervals
from .derive_nodes import node_intervals
from .derive_operators import clusterversion_intervals, operator_intervals
from .derive_pods import pod_intervals
from .model import ClusterView, sort_intervals
from .objects import read_events

log = logging.getLogger(__name__)


def derive_intervals(view: ClusterView) -> list[dict]:
    """All intervals a must-gather can give, in origin's current structured format, sorted by ``from``."""
    end = view.collection_time
    if end.tzinfo is None:
        end = end.replace(tzinfo=timezone.utc)
    end = end.astimezone(timezone.utc)
    events = read_events(view)
    out: list[dict] = []
    out += kube_event_intervals(events)
    out += operator_intervals(view, events, end)
    out += clusterversion_intervals(view, end)
    out += node_intervals(view, events, end)
    out += pod_intervals(view, end)
    out += apiserver_shutdown_intervals(events, end)
    out += _gathered("alerts", view, end)
    out += _gathered("audit", view, end)
    return sort_intervals(out)


def _gathered(module: str, view: ClusterView, end: datetime) -> list[dict]:
    """Intervals of a gathered source beside the objects (``alerts``, ``audit``: their module's
    ``intervals(view, end)``); a failure there never costs the rest of the timeline."""
    import importlib

    try:
        source = importlib.import_module(f"..{module}", __package__)  # staticapi.insight.<module>
        return source.intervals(view, end)
    except Exception:  # bad input is reported by the module; the timeline goes on without it
        log.exception("no %s intervals for %s", module, getattr(view, "name", "?"))
        return []
