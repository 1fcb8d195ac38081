"""The compact text form of a diff report (``staticapi diff -o text``): most telling first.

Sections in the report's order (versions, health, objects, events, logs); each lists at most
``limit`` lines and says how many more there are (``-o json`` has them all).
"""

from __future__ import annotations

from typing import Any


def short(x: Any) -> str:
    """A value on one line, at most 120 characters."""
    if x is None:
        return "-"
    s = " ".join(str(x).split())
    return s if len(s) <= 120 else s[:117] + "..."


def _obj(o: dict) -> str:
    g = f".{o['group']}" if o.get("group") else ""
    ns = f"{o['namespace']}/" if o.get("namespace") else ""
    return f"{o['kind']}{g} {ns}{o['name']}"


def _cap(lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    return lines[:limit] + [f"  ... and {len(lines) - limit} more"]


def to_text(rep: dict, limit: int = 30) -> str:
    b, h, s = rep["base"], rep["head"], rep["summary"]
    out = [f"BASE {b['name']}: {b.get('version') or b.get('kubernetes') or '?'}, {b['objects']} objects, "
           f"collected {b.get('collectionTime') or '?'}",
           f"HEAD {h['name']}: {h.get('version') or h.get('kubernetes') or '?'}, {h['objects']} objects, "
           f"collected {h.get('collectionTime') or '?'}"]
    out.append(f"summary: {s['newFindings']} new findings, {s['goneFindings']} gone; "
               f"{s['conditionChanges']} condition changes; {s['badContainers']} containers went bad; "
               f"{s['restartsGrew']} restart counts grew; objects +{s['added']} -{s['removed']} ~{s['changed']} "
               f"({s['noiseOnly']} differ by noise only); {s['warningEvents']} warning reasons new or grown; "
               f"{s['newLogSignatures']} new log signatures")

    v = rep["versions"]
    sec: list[str] = []
    if v["cluster"]:
        sec.append(f"  cluster version: {short(v['cluster']['base'])} -> {short(v['cluster']['head'])}")
    if v["payload"]:
        sec.append(f"  release payload: {short(v['payload']['base'])} -> {short(v['payload']['head'])}")
    if v["kubernetes"]:
        sec.append(f"  kubernetes: {short(v['kubernetes']['base'])} -> {short(v['kubernetes']['head'])}")
    # operators that moved together in one line
    moves: dict[tuple, list[str]] = {}
    for o in v["operators"]:
        moves.setdefault((o["component"], o["base"], o["head"]), []).append(o["name"])
    for (comp, a, bb), names in sorted(moves.items(), key=lambda x: -len(x[1])):
        who = f"{len(names)} operators" if len(names) > 3 else ", ".join(names)
        sec.append(f"  {who} ({comp}): {short(a)} -> {short(bb)}")
    for i in v["images"]:
        sec.append(f"  image {_obj(i)} [{i['container']}]: {short(i['base'])} -> {short(i['head'])}")
    _section(out, "VERSIONS", sec, limit)

    hl = rep["health"]
    sec = []
    for f in hl["findings"]["new"]:
        sec.append(f"  NEW {f['severity']}: {f['title']}")
        if f.get("evidence"):
            sec.append(f"      {short(f['evidence'][0])}")
    for f in hl["findings"]["gone"]:
        sec.append(f"  gone {f['severity']}: {f['title']}")
    for c in hl["conditions"]:
        msg = f": {short(c['message'])}" if c.get("message") else ""
        sec.append(f"  {_obj(c)} {c['condition']}: {short(c['base'])} -> {short(c['head'])}{msg}")
    for c in hl["containers"]:
        new = " (new pod)" if c.get("new") else ""
        sec.append(f"  {_obj(c)} [{c['container']}]{new}: {short(c['base'])} -> {c['head']}")
    for c in hl["restarts"]:
        sec.append(f"  restarts {_obj(c)} [{c['container']}]: {c['base'] or 0} -> {c['head']}")
    _section(out, "HEALTH", sec, limit)

    o = rep["objects"]
    sec = []
    kinds = sorted(o.get("byKind", {}).items(), key=lambda kv: -sum(kv[1].values()))
    if sum(sum(v.values()) for _, v in kinds) > 10:
        sec.append("  by kind: " + ", ".join(
            f"{k} " + " ".join(f"{m}{v[w]}" for m, w in (("+", "added"), ("-", "removed"), ("~", "changed")) if v[w])
            for k, v in kinds[:12]) + (f", ... {len(kinds) - 12} more kinds" if len(kinds) > 12 else ""))
    for c in o["changed"]:
        if c["noiseOnly"]:
            continue
        was = f" (was {c['baseName']})" if c.get("baseName") else ""
        sec.append(f"  ~ {_obj(c)}{was}")
        for d in c["changes"][:5]:
            sec.append(f"      {d['path']}: {short(d['base'])} -> {short(d['head'])}{' (noise)' if d['noise'] else ''}")
        more = len(c["changes"]) - 5 + c.get("more", 0)
        if more > 0:
            sec.append(f"      ... {more} more fields")
    sec += [f"  - {_obj(r)}" for r in o["removed"]]
    sec += [f"  + {_obj(a)}" for a in o["added"]]
    listed = {"added": len(o["added"]), "removed": len(o["removed"]),
              "changed": sum(1 for c in o["changed"] if not c["noiseOnly"])}
    unlisted = {w: n - listed[w] for w, n in o.get("totals", listed).items() if n > listed[w]}
    if unlisted:
        sec.append("  (not listed: " + ", ".join(f"{n} more {w}" for w, n in unlisted.items()) + "; see byKind)")
    noisy = [c for c in o["changed"] if c["noiseOnly"]]
    for c in noisy:
        sec.append(f"  ~ {_obj(c)} (noise only)")
        for d in c["changes"][:5]:
            sec.append(f"      {d['path']}: {short(d['base'])} -> {short(d['head'])}")
    _section(out, "OBJECTS", sec, limit * 3)

    sec = []
    for e in rep["events"]:
        grew = f"{e['base']} -> {e['head']}" if e["base"] else f"new x{e['head']}"
        ns = f"{e['namespace']}/" if e["namespace"] else ""
        sec.append(f"  {e['reason']} on {e['kind']} {ns}{e['name']}: {grew}: {short(e['message'])}")
    _section(out, "WARNING EVENTS", sec, limit)

    sec = []
    for lg in rep["logs"]:
        where = f"node/{lg['node']}" if lg["source"] == "nodes" else f"{lg['namespace']}/{lg['pod']}"
        sec.append(f"  {lg['level']} {where} [{lg['container']}] x{lg['count']}: {short(lg['sample'])}")
    _section(out, "NEW LOG SIGNATURES", sec, limit)
    for n in rep.get("notes") or []:
        out.append(f"note: {n}")
    return "\n".join(out) + "\n"


def _section(out: list[str], title: str, lines: list[str], limit: int) -> None:
    if lines:
        out.append("")
        out.append(f"{title}")
        out += _cap(lines, limit)
