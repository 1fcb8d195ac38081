"""What resources this cluster serves, as data, and the discovery documents.

Sources, in order of precedence for one (group, plural):
1. CustomResourceDefinitions found in the archive;
2. bundled OpenShift / monitoring / OLM CRDs (data/crds) for groups whose
   objects are in the archive;
3. kube-apiserver's built-in resources (data/discovery/kubernetes-*: the
   golden discovery documents of kubernetes/kubernetes `api/discovery/`) and,
   for OpenShift archives, openshift-apiserver's aggregated APIs;
4. anything else present in the data, with kind, plural and scope inferred.

Everything is advertised read-only: verbs `get, list, watch` (plus `create`
for the review APIs answered by the server). Discovery is served legacy
(APIGroupList / APIResourceList) or aggregated (apidiscovery.k8s.io v2 and
v2beta1), chosen from the Accept header the way kube-apiserver does
(`staging/src/k8s.io/apiserver/pkg/endpoints/discovery/aggregated/negotiation.go`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as ires
from typing import Any

READ_VERBS = ("get", "list", "watch")
# Resources answered by POST although the server is read-only (issue: auth can-i / whoami).
REVIEW_RESOURCES = {
    ("authorization.k8s.io", "selfsubjectaccessreviews"),
    ("authorization.k8s.io", "selfsubjectrulesreviews"),
    ("authentication.k8s.io", "selfsubjectreviews"),
}
# Subresources a GET can reach here.
READABLE_SUBRESOURCES = {"status", "log", "scale"}
# Bundled OpenShift CRDs that a live OpenShift 4 cluster serves from openshift-apiserver
# instead (openshift/api ships them for MicroShift/HyperShift, not in payload-manifests),
# so their Tables come from openshift-apiserver's printers.
AGGREGATED_NOT_CRD = {("route.openshift.io", "routes")}


@dataclass(frozen=True)
class Resource:
    group: str
    versions: tuple[str, ...]  # preferred first
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    origin: str = "builtin"  # builtin | openshift | crd | bundled-crd | inferred | synthetic
    verbs: tuple[str, ...] = READ_VERBS
    # CRDs: version -> additionalPrinterColumns (None: the CRD defines none)
    printer_columns: tuple[tuple[str, Any], ...] | None = None

    @property
    def version(self) -> str:
        return self.versions[0]

    @property
    def key(self) -> tuple[str, str]:
        return (self.group, self.plural)

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def columns_for_version(self, version: str):
        if self.printer_columns is None:
            return None
        cols = dict(self.printer_columns)
        return cols.get(version, cols.get(self.version))


def _data(name: str) -> Any:
    return json.loads(ires.files("staticapi").joinpath("data", *name.split("/")).read_text())


@cache
def builtin_resources() -> tuple[Resource, ...]:
    """kube-apiserver v1.33 resources, from the packaged golden discovery documents."""
    out: list[Resource] = []
    core = _data("discovery/kubernetes-api-v1.json")
    subs: dict[str, list[str]] = {}
    for r in core["resources"]:
        if "/" in r["name"]:
            base, sub = r["name"].split("/", 1)
            subs.setdefault(base, []).append(sub)
    for r in core["resources"]:
        if "/" in r["name"] or "list" not in r.get("verbs", []):
            continue
        out.append(
            Resource(
                group="",
                versions=("v1",),
                plural=r["name"],
                singular=r.get("singularName") or r["kind"].lower(),
                kind=r["kind"],
                namespaced=r["namespaced"],
                short_names=tuple(r.get("shortNames", ())),
                categories=tuple(r.get("categories", ())),
                subresources=tuple(s for s in subs.get(r["name"], ()) if s in READABLE_SUBRESOURCES),
            )
        )
    out.extend(_from_aggregated(_data("discovery/kubernetes-aggregated-v2.json"), "builtin"))
    return tuple(out)


@cache
def openshift_resources() -> tuple[Resource, ...]:
    """openshift-apiserver's aggregated APIs (route, build, image, project, ...)."""
    res = list(_from_aggregated(_data("discovery/openshift-apiserver-aggregated-v2.json"), "openshift"))
    # user.openshift.io is served by openshift-oauth-apiserver; `oc whoami`
    # falls back to GET users/~ (kube-api-notes.md).
    res.append(Resource("user.openshift.io", ("v1",), "users", "user", "User", False, origin="openshift"))
    res.append(Resource("user.openshift.io", ("v1",), "groups", "group", "Group", False, origin="openshift"))
    return tuple(res)


