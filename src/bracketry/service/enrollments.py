"""Enrollment: set-based writes of players and entries, and seeds derived by one rule.

A player is enrolled once per tournament: rows of a CSV import and entries given by name are
matched against the tournament's entries (by external id when the row has one, else by name,
trimmed and in any case) and the matches are skipped and reported, never enrolled twice.
Before the draw an organiser may edit a participant and set many seeds at once. Seeds are
given by :mod:`bracketry.service.seeds`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from bracketry.engine.seeding import NO_SEED, SeedingError
from bracketry.schemas.enrollment import (
    MAX_LISTED_SKIPS,
    CheckInWindow,
    EnrollmentCreate,
    EnrollmentOutcome,
    EnrollmentPage,
    EnrollmentRead,
    ParticipantUpdate,
    SeedAssignment,
    SkippedRow,
)
from bracketry.schemas.job import JobStatus
from bracketry.service.check_in import check_in_open, check_in_window
from bracketry.service.errors import Conflict, Invalid, NotFound
from bracketry.service.lifecycle import PROMOTING, Status, require_status
from bracketry.service.paging import next_offset
from bracketry.service.seeds import enrolled, seeds_by_rule
from bracketry.service.tournaments import lock_or_raise
from bracketry.store.bulk import allocate_ids, fetch_rows, insert_columns, with_nulls
from bracketry.store.models import Enrollment, Job, Player, Tournament

LOOKUP_CHUNK = 10_000
NONE = np.zeros(0, dtype=np.int64)
"""No players: the columns :func:`check_columns` asks about when only the state matters."""


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
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.ENROLLMENT_OPEN, action="enroll players")
    names = [e.name or "" for e in entries]
    by_name = np.flatnonzero(~known)
    keep = np.ones(len(entries), dtype=bool)
    skipped: list[SkippedRow] = []
    if by_name.size:
        fresh, skipped = match_enrolled(
            db,
            tournament,
            [names[i] for i in by_name.tolist()],
            [None] * int(by_name.size),
            rows=by_name.tolist(),
        )
        keep[by_name[~fresh]] = False
    outcome = enroll_columns(
        db=db,
        tournament_id=tournament_id,
        player_ids=player_ids[keep],
        names=[name for name, kept in zip(names, keep.tolist(), strict=True) if kept],
        ratings=ratings[keep],
        seeds=np.array([e.seed or NO_SEED for e in entries], dtype=np.int64)[keep],
        clubs=[e.club for e, kept in zip(entries, keep.tolist(), strict=True) if kept],
    )
    return with_skipped(outcome, skipped)


def name_key(name: str) -> str:
    """A name as entries are matched by: trimmed, in any case.

    >>> name_key("  Ada LOVELACE ") == name_key("ada lovelace")
    True
    """
    return name.strip().casefold()


def match_enrolled(
    db: Session,
    tournament: Tournament,
    names: Sequence[str],
    external_ids: Sequence[str | None],
    *,
    rows: Sequence[int],
) -> tuple[np.ndarray, list[SkippedRow]]:
    """Which rows to enroll (a mask) and the rows to skip: a row whose external id (or, when
    it has none, whose name, trimmed and in any case) is already enrolled in ``tournament``,
    or repeats an earlier row's. ``rows`` number the rows for the report. One query reads the
    tournament's entries; the caller holds the tournament's lock."""
    by_external: dict[str, int] = {}
    by_name: dict[str, int] = {}
    if tournament.enrolled_count:
        entries = fetch_rows(
            db.connection(),
            "SELECT players.id, players.name, players.external_id FROM enrollments "
            "JOIN players ON players.id = enrollments.player_id "
            "WHERE enrollments.tournament_id = ?",
            (tournament.id,),
        )
        for player_id, name, external in entries:
            by_name.setdefault(name_key(name), int(player_id))
            if external is not None:
                by_external.setdefault(external, int(player_id))
    keep = np.ones(len(names), dtype=bool)
    skipped: list[SkippedRow] = []
    first_row: dict[tuple[bool, str], int] = {}
    for index, (name, external) in enumerate(zip(names, external_ids, strict=True)):
        key = (True, external) if external is not None else (False, name_key(name))
        what = f"external id {external}" if external is not None else "name"
        player = (by_external if external is not None else by_name).get(key[1])
        if player is not None:
            reason = f"already enrolled: same {what} as player {player}"
        elif key in first_row:
            reason = f"same {what} as row {first_row[key]} of this request"
        else:
            first_row[key] = rows[index]
            continue
        keep[index] = False
        skipped.append(SkippedRow(row=rows[index], name=name, reason=reason, player_id=player))
    return keep, skipped


def with_skipped(outcome: EnrollmentOutcome, skipped: list[SkippedRow]) -> EnrollmentOutcome:
    """``outcome`` reporting ``skipped`` (the first :data:`MAX_LISTED_SKIPS` listed)."""
    outcome.skipped_count = len(skipped)
    outcome.skipped = skipped[:MAX_LISTED_SKIPS]
    return outcome


def enroll_columns(
    *,
    db: Session,
    tournament_id: int,
    player_ids: np.ndarray,
    names: Sequence[str],
    ratings: np.ndarray,
    seeds: np.ndarray,
    clubs: Sequence[str | None] | None = None,
    external_ids: Sequence[str | None] | None = None,
) -> EnrollmentOutcome:
    """Enroll players given as columns; ``player_ids`` 0 means "create from ``names``" (with
    ``clubs`` and ``external_ids`` when given)."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    check_columns(db=db, tournament=tournament, player_ids=player_ids, seeds=seeds)
    count = int(player_ids.size)
    explicit = seeds != NO_SEED
    known = player_ids > 0
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
        picked = fresh.tolist()
        insert_columns(
            conn,
            Player.__table__,
            ("id", "name", "rating", "club", "external_id"),
            (
                new_ids,
                [names[i] for i in picked],
                with_nulls(fresh_ratings, np.isnan(fresh_ratings)),
                [None] * len(picked) if clubs is None else [clubs[i] for i in picked],
                [None] * len(picked) if external_ids is None else [external_ids[i] for i in picked],
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


def check_columns(
    *, db: Session, tournament: Tournament, player_ids: np.ndarray, seeds: np.ndarray
) -> None:
    """Raise unless players given as columns may be enrolled in ``tournament`` now (the
    rules of :func:`enroll_columns`, which writes nothing when one fails)."""
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
            Enrollment.tournament_id == tournament.id,
        )
        if taken:
            raise Conflict(f"seed {min(taken)} is already held by an enrolled player", field="seed")
    known = player_ids > 0
    if known.any():
        already = _existing(
            db, Enrollment.player_id, player_ids[known], Enrollment.tournament_id == tournament.id
        )
        if already:
            raise Conflict(f"player {min(already)} is already enrolled", field="player_id")


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


def list_page(*, db: Session, tournament_id: int, limit: int, offset: int) -> EnrollmentPage:
    """Enrolled players in seed order, with the seeds the rules give them now.

    While requested seeds cannot all be honoured yet (seed 8 with 5 players enrolled),
    ``seed`` is null, the page is in enrollment order and ``seeding_issue`` says why.
    """
    tournament = db.get(Tournament, tournament_id)
    if tournament is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    ids, requested, ratings = enrolled(db, tournament_id)
    issue: str | None = None
    try:
        seeds: np.ndarray | None = seeds_by_rule(tournament, requested, ratings)
        order = np.argsort(seeds, kind="stable")
    except SeedingError as error:
        seeds, issue = None, str(error)
        order = np.arange(ids.size)
    order = order[offset : offset + limit]
    people = {
        int(pid): (name, club, at is not None)
        for pid, name, club, at in db.execute(
            select(Player.id, Player.name, Player.club, Enrollment.checked_in_at)
            .join(Enrollment, Enrollment.player_id == Player.id)
            .where(
                Enrollment.tournament_id == tournament_id,
                Player.id.in_(ids[order].tolist()),
            )
        ).all()
    }
    items = [
        EnrollmentRead(
            player_id=int(ids[i]),
            name=people[int(ids[i])][0],
            club=people[int(ids[i])][1],
            checked_in=people[int(ids[i])][2],
            rating=None if np.isnan(ratings[i]) else float(ratings[i]),
            requested_seed=int(requested[i]) if requested[i] != NO_SEED else None,
            seed=None if seeds is None else int(seeds[i]),
            position=int(i),
        )
        for i in order.tolist()
    ]
    total = int(ids.size)
    following = next_offset(offset, len(items), total)
    window = check_in_window(tournament)
    return EnrollmentPage(
        items=items,
        total=total,
        next_offset=following,
        seeding_issue=issue,
        editable=participants_editable(db, tournament),
        waiting_moves_up=tournament.status in PROMOTING,
        can_enroll=_passes(
            check_columns, db=db, tournament=tournament, player_ids=NONE, seeds=NONE
        ),
        check_in=None
        if window is None
        else CheckInWindow(opens_at=window[0], closes_at=window[1], open=check_in_open(tournament)),
    )


def participants_editable(db: Session, tournament: Tournament) -> bool:
    """Whether participants may still change, by :func:`require_before_draw`."""
    return _passes(require_before_draw, db, tournament, action="changed")


def _passes(rule: Callable[..., None], *args: Any, **kwargs: Any) -> bool:
    """Whether ``rule`` lets the call through (raises no :class:`Conflict`)."""
    try:
        rule(*args, **kwargs)
    except Conflict:
        return False
    return True


def require_before_draw(db: Session, tournament: Tournament, *, action: str) -> None:
    """Raise :class:`Conflict` unless participants may still change: enrollment open or
    closed, and no bracket generated or being generated."""
    status = tournament.status
    if status in (Status.IN_PROGRESS, Status.COMPLETED):
        raise Conflict(
            f"the bracket has been generated, so participants can no longer be {action}",
            field="status",
        )
    if status == Status.CANCELLED:
        raise Conflict(
            f"the tournament is cancelled, so participants can no longer be {action}",
            field="status",
        )
    require_status(
        tournament, Status.ENROLLMENT_OPEN, Status.ENROLLMENT_CLOSED, action=f"{action} players"
    )
    generating = db.execute(
        select(func.count())
        .select_from(Job)
        .where(
            Job.tournament_id == tournament.id,
            Job.kind == "generate",
            Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING]),
        )
    ).scalar_one()
    if generating:
        raise Conflict(
            f"the bracket is being generated, so participants can no longer be {action}",
            field="status",
        )


