"""Generating a tournament's sessions: engine, then one bulk write, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats import knockout
from bracketry.engine.model import NO_PLAYER, SIDE_CODES, Outcome
from bracketry.engine.play import initial_winner_slot
from bracketry.service.bracket_state import write_results
from bracketry.service.enrollments import seeded_entries
from bracketry.service.errors import Conflict
from bracketry.service.lifecycle import Status, Via, require_status, transition
from bracketry.service.metering import Stopwatch
from bracketry.store.bulk import allocate_ids, insert_columns, with_nulls
from bracketry.store.models import Match, Tournament
from bracketry.store.types import utcnow

STAGE = 1


@dataclass(frozen=True)
class Generated:
    """What one generation wrote."""

    sessions_count: int


def refuse_if_generated(tournament: Tournament) -> None:
    """The idempotency answer: a tournament's sessions are generated once."""
    if tournament.sessions_generated_at is not None:
        stamp = tournament.sessions_generated_at.strftime("%Y-%m-%d %H:%M:%S")
        raise Conflict(f"Sessions already generated at {stamp}")


def check_can_generate(tournament: Tournament) -> None:
    """Raise :class:`Conflict` unless sessions can be generated now."""
    refuse_if_generated(tournament)
    require_status(tournament, Status.ENROLLMENT_CLOSED, action="generate sessions")
    if tournament.enrolled_count < knockout.MIN_PLAYERS:
        raise Conflict(
            f"a knockout needs at least {knockout.MIN_PLAYERS} players, "
            f"{tournament.enrolled_count} enrolled"
        )


MATCH_COLUMNS = (
    "id",
    "tournament_id",
    "stage",
    "side",
    "round",
    "number",
    "entrant_a",
    "entrant_b",
    "winner_to",
    "winner_slot",
    "loser_to",
    "loser_slot",
)
"""Columns of a match row as generation writes them."""


def match_columns(
    bracket: Bracket, *, ids: np.ndarray, tournament_id: int, player_ids: np.ndarray
) -> tuple[object, ...]:
    """The :data:`MATCH_COLUMNS` of ``bracket``: positions become ``ids``, player indexes
    become ``player_ids`` (index ``i`` plays as ``player_ids[i]``), absent ones NULL."""
    count = bracket.match_count
    link = np.append(ids, -1)  # a NO_MATCH (-1) link reads the trailing -1
    entrants = np.where(bracket.entrants == NO_PLAYER, -1, player_ids[bracket.entrants])
    sides = np.array([s.value for s in SIDE_CODES], dtype=object)[bracket.side]
    winner_to, loser_to = link[bracket.winner_to], link[bracket.loser_to]
    return (
        ids,
        [tournament_id] * count,
        [STAGE] * count,
        sides,
        bracket.round,
        bracket.number,
        with_nulls(entrants[:, 0], entrants[:, 0] == -1),
        with_nulls(entrants[:, 1], entrants[:, 1] == -1),
        with_nulls(winner_to, winner_to == -1),
        bracket.winner_slot,
        with_nulls(loser_to, loser_to == -1),
        bracket.loser_slot,
    )


def generate_sessions(*, db: Session, tournament: Tournament, clock: Stopwatch) -> Generated:
    """Build and store the bracket of a locked tournament; moves it to IN_PROGRESS.

    ``clock`` receives the separate ``engine`` and ``db_write`` windows.
    """
    check_can_generate(tournament)
    player_ids, _ratings, seeds = seeded_entries(db=db, tournament=tournament)
    with clock.window("engine"):
        by_seed = np.empty_like(player_ids)
        by_seed[seeds - 1] = player_ids
        options = knockout.KnockoutOptions(third_place=tournament.config.get("third_place", True))
        bracket = knockout.generate(int(player_ids.size), options)
        bye_positions = np.flatnonzero(bracket.bye)
        bye_winner = initial_winner_slot(bracket)[bye_positions]
    with clock.window("db_write"):
        conn = db.connection()
        ids = allocate_ids(conn, Match.__table__, bracket.match_count)
        columns = match_columns(bracket, ids=ids, tournament_id=tournament.id, player_ids=by_seed)
        count = insert_columns(conn, Match.__table__, MATCH_COLUMNS, columns)
        write_results(
            conn,
            tournament_id=tournament.id,
            match_ids=ids[bye_positions],
            outcome=Outcome.BYE,
            winner_slot=bye_winner,
            score_a=None,
            score_b=None,
            source="bye",
        )
        tournament.sessions_generated_at = utcnow()
        transition(db, tournament, Status.IN_PROGRESS, via=Via.GENERATE, reason=f"{count} sessions")
    return Generated(sessions_count=count)
