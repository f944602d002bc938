"""A tournament exported as one document, and imported back as a new tournament.

Export then import then export gives the same document: references are positions
(players by enrollment position, sessions and venues in id order), never database ids.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bracketry.schemas.archive import (
    DOCUMENT_VERSION,
    NOBODY,
    AdvancementPart,
    HeatEntryPart,
    HistoryPart,
    MatchPart,
    PlayerPart,
    RankingPart,
    ResultPart,
    SlotPart,
    TournamentDocument,
    TournamentPart,
    VenuePart,
)
from bracketry.service.archive_checks import check_document
from bracketry.service.bracket_state import MATCH_COLUMNS, RESULT_COLUMNS
from bracketry.service.rankings import RANKING_COLUMNS
from bracketry.service.scheduling import SLOT_COLUMNS
from bracketry.service.tournaments import get_or_raise
from bracketry.store.bulk import allocate_ids, bind_value, insert_columns
from bracketry.store.models import (
    NOBODY_ID,
    Advancement,
    Enrollment,
    HeatEntry,
    Match,
    MatchSlot,
    Player,
    Ranking,
    Result,
    StatusChange,
    Tournament,
    Venue,
)


def export_document(*, db: Session, tournament_id: int) -> TournamentDocument:
    """The whole tournament as a :class:`TournamentDocument`."""
    t = get_or_raise(db=db, tournament_id=tournament_id)
    entries = db.execute(
        select(Enrollment, Player)
        .join(Player, Player.id == Enrollment.player_id)
        .where(Enrollment.tournament_id == t.id)
        .order_by(Enrollment.position)
    ).all()
    player_at = {p.id: i for i, (_e, p) in enumerate(entries)}
    matches = db.scalars(select(Match).where(Match.tournament_id == t.id).order_by(Match.id)).all()
    match_at = {m.id: i for i, m in enumerate(matches)}

    def who(player_id: int | None) -> int | None:
        return None if player_id is None else player_at[player_id]

    def where(match_id: int | None) -> int | None:
        return None if match_id is None else match_at[match_id]

    ids = list(match_at)
    advancements = _rows(db, Advancement, Advancement.match_id, ids)
    results = _rows(db, Result, Result.match_id, ids)
    heat_entries = _rows(db, HeatEntry, HeatEntry.match_id, ids)
    rankings = db.scalars(select(Ranking).where(Ranking.tournament_id == t.id)).all()
    history = db.scalars(
        select(StatusChange).where(StatusChange.tournament_id == t.id).order_by(StatusChange.id)
    ).all()
    venues = db.scalars(select(Venue).where(Venue.tournament_id == t.id).order_by(Venue.id)).all()
    venue_at = {v.id: i for i, v in enumerate(venues)}
    # A slot left at a deleted venue is not part of the timetable (the schedule leaves it
    # out too), and the document could not name its venue: it is not exported.
    slots = [s for s in _rows(db, MatchSlot, MatchSlot.match_id, ids) if s.venue_id in venue_at]
    return TournamentDocument(
        bracketry=DOCUMENT_VERSION,
        tournament=TournamentPart(
            name=t.name,
            format=t.format,
            config=t.config,
            status=t.status,
            created_at=t.created_at,
            updated_at=t.updated_at,
            sessions_generated_at=t.sessions_generated_at,
            rankings_calculated_at=t.rankings_calculated_at,
            completed_at=t.completed_at,
        ),
        history=[
            HistoryPart(from_status=h.from_status, to_status=h.to_status, reason=h.reason, at=h.at)
            for h in history
        ],
        players=[
            PlayerPart(
                name=p.name,
                rating=p.rating,
                club=p.club,
                external_id=p.external_id,
                entry_rating=e.rating,
                requested_seed=e.requested_seed,
            )
            for e, p in entries
        ],
        matches=[
            MatchPart(
                stage=m.stage,
                side=m.side,
                round=m.round,
                number=m.number,
                a=who(m.entrant_a),
                b=who(m.entrant_b),
                winner_to=where(m.winner_to),
                winner_slot=m.winner_slot if m.winner_to is not None else None,
                loser_to=where(m.loser_to),
                loser_slot=m.loser_slot if m.loser_to is not None else None,
            )
            for m in matches
        ],
        advancements=sorted(
            (
                AdvancementPart(
                    match=match_at[a.match_id],
                    slot=a.slot,
                    player=NOBODY if a.player_id == NOBODY_ID else player_at[a.player_id],
                    source=match_at[a.from_match_id],
                )
                for a in advancements
            ),
            key=lambda a: (a.match, a.slot),
        ),
        results=sorted(
            (
                ResultPart(
                    match=match_at[r.match_id],
                    outcome=r.outcome,
                    winner_slot=r.winner_slot,
                    score_a=r.score_a,
                    score_b=r.score_b,
                    source=r.source,
                    recorded_at=r.recorded_at,
                )
                for r in results
            ),
            key=lambda r: r.match,
        ),
        heat_entries=sorted(
            (
                HeatEntryPart(
                    match=match_at[h.match_id],
                    lane=h.lane,
                    player=player_at[h.player_id],
                    value=h.value,
                    attempts=None if h.attempts is None else json.loads(h.attempts),
                )
                for h in heat_entries
            ),
            key=lambda h: (h.match, h.lane),
        ),
        rankings=sorted(
            (
                RankingPart(
                    player=player_at[r.player_id],
                    rank=r.rank,
                    round_reached=r.round_reached,
                    wins=r.wins,
                    losses=r.losses,
                    score_for=r.score_for,
                    score_against=r.score_against,
                    points=r.points,
                    draws=r.draws,
                    metrics=None if r.metrics is None else json.loads(r.metrics),
                )
                for r in rankings
            ),
            key=lambda r: r.player,
        ),
        venues=[
            VenuePart(name=v.name, time_zone=v.time_zone, fields=v.fields, hours=v.hours)
            for v in venues
        ],
        slots=sorted(
            (
                SlotPart(
                    match=match_at[s.match_id],
                    venue=venue_at[s.venue_id],
                    field=s.field,
                    starts_at=s.starts_at,
                    ends_at=s.ends_at,
                )
                for s in slots
            ),
            key=lambda s: s.match,
        ),
    )


def _rows(db: Session, model: Any, column: Any, ids: Sequence[int], chunk: int = 5_000) -> list:
    rows: list[Any] = []
    for start in range(0, len(ids), chunk):
        rows.extend(db.scalars(select(model).where(column.in_(ids[start : start + chunk]))))
    return rows


def import_document(*, db: Session, document: TournamentDocument) -> Tournament:
    """A new tournament holding everything ``document`` describes, in one transaction; the
    document is checked as a whole first (:func:`check_document`), nothing written if refused."""
    check_document(document)
    part = document.tournament
    tournament = Tournament(
        name=part.name,
        format=part.format,
        config=part.config,
        status=part.status,
        enrolled_count=len(document.players),
        created_at=part.created_at,
        updated_at=part.updated_at,
        sessions_generated_at=part.sessions_generated_at,
        rankings_calculated_at=part.rankings_calculated_at,
        completed_at=part.completed_at,
    )
    db.add(tournament)
    db.flush()
    db.add_all(
        StatusChange(
            tournament_id=tournament.id,
            from_status=h.from_status,
            to_status=h.to_status,
            reason=h.reason,
            at=h.at,
        )
        for h in document.history
    )
    conn = db.connection()
    players = document.players
    player_ids = allocate_ids(conn, Player.__table__, len(players))
    insert_columns(
        conn,
        Player.__table__,
        ("id", "name", "rating", "club", "external_id"),
        (
            player_ids,
            [p.name for p in players],
            [p.rating for p in players],
            [p.club for p in players],
            [p.external_id for p in players],
        ),
    )
    count = len(players)
    insert_columns(
        conn,
        Enrollment.__table__,
        ("tournament_id", "player_id", "position", "requested_seed", "rating"),
        (
            [tournament.id] * count,
            player_ids,
            list(range(count)),
            [p.requested_seed for p in players],
            [p.entry_rating for p in players],
        ),
    )
    match_ids = allocate_ids(conn, Match.__table__, len(document.matches))
    _write_matches(conn, tournament.id, document.matches, match_ids, player_ids)
    _write_progress(conn, tournament.id, document, match_ids, player_ids)
    _write_timetable(db, tournament.id, document, match_ids)
    return tournament


def _write_matches(
    conn: Any,
    tournament_id: int,
    matches: list[MatchPart],
    match_ids: np.ndarray,
    player_ids: np.ndarray,
) -> None:
    def player(index: int | None) -> int | None:
        return None if index is None else int(player_ids[index])

    def match(position: int | None) -> int | None:
        return None if position is None else int(match_ids[position])

    insert_columns(
        conn,
        Match.__table__,
        MATCH_COLUMNS,
        (
            match_ids,
            [tournament_id] * len(matches),
            [m.stage for m in matches],
            [m.side for m in matches],
            [m.round for m in matches],
            [m.number for m in matches],
            [player(m.a) for m in matches],
            [player(m.b) for m in matches],
            [match(m.winner_to) for m in matches],
            [m.winner_slot or 0 for m in matches],
            [match(m.loser_to) for m in matches],
            [m.loser_slot or 0 for m in matches],
        ),
    )


def _write_progress(
    conn: Any,
    tournament_id: int,
    document: TournamentDocument,
    match_ids: np.ndarray,
    player_ids: np.ndarray,
) -> None:
    adv = document.advancements
    insert_columns(
        conn,
        Advancement.__table__,
        ("match_id", "slot", "player_id", "from_match_id"),
        (
            [int(match_ids[a.match]) for a in adv],
            [a.slot for a in adv],
            [NOBODY_ID if a.player == NOBODY else int(player_ids[a.player]) for a in adv],
            [int(match_ids[a.source]) for a in adv],
        ),
    )
    res = document.results
    insert_columns(
        conn,
        Result.__table__,
        RESULT_COLUMNS,
        (
            [int(match_ids[r.match]) for r in res],
            [tournament_id] * len(res),
            [r.outcome for r in res],
            [r.winner_slot for r in res],
            [r.score_a for r in res],
            [r.score_b for r in res],
            [r.source for r in res],
            [bind_value(conn, Result.__table__, "recorded_at", r.recorded_at) for r in res],
        ),
    )
    heats = document.heat_entries
    insert_columns(
        conn,
        HeatEntry.__table__,
        ("match_id", "lane", "tournament_id", "player_id", "value", "attempts"),
        (
            [int(match_ids[h.match]) for h in heats],
            [h.lane for h in heats],
            [tournament_id] * len(heats),
            [int(player_ids[h.player]) for h in heats],
            [h.value for h in heats],
            [None if h.attempts is None else json.dumps(h.attempts) for h in heats],
        ),
    )
    ranks = document.rankings
    insert_columns(
        conn,
        Ranking.__table__,
        RANKING_COLUMNS,
        (
            [tournament_id] * len(ranks),
            [int(player_ids[r.player]) for r in ranks],
            [r.rank for r in ranks],
            [r.round_reached for r in ranks],
            [r.wins for r in ranks],
            [r.losses for r in ranks],
            [r.score_for for r in ranks],
            [r.score_against for r in ranks],
            [r.points for r in ranks],
            [r.draws for r in ranks],
            [None if r.metrics is None else json.dumps(r.metrics) for r in ranks],
        ),
    )


def _write_timetable(
    db: Session, tournament_id: int, document: TournamentDocument, match_ids: np.ndarray
) -> None:
    """The venues, then the slots in bulk. Venues take new ids from their sequence, as the
    venue routes do (ids picked past the highest would collide with the next venue added
    on PostgreSQL); there are at most :data:`MAX_VENUES`, flushed as one batched insert.
    Hours are stored as the venue routes store them (``HH:MM``)."""
    venues = [
        Venue(
            tournament_id=tournament_id,
            name=v.name,
            time_zone=v.time_zone,
            fields=v.fields,
            hours=[
                {
                    "date": h.date.isoformat(),
                    "opens": h.opens.strftime("%H:%M"),
                    "closes": h.closes.strftime("%H:%M"),
                }
                for h in v.hours
            ],
        )
        for v in document.venues
    ]
    db.add_all(venues)
    db.flush()
    venue_ids = [v.id for v in venues]
    slots = document.slots
    conn = db.connection()

    def moments(values: list[datetime]) -> list[Any]:
        return [bind_value(conn, MatchSlot.__table__, "starts_at", v) for v in values]

    insert_columns(
        conn,
        MatchSlot.__table__,
        SLOT_COLUMNS,
        (
            [int(match_ids[s.match]) for s in slots],
            [tournament_id] * len(slots),
            [venue_ids[s.venue] for s in slots],
            [s.field for s in slots],
            moments([s.starts_at for s in slots]),
            moments([s.ends_at for s in slots]),
        ),
    )