def _from_aggregated(doc: dict, origin: str) -> Iterable[Resource]:
    """One Resource per (group, plural), versions in the document's preference order."""
    for g in doc["items"]:
        group = g["metadata"]["name"]
        merged: dict[str, dict] = {}
        versions: dict[str, list[str]] = {}
        for v in g["versions"]:
            for r in v.get("resources", []):
                name = r["resource"]
                merged.setdefault(name, r)
                versions.setdefault(name, []).append(v["version"])
        for name, r in merged.items():
            verbs = r.get("verbs", [])
            if (group, name) in REVIEW_RESOURCES:
                rverbs: tuple[str, ...] = ("create",)
            elif "list" in verbs or "get" in verbs:
                rverbs = READ_VERBS
            else:
                continue  # create-only APIs (tokenreviews, ...) are not served
            yield Resource(
                group=group,
                versions=tuple(versions[name]),
                plural=name,
                singular=r.get("singularResource") or r["responseKind"]["kind"].lower(),
                kind=r["responseKind"]["kind"],
                namespaced=r.get("scope") == "Namespaced",
                short_names=tuple(r.get("shortNames", ())),
                categories=tuple(r.get("categories", ())),
                subresources=tuple(
                    s["subresource"] for s in r.get("subresources", ()) if s["subresource"] in READABLE_SUBRESOURCES
                ),
                origin=origin,
                verbs=rverbs,
            )


def _is_prerelease(version: str) -> bool:
    return "alpha" in version or "beta" in version


def pluralize(kind: str) -> str:
    """Lower-case plural as apimachinery's `meta.UnsafeGuessKindToResource`."""
    k = kind.lower()
    if not k:
        return k
    if k.endswith("s"):
        return k + "es"
    if k.endswith("y") and len(k) > 1 and k[-2] not in "aeiou":
        return k[:-1] + "ies"
    return k + "s"


def crd_resource(rec: dict, origin: str) -> Resource | None:
    """A Resource from a CRD record (crdprinter.crd_record_from_object / bundled summary)."""
    versions = [v for v in rec.get("versions", []) if v.get("served", True)]
    if not versions or not rec.get("plural") or not rec.get("kind"):
        return None
    # kube-apiserver orders CRD versions by kube-aware version priority
    # (apimachinery `version.CompareKubeAwareVersionStrings`).
    names = sorted((v["name"] for v in versions), key=kube_version_key)
    cols = tuple((v["name"], v.get("additionalPrinterColumns") or None) for v in versions)
    return Resource(
        group=rec["group"],
        versions=tuple(names),
        plural=rec["plural"],
        singular=rec.get("singular") or rec["kind"].lower(),
        kind=rec["kind"],
        namespaced=rec.get("scope", "Namespaced") == "Namespaced",
        short_names=tuple(rec.get("shortNames") or ()),
        categories=tuple(rec.get("categories") or ()),
        subresources=("status",),
        origin=origin,
        printer_columns=cols,
    )


def kube_version_key(v: str) -> tuple:
    """Sort key for apimachinery `CompareKubeAwareVersionStrings`: GA > beta > alpha, higher first, non-kube last."""
    import re

    m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", v)
    if not m:
        return (3, 0, 0, v)
    major = int(m.group(1))
    stage = {"": 0, None: 0, "beta": 1, "alpha": 2}[m.group(2)]
    minor = int(m.group(3) or 0)
    return (stage, -major, -minor, v)


@dataclass
class Registry:
    """The resources one cluster view serves, indexed for URL and object lookups."""

    resources: dict[tuple[str, str], Resource] = field(default_factory=dict)
    by_kind: dict[tuple[str, str], Resource] = field(default_factory=dict)
    group_order: list[str] = field(default_factory=list)

    def add(self, r: Resource, *, replace: bool = False) -> None:
        if r.key in self.resources and not replace:
            return
        self.resources[r.key] = r
        self.by_kind[(r.group, r.kind)] = r
        if r.group and r.group not in self.group_order:
            self.group_order.append(r.group)

    def get(self, group: str, version: str, plural: str) -> Resource | None:
        r = self.resources.get((group, plural))
        if r is None or version not in r.versions:
            return None
        return r

    def for_kind(self, group: str, kind: str) -> Resource | None:
        return self.by_kind.get((group, kind))

    def group_versions(self, group: str) -> list[str]:
        vs: list[str] = []
        for r in self.resources.values():
            if r.group == group:
                for v in r.versions:
                    if v not in vs:
                        vs.append(v)
        return sorted(vs, key=kube_version_key)

    def in_group_version(self, group: str, version: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.group == group and version in r.versions]

    def groups(self) -> list[str]:
        return [g for g in self.group_order if any(r.group == g for r in self.resources.values())]


