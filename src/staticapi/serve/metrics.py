"""`/metrics` in the Prometheus text format (prometheus-client).

Request counts and latencies are labelled like kube-apiserver's
`apiserver_request_total` / `apiserver_request_duration_seconds` (verb,
group, resource, code); store figures (objects per resource, index time,
skipped files, open watches) are read from the clusters at scrape time, so
they never go stale after a live reload.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class _StoreCollector:
    def __init__(self, clusters: Callable[[], dict]):
        self.clusters = clusters

    def collect(self):
        objects = GaugeMetricFamily("staticapi_objects", "Objects served, per resource", labels=["cluster", "group", "resource"])
        index = GaugeMetricFamily("staticapi_index_seconds", "Time taken to index the must-gather", labels=["cluster"])
        skipped = GaugeMetricFamily("staticapi_skipped_files", "Files skipped while indexing", labels=["cluster"])
        watches = GaugeMetricFamily("staticapi_open_watches", "Open watch streams", labels=["cluster"])
        ready = GaugeMetricFamily("staticapi_ready", "1 once the must-gather is fully indexed", labels=["cluster"])
        for name, c in self.clusters().items():
            s = c.store
            ready.add_metric([name], 1.0 if (c.ready.is_set() and s is not None) else 0.0)
            watches.add_metric([name], float(len(c.hub.watchers)))
            if s is None:
                continue
            for (g, plural), t in sorted(s.tables.items()):
                objects.add_metric([name, g, plural], float(len(t)))
            index.add_metric([name], float(getattr(s, "index_seconds", 0.0)))
            skipped.add_metric([name], float(len(s.problems) + len(c.extra_problems)))
        yield from (objects, index, skipped, watches, ready)


class Metrics:
    def __init__(self, clusters: Callable[[], dict]):
        self.registry = CollectorRegistry()
        self.requests = Counter("staticapi_requests", "HTTP requests by verb, group, resource and code",
                                ["verb", "group", "resource", "code"], registry=self.registry)
        self.latency = Histogram("staticapi_request_duration_seconds", "Request latency (until headers for streams)",
                                 ["verb", "resource"], registry=self.registry,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.registry.register(_StoreCollector(clusters))

    def observe(self, verb: str, group: str, resource: str, code: int, seconds: float) -> None:
        self.requests.labels(verb, group, resource, str(code)).inc()
        self.latency.labels(verb, resource).observe(seconds)

    def render(self) -> web.Response:
        return web.Response(body=generate_latest(self.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})


def verb_of(method: str, query, has_name: bool) -> str:
    """kube-apiserver's request verb naming (apiserver `request.RequestInfo`)."""
    if method in ("GET", "HEAD"):
        if query.get("watch") in ("true", "1"):
            return "watch"
        return "get" if has_name else "list"
    return {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method, method.lower())


def now() -> float:
    return time.perf_counter()
