"""Players report their own results: one reports, the opponent confirms (the result is
applied and advanced, as if a referee had recorded it) or disputes (the match is flagged
for the organiser, who records the result directly)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bracketry.schemas.session import DisputeIn, ReportRead, ResultCreate, SessionRead
from bracketry.service import formats, results, sessions
from bracketry.service.access import Principal
from bracketry.service.errors import Conflict, Forbidden
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.tournaments import get_or_raise, lock_or_raise
from bracketry.store.models import Report
from bracketry.store.types import utcnow

State = Literal["pending", "confirmed", "disputed", "resolved"]
PLAYERS_SOURCE = "players"


def report(
    *,
    db: Session,
    tournament_id: int,
    session_id: int,
    result_in: ResultCreate,
    who: Principal | None,
) -> SessionRead:
    """A player reports the result of their own ready match; it waits for the opponent."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.IN_PROGRESS, action="report results")
    match = sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
    player = _player_in(match, who)
    if match.result is not None:
        raise Conflict(f"session {session_id} already has a result")
    existing = db.get(Report, session_id)
    if existing is not None and existing.state in ("pending", "disputed"):
        raise Conflict(
            f"session {session_id} was already reported ({existing.state}); "
            "the opponent confirms or disputes it"
        )
    results.judged(match, result_in, fmt=formats.format_of(tournament))  # refuse a bad one now
    now = utcnow()
    row = existing or Report(match_id=session_id, tournament_id=tournament_id)
    row.reporter_id = player
    row.outcome = result_in.outcome
    row.winner_id = result_in.winner_id
    row.score_a, row.score_b = result_in.score_a, result_in.score_b
    row.state, row.reason = "pending", None
    row.reported_at = row.updated_at = now
    db.add(row)
    db.flush()
    return _view(db, tournament_id, session_id)


def confirm(
    *, db: Session, tournament_id: int, session_id: int, who: Principal | None
) -> SessionRead:
    """The opponent agrees: the reported result is recorded and its winner advances."""
    row = _opponent_acting(db, tournament_id, session_id, who)
    result_in = ResultCreate(
        outcome=row.outcome,  # type: ignore[arg-type]
        score_a=row.score_a,
        score_b=row.score_b,
        winner_id=row.winner_id,
    )
    results.record(
        db=db,
        tournament_id=tournament_id,
        session_id=session_id,
        result_in=result_in,
        source=PLAYERS_SOURCE,
    )
    row.state, row.updated_at = "confirmed", utcnow()
    db.flush()
    return _view(db, tournament_id, session_id)


def dispute(
    *,
    db: Session,
    tournament_id: int,
    session_id: int,
    dispute_in: DisputeIn,
    who: Principal | None,
) -> SessionRead:
    """The opponent disagrees: the match is flagged for the organiser."""
    row = _opponent_acting(db, tournament_id, session_id, who)
    row.state, row.reason, row.updated_at = "disputed", dispute_in.reason, utcnow()
    db.flush()
    return _view(db, tournament_id, session_id)


def listed(
    *, db: Session, tournament_id: int, state: State | None, limit: int, offset: int
) -> tuple[list[ReportRead], int]:
    """The tournament's reports (of one state), oldest first, and how many there are."""
    get_or_raise(db=db, tournament_id=tournament_id)
    filters = [Report.tournament_id == tournament_id]
    if state is not None:
        filters.append(Report.state == state)
    total = db.execute(select(func.count()).select_from(Report).where(*filters)).scalar_one()
    rows = db.scalars(
        select(Report)
        .where(*filters)
        .order_by(Report.reported_at, Report.match_id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [sessions.report_view(r) for r in rows], total


def _player_in(match: SessionRead, who: Principal | None) -> int:
    players = [p.player_id for p in match.participants or [] if p is not None]
    if who is None or who.player_id is None or who.player_id not in players:
        raise Forbidden(
            f"only the players of session {match.id} report or answer its result",
            field="session_id",
        )
    if len(players) < 2:
        raise Conflict(f"session {match.id} is not ready: its players are not both known")
    return who.player_id


def _opponent_acting(
    db: Session, tournament_id: int, session_id: int, who: Principal | None
) -> Report:
    """The pending report of ``session_id`` that the caller, as the opponent, may answer."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.IN_PROGRESS, action="answer a report")
    match = sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
    player = _player_in(match, who)
    row = db.get(Report, session_id)
    if row is None or row.state != "pending":
        state = "no report" if row is None else f"its report is {row.state}"
        raise Conflict(f"session {session_id} has nothing to answer: {state}")
    if row.reporter_id == player:
        raise Forbidden("the opponent answers a report, not the player who made it")
    return row


def _view(db: Session, tournament_id: int, session_id: int) -> SessionRead:
    return sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
