"""Times in log lines: RFC3339 prefixes, klog headers, journal lines, ``time="..."`` fields.

Why this module exists: a search hit, an error signature and the search chart need the time a log
line carries, for 100k+ lines a query; this parses the forms seen in must-gathers (see
:func:`line_time`) with year-less forms given the collection's year, and memoises the common
RFC3339 prefix (:func:`fast_time`).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_RFC3339_RE = re.compile(rb"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?")
_KLOG_RE = re.compile(rb"[IWEF](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?")
_JOURNAL_RE = re.compile(rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(\.\d+)? (\S+) ")
_MONTHS = {m: i + 1 for i, m in enumerate(b"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
_EPOCH_DAYS: dict[tuple[int, int, int], int] = {}


def _epoch(y: int, mo: int, d: int, h: int, mi: int, s: int) -> float | None:
    key = (y, mo, d)
    days = _EPOCH_DAYS.get(key)
    if days is None:
        try:
            days = _EPOCH_DAYS[key] = (datetime(y, mo, d).toordinal() - 719163)
        except ValueError:
            return None
    return days * 86400 + h * 3600 + mi * 60 + s


def line_time(line: bytes, year: int, latest: float | None = None) -> tuple[float | None, str]:
    """The time a log line carries and the journal host it names (``""`` if none).

    Forms, tried at the line's start: RFC3339 (``oc logs --timestamps``, CRI files, most JSON
    logs), klog's ``I1207 10:42:01.123456`` (the year is the collection's), the journal's
    ``Dec 07 10:42:01.123456 host unit[pid]:`` (``oc adm node-logs``); then an RFC3339 time in the
    first 200 bytes (``time="..."``, ``"ts":"..."``)."""
    m = _RFC3339_RE.match(line)
    host = ""
    if m is None:
        # klog and the journal print no year: the collection's, or the one before for a time
        # after ``latest`` (a December log collected in January)
        k = _KLOG_RE.match(line)
        if k is not None:
            parts = (int(k[1]), int(k[2]), int(k[3]), int(k[4]), int(k[5]))
            t = _epoch(year, *parts)
            if t is not None and latest is not None and t > latest:
                t = _epoch(year - 1, *parts)
            return (t + float(k[6]) if t is not None and k[6] else t), ""
        j = _JOURNAL_RE.match(line)
        if j is not None:
            parts = (_MONTHS[j[1]], int(j[2]), int(j[3]), int(j[4]), int(j[5]))
            t = _epoch(year, *parts)
            if t is not None and latest is not None and t > latest:
                t = _epoch(year - 1, *parts)
            host = j[7].decode("utf-8", "replace")
            return (t + float(j[6]) if t is not None and j[6] else t), host
        m = _RFC3339_RE.search(line, 0, 200)
        if m is None:
            return None, ""
    t = _epoch(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))
    if t is None:
        return None, ""
    if m[7]:
        t += float(m[7][:10])
    z = m[8]
    if z and z != b"Z":
        sign = 1 if z[:1] == b"+" else -1
        zz = z[1:].replace(b":", b"")
        t -= sign * (int(zz[:2]) * 3600 + int(zz[2:4]) * 60)
    return t, host


_FAST: dict[bytes, float | None] = {}


def fast_time(line: bytes, year: int, latest: float | None = None) -> tuple[float | None, str]:
    """:func:`line_time` to the second, memoised on the line's ``YYYY-MM-DDTHH:MM:SS`` and zone
    (for counting hits: no fraction, one dict lookup for the common RFC3339 prefix)."""
    if len(line) > 20 and line[4] == 45 and line[13] == 58 and line[10] in (84, 32):
        sp = line.find(b" ", 19, 64)
        tok = line[:sp] if sp > 0 else line[:19]
        zone = tok[-6:] if len(tok) >= 25 and tok[-6] in (43, 45) else (b"Z" if tok.endswith(b"Z") else b"")
        key = tok[:19] + zone
        t = _FAST.get(key, -1.0)
        if t == -1.0:
            if len(_FAST) > 200_000:
                _FAST.clear()
            t = _FAST[key] = line_time(key, year)[0]
        return t, ""
    return line_time(line, year, latest)


def iso(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
