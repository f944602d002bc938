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


@dataclass(frozen=True)
class Lifetimes:
    """How long each kind of token lives."""

    access: timedelta = timedelta(minutes=15)
    refresh: timedelta = timedelta(days=7)


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
    """A signed token of ``kind`` for ``user_id`` (with its own id ``jti`` when given)."""
    now = utcnow()
    claims: dict[str, object] = {
        "sub": str(user_id),
        "typ": kind,
        "iat": now,
        "exp": now + lifetime,
    }
    if jti is not None:
        claims["jti"] = jti
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read(token: str, kind: str, *, secret: str) -> int:
    """The user id in a valid, unexpired token of ``kind``; :class:`Unauthorized` else."""
    return int(_claims(token, kind, secret=secret)["sub"])


def read_refresh(token: str, *, secret: str) -> tuple[int, str]:
    """The user id and token id of a valid, unexpired refresh token."""
    claims = _claims(token, REFRESH, secret=secret)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise Unauthorized("this refresh token is from an older version: sign in again")
    return int(claims["sub"]), jti


def _claims(token: str, kind: str, *, secret: str) -> dict[str, object]:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "typ"]}
        )
    except jwt.ExpiredSignatureError as error:
        raise Unauthorized(f"the {kind} token has expired") from error
    except jwt.PyJWTError as error:
        raise Unauthorized(f"not a valid {kind} token") from error
    if claims.get("typ") != kind or not str(claims.get("sub", "")).isdigit():
        raise Unauthorized(f"not a valid {kind} token")
    return claims
