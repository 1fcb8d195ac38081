"""The object page: printer cells, conditions, containers, events, owners and owned objects, YAML.

Why this module exists: ``kubectl describe`` is what a triage engineer reads next, but in a
browser everything should be one click away: the owner chain up (Pod -> ReplicaSet ->
Deployment), the owned objects down (Deployment -> ReplicaSets -> Pods; Node -> its pods), the
container logs, the object's events and its window on the timeline.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
import yaml
from aiohttp import web

from ..insight.context import ClusterInsight
from ..kube.registry import Resource
from ..kube.status import not_found
from ..serve.tables import TableConverter
from .common import GetInsight, age, base_of, events_url, html_errors, list_url, logs_url, object_url, page_context, timeline_url
from .events_page import EventIndex, event_index, event_view
from .listing import cell_text, resource_of
from .render import render

try:  # HOOK(integrator): branch `audit` adds insight.audit.history(ci, group, resource, namespace, name)
    from ..insight import audit as _audit
except ImportError:  # pragma: no cover - until the audit branch is merged
    _audit = None

# the kinds whose objects are searched for owner references (owned objects down); a table so a
# new controller kind is one line
CHILD_RESOURCES = (
    ("apps", "replicasets"), ("", "pods"), ("batch", "jobs"), ("", "replicationcontrollers"),
    ("apps", "controllerrevisions"), ("machine.openshift.io", "machines"),
    ("machine.openshift.io", "machinesets"), ("operators.coreos.com", "installplans"),
)
MAX_CHILDREN = 200  # per object: a DaemonSet on 500 nodes shows its first 200 pods and a count

log = logging.getLogger("staticapi.web")

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class OwnerIndex:
    """uid -> owned entries (for CHILD_RESOURCES) and node name -> pods, once per store."""

    def __init__(self, ci: ClusterInsight):
        self.children: dict[str, list[tuple[Resource, Any]]] = {}
        self.on_node: dict[str, list[Any]] = {}
        for key in CHILD_RESOURCES:
            t = ci.store.tables.get(key)
            if t is None:
                continue
            for e in t.sorted():
                o = e.obj()
                for ref in (o.get("metadata") or {}).get("ownerReferences") or []:
                    uid = ref.get("uid") if isinstance(ref, dict) else None
                    if uid:
                        self.children.setdefault(uid, []).append((t.resource, e))
                if key == ("", "pods"):
                    node = (o.get("spec") or {}).get("nodeName")
                    if node:
                        self.on_node.setdefault(node, []).append(e)


def _uid_index(ci: ClusterInsight) -> dict[str, tuple[Resource, Any]]:
    """uid -> (resource, entry) for the owner chain up (only kinds that own things)."""
    out: dict[str, tuple[Resource, Any]] = {}
    owners = (("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"), ("apps", "daemonsets"),
              ("batch", "jobs"), ("batch", "cronjobs"), ("", "replicationcontrollers"),
              ("apps.openshift.io", "deploymentconfigs"), ("machine.openshift.io", "machinesets"), ("", "nodes"))
    for key in owners:
        t = ci.store.tables.get(key)
        if t is None:
            continue
        for e in t.sorted():
            if e.uid:
                out[e.uid] = (t.resource, e)
    return out


def _ref_link(ci: ClusterInsight, base: str, api_version: str, kind: str, namespace: str, name: str) -> dict:
    group = api_version.rpartition("/")[0] if "/" in api_version else ""
    r = ci.store.registry.for_kind(group, kind)
    ns = namespace if r is not None and r.namespaced else ""
    present = r is not None and ci.store.get(r, ns, name) is not None
    return {"kind": kind, "name": name, "namespace": ns, "present": present,
            "url": object_url(base, r.group, r.plural, ns or None, name) if r is not None else ""}


def owners_up(ci: ClusterInsight, base: str, obj: dict, uids: dict, depth: int = 5) -> list[list[dict]]:
    """The owner chain: each level's owner references (controller first), nearest first."""
    chain: list[list[dict]] = []
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace") or ""
    seen: set[str] = set()
    while depth > 0:
        refs = [r for r in meta.get("ownerReferences") or [] if isinstance(r, dict)]
        if not refs:
            break
        refs.sort(key=lambda r: not r.get("controller"))
        chain.append([_ref_link(ci, base, str(r.get("apiVersion") or ""), str(r.get("kind") or ""), ns,
                                str(r.get("name") or "")) for r in refs])
        nxt = uids.get(str(refs[0].get("uid") or ""))
        if nxt is None or nxt[1].uid in seen:
            break
        seen.add(nxt[1].uid)
        meta = nxt[1].obj().get("metadata") or {}
        depth -= 1
    return chain


