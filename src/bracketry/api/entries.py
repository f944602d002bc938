"""Players' own entries: join (or wait), withdraw, check in, and the waiting list; an
organiser may check a participant in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from bracketry.api.deps import Caller, PlayerOnly, Public, ReadDb, WriteDb, allow, tell_audit
from bracketry.api.params import MAX_ID, TournamentId
from bracketry.schemas.entry import EntryRead, WaitingRead
from bracketry.service import entries
from bracketry.service.access import Rule

router = APIRouter(prefix="/tournaments/{tournament_id}", tags=["tournaments"])
PlayerId = Annotated[int, Path(ge=1, le=MAX_ID, description="Player id.")]
OwnerTells = allow(Rule.OWNER, states="route")
"""The owner's rule; the route tells the audit log the check-in state before and after."""


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


@router.post("/enrollments/{player_id}/check-in", dependencies=[OwnerTells])
def check_in_player(
    tournament_id: TournamentId, player_id: PlayerId, db: WriteDb, request: Request
) -> EntryRead:
    """The organiser checks a participant (or a waiting player) in, by the rules of the
    player's own check-in: inside the window, before the draw."""
    already, entry = entries.check_in_player(
        db=db, tournament_id=tournament_id, player_id=player_id
    )
    tell_audit(
        request,
        {"player_id": player_id, "checked_in": already},
        {"player_id": player_id, "checked_in": True},
    )
    return entry
