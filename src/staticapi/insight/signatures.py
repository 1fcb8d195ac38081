"""Error signatures: per container (or node service), the distinct error and warning lines.

Why this module exists: "has this error been seen before, and since when?" needs the *kinds* of
errors a container printed, not its 40,000 lines. A signature is an error/warning line with what
varies between occurrences (timestamps, numbers, IPs, UUIDs, hex ids) normalised away, counted,
with its first and last time and one sample line. The search page offers them as starting
points; triage and diff reuse them (diff: "signatures new in HEAD per container").

Interface (keep it simple, others depend on it)::

    sigs = await ci.derive("signatures", signatures.compute)   # or ci.derive_sync(...)
    for s in sigs: s.key, s.level, s.text, s.count, s.first_seen, s.last_seen, s.sample, s.to_dict()

``compute(ci) -> list[Signature]`` sorted by count (descending). ``Signature.key`` identifies a
signature across two must-gathers: ``(source, namespace, container or service, text)`` with no pod
name in it (pods of a ReplicaSet/DaemonSet differ per run and per node).

What counts as an error/warning line (table ``_LEVEL_RULES``, first rule that matches wins):
klog's ``E``/``F``/``W`` header (k8s.io/klog/v2 ``header()``: ``Lmmdd hh:mm:ss.uuuuuu``),
logrus/zap/JSON levels (``level=error``, ``"level":"warn"``), Go panics, and lines with the
words error/failed/fatal/exception (error) or warning (warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import re2

from .corpus import Doc, corpus_of, iso, line_time

MAX_PER_CONTAINER = 100  # distinct signatures kept per container; later new ones are counted only
MAX_TEXT = 400
PREFILTER = rb"(?i)error|fail|fatal|panic|warn|exception|(?-i:(?:^|\s)[EFW]\d{4} \d\d:\d\d:\d\d)"

# (level, regex on the line without its timestamp prefix): first match wins
_LEVEL_RULES: list[tuple[str, re.Pattern]] = [
    ("error", re.compile(r"^[EF]\d{4} ")),
    ("warning", re.compile(r"^W\d{4} ")),
    ("error", re.compile(r"""(?i)\blevel"?\s*[=:]\s*"?(?:error|err|fatal|panic|crit(?:ical)?)\b""")),
    ("warning", re.compile(r"""(?i)\blevel"?\s*[=:]\s*"?warn(?:ing)?\b""")),
    ("info", re.compile(r"""(?i)\blevel"?\s*[=:]\s*"?(?:info|debug|trace)\b""")),
    ("info", re.compile(r"^[ID]\d{4} ")),
    ("error", re.compile(r"(?i)\b(?:panic:|fatal|error|errors|failed|failure|exception)\b")),
    ("warning", re.compile(r"(?i)\bwarn(?:ing)?\b")),
]

# the line's own timestamp prefix: RFC3339 (oc logs --timestamps), CRI "stream tag", journal header
_PREFIX_RE = re.compile(
    r"^(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)? (?:std(?:out|err) [FP] )?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d\d:\d\d:\d\d(?:\.\d+)? \S+ [^:\s]+: )")
# what varies between occurrences; order matters (timestamps before numbers ...)
_NORMALISE: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"), "<ts>"),
    (re.compile(r"\b\d\d:\d\d:\d\d(?:\.\d+)?"), "<ts>"),
    (re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"), "<uuid>"),
    (re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d+)?\b"), "<ip>"),
    (re.compile(r"\[?\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}\]?(?::\d+)?"), "<ip>"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<hex>"),
    (re.compile(r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b"), "<hex>"),
    (re.compile(r"\d+(?:\.\d+)?"), "<n>"),
]
_PLACEHOLDER_RE = re.compile(r"<(?:ts|uuid|ip|hex|n)>")


@dataclass
class Signature:
    source: str  # "logs" (pod logs) or "nodes" (node service logs)
    namespace: str
    pod: str  # the pod of the first occurrence ("" for node logs)
    container: str  # container name, or the node log's service
    node: str  # node logs: the node of the first occurrence
    level: str  # "error" | "warning"
    text: str  # the normalised line (placeholders <ts> <n> <ip> <uuid> <hex>)
    count: int
    first_seen: float | None  # epoch seconds (None when no occurrence had a time)
    last_seen: float | None
    sample: str  # one original line (the first)
    sample_line: int  # its line number in ...
    sample_doc: Doc  # ... this document
    pods: int = 1  # distinct pods it was seen in

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.source, self.namespace, self.container, self.text)

    def query(self) -> str:
        """An RE2 regex that finds this signature's lines (the literal parts, in order)."""
        parts = [p for p in _PLACEHOLDER_RE.split(self.text) if len(p.strip()) >= 3]  # dropping only loosens
        return ".*".join(re2.escape(p) for p in parts) or re2.escape(self.sample[:80])

    def to_dict(self) -> dict[str, Any]:
        from .search import link

        return {"source": self.source, "namespace": self.namespace, "pod": self.pod, "container": self.container,
                "node": self.node, "level": self.level, "text": self.text, "count": self.count,
                "pods": self.pods, "firstSeen": iso(self.first_seen), "lastSeen": iso(self.last_seen),
                "sample": self.sample, "query": self.query(),
                "link": link(self.sample_doc, self.sample_line, self.node)}


