#!/usr/bin/env python3
"""Deterministic generator of realistic OpenShift-like must-gathers.

Why this exists: staticapi must be tested and benchmarked against must-gathers
that exercise every layout quirk and object shape seen in real ones, at sizes
from a few hundred KB (the bundled ``fixtures/must-gather``) to well over 1 GB
(benchmarks). Real must-gathers cannot be committed, so this script *models*
the real samples in ``shared/samples`` (same fields, the same key order and
YAML style as ``oc adm inspect`` writes, managedFields, realistic sizes) and
generates everything from a seeded ``random.Random``: the same arguments always
produce the same bytes.

Usage as a module::

    from gen_mustgather import generate
    counts = generate(Path("out"), namespaces=20, pods_per_ns=10, events_per_ns=30,
                      log_lines=50, seed=1, layout_variants=True, broken_files=True)

and as a script::

    python scripts/gen_mustgather.py OUT --preset fixture
    python scripts/gen_mustgather.py OUT --namespaces 200 --pods-per-ns 50 --events-per-ns 250

YAML is written by a small emitter of our own (``dump``) that reproduces the
output of gopkg.in/yaml.v2 as used by sigs.k8s.io/yaml (JSONToYAML), which is
what ``oc adm inspect`` writes:

* keys in yaml.v2's "natural" order (``sorter.go`` ``keyList.Less``: non-letters
  before letters, digit runs compared numerically);
* block sequences inside mappings are not indented (``- `` at the key's column);
* strings that would resolve to another type (numbers, booleans, null,
  timestamps) are double-quoted (``encode.go`` ``stringv``); strings that cannot
  be plain (indicators, ``": "``, ``" #"``) are single-quoted
  (``emitterc.go`` ``yaml_emitter_analyze_scalar``); strings with newlines use
  literal style with ``|``/``|-``/``|+`` chomping (``yaml_emitter_determine_chomping``);
* plain and single-quoted scalars are folded at a space once the column passes
  80 (``yaml_emitter_write_plain_scalar``, ``best_width = 80``), continuation
  lines indented two columns past the key.

This is fast enough for gigabyte trees: a pod object is emitted in tens of
microseconds, log lines come from templates.
"""
from __future__ import annotations

import argparse
import base64
import functools
import gzip
import heapq
import json
import random
import re
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

__all__ = ["generate", "dump", "PRESETS", "BROKEN_RELPATHS", "IMAGE_DIR", "IMAGE_DIR2"]

# ---------------------------------------------------------------------------
# YAML emitter (go-yaml v2 style, restricted to JSON-like data)
# ---------------------------------------------------------------------------

BEST_WIDTH = 80
_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
# yaml.v2 resolve.go boolean table (YAML 1.1) plus the merge key.
_BOOLS = frozenset(
    "y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF <<".split()
)
_NUM_START = frozenset("+-.0123456789")
_RADIX_RE = re.compile(r"0(?:[xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)")
_SEXAGESIMAL_RE = re.compile(r"[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_TIMESTAMP_RE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt \t])")
_FIRST_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_NONPRINTABLE_RE = re.compile(r"[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")


def _resolves_non_string(s: str) -> bool:
    """True if a plain ``s`` would load as something other than a string.

    Mirrors yaml.v2 ``resolve`` (numbers via strconv, timestamps, base-60 floats)
    and is a superset of PyYAML's YAML 1.1 implicit resolvers, so quoting by this
    rule is always safe for both readers.
    """
    if s in _NULLS or s in _BOOLS:
        return True
    if s[0] not in _NUM_START:
        return False
    t = s[1:] if s[0] in "+-" else s
    if not t:
        return False
    if t in (".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"):
        return True
    if t[0] not in "0123456789." or (t[0] == "." and len(t) > 1 and t[1] not in "0123456789"):
        return False
    try:
        float(t.replace("_", ""))
        return True
    except ValueError:
        pass
    return bool(_RADIX_RE.fullmatch(t) or _SEXAGESIMAL_RE.fullmatch(t) or _TIMESTAMP_RE.match(t))


def _plain_allowed(s: str) -> bool:
    """yaml_emitter_analyze_scalar's block_plain_allowed, for a one-line string."""
    c = s[0]
    if c in _FIRST_INDICATORS or c == " ":
        return False
    if c in "?:-" and (len(s) == 1 or s[1] == " "):
        return False
    if s[-1] == " " or s[-1] == ":":
        return False
    if s.startswith("---") or s.startswith("..."):
        return False
    if ": " in s or " #" in s:
        return False
    return True


def _fold(text: str, col: int, indent: int, single: bool) -> str:
    """Write ``text`` starting at column ``col`` with yaml.v2's line folding."""
    pad = "\n" + " " * indent
    out = []
    column = col
    spaces = False
    n = len(text)
    for i, ch in enumerate(text):
        if ch == " ":
            nxt = text[i + 1] if i + 1 < n else ""
            if (
                not spaces
                and column > BEST_WIDTH
                and nxt != " "
                and (not single or (i != 0 and i != n - 1))
            ):
                out.append(pad)
                column = indent
            else:
                out.append(" ")
                column += 1
            spaces = True
        else:
            if single and ch == "'":
                out.append("''")
                column += 2
            else:
                out.append(ch)
                column += 1
            spaces = False
    return "".join(out)


_DQ_ESC = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
           "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N",
           "\u2028": "\\L", "\u2029": "\\P"}


_DQ_SPECIAL_RE = re.compile(r'[\x00-\x1f"\\\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]')


def _dq(s: str, col: int, indent: int) -> str:
    """Double-quoted style with escapes and folding (yaml_emitter_write_double_quoted_scalar)."""
    if col + len(s) + 2 <= BEST_WIDTH + 1 and not _DQ_SPECIAL_RE.search(s):
        return '"' + s + '"'
    out = ['"']
    column = col + 1
    spaces = False
    n = len(s)
    pad = "\n" + " " * indent
    for i, ch in enumerate(s):
        o = ord(ch)
        if ch in _DQ_ESC or o < 0x20 or 0x7F <= o <= 0x9F or o == 0xFEFF or 0xD800 <= o <= 0xDFFF:
            e = _DQ_ESC.get(ch)
            if e is None:
                e = "\\x%02X" % o if o <= 0xFF else "\\u%04X" % o if o <= 0xFFFF else "\\U%08X" % o
            out.append(e)
            column += len(e)
            spaces = False
        elif ch == " ":
            if not spaces and column > BEST_WIDTH and 0 < i < n - 1:
                out.append(pad)
                column = indent
                if s[i + 1] == " ":
                    out.append("\\")
                    column += 1
            else:
                out.append(" ")
                column += 1
            spaces = True
        else:
            out.append(ch)
            column += 1
            spaces = False
    out.append('"')
    return "".join(out)


def _str(s: str, col: int, indent: int) -> str:
    """Render string ``s`` as a scalar starting at column ``col``."""
    if not s:
        return '""'
    if "\n" in s:
        return _literal(s, col, indent)
    if "\t" in s or _NONPRINTABLE_RE.search(s) or _resolves_non_string(s):
        return _dq(s, col, indent)
    if _plain_allowed(s):
        if col + len(s) <= BEST_WIDTH + 1 or " " not in s:
            return s
        return _fold(s, col, indent, False)
    if col + len(s) + 2 <= BEST_WIDTH + 1 or " " not in s:
        return "'" + s.replace("'", "''") + "'"
    return "'" + _fold(s, col + 1, indent, True) + "'"


def _literal(s: str, col: int, indent: int) -> str:
    if "\t" in s or " \n" in s or s.endswith(" ") or _NONPRINTABLE_RE.search(s):
        return _dq(s, col, indent)  # block style not allowed: double-quoted
    if not s.endswith("\n"):
        chomp, body = "-", s
    elif len(s) == 1 or s[-2] == "\n":
        chomp, body = "+", s[:-1]
    else:
        chomp, body = "", s[:-1]
    hint = "2" if s[0] == " " or s[0] == "\n" else ""
    pad = " " * indent
    lines = [pad + ln if ln else "" for ln in body.split("\n")]
    return "|" + hint + chomp + "\n" + "\n".join(lines)


def _go_key_less(a: str, b: str) -> int:
    """cmp() following gopkg.in/yaml.v2 sorter.go keyList.Less for string keys."""
    la, lb = len(a), len(b)
    for i in range(min(la, lb)):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return -1 if ca < cb else 1
        if al or bl:
            return -1 if bl else 1
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < la and a[ai].isdigit():
            an = an * 10 + ord(a[ai]) - 48
            ai += 1
        bi = i
        while bi < lb and b[bi].isdigit():
            bn = bn * 10 + ord(b[bi]) - 48
            bi += 1
        if an != bn:
            return -1 if an < bn else 1
        if ai != bi:
            return -1 if ai < bi else 1
        return -1 if ca < cb else 1
    if la == lb:
        return 0
    return -1 if la < lb else 1


_go_key = functools.cmp_to_key(_go_key_less)
_ORDER_CACHE: dict = {}
_KEY_CACHE: dict = {}
_PADS = [" " * i for i in range(64)]


def _order(d: dict) -> list:
    ks = tuple(d)
    o = _ORDER_CACHE.get(ks)
    if o is None:
        o = sorted(ks, key=_go_key)
        if len(_ORDER_CACHE) < 200_000:
            _ORDER_CACHE[ks] = o
    return o


def _key(k: str) -> str:
    r = _KEY_CACHE.get(k)
    if r is None:
        r = _str(k, 0, 0)
        if len(_KEY_CACHE) < 200_000:
            _KEY_CACHE[k] = r
    return r


def _scalar(v, col: int, indent: int) -> str:
    t = type(v)
    if t is str:
        return _str(v, col, indent)
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if v is None:
        return "null"
    if t is float:
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else ".nan"
    if t is dict:
        return "{}"
    if t is list:
        return "[]"
    raise TypeError(f"cannot emit {t.__name__}")


def _emit_map(d: dict, ind: int, out: list) -> None:
    pad = _PADS[ind] if ind < 64 else " " * ind
    for k in _order(d):
        v = d[k]
        line = pad + _key(k) + ":"
        t = type(v)
        if t is dict and v:
            out.append(line + "\n")
            _emit_map(v, ind + 2, out)
        elif t is list and v:
            out.append(line + "\n")
            _emit_seq(v, ind, out)
        elif t is str:
            out.append(line + " " + _str(v, len(line) + 1, ind + 2) + "\n")
        else:
            out.append(line + " " + _scalar(v, len(line) + 1, ind + 2) + "\n")


def _emit_seq(lst: list, ind: int, out: list) -> None:
    pad = _PADS[ind] if ind < 64 else " " * ind
    cut = ind + 2
    for v in lst:
        t = type(v)
        if t is dict and v:
            start = len(out)
            _emit_map(v, ind + 2, out)
            out[start] = pad + "- " + out[start][cut:]
        elif t is list and v:
            start = len(out)
            _emit_seq(v, ind + 2, out)
            out[start] = pad + "- " + out[start][cut:]
        else:
            out.append(pad + "- " + _scalar(v, ind + 2, ind + 2) + "\n")


def dump(obj, *, doc_start: bool = False, indent: int = 0) -> str:
    """Serialise JSON-like data the way sigs.k8s.io/yaml (go-yaml v2) does."""
    out = ["---\n"] if doc_start else []
    if type(obj) is dict and obj:
        _emit_map(obj, indent, out)
    elif type(obj) is list and obj:
        _emit_seq(obj, indent, out)
    else:
        out.append(_scalar(obj, indent, indent + 2) + "\n")
    return "".join(out)


def dump_list(api_version: str, kind: str, items: list, rv: str, *, doc_start: bool = True,
              items_null: bool = False) -> str:
    """A ``<Kind>List`` as ``oc adm inspect`` writes it (items emitted at their own indent)."""
    parts = ["---\n" if doc_start else "", "apiVersion: ", _str(api_version, 12, 2), "\n"]
    if items_null:
        parts.append("items: null\n")
    elif not items:
        parts.append("items: []\n")
    else:
        parts.append("items:\n")
        out: list = []
        _emit_seq(items, 0, out)
        parts.append("".join(out))
    parts.append(f"kind: {kind}\nmetadata:\n  resourceVersion: {json.dumps(rv)}\n")
    return "".join(parts)


# ---------------------------------------------------------------------------
# time and identifiers
# ---------------------------------------------------------------------------

UTC = timezone.utc
CET = timezone(timedelta(hours=1), "CET")
# Collection start: the first line of the ``timestamp`` file. Every object time
# is relative to it, so ages printed by the server are stable.
COLLECTED = datetime(2025, 3, 20, 7, 40, 12, tzinfo=UTC)
COLLECTED_NANOS = 409767748
INSTALLED = COLLECTED - timedelta(days=3, hours=2, minutes=17)
UPGRADE_START = COLLECTED - timedelta(hours=5, minutes=12)
UPGRADE_DONE = UPGRADE_START + timedelta(minutes=74)
OLD_VERSION, VERSION = "4.17.19", "4.17.20"
KUBE_VERSION = "v1.30.10"
IMAGE_HEX = "4ad8d6fd5fd8cf6c56b4c2e7ecbb0e3b5d0d8f2c84cbbd8b0b0b3a0b9d0c3e9a"
IMAGE_DIR = f"quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-{IMAGE_HEX}"
IMAGE_DIR2 = "registry-redhat-io-openshift-logging-cluster-logging-rhel9-operator-sha256-" + (
    "9c5e1d3f7b2a4c6e8d0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d"
)
BASE_DOMAIN = "ci-ln-7xk2d4b-76ef8.origin-ci-int-aws.dev.rhcloud.com"
CLUSTER_ID = "ci-ln-7xk2d4b-76ef8-h9x2m"
_SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789"

# Relative to the first image dir: files written by broken_files=True.
BROKEN_RELPATHS = (
    "namespaces/demo-apps/core/invalid.yaml",
    "namespaces/demo-apps/core/binary-junk.yaml",
    "namespaces/demo-apps/core/empty.yaml",
    "namespaces/demo-apps/core/bare-string.yaml",
    "namespaces/demo-apps/core/nul-bytes.yaml",
    "cluster-scoped-resources/core/nodes/garbage.yaml",
)


def ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def go_time_string(t: datetime, nanos: int, mono: float) -> str:
    """Go time.Time.String(): ``2006-01-02 15:04:05.999999999 -0700 MST m=+0.000000001``."""
    lt = t.astimezone(CET)
    frac = f"{nanos:09d}".rstrip("0")
    return f"{lt:%Y-%m-%d %H:%M:%S}{'.' + frac if frac else ''} +0100 CET m=+{mono:.9f}"


