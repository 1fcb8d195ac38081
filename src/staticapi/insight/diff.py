"""Compare two must-gathers: what changed between the passing run and the failing one (issue 17).

Why this module exists: the fastest regression triage is a comparison of the same job's
must-gather from a passing and a failing run, or of one cluster before and after an upgrade.
:func:`compare` reports, most telling first:

1. versions: cluster version and payload, Kubernetes version, operator versions, workload images;
2. health: triage findings new in HEAD and gone ones (matched by ``Finding.key``), ClusterOperator,
   node and pod condition changes, container states that went bad, restarts that grew;
3. objects: added, removed, changed (with a field diff) by group/kind/namespace/name; pods and
   ReplicaSets whose names differ by a generated suffix are matched by owner and template hash
   (``diff_objects``); noise (uids, resourceVersions, timestamps ...) is hidden unless asked;
4. events: warning reasons that appear or grow, per object;
5. logs: error signatures new in HEAD per container or node service, with a sample line
   (``insight.signatures``, matched by ``Signature.key``).

The report is a plain dict (JSON for ``/staticapi/v1/diff`` and ``-o json``); :func:`to_text` is the
CLI's compact text. Speed and memory: per resource, JSON bytes are compared first, only pairs
that differ are decoded (one pair at a time), the field walk stops at noise unless asked for, and
only the differences are kept: at most ``MAX_LISTED`` objects per list and field diffs for the first
``MAX_DETAILED`` changed objects (the counts per kind cover all of them).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from .context import ClusterInsight
from .diff_objects import field_diff, light, name_stem, noise_paths_for, pair_by_stem

log = logging.getLogger(__name__)

# Mirrors of other tables (compared there) and kinds with their own section.
SKIP_RESOURCES = frozenset({("", "events"), ("events.k8s.io", "events"), ("project.openshift.io", "projects")})
# Kinds whose container images are "workload images" (versions section); pods only when no
# controller owns them (static pods: the control plane of the release payload).
IMAGE_KINDS = frozenset({"Deployment", "DaemonSet", "StatefulSet", "CronJob", "Job", "ReplicaSet", "Pod"})
# Conditions compared per kind (health section): condition type -> its healthy status.
HEALTH_CONDITIONS: dict[str, dict[str, str]] = {
    "ClusterOperator": {"Available": "True", "Degraded": "False", "Progressing": "False", "Upgradeable": "True"},
    "Node": {"Ready": "True", "MemoryPressure": "False", "DiskPressure": "False", "PIDPressure": "False",
             "NetworkUnavailable": "False"},
    "Pod": {"Ready": "True", "PodScheduled": "True"},
    "ClusterVersion": {"Available": "True", "Failing": "False", "Progressing": "False"},
    "MachineConfigPool": {"Degraded": "False", "Updated": "True"},
}
# Container states that mean trouble (kubelet's waiting reasons and termination reasons).
BAD_STATES = frozenset({"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError",
                        "CreateContainerError", "InvalidImageName", "RunContainerError", "OOMKilled", "Error",
                        "ContainerCannotRun", "StartError"})
# Most telling kinds first in the object lists (then the rest by group/kind/namespace/name).
KIND_ORDER = ("ClusterVersion", "ClusterOperator", "Node", "MachineConfigPool", "MachineConfig", "Machine",
              "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob", "Pod", "PersistentVolumeClaim",
              "PersistentVolume", "Service", "Ingress", "Route", "ConfigMap", "Secret", "Namespace")
_KIND_RANK = {k: i for i, k in enumerate(KIND_ORDER)}
MAX_FIELD_CHANGES = 25  # per object in the report
MAX_VALUE = 300  # characters of a value shown in a field diff
MAX_LISTED = 10_000  # objects per list (added, removed, changed); the rest is counted per kind
MAX_DETAILED = 1_000  # changed objects with their field diff


def compare(base: ClusterInsight, head: ClusterInsight, *, namespace: str | None = None,
            kind: str | None = None, show_noise: bool = False) -> dict:
    """The difference from ``base`` to ``head`` as a JSON-ready dict (see the module doc)."""
    flt = _Filter(namespace, kind)
    notes: list[str] = []
    report: dict[str, Any] = {
        "base": _side(base), "head": _side(head),
        "filters": {"namespace": namespace, "kind": kind, "showNoise": show_noise},
    }
    versions = _versions(base, head)
    health: dict[str, Any] = {"findings": {"new": [], "gone": []}, "conditions": [], "containers": [],
                              "restarts": []}
    objects = _objects(base, head, flt, show_noise, versions, health)
    health["findings"] = _findings(base, head, flt, notes)
    report["versions"] = versions
    report["health"] = health
    report["objects"] = objects
    report["events"] = _events(base, head, flt)
    report["logs"] = _logs(base, head, flt, notes)
    report["notes"] = notes
    report["summary"] = _summary(report)
    return report


# ---------------------------------------------------------------- pieces


def _d(v: Any) -> dict:
    """``v`` when it is a mapping, else ``{}`` (a must-gather is untrusted: any field may be odd)."""
    return v if isinstance(v, dict) else {}


def _s(v: Any) -> str | None:
    return None if v is None or isinstance(v, (dict, list)) else str(v)


class _Filter:
    def __init__(self, namespace: str | None, kind: str | None):
        self.namespace = namespace or None
        self.kind = (kind or "").lower() or None

    def resource(self, r) -> bool:
        if self.namespace and not r.namespaced:
            return False
        if not self.kind:
            return True
        k = self.kind
        names = {r.kind.lower(), r.plural, r.singular, *r.short_names}
        return k in names or k in {f"{n}.{r.group}" for n in names}

    def kind_ok(self, kind: str) -> bool:
        return not self.kind or self.kind in (kind.lower(), kind.lower() + "s")

    def ns_ok(self, ns: str) -> bool:
        return not self.namespace or ns == self.namespace


def _side(ci: ClusterInsight) -> dict:
    cv = _one(ci, "config.openshift.io", "clusterversions", "version")
    return {"name": ci.name, "source": str(getattr(ci.cluster, "source", "") or ""),
            "collectionTime": ci.store.collection_time.isoformat() if ci.store.collection_time else None,
            "version": _cv_version(cv), "kubernetes": ci.store.version_info.get("gitVersion"),
            "objects": ci.store.count()}


def _one(ci: ClusterInsight, group: str, plural: str, name: str) -> dict | None:
    t = ci.store.tables.get((group, plural))
    e = t.objects.get(("", name)) if t is not None else None
    return e.obj() if e is not None else None


def _cv_version(cv: dict | None) -> str | None:
    if not cv:
        return None
    st = _d(cv.get("status"))
    hist = st.get("history") if isinstance(st.get("history"), list) else []
    for h in hist:  # newest first: the first completed one is what runs; else the desired one
        if isinstance(h, dict) and h.get("state") == "Completed":
            return _s(h.get("version"))
    return _s(_d(st.get("desired")).get("version"))


def _versions(base: ClusterInsight, head: ClusterInsight) -> dict:
    out: dict[str, Any] = {"cluster": None, "kubernetes": None, "payload": None, "operators": [], "images": []}
    cb, ch = (_one(c, "config.openshift.io", "clusterversions", "version") for c in (base, head))
    vb, vh = _cv_version(cb), _cv_version(ch)
    if vb != vh:
        out["cluster"] = {"base": vb, "head": vh}
    ib, ih = (_s(_d(_d(_d(c).get("status")).get("desired")).get("image")) for c in (cb, ch))
    if ib != ih:
        out["payload"] = {"base": ib, "head": ih}
    kb, kh = base.store.version_info.get("gitVersion"), head.store.version_info.get("gitVersion")
    if kb != kh:
        out["kubernetes"] = {"base": kb, "head": kh}
    ops_b, ops_h = _operator_versions(base), _operator_versions(head)
    for (co, comp) in sorted(ops_b.keys() | ops_h.keys()):
        a, b = ops_b.get((co, comp)), ops_h.get((co, comp))
        if a != b:
            out["operators"].append({"name": co, "component": comp, "base": a, "head": b})
    return out


def _operator_versions(ci: ClusterInsight) -> dict[tuple[str, str], str]:
    out = {}
    for co in ci.objects("config.openshift.io", "clusteroperators"):
        name = str(_d(co.get("metadata")).get("name", ""))
        vs = _d(co.get("status")).get("versions")
        for v in vs if isinstance(vs, list) else []:
            if isinstance(v, dict) and v.get("name"):
                out[(name, str(v["name"]))] = str(v.get("version", ""))
    return out


def ref(r, ns: str, name: str) -> dict:
    return {"group": r.group, "kind": r.kind, "resource": r.plural, "namespace": ns, "name": name}


def _objects(base: ClusterInsight, head: ClusterInsight, flt: _Filter, show_noise: bool,
             versions: dict, health: dict) -> dict:
    bs, hs = base.store, head.store
    added: list[dict] = []
    removed: list[dict] = []
    changed: list[dict] = []
    by_kind: dict[str, dict[str, int]] = {}
    counts = {"noiseOnly": 0, "unchanged": 0, "detailed": 0}

    def tally(r, what: str) -> None:
        k = by_kind.setdefault(f"{r.kind}.{r.group}" if r.group else r.kind, {"added": 0, "removed": 0, "changed": 0})
        k[what] += 1

    for key in sorted(bs.tables.keys() | hs.tables.keys()):
        if key in SKIP_RESOURCES:
            continue
        tb, th = bs.tables.get(key), hs.tables.get(key)
        r = (th or tb).resource  # type: ignore[union-attr]
        if not flt.resource(r):
            continue
        ob = tb.objects if tb is not None else {}
        oh = th.objects if th is not None else {}
        if flt.namespace:
            ob = {k: e for k, e in ob.items() if k[0] == flt.namespace}
            oh = {k: e for k, e in oh.items() if k[0] == flt.namespace}
        npaths = noise_paths_for(*key)
        pairs = [(k, k) for k in ob.keys() & oh.keys()]
        only_b = sorted(ob.keys() - oh.keys())
        only_h = sorted(oh.keys() - ob.keys())
        if only_b and only_h:
            extra, only_b, only_h = pair_by_stem([(k, light(ob[k].obj())) for k in only_b],
                                                 [(k, light(oh[k].obj())) for k in only_h], r.group, r.kind)
            pairs += extra
        for kb, kh in sorted(pairs):
            rb, rh = ob[kb].raw, oh[kh].raw
            if rb == rh:
                counts["unchanged"] += 1
                continue
            a, b = orjson.loads(rb), orjson.loads(rh)
            if a == b:
                counts["unchanged"] += 1
                continue
            diffs = field_diff(a, b, npaths, with_noise=show_noise)
            real = [d for d in diffs if not d["noise"]]
            _health_pair(r, kh, a, b, health)
            _images(r, kh, a, real, versions)
            if not real:
                counts["noiseOnly"] += 1
                if not show_noise:
                    continue
            else:
                tally(r, "changed")
            if len(changed) >= MAX_LISTED:
                continue
            shown = diffs if show_noise else real
            item = ref(r, kh[0], kh[1])
            if kb != kh:
                item["baseName"] = kb[1]
            if counts["detailed"] < MAX_DETAILED:
                counts["detailed"] += 1
                item["changes"] = [_jsonable(d) for d in shown[:MAX_FIELD_CHANGES]]
                item["more"] = max(0, len(shown) - MAX_FIELD_CHANGES)
            else:
                item["changes"], item["more"] = [], len(shown)
            item["noiseOnly"] = not real
            changed.append(item)
        for k in only_b:
            tally(r, "removed")
            if len(removed) < MAX_LISTED:
                removed.append(ref(r, *k))
        for k in only_h:
            tally(r, "added")
            if len(added) < MAX_LISTED:
                added.append(ref(r, *k))
            if r.kind == "Pod":
                _health_new_pod(r, k, oh[k].obj(), health)
    for lst in (added, removed, changed):
        lst.sort(key=_telling)
    totals = {w: sum(v[w] for v in by_kind.values()) for w in ("added", "removed", "changed")}
    return {"added": added, "removed": removed, "changed": changed, "noiseOnly": counts["noiseOnly"],
            "unchanged": counts["unchanged"], "byKind": by_kind, "totals": totals}


def _telling(o: dict) -> tuple:
    return (_KIND_RANK.get(o["kind"], len(KIND_ORDER)), o["group"], o["kind"], o["namespace"], o["name"])


def _jsonable(d: dict) -> dict:
    def short(v):
        if isinstance(v, (dict, list)):
            s = orjson.dumps(v).decode()
            return s if len(s) <= MAX_VALUE else s[:MAX_VALUE] + "…"
        if isinstance(v, str) and len(v) > MAX_VALUE:
            return v[:MAX_VALUE] + "…"
        return v
    return {"path": d["path"], "base": short(d["base"]), "head": short(d["head"]), "noise": d["noise"]}


def _images(r, k: tuple, a: dict, real: list[dict], versions: dict) -> None:
    if r.kind not in IMAGE_KINDS:
        return
    if r.kind == "Pod":
        owners = _d(a.get("metadata")).get("ownerReferences")
        owners = owners if isinstance(owners, list) else []
        if any(isinstance(o, dict) and o.get("kind") != "Node" for o in owners):
            return
    if r.kind == "ReplicaSet" and _d(a.get("metadata")).get("ownerReferences"):
        return  # its Deployment says it
    for d in real:
        p = d["path"]
        if p.endswith(".image") and "ontainers[" in p:
            cont = p[p.rfind("[name=") + 6: p.rfind("]")] if "[name=" in p else p
            versions["images"].append({**ref(r, *k), "container": cont, "base": d["base"], "head": d["head"]})


def _conditions(obj: dict) -> dict[str, dict]:
    conds = _d(obj.get("status")).get("conditions")
    return {str(c.get("type")): c for c in (conds if isinstance(conds, list) else []) if isinstance(c, dict)}


def _health_pair(r, k: tuple, a: dict, b: dict, health: dict) -> None:
    wanted = HEALTH_CONDITIONS.get(r.kind)
    if wanted:
        ca, cb = _conditions(a), _conditions(b)
        for t, good in wanted.items():
            sa = (ca.get(t) or {}).get("status")
            sb = (cb.get(t) or {}).get("status")
            if sa != sb and sb is not None and (sb != good or sa not in (None, good)):
                health["conditions"].append({
                    **ref(r, *k), "condition": t, "base": sa, "head": sb, "healthy": sb == good,
                    "reason": (cb.get(t) or {}).get("reason"), "message": (cb.get(t) or {}).get("message")})
    if r.kind == "Pod":
        sa, sb = _container_states(a), _container_states(b)
        for c, (state_b, restarts_b, msg) in sb.items():
            state_a, restarts_a, _ = sa.get(c, (None, 0, None))
            if state_b in BAD_STATES and state_b != state_a:
                health["containers"].append({**ref(r, *k), "container": c, "base": state_a, "head": state_b,
                                             "message": msg})
            if restarts_b > restarts_a:
                health["restarts"].append({**ref(r, *k), "container": c, "base": restarts_a, "head": restarts_b})


def _health_new_pod(r, k: tuple, obj: dict, health: dict) -> None:
    for c, (state, restarts, msg) in _container_states(obj).items():
        if state in BAD_STATES:
            health["containers"].append({**ref(r, *k), "container": c, "base": None, "head": state,
                                         "message": msg, "new": True})
        if restarts:
            health["restarts"].append({**ref(r, *k), "container": c, "base": None, "head": restarts, "new": True})


def _container_states(pod: dict) -> dict[str, tuple[str | None, int, str | None]]:
    """container -> (bad state reason or None, restartCount, message)."""
    st = _d(pod.get("status"))
    out = {}
    lists = [st.get("initContainerStatuses"), st.get("containerStatuses")]
    for cs in [c for lst in lists if isinstance(lst, list) for c in lst]:
        if not isinstance(cs, dict):
            continue
        state = cs.get("state") if isinstance(cs.get("state"), dict) else {}
        reason = msg = None
        for s in ("waiting", "terminated"):
            v = state.get(s)
            if isinstance(v, dict) and v.get("reason") in BAD_STATES:
                reason, msg = v.get("reason"), v.get("message")
        if reason is None:
            last = _d(cs.get("lastState")).get("terminated")
            if isinstance(last, dict) and last.get("reason") == "OOMKilled":
                reason = "OOMKilled"
        try:
            restarts = int(cs.get("restartCount") or 0)
        except (TypeError, ValueError):
            restarts = 0
        out[str(cs.get("name"))] = (reason, restarts, msg)
    return out


def _findings(base: ClusterInsight, head: ClusterInsight, flt: _Filter, notes: list[str]) -> dict:
    try:
        from . import triage  # engineer `triage`'s engine (insight/triage.py)
    except ImportError:
        notes.append("triage findings not compared: staticapi.insight.triage is not available")
        return {"new": [], "gone": []}
    try:
        fb = base.derive_sync(triage.DERIVE_KEY, triage.compute)
        fh = head.derive_sync(triage.DERIVE_KEY, triage.compute)
    except Exception as e:  # a rule failing on odd input must not lose the rest of the diff
        log.exception("triage failed")
        notes.append(f"triage findings not compared: {type(e).__name__}: {e}")
        return {"new": [], "gone": []}

    def keep(f) -> bool:
        o = f.object
        return o is None or (flt.ns_ok(o.namespace) and flt.kind_ok(o.kind))

    def stem(f) -> str:  # the key with the object's generated name suffix cut (in case a rule kept one)
        o = f.object
        return f"{f.rule}:{o.group}/{o.kind}/{o.namespace}/{name_stem(o.kind, o.name)}" if o else f.key

    kb = [f for f in fb if keep(f)]
    kh = [f for f in fh if keep(f)]
    seen_b = {f.key for f in kb} | {stem(f) for f in kb}
    seen_h = {f.key for f in kh} | {stem(f) for f in kh}
    return {"new": [f.to_dict() for f in kh if f.key not in seen_b and stem(f) not in seen_b],
            "gone": [f.to_dict() for f in kb if f.key not in seen_h and stem(f) not in seen_h]}


def _warnings(ci: ClusterInsight, flt: _Filter) -> dict[tuple, dict]:
    """Warning events summed per (object kind, namespace, name stem, reason)."""
    st = ci.store
    key = ("", "events") if ("", "events") in st.tables else ("events.k8s.io", "events")
    t = st.tables.get(key)
    out: dict[tuple, dict] = {}
    if t is None:
        return out
    for e in t.objects.values():
        raw = e.raw
        if b'"Warning"' not in raw:
            continue
        ev = orjson.loads(raw)
        if ev.get("type") != "Warning":
            continue
        io = ev.get("involvedObject") or ev.get("regarding") or {}
        if not isinstance(io, dict):
            continue
        kind, ns, name = str(io.get("kind", "")), str(io.get("namespace", "") or ""), str(io.get("name", ""))
        if not (flt.ns_ok(ns or e.namespace) and flt.kind_ok(kind)):
            continue
        count = ev.get("count") or ev.get("deprecatedCount") or _d(ev.get("series")).get("count") or 1
        try:
            count = int(count)
        except (TypeError, ValueError):
            count = 1
        k = (kind, ns, name_stem(kind, name), str(ev.get("reason", "")))
        cur = out.get(k)
        if cur is None:
            out[k] = {"count": count, "message": ev.get("message") or ev.get("note") or "", "name": name}
        else:
            cur["count"] += count
    return out


def _events(base: ClusterInsight, head: ClusterInsight, flt: _Filter) -> list[dict]:
    wb, wh = _warnings(base, flt), _warnings(head, flt)
    out = []
    for k, v in wh.items():
        before = wb.get(k, {}).get("count", 0)
        if v["count"] > before:
            kind, ns, stem, reason = k
            out.append({"kind": kind, "namespace": ns, "name": v["name"], "stem": stem, "reason": reason,
                        "base": before, "head": v["count"], "message": v["message"]})
    out.sort(key=lambda x: (x["base"] > 0, -(x["head"] - x["base"]), x["namespace"], x["name"], x["reason"]))
    return out


SIGNATURES_KEY = "signatures"  # the memo key insight/signatures.py documents


def _logs(base: ClusterInsight, head: ClusterInsight, flt: _Filter, notes: list[str]) -> list[dict]:
    """Error signatures (insight/signatures.py: per container or node service, the normalised
    error/warning lines) of HEAD whose ``Signature.key`` (source, namespace, container, text: no pod
    name) BASE does not have."""
    try:
        from . import signatures  # engineer `search`'s error signatures
    except ImportError:
        notes.append("log signatures not compared: staticapi.insight.signatures is not available")
        return []
    try:
        sb = base.derive_sync(SIGNATURES_KEY, signatures.compute)
        sh = head.derive_sync(SIGNATURES_KEY, signatures.compute)
    except Exception as e:  # odd log files must not lose the rest of the diff
        log.exception("signatures failed")
        notes.append(f"log signatures not compared: {type(e).__name__}: {e}")
        return []
    seen = {s.key for s in sb}
    out = []
    for s in sh:
        if s.key in seen:
            continue
        node_log = s.source == "nodes"
        if not (flt.ns_ok(s.namespace) and flt.kind_ok("Node" if node_log else "Pod")):
            continue
        out.append({"source": s.source, "namespace": s.namespace, "pod": s.pod, "container": s.container,
                    "node": s.node, "level": s.level, "signature": s.text, "sample": s.sample, "count": s.count,
                    "pods": s.pods})
    out.sort(key=lambda v: (v["level"] != "error", -v["count"], v["namespace"], v["pod"], v["container"]))
    return out


def _summary(rep: dict) -> dict:
    v, h, o = rep["versions"], rep["health"], rep["objects"]
    return {
        "versionChanges": int(bool(v["cluster"])) + int(bool(v["kubernetes"])) + len(v["operators"]) + len(v["images"]),
        "newFindings": len(h["findings"]["new"]), "goneFindings": len(h["findings"]["gone"]),
        "conditionChanges": len(h["conditions"]), "badContainers": len(h["containers"]),
        "restartsGrew": len(h["restarts"]),
        "added": o["totals"]["added"], "removed": o["totals"]["removed"],
        "changed": o["totals"]["changed"], "noiseOnly": o["noiseOnly"],
        "unchanged": o["unchanged"], "warningEvents": len(rep["events"]), "newLogSignatures": len(rep["logs"]),
    }


def is_empty(rep: dict) -> bool:
    """No change at all beyond noise."""
    s = rep["summary"]
    return not any(s[k] for k in ("versionChanges", "newFindings", "goneFindings", "conditionChanges",
                                  "badContainers", "restartsGrew", "added", "removed", "changed",
                                  "warningEvents", "newLogSignatures"))
