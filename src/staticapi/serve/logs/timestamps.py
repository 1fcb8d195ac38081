"""Log line timestamps: RFC3339(Nano) parsing, the kubelet's fixed format, the ``since`` cut-off."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from .options import LogOptions

_TS = rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})"
TS_PREFIX_RE = re.compile(rb"(" + _TS + rb") ")
TS_STRIP_RE = re.compile(rb"(?m)^" + _TS + rb" ")
TS_LINE_RE = re.compile(rb"(?m)^(" + _TS + rb") ")
# kubelet parseCRILog: "<ts> <stdout|stderr> <tag[:tag...]> <content>"
CRI_RE = re.compile(rb"(" + _TS + rb") (stdout|stderr) ([^ \n]*) ")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _ts_ns(b: bytes) -> int:
    """Nanoseconds since the epoch of an RFC3339(Nano) timestamp matched by _TS."""
    days = date(int(b[0:4]), int(b[5:7]), int(b[8:10])).toordinal() - _EPOCH_ORDINAL
    secs = days * 86400 + int(b[11:13]) * 3600 + int(b[14:16]) * 60 + int(b[17:19])
    i = 19
    frac = 0
    if b[i : i + 1] == b".":
        j = i + 1
        while j < len(b) and 48 <= b[j] <= 57:
            j += 1
        frac = int(b[i + 1 : j].ljust(9, b"0")[:9])
        i = j
    if b[i : i + 1] != b"Z":
        off = int(b[i + 1 : i + 3]) * 3600 + int(b[i + 4 : i + 6]) * 60
        secs -= off if b[i : i + 1] == b"+" else -off
    return secs * 1_000_000_000 + frac


def fixed_ts(b: bytes) -> bytes:
    """Re-format as the kubelet's RFC3339NanoFixed (9 fraction digits, Z for UTC)."""
    main = b[:19]
    i = 19
    frac = b""
    if b[i : i + 1] == b".":
        j = i + 1
        while j < len(b) and 48 <= b[j] <= 57:
            j += 1
        frac = b[i + 1 : j]
        i = j
    tz = b[i:]
    if tz in (b"+00:00", b"-00:00"):
        tz = b"Z"
    return main + b"." + frac.ljust(9, b"0")[:9] + tz


def _ns_to_fixed(ns: int) -> bytes:
    secs, frac = divmod(ns, 1_000_000_000)
    dt = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=secs)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{frac:09d}Z".encode()


def since_ns(opts: LogOptions, now: datetime) -> int | None:
    """kubelet NewLogOptions: since = now - sinceSeconds, or sinceTime if later.

    ``now`` is the must-gather collection time.  The apiserver forwards sinceTime
    to the kubelet as ``Format(time.RFC3339)`` (LogLocation), which drops the
    fraction, so the effective value is truncated to whole seconds.
    """
    since: int | None = None
    if opts.since_seconds is not None:
        n = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        since = _dt_ns(n) - opts.since_seconds * 1_000_000_000
    if opts.since_time is not None:
        st = opts.since_time if opts.since_time.tzinfo else opts.since_time.replace(tzinfo=timezone.utc)
        st_ns = _dt_ns(st.replace(microsecond=0))
        if since is None or st_ns > since:
            since = st_ns
    return since


def _dt_ns(dt: datetime) -> int:
    d = dt.astimezone(timezone.utc)
    days = d.date().toordinal() - _EPOCH_ORDINAL
    return (days * 86400 + d.hour * 3600 + d.minute * 60 + d.second) * 1_000_000_000 + d.microsecond * 1000


class SinceCheck:
    """``not ts.Before(since)`` with a byte-compare fast path for canonical UTC stamps."""

    def __init__(self, since_ns: int):
        self.since_ns = since_ns
        self.key = _ns_to_fixed(since_ns)  # 30 bytes, ends with Z

    def keep(self, ts: bytes) -> bool:
        if len(ts) == 30 and ts[-1:] == b"Z":
            return ts >= self.key
        return _ts_ns(ts) >= self.since_ns
