"""Heats (many-player sessions): recording, correcting and simulating measured results.

A heat's result is every player's attempts; the format aggregates them (best or sum) into
the value that places them, in the format's direction. Once every heat of a round is
decided the format pairs nothing: it deals the qualifiers into the next round's heats.
"""

from __future__ import annotations

import json

import numpy as np
from sqlalchemy import Connection, bindparam, delete, update
from sqlalchemy.orm import Session

from bracketry.engine.formats.heats import Heats, aggregate, simulate_attempts
from bracketry.engine.model import NO_WINNER, UNDECIDED, Outcome, Side, outcome_code, side_code
from bracketry.schemas.session import HeatResultCreate, SessionRead
from bracketry.service import bracket_state, formats, sessions
from bracketry.service.bracket_state import BracketState, write_results
from bracketry.service.corrections import CHUNK, refuse_unforced, undo
from bracketry.service.errors import Conflict, Invalid
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.results import follow_up
from bracketry.service.tournaments import lock_or_raise
from bracketry.store.bulk import insert_columns, with_nulls
from bracketry.store.models import HeatEntry, Tournament


def record(
    *,
    db: Session,
    tournament_id: int,
    session_id: int,
    heat_in: HeatResultCreate,
    correct: bool = False,
) -> SessionRead:
    """Record (or, with ``correct``, replace) a heat's results, atomically."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.IN_PROGRESS, action="record results")
    fmt = formats.format_of(tournament)
    if not isinstance(fmt, Heats):
        raise Conflict(
            f"a {tournament.format} tournament has no heats; use …/sessions/{session_id}/result"
        )
    match = sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
    if match.side != Side.HEAT.value or match.entries is None:
        raise Conflict(f"session {session_id} is not a heat")
    if match.result is not None and not correct:
        raise Conflict(f"heat {session_id} already has a result; PUT a correction to change it")
    if match.result is None and correct:
        raise Conflict(f"heat {session_id} has no result to correct; POST one instead")
    lanes = _lanes(match, heat_in, fmt.options.attempts)
    attempts = np.full((len(lanes), fmt.options.attempts), np.nan)
    for row, entry in enumerate(heat_in.entries):
        attempts[row, : len(entry.attempts)] = entry.attempts
    values = aggregate(attempts, fmt.options)
    conn = db.connection()
    if correct:
        state = bracket_state.load(db=db, tournament=tournament)
        position = int(np.searchsorted(state.match_ids, session_id))
        removed = fmt.appended_after(state.progress, position)
        refuse_unforced(state, session_id=session_id, touched=removed, force=heat_in.force)
        undo(
            db,
            session_id=session_id,
            reset_ids=[],
            removed_ids=state.match_ids[removed].tolist(),
        )
    _write_values(
        conn,
        match_id=session_id,
        lanes=lanes,
        values=values,
        attempts=[e.attempts for e in heat_in.entries],
    )
    write_results(
        conn,
        tournament_id=tournament_id,
        match_ids=np.array([session_id]),
        outcome=Outcome.PLACED,
        winner_slot=np.array([NO_WINNER]),
        score_a=None,
        score_b=None,
        source="manual",
    )
    follow_up(db, tournament=tournament, fmt=fmt, walkovers=False)
    db.flush()
    return sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)


def _lanes(match: SessionRead, heat_in: HeatResultCreate, most: int) -> list[int]:
    """The lane of each entry, in order, or a 422 naming the entry at fault."""
    lane_of = {e.player_id: e.lane for e in match.entries or []}
    seen: set[int] = set()
    lanes = []
    for index, entry in enumerate(heat_in.entries):
        if entry.player_id not in lane_of:
            raise Invalid(
                f"player {entry.player_id} does not run in heat {match.id}",
                field=f"entries.{index}.player_id",
            )
        if entry.player_id in seen:
            raise Invalid(
                f"player {entry.player_id} is given twice", field=f"entries.{index}.player_id"
            )
        if len(entry.attempts) > most:
            raise Invalid(
                f"at most {most} attempts per player in this tournament",
                field=f"entries.{index}.attempts",
            )
        seen.add(entry.player_id)
        lanes.append(lane_of[entry.player_id])
    missing = sorted(set(lane_of) - seen)
    if missing:
        raise Invalid(
            f"every player of heat {match.id} needs an entry (an empty attempts list is a "
            f"did-not-finish); missing: {', '.join(map(str, missing))}",
            field="entries",
        )
    return lanes


def _write_values(
    conn: Connection,
    *,
    match_id: int | np.ndarray,
    lanes: list[int] | np.ndarray,
    values: np.ndarray,
    attempts: list[list[float]],
) -> None:
    """Store each lane's attempts and value (NaN, a did-not-finish, as NULL)."""
    count = len(values)
    match_ids = np.broadcast_to(np.asarray(match_id), (count,))
    conn.execute(
        update(HeatEntry)
        .where(
            HeatEntry.match_id == bindparam("m"),
            HeatEntry.lane == bindparam("l"),
        )
        .values(value=bindparam("v"), attempts=bindparam("a")),
        [
            {
                "m": int(m),
                "l": int(lane),
                "v": None if np.isnan(v) else float(v),
                "a": json.dumps(a),
            }
            for m, lane, v, a in zip(match_ids, lanes, values.tolist(), attempts, strict=True)
        ],
    )


def simulate_open_heats(
    conn: Connection,
    *,
    tournament: Tournament,
    fmt: Heats,
    state: BracketState,
    rng: np.random.Generator,
) -> int:
    """Measure every undecided heat from ratings; updates ``state`` in place. Heats written.

    The heats' entries are rewritten in bulk (deleted, then inserted with their values)."""
    progress = state.progress
    members = progress.bracket.members
    if members is None or progress.value is None:
        return 0
    open_heats = np.flatnonzero(
        (progress.bracket.side == side_code(Side.HEAT)) & (progress.winner_slot == UNDECIDED)
    )
    if open_heats.size == 0:
        return 0
    entries = np.flatnonzero(np.isin(members.match, open_heats))
    tries = simulate_attempts(progress.ratings, members.player[entries], fmt.options, rng)
    values = aggregate(tries, fmt.options)
    progress.value[entries] = values
    progress.winner_slot[open_heats] = NO_WINNER
    progress.outcome[open_heats] = outcome_code(Outcome.PLACED)
    heat_ids = state.match_ids[open_heats].tolist()
    for start in range(0, len(heat_ids), CHUNK):
        chunk = heat_ids[start : start + CHUNK]
        conn.execute(delete(HeatEntry).where(HeatEntry.match_id.in_(chunk)))
    insert_columns(
        conn,
        HeatEntry.__table__,
        ("match_id", "lane", "tournament_id", "player_id", "value", "attempts"),
        (
            state.match_ids[members.match[entries]],
            members.lane[entries],
            [tournament.id] * entries.size,
            state.player_ids[members.player[entries]],
            with_nulls(values, np.isnan(values)),
            [json.dumps([a for a in row if a == a]) for row in tries.tolist()],  # drops NaN
        ),
    )
    return write_results(
        conn,
        tournament_id=tournament.id,
        match_ids=state.match_ids[open_heats],
        outcome=Outcome.PLACED,
        winner_slot=np.full(open_heats.size, NO_WINNER),
        score_a=None,
        score_b=None,
        source="simulation",
    )
