"""Per-line processing of the selected bytes: the kubelet's ReadLogs output rules.

``pkg/kubelet/kuberuntime/logs/logs.go``: since filter, timestamps prefix, byte
limit; raw CRI files converted like ``parseCRILog`` + ``logWriter.write``.
"""

from __future__ import annotations

from collections.abc import Iterator

from .options import LogOptions
from .timestamps import CRI_RE, TS_PREFIX_RE, TS_STRIP_RE, SinceCheck, fixed_ts

_LEAD_MAX = 1024 * 1024


class LineFilter:
    """Per-request line processing: timestamps, since, byte limit.

    State crosses file boundaries (the limit, the time of the last stamped line);
    the format (inspect text vs raw CRI) is sniffed per file.
    """

    PLAIN, CRI = 0, 1

    def __init__(self, opts: LogOptions, since: SinceCheck | None):
        self.timestamps = opts.timestamps
        self.since = since
        self.remaining = opts.limit_bytes  # None = unlimited
        self.done = False
        # Verdict of the last stamped line; None until one is seen.  Unstamped lines
        # before the first stamp are held in ``lead`` and share its verdict (they
        # are older than it); with no stamp anywhere they are all kept.
        self.last_keep: bool | None = None
        self.lead: list[bytes] = []
        self.lead_size = 0
        self.new_line = True  # CRI: next message starts a new logical line
        self.pending = b""
        self.fmt: int | None = None

    def begin_file(self) -> None:
        self.pending = b""
        self.fmt = None

    def feed(self, raw: bytes) -> bytes:
        data = self.pending + raw if self.pending else raw
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            self.pending = data
            return b""
        self.pending = data[cut:]
        return self._limit(self._block(data[:cut]))

    def end_file(self) -> bytes:
        """Flush an unterminated last line (kubelet writes it as is)."""
        data, self.pending = self.pending, b""
        return self._limit(self._block(data)) if data else b""

    def finish(self) -> bytes:
        """End of the stream: lines that never met a timestamp are kept."""
        if not self.lead:
            return b""
        out, self.lead, self.lead_size = b"".join(self.lead), [], 0
        self.last_keep = True
        return self._limit(out)

    def _limit(self, out: bytes) -> bytes:
        # kubelet logWriter.write: cut the line that crosses the limit, then stop.
        if self.remaining is not None and out:
            if len(out) >= self.remaining:
                out = out[: self.remaining]
                self.remaining = 0
                self.done = True
            else:
                self.remaining -= len(out)
        return out

    def _block(self, block: bytes) -> bytes:
        if self.fmt is None:
            self.fmt = self.CRI if CRI_RE.match(block) else self.PLAIN
        if self.fmt == self.CRI:
            return self._cri(block)
        if self.since is None:
            return block if self.timestamps else TS_STRIP_RE.sub(b"", block)
        return self._plain_since(block)

    @staticmethod
    def _lines(block: bytes) -> Iterator[tuple[bytes, bytes]]:
        ends = block.endswith(b"\n")
        body = block[:-1] if ends else block
        lines = body.split(b"\n")
        last = len(lines) - 1
        for i, line in enumerate(lines):
            yield line, (b"\n" if (i < last or ends) else b"")

    def _plain_since(self, block: bytes) -> bytes:
        assert self.since is not None
        keep_ts = self.since.keep
        out: list[bytes] = []
        for line, nl in self._lines(block):
            m = TS_PREFIX_RE.match(line)
            if m is not None:
                self.last_keep = keep = keep_ts(m.group(1))
                if self.lead:
                    if keep:
                        out.extend(self.lead)
                    self.lead, self.lead_size = [], 0
                if keep:
                    out.append(line if self.timestamps else line[m.end() :])
                    out.append(nl)
            elif self.last_keep is None:
                self.lead.append(line + nl)
                self.lead_size += len(line) + 1
                if self.lead_size > _LEAD_MAX:  # evidently a file without timestamps
                    out.extend(self.lead)
                    self.lead, self.lead_size = [], 0
                    self.last_keep = True
            elif self.last_keep:
                # No timestamp (continuation text): it belongs with the line before.
                out.append(line)
                out.append(nl)
        return b"".join(out)

    def _cri(self, block: bytes) -> bytes:
        # kubelet parseCRILog + logWriter.write(msg, addPrefix=isNewLine).
        out: list[bytes] = []
        for line, nl in self._lines(block):
            m = CRI_RE.match(line)
            if m is None:
                continue  # kubelet: "Failed when parsing line in log file" -> skipped
            ts = m.group(1)
            partial = m.group(3).split(b":", 1)[0] == b"P"
            content = line[m.end() :] + (b"" if partial else nl)
            add_prefix = self.new_line
            self.new_line = not partial
            if self.since is not None and not self.since.keep(ts):
                continue
            if self.timestamps and add_prefix:
                out.append(fixed_ts(ts) + b" ")
            out.append(content)
        return b"".join(out)
