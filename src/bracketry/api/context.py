"""What the running app holds: settings, the database, the job queue, the admin token hash
and the key that signs access tokens."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol

from bracketry.service import jobs
from bracketry.service.throttle import Throttle
from bracketry.service.units import UnitOfWork
from bracketry.settings import Settings


class WorkerQueue(jobs.JobQueue, Protocol):
    """A job queue that can also say whether its broker and workers are there."""

    def readiness(self) -> dict[str, Any]:
        """``{"broker": str, "workers": [names]}``."""


@dataclass
class AppContext:
    """Shared, long-lived objects of one app instance."""

    settings: Settings
    database: UnitOfWork
    queue: WorkerQueue
    admin_hash: str | None
    jwt_secret: str = ""
    logins: Throttle = field(default_factory=lambda: Throttle(10, 300.0))
    writers: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(8))
    """Mutations under way; the rest wait in the event loop, holding nothing."""
