"""Job rows as the service writes them: the kinds of job, a new queued job, the phase hook.

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
