"""The embedded default's worker: a thread pool in the server process, no broker needed."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from bracketry.service import jobs
from bracketry.service.units import UnitOfWork

log = logging.getLogger(__name__)


class InProcessQueue:
    """Runs generation jobs on a thread pool; implements :class:`jobs.JobQueue`."""

    def __init__(self, database: UnitOfWork, threads: int) -> None:
        self._database = database
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bracketry-job")

    def submit(self, *, job_id: str, tournament_id: int, instance_id: str) -> None:
        """Run the job on a worker thread (a message naming another database or job is
        dropped there)."""
        self._pool.submit(self._run, job_id, tournament_id, instance_id)

    def _run(self, job_id: str, tournament_id: int, instance_id: str) -> object:
        try:
            return jobs.run_message(
                database=self._database,
                tournament_id=tournament_id,
                job_id=job_id,
                instance_id=instance_id,
            )
        except Exception:
            log.exception("job %s could not be run", job_id)
            raise

    def recover(self) -> list[str]:
        """Resubmit jobs a stopped server left queued or running; returns their ids."""
        with self._database.read() as db:
            pending = jobs.unfinished(db=db)
            instance = jobs.database_instance(db)
        for job_id, tournament_id in pending:
            self.submit(job_id=job_id, tournament_id=tournament_id, instance_id=instance)
        return [job_id for job_id, _ in pending]

    def readiness(self) -> dict[str, object]:
        """The worker is this process."""
        return {"broker": "none (in-process worker)", "workers": ["in-process"]}

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, let running ones finish."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
