"""etcd state from ``etcd_info/``: members, endpoint health and status, alarms, and findings.

Why this module exists: ``gather_etcd`` (openshift/must-gather collection-scripts) runs, in the
etcdctl container of one running etcd pod, ``etcdctl member list|endpoint status|endpoint
health|alarm list -w json`` with ``ETCDCTL_ENDPOINTS`` = every member's client URLs (column 5 of
``etcdctl member list``) and writes ``etcd_info/{member_list,endpoint_status,endpoint_health,
alarm_list}.json``. The shapes are etcdctl's JSON printer (etcdctl/ctlv3/command/printer_json.go):
the clientv3 responses marshalled with encoding/json, so enums are numbers (``AlarmType``
1 = NOSPACE, 2 = CORRUPT, etcd api/etcdserverpb/rpc.proto) and member IDs are uint64 numbers.

Artefact explained instead of alarmed on: OpenShift's etcd also listens on ``unixs://<ip>:0``, a
local unix socket for clients on the same host, and advertises it among its client URLs. The gather
passes every advertised URL to etcdctl, which cannot reach another host's socket, so the
``unixs://`` endpoints fail health and status checks although the member answers on its
``https://<ip>:2379`` URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson

from .findings import Finding, ObjectRef, ranked
from .gathered import gathered_dirs, rel_path

DIR_NAME = "etcd_info"
MEMO_KEY = "etcd.data"
FILES = ("member_list", "endpoint_health", "endpoint_status", "alarm_list")
MAX_FILE = 16 << 20
# etcd api/etcdserverpb/rpc.proto AlarmType
ALARM_NAMES = {0: "NONE", 1: "NOSPACE", 2: "CORRUPT"}
ALARM_TEXT = {
    "NOSPACE": "the backend database reached its quota: etcd refuses writes until it is compacted, "
               "defragmented and the alarm disarmed",
    "CORRUPT": "a member's data does not match the others (corruption check): that member must be replaced",
}
# OpenShift runs etcd with --quota-backend-bytes=8589934592 (8 GiB; cluster-etcd-operator
# pkg/etcdenvvar, ETCD_QUOTA_BACKEND_BYTES); etcd's own default is 2 GiB.
QUOTA_BYTES = 8 << 30
QUOTA_WARN = 0.75
QUOTA_CRIT = 0.90
FRAGMENTED_MIN_BYTES = 1 << 30  # below this, space held by deleted keys is not worth a finding
FRAGMENTED_RATIO = 0.5  # dbSizeInUse / dbSize under this: a defragmentation would give space back

ARTEFACT_NOTE = ("{endpoint}: OpenShift's etcd also listens on a local unix socket (unixs://<ip>:0) and "
                 "advertises it as a client URL; gather_etcd hands every advertised URL to etcdctl, which "
                 "cannot reach another host's socket. Not a health problem{extra}.")


@dataclass
class Member:
    id: str
    name: str
    peer_urls: list[str]
    client_urls: list[str]
    learner: bool = False

    @property
    def started(self) -> bool:
        # etcd: a member that was added but never started has no name and no client URLs
        return bool(self.name) and bool(self.client_urls)

    @property
    def host(self) -> str:
        for u in self.client_urls + self.peer_urls:
            h = urlsplit(u).hostname
            if h:
                return h
        return ""


@dataclass
class Endpoint:
    endpoint: str
    health: bool | None = None
    took: str = ""
    error: str = ""
    member_id: str = ""
    leader: str = ""
    version: str = ""
    db_size: int | None = None
    db_in_use: int | None = None
    raft_term: int | None = None
    raft_index: int | None = None
    raft_applied: int | None = None
    learner: bool = False
    errors: list[str] = field(default_factory=list)
    artefact: bool = False  # unixs:// endpoint (see the module docstring)

    @property
    def host(self) -> str:
        return urlsplit(self.endpoint).hostname or ""


@dataclass
class EtcdData:
    files: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    present: bool = False
    cluster_id: str = ""
    members: list[Member] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    alarms: list[dict] = field(default_factory=list)  # {"member": id, "name": member name, "alarm": NOSPACE}
    notes: list[str] = field(default_factory=list)


def _id(v: Any) -> str:
    """Member IDs as etcdctl prints them in tables: hex."""
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, int):
        return format(v, "x")
    return str(v)


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


def _strs(v: Any) -> list[str]:
    return [str(x) for x in v] if isinstance(v, list) else []


def _load(path, rel: str, problems: list) -> Any:
    try:
        if path.stat().st_size > MAX_FILE:
            problems.append((rel, f"larger than {MAX_FILE >> 20} MiB, not read"))
            return None
        data = path.read_bytes()
    except OSError as e:
        problems.append((rel, f"not readable: {e}"))
        return None
    if not data.strip():
        problems.append((rel, "empty (etcdctl failed during the gather)"))
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        try:  # member IDs beyond 2^64 cannot happen; numbers orjson refuses still parse here
            import json
            return json.loads(data)
        except ValueError as e:
            problems.append((rel, f"not etcdctl JSON output: {e}"))
            return None


def parse(docs: dict[str, Any], problems: list | None = None) -> EtcdData:
    """The four etcdctl answers (any may be missing: None) -> :class:`EtcdData`."""
    ed = EtcdData(problems=problems if problems is not None else [])
    ml = docs.get("member_list")
    if isinstance(ml, dict):
        hdr = ml.get("header") if isinstance(ml.get("header"), dict) else {}
        ed.cluster_id = _id(hdr.get("cluster_id"))
        for m in _list(ml.get("members")):
            if isinstance(m, dict):
                ed.members.append(Member(id=_id(m.get("ID")), name=str(m.get("name") or ""),
                                         peer_urls=_strs(m.get("peerURLs")), client_urls=_strs(m.get("clientURLs")),
                                         learner=bool(m.get("isLearner"))))
    by_ep: dict[str, Endpoint] = {}

    def ep(url: str) -> Endpoint:
        e = by_ep.get(url)
        if e is None:
            e = by_ep[url] = Endpoint(endpoint=url, artefact=url.startswith("unixs://") or url.startswith("unix://"))
        return e

    eh = docs.get("endpoint_health")
    for h in eh if isinstance(eh, list) else ():
        if isinstance(h, dict) and h.get("endpoint"):
            e = ep(str(h["endpoint"]))
            e.health = bool(h.get("health"))
            e.took = str(h.get("took") or "")
            e.error = str(h.get("error") or "")
    es = docs.get("endpoint_status")
    for s in es if isinstance(es, list) else ():
        if not isinstance(s, dict) or not s.get("Endpoint"):
            continue
        e = ep(str(s["Endpoint"]))
        st = s.get("Status") if isinstance(s.get("Status"), dict) else {}
        hdr = st.get("header") if isinstance(st.get("header"), dict) else {}
        e.member_id = _id(hdr.get("member_id"))
        e.leader = _id(st.get("leader"))
        e.version = str(st.get("version") or "")
        e.db_size = _int(st.get("dbSize"))
        e.db_in_use = _int(st.get("dbSizeInUse"))
        e.raft_term = _int(st.get("raftTerm"))
        e.raft_index = _int(st.get("raftIndex"))
        e.raft_applied = _int(st.get("raftAppliedIndex"))
        e.learner = bool(st.get("isLearner"))
        e.errors = _strs(st.get("errors"))
        if not ed.cluster_id:
            ed.cluster_id = _id(hdr.get("cluster_id"))
    ed.endpoints = sorted(by_ep.values(), key=lambda e: (e.artefact, e.endpoint))
    al = docs.get("alarm_list")
    names = {m.id: m.name for m in ed.members}
    for a in _list(al.get("alarms")) if isinstance(al, dict) else ():
        if not isinstance(a, dict):
            continue
        kind = a.get("alarm")
        kind = ALARM_NAMES.get(kind, str(kind)) if isinstance(kind, int) else str(kind or "")
        if kind and kind != "NONE":
            mid = _id(a.get("memberID"))
            ed.alarms.append({"member": mid, "name": names.get(mid, ""), "alarm": kind})
    healthy_hosts = {e.host for e in ed.endpoints if not e.artefact and (e.health or e.version)}
    for e in ed.endpoints:
        if e.artefact and (e.health is False or e.error):
            extra = (f": the member on {e.host} answered on its https endpoint" if e.host in healthy_hosts else "")
            ed.notes.append(ARTEFACT_NOTE.format(endpoint=e.endpoint, extra=extra))
    ed.present = any(d is not None for d in docs.values())
    return ed


def build(view: Any) -> EtcdData:
    problems: list = []
    docs: dict[str, Any] = {k: None for k in FILES}
    files = []
    for d in gathered_dirs(view, DIR_NAME):
        for k in FILES:
            p = d / f"{k}.json"
            if docs[k] is None and p.is_file() and not p.is_symlink():
                rel = rel_path(view, p)
                docs[k] = _load(p, rel, problems)
                if docs[k] is not None:
                    files.append(rel)
    ed = parse(docs, problems)
    ed.files = files
    return ed


async def load(ci: Any) -> EtcdData:
    return await ci.derive(MEMO_KEY, build)


def data_sync(view: Any) -> EtcdData:
    derive = getattr(view, "derive_sync", None)
    return derive(MEMO_KEY, build) if derive else build(view)


def problems(view: Any) -> list[tuple[str, str]]:
    return list(data_sync(view).problems)


# --------------------------------------------------------------------------------------
# findings


def _pod(name: str) -> ObjectRef | None:
    # OpenShift names each member after its node; its static pod is etcd-<node>
    return ObjectRef(kind="Pod", name=f"etcd-{name}", namespace="openshift-etcd", resource="pods") if name else None


def gib(n: int | None) -> str:
    return f"{(n or 0) / (1 << 30):.2f} GiB"


def quota_bytes(view: Any) -> int:
    """The backend quota: ``etcds.operator.openshift.io/cluster`` ``spec.backendQuotaGiB`` when set
    (OpenShift 4.16+, cluster-etcd-operator), else :data:`QUOTA_BYTES`."""
    try:
        for o in view.objects("operator.openshift.io", "etcds") or ():
            if (o.get("metadata") or {}).get("name") == "cluster":
                gib_ = (o.get("spec") or {}).get("backendQuotaGiB")
                if isinstance(gib_, int) and not isinstance(gib_, bool) and 0 < gib_ <= 1024:
                    return gib_ << 30
    except (AttributeError, KeyError, LookupError, TypeError):
        pass
    return QUOTA_BYTES


def findings_of(ed: EtcdData, quota: int = QUOTA_BYTES) -> list[Finding]:
    out: list[Finding] = []
    by_host = {m.host: m for m in ed.members if m.host}
    by_id = {m.id: m for m in ed.members}
    for a in ed.alarms:
        out.append(Finding(rule="etcd-alarm", severity="critical", object=_pod(a["name"]),
                           title=f"etcd alarm {a['alarm']} on member {a['name'] or a['member']}",
                           evidence=[ALARM_TEXT.get(a["alarm"], "an etcd alarm is raised")],
                           key=f"etcd-alarm:{a['alarm']}:{a['name'] or a['member']}"))
    for m in ed.members:
        if not m.started:
            out.append(Finding(rule="etcd-member-not-started", severity="error", object=_pod(m.name),
                               title=f"etcd member {m.id} is not started (no name or client URLs)",
                               evidence=[f"peer URLs: {', '.join(m.peer_urls) or '-'}"],
                               key=f"etcd-member-not-started:{','.join(m.peer_urls) or m.id}"))
        elif m.learner:
            out.append(Finding(rule="etcd-member-learner", severity="warning", object=_pod(m.name),
                               title=f"etcd member {m.name} is still a learner (not promoted to voting member)",
                               key=f"etcd-member-learner:{m.name}"))
    for e in ed.endpoints:
        if e.artefact:
            continue
        m = by_id.get(e.member_id) or by_host.get(e.host)
        name = m.name if m else e.host
        if e.health is False:
            out.append(Finding(rule="etcd-endpoint-unhealthy", severity="error", object=_pod(m.name if m else ""),
                               title=f"etcd endpoint {e.endpoint} ({name}) is unhealthy",
                               evidence=[x for x in (e.error, f"took {e.took}" if e.took else "") if x],
                               key=f"etcd-endpoint-unhealthy:{name}"))
        if e.errors:
            out.append(Finding(rule="etcd-endpoint-errors", severity="warning", object=_pod(m.name if m else ""),
                               title=f"etcd endpoint {e.endpoint} ({name}) reports errors",
                               evidence=list(e.errors), key=f"etcd-endpoint-errors:{name}"))
        if e.db_size:
            ratio = e.db_size / quota
            if ratio >= QUOTA_WARN:
                out.append(Finding(rule="etcd-db-near-quota", severity="critical" if ratio >= QUOTA_CRIT else "warning",
                                   object=_pod(m.name if m else ""),
                                   title=f"etcd database of {name} is {gib(e.db_size)}, {ratio:.0%} of the "
                                         f"{gib(quota)} quota",
                                   evidence=[f"in use: {gib(e.db_in_use)}; at the quota etcd raises NOSPACE and "
                                             "refuses writes"], key=f"etcd-db-near-quota:{name}"))
            if e.db_in_use is not None and e.db_size >= FRAGMENTED_MIN_BYTES and e.db_in_use / e.db_size < FRAGMENTED_RATIO:
                out.append(Finding(rule="etcd-db-fragmented", severity="info", object=_pod(m.name if m else ""),
                                   title=f"etcd database of {name}: {gib(e.db_size)} on disk, {gib(e.db_in_use)} in use",
                                   evidence=["a defragmentation would give the difference back"],
                                   key=f"etcd-db-fragmented:{name}"))
    statuses = [e for e in ed.endpoints if not e.artefact and e.version]
    if statuses:
        leaders = {e.leader for e in statuses}
        if leaders <= {"", "0"}:
            out.append(Finding(rule="etcd-no-leader", severity="critical", title="etcd has no leader",
                               evidence=[f"{e.endpoint}: leader {e.leader or '0'}" for e in statuses]))
        elif len(leaders) > 1:
            out.append(Finding(rule="etcd-leader-disagreement", severity="warning",
                               title="etcd endpoints disagree about the leader",
                               evidence=[f"{e.endpoint}: leader {e.leader}" for e in statuses]))
    return ranked(out)


def findings(ci: Any) -> list[Finding]:
    """Triage findings from etcd_info (blocking the first time; ``await load(ci)`` first from a
    handler)."""
    return findings_of(data_sync(ci), quota_bytes(ci))
