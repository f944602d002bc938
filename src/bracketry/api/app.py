"""The FastAPI application: migrates, prepares the admin token, starts the worker, serves."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bracketry import __version__
from bracketry.api import (
    accounts,
    archive,
    docs,
    entries,
    errors,
    exports,
    hardening,
    health,
    imports,
    live,
    metrics,
    ops,
    players,
    reports,
    schedule,
    sessions,
    staff,
    tournaments,
    venues,
)
from bracketry.api.context import AppContext, WorkerQueue
from bracketry.jobs.celery_queue import CeleryQueue
from bracketry.jobs.inprocess import InProcessQueue
from bracketry.service import auth, tokens, units
from bracketry.service.throttle import Throttle
from bracketry.settings import Settings, get_settings
from bracketry.web import deps as page_deps
from bracketry.web import pages
from bracketry.web.pages import STATIC
from bracketry.web.shared import page_error

log = logging.getLogger("bracketry")
API_PREFIX = "/api/v1"


def prepare(settings: Settings) -> tuple[units.UnitOfWork, str | None, str | None]:
    """Migrate the database and make sure an admin token exists.

    Returns the database, the stored token hash and a newly generated token (to show once).
    """
    database = units.open_database(settings.database_url, migrate=True)
    with database.write() as db:
        fresh = auth.ensure_admin_token(db=db, configured=settings.admin_token)
    with database.read() as db:
        stored = auth.admin_token_hash(db=db)
    return database, stored, fresh


def create_app(settings: Settings | None = None, *, token_shown_by_caller: bool = False) -> FastAPI:
    """The app for ``settings`` (the environment's by default). A new admin token is printed
    at start-up, or with ``token_shown_by_caller`` left in ``app.state.fresh_admin_token``
    for the caller to show (``bracketry serve`` does, once uvicorn listens)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database, stored, fresh = prepare(settings)
        app.state.fresh_admin_token = fresh
        if token_shown_by_caller:
            pass
        elif fresh:
            print(f"bracketry admin token (shown once, stored hashed): {fresh}", flush=True)
        elif not settings.admin_token:
            print("admin token: set at first run; `bracketry admin-token --reset` issues a new one")
        queue: WorkerQueue
        if settings.broker_url:
            queue = CeleryQueue(settings)
        else:
            in_process = queue = InProcessQueue(database, settings.worker_threads)
            resumed = in_process.recover()
            if resumed:
                log.warning("resumed %d unfinished generation job(s): %s", len(resumed), resumed)
        with database.write() as db:
            secret = tokens.ensure_secret(db=db, configured=settings.jwt_secret)
        logins = Throttle(settings.login_attempts, settings.login_window_s)
        writers = asyncio.Semaphore(settings.max_concurrent_writes)
        app.state.context = AppContext(settings, database, queue, stored, secret, logins, writers)
        page_deps.provide(app, database)
        try:
            yield
        finally:
            if isinstance(queue, InProcessQueue):
                queue.shutdown(wait=True)
            database.dispose()

    app = FastAPI(
        title="bracketry",
        version=__version__,
        description="Tournament engine and service.",
        lifespan=lifespan,
        docs_url=None,  # served by docs.install, with local assets
        redoc_url=None,
    )
    docs.install(app)
    errors.install(app, page_error)
    hardening.install(app, settings)
    metrics.install(app)
    app.include_router(health.router)
    for router in (
        ops.router,
        archive.router,
        tournaments.router,
        imports.router,
        sessions.router,
        sessions.batches,
        exports.router,
        live.router,
        players.router,
        venues.router,
        schedule.router,
        accounts.router,
        staff.router,
        reports.router,
        entries.router,
    ):
        app.include_router(router, prefix=API_PREFIX, responses=errors.API_ERRORS)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
