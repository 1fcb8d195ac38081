"""Table rows keep their PartialObjectMetadata compressed like the object (serve/tables.TableConverter.row,
source/codec.compress_as; issue 20 "RSS": 5 KB per real pod, cached for every pod by one `kubectl get
pods -A`), and every Table served is byte for byte what it is from plain objects."""

from __future__ import annotations

from pathlib import Path

import zstandard

from staticapi import server
from staticapi.insight.context import open_sources
from staticapi.source import codec
from staticapi.store.store import compact

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "must-gather"
TABLE = "application/json;as=Table;v={v};g=meta.k8s.io,application/json"
PATHS = ["/api/v1/pods", "/api/v1/pods?limit=4", "/api/v1/nodes", "/api/v1/events", "/api/v1/namespaces",
         "/apis/apps/v1/deployments", "/api/v1/namespaces/openshift-etcd/pods"]


async def _bodies(client, name: str) -> dict:
    out = {}
    for path in PATHS:
        for v in ("v1", "v1beta1"):
            for include in ("", "&includeObject=None", "&includeObject=Object", "&includeObject=Metadata"):
                sep = "&" if "?" in path else "?"
                r = await client.get(f"/clusters/{name}{path}{sep}x=1{include}",
                                     headers={"Accept": TABLE.format(v=v)})
                out[(path, v, include)] = (r.status, await r.read())
    return out


async def test_compressed_rows_serve_the_same_tables(aiohttp_client, tmp_path):
    (plain,) = await open_sources([str(FIXTURE)], tmp_path / "a", index_cache=False)
    (packed,) = await open_sources([str(FIXTURE)], tmp_path / "b", index_cache=False)
    store = packed.cluster.store
    # the fixture is small: compressed as a large archive is (a dictionary trained on its objects)
    store.zdict = codec.train([e._raw for t in store.tables.values() for e in t.sorted()], minimum=1)
    assert compact(store) > 0 and store.zdict is not None
    pods = store.tables[("", "pods")].sorted()
    assert all(codec.is_compressed(e._raw) for e in pods)

    a = await _bodies(await aiohttp_client(server.create_app([plain.cluster])), plain.name)
    b = await _bodies(await aiohttp_client(server.create_app([packed.cluster])), packed.name)
    assert a == b
    assert all(status == 200 for status, _ in a.values())
    assert sum(b'"PartialObjectMetadata"' in body for _, body in a.values()) >= len(PATHS) * 2

    # what stays cached for a pod: its metadata as a frame with the archive's dictionary, smaller
    key = "row:/pods/v1"
    for e in pods:
        cells, meta = e.cache[key]
        assert codec.is_compressed(meta)
        assert zstandard.get_frame_parameters(meta).dict_id == store.zdict.dict_id()
        assert len(meta) < len(codec.plain(meta))
        assert codec.plain(meta).startswith(b'{"kind":"PartialObjectMetadata"')


def test_compress_as_keeps_plain_what_it_cannot_shrink():
    raws = [b'{"kind":"Pod","metadata":{"name":"p%d","labels":{"app":"x"}}}' % i for i in range(50)]
    d = codec.train(raws, minimum=1)
    assert d is not None
    stored = codec.compress_many(raws, d)[0]
    assert codec.is_compressed(stored)
    value = b'{"kind":"PartialObjectMetadata","metadata":{"name":"p1","labels":{"app":"x"}}}' * 4
    z = codec.compress_as(stored, value)
    assert codec.is_compressed(z) and codec.plain(z) == value and len(z) < len(value)
    assert codec.compress_as(raws[0], value) is value  # the object is plain: so is the value
    assert codec.compress_as(stored, b"{}") == b"{}"  # no smaller as a frame
