"""A tournament's timetable: planned with the bracket, extended with each appended round,
re-planned on demand and shifted when a match overruns.

Times cross into the engine as whole minutes since the Unix epoch (UTC); venues' local
opening hours become UTC windows through their IANA zone, so daylight-saving changes are
exact. Slots are rewritten in bulk, never row by row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Connection, delete, func, select
from sqlalchemy.orm import Session

from bracketry.engine import schedule as timetable
from bracketry.engine.reschedule import overrun
from bracketry.service.bracket_state import BracketState
from bracketry.service.errors import Conflict
from bracketry.store.bulk import bind_value, fetch_rows, insert_columns
from bracketry.store.models import Match, MatchSlot, Result, Tournament, Venue
from bracketry.store.types import utcnow

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CHUNK = 5_000
"""Ids per IN list (SQLite caps bound parameters)."""

SLOT_COLUMNS = ("match_id", "tournament_id", "venue_id", "field", "starts_at", "ends_at")


def to_minute(moment: datetime, *, up: bool = False) -> int:
    """``moment`` as minutes since the epoch (rounded down, or up with ``up``)."""
    seconds = (moment - EPOCH).total_seconds()
    return math.ceil(seconds / 60) if up else math.floor(seconds / 60)


def to_moment(minute: int) -> datetime:
    """Minutes since the epoch as an aware UTC datetime."""
    return EPOCH + timedelta(minutes=minute)


def windows(venue: Venue) -> tuple[tuple[int, int], ...]:
    """The venue's openings as sorted, disjoint UTC minute windows."""
    zone = ZoneInfo(venue.time_zone)
    spans = []
    for opening in venue.hours:
        day = datetime.fromisoformat(opening["date"]).date()
        begin = datetime.combine(day, _time(opening["opens"]), zone)
        end = datetime.combine(day, _time(opening["closes"]), zone)
        spans.append((to_minute(begin, up=True), to_minute(end)))
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return tuple(merged)


def _time(text: str) -> time:
    return time.fromisoformat(text)


def timing_of(tournament: Tournament) -> timetable.Timing:
    """The tournament's match length, field break and player rest."""
    given = (tournament.config or {}).get("timing") or {}
    return timetable.Timing(
        duration=int(given.get("match_minutes", 30)),
        gap=int(given.get("break_minutes", 5)),
        rest=int(given.get("rest_minutes", 0)),
    )


@dataclass(frozen=True)
class Layout:
    """A tournament's venues (by id) as the engine sees them, and its timing."""

    ids: list[int]
    venues: list[timetable.Venue]
    timing: timetable.Timing

    def index(self, venue_ids: np.ndarray) -> np.ndarray:
        """Engine venue indexes of stored ``venue_ids`` (-1 for a venue that is gone)."""
        known = np.array(self.ids, dtype=np.int64)
        if known.size == 0:
            return np.full(venue_ids.shape, -1, dtype=np.int64)
        at = np.searchsorted(known, venue_ids).clip(0, known.size - 1)
        return np.where(known[at] == venue_ids, at, -1)


def layout(db: Session, tournament: Tournament) -> Layout:
    """The tournament's venues in id order and its timing."""
    rows = db.scalars(
        select(Venue).where(Venue.tournament_id == tournament.id).order_by(Venue.id)
    ).all()
    return Layout(
        ids=[v.id for v in rows],
        venues=[timetable.Venue(v.fields, windows(v)) for v in rows],
        timing=timing_of(tournament),
    )


def has_venues(db: Session, tournament_id: int) -> bool:
    """Whether the tournament has a venue (no venue: no timetable, nothing to do)."""
    found = db.execute(select(Venue.id).where(Venue.tournament_id == tournament_id).limit(1))
    return found.first() is not None


def stored(
    conn: Connection, tournament_id: int, state: BracketState, where: Layout
) -> timetable.Timetable:
    """The stored slots aligned with ``state``'s matches (engine venue indexes, 0-based
    fields, minutes); a slot at a venue that is gone keeps venue index -2."""
    out = timetable.Timetable.empty(state.match_ids.size)
    if state.match_ids.size == 0:
        return out
    rows = fetch_rows(
        conn,
        "SELECT match_id, venue_id, field, starts_at, ends_at FROM match_slots "
        "WHERE tournament_id = ? AND match_id BETWEEN ? AND ?",
        (tournament_id, int(state.match_ids[0]), int(state.match_ids[-1])),
    )
    if not rows:
        return out
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    at = np.searchsorted(state.match_ids, ids).clip(0, state.match_ids.size - 1)
    mine = state.match_ids[at] == ids
    venue = where.index(np.array([r[1] for r in rows], dtype=np.int64))
    out.venue[at[mine]] = np.where(venue == -1, -2, venue)[mine]
    out.field[at[mine]] = np.array([r[2] - 1 for r in rows], dtype=np.int32)[mine]
    start = np.array([to_minute(_aware(r[3])) for r in rows], dtype=np.int64)
    end = np.array([to_minute(_aware(r[4])) for r in rows], dtype=np.int64)
    out.start[at[mine]], out.end[at[mine]] = start[mine], end[mine]
    return out


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite hands raw text to bulk reads
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def write(
    conn: Connection,
    *,
    tournament_id: int,
    state: BracketState,
    table: timetable.Timetable,
    positions: np.ndarray,
    where: Layout,
) -> int:
    """Store the slots of ``positions`` that have one; how many were written."""
    positions = positions[table.venue[positions] >= 0]
    count = int(positions.size)
    if count == 0:
        return 0
    venue_ids = np.array(where.ids, dtype=np.int64)[table.venue[positions]]

    def moments(minutes: np.ndarray) -> list[object]:
        column = MatchSlot.__table__
        return [bind_value(conn, column, "starts_at", to_moment(m)) for m in minutes.tolist()]

    return insert_columns(
        conn,
        MatchSlot.__table__,
        SLOT_COLUMNS,
        (
            state.match_ids[positions],
            [tournament_id] * count,
            venue_ids,
            table.field[positions] + 1,
            moments(table.start[positions]),
            moments(table.end[positions]),
        ),
    )


