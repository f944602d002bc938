"""A tournament's format, the matches it appends once every stored match is decided, and
the walkovers a double forfeit leaves behind."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bracketry.engine.formats.base import Format, FormatError
from bracketry.engine.formats.registry import build
from bracketry.engine.model import NO_WINNER, Outcome, outcome_code
from bracketry.engine.play import settle as play_settle
from bracketry.service import scheduling
from bracketry.service.bracket_state import (
    BracketState,
    write_matches,
    write_moves,
    write_results,
)
from bracketry.service.errors import Conflict
from bracketry.store.models import Tournament


def format_of(tournament: Tournament) -> Format:
    """The engine format of ``tournament`` with its stored options."""
    return build(tournament.format, tournament.config or {})


def check_players(fmt: Format, player_count: int) -> None:
    """Raise :class:`Conflict` naming the field unless ``fmt`` can run ``player_count``."""
    try:
        fmt.check(player_count)
    except FormatError as error:
        raise Conflict(f"{error} ({player_count} enrolled)", field=error.field) from error


def settle(conn: Connection, *, tournament: Tournament, state: BracketState) -> int:
    """Decide and store the walkovers a double forfeit left (see
    :func:`~bracketry.engine.play.settle`); updates ``state`` in place. Matches decided."""
    progress = state.progress
    settled = play_settle(progress.bracket, progress.slots, progress.winner_slot)
    if settled.position.size == 0:
        return 0
    nobody_on = settled.winner_slot == NO_WINNER
    outcome = np.where(
        nobody_on, outcome_code(Outcome.DOUBLE_FORFEIT), outcome_code(Outcome.BYE)
    ).astype(np.int8)
    progress.outcome[settled.position] = outcome
    write_results(
        conn,
        tournament_id=tournament.id,
        match_ids=state.match_ids[settled.position],
        outcome=outcome,
        winner_slot=settled.winner_slot,
        score_a=None,
        score_b=None,
        source="walkover",
    )
    write_moves(conn, moves=settled.moves, match_ids=state.match_ids, player_ids=state.player_ids)
    return int(settled.position.size)


def extend(
    db: Session, *, tournament: Tournament, fmt: Format, state: BracketState
) -> tuple[BracketState, int]:
    """Append and store the matches ``fmt`` adds now (the next Swiss round, a grand-final
    reset), if every match is decided, and give them slots on the timetable; the new state
    and how many matches were added."""
    if not state.progress.decided.all():
        return state, 0
    more = fmt.extend(state.progress)
    if more is None or more.match_count == 0:
        return state, 0
    ids = write_matches(
        db.connection(), tournament_id=tournament.id, bracket=more, player_ids=state.player_ids
    )
    extended = state.then(more, ids)
    scheduling.plan_new(db, tournament=tournament, state=extended, first=state.match_ids.size)
    return extended, more.match_count
