"""`staticapi serve [SOURCE ...]`: argument parsing and process lifecycle.

Order of events: resolve every SOURCE to a local directory (unpacking or
downloading archives into the cache dir), bind the port, write the
kubeconfig and print how to use it, then index every must-gather in the
background. `/livez` answers at once; `/readyz` once everything is indexed.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import os
import signal
import sys
from pathlib import Path

from aiohttp import web

from . import __version__
from .serve import kubeconfig
from .serve.cluster import Cluster, resolve_sources
from .server import ServerOptions, create_app

log = logging.getLogger("staticapi")


def bundled_fixture() -> Path:
    """The demo must-gather served with no SOURCE: package data in an installed package (setup.py
    copies fixtures/must-gather into the wheel), the repo's fixtures/ in an editable install."""
    env = os.environ.get("STATICAPI_FIXTURE")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "demo" / "must-gather"
    if packaged.is_dir():
        return packaged
    return here.parents[1] / "fixtures" / "must-gather"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="staticapi", description="Serve a must-gather as a read-only Kubernetes API.")
    p.add_argument("--version", action="version", version=f"staticapi {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve one or more must-gathers (directories, archives or URLs)")
    s.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="must-gather directory, archive (.tar[.gz|.xz|.zst], .zip) or http(s) URL; "
                        "default: the bundled fixture must-gather (env STATICAPI_SOURCE also works)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8080, help="port (0 picks a free one; default 8080)")
    s.add_argument("--kubeconfig", type=Path, help="where to write the kubeconfig (default: in the cache dir)")
    _cache_dir_option(s)
    s.add_argument("--token", default=os.environ.get("STATICAPI_TOKEN") or None,
                   help="require this bearer token (required when binding beyond localhost; env STATICAPI_TOKEN)")
    s.add_argument("--insecure-no-auth", action="store_true",
                   default=os.environ.get("STATICAPI_INSECURE_NO_AUTH", "") in ("1", "true", "yes"),
                   help="allow binding beyond localhost without a token (anyone who reaches the port can read)")
    s.add_argument("--tls", action="store_true", help="serve HTTPS with a generated CA and certificate "
                   "(the kubeconfig carries the CA)")
    s.add_argument("--no-tls", action="store_true",
                   help="with --token, serve plain HTTP anyway (kubectl then sends no token: it only sends "
                        "credentials over HTTPS)")
    s.add_argument("--cert", type=Path, help="serve HTTPS with this certificate (PEM; implies --tls)")
    s.add_argument("--key", type=Path, help="private key for --cert (PEM)")
    s.add_argument("--hide-secret-data", action="store_true",
                   help="serve Secrets without their data/stringData (must-gathers already redact values)")
    s.add_argument("--intervals", action="append", default=[], type=Path, metavar="FILE",
                   help="an origin interval file (e2e-events*.json ...) to add to the first must-gather's timeline")
    s.add_argument("--no-index-cache", action="store_true",
                   help="neither read nor write the index cache (always parse every file)")
    s.add_argument("--no-reload", action="store_true",
                   help="do not follow file changes in served directories (live reload is on by default)")
    s.add_argument("--wall-clock", action="store_true",
                   help="measure ages from the wall clock instead of the must-gather's collection time")
    s.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    s.add_argument("-v", "--verbose", action="store_true",
                   help="log at debug level: each skipped file with its reason, each indexing phase")
    _triage_parser(sub)
    _diff_parser(sub)
    search_parser(sub)
    return p


def _triage_parser(sub) -> None:
    t = sub.add_parser("triage", help="print the ranked findings (what is broken) of must-gathers, no server")
    t.add_argument("sources", nargs="+", metavar="SOURCE", help="must-gather directory, archive or URL")
    t.add_argument("-o", "--output", choices=["text", "json"], default="text",
                   help="text (readable in a CI log; default) or json (a TriageReport, as /staticapi/v1/triage)")
    t.add_argument("--severity", choices=["critical", "error", "warning", "info"], default="info",
                   help="show findings at least this severe (default: all)")
    _cache_dir_option(t)
    t.add_argument("--no-index-cache", action="store_true", help="neither read nor write the index cache")
    t.add_argument("--log-level", default="error", choices=["debug", "info", "warning", "error"],
                   help="loader messages on stderr (default error: skipped files are a finding already)")


