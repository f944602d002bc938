"""Login rate limiting: sign-in attempts per key in a sliding window, kept in the database so
that every API process and machine counts the same attempts.

An attempt is counted *before* its password is checked: :func:`reserve` counts each key's
attempts and adds one in a single transaction, under a lock of the key (PostgreSQL: a
transaction advisory lock on the key's hash; SQLite: its one write lock), so parallel attempts
never pass a limit together. A reservation stays as the failure it is unless the attempt
succeeds (:func:`give_back`, :func:`forget`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from bracketry.service.errors import TooMany
from bracketry.store.models import SignInFailure
from bracketry.store.types import utcnow

MAX_KEY = 200
"""Keys are cut to this length (a name is at most 64 characters, an address far less)."""


@dataclass(frozen=True)
class Throttle:
    """At most ``attempts`` failed (or unsettled) attempts per key within ``window_s``."""

    attempts: int
    window_s: float

    def check(self, db: Session, key: str, *, now: datetime | None = None) -> None:
        """Raise :class:`TooMany` while ``key`` has used up its attempts."""
        now = now or utcnow()
        count, oldest = db.execute(
            select(func.count(), func.min(SignInFailure.at)).where(
                SignInFailure.key == key[:MAX_KEY], SignInFailure.at > self._since(now)
            )
        ).one()
        if count >= self.attempts:
            wait = max(int((oldest - self._since(now)).total_seconds()) + 1, 1)
            raise TooMany(
                f"too many failed sign-ins; try again in {wait} s",
                retry_after=wait,
                field="username",
            )

    def _since(self, now: datetime) -> datetime:
        return now - timedelta(seconds=self.window_s)


def reserve(db: Session, limits: Sequence[tuple[Throttle, str]]) -> list[int]:
    """Count one attempt now for each (limit, key), or raise :class:`TooMany` (counting
    nothing) when a key has used up its attempts; the ids of the reservations. Run it in a
    write transaction of its own, committed before the password is checked."""
    keys = [key[:MAX_KEY] for _limit, key in limits]
    _lock(db, keys)
    now = utcnow()
    widest = max(limit.window_s for limit, _key in limits)
    db.execute(delete(SignInFailure).where(SignInFailure.at <= now - timedelta(seconds=widest)))
    for (limit, _key), key in zip(limits, keys, strict=True):
        limit.check(db, key, now=now)
    rows = [SignInFailure(key=key, at=now) for key in keys]
    db.add_all(rows)
    db.flush()
    return [row.id for row in rows]


def give_back(db: Session, reservations: Sequence[int]) -> None:
    """Forget reservations (their attempt succeeded)."""
    db.execute(delete(SignInFailure).where(SignInFailure.id.in_(reservations)))


def forget(db: Session, key: str) -> None:
    """Forget all of ``key``'s failures (its name was signed in with its password)."""
    db.execute(delete(SignInFailure).where(SignInFailure.key == key[:MAX_KEY]))


def _lock(db: Session, keys: Sequence[str]) -> None:
    """Serialise the count-and-reserve of each key until the transaction ends (PostgreSQL:
    transaction advisory locks, taken in one order; SQLite's write lock is global)."""
    if db.get_bind().dialect.name != "postgresql":
        return
    for number in sorted({_lock_number(key) for key in keys}):
        db.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})


def _lock_number(key: str) -> int:
    """A signed 64-bit advisory lock number for ``key`` (its SHA-256, cut)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
