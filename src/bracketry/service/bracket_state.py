"""A stored tournament as engine arrays, and engine output written back in bulk.

Players are indexed by seed (index ``i`` is seed ``i + 1``), as every format expects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bracketry.engine.bracket import Bracket, Members, Moves
from bracketry.engine.formats.base import Progress
from bracketry.engine.model import (
    NO_MATCH,
    NO_PLAYER,
    NO_WINNER,
    NOBODY,
    OUTCOME_CODES,
    SIDE_CODES,
    UNDECIDED,
    Outcome,
)
from bracketry.engine.play import initial_winner_slot
from bracketry.service.errors import Conflict
from bracketry.service.seeds import seeded_entries
from bracketry.store.bulk import (
    allocate_ids,
    bind_value,
    fetch_ints,
    fetch_rows,
    insert_columns,
    with_nulls,
)
from bracketry.store.models import (
    NOBODY_ID,
    Advancement,
    HeatEntry,
    Match,
    Result,
    Tournament,
)
from bracketry.store.types import utcnow

STORED_LIMIT = 2**15
"""Stages and rounds are stored as small integers (and held as int16 by the engine): each is
between 0 and ``STORED_LIMIT - 1``."""

PACKED_LIMIT = 2**63
"""A packed value is a signed 64-bit integer (SQLite's integer, PostgreSQL's bigint)."""

INT32_LIMIT = 2**31
"""Above this, a product in PostgreSQL needs a bigint operand (integer arithmetic overflows)."""


class BracketStorageError(Conflict):
    """A bracket that cannot be stored, or a stored one that cannot be read back as it is."""


@dataclass(frozen=True)
class Packing:
    """Small integer fields packed into one integer, mixed radix: field ``k`` holds values
    ``0 .. limits[k] - 1`` and is multiplied by the product of the limits before it. The
    packing is computed in SQL (one column per row instead of several: fewer Python objects
    when reading half a million matches) and undone here; a row whose field is out of range
    packs to ``-1`` instead of spilling into its neighbour.

    >>> packing = Packing(("side", "slot"), (5, 2))
    >>> packing.multipliers
    (1, 5)
    >>> [v.tolist() for v in packing.unpack(packing.pack(side=[4, 0], slot=[1, 1]))]
    [[4, 0], [1, 1]]
    """

    names: tuple[str, ...]
    limits: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.names) != len(self.limits) or min(self.limits) < 1:
            raise ValueError(f"a packing needs one limit of at least 1 per field: {self}")
        if math.prod(self.limits) > PACKED_LIMIT:
            raise ValueError(
                f"fields {self.names} with limits {self.limits} do not fit one 64-bit integer"
            )

    @property
    def multipliers(self) -> tuple[int, ...]:
        """What each field is multiplied by."""
        return tuple(math.prod(self.limits[:k]) for k in range(len(self.limits)))

    def sql(self, **expressions: str) -> str:
        """The SQL expression packing the fields, each given as an expression by name: -1
        when any field is NULL or out of range."""
        guard = " AND ".join(
            f"{expressions[name]} BETWEEN 0 AND {limit - 1}"
            for name, limit in zip(self.names, self.limits, strict=True)
        )
        terms = []
        for name, limit, multiplier in zip(self.names, self.limits, self.multipliers, strict=True):
            value = expressions[name]
            if (limit - 1) * multiplier >= INT32_LIMIT:
                value = f"CAST({value} AS BIGINT)"
            terms.append(value if multiplier == 1 else f"{multiplier} * {value}")
        return f"(CASE WHEN {guard} THEN {' + '.join(terms)} ELSE -1 END)"

    def first_out_of_range(self, **values: object) -> tuple[str, int, int] | None:
        """(field, position, value) of the first value out of its field's range, or None."""
        for name, limit in zip(self.names, self.limits, strict=True):
            column = np.asarray(values[name], dtype=np.int64)
            bad = np.flatnonzero((column < 0) | (column >= limit))
            if bad.size:
                return name, int(bad[0]), int(column[bad[0]])
        return None

    def pack(self, **values: object) -> np.ndarray:
        """The fields packed as :meth:`sql` packs them; a value out of range is refused."""
        wrong = self.first_out_of_range(**values)
        if wrong is not None:
            name, at, value = wrong
            limit = self.limits[self.names.index(name)]
            raise ValueError(f"{name} {value} (at {at}) is not between 0 and {limit - 1}")
        packed = np.zeros(np.shape(values[self.names[0]]), dtype=np.int64)
        for name, multiplier in zip(self.names, self.multipliers, strict=True):
            packed += np.asarray(values[name], dtype=np.int64) * multiplier
        return packed

    def unpack(self, packed: np.ndarray) -> tuple[np.ndarray, ...]:
        """Each field of packed values (none of them -1), in field order."""
        return tuple(
            packed // multiplier % limit
            for limit, multiplier in zip(self.limits, self.multipliers, strict=True)
        )


