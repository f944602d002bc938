"""Celery on a Redis broker: the production path for generation jobs.

``celery -A bracketry.jobs worker -Q tournaments`` (or ``bracketry worker``) runs workers;
the API sends ``bracketry.generate_sessions`` with args ``[tournament_id]`` and kwargs
``{job_id, instance_id}`` (the job and the database it belongs to; a worker drops a message
naming another database, a missing job or another tournament's job). The job table, not
Celery's result backend, is the source of truth.
"""

from __future__ import annotations

from celery import Celery

from bracketry.settings import Settings

TASK_NAME = "bracketry.generate_sessions"
BROKER_CONNECT_TIMEOUT_S = 2.0
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def make_celery(settings: Settings) -> Celery:
    """A Celery app configured from ``settings`` (tasks are registered by jobs.tasks)."""
    app = Celery("bracketry", broker=settings.broker_url or DEFAULT_BROKER)
    app.conf.update(
        task_default_queue=settings.queue_name,
        task_routes={TASK_NAME: {"queue": settings.queue_name}},
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        broker_connection_timeout=BROKER_CONNECT_TIMEOUT_S,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        enable_utc=True,
    )
    return app
