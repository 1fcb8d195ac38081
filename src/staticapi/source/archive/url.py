"""URL sources: download into the cache dir (resumable) and CI artifact listings (gcsweb
style HTML pages) searched for a must-gather archive."""

from __future__ import annotations

import heapq
import http.client
import io
import os
import posixpath
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

from .cache import _cache_key, _load_entry, _materialize_archive
from .common import (
    _CHUNK,
    _LISTING_TARGETS,
    HTTP_TIMEOUT,
    MAX_LISTING_BYTES,
    MAX_LISTING_REQUESTS,
    Materialized,
    Problem,
    Progress,
    SourceError,
    _Caps,
    source_name,
)
from .streams import _sniff_head

#: compressed bytes read before deciding whether a download is streamed (gzip's first tar header
#: comes out of a few hundred bytes; xz and bzip2 may need more of their first block)
_SNIFF_BYTES = 64 << 10

# --------------------------------------------------------------------------- URLs


def _open_url(url: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    req = urllib.request.Request(url, headers={"User-Agent": "staticapi", **(headers or {})})
    try:
        return urllib.request.urlopen(req, timeout=HTTP_TIMEOUT)  # noqa: S310 - http(s) only
    except urllib.error.HTTPError as e:
        raise SourceError(f"{url}: HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise SourceError(f"{url}: download failed: {reason}") from None


def _is_html(resp, head: bytes) -> bool:  # type: ignore[no-untyped-def]
    ctype = (resp.headers.get_content_type() or "").lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return True
    h = head.lstrip()[:64].lower()
    return h.startswith((b"<!doctype html", b"<html"))


def _materialize_url(source: str, cache_dir: Path, caps: _Caps, progress: Progress | None) -> Materialized:
    problems: list[Problem] = []
    url = source
    resp = _open_url(url)
    try:
        head = resp.read(512)
        if _is_html(resp, head):
            body = head + resp.read(MAX_LISTING_BYTES)
            resp.close()
            found = _search_listing(resp.geturl() or url, body)
            if not found:
                raise SourceError(
                    f"{source}: an HTML page with no {', '.join(_LISTING_TARGETS[:2])} or "
                    f"{_LISTING_TARGETS[3]} link under it"
                )
            url = found[0]
            problems.extend(Problem(u, "another archive in the listing, not used") for u in found[1:])
            resp = _open_url(url)
            head = resp.read(512)
        result = _fetch_and_unpack(url, resp, head, source, cache_dir, caps, progress)
    finally:
        resp.close()
    result.problems = problems + result.problems
    return result


def _fetch_and_unpack(url: str, resp, head: bytes, source: str, cache_dir: Path,  # type: ignore[no-untyped-def]
                      caps: _Caps, progress: Progress | None) -> Materialized:
    final_url = resp.geturl() or url
    etag = resp.headers.get("ETag") or ""
    modified = resp.headers.get("Last-Modified") or ""
    length = resp.headers.get("Content-Length") or ""
    identity = f"url:{url}:{etag}:{modified}:{length}"
    key = _cache_key(identity, caps)
    name = source_name(source)
    hit = _load_entry(cache_dir / key, source, name)
    if hit is not None:
        return hit
    downloads = cache_dir / "downloads"
    try:
        downloads.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SourceError(f"cannot create cache dir {downloads}: {e.strerror or e}") from None
    part = downloads / f"{key}.part"
    done = downloads / f"{key}.archive"
    if not done.exists() and not part.exists():
        streamed, head = _stream_and_unpack(final_url, resp, head, part, identity, source, name, cache_dir,
                                            caps, progress, total=int(length) if length.isdigit() else None)
        if streamed is not None:
            return streamed
    if not done.exists():
        _download(final_url, resp, head, part, caps.max_total_bytes, progress,
                  validator=etag or modified, total=int(length) if length.isdigit() else None)
        os.rename(part, done)
    result = _materialize_archive(done, identity, source, name, cache_dir, caps, progress)
    try:
        done.unlink()  # the unpacked tree is cached; the download is not needed again
    except OSError:
        pass
    return result


class _Interrupted(BaseException):
    """The download failed while a stream was being unpacked. A BaseException, so that no reader's
    handler takes it for a truncated archive: the half-unpacked tree is removed, the download is
    kept for resume, and the caller reports a SourceError."""


class _Tee(io.RawIOBase):
    """A response as its reader (the unpacker, or _download) reads it: each piece is also written
    to the ``.part`` file (a failed download resumes from there), counted against the size limit
    and reported as download progress; ``done`` counts what the file held already (a resume)."""

    def __init__(self, url: str, resp, head: bytes, out: IO[bytes], limit: int,  # type: ignore[no-untyped-def]
                 progress: Progress | None, total: int | None, done: int = 0) -> None:
        super().__init__()
        self._url, self._resp, self._head, self._out = url, resp, head, out
        self._limit, self._progress, self._total = limit, progress, total
        self.done = done

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        want = n if n is not None and n > 0 else _CHUNK
        if self._head:
            data, self._head = self._head[:want], self._head[want:]
        else:
            try:
                data = self._resp.read(want)
            except (OSError, urllib.error.URLError, http.client.HTTPException) as e:
                raise _Interrupted(f"{self._url}: download interrupted after {self.done} bytes: {e}") from None
            if not data and self._total is not None and self.done < self._total:
                raise _Interrupted(f"{self._url}: download ended after {self.done} of {self._total} bytes "
                                   "(kept for resume)")
        if data:
            self.done += len(data)
            if self.done > self._limit:
                raise _Interrupted(f"{self._url}: download larger than the limit of {self._limit} bytes")
            self._out.write(data)
            if self._progress is not None:
                self._progress("download", self.done, self._total)
        return data

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def _stream_and_unpack(url: str, resp, head: bytes, part: Path, identity: str,  # type: ignore[no-untyped-def]
                       source: str, name: str, cache_dir: Path, caps: _Caps, progress: Progress | None, *,
                       total: int | None) -> tuple[Materialized | None, bytes]:
    """Issue 20 "from a URL": unpack a tar download as it arrives instead of after it (a CI
    artifact of a GB is tens of seconds of download that unpacking now overlaps). (None, the bytes
    read so far) when they are not a tar stream (a zip is read from its end): the caller downloads
    first."""
    while len(head) < _SNIFF_BYTES:  # enough compressed bytes to see the first tar header
        try:
            more = resp.read(_SNIFF_BYTES - len(head))
        except (OSError, urllib.error.URLError, http.client.HTTPException):
            more = b""  # the download path reports it (and resumes)
        if not more:
            break
        head += more
    kind = _sniff_head(head)
    if kind is None:
        return None, head
    try:
        with open(part, "wb") as out:
            tee = _Tee(url, resp, head, out, caps.max_total_bytes, progress, total)
            result = _materialize_archive(part, identity, source, name, cache_dir, caps, progress,
                                          stream=tee, kind=kind, size=total)
    except _Interrupted as e:
        raise SourceError(str(e)) from None
    try:
        part.unlink()  # the unpacked tree is cached; the download is not needed again
    except OSError:
        pass
    return result, b""


def _download(url: str, resp, head: bytes, part: Path, limit: int,  # type: ignore[no-untyped-def]
              progress: Progress | None, *, validator: str, total: int | None) -> None:
    have = part.stat().st_size if part.exists() else 0
    mode = "wb"
    if have and validator:
        # Resume: If-Range makes the server send the whole file (200) if it changed.
        resp2 = _open_url(url, {"Range": f"bytes={have}-", "If-Range": validator})
        if resp2.status == 206:
            resp.close()
            resp, head, mode = resp2, b"", "ab"
        else:
            resp2.close()
            have = 0
    else:
        have = 0
    with open(part, mode) as out:
        tee = _Tee(url, resp, head, out, limit, progress, total, done=have)
        try:
            while tee.read(_CHUNK):
                pass
        except _Interrupted as e:
            raise SourceError(str(e)) from None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for k, v in attrs:
                if k == "href" and v:
                    self.hrefs.append(v)


def _links(body: bytes) -> list[str]:
    p = _Links()
    try:
        p.feed(body.decode("utf-8", "replace"))
        p.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient; never fail on a bad page
        pass
    return p.hrefs


def _mirrors(file_path: str, page_path: str) -> bool:
    """A file link on another host that names the listed directory (gcsweb style).

    gcsweb (kubernetes/test-infra gcsweb/cmd/gcsweb/gcsweb.go, ``Record.Render``) links
    directories as ``/gcs/<bucket>/<path>/`` on its own host but files as
    ``https://storage.googleapis.com/<bucket>/<path>/<name>``: accept such a file when its
    directory (at least bucket and one more segment) ends the listing page's path.
    """
    dir_segs = [s for s in posixpath.dirname(file_path).split("/") if s]
    page_segs = [s for s in page_path.split("/") if s]
    return len(dir_segs) >= 2 and page_segs[-len(dir_segs):] == dir_segs


def _search_listing(start_url: str, body: bytes) -> list[str]:
    """Breadth-first search of an artifacts listing for must-gather / hypershift-dump tars.

    Pages are loaded from the same host only, only below the start URL, at most
    MAX_LISTING_REQUESTS of them; directories whose name mentions gather or dump are
    visited first.  The archive link itself may point to a storage host (see _mirrors).
    """
    start = urllib.parse.urlsplit(start_url)
    prefix = start.path if start.path.endswith("/") else posixpath.dirname(start.path) + "/"
    seen = {start_url}
    heap: list[tuple[int, int, int, str]] = []
    order = 0
    requests = 0
    page: tuple[str, bytes] | None = (start_url, body)
    depth = 0
    while page is not None:
        url, html = page
        found: list[str] = []
        for href in _links(html):
            absu = urllib.parse.urljoin(url, href)
            absu = urllib.parse.urldefrag(absu)[0]
            u = urllib.parse.urlsplit(absu)
            if u.scheme not in ("http", "https") or absu in seen:
                continue
            seen.add(absu)
            base = posixpath.basename(u.path)
            if base in _LISTING_TARGETS:
                same = u.netloc == start.netloc and u.path.startswith(prefix)
                if same or _mirrors(u.path, urllib.parse.urlsplit(url).path):
                    found.append(absu)
                continue
            if u.netloc != start.netloc or not u.path.startswith(prefix):
                continue
            if u.path.endswith("/"):
                low = u.path[len(prefix):].lower()
                preferred = 0 if ("gather" in low or "dump" in low) else 1
                order += 1
                heapq.heappush(heap, (preferred, depth + 1, order, absu))
        if found:
            found.sort(key=lambda s: (posixpath.basename(urllib.parse.urlsplit(s).path) not in
                                      ("must-gather.tar", "must-gather.tar.gz"), s))
            return found
        page = None
        while heap and requests < MAX_LISTING_REQUESTS:
            _, depth, _, nxt = heapq.heappop(heap)
            requests += 1
            try:
                r = _open_url(nxt)
            except SourceError:
                continue
            try:
                head = r.read(512)
                if not _is_html(r, head):
                    continue
                page = (r.geturl() or nxt, head + r.read(MAX_LISTING_BYTES))
            except OSError:
                continue
            finally:
                r.close()
            break
    return []
