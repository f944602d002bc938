"""Background execution of generation jobs.

Without a broker the in-process runner (a thread pool in the server) serves; with
``BRACKETRY_BROKER_URL`` set, Celery workers do: ``celery -A bracketry.jobs worker -Q
tournaments`` finds the Celery app here as ``bracketry.jobs.app``.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """Build the worker's Celery app on first use, so the embedded default never needs it."""
    if name in ("app", "celery"):
        from bracketry.jobs.worker import worker_app

        return worker_app()
    raise AttributeError(name)
