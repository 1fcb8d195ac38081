"""The objects of one cluster view, kept as JSON bytes and indexed for the API.

Each object is serialised once (source/records.py, in the parse workers) and kept as bytes; list bodies are
assembled by joining those bytes. Only what selectors, ordering and watch
need sits beside them (namespace, name, uid, resourceVersion, labels); field
selector values and Table rows are computed on first use and cached per
object, and dropped when the object changes.

Duplicates (a List file and the per-object files of the same objects, or
several image dirs) are merged: one object per (resource, namespace, name).
The winner is deterministic: an archived form beats a converted Event, then
the higher resourceVersion, then the first file in path order; differing
losers are logged.
"""

from __future__ import annotations

import bisect
import contextvars
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import orjson

from ..kube import registry as regmod
from ..kube.registry import Registry, Resource
from ..source import codec
from ..source.ingest import FileResult, Record, dumps
from ..source.layout import Layout

log = logging.getLogger("staticapi.store")


def _intern(v: str) -> str:
    return sys.intern(v) if type(v) is str else v


class Entry:
    """One served object."""

    __slots__ = ("namespace", "name", "uid", "rv", "labels", "_raw", "version", "kind",
                 "rel", "converted", "cache")

    def __init__(self, namespace: str, name: str, uid: str, rv: int, labels: dict | None, raw: bytes,
                 version: str, kind: str, rel: str, converted: bool):
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.rv = rv
        self.labels = labels
        self._raw = raw  # JSON, or a zstd frame of it (codec.py)
        self.version = version
        self.kind = kind
        self.rel = rel
        self.converted = converted
        self.cache: dict[str, Any] | None = None  # fields / table rows, computed lazily

    @classmethod
    def of(cls, rec: Record, intern: bool = True) -> Entry:
        # Namespaces, kinds, versions and label keys/values repeat across 100k+
        # objects: interned, each string is kept once. (Not for a store that only
        # becomes an image: its string table dedupes them; cluster.child_index.)
        labels = rec.labels
        if not intern:
            return cls(rec.namespace, rec.name, rec.uid, rec.rv, labels or None, rec.raw, rec.version,
                       rec.kind, rec.rel, rec.converted)
        return cls(_intern(rec.namespace), rec.name, rec.uid, rec.rv,
                   {_intern(k): _intern(v) for k, v in labels.items()} if labels else None,
                   rec.raw, _intern(rec.version), _intern(rec.kind), rec.rel, rec.converted)

    @property
    def raw(self) -> bytes:
        """The object's JSON."""
        return codec.plain(self._raw)

    def obj(self) -> dict:
        return orjson.loads(self.raw)

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        c = self.cache
        if c is None:
            c = self.cache = {}
        try:
            return c[key]
        except KeyError:
            v = c[key] = compute()
            return v


#: True while the work a settled server starts on its own runs (serve.activity.background_work): the
#: kinds only that work built are packed again once it is done (ClusterStore.repack_background)
BUILT_IN_BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar("staticapi_built_in_background",
                                                                           default=False)


