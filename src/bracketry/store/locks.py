"""Named locks held until the end of the current write transaction."""

from __future__ import annotations

from sqlalchemy import Connection, text


def hold(conn: Connection, name: str, key: int) -> None:
    """Wait for, then hold until commit or rollback, the lock ``(name, key)``. On
    PostgreSQL a transaction-scoped advisory lock; on SQLite nothing is needed: a write
    transaction already holds the whole database."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:name), :key)"),
            {"name": name, "key": key},
        )
