"""Check-in rules: a tournament's window, and whether a player may check in now."""

from __future__ import annotations

from datetime import datetime

from bracketry.service.errors import Conflict
from bracketry.service.lifecycle import Status, require_status
from bracketry.store.models import Tournament
from bracketry.store.types import utcnow


def check_in_window(tournament: Tournament) -> tuple[datetime, datetime] | None:
    """The tournament's check-in window, if it has one."""
    given = (tournament.config or {}).get("check_in")
    if not given:
        return None
    return datetime.fromisoformat(given["opens_at"]), datetime.fromisoformat(given["closes_at"])


def require_check_in_open(tournament: Tournament) -> datetime:
    """Raise unless a player may check in now (before the draw, inside the window); now."""
    require_status(tournament, Status.ENROLLMENT_OPEN, Status.ENROLLMENT_CLOSED, action="check in")
    window = check_in_window(tournament)
    if window is None:
        raise Conflict("this tournament has no check-in", field="config.check_in")
    now = utcnow()
    if not window[0] <= now < window[1]:
        raise Conflict(
            f"check-in is open from {window[0].isoformat()} to {window[1].isoformat()}",
            field="config.check_in",
        )
    return now


def check_in_open(tournament: Tournament) -> bool:
    """Whether a player may check in now, by :func:`require_check_in_open`."""
    try:
        require_check_in_open(tournament)
    except Conflict:
        return False
    return True
