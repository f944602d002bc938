"""Signed JWT access and refresh tokens (HS256) for accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from sqlalchemy.orm import Session

from bracketry.service.errors import Unauthorized
from bracketry.store.models import Secret
from bracketry.store.types import utcnow

JWT_SECRET = "jwt_secret"
ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"
MAX_SUB = 2**31 - 1
"""The largest account id a token may name (the database's id range)."""


@dataclass(frozen=True)
class Claims:
    """What a valid token says: its account, when it was issued (seconds since the epoch,
    with fractions) and its own id (refresh tokens)."""

    user_id: int
    issued_at: float
    jti: str | None = None


@dataclass(frozen=True)
class Lifetimes:
    """How long each kind of token lives."""

    access: timedelta = timedelta(minutes=15)
    refresh: timedelta = timedelta(days=7)
    chain: timedelta = timedelta(days=30)
    """The longest a sign-in lasts from its password check, however often renewed."""


def ensure_secret(*, db: Session, configured: str | None) -> str:
    """The signing secret: the configured one, else one generated once and stored."""
    if configured:
        return configured
    row = db.get(Secret, JWT_SECRET)
    if row is None:
        row = Secret(name=JWT_SECRET, value_hash=secrets.token_urlsafe(48))
        db.add(row)
    return row.value_hash  # a signing key must be usable, so it is stored as is


def issue(
    user_id: int, kind: str, *, secret: str, lifetime: timedelta, jti: str | None = None
) -> str:
    """A signed token of ``kind`` for ``user_id`` (with its own id ``jti`` when given); its
    ``iat`` keeps fractions of a second, so a token issued just after a password change is
    told from one issued just before."""
    now = utcnow()
    claims: dict[str, object] = {
        "sub": str(user_id),
        "typ": kind,
        "iat": now.timestamp(),
        "exp": now + lifetime,
    }
    if jti is not None:
        claims["jti"] = jti
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read(token: str, kind: str, *, secret: str) -> Claims:
    """The claims of a valid, unexpired token of ``kind``; :class:`Unauthorized` else."""
    claims = _claims(token, kind, secret=secret)
    jti = claims.get("jti")
    return Claims(
        user_id=int(str(claims["sub"])),
        issued_at=float(claims["iat"]),  # type: ignore[arg-type]
        jti=jti if isinstance(jti, str) and jti else None,
    )


def read_refresh(token: str, *, secret: str) -> Claims:
    """The claims of a valid, unexpired refresh token (with its token id)."""
    claims = read(token, REFRESH, secret=secret)
    if claims.jti is None:
        raise Unauthorized("this refresh token is from an older version: sign in again")
    return claims


def _claims(token: str, kind: str, *, secret: str) -> dict[str, object]:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "typ"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise Unauthorized(f"the {kind} token has expired") from error
    except jwt.PyJWTError as error:
        raise Unauthorized(f"not a valid {kind} token") from error
    if claims.get("typ") != kind or not _account_id(claims.get("sub")):
        raise Unauthorized(f"not a valid {kind} token")
    return claims


def _account_id(sub: object) -> bool:
    """Whether ``sub`` names an account id the database can hold."""
    text = str(sub)
    return text.isascii() and text.isdigit() and len(text) <= 10 and 1 <= int(text) <= MAX_SUB
