"""Triage: what is broken in one must-gather, as ranked findings.

Why this module exists: users have asked for a "must-gather analyze" step for years
(openshift/must-gather#186, omc#247). The overview page, ``/staticapi/v1/triage`` and
``staticapi triage`` all show :func:`compute`'s answer; ``staticapi diff`` compares two of them
by ``Finding.key``.

The engine is a list of finding sources (:data:`SOURCES`), each a function of the cluster that
yields :class:`~staticapi.insight.findings.Finding`. Object sources share one :class:`Ctx` (events
indexed once, collection time); the rules they apply are tables in ``triage_rules``. Other modules
contribute whole sources (alerts, etcd): append ``(name, function)`` where ``function(ci)``
returns findings. Each source is one pass over the resources it reads, so the whole run is linear
in the number of objects; a source that raises is reported as a finding, never fatal (a
must-gather is untrusted input).

Handlers use ``await ci.derive("triage", compute)``: computed once per store.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from . import alerts, etcd
from .findings import SEVERITIES, SEVERITY_RANK, Finding, ranked
from .intervals import format_time
from .triage_base import Ctx, Event, clip, finding
from .triage_checks import (
    cluster_version,
    condition_rules,
    csrs,
    csvs,
    jobs,
    machine_config_pools,
    machines,
    nodes,
    pvcs,
    workloads,
)
from .triage_pods import pods, stable_owner
from .triage_rules import ALLOWED_REPEATS, FOLD_LIST_MAX, PATHOLOGICAL_THRESHOLD, TOP_WARNING_REASONS

log = logging.getLogger(__name__)

DERIVE_KEY = "triage"


def event_storms(ctx: Ctx) -> Iterator[Finding]:
    """The same Warning reason on the same object more than PATHOLOGICAL_THRESHOLD times.

    origin pkg/monitortestlibrary/pathologicaleventlibrary/duplicated_events.go flags an event
    whose count exceeds DuplicateEventThreshold (20) as pathological; here the counts of every
    Event with the same (object, reason) are summed, since the recorder starts a new Event when
    the message changes or the old one expired."""
    sums: dict[tuple, list] = {}
    for e in ctx.events.all:
        if e.type != "Warning" or not e.reason:
            continue
        k = (e.namespace, e.kind, e.name, e.reason)
        cur = sums.get(k)
        if cur is None:
            sums[k] = [e.count, e.first, e]
        else:
            cur[0] += e.count
            if e.first and (cur[1] is None or e.first < cur[1]):
                cur[1] = e.first
            if (e.last or e.first) and (cur[2].last is None or (e.last or e.first) > cur[2].last):
                cur[2] = e
    # storms on pods of one workload fold into one finding keyed by the workload (stable names)
    folded: dict[tuple, list] = {}
    for (ns, kind, name, reason), (count, first, latest) in sums.items():
        if count <= PATHOLOGICAL_THRESHOLD or (ns, kind, name, reason) in ctx.explained:
            continue
        last = latest.last or latest.first
        if ctx.install_completed and last and last <= ctx.install_completed:
            continue  # during installation: origin's event monitor only starts once it completed
        if _allowed_repeat(ctx, latest, first, last):
            continue
        owner = stable_owner(ctx, kind, ns, name)
        stable = (owner.group, owner.kind, owner.name) if owner else (latest.group, kind, name)
        folded.setdefault((ns, stable, reason), []).append((count, first, latest, name))
    for (ns, (sgroup, skind, sname), reason), storms in folded.items():
        storms.sort(key=lambda x: -x[0])
        count, first, latest, name = storms[0]
        evidence = [latest.line()]
        if len(storms) > 1:
            count = sum(x[0] for x in storms)
            first = min((x[1] for x in storms if x[1]), default=None)
            evidence.insert(0, f"on {len(storms)} {(latest.kind or 'object').lower()}s: " + ", ".join(
                f"{x[3]} ({x[0]})" for x in storms[:FOLD_LIST_MAX]))
            obj = ctx.object_ref(sgroup, skind, sname, ns)
            kind, where = skind, f"{ns}/{sname}"
        else:
            kind = latest.kind
            obj = ctx.object_ref(latest.group, kind, name, ns) if kind and name else None
            where = f"{ns}/{name}" if ns else name
        yield finding("event-storm", obj, evidence, first, count=count,
                      key=f"event-storm:{sgroup}/{skind}/{ns}/{sname}:{reason}",
                      fields={"reason": reason, "count": count, "kind": kind or "object", "where": where})


_ALLOWED = [(a, re.compile(a.reason), re.compile(a.message), re.compile(a.namespace), re.compile(a.object))
            for a in ALLOWED_REPEATS]


def _allowed_repeat(ctx: Ctx, e: Event, first: datetime | None, last: datetime | None) -> bool:
    """origin's allowed pathological repeats (triage_rules.ALLOWED_REPEATS); the upgrade-only ones
    when the storm overlaps an update of the cluster."""
    for a, reason, message, namespace, obj in _ALLOWED:
        if not (reason.search(e.reason) and message.search(e.message) and namespace.search(e.namespace)
                and obj.search(e.name)):
            continue
        if not a.upgrade_only:
            return True
        if first and last and any(start <= last and first <= end for start, end in ctx.update_windows):
            return True
    return False


def top_warnings(ctx: Ctx) -> Iterator[Finding]:
    """The most frequent Warning reasons (by event count): context for the first look."""
    counts: Counter = Counter()
    objects: dict[str, set] = {}
    for e in ctx.events.all:
        if e.type == "Warning" and e.reason:
            counts[e.reason] += e.count
            objects.setdefault(e.reason, set()).add((e.namespace, e.kind, e.name))
    if not counts:
        return
    top = counts.most_common(TOP_WARNING_REASONS)
    ev = [f"{r}: {n} events on {len(objects[r])} object(s)" for r, n in top]
    done = ctx.install_completed
    if done is not None:
        before = sum(e.count for e in ctx.events.all if e.reason and (e.last or e.first)
                     and (e.last or e.first) <= done)
        if before:
            ev.append(f"{before} of all {sum(counts.values())} warning events were before the installation "
                      f"completed ({format_time(done)})")
    firsts = [e.first for e in ctx.events.all if e.type == "Warning" and e.first]
    yield finding("event-top-warnings", None, ev, min(firsts) if firsts else None, count=sum(counts.values()),
                  key="event-top-warnings", fields={"top": ", ".join(f"{r} ({n})" for r, n in top)})


def unreadable_files(ctx: Ctx) -> Iterator[Finding]:
    """Files the index skipped and archive members not unpacked (the /staticapi/v1/skipped list)."""
    ci = ctx.ci
    probs = [(p.path, p.reason) for p in getattr(ci.cluster, "extra_problems", None) or ()]
    probs += [(p.path, p.reason) for p in getattr(ci.store, "problems", None) or ()]
    if not probs:
        return
    ev = [f"{clip(path, 200)}: {clip(reason, 200)}" for path, reason in probs[:FOLD_LIST_MAX]]
    if len(probs) > FOLD_LIST_MAX:
        ev.append(f"... and {len(probs) - FOLD_LIST_MAX} more (see /staticapi/v1/skipped)")
    yield finding("files-unreadable", None, ev, None, count=len(probs), key="files-unreadable",
                  fields={"count": len(probs)})


# Sources over the shared Ctx, in the order they run. Order matters: pods record what later
# sources read from the Ctx (pod owners, workloads explained by pod findings, claims in use,
# events already shown as evidence).
OBJECT_SOURCES: list[tuple[str, Callable[[Ctx], Iterable[Finding]]]] = [
    ("conditions", condition_rules),
    ("clusterversion", cluster_version),
    ("nodes", nodes),
    ("machineconfigpools", machine_config_pools),
    ("machines", machines),
    ("csrs", csrs),
    ("pods", pods),
    ("workloads", workloads),
    ("jobs", jobs),
    ("pvcs", pvcs),
    ("csvs", csvs),
    ("event-storms", event_storms),
    ("top-warnings", top_warnings),
    ("files", unreadable_files),
]


def object_findings(ci: Any) -> list[Finding]:
    """Every OBJECT_SOURCES finding (one shared Ctx)."""
    ctx = Ctx(ci)
    out: list[Finding] = []
    for name, src in OBJECT_SOURCES:
        out += _run(name, lambda src=src: src(ctx))
    return out


# Every finding source: ``(name, function(ci) -> iterable of Finding)``.
SOURCES: list[tuple[str, Callable[[Any], Iterable[Finding]]]] = [
    ("objects", object_findings),
    ("alerts", alerts.findings),  # firing/pending alerts of monitoring/ (by their severity label)
    ("etcd", etcd.findings),  # etcd_info/: alarms, unhealthy endpoints, members, DB size
]


def _run(name: str, call: Callable[[], Iterable[Finding]]) -> list[Finding]:
    """The source's findings; if it raises, those it yielded so far and a finding that says so."""
    out: list[Finding] = []
    try:
        for f in call():
            out.append(f)
    except Exception as e:  # a hostile or unexpected object must not take the report down
        log.exception("triage source %s failed", name)
        out.append(finding("triage-source-failed", None, [clip(str(e))], key=f"triage-source-failed:{name}",
                           fields={"name": name, "error": type(e).__name__}))
    return out


