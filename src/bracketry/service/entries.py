"""Players entering on their own: join (or wait when the tournament is full) and withdraw
(the first waiting player then takes the place); an organiser may remove a participant the
same way before the draw. The tournament's row lock makes the capacity check and the write
one step, so concurrent joins never over-fill it."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bracketry.engine.seeding import NO_SEED
from bracketry.schemas.entry import EntryRead, WaitingRead
from bracketry.service.access import Principal
from bracketry.service.check_in import check_in_window, require_check_in_open
from bracketry.service.enrollments import enroll_columns, require_before_draw
from bracketry.service.errors import Conflict, NotFound
from bracketry.service.lifecycle import PROMOTING, Status, require_status
from bracketry.service.tournaments import get_or_raise, lock_or_raise
from bracketry.store.models import Enrollment, Player, Tournament, WaitingEntry
from bracketry.store.types import utcnow


def join(*, db: Session, tournament_id: int, who: Principal | None) -> EntryRead:
    """Enroll the signed-in player, or put them on the waiting list when it is full."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.ENROLLMENT_OPEN, action="join")
    player = _player(who)
    if db.get(Enrollment, (tournament_id, player)) is not None:
        raise Conflict(f"player {player} is already enrolled", field="player_id")
    if db.get(WaitingEntry, (tournament_id, player)) is not None:
        raise Conflict(f"player {player} is already on the waiting list", field="player_id")
    capacity = (tournament.config or {}).get("max_players")
    if capacity is not None and tournament.enrolled_count >= capacity:
        last = db.execute(
            select(func.max(WaitingEntry.position)).where(
                WaitingEntry.tournament_id == tournament_id
            )
        ).scalar_one()
        db.add(
            WaitingEntry(
                tournament_id=tournament_id,
                player_id=player,
                position=(last or 0) + 1,
                requested_at=utcnow(),
            )
        )
        db.flush()
        return EntryRead(
            player_id=player, state="waiting", waiting_position=_rank(db, tournament_id, player)
        )
    _enroll(db, tournament_id, player)
    return EntryRead(player_id=player, state="enrolled")


def withdraw(*, db: Session, tournament_id: int, who: Principal | None) -> EntryRead:
    """Take the signed-in player out (before the draw); a waiting player moves up."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.ENROLLMENT_OPEN, Status.ENROLLMENT_CLOSED, action="withdraw")
    player = _player(who)
    waiting = db.get(WaitingEntry, (tournament_id, player))
    if waiting is not None:
        db.delete(waiting)
        return EntryRead(player_id=player, state="withdrawn")
    entry = db.get(Enrollment, (tournament_id, player))
    if entry is None:
        raise Conflict(f"player {player} is not in tournament {tournament_id}", field="player_id")
    promoted = _leave(db, tournament, entry)
    return EntryRead(player_id=player, state="withdrawn", promoted_player_id=promoted)


def remove(*, db: Session, tournament_id: int, player_id: int) -> EntryRead:
    """An organiser takes a participant (or a waiting player) out before the draw; as when
    they withdraw, the first waiting player moves up while enrollment is open."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_before_draw(db, tournament, action="removed")
    waiting_entry = db.get(WaitingEntry, (tournament_id, player_id))
    if waiting_entry is not None:
        db.delete(waiting_entry)
        return EntryRead(player_id=player_id, state="withdrawn")
    entry = db.get(Enrollment, (tournament_id, player_id))
    if entry is None:
        raise NotFound(
            f"player {player_id} is not enrolled in tournament {tournament_id}",
            field="player_id",
        )
    promoted = _leave(db, tournament, entry)
    return EntryRead(player_id=player_id, state="withdrawn", promoted_player_id=promoted)


def _leave(db: Session, tournament: Tournament, entry: Enrollment) -> int | None:
    """Delete ``entry``, close the gap in the enrollment order and let the first waiting
    player in; their id."""
    gone = entry.position
    db.delete(entry)
    db.flush()
    db.execute(
        update(Enrollment)
        .where(Enrollment.tournament_id == tournament.id, Enrollment.position > gone)
        .values(position=Enrollment.position - 1)
    )
    tournament.enrolled_count -= 1
    return _promote(db, tournament)


def check_in(*, db: Session, tournament_id: int, who: Principal | None) -> EntryRead:
    """The signed-in player (enrolled or waiting) confirms they are there, inside the
    tournament's check-in window."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    now = require_check_in_open(tournament)
    player = _player(who)
    row = _entry_or_waiting(db, tournament_id, player)
    if row is None:
        raise Conflict(f"player {player} is not in tournament {tournament_id}", field="player_id")
    return _checked_in(db, row, now)


def check_in_player(*, db: Session, tournament_id: int, player_id: int) -> tuple[bool, EntryRead]:
    """An organiser checks a participant (enrolled or waiting) in, by the same rules as the
    player's own check-in; whether they had checked in already, and where they stand."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    now = require_check_in_open(tournament)
    row = _entry_or_waiting(db, tournament_id, player_id)
    if row is None:
        raise NotFound(
            f"player {player_id} is not in tournament {tournament_id}", field="player_id"
        )
    already = row.checked_in_at is not None
    return already, _checked_in(db, row, now)


