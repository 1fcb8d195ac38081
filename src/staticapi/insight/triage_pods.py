"""Triage checks over pods: crash loops, image pulls, config errors, OOM kills, failed
terminations, restarts, Pending and Evicted pods, folded by the workload that owns them.

Why this module exists: pods are most of a cluster's objects and most of its findings; 50 pods of
one ReplicaSet in ImagePullBackOff are one problem, so findings are folded by (rule, owner,
container) into one finding with a count, and its key names the owner without generated suffixes
(a Deployment, not its ReplicaSet's hash; a CronJob, not its job's timestamp) so two runs of the
same test match in ``staticapi diff``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from .findings import Finding, ObjectRef
from .triage_base import (
    Ctx,
    age,
    clip,
    condition_evidence,
    conditions,
    d,
    finding,
    lst,
    matching_objects,
    meta,
    num,
    parse_time,
    s,
    safe_objects,
)
from .triage_rules import (
    FOLD_LIST_MAX,
    PENDING_AGE,
    POD_RULE_ORDER,
    POD_SHUTDOWN_REASONS,
    POD_WAITING_RULES,
    RECENT_TERMINATION,
    RESTART_THRESHOLD,
    STATIC_POD_HELPER,
)

# a CronJob's job is named <cronjob>-<scheduled time in minutes since the epoch>
# (kubernetes pkg/controller/cronjob/utils.go getJobName)
_CRONJOB_SUFFIX = re.compile(r"-\d{8,}$")
_STATIC_POD_HELPER = re.compile(STATIC_POD_HELPER)
# A pod can only be a finding (or decide one: a Succeeded installer or Job pod) if its status has
# one of these: a phase other than Running, a waiting or terminated container, a container not
# ready, or RESTART_THRESHOLD (5) restarts or more. Other pods are not decoded.
assert 1 <= RESTART_THRESHOLD <= 9, "_MAY_FIND spells 'at least RESTART_THRESHOLD' as one digit class"
# One leading quote for all branches: re then tests the branches only at a quote (the same
# language as '"Pending"|"Failed"|...', scanned 25% faster: 10k pods of 10 KB each in 0.18 s).
_MAY_FIND = re.compile(rb'"(?:Pending"|Failed"|Succeeded"|Unknown"|waiting"|terminated"|ready":\s*false'
                       rb'|restartCount":\s*(?:[%d-9]|[1-9][0-9]))' % RESTART_THRESHOLD)

# events that mark the start of each pod problem (kubelet event reasons, pkg/kubelet/events)
_START_EVENTS = {
    "pod-crashloop": ("BackOff",),
    "pod-image-pull": ("Failed", "BackOff", "ErrImageNeverPull", "InspectFailed"),
    "pod-config-error": ("Failed",),
    "pod-pending": ("FailedScheduling",),
    "pod-evicted": ("Evicted",),
}


# waiting reasons whose message is the best evidence (it names the image, the missing secret)
_WAITING_FIRST = frozenset(r for r, rule in POD_WAITING_RULES.items() if rule != "pod-crashloop")


@dataclass(frozen=True)
class Owner:
    """The stable workload a pod belongs to (for folding and keys)."""

    kind: str
    name: str
    group: str
    resource: str


def owner_of(pod: Mapping) -> Owner | None:
    """The pod's controller, one level up where the level below has a generated name:
    ReplicaSet -> its Deployment (name minus ``-<pod-template-hash>``), Job -> its CronJob."""
    m = meta(pod)
    refs = [o for o in lst(m.get("ownerReferences")) if isinstance(o, dict)]
    ctrl = next((o for o in refs if o.get("controller") is True), refs[0] if refs else None)
    if ctrl is None:
        return None
    kind, name = s(ctrl.get("kind")), s(ctrl.get("name"))
    labels = m.get("labels") if isinstance(m.get("labels"), dict) else {}
    if kind == "ReplicaSet":
        h = s(labels.get("pod-template-hash"))
        if h and name.endswith("-" + h):
            return Owner("Deployment", name[: -len(h) - 1], "apps", "deployments")
        return Owner("ReplicaSet", name, "apps", "replicasets")
    if kind == "Job":
        base = _CRONJOB_SUFFIX.sub("", name)
        if base != name:
            return Owner("CronJob", base, "batch", "cronjobs")
        return Owner("Job", name, "batch", "jobs")
    if kind in ("StatefulSet", "DaemonSet"):
        return Owner(kind, name, "apps", kind.lower() + "s")
    return None  # a Node (mirror pod) or something else: the pod's own name is stable


def stable_owner(ctx: Ctx, kind: str, namespace: str, name: str) -> Owner | None:
    """For an object with a generated name (a pod, a Deployment's ReplicaSet, a CronJob's Job), the
    workload whose name is stable; None when its own name is."""
    if kind == "Pod":
        pod = ctx.pod(namespace, name)
        return owner_of(pod) if pod is not None else None
    if kind == "ReplicaSet":
        if ctx.rs_owners is None:
            ctx.rs_owners = {}
            for rs in safe_objects(ctx.ci, "apps", "replicasets"):
                m = meta(rs)
                for o in lst(m.get("ownerReferences")):
                    if isinstance(o, dict) and o.get("kind") == "Deployment":
                        ctx.rs_owners[(s(m.get("namespace")), s(m.get("name")))] = s(o.get("name"))
        dep = ctx.rs_owners.get((namespace, name))
        return Owner("Deployment", dep, "apps", "deployments") if dep else None
    if kind == "Job" and _CRONJOB_SUFFIX.search(name):
        return Owner("CronJob", _CRONJOB_SUFFIX.sub("", name), "batch", "cronjobs")
    return None


@dataclass
class Hit:
    """One pod (container) matching one rule."""

    rule: str
    pod: Mapping
    container: str
    reason: str
    since: datetime | None
    evidence: list[str]
    exit_code: int | None = None
    restarts: int = 0
    ended_now: bool = False  # the container's current state is terminated: its current log is the one that ended


def _term_line(label: str, t: Mapping) -> str:
    line = f"{label} {s(t.get('reason')) or 'terminated'}, exit code {num(t.get('exitCode'))}"
    if t.get("signal"):
        line += f", signal {num(t.get('signal'))}"
    if t.get("finishedAt"):
        line += f", at {s(t.get('finishedAt'))}"
    msg = clip(t.get("message"), 300)
    return f"{line}: {msg}" if msg else line


def _container_hit(ctx: Ctx, pod: Mapping, cs: Mapping, phase: str) -> Hit | None:
    """The first rule of POD_RULE_ORDER a container status matches."""
    name = s(cs.get("name"))
    state = cs.get("state") if isinstance(cs.get("state"), dict) else {}
    last = d(cs, "lastState", "terminated")
    last = last if isinstance(last, dict) else {}
    now_term = state.get("terminated") if isinstance(state.get("terminated"), dict) else {}
    waiting = state.get("waiting") if isinstance(state.get("waiting"), dict) else {}
    restarts = num(cs.get("restartCount"))
    ready = cs.get("ready") is True
    wreason = s(waiting.get("reason"))
    ev: list[str] = []
    term = now_term or last
    if term:  # the termination says why it died: first (waiting's back-off message says little)
        ev.append(_term_line("terminated" if now_term else "last termination", term))
    if wreason:
        msg = clip(waiting.get("message"))
        ev.insert(0 if wreason in _WAITING_FIRST else len(ev), f"waiting {wreason}: {msg}" if msg
                  else f"waiting {wreason}")
    finished = parse_time(term.get("finishedAt")) if term else None
    candidates: dict[str, tuple[str, datetime | None, int | None]] = {}
    rule = POD_WAITING_RULES.get(wreason)
    if rule:
        candidates[rule] = (wreason, None, None)
    if s(last.get("reason")) == "OOMKilled" or s(now_term.get("reason")) == "OOMKilled":
        oom = now_term if s(now_term.get("reason")) == "OOMKilled" else last
        finished_oom = parse_time(oom.get("finishedAt"))
        if not ready or (finished_oom and ctx.now - finished_oom <= RECENT_TERMINATION):
            candidates["pod-oomkilled"] = ("OOMKilled", finished_oom, 137)
    if now_term and num(now_term.get("exitCode")) != 0 and phase != "Succeeded":
        candidates["pod-terminated-error"] = (s(now_term.get("reason")) or "Error", finished,
                                              num(now_term.get("exitCode")))
    elif last and num(last.get("exitCode")) != 0 and not ready and phase in ("Running", "Pending"):
        # crashed and not back to ready (a container that recovered is only news when it keeps
        # restarting: pod-restarts)
        candidates["pod-terminated-error"] = (s(last.get("reason")) or "Error", finished, num(last.get("exitCode")))
    if restarts >= RESTART_THRESHOLD:
        # only while it still restarts: a container running (ready) for longer than
        # RECENT_TERMINATION collected its restarts in the past (node reboots, old incidents)
        started = parse_time(d(state, "running", "startedAt"))
        latest = max((x for x in (started, finished) if x is not None), default=None)
        if not ready or (latest is not None and ctx.now - latest <= RECENT_TERMINATION):
            candidates["pod-restarts"] = (f"{restarts} restarts", finished, None)
    for r in POD_RULE_ORDER:
        if r in candidates:
            reason, since, code = candidates[r]
            if restarts and r in ("pod-crashloop", "pod-restarts"):
                ev.append(f"restartCount {restarts}")
            return Hit(r, pod, name, reason, since, ev, exit_code=code, restarts=restarts, ended_now=bool(now_term))
    return None


def _pod_hits(ctx: Ctx, pod: Mapping) -> list[Hit]:
    st = pod.get("status") if isinstance(pod.get("status"), dict) else {}
    phase = s(st.get("phase"))
    m = meta(pod)
    if phase == "Succeeded" or m.get("deletionTimestamp"):
        return []
    conds = conditions(pod)
    created = parse_time(m.get("creationTimestamp"))
    if phase == "Failed" and s(st.get("reason")) in POD_SHUTDOWN_REASONS:
        return []  # stopped by a graceful node shutdown: its controller made a new one
    if phase == "Failed" and s(st.get("reason")) == "Evicted":
        return [Hit("pod-evicted", pod, "", "Evicted", None, [f"Evicted: {clip(st.get('message'))}"])]
    hits: list[Hit] = []
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in lst(st.get(key)):
            if isinstance(cs, dict):
                h = _container_hit(ctx, pod, cs, phase)
                if h is not None:
                    hits.append(h)
    if phase == "Pending" and not any(h.rule in ("pod-image-pull", "pod-config-error", "pod-crashloop")
                                      for h in hits):
        if created is not None and ctx.now - created >= PENDING_AGE:
            sched = conds.get("PodScheduled")
            if sched is not None and s(sched.get("status")) == "False":
                reason = clip(sched.get("message"), 120) or s(sched.get("reason")) or "not scheduled"
                hits.append(Hit("pod-pending", pod, "", reason, parse_time(sched.get("lastTransitionTime")),
                                [condition_evidence(sched)]))
            else:
                waits = [f"{s(cs.get('name'))} {s(d(cs, 'state', 'waiting', 'reason'))}"
                         for k in ("initContainerStatuses", "containerStatuses") for cs in lst(st.get(k))
                         if isinstance(cs, dict) and d(cs, "state", "waiting", "reason")]
                reason = "containers waiting: " + ", ".join(waits) if waits else "not started"
                hits.append(Hit("pod-pending", pod, "", reason, created, [s(st.get("message")) or reason]))
    return hits


def _pod_ref(pod: Mapping) -> ObjectRef:
    m = meta(pod)
    return ObjectRef("Pod", s(m.get("name")), s(m.get("namespace")), "", "pods")


def _since(ctx: Ctx, h: Hit) -> datetime | None:
    """When the problem started: the time the hit carries, else the first event that marks it,
    else the pod's Ready=False transition."""
    if h.since is not None:
        return h.since
    m = meta(h.pod)
    first = ctx.events.first_seen(s(m.get("namespace")), "Pod", s(m.get("name")), _START_EVENTS.get(h.rule, ()))
    if first is not None:
        return first
    c = conditions(h.pod).get("Ready")
    if c is not None and s(c.get("status")) == "False":
        return parse_time(c.get("lastTransitionTime"))
    return None


