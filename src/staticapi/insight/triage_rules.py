"""The triage rules as data: what each rule matches, how severe it is, and the title it prints.

Why this module exists: the overview page, ``/staticapi/v1/triage``, ``staticapi triage`` and
``staticapi diff`` all speak of findings by rule id; the engine (``triage.py``) only walks objects
and asks these tables. Adding a condition rule is one row in :data:`CONDITION_RULES`; a new pod
waiting reason is one entry in :data:`POD_WAITING_RULES`.

Severity guide: ``critical`` = the cluster (or a node of it) is down or cannot upgrade;
``error`` = something is broken and not healing (crash loops, failed jobs, degraded operators);
``warning`` = something is not yet right or worth a look (pressure, pending, restarts, storms);
``info`` = context (top warning reasons).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    kind: str  # what it looks at (documentation; the page can group by it)
    matches: str  # what it matches, one line
    title: str  # str.format template; fields named per rule (documented by the engine's call)


# Every rule the engine (and the finding sources it calls) emits. Alert and etcd rules live with
# their sources (insight/alerts.py, insight/etcd.py).
RULES: dict[str, Rule] = {r.id: r for r in (
    # -- OpenShift control plane -----------------------------------------------------------
    Rule("clusteroperator-unavailable", "critical", "ClusterOperator", "condition Available=False",
         "ClusterOperator {name} is not Available ({reason})"),
    Rule("clusteroperator-degraded", "error", "ClusterOperator", "condition Degraded=True",
         "ClusterOperator {name} is Degraded ({reason})"),
    Rule("clusteroperator-progressing", "warning", "ClusterOperator",
         "condition Progressing=True for longer than PROGRESSING_STUCK",
         "ClusterOperator {name} has been Progressing for {age}: {why}"),
    Rule("clusterversion-failing", "critical", "ClusterVersion", "condition Failing=True",
         "ClusterVersion {name} is Failing ({reason})"),
    Rule("clusterversion-update-incomplete", "error", "ClusterVersion",
         "newest status.history entry is Partial and started longer than PROGRESSING_STUCK ago",
         "Update to {version} has not completed (started {age} ago)"),
    Rule("clusterversion-progressing", "warning", "ClusterVersion",
         "condition Progressing=True for longer than PROGRESSING_STUCK (no Partial history entry)",
         "ClusterVersion {name} has been Progressing for {age}"),
    # -- nodes and machines -----------------------------------------------------------------
    Rule("node-not-ready", "critical", "Node", "condition Ready is not True",
         "Node {name} is NotReady ({reason})"),
    Rule("node-pressure", "warning", "Node", "condition MemoryPressure/DiskPressure/PIDPressure=True",
         "Node {name} has {condition}"),
    Rule("node-unschedulable", "warning", "Node", "spec.unschedulable (cordoned)",
         "Node {name} is unschedulable (cordoned)"),
    Rule("mcp-degraded", "error", "MachineConfigPool", "condition Degraded/NodeDegraded/RenderDegraded=True",
         "MachineConfigPool {name} is {condition}"),
    Rule("mcp-not-updated", "warning", "MachineConfigPool",
         "condition Updated=False (machines not on the rendered config)",
         "MachineConfigPool {name} is not updated ({updated}/{total} machines updated)"),
    Rule("machine-not-running", "error", "Machine", "status.phase is not Running",
         "Machine {name} is {phase}"),
    Rule("csr-pending", "warning", "CertificateSigningRequest",
         "no Approved/Denied/Failed condition, older than CSR_PENDING_AGE",
         "{count} CertificateSigningRequest(s) pending approval"),
    # -- pods -------------------------------------------------------------------------------
    Rule("pod-crashloop", "error", "Pod", "a container waiting in CrashLoopBackOff",
         "{what}: container {container} in CrashLoopBackOff"),
    Rule("pod-image-pull", "error", "Pod", "a container waiting in ImagePullBackOff/ErrImagePull/InvalidImageName",
         "{what}: container {container} cannot pull its image ({reason})"),
    Rule("pod-config-error", "error", "Pod", "a container waiting in CreateContainerConfigError/CreateContainerError",
         "{what}: container {container} cannot be created ({reason})"),
    Rule("pod-oomkilled", "error", "Pod", "a container's last termination is OOMKilled",
         "{what}: container {container} was OOMKilled"),
    Rule("pod-terminated-error", "warning", "Pod",
         "a container terminated with a non-zero exit code: now (pod not Succeeded), or last time "
         "within RECENT_TERMINATION of collection and not ready",
         "{what}: container {container} exited with code {exit_code} ({reason})"),
    Rule("pod-pending", "warning", "Pod", "phase Pending for longer than PENDING_AGE (scheduler's reason)",
         "{what} is Pending: {reason}"),
    Rule("pod-evicted", "warning", "Pod", "phase Failed with reason Evicted",
         "{what} was Evicted"),
    Rule("pod-restarts", "warning", "Pod",
         "a container restarted RESTART_THRESHOLD or more times and is not ready, or (re)started within "
         "RECENT_TERMINATION of collection",
         "{what}: container {container} restarted {restarts} times"),
    # -- workloads --------------------------------------------------------------------------
    Rule("workload-unavailable", "error", "Deployment/StatefulSet/DaemonSet/ReplicaSet",
         "fewer available (ready) replicas than desired",
         "{kind} {namespace}/{name}: {available}/{desired} replicas available"),
    Rule("job-failed", "error", "Job", "condition Failed=True (for a CronJob's jobs: only the newest)",
         "Job {namespace}/{name} failed ({reason})"),
    Rule("pvc-not-bound", "error", "PersistentVolumeClaim", "status.phase is not Bound",
         "PersistentVolumeClaim {namespace}/{name} is {phase}"),
    Rule("csv-not-succeeded", "error", "ClusterServiceVersion",
         "status.phase is not Succeeded (copied CSVs skipped)",
         "Operator {namespace}/{name} is {phase} ({reason})"),
    # -- events -----------------------------------------------------------------------------
    Rule("event-storm", "warning", "Event",
         "the same Warning reason on the same object more than PATHOLOGICAL_THRESHOLD times",
         "{reason} repeated {count} times on {kind} {where}"),
    Rule("event-top-warnings", "info", "Event", "the most frequent Warning event reasons",
         "Top warning events: {top}"),
    # -- the archive itself -----------------------------------------------------------------
    Rule("files-unreadable", "warning", "File", "files the index skipped (store.problems + unpack problems)",
         "{count} file(s) could not be read"),
    Rule("triage-source-failed", "warning", "Triage", "a finding source raised (a bug or an object we cannot read)",
         "Triage check {name} failed: {error}"),
)}

# -- thresholds ----------------------------------------------------------------------------
# Operators legitimately progress for minutes during an upgrade/rollout; a stuck one does not
# finish. 30 minutes is the same order as origin's "operator should not progress" tolerance
# during upgrades (pkg/monitortests/clusterversionoperator/legacycvomonitortests).
PROGRESSING_STUCK = timedelta(minutes=30)
PENDING_AGE = timedelta(minutes=5)
CSR_PENDING_AGE = timedelta(minutes=10)
RECENT_TERMINATION = timedelta(hours=1)
RESTART_THRESHOLD = 5
# DuplicateEventThreshold in origin pkg/monitortestlibrary/pathologicaleventlibrary/duplicated_events.go:
# an event repeated more than 20 times is "pathological".
PATHOLOGICAL_THRESHOLD = 20
TOP_WARNING_REASONS = 5
LOG_TAIL_LINES = 5  # last log lines shown as evidence for a failing container
MAX_LOG_TAILS = 200  # log files read per run at most (a cluster-wide outage must not read thousands)
FOLD_LIST_MAX = 10  # folded objects named in the evidence

# -- condition rules: (rule id, group, resource, condition type, bad status, must last) -------
# A row fires when the object's condition ``type`` has status ``bad`` (and, when ``must last`` is
# set, has had it for at least that long at collection time).


@dataclass(frozen=True)
class ConditionRule:
    rule: str
    group: str
    resource: str
    kind: str
    condition: str
    bad: str
    min_age: timedelta | None = None


CONDITION_RULES: tuple[ConditionRule, ...] = (
    ConditionRule("clusteroperator-unavailable", "config.openshift.io", "clusteroperators", "ClusterOperator",
                  "Available", "False"),
    ConditionRule("clusteroperator-degraded", "config.openshift.io", "clusteroperators", "ClusterOperator",
                  "Degraded", "True"),
    ConditionRule("clusteroperator-progressing", "config.openshift.io", "clusteroperators", "ClusterOperator",
                  "Progressing", "True", PROGRESSING_STUCK),
    ConditionRule("clusterversion-failing", "config.openshift.io", "clusterversions", "ClusterVersion",
                  "Failing", "True"),
    ConditionRule("mcp-degraded", "machineconfiguration.openshift.io", "machineconfigpools", "MachineConfigPool",
                  "Degraded", "True"),
    ConditionRule("mcp-degraded", "machineconfiguration.openshift.io", "machineconfigpools", "MachineConfigPool",
                  "NodeDegraded", "True"),
    ConditionRule("mcp-degraded", "machineconfiguration.openshift.io", "machineconfigpools", "MachineConfigPool",
                  "RenderDegraded", "True"),
)

# kubelet's node pressure conditions (k8s.io/api/core/v1 NodeConditionType)
NODE_PRESSURE = ("MemoryPressure", "DiskPressure", "PIDPressure")

# container waiting reasons -> rule (kubelet: pkg/kubelet/images/types.go ErrImagePull,
# ImagePullBackOff, ErrInvalidImageName; pkg/kubelet/kuberuntime CreateContainerConfigError,
# CreateContainerError; pkg/kubelet/container/sync_result.go CrashLoopBackOff)
POD_WAITING_RULES: dict[str, str] = {
    "CrashLoopBackOff": "pod-crashloop",
    "ImagePullBackOff": "pod-image-pull",
    "ErrImagePull": "pod-image-pull",
    "InvalidImageName": "pod-image-pull",
    "ErrImageNeverPull": "pod-image-pull",
    "CreateContainerConfigError": "pod-config-error",
    "CreateContainerError": "pod-config-error",
}

# pod status reasons of kubelet's graceful node shutdown (pkg/kubelet/nodeshutdown/
# nodeshutdown_manager_linux.go: nodeShutdownReason "Terminated", nodeShutdownNotAdmittedReason
# "NodeShutdown"; "Shutdown" before Kubernetes 1.21): Failed pods a node reboot leaves behind
POD_SHUTDOWN_REASONS = frozenset({"Terminated", "NodeShutdown", "Shutdown"})

# when one container matches several pod rules, the first in this order wins
POD_RULE_ORDER = ("pod-crashloop", "pod-image-pull", "pod-config-error", "pod-oomkilled",
                  "pod-terminated-error", "pod-restarts")

# workload kinds: (group, resource, kind, desired field, available field)
WORKLOADS: tuple[tuple[str, str, str, str, str], ...] = (
    ("apps", "deployments", "Deployment", "spec.replicas", "status.availableReplicas"),
    ("apps", "statefulsets", "StatefulSet", "spec.replicas", "status.readyReplicas"),
    ("apps", "daemonsets", "DaemonSet", "status.desiredNumberScheduled", "status.numberAvailable"),
    ("apps", "replicasets", "ReplicaSet", "spec.replicas", "status.availableReplicas"),
)

# OLM ClusterServiceVersion phases that are an error (others not Succeeded are a warning);
# operator-framework/api pkg/operators/v1alpha1/clusterserviceversion_types.go
CSV_ERROR_PHASES = frozenset({"Failed", "Unknown"})
# Machine phases (openshift/api machine/v1beta1 types_machine.go); Failed is an error, the
# transitional ones are reported as warnings
MACHINE_ERROR_PHASES = frozenset({"Failed"})


def severity(rule: str) -> str:
    return RULES[rule].severity


# -- OpenShift static pod installers ----------------------------------------------------------
# library-go pkg/operator/staticpod/controller/installer/installer_controller.go names installer
# pods "installer-<revision>-<node>" and retries "installer-<revision>-retry-<n>-<node>"; the
# pruner "revision-pruner-<revision>-<node>". A failed installer that a later revision or retry
# replaced has healed: only the newest pod per (namespace, kind, node) counts.
STATIC_POD_HELPER = r"^(installer|revision-pruner)-(\d+)(?:-retry-(\d+))?-(.+)$"


# -- repeated events origin allows ---------------------------------------------------------------
@dataclass(frozen=True)
class AllowedRepeat:
    """A repeated Warning event that is not a storm. Patterns are our constants (Python ``re``,
    searched, not anchored unless written so); empty = any."""

    name: str  # origin's matcher name
    reason: str = ""
    message: str = ""
    namespace: str = ""
    object: str = ""
    upgrade_only: bool = False  # origin allows it only in upgrade jobs: here, during an update


# origin pkg/monitortestlibrary/pathologicaleventlibrary/duplicated_event_patterns.go:
# NewUniversalPathologicalEventMatchers and NewUpgradePathologicalEventMatchers (the entries that
# can occur outside origin's own e2e namespaces).
ALLOWED_REPEATS: tuple[AllowedRepeat, ...] = (
    AllowedRepeat("KubeAPIReadinessProbeError", "^ProbeError$", "Readiness probe error",
                  "openshift-kube-", "kube.*guard"),
    AllowedRepeat("KubeletUnhealthyReadinessProbeFailed", "^Unhealthy$", "Readiness probe failed"),
    AllowedRepeat("EtcdReadinessProbeError", "^ProbeError$", "Readiness probe error: .* connect: connection refused",
                  "openshift-etcd", "etcd-guard"),
    AllowedRepeat("OpenShiftAPICheckFailed", "^OpenShiftAPICheckFailed$", r"user\.openshift\.io\.v1.*503"),
    AllowedRepeat("AllowBackOffRestartingFailedContainer", "^BackOff$", "Back-off restarting failed container"),
    AllowedRepeat("AllowImagePullBackOffFromRedHatRegistry", "", "Back-off pulling image .*registry.redhat.io"),
    AllowedRepeat("EtcdRequiredResourcesMissing", "^RequiredInstallerResourcesMissing$",
                  "secrets: etcd-all-certs-[0-9]+"),
    AllowedRepeat("FailedScheduling", "^FailedScheduling$",
                  "nodes are available.*didn't match Pod's node affinity/selector"),
    AllowedRepeat("ProbeErrorConnectionRefused", "^ProbeError$", "Readiness probe error.*connection refused",
                  "openshift-config-operator|openshift-oauth-apiserver"),
    AllowedRepeat("OperatorMultipleVersions", "^MultipleVersions$", "multiple versions found, probably in transition",
                  upgrade_only=True),
    AllowedRepeat("EtcdUnhealthyMembers", "^UnhealthyEtcdMember$", "unhealthy members", "openshift-etcd-operator",
                  upgrade_only=True),
    AllowedRepeat("NetworkNotReady", "^NetworkNotReady$", "network is not ready", upgrade_only=True),
)
# Not origin's, same reasoning: library-go's base controller emits FastControllerResync on every
# operator start to say a resync period is 0s (a setting, not a failure).
ALLOWED_REPEATS += (AllowedRepeat("FastControllerResync", "^FastControllerResync$", "resync interval is set to"),)
