"""A whole tournament as one JSON document: export it, import it back as a new tournament."""

from __future__ import annotations

from fastapi import APIRouter, status

from bracketry.api.deps import Admin, ReadDb, WriteDb
from bracketry.api.params import TournamentId
from bracketry.schemas.archive import TournamentDocument
from bracketry.schemas.tournament import TournamentRead
from bracketry.service import archive, tournaments

router = APIRouter(prefix="/tournaments", tags=["archive"])


@router.get("/{tournament_id}/export/tournament.json")
def export_tournament(tournament_id: TournamentId, db: ReadDb) -> TournamentDocument:
    """Everything the tournament is, with players and sessions referred to by position."""
    return archive.export_document(db=db, tournament_id=tournament_id)


@router.post("/import", status_code=status.HTTP_201_CREATED, dependencies=[Admin])
def import_tournament(document: TournamentDocument, db: WriteDb) -> TournamentRead:
    """A new tournament (and new players) from an exported document, in one transaction."""
    tournament = archive.import_document(db=db, document=document)
    return tournaments.read(db=db, tournament=tournament)
