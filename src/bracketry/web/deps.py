"""The pages' own dependencies: a read session on the database the app was given.

Whoever assembles the app hands the pages their handle with :func:`provide`; the pages read
through it and know nothing of the API's internals.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session

from bracketry.service.units import UnitOfWork

DATABASE_STATE = "pages_database"
"""Key of the app state holding the pages' handle on the database."""


def provide(app: FastAPI, database: UnitOfWork) -> None:
    """Give the pages of ``app`` their handle on the database (at start-up)."""
    setattr(app.state, DATABASE_STATE, database)


def database(request: Request) -> UnitOfWork:
    """The handle the app was given (see :func:`provide`)."""
    return getattr(request.app.state, DATABASE_STATE)


def read_db(units: Annotated[UnitOfWork, Depends(database)]) -> Iterator[Session]:
    """A read session for the page."""
    with units.read() as db:
        yield db


# scope="function": the session closes before the page is sent, as the API's reads do.
ReadDb = Annotated[Session, Depends(read_db, scope="function")]