def _entry_or_waiting(
    db: Session, tournament_id: int, player: int
) -> Enrollment | WaitingEntry | None:
    return db.get(Enrollment, (tournament_id, player)) or db.get(
        WaitingEntry, (tournament_id, player)
    )


def _checked_in(db: Session, row: Enrollment | WaitingEntry, now: datetime) -> EntryRead:
    """Mark ``row`` checked in (keeping the first time) and say where its player stands."""
    row.checked_in_at = row.checked_in_at or now
    if isinstance(row, WaitingEntry):
        rank = _rank(db, row.tournament_id, row.player_id)
        return EntryRead(player_id=row.player_id, state="waiting", waiting_position=rank)
    return EntryRead(player_id=row.player_id, state="enrolled")


def refuse_open_check_in(tournament: Tournament) -> None:
    """Raise :class:`Conflict` while check-in is still to close: the draw waits for it."""
    window = check_in_window(tournament)
    if window is not None and utcnow() < window[1]:
        raise Conflict(
            f"check-in closes at {window[1].isoformat()}; generate after that",
            field="config.check_in",
        )


def settle_check_in(db: Session, tournament: Tournament) -> int:
    """Before the draw: drop enrolled players who did not check in and fill their places
    with waiting players who did, first in line first; how many were dropped."""
    if check_in_window(tournament) is None:
        return 0
    absent = Enrollment.checked_in_at.is_(None)
    dropped = db.execute(
        select(func.count())
        .select_from(Enrollment)
        .where(Enrollment.tournament_id == tournament.id, absent)
    ).scalar_one()
    if dropped:
        db.execute(delete(Enrollment).where(Enrollment.tournament_id == tournament.id, absent))
    present = db.scalars(
        select(WaitingEntry)
        .where(WaitingEntry.tournament_id == tournament.id, WaitingEntry.checked_in_at.isnot(None))
        .order_by(WaitingEntry.position)
    ).all()
    kept = db.scalars(
        select(Enrollment)
        .where(Enrollment.tournament_id == tournament.id)
        .order_by(Enrollment.position)
    ).all()
    capacity = (tournament.config or {}).get("max_players") or len(kept) + len(present)
    moved = present[: max(capacity - len(kept), 0)]
    for position, entry in enumerate(kept):
        entry.position = position
    for offset, waiting_entry in enumerate(moved):
        player = db.get(Player, waiting_entry.player_id)
        db.add(
            Enrollment(
                tournament_id=tournament.id,
                player_id=waiting_entry.player_id,
                position=len(kept) + offset,
                rating=None if player is None else player.rating,
                checked_in_at=waiting_entry.checked_in_at,
            )
        )
        db.delete(waiting_entry)
    tournament.enrolled_count = len(kept) + len(moved)
    db.flush()
    return int(dropped)


def waiting(*, db: Session, tournament_id: int) -> list[WaitingRead]:
    """The waiting list, first in line first."""
    get_or_raise(db=db, tournament_id=tournament_id)
    rows = db.execute(
        select(WaitingEntry.player_id, Player.name, WaitingEntry.checked_in_at)
        .join(Player, Player.id == WaitingEntry.player_id)
        .where(WaitingEntry.tournament_id == tournament_id)
        .order_by(WaitingEntry.position)
    ).all()
    return [
        WaitingRead(player_id=pid, name=name, position=i + 1, checked_in=at is not None)
        for i, (pid, name, at) in enumerate(rows)
    ]


def _promote(db: Session, tournament: Tournament) -> int | None:
    """Enroll the first waiting player while enrollment is open; their id."""
    if tournament.status not in PROMOTING:
        return None
    first = db.execute(
        select(WaitingEntry)
        .where(WaitingEntry.tournament_id == tournament.id)
        .order_by(WaitingEntry.position)
        .limit(1)
    ).scalar_one_or_none()
    if first is None:
        return None
    player = first.player_id
    db.execute(
        delete(WaitingEntry).where(
            WaitingEntry.tournament_id == tournament.id, WaitingEntry.player_id == player
        )
    )
    _enroll(db, tournament.id, player)
    return player


def _enroll(db: Session, tournament_id: int, player: int) -> None:
    enroll_columns(
        db=db,
        tournament_id=tournament_id,
        player_ids=np.array([player], dtype=np.int64),
        names=[""],
        ratings=np.array([np.nan]),
        seeds=np.array([NO_SEED], dtype=np.int64),
    )


def _rank(db: Session, tournament_id: int, player: int) -> int:
    mine = db.get(WaitingEntry, (tournament_id, player))
    assert mine is not None
    return db.execute(
        select(func.count())
        .select_from(WaitingEntry)
        .where(WaitingEntry.tournament_id == tournament_id, WaitingEntry.position <= mine.position)
    ).scalar_one()


def _player(who: Principal | None) -> int:
    if who is None or who.player_id is None:
        raise Conflict("this account plays as no player: sign in as a player", field="player_id")
    return who.player_id
