"""Which field labels each resource accepts (the registered field label conversion funcs)
and the values of those fields for one object (the registries' ``ToSelectableFields``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from .common import _DNS1123_SUBDOMAIN_MAX, SelectorError, _blen, _go_quote
from .fields import FieldSelector

# ---------------------------------------------------------------------------
# Field label conversion (which fields each resource accepts) and field values
# ---------------------------------------------------------------------------

_META = ("metadata.name", "metadata.namespace")


def _default_error(label: str) -> str:
    # runtime.DefaultMetaV1FieldSelectorConversion
    return '%s is not a known field selector: only "metadata.name", "metadata.namespace"' % _go_quote(label)


def _plain_error(label: str) -> str:
    return "field label not supported: %s" % label


class _Conversion(NamedTuple):
    labels: frozenset[str]
    error: Callable[[str], str]


def _conv(labels: Iterable[str], error: Callable[[str], str] = _plain_error) -> _Conversion:
    return _Conversion(frozenset(labels), error)


_CORE_EVENT_FIELDS = (
    "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
    "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
    "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
)
# events.k8s.io/v1 label -> core label it is converted to (AddFieldLabelConversionsForEvent).
_EVENTS_V1_TO_CORE = {
    "reason": "reason",
    "regarding.kind": "involvedObject.kind",
    "regarding.namespace": "involvedObject.namespace",
    "regarding.name": "involvedObject.name",
    "regarding.uid": "involvedObject.uid",
    "regarding.apiVersion": "involvedObject.apiVersion",
    "regarding.resourceVersion": "involvedObject.resourceVersion",
    "regarding.fieldPath": "involvedObject.fieldPath",
    "reportingController": "reportingComponent",
    "type": "type",
    "metadata.namespace": "metadata.namespace",
    "metadata.name": "metadata.name",
}

# (group, plural) -> accepted field labels and the conversion func's error text.
_CONVERSIONS: dict[tuple[str, str], _Conversion] = {
    # pkg/apis/core/v1/conversion.go
    ("", "pods"): _conv(_META + (
        "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
        "status.nominatedNodeName",
        "spec.host",  # old v1 clients; converted to spec.nodeName
    )),
    ("", "nodes"): _conv(("metadata.name", "spec.unschedulable")),
    ("", "replicationcontrollers"): _conv(_META + ("status.replicas",)),
    ("", "events"): _conv(_CORE_EVENT_FIELDS + _META),
    ("", "namespaces"): _conv(("status.phase", "metadata.name")),
    ("", "secrets"): _conv(("type",) + _META),
    ("", "services"): _conv(_META + ("spec.clusterIP", "spec.type")),
    # pkg/apis/events/v1/conversion.go
    ("events.k8s.io", "events"): _conv(_EVENTS_V1_TO_CORE),
    # pkg/apis/batch/v1/conversion.go
    ("batch", "jobs"): _conv(_META + ("status.successful",),
                             lambda label: "field label %s not supported for Job" % _go_quote(label)),
    # pkg/apis/certificates/v1/conversion.go, v1beta1
    ("certificates.k8s.io", "certificatesigningrequests"): _conv(("metadata.name", "spec.signerName")),
    ("certificates.k8s.io", "clustertrustbundles"): _conv(("metadata.name", "spec.signerName")),
    # pkg/apis/resource/v1beta1/conversion.go (the message names the requested
    # group-version; v1beta2 is the preferred one in v1.33 discovery)
    ("resource.k8s.io", "resourceslices"): _conv(
        ("metadata.name", "spec.nodeName", "spec.driver"),
        lambda label: "field label not supported for resource.k8s.io/v1beta2, Kind=ResourceSlice: %s" % label),
    # openshift/openshift-apiserver: extra labels, else DefaultMetaV1FieldSelectorConversion
    ("build.openshift.io", "builds"): _conv(_META + ("status", "podName"), _default_error),
    ("route.openshift.io", "routes"): _conv(_META + ("spec.path", "spec.host", "spec.to.name"), _default_error),
    ("image.openshift.io", "imagestreams"): _conv(
        _META + ("spec.dockerImageRepository", "status.dockerImageRepository"), _default_error),
    ("project.openshift.io", "projects"): _conv(_META + ("status.phase",), _default_error),
}
_DEFAULT_CONVERSION = _conv(_META, _default_error)


def _conversion_for(group: str, resource: str, custom_resource: bool, namespaced: bool,
                    selectable_fields: Iterable[str]) -> _Conversion:
    if custom_resource:
        # crConverter.ConvertFieldLabel
        labels = {"metadata.name"}
        if namespaced:
            labels.add("metadata.namespace")
        labels.update(_cr_field_label(f) for f in selectable_fields)
        return _conv(labels)
    return _CONVERSIONS.get((group, resource), _DEFAULT_CONVERSION)


def _cr_field_label(path: str) -> str:
    # CRD selectableFields[].jsonPath is ".spec.color"; the selector label is "spec.color".
    return path[1:] if path.startswith(".") else path


def supported_fields(group: str, resource: str, *, custom_resource: bool = False,
                     namespaced: bool = True, selectable_fields: Iterable[str] = ()) -> frozenset[str]:
    """Field labels the apiserver accepts for ``group``/``resource`` (plural; ``''`` is core).

    For custom resources pass ``custom_resource=True``, the CRD scope and its
    ``selectableFields`` json paths.
    """
    return _conversion_for(group, resource, custom_resource, namespaced, selectable_fields).labels


def validate_field_selector(sel: FieldSelector, group: str, resource: str, *,
                            custom_resource: bool = False, namespaced: bool = True,
                            selectable_fields: Iterable[str] = ()) -> None:
    """Raise SelectorError with the apiserver's message for the first unsupported label.

    Mirrors ``opts.FieldSelector.Transform(scope.Convert.ConvertFieldLabel)`` in the
    list/watch handlers: terms are visited in selector order (sorted as written).
    """
    conv = _conversion_for(group, resource, custom_resource, namespaced, selectable_fields)
    for f, _op, _v in sel.requirements:
        if f not in conv.labels:
            raise SelectorError(conv.error(f))


def _s(v: Any) -> str:
    """A JSON scalar as the Go string the registry would put in the fields.Set."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _d(v: Any) -> Mapping[str, Any]:
    return v if isinstance(v, Mapping) else {}


