"""The bootstrap admin token: generated on first run, stored hashed (the caller check in
:mod:`bracketry.service.access` compares it in constant time)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from bracketry.store.models import Secret

ADMIN_TOKEN = "admin_token"
TOKEN_BYTES = 24


def token_hash(token: str) -> str:
    """How a bearer secret (admin token, API key) is stored: its SHA-256, in hex."""
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
        db.add(Secret(name=ADMIN_TOKEN, value_hash=token_hash(token)))
    else:
        row.value_hash = token_hash(token)
    return fresh


def admin_token_hash(*, db: Session) -> str | None:
    """The stored hash of the admin token, if any."""
    row = db.get(Secret, ADMIN_TOKEN)
    return None if row is None else row.value_hash
