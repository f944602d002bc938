"""Seeds by one rule: a tournament's entries and the seeds its seeding method gives them.

Enrollment, generation and the stored bracket all read seeds from here, so the rule lives
once. This module imports the engine, the store and the service's errors only.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bracketry.engine.seeding import NO_SEED, SeedingError, assign_seeds
from bracketry.service.errors import Conflict
from bracketry.store.bulk import fetch_rows
from bracketry.store.models import Enrollment, Tournament


def enrolled(db: Session, tournament_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(player ids, requested seeds, ratings) in enrollment order; a missing requested seed
    is :data:`NO_SEED`, a missing rating NaN."""
    rows = fetch_rows(
        db.connection(),
        "SELECT player_id, requested_seed, rating FROM enrollments "
        "WHERE tournament_id = ? ORDER BY position",
        (tournament_id,),
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    requested = np.array([r[1] or NO_SEED for r in rows], dtype=np.int64)
    ratings = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64)
    return ids, requested, ratings


def seeds_by_rule(tournament: Tournament, requested: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """Seeds by the tournament's seeding method (raises :class:`SeedingError` when the
    requested seeds cannot all be honoured)."""
    config = tournament.config or {}
    return assign_seeds(
        requested,
        ratings,
        config.get("seeding", "rating"),
        int(config.get("seeding_seed", 0)),
    )


def seeded_entries(
    *, db: Session, tournament: Tournament
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(player ids, ratings, seeds) in enrollment order; seeds by :func:`assign_seeds`, a
    :class:`Conflict` when they cannot be given."""
    ids, requested, ratings = enrolled(db, tournament.id)
    try:
        seeds = seeds_by_rule(tournament, requested, ratings)
    except SeedingError as error:
        raise Conflict(str(error), field=error.field) from error
    return ids, ratings, seeds


def check_manual_seeds(*, db: Session, tournament: Tournament) -> None:
    """With manual seeding, raise :class:`Conflict` unless every player has a seed."""
    if (tournament.config or {}).get("seeding") != "manual":
        return
    missing = db.execute(
        select(func.count())
        .select_from(Enrollment)
        .where(Enrollment.tournament_id == tournament.id, Enrollment.requested_seed.is_(None))
    ).scalar_one()
    if missing:
        raise Conflict(
            f"manual seeding: {missing} players have not been given a seed", field="seed"
        )