_gc_lock = threading.Lock()
_gc_paused = 0  # runs in progress that paused the cyclic collector
_gc_was_enabled = False


@contextmanager
def _gc_paused_while_running() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one run (and any run overlapping it, in other
    threads): a run keeps thousands of decoded objects alive at once (the pods it may report,
    the Warning events), and each few hundred allocations the collector would walk the whole
    heap, the store's 100k+ entries included: half of a run's time on the benchmark tree. The
    run makes no reference cycles to reclaim; the collector resumes when the last run ends."""
    global _gc_paused, _gc_was_enabled
    with _gc_lock:
        if _gc_paused == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_paused += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_paused -= 1
            if _gc_paused == 0 and _gc_was_enabled:
                gc.enable()


def compute(ci: Any, sources: list[tuple[str, Callable[[Any], Iterable[Finding]]]] | None = None) -> list[Finding]:
    """Every finding of every source (default :data:`SOURCES`), most severe first
    (``findings.ranked``); keys unique."""
    out: list[Finding] = []
    with _gc_paused_while_running():
        for name, src in SOURCES if sources is None else sources:
            out += _run(name, lambda src=src: src(ci))
    seen: dict[str, int] = {}
    for f in out:  # two findings with one key (rare: e.g. two CSRs folded differently) stay apart
        n = seen.get(f.key, 0)
        seen[f.key] = n + 1
        if n:
            f.key = f"{f.key}#{n + 1}"
    return ranked(out)


def summary(findings: list[Finding]) -> dict[str, int]:
    """Findings per severity, every severity present (0 when none)."""
    c = Counter(f.severity for f in findings)
    return {sev: c.get(sev, 0) for sev in SEVERITIES}


def report(ci: Any, findings: list[Finding]) -> dict:
    """The ``TriageReport`` body of /staticapi/v1/triage and ``staticapi triage -o json``."""
    ct = ci.collection_time
    return {"kind": "TriageReport", "apiVersion": "staticapi/v1", "cluster": ci.name,
            "collectionTime": ct.isoformat().replace("+00:00", "Z") if ct else None,
            "summary": summary(findings), "findings": [f.to_dict() for f in findings]}


def at_least(severity: str, floor: str) -> bool:
    """``severity`` is ``floor`` or more severe."""
    return SEVERITY_RANK[severity] <= SEVERITY_RANK[floor]


def format_text(rep: dict, width: int = 160) -> str:
    """A TriageReport for a terminal or CI log: a header line, then per finding its severity,
    title and start, with one evidence line under it."""
    counts = ", ".join(f"{n} {sev}" for sev, n in rep["summary"].items())
    lines = [f"== {rep['cluster']} (collected {rep['collectionTime'] or 'unknown'}): "
             f"{len(rep['findings'])} finding(s) shown; {counts}"]
    for f in rep["findings"]:
        since = f"  (since {f['since']})" if f.get("since") else ""
        count = f"  x{f['count']}" if f.get("count", 1) > 1 and f["rule"] not in _COUNT_IN_TITLE else ""
        lines.append(f"{f['severity'].upper():<9}{clip(f['title'], width)}{count}{since}")
        if f["evidence"]:
            lines.append(f"{'':9}{clip(f['evidence'][0], width)}")
    if not rep["findings"]:
        lines.append("no findings")
    return "\n".join(lines) + "\n"


# rules whose title already says the count
_COUNT_IN_TITLE = frozenset({"csr-pending", "files-unreadable", "event-storm", "event-top-warnings",
                             "workload-unavailable"})
