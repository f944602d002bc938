"""FastAPI dependencies: the app context, read / write sessions, the caller, and each
route's access rule (which also writes the audit entry of a mutation)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, Literal

from fastapi import Depends, Header, Request
from fastapi.params import Depends as DependsParam
from pydantic_core import to_jsonable_python
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bracketry.api.context import AppContext
from bracketry.api.params import MAX_ID
from bracketry.schemas.account import Role
from bracketry.service import access, audit
from bracketry.service.access import Principal, Rule
from bracketry.service.errors import Unauthorized

READS = frozenset({"GET", "HEAD", "OPTIONS"})
SECRET_WORDS = ("password", "secret", "token")
"""A request field whose name holds one of these never reaches the audit log."""
CALLER_STATE = "caller"
"""Key of the request state where the body limit (:mod:`bracketry.api.hardening`) leaves the
caller it identified, so that :func:`caller` does not identify them again."""
BULK_STATE = "bulk_body"
"""Key of the request state saying the body was allowed a bulk route's size."""


def context(request: Request) -> AppContext:
    """The app's context."""
    return request.app.state.context


Context = Annotated[AppContext, Depends(context)]


def read_db(ctx: Context) -> Iterator[Session]:
    """A read session for the request."""
    with ctx.database.read() as db:
        yield db


def write_db(ctx: Context) -> Iterator[Session]:
    """A write session, committed when the handler returns without error."""
    with ctx.database.write() as db:
        yield db


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return None


async def identify(ctx: AppContext, authorization: str | None) -> Principal | None:
    """The caller of an ``Authorization`` header (None: nobody signed in); raises
    :class:`Unauthorized` for a token that opens nothing."""
    token = bearer(authorization)
    if token is None:
        return None
    admin = access.admin_token(token, admin_hash=ctx.admin_hash)  # no database needed
    if admin is not None:
        return admin

    def look_up() -> Principal | None:
        with ctx.database.read() as db:
            return access.identify(db, token, admin_hash=ctx.admin_hash, secret=ctx.jwt_secret)

    return await run_in_threadpool(look_up)


