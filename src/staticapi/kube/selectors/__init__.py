"""Label and field selectors, parsed and applied the way kube-apiserver does it.

Why this module exists: kubectl and client libraries send ``labelSelector`` and
``fieldSelector`` query parameters on list and watch requests and expect the
server to filter exactly like a real kube-apiserver: the same grammar, the same
400 messages for bad input, the same set of selectable fields per resource and
the same (sometimes surprising) string values for them, e.g. ``spec.hostNetwork``
is ``"true"``/``"false"`` and a field the object does not have compares as ``""``.

Everything here is pure and precompiled: a selector is parsed once per request
and ``matches`` is then a few dict lookups per object (list requests run it over
100k objects).

Upstream sources followed (kubernetes v1.33 unless stated), re-implemented, not copied:

* ``k8s.io/apimachinery/pkg/labels/selector.go``: the label selector lexer
  (``Lexer.Lex``, ``scanIDOrKeyword``, ``scanSpecialSymbol``), the recursive descent
  ``Parser.parse`` / ``parseRequirement`` / ``parseKeyAndInferOperator`` /
  ``parseOperator`` / ``parseValues`` / ``parseIdentifiersList`` /
  ``parseExactValue``, ``NewRequirement`` validation, ``Requirement.Matches`` and
  ``Requirement.String``.
* ``k8s.io/apimachinery/pkg/util/validation/validation.go``: ``IsQualifiedName``,
  ``IsDNS1123Subdomain``, ``IsValidLabelValue``, ``RegexError``, ``MaxLenError``;
  ``.../validation/field/errors.go`` (``Error.Error``, ``ErrorBody``) and
  ``.../util/errors`` (``aggregate.Error``) for the exact message layout.
* ``k8s.io/apimachinery/pkg/fields/selector.go``: ``splitTerms``, ``splitTerm``,
  ``UnescapeValue`` / ``EscapeValue``, ``parseSelector``, ``hasTerm.Matches``
  (``fields.Get(f) == v``, so a missing field is ``""``).
* ``k8s.io/apimachinery/pkg/runtime/helper.go`` ``DefaultMetaV1FieldSelectorConversion``
  (resources without a registered conversion func), and the registered
  ``AddFieldLabelConversionFunc`` funcs: ``pkg/apis/core/v1/conversion.go``
  (Pod, Node, ReplicationController, Event, Namespace, Secret, Service),
  ``pkg/apis/events/v1/conversion.go`` ``AddFieldLabelConversionsForEvent``
  (``regarding.*`` -> ``involvedObject.*``, ``reportingController`` ->
  ``reportingComponent``), ``pkg/apis/batch/v1/conversion.go`` (Job),
  ``pkg/apis/certificates/v1/conversion.go`` and ``v1beta1`` (CSR,
  ClusterTrustBundle), ``pkg/apis/resource/v1beta1/conversion.go`` (ResourceSlice).
  apps/v1 registers none, so ``replicasets`` only support metadata fields even
  though the registry computes ``status.replicas`` (kubernetes issue #135136).
* ``staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/conversion/converter.go``
  ``crConverter.ConvertFieldLabel`` for custom resources (selectableFields).
* The per-resource field values: ``pkg/registry/core/pod/strategy.go``
  ``ToSelectableFields``, ``pkg/registry/core/node/strategy.go``,
  ``pkg/registry/core/event/strategy.go``, ``.../namespace``, ``.../secret``,
  ``.../service``, ``.../replicationcontroller``, ``pkg/registry/batch/job``,
  ``pkg/registry/certificates/...``, ``pkg/registry/resource/resourceslice``, plus the
  v1 -> internal conversions and defaulting that feed them (pod
  ``serviceAccount`` alias, ``podIP`` from ``podIPs[0]``, Secret type ``Opaque``,
  Service type ``ClusterIP``, Namespace phase ``Active`` ...).
* OpenShift aggregated APIs: openshift/openshift-apiserver field selector key
  conversions for Build (``status``, ``podName``), Route (``spec.path``,
  ``spec.host``, ``spec.to.name``), ImageStream (``spec/status.dockerImageRepository``)
  and Project (``status.phase``); ``podName`` follows openshift/library-go
  ``pkg/build/naming`` ``GetPodName``.

Layout: ``labels`` (label selectors), ``fields`` (field selectors), ``fieldlabels`` (the
selectable fields of each resource and their values), ``common`` (errors, Go quoting,
validation messages); here the public names.
"""

from __future__ import annotations

from .common import SelectorError
from .fieldlabels import field_values, supported_fields, validate_field_selector
from .fields import FieldSelector, escape_field_value, parse_field_selector
from .labels import LabelRequirement, LabelSelector, parse_label_selector

__all__ = [
    "SelectorError",
    "LabelRequirement",
    "LabelSelector",
    "parse_label_selector",
    "FieldSelector",
    "parse_field_selector",
    "escape_field_value",
    "supported_fields",
    "validate_field_selector",
    "field_values",
]
