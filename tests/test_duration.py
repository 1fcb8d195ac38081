"""Tests for staticapi.duration: apimachinery HumanDuration/ShortHumanDuration boundaries,
docker/go-units HumanDuration, Go time.Duration.String() and RFC3339 parsing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from staticapi.kube.duration import (
    docker_human_duration,
    go_duration_string,
    human_duration,
    parse_time,
    short_human_duration,
    translate_timestamp_since,
)

M = 60
H = 3600
D = 86400
Y = 365 * D


@pytest.mark.parametrize(
    "seconds,expected",
    [
        # clock-skew tolerance: int(d.Seconds()) truncates toward zero
        (-3, "<invalid>"),
        (-2, "<invalid>"),
        (-1.9, "0s"),
        (-1, "0s"),
        (-0.5, "0s"),
        (0, "0s"),
        (0.9, "0s"),
        (1, "1s"),
        (59, "59s"),
        (60, "60s"),
        (119, "119s"),
        (119.99, "119s"),
        (120, "2m"),
        (125, "2m5s"),
        (2 * M + 59, "2m59s"),
        (9 * M + 59, "9m59s"),
        (10 * M, "10m"),
        (10 * M + 30, "10m"),
        (179 * M + 59, "179m"),
        (180 * M, "3h"),
        (3 * H + 20 * M, "3h20m"),
        (3 * H + 20 * M + 59, "3h20m"),
        (7 * H + 59 * M, "7h59m"),
        (8 * H, "8h"),
        (47 * H + 59 * M, "47h"),
        (48 * H, "2d"),
        (5 * D + 3 * H, "5d3h"),
        (7 * D + 23 * H + 59 * M, "7d23h"),
        (8 * D, "8d"),
        (729 * D + 23 * H, "729d"),
        (730 * D, "2y"),
        (2 * Y + 30 * D, "2y30d"),
        (7 * Y + 364 * D, "7y364d"),
        (8 * Y, "8y"),
        (8 * Y + 200 * D, "8y"),
        (20 * Y, "20y"),
    ],
)
def test_human_duration(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize(
    "seconds,expected",
    [
        (-2, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (59, "59s"),
        (60, "1m"),
        (3599, "59m"),
        (3600, "1h"),
        (D - 1, "23h"),
        (D, "1d"),
        (364 * D, "364d"),
        (Y, "1y"),
        (3 * Y + 10 * D, "3y"),
    ],
)
def test_short_human_duration(seconds, expected):
    assert short_human_duration(seconds) == expected


@pytest.mark.parametrize(
    "seconds,expected",
    [
        (0, "Less than a second"),
        (1, "1 second"),
        (30, "30 seconds"),
        (60, "About a minute"),
        (119, "About a minute"),
        (5 * M, "5 minutes"),
        (59 * M, "59 minutes"),
        (H, "About an hour"),
        (H + 29 * M, "About an hour"),
        (H + 30 * M, "2 hours"),
        (47 * H, "47 hours"),
        (3 * D, "3 days"),
        (3 * 7 * D, "3 weeks"),
        (90 * D, "3 months"),
        (3 * Y, "3 years"),
    ],
)
def test_docker_human_duration(seconds, expected):
    assert docker_human_duration(int(seconds * 1_000_000_000)) == expected


@pytest.mark.parametrize(
    "ns,expected",
    [
        (0, "0s"),
        (1, "1ns"),
        (1500, "1.5\u00b5s"),
        (150_000_000, "150ms"),
        (1_500_000_000, "1.5s"),
        (90_000_000_000, "1m30s"),
        (3723_500_000_000, "1h2m3.5s"),
        (2 * 3600 * 10**9, "2h0m0s"),
        (-90_000_000_000, "-1m30s"),
    ],
)
def test_go_duration_string(ns, expected):
    assert go_duration_string(ns) == expected


def test_parse_time_forms():
    utc = timezone.utc
    assert parse_time("2023-03-08T11:53:08Z") == datetime(2023, 3, 8, 11, 53, 8, tzinfo=utc)
    # RFC3339Nano (MicroTime / kubelet timestamps): sub-microsecond digits truncated
    assert parse_time("2023-03-08T11:53:08.123456789Z") == datetime(2023, 3, 8, 11, 53, 8, 123456, tzinfo=utc)
    assert parse_time("2023-03-08T11:53:08.5Z") == datetime(2023, 3, 8, 11, 53, 8, 500000, tzinfo=utc)
    t = parse_time("2023-03-08T12:53:08+01:00")
    assert t == datetime(2023, 3, 8, 11, 53, 8, tzinfo=utc)
    assert parse_time(None) is None
    assert parse_time("") is None
    assert parse_time("yesterday") is None
    assert parse_time("2023-13-45T00:00:00Z") is None


def test_translate_timestamp_since():
    now = datetime(2023, 3, 8, 14, 0, 0, tzinfo=timezone.utc)
    assert translate_timestamp_since(None, now) == "<unknown>"
    assert translate_timestamp_since("", now) == "<unknown>"
    assert translate_timestamp_since("2023-03-08T13:57:55Z", now) == "2m5s"
    assert translate_timestamp_since("2023-03-08T11:53:08Z", now) == "126m"
    assert translate_timestamp_since("2023-03-01T14:00:00Z", now) == "7d"
    # timestamps after `now` within the skew tolerance print 0s, beyond it <invalid>
    assert translate_timestamp_since("2023-03-08T14:00:01Z", now) == "0s"
    assert translate_timestamp_since("2023-03-08T14:00:05Z", now) == "<invalid>"
    assert translate_timestamp_since((now - timedelta(hours=50)).isoformat(), now) == "2d2h"
