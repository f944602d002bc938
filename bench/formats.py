"""Every format's whole lifecycle on the embedded default (SQLite), at 1,024 players and at
the largest size of each target, plus Swiss pairing per round in the engine. Groups use
the default split (4 groups, 2 of each into the knockout); heats are timed races in heats
of 8, the best 2 of each going on.

Targets: round robin 1,000 players (499,500 matches) <= 5 s; double elimination 2^17
players <= 10 s; Swiss 100,000 players <= 2 s per round (pairing, 0 rematches).

Usage: python -m bench.formats [--quick]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from bracketry.benchmark import lifecycle_run
from bracketry.engine.formats.base import Progress
from bracketry.engine.formats.swiss import SwissOptions, first_round, next_round, round_count
from bracketry.engine.model import NO_WINNER, Outcome, outcome_code
from bracketry.engine.play import play_out
from bracketry.engine.simulate import DRAW_RATE, rating_decider, synthetic_ratings
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade

RUNS = (
    ("knockout", 1_024),
    ("double_elimination", 1_024),
    ("round_robin", 1_024),
    ("swiss", 1_024),
    ("groups", 1_024),
    ("heats", 1_024),
    ("round_robin", 1_000),
    ("double_elimination", 131_072),
    ("swiss", 100_000),
    ("heats", 1_000_000),
)
QUICK = RUNS[:6]
WIN, DRAW = outcome_code(Outcome.WIN), outcome_code(Outcome.DRAW)


def swiss_rounds(players: int, seed: int = 0) -> dict[str, object]:
    """Pair and play every round of a Swiss event in memory; pairing time per round."""
    rng = np.random.default_rng(seed)
    decide = rating_decider(synthetic_ratings(players, rng), rng, DRAW_RATE)
    options = SwissOptions()
    bracket = first_round(players)
    progress = Progress.fresh(bracket)
    pairing_ms: list[float] = []
    while True:
        play_out(progress.bracket, progress.slots, progress.winner_slot, decide)
        fresh = progress.outcome < 0
        drawn = progress.winner_slot == NO_WINNER
        progress.outcome[fresh] = np.where(drawn, DRAW, WIN)[fresh]
        start = time.perf_counter()
        more = next_round(progress, options)
        if more is None:
            break
        pairing_ms.append(round((time.perf_counter() - start) * 1000.0, 2))
        progress = progress.then(more)
    slots = progress.slots[~progress.bracket.bye]
    keys = np.sort(slots, axis=1) @ np.array([players, 1])
    return {
        "bench": "swiss_pairing",
        "players": players,
        "rounds": round_count(players, None),
        "pairing_ms_max": max(pairing_ms),
        "pairing_ms_median": float(np.median(pairing_ms)),
        "rematches": int(keys.size - np.unique(keys).size),
    }


def main() -> None:
    """Run the suite and print JSON lines."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="only the 1,024-player runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bracketry-bench-") as tmp:
        for number, (name, players) in enumerate(QUICK if args.quick else RUNS):
            database = Database(f"sqlite:///{Path(tmp) / f'{number}.db'}")
            upgrade(database.engine)
            print(json.dumps(lifecycle_run(database, players, tournament_format=name)), flush=True)
            database.dispose()
    print(json.dumps(swiss_rounds(1_024 if args.quick else 100_000)), flush=True)


if __name__ == "__main__":
    main()