class Ids:
    """Deterministic ids, names and resourceVersions."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rv = 10000

    def uid(self) -> str:
        h = "%032x" % self.rng.getrandbits(128)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"

    def hexs(self, n: int) -> str:
        return "%0*x" % (n, self.rng.getrandbits(4 * n))

    def suffix(self, n: int) -> str:
        c = _SUFFIX_CHARS
        r = self.rng.getrandbits
        return "".join(c[r(5) % 27] for _ in range(n))

    def next_rv(self) -> str:
        self.rv += self.rng.randint(1, 40)
        return str(self.rv)

    def image(self) -> str:
        return "quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:" + self.hexs(64)


# ---------------------------------------------------------------------------
# managedFields (FieldsV1) derived from the object itself
# ---------------------------------------------------------------------------


def _list_key(item):
    if type(item) is not dict:
        return None
    if "containerPort" in item:
        return json.dumps({"containerPort": item["containerPort"], "protocol": item.get("protocol", "TCP")},
                          separators=(",", ":"))
    if "port" in item and "protocol" in item:
        return json.dumps({"port": item["port"], "protocol": item["protocol"]}, separators=(",", ":"))
    for k in ("type", "name", "mountPath", "ip", "uid", "devicePath"):
        if k in item and type(item[k]) is str:
            return json.dumps({k: item[k]}, separators=(",", ":"))
    return None


def _fields(v, dot: bool) -> dict:
    t = type(v)
    if t is dict and v:
        fs = {".": {}} if dot else {}
        for k, sub in v.items():
            fs["f:" + k] = _fields(sub, True)
        return fs
    if t is list and v and all(_list_key(i) for i in v):
        fs = {".": {}} if dot else {}
        for item in v:
            fs["k:" + _list_key(item)] = _fields(item, True)
        return fs
    return {}


def managed(api_version: str, manager: str, when: datetime, obj: dict, paths: tuple,
            subresource: str | None = None) -> dict:
    """One managedFields entry owning the given top-level paths of ``obj``."""
    fs: dict = {}
    for p in paths:
        if p == "metadata":
            md = obj.get("metadata", {})
            mfs: dict = {}
            for k in ("annotations", "labels", "ownerReferences", "finalizers"):
                if md.get(k):
                    mfs["f:" + k] = _fields(md[k], True)
            if md.get("generateName"):
                mfs["f:generateName"] = {}
            if mfs:
                fs["f:metadata"] = mfs
        elif p in obj:
            fs["f:" + p] = _fields(obj[p], False) if obj[p] not in ({}, None) else {}
    e = {"apiVersion": api_version, "fieldsType": "FieldsV1", "fieldsV1": fs, "manager": manager,
         "operation": "Update", "time": ts(when)}
    if subresource:
        e["subresource"] = subresource
    return e


# ---------------------------------------------------------------------------
# the writer
# ---------------------------------------------------------------------------


class Writer:
    def __init__(self, root: Path):
        self.root = root
        self.counts: dict = {"files": 0, "bytes": 0, "log_files": 0, "broken_files": 0}
        self._made: set = set()

    def kind(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def write(self, rel: str, data, *, log: bool = False) -> None:
        p = self.root / rel
        d = p.parent
        if d not in self._made:
            d.mkdir(parents=True, exist_ok=True)
            self._made.add(d)
        if isinstance(data, str):
            data = data.encode()
        with open(p, "wb") as f:
            f.write(data)
        self.counts["files"] += 1
        self.counts["bytes"] += len(data)
        if log:
            self.counts["log_files"] += 1


def obj_meta(ids: Ids, name: str, ns: str | None, created: datetime, *, labels=None, annotations=None,
             owner=None, generate_name=None, generation=None) -> dict:
    md: dict = {"creationTimestamp": ts(created), "name": name, "resourceVersion": ids.next_rv(),
                "uid": ids.uid()}
    if ns:
        md["namespace"] = ns
    if labels:
        md["labels"] = labels
    if annotations:
        md["annotations"] = annotations
    if owner:
        md["ownerReferences"] = [owner]
    if generate_name:
        md["generateName"] = generate_name
    if generation is not None:
        md["generation"] = generation
    return md


def owner_ref(api_version: str, kind: str, md: dict, controller: bool = True) -> dict:
    return {"apiVersion": api_version, "blockOwnerDeletion": True, "controller": controller, "kind": kind,
            "name": md["name"], "uid": md["uid"]}


def add_managed(obj: dict, entries: list) -> dict:
    obj["metadata"]["managedFields"] = entries
    return obj


# ---------------------------------------------------------------------------
# cluster model
# ---------------------------------------------------------------------------

CORE_NAMESPACES = [
    "openshift-etcd", "openshift-etcd-operator", "openshift-kube-apiserver", "openshift-monitoring",
    "openshift-ingress", "demo-apps",
]
MORE_NAMESPACES = [
    "openshift-apiserver", "openshift-authentication", "openshift-console", "openshift-dns",
    "openshift-image-registry", "openshift-kube-controller-manager", "openshift-kube-scheduler",
    "openshift-machine-api", "openshift-machine-config-operator", "openshift-marketplace",
    "openshift-multus", "openshift-network-operator", "openshift-operator-lifecycle-manager",
    "openshift-ovn-kubernetes", "openshift-cluster-version", "openshift-service-ca",
    "openshift-cluster-storage-operator", "openshift-insights", "openshift-oauth-apiserver",
    "openshift-controller-manager", "openshift-route-controller-manager", "openshift-config-operator",
    "openshift-cluster-node-tuning-operator", "openshift-cloud-credential-operator", "kube-system",
    "default",
]
WORDS = ("alpha bravo cedar delta ember falcon granite harbor iris juniper kepler lumen maple nova orbit "
         "pioneer quartz raven sierra tundra umber vertex willow xenon yarrow zephyr").split()
APP_NAMES = ("api frontend backend worker cache gateway scheduler indexer notifier billing search auth "
             "ingest reporter exporter").split()
CLUSTER_OPERATORS = [
    "authentication", "baremetal", "cloud-controller-manager", "cloud-credential", "cluster-autoscaler",
    "config-operator", "console", "control-plane-machine-set", "csi-snapshot-controller", "dns", "etcd",
    "image-registry", "ingress", "insights", "kube-apiserver", "kube-controller-manager", "kube-scheduler",
    "kube-storage-version-migrator", "machine-api", "machine-approver", "machine-config", "marketplace",
    "monitoring", "network", "node-tuning", "openshift-apiserver", "openshift-controller-manager",
    "openshift-samples", "operator-lifecycle-manager", "operator-lifecycle-manager-catalog",
    "operator-lifecycle-manager-packageserver", "service-ca", "storage",
]


class Node:
    def __init__(self, name, role, ip, zone, ready=True, cordoned=False):
        self.name, self.role, self.ip, self.zone = name, role, ip, zone
        self.ready, self.cordoned = ready, cordoned
        self.uid = ""

    @property
    def schedulable(self):
        return self.ready and not self.cordoned and self.role == "worker"


def make_nodes(ids: Ids) -> list:
    spec = [("master", "10.0.17.148", "us-east-2a"), ("master", "10.0.52.203", "us-east-2b"),
            ("master", "10.0.91.37", "us-east-2c"), ("worker", "10.0.23.89", "us-east-2a"),
            ("worker", "10.0.66.114", "us-east-2b")]
    nodes = []
    for i, (role, ip, zone) in enumerate(spec):
        name = "ip-" + ip.replace(".", "-") + ".us-east-2.compute.internal"
        nodes.append(Node(name, role, ip, zone, ready=(i != 4), cordoned=(i == 3)))
    return nodes


def node_object(ids: Ids, n: Node, images: list) -> dict:
    created = INSTALLED + timedelta(minutes=3 if n.role == "master" else 19)
    labels = {
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/instance-type": "m6a.xlarge",
        "beta.kubernetes.io/os": "linux", "failure-domain.beta.kubernetes.io/region": "us-east-2",
        "failure-domain.beta.kubernetes.io/zone": n.zone, "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": n.name.split(".")[0], "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": "m6a.xlarge", "node.openshift.io/os_id": "rhcos",
        "topology.ebs.csi.aws.com/zone": n.zone, "topology.kubernetes.io/region": "us-east-2",
        "topology.kubernetes.io/zone": n.zone,
    }
    if n.role == "master":
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node-role.kubernetes.io/master"] = ""
    else:
        labels["node-role.kubernetes.io/worker"] = ""
    rendered = f"rendered-{n.role}-" + ids.hexs(32)
    ann = {
        "cloud.network.openshift.io/egress-ipconfig":
            json.dumps([{"interface": "eni-0" + ids.hexs(16), "ifaddr": {"ipv4": "10.0.0.0/18"},
                         "capacity": {"ipv4": 14, "ipv6": 15}}], separators=(",", ":")),
        "csi.volume.kubernetes.io/nodeid": json.dumps({"ebs.csi.aws.com": "i-0" + ids.hexs(16)},
                                                      separators=(",", ":")),
        "k8s.ovn.org/host-cidrs": json.dumps([n.ip + "/18"], separators=(",", ":")),
        "k8s.ovn.org/node-chassis-id": ids.uid(),
        "k8s.ovn.org/node-subnets": json.dumps({"default": [f"10.{128 + len(n.name) % 4}.{ids.rng.randint(0, 63) * 2}.0/23"]},
                                               separators=(",", ":")),
        "machine.openshift.io/machine": f"openshift-machine-api/{CLUSTER_ID}-{n.role}-{n.zone}-{ids.suffix(5)}",
        "machineconfiguration.openshift.io/controlPlaneTopology": "HighlyAvailable",
        "machineconfiguration.openshift.io/currentConfig": rendered,
        "machineconfiguration.openshift.io/desiredConfig": rendered,
        "machineconfiguration.openshift.io/reason": "",
        "machineconfiguration.openshift.io/state": "Done" if n.ready else "Working",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
    }
    md = obj_meta(ids, n.name, None, created, labels=labels, annotations=ann)
    n.uid = md["uid"]
    taints = []
    if n.role == "master":
        taints.append({"effect": "NoSchedule", "key": "node-role.kubernetes.io/master"})
    if not n.ready:
        taints += [{"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable",
                    "timeAdded": ts(COLLECTED - timedelta(minutes=47))},
                   {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable",
                    "timeAdded": ts(COLLECTED - timedelta(minutes=46))}]
    spec = {"providerID": f"aws:///{n.zone}/i-0{ids.hexs(16)}"}
    if n.cordoned:
        spec["unschedulable"] = True
        taints.append({"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable",
                       "timeAdded": ts(COLLECTED - timedelta(hours=2, minutes=3))})
    if taints:
        spec["taints"] = taints
    hb = COLLECTED - timedelta(seconds=37) if n.ready else COLLECTED - timedelta(minutes=48)
    since = ts(UPGRADE_DONE - timedelta(minutes=20))

    def cond(t, status, reason, msg, hb_=hb, since_=since):
        return {"lastHeartbeatTime": ts(hb_), "lastTransitionTime": since_, "message": msg, "reason": reason,
                "status": status, "type": t}

    if n.ready:
        conds = [cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                 cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                 cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                 cond("Ready", "True", "KubeletReady", "kubelet is posting ready status")]
    else:
        lost = ts(COLLECTED - timedelta(minutes=47))
        msg = "Kubelet stopped posting node status."
        conds = [cond(t, "Unknown", "NodeStatusUnknown", msg, since_=lost)
                 for t in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")]
    alloc_mem = 15186176 if n.role == "master" else 15727872
    status = {
        "addresses": [{"address": n.ip, "type": "InternalIP"}, {"address": n.name, "type": "Hostname"},
                      {"address": n.name, "type": "InternalDNS"}],
        "allocatable": {"cpu": "3500m", "ephemeral-storage": "114396791822", "hugepages-1Gi": "0",
                        "hugepages-2Mi": "0", "memory": f"{alloc_mem}Ki", "pods": "250"},
        "capacity": {"cpu": "4", "ephemeral-storage": "125238252Ki", "hugepages-1Gi": "0",
                     "hugepages-2Mi": "0", "memory": "16233424Ki", "pods": "250"},
        "conditions": conds,
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "images": [{"names": [img], "sizeBytes": size} for img, size in images],
        "nodeInfo": {"architecture": "amd64", "bootID": ids.uid(), "containerRuntimeVersion": "cri-o://1.30.10-3.rhaos4.17.git2a6f3d1.el9",
                     "kernelVersion": "5.14.0-427.55.1.el9_4.x86_64", "kubeProxyVersion": KUBE_VERSION,
                     "kubeletVersion": KUBE_VERSION, "machineID": ids.hexs(32), "operatingSystem": "linux",
                     "osImage": "Red Hat Enterprise Linux CoreOS 417.94.202502250812-0",
                     "systemUUID": ids.uid()},
    }
    obj = {"apiVersion": "v1", "kind": "Node", "metadata": md, "spec": spec, "status": status}
    return add_managed(obj, [
        managed("v1", "kubelet", created, obj, ("metadata",)),
        managed("v1", "machine-config-daemon", UPGRADE_DONE, obj, ()),
        managed("v1", "kube-controller-manager", UPGRADE_DONE, obj, ("spec",)),
        managed("v1", "kubelet", hb, obj, ("status",), "status"),
    ])


# ---------------------------------------------------------------------------
# pods
# ---------------------------------------------------------------------------

POD_STATES = ("Running", "Pending", "ContainerCreating", "CrashLoopBackOff", "Init:0/2", "Completed", "Error",
              "OOMKilled", "Terminating", "Sidecar", "SchedulingGated", "MultiContainer")


def container_spec(ids: Ids, name: str, image: str, *, port=None, probe=True, args=None, env=None,
                   restart_always=False) -> dict:
    c: dict = {"image": image, "imagePullPolicy": "IfNotPresent", "name": name,
               "resources": {"requests": {"cpu": "10m", "memory": f"{ids.rng.choice([20, 50, 64, 128, 200])}Mi"}},
               "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                                   "runAsNonRoot": True, "runAsUser": 1000680000},
               "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "FallbackToLogsOnError",
               "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                 "name": "kube-api-access-" + ids.suffix(5), "readOnly": True}]}
    if args:
        c["command"] = [f"/usr/bin/{name}"]
        c["args"] = args
    if env:
        c["env"] = env
    if port:
        c["ports"] = [{"containerPort": port, "name": "https" if port == 8443 else "http", "protocol": "TCP"}]
        if probe:
            c["readinessProbe"] = {"failureThreshold": 3, "httpGet": {"path": "/readyz", "port": port,
                                                                       "scheme": "HTTPS" if port == 8443 else "HTTP"},
                                   "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}
            c["livenessProbe"] = {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": port,
                                                                      "scheme": "HTTPS" if port == 8443 else "HTTP"},
                                  "initialDelaySeconds": 30, "periodSeconds": 10, "successThreshold": 1,
                                  "timeoutSeconds": 1}
    if restart_always:
        c["restartPolicy"] = "Always"
    return c


def _cid(ids: Ids) -> str:
    return "cri-o://" + ids.hexs(64)


def make_pod(ids: Ids, ns: str, name: str, state: str, *, node: Node | None, owner: dict | None, labels: dict,
             containers: list, init_containers: list | None = None, created: datetime, static: bool = False,
             sa: str = "default", restart_policy: str = "Always", priority_class: str | None = None,
             host_network: bool = False) -> tuple:
    """Build a Pod in ``state`` (one of POD_STATES). Returns (pod, log plan)."""
    rng = ids.rng
    started = created + timedelta(seconds=rng.randint(2, 40))
    ann = {"k8s.ovn.org/pod-networks": json.dumps(
        {"default": {"ip_addresses": [f"10.128.{rng.randint(0, 15)}.{rng.randint(2, 250)}/23"],
                     "mac_address": "0a:58:0a:80:%02x:%02x" % (rng.randint(0, 255), rng.randint(0, 255)),
                     "gateway_ips": ["10.128.0.1"], "role": "primary"}}, separators=(",", ":")),
        "openshift.io/scc": "restricted-v2" if not host_network else "privileged",
        "seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}
    if static:
        ann = {"kubernetes.io/config.hash": ids.hexs(32), "kubernetes.io/config.mirror": ids.hexs(32),
               "kubernetes.io/config.seen": ts(created) .replace("Z", ".294850361Z"),
               "kubernetes.io/config.source": "file", "target.workload.openshift.io/management":
               '{"effect": "PreferredDuringScheduling"}'}
    md = obj_meta(ids, name, ns, created, labels=labels, annotations=ann, owner=owner,
                  generate_name=None if static or not owner else name[: name.rfind("-") + 1])
    pod_ip = (node.ip if (host_network and node)
              else f"10.{128 + rng.randint(0, 3)}.{rng.randint(0, 15) * 2}.{rng.randint(2, 250)}")
    vol_name = containers[0]["volumeMounts"][0]["name"] if containers[0].get("volumeMounts") else "kube-api-access"
    spec: dict = {
        "containers": containers,
        "dnsPolicy": "ClusterFirstWithHostNet" if host_network else "ClusterFirst",
        "enableServiceLinks": True,
        "imagePullSecrets": [{"name": f"{sa}-dockercfg-{ids.suffix(5)}"}],
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": 2000000000 if priority_class else 0,
        "restartPolicy": restart_policy,
        "schedulerName": "default-scheduler",
        "securityContext": {"fsGroup": 1000680000, "seLinuxOptions": {"level": "s0:c26,c5"},
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "serviceAccount": sa,
        "serviceAccountName": sa,
        "terminationGracePeriodSeconds": 30,
        "tolerations": [
            {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
        ],
        "volumes": [{"name": vol_name, "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                        "path": "namespace"}]}},
            {"configMap": {"items": [{"key": "service-ca.crt", "path": "service-ca.crt"}],
                           "name": "openshift-service-ca.crt"}}]}}],
    }
    if priority_class:
        spec["priorityClassName"] = priority_class
    if host_network:
        spec["hostNetwork"] = True
    if init_containers:
        spec["initContainers"] = init_containers
    scheduled = state not in ("Pending", "SchedulingGated")
    if scheduled and node:
        spec["nodeName"] = node.name
    if state == "SchedulingGated":
        spec["schedulingGates"] = [{"name": "example.com/quota-check"}]

    t_ready = started + timedelta(seconds=rng.randint(5, 60))
    conds = []
    phase = "Running"
    reason = None
    cstatuses = []
    istatuses = []
    logs = []  # (container, kind: current/previous..., start, end)

    def running(c, restarts=0, last=None, ready=True, st=started):
        s = {"containerID": _cid(ids), "image": c["image"], "imageID": c["image"], "lastState": last or {},
             "name": c["name"], "ready": ready, "restartCount": restarts, "started": True,
             "state": {"running": {"startedAt": ts(st)}}, "volumeMounts": [
                 {"mountPath": m["mountPath"], "name": m["name"], "readOnly": True, "recursiveReadOnly": "Disabled"}
                 for m in c.get("volumeMounts", [])]}
        return s

    def terminated(c, code, why, st, fin, restarts=0):
        return {"containerID": _cid(ids), "image": c["image"], "imageID": c["image"], "lastState": {},
                "name": c["name"], "ready": False, "restartCount": restarts, "started": False,
                "state": {"terminated": {"containerID": _cid(ids), "exitCode": code, "finishedAt": ts(fin),
                                         "reason": why, "startedAt": ts(st)}}}

    def waiting(c, why, msg=None, restarts=0, last=None):
        w = {"reason": why}
        if msg:
            w["message"] = msg
        return {"image": c["image"], "imageID": "" if not last else c["image"], "lastState": last or {},
                "name": c["name"], "ready": False, "restartCount": restarts, "started": False,
                "state": {"waiting": w}}

    def cnd(t, status, when, why=None, msg=None):
        d = {"lastProbeTime": None, "lastTransitionTime": ts(when), "status": status, "type": t}
        if why:
            d["reason"] = why
        if msg:
            d["message"] = msg
        return d

    all_ready = True
    if state in ("Pending", "SchedulingGated"):
        phase = "Pending"
        if state == "Pending":
            conds = [cnd("PodScheduled", "False", created, "Unschedulable",
                         "0/5 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, "
                         "1 node(s) were unschedulable, 3 node(s) had untolerated taint {node-role.kubernetes.io/master: }. "
                         "preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.")]
        else:
            conds = [cnd("PodScheduled", "False", created, "SchedulingGated",
                         "Scheduling is blocked due to non-empty scheduling gates")]
        status = {"conditions": conds, "phase": phase, "qosClass": "Burstable"}
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec, "status": status}
        return _pod_managed(pod, created, node), logs

    if state == "ContainerCreating":
        phase = "Pending"
        all_ready = False
        cstatuses = [waiting(c, "ContainerCreating") for c in containers]
    elif state == "CrashLoopBackOff":
        restarts = rng.randint(21, 60)
        fin = COLLECTED - timedelta(minutes=rng.randint(1, 4), seconds=rng.randint(0, 59))
        last = {"terminated": {"containerID": _cid(ids), "exitCode": 1, "finishedAt": ts(fin),
                               "message": "Error: failed to connect to database: dial tcp 172.30.12.4:5432: "
                                          "connect: connection refused",
                               "reason": "Error", "startedAt": ts(fin - timedelta(seconds=3))}}
        c0 = containers[0]
        cstatuses = [waiting(c0, "CrashLoopBackOff",
                             f"back-off 5m0s restarting failed container={c0['name']} pod={name}_{ns}({md['uid']})",
                             restarts, last)]
        cstatuses += [running(c) for c in containers[1:]]
        all_ready = False
        logs.append((c0["name"], "current", fin - timedelta(seconds=3), fin))
        logs.append((c0["name"], "previous", fin - timedelta(minutes=6), fin - timedelta(minutes=5, seconds=57)))
        for c in containers[1:]:
            logs.append((c["name"], "current", started, COLLECTED))
    elif state == "Init:0/2":
        phase = "Pending"
        all_ready = False
        ic = init_containers or []
        istatuses = [running(ic[0], ready=False)]
        istatuses[0]["ready"] = False
        istatuses += [waiting(c, "PodInitializing") for c in ic[1:]]
        cstatuses = [waiting(c, "PodInitializing") for c in containers]
        logs.append((ic[0]["name"], "current", started, COLLECTED))
    elif state in ("Completed", "Error", "OOMKilled"):
        code, why = {"Completed": (0, "Completed"), "Error": (2, "Error"), "OOMKilled": (137, "OOMKilled")}[state]
        phase = "Succeeded" if code == 0 else "Failed"
        fin = started + timedelta(seconds=rng.randint(8, 300))
        cstatuses = [terminated(c, code, why, started, fin) for c in containers]
        all_ready = False
        for c in containers:
            logs.append((c["name"], "current", started, fin))
    else:
        restarts = 0
        last = None
        if state == "Running" and rng.random() < 0.08:
            restarts = rng.randint(1, 4)
            lf = started + timedelta(minutes=rng.randint(1, 50))
            last = {"terminated": {"containerID": _cid(ids), "exitCode": 255, "finishedAt": ts(lf),
                                   "reason": "Error", "startedAt": ts(started)}}
        for i, c in enumerate(containers):
            cst = (started if not (i == 0 and last)
                   else datetime.fromisoformat(last["terminated"]["finishedAt"].replace("Z", "+00:00")) + timedelta(seconds=11))
            cstatuses.append(running(c, restarts if i == 0 else 0, last if i == 0 else None, st=cst))
            logs.append((c["name"], "current", cst, COLLECTED))
            if i == 0 and last:
                logs.append((c["name"], "previous", started, cst - timedelta(seconds=11)))
        if init_containers:
            for ic in init_containers:
                if ic.get("restartPolicy") == "Always":
                    s = running(ic)
                    istatuses.append(s)
                    logs.append((ic["name"], "current", started, COLLECTED))
                else:
                    fin = started - timedelta(seconds=2)
                    istatuses.append(terminated(ic, 0, "Completed", started - timedelta(seconds=6), fin))
                    logs.append((ic["name"], "current", started - timedelta(seconds=6), fin))
        if state == "Terminating":
            md["deletionGracePeriodSeconds"] = 30
            md["deletionTimestamp"] = ts(COLLECTED - timedelta(seconds=rng.randint(5, 25)))
    if node is not None and not node.ready and phase == "Running":
        all_ready = False
        for s in cstatuses:
            s["ready"] = False
    conds = [
        cnd("PodReadyToStartContainers", "True", started),
        cnd("Initialized", "True" if state != "Init:0/2" else "False", started,
            None if state != "Init:0/2" else "ContainersNotInitialized",
            None if state != "Init:0/2" else "containers with incomplete status: [" + ", ".join(
                c["name"] for c in (init_containers or [])) + "]"),
        cnd("Ready", "True" if all_ready else "False", t_ready,
            None if all_ready else ("PodCompleted" if phase in ("Succeeded", "Failed") else "ContainersNotReady"),
            None if all_ready or phase in ("Succeeded", "Failed") else
            "containers with unready status: [" + ", ".join(c["name"] for c in containers) + "]"),
        cnd("ContainersReady", "True" if all_ready else "False", t_ready,
            None if all_ready else ("PodCompleted" if phase in ("Succeeded", "Failed") else "ContainersNotReady"),
            None if all_ready or phase in ("Succeeded", "Failed") else
            "containers with unready status: [" + ", ".join(c["name"] for c in containers) + "]"),
        cnd("PodScheduled", "True", created),
    ]
    status = {"conditions": conds, "containerStatuses": cstatuses, "hostIP": node.ip if node else "",
              "hostIPs": [{"ip": node.ip}] if node else [], "phase": phase,
              "podIP": pod_ip, "podIPs": [{"ip": pod_ip}], "qosClass": "Burstable", "startTime": ts(created)}
    if istatuses:
        status["initContainerStatuses"] = istatuses
    if state == "ContainerCreating":
        status.pop("podIP")
        status.pop("podIPs")
    if reason:
        status["reason"] = reason
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec, "status": status}
    return _pod_managed(pod, created, node), logs


def _pod_managed(pod: dict, created: datetime, node) -> dict:
    entries = [managed("v1", "kube-controller-manager", created, pod, ("metadata", "spec"))]
    if pod["metadata"].get("annotations", {}).get("k8s.ovn.org/pod-networks"):
        entries.append(managed("v1", node.name if node else "ovnkube-controller", created + timedelta(seconds=1),
                               {"metadata": {"annotations": {"k8s.ovn.org/pod-networks": ""}}}, ("metadata",)))
    entries.append(managed("v1", "kubelet", created + timedelta(minutes=2), pod, ("status",), "status"))
    return add_managed(pod, entries)


# ---------------------------------------------------------------------------
# logs
# ---------------------------------------------------------------------------

_KLOG_MSGS = [
    ('reflector.go:368', 'Caches populated for *v1.ConfigMap from k8s.io/client-go@v0.30.10/tools/cache/reflector.go:243'),
    ('controller.go:115', 'Starting "ClusterOperatorStatusController"'),
    ('base_controller.go:73', 'Waiting for caches to sync for StatusSyncer_etcd'),
    ('base_controller.go:110', 'Starting #1 worker of RevisionController controller ...'),
    ('event.go:377', 'Event(v1.ObjectReference{Kind:"Deployment", Namespace:"openshift-etcd-operator", '
                     'Name:"etcd-operator"}): type: \'Normal\' reason: \'ConfigMapUpdated\' '
                     'Updated ConfigMap/etcd-pod -n openshift-etcd'),
    ('leaderelection.go:268', 'successfully acquired lease openshift-etcd-operator/openshift-cluster-etcd-operator-lock'),
    ('request.go:700', 'Waited for 1.196583812s due to client-side throttling, not priority and fairness, request: GET:https://172.30.0.1:443/api/v1/namespaces/openshift-etcd/secrets'),
    ('healthz.go:261', 'poststarthook/start-apiextensions-controllers check failed: readyz'),
    ('httplog.go:132', '"HTTP" verb="GET" URI="/readyz" latency="4.53521ms" userAgent="kube-probe/1.30" audit-ID="" '
                       'srcIP="10.0.17.148:53942" resp=200'),
    ('cert_rotation.go:88', 'certificate rotation detected, shutting down client connections to start using new credentials'),
]
_APP_MSGS = [
    'level=info msg="handled request" method=GET path=/api/v1/items status=200 duration=12.4ms',
    'level=info msg="handled request" method=POST path=/api/v1/orders status=201 duration=48.1ms',
    'level=debug msg="cache refresh" entries=1841 evicted=12',
    'level=warning msg="slow query" table=orders duration=1.204s',
    'level=info msg="health check" status=ok',
    'level=error msg="upstream timeout" upstream=payments.demo-apps.svc:8443 attempt=2',
]


def _rfc3339nano(t_ns: int, cache: dict) -> str:
    """Go's time.RFC3339Nano in UTC (trailing zeros of the fraction trimmed)."""
    sec, ns = divmod(t_ns, 1_000_000_000)
    day, sod = divmod(sec, 86400)
    prefix = cache.get(day)
    if prefix is None:
        prefix = cache[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%dT")
    h, rem = divmod(sod, 3600)
    m, s = divmod(rem, 60)
    base = "%s%02d:%02d:%02d" % (prefix, h, m, s)
    frac = ("%09d" % ns).rstrip("0")
    return base + ("." + frac if frac else "") + "Z"


def log_text(seed: int, style: str, start: datetime, end: datetime, n: int, *, cri: bool = False,
             crash: bool = False) -> str:
    """``n`` log lines spread over [start, end], timestamp-prefixed like ``oc logs --timestamps``."""
    if n <= 0:
        return ""
    t0 = int(start.timestamp()) * 1_000_000_000
    t1 = max(int(end.timestamp()) * 1_000_000_000, t0 + n)
    step = (t1 - t0) // n
    cache: dict = {}
    lines = []
    h = seed & 0xFFFFFFF
    for i in range(n):
        h = (h * 1103515245 + 12345) & 0x7FFFFFFF
        t = t0 + i * step + (h % max(step, 1)) // 2
        stamp = _rfc3339nano(t, cache)
        if style == "klog":
            f, m = _KLOG_MSGS[h % len(_KLOG_MSGS)]
            s, ns = divmod(t, 1_000_000_000)
            hm = stamp[11:19]
            msg = f"I{stamp[5:7]}{stamp[8:10]} {hm}.{ns // 1000:06d}       1 {f}] {m}"
        elif style == "etcd":
            msg = ('{"level":"info","ts":"%s","caller":"etcdserver/server.go:%d","msg":"%s","local-member-id":"%x"}'
                   % (stamp[:23] + "Z", 1000 + h % 900,
                      ("applied incoming Raft snapshot", "published local member to cluster through raft",
                       "saved snapshot", "compacted raft logs", "finished scheduled compaction")[h % 5],
                      0x5a492cc498c39e02 ^ seed))
        else:
            msg = f'time="{stamp[:19]}Z" ' + _APP_MSGS[h % len(_APP_MSGS)]
        if cri:
            lines.append(f"{stamp[:-1]}+00:00 {'stderr' if h & 1 else 'stdout'} F {msg}")
        else:
            lines.append(f"{stamp} {msg}")
    if crash:
        stamp = _rfc3339nano(t1, cache)
        lines.append(f"{stamp} panic: runtime error: invalid memory address or nil pointer dereference")
        lines.append(f"{stamp} [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b3c6e2]")
        lines.append(f"{stamp} ")
        lines.append(f"{stamp} goroutine 1 [running]:")
        lines.append(f"{stamp} main.(*server).connect(0xc0004a2000)")
        lines.append(f"{stamp} \t/go/src/example.com/app/server.go:142 +0x62")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# namespace contents
# ---------------------------------------------------------------------------


class NS:
    """Everything generated for one namespace before it is written."""

    def __init__(self, name: str):
        self.name = name
        self.lists: dict = {}       # (group, resource) -> (apiVersion, kind, [items])
        self.pods: list = []        # (pod, logplan, log style)
        self.events: list = []
        self.leases: list = []
        self.widgets: list = []

    def add(self, group: str, resource: str, api_version: str, kind: str, obj: dict | None) -> None:
        ent = self.lists.setdefault((group, resource), (api_version, kind + "List", []))
        if obj is not None:
            ent[2].append(obj)


def ns_object(ids: Ids, name: str) -> dict:
    labels = {"kubernetes.io/metadata.name": name}
    ann = {"openshift.io/sa.scc.mcs": f"s0:c{ids.rng.randint(10, 30)},c{ids.rng.randint(0, 9)}",
           "openshift.io/sa.scc.supplemental-groups": "1000680000/10000",
           "openshift.io/sa.scc.uid-range": "1000680000/10000"}
    if name.startswith("openshift-") or name in ("kube-system", "default"):
        ann["openshift.io/node-selector"] = ""
        ann["workload.openshift.io/allowed"] = "management"
        labels["openshift.io/cluster-monitoring"] = "true"
        labels["olm.operatorgroup.uid/" + ids.uid()] = ""
        labels["pod-security.kubernetes.io/audit"] = "privileged"
        labels["pod-security.kubernetes.io/enforce"] = "privileged"
        labels["pod-security.kubernetes.io/warn"] = "privileged"
        if name in ("openshift-etcd", "openshift-kube-apiserver"):
            labels["openshift.io/run-level"] = "0"
    else:
        ann["openshift.io/description"] = ""
        ann["openshift.io/display-name"] = ""
        ann["openshift.io/requester"] = "system:admin"
        labels["pod-security.kubernetes.io/audit"] = "restricted"
        labels["pod-security.kubernetes.io/audit-version"] = "latest"
        labels["pod-security.kubernetes.io/warn"] = "restricted"
        labels["pod-security.kubernetes.io/warn-version"] = "latest"
    created = INSTALLED + timedelta(minutes=2) if name.startswith("openshift-") else INSTALLED + timedelta(hours=5)
    md = obj_meta(ids, name, None, created, labels=labels, annotations=ann)
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": md, "spec": {"finalizers": ["kubernetes"]},
           "status": {"phase": "Active"}}
    return add_managed(obj, [managed("v1", "cluster-policy-controller", created, obj, ("metadata",))])