def forget(conn: Connection, match_ids: list[int]) -> None:
    """Delete the slots of ``match_ids``."""
    for start in range(0, len(match_ids), CHUNK):
        chunk = match_ids[start : start + CHUNK]
        conn.execute(delete(MatchSlot).where(MatchSlot.match_id.in_(chunk)))


def now_minute() -> int:
    """The next whole minute: nothing new starts earlier."""
    return to_minute(utcnow(), up=True)


def plan_new(db: Session, *, tournament: Tournament, state: BracketState, first: int) -> int:
    """Slots for the matches from position ``first`` on (just generated or appended), after
    every stored slot; how many got one. Nothing happens without venues."""
    if not has_venues(db, tournament.id):
        return 0
    conn = db.connection()
    where = layout(db, tournament)
    fixed = stored(conn, tournament.id, state, where) if first else None
    if fixed is not None:
        fixed = _known_venues(fixed)
    table = timetable.schedule_open(
        state.progress, where.venues, where.timing, not_before=now_minute(), fixed=fixed
    )
    positions = np.arange(first, state.match_ids.size)
    return write(
        conn,
        tournament_id=tournament.id,
        state=state,
        table=table,
        positions=positions,
        where=where,
    )


def replan(db: Session, *, tournament: Tournament, state: BracketState) -> tuple[list[int], int]:
    """Slots again for every match not decided and not under way; matches decided or
    started keep theirs. The ids whose slot changed, and how many matches have a slot."""
    conn = db.connection()
    where = layout(db, tournament)
    before = stored(conn, tournament.id, state, where)
    now = now_minute()
    keep = (before.venue != timetable.NOT_SCHEDULED) & (
        state.progress.decided | (before.start < now)
    )
    gone = keep & (before.venue == -2)
    if gone.any():
        raise Conflict(
            f"{int(gone.sum())} sessions played or under way are at this venue",
            field="venue_id",
        )
    table = timetable.schedule_open(
        state.progress, where.venues, where.timing, not_before=now, fixed=_only(before, keep)
    )
    changed = ~_same(before, table)
    moved = state.match_ids[changed].tolist()
    forget(conn, moved)
    write(
        conn,
        tournament_id=tournament.id,
        state=state,
        table=table,
        positions=np.flatnonzero(changed),
        where=where,
    )
    return moved, int(table.scheduled.sum())


def shift(
    db: Session, *, tournament: Tournament, state: BracketState, position: int, ends: datetime
) -> list[int]:
    """Match ``position`` now ends at ``ends``: move what depends on it; the ids moved."""
    conn = db.connection()
    where = layout(db, tournament)
    before = _known_venues(stored(conn, tournament.id, state, where))
    table, moved = overrun(
        timetable.playing(state.progress),
        before,
        where.venues,
        where.timing,
        position=position,
        ends=to_minute(ends, up=True),
    )
    ids = state.match_ids[moved].tolist()
    forget(conn, ids)
    write(conn, tournament_id=tournament.id, state=state, table=table, positions=moved, where=where)
    return ids


def unscheduled(db: Session, tournament_id: int) -> int:
    """Matches still to play (no result) without a slot."""
    return db.execute(
        select(func.count())
        .select_from(Match)
        .outerjoin(Result, Result.match_id == Match.id)
        .outerjoin(MatchSlot, MatchSlot.match_id == Match.id)
        .where(
            Match.tournament_id == tournament_id,
            Result.match_id.is_(None),
            MatchSlot.match_id.is_(None),
        )
    ).scalar_one()


def _only(table: timetable.Timetable, keep: np.ndarray) -> timetable.Timetable:
    return timetable.Timetable(
        *(
            np.where(keep, getattr(table, name), timetable.NOT_SCHEDULED)
            for name in ("venue", "field", "start", "end")
        )
    )


def _known_venues(table: timetable.Timetable) -> timetable.Timetable:
    """``table`` without slots at venues that are gone."""
    return _only(table, table.venue >= 0)


def _same(a: timetable.Timetable, b: timetable.Timetable) -> np.ndarray:
    return (a.venue == b.venue) & (a.field == b.field) & (a.start == b.start) & (a.end == b.end)
