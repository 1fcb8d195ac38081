"""Origin interval files imported as they are: found, read, and normalised from any of three formats.

* openshift/origin ``pkg/monitor/serialization/serialize.go`` and
  ``pkg/monitor/monitorapi/identification.go`` (``LocatorParts``,
  ``AnnotationsFromMessage``, ``NonAnnotationMessage``) -- the legacy flat and
  transitional ``tempStructured*`` file formats that :func:`load_interval_file`
  normalises into the current structured one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from .conditions import GO_QUOTED, go_unquote
from .model import (
    LEVELS,
    SOURCE_ALERT,
    SOURCE_DISRUPTION,
    SOURCE_E2E,
    SOURCE_NODE_STATE,
    SOURCE_OPERATOR_STATE,
    SOURCE_POD_STATE,
    format_time,
    parse_time,
)

_FILE_RX = re.compile(r"^e2e-(events|intervals|timelines)[^/]*\.json$")


def find_interval_files(roots: list[Path]) -> list[Path]:
    """``e2e-events*.json``, ``e2e-intervals*.json``, ``e2e-timelines*.json`` anywhere below the roots."""
    found: set[Path] = set()
    for root in roots or ():
        root = Path(root)
        if root.is_file():
            if _FILE_RX.match(root.name):
                found.add(root)
            continue
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                if _FILE_RX.match(f):
                    found.add(Path(dirpath) / f)
    return sorted(found)


def _parse_legacy_locator(s: str) -> dict:
    """Flat ``k/v k/v`` locator -> {type, keys} (LocatorParts, with quoted e2e-test names kept whole)."""
    keys: dict[str, str] = {}
    s = s.strip()
    if s.startswith("e2e-test/"):
        rest = s[len("e2e-test/"):]
        name = rest
        if rest.startswith('"'):
            m = re.match(GO_QUOTED, rest)
            if m:
                name = go_unquote(m.group(0))
                tail = rest[m.end():].strip()
                for tag in tail.split():
                    k, _, v = tag.partition("/")
                    keys[k] = v
        keys["e2e-test"] = name
    else:
        for tag in s.split(" "):
            if not tag:
                continue
            k, _, v = tag.partition("/")
            keys["namespace" if k == "ns" else k] = v
    if "e2e-test" in keys:
        ltype = "E2ETest"
    elif "container" in keys:
        ltype = "Container"
    elif "pod" in keys:
        ltype = "Pod"
    elif "clusteroperator" in keys:
        ltype = "ClusterOperator"
    elif "clusterversion" in keys:
        ltype = "ClusterVersion"
    elif "alert" in keys:
        ltype = "Alert"
    elif "disruption" in keys or "backend-disruption-name" in keys:
        ltype = "Disruption"
    elif "node" in keys and len(keys) == 1:
        ltype = "Node"
    else:
        ltype = ""
    return {"type": ltype, "keys": keys}


_ANN_TOKEN = re.compile(r"^[A-Za-z][\w.\-]*/\S*$")


def _parse_legacy_message(s: str) -> dict:
    """AnnotationsFromMessage / NonAnnotationMessage: leading ``k/v`` tokens are annotations."""
    tokens = s.split(" ")
    ann: dict[str, str] = {}
    i = 0
    for i, tok in enumerate(tokens):  # noqa: B007
        if not _ANN_TOKEN.match(tok):
            break
        k, _, v = tok.partition("/")
        ann[k] = v
    else:
        i = len(tokens)
    human = " ".join(tokens[i:]).strip()
    return {"reason": ann.get("reason", ""), "cause": ann.get("cause", ""), "humanMessage": human, "annotations": ann}


def _structured_nonempty(v: Any) -> bool:
    if not isinstance(v, dict):
        return False
    return any(v.get(k) for k in ("type", "keys", "reason", "cause", "humanMessage", "annotations"))


def _infer_source(loc: dict, msg: dict) -> str:
    t = loc.get("type")
    ann = msg.get("annotations") or {}
    if t == "E2ETest":
        return SOURCE_E2E
    if t == "ClusterOperator" and "condition" in ann:
        return SOURCE_OPERATOR_STATE
    if t == "Alert":
        return SOURCE_ALERT
    if t == "Disruption":
        return SOURCE_DISRUPTION
    if t == "Node":
        return SOURCE_NODE_STATE
    if t in ("Pod", "Container"):
        return SOURCE_POD_STATE
    return ""


def normalize_interval(raw: Mapping[str, Any]) -> dict:
    """Any of origin's three interval shapes -> the current structured one."""
    loc = raw.get("locator")
    msg = raw.get("message")
    if isinstance(loc, dict):
        locator = {"type": loc.get("type") or "", "keys": {k: str(v) for k, v in (loc.get("keys") or {}).items()}}
    elif _structured_nonempty(raw.get("tempStructuredLocator")):
        t = raw["tempStructuredLocator"]
        locator = {"type": t.get("type") or "", "keys": {k: str(v) for k, v in (t.get("keys") or {}).items()}}
    else:
        locator = _parse_legacy_locator(loc if isinstance(loc, str) else "")
    if isinstance(msg, dict):
        message = msg
    elif _structured_nonempty(raw.get("tempStructuredMessage")):
        message = raw["tempStructuredMessage"]
    else:
        message = _parse_legacy_message(msg if isinstance(msg, str) else "")
    ann = {str(k): str(v) for k, v in (message.get("annotations") or {}).items()}
    message = {
        "reason": message.get("reason") or ann.get("reason", ""),
        "cause": message.get("cause") or ann.get("cause", ""),
        "humanMessage": message.get("humanMessage") or "",
        "annotations": ann,
    }
    legacy = not isinstance(loc, dict)
    source = raw.get("source") or raw.get("tempSource") or ""
    if legacy and locator["type"] == "E2ETest":
        m = re.search(r'finished As "(\w+)"', message["humanMessage"])
        if m:
            ann.setdefault("status", m[1])
            message["reason"] = message["reason"] or "E2ETestFinished"
    if legacy and locator["type"] == "Node" and "not ready" in message["humanMessage"]:
        message["reason"] = message["reason"] or "NotReady"
    if legacy and locator["type"] == "Pod" and "pending" in message["humanMessage"]:
        message["reason"] = message["reason"] or "PodIsPending"
    if not source:
        source = _infer_source(locator, message)
    level = raw.get("level") if raw.get("level") in LEVELS else "Info"
    display = raw.get("display")
    if display is None:
        display = legacy  # flat-era files were charted whole
    out = {
        "level": level,
        "source": str(source),
        "display": bool(display),
        "locator": locator,
        "message": message,
        "from": raw.get("from"),
        "to": raw.get("to"),
    }
    for k in ("from", "to"):
        t = parse_time(out[k]) if out[k] else None
        out[k] = format_time(t) if t else None
    return out


def load_interval_file(path: Path) -> list[dict]:
    """Read an origin interval file (legacy flat, transitional tempStructured*, or current) and normalise it.

    Duplicate JSON keys keep the last value, as Go's encoding/json does (orjson and json both do).
    """
    data = orjson.loads(Path(path).read_bytes())
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"{path}: no items list")
    return [normalize_interval(it) for it in items if isinstance(it, dict)]
