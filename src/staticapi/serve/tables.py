"""`meta.k8s.io/v1 Table` responses: what `kubectl get` prints.

Which columns a kind gets, as kube-apiserver decides
(`staging/src/k8s.io/apiserver/pkg/registry/rest/table.go` and the
registries' TableConvertor):
* built-in and OpenShift aggregated kinds: their printer (kube/printers/);
* custom resources: the CRD's additionalPrinterColumns, or Name + Age when it
  has none (crdprinter.py);
* anything else: the default table, Name + Created At.

Rows carry `object` as PartialObjectMetadata (default), the full object
(`includeObject=Object`, used by `--sort-by`) or nothing (`None`)
(`handlers/response.go` transformObject). Cells of an object are computed once
and cached on its store entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from datetime import datetime
from typing import Any

import orjson

from ..kube import crdprinter
from ..kube.registry import Resource
from ..kube.status import bad_request
from ..source import codec
from ..store.store import Entry
from .activity import OneThread

INCLUDE_VALUES = ("Metadata", "Object", "None")

_DEFAULT_COLUMNS = [
    {"name": "Name", "type": "string", "format": "name", "priority": 0,
     "description": "Name must be unique within a namespace. Is required when creating resources, although "
     "some resources may allow a client to request the generation of an appropriate name automatically. Name is "
     "primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: "
     "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"},
    {"name": "Created At", "type": "date", "format": "", "priority": 0,
     "description": "CreationTimestamp is a timestamp representing the server time when this object was created. "
     "It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this "
     "value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for "
     "lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"},
]


def check_include(value: str | None) -> str:
    v = value or "Metadata"
    if v not in INCLUDE_VALUES:
        # apiserver endpoints/handlers/response.go optionsForTransform ->
        # meta/v1beta1/validation.ValidateTableOptions (field.NotSupported-style text)
        raise bad_request(
            f'Unable to convert to Table as requested: includeObject: Invalid value: "{value}": '
            "must be 'Metadata', 'Object', 'None', or empty")
    return v


class TableConverter:
    """Columns and cells for one resource (one version of it)."""

    def __init__(self, resource: Resource, version: str):
        self.resource = resource
        self.kind = resource.kind
        self.group = resource.group
        cols = None
        self._cells: Callable[[dict, datetime], list]
        if resource.printer_columns is not None:
            pcs = resource.columns_for_version(version)
            cols = crdprinter.crd_columns(pcs)
            self._cells = lambda obj, now, _p=pcs: crdprinter.crd_row_cells(_p, obj, now)
        else:
            from ..kube import printers  # the built-in printers: imported on the first Table

            cols = printers.columns_for(resource.group, resource.kind)
            if cols is not None:
                self._cells = lambda obj, now: printers.row_cells(resource.group, resource.kind, obj, now)
        if cols is None:
            cols = _DEFAULT_COLUMNS
            self._cells = _default_cells
        self.columns = cols
        self.cache_key = f"row:{resource.group}/{resource.plural}/{version}"

    def row(self, e: Entry, now: datetime) -> tuple[bytes, bytes]:
        """(cells JSON, PartialObjectMetadata JSON as stored: codec.plain gives the JSON), cached on the
        entry. The metadata is kept compressed like the object (codec.compress_as): with managedFields it
        is 5 KB per real pod, and one `kubectl get pods -A` kept it for every pod (issue 20 "RSS": +53 MB
        on the generated benchmark tree); a row sent costs a 5 us decompression for it."""

        def compute() -> tuple[bytes, bytes]:
            obj = e.obj()
            try:
                cells = self._cells(obj, now)
            except Exception:  # a printer must never fail a whole list
                cells = [e.name] + [None] * (len(self.columns) - 1)
            meta = {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": obj.get("metadata") or {},
            }
            return (orjson.dumps(cells, option=orjson.OPT_NON_STR_KEYS),
                    codec.compress_as(e._raw, orjson.dumps(meta, option=orjson.OPT_NON_STR_KEYS)))

        return e.cached(self.cache_key, compute)

    def header(self, rv: int, cont: str = "", remaining: int | None = None) -> dict:
        meta: dict[str, Any] = {"resourceVersion": str(rv)}
        if cont:
            meta["continue"] = cont
        if remaining:
            meta["remainingItemCount"] = remaining
        return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
                "columnDefinitions": self.columns}

    def row_bytes(self, e: Entry, now: datetime, include: str, raw_of=None, v1beta1: bool = False) -> bytes:
        cells, meta = self.row(e, now)
        if include == "None":
            return b'{"cells":' + cells + b"}"
        if include != "Object":
            meta = codec.plain(meta)
        if v1beta1 and include != "Object":  # (meta is the plain JSON here)
            # the row object is in the requested Table version (response.go asTable)
            meta = meta.replace(b'"apiVersion":"meta.k8s.io/v1"', b'"apiVersion":"meta.k8s.io/v1beta1"', 1)
        obj = (raw_of(e) if raw_of else e.raw) if include == "Object" else meta
        return b'{"cells":' + cells + b',"object":' + obj + b"}"

    def table_parts(self, entries: Iterable[Entry], now: datetime, include: str, rv: int,
                    cont: str = "", remaining: int | None = None, api_version: str = "meta.k8s.io/v1",
                    raw_of=None) -> tuple[bytes, Iterator[bytes]]:
        """(the Table's JSON without rows, its rows one by one): liststream.send streams them."""
        head = self.header(rv, cont, remaining)
        head["apiVersion"] = api_version
        beta = api_version.endswith("v1beta1")
        return orjson.dumps(head), (self.row_bytes(e, now, include, raw_of, beta) for e in entries)

    def table(self, entries: Iterable[Entry], now: datetime, include: str, rv: int,
              cont: str = "", remaining: int | None = None, api_version: str = "meta.k8s.io/v1",
              raw_of=None) -> bytes:
        h, rows = self.table_parts(entries, now, include, rv, cont, remaining, api_version, raw_of)
        return h[:-1] + b',"rows":[' + b",".join(rows) + b"]}"


# Issue 20 "ready means ready": the rows of a kind are computed on first use (each object decoded and
# printed: 150 us for a real pod with its managedFields), and a paging client (kubectl lists 500 rows
# a page) waited for them page after page: the first `kubectl get pods -A` after a start took 1.3x the
# same once the rows were cached. Once a page is sent, the next page's rows are computed while the
# client reads this one, on one thread of its own; a request that gets there first computes what is
# still missing itself (Entry.cached: the same value either way).
_ROWS = OneThread("staticapi-rows")


def read_ahead(conv: TableConverter, entries: list[Entry], now: datetime) -> Future | None:
    """Compute the rows of ENTRIES (the next page) in the background; None when all are cached."""
    todo = [e for e in entries if not (e.cache and conv.cache_key in e.cache)]
    if not todo:
        return None
    def run() -> None:
        for e in todo:
            conv.row(e, now)

    return _ROWS.pool().submit(run)


def _default_cells(obj: dict, now: datetime) -> list:
    meta = obj.get("metadata") or {}
    return [meta.get("name", ""), meta.get("creationTimestamp")]
