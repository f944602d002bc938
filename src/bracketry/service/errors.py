"""Errors a use case can refuse with; adapters map them to HTTP statuses or CLI messages."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a clear message; ``field`` names the offending input when there is one."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """The thing asked for does not exist."""

    status_code = 404


class Conflict(ServiceError):
    """The request is valid but the current state forbids it."""

    status_code = 409


class Invalid(ServiceError):
    """The request itself is wrong."""

    status_code = 422


class Unauthorized(ServiceError):
    """The caller did not prove who they are."""

    status_code = 401


class Forbidden(ServiceError):
    """The caller is known but may not do this."""

    status_code = 403


class TooMany(ServiceError):
    """The caller tried too often; ``retry_after`` seconds until the next try is heard."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """A service the request needs (the job broker) cannot be reached right now."""

    status_code = 503
