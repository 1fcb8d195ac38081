"""Matching objects of two must-gathers and diffing them field by field, with noise told apart.

Why this module exists: two clusters (a passing and a failing run of one CI job, one cluster before
and after an upgrade) never have byte-equal objects: uids, resourceVersions, timestamps, IPs and
generated name suffixes all differ. ``staticapi diff`` must show what *changed* and hide that noise
unless asked. The rules are data (the tables below); the code only applies them.

Speed: the walk (:func:`field_diff`) descends only where the two sides differ (``==`` on whole
subtrees runs in C), and stops at the first noise key unless noise is asked for, so a pod that
differs by uids, timestamps and managedFields costs a handful of steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# ---------------------------------------------------------------- noise rules (data)

# Keys whose values are noise wherever they occur (per-cluster identities, counters, heartbeats).
NOISE_KEYS = frozenset({
    "resourceVersion", "uid", "managedFields", "selfLink", "generation", "observedGeneration",
    "creationTimestamp", "deletionTimestamp", "lastTransitionTime", "lastHeartbeatTime", "lastProbeTime",
    "lastUpdateTime", "startedAt", "finishedAt", "startTime", "completionTime", "renewTime", "acquireTime",
    "leaseTransitions", "firstTimestamp", "lastTimestamp", "eventTime",
    "containerID", "podIP", "podIPs", "hostIP", "hostIPs", "clusterIP", "clusterIPs", "nodePort",
    "healthCheckNodePort", "bootID", "machineID", "systemUUID", "heartbeats",
})

# Noise per resource: (group, plural) -> paths (dotted, from the object's root) that are noise
# entirely (Leases are nothing but heartbeats; a node's image list and addresses are per-machine).
NOISE_PATHS: dict[tuple[str, str], tuple[str, ...]] = {
    ("coordination.k8s.io", "leases"): ("spec",),
    ("", "nodes"): ("status.images", "status.addresses", "status.daemonEndpoints", "spec.podCIDR",
                    "spec.podCIDRs", "spec.providerID"),
    ("", "endpoints"): ("subsets",),
    ("discovery.k8s.io", "endpointslices"): ("endpoints",),
    ("", "pods"): ("metadata.name",),  # differs by a generated suffix when matched by stem
    ("apps", "replicasets"): ("metadata.name",),
}

# Annotations that are per-cluster bookkeeping.
NOISE_ANNOTATIONS = frozenset({
    "control-plane.alpha.kubernetes.io/leader", "kubernetes.io/service-account.uid",
    "deployment.kubernetes.io/revision", "deprecated.daemonset.template.generation",
    "openshift.io/sa.scc.uid-range", "openshift.io/sa.scc.mcs", "openshift.io/sa.scc.supplemental-groups",
    # per-pod network attachment (IPs, MACs): which addresses a pod got
    "k8s.ovn.org/pod-networks", "k8s.v1.cni.cncf.io/network-status", "k8s.v1.cni.cncf.io/networks-status",
    "k8s.ovn.org/node-subnets", "k8s.ovn.org/node-primary-ifaddr", "k8s.ovn.org/host-addresses",
    "k8s.ovn.org/node-chassis-id", "k8s.ovn.org/node-mgmt-port-mac-address", "k8s.ovn.org/l3-gateway-config",
    "k8s.ovn.org/node-gateway-router-lrp-ifaddr", "k8s.ovn.org/host-cidrs", "k8s.ovn.org/node-transit-switch-port-ifaddr",
    "k8s.ovn.org/node-id", "k8s.ovn.org/zone-name", "k8s.ovn.org/network-ids", "k8s.ovn.org/node-masquerade-subnet",
    "k8s.ovn.org/node-encap-ips", "volumes.kubernetes.io/controller-managed-attach-detach",
    "machineconfiguration.openshift.io/lastAppliedDrain", "machineconfiguration.openshift.io/reason",
})

# Values that are noise whatever their key: timestamps, UUIDs, IP addresses, PEM blocks.
_TS = r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_IP = r"(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?"
NOISE_VALUE = re.compile(rf"(?:{_TS}|{_UUID}|{_IP}|-----BEGIN [A-Z ]+-----[\s\S]*)")

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")

# Generated name suffixes: k8s.io/apimachinery/pkg/util/rand.String uses this alphabet (no vowels,
# no 0/1/3) for generateName's 5 characters, and rand.SafeEncodeString maps pod-template-hash onto it.
_ALNUM = "bcdfghjklmnpqrstvwxz2456789"
_POD_SUFFIX = re.compile(rf"-[{_ALNUM}]{{6,10}}-[{_ALNUM}]{{5}}$|-[{_ALNUM}]{{5}}$")
_GEN_SUFFIX = re.compile(rf"-[{_ALNUM}]{{5}}$")
_HASH_SUFFIX = re.compile(rf"-[{_ALNUM}]{{6,10}}$")


def name_stem(kind: str, name: str) -> str:
    """A name with its generated suffixes replaced by ``*`` (for events and signatures, whose object
    is known by name only): ``dns-default-7d4f8b6c9d-x2k4z`` -> ``dns-default-*``."""
    if kind in ("Pod", ""):
        s = _POD_SUFFIX.sub("-*", name)
        if s != name:
            return s
    if kind == "ReplicaSet":
        return _HASH_SUFFIX.sub("-*", name)
    return name


def object_stem(group: str, kind: str, obj: dict) -> str | None:
    """What an object is called across clusters when its name was generated (or None):
    pods and ReplicaSets by owner and pod-template-hash, anything with a generateName by it."""
    meta = obj.get("metadata") or {}
    if not isinstance(meta, dict):
        return None
    name = str(meta.get("name", ""))
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    owners = meta.get("ownerReferences") if isinstance(meta.get("ownerReferences"), list) else []
    owner = next((o for o in owners if isinstance(o, dict) and o.get("controller")), owners[0] if owners else None)
    okind = str(owner.get("kind", "")) if isinstance(owner, dict) else ""
    oname = str(owner.get("name", "")) if isinstance(owner, dict) else ""
    h = str(labels.get("pod-template-hash", ""))
    if kind == "ReplicaSet" and okind and h and name.endswith("-" + h):
        return f"{okind}/{oname}"
    gen = meta.get("generateName")
    if isinstance(gen, str) and gen and name.startswith(gen):
        if h and gen.endswith(f"-{h}-"):
            gen = gen[: -len(h) - 1]  # pod of a ReplicaSet: the hash changes with the template
        if okind == "ReplicaSet" and h and oname.endswith("-" + h):
            oname = oname[: -len(h) - 1]
        return f"{gen}*|{okind}/{oname}"
    if kind == "Pod" and okind == "ReplicaSet":
        s = name_stem("Pod", name)
        if s != name:
            return f"{s}|{okind}/{_HASH_SUFFIX.sub('', oname)}"
    return None


# ---------------------------------------------------------------- comparing


def _is_noise_value(v: Any) -> bool:
    return v is None or (isinstance(v, str) and NOISE_VALUE.fullmatch(v) is not None)


def _image_id_noise(a: Any, b: Any) -> bool:
    """imageIDs whose digests agree (``docker-pullable://x@sha256:..`` vs ``x@sha256:..``)."""
    if not isinstance(a, str) or not isinstance(b, str):
        return a is None or b is None
    da, db = _DIGEST.search(a), _DIGEST.search(b)
    return bool(da and db and da.group() == db.group())


_LIST_KEYS = ("type", "kind", "name", "containerPort", "key", "mountPath", "devicePath")


def _list_key(a: list, b: list) -> str | None:
    """The field two lists' items are matched by (conditions by type, containers by name ...):
    present and unique in each list."""
    if not (a or b) or not all(isinstance(i, dict) for i in a) or not all(isinstance(i, dict) for i in b):
        return None
    for k in _LIST_KEYS:
        ok = True
        for items in (a, b):
            vals = [i.get(k) for i in items]
            if any(v is None or isinstance(v, (dict, list)) for v in vals) or len(set(map(str, vals))) != len(vals):
                ok = False
                break
        if ok:
            return k
    return None


def field_diff(a: Any, b: Any, noise_paths: Iterable[str] = (), with_noise: bool = True) -> list[dict]:
    """Every difference of two decoded objects: ``{"path", "base", "head", "noise"}``, in document
    order. Paths read like ``status.conditions[type=Degraded].status``; ``base``/``head`` are
    ``None`` for an added/removed field (scalars as they are, structures as they are). Without
    ``with_noise`` the noise is neither walked nor returned (the fast path)."""
    out: list[dict] = []
    _walk(a, b, "", "", "", False, frozenset(noise_paths), with_noise, out)
    return out


def _walk(a: Any, b: Any, path: str, bare: str, key: str, noise: bool, npaths: frozenset, with_noise: bool,
          out: list) -> None:
    if a == b:
        return
    if not noise and (key in NOISE_KEYS or bare in npaths
                      or (key == "imageID" and _image_id_noise(a, b))
                      or (key in NOISE_ANNOTATIONS and bare.startswith("metadata.annotations."))):
        noise = True
    if noise and not with_noise:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k, va in a.items():
            vb = b.get(k)
            if va == vb:  # most children: no call, no path string
                continue
            ks = str(k)
            _walk(va, vb, f"{path}.{ks}" if path else ks, f"{bare}.{ks}" if bare else ks, ks, noise, npaths,
                  with_noise, out)
        for k, vb in b.items():
            if k not in a:
                ks = str(k)
                _walk(None, vb, f"{path}.{ks}" if path else ks, f"{bare}.{ks}" if bare else ks, ks, noise, npaths,
                      with_noise, out)
        return
    if isinstance(a, list) and isinstance(b, list):
        lk = _list_key(a, b)
        if lk is not None:
            ia = _keyed(a, lk)
            ib = _keyed(b, lk)
            for k, va in ia.items():
                vb = ib.get(k)
                if va != vb:
                    _walk(va, vb, f"{path}[{lk}={k}]", bare, key, noise, npaths, with_noise, out)
            for k, vb in ib.items():
                if k not in ia:
                    _walk(None, vb, f"{path}[{lk}={k}]", bare, key, noise, npaths, with_noise, out)
            return
        if len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                if x != y:
                    _walk(x, y, f"{path}[{i}]", bare, key, noise, npaths, with_noise, out)
            return
    if not noise and ((_is_noise_value(a) and _is_noise_value(b)) or _same_stem(a, b)):
        if not with_noise:
            return
        noise = True
    out.append({"path": path, "base": a, "head": b, "noise": noise})


def _gen_stem(v: str) -> str:
    return _GEN_SUFFIX.sub("-*", v)


def _same_stem(a: Any, b: Any) -> bool:
    """Two names that differ only by a generated suffix (``kube-api-access-62w9j``/``-6wbm9``)."""
    return isinstance(a, str) and isinstance(b, str) and _GEN_SUFFIX.search(a) is not None and \
        _gen_stem(a) == _gen_stem(b)


def _keyed(items: list, lk: str) -> dict[str, Any]:
    """Items by their key; generated suffixes of key values replaced by ``*`` when that keeps
    them unique (so ``volumes[name=kube-api-access-*]`` pairs across clusters)."""
    plain = {str(i[lk]): i for i in items}
    stemmed = {_gen_stem(k): i for k, i in plain.items()}
    return stemmed if len(stemmed) == len(plain) else plain


def noise_paths_for(group: str, plural: str) -> tuple[str, ...]:
    return NOISE_PATHS.get((group, plural), ())


def light(obj: dict) -> dict:
    """Only what :func:`object_stem` and the pairing read (kept for many unmatched objects at once)."""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    owners = meta.get("ownerReferences") if isinstance(meta.get("ownerReferences"), list) else []
    m = {k: meta[k] for k in ("name", "namespace", "generateName", "creationTimestamp") if k in meta}
    if "pod-template-hash" in labels:
        m["labels"] = {"pod-template-hash": labels["pod-template-hash"]}
    if owners:
        m["ownerReferences"] = [{k: o.get(k) for k in ("kind", "name", "controller")}
                                for o in owners if isinstance(o, dict)]
    out: dict = {"metadata": m}
    spec = obj.get("spec")
    if isinstance(spec, dict) and spec.get("nodeName"):
        out["spec"] = {"nodeName": spec["nodeName"]}
    return out


def pair_by_stem(only_base: list[tuple[str, dict]], only_head: list[tuple[str, dict]], group: str, kind: str
                 ) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair objects found on one side only whose names were generated. Arguments are
    ``(key, decoded object)``; returns the pairs ``(base key, head key)`` and the keys left over.
    Within one stem, the same node pairs first (DaemonSet pods), then creation order."""
    def groups(items):
        by: dict[str, list[tuple[str, dict]]] = {}
        rest: list[str] = []
        for k, o in items:
            s = object_stem(group, kind, o)
            if s is None:
                rest.append(k)
            else:
                ns = (o.get("metadata") or {}).get("namespace", "")
                by.setdefault(f"{ns}/{s}", []).append((k, o))
        return by, rest

    gb, rest_b = groups(only_base)
    gh, rest_h = groups(only_head)
    pairs: list[tuple[str, str]] = []
    for stem, bl in gb.items():
        hl = gh.pop(stem, [])
        bl = sorted(bl, key=_order)
        hl = sorted(hl, key=_order)
        for node in {_node(o) for _, o in bl} & {_node(o) for _, o in hl} - {""}:
            bi = next(i for i, (_, o) in enumerate(bl) if _node(o) == node)
            hi = next(i for i, (_, o) in enumerate(hl) if _node(o) == node)
            pairs.append((bl.pop(bi)[0], hl.pop(hi)[0]))
        n = min(len(bl), len(hl))
        pairs += [(bl[i][0], hl[i][0]) for i in range(n)]
        rest_b += [k for k, _ in bl[n:]]
        rest_h += [k for k, _ in hl[n:]]
    for hl in gh.values():
        rest_h += [k for k, _ in hl]
    return pairs, rest_b, rest_h


def _node(o: dict) -> str:
    spec = o.get("spec")
    return str(spec.get("nodeName") or "") if isinstance(spec, dict) else ""


def _order(item: tuple[str, dict]) -> tuple:
    meta = item[1].get("metadata") or {}
    return (str(meta.get("creationTimestamp") or ""), item[0])
