"""A player's matches across every tournament: a page (upcoming first, then played) and a
calendar feed of the scheduled ones.

The player's matches are found through indexes: the entrants fixed at generation
(``matches.entrant_a``/``entrant_b``), the players results advanced into later slots
(``advancements.player_id``) and heat entries (``heat_entries.player_id``). Matches still to
play in a completed or cancelled tournament are never played: they are left out.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select, union
from sqlalchemy.orm import Session

from bracketry.schemas.player_matches import PlayerMatch, PlayerMatchPage
from bracketry.schemas.schedule import ScheduledSession
from bracketry.schemas.session import ParticipantRead, ReportRead, SessionRead
from bracketry.schemas.status import Status
from bracketry.service import sessions, timetable
from bracketry.service.errors import Invalid, NotFound
from bracketry.service.paging import next_offset
from bracketry.service.round_labels import round_label
from bracketry.store.models import (
    Advancement,
    HeatEntry,
    Match,
    MatchSlot,
    Player,
    Report,
    Result,
    Tournament,
    Venue,
)

ENDED = (Status.COMPLETED.value, Status.CANCELLED.value)
"""Tournaments whose matches still to play never will be."""


def player_name(*, db: Session, player_id: int) -> str:
    """The player's name, or :class:`NotFound`."""
    player = db.get(Player, player_id)
    if player is None:
        raise NotFound(f"player {player_id} does not exist", field="player_id")
    return player.name


def page(*, db: Session, player_id: int, limit: int, offset: int) -> PlayerMatchPage:
    """The player's matches: upcoming ones first (scheduled ones by start, then the others
    by round), then played ones, the latest result first."""
    name = player_name(db=db, player_id=player_id)
    filters = _filters(player_id)
    total = db.execute(_joined(sessions.joined(select(func.count()))).where(*filters)).scalar_one()
    upcoming = Result.match_id.is_(None)
    rows = db.execute(
        of_player(player_id)
        .order_by(
            case((upcoming, 0), else_=1),
            case((upcoming & MatchSlot.starts_at.is_(None), 1), else_=0),
            case((upcoming, MatchSlot.starts_at), else_=None),
            Result.recorded_at.desc(),
            Match.round,
            Match.tournament_id,
            Match.id,
        )
        .limit(limit)
        .offset(offset)
    ).all()
    lasts = _last_rounds(db, {row.tournament_id for row in rows})
    views = _views(db, rows)
    items = [_item(row, view, player_id, lasts) for row, view in zip(rows, views, strict=True)]
    following = next_offset(offset, len(items), total)
    return PlayerMatchPage(
        player_id=player_id, name=name, items=items, total=total, next_offset=following
    )


def feed(*, db: Session, player_id: int) -> bytes:
    """The player's scheduled matches of every tournament as an iCalendar document."""
    name = player_name(db=db, player_id=player_id)
    filters = [*_filters(player_id), MatchSlot.match_id.is_not(None)]
    total = db.execute(_joined(sessions.joined(select(func.count()))).where(*filters)).scalar_one()
    if total > timetable.MAX_FEED:
        raise Invalid(
            f"{total} matches are more than one feed holds ({timetable.MAX_FEED}); "
            "use each tournament's own feed",
            field="player_id",
        )
    rows = db.execute(
        of_player(player_id)
        .where(MatchSlot.match_id.is_not(None))
        .order_by(MatchSlot.starts_at, Match.id)
        .limit(timetable.MAX_FEED)
    ).all()
    events = [
        (row.tournament_name, ScheduledSession(session=view, slot=timetable.slot_read(row)))
        for row, view in zip(rows, _views(db, rows), strict=True)
    ]
    return timetable.calendar(f"{name}: matches", events)


def of_player(player_id: int) -> Select[Any]:
    """Every column of the player's matches, one row per match, found by index."""
    return _view().where(*_filters(player_id))


