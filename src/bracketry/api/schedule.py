"""Timetable routes: the schedule, calendar feeds, re-planning and overruns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from bracketry.api.deps import Owner, Public, ReadDb, RefereeRule, WriteDb
from bracketry.api.params import MAX_ID, Offset, SessionId, TournamentId, limit_param
from bracketry.schemas.schedule import Overrun, Rescheduled, SchedulePage
from bracketry.schemas.venue import MAX_FIELDS
from bracketry.service import timetable, venues
from bracketry.service.errors import Invalid

router = APIRouter(prefix="/tournaments/{tournament_id}", tags=["schedule"])

CALENDAR = "text/calendar; charset=utf-8"
VenueFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this venue.")]
FieldFilter = Annotated[int | None, Query(ge=1, le=MAX_FIELDS, description="Only this field.")]
PlayerFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this player.")]


def _aware(name: str, value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise Invalid("give a time with its UTC offset, like 2026-12-05T09:00:00+01:00", field=name)
    return value


@router.get("/schedule", dependencies=[Public])
def get_schedule(
    tournament_id: TournamentId,
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(500, 5_000),  # type: ignore[assignment]
    venue_id: VenueFilter = None,
    field: FieldFilter = None,
    player_id: PlayerFilter = None,
    since: Annotated[datetime | None, Query(alias="from", description="Ending after.")] = None,
    until: Annotated[datetime | None, Query(alias="to", description="Starting before.")] = None,
) -> SchedulePage:
    """Scheduled sessions by start time, filtered by venue, field, player and time range."""
    return timetable.page(
        db=db,
        tournament_id=tournament_id,
        limit=limit,
        offset=offset,
        venue_id=venue_id,
        field=field,
        player_id=player_id,
        since=_aware("from", since),
        until=_aware("to", until),
    )


@router.post("/schedule", dependencies=[Owner])
def replan(tournament_id: TournamentId, db: WriteDb) -> Rescheduled:
    """Plan again every session not decided and not under way, from now."""
    return venues.replan_by_id(db=db, tournament_id=tournament_id)


@router.get(
    "/schedule.ics",
    dependencies=[Public],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "iCalendar feed."}},
)
def tournament_calendar(
    tournament_id: TournamentId, db: ReadDb, venue_id: VenueFilter = None, field: FieldFilter = None
) -> Response:
    """The timetable as an iCalendar feed (one venue or field if asked)."""
    body = timetable.feed(db=db, tournament_id=tournament_id, venue_id=venue_id, field=field)
    return Response(body, media_type=CALENDAR)


@router.get(
    "/players/{player_id}/schedule.ics",
    dependencies=[Public],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "iCalendar feed."}},
)
def player_calendar(
    tournament_id: TournamentId,
    player_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Player id.")],
    db: ReadDb,
) -> Response:
    """One player's sessions as an iCalendar feed."""
    body = timetable.feed(db=db, tournament_id=tournament_id, player_id=player_id)
    return Response(body, media_type=CALENDAR)


@router.post("/sessions/{session_id}/overrun", dependencies=[RefereeRule])
def report_overrun(
    tournament_id: TournamentId, session_id: SessionId, overrun: Overrun, db: WriteDb
) -> Rescheduled:
    """A session runs late: it now ends at ``ends_at``; only what depends on it moves."""
    return timetable.report_overrun(
        db=db, tournament_id=tournament_id, session_id=session_id, overrun=overrun
    )
