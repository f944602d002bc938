"""Login rate limiting: failed attempts per (name, address) in a sliding window, kept in the
database so that every API process and machine counts the same failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bracketry.service.errors import TooMany
from bracketry.store.models import SignInFailure
from bracketry.store.types import utcnow

MAX_KEY = 200
"""Keys are cut to this length (a name is at most 64 characters, an address far less)."""


@dataclass(frozen=True)
class Throttle:
    """At most ``attempts`` failures per key within ``window_s`` seconds."""

    attempts: int
    window_s: float

    def check(self, db: Session, key: str) -> None:
        """Raise :class:`TooMany` while ``key`` has used up its failures."""
        now = utcnow()
        count, oldest = db.execute(
            select(func.count(), func.min(SignInFailure.at)).where(
                SignInFailure.key == key[:MAX_KEY], SignInFailure.at > self._since(now)
            )
        ).one()
        if count >= self.attempts:
            wait = int((oldest - self._since(now)).total_seconds()) + 1
            raise TooMany(
                f"too many failed sign-ins; try again in {wait} s",
                retry_after=wait,
                field="username",
            )

    def failed(self, db: Session, key: str) -> None:
        """Count one failure of ``key`` (and forget the failures the window has passed)."""
        now = utcnow()
        db.execute(delete(SignInFailure).where(SignInFailure.at <= self._since(now)))
        db.add(SignInFailure(key=key[:MAX_KEY], at=now))

    def succeeded(self, db: Session, key: str) -> None:
        """Forget ``key``'s failures."""
        db.execute(delete(SignInFailure).where(SignInFailure.key == key[:MAX_KEY]))

    def _since(self, now: datetime) -> datetime:
        return now - timedelta(seconds=self.window_s)
