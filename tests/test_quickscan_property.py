"""quickscan.quick_identity (a per-object file's identity from a byte scan, so that the twin of a
List item is not parsed twice: ingest.resolve_quick) must never name another object than the parse
does: a property test over mutated per-object files.

When it answers, its (group, version, kind, namespace, name, uid, resourceVersion) must be what the
reference parse and records.record_of make of the file; when in doubt it answers None (the file is
then parsed). Mutations: identity values that PyYAML reads as non-strings ('yes', '0777', '6', '~'),
quoted forms, repeated lines, continuation lines of plain scalars, re-indented and dropped lines.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staticapi.source.parse import ParseError, reference_load
from staticapi.source.quickscan import quick_identity
from staticapi.source.records import _rv, split_api_version

BASE = """apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2023-03-08T11:55:01Z"
  labels:
    app: etcd
  name: etcd-master-0
  namespace: openshift-etcd
  resourceVersion: "21947"
  uid: 65133408-7e8b-439f-b101-324271a0d745
spec:
  nodeName: master-0
status:
  phase: Running
"""
VALUES = ["etcd-master-0", "yes", "no", "on", "0777", "6", "1e3", "1.5", "~", "null", "true", '"yes"', "'0777'",
          '"21947"', "21947", "021947", "0x1F", "1_000", "x # c", '"a\\u0062"', "'it''s'", "a b", "-", "=", "<<",
          "2023-03-08", "v1", "events.k8s.io/v1", ""]
KEYS = ["apiVersion", "kind", "  name", "  namespace", "  resourceVersion", "  uid"]


@st.composite
def mutants(draw) -> str:
    lines = BASE.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["value", "repeat", "continue", "indent", "drop", "blank"]))
        key = draw(st.sampled_from(KEYS))
        i = next(k for k, line in enumerate(lines) if line.startswith(key + ":") or line == key + ":") \
            if any(line.startswith(key + ":") for line in lines) else draw(st.integers(0, len(lines) - 1))
        if op == "value":
            lines[i] = f"{key}: {draw(st.sampled_from(VALUES))}".rstrip()
        elif op == "repeat":
            lines.insert(i + draw(st.integers(0, 2)), f"{key}: {draw(st.sampled_from(VALUES))}".rstrip())
        elif op == "continue":
            lines.insert(i + 1, " " * draw(st.integers(1, 6)) + draw(st.sampled_from(["x", "---", "- a", "b: c"])))
        elif op == "indent":
            lines[i] = " " + lines[i]
        elif op == "drop":
            del lines[i]
        else:
            lines.insert(i + 1, "")
    return "\n".join(lines)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutants())
def test_quick_identity_is_the_parsed_identity(text: str) -> None:
    data = text.encode("utf-8")
    q = quick_identity(data)
    if q is None:
        return
    try:
        docs = reference_load(data)
    except ParseError:
        # a broken file is parsed (and its error reported) unless a List holds the same uid and
        # resourceVersion: then it is the same object version, and the List's copy is served
        return
    assert len(docs) == 1 and isinstance(docs[0], dict), (text, q)
    obj = docs[0]
    meta = obj.get("metadata")
    assert isinstance(meta, dict) and isinstance(meta.get("name"), str) and meta["name"], (text, q)
    assert isinstance(obj.get("apiVersion"), str) and isinstance(obj.get("kind"), str), (text, q)
    g, v = split_api_version(obj["apiVersion"])
    ns = meta.get("namespace")
    uid = meta.get("uid")
    real = (g, v, obj["kind"], ns if isinstance(ns, str) else "", meta["name"],
            uid if isinstance(uid, str) else "", _rv(meta))
    assert q == real, (text, q, real)
