"""Account routes: sign up, sign in (OAuth2 password flow), refresh, API keys, and the
admins' management of accounts.

Password hashing and checking (argon2, slow by design) run at most ``password_hash_slots`` at
once per process: a route waits for a slot in the event loop, holding no thread, so a crowd of
sign-ins never takes the threads reads need. API keys are managed by signed-in persons only
(the person rule): no key creates or revokes keys."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, Response, status
from starlette.concurrency import run_in_threadpool

from bracketry.api.context import AppContext
from bracketry.api.deps import (
    Admin,
    Caller,
    Context,
    Public,
    ReadDb,
    Signed,
    SignIn,
    WriteDb,
    allow,
    context,
)
from bracketry.api.params import MAX_ID, Offset, TournamentId, limit_param
from bracketry.schemas.account import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    RefreshIn,
    Registration,
    TokenPair,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from bracketry.schemas.credential import CredentialRead, TournamentRights
from bracketry.schemas.names import PlainText
from bracketry.service import access, accounts, sign_ins, tokens, tournaments
from bracketry.service.access import Principal, Rule
from bracketry.service.errors import Conflict, Forbidden, Unauthorized
from bracketry.service.throttle import Throttle

router = APIRouter(tags=["accounts"])
Person = allow(Rule.PERSON)
"""A person signed in (an access token or the admin token), never an API key."""

UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="Account id.")]
KeyId = Annotated[int, Path(ge=1, le=MAX_ID, description="API key id.")]


def _lifetimes(ctx: AppContext) -> tokens.Lifetimes:
    settings = ctx.settings
    return sign_ins.lifetimes(
        settings.access_token_minutes, settings.refresh_token_days, settings.refresh_chain_days
    )


def _hash_slots(request: Request) -> asyncio.Semaphore:
    """The process's password hashing slots, made on first use (in the event loop, so
    never twice)."""
    state = request.app.state
    slots: asyncio.Semaphore | None = getattr(state, "password_hash_slots", None)
    if slots is None:
        slots = asyncio.Semaphore(context(request).settings.password_hash_slots)
        state.password_hash_slots = slots
    return slots


async def _hashed(request: Request, password: str) -> str:
    """The hash of ``password``, computed in a hashing slot."""
    async with _hash_slots(request):
        return await run_in_threadpool(accounts.hash_password, password)


def _account(who: Principal | None) -> int:
    if who is None or who.user_id is None:
        raise Conflict("the admin token has no account: sign in as a user for this")
    return who.user_id


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, dependencies=[Public])
async def register(
    registration: Registration, ctx: Context, db: WriteDb, request: Request
) -> UserRead:
    """Sign up as a player (when the server allows it)."""
    if not ctx.settings.allow_registration:
        raise Forbidden("sign-up is closed on this server; ask an admin for an account")
    password_hash = await _hashed(request, registration.password)
    user = await run_in_threadpool(
        lambda: accounts.register(db=db, registration=registration, password_hash=password_hash)
    )
    request.state.audit_target = ("user", user.id)
    return user


@router.post("/auth/token", dependencies=[SignIn])
async def sign_in(
    ctx: Context,
    request: Request,
    username: Annotated[PlainText, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=128)],
) -> TokenPair:
    """OAuth2 password flow: an access token (Authorization: Bearer) and a refresh token.
    Attempts are counted before the password is checked; failures per name and address,
    and per address with any name, are limited (429 with Retry-After)."""
    settings = ctx.settings
    counted = await run_in_threadpool(
        lambda: sign_ins.attempt(
            ctx.database,
            username=username,
            address=request.client.host if request.client else "-",
            per_name=ctx.logins,
            per_address=Throttle(settings.login_attempts_per_address, settings.login_window_s),
        )
    )
    async with _hash_slots(request):
        return await run_in_threadpool(
            lambda: sign_ins.with_password(
                ctx.database,
                counted=counted,
                username=username,
                password=password,
                secret=ctx.jwt_secret,
                lifetimes=_lifetimes(ctx),
            )
        )


@router.post("/auth/refresh", dependencies=[SignIn])
def refresh(body: RefreshIn, ctx: Context) -> TokenPair:
    """The next token pair for a live refresh token of an enabled account; the one sent is
    used up. Sent a second time, it ends its sign-in (somebody else holds a copy)."""
    return sign_ins.renew(
        ctx.database,
        refresh_token=body.refresh_token,
        secret=ctx.jwt_secret,
        lifetimes=_lifetimes(ctx),
    )


@router.post("/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT, dependencies=[SignIn])
def sign_out(body: RefreshIn, ctx: Context, db: WriteDb) -> Response:
    """End the sign-in of a refresh token: it and its successors renew nothing any more
    (access tokens already issued live until they expire)."""
    sign_ins.end(db, refresh_token=body.refresh_token, secret=ctx.jwt_secret)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/me", dependencies=[Signed])
def me(who: Caller, db: ReadDb) -> UserRead:
    """The signed-in account."""
    return accounts.get(db=db, user_id=_account(who))


@router.get("/auth/credential", dependencies=[Signed])
def credential(who: Caller) -> CredentialRead:
    """What the token sent may do: its role, how it came (admin token, password sign-in or
    API key) and its scope (an API key's; full for any other), so a page offers only what
    can succeed."""
    if who is None:  # the rule lets nobody unsigned in
        raise Unauthorized("sign in first")
    return CredentialRead(role=who.role, user_id=who.user_id, via=who.via, scope=who.scope)


@router.get("/tournaments/{tournament_id}/rights", dependencies=[Signed])
def tournament_rights(tournament_id: TournamentId, who: Caller, db: ReadDb) -> TournamentRights:
    """What the token sent may do to this tournament (the manage page shows only that)."""
    if who is None:  # the rule lets nobody unsigned in
        raise Unauthorized("sign in first")
    tournament = tournaments.get_or_raise(db=db, tournament_id=tournament_id)
    found = access.rights(db, who, tournament)
    return TournamentRights(
        role=who.role,
        scope=who.scope,
        owner=found.owner,
        manage=found.manage,
        record_results=found.record_results,
    )


@router.get("/auth/api-keys", dependencies=[Person])
def list_keys(who: Caller, db: ReadDb) -> list[ApiKeyRead]:
    """The signed-in account's API keys."""
    return accounts.keys(db=db, user_id=_account(who))


@router.post("/auth/api-keys", status_code=status.HTTP_201_CREATED, dependencies=[Person])
def create_key(key_in: ApiKeyCreate, who: Caller, db: WriteDb) -> ApiKeyCreated:
    """A new API key acting as the signed-in account, within its ``scope`` (``read``,
    ``results`` or ``full``); its secret is shown only here. A key cannot make keys."""
    return accounts.create_key(db=db, user_id=_account(who), key_in=key_in)


@router.delete("/auth/api-keys/{key_id}", status_code=204, dependencies=[Person])
def revoke_key(key_id: KeyId, who: Caller, db: WriteDb) -> Response:
    """Revoke one of the signed-in account's API keys."""
    accounts.revoke_key(db=db, user_id=_account(who), key_id=key_id)
    return Response(status_code=204)


@router.get("/users", dependencies=[Admin])
def list_users(
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(100, 1000),  # type: ignore[assignment]
) -> UserPage:
    """Every account, oldest first."""
    return accounts.listed(db=db, limit=limit, offset=offset)


@router.post("/users", status_code=status.HTTP_201_CREATED, dependencies=[Admin])
async def create_user(user_in: UserCreate, db: WriteDb, request: Request) -> UserRead:
    """An account of any role."""
    password_hash = await _hashed(request, user_in.password)
    user = await run_in_threadpool(
        lambda: accounts.create(db=db, user_in=user_in, password_hash=password_hash)
    )
    request.state.audit_target = ("user", user.id)
    return user


@router.get("/users/{user_id}", dependencies=[Admin])
def get_user(user_id: UserId, db: ReadDb) -> UserRead:
    """One account."""
    return accounts.get(db=db, user_id=user_id)


@router.patch("/users/{user_id}", dependencies=[Admin])
async def update_user(
    user_id: UserId, change: UserUpdate, db: WriteDb, request: Request
) -> UserRead:
    """Change an account's role, disable or enable it, or set its password. A new password
    or disabling ends every sign-in of the account: its refresh tokens, API keys and the
    access tokens issued until now stop working."""
    password_hash = None if change.password is None else await _hashed(request, change.password)
    return await run_in_threadpool(
        lambda: accounts.update(db=db, user_id=user_id, change=change, password_hash=password_hash)
    )
