"""Sign-ins: token pairs whose refresh tokens are stored, used once, and revocable.

Every renewal revokes the refresh token it used and issues the next one of the same sign-in
(its family). A refresh token used a second time means two holders: the whole sign-in ends.
Signing out ends it too; an access token lives on until it expires (minutes). A sign-in
lasts at most ``chain`` (``refresh_chain_days``) from its password check, however often it
is renewed; a password change or disabling the account ends all of them
(:func:`bracketry.service.accounts.end_sign_ins`).

A password sign-in runs in three steps (:func:`attempt`, then :func:`with_password`): the
attempt is counted against the limits and committed first, the password is checked outside
any transaction (argon2 takes a while; the API runs it in bounded slots), and the outcome is
written last (a success gives its reservations back and starts the sign-in).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bracketry.schemas.account import TokenPair
from bracketry.service import accounts, throttle, tokens
from bracketry.service.errors import Unauthorized
from bracketry.service.throttle import Throttle
from bracketry.store.database import Database
from bracketry.store.models import RefreshToken
from bracketry.store.types import utcnow


@dataclass(frozen=True)
class Attempt:
    """A password sign-in counted against its limits (see :func:`attempt`)."""

    name_key: str
    """The (name, address) key whose failures a success forgets."""
    reservations: tuple[int, ...]


def start(
    db: Session,
    *,
    user_id: int,
    secret: str,
    lifetimes: tokens.Lifetimes,
    renewed: RefreshToken | None = None,
) -> TokenPair:
    """A new token pair for ``user_id``: a new sign-in, or the next pair of the sign-in of
    the ``renewed`` token, whose refresh token never outlives the sign-in's absolute end."""
    now = utcnow()
    db.execute(
        delete(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.expires_at < now)
    )
    jti = secrets.token_hex(16)
    family_end = now + lifetimes.chain
    if renewed is not None and renewed.family_expires_at is not None:
        family_end = renewed.family_expires_at
    expires = min(now + lifetimes.refresh, family_end)
    db.add(
        RefreshToken(
            jti=jti,
            user_id=user_id,
            family=jti if renewed is None else renewed.family,
            expires_at=expires,
            revoked_at=None,
            family_expires_at=family_end,
        )
    )
    db.flush()
    return TokenPair(
        access_token=tokens.issue(user_id, tokens.ACCESS, secret=secret, lifetime=lifetimes.access),
        refresh_token=tokens.issue(
            user_id, tokens.REFRESH, secret=secret, lifetime=expires - now, jti=jti
        ),
        expires_in=int(lifetimes.access.total_seconds()),
    )


def attempt(
    database: Database, *, username: str, address: str, per_name: Throttle, per_address: Throttle
) -> Attempt:
    """Count a sign-in attempt of ``username`` from ``address`` before its password is
    checked, in a committed transaction of its own: against the limit of the name and
    address, and that of the address with any name. :class:`TooMany` when either is used up
    (then nothing is counted)."""
    name_key = f"{username.lower()}|{address}"
    limits = [(per_name, name_key), (per_address, f"|{address}")]  # a name is never empty
    with database.write() as db:
        reservations = throttle.reserve(db, limits)
    return Attempt(name_key=name_key, reservations=tuple(reservations))


def with_password(
    database: Database,
    *,
    counted: Attempt,
    username: str,
    password: str,
    secret: str,
    lifetimes: tokens.Lifetimes,
) -> TokenPair:
    """A new sign-in for a name and password whose attempt was ``counted``. The password is
    checked outside any transaction; a failure stays counted, a success gives its count
    back (and forgets the name's failures from its address) as it starts the sign-in."""
    with database.read() as db:
        user_id, stored = accounts.stored_password(db=db, username=username)
    if not accounts.verify_password(password, stored) or user_id is None:
        raise Unauthorized(accounts.WRONG, field="username")
    with database.write() as db:
        accounts.confirm(db, user_id, stored)
        throttle.give_back(db, counted.reservations)
        throttle.forget(db, counted.name_key)
        return start(db, user_id=user_id, secret=secret, lifetimes=lifetimes)


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
    claims = tokens.read_refresh(refresh_token, secret=secret)
    # The account first, then its token: a password change locks in the same order.
    user = accounts.active_user(db, claims.user_id, issued_at=claims.issued_at, lock=True)
    row = db.get(RefreshToken, claims.jti, with_for_update=True)
    if row is None or row.user_id != user.id:
        return Unauthorized("this refresh token is not known here: sign in again")
    if row.revoked_at is not None:
        _end_family(db, row.family)
        return Unauthorized("this refresh token was already used or revoked: sign in again")
    if _passed(row.family_expires_at):
        return Unauthorized("this sign-in has reached its longest life: sign in again")
    row.revoked_at = utcnow()
    return start(db, user_id=user.id, secret=secret, lifetimes=lifetimes, renewed=row)


def end(db: Session, *, refresh_token: str, secret: str) -> None:
    """Sign out: the sign-in of ``refresh_token`` can no longer be renewed."""
    claims = tokens.read_refresh(refresh_token, secret=secret)
    row = db.get(RefreshToken, claims.jti)
    if row is not None:
        _end_family(db, row.family)


def lifetimes(access_minutes: int, refresh_days: int, chain_days: int = 30) -> tokens.Lifetimes:
    """The token lifetimes of the settings."""
    return tokens.Lifetimes(
        access=timedelta(minutes=access_minutes),
        refresh=timedelta(days=refresh_days),
        chain=timedelta(days=chain_days),
    )


def _passed(moment: datetime | None) -> bool:
    return moment is not None and moment <= utcnow()


def _end_family(db: Session, family: str) -> None:
    db.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