def level_of(rest: str) -> str | None:
    for level, rx in _LEVEL_RULES:
        if rx.search(rest):
            return level
    return None


def normalise(rest: str) -> str:
    s = rest[:MAX_TEXT]
    for rx, rep in _NORMALISE:
        s = rx.sub(rep, s)
    return s.strip()


def strip_prefix(line: str) -> str:
    m = _PREFIX_RE.match(line)
    return line[m.end():] if m else line


def compute(ci) -> list[Signature]:
    """The error signatures of every pod log and node log of the ClusterInsight's store."""
    corpus = corpus_of(ci)
    opts = re2.Options()
    opts.never_nl = True
    opts.never_capture = True
    rx = re2.compile(b"(?m)" + PREFILTER, opts)
    match = rx._regexp.Match
    unanchored = re2._Anchor.UNANCHORED
    by_key: dict[tuple, Signature] = {}
    per_container: dict[tuple, int] = {}
    pods_seen: dict[tuple, set] = {}
    year = corpus.year
    for seg in corpus.segments(("logs", "nodes")):
        data = seg.data
        pos, n = 0, len(data)
        cur_doc, cur_start, cur_line, cur_pos = -1, 0, 0, 0
        while pos < n:
            spans = match(unanchored, data, pos, n)
            s = spans[0][0]
            if s < 0:
                break
            ls = data.rfind(b"\n", 0, s) + 1
            le = data.find(b"\n", spans[0][1])
            le = n if le < 0 else le
            pos = le + 1
            i = seg.doc_at(ls)
            if i != cur_doc:
                cur_doc, cur_start = i, seg.starts[i]
                cur_line, cur_pos = 1, cur_start
            cur_line += data.count(b"\n", cur_pos, ls)
            cur_pos = ls
            raw = data[ls:le]
            line = raw[:MAX_TEXT * 2].decode("utf-8", "replace")
            rest = strip_prefix(line)
            level = level_of(rest)
            if level not in ("error", "warning"):
                continue
            d = seg.docs[i]
            t, host = line_time(raw[:300], year)
            container = d.container if d.source == "logs" else d.service
            text = normalise(rest)
            key = (d.source, d.namespace, container, text)
            sig = by_key.get(key)
            if sig is None:
                ck = key[:3]
                if per_container.get(ck, 0) >= MAX_PER_CONTAINER:
                    continue
                per_container[ck] = per_container.get(ck, 0) + 1
                sig = by_key[key] = Signature(d.source, d.namespace, d.pod, container, host or d.node, level,
                                              text, 0, t, t, line[:MAX_TEXT], cur_line, d)
                pods_seen[key] = {d.pod or host or d.node}
            else:
                who = d.pod or host or d.node
                ps = pods_seen[key]
                if who not in ps:
                    ps.add(who)
                    sig.pods = len(ps)
            sig.count += 1
            if t is not None:
                if sig.first_seen is None or t < sig.first_seen:
                    sig.first_seen = t
                if sig.last_seen is None or t > sig.last_seen:
                    sig.last_seen = t
    return sorted(by_key.values(), key=lambda s: (-s.count, s.level != "error", s.namespace, s.container, s.text))
