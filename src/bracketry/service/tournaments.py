"""Tournaments: create, read, list, change status, complete."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from bracketry.schemas.tournament import (
    MatchCounts,
    StatusChangeIn,
    StatusChangeRead,
    TournamentCreate,
    TournamentPage,
    TournamentRead,
)
from bracketry.service.errors import Conflict, NotFound
from bracketry.service.lifecycle import COMPLETE, Status, Via, transition
from bracketry.service.paging import next_offset
from bracketry.service.sessions import match_counts, totals
from bracketry.store.bulk import allocate_ids
from bracketry.store.models import Result, StatusChange, Tournament
from bracketry.store.types import utcnow


def create(
    *, db: Session, tournament_in: TournamentCreate, owner_id: int | None = None
) -> Tournament:
    """A new tournament in DRAFT, run by the organiser ``owner_id`` (None: admins only)."""
    now = utcnow()
    tournament = Tournament(
        id=new_id(db.connection()),
        name=tournament_in.name,
        format=tournament_in.format,
        config=tournament_in.config.model_dump(mode="json"),
        status=Status.DRAFT,
        enrolled_count=0,
        created_at=now,
        updated_at=now,
        owner_id=owner_id,
    )
    db.add(tournament)
    db.flush()
    db.add(
        StatusChange(
            tournament_id=tournament.id,
            from_status=None,
            to_status=Status.DRAFT,
            reason="created",
            at=now,
        )
    )
    return tournament


def new_id(conn: Connection) -> int | None:
    """A tournament id never handed out before, from the id counter on SQLite (which would
    give the largest id + 1 again once that tournament is deleted); None on PostgreSQL,
    whose sequence never hands an id out twice. Takes the counter's lock until commit."""
    if conn.dialect.name != "sqlite":
        return None
    return int(allocate_ids(conn, Tournament.__table__, 1)[0])


def get_or_raise(*, db: Session, tournament_id: int) -> Tournament:
    """The tournament, or :class:`NotFound`."""
    tournament = db.get(Tournament, tournament_id)
    if tournament is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    return tournament


_ONE = select(Tournament).where(Tournament.id == bindparam("tournament_id"))
_LOCK = _ONE.with_for_update().execution_options(populate_existing=True)
_LOCK_SHARED = _ONE.with_for_update(read=True).execution_options(populate_existing=True)


def lock_or_raise(*, db: Session, tournament_id: int, shared: bool = False) -> Tournament:
    """The tournament, row-locked for the rest of the write transaction: exclusively, or
    ``shared`` with other shared holders (plain results), which every exclusive holder
    (status changes, corrections, growing rounds) waits for and excludes."""
    statement = _LOCK_SHARED if shared else _LOCK
    tournament = db.execute(statement, {"tournament_id": tournament_id}).scalar_one_or_none()
    if tournament is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    return tournament


def read(*, db: Session, tournament: Tournament) -> TournamentRead:
    """The client view of ``tournament``, with match counts by status."""
    return TournamentRead(
        id=tournament.id,
        name=tournament.name,
        format=tournament.format,
        config=tournament.config,
        status=Status(tournament.status),
        enrolled_count=tournament.enrolled_count,
        sessions_generated=tournament.sessions_generated_at is not None,
        sessions_generated_at=tournament.sessions_generated_at,
        rankings_calculated_at=tournament.rankings_calculated_at,
        completed_at=tournament.completed_at,
        created_at=tournament.created_at,
        updated_at=tournament.updated_at,
        matches=match_counts(db=db, tournament_id=tournament.id)
        if tournament.sessions_generated_at
        else MatchCounts(),
    )


def list_page(*, db: Session, limit: int, offset: int, status: Status | None) -> TournamentPage:
    """Tournaments newest first, optionally of one status."""
    query = select(Tournament)
    count = select(func.count()).select_from(Tournament)
    if status is not None:
        query = query.where(Tournament.status == status)
        count = count.where(Tournament.status == status)
    total = db.execute(count).scalar_one()
    rows = db.execute(query.order_by(Tournament.id.desc()).limit(limit).offset(offset)).scalars()
    items = [read(db=db, tournament=t) for t in rows]
    following = next_offset(offset, len(items), total)
    return TournamentPage(items=items, total=total, next_offset=following)


def history(*, db: Session, tournament_id: int) -> list[StatusChangeRead]:
    """Every recorded transition of the tournament, oldest first."""
    get_or_raise(db=db, tournament_id=tournament_id)
    rows = db.execute(
        select(StatusChange)
        .where(StatusChange.tournament_id == tournament_id)
        .order_by(StatusChange.id)
    ).scalars()
    return [
        StatusChangeRead(
            from_status=row.from_status, to_status=row.to_status, reason=row.reason, at=row.at
        )
        for row in rows
    ]


def change_status(*, db: Session, tournament_id: int, change: StatusChangeIn) -> Tournament:
    """Apply an operator's status change if the lifecycle allows it."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    transition(db, tournament, change.status, via=Via.STATUS, reason=change.reason or "operator")
    return tournament


def completion_blocker(
    *, db: Session, tournament: Tournament, counts: MatchCounts | None = None
) -> str | None:
    """What still keeps an IN_PROGRESS tournament from completion (None: nothing); its
    match ``counts`` when the caller has them already."""
    if counts is None:
        total, decided, _unplayed = totals(db=db, tournament_id=tournament.id)
    else:
        total, decided = counts.total, counts.completed
    if decided < total:
        return f"{total - decided} of {total} sessions have no result yet"
    if tournament.rankings_calculated_at is None:
        return "rankings have not been calculated; POST calculate-rankings first"
    last_result = db.execute(
        select(func.max(Result.recorded_at)).where(Result.tournament_id == tournament.id)
    ).scalar_one()
    if last_result is not None and last_result > tournament.rankings_calculated_at:
        return "rankings are older than the last result; calculate them again"
    return None


def complete(*, db: Session, tournament_id: int) -> Tournament:
    """Mark a fully played and ranked tournament COMPLETED; say what is missing otherwise.
    Rating its players is the next step: callers complete through
    :func:`bracketry.service.pipeline.complete`, which does both."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    COMPLETE.require(tournament)
    blocker = completion_blocker(db=db, tournament=tournament)
    if blocker is not None:
        raise Conflict(blocker)
    transition(db, tournament, Status.COMPLETED, via=Via.COMPLETE, reason="all results in")
    tournament.completed_at = tournament.updated_at
    return tournament
