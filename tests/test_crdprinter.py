"""CRD server-side printing (staticapi.crdprinter) and the packaged CRD data.

Reference behaviour: apiextensions-apiserver tableconvertor.go (New, ConvertToTable,
cellForJSONValue) and helpers.go (serveDefaultColumnsIfEmpty).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from staticapi.kube.crdprinter import (
    CREATION_TIMESTAMP_DESCRIPTION,
    NAME_COLUMN_DESCRIPTION,
    bundled_crd_schema,
    bundled_crds,
    cell_for_json_value,
    crd_columns,
    crd_record_from_object,
    crd_row_cells,
    crd_schemas_from_object,
)
from staticapi.kube.jsonpath import compile_template

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
OKD = SAMPLES / "resourcewatch-okd-3nodes"
NOW = datetime(2023, 3, 8, 12, 10, tzinfo=timezone.utc)


def ago(**kw) -> str:
    return (NOW - timedelta(**kw)).strftime("%Y-%m-%dT%H:%M:%SZ")


def co_columns() -> list[dict]:
    rec = next(c for c in bundled_crds() if c["group"] == "config.openshift.io" and c["plural"] == "clusteroperators")
    return rec["versions"][0]["additionalPrinterColumns"]


NAME_COL = {"name": "Name", "type": "string", "format": "name", "description": NAME_COLUMN_DESCRIPTION,
            "priority": 0}


# --------------------------------------------------------------------------- columns


def test_default_columns_are_name_and_age():
    expect = [NAME_COL, {"name": "Age", "type": "date", "format": "", "description": CREATION_TIMESTAMP_DESCRIPTION,
                         "priority": 0}]
    assert crd_columns(None) == expect
    assert crd_columns([]) == expect
    obj = {"metadata": {"name": "x", "creationTimestamp": ago(hours=3, minutes=5)}}
    assert crd_row_cells(None, obj, NOW) == ["x", "3h5m"]
    assert crd_row_cells([], {"metadata": {"name": "y"}}, NOW) == ["y", None]


def test_clusteroperator_columns():
    cols = crd_columns(co_columns())
    assert [c["name"] for c in cols] == ["Name", "Version", "Available", "Progressing", "Degraded", "Since"]
    assert [c["type"] for c in cols] == ["string", "string", "string", "string", "string", "date"]
    assert cols[1] == {"name": "Version", "type": "string", "format": "",
                       "description": "The version the operator is at.",
                       "priority": 0}
    assert all(set(c) == {"name", "type", "format", "description", "priority"} for c in cols)


def test_column_description_default_format_and_priority():
    cols = crd_columns([
        {"name": "Paused", "type": "boolean", "jsonPath": ".status.paused", "priority": 1},
        {"name": "Ready", "type": "string", "format": "byte", "description": "d", "jsonPath": ".status.ready"},
    ])
    assert cols[1] == {"name": "Paused", "type": "boolean", "format": "",
                       "description": "Custom resource definition column (in JSONPath format): .status.paused",
                       "priority": 1}
    assert cols[2]["format"] == "byte" and cols[2]["description"] == "d"


def test_invalid_column_path_ends_the_column_list():
    # tableconvertor.New returns the convertor built so far together with the error
    columns = [
        {"name": "A", "type": "string", "jsonPath": ".a"},
        {"name": "Bad", "type": "string", "jsonPath": ".b["},
        {"name": "C", "type": "string", "jsonPath": ".c"},
    ]
    assert [c["name"] for c in crd_columns(columns)] == ["Name", "A"]
    assert crd_row_cells(columns, {"metadata": {"name": "n"}, "a": "x", "c": "y"}, NOW) == ["n", "x"]


# --------------------------------------------------------------------------- cells


def cell(col_type: str, path: str, obj: dict):
    return crd_row_cells([{"name": "C", "type": col_type, "jsonPath": path}], obj, NOW)[1]


def test_string_cells_are_printed_like_jsonpath():
    obj = {"s": "text", "i": 7, "f": 2.5, "big": 1e6, "b": False, "l": ["configMap", "csi"], "m": {"z": 1, "a": "<"},
           "n": None}
    assert cell("string", ".s", obj) == "text"
    assert cell("string", ".i", obj) == "7"
    assert cell("string", ".f", obj) == "2.5"
    assert cell("string", ".big", obj) == "1e+06"
    assert cell("string", ".b", obj) == "false"
    assert cell("string", ".l", obj) == '["configMap","csi"]'  # like `oc get scc` VOLUMES
    assert cell("string", ".m", obj) == '{"a":"\\u003c","z":1}'
    assert cell("string", ".n", obj) == "<no value>"  # like `oc get scc` CAPS for a null list
    assert cell("string", ".missing", obj) is None  # kubectl prints <none>
    assert cell("string", ".l[5]", obj) is None  # evaluation error -> nil cell
    assert cell("string", ".l[*]", obj) == "configMap"  # only the first result is used


def test_typed_cells():
    obj = {"i": 3, "f": 3.9, "nf": -3.9, "s": "3", "b": True, "n": None}
    assert cell("integer", ".i", obj) == 3
    assert cell("integer", ".f", obj) == 3
    assert cell("integer", ".nf", obj) == -3
    assert cell("integer", ".s", obj) is None
    assert cell("integer", ".b", obj) is None
    assert cell("integer", ".n", obj) is None
    assert cell("number", ".i", obj) == 3.0 and isinstance(cell("number", ".i", obj), float)
    assert cell("number", ".f", obj) == 3.9
    assert cell("number", ".s", obj) is None
    assert cell("boolean", ".b", obj) is True
    assert cell("boolean", ".s", obj) is None
    assert cell("object", ".i", obj) is None  # an unknown type gives nil
    assert cell_for_json_value("string", "x", NOW) == "x"


@pytest.mark.parametrize("value,expect", [
    ("", "<unknown>"),
    ("null", "<unknown>"),
    ("0001-01-01T00:00:00Z", "<unknown>"),
    ("yesterday", "<invalid>"),
    ("2023-03-08", "<invalid>"),
    ("2023-02-30T00:00:00Z", "<invalid>"),
    ("2023-03-08T12:09:30Z", "30s"),
    ("2023-03-08T12:09:30.123456789Z", "29s"),
    ("2023-03-08T13:09:30+01:00", "30s"),
    ("2023-03-08T09:00:00Z", "3h10m"),
    ("2023-03-01T12:10:00Z", "7d"),
    ("2023-03-08T12:10:01Z", "0s"),  # clock skew up to a second
    ("2023-03-08T12:20:00Z", "<invalid>"),  # in the future
])
def test_date_cells_are_ages(value, expect):
    assert cell("date", ".t", {"t": value}) == expect


def test_date_cell_of_non_string_is_nil():
    assert cell("date", ".t", {"t": 5}) is None
    assert cell("date", ".t", {}) is None


# --------------------------------------------------------------------------- bundled data


def test_bundled_crds():
    crds = bundled_crds()
    assert len(crds) == 122
    keys = {(c["group"], c["plural"]) for c in crds}
    assert len(keys) == 122
    for want in [("config.openshift.io", "clusteroperators"), ("config.openshift.io", "clusterversions"),
                 ("machineconfiguration.openshift.io", "machineconfigpools"), ("operators.coreos.com", "subscriptions"),
                 ("monitoring.coreos.com", "prometheuses"), ("security.openshift.io", "securitycontextconstraints"),
                 ("operator.openshift.io", "kubeapiservers")]:
        assert want in keys
    co = next(c for c in crds if c["plural"] == "clusteroperators")
    assert co["kind"] == "ClusterOperator" and co["scope"] == "Cluster" and co["shortNames"] == ["co"]
    for c in crds:
        assert set(c) == {"group", "kind", "plural", "singular", "scope", "shortNames", "categories", "versions"}
        assert c["scope"] in ("Cluster", "Namespaced")
        assert sum(v["storage"] for v in c["versions"]) == 1
        for v in c["versions"]:
            cols = v["additionalPrinterColumns"]
            # every packaged column parses, so none is dropped
            assert len(crd_columns(cols)) == 1 + (len(cols) or 1)
            for col in cols:
                compile_template("{" + col["jsonPath"] + "}")
    crds[0]["group"] = "mutated"
    assert bundled_crds()[0]["group"] != "mutated"


def test_bundled_crd_schema():
    s = bundled_crd_schema("config.openshift.io", "v1", "ClusterOperator")
    assert s["type"] == "object"
    assert {"spec", "status"} <= set(s["properties"])
    assert "conditions" in s["properties"]["status"]["properties"]
    assert bundled_crd_schema("config.openshift.io", "v9", "ClusterOperator") is None
    assert bundled_crd_schema("monitoring.coreos.com", "v1", "Prometheus")["properties"]["spec"]["type"] == "object"
    for c in bundled_crds():
        for v in c["versions"]:
            assert bundled_crd_schema(c["group"], v["name"], c["kind"]) is not None, (c["plural"], v["name"])


def test_crd_record_from_v1_object():
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets", "shortNames": ["wd"], "categories": ["all"]},
            "versions": [
                {"name": "v1", "served": True, "storage": True,
                 "schema": {"openAPIV3Schema": {"type": "object"}},
                 "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size",
                                               "priority": 1}]},
                {"name": "v1alpha1", "served": False, "storage": False},
            ],
        },
    }
    assert crd_record_from_object(crd) == {
        "group": "example.com", "kind": "Widget", "plural": "widgets", "singular": "widget", "scope": "Namespaced",
        "shortNames": ["wd"], "categories": ["all"],
        "versions": [
            {"name": "v1", "served": True, "storage": True,
             "additionalPrinterColumns": [{"name": "Size", "type": "integer", "priority": 1,
                                           "jsonPath": ".spec.size"}]},
            {"name": "v1alpha1", "served": False, "storage": False, "additionalPrinterColumns": []},
        ],
    }
    assert crd_schemas_from_object(crd) == {"v1": {"type": "object"}}


def test_crd_record_from_v1beta1_object():
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1beta1", "kind": "CustomResourceDefinition",
        "spec": {
            "group": "example.com", "version": "v1beta1",
            "names": {"kind": "Gadget", "plural": "gadgets"},
            "validation": {"openAPIV3Schema": {"type": "object"}},
            "additionalPrinterColumns": [{"name": "Phase", "type": "string", "JSONPath": ".status.phase"}],
        },
    }
    rec = crd_record_from_object(crd)
    assert rec["scope"] == "Namespaced" and rec["singular"] == "gadget"
    assert rec["versions"] == [{"name": "v1beta1", "served": True, "storage": True,
                                "additionalPrinterColumns": [{"name": "Phase", "type": "string",
                                                              "jsonPath": ".status.phase"}]}]
    assert crd_schemas_from_object(crd) == {"v1beta1": {"type": "object"}}
    cols = rec["versions"][0]["additionalPrinterColumns"]
    assert crd_row_cells(cols, {"metadata": {"name": "g"}, "status": {"phase": "Ok"}}, NOW) == ["g", "Ok"]


# --------------------------------------------------------------------------- real objects


def load_dir(path: Path) -> list[dict]:
    out = []
    for f in sorted(path.glob("*.yaml")):
        with open(f, "rb") as fh:
            out.append(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return out


def first(items, pred, key):
    for it in items or []:
        if isinstance(it, dict) and pred(it) and key in it:
            return it[key]
    return None


@pytest.mark.samples
@pytest.mark.skipif(not OKD.is_dir(), reason="../shared/samples not present")
@pytest.mark.parametrize("sample", ["resourcewatch-okd-3nodes", "resourcewatch-okd-sno"])
def test_real_clusteroperators(sample):
    from staticapi.kube.duration import translate_timestamp_since

    objs = load_dir(SAMPLES / sample / "cluster-scoped-resources" / "config.openshift.io" / "clusteroperators")
    assert len(objs) == 33
    # the same objects with parts of the status removed give nil cells
    stripped = [dict(objs[0], status={"conditions": [{"type": "Available", "status": "False"}]}),
                dict(objs[1], status=None), {"metadata": {"name": "bare"}}]
    cols = co_columns()
    with_version = 0
    for co in objs + stripped:
        cells = crd_row_cells(cols, co, NOW)
        status = co.get("status") or {}
        conds = status.get("conditions") or []

        def cond(t, key, conds=conds):
            return first(conds, lambda c: c.get("type") == t, key)

        since = cond("Available", "lastTransitionTime")
        expect = [
            co["metadata"]["name"],
            first(status.get("versions"), lambda v: v.get("name") == "operator", "version"),
            cond("Available", "status"),
            cond("Progressing", "status"),
            cond("Degraded", "status"),
            translate_timestamp_since(since, NOW) if since else None,
        ]
        assert cells == expect, co["metadata"]["name"]
        with_version += cells[1] is not None
    assert with_version == 33
    assert crd_row_cells(cols, stripped[0], NOW)[1:] == [None, "False", None, None, None]
    assert crd_row_cells(cols, stripped[2], NOW) == ["bare", None, None, None, None, None]
    if sample == "resourcewatch-okd-3nodes":
        dns = next(crd_row_cells(cols, co, NOW) for co in objs if co["metadata"]["name"] == "dns")
        assert dns == ["dns", "4.12.0-0.okd-2023-03-04-063026", "True", "False", "False", "23m"]


@pytest.mark.samples
@pytest.mark.skipif(not OKD.is_dir(), reason="../shared/samples not present")
def test_real_clusterversion():
    (cv,) = load_dir(OKD / "cluster-scoped-resources" / "config.openshift.io" / "clusterversions")
    rec = next(c for c in bundled_crds() if c["plural"] == "clusterversions")
    cols = rec["versions"][0]["additionalPrinterColumns"]
    assert [c["name"] for c in crd_columns(cols)] == ["Name", "Version", "Available", "Progressing", "Since", "Status"]
    cells = crd_row_cells(cols, cv, NOW)
    conds = cv["status"]["conditions"]
    prog = next(c for c in conds if c["type"] == "Progressing")
    assert cells[0] == "version"
    assert cells[1] == next(h["version"] for h in cv["status"]["history"] if h["state"] == "Completed")
    assert cells[2] == next(c["status"] for c in conds if c["type"] == "Available")
    assert cells[3] == prog["status"]
    from staticapi.kube.duration import translate_timestamp_since

    assert cells[4] == translate_timestamp_since(prog["lastTransitionTime"], NOW)
    assert cells[5] == (prog["message"] if "message" in prog else None)
