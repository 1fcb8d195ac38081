#!/usr/bin/env python3
"""Write a must-gather tree of hostile and broken *files* next to valid objects.

Why: a must-gather comes from a cluster (and a support case) we do not control,
and unlike archives (``scripts/make_bad_archives.py``) a plain directory reaches
the parser without any unpacking filter: every file below ``namespaces/`` and
``cluster-scoped-resources/`` is read as YAML by ``layout.py`` + ``ingest.py``,
and every log file by ``serve/logs/``.  This script writes one case per hazard and
says, per case, what the server must do with it; ``tests/test_hostile_files.py``
starts the real server on the tree and checks every expectation.

``build(dir, big_line_bytes=50 << 20, cases=None) -> dict[case, expectation]`` writes::

    dir/mg/                 the SOURCE to serve (an `oc adm inspect`-style root)
    dir/outside/            files symlinks point at; their content must never be served

and returns, per case name, a dict with

    files     paths (relative to ``dir/mg``) the case wrote
    served    [{"path": API path, "name": expected metadata.name, "data": {k: v} or absent}]
              objects that must be served (GET returns 200 and the object)
    absent    API paths that must answer 404 (the object must not be served)
    skipped   {relative path: regex the reason must match}: files that must be
              reported as skipped (log line and ``GET /staticapi/v1/skipped``)
    clean     relative paths that must NOT be reported as skipped (valid files)
    logs      [{"path": API log path, "contains": text or None, "not_contains": text or None}]
    winner    (only the duplicate cases) {"path": API path, "data": expected data}

``cases`` restricts what is written (``None``: every case in ``CASES``; ``valid`` is
always written).  Some cases are hostile to memory or time (``alias_bomb``,
``alias_bomb_quadratic`` expands to ~2 GB of JSON, ``deep_nesting``, ``deep_json``,
``long_json_line``): run the server under an address-space limit and a deadline.

Run as a script to write the tree somewhere and print the expectations as JSON:
``python scripts/make_bad_mustgather.py /tmp/bad --big-line-mb 50``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

SOURCE = "mg"
OUTSIDE = "outside"
NS = "hostile"
#: Text planted in every file outside the source tree; it must never appear in a response.
MARKER = "OUTSIDE-SECRET-7f3a9c1e"

CASES = (
    "valid",
    "invalid_yaml",
    "alias_bomb",
    "alias_bomb_quadratic",
    "deep_nesting",
    "deep_json",
    "long_json_line",
    "huge_line",
    "binary_junk",
    "nul_bytes",
    "crlf",
    "bom",
    "non_utf8",
    "items_null",
    "missing_metadata",
    "duplicate_uid",
    "duplicate_same_rv",
    "wrong_kind_items",
    "symlink_file_outside",
    "symlink_dir_outside",
    "symlink_log_outside",
    "fifo",
    "fifo_log",
    "empty_file",
)


def _cm(name: str, data: dict, *, uid: str | None = None, rv: int = 1000, ns: str = NS) -> str:
    """A ConfigMap in the block style `oc adm inspect` writes."""
    lines = ["apiVersion: v1", "data:"] + [f"  {k}: {json.dumps(v)}" for k, v in data.items()]
    lines += ["kind: ConfigMap", "metadata:", "  creationTimestamp: \"2025-01-01T00:00:00Z\"",
              f"  name: {name}", f"  namespace: {ns}", f"  resourceVersion: \"{rv}\"",
              f"  uid: {uid or _uid(name)}"]
    return "\n".join(lines) + "\n"


def _uid(name: str) -> str:
    r = random.Random(name)
    h = "%032x" % r.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _pod(name: str, container: str = "app") -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n"
        f"  creationTimestamp: \"2025-01-01T00:00:00Z\"\n  name: {name}\n  namespace: {NS}\n"
        f"  resourceVersion: \"1000\"\n  uid: {_uid(name)}\n"
        f"spec:\n  containers:\n  - image: quay.io/example/{container}:1\n    name: {container}\n"
        "  nodeName: node-a\nstatus:\n  phase: Running\n"
    )


def _cm_path(name: str) -> str:
    return f"/api/v1/namespaces/{NS}/configmaps/{name}"


def _rel_cm(name: str) -> str:
    return f"namespaces/{NS}/core/configmaps/{name}"


def _exp(**kw) -> dict:
    e = {"files": [], "served": [], "absent": [], "skipped": {}, "clean": [], "logs": []}
    e.update(kw)
    return e


class _Tree:
    def __init__(self, base: Path):
        self.base = base
        self.src = base / SOURCE
        self.out = base / OUTSIDE

    def write(self, rel: str, data: str | bytes) -> str:
        p = self.src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
        return rel

    def outside(self, rel: str, data: str | bytes) -> Path:
        p = self.out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
        return p

    def symlink(self, rel: str, target: Path) -> str:
        p = self.src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        # relative target, as `ln -s ../../..` in a tarball would be
        os.symlink(os.path.relpath(target, p.parent), p)
        return rel

    def fifo(self, rel: str) -> str:
        p = self.src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(p)
        return rel


# ---------------------------------------------------------------- the cases


def _valid(t: _Tree, big: int) -> dict:
    rel = t.write(_rel_cm("valid.yaml"), _cm("valid", {"greeting": "hello"}))
    node = t.write("cluster-scoped-resources/core/nodes/node-a.yaml",
                   "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\n  uid: " + _uid("node-a")
                   + "\n  resourceVersion: \"1000\"\n  labels:\n    kubernetes.io/hostname: node-a\n"
                   "status:\n  nodeInfo:\n    kubeletVersion: v1.33.1\n")
    pod = t.write(f"namespaces/{NS}/pods/good-pod/good-pod.yaml", _pod("good-pod"))
    log = t.write(f"namespaces/{NS}/pods/good-pod/app/app/logs/current.log",
                  "2025-01-01T00:00:00.000000000Z hello from good-pod\n")
    return _exp(files=[rel, node, pod, log],
                served=[{"path": _cm_path("valid"), "name": "valid", "data": {"greeting": "hello"}},
                        {"path": "/api/v1/nodes/node-a", "name": "node-a"},
                        {"path": f"/api/v1/namespaces/{NS}/pods/good-pod", "name": "good-pod"}],
                clean=[rel, node, pod],
                logs=[{"path": f"/api/v1/namespaces/{NS}/pods/good-pod/log", "contains": "hello from good-pod"}])


def _invalid_yaml(t: _Tree, big: int) -> dict:
    rel = t.write(_rel_cm("invalid.yaml"),
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n  namespace: hostile\n"
                  "data:\n\tkey: value\n")
    return _exp(files=[rel], skipped={rel: r"."}, absent=[_cm_path("unclosed"), _cm_path("invalid")])


def _alias_bomb(t: _Tree, big: int) -> dict:
    """Billion laughs: 9 levels of 9 aliases, ~387 million nodes when expanded."""
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: alias-bomb", f"  namespace: {NS}",
             "lols:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for c in "bcdefghi":
        lines.append(f"  {c}: &{c} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = c
    rel = t.write(_rel_cm("alias-bomb.yaml"), "\n".join(lines) + "\n")
    return _exp(files=[rel], skipped={rel: r"(?i)alias"}, absent=[_cm_path("alias-bomb")])


def _alias_bomb_quadratic(t: _Tree, big: int) -> dict:
    """Few aliases of one big scalar: a small file that expands to ~2 GB of JSON.

    Node counts stay tiny: gopkg.in/yaml.v2 ``decode.go`` (``allowedAliasRatio``) counts
    decode operations and allows any aliasing below 400,000 of them, so kube-apiserver's
    decoder would let it through too; only a bound on the expanded *size* catches it.  The server must survive
    it: skip the file (or serve it), but keep serving everything else.
    """
    chunk = "x" * (1 << 20)
    body = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: alias-quadratic", f"  namespace: {NS}",
            f"big: &big \"{chunk}\"", "data:"]
    body += [f"  k{i}: *big" for i in range(2048)]
    rel = t.write(_rel_cm("alias-quadratic.yaml"), "\n".join(body) + "\n")
    return _exp(files=[rel], skipped={rel: r"."}, optional_serve=[_cm_path("alias-quadratic")])


def _deep_nesting(t: _Tree, big: int) -> dict:
    n = 10_000
    flow = t.write(_rel_cm("deep-flow.yaml"),
                   f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep-flow\n  namespace: {NS}\n"
                   "deep: " + "[" * n + "]" * n + "\n")
    block = t.write(_rel_cm("deep-block.yaml"),
                    f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep-block\n  namespace: {NS}\n"
                    "deep:\n" + "- " * n + "x\n")
    return _exp(files=[flow, block], skipped={flow: r"(?i)nest|deep|depth", block: r"(?i)nest|deep|depth"},
                absent=[_cm_path("deep-flow"), _cm_path("deep-block")])


def _deep_json(t: _Tree, big: int) -> dict:
    """10k nested JSON objects on one line (60 KB): beyond orjson's depth, so YAML rules decide."""
    n = 10_000
    rel = t.write(_rel_cm("deep-json.json"),
                  '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep-json","namespace":"' + NS + '"},'
                  '"deep":' + '{"a":' * n + '"x"' + "}" * n + "}\n")
    return _exp(files=[rel], skipped={rel: r"(?i)nest|deep|depth"}, absent=[_cm_path("deep-json")])


