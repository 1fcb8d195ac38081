"""OpenShift aggregated APIs (openshift-apiserver ``pkg/<group>/printers/internalversion/printer.go``):
routes, builds, images, apps, templates, projects, quota, security and authorization."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from ..duration import docker_human_duration, go_duration_string, parse_time, since_ns
from .common import _GO_SPACE, _d, _format_label_selector, _i, _int_or_string, _l, _meta, _name, _s

# --------------------------------------------------------------------------------------------
# OpenShift aggregated APIs (openshift-apiserver pkg/<group>/printers/internalversion/printer.go)


def _relative(t: datetime | None, now: datetime) -> str:
    """formatRelativeTime + " ago" (docker/go-units HumanDuration)."""
    if t is None:
        return ""
    return f"{docker_human_duration(since_ns(t, now))} ago"


def _print_route(obj: dict, now: datetime) -> list:
    """route printer.go printRoute."""
    spec = _d(obj.get("spec"))
    tls = spec.get("tls")
    tls_term = insecure = ""
    if isinstance(tls, dict):
        tls_term = _s(tls.get("termination"))
        insecure = _s(tls.get("insecureEdgeTerminationPolicy"))
    host = _s(spec.get("host"))
    matched = False
    reason = ""
    admitted = errors = 0
    ingress = _d(obj.get("status")).get("ingress")
    for ing in _l(ingress):
        ing = _d(ing)
        status, cond = "Unknown", {}
        for c in _l(ing.get("conditions")):
            c = _d(c)
            if c.get("type") == "Admitted":
                status, cond = _s(c.get("status")), c
                break
        if status == "True":
            admitted += 1
            if not matched:
                matched = _s(ing.get("host")) == _s(spec.get("host"))
                host = _s(ing.get("host"))
        elif status == "False":
            reason = _s(cond.get("reason"))
            errors += 1
    if ingress is None:
        pass  # legacy: show spec.host
    elif admitted == 0 and errors > 0:
        host = reason
    elif errors > 0:
        host = f"{host} ... {errors} rejected"
    elif admitted == 0:
        host = "Pending"
    elif admitted > 1:
        host = f"{host} ... {admitted - 1} more"
    if tls_term and insecure:
        policy = f"{tls_term}/{insecure}"
    elif tls_term:
        policy = tls_term
    elif insecure:
        policy = f"default/{insecure}"
    else:
        policy = ""
    backends = [_d(spec.get("to"))] + [_d(b) for b in _l(spec.get("alternateBackends"))]

    def weight(b: dict) -> int | None:
        # route v1 SetDefaults_RouteTargetReference: a nil weight defaults to 100
        w = b.get("weight")
        return 100 if w is None else _i(w)

    total = sum(weight(b) or 0 for b in backends)
    info = []
    for b in backends:
        w = weight(b)
        name = _s(b.get("name"))
        if w is None or (len(backends) == 1 and total != 0):
            info.append(name)
        elif total == 0:
            info.append(f"{name}(0%)")
        else:
            info.append(f"{name}({_go_trunc(w * 100, total)}%)")
    port = spec.get("port")
    port_s = _int_or_string(_d(port).get("targetPort")) if isinstance(port, dict) else "<all>"
    wildcard = _s(spec.get("wildcardPolicy")) or "None"  # route v1 defaults
    return [_name(obj), host, _s(spec.get("path")), ",".join(info), port_s, policy, wildcard]


def _go_trunc(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _build_strategy_type(strategy: dict) -> str:
    """build internal_helpers StrategyType."""
    if strategy.get("dockerStrategy") is not None:
        return "Docker"
    if strategy.get("customStrategy") is not None:
        return "Custom"
    if strategy.get("sourceStrategy") is not None:
        return "Source"
    if strategy.get("jenkinsPipelineStrategy") is not None:
        return "JenkinsPipeline"
    return ""


def _describe_source_short(spec: dict) -> str:
    """build printer.go describeSourceShort."""
    source = _d(spec.get("source"))

    def rev() -> str:
        r = ""
        revision = _d(spec.get("revision"))
        if isinstance(revision.get("git"), dict):
            r = _s(revision["git"].get("commit"))
        if not r and isinstance(source.get("git"), dict):
            r = _s(source["git"].get("ref"))
        if len(r) > 20 and all(ch in "0123456789abcdefABCDEF" for ch in r):
            r = r[:7]
        return r

    has_binary = source.get("binary") is not None
    has_df = source.get("dockerfile") is not None
    has_git = source.get("git") is not None
    if has_binary:
        frm = "Binary"
    elif has_df and has_git:
        frm = "Dockerfile,Git"
    elif has_df:
        return "Dockerfile"
    elif has_git:
        frm = "Git"
    else:
        parts = []
        if has_git:
            parts.append("Git")
        if has_df:
            parts.append("Dockerfile")
        if has_binary:
            parts.append("Binary")
        return ",".join(parts)
    r = rev()
    return f"{frm}@{r}" if r else frm


def _print_build(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    created = _relative(parse_time(st.get("startTimestamp")), now)
    dur_ns = _i(st.get("duration"))
    duration = go_duration_string(dur_ns) if dur_ns > 0 else ""
    status = _s(st.get("phase"))
    if st.get("reason"):
        status = f"{status} ({_s(st.get('reason'))})"
    return [_name(obj), _build_strategy_type(_d(spec.get("strategy"))), _describe_source_short(spec), status,
            created, duration]


def _print_build_config(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    strategy = _d(spec.get("strategy"))
    last = _i(_d(obj.get("status")).get("lastVersion"))
    if isinstance(strategy.get("customStrategy"), dict):
        frm = _s(_d(strategy["customStrategy"].get("from")).get("name"))
    else:
        frm = _describe_source_short(spec)
    return [_name(obj), _build_strategy_type(strategy), frm, last]


def _print_image(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(obj.get("dockerImageReference"))]


def _sort_status_tags(tags: list) -> list[str]:
    """image apis SortStatusTags: newest first (creation rounded to the second), then name."""
    items = []
    for t in tags:
        t = _d(t)
        evs = _l(t.get("items"))
        created = parse_time(_d(evs[0]).get("created")) if evs else None
        ts = 0 if created is None else int((created.timestamp() + 0.5) // 1)
        items.append((-ts, _s(t.get("tag"))))
    items.sort()
    return [n for _, n in items]


def _print_tags_up_to_width(tags_l: list, preferred: int) -> str:
    tags = _sort_status_tags(tags_l)
    remaining = preferred
    for i, tag in enumerate(tags):
        remaining -= len(tag.encode()) + 1
        if remaining >= 0:
            continue
        if i == 0:
            tags = tags[:1]
            break
        margin = preferred // 4
        if margin < (remaining + len(tag.encode())) and margin >= -remaining:
            continue
        tags = tags[:i]
        break
    hidden = len(tags_l) - len(tags)
    if hidden > 0:
        return f"{','.join(tags)} + {hidden} more..."
    return ",".join(tags)


def _print_image_stream(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    tags = _l(st.get("tags"))
    latest: datetime | None = None
    for t in tags:
        evs = _l(_d(t).get("items"))
        if evs:
            c = parse_time(_d(evs[0]).get("created"))
            if c is not None and (latest is None or c > latest):
                latest = c
    repo = _s(spec.get("dockerImageRepository")) or _s(st.get("dockerImageRepository"))
    if st.get("publicDockerImageRepository"):
        repo = _s(st.get("publicDockerImageRepository"))
    return [_name(obj), repo, _print_tags_up_to_width(tags, 40), _relative(latest, now)]


def _creation_relative(obj: dict, now: datetime) -> str:
    t = parse_time(_meta(obj).get("creationTimestamp"))
    if t is None:  # Go formats the zero time: now.Sub(time.Time{}) saturates -> "292 years ago"
        return "292 years ago"
    return _relative(t, now)


def _print_image_stream_tag(obj: dict, now: datetime) -> list:
    img = _d(obj.get("image"))
    return [_name(obj), _s(img.get("dockerImageReference")), _creation_relative(obj, now),
            _s(_d(img.get("metadata")).get("name"))]


def _print_image_stream_image(obj: dict, now: datetime) -> list:
    img = _d(obj.get("image"))
    return [_name(obj), _creation_relative(obj, now), _s(img.get("dockerImageReference")),
            _s(_d(img.get("metadata")).get("name"))]


def _print_image_tag(obj: dict, now: datetime) -> list:
    """image printer.go printImageTag (openshift-apiserver main)."""
    generation = 0
    source = status = created = spec_s = ""
    count = 0
    spec = obj.get("spec")
    if isinstance(spec, dict):
        spec_s = "Tag"
        if spec.get("reference"):
            spec_s = "Ref"
        if _d(spec.get("importPolicy")).get("scheduled"):
            spec_s = "Scheduled"
        if spec.get("generation") is not None:
            generation = _i(spec.get("generation"))
        frm = spec.get("from")
        if isinstance(frm, dict):
            kind, fname = _s(frm.get("kind")), _s(frm.get("name"))
            if kind == "DockerImage":
                source = fname
            elif kind == "ImageStreamImage":
                parts = fname.split("@")
                if len(parts) == 2:
                    source = f"image/{parts[1]}"
                else:
                    status = "InvalidRefName"
            elif kind == "ImageStreamTag":
                if frm.get("namespace"):
                    source = f"istag {_s(frm.get('namespace'))}/{fname}"
                else:
                    source = f"istag/{fname}"
                if ":" not in fname:  # imageutil.SplitImageStreamTag !ok -> tracking tag
                    spec_s = "Track"
            else:
                status = "InvalidRefKind"
        else:
            spec_s = ""
    st = obj.get("status")
    if isinstance(st, dict):
        items = _l(st.get("items"))
        count = len(items)
        last: datetime | None = None
        if count > 0:
            ev = _d(items[0])
            last = parse_time(ev.get("created"))
            ev_gen = _i(ev.get("generation"))
            if generation > 0 and ev_gen > 0 and ev_gen < generation:
                status = "Importing"
            elif ev.get("image"):
                source = f"image/{_s(ev.get('image'))}"
            elif ev.get("dockerImageReference"):
                source = _s(ev.get("dockerImageReference"))
            if source and not spec_s:
                spec_s = "Push"
            elif spec_s == "Track":
                pass
            elif generation > 0 and ev_gen > 0 and ev_gen > generation:
                spec_s = "Push"
        for c in _l(st.get("conditions")):
            c = _d(c)
            if c.get("type") == "ImportSuccess" and c.get("status") == "False":
                status = f"ImportFailed ({_s(c.get('reason'))})"
            lt = parse_time(c.get("lastTransitionTime"))
            if lt is not None and (last is None or lt > last):
                last = lt
        if last is not None:
            created = _relative(last, now)
    if not status:
        status = source
    return [_name(obj), spec_s, status, count if count > 0 else None, created]


def _print_deployment_config(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    st = _d(obj.get("status"))
    replicas = _i(spec.get("replicas"))
    desired = f"{replicas} (during test)" if spec.get("test") else str(replicas)
    containers = {_s(_d(c).get("name")) for c in _l(_d(_d(spec.get("template")).get("spec")).get("containers"))}
    triggers: set[str] = set()
    trig_list = spec.get("triggers")
    if trig_list is None:  # apps v1 SetDefaults_DeploymentConfigSpec
        trig_list = [{"type": "ConfigChange"}]
    for trig in _l(trig_list):
        trig = _d(trig)
        t = _s(trig.get("type"))
        if t == "ConfigChange":
            triggers.add("config")
        elif t == "ImageChange":
            p = trig.get("imageChangeParams")
            if isinstance(p, dict) and p.get("automatic"):
                names = [_s(n) for n in _l(p.get("containerNames"))]
                prefix = ""
                if len(containers) != 1 and not set(names) <= containers:
                    prefix = ",".join(sorted(names)) + ":"
                frm = _d(p.get("from"))
                if frm.get("kind") == "ImageStreamTag":
                    triggers.add(f"image({prefix}{_s(frm.get('name'))})")
                else:
                    triggers.add(f"{_s(frm.get('kind'))}({prefix}{_s(frm.get('name'))})")
        else:
            triggers.add(t)
    return [_name(obj), _i(st.get("latestVersion")), desired, _i(st.get("updatedReplicas")),
            ",".join(sorted(triggers))]


def _print_template(obj: dict, now: datetime) -> list:
    desc = _s(_d(_meta(obj).get("annotations")).get("description"))
    lines = desc.split("\n", 1)
    if len(lines) > 1:
        desc = lines[0] + "..."
    b = desc.encode()
    if len(b) > 80:
        desc = b[:77].decode("utf-8", "replace").strip(_GO_SPACE) + "..."
    params = _l(obj.get("parameters"))
    empty = generated = 0
    for p in params:
        p = _d(p)
        if p.get("value"):
            continue
        if p.get("generate"):
            generated += 1
            continue
        empty += 1
    if empty > 0:
        ps = f"{len(params)} ({empty} blank)"
    elif generated > 0:
        ps = f"{len(params)} ({generated} generated)"
    else:
        ps = f"{len(params)} (all set)"
    return [_name(obj), desc, ps, len(_l(obj.get("objects")))]


def _print_template_instance(obj: dict, now: datetime) -> list:
    tmpl = _d(_d(obj.get("spec")).get("template"))
    return [_name(obj), _s(_d(tmpl.get("metadata")).get("name"))]


def _print_broker_template_instance(obj: dict, now: datetime) -> list:
    # upstream prints three cells (namespace and name) for two columns
    ti = _d(_d(obj.get("spec")).get("templateInstance"))
    return [_name(obj), _s(ti.get("namespace")), _s(ti.get("name"))]


def _print_project(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(_d(_meta(obj).get("annotations")).get("openshift.io/display-name")),
            _s(_d(obj.get("status")).get("phase"))]


def _print_cluster_resource_quota(obj: dict, now: datetime) -> list:
    sel = _d(_d(obj.get("spec")).get("selector"))
    ann = sel.get("annotations")
    return [_name(obj), _format_label_selector(sel.get("labels")), ann if isinstance(ann, dict) else None]


def _print_scc(obj: dict, now: datetime) -> list:
    prio = obj.get("priority")
    return [
        _name(obj),
        bool(obj.get("allowPrivilegedContainer") or False),
        ",".join(_s(c) for c in _l(obj.get("allowedCapabilities"))),
        _s(_d(obj.get("seLinuxContext")).get("type")),
        _s(_d(obj.get("runAsUser")).get("type")),
        _s(_d(obj.get("fsGroup")).get("type")),
        _s(_d(obj.get("supplementalGroups")).get("type")),
        "<none>" if prio is None else str(_i(prio)),
        bool(obj.get("readOnlyRootFilesystem") or False),
        ",".join(_s(v) for v in _l(obj.get("volumes"))),
    ]


def _print_range_allocation(obj: dict, now: datetime) -> list:
    data = obj.get("data")
    raw = b""
    if isinstance(data, str) and data:
        try:
            raw = base64.b64decode(data)
        except (ValueError, TypeError):
            raw = b""
    return [_name(obj), _s(obj.get("range")), "0x" + raw.hex()]


def _print_oauthz_role(obj: dict, now: datetime) -> list:
    return [_name(obj)]


def _oauthz_subjects(namespace: str, subjects: Any) -> tuple[list, list, list, list]:
    """openshift authorization SubjectsStrings(currentNamespace, subjects)."""
    users, groups, sas, others = [], [], [], []
    for s in _l(subjects):
        s = _d(s)
        kind, ns, name = _s(s.get("kind")), _s(s.get("namespace")), _s(s.get("name"))
        if kind == "ServiceAccount":
            sas.append(f"{ns}/{name}" if ns and ns != namespace else name)
        elif kind in ("User", "SystemUser"):
            users.append(name)
        elif kind in ("Group", "SystemGroup"):
            groups.append(name)
        else:
            others.append(f"{kind}/{ns}/{name}")
    return users, groups, sas, others


def _truncated_list(lst: list[str], max_len: int) -> str:
    if len(lst) > max_len:
        return f"{', '.join(lst[:max_len])} ({len(lst) - max_len} more)"
    return ", ".join(lst)


def _print_oauthz_binding(obj: dict, now: datetime) -> list:
    ns = _s(_meta(obj).get("namespace"))
    rr = _d(obj.get("roleRef"))
    users, groups, sas, others = _oauthz_subjects(ns, obj.get("subjects"))
    return [_name(obj), f"{_s(rr.get('namespace'))}/{_s(rr.get('name'))}", _truncated_list(users, 5),
            _truncated_list(groups, 5), ", ".join(sas), ", ".join(others)]


def _print_role_binding_restriction(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    subjects: list[str] = []
    if isinstance(spec.get("userrestriction"), dict):
        r = spec["userrestriction"]
        subjects += [_s(u) for u in _l(r.get("users"))]
        subjects += [f"group({_s(g)})" for g in _l(r.get("groups"))]
        subjects += [_format_label_selector(sel) for sel in _l(r.get("labels"))]
        typ = "User"
    elif isinstance(spec.get("grouprestriction"), dict):
        r = spec["grouprestriction"]
        subjects += [_s(g) for g in _l(r.get("groups"))]
        subjects += [_format_label_selector(sel) for sel in _l(r.get("labels"))]
        typ = "Group"
    elif isinstance(spec.get("serviceaccountrestriction"), dict):
        r = spec["serviceaccountrestriction"]
        subjects += [f"{_s(_d(sa).get('namespace'))}/{_s(_d(sa).get('name'))}" for sa in _l(r.get("serviceaccounts"))]
        subjects += [f"{_s(ns)}/*" for ns in _l(r.get("namespaces"))]
        typ = "ServiceAccount"
    else:
        typ = "<unknown>"
    out = "<none>"
    if len(subjects) > 3:
        out = f"{', '.join(subjects[:3])} + {len(subjects) - 3} more..."
    elif subjects:
        out = ", ".join(subjects)
    return [_name(obj), typ, out]


def _print_is_personal_sar(obj: dict, now: datetime) -> list:
    return ["IsPersonalSubjectAccessReview"]


def _print_rules_review(obj: dict, now: datetime) -> list[list]:
    rows = []
    for rule in _l(_d(obj.get("status")).get("rules")):
        rule = _d(rule)
        rows.append([
            sorted(set(_s(v) for v in _l(rule.get("verbs")))),
            sorted(set(_s(v) for v in _l(rule.get("nonResourceURLs")))),
            sorted(set(_s(v) for v in _l(rule.get("resourceNames")))),
            [_s(v) for v in _l(rule.get("apiGroups"))],
            sorted(set(_s(v) for v in _l(rule.get("resources")))),
        ])
    return rows
