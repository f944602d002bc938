"""Sessions (matches) as clients see them: participants, derived status, result, links.

A participant is the entrant fixed at generation or, failing that, the player an earlier
result advanced into the slot. The status is derived from those and the result row.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, bindparam, case, exists, func, not_, select
from sqlalchemy.orm import Session, aliased

from bracketry.engine.formats.heats import places
from bracketry.engine.model import SIDE_CODES, MatchStatus, Outcome, Side
from bracketry.schemas.session import (
    HeatEntryRead,
    LinkRead,
    ParticipantRead,
    ReportRead,
    ResultRead,
    SessionPage,
    SessionRead,
)
from bracketry.schemas.tournament import MatchCounts
from bracketry.service.errors import NotFound
from bracketry.service.paging import next_offset
from bracketry.store.models import (
    NOBODY_ID,
    Advancement,
    HeatEntry,
    Match,
    Player,
    Report,
    Result,
    Tournament,
)

_adv_a = aliased(Advancement)
_adv_b = aliased(Advancement)
_player_a = aliased(Player)
_player_b = aliased(Player)

# An advancement of NOBODY_ID places nobody (a double forfeit upstream): shown as empty.
player_a: ColumnElement[Any] = func.coalesce(
    Match.entrant_a, func.nullif(_adv_a.player_id, NOBODY_ID)
)
player_b: ColumnElement[Any] = func.coalesce(
    Match.entrant_b, func.nullif(_adv_b.player_id, NOBODY_ID)
)

status_expr: ColumnElement[Any] = case(
    (Result.match_id.is_not(None), MatchStatus.COMPLETED.value),
    (Match.side == Side.HEAT.value, MatchStatus.READY.value),
    (and_(player_a.is_not(None), player_b.is_not(None)), MatchStatus.READY.value),
    (player_a.is_not(None) | player_b.is_not(None), MatchStatus.WAITING.value),
    else_=MatchStatus.LOCKED.value,
)


def joined(query: Select[Any]) -> Select[Any]:
    """``query`` over matches with their advancements and result joined."""
    return (
        query.select_from(Match)
        .outerjoin(_adv_a, and_(_adv_a.match_id == Match.id, _adv_a.slot == 0))
        .outerjoin(_adv_b, and_(_adv_b.match_id == Match.id, _adv_b.slot == 1))
        .outerjoin(Result, Result.match_id == Match.id)
    )


def view_query() -> Select[Any]:
    """Every column a session view needs, one row per match."""
    query = select(
        Match.id,
        Match.stage,
        Match.side,
        Match.round,
        Match.number,
        Match.winner_to,
        Match.winner_slot,
        Match.loser_to,
        Match.loser_slot,
        player_a.label("player_a"),
        player_b.label("player_b"),
        _player_a.name.label("name_a"),
        _player_b.name.label("name_b"),
        status_expr.label("status"),
        Result.outcome,
        Result.winner_slot.label("result_winner_slot"),
        Result.score_a,
        Result.score_b,
        Result.source,
        Result.recorded_at,
    )
    return (
        joined(query)
        .outerjoin(_player_a, _player_a.id == player_a)
        .outerjoin(_player_b, _player_b.id == player_b)
    )


def _participant(player_id: int | None, name: str | None) -> ParticipantRead | None:
    return None if player_id is None else ParticipantRead(player_id=player_id, name=name or "")


def to_read(row: Any) -> SessionRead:
    """A :class:`SessionRead` from a :func:`view_query` row."""
    participants = [_participant(row.player_a, row.name_a), _participant(row.player_b, row.name_b)]
    result = None
    if row.outcome is not None:
        winner = None
        if row.result_winner_slot is not None:
            winner = (row.player_a, row.player_b)[row.result_winner_slot]
        result = ResultRead(
            outcome=Outcome(row.outcome),
            winner_id=winner,
            score_a=row.score_a,
            score_b=row.score_b,
            source=row.source,
            recorded_at=row.recorded_at,
        )
    return SessionRead(
        id=row.id,
        stage=row.stage,
        side=row.side,
        round=row.round,
        number=row.number,
        status=MatchStatus(row.status),
        participants=participants if any(participants) else None,
        result=result,
        winner_to=None
        if row.winner_to is None
        else LinkRead(match_id=row.winner_to, slot=row.winner_slot),
        loser_to=None
        if row.loser_to is None
        else LinkRead(match_id=row.loser_to, slot=row.loser_slot),
    )


def list_page(
    *,
    db: Session,
    tournament_id: int,
    limit: int,
    offset: int,
    round_: int | None = None,
    status: MatchStatus | None = None,
    player_id: int | None = None,
) -> SessionPage:
    """Sessions in bracket order, optionally of one round, one status, one player's path."""
    if db.get(Tournament, tournament_id) is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    filters = [Match.tournament_id == tournament_id]
    if player_id is not None:
        in_heat = exists().where(HeatEntry.match_id == Match.id, HeatEntry.player_id == player_id)
        filters.append((player_a == player_id) | (player_b == player_id) | in_heat)
    if round_ is not None:
        # Every stage and side pinned, so the round is a few seeks on the match slot index.
        parts = last_rounds(db=db, tournament_id=tournament_id)
        filters += [
            Match.stage.in_(sorted({stage for stage, _side, _last in parts}) or [-1]),
            Match.side.in_(sorted({side for _stage, side, _last in parts}) or [""]),
            Match.round == round_,
        ]
    if status is not None:
        filters.append(status_expr == status.value)
    counted = select(func.count()).select_from(Match)
    if status is not None or player_id is not None:
        counted = joined(select(func.count()))
    total = db.execute(counted.where(*filters)).scalar_one()
    rows = db.execute(view_query().where(*filters).order_by(Match.id).limit(limit).offset(offset))
    items = with_reports(db, with_heat_entries(db, [to_read(row) for row in rows]))
    following = next_offset(offset, len(items), total)
    return SessionPage(items=items, total=total, next_offset=following)