def _long_json_line(t: _Tree, big: int) -> dict:
    """A valid ConfigMap holding one 128 KB line of minified JSON in a block scalar.

    The shape of a `kubectl.kubernetes.io/last-applied-configuration` annotation or
    an embedded dashboard: many `{` on one long line. Must be served, and parsed in
    linear time.
    """
    inner = json.dumps([{"name": "x", "spec": {"app": "v"}} for _ in range(4000)], separators=(",", ":"))
    rel = t.write(_rel_cm("long-json-line.yaml"),
                  "apiVersion: v1\ndata:\n  dashboard.json: |\n    " + inner + "\nkind: ConfigMap\nmetadata:\n"
                  f"  name: long-json-line\n  namespace: {NS}\n")
    return _exp(files=[rel], served=[{"path": _cm_path("long-json-line"), "name": "long-json-line",
                                      "data": {"dashboard.json": inner + "\n"}}], clean=[rel])


def _huge_line(t: _Tree, big: int) -> dict:
    """A valid object whose file is a single line of `big` bytes (flow style)."""
    head = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge-line", "namespace": "' + NS + '"}, '
    filler = big - len(head) - len('"data": {"big": ""}}\n')
    s = "y" * max(filler, 1)
    rel = t.write(_rel_cm("huge-line.yaml"), head + '"data": {"big": "' + s + '"}}\n')
    return _exp(files=[rel], served=[{"path": _cm_path("huge-line"), "name": "huge-line",
                                      "data_len": {"big": len(s)}}], clean=[rel])


