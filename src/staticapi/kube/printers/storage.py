"""storage.k8s.io and storagemigration.k8s.io printers (printers.go printStorageClass,
printCSINode, printVolumeAttachment ...)."""

from __future__ import annotations

from datetime import datetime

from .common import _age, _d, _l, _meta, _name, _quantity, _s


def _print_csinode(obj: dict, now: datetime) -> list:
    return [_name(obj), len(_l(_d(obj.get("spec")).get("drivers"))), _age(obj, now)]


def _print_csidriver(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    # SetDefaults_CSIDriver: attachRequired=true, podInfoOnMount=false, storageCapacity=false,
    # requiresRepublish=false, volumeLifecycleModes=[Persistent]
    attach = spec.get("attachRequired")
    attach = True if attach is None else bool(attach)
    pod_info = bool(spec.get("podInfoOnMount") or False)
    storage_cap = bool(spec.get("storageCapacity") or False)
    modes_l = [_s(m) for m in _l(spec.get("volumeLifecycleModes"))] or ["Persistent"]
    modes = ",".join(modes_l) or "<none>"
    token_requests = "<unset>"
    if spec.get("tokenRequests") is not None:
        token_requests = ",".join(_s(_d(t).get("audience")) for t in _l(spec.get("tokenRequests")))
    republish = bool(spec.get("requiresRepublish") or False)
    return [_name(obj), attach, pod_info, storage_cap, token_requests, republish, modes, _age(obj, now)]


def _print_csistoragecapacity(obj: dict, now: datetime) -> list:
    cap = obj.get("capacity")
    return [_name(obj), _s(obj.get("storageClassName")), "<unset>" if cap is None else _quantity(cap)]


def _is_true_annotation(obj: dict, *keys: str) -> bool:
    ann = _d(_meta(obj).get("annotations"))
    return any(ann.get(k) == "true" for k in keys)


def _print_storage_class(obj: dict, now: datetime) -> list:
    name = _name(obj)
    # storage/util IsDefaultAnnotation
    if _is_true_annotation(obj, "storageclass.kubernetes.io/is-default-class",
                           "storageclass.beta.kubernetes.io/is-default-class"):
        name += " (default)"
    return [name, _s(obj.get("provisioner")), _s(obj.get("reclaimPolicy")) or "Delete",
            _s(obj.get("volumeBindingMode")) or "Immediate", bool(obj.get("allowVolumeExpansion") or False),
            _age(obj, now)]


def _print_volume_attributes_class(obj: dict, now: datetime) -> list:
    name = _name(obj)
    # storage/util IsDefaultAnnotationForVolumeAttributesClass (v1.33)
    if _is_true_annotation(obj, "volumeattributesclass.alpha.kubernetes.io/is-default-class"):
        name += " (default)"
    return [name, _s(obj.get("driverName")), _age(obj, now)]


def _print_volume_attachment(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    pv = _s(_d(spec.get("source")).get("persistentVolumeName"))
    return [_name(obj), _s(spec.get("attacher")), pv, _s(spec.get("nodeName")),
            bool(_d(obj.get("status")).get("attached") or False), _age(obj, now)]


def _print_storage_version_migration(obj: dict, now: datetime) -> list:
    # storagemigration v1alpha1 (v1.33): resource.version.group
    r = _d(_d(obj.get("spec")).get("resource"))
    return [_name(obj), f"{_s(r.get('resource'))}.{_s(r.get('version'))}.{_s(r.get('group'))}"]
