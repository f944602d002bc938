"""A job queue that runs each job at once in the caller's thread (CLI and benchmarks)."""

from __future__ import annotations

from bracketry.service import jobs
from bracketry.service.units import UnitOfWork


class ImmediateQueue:
    """Implements :class:`jobs.JobQueue` by running the job before ``submit`` returns."""

    def __init__(self, database: UnitOfWork) -> None:
        self._database = database

    def submit(self, *, job_id: str, tournament_id: int, instance_id: str) -> None:
        """Run the job now (a message naming another database or job is dropped)."""
        jobs.run_message(
            database=self._database,
            tournament_id=tournament_id,
            job_id=job_id,
            instance_id=instance_id,
        )