MATCH_PACKING = Packing(
    ("side", "winner_slot", "loser_slot", "stage", "round"),
    (len(SIDE_CODES), 2, 2, STORED_LIMIT, STORED_LIMIT),
)
"""A match's side code, winner and loser slots, stage and round, packed in one integer."""

RESULT_PACKING = Packing(("outcome", "winner_slot"), (len(OUTCOME_CODES), NO_WINNER + 1))
"""A result's outcome code and winner slot (0, 1 or ``NO_WINNER``), packed in one integer."""

_SIDE_CODE = (
    "(CASE side "
    + " ".join(f"WHEN '{side.value}' THEN {code}" for code, side in enumerate(SIDE_CODES))
    + " END)"
)
_OUTCOME_CODE = (
    "(CASE outcome "
    + " ".join(f"WHEN '{o.value}' THEN {code}" for code, o in enumerate(OUTCOME_CODES))
    + " END)"
)
_MATCH_PACKED = MATCH_PACKING.sql(
    side=_SIDE_CODE,
    winner_slot="COALESCE(winner_slot, 0)",
    loser_slot="COALESCE(loser_slot, 0)",
    stage="stage",
    round="round",
)
_RESULT_PACKED = RESULT_PACKING.sql(
    outcome=_OUTCOME_CODE, winner_slot=f"COALESCE(winner_slot, {NO_WINNER})"
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

RESULT_COLUMNS = (
    "match_id",
    "tournament_id",
    "outcome",
    "winner_slot",
    "score_a",
    "score_b",
    "source",
    "recorded_at",
)
"""Columns of a result row."""


@dataclass(frozen=True)
class BracketState:
    """A stored tournament as arrays: matches by position, players by seed index."""

    progress: Progress
    match_ids: np.ndarray
    player_ids: np.ndarray

    @property
    def bracket(self) -> Bracket:
        """The structure of every stored match."""
        return self.progress.bracket

    def then(self, more: Bracket, ids: np.ndarray) -> BracketState:
        """This state with the freshly written matches ``more`` (ids ``ids``) appended."""
        return BracketState(
            progress=self.progress.then(more),
            match_ids=np.concatenate([self.match_ids, ids]),
            player_ids=self.player_ids,
        )


def load(*, db: Session, tournament: Tournament) -> BracketState:
    """The tournament's matches, participants and results as arrays.

    Raises :class:`BracketStorageError` when a stored row cannot be read as it is: a side,
    outcome, slot, stage or round out of range, or a player who is not enrolled."""
    conn = db.connection()
    params = (tournament.id,)
    # Small columns are packed into one in SQL (MATCH_PACKING): fewer Python objects per row
    # is most of the cost of reading half a million matches.
    matches = fetch_ints(
        conn,
        "SELECT id, number, COALESCE(entrant_a, -1), COALESCE(entrant_b, -1), "
        "COALESCE(winner_to, -1), COALESCE(loser_to, -1), " + _MATCH_PACKED + " "
        "FROM matches WHERE tournament_id = ? ORDER BY id",
        params,
        7,
    )
    if (matches[:, 6] < 0).any():
        _refuse_match(conn, tournament, int(matches[np.argmax(matches[:, 6] < 0), 0]))
    ids, ratings, seeds = seeded_entries(db=db, tournament=tournament)
    by_seed = np.empty_like(ids)
    by_seed[seeds - 1] = ids
    order = np.argsort(ids)
    sorted_ids = ids[order]
    seed_index_of_sorted = (seeds[order] - 1).astype(np.int32)
    ratings_by_seed = np.empty_like(ratings)
    ratings_by_seed[seeds - 1] = ratings
    match_ids = matches[:, 0]
    count = match_ids.size
    span = (int(match_ids[0]), int(match_ids[-1])) if count else (0, -1)
    advanced = fetch_ints(
        conn,
        "SELECT match_id, slot, player_id FROM advancements WHERE match_id BETWEEN ? AND ?",
        span,
        3,
    )
    # Other tournaments' matches may have ids inside this one's span (ids are allocated per
    # write, and a later round is written after another tournament's): keep this one's.
    advanced = advanced[_is_among(advanced[:, 0], match_ids)]
    results = fetch_ints(
        conn,
        "SELECT match_id, " + _RESULT_PACKED + ", COALESCE(score_a, 0), COALESCE(score_b, 0) "
        "FROM results WHERE tournament_id = ?",
        params,
        4,
    )
    if (results[:, 1] < 0).any():
        match = int(results[np.argmax(results[:, 1] < 0), 0])
        raise BracketStorageError(
            f"tournament {tournament.id}: the result of match {match} has an outcome or "
            "winner slot this service does not know",
            field="results",
        )

    def to_index(player: np.ndarray, where: str) -> np.ndarray:
        real = (player >= 0) & (player != NOBODY_ID)
        unknown = real & ~_is_among(player, sorted_ids)
        if unknown.any():
            raise BracketStorageError(
                f"tournament {tournament.id}: player {int(player[np.argmax(unknown)])} "
                f"appears in its {where} but is not enrolled in it",
                field="player_id",
            )
        at = np.searchsorted(sorted_ids, player).clip(0, max(ids.size - 1, 0))
        found = seed_index_of_sorted[at] if ids.size else np.zeros(player.shape, np.int32)
        index = np.where(player < 0, NO_PLAYER, found)
        return np.where(player == NOBODY_ID, NOBODY, index).astype(np.int32)

    def to_position(match: np.ndarray, where: str) -> np.ndarray:
        linked = match >= 0
        stray = linked & ~_is_among(match, match_ids)
        if stray.any():
            raise BracketStorageError(
                f"tournament {tournament.id}: its {where} name match "
                f"{int(match[np.argmax(stray)])}, which is not one of its matches",
                field="match_id",
            )
        return np.where(linked, np.searchsorted(match_ids, match), NO_MATCH).astype(np.int32)

    side, winner_to_slot, loser_to_slot, stage, round_ = MATCH_PACKING.unpack(matches[:, 6])
    entrants = np.stack(
        [to_index(matches[:, 2], "matches"), to_index(matches[:, 3], "matches")], axis=1
    )
    slots = entrants.copy()
    if advanced.size:
        slots[to_position(advanced[:, 0], "advancements"), advanced[:, 1]] = to_index(
            advanced[:, 2], "advancements"
        )
    winner_slot = np.full(count, UNDECIDED, dtype=np.int8)
    outcome = np.full(count, -1, dtype=np.int8)
    scores = np.zeros((count, 2), dtype=np.int64)
    bye = np.zeros(count, dtype=bool)
    if results.size:
        at = to_position(results[:, 0], "results")
        outcome[at], winner_slot[at] = RESULT_PACKING.unpack(results[:, 1])
        scores[at] = results[:, 2:4]
        bye[at] = outcome[at] == OUTCOME_CODES.index(Outcome.BYE)
    bracket = Bracket(
        round=round_.astype(np.int16),
        number=matches[:, 1].astype(np.int32),
        side=side.astype(np.int8),
        entrants=entrants,
        winner_to=to_position(matches[:, 4], "matches' links"),
        winner_slot=winner_to_slot.astype(np.int8),
        loser_to=to_position(matches[:, 5], "matches' links"),
        loser_slot=loser_to_slot.astype(np.int8),
        bye=bye,
        player_count=int(ids.size),
        stage=stage.astype(np.int16),
    )
    heats = fetch_rows(
        conn,
        "SELECT match_id, lane, player_id, value FROM heat_entries "
        "WHERE tournament_id = ? ORDER BY match_id, lane",
        params,
    )
    value = None
    if heats:
        entries = np.array([r[:3] for r in heats], dtype=np.int64)
        bracket = replace(
            bracket,
            members=Members(
                match=to_position(entries[:, 0], "heat entries"),
                player=to_index(entries[:, 2], "heat entries"),
                lane=entries[:, 1].astype(np.int16),
            ),
        )
        value = np.array([np.nan if r[3] is None else r[3] for r in heats], dtype=np.float64)
    progress = Progress(bracket, slots, winner_slot, outcome, scores, ratings_by_seed, value)
    return BracketState(progress, match_ids, by_seed)


def _is_among(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_values`` (ascending)."""
    if not sorted_values.size:
        return np.zeros(values.shape, dtype=bool)
    at = np.searchsorted(sorted_values, values).clip(0, sorted_values.size - 1)
    return sorted_values[at] == values


def _refuse_match(conn: Connection, tournament: Tournament, match_id: int) -> None:
    """Raise :class:`BracketStorageError` naming what of stored match ``match_id`` is out of
    range (its row packed to -1)."""
    row = fetch_rows(
        conn,
        "SELECT side, COALESCE(winner_slot, 0), COALESCE(loser_slot, 0), "
        "COALESCE(stage, -1), COALESCE(round, -1) "
        "FROM matches WHERE id = ?",
        (match_id,),
    )[0]
    known = {side.value: code for code, side in enumerate(SIDE_CODES)}
    if row[0] not in known:
        what = f"side {row[0]!r}, which this service does not know"
    else:
        values = dict(zip(MATCH_PACKING.names, [known[row[0]], *row[1:]], strict=True))
        wrong = MATCH_PACKING.first_out_of_range(**{k: [v] for k, v in values.items()})
        if wrong is None:  # not expected: the database packed what reads back in range here
            what = "values this service cannot read"
        else:
            name, _at, value = wrong
            limit = MATCH_PACKING.limits[MATCH_PACKING.names.index(name)]
            what = f"{name.replace('_', ' ')} {value}, outside 0 to {limit - 1}"
    raise BracketStorageError(
        f"tournament {tournament.id}: match {match_id} has {what}", field="matches"
    )


def _refuse_out_of_range(packing: Packing, what: str, **values: object) -> None:
    """Raise :class:`BracketStorageError` when a value would not read back through
    ``packing`` (``what`` names the row in the message)."""
    wrong = packing.first_out_of_range(**values)
    if wrong is not None:
        name, at, value = wrong
        limit = packing.limits[packing.names.index(name)]
        raise BracketStorageError(
            f"{what} cannot be stored: its {name.replace('_', ' ')} is {value} "
            f"(number {at + 1} of this write), outside 0 to {limit - 1}",
            field=name,
        )


def match_columns(
    bracket: Bracket, *, ids: np.ndarray, tournament_id: int, player_ids: np.ndarray
) -> tuple[object, ...]:
    """The :data:`MATCH_COLUMNS` of ``bracket``: positions become ``ids``, player indexes
    become ``player_ids`` (index ``i`` plays as ``player_ids[i]``), absent ones NULL."""
    _refuse_out_of_range(
        MATCH_PACKING,
        "a match",
        side=bracket.side,
        winner_slot=bracket.winner_slot,
        loser_slot=bracket.loser_slot,
        stage=bracket.stages,
        round=bracket.round,
    )
    count = bracket.match_count
    link = np.append(ids, -1)  # a NO_MATCH (-1) link reads the trailing -1
    entrants = np.where(bracket.entrants == NO_PLAYER, -1, player_ids[bracket.entrants])
    sides = np.array([s.value for s in SIDE_CODES], dtype=object)[bracket.side]
    winner_to, loser_to = link[bracket.winner_to], link[bracket.loser_to]
    return (
        ids,
        [tournament_id] * count,
        bracket.stages,
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


def write_matches(
    conn: Connection, *, tournament_id: int, bracket: Bracket, player_ids: np.ndarray
) -> np.ndarray:
    """Store ``bracket``'s matches (links relative to it) and its byes' results; their ids."""
    ids = allocate_ids(conn, Match.__table__, bracket.match_count)
    columns = match_columns(bracket, ids=ids, tournament_id=tournament_id, player_ids=player_ids)
    insert_columns(conn, Match.__table__, MATCH_COLUMNS, columns)
    members = bracket.members
    if members is not None and members.size:
        insert_columns(
            conn,
            HeatEntry.__table__,
            ("match_id", "lane", "tournament_id", "player_id"),
            (
                ids[members.match],
                members.lane,
                [tournament_id] * members.size,
                player_ids[members.player],
            ),
        )
    byes = np.flatnonzero(bracket.bye)
    write_results(
        conn,
        tournament_id=tournament_id,
        match_ids=ids[byes],
        outcome=Outcome.BYE,
        winner_slot=initial_winner_slot(bracket)[byes],
        score_a=None,
        score_b=None,
        source="bye",
    )
    return ids


def write_results(
    conn: Connection,
    *,
    tournament_id: int,
    match_ids: np.ndarray,
    outcome: Outcome | np.ndarray,
    winner_slot: np.ndarray,
    score_a: np.ndarray | None,
    score_b: np.ndarray | None,
    source: str,
    recorded_at: datetime | None = None,
) -> int:
    """Append result rows for ``match_ids`` in bulk (recorded now unless told when);
    ``outcome`` is one for all or one each (as outcome codes), a ``NO_WINNER`` winner slot is
    stored as NULL."""
    count = int(match_ids.size)
    _refuse_out_of_range(
        RESULT_PACKING,
        "a result",
        outcome=np.broadcast_to(0 if isinstance(outcome, Outcome) else outcome, (count,)),
        winner_slot=np.broadcast_to(winner_slot, (count,)),
    )
    none = [None] * count
    now = bind_value(conn, Result.__table__, "recorded_at", recorded_at or utcnow())
    if isinstance(outcome, Outcome):
        outcomes: object = [outcome.value] * count
    else:
        outcomes = np.array([o.value for o in OUTCOME_CODES], dtype=object)[outcome]
    winner_slot = np.asarray(winner_slot)
    return insert_columns(
        conn,
        Result.__table__,
        RESULT_COLUMNS,
        (
            match_ids,
            [tournament_id] * count,
            outcomes,
            with_nulls(winner_slot, winner_slot == NO_WINNER),
            none if score_a is None else score_a,
            none if score_b is None else score_b,
            [source] * count,
            [now] * count,
        ),
    )


def write_moves(
    conn: Connection, *, moves: Moves, match_ids: np.ndarray, player_ids: np.ndarray
) -> int:
    """Append advancement rows for engine ``moves``, mapping positions and indexes to ids
    through ``match_ids`` and ``player_ids`` (``NOBODY`` is stored as :data:`NOBODY_ID`)."""
    nobody = moves.player == NOBODY
    players = np.where(nobody, NOBODY_ID, player_ids[np.where(nobody, 0, moves.player)])
    return insert_columns(
        conn,
        Advancement.__table__,
        ("match_id", "slot", "player_id", "from_match_id"),
        (match_ids[moves.target], moves.slot, players, match_ids[moves.source]),
    )
