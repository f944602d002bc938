"""Referee assignment and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from bracketry.api.deps import Admin, Caller, Owner, Public, ReadDb, WriteDb
from bracketry.api.params import MAX_ID, Offset, TournamentId, limit_param
from bracketry.schemas.account import AuditPage, RefereeRead
from bracketry.service import audit, referees
from bracketry.service.tournaments import get_or_raise

router = APIRouter(tags=["accounts"])

UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="Account id.")]


@router.get("/tournaments/{tournament_id}/referees", dependencies=[Public])
def list_referees(tournament_id: TournamentId, db: ReadDb, who: Caller) -> list[RefereeRead]:
    """The tournament's referees by display name (login names: its owner and admins)."""
    return referees.listed(db=db, tournament_id=tournament_id, viewer=who)


@router.put(
    "/tournaments/{tournament_id}/referees/{user_id}", status_code=204, dependencies=[Owner]
)
def assign_referee(tournament_id: TournamentId, user_id: UserId, db: WriteDb) -> Response:
    """Let a referee account record this tournament's results."""
    referees.assign(db=db, tournament_id=tournament_id, user_id=user_id)
    return Response(status_code=204)


@router.delete(
    "/tournaments/{tournament_id}/referees/{user_id}", status_code=204, dependencies=[Owner]
)
def unassign_referee(tournament_id: TournamentId, user_id: UserId, db: WriteDb) -> Response:
    """Take a referee off this tournament."""
    referees.unassign(db=db, tournament_id=tournament_id, user_id=user_id)
    return Response(status_code=204)


@router.get("/tournaments/{tournament_id}/audit", dependencies=[Owner])
def tournament_audit(
    tournament_id: TournamentId,
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(100, 1000),  # type: ignore[assignment]
) -> AuditPage:
    """Every mutation of this tournament, newest first (its organiser and admins)."""
    get_or_raise(db=db, tournament_id=tournament_id)
    return audit.page(db=db, tournament_id=tournament_id, limit=limit, offset=offset)


@router.get("/audit", dependencies=[Admin])
def full_audit(
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(100, 1000),  # type: ignore[assignment]
) -> AuditPage:
    """Every mutation, newest first."""
    return audit.page(db=db, tournament_id=None, limit=limit, offset=offset)
