"""The bootstrap admin token: generated on first run, stored hashed, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from bracketry.service.errors import Unauthorized
from bracketry.store.models import Secret

ADMIN_TOKEN = "admin_token"
TOKEN_BYTES = 24


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ensure_admin_token(*, db: Session, configured: str | None, reset: bool = False) -> str | None:
    """Store the admin token's hash; returns a newly generated token to show once, else None.

    A configured token (``BRACKETRY_ADMIN_TOKEN``) always wins over a stored one.
    """
    row = db.get(Secret, ADMIN_TOKEN)
    if configured:
        token, fresh = configured, None
    elif row is not None and not reset:
        return None
    else:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        fresh = token
    if row is None:
        db.add(Secret(name=ADMIN_TOKEN, value_hash=_hash(token)))
    else:
        row.value_hash = _hash(token)
    return fresh


def admin_token_hash(*, db: Session) -> str | None:
    """The stored hash of the admin token, if any."""
    row = db.get(Secret, ADMIN_TOKEN)
    return None if row is None else row.value_hash


def check_admin(token: str | None, expected_hash: str | None) -> None:
    """Raise :class:`Unauthorized` unless ``token`` is the admin token."""
    if not token or expected_hash is None or not hmac.compare_digest(_hash(token), expected_hash):
        raise Unauthorized("a valid admin token is required: Authorization: Bearer <token>")