def _binary_junk(t: _Tree, big: int) -> dict:
    rng = random.Random(7)
    a = t.write(_rel_cm("binary-junk.yaml"), bytes(rng.getrandbits(8) for _ in range(4096)))
    png = b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(1024))
    b = t.write(f"namespaces/{NS}/core/image.yaml", png)
    return _exp(files=[a, b], skipped={a: r".", b: r"."})


def _nul_bytes(t: _Tree, big: int) -> dict:
    rel = t.write(_rel_cm("nul-bytes.yaml"),
                  b"apiVersion: v1\nkind: ConfigMap\x00\x00\nmetadata:\n  name: nul-bytes\n  namespace: hostile\n")
    return _exp(files=[rel], skipped={rel: r"."}, absent=[_cm_path("nul-bytes")])


def _crlf(t: _Tree, big: int) -> dict:
    rel = t.write(_rel_cm("crlf.yaml"), _cm("crlf", {"line": "windows"}).replace("\n", "\r\n"))
    return _exp(files=[rel], served=[{"path": _cm_path("crlf"), "name": "crlf", "data": {"line": "windows"}}],
                clean=[rel])


def _bom(t: _Tree, big: int) -> dict:
    rel = t.write(_rel_cm("bom.yaml"), b"\xef\xbb\xbf" + _cm("bom", {"mark": "utf8"}).encode())
    return _exp(files=[rel], served=[{"path": _cm_path("bom"), "name": "bom", "data": {"mark": "utf8"}}],
                clean=[rel])


