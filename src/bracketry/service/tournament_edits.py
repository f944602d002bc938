"""Renaming a tournament, and deleting a draft with everything under it.

A tournament is renamed until it is completed or cancelled; only a draft is deleted
(:data:`~bracketry.service.lifecycle.RENAMABLE`, :data:`~bracketry.service.lifecycle.DELETABLE`).
A deletion removes every row of the tournament in the caller's transaction. The audit log
keeps its entries (the deletion's own entry holds the tournament as it was): the log is the
record of who did what, and an organiser does not erase it. So that those entries never pass
to another tournament, a deleted tournament's id is never handed out again.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bracketry.schemas.status import Status
from bracketry.service.errors import Conflict
from bracketry.service.lifecycle import DELETABLE, RENAMABLE
from bracketry.service.tournaments import lock_or_raise, new_id
from bracketry.store.models import (
    Advancement,
    Enrollment,
    HeatEntry,
    Job,
    Match,
    MatchSlot,
    Ranking,
    RatingChange,
    Referee,
    Report,
    Result,
    StatusChange,
    Tournament,
    Venue,
    WaitingEntry,
)
from bracketry.store.types import utcnow

OWN_ROWS = (
    Report,
    Result,
    HeatEntry,
    MatchSlot,
    Match,
    Ranking,
    RatingChange,
    Enrollment,
    WaitingEntry,
    Referee,
    Venue,
    Job,
    StatusChange,
)
"""Every table whose rows belong to one tournament by a ``tournament_id`` column (the
advancements belong to it through their matches)."""


def rename(*, db: Session, tournament_id: int, name: str) -> Tournament:
    """Give the tournament a new name, unless it is completed or cancelled (409)."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    status = Status(tournament.status)
    if status not in RENAMABLE:
        raise Conflict(
            f"a tournament keeps its name once it is completed or cancelled; this one is {status}",
            field="name",
        )
    tournament.name = name
    tournament.updated_at = utcnow()
    return tournament


def delete_draft(*, db: Session, tournament_id: int) -> None:
    """Delete a draft and every row that belongs to it, in the caller's transaction (409
    naming the status for any other tournament)."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    status = Status(tournament.status)
    if status not in DELETABLE:
        raise Conflict(
            f"only a draft may be deleted; this tournament is {status}",
            field="tournament_id",
        )
    new_id(db.connection())  # moves the id counter past this id: it is never reused
    matches = select(Match.id).where(Match.tournament_id == tournament_id)
    db.execute(delete(Advancement).where(Advancement.match_id.in_(matches)))
    for model in OWN_ROWS:
        db.execute(delete(model).where(model.tournament_id == tournament_id))
    db.delete(tournament)
    db.flush()