def _sa_secrets(ids: Ids, ns: str, sa_name: str, sa_md: dict, created: datetime) -> list:
    tok = f"{sa_name}-token-{ids.suffix(5)}"
    dockercfg = f"{sa_name}-dockercfg-{ids.suffix(5)}"
    ann = {"kubernetes.io/service-account.name": sa_name, "kubernetes.io/service-account.uid": sa_md["uid"],
           "openshift.io/token-secret.name": tok, "openshift.io/token-secret.value": ""}
    md = obj_meta(ids, dockercfg, ns, created, annotations=ann,
                  owner={"apiVersion": "v1", "blockOwnerDeletion": False, "controller": True, "kind": "ServiceAccount",
                         "name": sa_name, "uid": sa_md["uid"]})
    n = 6000 + ids.rng.randint(0, 4000)
    return [{"apiVersion": "v1", "data": {".dockercfg": _redacted(n)}, "kind": "Secret", "metadata": md,
             "type": "kubernetes.io/dockercfg"}]


def _redacted(n: int) -> str:
    """Secret values as ``oc adm inspect`` leaves them: base64 of ``"<N> bytes long"``."""
    return base64.b64encode(f"{n} bytes long".encode()).decode()


class NamespaceBuilder:
    def __init__(self, ids: Ids, nodes: list, images: list, opts: dict):
        self.ids = ids
        self.rng = ids.rng
        self.nodes = nodes
        self.images = images
        self.opts = opts

    # -- common per-namespace objects -------------------------------------------------
    def base(self, ns: NS) -> None:
        ids, name = self.ids, ns.name
        created = INSTALLED + timedelta(minutes=4)
        for cm_name, key, val in (("kube-root-ca.crt", "ca.crt", _fake_pem(ids, 2)),
                                  ("openshift-service-ca.crt", "service-ca.crt", _fake_pem(ids, 1))):
            md = obj_meta(ids, cm_name, name, created,
                          annotations={"kubernetes.io/description":
                                       "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
                                       "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
                                       "guaranteed across distributions of Kubernetes clusters."}
                          if cm_name == "kube-root-ca.crt" else {"service.beta.openshift.io/inject-cabundle": "true"})
            obj = {"apiVersion": "v1", "data": {key: val}, "kind": "ConfigMap", "metadata": md}
            add_managed(obj, [managed("v1", "kube-controller-manager", created, obj, ("data", "metadata"))])
            ns.add("core", "configmaps", "v1", "ConfigMap", obj)
        ns.add("core", "secrets", "v1", "Secret", None)
        ns.add("core", "persistentvolumeclaims", "v1", "PersistentVolumeClaim", None)
        for sa_name in ("builder", "default", "deployer"):
            md = obj_meta(ids, sa_name, name, created)
            sa = {"apiVersion": "v1", "imagePullSecrets": [{"name": f"{sa_name}-dockercfg-{ids.suffix(5)}"}],
                  "kind": "ServiceAccount", "metadata": md}
            ns.add("core", "serviceaccounts", "v1", "ServiceAccount", sa)
            for s in _sa_secrets(ids, name, sa_name, md, created):
                ns.add("core", "secrets", "v1", "Secret", s)

    # -- workloads --------------------------------------------------------------------
    def deployment(self, ns: NS, app: str, replicas: int, states: list, *, containers=1, port=8443,
                   style="klog", sa=None, init=None, route=False, created=None) -> None:
        ids, rng = self.ids, self.rng
        created = created or (INSTALLED + timedelta(minutes=rng.randint(5, 200)))
        labels = {"app": app, "app.kubernetes.io/name": app}
        tmpl_containers = [container_spec(ids, app, self.images[rng.randrange(len(self.images))][0], port=port,
                                          args=["--config=/var/run/configmaps/config/config.yaml", "-v=2"])]
        for k in range(1, containers):
            extra = ("kube-rbac-proxy", "oauth-proxy", "config-reloader")[k % 3]
            tmpl_containers.append(container_spec(ids, extra, self.images[rng.randrange(len(self.images))][0],
                                                  port=9000 + k, probe=False,
                                                  args=[f"--secure-listen-address=0.0.0.0:{9000 + k}",
                                                        "--upstream=http://127.0.0.1:8080/",
                                                        "--tls-cert-file=/etc/tls/private/tls.crt"]))
        sel = {"matchLabels": {"app": app}}
        dep_md = obj_meta(ids, app, ns.name, created, labels=labels,
                          annotations={"deployment.kubernetes.io/revision": "3",
                                       "include.release.openshift.io/self-managed-high-availability": "true"},
                          generation=3)
        ready = sum(1 for s in states if s in ("Running", "Sidecar", "MultiContainer"))
        pod_spec = {"containers": tmpl_containers, "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                    "schedulerName": "default-scheduler", "securityContext": {}, "serviceAccountName": sa or app,
                    "terminationGracePeriodSeconds": 30}
        if init:
            pod_spec["initContainers"] = init
        dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": dep_md, "spec": {
            "progressDeadlineSeconds": 600, "replicas": replicas, "revisionHistoryLimit": 10, "selector": sel,
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
            "template": {"metadata": {"annotations": {"target.workload.openshift.io/management":
                                                      '{"effect": "PreferredDuringScheduling"}'},
                                      "creationTimestamp": None, "labels": labels}, "spec": pod_spec}},
            "status": {"availableReplicas": ready, "conditions": [
                {"lastTransitionTime": ts(created + timedelta(minutes=2)), "lastUpdateTime": ts(created + timedelta(minutes=2)),
                 "message": "Deployment has minimum availability." if ready else "Deployment does not have minimum availability.",
                 "reason": "MinimumReplicasAvailable" if ready else "MinimumReplicasUnavailable",
                 "status": "True" if ready else "False", "type": "Available"},
                {"lastTransitionTime": ts(created), "lastUpdateTime": ts(UPGRADE_DONE),
                 "message": f'ReplicaSet "{app}-x" has successfully progressed.', "reason": "NewReplicaSetAvailable",
                 "status": "True", "type": "Progressing"}],
                "observedGeneration": 3, "readyReplicas": ready, "replicas": replicas, "updatedReplicas": replicas}}
        if ready == 0:
            del dep["status"]["readyReplicas"]
            del dep["status"]["availableReplicas"]
            dep["status"]["unavailableReplicas"] = replicas
        h = ids.suffix(10)
        dep["status"]["conditions"][1]["message"] = f'ReplicaSet "{app}-{h}" has successfully progressed.'
        add_managed(dep, [managed("apps/v1", "cluster-version-operator", created, dep, ("metadata", "spec")),
                          managed("apps/v1", "kube-controller-manager", UPGRADE_DONE, dep, ("status",), "status")])
        ns.add("apps", "deployments", "apps/v1", "Deployment", dep)
        rs_md = obj_meta(ids, f"{app}-{h}", ns.name, UPGRADE_START + timedelta(minutes=10),
                         labels={**labels, "pod-template-hash": h},
                         annotations={"deployment.kubernetes.io/desired-replicas": str(replicas),
                                      "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                                      "deployment.kubernetes.io/revision": "3"},
                         owner=owner_ref("apps/v1", "Deployment", dep_md), generation=1)
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": rs_md, "spec": {
            "replicas": replicas, "selector": {"matchLabels": {"app": app, "pod-template-hash": h}},
            "template": {"metadata": {"creationTimestamp": None, "labels": {**labels, "pod-template-hash": h}},
                         "spec": pod_spec}},
            "status": {"availableReplicas": ready, "fullyLabeledReplicas": replicas, "observedGeneration": 1,
                       "readyReplicas": ready, "replicas": replicas}}
        add_managed(rs, [managed("apps/v1", "kube-controller-manager", UPGRADE_START, rs, ("metadata", "spec")),
                         managed("apps/v1", "kube-controller-manager", UPGRADE_DONE, rs, ("status",), "status")])
        ns.add("apps", "replicasets", "apps/v1", "ReplicaSet", rs)
        # an older, scaled-down ReplicaSet like every rolled deployment has
        old_h = ids.suffix(10)
        old_md = obj_meta(ids, f"{app}-{old_h}", ns.name, created, labels={**labels, "pod-template-hash": old_h},
                          annotations={"deployment.kubernetes.io/desired-replicas": str(replicas),
                                       "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                                       "deployment.kubernetes.io/revision": "2"},
                          owner=owner_ref("apps/v1", "Deployment", dep_md), generation=2)
        old = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": old_md, "spec": {
            "replicas": 0, "selector": {"matchLabels": {"app": app, "pod-template-hash": old_h}},
            "template": {"metadata": {"creationTimestamp": None, "labels": {**labels, "pod-template-hash": old_h}},
                         "spec": pod_spec}}, "status": {"observedGeneration": 2, "replicas": 0}}
        ns.add("apps", "replicasets", "apps/v1", "ReplicaSet", old)
        rs_owner = owner_ref("apps/v1", "ReplicaSet", rs_md)
        for st in states:
            pod_name = f"{app}-{h}-{ids.suffix(5)}"
            cs = [dict(c, volumeMounts=[dict(m) for m in c["volumeMounts"]]) for c in tmpl_containers]
            inits = [dict(c) for c in init] if init else None
            if st == "Init:0/2" and not inits:
                inits = [container_spec(ids, "wait-for-db", self.images[0][0], probe=False,
                                        args=["--timeout=300s", "postgres.demo-apps.svc:5432"]),
                         container_spec(ids, "migrate", self.images[1][0], probe=False, args=["migrate", "up"])]
            if st == "Sidecar" and not inits:
                inits = [container_spec(ids, "log-shipper", self.images[2][0], probe=False,
                                        args=["--input=/var/log/app", "--output=loki"], restart_always=True)]
            node = self._pick_node(st)
            pod, plan = make_pod(ids, ns.name, pod_name, st, node=node, owner=rs_owner,
                                 labels={**labels, "pod-template-hash": h}, containers=cs, init_containers=inits,
                                 created=UPGRADE_START + timedelta(minutes=rng.randint(12, 40)) if st != "CrashLoopBackOff"
                                 else COLLECTED - timedelta(hours=2, minutes=rng.randint(0, 50)),
                                 sa=sa or app)
            ns.pods.append((pod, plan, style))
        self.service(ns, app, port, labels)
        if route:
            self.route(ns, app)

    def _pick_node(self, state: str):
        rng = self.rng
        if state in ("Pending", "SchedulingGated"):
            return None
        workers = [n for n in self.nodes if n.role == "worker"]
        if state == "Terminating":
            return workers[-1]  # the NotReady node: its pods are being evicted
        r = rng.random()
        # the cordoned worker was cordoned recently and still runs most workloads; a few pods sit on the
        # NotReady worker (not ready) and the rest on the masters
        return (self.nodes[4] if r < 0.1 else self.nodes[3] if r < 0.55 else
                rng.choice([n for n in self.nodes if n.ready and not n.cordoned]))

    def service(self, ns: NS, app: str, port: int, labels: dict) -> None:
        ids, rng = self.ids, self.rng
        created = INSTALLED + timedelta(minutes=rng.randint(5, 200))
        cip = f"172.30.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        md = obj_meta(ids, app, ns.name, created, labels=labels,
                      annotations={"service.beta.openshift.io/serving-cert-secret-name": f"{app}-tls",
                                   "service.beta.openshift.io/serving-cert-signed-by":
                                       "openshift-service-serving-signer@1742186931"})
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": md, "spec": {
            "clusterIP": cip, "clusterIPs": [cip], "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [{"name": "https" if port == 8443 else "http", "port": 443 if port == 8443 else 80, "protocol": "TCP",
                       "targetPort": port}],
            "selector": {"app": app}, "sessionAffinity": "None", "type": "ClusterIP"}, "status": {"loadBalancer": {}}}
        add_managed(svc, [managed("v1", "cluster-version-operator", created, svc, ("metadata", "spec"))])
        ns.add("core", "services", "v1", "Service", svc)
        # endpoints + endpointslice for the ready pods of this app
        addrs = []
        for pod, _, _ in ns.pods:
            if pod["metadata"]["labels"].get("app") == app and pod["status"].get("podIP") and pod["status"]["phase"] == "Running":
                addrs.append({"ip": pod["status"]["podIP"], "nodeName": pod["spec"].get("nodeName", ""),
                              "targetRef": {"kind": "Pod", "name": pod["metadata"]["name"], "namespace": ns.name,
                                            "uid": pod["metadata"]["uid"]}})
        emd = obj_meta(ids, app, ns.name, created, labels=labels)
        ep = {"apiVersion": "v1", "kind": "Endpoints", "metadata": emd}
        if addrs:
            ep["subsets"] = [{"addresses": addrs, "ports": [{"name": svc["spec"]["ports"][0]["name"], "port": port,
                                                             "protocol": "TCP"}]}]
        ns.add("core", "endpoints", "v1", "Endpoints", ep)
        smd = obj_meta(ids, f"{app}-{ids.suffix(5)}", ns.name, created,
                       labels={**labels, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                               "kubernetes.io/service-name": app},
                       annotations={"endpoints.kubernetes.io/last-change-trigger-time": ts(UPGRADE_DONE)},
                       owner=owner_ref("v1", "Service", md), generate_name=f"{app}-", generation=7)
        eps = {"addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "endpoints": [
            {"addresses": [a["ip"]], "conditions": {"ready": True, "serving": True, "terminating": False},
             "nodeName": a["nodeName"], "targetRef": a["targetRef"]} for a in addrs] or None,
            "kind": "EndpointSlice", "metadata": smd,
            "ports": [{"name": svc["spec"]["ports"][0]["name"], "port": port, "protocol": "TCP"}]}
        if eps["endpoints"] is None:
            del eps["endpoints"]
        ns.add("discovery.k8s.io", "endpointslices", "discovery.k8s.io/v1", "EndpointSlice", eps)

    def route(self, ns: NS, app: str) -> None:
        ids = self.ids
        created = INSTALLED + timedelta(hours=6)
        host = f"{app}-{ns.name}.apps.{BASE_DOMAIN}"
        md = obj_meta(ids, app, ns.name, created, labels={"app": app},
                      annotations={"openshift.io/host.generated": "true"})
        r = {"apiVersion": "route.openshift.io/v1", "kind": "Route", "metadata": md, "spec": {
            "host": host, "port": {"targetPort": "https"}, "tls": {"insecureEdgeTerminationPolicy": "Redirect",
                                                                   "termination": "reencrypt"},
            "to": {"kind": "Service", "name": app, "weight": 100}, "wildcardPolicy": "None"},
            "status": {"ingress": [{"conditions": [{"lastTransitionTime": ts(created), "status": "True", "type": "Admitted"}],
                                    "host": host, "routerCanonicalHostname": f"router-default.apps.{BASE_DOMAIN}",
                                    "routerName": "default", "wildcardPolicy": "None"}]}}
        add_managed(r, [managed("route.openshift.io/v1", "oc", created, r, ("metadata", "spec")),
                        managed("route.openshift.io/v1", "openshift-router", created, r, ("status",), "status")])
        ns.add("route.openshift.io", "routes", "route.openshift.io/v1", "Route", r)

    def daemonset(self, ns: NS, app: str, style="klog") -> None:
        ids, rng = self.ids, self.rng
        created = INSTALLED + timedelta(minutes=rng.randint(5, 30))
        labels = {"app": app, "component": "network", "openshift.io/component": "network", "type": "infra"}
        c = container_spec(ids, app, self.images[rng.randrange(len(self.images))][0], port=None,
                           args=["--node-name=$(NODE_NAME)", "--metrics-bind-address=127.0.0.1:29103"],
                           env=[{"name": "NODE_NAME",
                                 "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
                                {"name": "KUBERNETES_SERVICE_HOST", "value": f"api-int.{BASE_DOMAIN}"},
                                {"name": "KUBERNETES_SERVICE_PORT", "value": "6443"}])
        md = obj_meta(ids, app, ns.name, created, labels=labels, annotations={"deprecated.daemonset.template.generation": "2"},
                      generation=2)
        n = len(self.nodes)
        ready = sum(1 for x in self.nodes if x.ready)
        ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": md, "spec": {
            "revisionHistoryLimit": 10, "selector": {"matchLabels": {"app": app}},
            "template": {"metadata": {"creationTimestamp": None, "labels": labels},
                         "spec": {"containers": [c], "hostNetwork": True, "nodeSelector": {"kubernetes.io/os": "linux"},
                                  "priorityClassName": "system-node-critical", "restartPolicy": "Always",
                                  "tolerations": [{"operator": "Exists"}]}},
            "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "10%"}, "type": "RollingUpdate"}},
            "status": {"currentNumberScheduled": n, "desiredNumberScheduled": n, "numberAvailable": ready,
                       "numberMisscheduled": 0, "numberReady": ready, "numberUnavailable": n - ready,
                       "observedGeneration": 2, "updatedNumberScheduled": n}}
        add_managed(ds, [managed("apps/v1", "cluster-network-operator/operconfig", created, ds, ("metadata", "spec")),
                         managed("apps/v1", "kube-controller-manager", UPGRADE_DONE, ds, ("status",), "status")])
        ns.add("apps", "daemonsets", "apps/v1", "DaemonSet", ds)
        rev = ids.suffix(9)
        owner = owner_ref("apps/v1", "DaemonSet", md)
        for node in self.nodes:
            st = "Running"
            pod, plan = make_pod(ids, ns.name, f"{app}-{ids.suffix(5)}", st, node=node, owner=owner,
                                 labels={**labels, "controller-revision-hash": rev, "pod-template-generation": "2"},
                                 containers=[dict(c)], created=UPGRADE_START + timedelta(minutes=rng.randint(20, 60)),
                                 sa=app, priority_class="system-node-critical", host_network=True)
            ns.pods.append((pod, plan, style))

    def statefulset(self, ns: NS, app: str, replicas: int, style="app") -> None:
        ids, rng = self.ids, self.rng
        created = INSTALLED + timedelta(minutes=rng.randint(30, 90))
        labels = {"app.kubernetes.io/instance": "k8s", "app.kubernetes.io/name": app}
        c = container_spec(ids, app, self.images[rng.randrange(len(self.images))][0], port=9090,
                           args=["--storage.tsdb.retention.time=15d", "--web.enable-lifecycle"])
        c["volumeMounts"].append({"mountPath": "/prometheus", "name": f"{app}-db"})
        md = obj_meta(ids, app, ns.name, created, labels=labels, generation=1)
        sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": md, "spec": {
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "podManagementPolicy": "Parallel", "replicas": replicas, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": labels}, "serviceName": f"{app}-operated",
            "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": {"containers": [c]}},
            "updateStrategy": {"type": "RollingUpdate"},
            "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                      "metadata": {"creationTimestamp": None, "name": f"{app}-db"},
                                      "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "40Gi"}},
                                               "storageClassName": "gp3-csi", "volumeMode": "Filesystem"},
                                      "status": {"phase": "Pending"}}]},
            "status": {"availableReplicas": replicas, "collisionCount": 0, "currentReplicas": replicas,
                       "currentRevision": f"{app}-{ids.hexs(10)}", "observedGeneration": 1, "readyReplicas": replicas,
                       "replicas": replicas, "updateRevision": f"{app}-{ids.hexs(10)}", "updatedReplicas": replicas}}
        add_managed(sts, [managed("apps/v1", "PrometheusOperator", created, sts, ("metadata", "spec")),
                          managed("apps/v1", "kube-controller-manager", UPGRADE_DONE, sts, ("status",), "status")])
        ns.add("apps", "statefulsets", "apps/v1", "StatefulSet", sts)
        owner = owner_ref("apps/v1", "StatefulSet", md)
        for i in range(replicas):
            pvc_name = f"{app}-db-{app}-{i}"
            pv_name = "pvc-" + ids.uid()
            pmd = obj_meta(ids, pvc_name, ns.name, created, labels=labels,
                           annotations={"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                                        "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
                                        "volume.kubernetes.io/selected-node": self.nodes[3 + i % 2].name,
                                        "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com"})
            pmd["finalizers"] = ["kubernetes.io/pvc-protection"]
            pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": pmd, "spec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "40Gi"}},
                "storageClassName": "gp3-csi", "volumeMode": "Filesystem", "volumeName": pv_name},
                "status": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "40Gi"}, "phase": "Bound"}}
            add_managed(pvc, [managed("v1", "kube-controller-manager", created, pvc, ("metadata", "spec")),
                              managed("v1", "kube-controller-manager", created, pvc, ("status",), "status")])
            ns.add("core", "persistentvolumeclaims", "v1", "PersistentVolumeClaim", pvc)
            self.opts["pvs"].append((pv_name, pvc, self.nodes[3 + i % 2].zone))
            pc = dict(c, volumeMounts=[dict(m) for m in c["volumeMounts"]])
            pod, plan = make_pod(ids, ns.name, f"{app}-{i}", "Running", node=self.nodes[3 + i % 2], owner=owner,
                                 labels={**labels, "apps.kubernetes.io/pod-index": str(i),
                                         "controller-revision-hash": f"{app}-{ids.hexs(10)}",
                                         "statefulset.kubernetes.io/pod-name": f"{app}-{i}"},
                                 containers=[pc], created=UPGRADE_START + timedelta(minutes=30 + i), sa=app)
            ns.pods.append((pod, plan, style))

    def job(self, ns: NS, name: str, state: str, style="app") -> None:
        ids, rng = self.ids, self.rng
        cj_created = INSTALLED + timedelta(hours=1)
        created = COLLECTED - timedelta(minutes=rng.randint(10, 170))
        cj_md = obj_meta(ids, name, ns.name, cj_created, generation=1)
        c = container_spec(ids, name, self.images[rng.randrange(len(self.images))][0], probe=False,
                           args=["--prune", "--keep-complete=3"])
        cj = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": cj_md, "spec": {
            "concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1,
            "jobTemplate": {"metadata": {"creationTimestamp": None}, "spec": {"template": {
                "metadata": {"creationTimestamp": None}, "spec": {"containers": [c], "restartPolicy": "Never"}}}},
            "schedule": "*/15 * * * *", "successfulJobsHistoryLimit": 3, "suspend": False},
            "status": {"lastScheduleTime": ts(created), "lastSuccessfulTime": ts(created + timedelta(seconds=40))}}
        add_managed(cj, [managed("batch/v1", "kubectl-create", cj_created, cj, ("metadata", "spec")),
                         managed("batch/v1", "kube-controller-manager", created, cj, ("status",), "status")])
        ns.add("batch", "cronjobs", "batch/v1", "CronJob", cj)
        jname = f"{name}-{int(created.timestamp()) // 60}"
        jmd = obj_meta(ids, jname, ns.name, created, labels={"batch.kubernetes.io/job-name": jname, "job-name": jname},
                       owner=owner_ref("batch/v1", "CronJob", cj_md), generation=1)
        jmd["annotations"] = {"batch.kubernetes.io/cronjob-scheduled-timestamp": ts(created)}
        ok = state == "Completed"
        fin = created + timedelta(seconds=rng.randint(20, 90))
        jconds = [{"lastProbeTime": ts(fin), "lastTransitionTime": ts(fin),
                   "message": "Reached expected number of succeeded pods",
                   "reason": "CompletionsReached", "status": "True", "type": "SuccessCriteriaMet"},
                  {"lastProbeTime": ts(fin), "lastTransitionTime": ts(fin),
                   "message": "Reached expected number of succeeded pods",
                   "reason": "CompletionsReached", "status": "True", "type": "Complete"}] if ok else [
                  {"lastProbeTime": ts(fin), "lastTransitionTime": ts(fin),
                   "message": "Job has reached the specified backoff limit",
                   "reason": "BackoffLimitExceeded", "status": "True", "type": "FailureTarget"},
                  {"lastProbeTime": ts(fin), "lastTransitionTime": ts(fin),
                   "message": "Job has reached the specified backoff limit",
                   "reason": "BackoffLimitExceeded", "status": "True", "type": "Failed"}]
        job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": jmd, "spec": {
            "backoffLimit": 0, "completionMode": "NonIndexed", "completions": 1, "manualSelector": False,
            "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": jmd["uid"]}}, "suspend": False,
            "template": {"metadata": {"creationTimestamp": None, "labels": {"job-name": jname}},
                         "spec": {"containers": [c], "restartPolicy": "Never"}}},
            "status": {"completionTime": ts(fin), "conditions": jconds, "ready": 0, "startTime": ts(created),
                       "terminating": 0, **({"succeeded": 1} if ok else {"failed": 1}),
                       "uncountedTerminatedPods": {}}}
        if not ok:
            del job["status"]["completionTime"]
        add_managed(job, [managed("batch/v1", "kube-controller-manager", created, job, ("metadata", "spec")),
                          managed("batch/v1", "kube-controller-manager", fin, job, ("status",), "status")])
        ns.add("batch", "jobs", "batch/v1", "Job", job)
        pod, plan = make_pod(ids, ns.name, f"{jname}-{ids.suffix(5)}", state, node=self.nodes[3],
                             owner=owner_ref("batch/v1", "Job", jmd), labels={"batch.kubernetes.io/job-name": jname,
                                                                              "job-name": jname},
                             containers=[dict(c)], created=created, restart_policy="Never")
        ns.pods.append((pod, plan, style))

    def static_pods(self, ns: NS, component: str, style: str) -> None:
        ids = self.ids
        for node in self.nodes[:3]:
            img = self.images[0][0]
            containers = [container_spec(ids, component, img, port=6443 if component == "kube-apiserver" else 2379,
                                         args=["--config=/etc/kubernetes/static-pod-resources/configmaps/config/config.yaml"])]
            if component == "kube-apiserver":
                containers.append(container_spec(ids, "kube-apiserver-check-endpoints", img, port=17697, probe=False,
                                                 args=["--listen", "0.0.0.0:17697", "--namespace", "$(POD_NAMESPACE)"]))
            else:
                containers.append(container_spec(ids, "etcdctl", img, probe=False, args=["sleep", "infinity"]))
            for c in containers:
                c.pop("volumeMounts", None)
            owner = {"apiVersion": "v1", "controller": True, "kind": "Node", "name": node.name, "uid": node.uid}
            created = UPGRADE_START + timedelta(minutes=25 + self.nodes.index(node) * 9)
            pod, plan = make_pod(ids, ns.name, f"{component}-{node.name}", "Running", node=node, owner=owner,
                                 labels={"app": "openshift-" + component if component == "kube-apiserver" else "etcd",
                                         component if component == "etcd" else "apiserver": "true", "revision": "9"},
                                 containers=containers, created=created, static=True,
                                 priority_class="system-node-critical", host_network=True)
            ns.pods.append((pod, plan, style))

    def misc(self, ns: NS, apps: list) -> None:
        """Leases, PDBs, network policies, HPAs, servicemonitors, DeploymentConfigs, app configmaps and secrets."""
        ids, rng = self.ids, self.rng
        created = INSTALLED + timedelta(minutes=rng.randint(10, 300))
        for app in apps[:2]:
            md = obj_meta(ids, f"{app}-lock", ns.name, created)
            holder = f"{app}-{ids.suffix(10)}-{ids.suffix(5)}_{ids.uid()}"
            lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": md, "spec": {
                "acquireTime": ts(UPGRADE_DONE), "holderIdentity": holder, "leaseDurationSeconds": 137,
                "leaseTransitions": rng.randint(3, 20),
                "renewTime": ts(COLLECTED - timedelta(seconds=rng.randint(1, 20))).replace(
                    "Z", ".%06dZ" % rng.randint(0, 999999))}}
            add_managed(lease, [managed("coordination.k8s.io/v1", app, COLLECTED - timedelta(seconds=30), lease, ("spec",))])
            ns.leases.append(lease)
        app = apps[0]
        md = obj_meta(ids, f"{app}-pdb", ns.name, created, generation=1)
        pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": md, "spec": {
            "maxUnavailable": 1, "selector": {"matchLabels": {"app": app}}},
            "status": {"conditions": [{"lastTransitionTime": ts(UPGRADE_DONE), "message": "", "observedGeneration": 1,
                                       "reason": "SufficientPods", "status": "True", "type": "DisruptionAllowed"}],
                       "currentHealthy": 2, "desiredHealthy": 1, "disruptionsAllowed": 1, "expectedPods": 2,
                       "observedGeneration": 1}}
        ns.add("policy", "poddisruptionbudgets", "policy/v1", "PodDisruptionBudget", pdb)
        md = obj_meta(ids, "allow-same-namespace", ns.name, created, generation=1)
        ns.add("networking.k8s.io", "networkpolicies", "networking.k8s.io/v1", "NetworkPolicy", {
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": md, "spec": {
                "ingress": [{"from": [{"podSelector": {}}]}, {"from": [{"namespaceSelector": {"matchLabels": {
                    "network.openshift.io/policy-group": "ingress"}}}]}],
                "podSelector": {}, "policyTypes": ["Ingress"]}})
        md = obj_meta(ids, app, ns.name, created)
        ns.add("autoscaling", "horizontalpodautoscalers", "autoscaling/v2", "HorizontalPodAutoscaler", {
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": md, "spec": {
                "maxReplicas": 10, "metrics": [{"resource": {"name": "cpu", "target": {"averageUtilization": 80,
                                                                                       "type": "Utilization"}},
                                                "type": "Resource"}],
                "minReplicas": 2, "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": app}},
            "status": {"conditions": [
                {"lastTransitionTime": ts(UPGRADE_DONE), "message": "recommended size matches current size",
                 "reason": "ReadyForNewScale", "status": "True", "type": "AbleToScale"},
                {"lastTransitionTime": ts(UPGRADE_DONE),
                 "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization "
                            "(percentage of request)",
                 "reason": "ValidMetricFound", "status": "True", "type": "ScalingActive"}],
                "currentMetrics": [{"resource": {"current": {"averageUtilization": rng.randint(3, 70),
                                                             "averageValue": f"{rng.randint(5, 90)}m"}, "name": "cpu"},
                                    "type": "Resource"}],
                "currentReplicas": 2, "desiredReplicas": 2, "lastScaleTime": ts(UPGRADE_DONE)}})
        md = obj_meta(ids, app, ns.name, created, labels={"app.kubernetes.io/name": app}, generation=1)
        ns.add("monitoring.coreos.com", "servicemonitors", "monitoring.coreos.com/v1", "ServiceMonitor", {
            "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": md, "spec": {
                "endpoints": [{"bearerTokenFile": "/var/run/secrets/kubernetes.io/serviceaccount/token", "interval": "30s",
                               "port": "https", "scheme": "https",
                               "tlsConfig": {"ca": {},
                                             "caFile": "/etc/prometheus/configmaps/serving-certs-ca-bundle/service-ca.crt",
                                             "cert": {}, "serverName": f"{app}.{ns.name}.svc"}}],
                "jobLabel": "component", "namespaceSelector": {"matchNames": [ns.name]},
                "selector": {"matchLabels": {"app": app}}}})
        cfg = "\n".join(["apiVersion: operator.openshift.io/v1alpha1", "kind: GenericOperatorConfig",
                         "leaderElection:", "  leaseDuration: 137s", f"  namespace: {ns.name}",
                         "servingInfo:", "  bindAddress: 0.0.0.0:8443", "  certFile: /var/run/secrets/serving-cert/tls.crt",
                         "  cipherSuites:", "  - TLS_AES_128_GCM_SHA256", "  - TLS_AES_256_GCM_SHA384",
                         "  minTLSVersion: VersionTLS12", ""])
        md = obj_meta(ids, f"{app}-config", ns.name, created)
        cm = {"apiVersion": "v1", "data": {"config.yaml": cfg, "log-level": "2", "feature-gates": "true"},
              "kind": "ConfigMap", "metadata": md}
        add_managed(cm, [managed("v1", "cluster-version-operator", created, cm, ("data", "metadata"))])
        ns.add("core", "configmaps", "v1", "ConfigMap", cm)
        for a in apps:
            md = obj_meta(ids, f"{a}-tls", ns.name, created,
                          annotations={"service.alpha.openshift.io/expiry": ts(COLLECTED + timedelta(days=700)),
                                       "service.beta.openshift.io/originating-service-name": a})
            ns.add("core", "secrets", "v1", "Secret", {
                "apiVersion": "v1", "data": {"tls.crt": _redacted(2676), "tls.key": _redacted(1679)},
                "kind": "Secret", "metadata": md, "type": "kubernetes.io/tls"})

    def deploymentconfig(self, ns: NS, app: str) -> None:
        ids = self.ids
        created = INSTALLED + timedelta(hours=8)
        md = obj_meta(ids, app, ns.name, created, labels={"app": app}, generation=4)
        c = container_spec(ids, app, f"image-registry.openshift-image-registry.svc:5000/{ns.name}/{app}@sha256:{ids.hexs(64)}",
                           port=8080)
        dc = {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": md, "spec": {
            "replicas": 1, "revisionHistoryLimit": 10, "selector": {"deploymentconfig": app},
            "strategy": {"activeDeadlineSeconds": 21600, "resources": {},
                         "rollingParams": {"intervalSeconds": 1, "maxSurge": "25%", "maxUnavailable": "25%",
                                           "timeoutSeconds": 600, "updatePeriodSeconds": 1}, "type": "Rolling"},
            "template": {"metadata": {"creationTimestamp": None, "labels": {"deploymentconfig": app}},
                         "spec": {"containers": [c]}},
            "test": False, "triggers": [{"type": "ConfigChange"}]},
            "status": {"availableReplicas": 1, "conditions": [
                {"lastTransitionTime": ts(created), "lastUpdateTime": ts(created),
                 "message": "Deployment config has minimum availability.",
                 "status": "True", "type": "Available"},
                {"lastTransitionTime": ts(created), "lastUpdateTime": ts(created),
                 "message": f'replication controller "{app}-2" successfully rolled out',
                 "reason": "NewReplicationControllerAvailable",
                 "status": "True", "type": "Progressing"}],
                "details": {"causes": [{"type": "ConfigChange"}], "message": "config change"},
                "latestVersion": 2, "observedGeneration": 4, "readyReplicas": 1, "replicas": 1,
                "unavailableReplicas": 0, "updatedReplicas": 1}}
        ns.add("apps.openshift.io", "deploymentconfigs", "apps.openshift.io/v1", "DeploymentConfig", dc)

    # -- events -----------------------------------------------------------------------
    def events(self, ns: NS, n: int) -> None:
        rng = self.rng
        pods = [p for p, _, _ in ns.pods]
        if not pods:
            return
        for _i in range(n):
            pod = pods[rng.randrange(len(pods))]
            md = pod["metadata"]
            cname = pod["spec"]["containers"][0]["name"]
            node = pod["spec"].get("nodeName", "")
            kind = rng.random()
            last = COLLECTED - timedelta(seconds=rng.randint(5, 3 * 3600))
            count = 1
            typ = "Normal"
            fieldpath = None
            comp, host = "kubelet", node
            st = _pod_state(pod)
            if st == "CrashLoopBackOff" and kind < 0.5:
                reason, msg, typ = "BackOff", "Back-off restarting failed container %s in pod %s_%s(%s)" % (
                    cname, md["name"], ns.name, md["uid"]), "Warning"
                count = rng.randint(21, 400)
                fieldpath = f"spec.containers{{{cname}}}"
            elif st == "Pending" and kind < 0.7:
                reason, typ, comp, host = "FailedScheduling", "Warning", "default-scheduler", ""
                msg = pod["status"]["conditions"][0]["message"]
                count = rng.randint(21, 90)
            elif kind < 0.18:
                reason, typ = "Unhealthy", "Warning"
                msg = "Readiness probe failed: Get \"https://%s:8443/readyz\": dial tcp %s:8443: connect: connection refused" % (
                    pod["status"].get("podIP", "10.128.0.1"), pod["status"].get("podIP", "10.128.0.1"))
                count = rng.randint(1, 60)
                fieldpath = f"spec.containers{{{cname}}}"
            elif kind < 0.3:
                reason, msg = "Scheduled", f"Successfully assigned {ns.name}/{md['name']} to {node}"
                comp, host = "default-scheduler", ""
            elif kind < 0.42:
                reason, msg = "AddedInterface", f"Add eth0 [{pod['status'].get('podIP', '10.128.0.1')}/23] from ovn-kubernetes"
                comp = "multus"
            elif kind < 0.6:
                reason, msg = "Pulled", f'Container image "{pod["spec"]["containers"][0]["image"]}" already present on machine'
                fieldpath = f"spec.containers{{{cname}}}"
            elif kind < 0.75:
                reason, msg = "Created", f"Created container {cname}"
                fieldpath = f"spec.containers{{{cname}}}"
            elif kind < 0.9:
                reason, msg = "Started", f"Started container {cname}"
                fieldpath = f"spec.containers{{{cname}}}"
            else:
                reason, msg = "Killing", f"Stopping container {cname}"
                fieldpath = f"spec.containers{{{cname}}}"
            first = last - timedelta(seconds=(count - 1) * rng.randint(10, 30)) if count > 1 else last
            involved = {"apiVersion": "v1", "kind": "Pod", "name": md["name"], "namespace": ns.name,
                        "resourceVersion": md["resourceVersion"], "uid": md["uid"]}
            if fieldpath:
                involved["fieldPath"] = fieldpath
            ns.events.append(self.event(ns.name, involved, reason, msg, typ, count, first, last, comp, host))

    def event(self, ns_name, involved, reason, msg, typ, count, first, last, comp, host) -> dict:
        ids = self.ids
        # client-go names events <object>.<UnixNano in hex>; random low bits keep names unique here
        nanos = (int(first.timestamp()) * 1_000_000_000) | ids.rng.getrandbits(29)
        name = f"{involved['name']}.{nanos:x}"[:253]
        md = obj_meta(ids, name, ns_name, first)
        src = {"component": comp}
        if host:
            src["host"] = host
        ev = {"apiVersion": "v1", "count": count, "eventTime": None, "firstTimestamp": ts(first),
              "involvedObject": involved, "kind": "Event", "lastTimestamp": ts(last), "message": msg, "metadata": md,
              "reason": reason, "reportingComponent": comp if comp != "kubelet" else "kubelet",
              "reportingInstance": host or "", "source": src, "type": typ}
        mf = {"f:count": {}, "f:firstTimestamp": {}, "f:involvedObject": {}, "f:lastTimestamp": {}, "f:message": {},
              "f:reason": {}, "f:reportingComponent": {}, "f:reportingInstance": {},
              "f:source": {"f:component": {}, **({"f:host": {}} if host else {})}, "f:type": {}}
        md["managedFields"] = [{"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": mf, "manager": comp.split("_")[0][:60],
                                "operation": "Update", "time": ts(last)}]
        return ev


