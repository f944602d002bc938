"""Simulating results: every playable match decided from ratings, round by round, in bulk."""

from __future__ import annotations

import time

import numpy as np
from sqlalchemy.orm import Session

from bracketry.engine.model import Outcome
from bracketry.engine.play import play_out
from bracketry.engine.simulate import rating_decider
from bracketry.schemas.session import SimulationOutcome
from bracketry.service import bracket_state
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.tournaments import lock_or_raise


def simulate(*, db: Session, tournament_id: int, seed: int) -> SimulationOutcome:
    """Decide every match that is or becomes playable; same seed and state, same results."""
    start = time.perf_counter()
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.IN_PROGRESS, action="simulate results")
    state = bracket_state.load(db=db, tournament_id=tournament_id)
    rng = np.random.default_rng(seed)
    played = play_out(
        state.bracket, state.slots, state.winner_slot, rating_decider(state.ratings, rng)
    )
    conn = db.connection()
    written = bracket_state.write_results(
        conn,
        tournament_id=tournament_id,
        match_ids=state.match_ids[played.position],
        outcome=Outcome.WIN,
        winner_slot=played.winner_slot,
        score_a=played.score_a,
        score_b=played.score_b,
        source="simulation",
    )
    bracket_state.write_moves(
        conn, moves=played.moves, match_ids=state.match_ids, player_ids=state.player_ids
    )
    decided = int(state.decided.sum()) + written
    total = state.bracket.match_count
    return SimulationOutcome(
        results_written=written,
        results_pct=round(100.0 * decided / total, 2) if total else 0.0,
        duration_ms=round((time.perf_counter() - start) * 1000.0, 2),
    )
