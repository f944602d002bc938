"""Error answers: every refusal is JSON ``{detail, field}`` with the right 4xx.

An invalid request's 422 says what is wrong in one plain sentence per problem, naming the
field in people's words ("rating of player 2 must be a number"); pydantic's own wording,
prefixes and internal names never reach the client. ``field`` keeps the input's path.

A browser asking for a page address that does not exist (or with a method it does not take)
gets the page answer given to :func:`install` instead; ``/api/`` paths and clients that do not
ask for HTML always get the JSON shape.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from bracketry.schemas.enrollment import ENROLLMENT_TAGS
from bracketry.schemas.errors import ErrorRead, ValidationErrorRead
from bracketry.schemas.formats import FORMAT_NAMES
from bracketry.service.errors import ServiceError, TooMany, Unauthorized

UNREACHABLE = "the database is unreachable; nothing was changed, try again shortly"

log = logging.getLogger(__name__)

API_PATHS = "/api/"
PAGE_STATUSES = frozenset({404, 405})
"""Router refusals a browser on a page address sees as a page."""
PageAnswer = Callable[[Request, int], Response]
"""The page shown for one of :data:`PAGE_STATUSES` (the request and the status)."""

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


def wants_page(request: Request) -> bool:
    """Whether the request is a browser's, for a page address (not under ``/api/``)."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith(API_PATHS)


def install(app: FastAPI, page: PageAnswer | None = None) -> None:
    """Register the project's exception handlers on ``app``; ``page`` answers a browser's
    unknown page address (404) or unsupported method on one (405)."""

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
                "detail": UNREACHABLE,
                "field": None,
            },
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _invalid([_problem(e) for e in error.errors()])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if page and error.status_code in PAGE_STATUSES and wants_page(request):
            answer = page(request, error.status_code)
            answer.headers.update(error.headers or {})
            return answer
        if error.status_code == 400 and error.__cause__ is not None:
            # FastAPI could not read the body at all (not UTF-8, say): as invalid as bad JSON.
            unreadable = "the request body could not be read: send UTF-8 JSON"
            return _invalid([{"field": "body", "message": unreadable, "type": "body_unreadable"}])
        # Unknown paths and methods: the same {detail, field} shape as every other refusal.
        return JSONResponse(
            {"detail": str(error.detail), "field": None},
            status_code=error.status_code,
            headers=error.headers,
        )


LIBRARY_PREFIXES = ("Value error, ", "Assertion failed, ")
"""How pydantic starts the message of a validator's own error."""
LIBRARY_WORDS = (
    ("Input should be ", "must be "),
    ("String should ", "must "),
    ("List should ", "must "),
    ("Dictionary should ", "must "),
    ("Value should ", "must "),
    ("Input should ", "must "),
    (" after validation", ""),
)
"""Pydantic's wording and the plain words that replace it."""
TYPE_WORDS = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "string_unicode": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "datetime_parsing": "must be a date and time such as 2030-01-01T09:00:00+00:00",
    "datetime_type": "must be a date and time such as 2030-01-01T09:00:00+00:00",
    "datetime_from_date_parsing": "must be a date and time such as 2030-01-01T09:00:00+00:00",
    "timezone_aware": "must include a time zone offset, such as +00:00",
    "date_parsing": "must be a date such as 2030-01-01",
    "date_type": "must be a date such as 2030-01-01",
    "date_from_datetime_parsing": "must be a date such as 2030-01-01",
    "time_parsing": "must be a time such as 09:00",
    "time_type": "must be a time such as 09:00",
    "string_pattern_mismatch": "is not in the accepted form",
    "union_tag_not_found": "does not say which kind it is",
}
"""Plain words for pydantic's error types whose own message is library text."""


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def field_words(field: str) -> str:
    """A field path in people's words: innermost first, list items counted from 1.

    >>> field_words("players.0.rating"), field_words("config.max_players")
    ('rating of player 1', 'max players of config')
    >>> field_words("body"), field_words("0.seed")
    ('the request body', 'seed of entry 1')
    """
    if field == "body":
        return "the request body"
    parts: list[str] = []
    for part in field.split("."):
        if part.isdigit():
            owner = _singular(parts.pop()) if parts else "entry"
            parts.append(f"{owner} {int(part) + 1}")
        else:
            parts.append(part.replace("_", " "))
    return " of ".join(reversed(parts))


def _choices(expected: str) -> str:
    """Pydantic's ``'a', 'b' or 'c'`` as ``a, b, c``."""
    quoted = re.findall(r"'([^']*)'", expected)
    return ", ".join(quoted) if quoted else expected


def _plain(error: Any) -> str:
    """What is wrong with the value, in plain words (the field not named)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not permitted: this request has no such field"
    if kind in ("literal_error", "enum"):
        return f"must be one of: {_choices(str(ctx.get('expected', '')))}"
    if kind == "union_tag_invalid":
        return (
            f"cannot be {ctx.get('tag')!s}: it must be one of: "
            f"{_choices(str(ctx.get('expected_tags', '')))}"
        )
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        items = "item" if limit == 1 else "items"
        return f"must have {bound} {limit} {items}, not {ctx.get('actual_length')}"
    if kind in TYPE_WORDS:
        return TYPE_WORDS[kind]
    message = str(error["msg"])
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        message = str(ctx["error"])
    for prefix in LIBRARY_PREFIXES:
        message = message.removeprefix(prefix)
    for library, plain in LIBRARY_WORDS:
        message = message.replace(library, plain)
    return message


def _sentence(label: str, plain: str) -> str:
    """One sentence naming the field: "rating must be …", or "player 2: give …"."""
    verbs = ("must ", "is ", "are ", "cannot ", "may ", "has ", "should ", "does ")
    return f"{label} {plain}" if plain.startswith(verbs) else f"{label}: {plain}"


def _problem(error: Any) -> dict[str, str]:
    """One problem of an invalid request, naming its field in the message."""
    if error["type"] == "json_invalid":  # located at ("body", <offset of the fault>)
        reason = error.get("ctx", {}).get("error", "cannot be decoded")
        offset = error["loc"][-1]
        message = f"the request body is not valid JSON: {reason} (at character {offset})"
        return {"field": "body", "message": message, "type": error["type"]}
    field = _field(tuple(error["loc"]))
    message = _sentence(field_words(field), _plain(error))
    return {"field": field, "message": message, "type": error["type"]}


def _invalid(problems: list[dict[str, str]]) -> JSONResponse:
    """The 422 answer of an invalid request: the first problem, then all of them."""
    first = problems[0] if problems else {"field": "body", "message": "the request is invalid"}
    return JSONResponse(
        {
            "detail": first["message"],
            "field": first["field"],
            "errors": problems,
        },
        status_code=422,
    )
