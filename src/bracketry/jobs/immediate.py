"""A job queue that runs each job at once in the caller's thread (CLI and benchmarks)."""

from __future__ import annotations

from bracketry.service import jobs
from bracketry.store.database import Database


class ImmediateQueue:
    """Implements :class:`jobs.JobQueue` by running the job before ``submit`` returns."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def submit(self, *, job_id: str, tournament_id: int) -> None:
        """Run the job now."""
        jobs.run(database=self._database, job_id=job_id)
