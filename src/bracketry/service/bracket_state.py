"""Loading a stored bracket back into engine arrays, and writing engine output in bulk."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bracketry.engine.bracket import Bracket, Moves
from bracketry.engine.model import NO_MATCH, NO_PLAYER, SIDE_CODES, Outcome
from bracketry.engine.play import UNDECIDED
from bracketry.store.bulk import bind_value, fetch_ints, fetch_rows, insert_columns
from bracketry.store.models import Advancement, Enrollment, Result
from bracketry.store.types import utcnow

_SIDE_CASE = " ".join(f"WHEN '{side.value}' THEN {code}" for code, side in enumerate(SIDE_CODES))


@dataclass(frozen=True)
class BracketState:
    """A stored bracket as arrays; players are indexed by ascending player id."""

    bracket: Bracket
    match_ids: np.ndarray
    player_ids: np.ndarray
    ratings: np.ndarray
    slots: np.ndarray
    winner_slot: np.ndarray
    scores: np.ndarray
    decided: np.ndarray


def load(*, db: Session, tournament_id: int) -> BracketState:
    """The tournament's bracket, participants and results as arrays."""
    conn = db.connection()
    params = (tournament_id,)
    matches = fetch_ints(
        conn,
        "SELECT id, CASE side " + _SIDE_CASE + " END, round, number, "
        "COALESCE(entrant_a, -1), COALESCE(entrant_b, -1), COALESCE(winner_to, -1), "
        "COALESCE(winner_slot, 0), COALESCE(loser_to, -1), COALESCE(loser_slot, 0) "
        "FROM matches WHERE tournament_id = ? ORDER BY id",
        params,
        10,
    )
    enrolled = fetch_rows(
        conn,
        f"SELECT player_id, rating FROM {Enrollment.__tablename__} "
        "WHERE tournament_id = ? ORDER BY player_id",
        params,
    )
    player_ids = np.array([r[0] for r in enrolled], dtype=np.int64)
    ratings = np.array([np.nan if r[1] is None else r[1] for r in enrolled], dtype=np.float64)
    match_ids = matches[:, 0]
    count = match_ids.size
    span = (int(match_ids[0]), int(match_ids[-1])) if count else (0, -1)
    advanced = fetch_ints(
        conn,
        "SELECT match_id, slot, player_id FROM advancements WHERE match_id BETWEEN ? AND ?",
        span,
        3,
    )
    results = fetch_rows(
        conn,
        "SELECT match_id, outcome, COALESCE(winner_slot, -1), COALESCE(score_a, 0), "
        "COALESCE(score_b, 0) FROM results WHERE tournament_id = ?",
        params,
    )

    def to_index(ids: np.ndarray) -> np.ndarray:
        return np.where(ids < 0, NO_PLAYER, np.searchsorted(player_ids, ids)).astype(np.int32)

    def to_position(ids: np.ndarray) -> np.ndarray:
        return np.where(ids < 0, NO_MATCH, np.searchsorted(match_ids, ids)).astype(np.int32)

    entrants = np.stack([to_index(matches[:, 4]), to_index(matches[:, 5])], axis=1)
    slots = entrants.copy()
    if advanced.size:
        slots[to_position(advanced[:, 0]), advanced[:, 1]] = to_index(advanced[:, 2])
    winner_slot = np.full(count, UNDECIDED, dtype=np.int8)
    scores = np.zeros((count, 2), dtype=np.int64)
    decided = np.zeros(count, dtype=bool)
    bye = np.zeros(count, dtype=bool)
    if results:
        result_pos = to_position(np.array([r[0] for r in results], dtype=np.int64))
        winner_slot[result_pos] = [r[2] for r in results]
        scores[result_pos, 0] = [r[3] for r in results]
        scores[result_pos, 1] = [r[4] for r in results]
        decided[result_pos] = True
        bye[result_pos] = [r[1] == Outcome.BYE for r in results]
    bracket = Bracket(
        round=matches[:, 2].astype(np.int16),
        number=matches[:, 3].astype(np.int32),
        side=matches[:, 1].astype(np.int8),
        entrants=entrants,
        winner_to=to_position(matches[:, 6]),
        winner_slot=matches[:, 7].astype(np.int8),
        loser_to=to_position(matches[:, 8]),
        loser_slot=matches[:, 9].astype(np.int8),
        bye=bye,
        player_count=int(player_ids.size),
    )
    return BracketState(
        bracket, match_ids, player_ids, ratings, slots, winner_slot, scores, decided
    )


def write_results(
    conn: Connection,
    *,
    tournament_id: int,
    match_ids: np.ndarray,
    outcome: Outcome,
    winner_slot: np.ndarray,
    score_a: np.ndarray | None,
    score_b: np.ndarray | None,
    source: str,
) -> int:
    """Append result rows for ``match_ids`` in bulk."""
    count = int(match_ids.size)
    none = [None] * count
    now = bind_value(conn, Result.__table__, "recorded_at", utcnow())
    return insert_columns(
        conn,
        Result.__table__,
        (
            "match_id",
            "tournament_id",
            "outcome",
            "winner_slot",
            "score_a",
            "score_b",
            "source",
            "recorded_at",
        ),
        (
            match_ids,
            [tournament_id] * count,
            [outcome.value] * count,
            winner_slot,
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
    through ``match_ids`` and ``player_ids``."""
    return insert_columns(
        conn,
        Advancement.__table__,
        ("match_id", "slot", "player_id", "from_match_id"),
        (match_ids[moves.target], moves.slot, player_ids[moves.player], match_ids[moves.source]),
    )
