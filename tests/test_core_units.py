"""Unit tests of the core's pure parts: paths, negotiation, registry, layout, merge, events, reviews."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from staticapi.kube import events, negotiate, registry
from staticapi.kube.status import StatusError
from staticapi.serve import reviews
from staticapi.serve.api import ApiPath, decode_continue, parse_path
from staticapi.source.layout import parse_go_time, scan


@pytest.mark.parametrize("path,want", [
    ("/api", ApiPath("api")),
    ("/apis/", ApiPath("apis")),
    ("/apis/apps", ApiPath("group", group="apps")),
    ("/api/v1", ApiPath("resources", version="v1")),
    ("/apis/apps/v1/", ApiPath("resources", group="apps", version="v1")),
    ("/api/v1/pods", ApiPath("object", version="v1", plural="pods")),
    ("/api/v1/namespaces/default/pods", ApiPath("object", version="v1", plural="pods", namespace="default")),
    ("/api/v1/namespaces/default/pods/x/log",
     ApiPath("object", version="v1", plural="pods", namespace="default", name="x", sub="log")),
    ("/api/v1/namespaces/default", ApiPath("object", version="v1", plural="namespaces", name="default")),
    ("/api/v1/namespaces/default/status",
     ApiPath("object", version="v1", plural="namespaces", name="default", sub="status")),
    ("/apis/apps/v1/namespaces/a/deployments/b/scale",
     ApiPath("object", group="apps", version="v1", plural="deployments", namespace="a", name="b", sub="scale")),
    ("/api/v1/watch/namespaces/a/pods",
     ApiPath("object", version="v1", plural="pods", namespace="a", watch_prefix=True)),
    ("/api/v1/namespaces/a/pods/b/c/d", None),
    ("/metrics", None),
])
def test_parse_path(path, want):
    assert parse_path(path) == want


def test_continue_token_roundtrip_and_garbage():
    from staticapi.serve.api import _continue_token

    tok = _continue_token(42, "ns", "name")
    assert decode_continue(tok) == (42, ("ns", "name"))
    for bad in ("garbage", "", "eyJ9", tok[:-3] + "!!!"):
        with pytest.raises(StatusError) as ei:
            decode_continue(bad)
        assert ei.value.code == 410


def test_negotiation():
    kubectl_get = ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
                   "g=meta.k8s.io,application/json")
    assert negotiate.for_object(kubectl_get) == "table-v1"
    assert negotiate.for_object("application/json;as=Table;v=v1beta1;g=meta.k8s.io") == "table-v1beta1"
    assert negotiate.for_object("application/vnd.kubernetes.protobuf, */*") == "json"
    assert negotiate.for_object(None) == "json"
    assert negotiate.for_object("text/html") is None
    disc = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
    assert negotiate.for_discovery(disc) == "v2"
    assert negotiate.for_discovery("application/json;as=APIGroupDiscoveryList;v=v2beta1;g=apidiscovery.k8s.io") \
        == "v2beta1"
    assert negotiate.for_discovery("application/json") == "legacy"


def test_builtin_registry_has_core_and_groups():
    reg = registry.build_registry({("", "Pod"): {"versions": {"v1"}, "namespaced": True, "plural_hint": "pods"}},
                                  [], [], openshift=False)
    pods = reg.get("", "v1", "pods")
    assert pods and pods.short_names == ("po",) and "all" in pods.categories and "log" in pods.subresources
    hpa = reg.resources[("autoscaling", "horizontalpodautoscalers")]
    assert hpa.versions[0] == "v2"
    assert all("alpha" not in v for r in reg.resources.values() for v in r.versions)
    doc = registry.api_group_list_doc(reg)
    for g in doc["groups"]:
        assert g["preferredVersion"] in g["versions"]
    assert reg.groups()[0] == "apiregistration.k8s.io"


def test_registry_inferred_and_crd_precedence():
    present = {("example.com", "Widget"): {"versions": {"v1"}, "namespaced": True, "plural_hint": "widgets"},
               ("odd.io", "Thing"): {"versions": {"v2"}, "namespaced": False, "plural_hint": None}}
    crd = {"group": "example.com", "kind": "Widget", "plural": "widgets", "singular": "widget",
           "scope": "Namespaced", "shortNames": ["wd"],
           "versions": [{"name": "v1", "served": True, "additionalPrinterColumns": [{"name": "Size"}]}]}
    reg = registry.build_registry(present, [crd], [], openshift=False)
    w = reg.get("example.com", "v1", "widgets")
    assert w.origin == "crd" and w.short_names == ("wd",)
    t = reg.get("odd.io", "v2", "things")
    assert t.origin == "inferred" and not t.namespaced


@pytest.mark.parametrize("kind,plural", [("Pod", "pods"), ("Ingress", "ingresses"), ("Policy", "policies"),
                                         ("Gateway", "gateways"), ("DNS", "dnses")])
def test_pluralize(kind, plural):
    assert registry.pluralize(kind) == plural


def test_kube_version_order():
    assert sorted(["v1beta1", "v2", "v1", "v1alpha1", "v2beta2", "foo"], key=registry.kube_version_key) == \
        ["v2", "v1", "v2beta2", "v1beta1", "v1alpha1", "foo"]


def test_go_time():
    t = parse_go_time("2025-02-24 10:13:07.409767748 +0100 CET m=+2.570579986")
    assert t == datetime(2025, 2, 24, 9, 13, 7, 409767, tzinfo=timezone.utc)


def _w(p: Path, text: str) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def test_layout_and_merge(tmp_path):
    img = tmp_path / "mg" / "quay-io-x-sha256-abc"
    _w(img / "timestamp", "2024-01-02 03:04:05.0 +0000 UTC m=+0.1\n2024-01-02 03:09:05.0 +0000 UTC m=+300\n")
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\n  namespace: ns1\n  uid: u1\n"
           "  resourceVersion: '5'\nspec: {}\n")
    _w(img / "namespaces/ns1/pods/p1/p1.yaml", "---\n" + pod)
    _w(img / "namespaces/ns1/core/pods.yaml",
       "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p1, namespace: ns1, uid: u1, resourceVersion: '5'}\n"
       "  spec: {}\n- metadata: {name: p2, namespace: ns1}\n")
    _w(img / "namespaces/ns1/core/services.yaml", "apiVersion: v1\nkind: ServiceList\nitems: null\n")
    _w(img / "namespaces/ns1/pods/p1/c/c/logs/current.log", "2024-01-02T03:04:05.000000000Z hello\n")
    _w(img / "namespaces/ns2/core/configmaps.yaml", ": : bad yaml [\n")
    _w(img / "cluster-scoped-resources/core/nodes/n1.yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n")
    _w(img / "cluster-scoped-resources/config.openshift.io/nodes/cluster.yaml",
       "apiVersion: config.openshift.io/v1\nkind: Node\nmetadata: {name: cluster}\n")
    lay = scan(tmp_path / "mg")
    assert lay.roots == [img]
    assert lay.collection_time == datetime(2024, 1, 2, 3, 9, 5, tzinfo=timezone.utc)
    rels = [f.rel for f in lay.files]
    assert not any(r.endswith(".log") for r in rels)
    from staticapi.serve.cluster import load_store

    store = load_store("t", tmp_path / "mg")
    pods = store.tables[("", "pods")]
    assert sorted(pods.objects) == [("ns1", "p1"), ("ns1", "p2")]
    assert orjson.loads(pods.objects[("ns1", "p1")].raw)["kind"] == "Pod"
    assert ("config.openshift.io", "nodes") in store.tables and ("", "nodes") in store.tables
    assert {p.path for p in store.problems} == {"quay-io-x-sha256-abc/namespaces/ns2/core/configmaps.yaml"}
    ns = store.tables[("", "namespaces")]
    assert {k[1] for k in ns.objects} == {"ns1", "ns2"}  # synthesized from the directories
    assert store.rv >= 5


def test_event_conversion_roundtrip():
    v1 = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e", "namespace": "n"},
          "regarding": {"kind": "Pod", "name": "p"}, "note": "hi", "reason": "Started", "type": "Normal",
          "deprecatedCount": 3, "deprecatedSource": {"component": "kubelet"}, "reportingController": "kubelet",
          "eventTime": None}
    core = events.to_core(v1)
    assert core["apiVersion"] == "v1" and core["involvedObject"] == {"kind": "Pod", "name": "p"}
    assert core["message"] == "hi" and core["count"] == 3 and core["reportingComponent"] == "kubelet"
    back = events.to_v1(core)
    for k, v in v1.items():
        assert back[k] == v, k


def test_review_protobuf_decoding():
    def field(num, payload: bytes) -> bytes:
        return bytes([(num << 3) | 2, len(payload)]) + payload

    ra = field(2, b"delete") + field(5, b"pods") + field(1, b"default")
    spec = field(1, ra)
    msg = field(2, spec)
    unknown = field(1, field(1, b"authorization.k8s.io/v1") + field(2, b"SelfSubjectAccessReview")) + field(2, msg)
    got = reviews.decode_ssar_protobuf(b"k8s\x00" + unknown)
    assert got["resourceAttributes"]["verb"] == "delete"
    assert got["resourceAttributes"]["resource"] == "pods"
    assert reviews.decision(got)[0] is False
    assert reviews.decision({"resourceAttributes": {"verb": "list"}})[0] is True


def _identity(obj: dict) -> tuple:
    from staticapi.source.ingest import split_api_version

    g, v = split_api_version(obj["apiVersion"])
    m = obj["metadata"]
    return (g, v, obj["kind"], m.get("namespace", ""), m["name"], m["uid"], int(m["resourceVersion"]))


def test_quick_identity_agrees_with_parsing():
    """The metadata byte scan that lets List twins skip parsing must never misread a file."""
    from conftest import FIXTURE, SAMPLES
    from staticapi.source.ingest import quick_identity
    from staticapi.source.parse import ParseError, reference_load

    files = sorted(FIXTURE.rglob("*.yaml"))
    if SAMPLES.is_dir():
        files += sorted(SAMPLES.rglob("*.yaml"))[::3]
    seen = 0
    for f in files:
        data = f.read_bytes()
        q = quick_identity(data)
        if q is None:
            continue
        try:
            docs = reference_load(data)
        except ParseError as e:
            raise AssertionError(f"{f}: quick scan accepted an unparsable file") from e
        assert len(docs) == 1, f
        assert q == _identity(docs[0]), f
        seen += 1
    assert seen > 100


def _records_by_reference(path: Path, data: bytes) -> list[tuple]:
    from staticapi.source import records
    from staticapi.source.layout import ObjectFile
    from staticapi.source.parse import reference_load

    f = ObjectFile(str(path), path.name, len(data), 0, None, None, None)
    res = records.FileResult(rel=f.rel)
    out = []
    for obj, from_list, raw in records.iter_objects([(d, None) for d in reference_load(data)], res.problems):
        assert raw is None
        rec = records.make_record(obj, from_list, f, res)
        if rec is not None:
            out.append((rec.kind, rec.name, rec.raw))
    return out + [(r.kind, r.name, r.raw) for r in res.records]


LIST_DOCS = [
    b"apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, labels: {x: 'y'}}\n"
    b"- metadata:\n    name: b\n    annotations:\n      pv.kubernetes.io/bind-completed: \"yes\"\n"
    b"  spec: {containers: [{name: c, args: [\"--v=2\", '1.5']}]}\nmetadata:\n  resourceVersion: '5'\n",
    b"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n"
    b"  data:\n    f: 0.25\n    n: null\n- 7\n- metadata:\n    name: no-kind\n",
    b"apiVersion: v1\nkind: EventList\nitems: []\n",
    b"kind: ServiceList\napiVersion: v1\nitems:\n" + b"".join(
        b"- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s%d\n    namespace: n\n"
        b"  spec:\n    ports:\n    - port: %d\n" % (i, i) for i in range(50)),
]


def test_stored_json_is_what_the_parsed_object_dumps_to(tmp_path):
    """The parser's own JSON of a document or of each List item (parse.load_documents_json) is
    stored as is: it must equal what the reference reading of the file dumps to."""
    from conftest import FIXTURE, SAMPLES
    from staticapi.source import ingest
    from staticapi.source.layout import ObjectFile
    from staticapi.source.parse import ParseError

    files = sorted(FIXTURE.rglob("*.yaml"))
    if SAMPLES.is_dir():
        files += sorted(SAMPLES.rglob("*.yaml"))[::5]
    for i, doc in enumerate(LIST_DOCS):
        (tmp_path / f"list{i}.yaml").write_bytes(doc)
    files += sorted(tmp_path.glob("*.yaml"))
    compared = 0
    for path in files:
        data = path.read_bytes()
        try:
            expected = _records_by_reference(path, data)
        except ParseError:
            continue
        res = ingest.process_file(ObjectFile(str(path), path.name, len(data), 0, None, None, None))
        assert sorted((r.kind, r.name, r.raw) for r in res.records) == sorted(expected), path
        compared += len(expected)
    assert compared > 200


@pytest.mark.parametrize("text", [
    b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  uid: u\n",  # no resourceVersion
    b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  uid: u\n  resourceVersion: \"1\"\n---\nkind: X\n",
    b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: &a x\n  uid: u\n  resourceVersion: \"1\"\n",
    b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"a\\u0041\"\n  uid: u\n  resourceVersion: \"1\"\n",
    b"apiVersion: v1\nkind: Pod\nmetadata: {name: a, uid: u, resourceVersion: '1'}\n",
])
def test_quick_identity_declines_unusual_files(text):
    from staticapi.source.ingest import quick_identity

    assert quick_identity(text) is None


def test_read_file_whatever_the_size_the_scan_saw(tmp_path):
    from staticapi.source.ingest import read_file

    p = tmp_path / "f.yaml"
    body = b"kind: Pod\n" * 1000
    p.write_bytes(body)
    for seen in (len(body), 0, 10, len(body) - 1, len(body) + 1, 10 * len(body)):  # unchanged, grown, shrunk
        assert read_file(str(p), seen) == body
    p.write_bytes(b"")
    assert read_file(str(p), 0) == b"" and read_file(str(p), 7) == b""
    link = tmp_path / "link.yaml"
    link.symlink_to(p)
    with pytest.raises(OSError):
        read_file(str(link), 0)  # never follows a symlink


def test_layout_pickles_whole_and_scan_calls_on_bytes_once():
    """The layout goes to the indexing child pickled (files as columns); scan's on_bytes starts the
    forkserver once a must-gather is known to be large."""
    import pickle

    from conftest import FIXTURE

    calls = []
    lay = scan(FIXTURE, on_bytes=(1, lambda: calls.append(1)))
    assert calls == [1] and lay.size_watch is None
    again = pickle.loads(pickle.dumps(lay))
    assert again.files == lay.files and len(lay.files) > 50
    assert (again.roots, again.dirs, again.extra_files, again.collection_time, again.namespace_dirs) == (
        lay.roots, lay.dirs, lay.extra_files, lay.collection_time, lay.namespace_dirs)
    assert any(f.twin for f in again.files) and any(f.group is None for f in again.files) is any(
        f.group is None for f in lay.files)
    calls.clear()
    scan(FIXTURE, on_bytes=(lay.total_bytes + 1, lambda: calls.append(1)))
    assert calls == []


def test_process_files_batches_small_files_without_changing_a_result():
    """Small one-document files are parsed several at a time (ingest.process_files): every result
    (records, bytes, problems) equals the file parsed alone, whatever it is batched with."""
    import random

    from conftest import FIXTURE, SAMPLES
    from staticapi.source import ingest
    from staticapi.source.layout import ObjectFile

    paths = sorted(FIXTURE.rglob("*.yaml"))
    if SAMPLES.is_dir():
        paths += sorted(SAMPLES.rglob("*.yaml"))[::3]
    files = [ObjectFile(str(p), str(p), p.stat().st_size, 0, None, None, None) for p in paths]
    random.Random(7).shuffle(files)

    def key(r):
        return (r.rel, r.problems, [(x.group, x.version, x.kind, x.namespace, x.name, x.uid, x.rv, x.labels,
                                     x.raw, x.from_list, x.converted) for x in r.records])

    alone = [key(ingest.process_file(f)) for f in files]
    assert [key(r) for r in ingest.process_files(files)] == alone
    assert sum(1 for k in alone if k[2]) > 100