class ResourceObjects:
    """All objects of one (group, plural).

    Loaded from a store image (image.py), the entries are built on first use
    (`loader`): a warm start does not pay for kinds nobody asks for. Background work
    (the findings and the search prewarm read every kind) that goes over a packed
    kind in order gets entries of its own, dropped after its pass: built and kept for
    every kind until the work ended, they left 20 MB of the allocator's pools resident
    for good among what it kept (generated benchmark tree). A kind background work
    built by a lookup goes back to its packed form afterwards (`repack`), unless a
    request used it or a reload changed it.
    """

    __slots__ = ("resource", "_objects", "_sorted", "_loader", "_count", "_packed", "_background")

    def __init__(self, resource: Resource, loader: Callable[[], list[Entry]] | None = None, count: int = 0):
        self.resource = resource
        self._objects: dict[tuple[str, str], Entry] | None = None if loader else {}
        self._sorted: list[Entry] | None = None
        self._loader = loader
        self._count = count
        self._packed: Callable[[], list[Entry]] | None = None  # the loader, while nothing changed
        self._background = False  # built by background work, and no request used it since

    @property
    def objects(self) -> dict[tuple[str, str], Entry]:
        if self._objects is None:
            self._materialize()
        elif self._background and not BUILT_IN_BACKGROUND.get():
            self._background = False
        return self._objects  # type: ignore[return-value]

    def _materialize(self) -> None:
        loader = self._loader
        if loader is None:
            return  # another thread built it meanwhile (the background thread beside a request)
        entries = loader()
        objects = {(e.namespace, e.name): e for e in entries}
        self._background = BUILT_IN_BACKGROUND.get()
        self._sorted = entries  # the image keeps them in list order
        # in this order: a thread that still finds no objects finds the loader, and builds them again
        self._objects = objects
        self._packed, self._loader = loader, None

    def repack(self) -> bool:
        """Back to the packed form, if only background work built the entries and nothing changed
        them (RSS: the findings read every kind once; 60-70 MB of entries on the benchmark tree)."""
        if self._objects is None or not self._background or self._packed is None:
            return False
        self._count = len(self._objects)
        self._loader, self._packed = self._packed, None
        self._objects = self._sorted = None
        self._background = False
        return True

    def __len__(self) -> int:
        return self._count if self._objects is None else len(self._objects)

    def put(self, e: Entry) -> None:
        self.objects[(e.namespace, e.name)] = e
        self._sorted = None
        self._packed = None

    def remove(self, namespace: str, name: str) -> Entry | None:
        e = self.objects.pop((namespace, name), None)
        if e is not None:
            self._sorted = None
            self._packed = None
        return e

    def sorted(self) -> list[Entry]:
        """Entries ordered by namespace/name, as kube-apiserver lists them (etcd key order)."""
        if self._objects is None:
            loader = self._loader
            if loader is not None and BUILT_IN_BACKGROUND.get():
                # one pass of background work over a packed kind: entries of their own, not kept
                return loader()
            self._materialize()
        elif self._background and not BUILT_IN_BACKGROUND.get():
            self._background = False
        if self._sorted is None:
            self._sorted = [self._objects[k] for k in sorted(self._objects)]  # type: ignore[index]
        return self._sorted

    def in_namespace(self, namespace: str | None) -> list[Entry]:
        """The sorted entries of one namespace (all when None), by binary search."""
        entries = self.sorted()
        if not namespace:
            return entries
        lo = bisect.bisect_left(entries, namespace, key=_ns_of)
        hi = bisect.bisect_right(entries, namespace, key=_ns_of)
        return entries[lo:hi]


def _ns_of(e: Entry) -> str:
    return e.namespace


@dataclass
class Change:
    """One change to the store, as watch events carry it."""

    rv: int
    type: str  # ADDED | MODIFIED | DELETED
    key: tuple[str, str]  # (group, plural)
    entry: Entry


@dataclass
class Problem:
    path: str
    reason: str


