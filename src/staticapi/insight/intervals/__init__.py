"""Interval timelines from a must-gather, plus CI interval files imported as-is.

Why this package exists: openshift/origin's monitor writes "intervals" (something
happened to *this* object from *then* to *then*) and renders them as a chart;
Sippy shows the same data.  A must-gather has no monitor, but most of what the
monitor records can be rebuilt from the objects it does contain: Events,
ClusterOperator / ClusterVersion status, Pod and Node status.  This package turns
a cluster snapshot into intervals in origin's *current* structured format, so
the same viewer (``web/timeline.py`` + ``web/static/intervals.*``) can show a
must-gather and a CI run's ``e2e-events*.json`` side by side.

Modules (each cites the origin / library-go code it follows):

* ``model`` -- :class:`ClusterView`, origin's names, times, one interval's shape
  (``make_interval``), its flat strings and sort order;
* ``objects`` -- de-duplicated objects and Events (both API groups) in one shape;
* ``conditions`` -- library-go's status-diff text, condition state segments;
* ``derive_events``, ``derive_operators``, ``derive_nodes``, ``derive_pods`` -- one
  derivation per source; ``derive`` -- :func:`derive_intervals`, all of them plus
  the gathered sources (``insight.alerts``, ``insight.audit``);
* ``files`` -- origin interval files (legacy flat, transitional ``tempStructured*``,
  current) found, read and normalised;
* ``filters`` -- :func:`filter_intervals` (the endpoint's query parameters);
* ``cache`` -- :class:`IntervalCache`: derived + imported intervals, built once per view.

Everything is a pure function of its inputs except :class:`IntervalCache`, which
only memoises ``derive_intervals`` + imported files per cluster view.
"""

from __future__ import annotations

from .cache import IntervalCache, build_intervals
from .conditions import parse_status_diff
from .derive import derive_intervals
from .files import find_interval_files, load_interval_file, normalize_interval
from .filters import filter_intervals, search_text
from .model import (
    PATHOLOGICAL_THRESHOLD,
    SOURCE_ALERT,
    SOURCE_APISERVER_SHUTDOWN,
    SOURCE_DISRUPTION,
    SOURCE_E2E,
    SOURCE_KUBE_EVENT,
    SOURCE_NODE_STATE,
    SOURCE_OPERATOR_STATE,
    SOURCE_POD_STATE,
    ClusterView,
    format_time,
    locator_string,
    make_interval,
    message_string,
    parse_time,
    sort_intervals,
)

__all__ = [
    "PATHOLOGICAL_THRESHOLD",
    "SOURCE_ALERT",
    "SOURCE_APISERVER_SHUTDOWN",
    "SOURCE_DISRUPTION",
    "SOURCE_E2E",
    "SOURCE_KUBE_EVENT",
    "SOURCE_NODE_STATE",
    "SOURCE_OPERATOR_STATE",
    "SOURCE_POD_STATE",
    "ClusterView",
    "IntervalCache",
    "build_intervals",
    "derive_intervals",
    "filter_intervals",
    "find_interval_files",
    "format_time",
    "load_interval_file",
    "locator_string",
    "make_interval",
    "message_string",
    "normalize_interval",
    "parse_status_diff",
    "parse_time",
    "search_text",
    "sort_intervals",
]
