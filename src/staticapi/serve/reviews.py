"""The review APIs behind `kubectl auth can-i` and `kubectl auth whoami`.

They are POSTs, but they read nothing and change nothing: kube-apiserver
answers them from the authorizer. Ours allows exactly get, list and watch.

kubectl sends these bodies as protobuf (`k8s\\x00` magic + runtime.Unknown
wrapping the message, apimachinery `runtime/serializer/protobuf`), so this
module reads the few protobuf fields it needs (k8s.io/api
`authorization/v1/generated.proto`): SelfSubjectAccessReview.spec (2) ->
resourceAttributes (1) {namespace 1, verb 2, group 3, version 4, resource 5,
subresource 6, name 7} | nonResourceAttributes (2) {path 1, verb 2}. Answers
are JSON, which every client also accepts.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from ..kube.status import bad_request

ALLOWED_VERBS = {"get", "list", "watch"}
USER = "system:admin"
GROUPS = ["system:masters", "system:authenticated"]

_PATHS = {
    ("authorization.k8s.io", "selfsubjectaccessreviews"): "SelfSubjectAccessReview",
    ("authorization.k8s.io", "selfsubjectrulesreviews"): "SelfSubjectRulesReview",
    ("authentication.k8s.io", "selfsubjectreviews"): "SelfSubjectReview",
}


def is_review(ap) -> bool:
    return ap.kind == "object" and ap.name is None and (ap.group, ap.plural) in _PATHS


# ---- minimal protobuf reading ------------------------------------------------


def _varint(b: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if i >= len(b) or shift > 63:
            raise ValueError("truncated varint")
        c = b[i]
        i += 1
        result |= (c & 0x7F) << shift
        if not c & 0x80:
            return result, i
        shift += 7


def pb_fields(b: bytes) -> dict[int, list[Any]]:
    """Length-delimited and varint fields of one message (others skipped)."""
    out: dict[int, list[Any]] = {}
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 2:
            n, i = _varint(b, i)
            if i + n > len(b):
                raise ValueError("truncated field")
            v, i = b[i:i + n], i + n
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type")
        out.setdefault(num, []).append(v)
    return out


def _s(f: dict, n: int) -> str:
    v = f.get(n)
    return v[0].decode("utf-8", "replace") if v and isinstance(v[0], bytes) else ""


def decode_review_protobuf(body: bytes, kind: str) -> dict:
    """k8s protobuf envelope -> the review's spec as a JSON-shaped dict.

    SelfSubjectRulesReview.spec is {namespace (1)}; SelfSubjectReview has no spec.
    """
    if kind == "SelfSubjectAccessReview":
        return decode_ssar_protobuf(body)
    if not body.startswith(b"k8s\x00"):
        raise ValueError("not a protobuf envelope")
    unknown = pb_fields(body[4:])
    msg = pb_fields(unknown.get(2, [b""])[0])
    if kind == "SelfSubjectRulesReview" and 2 in msg:
        return {"namespace": _s(pb_fields(msg[2][0]), 1)}
    return {}


def decode_ssar_protobuf(body: bytes) -> dict:
    """k8s protobuf envelope -> SelfSubjectAccessReview spec as JSON-shaped dict."""
    if not body.startswith(b"k8s\x00"):
        raise ValueError("not a protobuf envelope")
    unknown = pb_fields(body[4:])
    raw = unknown.get(2, [b""])[0]  # runtime.Unknown.raw
    msg = pb_fields(raw)
    spec = pb_fields(msg.get(2, [b""])[0])
    out: dict[str, Any] = {}
    if 1 in spec:
        ra = pb_fields(spec[1][0])
        out["resourceAttributes"] = {k: _s(ra, n) for n, k in
                                     ((1, "namespace"), (2, "verb"), (3, "group"), (4, "version"),
                                      (5, "resource"), (6, "subresource"), (7, "name"))}
    if 2 in spec:
        na = pb_fields(spec[2][0])
        out["nonResourceAttributes"] = {"path": _s(na, 1), "verb": _s(na, 2)}
    return out


def decision(spec: dict) -> tuple[bool, str]:
    attrs = spec.get("resourceAttributes") or spec.get("nonResourceAttributes") or {}
    verb = (attrs.get("verb") or "").lower()
    if verb in ALLOWED_VERBS:
        return True, "staticapi serves a must-gather read-only: get, list and watch are allowed"
    return False, f"staticapi serves a must-gather read-only: {verb or 'this verb'} is not allowed"


def _read_body(raw: bytes, ctype: str, kind: str) -> dict:
    if "protobuf" in ctype or raw.startswith(b"k8s\x00"):
        try:
            return {"spec": decode_review_protobuf(raw, kind)}
        except ValueError as e:
            raise bad_request(f"unable to decode protobuf body: {e}") from None
    try:
        d = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as e:
        raise bad_request(f"invalid JSON body: {e}") from None
    if not isinstance(d, dict):
        raise bad_request("request body must be an object")
    return d


async def handle(request: web.Request, cluster, ap) -> web.Response:
    kind = _PATHS[(ap.group, ap.plural)]
    raw = await request.content.read(1 << 20)
    body = _read_body(raw, request.headers.get("Content-Type", ""), kind)
    spec = body.get("spec") or {}
    av = f"{ap.group}/{ap.version}"
    if kind == "SelfSubjectAccessReview":
        allowed, reason = decision(spec)
        status: dict[str, Any] = {"allowed": allowed, "reason": reason}
        if not allowed:
            status["denied"] = True
        out = {"kind": kind, "apiVersion": av, "metadata": {"creationTimestamp": None}, "spec": spec, "status": status}
    elif kind == "SelfSubjectRulesReview":
        out = {
            "kind": kind, "apiVersion": av, "metadata": {"creationTimestamp": None}, "spec": spec,
            "status": {
                "resourceRules": [{"verbs": sorted(ALLOWED_VERBS), "apiGroups": ["*"], "resources": ["*"]}],
                "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["*"]}],
                "incomplete": False,
            },
        }
    else:
        out = {"kind": kind, "apiVersion": av, "metadata": {"creationTimestamp": None},
               "status": {"userInfo": {"username": USER, "groups": GROUPS}}}
    return web.Response(body=orjson.dumps(out), status=201, headers={"Content-Type": "application/json"})