def _pod_state(pod: dict) -> str:
    for s in pod["status"].get("containerStatuses", []):
        w = s["state"].get("waiting")
        if w:
            return w["reason"]
    return pod["status"]["phase"]


def to_events_v1(ev: dict) -> dict:
    """core/v1 Event -> events.k8s.io/v1 Event, as the API server converts it."""
    out = {"apiVersion": "events.k8s.io/v1", "deprecatedCount": ev["count"],
           "deprecatedFirstTimestamp": ev["firstTimestamp"], "deprecatedLastTimestamp": ev["lastTimestamp"],
           "deprecatedSource": ev["source"], "eventTime": None, "kind": "Event", "metadata": ev["metadata"],
           "note": ev["message"], "reason": ev["reason"], "regarding": ev["involvedObject"], "type": ev["type"]}
    if ev.get("reportingComponent"):
        out["reportingController"] = ev["reportingComponent"]
    if ev.get("reportingInstance"):
        out["reportingInstance"] = ev["reportingInstance"]
    return out


def _fake_pem(ids: Ids, n: int) -> str:
    blocks = []
    for _ in range(n):
        raw = bytes(ids.rng.getrandbits(8) for _ in range(780))
        b = base64.b64encode(raw).decode()
        blocks.append("-----BEGIN CERTIFICATE-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64))
                      + "\n-----END CERTIFICATE-----\n")
    return "".join(blocks)


