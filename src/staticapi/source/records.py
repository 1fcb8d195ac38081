"""What parsing a file yields: :class:`Record` (one object as the store needs it) and :class:`FileResult`.

Rules applied to what a file holds (see the issue "Serve a must-gather"):
* a List (`kind: List` or `*List`) is unwrapped; items lacking kind or
  apiVersion take them from the List (`PodList` -> `Pod`);
* `items: null` is an empty List;
* anything that is not an object with `metadata.name` is reported, not served;
* Events are also converted to the other API group's form (kube/events.py).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..kube import events as ev
from .layout import ObjectFile

_DUMP_OPTS = orjson.OPT_NON_STR_KEYS


@dataclass(slots=True)
class Record:
    """One object as the store needs it. `raw` is the object's JSON."""

    group: str
    version: str
    kind: str
    namespace: str
    name: str
    uid: str
    rv: int
    labels: dict[str, str] | None
    raw: bytes
    rel: str  # file it came from (relative), for messages
    from_list: bool
    converted: bool = False  # an Event converted from the other group's form
    hint: tuple[str | None, str | None] = (None, None)  # group/resource the path implies

    def __reduce__(self):
        # workers send 100k+ of these: a plain argument tuple pickles ~2x faster than slots state
        return Record, (self.group, self.version, self.kind, self.namespace, self.name, self.uid, self.rv,
                        self.labels, self.raw, self.rel, self.from_list, self.converted, self.hint)


@dataclass
class FileResult:
    rel: str
    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    newest: str = ""  # newest RFC3339 timestamp seen (collection-time fallback)
    # Not parsed: the file's one object, identified by a metadata scan, is
    # expected to be a List item's twin: (group, version, kind, namespace, name, uid, rv)
    quick: tuple | None = None

    def __reduce__(self):
        return FileResult, (self.rel, self.records, self.problems, self.newest, self.quick)


def split_api_version(api_version: str) -> tuple[str, str]:
    if "/" in api_version:
        g, _, v = api_version.partition("/")
        return g, v
    return "", api_version


def dumps(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj, option=_DUMP_OPTS)
    except TypeError:
        # Integers beyond 64 bits and other values orjson refuses: the
        # stdlib encoder keeps them exactly.
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _rv(meta: dict) -> int:
    v = meta.get("resourceVersion")
    if isinstance(v, str) and v.isdigit():
        return int(v)
    if isinstance(v, int) and v >= 0:
        return v
    return 0


# Fields that record when something was observed or happened: without a `timestamp` file the
# collection time is the newest of these. Never a date that says when something will happen:
# every OpenShift MachineConfigPool carries status.certExpirys[].expiry years ahead, Secrets carry
# certificate-not-after annotations (issue 19: a 2022 must-gather's nodes were 12 years old).
OBSERVED_TIME_FIELDS = (
    # conditions (metav1.Condition, NodeCondition, PodCondition, Deployment conditions ...)
    "lastTransitionTime", "lastHeartbeatTime", "lastProbeTime", "lastUpdateTime",
    # core/v1 and events.k8s.io/v1 Events (series.lastObservedTime)
    "eventTime", "firstTimestamp", "lastTimestamp", "lastObservedTime", "deprecatedFirstTimestamp",
    "deprecatedLastTimestamp",
    "time",  # metadata.managedFields[].time
    "creationTimestamp", "deletionTimestamp",
    "renewTime", "acquireTime",  # Lease heartbeats (coordination.k8s.io)
    "startedAt", "finishedAt", "startTime", "completionTime",  # containers, pods, jobs
)
# `"field":"time"` as JSON writes it; a field's name inside a string value is escaped (\"time\") and
# does not match. A fixed alternation: linear in the object's size.
_TS = re.compile(rb'"(?:' + b"|".join(f.encode() for f in OBSERVED_TIME_FIELDS)
                 + rb')"\s*:\s*"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)"')


def newest_time(raw: bytes) -> str:
    """The newest observed time in the object (OBSERVED_TIME_FIELDS): the collection-time fallback
    when a must-gather has no `timestamp` file."""
    found = _TS.findall(raw)
    return max(found).decode() if found else ""