async def triage_cmd(args: argparse.Namespace) -> int:
    """`staticapi triage SOURCE...`: exit 0 with the findings, 2 when a SOURCE cannot be read."""
    import orjson

    from .insight import triage

    cis = await _open(args.sources, args, index_cache=not args.no_index_cache)
    if cis is None:
        return 2
    reports = []
    for ci in cis:
        found = await asyncio.to_thread(ci.derive_sync, triage.DERIVE_KEY, triage.compute)
        rep = triage.report(ci, found)
        rep["findings"] = [f for f in rep["findings"] if triage.at_least(f["severity"], args.severity)]
        reports.append(rep)
    if args.output == "json":
        body = reports[0] if len(reports) == 1 else {"kind": "TriageReportList", "apiVersion": "staticapi/v1",
                                                     "items": reports}
        sys.stdout.buffer.write(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        sys.stdout.write("\n".join(triage.format_text(rep) for rep in reports))
    sys.stdout.flush()
    return 0


def _diff_parser(sub) -> None:
    d = sub.add_parser("diff", help="compare two must-gathers: what changed from BASE to HEAD")
    d.add_argument("base", metavar="BASE", help="the must-gather to compare from (directory, archive or URL)")
    d.add_argument("head", metavar="HEAD", help="the must-gather to compare to")
    d.add_argument("-o", "--output", default="text", choices=["text", "json"])
    d.add_argument("-n", "--namespace", help="only objects, events and logs of this namespace")
    d.add_argument("--kind", help="only objects of this kind (kind, resource or short name)")
    d.add_argument("--show-noise", action="store_true",
                   help="also show differences that are noise (uids, resourceVersions, timestamps, IPs ...)")
    _cache_dir_option(d)
    d.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])


async def diff(args: argparse.Namespace) -> int:
    """`staticapi diff BASE HEAD`: both loaded without a server, the report on stdout."""
    import orjson

    from .insight.diff import compare
    from .insight.diff_text import to_text

    pair = await _open([args.base, args.head], args)
    if pair is None:
        return 2
    base, head = pair
    rep = await asyncio.to_thread(compare, base, head, namespace=args.namespace, kind=args.kind,
                                  show_noise=args.show_noise)
    if args.output == "json":
        sys.stdout.buffer.write(orjson.dumps(rep, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        sys.stdout.write(to_text(rep))
    sys.stdout.flush()
    return 0


def search_parser(sub) -> None:
    s = sub.add_parser("search", help="search a must-gather's logs and events like grep (no server)")
    s.add_argument("source", metavar="SOURCE", help="must-gather directory, archive or URL")
    s.add_argument("pattern", metavar="REGEX", help="RE2 regular expression (line-based, like rg)")
    s.add_argument("-i", "--ignore-case", action="store_true")
    s.add_argument("-C", "--context", type=int, default=0, metavar="N", help="lines of context around each hit")
    s.add_argument("--in", dest="sources", default=None, metavar="SOURCES",
                   help="logs,nodes,events,gathered,audit,objects (default logs,nodes,events,gathered; "
                        "audit logs and objects are opt-in)")
    s.add_argument("-n", "--namespace")
    s.add_argument("--pod")
    s.add_argument("-c", "--container")
    s.add_argument("--kind")
    s.add_argument("--since", metavar="T", help="RFC3339 time: hits at or after it")
    s.add_argument("--until", metavar="T", help="RFC3339 time: hits at or before it")
    s.add_argument("-o", "--output", choices=["text", "json"], default="text",
                   help="json: the API's JSON lines (hits, then a summary)")
    s.add_argument("--limit", type=int, default=100_000, help="at most N hits printed (default 100000)")
    _cache_dir_option(s)
    s.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])