@dataclass
class ClusterStore:
    """Everything served for one must-gather."""

    name: str
    layout: Layout | None = None
    registry: Registry = field(default_factory=Registry)
    tables: dict[tuple[str, str], ResourceObjects] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rv: int = 1
    collection_time: datetime | None = None
    collection_source: str = ""  # where collection_time came from, for the log (collection_time_of)
    openshift: bool = False
    version_info: dict[str, str] = field(default_factory=dict)
    files_read: int = 0
    bytes_read: int = 0
    # live reload bookkeeping (only when tracking): which files provide which object
    tracking: bool = False
    sources: dict = field(default_factory=dict)  # (resource key, ns, name) -> [rel, ...]
    file_keys: dict = field(default_factory=dict)  # rel -> [(resource key, ns, name), ...]
    present: dict = field(default_factory=dict)
    tracking_loader: Callable[[ClusterStore], None] | None = None  # fills sources/file_keys on first use (image.py)
    archive_crds: list = field(default_factory=list)
    bundled_crds: list = field(default_factory=list)
    crd_record: Callable[[dict], dict | None] | None = None
    generation: int = 0  # bumped on every applied change (caches key on it)
    zdict: object | None = None  # the zstd dictionary objects are compressed with (codec.py)
    wall_clock: bool = False

    # -------------------------------------------------------------- lookups
    def table(self, r: Resource) -> ResourceObjects:
        t = self.tables.get(r.key)
        if t is None:
            t = self.tables[r.key] = ResourceObjects(r)
        return t

    def get(self, r: Resource, namespace: str, name: str) -> Entry | None:
        t = self.tables.get(r.key)
        if t is None:
            return None
        return t.objects.get((namespace if r.namespaced else "", name))

    def objects(self, group: str, plural: str) -> Iterator[dict]:
        """Decoded objects of one resource (for interval derivation and other batch consumers)."""
        t = self.tables.get((group, plural))
        if t is None:
            return iter(())
        return (e.obj() for e in t.sorted())

    def count(self) -> int:
        return sum(len(t) for k, t in self.tables.items() if k != ("events.k8s.io", "events"))

    def repack_background(self) -> int:
        """Pack again the kinds only background work built (ResourceObjects.repack); how many."""
        return sum(t.repack() for t in list(self.tables.values()))

    @property
    def now(self) -> datetime:
        """The time ages are measured from: the must-gather's collection time, unless --wall-clock."""
        if self.wall_clock or self.collection_time is None:
            return datetime.now(timezone.utc)
        return self.collection_time

    @property
    def roots(self):
        return self.layout.roots if self.layout else []


def build_store(
    name: str,
    layout: Layout,
    results: Iterable[FileResult],
    *,
    bundled_crds: list[dict] | None = None,
    crd_record: Callable[[dict], dict | None] | None = None,
    track: bool = False,
    intern: bool = True,
) -> ClusterStore:
    """Merge parsed files into a ClusterStore (main process, after ingest).

    With `track`, remember which file provided which object, so live reload
    can apply a changed file alone (apply_files). Without `intern`, repeated
    strings are not shared (a store that is only written as an image).
    """
    store = ClusterStore(name=name, layout=layout, tracking=track, bundled_crds=bundled_crds or [],
                         crd_record=crd_record)
    records: list[Record] = []
    quick: list[tuple[str, tuple]] = []
    newest, newest_rel = "", ""
    for res in results:
        if res.quick is not None:
            quick.append((res.rel, res.quick))
        store.files_read += 1
        for p in res.problems:
            store.problems.append(Problem(res.rel, p))
        records.extend(res.records)
        if res.newest > newest:
            newest, newest_rel = res.newest, res.rel
    store.bytes_read = layout.total_bytes

    seen: set[tuple] = set()
    for rec in records:
        # what _note_present learns from a record is its signature (but a CRD's own definition)
        sig = (rec.group, rec.kind, rec.version, not rec.namespace, rec.hint)
        if sig not in seen or rec.kind == "CustomResourceDefinition":
            seen.add(sig)
            _note_present(store, rec)

    store.openshift = any(g.endswith(".openshift.io") for g, _ in store.present) or any(
        ns.startswith("openshift-") for ns in layout.namespace_dirs
    )
    store.registry = regmod.build_registry(store.present, store.archive_crds, store.bundled_crds, store.openshift)

    # 100k+ records: the resource and table of each kind are looked up once, and an object seen
    # for the first time is put straight into its table (what _merge does first)
    kinds: dict[tuple[str, str], tuple[Resource, ResourceObjects, dict] | None] = {}
    sources, file_keys = store.sources, store.file_keys
    for rec in records:
        gk = (rec.group, rec.kind)
        found = kinds.get(gk, kinds)
        if found is kinds:
            r = store.registry.for_kind(rec.group, rec.kind)
            found = kinds[gk] = None if r is None else (r, store.table(r), store.table(r).objects)
        if found is None:
            store.problems.append(Problem(rec.rel, f"no resource for {rec.group}/{rec.kind}"))
            continue
        r, t, objects = found
        if not r.namespaced:
            rec.namespace = ""
        if track:
            key = (r.key, rec.namespace, rec.name)
            sources.setdefault(key, []).append(rec.rel)
            file_keys.setdefault(rec.rel, []).append(key)
        e = Entry.of(rec, intern)
        if (e.namespace, e.name) in objects:
            _merge(t, e, store)
        else:
            t.put(e)
    if track:
        # quick-scanned twins of List items also provide their object (live reload)
        for rel, (g, _v, kind, ns, name, _uid, _rv) in quick:
            r = store.registry.for_kind(g, kind)
            if r is not None:
                key = (r.key, ns if r.namespaced else "", name)
                store.sources.setdefault(key, []).append(rel)
                store.file_keys.setdefault(rel, []).append(key)

    _synthesize_namespaces(store, layout)
    if store.openshift:
        _mirror_projects(store)
    store.rv = max([1] + [e.rv for t in store.tables.values() for e in t.objects.values()])
    store.collection_time, store.collection_source = collection_time_of(layout, newest, newest_rel)
    store.version_info = version_info(store)
    return store


