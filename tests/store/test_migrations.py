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