# ---------------------------------------------------------------------------
# special event streams
# ---------------------------------------------------------------------------


def apiserver_termination_events(b: NamespaceBuilder, ns: NS, nodes: list) -> None:
    """kube-apiserver graceful termination events of one rolling restart (library-go / apiserver names)."""
    steps = [("TerminationStart", "Received signal to terminate, becoming unready, but keeping serving", 0),
             ("TerminationPreShutdownHooksFinished", "All pre-shutdown hooks have been finished", 0.2),
             ("TerminationMinimalShutdownDurationFinished", "The minimal shutdown duration of 1m10s finished", 70),
             ("TerminationStoppedServing", "Server has stopped listening", 70.4),
             ("TerminationGracefulTerminationFinished", "All pending requests processed", 83)]
    for k, node in enumerate(nodes[:3]):
        base = UPGRADE_START + timedelta(minutes=24 + 9 * k)
        involved = {"kind": "Pod", "name": f"kube-apiserver-{node.name}", "namespace": ns.name}
        for reason, msg, dt in steps:
            t = base + timedelta(seconds=dt)
            ev = b.event(ns.name, involved, reason, msg, "Normal", 1, t, t, "apiserver", node.name)
            ns.events.append(ev)
    # a late termination on the NotReady-era master to give the timeline a recent interval
    t = COLLECTED - timedelta(minutes=31)
    involved = {"kind": "Pod", "name": f"kube-apiserver-{nodes[1].name}", "namespace": ns.name}
    ns.events.append(b.event(ns.name, involved, "TerminationStart",
                             "Received signal to terminate, becoming unready, but keeping serving", "Normal", 1, t, t,
                             "apiserver", nodes[1].name))
    ns.events.append(b.event(ns.name, involved, "NonGracefulTermination",
                             "Previous pod kube-apiserver-%s started at %s did not terminate gracefully" % (
                                 nodes[1].name, ts(UPGRADE_START)), "Warning", 1, t, t, "apiserver", nodes[1].name))


def operator_status_events(b: NamespaceBuilder, ns: NS, operator: str, deployment_uid: str) -> None:
    """OperatorStatusChanged events as library-go's StatusSyncer writes them."""
    comp = f"openshift-cluster-{operator}-operator-status-controller-statussyncer_{operator}"
    involved = {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{operator}-operator",
                "namespace": ns.name, "uid": deployment_uid}
    msgs = [
        (UPGRADE_START + timedelta(minutes=3),
         f'Status for clusteroperator/{operator} changed: Progressing changed from False to True '
         '("NodeInstallerProgressing: 1 node is at revision 8; 2 nodes are at revision 9")'),
        (UPGRADE_START + timedelta(minutes=21),
         f'Status for clusteroperator/{operator} changed: status.versions changed from '
         f'[{{"raw-internal" "{OLD_VERSION}"}} {{"etcd" "{OLD_VERSION}"}} {{"operator" "{OLD_VERSION}"}}] to '
         f'[{{"raw-internal" "{VERSION}"}} {{"etcd" "{VERSION}"}} {{"operator" "{VERSION}"}}]'),
        (UPGRADE_DONE - timedelta(minutes=5),
         f'Status for clusteroperator/{operator} changed: Progressing changed from True to False '
         '("NodeInstallerProgressing: 3 nodes are at revision 9\\nEtcdMembersProgressing: No unstarted etcd members found")'),
        (COLLECTED - timedelta(minutes=45),
         f'Status for clusteroperator/{operator} changed: Degraded changed from False to True '
         f'("NodeControllerDegraded: The master nodes not ready: node \\"{b.nodes[1].name}\\" not ready since '
         f'{ts(COLLECTED - timedelta(minutes=46))} because NodeStatusUnknown (Kubelet stopped posting node status.)")'),
        (COLLECTED - timedelta(minutes=12),
         f'Status for clusteroperator/{operator} changed: Degraded message changed from '
         '"NodeControllerDegraded: The master nodes not ready" to '
         '"NodeControllerDegraded: All master nodes are ready\\nEtcdMembersDegraded: 2 of 3 members are available, '
         f'{b.nodes[1].name} is unhealthy"'),
    ]
    for t, msg in msgs:
        ns.events.append(b.event(ns.name, involved, "OperatorStatusChanged", msg, "Normal", 1, t, t, comp, ""))
    t = COLLECTED - timedelta(minutes=44)
    ns.events.append(b.event(ns.name, involved, "UnhealthyEtcdMember",
                             f"unhealthy members: {b.nodes[1].name}", "Warning", 87,
                             t, COLLECTED - timedelta(seconds=40),
                             "openshift-cluster-etcd-operator-etcd-endpoints-controller-etcdendpointscontroller", ""))


# ---------------------------------------------------------------------------
# cluster-scoped objects
# ---------------------------------------------------------------------------


def cluster_operators(ids: Ids) -> list:
    out = []
    for name in CLUSTER_OPERATORS:
        created = INSTALLED + timedelta(minutes=1)
        md = obj_meta(ids, name, None, created, annotations={
            "exclude.release.openshift.io/internal-openshift-hosted": "true",
            "include.release.openshift.io/self-managed-high-availability": "true",
            "include.release.openshift.io/single-node-developer": "true"}, generation=1)
        degraded = name == "etcd"
        progressing = name == "machine-config"
        t_ok = ts(UPGRADE_DONE - timedelta(minutes=ids.rng.randint(1, 30)))
        conds = [
            {"lastTransitionTime": ts(COLLECTED - timedelta(minutes=45)) if degraded else t_ok,
             "message": ("NodeControllerDegraded: All master nodes are ready\nEtcdMembersDegraded: "
                         f"2 of 3 members are available, {CLUSTER_ID} is unhealthy"
                         if degraded else "All is well"),
             "reason": "EtcdMembers_UnhealthyMembers" if degraded else "AsExpected",
             "status": "True" if degraded else "False", "type": "Degraded"},
            {"lastTransitionTime": ts(COLLECTED - timedelta(minutes=40)) if progressing else t_ok,
             "message": (f"Working towards {VERSION}" if progressing else "AsExpected: All is well"),
             "reason": "" if progressing else "AsExpected",
             "status": "True" if progressing else "False", "type": "Progressing"},
            {"lastTransitionTime": ts(INSTALLED + timedelta(minutes=40)), "message": f"Cluster has deployed {VERSION}",
             "reason": "AsExpected", "status": "True", "type": "Available"},
            {"lastTransitionTime": ts(INSTALLED + timedelta(minutes=30)), "message": "All is well", "reason": "AsExpected",
             "status": "True", "type": "Upgradeable"},
            {"lastTransitionTime": ts(INSTALLED + timedelta(minutes=30)), "reason": "NoData", "status": "Unknown",
             "type": "EvaluationConditionsDetected"},
        ]
        if progressing:
            del conds[1]["reason"]
        obj = {"apiVersion": "config.openshift.io/v1", "kind": "ClusterOperator", "metadata": md, "spec": {}, "status": {
            "conditions": conds, "extension": None,
            "relatedObjects": [{"group": "operator.openshift.io", "name": "cluster", "resource": name.replace("-", "") + "s"},
                               {"group": "", "name": f"openshift-{name}", "resource": "namespaces"},
                               {"group": "", "name": f"openshift-{name}-operator", "resource": "namespaces"}],
            "versions": [{"name": "operator", "version": VERSION}, {"name": name, "version": VERSION}]}}
        add_managed(obj, [managed("config.openshift.io/v1", "cluster-version-operator", created, obj, ("metadata", "spec")),
                          managed("config.openshift.io/v1", f"cluster-{name}-operator", UPGRADE_DONE, obj,
                                  ("status",), "status")])
        out.append(obj)
    return out


def cluster_version(ids: Ids) -> dict:
    created = INSTALLED
    md = obj_meta(ids, "version", None, created, generation=3)
    img_new = "quay.io/openshift-release-dev/ocp-release@sha256:" + ids.hexs(64)
    img_old = "quay.io/openshift-release-dev/ocp-release@sha256:" + ids.hexs(64)
    obj = {"apiVersion": "config.openshift.io/v1", "kind": "ClusterVersion", "metadata": md, "spec": {
        "channel": "stable-4.17", "clusterID": ids.uid(),
        "desiredUpdate": {"architecture": "", "force": False, "image": img_new, "version": VERSION}},
        "status": {
            "availableUpdates": [{"channels": ["candidate-4.17", "candidate-4.18", "fast-4.17", "stable-4.17"],
                                  "image": "quay.io/openshift-release-dev/ocp-release@sha256:" + ids.hexs(64),
                                  "url": "https://access.redhat.com/errata/RHSA-2025:3059", "version": "4.17.21"}],
            "capabilities": {"enabledCapabilities": ["Build", "CSISnapshot", "CloudControllerManager", "CloudCredential",
                                                     "Console", "DeploymentConfig", "ImageRegistry", "Ingress", "Insights",
                                                     "MachineAPI", "NodeTuning", "OperatorLifecycleManager", "Storage",
                                                     "baremetal", "marketplace", "openshift-samples"],
                             "knownCapabilities": ["Build", "CSISnapshot", "CloudControllerManager", "CloudCredential",
                                                   "Console", "DeploymentConfig", "ImageRegistry", "Ingress", "Insights",
                                                   "MachineAPI", "NodeTuning", "OperatorLifecycleManager", "Storage",
                                                   "baremetal", "marketplace", "openshift-samples"]},
            "conditions": [
                {"lastTransitionTime": ts(INSTALLED + timedelta(minutes=2)), "status": "True", "type": "RetrievedUpdates"},
                {"lastTransitionTime": ts(INSTALLED + timedelta(minutes=2)), "message": "Capabilities match configured spec",
                 "reason": "AsExpected", "status": "False", "type": "ImplicitlyEnabledCapabilities"},
                {"lastTransitionTime": ts(UPGRADE_START),
                 "message": f'Payload loaded version="{VERSION}" image="{img_new}" architecture="amd64"',
                 "reason": "PayloadLoaded", "status": "True", "type": "ReleaseAccepted"},
                {"lastTransitionTime": ts(INSTALLED + timedelta(minutes=45)), "message": f"Done applying {VERSION}",
                 "status": "True", "type": "Available"},
                {"lastTransitionTime": ts(COLLECTED - timedelta(minutes=40)),
                 "message": "Cluster operator etcd is degraded", "reason": "ClusterOperatorDegraded",
                 "status": "True", "type": "Failing"},
                {"lastTransitionTime": ts(UPGRADE_DONE),
                 "message": f"Error while reconciling {VERSION}: the cluster operator etcd is degraded",
                 "reason": "ClusterOperatorDegraded", "status": "False", "type": "Progressing"},
                {"lastTransitionTime": ts(INSTALLED + timedelta(minutes=2)),
                 "message": "Kubernetes 1.31 and therefore OpenShift 4.18 remove several APIs which require admin "
                            "consideration. Please see the knowledge article https://access.redhat.com/articles/7031404 "
                            "for details and instructions.",
                 "reason": "AdminAckRequired", "status": "False", "type": "Upgradeable"}],
            "desired": {"channels": ["candidate-4.17", "candidate-4.18", "eus-4.18", "fast-4.17", "stable-4.17"],
                        "image": img_new, "url": "https://access.redhat.com/errata/RHSA-2025:2705", "version": VERSION},
            "history": [
                {"acceptedRisks": "", "completionTime": ts(UPGRADE_DONE), "image": img_new, "startedTime": ts(UPGRADE_START),
                 "state": "Completed", "verified": True, "version": VERSION},
                {"completionTime": ts(INSTALLED + timedelta(minutes=45)), "image": img_old,
                 "startedTime": ts(INSTALLED), "state": "Completed", "verified": False, "version": OLD_VERSION}],
            "observedGeneration": 3, "versionHash": "Yq3lyD0yR9E="}}
    return add_managed(obj, [managed("config.openshift.io/v1", "cluster-bootstrap", created, obj, ("spec",)),
                             managed("config.openshift.io/v1", "cluster-version-operator", UPGRADE_DONE, obj,
                                     ("status",), "status")])


def infrastructure(ids: Ids) -> dict:
    md = obj_meta(ids, "cluster", None, INSTALLED, generation=1)
    obj = {"apiVersion": "config.openshift.io/v1", "kind": "Infrastructure", "metadata": md, "spec": {
        "cloudConfig": {"key": "config", "name": "cloud-provider-config"},
        "platformSpec": {"aws": {}, "type": "AWS"}},
        "status": {"apiServerInternalURI": f"https://api-int.{BASE_DOMAIN}:6443", "apiServerURL": f"https://api.{BASE_DOMAIN}:6443",
                   "controlPlaneTopology": "HighlyAvailable", "cpuPartitioning": "None",
                   "etcdDiscoveryDomain": "", "infrastructureName": CLUSTER_ID, "infrastructureTopology": "HighlyAvailable",
                   "platform": "AWS", "platformStatus": {"aws": {"region": "us-east-2"}, "type": "AWS"}}}
    return add_managed(obj, [managed("config.openshift.io/v1", "cluster-bootstrap", INSTALLED, obj, ("spec",)),
                             managed("config.openshift.io/v1", "cluster-bootstrap", INSTALLED, obj, ("status",), "status")])


