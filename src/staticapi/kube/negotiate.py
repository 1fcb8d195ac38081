"""Accept-header negotiation, as kube-apiserver does it.

kubectl and client-go send lists of media types with parameters, e.g.
`application/json;as=Table;v=v1;g=meta.k8s.io,application/json` or the
aggregated-discovery triple (kube-api-notes.md). The first entry we can serve
wins (apimachinery `runtime/serializer` + apiserver `negotiation` package).
Protobuf requests are answered in JSON: every client that asks for protobuf
also accepts JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

JSON = "application/json"
TABLE_V1 = "application/json;as=Table;v=v1;g=meta.k8s.io"
TABLE_V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io"
AGG_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGG_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

_PLAIN = {"application/json", "*/*", "application/*", "application/vnd.kubernetes.protobuf",
          "application/yaml", "application/vnd.kubernetes.protobuf;stream=watch",
          "application/json;stream=watch"}


@dataclass(frozen=True)
class MediaRange:
    type: str
    params: dict[str, str]


def parse_accept(header: str | None) -> list[MediaRange]:
    out: list[MediaRange] = []
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits or not bits[0]:
            continue
        params = {}
        for b in bits[1:]:
            k, _, v = b.partition("=")
            params[k.strip().lower()] = v.strip().strip('"')
        if params.get("q") == "0":
            continue
        out.append(MediaRange(bits[0].lower(), params))
    return out


def _plain(m: MediaRange) -> bool:
    return m.type in ("application/json", "*/*", "application/*", "application/vnd.kubernetes.protobuf",
                      "application/yaml") and "as" not in m.params


def for_object(header: str | None) -> str | None:
    """Response form for list/get/watch: 'table-v1', 'table-v1beta1', 'json', or None (406)."""
    ranges = parse_accept(header)
    if not ranges:
        return "json"
    for m in ranges:
        as_ = m.params.get("as")
        if as_ == "Table" and m.params.get("g") == "meta.k8s.io" and m.type in ("application/json", "*/*"):
            if m.params.get("v") == "v1":
                return "table-v1"
            if m.params.get("v") == "v1beta1":
                return "table-v1beta1"
            continue
        if as_ in ("PartialObjectMetadata", "PartialObjectMetadataList") and m.params.get("g") == "meta.k8s.io":
            return "partial"
        if as_:
            continue
        if _plain(m):
            return "json"
    return None


def for_discovery(header: str | None) -> str | None:
    """'v2', 'v2beta1' (aggregated) or 'legacy'; None when nothing acceptable."""
    ranges = parse_accept(header)
    if not ranges:
        return "legacy"
    for m in ranges:
        if m.params.get("as") == "APIGroupDiscoveryList" and m.params.get("g") == "apidiscovery.k8s.io":
            if m.params.get("v") in ("v2", "v2beta1"):
                return m.params["v"]
            continue
        if m.params.get("as"):
            continue
        if _plain(m):
            return "legacy"
    return None