async def search(args: argparse.Namespace) -> int:
    """grep-like: ``label:line:text`` per hit, exit 0 when found, 1 when not, 2 on an error."""
    import orjson

    from .insight.corpus import corpus_of
    from .insight.search import QueryError, query_from_params
    from .insight.search import search as run

    params = {"q": args.pattern, "ignoreCase": "1" if args.ignore_case else "", "in": args.sources or "",
              "namespace": args.namespace or "", "pod": args.pod or "", "container": args.container or "",
              "kind": args.kind or "", "from": args.since or "", "to": args.until or "",
              "limit": str(args.limit), "context": str(args.context)}
    try:
        q = query_from_params(params)
    except QueryError as e:
        print(f"staticapi search: {e}", file=sys.stderr)
        return 2
    cis = await _open([args.source], args, prog="staticapi search")
    if cis is None:
        return 2
    [ci] = cis
    corpus = await asyncio.to_thread(corpus_of, ci)
    out = sys.stdout.buffer
    summary: dict = {}

    def emit() -> None:
        for h in run(corpus, q):
            if h["type"] == "summary":
                summary.update(h)
                if args.output == "json":
                    out.write(orjson.dumps(h) + b"\n")
                break
            if args.output == "json":
                out.write(orjson.dumps(h) + b"\n")
                continue
            where = h.get("path") or h["label"]
            ln = h.get("line", "")
            for k, b in enumerate(h.get("before", [])):
                out.write(f"{where}-{ln - len(h['before']) + k}-{b}\n".encode())
            out.write(f"{where}:{ln}:{h['text']}\n".encode())
            for k, a in enumerate(h.get("after", [])):
                out.write(f"{where}-{ln + 1 + k}-{a}\n".encode())
            if args.context:
                out.write(b"--\n")

    try:
        await asyncio.to_thread(emit)
        out.flush()
    except BrokenPipeError:  # | head
        return 0
    if summary.get("truncated"):
        print(f"staticapi search: {summary['hits']} hits, {summary['returned']} shown (--limit)", file=sys.stderr)
    return 0 if summary.get("hits") else 1


def _cache_dir_option(p: argparse.ArgumentParser) -> None:
    """--cache-dir, the same for every verb that reads a SOURCE."""
    env = os.environ.get("STATICAPI_CACHE_DIR")
    p.add_argument("--cache-dir", type=Path, default=Path(env) if env else None,
                   help="where archives are unpacked and indexes cached (env STATICAPI_CACHE_DIR)")


async def _open(sources: list[str], args: argparse.Namespace, prog: str = "staticapi", **kw):
    """The ClusterInsights of SOURCEs without a server (`triage`, `diff`, `search`), or None after
    printing why one could not be read (the verbs then exit 2)."""
    from .insight.context import open_sources
    from .source import archive

    try:
        return await open_sources(sources, args.cache_dir, **kw)
    except (archive.SourceError, RuntimeError) as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _download_progress(what: str, done: int, total: int | None) -> None:
    if sys.stderr.isatty():
        t = f"/{total / 1e6:.0f}" if total else ""
        print(f"\r{what}: {done / 1e6:.0f}{t} MB", end="", file=sys.stderr, flush=True)


