"""What the running app holds: settings, the database, the job queue, the admin token hash."""

from __future__ import annotations

from dataclasses import dataclass

from bracketry.service import jobs
from bracketry.settings import Settings
from bracketry.store.database import Database


@dataclass
class AppContext:
    """Shared, long-lived objects of one app instance."""

    settings: Settings
    database: Database
    queue: jobs.JobQueue
    admin_hash: str | None
