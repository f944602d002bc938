"""Building tournaments straight through the service layer (fast set-up for fault tests)."""

from __future__ import annotations

import numpy as np

from bracketry.engine.seeding import NO_SEED
from bracketry.engine.simulate import synthetic_ratings
from bracketry.schemas.tournament import StatusChangeIn, TournamentCreate
from bracketry.service import enrollments, tournaments
from bracketry.service.lifecycle import Status
from bracketry.service.scenario import synthetic_names
from bracketry.store.database import Database


def closed_tournament(database: Database, players: int, seed: int = 0) -> int:
    """A knockout with ``players`` synthetic players and enrollment closed; returns its id."""
    with database.write() as db:
        tournament = tournaments.create(
            db=db, tournament_in=TournamentCreate(name=f"fault {players}p")
        )
        tournament_id = tournament.id
        tournaments.change_status(
            db=db, tournament_id=tournament_id, change=StatusChangeIn(status=Status.ENROLLMENT_OPEN)
        )
    with database.write() as db:
        enrollments.enroll_columns(
            db=db,
            tournament_id=tournament_id,
            player_ids=np.zeros(players, dtype=np.int64),
            names=synthetic_names(players),
            ratings=synthetic_ratings(players, np.random.default_rng(seed)),
            seeds=np.full(players, NO_SEED, dtype=np.int64),
        )
        tournaments.change_status(
            db=db,
            tournament_id=tournament_id,
            change=StatusChangeIn(status=Status.ENROLLMENT_CLOSED),
        )
    return tournament_id
