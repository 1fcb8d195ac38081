"""``GET {prefix}/ui/diff?base=&head=``: the comparison of two served must-gathers as a page.

Why this module exists: the same report as ``/staticapi/v1/diff`` (``web/diff_api.py``), most
telling first, with every object linked to its page in both clusters
(``/clusters/<name>/ui/objects/{group or 'core'}/{resource}/{namespace or '_'}/{name}``) and a
form to pick BASE, HEAD and the filters. No script: a plain GET form and ``<details>`` for the
field diffs. Everything from the archives is escaped by the template engine.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from aiohttp import web

from ..insight.context import Insights
from ..insight.diff_text import short
from .diff_api import parse_query, report_for
from .render import render

MAX_ROWS = 500  # per list on the page (the JSON has them all)


def object_url(cluster: str, o: dict, name: str | None = None) -> str:
    q = lambda s: quote(str(s), safe="")  # noqa: E731
    return (f"/clusters/{q(cluster)}/ui/objects/{q(o.get('group') or 'core')}/{q(o['resource'])}/"
            f"{q(o.get('namespace') or '_')}/{q(name or o['name'])}")


def logs_url(cluster: str, ns: str, pod: str, container: str) -> str:
    return f"/clusters/{quote(cluster, safe='')}/ui/logs/{quote(ns, safe='')}/{quote(pod, safe='')}/" \
           f"{quote(container, safe='')}"


def nodelogs_url(cluster: str, node: str, service: str) -> str:
    return f"/clusters/{quote(cluster, safe='')}/ui/nodelogs/{quote(node, safe='')}/{quote(service, safe='')}"


def _finding_row(f: dict, cluster: str) -> dict:
    o = f.get("object") or None
    link = object_url(cluster, o) if o and o.get("resource") else None
    return {"severity": f["severity"], "title": f["title"], "evidence": (f.get("evidence") or [])[:2], "link": link}


def view(rep: dict) -> dict:
    """The report shaped for the template: links for both clusters, values shortened."""
    bn, hn = rep["base"]["name"], rep["head"]["name"]
    v, h, o = rep["versions"], rep["health"], rep["objects"]
    versions = []
    for label in ("cluster", "payload", "kubernetes"):
        if v[label]:
            versions.append({"what": {"cluster": "cluster version", "payload": "release payload",
                                      "kubernetes": "Kubernetes"}[label],
                             "base": v[label]["base"], "head": v[label]["head"], "link": None})
    for op in v["operators"]:
        versions.append({"what": f"operator {op['name']} ({op['component']})", "base": op["base"],
                         "head": op["head"], "link": f"/clusters/{quote(hn, safe='')}/ui/objects/config.openshift.io/"
                                                     f"clusteroperators/_/{quote(op['name'], safe='')}"})
    for i in v["images"]:
        ns = f"{i['namespace']}/" if i["namespace"] else ""
        versions.append({"what": f"image of {i['kind']} {ns}{i['name']} [{i['container']}]", "base": i["base"],
                         "head": i["head"], "link": object_url(hn, i)})

    def linked(items: list[dict], cluster: str) -> list[dict]:
        return [{**x, "link": object_url(cluster, x)} for x in items[:MAX_ROWS]]

    changed = []
    for c in o["changed"][:MAX_ROWS]:
        changed.append({**c, "head_link": object_url(hn, c), "base_link": object_url(bn, c, c.get("baseName")),
                        "changes": [{**d, "base": short(d["base"]), "head": short(d["head"])} for d in c["changes"]]})
    events = [{**e, "link": f"/clusters/{quote(hn, safe='')}/ui/events?namespace={quote(e['namespace'], safe='')}"
                            f"&type=Warning&reason={quote(e['reason'], safe='')}"} for e in rep["events"][:MAX_ROWS]]
    logs = [{**lg, "where": f"node/{lg['node']}" if lg["source"] == "nodes" else f"{lg['namespace']}/{lg['pod']}",
             "link": nodelogs_url(hn, lg["node"], lg["container"]) if lg["source"] == "nodes"
             else logs_url(hn, lg["namespace"], lg["pod"], lg["container"])} for lg in rep["logs"][:MAX_ROWS]]
    return {
        "versions": versions,
        "new_findings": [_finding_row(f, hn) for f in h["findings"]["new"][:MAX_ROWS]],
        "gone_findings": [_finding_row(f, bn) for f in h["findings"]["gone"][:MAX_ROWS]],
        "conditions": [{**c, "message": short(c.get("message")) if c.get("message") else ""}
                       for c in linked(h["conditions"], hn)],
        "containers": [{**c, "message": short(c.get("message")) if c.get("message") else ""}
                       for c in linked(h["containers"], hn)],
        "restarts": linked(h["restarts"], hn),
        "changed": changed, "removed": linked(o["removed"], bn), "added": linked(o["added"], hn),
        "events": events, "logs": logs,
        "more": {k: max(0, total - shown) for k, total, shown in (
            ("changed", o["totals"]["changed"], sum(1 for c in changed if not c["noiseOnly"])),
            ("removed", o["totals"]["removed"], min(len(o["removed"]), MAX_ROWS)),
            ("added", o["totals"]["added"], min(len(o["added"]), MAX_ROWS)),
            ("events", len(rep["events"]), min(len(rep["events"]), MAX_ROWS)),
            ("logs", len(rep["logs"]), min(len(rep["logs"]), MAX_ROWS)))},
        "by_kind": sorted(o["byKind"].items(), key=lambda kv: -sum(kv[1].values())),
    }


def setup_routes(app: web.Application, get_insights: Callable[[web.Request], Insights], prefix: str = "") -> None:
    prefix = prefix.rstrip("/")

    async def page(request: web.Request) -> web.Response:
        insights = get_insights(request)
        here = request.match_info.get("cluster")
        cluster = insights.cluster(here)
        base_url = f"/clusters/{quote(here, safe='')}/" if here else "/"
        ctx = {"base": base_url, "cluster_name": cluster.name, "page_title": "compare",
               "collection_time": cluster.store.collection_time.strftime("%Y-%m-%d %H:%M:%S UTC")
               if cluster.store is not None and cluster.store.collection_time else "",
               "clusters": list(insights.clusters)}
        if len(insights.clusters) < 2:
            return render("diff.html", status=400, rep=None, v=None, q=None, **ctx,
                          error="Comparing needs two must-gathers: serve both (staticapi serve BASE HEAD), "
                                "or run staticapi diff BASE HEAD without a server.")
        q = parse_query(request, insights)
        rep, _, _ = await report_for(insights, q)
        return render("diff.html", rep=rep, v=view(rep), q=q, error=None, **ctx)

    app.router.add_get(f"{prefix}/ui/diff", page)
