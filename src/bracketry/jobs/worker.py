"""The worker process's Celery app: configured from the environment, tasks and duties on."""

from __future__ import annotations

from functools import lru_cache

from celery import Celery

from bracketry import logs
from bracketry.jobs.celery_app import make_celery
from bracketry.jobs.tasks import install_worker_duties, register
from bracketry.settings import get_settings


@lru_cache
def worker_app() -> Celery:
    """The Celery app a worker runs."""
    settings = get_settings()
    logs.configure()
    app = make_celery(settings)
    task = register(app, settings)
    install_worker_duties(app, task, settings)
    return app
