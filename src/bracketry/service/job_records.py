"""Job rows as the service writes them: the kinds of job, the job state machine, a new
queued job, the phase hook.

Below both :mod:`~bracketry.service.jobs` (which runs jobs) and
:mod:`~bracketry.service.pipeline` (which queues a rating job at completion), so neither
imports the other for them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from bracketry.schemas.job import JobStatus
from bracketry.store.models import Job
from bracketry.store.types import utcnow

GENERATE_JOB = "generate"
"""The kind of job that generates a tournament's matches (and plays them out in auto mode)."""
RATE_JOB = "rate"
"""The kind of job that rates a completed tournament too large to rate in its request."""

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)
"""A job in one of these is under way: its tournament takes no other generation."""
FINISHED = (JobStatus.DONE, JobStatus.FAILED)

MOVES: dict[JobStatus, tuple[JobStatus, ...]] = {
    # started; sent again by a sweeper (its message was lost); finished by a run a sweeper
    # had taken for lost; failed before it could start (refused, or its retries ran out)
    JobStatus.QUEUED: (JobStatus.RUNNING, JobStatus.QUEUED, JobStatus.DONE, JobStatus.FAILED),
    # finished; waiting for a retry; put back by a sweeper that took it for lost (its
    # run may still finish); started again by a worker that found its heartbeat stale
    JobStatus.RUNNING: (
        JobStatus.DONE,
        JobStatus.FAILED,
        JobStatus.RETRYING,
        JobStatus.QUEUED,
        JobStatus.RUNNING,
    ),
    JobStatus.RETRYING: (JobStatus.RUNNING, JobStatus.QUEUED, JobStatus.FAILED),
    JobStatus.DONE: (),
    JobStatus.FAILED: (),
}
"""The job state machine: the statuses each status may move to. A finished job never moves."""


class JobStateError(RuntimeError):
    """A job status change the state machine does not allow."""


def sources(target: JobStatus) -> tuple[JobStatus, ...]:
    """The statuses from which a job may move to ``target``."""
    return tuple(status for status, moves in MOVES.items() if target in moves)


def move(job: Job, target: JobStatus) -> None:
    """Set ``job``'s status to ``target``, if the state machine allows it."""
    current = JobStatus(job.status)
    if target not in MOVES[current]:
        raise JobStateError(f"job {job.id} cannot go from {current} to {target}")
    job.status = target


PhaseHook = Callable[[str], None]
"""Told each job phase (see :mod:`bracketry.service.job_progress`) as it is reached."""


def new_job(
    tournament_id: int, *, kind: str = GENERATE_JOB, simulation_mode: str = "manual", seed: int = 0
) -> Job:
    """A queued job row (the caller adds it to its session)."""
    return Job(
        id=str(uuid.uuid4()),
        tournament_id=tournament_id,
        kind=kind,
        status=JobStatus.QUEUED,
        simulation_mode=simulation_mode,
        simulation_seed=seed,
        attempts=0,
        requested_at=utcnow(),
    )
