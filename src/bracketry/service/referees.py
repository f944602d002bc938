"""Referees assigned to a tournament: they record its results."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bracketry.schemas.account import RefereeRead, Role
from bracketry.service.errors import Conflict, NotFound
from bracketry.service.tournaments import get_or_raise, lock_or_raise
from bracketry.store.models import Referee, User


def listed(*, db: Session, tournament_id: int) -> list[RefereeRead]:
    """The tournament's referees, by account id."""
    get_or_raise(db=db, tournament_id=tournament_id)
    rows = db.execute(
        select(User.id, User.username)
        .join(Referee, Referee.user_id == User.id)
        .where(Referee.tournament_id == tournament_id)
        .order_by(User.id)
    ).all()
    return [RefereeRead(user_id=user_id, username=name) for user_id, name in rows]


def assign(*, db: Session, tournament_id: int, user_id: int) -> None:
    """Make the referee account ``user_id`` a referee of the tournament (idempotent)."""
    lock_or_raise(db=db, tournament_id=tournament_id)
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist", field="user_id")
    if user.role != Role.REFEREE:
        raise Conflict(f"user {user_id} is a {user.role}, not a referee", field="user_id")
    if db.get(Referee, (tournament_id, user_id)) is None:
        db.add(Referee(tournament_id=tournament_id, user_id=user_id))


def unassign(*, db: Session, tournament_id: int, user_id: int) -> None:
    """Take a referee off the tournament."""
    lock_or_raise(db=db, tournament_id=tournament_id)
    row = db.get(Referee, (tournament_id, user_id))
    if row is None:
        raise NotFound(
            f"user {user_id} is not a referee of tournament {tournament_id}", field="user_id"
        )
    db.delete(row)