def _note_present(store: ClusterStore, rec: Record) -> bool:
    """Record what kinds the data holds; True when the registry must be rebuilt."""
    rebuild = False
    facts = store.present.get((rec.group, rec.kind))
    if facts is None:
        facts = store.present[(rec.group, rec.kind)] = {"versions": set(), "namespaced": False, "plural_hint": None}
        rebuild = True
    if rec.version not in facts["versions"]:
        facts["versions"].add(rec.version)
        rebuild = True
    if rec.namespace:
        facts["namespaced"] = True
    hg, hr = rec.hint
    if hr and hg == rec.group and not facts["plural_hint"]:
        facts["plural_hint"] = hr
    if rec.kind == "CustomResourceDefinition" and rec.group == "apiextensions.k8s.io" and store.crd_record:
        try:
            crd = store.crd_record(orjson.loads(codec.plain(rec.raw)))
        except Exception as e:  # a malformed CRD must not stop the server
            store.problems.append(Problem(rec.rel, f"CustomResourceDefinition {rec.name}: {e}"))
            crd = None
        if crd:
            store.archive_crds = [c for c in store.archive_crds
                                  if (c.get("group"), c.get("plural")) != (crd.get("group"), crd.get("plural"))]
            store.archive_crds.append(crd)
            rebuild = True
    return rebuild


def _merge(t: ResourceObjects, e: Entry, store: ClusterStore) -> None:
    old = t.objects.get((e.namespace, e.name))
    if old is None:
        t.put(e)
        return
    if old._raw == e._raw or (codec.is_compressed(old._raw) != codec.is_compressed(e._raw) and old.raw == e.raw):
        return
    if old.converted != e.converted:
        if old.converted:
            t.put(e)
        return
    winner = e if e.rv > old.rv else old
    if winner is e:
        t.put(e)
    if old.uid and e.uid and old.uid == e.uid and old.rv == e.rv:
        # Same object, same version, different bytes: a List copy written a
        # moment apart from the per-object file. Keep the first (path order).
        log.info("duplicate %s %s/%s differs between %s and %s; kept %s",
                 t.resource.plural, e.namespace, e.name, old.rel, e.rel, winner.rel)
    else:
        log.warning("conflicting %s %s/%s in %s and %s; kept %s (resourceVersion %s)",
                    t.resource.plural, e.namespace, e.name, old.rel, e.rel, winner.rel, winner.rv)


def _synthetic(kind: str, api_version: str, obj: dict, rel: str) -> Record:
    from ..source.ingest import split_api_version

    g, v = split_api_version(api_version)
    meta = obj["metadata"]
    return Record(g, v, kind, meta.get("namespace", ""), meta["name"], meta.get("uid", ""),
                  int(meta.get("resourceVersion") or 0) if str(meta.get("resourceVersion", "")).isdigit() else 0,
                  meta.get("labels") or None, dumps(obj), rel, False)


def _synthesize_namespaces(store: ClusterStore, layout: Layout) -> None:
    """Namespaces exist for every namespace dir and every namespace objects live in."""
    ns_res = store.registry.for_kind("", "Namespace")
    if ns_res is None:
        return
    t = store.table(ns_res)
    wanted = set(layout.namespace_dirs)
    for key, tab in store.tables.items():
        if tab.resource.namespaced and key != ("events.k8s.io", "events"):
            wanted.update(e.namespace for e in tab.objects.values() if e.namespace)
    for ns in sorted(wanted):
        if ("", ns) in t.objects:
            continue
        t.put(Entry.of(_synthetic_namespace(ns)))


