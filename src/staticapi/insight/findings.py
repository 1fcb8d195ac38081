"""A triage finding: one thing that is broken, with its evidence and where to look.

Why this module exists: findings come from several places (object rules, warning events, firing
alerts, etcd state, files that could not be read) and are read by several (the overview page,
``/staticapi/v1/triage``, ``staticapi triage``, ``staticapi diff``). This is their one shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# most severe first; the order findings are ranked in
SEVERITIES = ("critical", "error", "warning", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class ObjectRef:
    """The object a finding is about (what the object page and the timeline link to)."""

    kind: str
    name: str
    namespace: str = ""
    group: str = ""  # API group, "" for core
    resource: str = ""  # plural resource name, e.g. "pods"


@dataclass
class Finding:
    rule: str  # rule id from the rule table, e.g. "pod-crashloop"
    severity: str  # one of SEVERITIES
    title: str  # one line, e.g. "Pod openshift-etcd/etcd-0: container etcd in CrashLoopBackOff"
    object: ObjectRef | None = None
    evidence: list[str] = field(default_factory=list)  # condition message, termination, event, last log lines
    since: str | None = None  # RFC3339: when it started (transition time, first event, ...)
    container: str | None = None  # the container whose logs are the evidence, if any
    count: int = 1  # how many times (restarts, event count, objects folded in)
    key: str = ""  # stable identity across two runs (diff): rule + object, no generated suffixes

    def __post_init__(self) -> None:
        if self.severity not in SEVERITY_RANK:
            raise ValueError(f"unknown severity {self.severity!r}")
        if not self.key:
            o = self.object
            self.key = f"{self.rule}:{o.group}/{o.kind}/{o.namespace}/{o.name}" if o else self.rule

    def to_dict(self) -> dict:
        return asdict(self)


def ranked(findings: list[Finding]) -> list[Finding]:
    """Most severe first; then the earliest start; then by title (stable output)."""
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], f.since or "9999", f.title))
