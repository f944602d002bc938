"""Simulating results: every playable match decided from ratings, round by round, in bulk.

Heats are measured from ratings too. Formats that add matches as results arrive (Swiss
rounds, a grand-final reset, the next round of heats) are played on until they add nothing
more.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bracketry.engine.formats.base import Format
from bracketry.engine.formats.heats import Heats
from bracketry.engine.model import NO_WINNER, Outcome, outcome_code
from bracketry.engine.play import play_out
from bracketry.engine.simulate import DRAW_RATE, rating_decider
from bracketry.schemas.session import SimulationOutcome
from bracketry.service import bracket_state, formats, heat_results, report_settling
from bracketry.service.lifecycle import SIMULATE
from bracketry.service.tournaments import lock_or_raise
from bracketry.store.models import Tournament


def simulate(*, db: Session, tournament_id: int, seed: int) -> SimulationOutcome:
    """Decide every match that is or becomes playable; same seed and state, same results."""
    return play(db=db, tournament_id=tournament_id, seed=seed)[0]


def play(
    *, db: Session, tournament_id: int, seed: int
) -> tuple[SimulationOutcome, bracket_state.BracketState]:
    """:func:`simulate`, also giving the bracket as it now stands, the state that
    :func:`bracketry.service.bracket_state.load` would read back, for the next step."""
    start = time.perf_counter()
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    SIMULATE.require(tournament)
    fmt = formats.format_of(tournament)
    state = bracket_state.load(db=db, tournament=tournament)
    rng = np.random.default_rng(seed)
    conn = db.connection()
    written = 0
    while True:
        step = _play_round(conn, tournament=tournament, fmt=fmt, state=state, rng=rng)
        written += step
        if step:
            continue  # walkovers or new arrivals may have made more matches playable
        state, added = formats.extend(db, tournament=tournament, fmt=fmt, state=state)
        if not added:
            break
    report_settling.resolve_decided(db, tournament_id)
    decided = int(state.progress.decided.sum())
    total = state.bracket.match_count
    outcome = SimulationOutcome(
        results_written=written,
        results_pct=round(100.0 * decided / total, 2) if total else 0.0,
        duration_ms=round((time.perf_counter() - start) * 1000.0, 2),
    )
    return outcome, _as_stored(state)


def _as_stored(state: bracket_state.BracketState) -> bracket_state.BracketState:
    """The state as it reads back: a walkover written as a bye result counts as a bye."""
    progress = state.progress
    bye = progress.bracket.bye | (progress.outcome == outcome_code(Outcome.BYE))
    bracket = replace(progress.bracket, bye=bye)
    return replace(state, progress=replace(progress, bracket=bracket))


def _play_round(
    conn: Connection,
    *,
    tournament: Tournament,
    fmt: Format,
    state: bracket_state.BracketState,
    rng: np.random.Generator,
) -> int:
    """Settle walkovers, play out what is playable, measure open heats; results written."""
    written = formats.settle(conn, tournament=tournament, state=state)
    progress = state.progress
    # Stages follow one another: the open matches are of the stage being played.
    open_stages = np.unique(progress.bracket.stages[~progress.decided])
    draws = open_stages.size > 0 and all(fmt.allows_draws(int(s)) for s in open_stages)
    decide = rating_decider(progress.ratings, rng, DRAW_RATE if draws else 0.0)
    played = play_out(progress.bracket, progress.slots, progress.winner_slot, decide)
    outcome = np.where(
        played.winner_slot == NO_WINNER, outcome_code(Outcome.DRAW), outcome_code(Outcome.WIN)
    ).astype(np.int8)
    progress.outcome[played.position] = outcome
    progress.scores[played.position, 0] = played.score_a
    progress.scores[played.position, 1] = played.score_b
    written += bracket_state.write_results(
        conn,
        tournament_id=tournament.id,
        match_ids=state.match_ids[played.position],
        outcome=outcome,
        winner_slot=played.winner_slot,
        score_a=played.score_a,
        score_b=played.score_b,
        source="simulation",
    )
    bracket_state.write_moves(
        conn, moves=played.moves, match_ids=state.match_ids, player_ids=state.player_ids
    )
    if isinstance(fmt, Heats):
        written += heat_results.simulate_open_heats(
            conn, tournament=tournament, fmt=fmt, state=state, rng=rng
        )
    return written
