"""Players' own results: report, confirm, dispute; and the list an organiser works from."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from bracketry.api.deps import Caller, Context, PlayerOnly, Public, ReadDb, WriteDb
from bracketry.api.params import Offset, SessionId, TournamentId, limit_param
from bracketry.schemas.session import DisputeIn, ReportPage, ResultCreate, SessionRead
from bracketry.service import reports
from bracketry.service.paging import next_offset

router = APIRouter(prefix="/tournaments/{tournament_id}", tags=["reports"])


@router.post("/sessions/{session_id}/report", dependencies=[PlayerOnly])
def report_result(
    tournament_id: TournamentId,
    session_id: SessionId,
    result_in: ResultCreate,
    who: Caller,
    db: WriteDb,
) -> SessionRead:
    """A player reports the result of their own match; the opponent confirms or disputes."""
    return reports.report(
        db=db, tournament_id=tournament_id, session_id=session_id, result_in=result_in, who=who
    )


@router.post("/sessions/{session_id}/report/confirm", dependencies=[PlayerOnly])
def confirm_report(
    tournament_id: TournamentId, session_id: SessionId, who: Caller, ctx: Context, db: WriteDb
) -> SessionRead:
    """The opponent confirms: the result is recorded and the winner advances."""
    return reports.confirm(
        database=ctx.database,
        db=db,
        tournament_id=tournament_id,
        session_id=session_id,
        who=who,
    )


@router.post("/sessions/{session_id}/report/dispute", dependencies=[PlayerOnly])
def dispute_report(
    tournament_id: TournamentId,
    session_id: SessionId,
    dispute_in: DisputeIn,
    who: Caller,
    ctx: Context,
    db: WriteDb,
) -> SessionRead:
    """The opponent disputes: the match is flagged until the organiser records a result."""
    return reports.dispute(
        database=ctx.database,
        db=db,
        tournament_id=tournament_id,
        session_id=session_id,
        dispute_in=dispute_in,
        who=who,
    )


@router.get("/reports", dependencies=[Public])
def list_reports(
    tournament_id: TournamentId,
    db: ReadDb,
    state: Literal["pending", "confirmed", "disputed", "resolved"] | None = None,
    offset: Offset = 0,
    limit: int = limit_param(100, 1000),  # type: ignore[assignment]
) -> ReportPage:
    """Players' reports, oldest first; ``state=disputed`` is the organiser's to-do list."""
    items, total = reports.listed(
        db=db, tournament_id=tournament_id, state=state, limit=limit, offset=offset
    )
    following = next_offset(offset, len(items), total)
    return ReportPage(items=items, total=total, next_offset=following)
