"""Generation jobs: requested in the API, run by a worker, the source of truth for status.

The pipeline is one function, :func:`run`, whatever executes it (the request itself
below the threshold, the in-process worker above it): generate → (auto: simulate →
rank → complete). A rerun of a job is safe: generation checks inside its transaction
whether sessions exist, and a finished step is not repeated.
"""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bracketry.schemas.job import (
    SYNC_TASK_ID,
    GenerationAccepted,
    GenerationCreate,
    GenerationStatus,
    JobStatus,
    Timings,
)
from bracketry.service import generation, rankings, simulation, tournaments
from bracketry.service.errors import Conflict, NotFound, ServiceError
from bracketry.service.lifecycle import Status
from bracketry.service.metering import PeakRss, Stopwatch
from bracketry.store.database import Database
from bracketry.store.models import Job, Tournament
from bracketry.store.types import utcnow

log = logging.getLogger(__name__)

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)


class JobQueue(Protocol):
    """Something that runs :func:`run` for a job id, later, elsewhere."""

    def submit(self, job_id: str) -> None:
        """Arrange for the job to run."""


def active_job(db: Session, tournament_id: int) -> Job | None:
    """The tournament's job that is queued or running, if any."""
    return db.execute(
        select(Job).where(Job.tournament_id == tournament_id, Job.status.in_(ACTIVE)).limit(1)
    ).scalar_one_or_none()


def request(
    *,
    database: Database,
    queue: JobQueue,
    tournament_id: int,
    options: GenerationCreate,
    threshold: int,
) -> GenerationAccepted:
    """Accept a generation request: run it now below ``threshold`` players, else queue it."""
    with database.write() as db:
        tournament = tournaments.lock_or_raise(db=db, tournament_id=tournament_id)
        running = active_job(db, tournament_id)
        if running is not None:
            raise Conflict(f"generation is already {running.status} as task {running.id}")
        generation.check_can_generate(tournament)
        job = Job(
            id=str(uuid.uuid4()),
            tournament_id=tournament_id,
            kind="generate",
            status=JobStatus.QUEUED,
            simulation_mode=options.simulation_mode,
            simulation_seed=options.seed,
            attempts=0,
            requested_at=utcnow(),
        )
        db.add(job)
        synchronous = tournament.enrolled_count < threshold
    if not synchronous:
        queue.submit(job.id)
        return GenerationAccepted(task_id=job.id, status=JobStatus.QUEUED, sessions_count=None)
    finished = run(database=database, job_id=job.id)
    if finished.status == JobStatus.FAILED:
        raise Conflict(finished.error or "generation failed")
    return GenerationAccepted(
        task_id=SYNC_TASK_ID, status=JobStatus.DONE, sessions_count=finished.sessions_count
    )


def _start(database: Database, job_id: str) -> Job | None:
    """Mark the job running; None when it needs no run (unknown or already finished)."""
    with database.write() as db:
        job = db.get(Job, job_id)
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        now = utcnow()
        job.status = JobStatus.RUNNING
        job.started_at = now
        job.attempts += 1
        job.queue_wait_ms = round((now - job.requested_at).total_seconds() * 1000.0, 2)
        return job


def run(*, database: Database, job_id: str) -> Job:
    """Run a job's pipeline; records timings, peak memory and the outcome on the job row."""
    job = _start(database, job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist", field="task_id")
    if job.status != JobStatus.RUNNING:
        return job
    clock = Stopwatch()
    error: str | None = None
    sessions_count: int | None = None
    with PeakRss() as memory, clock.window("total"):
        try:
            sessions_count = _pipeline(database, job, clock)
        except ServiceError as refusal:
            error = refusal.message
        except Exception as crash:  # the job row must say what happened, whatever it was
            log.exception("job %s of tournament %s crashed", job.id, job.tournament_id)
            error = f"{type(crash).__name__}: {crash}"
    with database.write() as db:
        row = db.get(Job, job_id)
        assert row is not None
        row.status = JobStatus.FAILED if error else JobStatus.DONE
        row.error = error
        row.finished_at = utcnow()
        row.sessions_count = sessions_count
        row.engine_ms = _ms(clock, "engine")
        row.db_write_ms = _ms(clock, "db_write")
        row.simulation_ms = _ms(clock, "simulation")
        row.total_ms = _ms(clock, "total")
        row.peak_rss_mb = memory.peak_mb
        log.info("job %s of tournament %s: %s", row.id, row.tournament_id, row.status)
        return row


def _ms(clock: Stopwatch, name: str) -> float | None:
    value = clock.ms.get(name)
    return None if value is None else round(value, 2)


def _pipeline(database: Database, job: Job, clock: Stopwatch) -> int:
    """Generate (unless an earlier attempt of this job did), then play out in auto mode."""
    with database.write() as db:
        tournament = tournaments.lock_or_raise(db=db, tournament_id=job.tournament_id)
        resumed = tournament.sessions_generated_at is not None and job.attempts > 1
        if resumed:
            count = _stored_sessions(db, tournament)
        else:
            count = generation.generate_sessions(
                db=db, tournament=tournament, clock=clock
            ).sessions_count
    if job.simulation_mode != "auto":
        return count
    with clock.window("simulation"), database.write() as db:
        tournament = tournaments.lock_or_raise(db=db, tournament_id=job.tournament_id)
        if tournament.status == Status.IN_PROGRESS:
            simulation.simulate(
                db=db, tournament_id=job.tournament_id, seed=job.simulation_seed or 0
            )
            rankings.calculate(db=db, tournament_id=job.tournament_id)
            tournaments.complete(db=db, tournament_id=job.tournament_id)
    return count


def _stored_sessions(db: Session, tournament: Tournament) -> int:
    return tournaments.read(db=db, tournament=tournament).matches.total


def status(*, db: Session, tournament_id: int, task_id: str) -> GenerationStatus:
    """A job's status; ``sync-done`` names the tournament's latest synchronous job."""
    if db.get(Tournament, tournament_id) is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    if task_id == SYNC_TASK_ID:
        job = db.execute(
            select(Job)
            .where(Job.tournament_id == tournament_id)
            .order_by(Job.requested_at.desc())
            .limit(1)
        ).scalar_one_or_none()
    else:
        job = db.get(Job, task_id)
    if job is None or job.tournament_id != tournament_id:
        raise NotFound(
            f"task {task_id} does not exist for tournament {tournament_id}", field="task_id"
        )
    return GenerationStatus(
        task_id=job.id,
        tournament_id=job.tournament_id,
        status=JobStatus(job.status),
        simulation_mode=job.simulation_mode,  # type: ignore[arg-type]
        sessions_count=job.sessions_count,
        timings=Timings(
            queue_wait_ms=job.queue_wait_ms,
            engine_ms=job.engine_ms,
            db_write_ms=job.db_write_ms,
            simulation_ms=job.simulation_ms,
            total_ms=job.total_ms,
        ),
        peak_rss_mb=job.peak_rss_mb,
        attempts=job.attempts,
        requested_at=job.requested_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        error=job.error,
    )


def unfinished(*, db: Session) -> list[str]:
    """Ids of jobs left queued or running (by a stopped server), oldest first."""
    return list(
        db.execute(
            select(Job.id).where(Job.status.in_(ACTIVE)).order_by(Job.requested_at)
        ).scalars()
    )
