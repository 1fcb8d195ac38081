"""Errors as kube-apiserver's `Status` objects.

Messages and reasons follow apimachinery `pkg/api/errors/errors.go`
(NewNotFound, NewBadRequest, NewMethodNotSupported, NewResourceExpired, ...),
because kubectl prints them verbatim and branches on `reason`.
"""

from __future__ import annotations

from typing import Any

import orjson


class StatusError(Exception):
    def __init__(self, code: int, reason: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def body(self) -> bytes:
        return status_body(self.code, self.reason, self.message, self.details)


def status_body(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> bytes:
    d: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details is not None:
        d["details"] = details
    d["code"] = code
    return orjson.dumps(d)


def qualified(plural: str, group: str) -> str:
    """`pods` for core, `deployments.apps` otherwise (schema.GroupResource.String)."""
    return f"{plural}.{group}" if group else plural


def not_found(plural: str, group: str, name: str) -> StatusError:
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = plural
    return StatusError(404, "NotFound", f'{qualified(plural, group)} "{name}" not found', details)


def path_not_found() -> StatusError:
    # What kube-apiserver's NotFound handler answers for paths it does not serve.
    return StatusError(404, "NotFound", "the server could not find the requested resource", {})


def bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def method_not_allowed() -> StatusError:
    return StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})


def forbidden(message: str, details: dict | None = None) -> StatusError:
    return StatusError(403, "Forbidden", message, details)


def not_acceptable(accept: str) -> StatusError:
    return StatusError(
        406,
        "NotAcceptable",
        f"the server was unable to respond with a content type that the client supports (accept: {accept})"
        if accept else "the server was unable to respond with a content type that the client supports",
    )


def expired(message: str | None = None) -> StatusError:
    return StatusError(
        410,
        "Expired",
        message
        or "The provided continue parameter is too old to display a consistent list result. "
        "You can start a new list without the continue parameter.",
    )


def unauthorized() -> StatusError:
    return StatusError(401, "Unauthorized", "Unauthorized")


def service_unavailable(message: str) -> StatusError:
    return StatusError(503, "ServiceUnavailable", message)