def _participant(db: Session, tournament_id: int, player_id: int) -> Enrollment:
    entry = db.get(Enrollment, (tournament_id, player_id))
    if entry is None:
        raise NotFound(
            f"player {player_id} is not enrolled in tournament {tournament_id}",
            field="player_id",
        )
    return entry


def _check_seed(seed: int, participants: int, field: str) -> None:
    if not 1 <= seed <= participants:
        raise Invalid(
            f"seed {seed} is not between 1 and {participants}, the number of participants",
            field=field,
        )


def update_participant(
    *, db: Session, tournament_id: int, player_id: int, change: ParticipantUpdate
) -> EnrollmentRead:
    """Change a participant's name, club, rating (the one this tournament seeds by) or
    requested seed before the draw; only the fields sent change."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_before_draw(db, tournament, action="edited")
    entry = _participant(db, tournament_id, player_id)
    player = db.get(Player, player_id)
    if player is None:
        raise NotFound(f"player {player_id} does not exist", field="player_id")
    sent = change.model_fields_set
    if change.name is not None:
        player.name = change.name
    if "club" in sent:
        player.club = change.club
    if "rating" in sent:
        entry.rating = change.rating
    if "seed" in sent and change.seed is not None:
        _check_seed(change.seed, tournament.enrolled_count, "seed")
        holder = db.execute(
            select(Enrollment.player_id).where(
                Enrollment.tournament_id == tournament_id,
                Enrollment.requested_seed == change.seed,
                Enrollment.player_id != player_id,
            )
        ).scalar_one_or_none()
        if holder is not None:
            raise Conflict(f"seed {change.seed} is already held by player {holder}", field="seed")
    if "seed" in sent:
        entry.requested_seed = change.seed
    db.flush()
    ids, requested, ratings = enrolled(db, tournament_id)
    try:
        seed: int | None = int(seeds_by_rule(tournament, requested, ratings)[ids == player_id][0])
    except SeedingError:
        seed = None
    return EnrollmentRead(
        player_id=player_id,
        name=player.name,
        club=player.club,
        rating=entry.rating,
        requested_seed=entry.requested_seed,
        seed=seed,
        position=entry.position,
        checked_in=entry.checked_in_at is not None,
    )


def set_seeds(
    *, db: Session, tournament_id: int, seeds: Sequence[SeedAssignment]
) -> list[SeedAssignment]:
    """Give several participants their requested seeds at once (``None`` clears one) before
    the draw; every requested seed afterwards, in seed order. Seeds are between 1 and the
    number of participants and unique, counting those of players not listed."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_before_draw(db, tournament, action="seeded")
    rows = fetch_rows(
        db.connection(),
        "SELECT player_id, requested_seed FROM enrollments WHERE tournament_id = ?",
        (tournament_id,),
    )
    current = {int(pid): seed for pid, seed in rows}
    given: dict[int, int | None] = {}
    for index, item in enumerate(seeds):
        if item.player_id in given:
            raise Invalid(f"player {item.player_id} is listed twice", field=f"{index}.player_id")
        if item.player_id not in current:
            raise NotFound(
                f"player {item.player_id} is not enrolled in tournament {tournament_id}",
                field=f"{index}.player_id",
            )
        if item.seed is not None:
            _check_seed(item.seed, len(current), f"{index}.seed")
        given[item.player_id] = item.seed
    listed_at: dict[int, int] = {}
    for index, item in enumerate(seeds):
        if item.seed is None:
            continue
        if item.seed in listed_at:
            raise Invalid(
                f"seed {item.seed} is given to two players "
                f"(entries {listed_at[item.seed]} and {index})",
                field=f"{index}.seed",
            )
        listed_at[item.seed] = index
    for player, seed in current.items():
        if player not in given and seed is not None and seed in listed_at:
            raise Conflict(
                f"seed {seed} is held by player {player}, who is not in the list: "
                "give them another seed in the same request or clear theirs",
                field=f"{listed_at[seed]}.seed",
            )
    changed = [(seed, player) for player, seed in given.items() if current[player] != seed]
    _write_seeds(db.connection(), tournament_id, changed)
    final = {**current, **given}
    return sorted(
        (SeedAssignment(player_id=p, seed=s) for p, s in final.items() if s is not None),
        key=lambda item: item.seed or 0,
    )


def _write_seeds(
    conn: Connection, tournament_id: int, changed: Sequence[tuple[int | None, int]]
) -> None:
    """Store ``(seed, player_id)`` pairs as requested seeds, in one statement."""
    if not changed:
        return
    if conn.dialect.name == "postgresql":
        seeds, players = (list(column) for column in zip(*changed, strict=True))
        conn.exec_driver_sql(
            "UPDATE enrollments SET requested_seed = v.seed "
            "FROM unnest(%s::int[], %s::int[]) AS v(seed, player_id) "
            "WHERE enrollments.tournament_id = %s AND enrollments.player_id = v.player_id",
            (seeds, players, tournament_id),
        )
        return
    conn.exec_driver_sql(
        "UPDATE enrollments SET requested_seed = ? WHERE tournament_id = ? AND player_id = ?",
        [(seed, tournament_id, player) for seed, player in changed],
    )
