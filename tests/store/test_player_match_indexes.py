"""Migration 0011: a player's matches are found by index, on both backends; downgrading
drops the indexes and keeps the rows."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from bracketry.service import player_matches
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


def test_a_players_matches_are_read_without_scanning_a_table(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(database.engine)
    with database.engine.connect() as conn:
        query = player_matches.of_player(7).compile(conn, compile_kwargs={"literal_binds": True})
        plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}")]
    assert not [step for step in plan if step.startswith("SCAN")], plan
    for index in set().union(*PLAYER_INDEXES.values()):
        assert any(index in step for step in plan), (index, plan)
    database.dispose()
