"""The Celery task and the worker-side duties: run jobs, re-enqueue lost ones.

A task message names its job and its database (``instance_id``); the task runs it only if
it is this database's job of the message's tournament, and drops it otherwise (see
:func:`bracketry.service.jobs.screen_message`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from celery import Celery, Task
from celery.signals import worker_ready, worker_shutdown

from bracketry.jobs.celery_app import TASK_NAME
from bracketry.service import jobs, units
from bracketry.service.errors import ServiceError
from bracketry.settings import Settings

log = logging.getLogger(__name__)

_databases: dict[tuple[int, str], units.UnitOfWork] = {}

PAUSE_AT = "BRACKETRY_TEST_PAUSE_AT"
"""Test hook: the generation phase (``write`` or ``commit``) at which the worker pauses."""
PAUSE_S = "BRACKETRY_TEST_PAUSE_S"
"""Test hook: how long it pauses there (seconds, 60 by default)."""


def pause_for_tests(phase: str) -> None:
    """Sleep at ``phase`` when the test hook asks for it (fault tests kill a worker there)."""
    if os.environ.get(PAUSE_AT) == phase:
        log.warning("test hook %s=%s: pausing", PAUSE_AT, phase)
        time.sleep(float(os.environ.get(PAUSE_S) or 60))


def worker_database(settings: Settings) -> units.UnitOfWork:
    """This process's handle on the settings' database (created after the fork, one per
    worker process and database)."""
    key = (os.getpid(), settings.database_url)
    if key not in _databases:
        _databases[key] = units.open_database(settings.database_url)
    return _databases[key]


def register(app: Celery, settings: Settings) -> Task:
    """Register ``bracketry.generate_sessions`` on ``app``; returns the task."""

    @app.task(
        name=TASK_NAME,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        rate_limit=settings.task_rate_limit or None,
        max_retries=settings.task_max_retries,
        default_retry_delay=settings.task_retry_delay_s,
    )
    def generate_sessions(
        self: Task, tournament_id: int, job_id: str | None = None, instance_id: str | None = None
    ) -> dict[str, Any]:
        """Run the job a message names, if it is this database's job of that tournament (else
        the message is dropped: acknowledged, logged and counted); a duplicate is a no-op."""
        database = worker_database(settings)
        screened = False
        try:
            refusal = jobs.screen_message(
                database=database,
                tournament_id=tournament_id,
                job_id=job_id,
                instance_id=instance_id,
            )
            if refusal is not None:
                return {"job_id": job_id, "status": "dropped", "error": refusal}
            assert job_id is not None  # a message naming no job is dropped above
            screened = True
            job = jobs.run(
                database=database,
                job_id=job_id,
                heartbeat_s=settings.heartbeat_interval_s,
                stale_after_s=settings.stale_after_s,
                retry_transient=True,
                on_phase=pause_for_tests,
            )
        except ServiceError as refusal:  # deterministic: never retried
            return {"job_id": job_id, "status": "failed", "error": refusal.message}
        except (jobs.TransientFailure, *jobs.TRANSIENT_ERRORS) as failure:
            if self.request.retries >= (self.max_retries or 0):
                if screened:
                    jobs.give_up(database=database, job_id=job_id, reason=str(failure))
                return {"job_id": job_id, "status": "failed", "error": str(failure)}
            raise self.retry(exc=failure) from failure
        return {"job_id": job.id, "status": job.status, "sessions_count": job.sessions_count}

    return generate_sessions


class Reaper:
    """Re-enqueues jobs whose worker died: running with a stale heartbeat (and, at worker
    start, queued ones older than the staleness bound, which a broker restart may have lost)."""

    def __init__(self, app: Celery, task: Task, settings: Settings) -> None:
        self._task = task
        self._settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bracketry-reaper", daemon=True)

    def start(self) -> None:
        """Sweep once now (queued ones included), then periodically in a thread."""
        try:
            self.sweep(include_queued=True)
        except Exception:  # a database not reachable (or not migrated) yet: the loop retries
            log.warning("first reaper sweep failed", exc_info=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sweeping."""
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self._settings.stale_after_s / 2):
            try:
                self.sweep(include_queued=False)
            except Exception:  # the database may be down for a while; try again later
                log.warning("reaper sweep failed", exc_info=True)

    def sweep(self, *, include_queued: bool) -> list[str]:
        """Re-enqueue lost jobs; returns their ids."""
        database = worker_database(self._settings)
        found = jobs.claim_lost(
            database=database,
            stale_after_s=self._settings.stale_after_s,
            include_queued=include_queued,
        )
        instance = jobs.instance_of(database=database) if found else ""
        for job_id, tournament_id in found:
            log.warning("re-enqueueing lost job %s of tournament %s", job_id, tournament_id)
            self._task.apply_async(
                args=[tournament_id], kwargs={"job_id": job_id, "instance_id": instance}
            )
        return [job_id for job_id, _ in found]


def install_worker_duties(app: Celery, task: Task, settings: Settings) -> None:
    """Start the reaper when a worker is ready and stop it at shutdown."""
    reaper = Reaper(app, task, settings)

    @worker_ready.connect(weak=False)
    def _on_ready(**_: object) -> None:
        reaper.start()

    @worker_shutdown.connect(weak=False)
    def _on_shutdown(**_: object) -> None:
        reaper.stop()
