"""A stored tournament as engine arrays, and engine output written back in bulk.

Players are indexed by seed (index ``i`` is seed ``i + 1``), as every format expects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bracketry.engine.bracket import Bracket, Members, Moves
from bracketry.engine.formats.base import Progress
from bracketry.engine.model import (
    NO_MATCH,
    NO_PLAYER,
    NO_WINNER,
    NOBODY,
    OUTCOME_CODES,
    SIDE_CODES,
    UNDECIDED,
    Outcome,
)
from bracketry.engine.play import initial_winner_slot
from bracketry.service.enrollments import seeded_entries
from bracketry.store.bulk import (
    allocate_ids,
    bind_value,
    fetch_ints,
    fetch_rows,
    insert_columns,
    with_nulls,
)
from bracketry.store.models import (
    NOBODY_ID,
    Advancement,
    HeatEntry,
    Match,
    Result,
    Tournament,
)
from bracketry.store.types import utcnow

_SIDE_CASE = " ".join(f"WHEN '{side.value}' THEN {code}" for code, side in enumerate(SIDE_CODES))
_OUTCOME_CASE = " ".join(
    f"WHEN '{outcome.value}' THEN {code}" for code, outcome in enumerate(OUTCOME_CODES)
)

MATCH_COLUMNS = (
    "id",
    "tournament_id",
    "stage",
    "side",
    "round",
    "number",
    "entrant_a",
    "entrant_b",
    "winner_to",
    "winner_slot",
    "loser_to",
    "loser_slot",
)
"""Columns of a match row as generation writes them."""

RESULT_COLUMNS = (
    "match_id",
    "tournament_id",
    "outcome",
    "winner_slot",
    "score_a",
    "score_b",
    "source",
    "recorded_at",
)
"""Columns of a result row."""


@dataclass(frozen=True)
class BracketState:
    """A stored tournament as arrays: matches by position, players by seed index."""

    progress: Progress
    match_ids: np.ndarray
    player_ids: np.ndarray

    @property
    def bracket(self) -> Bracket:
        """The structure of every stored match."""
        return self.progress.bracket

    def then(self, more: Bracket, ids: np.ndarray) -> BracketState:
        """This state with the freshly written matches ``more`` (ids ``ids``) appended."""
        return BracketState(
            progress=self.progress.then(more),
            match_ids=np.concatenate([self.match_ids, ids]),
            player_ids=self.player_ids,
        )


def load(*, db: Session, tournament: Tournament) -> BracketState:
    """The tournament's matches, participants and results as arrays."""
    conn = db.connection()
    params = (tournament.id,)
    # Small columns are packed into one in SQL: fewer Python objects per row is most of the
    # cost of reading half a million matches.
    matches = fetch_ints(
        conn,
        "SELECT id, number, COALESCE(entrant_a, -1), COALESCE(entrant_b, -1), "
        "COALESCE(winner_to, -1), COALESCE(loser_to, -1), "
        "(CASE side " + _SIDE_CASE + " END) + 8 * COALESCE(winner_slot, 0) "
        "+ 16 * COALESCE(loser_slot, 0) + 32 * stage + 65536 * round "
        "FROM matches WHERE tournament_id = ? ORDER BY id",
        params,
        7,
    )
    ids, ratings, seeds = seeded_entries(db=db, tournament=tournament)
    by_seed = np.empty_like(ids)
    by_seed[seeds - 1] = ids
    sorted_ids = np.sort(ids)
    seed_index_of_sorted = (seeds[np.argsort(ids)] - 1).astype(np.int32)
    ratings_by_seed = np.empty_like(ratings)
    ratings_by_seed[seeds - 1] = ratings
    match_ids = matches[:, 0]
    count = match_ids.size
    span = (int(match_ids[0]), int(match_ids[-1])) if count else (0, -1)
    advanced = fetch_ints(
        conn,
        "SELECT match_id, slot, player_id FROM advancements WHERE match_id BETWEEN ? AND ?",
        span,
        3,
    )
    results = fetch_ints(
        conn,
        "SELECT match_id, (CASE outcome " + _OUTCOME_CASE + " END) "
        f"+ 8 * COALESCE(winner_slot, {NO_WINNER}), COALESCE(score_a, 0), COALESCE(score_b, 0) "
        "FROM results WHERE tournament_id = ?",
        params,
        4,
    )

    def to_index(player: np.ndarray) -> np.ndarray:
        found = seed_index_of_sorted[np.searchsorted(sorted_ids, player).clip(0, ids.size - 1)]
        index = np.where(player < 0, NO_PLAYER, found)
        return np.where(player == NOBODY_ID, NOBODY, index).astype(np.int32)

    def to_position(match: np.ndarray) -> np.ndarray:
        return np.where(match < 0, NO_MATCH, np.searchsorted(match_ids, match)).astype(np.int32)

    packed = matches[:, 6]
    entrants = np.stack([to_index(matches[:, 2]), to_index(matches[:, 3])], axis=1)
    slots = entrants.copy()
    if advanced.size:
        slots[to_position(advanced[:, 0]), advanced[:, 1]] = to_index(advanced[:, 2])
    winner_slot = np.full(count, UNDECIDED, dtype=np.int8)
    outcome = np.full(count, -1, dtype=np.int8)
    scores = np.zeros((count, 2), dtype=np.int64)
    bye = np.zeros(count, dtype=bool)
    if results.size:
        at = to_position(results[:, 0])
        outcome[at] = results[:, 1] % 8
        winner_slot[at] = results[:, 1] // 8
        scores[at] = results[:, 2:4]
        bye[at] = outcome[at] == OUTCOME_CODES.index(Outcome.BYE)
    bracket = Bracket(
        round=(packed // 65536).astype(np.int16),
        number=matches[:, 1].astype(np.int32),
        side=(packed % 8).astype(np.int8),
        entrants=entrants,
        winner_to=to_position(matches[:, 4]),
        winner_slot=(packed // 8 % 2).astype(np.int8),
        loser_to=to_position(matches[:, 5]),
        loser_slot=(packed // 16 % 2).astype(np.int8),
        bye=bye,
        player_count=int(ids.size),
        stage=(packed // 32 % 2048).astype(np.int16),
    )
    heats = fetch_rows(
        conn,
        "SELECT match_id, lane, player_id, value FROM heat_entries "
        "WHERE tournament_id = ? ORDER BY match_id, lane",
        params,
    )
    value = None
    if heats:
        entries = np.array([r[:3] for r in heats], dtype=np.int64)
        bracket = replace(
            bracket,
            members=Members(
                match=to_position(entries[:, 0]),
                player=to_index(entries[:, 2]),
                lane=entries[:, 1].astype(np.int16),
            ),
        )
        value = np.array([np.nan if r[3] is None else r[3] for r in heats], dtype=np.float64)
    progress = Progress(bracket, slots, winner_slot, outcome, scores, ratings_by_seed, value)
    return BracketState(progress, match_ids, by_seed)


def match_columns(
    bracket: Bracket, *, ids: np.ndarray, tournament_id: int, player_ids: np.ndarray
) -> tuple[object, ...]:
    """The :data:`MATCH_COLUMNS` of ``bracket``: positions become ``ids``, player indexes
    become ``player_ids`` (index ``i`` plays as ``player_ids[i]``), absent ones NULL."""
    count = bracket.match_count
    link = np.append(ids, -1)  # a NO_MATCH (-1) link reads the trailing -1
    entrants = np.where(bracket.entrants == NO_PLAYER, -1, player_ids[bracket.entrants])
    sides = np.array([s.value for s in SIDE_CODES], dtype=object)[bracket.side]
    winner_to, loser_to = link[bracket.winner_to], link[bracket.loser_to]
    return (
        ids,
        [tournament_id] * count,
        bracket.stages,
        sides,
        bracket.round,
        bracket.number,
        with_nulls(entrants[:, 0], entrants[:, 0] == -1),
        with_nulls(entrants[:, 1], entrants[:, 1] == -1),
        with_nulls(winner_to, winner_to == -1),
        bracket.winner_slot,
        with_nulls(loser_to, loser_to == -1),
        bracket.loser_slot,
    )


def write_matches(
    conn: Connection, *, tournament_id: int, bracket: Bracket, player_ids: np.ndarray
) -> np.ndarray:
    """Store ``bracket``'s matches (links relative to it) and its byes' results; their ids."""
    ids = allocate_ids(conn, Match.__table__, bracket.match_count)
    columns = match_columns(bracket, ids=ids, tournament_id=tournament_id, player_ids=player_ids)
    insert_columns(conn, Match.__table__, MATCH_COLUMNS, columns)
    members = bracket.members
    if members is not None and members.size:
        insert_columns(
            conn,
            HeatEntry.__table__,
            ("match_id", "lane", "tournament_id", "player_id"),
            (
                ids[members.match],
                members.lane,
                [tournament_id] * members.size,
                player_ids[members.player],
            ),
        )
    byes = np.flatnonzero(bracket.bye)
    write_results(
        conn,
        tournament_id=tournament_id,
        match_ids=ids[byes],
        outcome=Outcome.BYE,
        winner_slot=initial_winner_slot(bracket)[byes],
        score_a=None,
        score_b=None,
        source="bye",
    )
    return ids


def write_results(
    conn: Connection,
    *,
    tournament_id: int,
    match_ids: np.ndarray,
    outcome: Outcome | np.ndarray,
    winner_slot: np.ndarray,
    score_a: np.ndarray | None,
    score_b: np.ndarray | None,
    source: str,
    recorded_at: datetime | None = None,
) -> int:
    """Append result rows for ``match_ids`` in bulk (recorded now unless told when);
    ``outcome`` is one for all or one each (as outcome codes), a ``NO_WINNER`` winner slot is
    stored as NULL."""
    count = int(match_ids.size)
    none = [None] * count
    now = bind_value(conn, Result.__table__, "recorded_at", recorded_at or utcnow())
    if isinstance(outcome, Outcome):
        outcomes: object = [outcome.value] * count
    else:
        outcomes = np.array([o.value for o in OUTCOME_CODES], dtype=object)[outcome]
    winner_slot = np.asarray(winner_slot)
    return insert_columns(
        conn,
        Result.__table__,
        RESULT_COLUMNS,
        (
            match_ids,
            [tournament_id] * count,
            outcomes,
            with_nulls(winner_slot, winner_slot == NO_WINNER),
            none if score_a is None else score_a,
            none if score_b is None else score_b,
            [source] * count,
            [now] * count,
        ),
    )


def write_moves(
    conn: Connection, *, moves: Moves, match_ids: np.ndarray, player_ids: np.ndarray
) -> int:
    """Append advancement rows for engine ``moves``, mapping positions and indexes to ids
    through ``match_ids`` and ``player_ids`` (``NOBODY`` is stored as :data:`NOBODY_ID`)."""
    nobody = moves.player == NOBODY
    players = np.where(nobody, NOBODY_ID, player_ids[np.where(nobody, 0, moves.player)])
    return insert_columns(
        conn,
        Advancement.__table__,
        ("match_id", "slot", "player_id", "from_match_id"),
        (match_ids[moves.target], moves.slot, players, match_ids[moves.source]),
    )
