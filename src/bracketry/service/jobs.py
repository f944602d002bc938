"""Generation jobs: requested in the API, run by a worker, the source of truth for status.

The pipeline is one function, :func:`run`, whatever executes it (the request itself
below the threshold, the in-process worker above it): generate → (auto: simulate →
rank → complete). A rerun of a job is safe: generation checks inside its transaction
whether sessions exist, and a finished step is not repeated.

A task message names its job, its tournament and its database (the ``instance_id`` written
at migration); :func:`screen_message` drops, with a warning and a count, any message whose
job is missing, belongs to another tournament or comes from another database. A message
never creates a job: a dropped job of this database is re-enqueued by the stale-job sweep.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from bracketry.schemas.job import (
    SYNC_TASK_ID,
    GenerationAccepted,
    GenerationCreate,
    GenerationStatus,
    JobStatus,
    Timings,
)
from bracketry.service import generation, job_progress, pipeline, sessions, tournaments
from bracketry.service.errors import Conflict, NotFound, ServiceError, Unavailable
from bracketry.service.job_records import (
    ACTIVE,
    FINISHED,
    GENERATE_JOB,
    RATE_JOB,
    PhaseHook,
    move,
    new_job,
    sources,
)
from bracketry.service.lifecycle import Status
from bracketry.service.metering import PeakRss, Stopwatch
from bracketry.service.units import UnitOfWork
from bracketry.store.models import Job, Secret, Tournament
from bracketry.store.types import utcnow

log = logging.getLogger(__name__)

job_context: ContextVar[tuple[str, int] | None] = ContextVar("bracketry_job", default=None)
"""(job id, tournament id) of the job the current thread runs, for log lines."""

INSTANCE_ID = "instance_id"
"""The ``secrets`` row naming this database (a uuid hex written at migration)."""

_dropped: Counter[str] = Counter()
_dropped_lock = threading.Lock()


class JobQueue(Protocol):
    """Something that runs :func:`run` for a job, later, elsewhere."""

    def submit(self, *, job_id: str, tournament_id: int, instance_id: str) -> None:
        """Arrange for the job of this database (``instance_id``) to run; raise
        :class:`Unavailable` if that cannot be done now."""


def database_instance(db: Session) -> str:
    """This database's instance id, named in every task message it sends."""
    row = db.get(Secret, INSTANCE_ID)
    if row is None:
        raise Unavailable("the database has no instance id: run `bracketry migrate`")
    return row.value_hash


def instance_of(*, database: UnitOfWork) -> str:
    """:func:`database_instance` in a read of its own."""
    with database.read() as db:
        return database_instance(db)


def screen_message(
    *, database: UnitOfWork, tournament_id: int, job_id: str | None, instance_id: str | None
) -> str | None:
    """None when a task message may run here; else why it is dropped (logged and counted).

    A message runs only if it comes from this database and names an existing job of its
    tournament: a message never acts on another deployment's tournament, nor creates a job.
    """
    with database.read() as db:
        here = database_instance(db)
        job = db.get(Job, job_id) if job_id is not None and instance_id == here else None
        reason = _refusal(here, instance_id, job_id, job, tournament_id)
    if reason is not None:
        with _dropped_lock:
            _dropped[reason] += 1
            total = sum(_dropped.values())
        log.warning(
            "dropped task message for job %s of tournament %s from database %s: %s "
            "(%d dropped by this process)",
            job_id,
            tournament_id,
            instance_id,
            reason,
            total,
        )
    return reason


def _refusal(
    here: str, instance_id: str | None, job_id: str | None, job: Job | None, tournament_id: int
) -> str | None:
    if instance_id is None:
        return "no database named"
    if instance_id != here:
        return "another database"
    if job_id is None:
        return "no job named"
    if job is None:
        return "unknown job"
    if job.tournament_id != tournament_id:
        return "another tournament's job"
    return None


def dropped_messages() -> dict[str, int]:
    """Task messages this process dropped, by reason."""
    with _dropped_lock:
        return dict(_dropped)


