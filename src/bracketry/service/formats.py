"""A tournament's format, and the matches it appends once every stored match is decided."""

from __future__ import annotations

from sqlalchemy import Connection

from bracketry.engine.formats.base import Format, FormatError
from bracketry.engine.formats.registry import build
from bracketry.service.bracket_state import BracketState, write_matches
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


def extend(
    conn: Connection, *, tournament: Tournament, fmt: Format, state: BracketState
) -> tuple[BracketState, int]:
    """Append and store the matches ``fmt`` adds now (the next Swiss round, a grand-final
    reset), if every match is decided; the new state and how many matches were added."""
    if not state.progress.decided.all():
        return state, 0
    more = fmt.extend(state.progress)
    if more is None or more.match_count == 0:
        return state, 0
    ids = write_matches(
        conn, tournament_id=tournament.id, bracket=more, player_ids=state.player_ids
    )
    return state.then(more, ids), more.match_count