def _child_views(ci: ClusterInsight, base: str, pairs: list, owners: OwnerIndex, depth: int) -> list[dict]:
    out = []
    for r, e in pairs[:MAX_CHILDREN]:
        v = {"kind": r.kind, "name": e.name, "namespace": e.namespace,
             "url": object_url(base, r.group, r.plural, e.namespace or None, e.name), "status": _brief(r, e, ci),
             "children": []}
        if depth > 1 and e.uid:
            v["children"] = _child_views(ci, base, owners.children.get(e.uid, []), owners, depth - 1)
        out.append(v)
    return out


def _brief(r: Resource, e: Any, ci: ClusterInsight) -> str:
    """The printer's status-like cells, e.g. '1/1 Running 0 5d' for a pod."""
    conv = TableConverter(r, r.version)
    cells = orjson.loads(conv.row(e, ci.store.now)[0])
    parts = [cell_text(c, v, ci.store.now) for c, v in zip(conv.columns, cells, strict=False)
             if not c.get("priority") and c.get("format") != "name"]
    return "  ".join(p for p in parts if p)


def containers_of(obj: dict, base: str, now) -> list[dict]:
    """Each container of a pod: state, restarts, last termination, logs links."""
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    ns, pod = meta.get("namespace") or "", meta.get("name") or ""
    out = []
    for kind, specs, stats in (("init", spec.get("initContainers"), status.get("initContainerStatuses")),
                               ("", spec.get("containers"), status.get("containerStatuses")),
                               ("ephemeral", spec.get("ephemeralContainers"), status.get("ephemeralContainerStatuses"))):
        by_name = {s.get("name"): s for s in stats or [] if isinstance(s, dict)}
        for c in specs or []:
            if not isinstance(c, dict):
                continue
            name = str(c.get("name") or "")
            st = by_name.get(name) or {}
            state, detail, since = _state(st.get("state") or {}, now)
            last = (st.get("lastState") or {}).get("terminated") or {}
            restarts = st.get("restartCount") or 0
            out.append({
                "name": name, "type": kind, "image": c.get("image") or "", "ready": st.get("ready"),
                "restarts": restarts, "state": state, "detail": detail, "since": since,
                "last": {"reason": last.get("reason") or "", "exit": last.get("exitCode"),
                         "finished": last.get("finishedAt") or "", "ago": age(last.get("finishedAt"), now),
                         "message": (last.get("message") or "")[-2000:]} if last else None,
                "logs": logs_url(base, ns, pod, name),
                "previous": logs_url(base, ns, pod, name, previous=1) if last or restarts else "",
            })
    return out


def _state(state: dict, now) -> tuple[str, str, str]:
    if "running" in state:
        started = (state.get("running") or {}).get("startedAt")
        return "Running", "", age(started, now)
    if "waiting" in state:
        w = state.get("waiting") or {}
        return f"Waiting: {w.get('reason') or ''}", w.get("message") or "", ""
    if "terminated" in state:
        t = state.get("terminated") or {}
        return (f"Terminated: {t.get('reason') or ''} (exit {t.get('exitCode')})", t.get("message") or "",
                age(t.get("finishedAt"), now))
    return "unknown", "", ""


# condition types for which True is the bad state (kubelet's node pressures, operator conditions)
NEGATIVE_CONDITIONS = frozenset({"MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable", "Degraded",
                                 "Failing", "Failed", "Stalled", "Evicted", "Invalid"})
_NEGATIVE_SUFFIXES = ("Degraded", "Pressure", "Failing", "Unavailable", "Error", "Failed")


def condition_bad(ctype: str, status: str) -> bool:
    """Whether a condition is in its bad state: Unknown, False for the usual positive conditions
    (Ready, Available ...), True for the negative ones (…Pressure, Degraded, Failing ...)."""
    if status not in ("True", "False"):
        return True
    negative = ctype in NEGATIVE_CONDITIONS or ctype.endswith(_NEGATIVE_SUFFIXES)
    return (status == "True") == negative


def conditions_of(obj: dict, now) -> list[dict]:
    out = []
    for c in (obj.get("status") or {}).get("conditions") or []:
        if isinstance(c, dict):
            t = c.get("lastTransitionTime") or c.get("lastUpdateTime") or c.get("lastHeartbeatTime") or ""
            ctype, status = str(c.get("type") or ""), str(c.get("status") or "")
            out.append({"type": ctype, "status": status, "reason": c.get("reason") or "",
                        "message": c.get("message") or "", "since": t, "ago": age(t, now),
                        "bad": condition_bad(ctype, status) and ctype != "Progressing"})
    return out


