"""Pod logs from a must-gather, served the way kube-apiserver + kubelet serve them.

Why this package exists: ``kubectl logs`` (and the Python client's
``read_namespaced_pod_log``) talk to ``GET /api/v1/namespaces/<ns>/pods/<pod>/log``.
In a real cluster the apiserver validates the query (``PodLogOptions``), picks the
container, and proxies to the kubelet, which slices the CRI log file (tail, since,
limitBytes, timestamps).  A must-gather only has the log text that ``oc adm inspect``
saved, so this package re-creates both halves over those files, one module per step:

* ``options`` -- :func:`parse_log_options` (query decoding + ``ValidatePodLogOptions``,
  errors as the apiserver's ``Status``) and :func:`select_container`
  (``validateContainer``), with :class:`LogError` and the NotFound/BadRequest answers.
* ``index`` -- :class:`LogIndex` finds the files for (namespace, pod, container,
  previous) under any number of must-gather roots; :func:`resolve_log_files`.
* ``timestamps`` -- line timestamps and the ``since`` cut-off.
* ``slicing`` -- which bytes of which files: tail read backwards in blocks like
  ``pkg/util/tail/tail.go`` FindTailLineStartIndex, since by binary search, gzip streamed.
* ``linefilter`` -- the kubelet's ``pkg/kubelet/kuberuntime/logs/logs.go`` ReadLogs
  semantics per line (tail first, then the since filter, timestamps prefix, byte limit).
* ``stream`` -- :func:`iter_log_chunks` / :func:`stream_log`: a bounded-memory chunked stream.

File formats handled:

* ``oc adm inspect`` output (``current.log`` etc.): the kubelet's output with
  ``timestamps=true``, i.e. ``<RFC3339Nano> <message>`` per line.
* Raw CRI files (``logs/rotated/<n>.log.<YYYYMMDD-HHMMSS>[.gz]``, copied from
  ``/var/log/pods``): ``<RFC3339Nano> <stdout|stderr> <F|P> <message>``; these
  are converted exactly like the kubelet's ``parseCRILog`` + ``logWriter.write``
  (partial ``P`` lines joined, one timestamp per logical line).
* Plain text without timestamps (HyperShift dumps): served as is.
"""

from __future__ import annotations

from .index import LogIndex, resolve_log_files
from .options import LogError, LogOptions, parse_log_options, pod_not_found, previous_not_found, select_container
from .stream import CHUNK_SIZE, iter_log_chunks, stream_log

__all__ = [
    "CHUNK_SIZE",
    "LogError",
    "LogOptions",
    "LogIndex",
    "parse_log_options",
    "select_container",
    "resolve_log_files",
    "pod_not_found",
    "previous_not_found",
    "iter_log_chunks",
    "stream_log",
]
