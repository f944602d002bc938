"""The tournament lifecycle: which status may follow which, and by what action.

DRAFT → ENROLLMENT_OPEN ⇄ ENROLLMENT_CLOSED → IN_PROGRESS → COMPLETED, and CANCELLED
from any status that is not final. IN_PROGRESS is entered only by generating sessions
and COMPLETED only by completing; every transition is recorded in the status history.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bracketry.schemas.status import Status
from bracketry.service.errors import Conflict
from bracketry.store.models import StatusChange, Tournament
from bracketry.store.types import utcnow


class Via(StrEnum):
    """The action that performs a transition."""

    STATUS = "status change"
    GENERATE = "generate-sessions"
    COMPLETE = "complete"


FINAL = frozenset({Status.COMPLETED, Status.CANCELLED})
RENAMABLE = frozenset(s for s in Status if s not in FINAL)
"""A tournament may be renamed until it is completed or cancelled."""
DELETABLE = frozenset({Status.DRAFT})
"""Only a draft may be deleted: nobody has enrolled or played in it yet."""
PROMOTING = frozenset({Status.ENROLLMENT_OPEN})
"""A place that frees up goes to the first waiting player only while enrollment is open."""

TRANSITIONS: dict[tuple[Status, Status], Via] = {
    (Status.DRAFT, Status.ENROLLMENT_OPEN): Via.STATUS,
    (Status.ENROLLMENT_OPEN, Status.ENROLLMENT_CLOSED): Via.STATUS,
    (Status.ENROLLMENT_CLOSED, Status.ENROLLMENT_OPEN): Via.STATUS,
    (Status.ENROLLMENT_CLOSED, Status.IN_PROGRESS): Via.GENERATE,
    (Status.IN_PROGRESS, Status.COMPLETED): Via.COMPLETE,
    **{(s, Status.CANCELLED): Via.STATUS for s in Status if s not in FINAL},
}


@dataclass(frozen=True)
class Action:
    """Something done to a tournament, the statuses it may be done in, and how a refusal
    names it; the services require it and the monitor offers it by the same table."""

    name: str
    """The snapshot's name for it (``actions``)."""
    words: str
    statuses: tuple[Status, ...]

    def allows(self, status: Status | str) -> bool:
        """Whether the action may be done in ``status``."""
        return status in self.statuses

    def require(self, tournament: Tournament) -> None:
        """Raise :class:`Conflict` unless the tournament's status allows the action."""
        require_status(tournament, *self.statuses, action=self.words)


def _via(via: Via) -> tuple[Status, ...]:
    """The statuses a transition by ``via`` leaves."""
    return tuple(current for (current, _target), by in TRANSITIONS.items() if by == via)


GENERATE = Action("generate", "generate sessions", _via(Via.GENERATE))
COMPLETE = Action("complete", "complete", _via(Via.COMPLETE))
SIMULATE = Action("simulate", "simulate results", (Status.IN_PROGRESS,))
RANK = Action("calculate-rankings", "calculate rankings", (Status.IN_PROGRESS,))


def check_transition(current: Status, target: Status, via: Via) -> None:
    """Raise :class:`Conflict` unless ``via`` may move ``current`` to ``target``."""
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        raise Conflict(f"cannot change status from {current} to {target}", field="status")
    if allowed != via:
        raise Conflict(
            f"status {current} becomes {target} only through {allowed}, not a {via}",
            field="status",
        )


def transition(
    db: Session, tournament: Tournament, target: Status, *, via: Via, reason: str
) -> None:
    """Move ``tournament`` to ``target`` and record it; the caller holds the row lock."""
    current = Status(tournament.status)
    check_transition(current, target, via)
    now = utcnow()
    tournament.status = target
    tournament.updated_at = now
    db.add(
        StatusChange(
            tournament_id=tournament.id,
            from_status=current,
            to_status=target,
            reason=reason[:200],
            at=now,
        )
    )


def require_status(tournament: Tournament, *allowed: Status, action: str) -> None:
    """Raise :class:`Conflict` unless the tournament is in one of ``allowed``."""
    if tournament.status not in allowed:
        wanted = " or ".join(allowed)
        raise Conflict(
            f"cannot {action} while the tournament is {tournament.status} (needs {wanted})"
        )
