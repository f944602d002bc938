"""Sign-ins: token pairs whose refresh tokens are stored, used once, and revocable.

Every renewal revokes the refresh token it used and issues the next one of the same sign-in
(its family). A refresh token used a second time means two holders: the whole sign-in ends.
Signing out ends it too; an access token lives on until it expires (minutes).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bracketry.schemas.account import TokenPair
from bracketry.service import accounts, tokens
from bracketry.service.errors import Unauthorized
from bracketry.service.throttle import Throttle
from bracketry.store.database import Database
from bracketry.store.models import RefreshToken
from bracketry.store.types import utcnow


def start(
    db: Session,
    *,
    user_id: int,
    secret: str,
    lifetimes: tokens.Lifetimes,
    family: str | None = None,
) -> TokenPair:
    """A new token pair for ``user_id``: a new sign-in, or the next pair of ``family``."""
    now = utcnow()
    db.execute(
        delete(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.expires_at < now)
    )
    jti = secrets.token_hex(16)
    db.add(
        RefreshToken(
            jti=jti,
            user_id=user_id,
            family=family or jti,
            expires_at=now + lifetimes.refresh,
            revoked_at=None,
        )
    )
    db.flush()
    return TokenPair(
        access_token=tokens.issue(user_id, tokens.ACCESS, secret=secret, lifetime=lifetimes.access),
        refresh_token=tokens.issue(
            user_id, tokens.REFRESH, secret=secret, lifetime=lifetimes.refresh, jti=jti
        ),
        expires_in=int(lifetimes.access.total_seconds()),
    )


def with_password(
    database: Database,
    *,
    logins: Throttle,
    key: str,
    username: str,
    password: str,
    secret: str,
    lifetimes: tokens.Lifetimes,
) -> TokenPair:
    """A new sign-in for a name and password, within the login limit of ``key`` (name and
    address). The password is checked outside any write (argon2 takes a while); the outcome
    is written in a transaction of its own, so a failure counts although it is refused."""
    with database.read() as db:
        logins.check(db, key)
        try:
            user_id: int | Unauthorized = accounts.authenticate(
                db=db, username=username, password=password
            ).id
        except Unauthorized as error:
            user_id = error
    with database.write() as db:
        if isinstance(user_id, Unauthorized):
            logins.failed(db, key)
        else:
            logins.succeeded(db, key)
            pair = start(db, user_id=user_id, secret=secret, lifetimes=lifetimes)
    if isinstance(user_id, Unauthorized):
        raise user_id
    return pair


def renew(
    database: Database, *, refresh_token: str, secret: str, lifetimes: tokens.Lifetimes
) -> TokenPair:
    """The next pair for a live refresh token of an enabled account, in a transaction of its
    own: ending a sign-in whose token was used twice is committed before it is refused."""
    with database.write() as db:
        renewed = _renewed(db, refresh_token=refresh_token, secret=secret, lifetimes=lifetimes)
    if isinstance(renewed, Unauthorized):
        raise renewed
    return renewed


def _renewed(
    db: Session, *, refresh_token: str, secret: str, lifetimes: tokens.Lifetimes
) -> TokenPair | Unauthorized:
    user_id, jti = tokens.read_refresh(refresh_token, secret=secret)
    row = db.get(RefreshToken, jti, with_for_update=True)
    if row is None or row.user_id != user_id:
        return Unauthorized("this refresh token is not known here: sign in again")
    if row.revoked_at is not None:
        _end_family(db, row.family)
        return Unauthorized("this refresh token was already used or revoked: sign in again")
    user = accounts.active_user(db, user_id)
    row.revoked_at = utcnow()
    return start(db, user_id=user.id, secret=secret, lifetimes=lifetimes, family=row.family)


def end(db: Session, *, refresh_token: str, secret: str) -> None:
    """Sign out: the sign-in of ``refresh_token`` can no longer be renewed."""
    _user_id, jti = tokens.read_refresh(refresh_token, secret=secret)
    row = db.get(RefreshToken, jti)
    if row is not None:
        _end_family(db, row.family)


def lifetimes(access_minutes: int, refresh_days: int) -> tokens.Lifetimes:
    """The token lifetimes of the settings."""
    return tokens.Lifetimes(
        access=timedelta(minutes=access_minutes), refresh=timedelta(days=refresh_days)
    )


def _end_family(db: Session, family: str) -> None:
    db.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