def _meta_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    md = _d(obj.get("metadata"))
    # generic.ObjectMetaFieldsSet; cluster-scoped objects have no namespace, which
    # compares exactly like the absent field ("").
    return {"metadata.name": _s(md.get("name")), "metadata.namespace": _s(md.get("namespace"))}


def _pod_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = _d(obj.get("spec"))
    status = _d(obj.get("status"))
    out = _meta_fields(obj)
    node = _s(spec.get("nodeName"))
    out["spec.nodeName"] = node
    out["spec.host"] = node
    # SetDefaults_PodSpec
    out["spec.restartPolicy"] = _s(spec.get("restartPolicy")) or "Always"
    out["spec.schedulerName"] = _s(spec.get("schedulerName")) or "default-scheduler"
    # Convert_v1_PodSpec_To_core_PodSpec: deprecated serviceAccount is an alias.
    out["spec.serviceAccountName"] = _s(spec.get("serviceAccountName")) or _s(spec.get("serviceAccount"))
    out["spec.hostNetwork"] = "true" if spec.get("hostNetwork") is True else "false"
    out["status.phase"] = _s(status.get("phase"))
    # Convert_v1_PodStatus_To_core_PodStatus keeps podIPs, falling back to podIP;
    # ToSelectableFields uses PodIPs[0].
    pod_ip = ""
    ips = status.get("podIPs")
    if isinstance(ips, list) and ips:
        pod_ip = _s(_d(ips[0]).get("ip"))
    else:
        pod_ip = _s(status.get("podIP"))
    out["status.podIP"] = pod_ip
    # Accepted by the conversion func but not in ToSelectableFields: always "".
    out["status.podIPs"] = ""
    out["status.nominatedNodeName"] = _s(status.get("nominatedNodeName"))
    return out


def _node_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["spec.unschedulable"] = "true" if _d(obj.get("spec")).get("unschedulable") is True else "false"
    return out


def _namespace_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    # SetDefaults_NamespaceStatus
    out["status.phase"] = _s(_d(obj.get("status")).get("phase")) or "Active"
    return out


def _secret_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["type"] = _s(obj.get("type")) or "Opaque"  # SetDefaults_Secret
    return out


def _service_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = _d(obj.get("spec"))
    out = _meta_fields(obj)
    out["spec.clusterIP"] = _s(spec.get("clusterIP"))
    out["spec.type"] = _s(spec.get("type")) or "ClusterIP"  # SetDefaults_Service
    return out


def _rc_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["status.replicas"] = _s(_d(obj.get("status")).get("replicas") or 0)
    return out


def _job_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["status.successful"] = _s(_d(obj.get("status")).get("succeeded") or 0)
    return out


def _signer_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["spec.signerName"] = _s(_d(obj.get("spec")).get("signerName"))
    return out


def _resourceslice_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = _d(obj.get("spec"))
    out = _meta_fields(obj)
    out["spec.nodeName"] = _s(spec.get("nodeName"))
    out["spec.driver"] = _s(spec.get("driver"))
    return out


def _is_events_v1_form(obj: Mapping[str, Any]) -> bool:
    api_version = obj.get("apiVersion")
    if isinstance(api_version, str):
        if api_version.startswith("events.k8s.io/"):
            return True
        if api_version == "v1":
            return False
    return ("regarding" in obj or "deprecatedSource" in obj or "reportingController" in obj
            or "note" in obj)


