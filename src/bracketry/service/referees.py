"""Referees assigned to a tournament: they record its results.

Everyone may see who referees a tournament, by a display name (the linked player's name, else
"Referee #<id>"); login names are shown only to the tournament's owner and admins. Assigning
answers alike for an unknown account and one that is no referee, so the route tells nobody
which accounts exist or what they are."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bracketry.schemas.account import RefereeRead, Role
from bracketry.service import access
from bracketry.service.access import Principal
from bracketry.service.errors import NotFound
from bracketry.service.tournaments import get_or_raise, lock_or_raise
from bracketry.store.models import Player, Referee, User


def listed(*, db: Session, tournament_id: int, viewer: Principal | None) -> list[RefereeRead]:
    """The tournament's referees, by account id, with display names; with their login
    names when the ``viewer`` is the tournament's owner or an admin."""
    tournament = get_or_raise(db=db, tournament_id=tournament_id)
    full = access.owns(viewer, tournament.owner_id)
    rows = db.execute(
        select(User.id, User.username, Player.name)
        .join(Referee, Referee.user_id == User.id)
        .outerjoin(Player, Player.id == User.player_id)
        .where(Referee.tournament_id == tournament_id)
        .order_by(User.id)
    ).all()
    return [
        RefereeRead(
            user_id=user_id,
            name=player_name or f"Referee #{user_id}",
            username=username if full else None,
        )
        for user_id, username, player_name in rows
    ]


def assign(*, db: Session, tournament_id: int, user_id: int) -> None:
    """Make the referee account ``user_id`` a referee of the tournament (idempotent)."""
    lock_or_raise(db=db, tournament_id=tournament_id)
    user = db.get(User, user_id)
    if user is None or user.role != Role.REFEREE:
        raise NotFound(f"there is no referee account {user_id}", field="user_id")
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
