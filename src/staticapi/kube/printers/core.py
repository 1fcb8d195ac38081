"""core/v1 printers (printers.go printPod, printService, printNode, printEvent ...)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..duration import human_duration_ns, parse_time, since_ns, translate_timestamp_since
from .common import (
    _age,
    _condition_true,
    _d,
    _format_labels,
    _i,
    _join_host_port,
    _l,
    _layout_containers,
    _meta,
    _name,
    _pod_template_containers,
    _quantity,
    _replicas,
    _s,
    _trim_space,
)

# --------------------------------------------------------------------------------------------
# core/v1 Pod  (printers.go printPod, v1.33)

_POD_REASON_SCHEDULING_GATED = "SchedulingGated"
_NODE_UNREACHABLE_POD_REASON = "NodeLost"  # k8s.io/kubernetes/pkg/util/node.NodeUnreachablePodReason


def _is_restartable_init_container(c: dict | None) -> bool:
    """pkg/api/pod IsRestartableInitContainer: restartPolicy == Always."""
    return c is not None and c.get("restartPolicy") == "Always"


def _print_pod(pod: dict, now: datetime) -> list:
    meta = _meta(pod)
    spec = _d(pod.get("spec"))
    status = _d(pod.get("status"))
    conditions = _l(status.get("conditions"))

    restarts = 0
    restartable_init_restarts = 0
    containers = _l(spec.get("containers"))
    init_specs = _l(spec.get("initContainers"))
    total_containers = len(containers)
    ready_containers = 0
    last_restart: datetime | None = None
    last_restartable_init_restart: datetime | None = None

    pod_phase = _s(status.get("phase"))
    reason = pod_phase
    if status.get("reason"):
        reason = _s(status.get("reason"))

    # {type: PodScheduled, reason: SchedulingGated} -> SchedulingGated
    for cond in conditions:
        cond = _d(cond)
        if cond.get("type") == "PodScheduled" and cond.get("reason") == _POD_REASON_SCHEDULING_GATED:
            reason = _POD_REASON_SCHEDULING_GATED

    init_by_name: dict[str, dict] = {}
    for c in init_specs:
        c = _d(c)
        init_by_name[_s(c.get("name"))] = c
        if _is_restartable_init_container(c):
            total_containers += 1

    initializing = False
    init_statuses = _l(status.get("initContainerStatuses"))
    for i, cs in enumerate(init_statuses):
        cs = _d(cs)
        rc = _i(cs.get("restartCount"))
        restarts += rc
        last_term = _d(cs.get("lastState")).get("terminated")
        if isinstance(last_term, dict):
            t = parse_time(last_term.get("finishedAt"))
            if t is not None and (last_restart is None or last_restart < t):
                last_restart = t
        restartable = _is_restartable_init_container(init_by_name.get(_s(cs.get("name"))))
        if restartable:
            restartable_init_restarts += rc
            if isinstance(last_term, dict):
                t = parse_time(last_term.get("finishedAt"))
                if t is not None and (last_restartable_init_restart is None or last_restartable_init_restart < t):
                    last_restartable_init_restart = t
        state = _d(cs.get("state"))
        term = state.get("terminated")
        waiting = state.get("waiting")
        if isinstance(term, dict) and _i(term.get("exitCode")) == 0:
            continue
        if restartable and cs.get("started") is True:
            if cs.get("ready"):
                ready_containers += 1
            continue
        if isinstance(term, dict):
            # initialization is failed
            if not term.get("reason"):
                if _i(term.get("signal")) != 0:
                    reason = f"Init:Signal:{_i(term.get('signal'))}"
                else:
                    reason = f"Init:ExitCode:{_i(term.get('exitCode'))}"
            else:
                reason = "Init:" + _s(term.get("reason"))
            initializing = True
        elif isinstance(waiting, dict) and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + _s(waiting.get("reason"))
            initializing = True
        else:
            reason = f"Init:{i}/{len(init_specs)}"
            initializing = True
        break

    if not initializing or _condition_true(conditions, "Initialized"):
        restarts = restartable_init_restarts
        last_restart = last_restartable_init_restart
        has_running = False
        for cs in reversed(_l(status.get("containerStatuses"))):
            cs = _d(cs)
            restarts += _i(cs.get("restartCount"))
            last_term = _d(cs.get("lastState")).get("terminated")
            if isinstance(last_term, dict):
                t = parse_time(last_term.get("finishedAt"))
                if t is not None and (last_restart is None or last_restart < t):
                    last_restart = t
            state = _d(cs.get("state"))
            waiting = state.get("waiting")
            term = state.get("terminated")
            if isinstance(waiting, dict) and waiting.get("reason"):
                reason = _s(waiting.get("reason"))
            elif isinstance(term, dict) and term.get("reason"):
                reason = _s(term.get("reason"))
            elif isinstance(term, dict):
                if _i(term.get("signal")) != 0:
                    reason = f"Signal:{_i(term.get('signal'))}"
                else:
                    reason = f"ExitCode:{_i(term.get('exitCode'))}"
            elif cs.get("ready") and isinstance(state.get("running"), dict):
                has_running = True
                ready_containers += 1

        # change pod status back to "Running" if there is at least one container still running
        if reason == "Completed" and has_running:
            if _condition_true_any(conditions, "Ready"):
                reason = "Running"
            else:
                reason = "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == _NODE_UNREACHABLE_POD_REASON:
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and pod_phase not in ("Failed", "Succeeded"):
        reason = "Terminating"

    restarts_str = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_str = f"{restarts} ({human_duration_ns(since_ns(last_restart, now))} ago)"

    # wide columns; PodIPs per the v1->core conversion (podIP authoritative, else podIPs[0])
    node_name = _s(spec.get("nodeName")) or "<none>"
    nominated = _s(status.get("nominatedNodeName")) or "<none>"
    pod_ip = _s(status.get("podIP"))
    if not pod_ip:
        ips = _l(status.get("podIPs"))
        if ips:
            pod_ip = _s(_d(ips[0]).get("ip"))
    if not pod_ip:
        pod_ip = "<none>"

    gates = _l(spec.get("readinessGates"))
    readiness_gates = "<none>"
    if gates:
        true_conditions = 0
        for gate in gates:
            ctype = _d(gate).get("conditionType")
            for cond in conditions:
                cond = _d(cond)
                if cond.get("type") == ctype:
                    if cond.get("status") == "True":
                        true_conditions += 1
                    break
        readiness_gates = f"{true_conditions}/{len(gates)}"

    return [
        _name(pod),
        f"{ready_containers}/{total_containers}",
        reason,
        restarts_str,
        _age(pod, now),
        pod_ip,
        node_name,
        nominated,
        readiness_gates,
    ]


def _condition_true_any(conditions: Any, ctype: str) -> bool:
    """printers.go hasPodReadyCondition: any condition of the type with status True."""
    for c in _l(conditions):
        c = _d(c)
        if c.get("type") == ctype and c.get("status") == "True":
            return True
    return False


def _print_pod_template(obj: dict, now: datetime) -> list:
    tmpl = _d(obj.get("template"))
    names, images = _layout_containers(_pod_template_containers(tmpl))
    return [_name(obj), names, images, _format_labels(_d(tmpl.get("metadata")).get("labels"))]


def _print_rc(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    names, images = _layout_containers(_pod_template_containers(spec.get("template")))
    return [_name(obj), _replicas(spec), _i(st.get("replicas")), _i(st.get("readyReplicas")), _age(obj, now),
            names, images, _format_labels(spec.get("selector"))]


def _lb_status_string(status: Any) -> str:
    """loadBalancerStatusStringer with wide=true (the server always prints wide)."""
    result: set[str] = set()
    for ing in _l(_d(status).get("ingress")):
        ing = _d(ing)
        if ing.get("ip"):
            result.add(_s(ing["ip"]))
        elif ing.get("hostname"):
            result.add(_s(ing["hostname"]))
    return ",".join(sorted(result))


def _service_external_ip(svc: dict) -> str:
    """printers.go getServiceExternalIP (wide)."""
    spec = _d(svc.get("spec"))
    stype = _s(spec.get("type")) or "ClusterIP"
    ext = [_s(x) for x in _l(spec.get("externalIPs"))]
    if stype in ("ClusterIP", "NodePort"):
        return ",".join(ext) if ext else "<none>"
    if stype == "LoadBalancer":
        lb = _lb_status_string(_d(svc.get("status")).get("loadBalancer"))
        if ext:
            results = lb.split(",") if lb else []
            return ",".join(results + ext)
        return lb if lb else "<pending>"
    if stype == "ExternalName":
        return _s(spec.get("externalName"))
    return "<unknown>"


def _print_service(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    stype = _s(spec.get("type")) or "ClusterIP"  # SetDefaults_Service
    # v1->core conversion: clusterIP is authoritative, clusterIPs[0] otherwise
    ip = _s(spec.get("clusterIP"))
    if not ip:
        ips = _l(spec.get("clusterIPs"))
        ip = _s(ips[0]) if ips else ""
    internal_ip = ip or "<none>"
    pieces = []
    for p in _l(spec.get("ports")):
        p = _d(p)
        proto = _s(p.get("protocol")) or "TCP"
        if _i(p.get("nodePort")) > 0:
            pieces.append(f"{_i(p.get('port'))}:{_i(p.get('nodePort'))}/{proto}")
        else:
            pieces.append(f"{_i(p.get('port'))}/{proto}")
    ports = ",".join(pieces) or "<none>"
    return [_name(obj), stype, internal_ip, _service_external_ip(obj), ports, _age(obj, now),
            _format_labels(spec.get("selector"))]


def _format_endpoints(obj: dict) -> str:
    """printers.go formatEndpoints(endpoints, nil)."""
    subsets = _l(obj.get("subsets"))
    if not subsets:
        return "<none>"
    lst: list[str] = []
    max_ = 3
    more = False
    count = 0
    for ss in subsets:
        ss = _d(ss)
        addrs = _l(ss.get("addresses"))
        ports = _l(ss.get("ports"))
        if not ports:
            count += len(addrs)
            for a in addrs:
                if len(lst) == max_:
                    more = True
                    break
                lst.append(_s(_d(a).get("ip")))
            continue
        for port in ports:
            count += len(addrs)
            for a in addrs:
                if len(lst) == max_:
                    more = True
                    break
                lst.append(_join_host_port(_s(_d(a).get("ip")), _i(_d(port).get("port"))))
    ret = ",".join(lst)
    if more:
        return f"{ret} + {count - max_} more..."
    return ret


def _print_endpoints(obj: dict, now: datetime) -> list:
    return [_name(obj), _format_endpoints(obj), _age(obj, now)]


def _print_namespace(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(_d(obj.get("status")).get("phase")), _age(obj, now)]


def _print_secret(obj: dict, now: datetime) -> list:
    # v1->core conversion merges stringData into data
    keys = set(_d(obj.get("data"))) | set(_d(obj.get("stringData")))
    return [_name(obj), _s(obj.get("type")) or "Opaque", len(keys), _age(obj, now)]


def _print_service_account(obj: dict, now: datetime) -> list:
    return [_name(obj), len(_l(obj.get("secrets"))), _age(obj, now)]


_LABEL_NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
_NODE_LABEL_ROLE = "kubernetes.io/role"


def _node_roles(labels: dict) -> list[str]:
    """printers.go findNodeRoles."""
    roles: set[str] = set()
    for k, v in labels.items():
        if k.startswith(_LABEL_NODE_ROLE_PREFIX):
            role = k[len(_LABEL_NODE_ROLE_PREFIX):]
            if role:
                roles.add(role)
        elif k == _NODE_LABEL_ROLE and v != "" and v is not None:
            roles.add(_s(v))
    return sorted(roles)


def _print_node(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    cond_map: dict[str, dict] = {}
    for c in _l(st.get("conditions")):
        c = _d(c)
        cond_map[_s(c.get("type"))] = c
    status: list[str] = []
    ready = cond_map.get("Ready")
    if ready is not None:
        status.append("Ready" if ready.get("status") == "True" else "NotReady")
    if not status:
        status.append("Unknown")
    if spec.get("unschedulable"):
        status.append("SchedulingDisabled")
    roles = ",".join(_node_roles(_d(_meta(obj).get("labels")))) or "<none>"
    info = _d(st.get("nodeInfo"))
    internal = external = "<none>"
    for a in _l(st.get("addresses")):
        a = _d(a)
        if a.get("type") == "InternalIP" and internal == "<none>":
            internal = _s(a.get("address"))
        if a.get("type") == "ExternalIP" and external == "<none>":
            external = _s(a.get("address"))
    return [
        _name(obj), ",".join(status), roles, _age(obj, now), _s(info.get("kubeletVersion")),
        internal, external,
        _s(info.get("osImage")) or "<unknown>",
        _s(info.get("kernelVersion")) or "<unknown>",
        _s(info.get("containerRuntimeVersion")) or "<unknown>",
    ]


_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def _access_modes(modes: Any) -> str:
    """core/helper GetAccessModesAsString."""
    ms = set(_s(m) for m in _l(modes))
    return ",".join(short for full, short in _ACCESS_MODES if full in ms)


_BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def _print_pv(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    claim = ""
    cr = spec.get("claimRef")
    if isinstance(cr, dict):
        claim = _s(cr.get("namespace")) + "/" + _s(cr.get("name"))
    phase = _s(st.get("phase")) or "Pending"  # SetDefaults_PersistentVolume
    if _meta(obj).get("deletionTimestamp"):
        phase = "Terminating"
    annotations = _d(_meta(obj).get("annotations"))
    cls = _s(annotations[_BETA_STORAGE_CLASS_ANNOTATION]) if _BETA_STORAGE_CLASS_ANNOTATION in annotations \
        else _s(spec.get("storageClassName"))
    vac = spec.get("volumeAttributesClassName")
    vac = "<unset>" if vac is None else _s(vac)
    vm = spec.get("volumeMode")
    vm = "Filesystem" if vm is None else _s(vm)  # SetDefaults_PersistentVolume
    reclaim = _s(spec.get("persistentVolumeReclaimPolicy")) or "Retain"
    return [_name(obj), _quantity(_d(spec.get("capacity")).get("storage")), _access_modes(spec.get("accessModes")),
            reclaim, phase, claim, cls, vac, _s(st.get("reason")), _age(obj, now), vm]


def _print_pvc(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    phase = _s(st.get("phase")) or "Pending"  # SetDefaults_PersistentVolumeClaim
    if _meta(obj).get("deletionTimestamp"):
        phase = "Terminating"
    vac = spec.get("volumeAttributesClassName")
    vac = "<unset>" if vac is None else _s(vac)
    capacity = access = ""
    if spec.get("volumeName"):
        access = _access_modes(st.get("accessModes"))
        capacity = _quantity(_d(st.get("capacity")).get("storage"))
    vm = spec.get("volumeMode")
    vm = "Filesystem" if vm is None else _s(vm)  # SetDefaults_PersistentVolumeClaim
    annotations = _d(_meta(obj).get("annotations"))
    if _BETA_STORAGE_CLASS_ANNOTATION in annotations:
        cls = _s(annotations[_BETA_STORAGE_CLASS_ANNOTATION])
    else:
        cls = _s(spec.get("storageClassName"))
    return [_name(obj), phase, _s(spec.get("volumeName")), capacity, access, cls, vac, _age(obj, now), vm]


def _print_component_status(obj: dict, now: datetime) -> list:
    status, message, error = "Unknown", "", ""
    for c in _l(obj.get("conditions")):
        c = _d(c)
        if c.get("type") == "Healthy":
            status = "Healthy" if c.get("status") == "True" else "Unhealthy"
            message = _s(c.get("message"))
            error = _s(c.get("error"))
            break
    return [_name(obj), status, message, error]


def _print_configmap(obj: dict, now: datetime) -> list:
    return [_name(obj), len(_d(obj.get("data"))) + len(_d(obj.get("binaryData"))), _age(obj, now)]


def _print_resource_quota(obj: dict, now: datetime) -> list:
    st = _d(obj.get("status"))
    hard = _d(st.get("hard"))
    used = _d(st.get("used"))
    req, lim = [], []
    for res in sorted(hard):
        pieces = res.split(".")
        target = lim if len(pieces) > 1 and pieces[0] == "limits" else req
        target.append(f"{res}: {_quantity(used.get(res))}/{_quantity(hard.get(res))}")
    return [_name(obj), ", ".join(req), ", ".join(lim), _age(obj, now)]


# ----- Events  (printers.go printEvent)


def events_v1_to_core(ev: dict) -> dict:
    """events.k8s.io/v1 Event -> core/v1 Event field layout, as pkg/apis/events/v1
    Convert_v1_Event_To_core_Event does (regarding->involvedObject, note->message,
    deprecatedSource/FirstTimestamp/LastTimestamp/Count, reportingController)."""
    ev = _d(ev)
    if ev.get("apiVersion", "").startswith("events.k8s.io") or "regarding" in ev or "note" in ev:
        out = {
            "metadata": ev.get("metadata"),
            "involvedObject": ev.get("regarding") or {},
            "related": ev.get("related"),
            "reason": ev.get("reason"),
            "message": ev.get("note"),
            "source": ev.get("deprecatedSource") or {},
            "firstTimestamp": ev.get("deprecatedFirstTimestamp"),
            "lastTimestamp": ev.get("deprecatedLastTimestamp"),
            "count": ev.get("deprecatedCount"),
            "type": ev.get("type"),
            "eventTime": ev.get("eventTime"),
            "series": ev.get("series"),
            "action": ev.get("action"),
            "reportingComponent": ev.get("reportingController"),
            "reportingInstance": ev.get("reportingInstance"),
        }
        return out
    return ev


def _print_event(obj: dict, now: datetime) -> list:
    first = translate_timestamp_since(obj.get("firstTimestamp"), now)
    if parse_time(obj.get("firstTimestamp")) is None:
        first = translate_timestamp_since(obj.get("eventTime"), now)  # translateMicroTimestampSince
    last = translate_timestamp_since(obj.get("lastTimestamp"), now)
    if parse_time(obj.get("lastTimestamp")) is None:
        last = first
    count = _i(obj.get("count"))
    series = obj.get("series")
    if isinstance(series, dict):
        last = translate_timestamp_since(series.get("lastObservedTime"), now)
        count = _i(series.get("count"))
    elif count == 0:
        count = 1  # singleton events don't have a count set in the new API
    inv = _d(obj.get("involvedObject"))
    kind = _s(inv.get("kind")).lower()
    target = f"{kind}/{_s(inv.get('name'))}" if inv.get("name") else kind
    src = _d(obj.get("source"))
    component = _s(src.get("component")) or _s(obj.get("reportingComponent"))
    instance = _s(src.get("host")) or _s(obj.get("reportingInstance"))
    source = component if not instance else f"{component}, {instance}"
    return [last, _s(obj.get("type")), _s(obj.get("reason")), target, _s(inv.get("fieldPath")), source,
            _trim_space(_s(obj.get("message"))), first, count, _name(obj)]
