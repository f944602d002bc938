"""Venues and timing of a tournament; every change re-plans the matches still to play."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bracketry.schemas.formats import TimingConfig
from bracketry.schemas.schedule import Rescheduled
from bracketry.schemas.venue import VenueIn, VenueRead
from bracketry.service import bracket_state, scheduling
from bracketry.service.errors import Conflict, NotFound
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.tournaments import get_or_raise, lock_or_raise
from bracketry.store.models import Tournament, Venue
from bracketry.store.types import utcnow

MAX_VENUES = 100
EDITABLE = (Status.DRAFT, Status.ENROLLMENT_OPEN, Status.ENROLLMENT_CLOSED, Status.IN_PROGRESS)
REPLANNABLE = (Status.IN_PROGRESS,)
"""The schedule is planned again only while matches are being played."""


def to_read(venue: Venue) -> VenueRead:
    """The client view of a stored venue."""
    return VenueRead(
        id=venue.id,
        tournament_id=venue.tournament_id,
        name=venue.name,
        time_zone=venue.time_zone,
        fields=venue.fields,
        hours=venue.hours,
    )


def listed(*, db: Session, tournament_id: int) -> list[VenueRead]:
    """The tournament's venues, oldest first."""
    get_or_raise(db=db, tournament_id=tournament_id)
    rows = db.scalars(
        select(Venue).where(Venue.tournament_id == tournament_id).order_by(Venue.id)
    ).all()
    return [to_read(v) for v in rows]


def get(*, db: Session, tournament_id: int, venue_id: int) -> VenueRead:
    """One venue of the tournament."""
    get_or_raise(db=db, tournament_id=tournament_id)
    return to_read(_venue_or_raise(db, tournament_id, venue_id))


def create(*, db: Session, tournament_id: int, venue_in: VenueIn) -> VenueRead:
    """Add a venue and re-plan the matches still to play."""
    tournament = _editable(db, tournament_id)
    count = db.execute(
        select(func.count()).select_from(Venue).where(Venue.tournament_id == tournament_id)
    ).scalar_one()
    if count >= MAX_VENUES:
        raise Conflict(f"a tournament has at most {MAX_VENUES} venues", field="name")
    venue = Venue(tournament_id=tournament_id, **_stored(venue_in))
    db.add(venue)
    db.flush()
    replan(db=db, tournament=tournament)
    return to_read(venue)


def update(*, db: Session, tournament_id: int, venue_id: int, venue_in: VenueIn) -> VenueRead:
    """Replace a venue's description and re-plan the matches still to play."""
    tournament = _editable(db, tournament_id)
    venue = _venue_or_raise(db, tournament_id, venue_id)
    for name, value in _stored(venue_in).items():
        setattr(venue, name, value)
    db.flush()
    replan(db=db, tournament=tournament)
    return to_read(venue)


def remove(*, db: Session, tournament_id: int, venue_id: int) -> None:
    """Delete a venue where nothing was played or is under way, and re-plan."""
    tournament = _editable(db, tournament_id)
    db.delete(_venue_or_raise(db, tournament_id, venue_id))
    db.flush()
    replan(db=db, tournament=tournament)


def set_timing(*, db: Session, tournament_id: int, timing: TimingConfig) -> Rescheduled:
    """Change the match length, field break and player rest, and re-plan."""
    tournament = _editable(db, tournament_id)
    tournament.config = {**(tournament.config or {}), "timing": timing.model_dump()}
    tournament.updated_at = utcnow()
    db.flush()
    return replan(db=db, tournament=tournament)


def replan(*, db: Session, tournament: Tournament) -> Rescheduled:
    """Slots again for every match not decided and not under way (nothing before
    generation); a venue or field that played or is playing a match must stay."""
    if tournament.sessions_generated_at is None or tournament.status != Status.IN_PROGRESS:
        return Rescheduled(moved=[], scheduled=0, unscheduled=0)
    state = bracket_state.load(db=db, tournament=tournament)
    try:
        moved, scheduled = scheduling.replan(db, tournament=tournament, state=state)
    except ValueError as error:  # a kept slot on a field that no longer exists
        raise Conflict(
            "a session played or under way needs a court or table this change takes away",
            field="fields",
        ) from error
    return Rescheduled(
        moved=moved, scheduled=scheduled, unscheduled=scheduling.unscheduled(db, tournament.id)
    )


def replan_by_id(*, db: Session, tournament_id: int) -> Rescheduled:
    """The re-plan use case: the tournament must be under way."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, *REPLANNABLE, action="re-plan the schedule")
    return replan(db=db, tournament=tournament)


def _editable(db: Session, tournament_id: int) -> Tournament:
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, *EDITABLE, action="change venues or timing")
    return tournament


def _venue_or_raise(db: Session, tournament_id: int, venue_id: int) -> Venue:
    venue = db.get(Venue, venue_id)
    if venue is None or venue.tournament_id != tournament_id:
        raise NotFound(
            f"venue {venue_id} does not exist in tournament {tournament_id}", field="venue_id"
        )
    return venue


def _stored(venue_in: VenueIn) -> dict[str, object]:
    return {
        "name": venue_in.name,
        "time_zone": venue_in.time_zone,
        "fields": venue_in.fields,
        "hours": [
            {
                "date": h.date.isoformat(),
                "opens": h.opens.strftime("%H:%M"),
                "closes": h.closes.strftime("%H:%M"),
            }
            for h in venue_in.hours
        ],
    }