_SYNTHESIZED = " (synthesized)"


def _synthetic_namespace(ns: str) -> Record:
    obj = {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }
    return _synthetic("Namespace", "v1", obj, f"namespaces/{ns}{_SYNTHESIZED}")


def _project_of(e: Entry) -> Record:
    """The Project mirroring a Namespace entry, at its resourceVersion."""
    obj = e.obj()
    obj = {"kind": "Project", "apiVersion": "project.openshift.io/v1",
           **{k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}}
    rec = _synthetic("Project", "project.openshift.io/v1", obj, e.rel)
    rec.rv = e.rv
    return rec


def _mirror_projects(store: ClusterStore) -> None:
    """project.openshift.io Projects mirror Namespaces (openshift-apiserver does the same)."""
    ns_res = store.registry.for_kind("", "Namespace")
    pr = store.registry.for_kind("project.openshift.io", "Project")
    if ns_res is None or pr is None:
        return
    pt = store.table(pr)
    for e in store.table(ns_res).sorted():
        if ("", e.name) in pt.objects:
            continue
        pt.put(Entry.of(_project_of(e)))


def collection_time_of(layout: Layout, newest: str, newest_rel: str) -> tuple[datetime | None, str]:
    """(collection time, where it came from): the `timestamp` file, else the newest observed time
    in the objects (ingest.OBSERVED_TIME_FIELDS: never a certificate expiry or another future date),
    never after the wall clock; None when neither says (ages then come from the wall clock)."""
    if layout.collection_time is not None:
        return layout.collection_time, f"from the timestamp file {layout.collection_source or ''}".rstrip()
    t = _parse_rfc3339(newest)
    if t is None:
        return None, "none found (no timestamp file, no observed time in the objects): ages from the wall clock"
    how = ("no timestamp file: the newest observed time in the objects (condition, event, managedFields, "
           f"creation and deletion times), in {newest_rel}")
    now = datetime.now(timezone.utc)
    if t > now:
        t, how = now, how + ", later than the wall clock: the wall clock"
    return t, how


def _parse_rfc3339(s: str) -> datetime | None:
    if not s:
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return None


