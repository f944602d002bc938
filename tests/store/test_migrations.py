"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic import command

from bracketry.store.database import Database
from bracketry.store.migrate import alembic_config, upgrade


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    database = Database(database_url)
    upgrade(database.engine)
    config = alembic_config(database_url)
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.check(config)  # raises when the models and the migrated schema differ
    database.dispose()


def test_upgrading_twice_is_harmless(database_url: str) -> None:
    database = Database(database_url)
    upgrade(database.engine)
    upgrade(database.engine)
    with database.read() as db:
        assert db.connection().exec_driver_sql("SELECT count(*) FROM tournaments").scalar() == 0
    database.dispose()


def test_reports_of_deleted_sessions_are_dropped_and_their_ids_never_reused(
    database_url: str,
) -> None:
    database = Database(database_url)
    upgrade(database.engine, "0009")
    config = alembic_config(database_url)
    with database.engine.begin() as conn:  # a PostgreSQL copy starts at the latest schema
        config.attributes["connection"] = conn
        command.downgrade(config, "0009")
    now = "'2026-12-01 10:00:00+00'"
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO tournaments (id, name, format, config, status, enrolled_count, "
            f"created_at, updated_at) VALUES (1, 't', 'knockout', '{{}}', 'IN_PROGRESS', 2, "
            f"{now}, {now})"
        )
        conn.exec_driver_sql(
            "INSERT INTO matches (id, tournament_id, stage, side, round, number) "
            "VALUES (5, 1, 0, 'main', 1, 1)"
        )
        conn.exec_driver_sql(  # 9: a session a correction deleted; 5: a live one
            "INSERT INTO reports (match_id, tournament_id, reporter_id, outcome, state, "
            f"reported_at, updated_at) VALUES (5, 1, 1, 'win', 'pending', {now}, {now}), "
            f"(9, 1, 1, 'win', 'pending', {now}, {now})"
        )
    upgrade(database.engine)
    with database.engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT match_id FROM reports").scalars().all() == [5]
        counted = conn.exec_driver_sql("SELECT last FROM id_counters WHERE name = 'matches'")
        assert counted.scalar_one() == 9
    database.dispose()