def _non_utf8(t: _Tree, big: int) -> dict:
    # Latin-1 'é' (0xE9) and a lone continuation byte: not UTF-8 (go-yaml refuses it too:
    # "invalid leading UTF-8 octet").
    rel = t.write(_rel_cm("latin1.yaml"),
                  b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: latin1\n  namespace: hostile\n"
                  b"data:\n  word: caf\xe9 \x80\n")
    return _exp(files=[rel], skipped={rel: r"."}, absent=[_cm_path("latin1")])


def _items_null(t: _Tree, big: int) -> dict:
    rel = t.write(f"namespaces/{NS}/core/serviceaccounts.yaml",
                  "apiVersion: v1\nitems: null\nkind: ServiceAccountList\nmetadata:\n  resourceVersion: \"5\"\n")
    return _exp(files=[rel], clean=[rel])


def _missing_metadata(t: _Tree, big: int) -> dict:
    a = t.write(_rel_cm("no-metadata.yaml"), "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n")
    b = t.write(_rel_cm("no-name.yaml"),
                f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: {NS}\n  labels:\n    x: y\ndata:\n  a: b\n")
    c = t.write(_rel_cm("bad-metadata.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: just-a-string\n")
    d = t.write(_rel_cm("no-kind.yaml"), f"apiVersion: v1\nmetadata:\n  name: no-kind\n  namespace: {NS}\n")
    return _exp(files=[a, b, c, d], skipped={a: r"(?i)name|metadata", b: r"(?i)name|metadata",
                                             c: r"(?i)name|metadata", d: r"(?i)kind"},
                absent=[_cm_path("no-kind")])


def _duplicate_uid(t: _Tree, big: int) -> dict:
    """The same object (same uid) in a per-object file and in a List, different content and versions.

    Winner (store.py `_merge`): the higher resourceVersion, whatever the path order.
    """
    uid = _uid("dup")
    a = t.write(_rel_cm("dup.yaml"), _cm("dup", {"v": "new"}, uid=uid, rv=2000))
    b = t.write(f"namespaces/{NS}/core/dup-list.yaml",
                "apiVersion: v1\nitems:\n" + _indent_item(_cm("dup", {"v": "old"}, uid=uid, rv=1500))
                + "kind: ConfigMapList\nmetadata:\n  resourceVersion: \"3000\"\n")
    return _exp(files=[a, b], served=[{"path": _cm_path("dup"), "name": "dup", "data": {"v": "new"}}],
                clean=[a, b], winner={"path": _cm_path("dup"), "data": {"v": "new"}}, log=r"dup")


def _duplicate_same_rv(t: _Tree, big: int) -> dict:
    """Same uid and resourceVersion, different bytes: the first file in path order wins."""
    uid = _uid("twin")
    a = t.write(f"namespaces/{NS}/core/configmaps/twin.yaml", _cm("twin", {"v": "per-object"}, uid=uid, rv=1200))
    b = t.write(f"namespaces/{NS}/core/configmaps.yaml",
                "apiVersion: v1\nitems:\n" + _indent_item(_cm("twin", {"v": "from-list"}, uid=uid, rv=1200))
                + "kind: ConfigMapList\nmetadata:\n  resourceVersion: \"3000\"\n")
    first = min([a, b])  # layout.scan sorts files by relative path
    data = {"v": "per-object"} if first == a else {"v": "from-list"}
    return _exp(files=[a, b], served=[{"path": _cm_path("twin"), "name": "twin", "data": data}],
                clean=[a, b], winner={"path": _cm_path("twin"), "data": data}, log=r"twin")


def _indent_item(doc: str) -> str:
    lines = doc.rstrip("\n").split("\n")
    return "- " + lines[0] + "\n" + "".join(f"  {ln}\n" for ln in lines[1:])


def _wrong_kind_items(t: _Tree, big: int) -> dict:
    """A ConfigMapList holding a Secret, a bare string, a number and a good ConfigMap."""
    secret = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: smuggled\n  namespace: hostile\n"
              "type: Opaque\ndata:\n  k: dg==\n")
    rel = t.write(f"namespaces/{NS}/core/mixed-list.yaml",
                  "apiVersion: v1\nitems:\n" + _indent_item(_cm("listed-ok", {"ok": "yes"}))
                  + _indent_item(secret) + "- just a string\n- 42\n"
                  + "kind: ConfigMapList\nmetadata:\n  resourceVersion: \"3000\"\n")
    # The Secret keeps its own kind (kubectl would too): it may be served as a Secret or
    # reported, but never as a ConfigMap.
    return _exp(files=[rel], served=[{"path": _cm_path("listed-ok"), "name": "listed-ok", "data": {"ok": "yes"}}],
                skipped={rel: r"(?i)not an object"}, absent=[_cm_path("smuggled")])


def _symlink_file_outside(t: _Tree, big: int) -> dict:
    target = t.outside("escape-cm.yaml", _cm("escaped-cm", {"secret": MARKER}))
    node = t.outside("escape-node.yaml", f"apiVersion: v1\nkind: Node\nmetadata:\n  name: escaped-node\n"
                                         f"  annotations:\n    secret: {MARKER}\n")
    a = t.symlink(_rel_cm("escape.yaml"), target)
    b = t.symlink("cluster-scoped-resources/core/nodes/escaped-node.yaml", node)
    c = t.symlink(_rel_cm("absolute.yaml"), target.resolve())
    os.unlink(t.src / c)
    os.symlink(str(target.resolve()), t.src / c)  # an absolute link as well
    return _exp(files=[a, b, c], absent=[_cm_path("escaped-cm"), "/api/v1/nodes/escaped-node"], outside=True)


def _symlink_dir_outside(t: _Tree, big: int) -> dict:
    t.outside("ns/core/configmaps/in-escaped-dir.yaml", _cm("in-escaped-dir", {"secret": MARKER}, ns="escaped"))
    t.outside("ns/escaped.yaml", f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: escaped\n"
                                 f"  annotations:\n    secret: {MARKER}\n")
    t.outside("group/configmaps/in-escaped-group.yaml", _cm("in-escaped-group", {"secret": MARKER}))
    a = t.symlink("namespaces/escaped", t.out / "ns")
    b = t.symlink(f"namespaces/{NS}/apps", t.out / "group")
    return _exp(files=[a, b], absent=["/api/v1/namespaces/escaped/configmaps/in-escaped-dir",
                                      _cm_path("in-escaped-group")], outside=True)


def _symlink_log_outside(t: _Tree, big: int) -> dict:
    secret_log = t.outside("secret.log", f"2025-01-01T00:00:00.000000000Z {MARKER} from outside\n")
    pod = t.write(f"namespaces/{NS}/pods/leaky/leaky.yaml", _pod("leaky"))
    link = t.symlink(f"namespaces/{NS}/pods/leaky/app/app/logs/current.log", secret_log)
    # a whole pod dir that is a link: its log must not be served either
    t.outside("poddir/app/app/logs/current.log", f"2025-01-01T00:00:00.000000000Z {MARKER} pod dir\n")
    t.outside("poddir/leaky-dir.yaml", _pod("leaky-dir"))
    pod2 = t.write(f"namespaces/{NS}/core/pods/leaky-dir.yaml", _pod("leaky-dir"))
    link2 = t.symlink(f"namespaces/{NS}/pods/leaky-dir", t.out / "poddir")
    return _exp(files=[pod, link, pod2, link2],
                served=[{"path": f"/api/v1/namespaces/{NS}/pods/leaky", "name": "leaky"},
                        {"path": f"/api/v1/namespaces/{NS}/pods/leaky-dir", "name": "leaky-dir"}],
                clean=[pod, pod2],
                logs=[{"path": f"/api/v1/namespaces/{NS}/pods/leaky/log", "not_contains": MARKER},
                      {"path": f"/api/v1/namespaces/{NS}/pods/leaky-dir/log", "not_contains": MARKER}],
                outside=True)


def _fifo(t: _Tree, big: int) -> dict:
    a = t.fifo(_rel_cm("x.yaml"))
    b = t.fifo("cluster-scoped-resources/core/nodes.yaml")
    return _exp(files=[a, b], absent=[_cm_path("x")])


def _fifo_log(t: _Tree, big: int) -> dict:
    pod = t.write(f"namespaces/{NS}/pods/fifo-pod/fifo-pod.yaml", _pod("fifo-pod"))
    f = t.fifo(f"namespaces/{NS}/pods/fifo-pod/app/app/logs/current.log")
    return _exp(files=[pod, f], served=[{"path": f"/api/v1/namespaces/{NS}/pods/fifo-pod", "name": "fifo-pod"}],
                clean=[pod], logs=[{"path": f"/api/v1/namespaces/{NS}/pods/fifo-pod/log", "no_hang": True}])


def _empty_file(t: _Tree, big: int) -> dict:
    a = t.write(_rel_cm("empty.yaml"), b"")
    b = t.write(_rel_cm("comments-only.yaml"), b"# nothing here\n---\n# or here\n")
    return _exp(files=[a, b], skipped={a: r"(?i)empty", b: r"."})


_BUILDERS = {name: globals()["_" + name] for name in CASES}


def build(dir: Path, big_line_bytes: int = 50 << 20, cases: list[str] | tuple[str, ...] | None = None) -> dict:
    """Write the tree under `dir` (see the module docstring); return {case: expectation}."""
    base = Path(dir)
    t = _Tree(base)
    t.src.mkdir(parents=True, exist_ok=True)
    t.out.mkdir(parents=True, exist_ok=True)
    t.outside("README", f"{MARKER}: nothing here may ever be served\n")
    (t.src / "timestamp").write_text("2025-01-01 00:00:00.000000000 +0000 UTC m=+0.000000001\n"
                                     "2025-01-01 00:05:00.000000000 +0000 UTC m=+300.000000001\n")
    t.write(f"namespaces/{NS}/{NS}.yaml",
            f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {NS}\n  uid: {_uid(NS)}\n"
            "  resourceVersion: \"10\"\nstatus:\n  phase: Active\n")
    wanted = list(CASES) if cases is None else list(cases)
    unknown = [c for c in wanted if c not in _BUILDERS]
    if unknown:
        raise ValueError(f"unknown cases: {unknown}")
    if "valid" not in wanted:
        wanted.insert(0, "valid")
    return {name: _BUILDERS[name](t, big_line_bytes) for name in wanted}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir", type=Path)
    p.add_argument("--big-line-mb", type=float, default=50.0)
    p.add_argument("--case", action="append", choices=CASES, help="only these cases (repeatable)")
    a = p.parse_args(argv)
    exp = build(a.dir, int(a.big_line_mb * (1 << 20)), a.case)
    json.dump(exp, sys.stdout, indent=1)
    print()
    print(f"serve: staticapi serve {a.dir / SOURCE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