def version_info(store: ClusterStore) -> dict[str, str]:
    """/version: the kubelet version of the nodes, else derived from ClusterVersion."""
    import re

    git = None
    r = store.registry.for_kind("", "Node")
    if r:
        for e in store.table(r).sorted():
            v = (e.obj().get("status") or {}).get("nodeInfo", {}).get("kubeletVersion")
            if isinstance(v, str) and v:
                git = v
                break
    if git is None:
        cv = store.registry.for_kind("config.openshift.io", "ClusterVersion")
        if cv:
            for e in store.table(cv).sorted():
                v = ((e.obj().get("status") or {}).get("desired") or {}).get("version", "")
                m = re.match(r"4\.(\d+)", v or "")
                if m:
                    git = f"v1.{int(m.group(1)) + 13}.0"  # OpenShift 4.N ships Kubernetes 1.(N+13)
                    break
    git = git or "v1.33.0"
    m = re.match(r"v(\d+)\.(\d+)", git)
    major, minor = (m.group(1), m.group(2)) if m else ("1", "33")
    return {
        "major": major,
        "minor": minor,
        "gitVersion": git,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": (store.collection_time or datetime(1970, 1, 1, tzinfo=timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "goVersion": "go1.24.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


# ------------------------------------------------------------------ live reload


def _with_rv(raw: bytes, rv: int) -> bytes:
    obj = orjson.loads(raw)
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        meta["resourceVersion"] = str(rv)
    return dumps(obj)


def apply_files(store: ClusterStore, results: list[FileResult], removed: set[str],
                namespace_dirs: set[str] | None = None) -> list[Change]:
    """Apply re-parsed files (and deleted ones) to a tracking store; return the changes.

    Objects whose content changed get a new resourceVersion (the store's next
    one), written into their metadata, so clients see it increase. An object
    disappears only when no file provides it any more. `namespace_dirs`: the
    tree's namespace directories now (when they may have changed). What a fresh
    index derives from the files follows: the Namespaces it synthesizes and the
    Projects mirroring Namespaces (_sync_namespaces).
    """
    assert store.tracking, "store was built without tracking"
    if store.tracking_loader is not None:
        store.tracking_loader(store)
        store.tracking_loader = None
    touched = {r.rel for r in results} | _with_descendants(store, removed)
    affected: set = set()
    for rel in touched:
        for key in store.file_keys.pop(rel, []):
            srcs = store.sources.get(key)
            if srcs and rel in srcs:
                srcs.remove(rel)
            affected.add(key)
    store.problems = [p for p in store.problems if p.path not in touched]
    rebuild = False
    for res in results:
        for p in res.problems:
            store.problems.append(Problem(res.rel, p))
            log.warning("skipped %s: %s", res.rel, p)
        for rec in res.records:
            rebuild |= _note_present(store, rec)
    if rebuild:
        store.registry = regmod.build_registry(store.present, store.archive_crds, store.bundled_crds, store.openshift)
        if hasattr(store, "_openapi_docs"):
            del store._openapi_docs  # type: ignore[attr-defined]
    new: dict = {}
    for res in results:
        for rec in res.records:
            r = store.registry.for_kind(rec.group, rec.kind)
            if r is None:
                continue
            if not r.namespaced:
                rec.namespace = ""
            key = (r.key, rec.namespace, rec.name)
            store.sources.setdefault(key, []).append(rec.rel)
            store.file_keys.setdefault(rec.rel, []).append(key)
            old = new.get(key)
            if old is None or (old.converted and not rec.converted) or (old.converted == rec.converted and rec.rv > old.rv):
                new[key] = rec
            affected.add(key)
    touched_ns = {ns for _rk, ns, _n in affected if ns}
    ns_res = store.registry.for_kind("", "Namespace")
    if ns_res is not None:
        touched_ns |= {name for rk, _ns, name in affected if rk == ns_res.key}
    if namespace_dirs is not None and store.layout is not None:
        touched_ns |= namespace_dirs ^ store.layout.namespace_dirs
        store.layout.namespace_dirs = set(namespace_dirs)
    changes: list[Change] = []
    for key in sorted(affected):
        rkey, ns, name = key
        r = store.registry.resources.get(rkey)
        t = store.tables.get(rkey) if r is None else store.table(r)
        if t is None:
            continue
        cur = t.objects.get((ns, name))
        rec = new.get(key)
        if rec is not None:
            if cur is not None and not cur.converted and rec.converted:
                continue  # an archived form elsewhere beats a converted copy
            _put_changed(store, t, rec, changes)
        elif cur is not None and not store.sources.get(key):
            _remove_changed(store, t, ns, name, changes)
    _sync_namespaces(store, touched_ns, changes)
    if changes:
        store.generation += 1
    return changes


def _put_changed(store: ClusterStore, t: ResourceObjects, rec: Record, changes: list[Change]) -> None:
    """Put `rec` into `t` at the store's next resourceVersion (written into its metadata, so clients
    see it increase), unless the current entry differs from it only in that; the change goes to
    `changes`."""
    cur = t.objects.get((rec.namespace, rec.name))
    if cur is not None and _same_but_rv(cur.raw, codec.plain(rec.raw)):
        return
    store.rv += 1
    rec.rv = store.rv
    rec.raw = _with_rv(codec.plain(rec.raw), store.rv)
    e = Entry.of(rec)
    t.put(e)
    changes.append(Change(store.rv, "ADDED" if cur is None else "MODIFIED", t.resource.key, e))


def _remove_changed(store: ClusterStore, t: ResourceObjects, ns: str, name: str, changes: list[Change]) -> None:
    """Remove an entry from `t`; the DELETED change carries it at the store's next resourceVersion."""
    cur = t.remove(ns, name)
    if cur is None:
        return
    store.rv += 1
    gone = Entry.__new__(Entry)
    for slot in Entry.__slots__:
        setattr(gone, slot, getattr(cur, slot))
    gone.rv, gone._raw, gone.cache = store.rv, _with_rv(cur.raw, store.rv), None
    changes.append(Change(store.rv, "DELETED", t.resource.key, gone))


def _namespaces_with_objects(store: ClusterStore) -> set[str]:
    """The namespaces objects live in, as _synthesize_namespaces counts them, from live reload's
    tracking (every object's key and the files providing it): no kind is built for it."""
    out: set[str] = set()
    for (rkey, ns, _name), srcs in store.sources.items():
        if ns and srcs and rkey != ("events.k8s.io", "events") and ns not in out:
            r = store.registry.resources.get(rkey)
            if r is not None and r.namespaced:
                out.add(ns)
    return out


def _sync_namespaces(store: ClusterStore, touched: set[str], changes: list[Change]) -> None:
    """For the namespaces a reload touched (objects added or removed in them, their Namespace, their
    directory), the Namespaces a fresh index synthesizes (_synthesize_namespaces: one for every
    namespace directory and every namespace objects live in) and, on OpenShift, the Projects that
    mirror Namespaces (_mirror_projects); an archived Namespace or Project is never replaced."""
    ns_res = store.registry.for_kind("", "Namespace")
    if ns_res is None or not touched:
        return
    t = store.table(ns_res)
    dirs = store.layout.namespace_dirs if store.layout is not None else set()
    populated: set[str] | None = None
    for ns in sorted(touched):
        cur = t.objects.get(("", ns))
        if cur is not None and not cur.rel.endswith(_SYNTHESIZED):
            continue
        wanted = ns in dirs
        if not wanted:
            if populated is None:
                populated = _namespaces_with_objects(store)
            wanted = ns in populated
        if cur is None and wanted:
            _put_changed(store, t, _synthetic_namespace(ns), changes)
        elif cur is not None and not wanted:
            _remove_changed(store, t, "", ns, changes)
    pr = store.registry.for_kind("project.openshift.io", "Project")
    if not store.openshift or pr is None:
        return
    pt = store.table(pr)
    for ns in sorted(touched):
        if store.sources.get((pr.key, "", ns)):
            continue  # an archived Project
        nse = t.objects.get(("", ns))
        if nse is None:
            _remove_changed(store, pt, "", ns, changes)
        else:
            _put_changed(store, pt, _project_of(nse), changes)


def _with_descendants(store: ClusterStore, removed: set[str]) -> set[str]:
    """Removed paths plus every known file below them: a directory moved out of the tree is reported
    (by inotify) as one path, not as the files it held."""
    dirs = [r for r in removed if r not in store.file_keys]
    if not dirs:
        return set(removed)
    known = sorted(set(store.file_keys) | {p.path for p in store.problems})
    out = set(removed)
    for d in dirs:
        prefix = d.rstrip("/") + "/"
        i = bisect.bisect_left(known, prefix)
        while i < len(known) and known[i].startswith(prefix):
            out.add(known[i])
            i += 1
    return out


def _same_but_rv(a: bytes, b: bytes) -> bool:
    if a == b:
        return True
    oa, ob = orjson.loads(a), orjson.loads(b)
    for o in (oa, ob):
        if isinstance(o.get("metadata"), dict):
            o["metadata"].pop("resourceVersion", None)
    return oa == ob


def compact(store: ClusterStore) -> int:
    """Compress every object's bytes with a dictionary trained on this archive; returns bytes saved."""
    # Runs beside the event loop (Cluster.settle): list() copies are atomic; tables still lazy
    # (image.py) are compressed already.
    entries = [e for t in list(store.tables.values()) if t._objects is not None
               for e in list(t._objects.values()) if not codec.is_compressed(e._raw)]
    if not entries:
        return 0
    if store.zdict is None:
        store.zdict = codec.train([e._raw for e in entries])
        if store.zdict is None:
            return 0
    before = sum(len(e._raw) for e in entries)
    for e, z in zip(entries, codec.compress_many([e._raw for e in entries], store.zdict)):
        e._raw = z
    return before - sum(len(e._raw) for e in entries)
