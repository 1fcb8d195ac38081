"""Tests for staticapi.selectors: label/field selector parsing, matching, errors,
per-resource field labels and field values (upstream behaviour as of kubernetes v1.33)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staticapi.kube.selectors import (
    FieldSelector,
    LabelSelector,
    SelectorError,
    escape_field_value,
    field_values,
    parse_field_selector,
    parse_label_selector,
    supported_fields,
    validate_field_selector,
)

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"

QNAME_HELP = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
              "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
              "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
VALUE_HELP = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
              "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
              "'my_value',  or '12345', regex used for validation is "
              "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
OPS = "in, notin, =, ==, !=, gt, lt"


def reqs(text):
    return [tuple(r) for r in parse_label_selector(text).requirements]


def lerr(text):
    with pytest.raises(SelectorError) as ei:
        parse_label_selector(text)
    return str(ei.value)


def ferr(text):
    with pytest.raises(SelectorError) as ei:
        parse_field_selector(text)
    return str(ei.value)


# ---------------------------------------------------------------------------
# label selectors: parsing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "   ", "\t\n"])
def test_label_empty_selects_everything(text):
    sel = parse_label_selector(text)
    assert sel.empty
    assert sel.matches({}) and sel.matches(None) and sel.matches({"a": "b"})
    assert str(sel) == ""


def test_label_operators_parse():
    assert reqs("a=b") == [("a", "=", ("b",))]
    assert reqs("a==b") == [("a", "==", ("b",))]
    assert reqs("a!=b") == [("a", "!=", ("b",))]
    assert reqs("a in (x, y)") == [("a", "in", ("x", "y"))]
    assert reqs("a notin (y,x)") == [("a", "notin", ("x", "y"))]
    assert reqs("a") == [("a", "exists", ())]
    assert reqs("!a") == [("a", "!", ())]
    assert reqs("a>5") == [("a", "gt", ("5",))]
    assert reqs("a<5") == [("a", "lt", ("5",))]


def test_label_upstream_doc_example_and_sorting():
    # labels.Parse doc comment example; requirements come back sorted by key.
    assert reqs("z notin (),x in (foo,,baz),y") == [
        ("x", "in", ("", "baz", "foo")), ("y", "exists", ()), ("z", "notin", ("",))]
    assert str(parse_label_selector("x in (foo,,baz),y,z notin ()")) == "x in (,baz,foo),y,z notin ()"


def test_label_empty_values_and_whitespace():
    assert reqs("a=") == [("a", "=", ("",))]
    assert reqs("a=,b") == [("a", "=", ("",)), ("b", "exists", ())]
    assert reqs("a in ()") == [("a", "in", ("",))]
    assert reqs("a in (,)") == [("a", "in", ("",))]
    assert reqs("a in (x,)") == [("a", "in", ("", "x"))]
    assert reqs("a in (,x)") == [("a", "in", ("", "x"))]
    assert reqs("a in (x,,y)") == [("a", "in", ("", "x", "y"))]
    assert reqs("  a  =  b  ,\t! c ") == [("a", "=", ("b",)), ("c", "!", ())]
    assert reqs("a in(b)") == [("a", "in", ("b",))]


def test_label_keywords_as_keys_and_values():
    assert reqs("in=notin") == [("in", "=", ("notin",))]
    assert reqs("notin in (in,notin)") == [("notin", "in", ("in", "notin"))]
    assert reqs("k in (in)") == [("k", "in", ("in",))]


def test_label_prefixed_keys():
    assert reqs("app.kubernetes.io/name=x") == [("app.kubernetes.io/name", "=", ("x",))]
    assert reqs("!node-role.kubernetes.io/master") == [("node-role.kubernetes.io/master", "!", ())]


def test_label_parse_errors_match_upstream_messages():
    assert lerr("a b") == "unable to parse requirement: found 'b', expected: " + OPS
    assert lerr("a in b") == "unable to parse requirement: found 'b' expected: '('"
    assert lerr("a in (b c)") == "unable to parse requirement: found 'c', expected: ',' or ')'"
    assert lerr("a in (b,,)") == "unable to parse requirement: found ')', expected: ',', or identifier"
    assert lerr("a in (=)") == "unable to parse requirement: found '=', expected: ',', ')' or identifier"
    assert lerr("a in (") == "unable to parse requirement: found '', expected: ',', ')' or identifier"
    assert lerr("a=(") == "unable to parse requirement: found '(', expected: identifier"
    assert lerr("! =a") == "unable to parse requirement: found '=', expected: identifier"
    assert lerr("!=a") == "found '!=', expected: !, identifier, or 'end of string'"
    assert lerr("a=b c") == "found 'c', expected: ',' or 'end of string'"
    assert lerr("a=b=c") == "found '=', expected: ',' or 'end of string'"
    assert lerr("!a=b") == "found '=', expected: ',' or 'end of string'"
    assert lerr(",") == "found ',', expected: !, identifier, or 'end of string'"
    assert lerr("(a)") == "found '(', expected: !, identifier, or 'end of string'"
    assert lerr("a,") == "found '', expected: identifier after ','"
    assert lerr("a,,b") == "found ',', expected: identifier after ','"


def test_label_key_validation_errors():
    assert lerr("-abc") == 'unable to parse requirement: <nil>: Invalid value: "-abc": name part ' + QNAME_HELP
    assert lerr("/a") == 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'
    assert lerr("a/") == ('unable to parse requirement: <nil>: Invalid value: "a/": name part must be '
                          'non-empty; name part ' + QNAME_HELP)
    long = "k" * 64
    assert lerr(long) == ('unable to parse requirement: <nil>: Invalid value: "%s": name part must be no '
                          'more than 63 characters' % long)
    assert "prefix part a lowercase RFC 1123 subdomain" in lerr("Example.com/a")
    assert "a qualified name must consist of" in lerr("a/b/c")
    assert lerr("a:b=c").startswith('unable to parse requirement: <nil>: Invalid value: "a:b"')


def test_label_value_validation_errors():
    long = "v" * 64
    assert lerr("a=" + long) == ('unable to parse requirement: values[0][a]: Invalid value: "%s": must be '
                                 'no more than 63 characters' % long)
    assert lerr("a in (ok,-bad)") == ('unable to parse requirement: values[0][a]: Invalid value: "-bad": '
                                      + VALUE_HELP)
    assert lerr("a in (-x,-y)") == ('unable to parse requirement: [values[0][a]: Invalid value: "-x": '
                                    + VALUE_HELP + ', values[1][a]: Invalid value: "-y": ' + VALUE_HELP + "]")


def test_label_gt_lt_errors():
    assert lerr("a>x") == ('unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' '
                           'operators, the value must be an integer')
    assert lerr("a<") == ('unable to parse requirement: values[0]: Invalid value: "": for \'Gt\', \'Lt\' '
                          'operators, the value must be an integer')
    # ParseInt accepts a sign, the label value regex does not.
    assert lerr("a>-1") == 'unable to parse requirement: values[0][a]: Invalid value: "-1": ' + VALUE_HELP
    assert "must be an integer" in lerr("a>99999999999999999999")


def test_label_nul_character_behaves_like_go_lexer():
    # Go's Lexer.read returns 0 both at the end and for a NUL byte.
    assert reqs("a= \x00b") == [("a", "=", ("",))]
    assert lerr("a=b\x00c") == "found 'c', expected: ',' or 'end of string'"


# ---------------------------------------------------------------------------
# label selectors: matching
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,labels,expected", [
    ("a=b", {"a": "b"}, True),
    ("a=b", {"a": "c"}, False),
    ("a=b", {}, False),
    ("a==b", {"a": "b"}, True),
    ("a=", {"a": ""}, True),
    ("a=", {}, False),
    ("a!=b", {"a": "c"}, True),
    ("a!=b", {"a": "b"}, False),
    ("a!=b", {}, True),  # != matches objects without the key
    ("a in (x,y)", {"a": "y"}, True),
    ("a in (x,y)", {"a": "z"}, False),
    ("a in (x,y)", {}, False),
    ("a in ()", {"a": ""}, True),
    ("a notin (x,y)", {"a": "z"}, True),
    ("a notin (x,y)", {"a": "x"}, False),
    ("a notin (x,y)", {}, True),  # notin matches objects without the key
    ("a", {"a": ""}, True),
    ("a", {"b": "a"}, False),
    ("!a", {"b": "1"}, True),
    ("!a", {"a": "1"}, False),
    ("a>5", {"a": "6"}, True),
    ("a>5", {"a": "5"}, False),
    ("a>5", {"a": "x"}, False),
    ("a>5", {}, False),
    ("a<5", {"a": "-7"}, True),
    ("a<5", {"a": "+4"}, True),
    ("a<5", {"a": " 4"}, False),
    ("a<5", {"a": "4_0"}, False),
    ("a>0", {"a": "99999999999999999999"}, False),  # out of int64 range: ParseInt fails
    ("a=b,c!=d", {"a": "b", "c": "e"}, True),
    ("a=b,c!=d", {"a": "b", "c": "d"}, False),
])
def test_label_matching(text, labels, expected):
    assert parse_label_selector(text).matches(labels) is expected


def test_label_matches_none_labels_and_requires_exact_match():
    assert parse_label_selector("!a").matches(None)
    assert not parse_label_selector("a").matches(None)
    sel = parse_label_selector("app in (x),tier=web,z!=1")
    assert sel.requires_exact_match("app") == "x"
    assert sel.requires_exact_match("tier") == "web"
    assert sel.requires_exact_match("z") is None
    assert sel.requires_exact_match("nope") is None


# ---------------------------------------------------------------------------
# field selectors
# ---------------------------------------------------------------------------


def test_field_parse_operators_and_escapes():
    assert parse_field_selector("a=b").requirements == [("a", "=", "b")]
    assert parse_field_selector("a==b").requirements == [("a", "=", "b")]
    assert parse_field_selector("a!=b").requirements == [("a", "!=", "b")]
    assert parse_field_selector("a=").requirements == [("a", "=", "")]
    assert parse_field_selector("a!=").requirements == [("a", "!=", "")]
    assert parse_field_selector(r"a=x\,y\=z\\w").requirements == [("a", "=", "x,y=z\\w")]
    assert parse_field_selector("a=b,,").requirements == [("a", "=", "b")]
    # no trimming, the lhs is not validated at parse time
    assert parse_field_selector(" a = b").requirements == [(" a ", "=", " b")]
    assert parse_field_selector("=x").requirements == [("", "=", "x")]
    # terms come back sorted as written (sort.StringSlice(parts))
    assert parse_field_selector("b=1,a!=2").requirements == [("a", "!=", "2"), ("b", "=", "1")]


@pytest.mark.parametrize("text", [None, "", ",", ",,,"])
def test_field_empty(text):
    sel = parse_field_selector(text)
    assert sel.empty and sel.matches({}) and sel.single_name() is None


def test_field_parse_errors():
    assert ferr("a") == "invalid selector: 'a'; can't understand 'a'"
    assert ferr("x=1,a!b") == "invalid selector: 'x=1,a!b'; can't understand 'a!b'"
    assert ferr("a=b=c") == "invalid field selector: unescaped character in value: 61"
    assert ferr("a=!=b") == "invalid field selector: unescaped character in value: 61"
    assert ferr(r"a=\q") == r"invalid field selector: invalid escape sequence: \q"
    assert ferr("a=b\\") == "invalid field selector: invalid escape sequence: \\"
    assert ferr(r"a=x\,b=y") == "invalid field selector: unescaped character in value: 61"


def test_field_matching():
    f = {"status.phase": "Running", "spec.nodeName": "n1"}
    assert parse_field_selector("status.phase=Running").matches(f)
    assert not parse_field_selector("status.phase=Pending").matches(f)
    assert parse_field_selector("status.phase!=Pending,spec.nodeName==n1").matches(f)
    assert not parse_field_selector("status.phase!=Running").matches(f)
    # absent fields are "" (fields.Set.Get)
    assert parse_field_selector("missing=").matches(f)
    assert parse_field_selector("missing!=x").matches(f)
    assert not parse_field_selector("missing!=").matches(f)
    assert parse_field_selector("spec.nodeName!=").matches(f)


def test_field_single_name_and_exact_match():
    assert parse_field_selector("metadata.name=foo").single_name() == "foo"
    assert parse_field_selector("metadata.name==foo").single_name() == "foo"
    assert parse_field_selector("metadata.name!=foo").single_name() is None
    assert parse_field_selector("metadata.name=foo,metadata.namespace=x").single_name() is None
    assert parse_field_selector(r"metadata.name=a\,b").single_name() == "a,b"
    sel = parse_field_selector("metadata.namespace=x,metadata.name=foo")
    assert sel.requires_exact_match("metadata.name") == "foo"
    assert sel.fields == {"metadata.name", "metadata.namespace"}


def test_field_str_round_trip_escapes():
    sel = parse_field_selector(r"a=x\,y,b!=\\")
    assert str(sel) == r"a=x\,y,b!=\\"
    assert parse_field_selector(str(sel)) == sel
    assert escape_field_value("a\\b,c=d") == r"a\\b\,c\=d"


# ---------------------------------------------------------------------------
# supported fields and validation
# ---------------------------------------------------------------------------


def verr(text, group, resource, **kw):
    with pytest.raises(SelectorError) as ei:
        validate_field_selector(parse_field_selector(text), group, resource, **kw)
    return str(ei.value)


def test_supported_fields_tables():
    assert supported_fields("", "pods") >= {
        "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
        "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
        "status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host"}
    assert supported_fields("", "nodes") == {"metadata.name", "spec.unschedulable"}
    assert supported_fields("", "namespaces") == {"metadata.name", "status.phase"}
    assert supported_fields("", "secrets") == {"metadata.name", "metadata.namespace", "type"}
    assert supported_fields("", "services") == {"metadata.name", "metadata.namespace", "spec.clusterIP",
                                                "spec.type"}
    assert supported_fields("", "replicationcontrollers") == {"metadata.name", "metadata.namespace",
                                                              "status.replicas"}
    assert "source" in supported_fields("", "events") and "reportingComponent" in supported_fields("", "events")
    assert supported_fields("events.k8s.io", "events") == {
        "metadata.name", "metadata.namespace", "reason", "type", "reportingController",
        "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
        "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath"}
    assert supported_fields("batch", "jobs") == {"metadata.name", "metadata.namespace", "status.successful"}
    assert supported_fields("certificates.k8s.io", "certificatesigningrequests") == {
        "metadata.name", "spec.signerName"}
    # apps/v1 registers no conversion func: status.replicas is rejected upstream (k/k#135136)
    assert supported_fields("apps", "replicasets") == {"metadata.name", "metadata.namespace"}
    assert supported_fields("", "configmaps") == {"metadata.name", "metadata.namespace"}


def test_validate_messages_per_conversion_func():
    validate_field_selector(parse_field_selector("spec.nodeName=n,status.phase!=x"), "", "pods")
    assert verr("spec.nodeName=n,foo=bar", "", "pods") == "field label not supported: foo"
    assert verr("metadata.namespace=x", "", "nodes") == "field label not supported: metadata.namespace"
    assert verr("foo.bar=baz", "networking.k8s.io", "ingresses") == (
        '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"')
    assert verr("status.replicas=0", "apps", "replicasets") == (
        '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"')
    assert verr("x=y", "batch", "jobs") == 'field label "x" not supported for Job'
    assert verr("involvedObject.name=x", "events.k8s.io", "events") == (
        "field label not supported: involvedObject.name")
    assert verr("regarding.name=x", "", "events") == "field label not supported: regarding.name"
    assert verr("spec.x=1", "resource.k8s.io", "resourceslices") == (
        "field label not supported for resource.k8s.io/v1beta2, Kind=ResourceSlice: spec.x")
    assert verr("spec.x=1", "route.openshift.io", "routes") == (
        '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"')
    # first unsupported label in (sorted) selector order wins
    assert verr("zz=1,aa=2", "", "pods") == "field label not supported: aa"
    # lhs is not trimmed
    assert verr("metadata.name =x", "", "pods") == "field label not supported: metadata.name "


def test_validate_custom_resources():
    validate_field_selector(parse_field_selector("metadata.namespace=x"), "example.com", "widgets",
                            custom_resource=True, namespaced=True)
    assert verr("metadata.namespace=x", "example.com", "widgets", custom_resource=True,
                namespaced=False) == "field label not supported: metadata.namespace"
    assert verr("spec.color=x", "example.com", "widgets", custom_resource=True) == (
        "field label not supported: spec.color")
    validate_field_selector(parse_field_selector("spec.color=red"), "example.com", "widgets",
                            custom_resource=True, selectable_fields=[".spec.color"])
    obj = {"metadata": {"name": "w", "namespace": "ns"}, "spec": {"color": "red", "big": True, "n": 3}}
    vals = field_values("example.com", "widgets", obj, selectable_fields=[".spec.color", ".spec.big",
                                                                          ".spec.n", ".spec.none"])
    assert vals["spec.color"] == "red" and vals["spec.big"] == "true" and vals["spec.n"] == "3"
    assert "spec.none" not in vals


# ---------------------------------------------------------------------------
# field values on synthetic objects
# ---------------------------------------------------------------------------


def test_pod_field_values_defaults_and_formats():
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "p", "namespace": "ns"},
           "spec": {"nodeName": "n1", "hostNetwork": True, "serviceAccount": "legacy"},
           "status": {"phase": "Running", "podIP": "10.0.0.9",
                      "podIPs": [{"ip": "10.0.0.1"}, {"ip": "fd00::1"}]}}
    v = field_values("", "pods", pod)
    assert v["metadata.name"] == "p" and v["metadata.namespace"] == "ns"
    assert v["spec.nodeName"] == "n1" and v["spec.host"] == "n1"
    assert v["spec.hostNetwork"] == "true"
    assert v["spec.restartPolicy"] == "Always"
    assert v["spec.schedulerName"] == "default-scheduler"
    assert v["spec.serviceAccountName"] == "legacy"
    assert v["status.podIP"] == "10.0.0.1"
    assert v["status.podIPs"] == ""
    assert v["status.nominatedNodeName"] == ""
    assert set(v) >= supported_fields("", "pods")
    bare = field_values("", "pods", {"metadata": {"name": "q"}, "status": {"podIP": "1.2.3.4"}})
    assert bare["spec.hostNetwork"] == "false" and bare["status.podIP"] == "1.2.3.4"
    sel = parse_field_selector("spec.host=n1,status.podIPs=,spec.hostNetwork=true")
    validate_field_selector(sel, "", "pods")
    assert sel.matches(v)


def test_other_builtin_field_values():
    assert field_values("", "nodes", {"metadata": {"name": "n"}})["spec.unschedulable"] == "false"
    assert field_values("", "nodes", {"metadata": {"name": "n"},
                                      "spec": {"unschedulable": True}})["spec.unschedulable"] == "true"
    assert field_values("", "namespaces", {"metadata": {"name": "x"}})["status.phase"] == "Active"
    assert field_values("", "secrets", {"metadata": {"name": "s"}})["type"] == "Opaque"
    assert field_values("", "secrets", {"metadata": {"name": "s"}, "type": "kubernetes.io/tls"})["type"] == \
        "kubernetes.io/tls"
    svc = field_values("", "services", {"metadata": {"name": "s"}, "spec": {"clusterIP": "None"}})
    assert svc["spec.type"] == "ClusterIP" and svc["spec.clusterIP"] == "None"
    assert field_values("", "replicationcontrollers", {"metadata": {}})["status.replicas"] == "0"
    assert field_values("", "replicationcontrollers", {"status": {"replicas": 3}})["status.replicas"] == "3"
    assert field_values("batch", "jobs", {"status": {"succeeded": 2}})["status.successful"] == "2"
    assert field_values("certificates.k8s.io", "certificatesigningrequests",
                        {"spec": {"signerName": "kubernetes.io/kubelet-serving"}})["spec.signerName"] == \
        "kubernetes.io/kubelet-serving"
    assert field_values("", "configmaps", {"metadata": {"name": "c", "namespace": "n"}}) == {
        "metadata.name": "c", "metadata.namespace": "n"}
    assert field_values("", "persistentvolumes", {"metadata": {"name": "pv"}})["metadata.namespace"] == ""


def test_openshift_field_values():
    b = field_values("build.openshift.io", "builds", {"metadata": {"name": "app-1"},
                                                      "status": {"phase": "Complete"}})
    assert b["status"] == "Complete" and b["podName"] == "app-1-build"
    long = field_values("build.openshift.io", "builds", {"metadata": {"name": "b" * 250}})["podName"]
    assert len(long) <= 253 and long.endswith("-build") and re.fullmatch(r"b+-[0-9a-f]{8}-build", long)
    r = field_values("route.openshift.io", "routes", {"spec": {"host": "h", "path": "/p", "to": {"name": "svc"}}})
    assert (r["spec.host"], r["spec.path"], r["spec.to.name"]) == ("h", "/p", "svc")


CORE_EVENT = {
    "apiVersion": "v1", "kind": "Event",
    "metadata": {"name": "e", "namespace": "ns"},
    "involvedObject": {"kind": "Pod", "namespace": "ns", "name": "p", "uid": "u1", "apiVersion": "v1",
                       "resourceVersion": "7", "fieldPath": "spec.containers{c}"},
    "reason": "Created", "type": "Normal", "source": {"component": "kubelet", "host": "n1"},
    "reportingComponent": "kubelet-rc",
}
V1_EVENT = {
    "apiVersion": "events.k8s.io/v1", "kind": "Event",
    "metadata": {"name": "e", "namespace": "ns"},
    "regarding": {"kind": "Pod", "namespace": "ns", "name": "p", "uid": "u1", "apiVersion": "v1",
                  "resourceVersion": "7", "fieldPath": "spec.containers{c}"},
    "reason": "Created", "type": "Normal", "deprecatedSource": {"component": "kubelet", "host": "n1"},
    "reportingController": "kubelet-rc", "note": "hello",
}


def test_event_field_values_same_for_both_archived_forms():
    a = field_values("", "events", CORE_EVENT)
    b = field_values("events.k8s.io", "events", V1_EVENT)
    assert a == b
    assert a["involvedObject.name"] == "p" and a["regarding.name"] == "p"
    assert a["source"] == "kubelet"
    assert a["reportingComponent"] == "kubelet-rc" == a["reportingController"]
    assert set(a) >= supported_fields("", "events") | supported_fields("events.k8s.io", "events")
    # source falls back to the reporting controller when source.component is empty
    no_src = dict(V1_EVENT, deprecatedSource={})
    assert field_values("events.k8s.io", "events", no_src)["source"] == "kubelet-rc"
    # the events.k8s.io spelling selects through its conversion to the core label
    sel = parse_field_selector("regarding.name=p,reportingController=kubelet-rc")
    validate_field_selector(sel, "events.k8s.io", "events")
    assert sel.matches(a)


# ---------------------------------------------------------------------------
# Hypothesis: an independent model of the label grammar
# ---------------------------------------------------------------------------

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
name_part = st.builds(
    lambda a, mid, b: a + mid + b if b is not None else a,
    st.sampled_from(ALNUM),
    st.text(alphabet=ALNUM + "-_.", max_size=6),
    st.one_of(st.none(), st.sampled_from(ALNUM)),
).filter(lambda s: len(s) <= 63)
dns_label = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,4}[a-z0-9])?", fullmatch=True)
prefix = st.lists(dns_label, min_size=1, max_size=3).map(".".join)
label_key = st.one_of(name_part, st.builds(lambda p, n: p + "/" + n, prefix, name_part),
                      st.sampled_from(["in", "notin", "app.kubernetes.io/name"]))
label_value = st.one_of(st.just(""), name_part, st.sampled_from(["in", "notin", "1", "42"]))
int_value = st.integers(min_value=0, max_value=2**63 - 1).map(str)
ws = st.sampled_from(["", " ", "  ", "\t", "\n", " \r\n "])
ws1 = st.sampled_from([" ", "  ", "\t", "\n"])


@st.composite
def requirement_model(draw):
    key = draw(label_key)
    op = draw(st.sampled_from(["exists", "!", "=", "==", "!=", "in", "notin", "gt", "lt"]))
    if op in ("exists", "!"):
        vals = []
    elif op in ("gt", "lt"):
        vals = [draw(int_value)]
    elif op in ("in", "notin"):
        nonempty = draw(st.lists(name_part | st.sampled_from(["in", "notin"]), max_size=4))
        lead_empty = draw(st.booleans())
        if not nonempty:
            vals = [""]
        else:
            vals = ([""] if lead_empty else []) + nonempty
    else:
        vals = [draw(label_value)]
    return key, op, vals


def render_requirement(draw, key, op, vals):
    w = lambda: draw(ws)  # noqa: E731
    if op == "exists":
        return w() + key + w()
    if op == "!":
        return w() + "!" + w() + key + w()
    if op in ("in", "notin"):
        inner = ",".join(w() + v + w() for v in vals) if vals != [""] else w()
        return w() + key + draw(ws1) + op + w() + "(" + inner + ")" + w()
    sym = {"gt": ">", "lt": "<"}.get(op, op)
    return w() + key + w() + sym + w() + vals[0] + w()


@st.composite
def selector_model(draw):
    model = draw(st.lists(requirement_model(), min_size=1, max_size=5))
    text = ",".join(render_requirement(draw, *r) for r in model)
    return model, text


def model_matches(model, labels):
    for key, op, vals in model:
        has = key in labels
        v = labels.get(key)
        if op == "exists":
            ok = has
        elif op == "!":
            ok = not has
        elif op in ("=", "==", "in"):
            ok = has and v in vals
        elif op in ("!=", "notin"):
            ok = not has or v not in vals
        else:
            try:
                n = int(v) if has and re.fullmatch(r"[+-]?[0-9]+", v) else None
            except ValueError:
                n = None
            if n is None or not -(2**63) <= n < 2**63:
                ok = False
            else:
                ok = n > int(vals[0]) if op == "gt" else n < int(vals[0])
        if not ok:
            return False
    return True


@st.composite
def labels_for(draw, model):
    keys = [k for k, _, _ in model]
    out = {}
    for k in keys:
        if draw(st.booleans()):
            out[k] = draw(st.one_of(label_value, int_value, st.sampled_from(["-3", "x1"])))
    extra = draw(st.dictionaries(label_key, label_value, max_size=2))
    out.update(extra)
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_label_generated_selectors_parse_match_and_round_trip(data):
    model, text = data.draw(selector_model())
    sel = parse_label_selector(text)
    expected = sorted((k, op, tuple(sorted(set(vals)))) for k, op, vals in model)
    assert sorted(tuple(r) for r in sel.requirements) == expected
    assert not sel.empty
    again = parse_label_selector(str(sel))
    assert again == sel
    for _ in range(3):
        labels = data.draw(labels_for(model))
        assert sel.matches(labels) == model_matches(model, labels)


special_text = st.lists(st.sampled_from(list("ab1-_./=!(),<> \t\\\x00é") + [" in ", " notin ", "in", "notin"]),
                        max_size=20).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=40), special_text))
def test_label_arbitrary_text_only_raises_selector_error(text):
    try:
        sel = parse_label_selector(text)
    except SelectorError as e:
        assert str(e)
        return
    assert isinstance(sel, LabelSelector)
    sel.matches({"a": "1"})
    assert parse_label_selector(str(sel)) == sel


# ---------------------------------------------------------------------------
# Hypothesis: field selectors
# ---------------------------------------------------------------------------

field_name = st.text(alphabet=st.characters(blacklist_characters="=!,\\", blacklist_categories=("Cs",)),
                     max_size=12)
field_value = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def field_model(draw):
    items = draw(st.lists(st.tuples(field_name, st.sampled_from(["=", "==", "!="]), field_value),
                          min_size=1, max_size=5))
    # an empty lhs with "=" and a value starting with "=" would read as "=="; the escaper
    # escapes "=", so every rendering is unambiguous.
    text = ",".join(f + op + escape_field_value(v) for f, op, v in items)
    return items, text


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_field_generated_selectors_parse_and_match(data):
    items, text = data.draw(field_model())
    sel = parse_field_selector(text)
    model = sorted((f, "!=" if op == "!=" else "=", v) for f, op, v in items)
    assert sorted(sel.requirements) == model
    assert sorted(parse_field_selector(str(sel)).requirements) == model
    fields = data.draw(st.dictionaries(st.sampled_from([f for f, _, _ in items] + ["other"]),
                                       st.one_of(field_value, st.sampled_from([v for _, _, v in items])),
                                       max_size=4))
    expected = all((fields.get(f, "") == v) if op != "!=" else (fields.get(f, "") != v) for f, op, v in items)
    assert sel.matches(fields) == expected


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=40),
                      st.text(alphabet=st.sampled_from(list("ab=!,\\ .x")), max_size=30)))
def test_field_arbitrary_text_only_raises_selector_error(text):
    try:
        sel = parse_field_selector(text)
    except SelectorError as e:
        assert str(e)
        return
    assert isinstance(sel, FieldSelector)
    sel.matches({"a": "b"})
    for group, resource in (("", "pods"), ("events.k8s.io", "events"), ("", "configmaps")):
        try:
            validate_field_selector(sel, group, resource)
        except SelectorError:
            pass


# ---------------------------------------------------------------------------
# Real sample objects (skipped when ../shared/samples is absent)
# ---------------------------------------------------------------------------

RW = SAMPLES / "resourcewatch-okd-3nodes"
MG48 = SAMPLES / "must-gather-clean-release-4.8" / "release-4.8"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(path):
    with open(path, "rb") as f:
        return yaml.load(f, Loader=_Loader)


def _items(doc):
    if isinstance(doc, dict) and doc.get("kind", "").endswith("List") and "items" in doc:
        return doc["items"] or []
    return [doc]


@pytest.mark.samples
@pytest.mark.skipif(not RW.is_dir(), reason="shared samples not present")
def test_samples_pods_field_values():
    paths = sorted(RW.glob("namespaces/*/core/pods/*.yaml"))
    assert paths
    host_network = 0
    for p in paths:
        pod = _load(p)
        v = field_values("", "pods", pod)
        assert set(v) >= supported_fields("", "pods")
        assert v["metadata.name"] == p.stem
        assert v["metadata.namespace"] == p.parts[-4]
        spec, status = pod.get("spec", {}), pod.get("status", {})
        assert v["spec.nodeName"] == spec.get("nodeName", "")
        assert v["spec.restartPolicy"] == spec["restartPolicy"]
        assert v["spec.schedulerName"] == spec["schedulerName"]
        assert v["spec.hostNetwork"] == ("true" if spec.get("hostNetwork") else "false")
        host_network += v["spec.hostNetwork"] == "true"
        assert v["status.phase"] == status.get("phase", "")
        ips = [x["ip"] for x in status.get("podIPs") or []]
        assert v["status.podIP"] == (ips[0] if ips else status.get("podIP", ""))
        if status.get("podIP"):
            assert v["status.podIP"] == status["podIP"]
        sel = parse_field_selector("metadata.name=%s,spec.nodeName=%s" % (p.stem, v["spec.nodeName"]))
        validate_field_selector(sel, "", "pods")
        assert sel.matches(v)
        assert parse_label_selector(",".join("%s=%s" % kv for kv in
                                             (pod["metadata"].get("labels") or {}).items())).matches(
            pod["metadata"].get("labels"))
    assert host_network > 0


def _core_from_events_v1(ev):
    """Independent re-statement of Convert_v1_Event_To_core_Event for the test."""
    core = {k: v for k, v in ev.items() if k not in (
        "regarding", "deprecatedSource", "reportingController", "note", "deprecatedCount",
        "deprecatedFirstTimestamp", "deprecatedLastTimestamp")}
    core["apiVersion"] = "v1"
    core["involvedObject"] = ev.get("regarding", {})
    core["source"] = ev.get("deprecatedSource", {})
    core["reportingComponent"] = ev.get("reportingController", "")
    core["message"] = ev.get("note", "")
    return core


@pytest.mark.samples
@pytest.mark.skipif(not RW.is_dir(), reason="shared samples not present")
def test_samples_events_v1_form_matches_core_form():
    paths = sorted(RW.glob("namespaces/*/events.k8s.io/events/*.yaml"))[:300]
    assert paths
    for p in paths:
        ev = _load(p)
        v1 = field_values("events.k8s.io", "events", ev)
        core = field_values("", "events", _core_from_events_v1(ev))
        assert v1 == core
        reg = ev.get("regarding", {})
        assert v1["regarding.name"] == reg.get("name", "") == v1["involvedObject.name"]
        assert v1["regarding.kind"] == reg.get("kind", "")
        comp = (ev.get("deprecatedSource") or {}).get("component", "")
        assert v1["source"] == (comp or ev.get("reportingController", ""))
        sel = parse_field_selector("regarding.kind=%s,regarding.name=%s" % (
            escape_field_value(v1["regarding.kind"]), escape_field_value(v1["regarding.name"])))
        validate_field_selector(sel, "events.k8s.io", "events")
        assert sel.matches(v1)
        core_sel = parse_field_selector("involvedObject.name=%s" % escape_field_value(v1["involvedObject.name"]))
        validate_field_selector(core_sel, "", "events")
        assert core_sel.matches(core)


@pytest.mark.samples
@pytest.mark.skipif(not RW.is_dir(), reason="shared samples not present")
def test_samples_nodes_field_values():
    paths = sorted(RW.glob("cluster-scoped-resources/core/nodes/*.yaml"))
    assert paths
    for p in paths:
        node = _load(p)
        v = field_values("", "nodes", node)
        assert v["metadata.name"] == p.stem
        assert v["metadata.namespace"] == ""
        assert v["spec.unschedulable"] == ("true" if node.get("spec", {}).get("unschedulable") else "false")
        assert parse_field_selector("spec.unschedulable=false").matches(v) != (v["spec.unschedulable"] == "true")
        assert parse_label_selector("kubernetes.io/hostname").matches(node["metadata"]["labels"])
        assert parse_label_selector("node-role.kubernetes.io/master").matches(node["metadata"]["labels"]) == (
            "node-role.kubernetes.io/master" in node["metadata"]["labels"])


@pytest.mark.samples
@pytest.mark.skipif(not MG48.is_dir(), reason="shared samples not present")
def test_samples_core_events_secrets_services():
    ev_items = [e for e in _items(_load(MG48 / "namespaces/kube-system/core/events.yaml")) if e]
    assert ev_items
    for ev in ev_items:
        v = field_values("", "events", ev)
        io = ev.get("involvedObject") or {}
        assert v["involvedObject.kind"] == io.get("kind", "")
        assert v["reason"] == ev.get("reason", "")
        assert v["source"] == ((ev.get("source") or {}).get("component") or ev.get("reportingComponent") or "")
    for path in MG48.glob("namespaces/*/core/secrets.yaml"):
        for s in _items(_load(path)):
            assert field_values("", "secrets", s)["type"] == s.get("type", "Opaque")
    for path in MG48.glob("namespaces/*/core/services.yaml"):
        for s in _items(_load(path)):
            v = field_values("", "services", s)
            assert v["spec.type"] == s["spec"].get("type", "ClusterIP")
            assert v["spec.clusterIP"] == s["spec"].get("clusterIP", "")
