"""Workload printers: apps/v1, batch/v1, autoscaling and policy (printers.go printDeployment,
printJob, printHorizontalPodAutoscaler, printPodDisruptionBudget ...)."""

from __future__ import annotations

from datetime import datetime

from ..duration import human_duration_ns, parse_time, since_ns, translate_timestamp_since
from .common import (
    _age,
    _bool_str,
    _condition_true,
    _d,
    _format_label_selector,
    _format_labels,
    _format_resource_name_group_kind,
    _i,
    _int_or_string,
    _l,
    _layout_containers,
    _meta,
    _name,
    _pod_template_containers,
    _quantity,
    _replicas,
    _s,
    _selector_string,
)


def _print_pdb(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    min_a = _int_or_string(spec["minAvailable"]) if spec.get("minAvailable") is not None else "N/A"
    max_u = _int_or_string(spec["maxUnavailable"]) if spec.get("maxUnavailable") is not None else "N/A"
    return [_name(obj), min_a, max_u, _i(_d(obj.get("status")).get("disruptionsAllowed")), _age(obj, now)]


def _print_replicaset(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    names, images = _layout_containers(_pod_template_containers(spec.get("template")))
    return [_name(obj), _replicas(spec), _i(st.get("replicas")), _i(st.get("readyReplicas")), _age(obj, now),
            names, images, _format_label_selector(spec.get("selector"))]


def _print_job(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    succeeded = _i(st.get("succeeded"))
    completions = spec.get("completions")
    parallelism = spec.get("parallelism")
    if completions is None and parallelism is None:  # SetDefaults_Job
        completions, parallelism = 1, 1
    if completions is not None:
        comp = f"{succeeded}/{_i(completions)}"
    else:
        par = _i(parallelism, 1) if parallelism is not None else 1
        comp = f"{succeeded}/1 of {par}" if par > 1 else f"{succeeded}/1"
    start = parse_time(st.get("startTime"))
    done = parse_time(st.get("completionTime"))
    if start is None:
        job_duration = ""
    elif done is None:
        job_duration = human_duration_ns(since_ns(start, now))
    else:
        job_duration = human_duration_ns(since_ns(start, done))
    conds = st.get("conditions")
    if _condition_true(conds, "Complete"):
        status = "Complete"
    elif _condition_true(conds, "Failed"):
        status = "Failed"
    elif _meta(obj).get("deletionTimestamp"):
        status = "Terminating"
    elif _condition_true(conds, "Suspended"):
        status = "Suspended"
    elif _condition_true(conds, "FailureTarget"):
        status = "FailureTarget"
    else:
        status = "Running"
    names, images = _layout_containers(_pod_template_containers(spec.get("template")))
    return [_name(obj), status, comp, job_duration, _age(obj, now), names, images,
            _format_label_selector(spec.get("selector"))]


def _print_cronjob(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    last = "<none>"
    if st.get("lastScheduleTime"):
        last = translate_timestamp_since(st.get("lastScheduleTime"), now)
    tz = spec.get("timeZone")
    tz = "<none>" if tz is None else _s(tz)
    suspend = spec.get("suspend")
    if suspend is None:  # SetDefaults_CronJob: suspend=false
        suspend = False
    job_spec = _d(_d(spec.get("jobTemplate")).get("spec"))
    names, images = _layout_containers(_pod_template_containers(job_spec.get("template")))
    return [_name(obj), _s(spec.get("schedule")), tz, _bool_str(suspend), len(_l(st.get("active"))), last,
            _age(obj, now), names, images, _format_label_selector(job_spec.get("selector"))]


def _print_statefulset(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    names, images = _layout_containers(_pod_template_containers(spec.get("template")))
    return [_name(obj), f"{_i(st.get('readyReplicas'))}/{_replicas(spec)}", _age(obj, now), names, images]


def _print_daemonset(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    tmpl_spec = _d(_d(spec.get("template")).get("spec"))
    names, images = _layout_containers(tmpl_spec.get("containers"))
    return [_name(obj), _i(st.get("desiredNumberScheduled")), _i(st.get("currentNumberScheduled")),
            _i(st.get("numberReady")), _i(st.get("updatedNumberScheduled")), _i(st.get("numberAvailable")),
            _format_labels(tmpl_spec.get("nodeSelector")), _age(obj, now), names, images,
            _format_label_selector(spec.get("selector"))]


def _print_deployment(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    names, images = _layout_containers(_pod_template_containers(spec.get("template")))
    sel, ok = _selector_string(spec.get("selector"))
    if not ok:
        sel = "<invalid>"
    return [_name(obj), f"{_i(st.get('readyReplicas'))}/{_replicas(spec)}", _i(st.get("updatedReplicas")),
            _i(st.get("availableReplicas")), _age(obj, now), names, images, sel]


# ----- HorizontalPodAutoscaler (printers.go formatHPAMetrics on the internal, v2-shaped type)


def _hpa_v1_to_metrics(obj: dict) -> tuple[list, list]:
    """autoscaling/v1 -> internal conversion of the CPU target (Convert_v1_HorizontalPodAutoscaler...)."""
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    specs, statuses = [], []
    if spec.get("targetCPUUtilizationPercentage") is not None:
        specs.append({"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": spec["targetCPUUtilizationPercentage"]}}})
    if st.get("currentCPUUtilizationPercentage") is not None:
        statuses.append({"type": "Resource", "resource": {"name": "cpu", "current": {
            "averageUtilization": st["currentCPUUtilizationPercentage"]}}})
    return specs, statuses



def _value_or_average(target: dict, cur_s: dict | None) -> str:
    """External and Object metrics print alike (printers.go formatHPAMetrics): current/target, or (avg)."""
    if target.get("averageValue") is not None:
        cur = "<unknown>"
        if cur_s is not None and _d(cur_s.get("current")).get("averageValue") is not None:
            cur = _quantity(_d(cur_s.get("current")).get("averageValue"))
        return f"{cur}/{_quantity(target.get('averageValue'))} (avg)"
    cur = "<unknown>"
    if cur_s is not None:
        cur = _quantity(_d(cur_s.get("current")).get("value"), "<nil>")
    return f"{cur}/{_quantity(target.get('value'), '<nil>')}"


def _format_hpa_metrics(specs: list, statuses: list) -> str:
    if not specs:
        return "<none>"
    lst: list[str] = []
    count = 0

    def status_at(i: int, key: str) -> dict | None:
        if len(statuses) > i:
            v = _d(statuses[i]).get(key)
            return v if isinstance(v, dict) else None
        return None

    for i, spec in enumerate(specs):
        spec = _d(spec)
        t = spec.get("type")
        if t == "External":
            lst.append(_value_or_average(_d(_d(spec.get("external")).get("target")), status_at(i, "external")))
        elif t == "Pods":
            target = _d(_d(spec.get("pods")).get("target"))
            cur_s = status_at(i, "pods")
            cur = "<unknown>"
            if cur_s is not None:
                cur = _quantity(_d(cur_s.get("current")).get("averageValue"), "<nil>")
            lst.append(f"{cur}/{_quantity(target.get('averageValue'), '<nil>')}")
        elif t == "Object":
            lst.append(_value_or_average(_d(_d(spec.get("object")).get("target")), status_at(i, "object")))
        elif t in ("Resource", "ContainerResource"):
            key = "resource" if t == "Resource" else "containerResource"
            src = _d(spec.get(key))
            target = _d(src.get("target"))
            rname = _s(src.get("name"))
            cur_s = status_at(i, key)
            if target.get("averageValue") is not None:
                cur = "<unknown>"
                if cur_s is not None:
                    cur = _quantity(_d(cur_s.get("current")).get("averageValue"), "<nil>")
                lst.append(f"{rname}: {cur}/{_quantity(target.get('averageValue'))}")
            else:
                cur = "<unknown>"
                if cur_s is not None and _d(cur_s.get("current")).get("averageUtilization") is not None:
                    cur = f"{_i(_d(cur_s.get('current')).get('averageUtilization'))}%"
                tgt = "<auto>"
                if target.get("averageUtilization") is not None:
                    tgt = f"{_i(target.get('averageUtilization'))}%"
                lst.append(f"{rname}: {cur}/{tgt}")
        else:
            lst.append("<unknown type>")
        count += 1
    more = False
    if count > 2:
        lst = lst[:2]
        more = True
    ret = ", ".join(lst)
    if more:
        return f"{ret} + {count - 2} more..."
    return ret


def _print_hpa(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    ref = _d(spec.get("scaleTargetRef"))
    if "metrics" in spec or "currentMetrics" in st or "targetCPUUtilizationPercentage" not in spec:
        metrics = _format_hpa_metrics(_l(spec.get("metrics")), _l(st.get("currentMetrics")))
    else:
        metrics = _format_hpa_metrics(*_hpa_v1_to_metrics(obj))
    min_pods = "<unset>" if spec.get("minReplicas") is None else str(_i(spec.get("minReplicas")))
    return [_name(obj), f"{_s(ref.get('kind'))}/{_s(ref.get('name'))}", metrics, min_pods,
            _i(spec.get("maxReplicas")), _i(st.get("currentReplicas")), _age(obj, now)]


def _print_controller_revision(obj: dict, now: datetime) -> list:
    controller = "<none>"
    for ref in _l(_meta(obj).get("ownerReferences")):
        ref = _d(ref)
        if ref.get("controller") is True:
            api_version = _s(ref.get("apiVersion"))
            group = api_version.split("/", 1)[0] if "/" in api_version else ""
            controller = _format_resource_name_group_kind(group, _s(ref.get("kind")), _s(ref.get("name")))
            break
    return [_name(obj), controller, _i(obj.get("revision")), _age(obj, now)]


def _print_scale(obj: dict, now: datetime) -> list:
    return [_name(obj), _i(_d(obj.get("spec")).get("replicas")), _i(_d(obj.get("status")).get("replicas")),
            _age(obj, now)]