def build_registry(
    present: dict[tuple[str, str], dict],
    archive_crds: list[dict],
    bundled_crds: list[dict],
    openshift: bool,
) -> Registry:
    """Assemble the registry for one archive.

    `present` maps (group, kind) found in the data to facts about it:
    {"versions": set, "namespaced": bool, "plural_hint": str | None}.
    """
    reg = Registry()
    present_groups = {g for g, _ in present}
    # 1. CRDs in the archive win.
    for rec in archive_crds:
        r = crd_resource(rec, "crd")
        if r:
            reg.add(r)
    # 2. bundled CRDs, for resources present in the archive -- except where
    #    openshift-apiserver really serves the resource on a live cluster
    #    (the bundled CRD is not installed by the release payload)
    for rec in bundled_crds:
        if openshift and (rec.get("group"), rec.get("plural")) in AGGREGATED_NOT_CRD:
            continue
        if (rec.get("group"), rec.get("kind")) in present:
            r = crd_resource(rec, "bundled-crd")
            if r:
                reg.add(r)
    # 3. built-ins (+ OpenShift aggregated APIs)
    for r in builtin_resources():
        versions = tuple(v for v in r.versions if not _is_prerelease(v) or _has_version(present, r, v))
        if not versions:
            versions = tuple(v for v in r.versions if _has_version(present, r, v))
            if not versions:
                continue
        reg.add(_with_versions(r, versions, present))
    if openshift:
        for r in openshift_resources():
            reg.add(_with_versions(r, r.versions, present))
    # 4. whatever else the data holds
    for (group, kind), facts in sorted(present.items()):
        if reg.for_kind(group, kind):
            continue
        plural = facts.get("plural_hint") or pluralize(kind)
        if (group, plural) in reg.resources:
            plural = pluralize(kind)
            if (group, plural) in reg.resources:
                continue
        reg.add(
            Resource(
                group=group,
                versions=tuple(sorted(facts["versions"], key=kube_version_key)),
                plural=plural,
                singular=kind.lower(),
                kind=kind,
                namespaced=bool(facts.get("namespaced")),
                origin="inferred",
            )
        )
    # kube-apiserver lists built-in groups in its own priority order, then
    # aggregated (OpenShift) and CRD groups; kubectl's RESTMapper prefers
    # earlier groups on a name clash (core v1 first of all).
    builtin_order = list(dict.fromkeys(r.group for r in builtin_resources() if r.group))
    os_order = list(dict.fromkeys(r.group for r in openshift_resources()))
    rank = {g: i for i, g in enumerate(builtin_order + os_order)}
    reg.group_order.sort(key=lambda g: (rank.get(g, len(rank)), g))
    del present_groups
    return reg


def _has_version(present, r: Resource, v: str) -> bool:
    facts = present.get((r.group, r.kind))
    return bool(facts and v in facts["versions"])


def _with_versions(r: Resource, versions: tuple[str, ...], present) -> Resource:
    """Add archived versions the reference data does not list (older clusters)."""
    facts = present.get((r.group, r.kind))
    extra = tuple(v for v in sorted(facts["versions"], key=kube_version_key) if v not in versions) if facts else ()
    if versions == r.versions and not extra:
        return r
    from dataclasses import replace

    return replace(r, versions=versions + extra)


# ---------------------------------------------------------------- discovery


def api_versions_doc() -> dict:
    """GET /api (legacy): APIVersions."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": ""}],
    }


def _group_doc(reg: Registry, group: str) -> dict:
    versions = reg.group_versions(group)
    gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"name": group, "versions": gvs, "preferredVersion": gvs[0]}


def api_group_list_doc(reg: Registry) -> dict:
    """GET /apis (legacy): APIGroupList; preferredVersion is always one of versions."""
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [_group_doc(reg, g) for g in reg.groups()]}


def api_group_doc(reg: Registry, group: str) -> dict | None:
    if group not in reg.groups():
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group_doc(reg, group)}


def resource_list_doc(reg: Registry, group: str, version: str) -> dict | None:
    """GET /api/v1 or /apis/<g>/<v>: APIResourceList."""
    rs = reg.in_group_version(group, version)
    if not rs:
        return None
    items = []
    for r in sorted(rs, key=lambda r: r.plural):
        item: dict[str, Any] = {
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": list(r.verbs),
        }
        _names(item, r)
        items.append(item)
        for s in r.subresources:
            items.append(
                {"name": f"{r.plural}/{s}", "singularName": "", "namespaced": r.namespaced,
                 "kind": r.kind, "verbs": ["get"]}
            )
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": items}


def _names(doc: dict, r: Resource) -> None:
    """shortNames and categories, present only when set (both discovery forms)."""
    if r.short_names:
        doc["shortNames"] = list(r.short_names)
    if r.categories:
        doc["categories"] = list(r.categories)


def aggregated_doc(reg: Registry, core: bool, api_version: str) -> dict:
    """apidiscovery.k8s.io APIGroupDiscoveryList for /api (core=True) or /apis."""
    groups = [""] if core else reg.groups()
    items = []
    for g in groups:
        versions = []
        for v in reg.group_versions(g) if g else ["v1"]:
            rs = []
            for r in sorted(reg.in_group_version(g, v), key=lambda r: r.plural):
                d: dict[str, Any] = {
                    "resource": r.plural,
                    "responseKind": {"group": g, "version": v, "kind": r.kind},
                    "scope": "Namespaced" if r.namespaced else "Cluster",
                    "singularResource": r.singular,
                    "verbs": list(r.verbs),
                }
                _names(d, r)
                if r.subresources:
                    d["subresources"] = [
                        {"subresource": s, "responseKind": {"group": g, "version": v, "kind": r.kind}, "verbs": ["get"]}
                        for s in r.subresources
                    ]
                rs.append(d)
            if rs:
                versions.append({"version": v, "resources": rs, "freshness": "Current"})
        if versions:
            items.append({"metadata": {"name": g, "creationTimestamp": None}, "versions": versions})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": api_version, "metadata": {}, "items": items}
