"""Players' own entries: join (or wait), withdraw, and the waiting list."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from bracketry.api.deps import Caller, PlayerOnly, Public, ReadDb, WriteDb
from bracketry.api.params import TournamentId
from bracketry.schemas.entry import EntryRead, WaitingRead
from bracketry.service import entries

router = APIRouter(prefix="/tournaments/{tournament_id}", tags=["tournaments"])


@router.post(
    "/join",
    status_code=status.HTTP_201_CREATED,
    dependencies=[PlayerOnly],
    responses={202: {"model": EntryRead, "description": "Full: on the waiting list."}},
)
def join(tournament_id: TournamentId, who: Caller, db: WriteDb, response: Response) -> EntryRead:
    """Enter the signed-in player (201), or put them on the waiting list when full (202)."""
    entry = entries.join(db=db, tournament_id=tournament_id, who=who)
    if entry.state == "waiting":
        response.status_code = status.HTTP_202_ACCEPTED
    return entry


@router.delete("/join", dependencies=[PlayerOnly])
def withdraw(tournament_id: TournamentId, who: Caller, db: WriteDb) -> EntryRead:
    """Withdraw the signed-in player before the draw; the first waiting player moves up."""
    return entries.withdraw(db=db, tournament_id=tournament_id, who=who)


@router.get("/waitlist", dependencies=[Public])
def waitlist(tournament_id: TournamentId, db: ReadDb) -> list[WaitingRead]:
    """The waiting list, first in line first."""
    return entries.waiting(db=db, tournament_id=tournament_id)


@router.post("/check-in", dependencies=[PlayerOnly])
def check_in(tournament_id: TournamentId, who: Caller, db: WriteDb) -> EntryRead:
    """The signed-in player confirms they are there, inside the check-in window; at the
    draw, players who did not are dropped and checked-in waiting players move up."""
    return entries.check_in(db=db, tournament_id=tournament_id, who=who)