def run_message(
    *, database: UnitOfWork, tournament_id: int, job_id: str, instance_id: str
) -> Job | None:
    """Run the job a message names (see :func:`run`), or None when it is dropped."""
    refusal = screen_message(
        database=database, tournament_id=tournament_id, job_id=job_id, instance_id=instance_id
    )
    return None if refusal is not None else run(database=database, job_id=job_id)


def active_job(db: Session, tournament_id: int) -> Job | None:
    """The tournament's job that is queued or running, if any."""
    return db.execute(
        select(Job).where(Job.tournament_id == tournament_id, Job.status.in_(ACTIVE)).limit(1)
    ).scalar_one_or_none()


def request(
    *,
    database: UnitOfWork,
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
        generation.check_can_generate(db=db, tournament=tournament)
        job = new_job(tournament_id, simulation_mode=options.simulation_mode, seed=options.seed)
        db.add(job)
        synchronous = tournament.enrolled_count < threshold
        instance = database_instance(db)
    if not synchronous:
        try:
            queue.submit(job_id=job.id, tournament_id=tournament_id, instance_id=instance)
        except Unavailable as refusal:
            _finish(database, job.id, error=refusal.message)
            raise
        return GenerationAccepted(task_id=job.id, status=JobStatus.QUEUED, sessions_count=None)
    finished = run(database=database, job_id=job.id)
    if finished.status == JobStatus.FAILED:
        raise Conflict(finished.error or "generation failed")
    return GenerationAccepted(
        task_id=SYNC_TASK_ID, status=JobStatus.DONE, sessions_count=finished.sessions_count
    )


class TransientFailure(Exception):
    """A job failed for a reason that may pass (a lost database connection): retry it."""


TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
)


def _start(
    database: UnitOfWork, job_id: str, stale_after_s: float | None
) -> tuple[Job | None, bool]:
    """Mark the job running; returns it (None if unknown) and whether this call started it.

    A finished job, or one another worker is running (fresh heartbeat), is not started.
    """
    with database.write() as db:
        job = db.get(Job, job_id, with_for_update=True)
        if job is None or job.status in FINISHED:
            return job, False
        now = utcnow()
        beating = job.status == JobStatus.RUNNING and job.heartbeat_at is not None
        if beating and stale_after_s is not None and _age_s(now, job.heartbeat_at) < stale_after_s:
            return job, False
        move(job, JobStatus.RUNNING)
        job.started_at = now
        job.heartbeat_at = now
        job.engine_ms = job.db_write_ms = None  # phase markers of an earlier attempt
        job.attempts += 1
        job.queue_wait_ms = round(_age_s(now, job.requested_at) * 1000.0, 2)
        return job, True


def _age_s(now: datetime, then: datetime | None) -> float:
    return 0.0 if then is None else (now - then).total_seconds()


