"""Prometheus alerts from a must-gather: rules, firing and pending alerts, intervals, findings.

Why this module exists: ``gather_monitoring`` (openshift/must-gather collection-scripts) stores the
answers of Prometheus' HTTP API: ``monitoring/prometheus/rules.json`` (``GET /api/v1/rules``:
``data.groups[].rules[]``, alerting rules with ``state`` firing|pending|inactive and their
``alerts[]``), older gathers and other tools ``monitoring/alerts.json`` (``/api/v1/alerts``:
``data.alerts[]``, or a rules answer filtered with ``type=alert``). Any of them may be an error
answer (``{"status":"error","errorType":...,"error":...}``, e.g. when the pod was not ready):
reported as a skipped file, never fatal.

Active alerts become intervals the way origin builds them (source ``Alert``; locator keys from
``LocatorBuilder.AlertFromPromSampleStream`` in origin pkg/monitor/monitorapi/construction.go:
alert, node (the ``instance`` label), namespace, pod, container, name; plus severity; message
annotations ``alertstate`` and ``severity``) and triage findings ranked by the ``severity`` label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from .findings import Finding, ObjectRef, ranked
from .gathered import gathered_dirs, rel_path

DIR_NAME = "monitoring"
MEMO_KEY = "alerts.data"
FILE_NAMES = ("alerts.json", "rules.json")
MAX_FILE = 256 << 20

# alerts that fire by design or only inform: never a warning or worse in triage
# (cluster-monitoring-operator's Watchdog "ensures the entire alerting pipeline is functional";
# InfoInhibitor only inhibits info alerts; AlertmanagerReceiversNotConfigured is an info hint)
QUIET_ALERTS = {
    "Watchdog": None,  # no finding at all
    "InfoInhibitor": None,
    "AlertmanagerReceiversNotConfigured": "info",
}
# severity label -> finding severity (firing); pending alerts rank one step lower
FIRING_SEVERITY = {"critical": "critical", "error": "error", "warning": "warning", "info": "info", "none": "info"}
PENDING_SEVERITY = {"critical": "warning", "error": "warning", "warning": "info", "info": "info", "none": "info"}
# origin: a firing critical alert is an Error interval, warning a Warning, the rest Info
INTERVAL_LEVEL = {"critical": "Error", "warning": "Warning"}
# label -> the object an alert is about (most specific first)
_OBJECT_LABELS = (("pod", "Pod", "", "pods"), ("deployment", "Deployment", "apps", "deployments"),
                  ("daemonset", "DaemonSet", "apps", "daemonsets"), ("statefulset", "StatefulSet", "apps", "statefulsets"),
                  ("job_name", "Job", "batch", "jobs"),
                  ("persistentvolumeclaim", "PersistentVolumeClaim", "", "persistentvolumeclaims"))


@dataclass
class Alert:
    name: str
    state: str  # firing | pending
    labels: dict
    annotations: dict
    active_at: str = ""
    value: str = ""
    file: str = ""

    @property
    def severity(self) -> str:
        return str(self.labels.get("severity") or "none")

    @property
    def namespace(self) -> str:
        return str(self.labels.get("namespace") or "")

    @property
    def text(self) -> str:
        a = self.annotations
        return str(a.get("description") or a.get("message") or a.get("summary") or "")

    def key(self) -> tuple:
        return self.name, tuple(sorted((k, str(v)) for k, v in self.labels.items()))

    def to_dict(self) -> dict:
        return {"name": self.name, "state": self.state, "severity": self.severity, "labels": self.labels,
                "annotations": self.annotations, "activeAt": self.active_at, "value": self.value, "file": self.file}


@dataclass
class Rule:
    name: str
    group: str
    file: str
    type: str  # alerting | recording
    query: str = ""
    duration: float = 0
    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)
    state: str = ""  # firing | pending | inactive (alerting rules)
    health: str = ""
    last_error: str = ""
    alerts: list[Alert] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "group": self.group, "file": self.file, "type": self.type, "query": self.query,
                "duration": self.duration, "labels": self.labels, "annotations": self.annotations,
                "state": self.state, "health": self.health, "lastError": self.last_error,
                "alerts": [a.to_dict() for a in self.alerts]}


@dataclass
class AlertData:
    files: list[str] = field(default_factory=list)  # files read
    problems: list[tuple[str, str]] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)  # active (firing, pending), one per name + labels


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


def _dict(v: Any) -> dict:
    return {str(k): v2 if isinstance(v2, str) else str(v2) for k, v2 in v.items()} if isinstance(v, dict) else {}


def _alert(raw: Any, file: str, rule_name: str = "") -> Alert | None:
    if not isinstance(raw, dict):
        return None
    labels = _dict(raw.get("labels"))
    name = labels.get("alertname") or rule_name
    state = str(raw.get("state") or "firing").lower()
    if not name or state not in ("firing", "pending"):
        return None
    return Alert(name=name, state=state, labels=labels, annotations=_dict(raw.get("annotations")),
                 active_at=str(raw.get("activeAt") or raw.get("startsAt") or ""), value=str(raw.get("value") or ""),
                 file=file)


def parse_answer(doc: Any, file: str) -> tuple[list[Rule], list[Alert], str | None]:
    """One Prometheus API answer -> (rules, alerts, problem). Error answers and unknown shapes are
    problems (the file is then skipped)."""
    if not isinstance(doc, dict):
        return [], [], "not a Prometheus API answer (a JSON object)"
    if doc.get("status") == "error":
        return [], [], f"Prometheus error answer: {doc.get('errorType') or 'error'}: {str(doc.get('error') or '')[:300]}"
    data = doc.get("data")
    if not isinstance(data, dict):
        return [], [], "Prometheus answer without data"
    rules: list[Rule] = []
    alerts: list[Alert] = []
    if isinstance(data.get("groups"), list):
        for g in data["groups"]:
            if not isinstance(g, dict):
                continue
            gname = str(g.get("name") or "")
            for r in _list(g.get("rules")):
                if not isinstance(r, dict) or not r.get("name"):
                    continue
                rtype = str(r.get("type") or ("alerting" if "alerts" in r or "state" in r else "recording"))
                try:
                    duration = float(r.get("duration") or 0)
                except (TypeError, ValueError):
                    duration = 0
                rule = Rule(name=str(r["name"]), group=gname, file=str(g.get("file") or ""), type=rtype,
                            query=str(r.get("query") or ""), duration=duration, labels=_dict(r.get("labels")),
                            annotations=_dict(r.get("annotations")), state=str(r.get("state") or ""),
                            health=str(r.get("health") or ""), last_error=str(r.get("lastError") or ""))
                for a in _list(r.get("alerts")):
                    al = _alert(a, file, rule.name)
                    if al is not None:
                        rule.alerts.append(al)
                        alerts.append(al)
                rules.append(rule)
    elif isinstance(data.get("alerts"), list):
        for a in data["alerts"]:
            al = _alert(a, file)
            if al is not None:
                alerts.append(al)
    else:
        return [], [], "Prometheus answer that holds neither rules nor alerts"
    return rules, alerts, None


def find_files(view: Any) -> list[Path]:
    """``monitoring/{alerts,rules}.json`` and ``monitoring/prometheus/[<replica>/]{alerts,rules}.json``."""
    out = []
    for d in gathered_dirs(view, DIR_NAME):
        for base in (d, d / "prometheus"):
            if not base.is_dir() or base.is_symlink():
                continue
            subs = [base] + sorted(p for p in base.iterdir() if base.name == "prometheus" and p.is_dir() and not p.is_symlink())
            for s in subs:
                for n in FILE_NAMES:
                    p = s / n
                    if p.is_file() and not p.is_symlink():
                        out.append(p)
    return out


def build(view: Any) -> AlertData:
    """Read the alert files (blocking; memoised per store by :func:`load` / :func:`data_sync`)."""
    ad = AlertData()
    active: dict[tuple, Alert] = {}
    seen_rules: set[tuple] = set()
    for p in find_files(view):
        rel = rel_path(view, p)
        try:
            if p.stat().st_size > MAX_FILE:
                ad.problems.append((rel, f"larger than {MAX_FILE >> 20} MiB, not read"))
                continue
            doc = orjson.loads(p.read_bytes())
        except (OSError, orjson.JSONDecodeError) as e:
            ad.problems.append((rel, f"not readable JSON: {e}"))
            continue
        rules, alerts, problem = parse_answer(doc, rel)
        if problem:
            ad.problems.append((rel, problem))
            continue
        ad.files.append(rel)
        for r in rules:  # replicas answer the same rules: keep the first copy
            k = (r.group, r.name, tuple(sorted(r.labels.items())), r.query)
            if k not in seen_rules:
                seen_rules.add(k)
                ad.rules.append(r)
        for a in alerts:
            k = a.key()
            old = active.get(k)
            if old is None or (old.state == "pending" and a.state == "firing") or \
                    (old.state == a.state and a.active_at and (not old.active_at or a.active_at < old.active_at)):
                active[k] = a
    ad.alerts = sorted(active.values(), key=lambda a: (a.active_at or "~", a.name, a.key()))
    return ad


async def load(ci: Any) -> AlertData:
    return await ci.derive(MEMO_KEY, build)


def data_sync(view: Any) -> AlertData:
    derive = getattr(view, "derive_sync", None)
    return derive(MEMO_KEY, build) if derive else build(view)


def problems(view: Any) -> list[tuple[str, str]]:
    return list(data_sync(view).problems)


# --------------------------------------------------------------------------------------
# findings


def _object(a: Alert) -> ObjectRef | None:
    ns = a.namespace
    for label, kind, group, resource in _OBJECT_LABELS:
        if a.labels.get(label) and ns:
            return ObjectRef(kind=kind, name=a.labels[label], namespace=ns, group=group, resource=resource)
    if a.labels.get("node"):
        return ObjectRef(kind="Node", name=a.labels["node"], resource="nodes")
    # ClusterOperatorDown/Degraded: namespace openshift-cluster-version, name = the operator
    if a.name.startswith("ClusterOperator") and a.labels.get("name"):
        return ObjectRef(kind="ClusterOperator", name=a.labels["name"], group="config.openshift.io",
                         resource="clusteroperators")
    if ns:
        return ObjectRef(kind="Namespace", name=ns, resource="namespaces")
    return None


# labels that differ between two gathers of the same problem (Finding.key must not)
_UNSTABLE_LABELS = frozenset({"alertstate", "severity", "instance", "endpoint", "uid", "container_id"})
# generated pod name suffixes: <deployment>-<replicaset hash>-<5>, <daemonset|job>-<5>
_POD_SUFFIX = re.compile(r"(-[bcdfghjklmnpqrstvwxz2456789]{6,10})?-[bcdfghjklmnpqrstvwxz2456789]{5}$")


def _stable(label: str, value: str) -> str:
    return _POD_SUFFIX.sub("", value) if label == "pod" else value


def finding_of(a: Alert) -> Finding | None:
    if a.name in QUIET_ALERTS and QUIET_ALERTS[a.name] is None:
        return None
    table = FIRING_SEVERITY if a.state == "firing" else PENDING_SEVERITY
    sev = QUIET_ALERTS.get(a.name) or table.get(a.severity, "warning" if a.state == "firing" else "info")
    obj = _object(a)
    where = f"{obj.namespace + '/' if obj and obj.namespace else ''}{obj.name}" if obj else (a.namespace or "cluster")
    summary = a.annotations.get("summary") or ""
    evidence = [t for t in (a.text, summary if summary != a.text else "") if t]
    evidence.append("labels: " + ", ".join(f"{k}={v}" for k, v in sorted(a.labels.items())))
    ident = ",".join(f"{k}={_stable(k, a.labels[k])}" for k in sorted(a.labels) if k not in _UNSTABLE_LABELS)
    return Finding(rule=f"alert-{a.state}", severity=sev,
                   title=f"Alert {a.name} {a.state} ({a.severity}) for {where}" + (f": {summary}" if summary else ""),
                   object=obj, evidence=evidence, since=a.active_at or None, key=f"alert:{a.name}:{ident}")


def findings_of(ad: AlertData) -> list[Finding]:
    return ranked([f for f in (finding_of(a) for a in ad.alerts) if f is not None])


def findings(ci: Any) -> list[Finding]:
    """Triage findings for the firing and pending alerts (blocking the first time; ``await
    load(ci)`` first from a handler)."""
    return findings_of(data_sync(ci))


# --------------------------------------------------------------------------------------
# intervals


def interval_specs(ad: AlertData) -> list[dict]:
    """What the interval builder needs per active alert: level, locator keys, annotations, text,
    start (``activeAt``, RFC3339 or ""), in origin's terms."""
    out = []
    for a in ad.alerts:
        keys = {"alert": a.name, "node": a.labels.get("instance", ""), "namespace": a.namespace,
                "pod": a.labels.get("pod", ""), "container": a.labels.get("container", ""),
                "name": a.labels.get("name", ""), "severity": a.severity}
        level = INTERVAL_LEVEL.get(a.severity, "Info") if a.state == "firing" else "Info"
        if a.name in QUIET_ALERTS:
            level = "Info"
        out.append({"level": level, "keys": keys, "reason": "", "human": a.text or a.annotations.get("summary", ""),
                    "annotations": {"alertstate": a.state, "severity": a.severity}, "start": a.active_at})
    return out


def rule_counts(ad: AlertData) -> dict:
    c = {"firing": 0, "pending": 0, "inactive": 0, "recording": 0}
    for r in ad.rules:
        if r.type != "alerting":
            c["recording"] += 1
        elif r.state in c:
            c[r.state] += 1
    return c



def intervals(view: Any, end: datetime) -> list[dict]:
    """Firing and pending alerts as intervals (source ``Alert``), from ``activeAt`` to the
    collection time (the alert was still active when the must-gather was taken)."""
    from .intervals.model import SOURCE_ALERT, make_interval, parse_time  # same layer; intervals imports us

    out = []
    for s in interval_specs(data_sync(view)):
        start = parse_time(s["start"]) or end
        out.append(make_interval(SOURCE_ALERT, s["level"], "Alert", s["keys"], human=s["human"],
                             annotations=s["annotations"], start=min(start, end), end=end, display=True))
    return out