async def serve(args: argparse.Namespace) -> int:
    from .source import archive

    sources = args.sources or ([os.environ["STATICAPI_SOURCE"]] if os.environ.get("STATICAPI_SOURCE") else [])
    if not sources:
        sources = [str(bundled_fixture())]
    if not _is_loopback(args.host) and not args.token and not args.insecure_no_auth:
        print(f"staticapi: binding {args.host} needs --token (or --insecure-no-auth)", file=sys.stderr)
        return 2
    if not _is_loopback(args.host) and args.insecure_no_auth and not args.token:
        log.warning("SERVING WITHOUT AUTHENTICATION on %s: anyone who reaches this port can read the archive",
                    args.host)
    try:
        resolved = await asyncio.to_thread(resolve_sources, sources, args.cache_dir, _download_progress)
    except archive.SourceError as e:
        print(f"staticapi: {e}", file=sys.stderr)
        return 2
    if bool(args.cert) != bool(args.key):
        print("staticapi: --cert and --key go together", file=sys.stderr)
        return 2
    clusters = [
        Cluster(name=n, directory=d, source=s, extra_problems=list(p), wall_clock=args.wall_clock,
                hide_secret_data=args.hide_secret_data,
                live_reload=not args.no_reload and not from_archive,
                cache_dir=None if args.no_index_cache else (args.cache_dir or archive.default_cache_dir()))
        for n, d, s, p, from_archive in resolved
    ]
    options = ServerOptions(token=args.token, interval_files=list(args.intervals))
    app = create_app(clusters, options)
    cache = args.cache_dir or archive.default_cache_dir()
    tls = None
    if args.cert or args.tls or args.token:
        from .serve import tlsutil  # cryptography: imported only when TLS may be served
    if args.cert:
        tls = tlsutil.user_material(args.cert, args.key)
    elif args.tls or (args.token and not args.no_tls):
        # kubectl applies a kubeconfig's credentials only over TLS (clientcmd
        # client_config.go: IsConfigTransportTLS), so a token implies HTTPS.
        tls = tlsutil.generate(cache / "tls" / f"{os.getpid()}", [args.host])
    if tls:
        options.extra["ca_pem"] = tls.ca_pem  # the kubeconfig download page carries it
    runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port, reuse_address=True,
                       ssl_context=tlsutil.ssl_context(tls) if tls else None)
    try:
        await site.start()
    except OSError as e:
        print(f"staticapi: cannot listen on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr)
        await runner.cleanup()
        return 2
    sock = site._server.sockets[0]  # type: ignore[union-attr]
    port = sock.getsockname()[1]
    host = args.host if args.host not in ("0.0.0.0", "::") else "127.0.0.1"
    url_host = f"[{host}]" if ":" in host else host
    base = f"{'https' if tls else 'http'}://{url_host}:{port}"
    kc_path = args.kubeconfig or (args.cache_dir or archive.default_cache_dir()) / "kubeconfigs" / f"staticapi-{port}.yaml"
    token = args.token or "staticapi-read-only"
    contexts = [(c.name, f"{base}/clusters/{c.name}") for c in clusters]
    kubeconfig.write(kc_path, kubeconfig.build(contexts, token=token, ca_pem=tls.ca_pem if tls else None))
    kc_path = Path(kc_path).resolve()
    print(f"staticapi {__version__} serving {len(clusters)} must-gather(s) at {base}", flush=True)
    for c in clusters:
        print(f"  context {c.name}: {base}/clusters/{c.name}  <- {c.source}", flush=True)
    print(f"kubeconfig: {kc_path}", flush=True)
    print(f"export KUBECONFIG={kc_path}", flush=True)
    print(f"pages: {base}/ (overview, findings, objects, logs, events)", flush=True)
    print(f"timeline: {base}/ui/intervals", flush=True)
    print("try: kubectl get pods -A", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover (Windows)
            pass
    loaders = [asyncio.create_task(c.load()) for c in clusters]

    async def announce():
        await asyncio.gather(*loaders)
        for c in clusters:
            if c.store is not None:
                print(ready_line(c, base), flush=True)
            else:
                print(f"failed: {c.name}: {c.error}", flush=True)

    ann = asyncio.create_task(announce())

    async def trim_memory():
        # Large list responses are built and freed; glibc keeps the freed heap
        # unless asked, which reads as RSS growth under load.
        from .serve.cluster import malloc_trim, malloc_tune

        malloc_tune()

        while True:
            await asyncio.sleep(5)
            malloc_trim()

    trimmer = asyncio.create_task(trim_memory())
    await stop.wait()
    log.info("shutting down")
    from .serve.cluster import stop_indexing

    stop_indexing()  # a first index still running ends now, not when done (asyncio.run waits for it)
    ann.cancel()
    trimmer.cancel()
    for t in loaders:
        t.cancel()
    for c in clusters:
        c.hub.close()
        if c.reload_task:
            c.reload_task.cancel()
    await runner.shutdown()
    await runner.cleanup()
    return 0


def ready_line(c: Cluster, base: str) -> str:
    """One line per must-gather once indexed, at every start (a warm start from the store image
    too): the skipped files are counted with where to read them, not logged one by one (-v does)."""
    line = f"ready: {c.name}: {c.store.count()} objects"
    skipped = len(c.store.problems) + len(c.extra_problems)
    if not skipped:
        return line + ", 0 skipped files"
    return (f"{line}, {skipped} skipped file{'s' if skipped != 1 else ''} (not served; reasons: "
            f"{base}/clusters/{c.name}/staticapi/v1/skipped, or run with -v)")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    level = "DEBUG" if getattr(args, "verbose", False) else args.log_level.upper()
    logging.basicConfig(level=getattr(logging, level), format="%(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        try:
            return asyncio.run(serve(args))
        except KeyboardInterrupt:
            return 0
    if args.command == "triage":
        return asyncio.run(triage_cmd(args))
    if args.command == "diff":
        return asyncio.run(diff(args))
    if args.command == "search":
        try:
            return asyncio.run(search(args))
        except KeyboardInterrupt:
            return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
