"""FastAPI dependencies: the app context, read / write sessions and the admin check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from bracketry.api.context import AppContext
from bracketry.service.auth import check_admin


def context(request: Request) -> AppContext:
    """The app's context."""
    return request.app.state.context


Context = Annotated[AppContext, Depends(context)]


def read_db(ctx: Context) -> Iterator[Session]:
    """A read session for the request."""
    with ctx.database.read() as db:
        yield db


def write_db(ctx: Context) -> Iterator[Session]:
    """A write session, committed when the handler returns without error."""
    with ctx.database.write() as db:
        yield db


def require_admin(
    ctx: Context, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
) -> None:
    """Refuse the request unless it carries the admin bearer token."""
    token = None
    if authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    check_admin(token, ctx.admin_hash)


# scope="function": the transaction ends (commits) before the answer is sent, so a client
# that got its 2xx always reads what it wrote.
ReadDb = Annotated[Session, Depends(read_db, scope="function")]
WriteDb = Annotated[Session, Depends(write_db, scope="function")]
Admin = Depends(require_admin)
