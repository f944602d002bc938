"""Error answers: every refusal is JSON ``{detail, field}`` with the right 4xx."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from bracketry.schemas.enrollment import ENROLLMENT_TAGS
from bracketry.schemas.errors import ErrorRead, ValidationErrorRead
from bracketry.schemas.formats import FORMAT_NAMES
from bracketry.service.errors import ServiceError, TooMany, Unauthorized

log = logging.getLogger(__name__)

SKIPPED_LOCATION_PARTS = frozenset({"body", "query", "path", "header"}) | ENROLLMENT_TAGS

API_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorRead, "description": "No valid token, where one is needed."},
    403: {"model": ErrorRead, "description": "The caller may not do this."},
    404: {"model": ErrorRead, "description": "Something the request names does not exist."},
    409: {"model": ErrorRead, "description": "The current state does not allow it."},
    422: {"model": ValidationErrorRead, "description": "The request is invalid."},
    503: {"model": ErrorRead, "description": "The database or the job broker is unreachable."},
}
"""The refusals any API route may answer with, documented on every route of the API."""


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
        if isinstance(error, TooMany):
            headers = {"Retry-After": str(error.retry_after)}
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
        return _invalid([_problem(e) for e in error.errors()])

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400 and error.__cause__ is not None:
            # FastAPI could not read the body at all (not UTF-8, say): as invalid as bad JSON.
            unreadable = "could not be read: send UTF-8 JSON"
            return _invalid([{"field": "body", "message": unreadable, "type": "body_unreadable"}])
        # Unknown paths and methods: the same {detail, field} shape as every other refusal.
        return JSONResponse(
            {"detail": str(error.detail), "field": None},
            status_code=error.status_code,
            headers=error.headers,
        )


def _problem(error: Any) -> dict[str, str]:
    """One problem of an invalid request, naming its field."""
    if error["type"] == "json_invalid":  # located at ("body", <offset of the fault>)
        reason = error.get("ctx", {}).get("error", "cannot be decoded")
        offset = error["loc"][-1]
        message = f"not valid JSON: {reason} (at character {offset})"
        return {"field": "body", "message": message, "type": error["type"]}
    return {"field": _field(tuple(error["loc"])), "message": error["msg"], "type": error["type"]}


def _invalid(problems: list[dict[str, str]]) -> JSONResponse:
    """The 422 answer of an invalid request: the first problem, then all of them."""
    first = problems[0] if problems else {"field": "body", "message": "invalid request"}
    return JSONResponse(
        {
            "detail": f"{first['field']}: {first['message']}",
            "field": first["field"],
            "errors": problems,
        },
        status_code=422,
    )