def widget_crds(ids: Ids) -> list:
    out = []
    for plural, kind, scope, cols in (
        ("widgets", "Widget", "Namespaced", [
            {"jsonPath": ".spec.size", "name": "Size", "type": "integer"},
            {"jsonPath": ".status.phase", "name": "Phase", "type": "string"},
            {"jsonPath": '.status.conditions[?(@.type=="Ready")].status', "name": "Ready", "type": "string"},
            {"description": "Widget color", "jsonPath": ".spec.color", "name": "Color", "priority": 1, "type": "string"},
            {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"}]),
        ("gizmos", "Gizmo", "Cluster", None),
    ):
        name = f"{plural}.example.com"
        md = obj_meta(ids, name, None, INSTALLED + timedelta(hours=6), generation=1)
        ver = {"name": "v1", "schema": {"openAPIV3Schema": {
            "description": f"{kind} is an example custom resource used by staticapi tests.",
            "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
                           "spec": {"properties": {"color": {"type": "string"}, "size": {"format": "int32", "type": "integer"}},
                                    "type": "object", "x-kubernetes-preserve-unknown-fields": True},
                           "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
            "type": "object"}}, "served": True, "storage": True, "subresources": {"status": {}}}
        if cols:
            ver["additionalPrinterColumns"] = cols
        names = {"kind": kind, "listKind": kind + "List", "plural": plural, "singular": kind.lower()}
        if plural == "widgets":
            names["shortNames"] = ["wdg"]
            names["categories"] = ["all", "example"]
        obj = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": md, "spec": {
            "conversion": {"strategy": "None"}, "group": "example.com", "names": names, "scope": scope,
            "versions": [ver]},
            "status": {"acceptedNames": names, "conditions": [
                {"lastTransitionTime": ts(INSTALLED + timedelta(hours=6)), "message": "no conflicts found",
                 "reason": "NoConflicts", "status": "True", "type": "NamesAccepted"},
                {"lastTransitionTime": ts(INSTALLED + timedelta(hours=6)), "message": "the initial names have been accepted",
                 "reason": "InitialNamesAccepted", "status": "True", "type": "Established"}],
                "storedVersions": ["v1"]}}
        add_managed(obj, [managed("apiextensions.k8s.io/v1", "kubectl-client-side-apply", INSTALLED, obj, ("spec",))])
        out.append(obj)
    return out


def widget(ids: Ids, name: str, ns: str | None, i: int, kind="Widget") -> dict:
    created = INSTALLED + timedelta(hours=7, minutes=i * 13)
    md = obj_meta(ids, name, ns, created, generation=1 + i % 3)
    phase = ("Ready", "Provisioning", "Failed")[i % 3]
    obj = {"apiVersion": "example.com/v1", "kind": kind, "metadata": md,
           "spec": {"color": ("red", "green", "blue", "teal")[i % 4], "size": 3 + i * 2},
           "status": {"conditions": [{"lastTransitionTime": ts(created + timedelta(minutes=1)),
                                      "message": "widget is ready" if phase == "Ready" else "waiting for quota",
                                      "reason": phase, "status": "True" if phase == "Ready" else "False", "type": "Ready"}],
                      "phase": phase}}
    if i % 4 == 3:
        del obj["status"]["conditions"]  # missing keys -> empty cells
    return add_managed(obj, [managed("example.com/v1", "widget-controller", created, obj, ("spec",)),
                             managed("example.com/v1", "widget-controller", created, obj, ("status",), "status")])


def other_cluster_objects(ids: Ids, nodes: list) -> dict:
    """(group, resource) -> [objects] for the smaller cluster-scoped kinds."""
    res: dict = {}
    sc_md = obj_meta(ids, "gp3-csi", None, INSTALLED + timedelta(minutes=20),
                     annotations={"storageclass.kubernetes.io/is-default-class": "true"})
    res[("storage.k8s.io", "storageclasses")] = [
        {"allowVolumeExpansion": True, "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": sc_md,
         "parameters": {"encrypted": "true", "type": "gp3"}, "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete",
         "volumeBindingMode": "WaitForFirstConsumer"},
        {"allowVolumeExpansion": True, "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
         "metadata": obj_meta(ids, "gp2-csi", None, INSTALLED + timedelta(minutes=20)),
         "parameters": {"encrypted": "true", "type": "gp2"}, "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete",
         "volumeBindingMode": "WaitForFirstConsumer"}]
    roles = []
    for name, rules in (
        ("admin", [{"apiGroups": [""], "resources": ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"],
                    "verbs": ["create", "delete", "deletecollection", "patch", "update"]}]),
        ("view", [{"apiGroups": [""], "resources": ["configmaps", "endpoints", "persistentvolumeclaims", "pods", "services"],
                   "verbs": ["get", "list", "watch"]}]),
        ("cluster-reader", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]},
                            {"nonResourceURLs": ["*"], "verbs": ["get"]}]),
        ("system:openshift:scc:privileged", [{"apiGroups": ["security.openshift.io"], "resourceNames": ["privileged"],
                                              "resources": ["securitycontextconstraints"], "verbs": ["use"]}]),
    ):
        md = obj_meta(ids, name, None, INSTALLED + timedelta(minutes=1),
                      annotations={"rbac.authorization.kubernetes.io/autoupdate": "true"},
                      labels={"kubernetes.io/bootstrapping": "rbac-defaults"})
        roles.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": md, "rules": rules})
    roles[0]["aggregationRule"] = {
        "clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}}]}
    res[("rbac.authorization.k8s.io", "clusterroles")] = roles
    csrs = []
    for i, approved in enumerate((True, True, False)):
        created = COLLECTED - timedelta(minutes=50 - i * 20)
        md = obj_meta(ids, f"csr-{ids.suffix(5)}", None, created, generate_name="csr-")
        req = base64.b64encode(("-----BEGIN CERTIFICATE REQUEST-----\n" + base64.b64encode(
            bytes(ids.rng.getrandbits(8) for _ in range(300))).decode()
            + "\n-----END CERTIFICATE REQUEST-----\n").encode()).decode()
        csr = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": md, "spec": {
            "groups": ["system:serviceaccounts:openshift-machine-config-operator", "system:serviceaccounts",
                       "system:authenticated"],
            "request": req, "signerName": "kubernetes.io/kube-apiserver-client-kubelet",
            "uid": ids.uid(), "usages": ["digital signature", "client auth"],
            "username": "system:serviceaccount:openshift-machine-config-operator:node-bootstrapper"}, "status": {}}
        if approved:
            csr["status"] = {"certificate": base64.b64encode(_fake_pem(ids, 1).encode()).decode(), "conditions": [
                {"lastTransitionTime": ts(created + timedelta(seconds=3)), "lastUpdateTime": ts(created + timedelta(seconds=3)),
                 "message": "This CSR was approved by the Node CSR Approver (cluster-machine-approver)",
                 "reason": "NodeCSRApprove", "status": "True", "type": "Approved"}]}
        csrs.append(csr)
    res[("certificates.k8s.io", "certificatesigningrequests")] = csrs
    md = obj_meta(ids, "multus.openshift.io", None, INSTALLED + timedelta(minutes=10), generation=2,
                  owner={"apiVersion": "operator.openshift.io/v1", "blockOwnerDeletion": True, "controller": True,
                         "kind": "Network", "name": "cluster", "uid": ids.uid()})
    res[("admissionregistration.k8s.io", "validatingwebhookconfigurations")] = [{
        "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": md,
        "webhooks": [{"admissionReviewVersions": ["v1"], "clientConfig": {
            "caBundle": base64.b64encode(_fake_pem(ids, 1).encode()).decode(),
            "service": {"name": "multus-admission-controller", "namespace": "openshift-multus", "path": "/validate",
                        "port": 443}},
            "failurePolicy": "Ignore", "matchPolicy": "Equivalent", "name": "multus-validating-config.k8s.io",
            "namespaceSelector": {}, "objectSelector": {},
            "rules": [{"apiGroups": ["k8s.cni.cncf.io"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                       "resources": ["network-attachment-definitions"], "scope": "*"}],
            "sideEffects": "NoneOnDryRun", "timeoutSeconds": 30}]}]
    pools = []
    for role, total, ready in (("master", 3, 3), ("worker", 2, 1)):
        md = obj_meta(ids, role, None, INSTALLED + timedelta(minutes=5), generation=4,
                      labels={"machineconfiguration.openshift.io/mco-built-in": "",
                              f"pools.operator.machineconfiguration.openshift.io/{role}": ""})
        rendered = f"rendered-{role}-{ids.hexs(32)}"
        updating = ready < total
        pools.append({"apiVersion": "machineconfiguration.openshift.io/v1", "kind": "MachineConfigPool", "metadata": md, "spec": {
            "configuration": {"name": rendered, "source": [{"apiVersion": "machineconfiguration.openshift.io/v1",
                                                             "kind": "MachineConfig", "name": f"00-{role}"},
                                                            {"apiVersion": "machineconfiguration.openshift.io/v1",
                                                             "kind": "MachineConfig", "name": f"01-{role}-kubelet"}]},
            "machineConfigSelector": {"matchLabels": {"machineconfiguration.openshift.io/role": role}},
            "nodeSelector": {"matchLabels": {f"node-role.kubernetes.io/{role}": ""}}, "paused": False},
            "status": {"certExpirys": [{"bundle": "KubeAPIServerServingCAData", "expiry": ts(INSTALLED + timedelta(days=3650)),
                                        "subject": "CN=admin-kubeconfig-signer,OU=openshift"}],
                       "conditions": [
                           {"lastTransitionTime": ts(UPGRADE_DONE), "message": "", "reason": "", "status": "False",
                            "type": "RenderDegraded"},
                           {"lastTransitionTime": ts(UPGRADE_DONE), "message": "", "reason": "", "status": "False",
                            "type": "NodeDegraded"},
                           {"lastTransitionTime": ts(UPGRADE_DONE), "message": "", "reason": "", "status": "False",
                            "type": "Degraded"},
                           {"lastTransitionTime": ts(COLLECTED - timedelta(minutes=40)),
                            "message": "" if updating else f"All nodes are updated with {rendered}", "reason": "",
                            "status": "False" if updating else "True", "type": "Updated"},
                           {"lastTransitionTime": ts(COLLECTED - timedelta(minutes=40)),
                            "message": f"All nodes are updating to MachineConfig {rendered}" if updating else "", "reason": "",
                            "status": "True" if updating else "False", "type": "Updating"}],
                       "configuration": {"name": rendered}, "degradedMachineCount": 0, "machineCount": total,
                       "observedGeneration": 4, "readyMachineCount": ready, "unavailableMachineCount": total - ready,
                       "updatedMachineCount": ready}})
    res[("machineconfiguration.openshift.io", "machineconfigpools")] = pools
    md = obj_meta(ids, "cluster", None, INSTALLED, generation=1,
                  annotations={"include.release.openshift.io/self-managed-high-availability": "true",
                               "release.openshift.io/create-only": "true"})
    res[("config.openshift.io", "nodes")] = [{"apiVersion": "config.openshift.io/v1", "kind": "Node", "metadata": md,
                                              "spec": {"cgroupMode": "v2", "workerLatencyProfile": "Default"}, "status": {}}]
    return res


def pv_object(ids: Ids, name: str, pvc: dict, zone: str) -> dict:
    md = obj_meta(ids, name, None,
                  datetime.fromisoformat(pvc["metadata"]["creationTimestamp"].replace("Z", "+00:00")) + timedelta(seconds=4),
                  annotations={"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com",
                               "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                               "volume.kubernetes.io/provisioner-deletion-secret-namespace": ""})
    md["finalizers"] = ["external-provisioner.volume.kubernetes.io/finalizer", "kubernetes.io/pv-protection",
                        "external-attacher/ebs-csi-aws-com"]
    pmd = pvc["metadata"]
    obj = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": md, "spec": {
        "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "40Gi"},
        "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": pmd["name"], "namespace": pmd["namespace"],
                     "resourceVersion": pmd["resourceVersion"], "uid": pmd["uid"]},
        "csi": {"driver": "ebs.csi.aws.com", "fsType": "ext4",
                "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": "1742187337921-8081-ebs.csi.aws.com"},
                "volumeHandle": "vol-0" + ids.hexs(16)},
        "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "topology.ebs.csi.aws.com/zone", "operator": "In", "values": [zone]}]}]}},
        "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "gp3-csi", "volumeMode": "Filesystem"},
        "status": {"lastPhaseTransitionTime": md["creationTimestamp"], "phase": "Bound"}}
    return add_managed(obj, [managed("v1", "csi-provisioner", INSTALLED, obj, ("metadata", "spec")),
                             managed("v1", "kube-controller-manager", INSTALLED, obj, ("status",), "status")])


# ---------------------------------------------------------------------------
# layout: writing the tree
# ---------------------------------------------------------------------------

PRESETS = {
    "fixture": dict(namespaces=6, pods_per_ns=5, events_per_ns=10, log_lines=12, seed=20250320,
                    layout_variants=True, broken_files=True),
    "medium": dict(namespaces=20, pods_per_ns=10, events_per_ns=30, log_lines=40, seed=20250320,
                   layout_variants=True, broken_files=True),
    "big": dict(namespaces=200, pods_per_ns=50, events_per_ns=250, log_lines=500, seed=20250320,
                layout_variants=True, broken_files=False),
}

# demo-apps holds one pod in every state the pod printer distinguishes
SHOWCASE_STATES = ["Running", "Pending", "ContainerCreating", "CrashLoopBackOff", "Init:0/2", "Error", "OOMKilled",
                   "Terminating", "Sidecar", "SchedulingGated", "MultiContainer"]


def _random_states(rng: random.Random, n: int) -> list:
    out = []
    for _ in range(n):
        r = rng.random()
        out.append("Running" if r < 0.86 else "CrashLoopBackOff" if r < 0.9 else "Pending" if r < 0.92 else
                   "ContainerCreating" if r < 0.94 else "Terminating" if r < 0.96 else "Init:0/2" if r < 0.98 else "Error")
    return out


def build_namespace(b: NamespaceBuilder, name: str, pods_per_ns: int, events_per_ns: int, showcase: bool) -> NS:
    rng = b.rng
    ns = NS(name)
    b.base(ns)
    apps = []
    if name == "openshift-etcd":
        b.static_pods(ns, "etcd", "etcd")
        apps.append("etcd-guard")
    elif name == "openshift-kube-apiserver":
        b.static_pods(ns, "kube-apiserver", "klog")
        apps.append("apiserver-watcher")
    if showcase:
        states = list(SHOWCASE_STATES)
        # MultiContainer -> a Running pod of a 3-container deployment
        for i, st in enumerate(states):
            app = f"{APP_NAMES[i % len(APP_NAMES)]}"
            multi = 3 if st == "MultiContainer" else (2 if st == "CrashLoopBackOff" else 1)
            b.deployment(ns, app, 1, ["Running" if st == "MultiContainer" else st], containers=multi,
                         port=8080, style="app", route=(i == 0))
            apps.append(app)
        b.job(ns, "pruner", "Completed")
        b.job(ns, "report", "Error")
        b.deploymentconfig(ns, "legacy-dc")
        b.statefulset(ns, "postgres", 1)
    else:
        left = max(pods_per_ns - len(ns.pods), 0)
        k = 0
        while left > 0:
            r = rng.random()
            app = f"{APP_NAMES[k % len(APP_NAMES)]}" + (f"-{k // len(APP_NAMES)}" if k >= len(APP_NAMES) else "")
            if k == 0 and name.startswith("openshift-"):
                app = name[len("openshift-"):]  # e.g. the etcd-operator Deployment in openshift-etcd-operator
                r = 1.0
            k += 1
            if r < 0.08 and left >= len(b.nodes) and not any(a.endswith("-agent") for a in apps):
                b.daemonset(ns, app + "-agent")
                apps.append(app + "-agent")
                left -= len(b.nodes)
            elif r < 0.12 and left >= 2:
                b.statefulset(ns, app + "-db", 2)
                left -= 2
            elif r < 0.18:
                b.job(ns, app + "-cron", "Completed" if rng.random() < 0.8 else "Error")
                left -= 1
            else:
                n = min(left, rng.choice([1, 2, 2, 3]))
                b.deployment(ns, app, n, _random_states(rng, n), containers=rng.choice([1, 1, 1, 2, 3]),
                             style=rng.choice(["klog", "klog", "app"]), route=rng.random() < 0.2)
                apps.append(app)
                left -= n
    if not apps:
        apps.append("placeholder")
    b.misc(ns, apps)
    ns.add("route.openshift.io", "routes", "route.openshift.io/v1", "Route", None)
    ns.add("apps.openshift.io", "deploymentconfigs", "apps.openshift.io/v1", "DeploymentConfig", None)
    ns.add("batch", "jobs", "batch/v1", "Job", None)
    ns.add("batch", "cronjobs", "batch/v1", "CronJob", None)
    ns.add("apps", "statefulsets", "apps/v1", "StatefulSet", None)
    ns.add("apps", "daemonsets", "apps/v1", "DaemonSet", None)
    b.events(ns, events_per_ns)
    return ns