def _event_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    """core ToSelectableFields on the internal Event, from either archived form.

    events.k8s.io/v1 -> internal (Convert_v1_Event_To_core_Event): regarding ->
    InvolvedObject, deprecatedSource -> Source, reportingController ->
    ReportingController (core/v1 JSON calls it reportingComponent).
    Keys are given in both spellings so one dict serves either group.
    """
    out = _meta_fields(obj)
    if _is_events_v1_form(obj):
        ref = _d(obj.get("regarding"))
        component = _s(_d(obj.get("deprecatedSource")).get("component"))
        reporting = _s(obj.get("reportingController"))
    else:
        ref = _d(obj.get("involvedObject"))
        component = _s(_d(obj.get("source")).get("component"))
        reporting = _s(obj.get("reportingComponent"))
    for attr in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"):
        v = _s(ref.get(attr))
        out["involvedObject." + attr] = v
        out["regarding." + attr] = v
    out["reason"] = _s(obj.get("reason"))
    out["reportingComponent"] = reporting
    out["reportingController"] = reporting
    out["source"] = component or reporting
    out["type"] = _s(obj.get("type"))
    return out


def _fnv32a_hex(s: str) -> str:
    h = 0x811C9DC5
    for b in s.encode("utf-8", "surrogatepass"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return "%08x" % h


def _build_pod_name(build: str) -> str:
    """library-go pkg/build/naming GetPodName(build, "build") (max length 253)."""
    suffix = "build"
    max_len = _DNS1123_SUBDOMAIN_MAX
    name = "%s-%s" % (build, suffix)
    if _blen(name) <= max_len:
        return name
    base_len = max_len - 10 - len(suffix)
    return "%s-%s-%s" % (build[:base_len], _fnv32a_hex(build), suffix)


def _build_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["status"] = _s(_d(obj.get("status")).get("phase"))
    out["podName"] = _build_pod_name(out["metadata.name"])
    return out


def _route_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    spec = _d(obj.get("spec"))
    out = _meta_fields(obj)
    out["spec.path"] = _s(spec.get("path"))
    out["spec.host"] = _s(spec.get("host"))
    out["spec.to.name"] = _s(_d(spec.get("to")).get("name"))
    return out


def _imagestream_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["spec.dockerImageRepository"] = _s(_d(obj.get("spec")).get("dockerImageRepository"))
    out["status.dockerImageRepository"] = _s(_d(obj.get("status")).get("dockerImageRepository"))
    return out


def _project_fields(obj: Mapping[str, Any]) -> dict[str, str]:
    out = _meta_fields(obj)
    out["status.phase"] = _s(_d(obj.get("status")).get("phase"))
    return out


_FIELD_FUNCS: dict[tuple[str, str], Callable[[Mapping[str, Any]], dict[str, str]]] = {
    ("", "pods"): _pod_fields,
    ("", "nodes"): _node_fields,
    ("", "namespaces"): _namespace_fields,
    ("", "secrets"): _secret_fields,
    ("", "services"): _service_fields,
    ("", "replicationcontrollers"): _rc_fields,
    ("", "events"): _event_fields,
    ("events.k8s.io", "events"): _event_fields,
    ("batch", "jobs"): _job_fields,
    ("certificates.k8s.io", "certificatesigningrequests"): _signer_fields,
    ("certificates.k8s.io", "clustertrustbundles"): _signer_fields,
    ("resource.k8s.io", "resourceslices"): _resourceslice_fields,
    ("build.openshift.io", "builds"): _build_fields,
    ("route.openshift.io", "routes"): _route_fields,
    ("image.openshift.io", "imagestreams"): _imagestream_fields,
    ("project.openshift.io", "projects"): _project_fields,
}


def _cr_value(obj: Mapping[str, Any], label: str) -> str | None:
    cur: Any = obj
    for part in label.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    if isinstance(cur, (str, bool, int)) or (isinstance(cur, float) and cur.is_integer()):
        return _s(cur)
    return None


def field_values(group: str, resource: str, obj: Mapping[str, Any], *,
                 selectable_fields: Iterable[str] = ()) -> dict[str, str]:
    """Every selectable field's value for ``obj`` as the apiserver's GetAttrs computes it.

    Keys cover ``supported_fields(group, resource)`` (for events both the core and
    the events.k8s.io spellings, for pods also the ``spec.host`` alias), so
    ``FieldSelector.matches(field_values(...))`` is the apiserver's decision once
    ``validate_field_selector`` passed. For custom resources pass the CRD's
    ``selectableFields`` json paths.
    """
    fn = _FIELD_FUNCS.get((group, resource))
    out = fn(obj) if fn is not None else _meta_fields(obj)
    for path in selectable_fields:
        label = _cr_field_label(path)
        v = _cr_value(obj, label)
        if v is not None:
            out[label] = v
    return out