def _detail(ctx: Ctx, h: Hit) -> tuple[list[str], str | None]:
    """Evidence of one hit: its own lines, the matching event, the last log lines."""
    m = meta(h.pod)
    ns, name = s(m.get("namespace")), s(m.get("name"))
    ev = list(h.evidence)
    events = ctx.events.warnings_for(ns, "Pod", name, h.container or None)
    if events:
        ev.append(events[0].line())
    log_container = None
    if h.container and h.rule in ("pod-crashloop", "pod-oomkilled", "pod-terminated-error", "pod-restarts"):
        which, lines = ctx.log_tail(ns, name, h.container, previous_first=not h.ended_now)
        if lines:
            log_container = h.container
            ev += [f"log ({which}): {line}" for line in lines]
    return ev, log_container


def _superseded_helpers(names: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """(namespace, name) of static pod installer/pruner pods a newer revision or retry replaced,
    among the pods named (namespace, name)."""
    newest: dict[tuple[str, str, str], tuple[tuple[int, int], str]] = {}
    found: list[tuple[tuple[str, str, str], tuple[int, int], str]] = []
    for namespace, name in names:
        g = _STATIC_POD_HELPER.match(name)
        if g is None:
            continue
        key = (namespace, g.group(1), g.group(4))
        order = (int(g.group(2)), int(g.group(3) or 0))
        found.append((key, order, name))
        if key not in newest or order > newest[key][0]:
            newest[key] = (order, name)
    return {(k[0], name) for k, _order, name in found if newest[k][1] != name}


def _stable_pod_name(name: str) -> str:
    """An owner-less pod's name for keys: a static pod installer without its revision
    (installer-7-retry-1-master-0 -> installer-master-0), any other name as it is."""
    g = _STATIC_POD_HELPER.match(name)
    return f"{g.group(1)}-{g.group(4)}" if g else name


def _job_of(pod: Mapping) -> tuple[str, str] | None:
    for o in lst(meta(pod).get("ownerReferences")):
        if isinstance(o, dict) and o.get("kind") == "Job":
            return s(meta(pod).get("namespace")), s(o.get("name"))
    return None


def _job_settled(ctx: Ctx, pod: Mapping, succeeded_jobs: set[tuple[str, str]]) -> bool:
    """The pod's Job completed (a failed try that a retry fixed: the Job says so, or another of
    its pods Succeeded) or failed (job-failed reports it)."""
    for o in lst(meta(pod).get("ownerReferences")):
        if isinstance(o, dict) and o.get("kind") == "Job":
            if (s(meta(pod).get("namespace")), s(o.get("name"))) in succeeded_jobs:
                return True
            job = ctx.job(s(meta(pod).get("namespace")), s(o.get("name")))
            if job is None:
                return False
            conds = conditions(job)
            return any(s(conds.get(t, {}).get("status")) == "True" for t in ("Complete", "Failed", "SuccessCriteriaMet"))
    return False


_SLIM_META = ("name", "namespace", "ownerReferences", "labels")


def _slim(pod: Mapping) -> Mapping:
    """What is read of a pod once its hits are made (owner_of, names, _since's Ready condition,
    _job_settled): its identity, owners and conditions, without the rest of the decoded pod."""
    m = meta(pod)
    return {"metadata": {k: m[k] for k in _SLIM_META if k in m}, "status": {"conditions": d(pod, "status", "conditions")}}


def pods(ctx: Ctx) -> Iterator[Finding]:
    """Every pod once; hits folded by (rule, namespace, owner, container)."""
    groups: dict[tuple, list[Hit]] = {}
    # One decoded pod at a time: of the pods with hits only what is read later is kept (_slim; and,
    # for workloads, the Ready condition of the unready ones). Decoding them all into one list first held 130-170 MB of
    # dicts at once on the 10k-pod benchmark tree, and the server (this runs after settle) kept
    # that much resident for good: the allocator's arenas stay, pinned by a few survivors. What
    # needs every pod first (superseded static pod helpers, Jobs with a Succeeded pod) is decided
    # after the pass, over the pods in the same order, so the findings are the same.
    names: list[tuple[str, str]] = []
    succeeded_jobs: set[tuple[str, str]] = set()
    unready: list[tuple[tuple[str, str, str, str], tuple[str, str], Mapping]] = []
    with_hits: list[tuple[tuple[str, str], Owner | None, list[Hit]]] = []
    for pod in matching_objects(ctx.ci, "", "pods", _MAY_FIND, within=b'"status":'):
        m = meta(pod)
        key = (s(m.get("namespace")), s(m.get("name")))
        names.append(key)
        if d(pod, "status", "phase") == "Succeeded" and (j := _job_of(pod)):
            succeeded_jobs.add(j)
        o = owner_of(pod)
        ready = conditions(pod).get("Ready")
        if o is not None and ready is not None and s(ready.get("status")) == "False":
            # what workloads() reads of them: the name and the Ready condition
            unready.append(((o.group, o.kind, key[0], o.name), key,
                            {"metadata": {"name": m.get("name")}, "status": {"conditions": [ready]}}))
        hits = _pod_hits(ctx, pod)
        if hits:
            slim = _slim(pod)
            for h in hits:
                h.pod = slim
            with_hits.append((key, o, hits))
    superseded = _superseded_helpers(names)
    for wkey, key, slim in unready:
        if key not in superseded:
            ctx.unready_pods.setdefault(wkey, []).append(slim)
    for key, o, hits in with_hits:
        if key in superseded:
            continue
        for h in hits:
            if h.rule == "pod-terminated-error" and _job_settled(ctx, h.pod, succeeded_jobs):
                continue
            okey = (o.kind, o.name) if o else ("Pod", _stable_pod_name(key[1]))
            groups.setdefault((h.rule, key[0], okey, h.container), []).append(h)
    del with_hits, unready
    for (rule, ns, (okind, oname), container), hits in groups.items():
        for h in hits:  # these pods' repeated events are this finding's evidence, not a storm of their own
            for reason in _START_EVENTS.get(rule, ()):
                ctx.explained.add((ns, "Pod", s(meta(h.pod).get("name")), reason))
        hits.sort(key=lambda h: (-h.restarts, s(meta(h.pod).get("name"))))
        rep = hits[0]
        o = owner_of(rep.pod)
        evidence, log_container = _detail(ctx, rep)
        since_all = [t for h in hits if (t := _since(ctx, h)) is not None]
        since = min(since_all) if since_all else None
        if len(hits) == 1:
            obj = _pod_ref(rep.pod)
            what = f"Pod {ns}/{obj.name}"
            count = rep.restarts if rule in ("pod-crashloop", "pod-restarts") and rep.restarts else 1
        else:
            obj = ObjectRef(o.kind, o.name, ns, o.group, o.resource) if o else _pod_ref(rep.pod)
            what = f"{len(hits)} pods of {okind} {ns}/{oname}"
            names = [s(meta(h.pod).get("name")) for h in hits]
            more = f" (+{len(names) - FOLD_LIST_MAX} more)" if len(names) > FOLD_LIST_MAX else ""
            evidence.insert(0, f"pods: {', '.join(names[:FOLD_LIST_MAX])}{more}")
            evidence.insert(1, f"pod {names[0]}:")
            count = len(hits)
        c = f":{container}" if container else ""
        okind_group = o.group if o else ""
        key = f"{rule}:{okind_group}/{okind}/{ns}/{oname}{c}"
        f = finding(rule, obj, evidence, since, container=log_container or (container or None), count=count,
                    key=key, fields={"what": what, "container": container, "reason": rep.reason,
                                     "exit_code": rep.exit_code, "restarts": rep.restarts,
                                     "age": age(since, ctx.now)})
        if o is not None and rule != "pod-restarts":  # restarts alone do not explain missing replicas
            ctx.workload_findings.setdefault((o.group, o.kind, ns, o.name), []).append(f)
        yield f
