"""A whole tournament as one JSON document: export it, import it back as a new tournament."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from bracketry.api.deps import Caller, Organizer, Public, ReadDb, WriteDb, owner_of
from bracketry.api.params import TournamentId
from bracketry.schemas.archive import TournamentDocument
from bracketry.schemas.tournament import TournamentRead
from bracketry.service import archive, tournaments

router = APIRouter(prefix="/tournaments", tags=["archive"])


@router.get("/{tournament_id}/export/tournament.json", dependencies=[Public])
def export_tournament(tournament_id: TournamentId, db: ReadDb) -> TournamentDocument:
    """Everything the tournament is, with players and sessions referred to by position."""
    return archive.export_document(db=db, tournament_id=tournament_id)


@router.post("/import", status_code=status.HTTP_201_CREATED, dependencies=[Organizer])
def import_tournament(
    document: TournamentDocument, db: WriteDb, who: Caller, request: Request
) -> TournamentRead:
    """A new tournament (and new players) from an exported document, in one transaction;
    an organiser who imports it runs it."""
    tournament = archive.import_document(db=db, document=document)
    tournament.owner_id = owner_of(who)
    request.state.audit_target = ("tournament", tournament.id)
    return tournaments.read(db=db, tournament=tournament)
