"""Bulk writes: whole columns in, one statement per table, no ORM objects on the hot path.

Callers hand over columns (numpy arrays or lists, aligned); the writer turns them into
rows and uses the fastest path of the dialect, in the caller's transaction: ``COPY ...
FROM STDIN`` on PostgreSQL, one ``executemany`` on SQLite (and for a few rows on
PostgreSQL, where a COPY's own round trips cost more than the rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, func, insert, select, text, update

from bracketry.store.models import IdCounter

Column = np.ndarray | Sequence[Any]
FEW_ROWS = 16
"""Up to this many rows go in as one plain INSERT on PostgreSQL too."""


def _as_list(column: Column) -> list[Any]:
    if isinstance(column, np.ndarray):
        return column.tolist()
    return list(column)


def with_nulls(values: np.ndarray, missing: np.ndarray) -> list[Any]:
    """``values`` as a list with None (SQL NULL) where ``missing`` is true.

    >>> with_nulls(np.array([3, -1]), np.array([False, True]))
    [3, None]
    """
    column = values.astype(object)
    column[missing] = None
    return column.tolist()


def rows_from_columns(columns: Sequence[Column]) -> list[tuple[Any, ...]]:
    """Aligned columns as row tuples (numpy scalars become Python values).

    >>> rows_from_columns([np.array([1, 2]), ["a", "b"]])
    [(1, 'a'), (2, 'b')]
    """
    lists = [_as_list(c) for c in columns]
    if len({len(c) for c in lists}) > 1:
        raise ValueError("bulk columns must have the same length")
    return list(zip(*lists, strict=True))


def _copy_rows(
    conn: Connection, table: Table, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """PostgreSQL ``COPY ... FROM STDIN`` in the connection's current transaction."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_columns(
    conn: Connection, table: Table, names: Sequence[str], columns: Sequence[Column]
) -> int:
    """Insert aligned ``columns`` into ``table``'s columns ``names``; returns the row count."""
    rows = rows_from_columns(columns)
    if not rows:
        return 0
    if conn.dialect.name == "postgresql" and len(rows) > FEW_ROWS:
        _copy_rows(conn, table, names, rows)
        return len(rows)
    marks = (
        ", ".join(["?"] * len(names))
        if conn.dialect.paramstyle == "qmark"
        else ", ".join(["%s"] * len(names))
    )
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
    conn.exec_driver_sql(sql, rows)
    return len(rows)


def allocate_ids(conn: Connection, table: Table, count: int) -> np.ndarray:
    """``count`` fresh primary keys for ``table``, to be written by the caller.

    Keys are never handed out twice, even once their rows are deleted: the last key handed
    out per table is kept in ``id_counters`` (the table's largest key counts too, for rows
    written before the counter), and moved on in the caller's transaction, so a rollback
    returns the keys. Must run inside a write transaction. On SQLite that transaction holds
    the database write lock; on PostgreSQL a transaction-scoped advisory lock per table is
    taken, held until commit, so no other writer can take the same keys.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": table.name})
    counters = IdCounter.__table__
    counted = conn.execute(
        select(counters.c.last).where(counters.c.name == table.name)
    ).scalar_one_or_none()
    top = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    start = max(int(top), int(counted or 0)) + 1
    last = start + count - 1
    if counted is None:
        conn.execute(insert(counters).values(name=table.name, last=last))
    elif count:
        conn.execute(update(counters).where(counters.c.name == table.name).values(last=last))
    return np.arange(start, last + 1, dtype=np.int64)


def bind_value(conn: Connection, table: Table, column: str, value: Any) -> Any:
    """``value`` as the driver should receive it for ``table.column`` (for raw bulk rows)."""
    process = table.c[column].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return value if process is None else process(value)


def _driver_sql(conn: Connection, sql: str) -> str:
    """``sql`` written with ``?`` placeholders, in the driver's own style."""
    return sql if conn.dialect.paramstyle == "qmark" else sql.replace("?", "%s")


def fetch_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """All rows of ``sql`` (``?`` placeholders) as the driver's plain tuples.

    Bulk reads skip SQLAlchemy's row objects: converting a million of those costs seconds.
    """
    result = conn.exec_driver_sql(_driver_sql(conn, sql), tuple(params))
    return result.cursor.fetchall() if result.cursor is not None else []


def fetch_ints(conn: Connection, sql: str, params: Sequence[Any], width: int) -> np.ndarray:
    """Rows of integer columns as an (n, ``width``) int64 array."""
    rows = fetch_rows(conn, sql, params)
    if not rows:
        return np.empty((0, width), dtype=np.int64)
    return np.array(rows, dtype=np.int64)