def iter_objects(docs: list[tuple[Any, Any]], problems: list[str]) -> Iterator[tuple[dict, bool, bytes | None]]:
    """Yield (object, came_from_list, its JSON if the parser made it) for every object in the
    documents (parse.load_documents_json)."""
    for i, (doc, js) in enumerate(docs):
        where = f"document {i + 1}: " if len(docs) > 1 else ""
        if not isinstance(doc, dict):
            problems.append(f"{where}not an object ({type(doc).__name__})")
            continue
        kind = doc.get("kind")
        if "items" in doc and isinstance(kind, str) and (kind == "List" or kind.endswith("List")):
            items = doc.get("items") or []
            if not isinstance(items, list):
                problems.append(f"{where}items is not a list")
                continue
            item_kind = kind[: -len("List")] if kind != "List" else None
            list_av = doc.get("apiVersion")
            item_js = js if type(js) is list and len(js) == len(items) else None
            for j, item in enumerate(items):
                if not isinstance(item, dict):
                    problems.append(f"{where}item {j}: not an object")
                    continue
                raw = item_js[j] if item_js is not None else None
                if item_kind and "kind" not in item:
                    item, raw = {"kind": item_kind, **item}, None
                if "apiVersion" not in item and isinstance(list_av, str) and item_kind:
                    item, raw = {"apiVersion": list_av, **item}, None
                yield item, True, raw
        else:
            yield doc, False, js if type(js) is bytes else None


@functools.cache
def _path_kinds() -> dict[tuple[str, str], tuple[str, str]]:
    from ..kube import registry

    out: dict[tuple[str, str], tuple[str, str]] = {}
    for r in registry.builtin_resources() + registry.openshift_resources():
        out.setdefault((r.group, r.plural), (r.kind, r.group_version))
    try:
        from ..kube import crdprinter

        for c in crdprinter.bundled_crds():
            vs = [v["name"] for v in c.get("versions", []) if v.get("storage")] or [c["versions"][0]["name"]]
            out.setdefault((c["group"], c["plural"]), (c["kind"], f"{c['group']}/{vs[0]}"))
    except (ImportError, KeyError, IndexError):
        pass
    return out


def path_kind(group: str | None, resource: str | None) -> tuple[str, str] | None:
    """(kind, apiVersion) of a known resource named by a file's path."""
    if group is None or not resource:
        return None
    return _path_kinds().get((group, resource))


def make_record(obj: dict, from_list: bool, f: ObjectFile, res: FileResult, newest: bool = True,
            raw: bytes | None = None) -> Record | None:
    """The Record of one object; `raw` is its JSON if the parser made it (else it is made here)."""
    meta = obj.get("metadata")
    kind = obj.get("kind")
    av = obj.get("apiVersion")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        res.problems.append(f"{kind or 'object'} without metadata.name")
        return None
    if not isinstance(kind, str) or not kind:
        # A generic `kind: List` item without kind: only the path can tell
        # (namespaces/<ns>/<group>/<resource>.yaml names the resource).
        known = path_kind(f.group, f.resource) if from_list else None
        if known is None:
            res.problems.append(f"object {meta['name']!r} without kind")
            return None
        kind = known[0]
        if not isinstance(av, str) or not av:
            av = known[1]
        obj = {"kind": kind, "apiVersion": av, **{k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}}
        raw = None
    if not isinstance(av, str) or not av:
        res.problems.append(f"{kind} {meta['name']!r} without apiVersion")
        return None
    ns = meta.get("namespace")
    if not isinstance(ns, str):
        ns = ""
    labels = meta.get("labels")
    if not isinstance(labels, dict) or not labels:
        labels = None
    else:
        labels = {str(k): "" if v is None else str(v) for k, v in labels.items()}
    uid = meta.get("uid")
    group, version = split_api_version(av)
    if raw is None:
        raw = dumps(obj)
    if newest:
        ts = newest_time(raw)
        if ts > res.newest:
            res.newest = ts
    rec = Record(
        group=group,
        version=version,
        kind=kind,
        namespace=ns,
        name=meta["name"],
        uid=uid if isinstance(uid, str) else "",
        rv=_rv(meta),
        labels=labels,
        raw=raw,
        rel=f.rel,
        from_list=from_list,
        hint=(f.group, f.resource),
    )
    if kind == "Event" and group in ("", "events.k8s.io"):
        other = ev.to_v1(obj) if group == "" else ev.to_core(obj)
        og, ov = split_api_version(other["apiVersion"])
        res.records.append(
            Record(og, ov, "Event", ns, meta["name"], rec.uid, rec.rv, labels,
                   dumps(other), f.rel, from_list, converted=True, hint=(og, "events"))
        )
    return rec
