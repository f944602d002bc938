"""The Celery task and the worker-side duties: run jobs, re-enqueue lost ones."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery import Celery, Task
from celery.signals import worker_ready, worker_shutdown

from bracketry.jobs.celery_app import TASK_NAME
from bracketry.service import jobs
from bracketry.service.errors import ServiceError
from bracketry.settings import Settings
from bracketry.store.database import Database

log = logging.getLogger(__name__)

_databases: dict[int, Database] = {}


def worker_database(settings: Settings) -> Database:
    """This process's database handle (created after the fork, one per worker process)."""
    pid = os.getpid()
    if pid not in _databases:
        _databases[pid] = Database(settings.database_url)
    return _databases[pid]


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
        self: Task, tournament_id: int, job_id: str | None = None
    ) -> dict[str, Any]:
        """Run the tournament's generation job; a duplicate is a fast no-op."""
        database = worker_database(settings)
        try:
            job_id = jobs.job_for_task(
                database=database, tournament_id=tournament_id, job_id=job_id
            )
            job = jobs.run(
                database=database,
                job_id=job_id,
                heartbeat_s=settings.heartbeat_interval_s,
                stale_after_s=settings.stale_after_s,
                retry_transient=True,
            )
        except ServiceError as refusal:  # deterministic: never retried
            return {"job_id": job_id, "status": "failed", "error": refusal.message}
        except (jobs.TransientFailure, *jobs.TRANSIENT_ERRORS) as failure:
            if self.request.retries >= (self.max_retries or 0):
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
        for job_id, tournament_id in found:
            log.warning("re-enqueueing lost job %s of tournament %s", job_id, tournament_id)
            self._task.apply_async(args=[tournament_id], kwargs={"job_id": job_id})
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