def _filters(player_id: int) -> list[ColumnElement[Any]]:
    """The player's matches (found by index), without those never to be played."""
    candidates = union(
        select(Match.id).where(Match.entrant_a == player_id),
        select(Match.id).where(Match.entrant_b == player_id),
        select(Advancement.match_id).where(Advancement.player_id == player_id),
        select(HeatEntry.match_id).where(HeatEntry.player_id == player_id),
    )
    in_heat = exists().where(HeatEntry.match_id == Match.id, HeatEntry.player_id == player_id)
    return [
        Match.id.in_(candidates),
        (sessions.player_a == player_id) | (sessions.player_b == player_id) | in_heat,
        Result.match_id.is_not(None) | Tournament.status.not_in(ENDED),
    ]


def _joined(query: Select[Any]) -> Select[Any]:
    """``query`` (over matches) with the tournament, slot, venue and report joined."""
    return (
        query.join(Tournament, Tournament.id == Match.tournament_id)
        .outerjoin(MatchSlot, MatchSlot.match_id == Match.id)
        .outerjoin(Venue, Venue.id == MatchSlot.venue_id)
        .outerjoin(
            Report, and_(Report.match_id == Match.id, Report.tournament_id == Match.tournament_id)
        )
    )


def _view() -> Select[Any]:
    """Every column an item needs, one row per match."""
    reported = (getattr(Report, n).label(f"report_{n}") for n in sessions.REPORT_FIELDS)
    return _joined(
        sessions.view_query().add_columns(
            Match.tournament_id,
            Tournament.name.label("tournament_name"),
            Tournament.format.label("tournament_format"),
            Tournament.status.label("tournament_status"),
            MatchSlot.venue_id,
            MatchSlot.field,
            MatchSlot.starts_at,
            MatchSlot.ends_at,
            Venue.name.label("venue_name"),
            Venue.time_zone,
            *reported,
        )
    )


def _views(db: Session, rows: list[Any]) -> list[SessionRead]:
    """The session view of each row, with its report and (for heats) its entries; heats
    are filled in tournament by tournament (each has its own direction)."""
    views = [_with_report(row) for row in rows]
    out: list[SessionRead] = []
    for _tournament, group in groupby(zip(rows, views, strict=True), lambda p: p[0].tournament_id):
        out.extend(sessions.with_heat_entries(db, [view for _row, view in group]))
    return out


def _with_report(row: Any) -> SessionRead:
    view = sessions.to_read(row)
    if row.report_state is not None:
        values = {name: getattr(row, f"report_{name}") for name in sessions.REPORT_FIELDS}
        view.report = ReportRead(session_id=row.id, **values)
    return view


def _last_rounds(db: Session, tournament_ids: set[int]) -> dict[tuple[int, int, str], int]:
    """The last round of each stage and side of these tournaments (rounds are named from
    the end: Final, Semi-final …), from the tournaments' match index."""
    if not tournament_ids:
        return {}
    found = db.execute(
        select(Match.tournament_id, Match.stage, Match.side, func.max(Match.round))
        .where(Match.tournament_id.in_(sorted(tournament_ids)))
        .group_by(Match.tournament_id, Match.stage, Match.side)
    )
    return {(tid, stage, side): last for tid, stage, side, last in found}


def _item(
    row: Any, view: SessionRead, player_id: int, lasts: dict[tuple[int, int, str], int]
) -> PlayerMatch:
    others = [
        ParticipantRead(player_id=p.player_id, name=p.name)
        for p in view.participants or []
        if p is not None and p.player_id != player_id
    ]
    return PlayerMatch(
        tournament_id=row.tournament_id,
        tournament=row.tournament_name,
        tournament_status=Status(row.tournament_status),
        session=view,
        round_name=round_label(
            row.tournament_format,
            view.stage,
            view.side,
            view.round,
            lasts.get((row.tournament_id, view.stage, view.side), view.round),
        ),
        opponents=others,
        slot=None if row.starts_at is None else timetable.slot_read(row),
        upcoming=view.result is None,
    )
