"""Enrollment: set-based writes of players and entries, and seeds derived by one rule."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bracketry.engine.seeding import NO_SEED, SeedingError, assign_seeds
from bracketry.schemas.enrollment import (
    EnrollmentCreate,
    EnrollmentOutcome,
    EnrollmentPage,
    EnrollmentRead,
)
from bracketry.service.errors import Conflict, Invalid, NotFound
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.paging import next_offset
from bracketry.service.tournaments import lock_or_raise
from bracketry.store.bulk import allocate_ids, fetch_rows, insert_columns, with_nulls
from bracketry.store.models import Enrollment, Player, Tournament

LOOKUP_CHUNK = 10_000


def _first_repeat(values: np.ndarray) -> int | None:
    """Index of the first value that already appeared earlier, or None."""
    _, first = np.unique(values, return_index=True)
    if first.size == values.size:
        return None
    repeated = np.ones(values.size, dtype=bool)
    repeated[first] = False
    return int(np.flatnonzero(repeated)[0])


def _existing(db: Session, column: object, ids: np.ndarray, *where: object) -> set[int]:
    found: set[int] = set()
    for start in range(0, ids.size, LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK].tolist()
        found.update(db.execute(select(column).where(column.in_(chunk), *where)).scalars())  # type: ignore[attr-defined]
    return found


def enroll(
    *, db: Session, tournament_id: int, entries: Sequence[EnrollmentCreate]
) -> EnrollmentOutcome:
    """Enroll API entries (existing players by id, new ones by name) in one write."""
    player_ids = np.array([e.player_id or 0 for e in entries], dtype=np.int64)
    known = player_ids > 0
    repeat = _first_repeat(player_ids[known])
    if repeat is not None:
        index = int(np.flatnonzero(known)[repeat])
        raise Invalid(
            f"player {int(player_ids[index])} appears twice", field=f"players[{index}].player_id"
        )
    if known.any():
        missing = set(player_ids[known].tolist()) - _existing(db, Player.id, player_ids[known])
        if missing:
            raise NotFound(f"player {min(missing)} does not exist", field="player_id")
    ratings = np.array([np.nan if e.rating is None else e.rating for e in entries])
    if known.any():
        stored = dict(
            db.execute(
                select(Player.id, Player.rating).where(Player.id.in_(player_ids[known].tolist()))
            ).all()
        )
        for i in np.flatnonzero(known & np.isnan(ratings)):
            rating = stored.get(int(player_ids[i]))
            ratings[i] = np.nan if rating is None else rating
    return enroll_columns(
        db=db,
        tournament_id=tournament_id,
        player_ids=player_ids,
        names=[e.name or "" for e in entries],
        ratings=ratings,
        seeds=np.array([e.seed or NO_SEED for e in entries], dtype=np.int64),
    )


def enroll_columns(
    *,
    db: Session,
    tournament_id: int,
    player_ids: np.ndarray,
    names: Sequence[str],
    ratings: np.ndarray,
    seeds: np.ndarray,
) -> EnrollmentOutcome:
    """Enroll players given as columns; ``player_ids`` 0 means "create from ``names``"."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.ENROLLMENT_OPEN, action="enroll players")
    count = int(player_ids.size)
    capacity = tournament.config.get("max_players")
    if capacity is not None and tournament.enrolled_count + count > capacity:
        raise Conflict(
            f"enrolling {count} would exceed max_players {capacity} "
            f"({tournament.enrolled_count} enrolled)",
            field="players",
        )
    explicit = seeds != NO_SEED
    if capacity is not None and (seeds > capacity).any():
        index = int(np.flatnonzero(seeds > capacity)[0])
        raise Invalid(
            f"seed {int(seeds[index])} is above max_players {capacity}",
            field=f"players[{index}].seed",
        )
    repeat = _first_repeat(seeds[explicit])
    if repeat is not None:
        index = int(np.flatnonzero(explicit)[repeat])
        raise Invalid(
            f"seed {int(seeds[index])} is requested twice", field=f"players[{index}].seed"
        )
    if explicit.any():
        taken = _existing(
            db,
            Enrollment.requested_seed,
            seeds[explicit],
            Enrollment.tournament_id == tournament_id,
        )
        if taken:
            raise Conflict(f"seed {min(taken)} is already held by an enrolled player", field="seed")
    known = player_ids > 0
    if known.any():
        already = _existing(
            db, Enrollment.player_id, player_ids[known], Enrollment.tournament_id == tournament_id
        )
        if already:
            raise Conflict(f"player {min(already)} is already enrolled", field="player_id")
    ratings = _with_current_ratings(db, player_ids, ratings)
    conn = db.connection()
    fresh = np.flatnonzero(~known)
    first_new = None
    if fresh.size:
        new_ids = allocate_ids(conn, Player.__table__, int(fresh.size))
        player_ids = player_ids.copy()
        player_ids[fresh] = new_ids
        first_new = int(new_ids[0])
        fresh_ratings = ratings[fresh]
        insert_columns(
            conn,
            Player.__table__,
            ("id", "name", "rating"),
            (
                new_ids,
                [names[i] for i in fresh.tolist()],
                with_nulls(fresh_ratings, np.isnan(fresh_ratings)),
            ),
        )
    positions = np.arange(tournament.enrolled_count, tournament.enrolled_count + count)
    insert_columns(
        conn,
        Enrollment.__table__,
        ("tournament_id", "player_id", "position", "requested_seed", "rating"),
        (
            np.full(count, tournament_id),
            player_ids,
            positions,
            with_nulls(seeds, ~explicit),
            with_nulls(ratings, np.isnan(ratings)),
        ),
    )
    tournament.enrolled_count += count
    return EnrollmentOutcome(
        enrolled=count, enrolled_count=tournament.enrolled_count, first_player_id=first_new
    )


