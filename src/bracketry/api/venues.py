"""Venue routes: where a tournament plays, and how long its matches take."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from bracketry.api.deps import Owner, Public, ReadDb, WriteDb
from bracketry.api.params import MAX_ID, TournamentId
from bracketry.schemas.formats import TimingConfig
from bracketry.schemas.schedule import Rescheduled
from bracketry.schemas.venue import VenueIn, VenueRead
from bracketry.service import venues

router = APIRouter(prefix="/tournaments/{tournament_id}", tags=["schedule"])

VenueId = Annotated[int, Path(ge=1, le=MAX_ID, description="Venue id.")]


@router.get("/venues", dependencies=[Public])
def list_venues(tournament_id: TournamentId, db: ReadDb) -> list[VenueRead]:
    """The tournament's venues, oldest first."""
    return venues.listed(db=db, tournament_id=tournament_id)


@router.post("/venues", status_code=201, dependencies=[Owner])
def create_venue(tournament_id: TournamentId, venue_in: VenueIn, db: WriteDb) -> VenueRead:
    """Add a venue; the matches still to play are planned again."""
    return venues.create(db=db, tournament_id=tournament_id, venue_in=venue_in)


@router.get("/venues/{venue_id}", dependencies=[Public])
def get_venue(tournament_id: TournamentId, venue_id: VenueId, db: ReadDb) -> VenueRead:
    """One venue."""
    return venues.get(db=db, tournament_id=tournament_id, venue_id=venue_id)


@router.put("/venues/{venue_id}", dependencies=[Owner])
def update_venue(
    tournament_id: TournamentId, venue_id: VenueId, venue_in: VenueIn, db: WriteDb
) -> VenueRead:
    """Replace a venue (409 if a match played or under way loses its field); re-plans."""
    return venues.update(db=db, tournament_id=tournament_id, venue_id=venue_id, venue_in=venue_in)


@router.delete("/venues/{venue_id}", status_code=204, dependencies=[Owner])
def delete_venue(tournament_id: TournamentId, venue_id: VenueId, db: WriteDb) -> Response:
    """Remove a venue where no match was played or is under way; re-plans."""
    venues.remove(db=db, tournament_id=tournament_id, venue_id=venue_id)
    return Response(status_code=204)


@router.put("/timing", dependencies=[Owner])
def set_timing(tournament_id: TournamentId, timing: TimingConfig, db: WriteDb) -> Rescheduled:
    """Change match length, field break and player rest; re-plans what is still to play."""
    return venues.set_timing(db=db, tournament_id=tournament_id, timing=timing)
