"""Players report their own results: one reports, the opponent confirms (the result is
applied and advanced, as if a referee had recorded it) or disputes (the match is flagged
for the organiser, who records the result directly).

A report belongs to its match and to the pairing it was about (the tournament and the two
players in slots A and B when it was made). A correction that resets or removes the match
voids its reports in its own transaction; a report whose pairing is no longer the match's
is void as well: nobody answers it, and a new report replaces it. Every voided report is
deleted and leaves a "void report" entry in the audit log with its content.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bracketry.schemas.session import DisputeIn, ReportRead, ResultCreate, SessionRead
from bracketry.service import formats, results, sessions
from bracketry.service.access import Principal
from bracketry.service.errors import Conflict, Forbidden, ServiceError
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.report_settling import OPEN
from bracketry.service.report_voids import pairing, void, void_reason
from bracketry.service.tournaments import get_or_raise, lock_or_raise
from bracketry.store.database import Database
from bracketry.store.models import Match, Report
from bracketry.store.types import utcnow

State = Literal["pending", "confirmed", "disputed", "resolved"]
PLAYERS_SOURCE = "players"
"""States of a report that still waits for an answer or for the organiser."""


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
    if existing is not None:
        why = void_reason(existing, tournament_id, match)
        if why is not None:
            void(db, [existing], who=who, why=why)
            existing = None
        elif existing.state in OPEN:
            raise Conflict(
                f"session {session_id} was already reported ({existing.state}); "
                "the opponent confirms or disputes it"
            )
    results.judged(match, result_in, fmt=formats.format_of(tournament))  # refuse a bad one now
    now = utcnow()
    row = existing or Report(match_id=session_id, tournament_id=tournament_id)
    row.entrant_a, row.entrant_b = pairing(match)
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
    *,
    database: Database,
    db: Session,
    tournament_id: int,
    session_id: int,
    who: Principal | None,
) -> SessionRead:
    """The opponent agrees: the reported result is recorded and its winner advances.

    ``db`` is the request's write session, not yet begun: a void report is voided in a
    transaction of ``database`` of its own before, so the refusal does not undo it."""
    void_if_stale(database, tournament_id=tournament_id, session_id=session_id, who=who)
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
    database: Database,
    db: Session,
    tournament_id: int,
    session_id: int,
    dispute_in: DisputeIn,
    who: Principal | None,
) -> SessionRead:
    """The opponent disagrees: the match is flagged for the organiser (a void report is
    voided first, as for :func:`confirm`)."""
    void_if_stale(database, tournament_id=tournament_id, session_id=session_id, who=who)
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
    total = db.execute(_of_matches(select(func.count())).where(*filters)).scalar_one()
    rows = db.scalars(
        _of_matches(select(Report))
        .where(*filters)
        .order_by(Report.reported_at, Report.match_id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [sessions.report_view(r) for r in rows], total


def _of_matches(query: Any) -> Any:
    """``query`` over the reports whose match exists, in the report's tournament."""
    return query.select_from(Report).join(
        Match, and_(Match.id == Report.match_id, Match.tournament_id == Report.tournament_id)
    )


def void_if_stale(
    database: Database, *, tournament_id: int, session_id: int, who: Principal | None
) -> None:
    """Before a player answers the report of ``session_id``: when it is open but void (made
    in another tournament or about another pairing), void it in a transaction of its own and
    refuse with :class:`Conflict`. Anything else is left to the answer's own checks."""
    with database.read() as db:
        if _stale(db, tournament_id, session_id, who) is None:
            return
    with database.write() as db:
        lock_or_raise(db=db, tournament_id=tournament_id)
        found = _stale(db, tournament_id, session_id, who)
        if found is None:
            return
        row, why = found
        void(db, [row], who=who, why=why)
    raise Conflict(
        f"the report of session {session_id} is void: {why}; "
        "it is withdrawn, report the result again"
    )


def _stale(
    db: Session, tournament_id: int, session_id: int, who: Principal | None
) -> tuple[Report, str] | None:
    """The open report of ``session_id`` and why it is void, when the caller plays in it."""
    row = db.get(Report, session_id)
    if row is None or row.state not in OPEN:
        return None
    try:
        match = sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
        _player_in(match, who)
    except ServiceError:
        return None  # the answer's own checks refuse it
    why = void_reason(row, tournament_id, match)
    return None if why is None else (row, why)


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
    if row is not None and row.tournament_id != tournament_id:
        row = None  # a report of another tournament's match: not this match's
    if row is None or row.state != "pending":
        state = "no report" if row is None else f"its report is {row.state}"
        raise Conflict(f"session {session_id} has nothing to answer: {state}")
    why = void_reason(row, tournament_id, match)
    if why is not None:
        raise Conflict(
            f"the report of session {session_id} is void: {why}; report the result again"
        )
    if row.reporter_id == player or player not in (row.entrant_a, row.entrant_b):
        raise Forbidden(
            "the opponent in the reported pairing answers a report, not the player who made it"
        )
    return row


def _view(db: Session, tournament_id: int, session_id: int) -> SessionRead:
    return sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