async def caller(
    request: Request,
    ctx: Context,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal | None:
    """Who is calling (None: nobody signed in). A token that opens nothing is kept as the
    request's ``auth_error``: every route but a public one answers it with 401. A caller
    the body limit identified already is taken as it left them."""
    known = request.scope.get("state", {})
    if CALLER_STATE in known:
        return known[CALLER_STATE]
    try:
        return await identify(ctx, authorization)
    except Unauthorized as error:
        request.state.auth_error = error
        return None


Caller = Annotated[Principal | None, Depends(caller)]


def owner_of(who: Principal | None) -> int | None:
    """The account a tournament created by ``who`` belongs to (organisers only: an admin's
    tournaments stay with the admins)."""
    return who.user_id if who is not None and who.role is Role.ORGANIZER else None


def as_id(raw: object) -> object:
    """A path parameter as an id when it is one the database can hold, else as it came."""
    if isinstance(raw, str) and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= MAX_ID:
        return int(raw)
    return raw


def _tournament_id(request: Request) -> int | None:
    raw = as_id(request.path_params.get("tournament_id"))
    return raw if isinstance(raw, int) else None


def _params(request: Request) -> dict[str, Any]:
    return {k: as_id(v) for k, v in request.path_params.items()}


def _secret(key: object) -> bool:
    lowered = str(key).lower()
    return any(word in lowered for word in SECRET_WORDS)


def redact(data: Any) -> Any:
    """``data`` with the value of every secret field, at any depth, replaced by ``***``."""
    if isinstance(data, dict):
        return {k: "***" if _secret(k) else redact(v) for k, v in data.items()}
    if isinstance(data, list):
        return [redact(item) for item in data]
    return data


def _request_text(body: bytes, *, bulk: bool = False) -> str | None:
    """A request body for the log, secrets removed: parsed and redacted when it is JSON of an
    ordinary route; else its start, only when that cannot hold a secret field (no secret
    word, no escape that could spell one), or just its size."""
    if not body:
        return None
    if not bulk:
        try:
            return json.dumps(redact(json.loads(body)))
        except (ValueError, RecursionError):
            pass
    start = body[: audit.MAX_REQUEST_CHARS].decode("utf-8", "replace")
    lowered = start.lower()
    if "\\u" in lowered or any(word in lowered for word in SECRET_WORDS):
        return f"<{len(body)} bytes, not kept>"
    return start


def tell_audit(request: Request, before: Any, after: Any) -> None:
    """A route's own account of what it changed (models, or lists of them), for a guard
    made with ``states="route"``: the states it read and wrote anyway, so the log needs no
    reads of its own."""
    request.state.audit_states = (to_jsonable_python(before), to_jsonable_python(after))


def allow(
    rule: Rule, *, audited: bool = True, states: Literal["read", "route"] = "read"
) -> DependsParam:
    """The dependency of a route open to ``rule``; a mutation that succeeds is audited
    (who, route, input, and what it touched before and after) before the answer leaves, in
    the route's own transaction when the route writes through :data:`WriteDb`. The states
    are read around the route, or with ``states="route"`` told by it (:func:`tell_audit`)."""

    async def guard(
        request: Request, ctx: Context, who: Caller, db: WriteDb
    ) -> AsyncIterator[None]:
        tournament_id = _tournament_id(request)

        refused = getattr(request.state, "auth_error", None)
        if refused is not None and rule is not Rule.PUBLIC:
            raise refused

        def check() -> None:
            with ctx.database.read() as db:
                access.check(db, who, rule, tournament_id, request.method)

        if not access.passes_at_once(who, rule, request.method):
            await run_in_threadpool(check)
        if request.method in READS or not audited:
            yield
            return
        # The body is read before a write slot is taken (the body limit has read it from the
        # client already, within body_timeout_s): a slot is never held for a slow client.
        body = await request.body()
        bulk = bool(request.scope.get("state", {}).get(BULK_STATE))
        # A mutation waits here, in the event loop, while others run: a request that holds
        # a worker thread and a connection only to wait on a tournament's lock could starve
        # the lock's holder of the thread its commit needs.
        async with ctx.writers:
            params = _params(request)

            def before() -> Any:
                with ctx.database.read() as snapshot_db:
                    return audit.snapshot(snapshot_db, params)

            state = None if states == "route" else await run_in_threadpool(before)
            yield
            target = getattr(request.state, "audit_target", None)
            told = getattr(request.state, "audit_states", None)
            route = request.scope.get("route")

            def write() -> None:
                # The route's own write session when it has one (the entry commits with the
                # change), else a session of its own after the route's transaction.
                audit.record(
                    db,
                    principal=who,
                    action=f"{request.method} {getattr(route, 'path', request.url.path)}",
                    params=params,
                    target=target,
                    request=_request_text(body, bulk=bulk),
                    before=state if told is None else told[0],
                    after=audit.snapshot(db, params, target) if told is None else told[1],
                    status_code=getattr(route, "status_code", None) or 200,
                )

            await run_in_threadpool(write)

    guard.rule = rule  # type: ignore[attr-defined]
    return Depends(guard, scope="function")


# scope="function": the transaction ends (commits) before the answer is sent, so a client
# that got its 2xx always reads what it wrote.
ReadDb = Annotated[Session, Depends(read_db, scope="function")]
WriteDb = Annotated[Session, Depends(write_db, scope="function")]
Public = allow(Rule.PUBLIC)
SignIn = allow(Rule.PUBLIC, audited=False)
"""Open to anyone and never logged: its input is a password or a token."""
Signed = allow(Rule.USER)
PlayerOnly = allow(Rule.PLAYER)
Organizer = allow(Rule.ORGANIZER)
Owner = allow(Rule.OWNER)
RefereeRule = allow(Rule.REFEREE)
RefereeTells = allow(Rule.REFEREE, states="route")
"""Referee routes that tell the audit log their before/after states (:func:`tell_audit`)."""
Admin = allow(Rule.ADMIN)
