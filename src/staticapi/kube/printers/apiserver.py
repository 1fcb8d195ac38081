"""Printers of the cluster-level API groups: admissionregistration, rbac, certificates,
coordination, scheduling, node, flowcontrol, internal.apiserver and resource.k8s.io
(printers.go printValidatingAdmissionPolicy, printRoleBinding, printCertificateSigningRequest ...)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..duration import human_duration_ns, translate_timestamp_since
from .common import _age, _d, _go_label_selector_proto_string, _i, _l, _list_with_more, _meta, _name, _s


def _print_webhook_config(obj: dict, now: datetime) -> list:
    return [_name(obj), len(_l(obj.get("webhooks"))), _age(obj, now)]


def _param_kind(spec: dict) -> str:
    pk = spec.get("paramKind")
    if isinstance(pk, dict):
        return _s(pk.get("apiVersion")) + "/" + _s(pk.get("kind"))
    return "<unset>"


def _print_vap(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    return [_name(obj), len(_l(spec.get("validations"))), _param_kind(spec), _age(obj, now)]


def _print_map(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    return [_name(obj), len(_l(spec.get("mutations"))), _param_kind(spec), _age(obj, now)]


def _print_policy_binding(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    param = "<unset>"
    pr = spec.get("paramRef")
    if isinstance(pr, dict):
        if pr.get("name"):
            if pr.get("namespace"):
                param = _s(pr["namespace"]) + "/" + _s(pr["name"])
            else:
                param = "*/" + _s(pr["name"])
        elif isinstance(pr.get("selector"), dict):
            param = _go_label_selector_proto_string(pr["selector"])
    return [_name(obj), _s(spec.get("policyName")), param, _age(obj, now)]


def _rbac_subjects(subjects: Any) -> tuple[list, list, list, list]:
    """pkg/apis/rbac SubjectsStrings."""
    users, groups, sas, others = [], [], [], []
    for s in _l(subjects):
        s = _d(s)
        kind = s.get("kind")
        if kind == "ServiceAccount":
            sas.append(f"{_s(s.get('namespace'))}/{_s(s.get('name'))}")
        elif kind == "User":
            users.append(_s(s.get("name")))
        elif kind == "Group":
            groups.append(_s(s.get("name")))
        else:
            others.append(f"{_s(kind)}/{_s(s.get('namespace'))}/{_s(s.get('name'))}")
    return users, groups, sas, others


def _print_rbac_binding(obj: dict, now: datetime) -> list:
    rr = _d(obj.get("roleRef"))
    users, groups, sas, _ = _rbac_subjects(obj.get("subjects"))
    return [_name(obj), f"{_s(rr.get('kind'))}/{_s(rr.get('name'))}", _age(obj, now),
            ", ".join(users), ", ".join(groups), ", ".join(sas)]


def _print_csr(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    approved = denied = failed = False
    for c in _l(st.get("conditions")):
        t = _d(c).get("type")
        if t == "Approved":
            approved = True
        elif t == "Denied":
            denied = True
        elif t == "Failed":
            failed = True
    status = "Denied" if denied else ("Approved" if approved else "Pending")
    if failed:
        status += ",Failed"
    if st.get("certificate"):
        status += ",Issued"
    signer = _s(spec.get("signerName")) or "<none>"
    requested = "<none>"
    if spec.get("expirationSeconds") is not None:
        requested = human_duration_ns(_i(spec.get("expirationSeconds")) * 1_000_000_000)
    return [_name(obj), _age(obj, now), signer, _s(spec.get("username")), requested, status]


def _print_cluster_trust_bundle(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(_d(obj.get("spec")).get("signerName")) or "<none>"]


def _print_pod_certificate_request(obj: dict, now: datetime) -> list:
    """printers.go printPodCertificateRequest (v1.34 line)."""
    spec = _d(obj.get("spec"))
    state = "Pending"
    for c in _l(_d(obj.get("status")).get("conditions")):
        t = _d(c).get("type")
        if t in ("Issued", "Denied", "Failed"):
            state = t
    return [_name(obj), _s(spec.get("podName")), _s(spec.get("serviceAccountName")), _s(spec.get("nodeName")),
            _s(spec.get("signerName")), state]


def _print_lease(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(_d(obj.get("spec")).get("holderIdentity")), _age(obj, now)]


def _print_lease_candidate(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    return [_name(obj), _s(spec.get("leaseName")), _s(spec.get("binaryVersion")), _s(spec.get("emulationVersion")),
            _age(obj, now)]


def _print_priority_class(obj: dict, now: datetime) -> list:
    pp = obj.get("preemptionPolicy")
    pp = "PreemptLowerPriority" if pp is None else _s(pp)  # SetDefaults_PriorityClass
    return [_name(obj), _i(obj.get("value")), bool(obj.get("globalDefault") or False), _age(obj, now), pp]


def _print_runtime_class(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(obj.get("handler")), _age(obj, now)]


def _print_flow_schema(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    dm = spec.get("distinguisherMethod")
    dm = _s(_d(dm).get("type")) if isinstance(dm, dict) else "<none>"
    bad = "?"
    for c in _l(_d(obj.get("status")).get("conditions")):
        c = _d(c)
        if c.get("type") == "Dangling":
            bad = _s(c.get("status"))
            break
    mp = spec.get("matchingPrecedence")
    mp = 1000 if mp is None else _i(mp)  # flowcontrol SetDefaults_FlowSchemaSpec
    return [_name(obj), _s(_d(spec.get("priorityLevelConfiguration")).get("name")), mp, dm, _age(obj, now), bad]


def _print_priority_level(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    ncs: Any = "<none>"
    queues: Any = "<none>"
    hand: Any = "<none>"
    qll: Any = "<none>"
    lim = spec.get("limited")
    if isinstance(lim, dict):
        ncs = lim.get("nominalConcurrencyShares")
        ncs = 30 if ncs is None else _i(ncs)  # flowcontrol v1 default
        q = _d(lim.get("limitResponse")).get("queuing")
        if isinstance(q, dict):
            queues = _i(q.get("queues"), 64)
            hand = _i(q.get("handSize"), 8)
            qll = _i(q.get("queueLengthLimit"), 50)
    return [_name(obj), _s(spec.get("type")), ncs, queues, hand, qll, _age(obj, now)]


def _print_storage_version(obj: dict, now: datetime) -> list:
    st = _d(obj.get("status"))
    cev = st.get("commonEncodingVersion")
    cev = "<unset>" if cev is None else _s(cev)
    lst, more, count = [], False, 0
    for sv in _l(st.get("storageVersions")):
        sv = _d(sv)
        if len(lst) < 3:
            lst.append(f"{_s(sv.get('apiServerID'))}={_s(sv.get('encodingVersion'))}")
        elif len(lst) == 3:
            more = True
        count += 1
    return [_name(obj), cev, _list_with_more(lst, more, count, 3), _age(obj, now)]


def _print_name_age(obj: dict, now: datetime) -> list:
    return [_name(obj), _age(obj, now)]


def _print_resource_claim(obj: dict, now: datetime) -> list:
    deleted = bool(_meta(obj).get("deletionTimestamp"))
    st = _d(obj.get("status"))
    states = []
    if deleted:
        states.append("deleted")
    if st.get("allocation") is None:
        if not deleted:
            states.append("pending")
    else:
        states.append("allocated")
        if _l(st.get("reservedFor")):
            states.append("reserved")
    return [_name(obj), ",".join(states), _age(obj, now)]


def _print_resource_slice(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    return [_name(obj), _s(spec.get("nodeName")), _s(spec.get("driver")), _s(_d(spec.get("pool")).get("name")),
            _age(obj, now)]


def _print_device_taint_rule(obj: dict, now: datetime) -> list:
    taint = _d(_d(obj.get("spec")).get("taint"))
    added = ""
    if taint.get("timeAdded"):
        added = translate_timestamp_since(taint.get("timeAdded"), now)
    return [_name(obj), _s(taint.get("key")), _s(taint.get("value")), _s(taint.get("effect")), added,
            _age(obj, now)]
