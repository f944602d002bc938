"""Error answers: every refusal is JSON ``{detail, field}`` with the right 4xx."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError

from bracketry.schemas.enrollment import ENROLLMENT_TAGS
from bracketry.schemas.formats import FORMAT_NAMES
from bracketry.service.errors import ServiceError, Unauthorized

log = logging.getLogger(__name__)

SKIPPED_LOCATION_PARTS = frozenset({"body", "query", "path", "header"}) | ENROLLMENT_TAGS


def _field(location: tuple[object, ...]) -> str:
    """The input a validation error is about; union tags (the format a ``config`` was read
    as, the kind of an enrollment body) are left out.

    >>> _field(("body", "config", "groups", "groups"))
    'config.groups'
    """
    parts: list[str] = []
    for before, part in zip((None, *location), location, strict=False):
        is_format_tag = before == "config" and part in FORMAT_NAMES
        if part not in SKIPPED_LOCATION_PARTS and not is_format_tag:
            parts.append(str(part))
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    """Register the project's exception handlers on ``app``."""

    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, error: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthorized) else None
        return JSONResponse(
            {"detail": error.message, "field": error.field},
            status_code=error.status_code,
            headers=headers,
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_unreachable(_request: Request, error: Exception) -> JSONResponse:
        log.warning("database unreachable: %s", type(error).__name__)
        return JSONResponse(
            {
                "detail": "the database is unreachable; nothing was changed, try again shortly",
                "field": None,
            },
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": _field(tuple(e["loc"])), "message": e["msg"], "type": e["type"]}
            for e in error.errors()
        ]
        first = problems[0] if problems else {"field": "body", "message": "invalid request"}
        return JSONResponse(
            {
                "detail": f"{first['field']}: {first['message']}",
                "field": first["field"],
                "errors": problems,
            },
            status_code=422,
        )