def yaml_parts(obj: dict, hide_secret_data: bool) -> tuple[str, str]:
    """(the object's YAML without managedFields, the managedFields' YAML)."""
    obj = dict(obj)
    meta = dict(obj.get("metadata") or {})
    managed = meta.pop("managedFields", None)
    obj["metadata"] = meta
    if hide_secret_data:
        obj.pop("data", None)
        obj.pop("stringData", None)
    body = yaml.dump(obj, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=200)
    mf = yaml.dump(managed, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=200) if managed else ""
    return body, mf


_warming: set = set()


def warm(ci: ClusterInsight) -> None:
    """Build the object page's per-store indexes (owners, uids, events) in the background, so the
    first object page a user opens from the overview answers as fast as the next ones."""
    def done(t: asyncio.Future) -> None:
        _warming.discard(t)
        if not t.cancelled() and t.exception() is not None:  # the page itself will report it
            log.warning("warming the object page indexes failed: %r", t.exception())

    for key, build in (("pages.owners", OwnerIndex), ("pages.uids", _uid_index), ("pages.events", EventIndex)):
        if ci.cached(key) is None:
            t = asyncio.ensure_future(ci.derive(key, build))
            _warming.add(t)
            t.add_done_callback(done)


async def object_context(ci: ClusterInsight, r: Resource, namespace: str, name: str, base: str) -> dict[str, Any]:
    store = ci.store
    ns = namespace if r.namespaced else ""
    e = store.get(r, ns, name)
    if e is None:
        raise not_found(r.plural, r.group, name)
    obj = e.obj()
    now = store.now
    meta = obj.get("metadata") or {}
    conv = TableConverter(r, r.version)
    cells = orjson.loads(conv.row(e, now)[0])
    header = [{"name": c["name"], "text": cell_text(c, v, now)}
              for c, v in zip(conv.columns, cells, strict=False) if c.get("format") != "name"]
    owners = await ci.derive("pages.owners", OwnerIndex)
    uids = await ci.derive("pages.uids", _uid_index)
    idx = await event_index(ci)
    evs = idx.for_object(r.kind, ns, name, e.uid or str(meta.get("uid") or ""))
    children = _child_views(ci, base, owners.children.get(e.uid, []) if e.uid else [], owners, 2)
    node_pods: list[dict] = []
    pods_r = store.registry.resources.get(("", "pods"))
    if r.key == ("", "nodes") and pods_r is not None:
        node_pods = _child_views(ci, base, [(pods_r, p) for p in owners.on_node.get(name, [])], owners, 1)
    body, managed = yaml_parts(obj, ci.cluster.hide_secret_data and r.key == ("", "secrets"))
    history = None
    if _audit is not None and hasattr(_audit, "history"):
        if hasattr(_audit, "load"):
            await _audit.load(ci)  # the audit index, built once per store off the event loop
        history = await asyncio.to_thread(_audit.history, ci, r.group, r.plural, ns, name)
    labels = meta.get("labels") or {}
    return {
        "r": r, "name": name, "namespace": ns, "header": header, "meta": meta,
        "labels": sorted(labels.items()) if isinstance(labels, dict) else [],
        "annotations": sorted((meta.get("annotations") or {}).items()) if isinstance(meta.get("annotations"), dict)
        else [],
        "created_ago": age(meta.get("creationTimestamp"), now),
        "conditions": conditions_of(obj, now),
        "containers": containers_of(obj, base, now) if r.key == ("", "pods") else [],
        "events": [event_view(ev, ci, base) for ev in evs[:200]], "events_total": len(evs),
        "events_url": events_url(base, namespace=ns, object=f"{r.kind}/{name}"),
        "owners": owners_up(ci, base, obj, uids), "children": children,
        "children_total": len(owners.children.get(e.uid, [])) if e.uid else 0,
        "node_pods": node_pods, "node_pods_total": len(owners.on_node.get(name, [])) if node_pods else 0,
        "yaml": body, "managed": managed, "history": history,
        "timeline": timeline_url(base, None, q=name),
        "list_url": list_url(base, r.group, r.plural, namespace=ns),
        "node_url": object_url(base, "", "nodes", None, (obj.get("spec") or {}).get("nodeName"))
        if r.key == ("", "pods") and (obj.get("spec") or {}).get("nodeName") else "",
    }


def setup_routes(app: web.Application, get_insight: GetInsight, prefix: str = "") -> None:
    @html_errors
    async def object_page(request: web.Request) -> web.Response:
        ci = get_insight(request)
        mi = request.match_info
        r = resource_of(ci, mi["group"], mi["resource"])
        ns = "" if mi["namespace"] == "_" else mi["namespace"]
        ctx = await object_context(ci, r, ns, mi["name"], base_of(request))
        title = f"{r.kind} {ns + '/' if ns else ''}{mi['name']}"
        return render("object.html", **page_context(ci, request, title), o=ctx)

    app.router.add_get(f"{prefix}/ui/objects/{{group}}/{{resource}}/{{namespace}}/{{name}}", object_page)
