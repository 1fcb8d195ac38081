"""Triage checks over cluster objects other than pods: operators, the cluster version, nodes,
machine config pools, machines, CSRs, workloads, jobs, PVCs and OLM operators.

Why this module exists: each check is one pass over one resource, reading the rule tables of
``triage_rules``; the engine (``triage.py``) runs them all. Pods, which need folding and log
evidence, are in ``triage_pods``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

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
    ref,
    s,
    safe_objects,
)
from .triage_rules import (
    CONDITION_RULES,
    CSR_PENDING_AGE,
    CSV_ERROR_PHASES,
    FOLD_LIST_MAX,
    MACHINE_ERROR_PHASES,
    NODE_PRESSURE,
    PENDING_AGE,
    PROGRESSING_STUCK,
    WORKLOADS,
)

CONFIG = "config.openshift.io"
_ANY = re.compile(rb"")
_OWNED_BY_DEPLOYMENT = re.compile(rb'"ownerReferences":\s*\[[^\]]*"kind":\s*"Deployment"')


def condition_rules(ctx: Ctx) -> Iterator[Finding]:
    """Rows of CONDITION_RULES: ClusterOperator Available/Degraded/Progressing, ClusterVersion
    Failing, MachineConfigPool Degraded."""
    by_resource: dict[tuple[str, str], list] = {}
    for row in CONDITION_RULES:
        by_resource.setdefault((row.group, row.resource), []).append(row)
    for (group, resource), rows in by_resource.items():
        for obj in safe_objects(ctx.ci, group, resource):
            conds = conditions(obj)
            fired: set[str] = set()
            for row in rows:
                c = conds.get(row.condition)
                if c is None or s(c.get("status")) != row.bad or row.rule in fired:
                    continue
                since = parse_time(c.get("lastTransitionTime"))
                if row.min_age is not None and (since is None or ctx.now - since < row.min_age):
                    continue
                fired.add(row.rule)
                name = s(meta(obj).get("name"))
                yield finding(row.rule, ref(obj, row.kind, group, resource), [condition_evidence(c)], since,
                              fields={"name": name, "reason": s(c.get("reason")) or row.condition,
                                      "why": s(c.get("reason")) or clip(c.get("message"), 100) or row.condition,
                                      "condition": row.condition, "age": age(since, ctx.now)})


def cluster_version(ctx: Ctx) -> Iterator[Finding]:
    """An update that did not complete (history[0].state Partial for longer than
    PROGRESSING_STUCK), or Progressing=True that long without one (cluster-version-operator
    writes history newest first: lib/resourcemerge/os.go SetOperatorStatusCondition + cvo
    status.go mergeOperatorHistory)."""
    for obj in safe_objects(ctx.ci, CONFIG, "clusterversions"):
        name = s(meta(obj).get("name"))
        conds = conditions(obj)
        prog = conds.get("Progressing")
        evidence = [condition_evidence(c) for t in ("Progressing", "Failing", "Available")
                    if (c := conds.get(t)) and (t != "Available" or s(c.get("status")) != "True")]
        history = [h for h in lst(d(obj, "status", "history")) if isinstance(h, dict)]
        r = ref(obj, "ClusterVersion", CONFIG, "clusterversions")
        if history and s(history[0].get("state")) == "Partial":
            started = parse_time(history[0].get("startedTime"))
            if started is not None and ctx.now - started >= PROGRESSING_STUCK:
                version = s(history[0].get("version")) or s(history[0].get("image"))
                prev = next((h for h in history[1:] if s(h.get("state")) == "Completed"), None)
                if prev is not None:
                    evidence.append(f"from {s(prev.get('version'))} (completed)")
                yield finding("clusterversion-update-incomplete", r, evidence, started,
                              fields={"version": version, "age": age(started, ctx.now)})
                continue
        if prog is not None and s(prog.get("status")) == "True":
            since = parse_time(prog.get("lastTransitionTime"))
            if since is not None and ctx.now - since >= PROGRESSING_STUCK:
                yield finding("clusterversion-progressing", r, evidence, since,
                              fields={"name": name, "age": age(since, ctx.now)})


def nodes(ctx: Ctx) -> Iterator[Finding]:
    for obj in safe_objects(ctx.ci, "", "nodes"):
        name = s(meta(obj).get("name"))
        r = ref(obj, "Node", "", "nodes")
        conds = conditions(obj)
        ready = conds.get("Ready")
        if ready is not None and s(ready.get("status")) != "True":
            ev = [condition_evidence(ready)]
            ev += [f"taint {s(t.get('key'))}:{s(t.get('effect'))}" for t in lst(d(obj, "spec", "taints"))
                   if isinstance(t, dict) and s(t.get("key")).startswith("node.kubernetes.io/")][:3]
            ev += [e.line() for e in ctx.events.warnings_for("", "Node", name)[:1]]
            yield finding("node-not-ready", r, ev, parse_time(ready.get("lastTransitionTime")),
                          fields={"name": name, "reason": s(ready.get("reason")) or s(ready.get("status"))})
        for t in NODE_PRESSURE:
            c = conds.get(t)
            if c is not None and s(c.get("status")) == "True":
                yield finding("node-pressure", r, [condition_evidence(c)], parse_time(c.get("lastTransitionTime")),
                              key=f"node-pressure:/Node//{name}:{t}", fields={"name": name, "condition": t})
        if d(obj, "spec", "unschedulable") is True:
            taints = [t for t in lst(d(obj, "spec", "taints")) if isinstance(t, dict)
                      and s(t.get("key")) == "node.kubernetes.io/unschedulable"]
            since = parse_time(taints[0].get("timeAdded")) if taints else None
            yield finding("node-unschedulable", r, ["spec.unschedulable=true"], since, fields={"name": name})


def machine_config_pools(ctx: Ctx) -> Iterator[Finding]:
    """Updated=False: machines not (yet) on the pool's rendered config (MCO
    pkg/controller/node/status.go calculateStatus). The Degraded conditions are CONDITION_RULES."""
    for obj in safe_objects(ctx.ci, "machineconfiguration.openshift.io", "machineconfigpools"):
        conds = conditions(obj)
        upd = conds.get("Updated")
        if upd is None or s(upd.get("status")) != "False":
            continue
        st = obj.get("status") if isinstance(obj.get("status"), dict) else {}
        if d(obj, "spec", "paused") is True:
            ev = ["spec.paused=true: updates are paused"]
        else:
            ev = []
        c = conds.get("Updating")
        if c is not None and s(c.get("status")) == "True":
            ev.append(condition_evidence(c))
        ev.append(f"machines {num(st.get('machineCount'))}, updated {num(st.get('updatedMachineCount'))}, "
                  f"ready {num(st.get('readyMachineCount'))}, degraded {num(st.get('degradedMachineCount'))}")
        yield finding("mcp-not-updated", ref(obj, "MachineConfigPool", "machineconfiguration.openshift.io",
                                             "machineconfigpools"), ev, parse_time(upd.get("lastTransitionTime")),
                      fields={"name": s(meta(obj).get("name")), "updated": num(st.get("updatedMachineCount")),
                              "total": num(st.get("machineCount"))})


def machines(ctx: Ctx) -> Iterator[Finding]:
    for obj in safe_objects(ctx.ci, "machine.openshift.io", "machines"):
        m = meta(obj)
        if m.get("deletionTimestamp"):
            continue  # being deleted on purpose (scale down, replacement)
        phase = s(d(obj, "status", "phase"))
        if not phase or phase == "Running":
            continue
        ev = [f"status.phase={phase}"]
        if d(obj, "status", "errorReason") or d(obj, "status", "errorMessage"):
            ev.append(f"{s(d(obj, 'status', 'errorReason'))}: {clip(d(obj, 'status', 'errorMessage'))}")
        since = parse_time(d(obj, "status", "lastUpdated")) or parse_time(m.get("creationTimestamp"))
        sev = "error" if phase in MACHINE_ERROR_PHASES else "warning"
        yield finding("machine-not-running", ref(obj, "Machine", "machine.openshift.io", "machines"), ev, since,
                      severity=sev, fields={"name": f"{s(m.get('namespace'))}/{s(m.get('name'))}", "phase": phase})


def csrs(ctx: Ctx) -> Iterator[Finding]:
    """A CSR with no condition is pending (kubectl's printer: printCertificateSigningRequest)."""
    pending = []
    for obj in safe_objects(ctx.ci, "certificates.k8s.io", "certificatesigningrequests"):
        if lst(d(obj, "status", "conditions")):
            continue
        created = parse_time(meta(obj).get("creationTimestamp"))
        if created is None or ctx.now - created < CSR_PENDING_AGE:
            continue
        pending.append((created, obj))
    if not pending:
        return
    pending.sort(key=lambda p: p[0])
    ev = [f"{s(meta(o).get('name'))}: requestor {s(d(o, 'spec', 'username'))}, signer "
          f"{s(d(o, 'spec', 'signerName'))}" for _, o in pending[:FOLD_LIST_MAX]]
    one = pending[0][1] if len(pending) == 1 else None
    yield finding("csr-pending", ref(one, "CertificateSigningRequest", "certificates.k8s.io",
                                     "certificatesigningrequests") if one else None,
                  ev, pending[0][0], count=len(pending), key="csr-pending", fields={"count": len(pending)})


def workloads(ctx: Ctx) -> Iterator[Finding]:
    """Fewer available than desired. ReplicaSets owned by a Deployment are left to the Deployment."""
    for group, resource, kind, want_f, have_f in WORKLOADS:
        # most ReplicaSets belong to a Deployment: their JSON says so, they are not decoded
        objs = (matching_objects(ctx.ci, group, resource, _ANY, unless=_OWNED_BY_DEPLOYMENT)
                if kind == "ReplicaSet" else safe_objects(ctx.ci, group, resource))
        for obj in objs:
            m = meta(obj)
            if kind == "ReplicaSet" and any(isinstance(o, dict) and o.get("kind") == "Deployment"
                                            for o in lst(m.get("ownerReferences"))):
                continue
            want_raw = d(obj, *want_f.split("."))
            desired = 1 if want_raw is None and want_f == "spec.replicas" else num(want_raw)
            available = num(d(obj, *have_f.split(".")))
            if desired <= 0 or available >= desired:
                continue
            conds = conditions(obj)
            ev = []
            for t, good in (("Available", "True"), ("Progressing", "True"), ("ReplicaFailure", "False")):
                c = conds.get(t)
                if c is not None and (s(c.get("status")) != good
                                      or s(c.get("reason")) == "ProgressDeadlineExceeded"):
                    ev.append(condition_evidence(c))
            ns, name = s(m.get("namespace")), s(m.get("name"))
            ev += [e.line() for e in ctx.events.warnings_for(ns, kind, name)[:2]]
            unready = ctx.unready_pods.get((group, kind, ns, name), [])
            for pod in unready[:2]:  # why its pods are not ready: the condition, the latest warning
                pname = s(meta(pod).get("name"))
                ev.append(f"pod {pname}: {condition_evidence(conditions(pod)['Ready'])}")
                ev += [f"pod {pname}: {e.line()}" for e in ctx.events.warnings_for(ns, "Pod", pname)[:1]]
            if not ev:
                st = obj.get("status") if isinstance(obj.get("status"), dict) else {}
                ev.append("status: " + ", ".join(f"{k} {num(v)}" for k, v in st.items()
                                                 if k.endswith(("Replicas", "Scheduled", "Available",
                                                                "Unavailable", "Ready"))))
            since = None
            c = conds.get("Available")
            if c is not None and s(c.get("status")) == "False":
                since = parse_time(c.get("lastTransitionTime"))
            elif unready:
                since = min((t for p in unready if (t := parse_time(conditions(p)["Ready"].get("lastTransitionTime")))),
                            default=None)
            line = f"{kind} {ns}/{name}: {available}/{desired} replicas available"
            explained = ctx.workload_findings.get((group, kind, ns, name))
            if explained:  # its pods' findings say why: the replica count is their evidence
                for f in explained:
                    f.evidence.append(line)
                continue
            # none available: the workload is down; some: it runs with less capacity
            yield finding("workload-unavailable", ref(obj, kind, group, resource), ev, since,
                          severity="error" if available == 0 else "warning", count=desired - available,
                          fields={"kind": kind, "namespace": ns, "name": name, "available": available,
                                  "desired": desired})


def _job_owner(obj: Mapping) -> str:
    for o in lst(meta(obj).get("ownerReferences")):
        if isinstance(o, dict) and o.get("kind") == "CronJob":
            return s(o.get("name"))
    return ""


def jobs(ctx: Ctx) -> Iterator[Finding]:
    """Failed=True (job controller: JobFailed). For a CronJob only its newest job counts: a
    later run that succeeded means the failure healed."""
    newest: dict[tuple[str, str], tuple[str, Mapping]] = {}
    plain: list[Mapping] = []
    for obj in safe_objects(ctx.ci, "batch", "jobs"):
        cron = _job_owner(obj)
        if not cron:
            plain.append(obj)
            continue
        m = meta(obj)
        key = (s(m.get("namespace")), cron)
        created = s(m.get("creationTimestamp"))
        if key not in newest or created > newest[key][0]:
            newest[key] = (created, obj)
    for obj in plain + [o for _, o in newest.values()]:
        c = conditions(obj).get("Failed")
        if c is None or s(c.get("status")) != "True":
            continue
        m = meta(obj)
        ns, name = s(m.get("namespace")), s(m.get("name"))
        ev = [condition_evidence(c)] + [e.line() for e in ctx.events.warnings_for(ns, "Job", name)[:1]]
        cron = _job_owner(obj)
        key = f"job-failed:batch/CronJob/{ns}/{cron}" if cron else ""
        yield finding("job-failed", ref(obj, "Job", "batch", "jobs"), ev, parse_time(c.get("lastTransitionTime")),
                      key=key, fields={"namespace": ns, "name": name, "reason": s(c.get("reason")) or "Failed"})


def _wait_for_consumer_classes(ctx: Ctx) -> tuple[set[str], str]:
    """StorageClasses with volumeBindingMode WaitForFirstConsumer, and the default class's name
    (annotation storageclass.kubernetes.io/is-default-class, as the DefaultStorageClass admission)."""
    wffc, default = set(), ""
    for sc in safe_objects(ctx.ci, "storage.k8s.io", "storageclasses"):
        m = meta(sc)
        ann = m.get("annotations") if isinstance(m.get("annotations"), dict) else {}
        if s(ann.get("storageclass.kubernetes.io/is-default-class")) == "true":
            default = s(m.get("name"))
        if s(sc.get("volumeBindingMode")) == "WaitForFirstConsumer":
            wffc.add(s(m.get("name")))
    return wffc, default


def pvcs(ctx: Ctx) -> Iterator[Finding]:
    """Not Bound. A Pending claim of a WaitForFirstConsumer class binds only once a pod uses it
    (kube-scheduler's VolumeBinding plugin): without such a pod it is waiting, not broken."""
    wffc: set[str] | None = None
    default = ""
    for obj in safe_objects(ctx.ci, "", "persistentvolumeclaims"):
        phase = s(d(obj, "status", "phase"))
        if not phase or phase == "Bound":
            continue
        m = meta(obj)
        ns, name = s(m.get("namespace")), s(m.get("name"))
        created = parse_time(m.get("creationTimestamp"))
        if phase == "Pending":
            if created is not None and ctx.now - created < PENDING_AGE:
                continue
            if wffc is None:
                wffc, default = _wait_for_consumer_classes(ctx)
            ann = m.get("annotations") if isinstance(m.get("annotations"), dict) else {}
            sc = s(d(obj, "spec", "storageClassName")) or s(ann.get("volume.beta.kubernetes.io/storage-class")) \
                or default
            if sc in wffc and (ns, name) not in ctx.claims_in_use:
                continue
        evs = ctx.events.warnings_for(ns, "PersistentVolumeClaim", name)
        ev = [f"status.phase={phase}"] + [e.line() for e in evs[:2]]
        sev = "error" if phase == "Lost" else "warning"
        yield finding("pvc-not-bound", ref(obj, "PersistentVolumeClaim", "", "persistentvolumeclaims"), ev,
                      created, severity=sev,
                      fields={"namespace": ns, "name": name, "phase": phase})


def csvs(ctx: Ctx) -> Iterator[Finding]:
    """OLM copies a CSV into every namespace the operator watches (label olm.copiedFrom); only
    the original is reported."""
    for obj in safe_objects(ctx.ci, "operators.coreos.com", "clusterserviceversions"):
        m = meta(obj)
        labels = m.get("labels") if isinstance(m.get("labels"), dict) else {}
        if "olm.copiedFrom" in labels or d(obj, "status", "reason") == "Copied":
            continue
        phase = s(d(obj, "status", "phase"))
        if not phase or phase == "Succeeded":
            continue
        reason = s(d(obj, "status", "reason"))
        ev = [f"phase {phase} ({reason}): {clip(d(obj, 'status', 'message'))}"]
        for r in lst(d(obj, "status", "requirementStatus")):
            if isinstance(r, dict) and s(r.get("status")) not in ("Present", "Succeeded", ""):
                ev.append(f"requirement {s(r.get('kind'))} {s(r.get('name'))}: {s(r.get('status'))} "
                          f"{clip(r.get('message'), 200)}")
                if len(ev) >= 4:
                    break
        since = parse_time(d(obj, "status", "lastTransitionTime"))
        sev = "error" if phase in CSV_ERROR_PHASES else "warning"
        yield finding("csv-not-succeeded", ObjectRef("ClusterServiceVersion", s(m.get("name")),
                                                     s(m.get("namespace")), "operators.coreos.com",
                                                     "clusterserviceversions"), ev, since, severity=sev,
                      fields={"namespace": s(m.get("namespace")), "name": s(m.get("name")), "phase": phase,
                              "reason": reason or phase})
