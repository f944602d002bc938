"""Reading a stored bracket back: packed columns round-trip at their bounds, values out of
range are refused (when written and when read), and a player who is not enrolled is an
error naming the tournament and the id, never a silently borrowed seed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from bracketry.engine.formats.knockout import generate
from bracketry.engine.model import NO_PLAYER, NO_WINNER, OUTCOME_CODES, SIDE_CODES
from bracketry.service.bracket_state import (
    MATCH_PACKING,
    PACKED_LIMIT,
    RESULT_PACKING,
    STORED_LIMIT,
    BracketState,
    BracketStorageError,
    Packing,
    load,
    match_columns,
)
from bracketry.store.database import Database
from bracketry.store.models import Tournament
from tests.api.helpers import close_enrollment, create_open_tournament, enroll_players

TOP = STORED_LIMIT - 1
SIDES = range(len(SIDE_CODES))
OUTCOMES = range(len(OUTCOME_CODES))


def test_limits_follow_the_enums_and_the_stored_columns() -> None:
    assert MATCH_PACKING.limits == (len(SIDE_CODES), 2, 2, STORED_LIMIT, STORED_LIMIT)
    assert RESULT_PACKING.limits == (len(OUTCOME_CODES), NO_WINNER + 1)
    assert MATCH_PACKING.multipliers[1] == len(SIDE_CODES)
    assert RESULT_PACKING.multipliers[1] == len(OUTCOME_CODES)


def test_a_packing_that_would_not_fit_64_bits_is_refused() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        Packing(("a", "b"), (2**32, 2**32))
    Packing(("a", "b"), (2**31, 2**32))  # exactly 2**63 values: still fits


@pytest.mark.parametrize(
    ("side", "winner_slot", "loser_slot", "stage", "round_"),
    list(itertools.product(SIDES, (0, 1), (0, 1), (0, 1, TOP), (0, 1, TOP))),
)
def test_match_packing_round_trips_at_the_bounds(
    side: int, winner_slot: int, loser_slot: int, stage: int, round_: int
) -> None:
    values = {
        "side": [side],
        "winner_slot": [winner_slot],
        "loser_slot": [loser_slot],
        "stage": [stage],
        "round": [round_],
    }
    packed = MATCH_PACKING.pack(**values)
    assert 0 <= int(packed[0]) < PACKED_LIMIT
    unpacked = MATCH_PACKING.unpack(packed)
    assert [int(column[0]) for column in unpacked] == [
        side,
        winner_slot,
        loser_slot,
        stage,
        round_,
    ]


@pytest.mark.parametrize(
    ("outcome", "winner_slot"), list(itertools.product(OUTCOMES, range(NO_WINNER + 1)))
)
def test_result_packing_round_trips_every_outcome_and_slot(outcome: int, winner_slot: int) -> None:
    packed = RESULT_PACKING.pack(outcome=[outcome], winner_slot=[winner_slot])
    assert [int(c[0]) for c in RESULT_PACKING.unpack(packed)] == [outcome, winner_slot]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(SIDES),
            st.integers(0, 1),
            st.integers(0, 1),
            st.integers(0, TOP),
            st.integers(0, TOP),
        ),
        min_size=1,
        max_size=50,
    )
)
def test_match_packing_round_trips_any_rows(rows: list[tuple[int, ...]]) -> None:
    columns = np.array(rows, dtype=np.int64).T
    packed = MATCH_PACKING.pack(**dict(zip(MATCH_PACKING.names, columns, strict=True)))
    for expected, got in zip(columns, MATCH_PACKING.unpack(packed), strict=True):
        assert got.tolist() == expected.tolist()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("side", len(SIDE_CODES)),
        ("side", -1),
        ("winner_slot", 2),
        ("loser_slot", -1),
        ("stage", STORED_LIMIT),
        ("stage", -1),
        ("round", STORED_LIMIT),
        ("round", -1),
    ],
)
def test_match_values_out_of_range_are_refused(field: str, value: int) -> None:
    values = {name: [0, 0] for name in MATCH_PACKING.names}
    values[field] = [0, value]
    with pytest.raises(ValueError, match=f"{field} {value} \\(at 1\\) is not between 0 and"):
        MATCH_PACKING.pack(**values)
    assert MATCH_PACKING.first_out_of_range(**values) == (field, 1, value)


@pytest.mark.parametrize(
    ("field", "value"), [("outcome", len(OUTCOME_CODES)), ("winner_slot", NO_WINNER + 1)]
)
def test_result_values_out_of_range_are_refused(field: str, value: int) -> None:
    values = {"outcome": [0], "winner_slot": [0], field: [value]}
    with pytest.raises(ValueError, match=f"{field} {value}"):
        RESULT_PACKING.pack(**values)


@pytest.mark.parametrize(
    ("column", "value"), [("stage", STORED_LIMIT), ("round", STORED_LIMIT), ("side", -1)]
)
def test_a_bracket_out_of_range_is_refused_before_it_is_written(column: str, value: int) -> None:
    bracket = generate(8)
    wrong = getattr(bracket, "stages" if column == "stage" else column).copy()
    wrong = wrong.astype(np.int32)
    wrong[3] = value
    with pytest.raises(BracketStorageError, match=f"its {column} is {value} \\(number 4 "):
        match_columns(
            replace(bracket, **{column: wrong}),
            ids=np.arange(1, bracket.match_count + 1),
            tournament_id=1,
            player_ids=np.arange(1, 9),
        )


# Stored tournaments, on both backends: rows are changed straight in the database.


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    handle = Database(database_url)
    yield handle
    handle.dispose()


def drawn(client: TestClient, players: int = 8) -> int:
    """A knockout of ``players`` players, generated; its id."""
    tournament_id = create_open_tournament(client)
    enroll_players(client, tournament_id, players)
    close_enrollment(client, tournament_id)
    answer = client.post(f"/api/v1/tournaments/{tournament_id}/generate-sessions")
    assert answer.status_code == 200, answer.text
    return tournament_id


def loaded(database: Database, tournament_id: int) -> BracketState:
    with database.read() as db:
        return load(db=db, tournament=db.get(Tournament, tournament_id))


def execute(database: Database, sql: str, **params: object) -> list[tuple]:
    with database.write() as db:
        result = db.execute(text(sql), params)
        return [tuple(row) for row in result] if result.returns_rows else []


def match_ids(database: Database, tournament_id: int) -> list[int]:
    rows = execute(
        database, "SELECT id FROM matches WHERE tournament_id = :t ORDER BY id", t=tournament_id
    )
    return [row[0] for row in rows]


def test_stored_values_at_the_bounds_read_back(client: TestClient, database: Database) -> None:
    tournament_id = drawn(client)
    ids = match_ids(database, tournament_id)
    combos = list(itertools.product(SIDES, (0, 1), (0, 1)))[: len(ids)]
    for number, (match_id, (side, winner_slot, loser_slot)) in enumerate(
        zip(ids, combos, strict=False)
    ):
        execute(
            database,
            "UPDATE matches SET side = :side, winner_slot = :w, loser_slot = :l, "
            "stage = :stage, round = :round, number = :number WHERE id = :id",
            side=SIDE_CODES[side].value,
            w=winner_slot,
            l=loser_slot,
            stage=(0, 1, TOP)[number % 3],
            round=(TOP, 0, 1)[number % 3],
            number=number,
            id=match_id,
        )
    bracket = loaded(database, tournament_id).bracket
    for at, (side, winner_slot, loser_slot) in enumerate(combos):
        assert int(bracket.side[at]) == side
        assert int(bracket.winner_slot[at]) == winner_slot
        assert int(bracket.loser_slot[at]) == loser_slot
        assert int(bracket.stages[at]) == (0, 1, TOP)[at % 3]
        assert int(bracket.round[at]) == (TOP, 0, 1)[at % 3]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("side = 'sideways'", "side 'sideways', which this service does not know"),
        ("stage = -1", "stage -1, outside 0 to 32767"),
        ("round = -3", "round -3, outside 0 to 32767"),
        ("winner_slot = 2", "winner slot 2, outside 0 to 1"),
        ("loser_slot = 5", "loser slot 5, outside 0 to 1"),
    ],
)
def test_a_stored_match_out_of_range_is_refused(
    client: TestClient, database: Database, change: str, words: str
) -> None:
    tournament_id = drawn(client)
    match_id = match_ids(database, tournament_id)[2]
    execute(database, f"UPDATE matches SET {change} WHERE id = :id", id=match_id)
    with pytest.raises(BracketStorageError) as refused:
        loaded(database, tournament_id)
    assert refused.value.message == f"tournament {tournament_id}: match {match_id} has {words}"


@pytest.mark.parametrize("change", ["outcome = 'walkover'", "winner_slot = 3"])
def test_a_stored_result_out_of_range_is_refused(
    client: TestClient, database: Database, change: str
) -> None:
    tournament_id = drawn(client)
    match_id = match_ids(database, tournament_id)[0]
    execute(
        database,
        "INSERT INTO results (match_id, tournament_id, outcome, winner_slot, source, recorded_at) "
        "VALUES (:id, :t, 'win', 0, 'manual', CURRENT_TIMESTAMP)",
        id=match_id,
        t=tournament_id,
    )
    execute(database, f"UPDATE results SET {change} WHERE match_id = :id", id=match_id)
    with pytest.raises(BracketStorageError, match=f"the result of match {match_id} has an"):
        loaded(database, tournament_id)


def test_an_advancement_of_a_player_not_enrolled_is_an_error(
    client: TestClient, database: Database
) -> None:
    tournament_id = drawn(client)
    second_round = match_ids(database, tournament_id)[4]
    stranger = 987_654
    execute(
        database,
        "INSERT INTO advancements (match_id, slot, player_id, from_match_id) "
        "VALUES (:m, 0, :p, :m)",
        m=second_round,
        p=stranger,
    )
    with pytest.raises(BracketStorageError) as refused:
        loaded(database, tournament_id)
    assert refused.value.message == (
        f"tournament {tournament_id}: player {stranger} appears in its advancements "
        "but is not enrolled in it"
    )


def test_an_entrant_who_left_the_enrollments_is_an_error(
    client: TestClient, database: Database
) -> None:
    tournament_id = drawn(client)
    first = match_ids(database, tournament_id)[0]
    [(entrant,)] = execute(database, "SELECT entrant_a FROM matches WHERE id = :id", id=first)
    execute(
        database,
        "DELETE FROM enrollments WHERE tournament_id = :t AND player_id = :p",
        t=tournament_id,
        p=entrant,
    )
    with pytest.raises(BracketStorageError, match=f"player {entrant} appears in its matches"):
        loaded(database, tournament_id)


def test_other_tournaments_advancements_inside_the_id_span_are_left_out(
    client: TestClient, database: Database
) -> None:
    first = drawn(client)
    second = drawn(client)
    state = loaded(database, first)
    other = match_ids(database, second)
    # A later stage of the first tournament written after the second's matches: the first
    # tournament's ids now span the second's.
    late = other[-1] + 100
    execute(
        database,
        "INSERT INTO matches (id, tournament_id, stage, side, round, number) "
        "VALUES (:id, :t, 2, 'main', 1, 1)",
        id=late,
        t=first,
    )
    [(player,)] = execute(database, "SELECT entrant_a FROM matches WHERE id = :id", id=other[0])
    execute(
        database,
        "INSERT INTO advancements (match_id, slot, player_id, from_match_id) "
        "VALUES (:m, 0, :p, :f)",
        m=other[4],
        p=player,
        f=other[0],
    )
    spanning = loaded(database, first)
    assert spanning.match_ids.tolist() == [*state.match_ids.tolist(), late]
    assert np.array_equal(spanning.progress.slots[:-1], state.progress.slots)
    assert spanning.progress.slots[-1].tolist() == [NO_PLAYER, NO_PLAYER]
    assert loaded(database, second).progress.slots[4, 0] >= 0


@pytest.mark.parametrize("row", ["result", "link"])
def test_a_row_naming_another_tournaments_match_is_an_error(
    client: TestClient, database: Database, row: str
) -> None:
    tournament_id = drawn(client)
    first = match_ids(database, tournament_id)[0]
    elsewhere = match_ids(database, drawn(client))[0]
    if row == "result":
        execute(
            database,
            "INSERT INTO results (match_id, tournament_id, outcome, winner_slot, source, "
            "recorded_at) VALUES (:m, :t, 'win', 0, 'manual', CURRENT_TIMESTAMP)",
            m=elsewhere,
            t=tournament_id,
        )
        where = "results"
    else:
        execute(database, "UPDATE matches SET winner_to = :m WHERE id = :id", m=elsewhere, id=first)
        where = "matches' links"
    with pytest.raises(BracketStorageError) as refused:
        loaded(database, tournament_id)
    assert refused.value.message == (
        f"tournament {tournament_id}: its {where} name match {elsewhere}, "
        "which is not one of its matches"
    )
