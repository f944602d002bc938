"""The bulk writer and reader on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pytest

from bracketry.store.bulk import allocate_ids, bind_value, fetch_ints, fetch_rows, insert_columns
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade
from bracketry.store.models import IdCounter, Match, Player, Result


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated database on each backend."""
    handle = Database(database_url)
    upgrade(handle.engine)
    yield handle
    handle.dispose()


def test_insert_and_read_back_columns(database: Database) -> None:
    with database.write() as db:
        conn = db.connection()
        ids = allocate_ids(conn, Player.__table__, 3)
        written = insert_columns(
            conn,
            Player.__table__,
            ("id", "name", "rating"),
            (ids, ["a", "b", "c"], [1500.0, None, 1.5]),
        )
    assert written == 3
    with database.read() as db:
        rows = fetch_rows(db.connection(), "SELECT id, name, rating FROM players ORDER BY id")
        numbers = fetch_ints(
            db.connection(), "SELECT id FROM players WHERE id > ?", (int(ids[0]),), 1
        )
    assert rows == [(int(ids[0]), "a", 1500.0), (int(ids[1]), "b", None), (int(ids[2]), "c", 1.5)]
    assert numbers[:, 0].tolist() == ids[1:].tolist()


def test_allocated_ids_continue_after_existing_rows(database: Database) -> None:
    with database.write() as db:
        first = allocate_ids(db.connection(), Player.__table__, 5)
        insert_columns(db.connection(), Player.__table__, ("id", "name"), (first, ["x"] * 5))
    with database.write() as db:
        second = allocate_ids(db.connection(), Player.__table__, 2)
    assert first.tolist() == [1, 2, 3, 4, 5]
    assert second.tolist() == [6, 7]


def test_ids_freed_by_a_deletion_are_never_handed_out_again(database: Database) -> None:
    for table in (Player.__table__, Match.__table__):
        with database.write() as db:
            conn = db.connection()
            first = allocate_ids(conn, table, 4)
            names = ("id", "name") if table is Player.__table__ else MATCH_KEYS
            insert_columns(conn, table, names, _rows(table, first))
        with database.write() as db:
            db.execute(table.delete().where(table.c.id > int(first[1])))
        with database.write() as db:
            second = allocate_ids(db.connection(), table, 2)
        with database.read() as db:
            counter = db.get(IdCounter, table.name)
        assert first.tolist() == [1, 2, 3, 4], table.name
        assert second.tolist() == [5, 6], table.name
        assert counter is not None and counter.last == 6


def test_ids_continue_after_rows_written_before_the_counter(database: Database) -> None:
    with database.write() as db:
        insert_columns(db.connection(), Player.__table__, ("id", "name"), ([7, 9], ["x", "y"]))
    with database.write() as db:
        assert allocate_ids(db.connection(), Player.__table__, 1).tolist() == [10]


def test_ids_of_a_rolled_back_allocation_may_be_handed_out_again(database: Database) -> None:
    with pytest.raises(RuntimeError), database.write() as db:
        allocate_ids(db.connection(), Player.__table__, 3)
        raise RuntimeError("the write fails")
    with database.write() as db:
        assert allocate_ids(db.connection(), Player.__table__, 1).tolist() == [1]


MATCH_KEYS = ("id", "tournament_id", "stage", "side", "round", "number")


def _rows(table: object, ids: np.ndarray) -> tuple[object, ...]:
    """Minimal columns for ``ids`` rows of players or matches."""
    count = ids.size
    if table is Player.__table__:
        return (ids, ["x"] * count)
    return (ids, [1] * count, [1] * count, ["main"] * count, [1] * count, ids)


def test_a_failed_bulk_write_leaves_nothing(database: Database) -> None:
    with pytest.raises(Exception), database.write() as db:  # noqa: B017 - driver-specific error types
        insert_columns(db.connection(), Player.__table__, ("id", "name"), ([1, 1], ["dup", "dup"]))
    with database.read() as db:
        assert fetch_rows(db.connection(), "SELECT count(*) FROM players") == [(0,)]


def test_bulk_timestamps_read_back_as_aware_utc(database: Database) -> None:
    moment = datetime(2026, 11, 28, 12, 30, 15, 123456, tzinfo=UTC)
    with database.write() as db:
        conn = db.connection()
        insert_columns(
            conn,
            Result.__table__,
            ("match_id", "tournament_id", "outcome", "source", "recorded_at"),
            (
                [1],
                [1],
                ["win"],
                ["manual"],
                [bind_value(conn, Result.__table__, "recorded_at", moment)],
            ),
        )
        db.add(
            Result(match_id=2, tournament_id=1, outcome="win", source="manual", recorded_at=moment)
        )
    with database.read() as db:
        stored = db.get(Result, 1)
        raw = fetch_rows(db.connection(), "SELECT recorded_at FROM results ORDER BY match_id")
    assert stored is not None and stored.recorded_at == moment
    assert raw[0] == raw[1], "bulk and ORM writes must store a timestamp the same way"


def test_columns_of_different_lengths_are_refused() -> None:
    from bracketry.store.bulk import rows_from_columns

    with pytest.raises(ValueError, match="same length"):
        rows_from_columns([np.arange(2), [1]])