REPORT_FIELDS = tuple(name for name in ReportRead.model_fields if name != "session_id")
"""The columns of a report the client sees, named as in :class:`ReportRead`."""

_ONE_SESSION = (
    view_query()
    .add_columns(*(getattr(Report, name).label(f"report_{name}") for name in REPORT_FIELDS))
    .outerjoin(
        Report, and_(Report.match_id == Match.id, Report.tournament_id == Match.tournament_id)
    )
    .where(Match.id == bindparam("session_id"), Match.tournament_id == bindparam("tournament_id"))
)
"""One session with its players' report: built once, as it is read on every result."""


def get_or_raise(*, db: Session, tournament_id: int, session_id: int) -> SessionRead:
    """One session of the tournament, or :class:`NotFound`."""
    row = (
        db.connection()
        .execute(_ONE_SESSION, {"session_id": session_id, "tournament_id": tournament_id})
        .one_or_none()
    )
    if row is None:
        raise NotFound(
            f"session {session_id} does not exist in tournament {tournament_id}", field="session_id"
        )
    item = to_read(row)
    if row.report_state is not None:
        values = {name: getattr(row, f"report_{name}") for name in REPORT_FIELDS}
        item.report = ReportRead(session_id=row.id, **values)
    return with_heat_entries(db, [item])[0]


def with_heat_entries(db: Session, items: list[SessionRead]) -> list[SessionRead]:
    """``items`` with every heat's entries (and its players as participants) filled in."""
    heat_ids = [item.id for item in items if item.side == Side.HEAT.value]
    if not heat_ids:
        return items
    rows = db.execute(
        select(HeatEntry, Player.name)
        .join(Player, Player.id == HeatEntry.player_id)
        .where(HeatEntry.match_id.in_(heat_ids))
        .order_by(HeatEntry.match_id, HeatEntry.lane)
    ).all()
    if not rows:
        return items
    tournament = db.get(Tournament, rows[0][0].tournament_id)  # a page is one tournament's
    direction = ((tournament.config if tournament else None) or {}).get("direction", "lower")
    by_heat: dict[int, list[Any]] = {}
    for row in rows:
        by_heat.setdefault(row[0].match_id, []).append(row)
    out = []
    for item in items:
        entries = by_heat.get(item.id)
        if entries is None:
            out.append(item)
            continue
        values = np.array([np.nan if e.value is None else e.value for e, _name in entries])
        recorded = item.result is not None
        place = places(np.zeros(values.size, dtype=np.int64), values, direction)
        heat = [
            HeatEntryRead(
                lane=e.lane,
                player_id=e.player_id,
                name=name,
                attempts=None if e.attempts is None else json.loads(e.attempts),
                value=e.value,
                place=int(p) if recorded else None,
            )
            for (e, name), p in zip(entries, place.tolist(), strict=True)
        ]
        participants = [ParticipantRead(player_id=e.player_id, name=e.name) for e in heat]
        out.append(item.model_copy(update={"entries": heat, "participants": participants}))
    return out


def report_view(row: Report) -> ReportRead:
    """The client view of a players' report."""
    return ReportRead(
        session_id=row.match_id, **{name: getattr(row, name) for name in REPORT_FIELDS}
    )


def with_reports(db: Session, items: list[SessionRead]) -> list[SessionRead]:
    """``items`` with the players' report of each session that has one."""
    if not items:
        return items
    rows = db.scalars(
        select(Report)
        .join(Match, and_(Match.id == Report.match_id, Match.tournament_id == Report.tournament_id))
        .where(Report.match_id.in_([i.id for i in items]))
    ).all()
    if not rows:
        return items
    by_match = {r.match_id: report_view(r) for r in rows}
    return [
        item.model_copy(update={"report": by_match[item.id]}) if item.id in by_match else item
        for item in items
    ]


WALKOVER_SOURCE = "walkover"
"""The source of a result decided without play after a double forfeit upstream."""

played_expr: ColumnElement[Any] = Result.match_id.is_(None) | and_(
    Result.outcome != Outcome.BYE.value, Result.source != WALKOVER_SOURCE
)
"""A match that is played or still to play: not one decided without play (a bye, or a
walkover a double forfeit left behind)."""


