"""Units of work: the handle through which the adapters (API, pages, job queues, command line)
reach the database, and the only way they obtain one.

An adapter types against :class:`UnitOfWork` and gets it from :func:`open_database`; how
the handle is built (engine, pool, per-dialect settings, migrations) is the service's and the
store's business, never the adapter's.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from sqlalchemy.orm import Session

from bracketry.store.database import Database
from bracketry.store.migrate import upgrade


class UnitOfWork(Protocol):
    """Opens read and write sessions on one database."""

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        ...

    def read(self) -> AbstractContextManager[Session]:
        """A session for reads; nothing it does is committed (closing it rolls back)."""
        ...

    def write(self) -> AbstractContextManager[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        ...

    def dispose(self) -> None:
        """Close every pooled connection."""
        ...


def open_database(url: str, *, migrate: bool = False) -> UnitOfWork:
    """A handle on the database at ``url``; with ``migrate``, its schema is first brought to
    the latest revision (on the handle's own engine)."""
    database = Database(url)
    if migrate:
        upgrade(database.engine)
    return database
