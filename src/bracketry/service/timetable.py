"""The timetable as people use it: a filtered page, an iCalendar feed, and the report of a
match running late."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import numpy as np
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bracketry.schemas.schedule import (
    Overrun,
    Rescheduled,
    ScheduledSession,
    SchedulePage,
    SlotRead,
)
from bracketry.service import bracket_state, scheduling, sessions
from bracketry.service.errors import Conflict, Invalid, NotFound
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.paging import next_offset
from bracketry.service.tournaments import get_or_raise, lock_or_raise
from bracketry.store.models import Enrollment, HeatEntry, Match, MatchSlot, Venue
from bracketry.store.types import utcnow

_UNWRITABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters a calendar TEXT value cannot carry (a newline it can, escaped)."""
MAX_FEED = 20_000
"""Events one calendar feed holds; a larger timetable is fetched by venue or time."""


def page(
    *,
    db: Session,
    tournament_id: int,
    limit: int,
    offset: int,
    venue_id: int | None = None,
    field: int | None = None,
    player_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> SchedulePage:
    """Scheduled sessions by start time; ``since``/``until`` keep those overlapping them."""
    get_or_raise(db=db, tournament_id=tournament_id)
    filters: list[Any] = [Match.tournament_id == tournament_id]
    if venue_id is not None:
        filters.append(MatchSlot.venue_id == venue_id)
    if field is not None:
        filters.append(MatchSlot.field == field)
    if player_id is not None:
        in_heat = exists().where(HeatEntry.match_id == Match.id, HeatEntry.player_id == player_id)
        filters.append(
            (sessions.player_a == player_id) | (sessions.player_b == player_id) | in_heat
        )
    if since is not None:
        filters.append(MatchSlot.ends_at > since)
    if until is not None:
        filters.append(MatchSlot.starts_at < until)

    def slotted(query: Any) -> Any:
        return query.join(MatchSlot, MatchSlot.match_id == Match.id).join(
            Venue, Venue.id == MatchSlot.venue_id
        )

    total = db.execute(slotted(sessions.joined(select(func.count()))).where(*filters)).scalar_one()
    rows = db.execute(
        slotted(
            sessions.view_query().add_columns(
                MatchSlot.venue_id,
                MatchSlot.field,
                MatchSlot.starts_at,
                MatchSlot.ends_at,
                Venue.name.label("venue_name"),
                Venue.time_zone,
            )
        )
        .where(*filters)
        .order_by(MatchSlot.starts_at, MatchSlot.venue_id, MatchSlot.field, Match.id)
        .limit(limit)
        .offset(offset)
    ).all()
    views = sessions.with_heat_entries(db, [sessions.to_read(row) for row in rows])
    items = [
        ScheduledSession(session=view, slot=slot_read(row))
        for view, row in zip(views, rows, strict=True)
    ]
    following = next_offset(offset, len(items), total)
    return SchedulePage(
        items=items,
        total=total,
        next_offset=following,
        unscheduled=scheduling.unscheduled(db, tournament_id),
    )


def slot_read(row: Any) -> SlotRead:
    """The slot of a row with the venue_id, field, starts_at, ends_at, venue_name and
    time_zone columns, its times in the venue's zone."""
    zone = ZoneInfo(row.time_zone)
    return SlotRead(
        venue_id=row.venue_id,
        venue=row.venue_name,
        field=row.field,
        starts_at=row.starts_at.astimezone(zone),
        ends_at=row.ends_at.astimezone(zone),
    )


def feed(
    *,
    db: Session,
    tournament_id: int,
    player_id: int | None = None,
    venue_id: int | None = None,
    field: int | None = None,
) -> bytes:
    """The timetable (of one player, venue or field) as an iCalendar document."""
    tournament = get_or_raise(db=db, tournament_id=tournament_id)
    if player_id is not None and db.get(Enrollment, (tournament_id, player_id)) is None:
        raise NotFound(
            f"player {player_id} is not enrolled in tournament {tournament_id}", field="player_id"
        )
    found = page(
        db=db,
        tournament_id=tournament_id,
        limit=MAX_FEED,
        offset=0,
        venue_id=venue_id,
        field=field,
        player_id=player_id,
    )
    if found.total > MAX_FEED:
        raise Invalid(
            f"{found.total} sessions are more than one feed holds ({MAX_FEED}); "
            "ask for one venue or field",
            field="venue_id",
        )
    return calendar(tournament.name, [(tournament.name, item) for item in found.items])


def calendar(title: str, events: Iterable[tuple[str, ScheduledSession]]) -> bytes:
    """An iCalendar document named ``title``: one event per (tournament name, session)."""
    document = icalendar.Calendar()
    document.add("prodid", "-//bracketry//timetable//EN")
    document.add("version", "2.0")
    document.add("x-wr-calname", calendar_text(title))
    stamp = utcnow()
    for tournament, item in events:
        document.add_component(_event(item, tournament, stamp))
    return document.to_ical()


def calendar_text(value: str) -> icalendar.vText:
    """``value`` as an RFC 5545 TEXT value: CR dropped, other control characters made spaces;
    the value then escapes backslash, ``;``, ``,`` and a newline (``\\n``), and the calendar
    folds lines longer than 75 octets.

    >>> calendar_text("Cup\\r\\nX;Y").to_ical()
    b'Cup\\\\nX\\\\;Y'
    """
    return icalendar.vText(_UNWRITABLE.sub(" ", value.replace("\r", "")))


def _event(item: ScheduledSession, tournament: str, stamp: datetime) -> icalendar.Event:
    session, slot = item.session, item.slot
    names = [p.name for p in session.participants or [] if p is not None]
    who = " vs ".join(names) if names else "to be decided"
    event = icalendar.Event()
    event.add("uid", f"session-{session.id}@bracketry")
    event.add("dtstamp", stamp)
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    summary = f"{tournament}: round {session.round}, match {session.number}: {who}"
    event.add("summary", calendar_text(summary))
    event.add("location", calendar_text(f"{slot.venue}, field {slot.field}"))
    return event


def report_overrun(
    *, db: Session, tournament_id: int, session_id: int, overrun: Overrun
) -> Rescheduled:
    """Session ``session_id`` ends at ``overrun.ends_at``: shift only what depends on it."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.IN_PROGRESS, action="report an overrun")
    slot = db.get(MatchSlot, session_id)
    if slot is None or slot.tournament_id != tournament_id:
        sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
        raise Conflict(f"session {session_id} has no slot on the timetable", field="session_id")
    if overrun.ends_at <= slot.starts_at:
        raise Invalid(
            f"ends_at must be after the session's start ({slot.starts_at.isoformat()})",
            field="ends_at",
        )
    state = bracket_state.load(db=db, tournament=tournament)
    position = int(np.searchsorted(state.match_ids, session_id))
    moved = scheduling.shift(
        db, tournament=tournament, state=state, position=position, ends=overrun.ends_at
    )
    return Rescheduled(
        moved=moved,
        scheduled=_scheduled(db, tournament_id),
        unscheduled=scheduling.unscheduled(db, tournament_id),
    )


def _scheduled(db: Session, tournament_id: int) -> int:
    return db.execute(
        select(func.count()).select_from(MatchSlot).where(MatchSlot.tournament_id == tournament_id)
    ).scalar_one()
