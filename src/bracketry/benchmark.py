"""Measurements shared by ``bracketry bench`` and ``bench/run.py``: figures as plain dicts."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from bracketry.engine.formats import knockout
from bracketry.engine.play import initial_winner_slot, play_out
from bracketry.engine.simulate import rating_decider, synthetic_ratings
from bracketry.engine.standings import knockout_standings
from bracketry.jobs.immediate import ImmediateQueue
from bracketry.schemas.job import SYNC_TASK_ID
from bracketry.schemas.scenario import ScenarioCreate
from bracketry.service import jobs, pipeline, scenario
from bracketry.service.metering import PeakRss, Stopwatch
from bracketry.service.units import UnitOfWork as Database


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 2)


def engine_run(players: int, seed: int = 0) -> dict[str, Any]:
    """Generate, play out and rank a knockout in memory only."""
    with PeakRss() as memory:
        start = time.perf_counter()
        bracket = knockout.generate(players)
        generate_ms = _ms(start)
        rng = np.random.default_rng(seed)
        ratings = synthetic_ratings(players, rng)
        slots, won = bracket.initial_slots(), initial_winner_slot(bracket)
        start = time.perf_counter()
        played = play_out(bracket, slots, won, rating_decider(ratings, rng))
        simulate_ms = _ms(start)
        scores = np.zeros((bracket.match_count, 2), dtype=np.int64)
        scores[played.position, 0], scores[played.position, 1] = played.score_a, played.score_b
        start = time.perf_counter()
        knockout_standings(bracket, slots, won, scores)
        rank_ms = _ms(start)
    return {
        "bench": "engine",
        "players": players,
        "sessions": bracket.match_count,
        "generate_ms": generate_ms,
        "simulate_ms": simulate_ms,
        "rank_ms": rank_ms,
        "peak_rss_mb": memory.peak_mb,
    }


def lifecycle_run(
    database: Database, players: int, seed: int = 0, tournament_format: str = "knockout"
) -> dict[str, Any]:
    """The whole lifecycle through the service layer, run in this thread: launch, then the
    pipeline's play-out in one transaction, each step timed (``complete_ms`` counts the
    rating step too, ``commit_ms`` the play-out's commit; a rating above the limit is
    queued, not run)."""
    with PeakRss() as memory:
        start = time.perf_counter()
        outcome = scenario.run(
            database=database,
            queue=ImmediateQueue(database),
            scenario_in=ScenarioCreate(
                scenario="scale_test",
                player_count=players,
                tournament_format=tournament_format,
                confirmed=True,
                seed=seed,
                simulation_mode="manual",
            ),
            threshold=players + 1,
        )
        launch_ms = _ms(start)
        tournament_id = outcome.tournament_id
        assert tournament_id is not None
        with database.read() as db:
            timings = jobs.status(db=db, tournament_id=tournament_id, task_id=SYNC_TASK_ID).timings
            engine_ms, db_write_ms = timings.engine_ms, timings.db_write_ms
        clock = Stopwatch()
        start = time.perf_counter()
        with database.write() as db:
            played = pipeline.play_out(db=db, tournament_id=tournament_id, seed=seed, clock=clock)
            status = played.completion.tournament.status
            commit_start = time.perf_counter()
        commit_ms = _ms(commit_start)
        play_ms = _ms(start)
    phase = {name: round(clock.ms.get(name, 0.0), 2) for name in pipeline.PHASES}
    return {
        "bench": "lifecycle",
        "format": tournament_format,
        "backend": database.dialect,
        "players": players,
        "sessions": outcome.session_count,
        "enroll_ms": outcome.timings.get("enroll_ms"),
        "launch_ms": launch_ms,
        "generate_engine_ms": engine_ms,
        "generate_db_write_ms": db_write_ms,
        "simulate_ms": phase["simulate"],
        "rank_ms": phase["rank"],
        "complete_ms": round(phase["complete"] + phase["rate"], 2),
        "rate_ms": phase["rate"],
        "commit_ms": commit_ms,
        "total_ms": round(launch_ms + play_ms, 2),
        "status": status,
        "peak_rss_mb": memory.peak_mb,
    }
