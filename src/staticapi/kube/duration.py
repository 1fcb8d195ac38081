"""Human-readable ages and timestamp parsing, exactly as the Kubernetes API server prints them.

Why this module exists: every ``AGE`` / ``LAST SEEN`` / ``RESTARTS (5m ago)`` cell that a real
kube-apiserver puts into a Table response is produced by apimachinery's
``k8s.io/apimachinery/pkg/util/duration`` (``HumanDuration``, ``ShortHumanDuration``) applied to
``time.Since(timestamp)`` (``translateTimestampSince`` in
``kubernetes/pkg/printers/internalversion/printers.go``).  A must-gather browser must print the
same strings, but measured from the must-gather's collection time instead of the wall clock, so
the functions here take an explicit ``now``.

OpenShift's aggregated printers (``openshift-apiserver pkg/{build,image}/printers``) use a second,
different formatter, ``github.com/docker/go-units.HumanDuration`` ("About an hour"), and the
build printer prints ``time.Duration.String()`` ("1m30s"); both are here too.

Go semantics that matter and are reproduced on purpose:

* durations are integer nanoseconds and ``int(d / time.Minute)`` truncates toward zero;
* ``int(d.Seconds())`` truncates toward zero, so ``-1.9s`` counts as ``-1`` and prints ``0s``
  (the "allow 2 seconds of clock skew" rule), while ``-2s`` prints ``<invalid>``.

Pure functions; no I/O.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

__all__ = [
    "human_duration",
    "short_human_duration",
    "parse_time",
    "translate_timestamp_since",
    "human_duration_ns",
    "docker_human_duration",
    "go_duration_string",
    "since_ns",
]

_NS = 1_000_000_000
_MIN = 60 * _NS
_HOUR = 60 * _MIN


def _go_trunc_div(a: int, b: int) -> int:
    """Go integer division (truncates toward zero), for b > 0."""
    q = abs(a) // b
    return q if a >= 0 else -q


def _to_ns(seconds: float) -> int:
    return int(round(seconds * _NS))


def human_duration_ns(d: int) -> str:
    """apimachinery ``duration.HumanDuration`` on a Go ``time.Duration`` (int nanoseconds).

    Source: k8s.io/apimachinery/pkg/util/duration/duration.go ``HumanDuration``:
    ``<invalid>`` below -1s, ``0s``..``119s``, ``2m5s``..``9m59s``, ``10m``..``179m``,
    ``3h``..``7h59m``, ``8h``..``47h``, ``2d``..``7d23h``, ``8d``..``729d``, ``2y``..``7y364d``,
    then whole years.
    """
    seconds = _go_trunc_div(d, _NS)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = d // _MIN
    if minutes < 10:
        s = (d // _NS) % 60
        if s == 0:
            return f"{minutes}m"
        return f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = d // _HOUR
    if hours < 8:
        m = minutes % 60
        if m == 0:
            return f"{hours}h"
        return f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        if h == 0:
            return f"{hours // 24}d"
        return f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        if dy == 0:
            return f"{hours // 24 // 365}y"
        return f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def human_duration(seconds: float) -> str:
    """``HumanDuration`` for a duration given in (possibly fractional) seconds."""
    return human_duration_ns(_to_ns(seconds))


def short_human_duration(seconds: float) -> str:
    """apimachinery ``duration.ShortHumanDuration``: ``Ns``, ``Nm``, ``Nh``, ``Nd``, ``Ny``.

    Source: k8s.io/apimachinery/pkg/util/duration/duration.go ``ShortHumanDuration``.
    """
    d = _to_ns(seconds)
    secs = _go_trunc_div(d, _NS)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60:
        return f"{secs}s"
    minutes = d // _MIN
    if minutes < 60:
        return f"{minutes}m"
    hours = d // _HOUR
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    # Go: int(d.Hours()/24/365) on float64
    return f"{int(d / _HOUR / 24 / 365)}y"


def docker_human_duration(d: int) -> str:
    """``github.com/docker/go-units`` ``HumanDuration`` on int nanoseconds.

    Used by openshift-apiserver's build and image printers (``formatRelativeTime``), which
    append `` ago`` themselves.
    """
    seconds = _go_trunc_div(d, _NS)
    if seconds < 1:
        return "Less than a second"
    if seconds == 1:
        return "1 second"
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = d // _MIN
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(d / _HOUR + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(d / _HOUR) // 24 // 365} years"


def _fmt_frac(v: int, prec: int) -> tuple[str, int]:
    """Go time.fmtFrac: fraction digits of v/10**prec without trailing zeros."""
    digits = []
    printed = False
    for _ in range(prec):
        digit = v % 10
        printed = printed or digit != 0
        if printed:
            digits.append(str(digit))
        v //= 10
    s = "".join(reversed(digits))
    return ("." + s if printed else ""), v


def go_duration_string(d: int) -> str:
    """Go ``time.Duration.String()`` ("1h2m3.5s", "150ms", "0s") for int nanoseconds."""
    if d == 0:
        return "0s"
    neg = d < 0
    u = -d if neg else d
    if u < _NS:
        if u < 1_000:
            out = f"{u}ns"
        elif u < 1_000_000:
            frac, whole = _fmt_frac(u, 3)
            out = f"{whole}{frac}\u00b5s"
        else:
            frac, whole = _fmt_frac(u, 6)
            out = f"{whole}{frac}ms"
    else:
        frac, whole = _fmt_frac(u, 9)
        secs = whole % 60
        whole //= 60
        out = f"{secs}{frac}s"
        if whole > 0:
            mins = whole % 60
            whole //= 60
            out = f"{mins}m{out}"
            if whole > 0:
                out = f"{whole}h{out}"
    return "-" + out if neg else out


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:?\d{2})$"
)


@lru_cache(maxsize=65536)
def _parse_time_cached(value: str) -> datetime | None:
    m = _RFC3339.match(value.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, frac, tz = m.groups()
    us = int((frac or "0")[:6].ljust(6, "0"))
    if tz in ("Z", "z"):
        tzinfo = timezone.utc
    else:
        sign = 1 if tz[0] == "+" else -1
        tzd = tz[1:].replace(":", "")
        tzinfo = timezone(sign * timedelta(hours=int(tzd[:2]), minutes=int(tzd[2:])))
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), us, tzinfo=tzinfo)
    except ValueError:
        return None


def parse_time(value: str | None) -> datetime | None:
    """Parse an RFC3339 / RFC3339Nano timestamp (``metav1.Time``/``MicroTime``) to an aware datetime.

    Returns None for None, empty strings and unparseable values (Go's zero time).
    Sub-microsecond digits are truncated.
    """
    if not value or not isinstance(value, str):
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return None
    return _parse_time_cached(value)


def since_ns(t: datetime, now: datetime) -> int:
    """``now.Sub(t)`` in integer nanoseconds (microsecond resolution)."""
    delta = now - t
    return ((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds) * 1000


def translate_timestamp_since(ts: str | None, now: datetime) -> str:
    """printers.go ``translateTimestampSince``: ``<unknown>`` for a zero/missing time,
    otherwise ``HumanDuration(now - ts)``."""
    t = parse_time(ts)
    if t is None:
        return "<unknown>"
    return human_duration_ns(since_ns(t, now))