def _with_current_ratings(db: Session, player_ids: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """``ratings`` with each known player's current rating where none was given, so ratings
    earned in earlier tournaments seed the next one."""
    ask = np.flatnonzero((player_ids > 0) & np.isnan(ratings))
    if ask.size == 0:
        return ratings
    current: dict[int, float | None] = {}
    for start in range(0, ask.size, 5_000):
        chunk = player_ids[ask[start : start + 5_000]].tolist()
        rows = db.execute(select(Player.id, Player.rating).where(Player.id.in_(chunk))).all()
        current.update((int(pid), rating) for pid, rating in rows)
    filled = ratings.astype(np.float64).copy()
    for index in ask.tolist():
        value = current.get(int(player_ids[index]))
        if value is not None:
            filled[index] = value
    return filled


def _entries(db: Session, tournament_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(player ids, requested seeds, ratings) in enrollment order."""
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


def seeded_entries(
    *, db: Session, tournament: Tournament
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(player ids, ratings, seeds) in enrollment order; seeds by :func:`assign_seeds`."""
    ids, requested, ratings = _entries(db, tournament.id)
    try:
        seeds = _seeds(tournament, requested, ratings)
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


def _seeds(tournament: Tournament, requested: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """Seeds by the tournament's seeding method."""
    config = tournament.config or {}
    return assign_seeds(
        requested,
        ratings,
        config.get("seeding", "rating"),
        int(config.get("seeding_seed", 0)),
    )


def list_page(*, db: Session, tournament_id: int, limit: int, offset: int) -> EnrollmentPage:
    """Enrolled players in seed order, with the seeds the rules give them now.

    While requested seeds cannot all be honoured yet (seed 8 with 5 players enrolled),
    ``seed`` is null, the page is in enrollment order and ``seeding_issue`` says why.
    """
    tournament = db.get(Tournament, tournament_id)
    if tournament is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    ids, requested, ratings = _entries(db, tournament_id)
    issue: str | None = None
    try:
        seeds: np.ndarray | None = _seeds(tournament, requested, ratings)
        order = np.argsort(seeds, kind="stable")
    except SeedingError as error:
        seeds, issue = None, str(error)
        order = np.arange(ids.size)
    order = order[offset : offset + limit]
    names = dict(
        db.execute(select(Player.id, Player.name).where(Player.id.in_(ids[order].tolist()))).all()
    )
    items = [
        EnrollmentRead(
            player_id=int(ids[i]),
            name=names[int(ids[i])],
            rating=None if np.isnan(ratings[i]) else float(ratings[i]),
            requested_seed=int(requested[i]) if requested[i] != NO_SEED else None,
            seed=None if seeds is None else int(seeds[i]),
            position=int(i),
        )
        for i in order.tolist()
    ]
    total = int(ids.size)
    following = next_offset(offset, len(items), total)
    return EnrollmentPage(items=items, total=total, next_offset=following, seeding_issue=issue)
