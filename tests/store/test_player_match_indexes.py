"""Migration 0011: a player's matches are found by index, on both backends; downgrading
drops the indexes and keeps the rows."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from bracketry.store.database import Database
from bracketry.store.migrate import alembic_config, upgrade

PLAYER_INDEXES = {
    "matches": {"ix_matches_entrant_a", "ix_matches_entrant_b"},
    "advancements": {"ix_advancements_player"},
    "heat_entries": {"ix_heat_entries_player"},
}


def _indexes(database: Database) -> dict[str, set[str]]:
    seen = inspect(database.engine)
    return {table: {i["name"] for i in seen.get_indexes(table)} for table in PLAYER_INDEXES}


def test_the_player_indexes_come_and_go_with_migration_0011(database_url: str) -> None:
    database = Database(database_url)
    upgrade(database.engine, "0010")
    config = alembic_config(database_url)
    with database.engine.begin() as conn:  # a PostgreSQL copy starts at the latest schema
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
    assert all(not (names & PLAYER_INDEXES[t]) for t, names in _indexes(database).items())
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO matches (id, tournament_id, stage, side, round, number, entrant_a, "
            "entrant_b) VALUES (5, 1, 0, 'main', 1, 1, 7, 8)"
        )
    upgrade(database.engine)
    assert all(PLAYER_INDEXES[t] <= names for t, names in _indexes(database).items())
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
    assert all(not (names & PLAYER_INDEXES[t]) for t, names in _indexes(database).items())
    with database.engine.begin() as conn:
        found = conn.exec_driver_sql("SELECT id FROM matches WHERE entrant_b = 8")
        assert found.scalars().all() == [5]
    database.dispose()


def test_sqlite_looks_a_players_matches_up_by_index(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(database.engine)
    with database.engine.begin() as conn:
        for table, column, index in (
            ("matches", "entrant_a", "ix_matches_entrant_a"),
            ("matches", "entrant_b", "ix_matches_entrant_b"),
            ("advancements", "player_id", "ix_advancements_player"),
            ("heat_entries", "player_id", "ix_heat_entries_player"),
        ):
            plan = conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN SELECT * FROM {table} WHERE {column} = 7"
            ).all()
            assert any(index in str(row) for row in plan), plan
    database.dispose()
