"""Session routes: list, read, record and correct a result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from bracketry.api.deps import (
    Caller,
    Owner,
    Public,
    ReadDb,
    RefereeRule,
    RefereeTells,
    WriteDb,
    tell_audit,
)
from bracketry.api.params import (
    MAX_ID,
    Offset,
    RoundFilter,
    SessionId,
    TournamentId,
    limit_param,
)
from bracketry.engine.model import MatchStatus
from bracketry.schemas.session import (
    CorrectionOutcome,
    HeatResultCreate,
    ResultBatch,
    ResultBatchRead,
    ResultCorrection,
    ResultCreate,
    SessionPage,
    SessionRead,
)
from bracketry.service import corrections, heat_results, results, sessions

router = APIRouter(prefix="/tournaments/{tournament_id}/sessions", tags=["sessions"])
batches = APIRouter(prefix="/tournaments/{tournament_id}", tags=["sessions"])


@router.get("", dependencies=[Public])
def list_sessions(
    tournament_id: TournamentId,
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(1000, 10_000),  # type: ignore[assignment]
    round_: RoundFilter = None,
    status: MatchStatus | None = None,
    player_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> SessionPage:
    """Sessions in bracket order, filtered by round, status and player (their path)."""
    return sessions.list_page(
        db=db,
        tournament_id=tournament_id,
        limit=limit,
        offset=offset,
        round_=round_,
        status=status,
        player_id=player_id,
    )


@router.get("/{session_id}", dependencies=[Public])
def get_session(tournament_id: TournamentId, session_id: SessionId, db: ReadDb) -> SessionRead:
    """One session."""
    return sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)


@router.post("/{session_id}/result", dependencies=[RefereeTells])
def record_result(
    tournament_id: TournamentId,
    session_id: SessionId,
    result_in: ResultCreate,
    db: WriteDb,
    request: Request,
) -> SessionRead:
    """Record a result and advance its players, atomically."""
    recorded = results.record(
        db=db, tournament_id=tournament_id, session_id=session_id, result_in=result_in
    )
    tell_audit(request, recorded.before, recorded.after)
    return recorded.after


@router.put("/{session_id}/result", dependencies=[Owner])
def correct_result(
    tournament_id: TournamentId,
    session_id: SessionId,
    result_in: ResultCorrection,
    who: Caller,
    db: WriteDb,
) -> CorrectionOutcome:
    """Correct a recorded result; later sessions that depended on it are reset (with
    ``force`` when they have results) and their players' reports voided, atomically."""
    return corrections.correct(
        db=db, tournament_id=tournament_id, session_id=session_id, result_in=result_in, who=who
    )


@router.post("/{session_id}/heat-result", dependencies=[RefereeRule])
def record_heat_result(
    tournament_id: TournamentId, session_id: SessionId, heat_in: HeatResultCreate, db: WriteDb
) -> SessionRead:
    """Record a heat's measured results (every player's attempts), atomically."""
    return heat_results.record(
        db=db, tournament_id=tournament_id, session_id=session_id, heat_in=heat_in
    )


@router.put("/{session_id}/heat-result", dependencies=[Owner])
def correct_heat_result(
    tournament_id: TournamentId, session_id: SessionId, heat_in: HeatResultCreate, db: WriteDb
) -> SessionRead:
    """Correct a heat's results; later rounds made from it are removed (with ``force`` when
    they have results) and dealt again."""
    return heat_results.record(
        db=db, tournament_id=tournament_id, session_id=session_id, heat_in=heat_in, correct=True
    )


@batches.post("/results", dependencies=[RefereeTells])
def record_results(
    tournament_id: TournamentId, batch: ResultBatch, db: WriteDb, request: Request
) -> ResultBatchRead:
    """Record up to 1,000 results at once, in their order, all or none (a refusal names
    ``results[i]``); a result may be for a session an earlier one of the batch completed."""
    recorded = results.record_many(db=db, tournament_id=tournament_id, results=batch.results)
    tell_audit(request, [r.before for r in recorded], [r.after for r in recorded])
    return ResultBatchRead(items=[r.after for r in recorded])