def match_counts(*, db: Session, tournament_id: int) -> MatchCounts:
    """How many of the tournament's matches are in each status."""
    return status_counts(db=db, tournament_id=tournament_id)[0]


open_entrant: tuple[ColumnElement[bool], ...] = (
    Match.entrant_a.is_(None),
    and_(Match.entrant_a.is_not(None), Match.entrant_b.is_(None)),
)
"""The matches an entrant may still come to (by an earlier result, or a heat's entries), in
two disjoint parts that the entrant indexes find without reading the other matches."""


def status_counts(*, db: Session, tournament_id: int) -> tuple[MatchCounts, MatchCounts]:
    """Every match and those played or to play, by status, without a pass over every match.

    A match whose two entrants were fixed at generation (every round-robin match, a
    knockout's first round) is ready until a result completes it, and it is played unless
    that result is a bye or a walkover. So only the matches with an entrant still to come
    are grouped by their derived status; the fixed ones follow from two counts on the
    tournament's indexes: its matches and its results (how many, how many unplayed).
    """
    every: dict[str, int] = {}
    played: dict[str, int] = {}
    for part in open_entrant:
        query = joined(select(status_expr, played_expr, func.count())).where(
            Match.tournament_id == tournament_id, part
        )
        for status, counts_as_played, count in db.execute(query.group_by(status_expr, played_expr)):
            every[status] = every.get(status, 0) + count
            if counts_as_played:
                played[status] = played.get(status, 0) + count
    total, decided, unplayed = totals(db=db, tournament_id=tournament_id)
    open_decided = every.get(MatchStatus.COMPLETED.value, 0)
    fixed_decided = decided - open_decided
    fixed_unplayed = unplayed - (open_decided - played.get(MatchStatus.COMPLETED.value, 0))
    fixed_ready = total - sum(every.values()) - fixed_decided
    for counts, completed in ((every, fixed_decided), (played, fixed_decided - fixed_unplayed)):
        counts[MatchStatus.READY.value] = counts.get(MatchStatus.READY.value, 0) + fixed_ready
        counts[MatchStatus.COMPLETED.value] = counts.get(MatchStatus.COMPLETED.value, 0) + completed
    return (
        MatchCounts(total=sum(every.values()), **every),
        MatchCounts(total=sum(played.values()), **played),
    )


def match_total(*, db: Session, tournament_id: int) -> int:
    """How many matches the tournament has (a count on its match index)."""
    return db.execute(
        select(func.count()).select_from(Match).where(Match.tournament_id == tournament_id)
    ).scalar_one()


def totals(*, db: Session, tournament_id: int) -> tuple[int, int, int]:
    """(matches, results, results decided without play) of the tournament, on its indexes."""
    matches = match_total(db=db, tournament_id=tournament_id)
    decided, unplayed = db.execute(
        select(func.count(), func.count().filter(not_(played_expr))).where(
            Result.tournament_id == tournament_id
        )
    ).one()
    return matches, decided, unplayed


def last_rounds(*, db: Session, tournament_id: int) -> list[tuple[int, str, int]]:
    """(stage, side, last round) of every part of the tournament that has matches, in that
    order: a few seeks on the match slot index (its stages one by one, then the last round
    of each stage and side) instead of a pass over every match."""
    stages: list[int] = []
    while (
        stage := db.execute(
            select(func.min(Match.stage)).where(
                Match.tournament_id == tournament_id,
                Match.stage > (stages[-1] if stages else -1),
            )
        ).scalar_one()
    ) is not None:
        stages.append(stage)
    if not stages:
        return []
    parts = [(stage, side.value) for stage in stages for side in SIDE_CODES]
    lasts = db.execute(
        select(
            *(
                select(func.max(Match.round))
                .where(
                    Match.tournament_id == tournament_id,
                    Match.stage == stage,
                    Match.side == side,
                )
                .scalar_subquery()
                for stage, side in parts
            )
        )
    ).one()
    found = [(stage, side, last) for (stage, side), last in zip(parts, lasts, strict=True)]
    return sorted((stage, side, last) for stage, side, last in found if last is not None)


def round_in_play(*, db: Session, tournament_id: int, stage: int) -> int | None:
    """The round of the stage's first match ready to play (in bracket order), found by
    walking the tournament's match index until one is: no pass over every match."""
    return db.execute(
        joined(select(Match.round))
        .where(
            Match.tournament_id == tournament_id,
            Match.stage == stage,
            status_expr == MatchStatus.READY.value,
        )
        .order_by(Match.stage, Match.side, Match.round, Match.number)
        .limit(1)
    ).scalar_one_or_none()


def progress(*, db: Session, tournament_id: int) -> tuple[int, int]:
    """(matches played or to play, how many of them are decided), from two counts on the
    tournament's indexes: the list of tournaments shows it without reading every match."""
    matches, decided, unplayed = totals(db=db, tournament_id=tournament_id)
    return matches - unplayed, decided - unplayed