def write_pod_logs(w: Writer, base: str, pod: dict, plan: list, style: str, log_lines: int, seed: int,
                   variant: str | None) -> None:
    """pods/<pod>/<container>/<container>/logs/{current,previous}[.insecure].log (+ rotated)."""
    name = pod["metadata"]["name"]
    planned = {c for c, _, _, _ in plan}
    # must-gather writes a (possibly empty) previous.log for every container it fetched
    for cname, what, start, end in plan:
        d = f"{base}/pods/{name}/{cname}/{cname}/logs"
        h = seed ^ hash_str(name + cname + what)
        n = log_lines if what == "current" else max(log_lines // 3, 3)
        text = log_text(h, style, start, end, n, crash=(what == "previous"))
        if what == "current":
            if variant == "current-insecure":
                w.write(f"{d}/current.insecure.log", text, log=True)
            else:
                w.write(f"{d}/current.log", text, log=True)
            if not any(c == cname and x == "previous" for c, x, _, _ in plan):
                if variant == "previous-insecure":
                    w.write(f"{d}/previous.log", "", log=True)
                    w.write(f"{d}/previous.insecure.log",
                            log_text(h + 1, style, start - timedelta(hours=1), start - timedelta(minutes=30),
                                     max(log_lines // 3, 3), crash=True), log=True)
                else:
                    w.write(f"{d}/previous.log", "", log=True)
            if variant == "rotated":
                s1 = start + (end - start) / 3
                s2 = start + 2 * (end - start) / 3
                w.write(f"{d}/rotated/1.log.{s2:%Y%m%d-%H%M%S}", log_text(h + 2, style, s1, s2, n, cri=True), log=True)
                w.write(f"{d}/rotated/0.log.{s1:%Y%m%d-%H%M%S}.gz",
                        gzip.compress(log_text(h + 3, style, start, s1, n, cri=True).encode(), compresslevel=6, mtime=0),
                        log=True)
        else:
            w.write(f"{d}/previous.log", text, log=True)
    del planned


def hash_str(s: str) -> int:
    """A stable (non-randomised) string hash."""
    h = 2166136261
    for ch in s.encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


def write_namespace(w: Writer, img: str, ns: NS, nsobj: dict | None, *, core_events: bool, log_lines: int, seed: int,
                    variants: dict) -> None:
    base = f"{img}/namespaces/{ns.name}"
    rv = str(w.rv)
    if nsobj is not None:
        w.write(f"{base}/{ns.name}.yaml", dump(nsobj, doc_start=True))
        w.kind("Namespace")
    pods = [p for p, _, _ in ns.pods]
    w.write(f"{base}/core/pods.yaml", dump_list("v1", "PodList", pods, rv))
    for pod, plan, style in ns.pods:
        pname = pod["metadata"]["name"]
        w.write(f"{base}/pods/{pname}/{pname}.yaml", dump(pod, doc_start=True))
        w.kind("Pod")
        write_pod_logs(w, base, pod, plan, style, log_lines, seed, variants.get(pname))
    # events
    if core_events:
        w.write(f"{base}/core/events.yaml", dump_list("v1", "EventList", ns.events, rv))
    else:
        for ev in ns.events:
            w.write(f"{base}/events.k8s.io/events/{ev['metadata']['name']}.yaml", dump(to_events_v1(ev)))
    w.kind("Event", len(ns.events))
    for lease in ns.leases:
        w.write(f"{base}/coordination.k8s.io/leases/{lease['metadata']['name']}.yaml", dump(lease))
        w.kind("Lease")
    for (group, resource), (api_version, list_kind, items) in sorted(ns.lists.items()):
        rel = f"{base}/{group}/{resource}.yaml"
        special = variants.get(("list", ns.name, group, resource))
        if special == "generic-list":
            stripped = [{k: v for k, v in it.items() if k not in ("apiVersion", "kind")} for it in items]
            w.write(rel, dump_list("v1", "List", stripped, rv))
        elif special == "no-extension":
            w.write(f"{base}/{group}/{resource}", dump_list(api_version, list_kind, items, rv))
        elif special == "items-null":
            w.write(rel, dump_list(api_version, list_kind, [], rv, items_null=True))
        else:
            w.write(rel, dump_list(api_version, list_kind, items, rv))
        if items and special != "items-null":
            w.kind(list_kind[:-4], len(items))


def generate(out: Path, *, namespaces: int = 6, pods_per_ns: int = 5, events_per_ns: int = 10, log_lines: int = 12,
             seed: int = 20250320, layout_variants: bool = True, broken_files: bool = True) -> dict:
    """Write a must-gather tree under ``out`` and return counts of what was written.

    ``out`` must not exist or be empty. The return value maps object kinds
    (``Pod``, ``Event``, ``Node`` ...) to the number of distinct objects written,
    plus ``files``, ``bytes``, ``log_files`` and ``broken_files``.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    if layout_variants and namespaces < len(CORE_NAMESPACES):
        raise ValueError(f"layout_variants needs namespaces >= {len(CORE_NAMESPACES)}")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    ids = Ids(rng)
    w = Writer(out)
    img = IMAGE_DIR

    # root files
    stamp = (go_time_string(COLLECTED, COLLECTED_NANOS, 2.570579986) + "\n"
             + go_time_string(COLLECTED + timedelta(minutes=9, seconds=46), 996270777, 588.157082949) + "\n")
    w.write("timestamp", stamp)
    w.write(f"{img}/timestamp", stamp)
    w.write(f"{img}/version", f"openshift/must-gather\n{VERSION}\n")

    images = [(ids.image(), rng.randint(300_000_000, 1_200_000_000)) for _ in range(36)]
    images.sort(key=lambda x: -x[1])
    nodes = make_nodes(ids)
    node_objs = [node_object(ids, n, images) for n in nodes]
    opts = {"pvs": []}
    b = NamespaceBuilder(ids, nodes, images, opts)

    names = list(CORE_NAMESPACES) + list(MORE_NAMESPACES)
    i = 0
    while len(names) < namespaces:
        names.append(f"app-{WORDS[i % len(WORDS)]}-{i // len(WORDS) + 1}")
        i += 1
    names = names[:namespaces]
    if not layout_variants:
        names = [n for n in names if n != "demo-apps"] + (["demo-apps"] if "demo-apps" in names else [])

    built = []
    for name in names:
        showcase = layout_variants and name == "demo-apps"
        ns = build_namespace(b, name, pods_per_ns, events_per_ns, showcase)
        if name == "openshift-kube-apiserver":
            apiserver_termination_events(b, ns, nodes)
        built.append(ns)
    by_name = {ns.name: ns for ns in built}
    if "openshift-etcd-operator" in by_name:
        ns = by_name["openshift-etcd-operator"]
        dep_uid = next((d["metadata"]["uid"] for d in ns.lists.get(("apps", "deployments"), ("", "", []))[2]), ids.uid())
        operator_status_events(b, ns, "etcd", dep_uid)
    widgets = []
    if "demo-apps" in by_name:
        for k in range(4):
            widgets.append(widget(ids, f"widget-{WORDS[k]}", "demo-apps", k))

    # layout variants per pod / list
    variants: dict = {}
    if layout_variants:
        demo = by_name["demo-apps"]
        running = [p for p, plan, _ in demo.pods if p["status"]["phase"] == "Running" and plan
                   and not any(x == "previous" for _, x, _, _ in plan)]
        variants[running[0]["metadata"]["name"]] = "previous-insecure"
        variants[running[1]["metadata"]["name"]] = "current-insecure"
        variants[running[2]["metadata"]["name"]] = "rotated"
        variants[("list", "openshift-monitoring", "route.openshift.io", "routes")] = "items-null"
        variants[("list", "demo-apps", "core", "serviceaccounts")] = "generic-list"
        variants[("list", "openshift-ingress", "apps", "replicasets")] = "no-extension"

    w.rv = ids.rv + 1000  # list resourceVersion: newer than every object
    for k, ns in enumerate(built):
        skip_ns_yaml = layout_variants and ns.name == "openshift-ingress"
        nsobj = None if skip_ns_yaml else ns_object(ids, ns.name)
        if skip_ns_yaml:
            w.kind("Namespace", 0)
        write_namespace(w, img, ns, nsobj, core_events=(k % 2 == 0), log_lines=log_lines, seed=seed,
                        variants=variants)
    if layout_variants:
        base = f"{img}/namespaces/demo-apps"
        for wd in widgets:
            w.write(f"{base}/example.com/widgets/{wd['metadata']['name']}.yaml", dump(wd))
            w.kind("Widget")
        # a .yml and a .json per-object file
        cm = next(c for c in by_name["demo-apps"].lists[("core", "configmaps")][2] if c["metadata"]["name"].endswith("-config"))
        extra_cm = json.loads(json.dumps(cm))
        extra_cm["metadata"]["name"] = "feature-flags"
        extra_cm["metadata"]["uid"] = ids.uid()
        extra_cm["data"] = {"enable-beta": "false", "max-items": "250", "rollout": "canary"}
        w.write(f"{base}/core/configmaps/feature-flags.yml", dump(extra_cm, doc_start=True))
        w.kind("ConfigMap")
        svc = json.loads(json.dumps(by_name["demo-apps"].lists[("core", "services")][2][0]))
        svc["metadata"]["name"] = "external-db"
        svc["metadata"]["uid"] = ids.uid()
        svc["spec"] = {"externalName": "db.example.internal", "sessionAffinity": "None", "type": "ExternalName"}
        w.write(f"{base}/core/services/external-db.json", json.dumps(svc, indent=4, sort_keys=True) + "\n")
        w.kind("Service")

    # cluster-scoped
    cs = f"{img}/cluster-scoped-resources"
    for n in node_objs:
        w.write(f"{cs}/core/nodes/{n['metadata']['name']}.yaml", dump(n))
        w.kind("Node")
    for pv_name, pvc, zone in opts["pvs"]:
        w.write(f"{cs}/core/persistentvolumes/{pv_name}.yaml", dump(pv_object(ids, pv_name, pvc, zone)))
        w.kind("PersistentVolume")
    cos = cluster_operators(ids)
    w.write(f"{cs}/config.openshift.io/clusteroperators.yaml",
            dump_list("config.openshift.io/v1", "ClusterOperatorList", cos, str(w.rv)))
    for co in cos:
        w.write(f"{cs}/config.openshift.io/clusteroperators/{co['metadata']['name']}.yaml", dump(co))
    w.kind("ClusterOperator", len(cos))
    w.write(f"{cs}/config.openshift.io/clusterversions/version.yaml", dump(cluster_version(ids)))
    w.kind("ClusterVersion")
    w.write(f"{cs}/config.openshift.io/infrastructures.yaml",
            dump_list("config.openshift.io/v1", "InfrastructureList", [infrastructure(ids)], str(w.rv)))
    w.kind("Infrastructure")
    for (group, resource), objs in other_cluster_objects(ids, nodes).items():
        for o in objs:
            w.write(f"{cs}/{group}/{resource}/{o['metadata']['name']}.yaml", dump(o))
            w.kind(o["kind"] if group != "config.openshift.io" else "Node.config.openshift.io")
    for crd in widget_crds(ids):
        w.write(f"{cs}/apiextensions.k8s.io/customresourcedefinitions/{crd['metadata']['name']}.yaml", dump(crd))
        w.kind("CustomResourceDefinition")
    for k in range(2):
        g = widget(ids, f"gizmo-{WORDS[10 + k]}", None, k, kind="Gizmo")
        w.write(f"{cs}/example.com/gizmos/{g['metadata']['name']}.yaml", dump(g))
        w.kind("Gizmo")

    # event-filter.html with every event, as must-gather writes it (here: a plain table)
    all_events = [ev for ns in built for ev in ns.events]
    html = _event_filter_html(all_events)
    w.write("event-filter.html", html)
    w.write(f"{img}/event-filter.html", html)

    host_service_logs(w, img, nodes, seed, broken=broken_files)
    if layout_variants:
        _second_image_dir(w, ids, b, log_lines, seed)
    if broken_files:
        _broken(w, img, rng)
    if layout_variants:
        _gathered_extras(w, img, built, nodes, seed)
    return dict(w.counts)


def _second_image_dir(w: Writer, ids: Ids, b: NamespaceBuilder, log_lines: int, seed: int) -> None:
    """A second image dir (another gather image): extra namespaces, a HyperShift-dump style one."""
    img = IMAGE_DIR2
    stamp = (go_time_string(COLLECTED + timedelta(seconds=3), 118042771, 1.904551312) + "\n"
             + go_time_string(COLLECTED + timedelta(minutes=2, seconds=5), 640011290, 127.426119604) + "\n")
    w.write(f"{img}/timestamp", stamp)
    w.write(f"{img}/version", "openshift-logging/cluster-logging-rhel9-operator\n6.1.3\n")
    ns = build_namespace(b, "openshift-logging", 4, 6, False)
    write_namespace(w, img, ns, ns_object(ids, ns.name), core_events=True, log_lines=log_lines, seed=seed, variants={})
    # HyperShift dump style: pod logs as core/pods/logs/<pod>-<container>[-previous].log, no pods/ dir
    hs = NS("clusters-hosted")
    b.base(hs)
    b.deployment(hs, "kube-apiserver", 2, ["Running", "CrashLoopBackOff"], containers=2, style="klog")
    b.deployment(hs, "etcd", 1, ["Running"], style="etcd")
    b.misc(hs, ["kube-apiserver"])
    b.events(hs, 8)
    base = f"{img}/namespaces/{hs.name}"
    rv = str(w.rv)
    w.write(f"{base}/{hs.name}.yaml", dump(ns_object(ids, hs.name), doc_start=True))
    w.kind("Namespace")
    w.write(f"{base}/core/pods.yaml", dump_list("v1", "PodList", [p for p, _, _ in hs.pods], rv))
    w.kind("Pod", len(hs.pods))
    w.write(f"{base}/core/events.yaml", dump_list("v1", "EventList", hs.events, rv))
    w.kind("Event", len(hs.events))
    for (group, resource), (api_version, list_kind, items) in sorted(hs.lists.items()):
        w.write(f"{base}/{group}/{resource}.yaml", dump_list(api_version, list_kind, items, rv))
        if items:
            w.kind(list_kind[:-4], len(items))
    for pod, plan, style in hs.pods:
        pname = pod["metadata"]["name"]
        for cname, what, start, end in plan:
            h = seed ^ hash_str(pname + cname + what)
            suffix = "" if what == "current" else "-previous"
            w.write(f"{base}/core/pods/logs/{pname}-{cname}{suffix}.log",
                    log_text(h, style, start, end, log_lines if what == "current" else 5, crash=what == "previous"),
                    log=True)
    # an extra cluster-scoped object only this image dir has
    md = obj_meta(ids, "cluster-logging-operator-metrics", None, INSTALLED + timedelta(hours=9),
                  labels={"app.kubernetes.io/managed-by": "olm"})
    cr = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": md,
          "rules": [{"apiGroups": [""], "resources": ["services", "endpoints", "pods"], "verbs": ["get", "list", "watch"]}]}
    w.write(f"{img}/cluster-scoped-resources/rbac.authorization.k8s.io/clusterroles/{md['name']}.yaml", dump(cr))
    w.kind("ClusterRole")


# ---------------------------------------------------------------------------
# node service logs (host_service_logs/ and node-gather nodes/)
# ---------------------------------------------------------------------------

# Relative to the first image dir: node log files the server must skip and report.
BAD_NODE_LOG_RELPATHS = ("nodes/ip-10-0-23-89.us-east-2.compute.internal/"
                         "ip-10-0-23-89.us-east-2.compute.internal_logs_crio.gz",)
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_KUBELET_JOURNAL = [
    ('kubelet.go:2456', '"SyncLoop (probe)" probe="readiness" status="ready" pod="{ns}/{pod}"'),
    ('kubelet.go:2470', '"SyncLoop UPDATE" source="api" pods=["{ns}/{pod}"]'),
    ('prober.go:107', '"Probe failed" probeType="Readiness" pod="{ns}/{pod}" podUID="{uid}" '
                      'containerName="{c}" probeResult="failure" output="Get \\"https://10.128.0.{ip}:8443/healthz\\": '
                      'dial tcp 10.128.0.{ip}:8443: connect: connection refused"'),
    ('kuberuntime_manager.go:1056', '"Creating container in pod" containerType="container" container="&Container{{Name:{c},}}" '
                                    'pod="{ns}/{pod}"'),
    ('reconciler_common.go:218', '"operationExecutor.MountVolume started for volume \\"kube-api-access-{rnd}\\" '
                                 '(UniqueName: \\"kubernetes.io/projected/{uid}-kube-api-access-{rnd}\\") pod \\"{pod}\\" '
                                 '(UID: \\"{uid}\\") " pod="{ns}/{pod}"'),
    ('log.go:25', '"Finished parsing log file" path="/var/log/pods/{ns}_{pod}_{uid}/{c}/0.log"'),
    ('pod_workers.go:1301', '"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"{c}\\" with '
                            'CrashLoopBackOff: \\"back-off 5m0s restarting failed container={c} pod={pod}_{ns}({uid})\\"" '
                            'pod="{ns}/{pod}" podUID="{uid}"'),
    ('kubelet_node_status.go:682', '"Recording event message for node" node="{node}" event="NodeHasSufficientMemory"'),
]
_CRIO_JOURNAL = [
    'level=info msg="Checking image status: quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:{hex}" '
    'id={id} name=/runtime.v1.ImageService/ImageStatus',
    'level=info msg="Image status: &ImageStatusResponse{{Image:&Image{{Id:{hex}...}}}}" id={id} '
    'name=/runtime.v1.ImageService/ImageStatus',
    'level=info msg="Created container {cid}: {ns}/{pod}/{c}" id={id} name=/runtime.v1.RuntimeService/CreateContainer',
    'level=info msg="Started container" PID={pid} containerID={cid} description={ns}/{pod}/{c} id={id} '
    'name=/runtime.v1.RuntimeService/StartContainer sandboxID={hex12}',
    'level=info msg="Stopping container: {cid} (timeout: 30s)" id={id} name=/runtime.v1.RuntimeService/StopContainer',
    'level=warning msg="Found defunct process with PID {pid} (haproxy)"',
]
_NM_JOURNAL = [
    '<info>  [{epoch}] device (br-ex): carrier: link connected',
    '<info>  [{epoch}] dhcp4 (br-ex): state changed new lease, address={ip}',
    '<info>  [{epoch}] device (genev_sys_6081): state change: unavailable -> disconnected (reason \'none\', '
    'sys-iface-state: \'external\')',
    '<info>  [{epoch}] manager: (ovn-k8s-mp0): new Generic device (/org/freedesktop/NetworkManager/Devices/{n})',
    '<warn>  [{epoch}] dhcp4 (br-ex): request timed out',
]


def journal_prefix(t: datetime, host: str) -> str:
    """journalctl --utc -o short-precise: ``Mar 20 07:31:02.123456 host``."""
    return f"{_MONTH_ABBR[t.month - 1]} {t.day:02d} {t:%H:%M:%S}.{t.microsecond:06d} {host}"


def _journal_entries(rng: random.Random, service: str, node: Node, start: datetime, end: datetime,
                     n: int, pods: list) -> list:
    """(time, text) entries of one service on one node, in time order; text may span lines."""
    host = node.name.split(".")[0]
    pid = {"kubelet": 2391, "crio": 2298, "NetworkManager": 1180}[service] + rng.randint(0, 90)
    span = (end - start).total_seconds()
    times = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(n))
    out = []
    for i, t in enumerate(times):
        ns, pod, c = rng.choice(pods)
        uid = f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-" \
              f"a{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}"
        pre = journal_prefix(t, host)
        if service == "kubelet":
            src, msg = rng.choice(_KUBELET_JOURNAL)
            msg = msg.format(ns=ns, pod=pod, c=c, uid=uid, ip=rng.randint(2, 250), rnd=f"{rng.getrandbits(20):05x}",
                             node=node.name)
            level = "E" if "Error" in msg or "failed" in msg else "I"
            k = t - timedelta(microseconds=rng.randint(20, 90))
            text = f"{pre} kubenswrapper[{pid}]: {level}{t:%m%d} {k:%H:%M:%S}.{k.microsecond:06d} {pid:7d} {src}] {msg}"
            if i == n // 2:  # a multi-line entry: journalctl indents the continuation lines
                text = (f"{pre} kubenswrapper[{pid}]: E{t:%m%d} {k:%H:%M:%S}.{k.microsecond:06d} {pid:7d} "
                        f"runtime.go:79] Observed a panic: \"invalid memory address or nil pointer dereference\"\n"
                        + " " * (len(pre) + len(f" kubenswrapper[{pid}]: ")) + "goroutine 412 [running]:\n"
                        + " " * (len(pre) + len(f" kubenswrapper[{pid}]: "))
                        + "k8s.io/apimachinery/pkg/util/runtime.logPanic({0x3a5c8e0, 0x6b7d130})")
        elif service == "crio":
            msg = rng.choice(_CRIO_JOURNAL).format(
                hex=f"{rng.getrandbits(64):016x}{rng.getrandbits(64):016x}", id=uid, cid=f"{rng.getrandbits(64):016x}",
                ns=ns, pod=pod, c=c, pid=rng.randint(3000, 90000), hex12=f"{rng.getrandbits(48):012x}")
            text = f'{pre} crio[{pid}]: time="{t:%Y-%m-%d %H:%M:%S}.{t.microsecond:06d}{rng.randint(100, 999)}Z" {msg}'
        else:
            msg = rng.choice(_NM_JOURNAL).format(epoch=f"{t.timestamp():.4f}", ip=node.ip, n=rng.randint(4, 40))
            text = f"{pre} NetworkManager[{pid}]: {msg}"
        out.append((t, text))
    if service == "kubelet":  # the upgrade restarted every kubelet
        stop = UPGRADE_START + timedelta(minutes=30 + 9 * int(node.ip.split(".")[2]) % 40, microseconds=rng.randint(0, 999999))
        out += [(stop, f"{journal_prefix(stop, host)} systemd[1]: Stopping Kubernetes Kubelet..."),
                (stop + timedelta(seconds=2), f"{journal_prefix(stop + timedelta(seconds=2), host)} systemd[1]: "
                 "kubelet.service: Deactivated successfully."),
                (stop + timedelta(seconds=9), f"{journal_prefix(stop + timedelta(seconds=9), host)} systemd[1]: "
                 "Started Kubernetes Kubelet.")]
        out.sort(key=lambda e: e[0])
    return out


def _oc_unified(per_host: list) -> str:
    """``oc adm node-logs --role=master -u svc`` output: each node's journal (in time order)
    interleaved by always taking the lexically smallest next line (oc's NewMergeReader)."""
    streams = [[ln for _, text in entries for ln in text.split("\n")] for entries in per_host]
    # heapq.merge keyed by the line is that algorithm for inputs that are each in order
    return "".join(ln + "\n" for ln in heapq.merge(*streams))


def host_service_logs(w: Writer, img: str, nodes: list, seed: int, *, broken: bool) -> None:
    """``host_service_logs/masters/{kubelet,crio,NetworkManager}_service.log`` as
    openshift/must-gather ``gather_service_logs`` writes them (all masters in one file), plus
    node-gather ``nodes/<node>/<node>_logs_<svc>.gz`` for the workers (one gzip, and with
    ``broken`` one truncated gzip, BAD_NODE_LOG_RELPATHS)."""
    rng = random.Random(seed ^ 0x4E4F4445)
    pods = [("openshift-etcd", "etcd-{node}", "etcd"), ("openshift-kube-apiserver", "kube-apiserver-{node}", "kube-apiserver"),
            ("openshift-monitoring", "prometheus-k8s-0", "prometheus"), ("demo-apps", "worker-7d9f8b6c5-x2x4q", "worker"),
            ("openshift-ingress", "router-default-6b8c9d7f5-9qk2w", "router")]
    since = COLLECTED - timedelta(days=2, hours=23)  # --since=-7d: everything since the install
    masters = [n for n in nodes if n.role == "master"]
    for service, count in (("kubelet", 28), ("crio", 16), ("NetworkManager", 8)):
        per_host = []
        for n in masters:
            mine = [(ns, p.format(node=n.name), c) for ns, p, c in pods]
            per_host.append(_journal_entries(rng, service, n, since, COLLECTED - timedelta(seconds=40), count, mine))
        w.write(f"{img}/host_service_logs/masters/{service}_service.log", _oc_unified(per_host))
    workers = [n for n in nodes if n.role == "worker"]
    for n in workers:
        end = COLLECTED - timedelta(minutes=47) if not n.ready else COLLECTED - timedelta(seconds=30)
        mine = [(ns, p.format(node=n.name), c) for ns, p, c in pods[2:]]
        entries = _journal_entries(rng, "kubelet", n, since, end, 20, mine)
        if not n.ready:
            host = n.name.split(".")[0]
            t = end - timedelta(seconds=5)
            entries.append((t, f"{journal_prefix(t, host)} kubenswrapper[2402]: E{t:%m%d} {t:%H:%M:%S}.{t.microsecond:06d}"
                               "    2402 kubelet.go:2391] \"Skipping pod synchronization\" err=\"PLEG is not healthy: "
                               "pleg was last seen active 3m12.400913829s ago; threshold is 3m0s\""))
        text = "".join(text + "\n" for _, text in entries).encode()
        w.write(f"{img}/nodes/{n.name}/{n.name}_logs_kubelet.gz", gzip.compress(text, mtime=0))
    if broken:
        n = next(n for n in workers if n.cordoned)
        entries = _journal_entries(rng, "crio", n, since, COLLECTED, 12, [(ns, p, c) for ns, p, c in pods[2:]])
        # stored (level 0) deflate blocks: the same bytes with any zlib build, so the fixture test
        # can compare this file byte for byte although it cannot be decompressed
        data = gzip.compress("".join(text + "\n" for _, text in entries).encode(), compresslevel=0, mtime=0)
        rel = f"nodes/{n.name}/{n.name}_logs_crio.gz"
        assert rel in BAD_NODE_LOG_RELPATHS
        w.write(f"{img}/{rel}", data[: len(data) * 2 // 3])  # cut mid-stream: a truncated gzip


def _broken(w: Writer, img: str, rng: random.Random) -> None:
    contents = {
        BROKEN_RELPATHS[0]: ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n  namespace: demo-apps\n"
                             "data:\n\tkey: value\n"),
        BROKEN_RELPATHS[1]: bytes(rng.getrandbits(8) for _ in range(2048)),
        BROKEN_RELPATHS[2]: b"",
        BROKEN_RELPATHS[3]: "just a placeholder string, not an object\n",
        BROKEN_RELPATHS[4]: b"apiVersion: v1\nkind: Secret\x00\x00\nmetadata:\n  name: nul-bytes\n  namespace: demo-apps\n",
        BROKEN_RELPATHS[5]: b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(512)),
    }
    for rel, data in contents.items():
        w.write(f"{img}/{rel}", data)
        w.counts["broken_files"] += 1


def _event_filter_html(events: list) -> str:
    rows = []
    for ev in sorted(events, key=lambda e: (e["lastTimestamp"], e["metadata"]["namespace"], e["metadata"]["name"]))[:2000]:
        io = ev["involvedObject"]
        rows.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s/%s</td><td>%s</td><td>%d</td><td>%s</td></tr>" % (
            ev["lastTimestamp"], ev["metadata"]["namespace"], ev["type"], io.get("kind", ""), io.get("name", ""),
            ev.get("reason", ""), ev["count"], _html_escape(ev["message"])))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Events</title>\n</head>\n<body>\n"
            "<table id=\"events\">\n<thead><tr><th>Time</th><th>Namespace</th><th>Type</th><th>Object</th><th>Reason</th>"
            "<th>Count</th><th>Message</th></tr></thead>\n<tbody>\n" + "\n".join(rows)
            + "\n</tbody>\n</table>\n</body>\n</html>\n")


def _html_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# audit logs, alerts, etcd_info (gather_audit_logs, gather_monitoring, gather_etcd)
# ---------------------------------------------------------------------------

AUDIT_SEED = 0xA0D17  # own random stream: adding these files changes no other byte of the tree
KUBECTL_AGENT = "kubectl/v1.30.10 (linux/amd64) kubernetes/c5aaf1f"
OC_AGENT = "oc/4.17.0 (linux/amd64) kubernetes/d9c4c1e"


def _micro(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _audit_event(rng: random.Random, t: datetime, verb: str, user: str, agent: str, ref: dict, code: int, *,
                 uri: str = "", groups=None, reason: str = "", message: str = "", src: str = "10.0.17.148") -> dict:
    """One audit.k8s.io/v1 Event at the Metadata level, stage ResponseComplete (OpenShift's Default
    profile omits RequestReceived)."""
    if not uri:
        base = f"/apis/{ref['apiGroup']}/{ref['apiVersion']}" if ref.get("apiGroup") else "/api/v1"
        ns = f"/namespaces/{ref['namespace']}" if ref.get("namespace") else ""
        name = f"/{ref['name']}" if ref.get("name") and verb not in ("create", "list", "watch", "deletecollection") else ""
        sub = f"/{ref['subresource']}" if ref.get("subresource") else ""
        uri = f"{base}{ns}/{ref['resource']}{name}{sub}"
        if verb == "watch":
            uri += "?allowWatchBookmarks=true&resourceVersion=1&watch=true"
    status: dict = {"metadata": {}, "code": code}
    if code >= 400:
        status.update({"status": "Failure", "message": message, "reason": reason})
    done = t + timedelta(microseconds=rng.randint(900, 90000))
    ev = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
          "auditID": "%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16),
                                                     rng.getrandbits(16), rng.getrandbits(48)),
          "stage": "ResponseComplete", "requestURI": uri, "verb": verb,
          "user": {"username": user, "groups": groups or ["system:authenticated"]},
          "sourceIPs": [src], "userAgent": agent, "objectRef": {k: v for k, v in ref.items() if v},
          "responseStatus": status, "requestReceivedTimestamp": _micro(t), "stageTimestamp": _micro(done),
          "annotations": {"authorization.k8s.io/decision": "forbid" if code == 403 else "allow",
                          "authorization.k8s.io/reason": "" if code == 403 else 'RBAC: allowed by ClusterRoleBinding'}}
    return ev


def _ref(resource: str, namespace: str = "", name: str = "", group: str = "", sub: str = "") -> dict:
    return {"resource": resource, "namespace": namespace, "name": name, "apiGroup": group,
            "apiVersion": "v1", "subresource": sub}


def _audit_story(rng: random.Random, built: list, nodes: list) -> list:
    """(master index, apiserver, time, event) for the things a person would look up."""
    by_name = {ns.name: ns for ns in built}
    demo = by_name["demo-apps"]
    crash = next(p for p, _, _ in demo.pods if _pod_state(p) == "CrashLoopBackOff")["metadata"]["name"]
    deps = [d["metadata"]["name"] for d in demo.lists[("apps", "deployments")][2]]
    dep = deps[0]
    admin, dev = "kube:admin", "developer"
    sa_dc = "system:serviceaccount:kube-system:deployment-controller"
    sa_etcd_op = "system:serviceaccount:openshift-etcd-operator:etcd-operator"
    cordoned = next(n for n in nodes if n.cordoned).name
    notready = next(n for n in nodes if not n.ready).name
    T = COLLECTED
    out = []

    def add(m, t, *a, api="kube-apiserver", **k):
        out.append((m, api, t, _audit_event(rng, t, *a, src=nodes[m].ip if "system:node" in a[1] else
                                            "10.128.0.%d" % rng.randint(2, 250), **k)))

    # a deployment: created, scaled, its status updated, an update that conflicted
    add(0, T - timedelta(hours=2, minutes=51), "create", admin, OC_AGENT, _ref("deployments", "demo-apps", dep, "apps"), 201)
    add(1, T - timedelta(hours=2, minutes=50, seconds=58), "update", sa_dc,
        "kube-controller-manager/v1.30.10 (linux/amd64) kubernetes/c5aaf1f/"
        "system:serviceaccount:kube-system:deployment-controller",
        _ref("deployments", "demo-apps", dep, "apps", "status"), 200, groups=["system:serviceaccounts", "system:authenticated"])
    add(0, T - timedelta(hours=1, minutes=12), "patch", admin, KUBECTL_AGENT,
        _ref("deployments", "demo-apps", dep, "apps", "scale"), 200)
    add(0, T - timedelta(minutes=58), "update", dev, KUBECTL_AGENT, _ref("deployments", "demo-apps", dep, "apps"), 409,
        reason="Conflict", message=f'Operation cannot be fulfilled on deployments.apps "{dep}": the object has been '
                                   'modified; please apply your changes to the latest version and try again')
    add(1, T - timedelta(minutes=57), "patch", dev, KUBECTL_AGENT, _ref("deployments", "demo-apps", dep, "apps"), 200)
    # a config map patched, one deleted that no longer exists, one delete of a missing object
    add(1, T - timedelta(hours=2, minutes=5), "create", dev, KUBECTL_AGENT, _ref("configmaps", "demo-apps", "feature-flags"), 201)
    add(0, T - timedelta(minutes=33), "patch", dev, KUBECTL_AGENT, _ref("configmaps", "demo-apps", "feature-flags"), 200)
    add(0, T - timedelta(minutes=31), "delete", dev, KUBECTL_AGENT, _ref("configmaps", "demo-apps", "old-settings"), 200)
    add(1, T - timedelta(minutes=30), "delete", dev, KUBECTL_AGENT, _ref("configmaps", "demo-apps", "old-settings"), 404,
        reason="NotFound", message='configmaps "old-settings" not found')
    # the crash-looping pod deleted by hand (its replacement crash-loops again)
    add(0, T - timedelta(minutes=22), "delete", admin, OC_AGENT, _ref("pods", "demo-apps", crash), 200)
    # a forbidden secret read and create by the app's service account
    sa_default = "system:serviceaccount:demo-apps:default"
    for i in range(3):
        add(i % 3, T - timedelta(minutes=44 - i * 7), "list", sa_default, "Go-http-client/2.0",
            _ref("secrets", "demo-apps"), 403, reason="Forbidden",
            message='secrets is forbidden: User "system:serviceaccount:demo-apps:default" cannot list resource '
                    '"secrets" in API group "" in the namespace "demo-apps"',
            groups=["system:serviceaccounts", "system:serviceaccounts:demo-apps", "system:authenticated"])
    add(1, T - timedelta(minutes=19), "create", sa_default, "Go-http-client/2.0", _ref("secrets", "demo-apps"), 403,
        reason="Forbidden", message='secrets is forbidden: User "system:serviceaccount:demo-apps:default" cannot create '
                                    'resource "secrets" in API group "" in the namespace "demo-apps"')
    # the cordon, and the NotReady node's status updates that stop 47 minutes before collection
    add(1, T - timedelta(hours=2, minutes=1), "patch", admin, KUBECTL_AGENT, _ref("nodes", name=cordoned), 200)
    kubelet = "kubelet/v1.30.10 (linux/amd64) kubernetes/c5aaf1f"
    for k in range(4):
        add(k % 3, T - timedelta(minutes=61 - k * 4), "patch", f"system:node:{notready}", kubelet,
            _ref("nodes", name=notready, sub="status"), 200, groups=["system:nodes", "system:authenticated"])
    # the etcd operator cannot write its status while etcd is degraded
    for k in range(3):
        add(k, T - timedelta(minutes=44 - k * 6), "update", sa_etcd_op,
            "cluster-etcd-operator/v0.0.0 (linux/amd64) kubernetes/$Format",
            _ref("clusteroperators", name="etcd", group="config.openshift.io", sub="status"), 500 if k < 2 else 200,
            reason="InternalError" if k < 2 else "", message="etcdserver: request timed out" if k < 2 else "")
    # openshift-apiserver: a route patched
    add(1, T - timedelta(minutes=26), "patch", admin, OC_AGENT, _ref("routes", "demo-apps", dep, "route.openshift.io"), 200,
        api="openshift-apiserver")
    # machine chatter: lease renewals, reads, watches
    for k in range(36):
        m = k % 3
        t = T - timedelta(minutes=rng.randint(1, 170), seconds=rng.randint(0, 59))
        kind = rng.random()
        if kind < 0.4:
            add(m, t, "update", "system:serviceaccount:openshift-etcd-operator:etcd-operator", "cluster-etcd-operator/v0.0.0",
                _ref("leases", "openshift-etcd-operator", "openshift-cluster-etcd-operator-lock", "coordination.k8s.io"), 200)
        elif kind < 0.7:
            ns = rng.choice(["demo-apps", "openshift-etcd", "openshift-monitoring"])
            add(m, t, "get", "system:serviceaccount:openshift-monitoring:prometheus-k8s", "Prometheus/2.53.1",
                _ref("pods", ns, ""), 200, uri=f"/api/v1/namespaces/{ns}/pods")
        else:
            add(m, t, "watch", f"system:node:{nodes[m].name}", kubelet, _ref("configmaps", "openshift-etcd"), 200,
                groups=["system:nodes", "system:authenticated"])
    return out


def _gathered_extras(w: Writer, img: str, built: list, nodes: list, seed: int) -> None:
    """audit_logs/, monitoring/ and etcd_info/ as openshift/must-gather's gather_audit_logs,
    gather_monitoring and gather_etcd write them."""
    rng = random.Random(seed ^ AUDIT_SEED)
    _audit_logs(w, img, rng, built, nodes)
    _monitoring(w, img, built, nodes)
    _etcd_info(w, img, nodes)


def _audit_logs(w: Writer, img: str, rng: random.Random, built: list, nodes: list) -> None:
    masters = [n for n in nodes if n.role == "master"]
    story = _audit_story(rng, built, nodes)
    rotate_at = COLLECTED - timedelta(hours=1, minutes=30)
    files: dict = {}
    for m, api, t, ev in sorted(story, key=lambda x: (x[2], x[3]["auditID"])):
        node = masters[m].name
        if api == "kube-apiserver" and m == 0 and t < rotate_at:
            name = f"{node}-audit-{rotate_at:%Y-%m-%dT%H-%M-%S}.{rotate_at.microsecond // 1000:03d}.log"
        else:
            name = f"{node}-audit.log"
        files.setdefault((api, name), []).append(json.dumps(ev, separators=(",", ":")))
    listing: dict = {}
    for (api, name), lines in sorted(files.items()):
        node = name.split("-audit")[0]
        listing.setdefault(api, []).append(f"{node} {name[len(node) + 1:]}")
        data = "\n".join(lines) + "\n"
        rel = f"{img}/audit_logs/{api}/{name}"
        if api == "kube-apiserver" and node == masters[1].name:
            # a plain file with a line a crashing apiserver left half-written
            cut = lines[len(lines) // 2]
            data = "\n".join(lines[: len(lines) // 2] + [cut[: len(cut) // 3]] + lines[len(lines) // 2:]) + "\n"
            w.write(rel, data)
            continue
        gz = gzip.compress(data.encode(), compresslevel=6, mtime=0)
        if api == "kube-apiserver" and node == masters[2].name:
            gz = gz[: len(gz) * 2 // 3]  # the copy was cut short: a truncated gzip
        w.write(rel + ".gz", gz)
    for api, entries in sorted(listing.items()):
        w.write(f"{img}/audit_logs/{api}.audit_logs_listing", "\n".join(entries) + "\n")


def _alert(name: str, severity: str, state: str, active: datetime | None, labels: dict, summary: str, description: str,
           value: str = "1e+00") -> dict:
    lab = {"alertname": name, **labels, "severity": severity}
    a = {"labels": dict(sorted(lab.items())), "annotations": {"description": description, "summary": summary},
         "state": state, "activeAt": _micro(active).replace("000Z", "Z") if active else None, "value": value}
    return a


def _rule(name: str, query: str, duration: int, severity: str, summary: str, description: str, alerts: list) -> dict:
    state = "firing" if any(a["state"] == "firing" for a in alerts) else "pending" if alerts else "inactive"
    return {"state": state, "name": name, "query": query, "duration": duration, "keepFiringFor": 0,
            "labels": {"severity": severity}, "annotations": {"description": description, "summary": summary},
            "alerts": alerts, "health": "ok", "evaluationTime": 0.000512,
            "lastEvaluation": _micro(COLLECTED - timedelta(seconds=7)), "type": "alerting"}


RULE_FILES = "/etc/prometheus/rules/prometheus-k8s-rulefiles-0/"
WATCHDOG_SUMMARY = "An alert that should always be firing to certify that Alertmanager is working properly."
WATCHDOG_TEXT = "This is an alert meant to ensure that the entire alerting pipeline is functional."
ARNC_SUMMARY = "Receivers (notification integrations) are not configured on Alertmanager"
ARNC_TEXT = ("Alerts are not configured to be sent to a notification system, meaning that you may not be able to "
             "observe such alerts.")
KSM = {"job": "kube-state-metrics"}
CRASH_QUERY = ('max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",'
               'reason="CrashLoopBackOff"}[5m]) >= 1')
CO_DEGRADED_QUERY = ('max by (namespace, name, reason) (cluster_operator_conditions{condition="Degraded",'
                     'job="cluster-version-operator"} == 1)')


def _monitoring(w: Writer, img: str, built: list, nodes: list) -> None:
    """monitoring/alerts.json: /api/v1/rules?type=alert (firing, pending, inactive alerting rules
    with their alerts); monitoring/prometheus/rules.json: an error answer (Prometheus not ready)."""
    T = COLLECTED
    demo = {ns.name: ns for ns in built}["demo-apps"]
    crash = next(p for p, _, _ in demo.pods if _pod_state(p) == "CrashLoopBackOff")
    pod, cname = crash["metadata"]["name"], crash["spec"]["containers"][0]["name"]
    owners = crash["metadata"].get("ownerReferences") or [{"name": "api-x"}]
    deployment = owners[0]["name"].rsplit("-", 1)[0]
    notready = next(n for n in nodes if not n.ready).name
    master3 = [n for n in nodes if n.role == "master"][2]
    prom = {"endpoint": "web", "prometheus": "openshift-monitoring/k8s"}
    unreachable = {"node": notready, "effect": "NoSchedule", "key": "node.kubernetes.io/unreachable",
                   "namespace": "openshift-monitoring", **KSM}
    co_degraded = {"name": "etcd", "namespace": "openshift-cluster-version", "reason": "EtcdMembers_UnhealthyMembers",
                   "condition": "Degraded", "job": "cluster-version-operator"}
    groups = [
        ("general.rules", "openshift-monitoring-cluster-monitoring-operator-prometheus-rules-3b1a4c2e.yaml", [
            _rule("Watchdog", "vector(1)", 0, "none", WATCHDOG_SUMMARY, WATCHDOG_TEXT,
                  [_alert("Watchdog", "none", "firing", INSTALLED + timedelta(minutes=31),
                          {"namespace": "openshift-monitoring", **prom}, WATCHDOG_SUMMARY, WATCHDOG_TEXT)]),
            _rule("AlertmanagerReceiversNotConfigured", "cluster:alertmanager_integrations:max == 0", 600, "warning",
                  ARNC_SUMMARY, ARNC_TEXT,
                  [_alert("AlertmanagerReceiversNotConfigured", "warning", "firing", INSTALLED + timedelta(minutes=41),
                          {"namespace": "openshift-monitoring"}, ARNC_SUMMARY, ARNC_TEXT)]),
        ]),
        ("kubernetes-apps", "openshift-monitoring-kubernetes-monitoring-rules-9f2e1d7a.yaml", [
            _rule("KubePodCrashLooping", CRASH_QUERY, 900, "warning", "Pod is crash looping.",
                  "Pod {{ $labels.namespace }}/{{ $labels.pod }} is in waiting state.",
                  [_alert("KubePodCrashLooping", "warning", "firing", T - timedelta(minutes=38),
                          {"container": cname, "namespace": "demo-apps", "pod": pod, "reason": "CrashLoopBackOff",
                           "service": "kube-state-metrics", **KSM}, "Pod is crash looping.",
                          f'Pod demo-apps/{pod} ({cname}) is in waiting state (reason: "CrashLoopBackOff").')]),
            _rule("KubeDeploymentReplicasMismatch",
                  "kube_deployment_spec_replicas != kube_deployment_status_replicas_available",
                  900, "warning", "Deployment has not matched the expected number of replicas.",
                  "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has not matched the expected "
                  "number of replicas.",
                  [_alert("KubeDeploymentReplicasMismatch", "warning", "pending", T - timedelta(minutes=9),
                          {"deployment": deployment, "namespace": "demo-apps", **KSM},
                          "Deployment has not matched the expected number of replicas.",
                          f"Deployment demo-apps/{deployment} has not matched the expected number of replicas for "
                          "longer than 15 minutes.")]),
            _rule("KubeJobFailed", "kube_job_failed > 0", 900, "warning", "Job failed to complete.",
                  "Job failed to complete.", []),
        ]),
        ("kubernetes-system-kubelet", "openshift-monitoring-kubernetes-monitoring-rules-9f2e1d7a.yaml", [
            _rule("KubeNodeNotReady", 'kube_node_status_condition{condition="Ready",status="true"} == 0', 900,
                  "warning", "Node is not ready.", "{{ $labels.node }} has been unready for more than 15 minutes.",
                  [_alert("KubeNodeNotReady", "warning", "firing", T - timedelta(minutes=46),
                          {"condition": "Ready", "node": notready, "status": "true", "namespace": "openshift-monitoring",
                           **KSM}, "Node is not ready.", f"{notready} has been unready for more than 15 minutes.")]),
            _rule("KubeNodeUnreachable",
                  'kube_node_spec_taint{effect="NoSchedule",key="node.kubernetes.io/unreachable"} == 1',
                  900, "warning", "Node is unreachable.",
                  "{{ $labels.node }} is unreachable and some workloads may be rescheduled.",
                  [_alert("KubeNodeUnreachable", "warning", "pending", T - timedelta(minutes=6), unreachable,
                          "Node is unreachable.", f"{notready} is unreachable and some workloads may be rescheduled.")]),
        ]),
        ("cluster-version", "openshift-cluster-version-cluster-version-operator-5c6d7e8f.yaml", [
            _rule("ClusterOperatorDown",
                  'max by (namespace, name, reason) (cluster_operator_up{job="cluster-version-operator"} == 0)',
                  600, "critical", "Cluster operator has not been available for 10 minutes.",
                  "The {{ $labels.name }} operator may be down or disabled.", []),
            _rule("ClusterOperatorDegraded", CO_DEGRADED_QUERY, 1800, "warning",
                  "Cluster operator has been degraded for 30 minutes.",
                  "The {{ $labels.name }} operator is degraded because {{ $labels.reason }}.",
                  [_alert("ClusterOperatorDegraded", "warning", "firing", T - timedelta(minutes=44), co_degraded,
                          "Cluster operator has been degraded for 30 minutes.",
                          "The etcd operator is degraded because EtcdMembers_UnhealthyMembers, and the components it "
                          "manages may have reduced quality of service.")]),
        ]),
        ("etcd", "openshift-etcd-operator-etcd-prometheus-rules-1a2b3c4d.yaml", [
            _rule("etcdMembersDown",
                  'max without (endpoint) (sum without (instance) (up{job=~".*etcd.*"} == bool 0)) > 0',
                  600, "critical", "etcd cluster members are down.",
                  'etcd cluster "{{ $labels.job }}": members are down ({{ $value }}).',
                  [_alert("etcdMembersDown", "critical", "firing", T - timedelta(minutes=35),
                          {"job": "etcd", "namespace": "openshift-etcd", "pod": f"etcd-{master3.name}", "service": "etcd"},
                          "etcd cluster members are down.", 'etcd cluster "etcd": members are down (1).')]),
            _rule("etcdHighNumberOfLeaderChanges",
                  "increase((max without (instance) (etcd_server_leader_changes_seen_total))[15m:1m]) >= 5",
                  300, "warning", "etcd cluster has high number of leader changes.",
                  'etcd cluster "{{ $labels.job }}": {{ $value }} leader changes within the last 15 minutes.', []),
        ]),
    ]
    doc = {"status": "success", "data": {"groups": [
        {"name": g, "file": RULE_FILES + f, "rules": rules, "interval": 30, "limit": 0, "evaluationTime": 0.0012,
         "lastEvaluation": _micro(T - timedelta(seconds=9))} for g, f, rules in groups]}}
    w.write(f"{img}/monitoring/alerts.json", json.dumps(doc, indent=2) + "\n")
    w.write(f"{img}/monitoring/prometheus/rules.json",
            '{"status":"error","errorType":"unavailable","error":"rule manager is not ready"}\n')
    w.write(f"{img}/monitoring/prometheus/rules.stderr", "")


def _etcd_info(w: Writer, img: str, nodes: list) -> None:
    """etcdctl -w json output. The third master's member does not answer (the etcd operator is
    Degraded: EtcdMembers_UnhealthyMembers); the unixs:// client URLs are the gather's artefact."""
    masters = [n for n in nodes if n.role == "master"]
    ids = [0x1b2ac8d1e04f6a37, 0x5d9e34f1c2a87b90, 0xa7f3e2c45b1d9086]
    cluster_id, leader, rev, term = 0x3e47a1c9d2b85f06, ids[0], 48213377, 9
    hdr = lambda mid: {"cluster_id": cluster_id, "member_id": mid, "raft_term": term}  # noqa: E731
    members = [{"ID": i, "name": n.name, "peerURLs": [f"https://{n.ip}:2380"],
                "clientURLs": [f"https://{n.ip}:2379", f"unixs://{n.ip}:0"]} for i, n in zip(ids, masters)]
    w.write(f"{img}/etcd_info/member_list.json", json.dumps({"header": hdr(ids[0]), "members": members}) + "\n")
    health = []
    for i, n in enumerate(masters):
        if i == 2:
            health.append({"endpoint": f"https://{n.ip}:2379", "health": False, "took": "5.001803263s",
                           "error": "failed to commit proposal: context deadline exceeded"})
        else:
            health.append({"endpoint": f"https://{n.ip}:2379", "health": True, "took": f"{11 + i * 3}.{417 + i:03d}ms"})
        health.append({"endpoint": f"unixs://{n.ip}:0", "health": False, "took": "5.000187344s",
                       "error": "failed to dial endpoint unixs://%s:0 with maintenance client: context deadline exceeded" % n.ip})
    w.write(f"{img}/etcd_info/endpoint_health.json", json.dumps(health) + "\n")
    status = []
    for i, n in enumerate(masters[:2]):
        status.append({"Endpoint": f"https://{n.ip}:2379", "Status": {
            "header": {**hdr(ids[i]), "revision": rev}, "version": "3.5.16", "dbSize": 2147483648 + i * 20480000,
            "leader": leader, "raftIndex": 61830412 + i, "raftTerm": term, "raftAppliedIndex": 61830412 + i,
            "dbSizeInUse": 912261120 + i * 4096}})
    w.write(f"{img}/etcd_info/endpoint_status.json", json.dumps(status) + "\n")
    w.write(f"{img}/etcd_info/alarm_list.json", json.dumps({"header": hdr(ids[0])}) + "\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path, help="output directory (must not exist or be empty, see --force)")
    p.add_argument("--preset", choices=sorted(PRESETS), help="start from a named size (other flags override it)")
    p.add_argument("--namespaces", type=int)
    p.add_argument("--pods-per-ns", type=int)
    p.add_argument("--events-per-ns", type=int)
    p.add_argument("--log-lines", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--no-layout-variants", action="store_true")
    p.add_argument("--no-broken-files", action="store_true")
    p.add_argument("--force", action="store_true", help="delete OUT first if it exists")
    a = p.parse_args(argv)
    params = dict(PRESETS[a.preset] if a.preset else PRESETS["big"])
    for k in ("namespaces", "pods_per_ns", "events_per_ns", "log_lines", "seed"):
        v = getattr(a, k)
        if v is not None:
            params[k] = v
    if a.no_layout_variants:
        params["layout_variants"] = False
    if a.no_broken_files:
        params["broken_files"] = False
    if a.force and a.out.exists():
        shutil.rmtree(a.out)
    counts = generate(a.out, **params)
    json.dump(counts, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
