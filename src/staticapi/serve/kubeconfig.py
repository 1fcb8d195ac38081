"""Kubeconfig files pointing kubectl, oc and client libraries at our server.

One context per must-gather, each with its own server URL
(`http://HOST:PORT/clusters/<name>`): kubectl keys its discovery cache on the
server URL path, so archives never share a cache. The user carries a dummy
bearer token (or the real one with `--token`), because oc and some clients
refuse a kubeconfig without credentials.

A plain-HTTP cluster is marked `insecure-skip-tls-verify: true`: the official JavaScript client
(@kubernetes/client-node 1.x, src/config.ts KubeConfig.createAgent) refuses an http:// server
without it ("HTTP protocol is not allowed when skipTLSVerify is not set or false"), while kubectl,
oc (client-go puts it in the transport's TLS config, which an http:// connection never uses) and the Python
client ignore it over plain HTTP. An HTTPS cluster carries its CA instead (client-go refuses a
cluster with both a CA and insecure-skip-tls-verify).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import yaml


def build(contexts: list[tuple[str, str]], *, token: str, ca_pem: bytes | None = None) -> dict:
    """contexts: [(name, server_url)], the first is current."""
    clusters = []
    for name, server in contexts:
        c: dict = {"server": server}
        if ca_pem:
            c["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
        elif server.startswith("http://"):
            c["insecure-skip-tls-verify"] = True
        clusters.append({"name": name, "cluster": c})
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": clusters,
        "users": [{"name": "staticapi", "user": {"token": token}}],
        "contexts": [
            {"name": name, "context": {"cluster": name, "user": "staticapi", "namespace": "default"}}
            for name, _ in contexts
        ],
        "current-context": contexts[0][0] if contexts else "",
        "preferences": {},
    }


def write(path: Path, doc: dict) -> Path:
    """Write atomically with 0600 permissions (it may carry a real token)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    os.replace(tmp, path)
    return path
