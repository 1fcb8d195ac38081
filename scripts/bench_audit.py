#!/usr/bin/env python3
"""Audit log speed: index build, per-object history, streamed queries, on generated audit logs.

    .venv/bin/python scripts/bench_audit.py                 # 3 masters x 100k events (~210 MB unpacked)
    .venv/bin/python scripts/bench_audit.py --events 1000000 --keep /tmp/audit-bench

Goals (one core): the index reads at least 30k events/s (a 5 GB, 7M-event gather in ~4 min, once
per store); a history lookup answers in under 1 ms; a query with a name reads the files at least
as fast as the index build does (it decodes only the lines that contain the name).
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

from staticapi.insight import audit, audit_query

VERBS = ["get"] * 6 + ["list"] * 2 + ["watch", "update", "patch", "create", "delete"]
RESOURCES = [("", "pods"), ("", "configmaps"), ("", "secrets"), ("coordination.k8s.io", "leases"),
             ("apps", "deployments"), ("", "events")]


class View:
    def __init__(self, root: Path):
        self.must_gather_roots = [root]
        self.roots = [root.parent]
        self.name = "bench"


def generate(root: Path, masters: int, per_master: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    d = root / "audit_logs" / "kube-apiserver"
    d.mkdir(parents=True, exist_ok=True)
    base = datetime(2025, 3, 20, 4, 0, tzinfo=timezone.utc)
    size = 0
    for m in range(masters):
        t = base
        with gzip.open(d / f"master-{m}.example-audit.log.gz", "wb", compresslevel=1) as f:
            batch = []
            for i in range(per_master):
                t += timedelta(microseconds=rng.randint(1000, 100000))
                group, res = rng.choice(RESOURCES)
                ns, name = f"ns-{rng.randint(0, 50)}", f"obj-{rng.randint(0, 5000)}"
                ts = t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                ev = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": f"{m}-{i}",
                      "stage": "ResponseComplete", "requestURI": f"/api/v1/namespaces/{ns}/{res}/{name}",
                      "verb": rng.choice(VERBS),
                      "user": {"username": f"user-{rng.randint(0, 40)}", "groups": ["system:authenticated"]},
                      "sourceIPs": ["10.0.0.1"], "userAgent": "kubectl/v1.30.10 (linux/amd64) kubernetes/c5aaf1f",
                      "objectRef": {"resource": res, "namespace": ns, "name": name, "apiGroup": group,
                                    "apiVersion": "v1"},
                      "responseStatus": {"metadata": {}, "code": rng.choice([200] * 30 + [404, 409, 500])},
                      "requestReceivedTimestamp": ts, "stageTimestamp": ts,
                      "annotations": {"authorization.k8s.io/decision": "allow",
                                      "authorization.k8s.io/reason": 'RBAC: allowed by ClusterRoleBinding "x"'}}
                batch.append(orjson.dumps(ev))
                if len(batch) >= 10000:
                    data = b"\n".join(batch) + b"\n"
                    size += len(data)
                    f.write(data)
                    batch = []
            if batch:
                data = b"\n".join(batch) + b"\n"
                size += len(data)
                f.write(data)
    return size


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=300_000, help="events in all (default 300000)")
    p.add_argument("--masters", type=int, default=3)
    p.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    a = p.parse_args(argv)
    work = a.keep or Path(tempfile.mkdtemp(prefix="audit-bench-"))
    root = work / "mg" / "image"
    try:
        (root / "namespaces").mkdir(parents=True, exist_ok=True)
        if not any((root / "audit_logs").rglob("*.gz")):
            size, dt = timed(lambda: generate(root, a.masters, a.events // a.masters))
            print(f"generated {a.events} events, {size / 1e6:.0f} MB unpacked, in {dt:.1f}s")
        view = View(root)
        idx, dt = timed(lambda: audit.build_index(view))
        rate = idx.events / dt if dt else 0
        print(f"index: {dt:.2f}s, {rate:,.0f} events/s (goal >= 30,000), {len(idx.by_object):,} objects, "
              f"{sum(len(r) for r in idx.by_object.values()):,} mutations kept")
        key = next(iter(idx.by_object))
        _, dt = timed(lambda: audit.history_of(idx, *key))
        print(f"history lookup: {dt * 1000:.3f} ms (goal < 1 ms)")
        for q in ({"name": "obj-17"}, {"code": "5xx", "limit": "100"},
                  {"from": "2025-03-20T04:10:00Z", "to": "2025-03-20T04:15:00Z"}, {}):
            n, dt = timed(lambda q=q: sum(1 for _ in audit_query.stream(idx, audit_query.parse_query(q))))
            print(f"query {q}: {n:,} events in {dt:.2f}s")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
