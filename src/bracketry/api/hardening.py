"""Request limits and response headers every answer gets: body size caps (413) and a body
deadline (408), security headers, and CORS only for the origins configured (none by default).

A mutation's caller is identified before its body is read, and the body is read in full,
within ``body_timeout_s``, before any route code (so before any write slot) runs. The
largest body depends on who calls and where: ``anonymous_body_bytes`` for a caller without
valid credentials, ``max_body_bytes`` on a bulk route (:data:`BULK_ROUTES`) for a signed-in
caller who is not a player (anyone may sign up as a player), ``default_body_bytes``
otherwise.

The web pages authenticate with a bearer token kept by the browser page, never with a
cookie, so a cross-site request carries no credentials: there is no cookie session a
forged form could ride (CSRF), and CORS stays closed unless an operator opens it.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bracketry.api import deps, errors
from bracketry.api.context import AppContext
from bracketry.schemas.account import Role
from bracketry.service.access import Principal
from bracketry.service.errors import Unauthorized
from bracketry.settings import Settings

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
NO_FRAMES = "frame-ancestors 'none'"
FRAMABLE = re.compile(r"/t/[^/]+")
"""The public page of a tournament: the only page other sites may frame, and only the
origins of ``frame_ancestors``."""
OWN_DOCS = ("/docs", "/redoc")
"""FastAPI's API explorer pages load their own scripts: they keep their defaults."""
BULK_ROUTES = frozenset(
    {
        "/api/v1/tournaments/{tournament_id}/enrollments",
        "/api/v1/tournaments/{tournament_id}/enrollments/import",
        "/api/v1/tournaments/{tournament_id}/enrollments/import/preview",
        "/api/v1/tournaments/{tournament_id}/results",
        "/api/v1/tournaments/import",
    }
)
"""Routes that take many items at once (enrollments, CSV and document imports, result
batches): ``max_body_bytes`` for a signed-in caller who is not a player."""
_BULK_PATTERNS = [compile_path(template)[0] for template in sorted(BULK_ROUTES)]


class _TooLarge(Exception):
    """The body went past the limit."""


class _Gone(Exception):
    """The client left before its body was complete."""


class BodyLimit:
    """For every method but GET, HEAD and OPTIONS: identify the caller (left on the request
    state for :func:`bracketry.api.deps.caller`), pick the body limit, refuse a larger
    declared body at once (413), read the body within ``body_timeout_s`` (408) and at most
    the limit (413), then hand it on. Reads pass as they are."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in deps.READS:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        try:
            who = await _identify(scope, state)
        except (OperationalError, InterfaceError):
            await _unreachable(send)
            return
        bulk = who is not None and _bulk_admitted(scope, who)
        state[deps.BULK_STATE] = bulk
        limit = self.limit(who, bulk)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit, who)
            return
        try:
            body = await _read(receive, limit, self.settings.body_timeout_s)
        except _TooLarge:
            await _too_large(send, limit, who)
            return
        except TimeoutError:
            await _too_slow(send, self.settings.body_timeout_s)
            return
        except _Gone:
            return
        await self.app(scope, _replay(body, receive), send)

    def limit(self, who: Principal | None, bulk: bool) -> int:
        """The largest body of a caller (None: not signed in) on a bulk route or not."""
        if who is None:
            return self.settings.anonymous_body_bytes
        return self.settings.max_body_bytes if bulk else self.settings.default_body_bytes


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _context(scope: Scope) -> AppContext | None:
    app = scope.get("app")
    return getattr(getattr(app, "state", None), "context", None)


async def _identify(scope: Scope, state: dict[str, Any]) -> Principal | None:
    """The caller, left on the request state (with the refusal of a token that opens
    nothing, as :func:`bracketry.api.deps.caller` would)."""
    ctx = _context(scope)
    if ctx is None:  # the app is not started: nobody can be identified
        return None
    try:
        who = await deps.identify(ctx, _header(scope, b"authorization"))
    except Unauthorized as error:
        state["auth_error"] = error
        who = None
    state[deps.CALLER_STATE] = who
    return who


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _bulk_admitted(scope: Scope, who: Principal) -> bool:
    """Whether the request is for a bulk route from staff (any role but player: the role
    anyone can sign up for never sends bulk bodies; the route's own rule still applies)."""
    path = _route_path(scope)
    return who.role is not Role.PLAYER and any(p.match(path) for p in _BULK_PATTERNS)


async def _read(receive: Receive, limit: int, timeout_s: float) -> bytes:
    """The whole body: at most ``limit`` bytes (:class:`_TooLarge`), within ``timeout_s``
    (:class:`TimeoutError`); :class:`_Gone` when the client leaves."""
    chunks: list[bytes] = []
    seen = 0
    async with asyncio.timeout(timeout_s):
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _Gone
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then what the client sends (a disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(send: Send, status: int, detail: str, field: str | None, **extra: str) -> None:
    """A JSON refusal that closes the connection (the rest of the body is never read)."""
    headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
    headers += [(k.replace("_", "-").encode(), v.encode()) for k, v in extra.items()]
    body = json.dumps({"detail": detail, "field": field}).encode()
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _too_large(send: Send, limit: int, who: Principal | None) -> None:
    whose = " from a caller not signed in" if who is None else ""
    detail = f"the request body is larger than {limit} bytes, the limit here{whose}"
    await _refuse(send, 413, detail, "body")


async def _too_slow(send: Send, timeout_s: float) -> None:
    detail = f"the request body did not arrive within {timeout_s:g} seconds: send it at once"
    await _refuse(send, 408, detail, "body")


async def _unreachable(send: Send) -> None:
    await _refuse(send, 503, errors.UNREACHABLE, None, retry_after="5")


class SecurityHeaders:
    """No sniffing, no referrer; a strict content policy on our own pages; no framing,
    except the public page of a tournament by the sites of ``frame_ancestors``."""

    def __init__(self, app: ASGIApp, frame_ancestors: list[str] | None = None) -> None:
        self.app = app
        self.framed_policy = (
            PAGE_POLICY.replace(NO_FRAMES, f"frame-ancestors {' '.join(frame_ancestors)}").encode()
            if frame_ancestors
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        framable = self.framed_policy is not None and FRAMABLE.fullmatch(_route_path(scope))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                html = any(
                    name.lower() == b"content-type" and value.startswith(b"text/html")
                    for name, value in headers
                )
                framed = bool(framable) and html and message["status"] == 200
                extra = [(b"x-content-type-options", b"nosniff")]
                if not framed:
                    extra.append((b"x-frame-options", b"DENY"))
                extra.append((b"referrer-policy", b"no-referrer"))
                if framed and self.framed_policy is not None:
                    extra.append((b"content-security-policy", self.framed_policy))
                elif html and not path.startswith(OWN_DOCS):
                    extra.append((b"content-security-policy", PAGE_POLICY.encode()))
                headers += [(n, v) for n, v in extra if n not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the limits and headers to ``app`` (CORS only for configured origins); the
    refusals of the body limit carry the headers too."""
    app.add_middleware(BodyLimit, settings=settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            allow_credentials=False,
        )
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