@contextmanager
def _heartbeat(database: UnitOfWork, job_id: str, interval_s: float | None) -> Iterator[None]:
    """Update the job's heartbeat every ``interval_s`` seconds while the block runs."""
    if interval_s is None:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(interval_s):
            try:
                with database.write() as db:
                    db.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow()))
            except Exception:  # a missed beat only makes the job look stale sooner
                log.warning("heartbeat of job %s failed", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


# A job's PhaseHook is also told, in a job that beats, when a generation reaches ``write``
# (the bracket is computed, its rows are about to be written) and ``commit`` (the rows are
# written, not yet committed).


class _PhaseClock(Stopwatch):
    """A stopwatch that marks each phase on the job row in a transaction of its own, as it is
    reached: ``engine_ms`` when the bulk write begins, ``db_write_ms`` when the rows are
    written and the generation's transaction is about to commit; then calls ``on_phase``."""

    def __init__(self, database: UnitOfWork, job_id: str, on_phase: PhaseHook | None) -> None:
        super().__init__()
        self._database = database
        self._job_id = job_id
        self._on_phase = on_phase

    @contextmanager
    def window(self, name: str) -> Iterator[None]:
        """The stopwatch's window; the bulk write (``db_write``) is framed by phase marks."""
        if name != "db_write":
            with super().window(name):
                yield
            return
        self._reached("write", engine_ms=_ms(self, "engine") or 0.0)
        with super().window(name):
            yield
        self._reached("commit", db_write_ms=self.ms[name])

    def _reached(self, phase: str, **marks: float) -> None:
        try:
            with self._database.write() as db:
                db.execute(update(Job).where(Job.id == self._job_id).values(**marks))
        except Exception:  # a missed mark only hides progress
            log.warning("could not mark phase %s of job %s", phase, self._job_id, exc_info=True)
        if self._on_phase is not None:
            self._on_phase(phase)


def run(
    *,
    database: UnitOfWork,
    job_id: str,
    heartbeat_s: float | None = None,
    stale_after_s: float | None = None,
    retry_transient: bool = False,
    on_phase: PhaseHook | None = None,
) -> Job:
    """Run a job's pipeline; records timings, peak memory and the outcome on the job row.

    A job that is finished, or running elsewhere with a fresh heartbeat, is returned as it
    is. With ``retry_transient`` a lost database connection marks the job ``retrying`` and
    raises :class:`TransientFailure` for the caller to retry; otherwise it fails the job.
    A job that beats (``heartbeat_s``, a worker's job) also marks its phases on its row while
    it runs (see :class:`_PhaseClock`) and calls ``on_phase`` at each.
    """
    job, started = _start(database, job_id, stale_after_s)
    if job is None:
        raise NotFound(f"job {job_id} does not exist", field="task_id")
    if not started:
        return job
    token = job_context.set((job.id, job.tournament_id))
    clock = Stopwatch() if heartbeat_s is None else _PhaseClock(database, job_id, on_phase)
    error: str | None = None
    sessions_count: int | None = None

    def reached(phase: str) -> None:
        job_progress.note(job_id, phase)
        if on_phase is not None:
            on_phase(phase)

    try:
        with _heartbeat(database, job_id, heartbeat_s), PeakRss() as memory, clock.window("total"):
            try:
                sessions_count = _pipeline(database, job, clock, reached)
            except ServiceError as refusal:
                error = refusal.message
            except TRANSIENT_ERRORS as lost:
                if retry_transient:
                    _mark_retrying(database, job_id, f"{type(lost).__name__}: {lost}")
                    raise TransientFailure(str(lost)) from lost
                error = f"{type(lost).__name__}: {lost}"
            except Exception as crash:  # the job row must say what happened, whatever it was
                log.exception("job crashed")
                error = f"{type(crash).__name__}: {crash}"
        finished = _finish(
            database,
            job_id,
            error=error,
            sessions_count=sessions_count,
            clock=clock,
            peak_mb=memory.peak_mb,
        )
    finally:
        job_progress.forget(job_id)
        job_context.reset(token)
    if job.kind == GENERATE_JOB:
        run_queued(database=database, tournament_id=job.tournament_id)
    return finished


def queued(*, database: UnitOfWork, tournament_id: int) -> list[str]:
    """The tournament's queued rating jobs (a completion above the rating limit adds one)."""
    with database.read() as db:
        return list(
            db.scalars(
                select(Job.id)
                .where(
                    Job.tournament_id == tournament_id,
                    Job.kind == RATE_JOB,
                    Job.status == JobStatus.QUEUED,
                )
                .order_by(Job.requested_at)
            )
        )


def run_queued(*, database: UnitOfWork, tournament_id: int) -> None:
    """Run the tournament's queued rating jobs here and now (a worker that just completed
    the tournament, or the CLI)."""
    for job_id in queued(database=database, tournament_id=tournament_id):
        run(database=database, job_id=job_id)


def submit_queued(*, database: UnitOfWork, queue: JobQueue, tournament_id: int) -> None:
    """Hand the tournament's queued rating jobs to ``queue``; one the queue cannot take now
    stays queued and is picked up when the server restarts."""
    instance = instance_of(database=database)
    for job_id in queued(database=database, tournament_id=tournament_id):
        try:
            queue.submit(job_id=job_id, tournament_id=tournament_id, instance_id=instance)
        except Unavailable:
            log.warning("rating job %s stays queued: the worker queue is unavailable", job_id)


def _mark_retrying(database: UnitOfWork, job_id: str, reason: str) -> None:
    """Record that the job will be retried, and why (best effort: the database may be gone)."""
    try:
        with database.write() as db:
            db.execute(
                update(Job)
                .where(Job.id == job_id, Job.status.in_(sources(JobStatus.RETRYING)))
                .values(status=JobStatus.RETRYING, error=reason[:2000])
            )
    except Exception:
        log.warning("could not mark job %s retrying", job_id, exc_info=True)


def _finish(
    database: UnitOfWork,
    job_id: str,
    *,
    error: str | None,
    sessions_count: int | None = None,
    clock: Stopwatch | None = None,
    peak_mb: float | None = None,
) -> Job:
    """Write the job's outcome, timings and peak memory."""
    clock = clock or Stopwatch()
    with database.write() as db:
        row = db.get(Job, job_id, with_for_update=True)
        assert row is not None
        if row.status in FINISHED:  # another run of the same job finished first: it stands
            log.warning(
                "job %s was finished already (%s); this outcome is dropped", job_id, row.status
            )
            return row
        move(row, JobStatus.FAILED if error else JobStatus.DONE)
        row.error = error
        row.finished_at = utcnow()
        row.sessions_count = sessions_count
        row.engine_ms = _ms(clock, "engine")
        row.db_write_ms = _ms(clock, "db_write")
        row.simulation_ms = _ms(clock, "simulation")
        row.total_ms = _ms(clock, "total")
        row.peak_rss_mb = peak_mb
        log.info("job %s: %s %s", row.id, row.status, error or "")
        return row


def _ms(clock: Stopwatch, name: str) -> float | None:
    value = clock.ms.get(name)
    return None if value is None else round(value, 2)


def _pipeline(database: UnitOfWork, job: Job, clock: Stopwatch, reached: PhaseHook) -> int:
    """Generate unless sessions exist already (then this run is a no-op), then play out in
    auto mode (:func:`bracketry.service.pipeline.play_out`); or, for a rating job, rate the
    completed tournament. The row lock on the tournament makes concurrent runs queue up
    here. ``reached`` is told each phase."""
    if job.kind == RATE_JOB:
        reached("rating")
        with clock.window("engine"), database.write() as db:
            tournament = tournaments.lock_or_raise(db=db, tournament_id=job.tournament_id)
            pipeline.rate(db=db, tournament=tournament)
            return sessions.match_total(db=db, tournament_id=tournament.id)
    reached("reading")
    with database.write() as db:
        tournament = tournaments.lock_or_raise(db=db, tournament_id=job.tournament_id)
        if tournament.sessions_generated_at is not None:
            count = sessions.match_total(db=db, tournament_id=tournament.id)
        else:
            count = generation.generate_sessions(
                db=db, tournament=tournament, clock=clock, reached=reached
            ).sessions_count
    if job.simulation_mode != "auto":
        return count
    with clock.window("simulation"), database.write() as db:
        tournament = tournaments.lock_or_raise(db=db, tournament_id=job.tournament_id)
        if tournament.status == Status.IN_PROGRESS:
            pipeline.play_out(
                db=db,
                tournament_id=job.tournament_id,
                seed=job.simulation_seed or 0,
                clock=clock,
                reached=reached,
            )
    return count


def claim_lost(
    *, database: UnitOfWork, stale_after_s: float, include_queued: bool, retry_grace_s: float = 0.0
) -> list[tuple[str, int]]:
    """(job id, tournament id) of jobs that look lost, put back to ``queued`` for re-enqueueing.

    Running jobs whose heartbeat is older than ``stale_after_s`` are lost (their worker
    died), and so are retrying ones silent for ``retry_grace_s`` longer (their retry never
    came, or its worker died too); with ``include_queued`` so are jobs queued for longer
    than that (a broker restart drops its queue). Claiming stamps the heartbeat, so other
    sweepers leave the job alone for another ``stale_after_s``.
    """
    now = utcnow()
    cutoff = now - timedelta(seconds=stale_after_s)
    lost_running = ((Job.status == JobStatus.RUNNING) & (Job.heartbeat_at < cutoff)) | (
        (Job.status == JobStatus.RETRYING)
        & (Job.heartbeat_at < cutoff - timedelta(seconds=retry_grace_s))
    )
    lost_queued = (Job.status == JobStatus.QUEUED) & (
        func.coalesce(Job.heartbeat_at, Job.requested_at) < cutoff
    )
    with database.write() as db:
        rows = (
            db.execute(
                select(Job)
                .where(lost_running | lost_queued if include_queued else lost_running)
                .order_by(Job.requested_at)
                .with_for_update(skip_locked=True)
            )
            .scalars()
            .all()
        )
        for job in rows:
            move(job, JobStatus.QUEUED)
            job.heartbeat_at = now
        return [(job.id, job.tournament_id) for job in rows]


def give_up(*, database: UnitOfWork, job_id: str, reason: str) -> None:
    """Fail a job whose transient failures outlasted its retries."""
    _finish(database, job_id, error=f"gave up after retries: {reason}"[:2000])


def status(*, db: Session, tournament_id: int, task_id: str) -> GenerationStatus:
    """A job's status; ``sync-done`` names the tournament's latest synchronous job."""
    tournament = db.get(Tournament, tournament_id)
    if tournament is None:
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
    where = _where(job, generated=tournament.sessions_generated_at is not None)
    return GenerationStatus(
        task_id=job.id,
        kind=job.kind,
        tournament_id=job.tournament_id,
        status=JobStatus(job.status),
        phase=where.phase if where else None,
        progress_pct=where.progress_pct if where else (100.0 if job.status == "done" else None),
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


def _where(job: Job, *, generated: bool) -> job_progress.Where | None:
    """Where an unfinished job is (None once it is finished): the phase this process noted
    for it, else (another process runs it) the phase its row's marks tell."""
    phases = job_progress.steps(job.kind, job.simulation_mode)
    if job.status == JobStatus.QUEUED:
        return job_progress.where("waiting", phases)
    if job.status == JobStatus.RETRYING:
        return job_progress.where("retrying", phases)
    if job.status != JobStatus.RUNNING:
        return None
    phase = job_progress.noted(job.id)
    if phase is None and job.kind == RATE_JOB:
        phase = "rating"
    if phase is None:
        phase = job_progress.from_marks(
            engine_marked=job.engine_ms is not None,
            write_marked=job.db_write_ms is not None,
            generated=generated,
        )
    return job_progress.where(phase, phases)


def unfinished(*, db: Session) -> list[tuple[str, int]]:
    """(job id, tournament id) of jobs left queued or running by a stopped server, oldest first."""
    rows = db.execute(
        select(Job.id, Job.tournament_id).where(Job.status.in_(ACTIVE)).order_by(Job.requested_at)
    ).all()
    return [(job_id, tournament_id) for job_id, tournament_id in rows]


PHASES = ("queue_wait_ms", "engine_ms", "db_write_ms", "simulation_ms", "total_ms")


def figures(*, db: Session) -> tuple[dict[str, int], dict[str, list[float]], int]:
    """Jobs by status, each phase's durations of finished jobs, and sessions written."""
    by_status = {status.value: 0 for status in JobStatus}
    for status_, count in db.execute(select(Job.status, func.count()).group_by(Job.status)).all():
        by_status[status_] = count
    rows = db.execute(
        select(*(getattr(Job, phase) for phase in PHASES), Job.sessions_count).where(
            Job.status == JobStatus.DONE
        )
    ).all()
    durations = {phase: [r[i] for r in rows if r[i] is not None] for i, phase in enumerate(PHASES)}
    written = sum(r[-1] or 0 for r in rows)
    return by_status, durations, written
