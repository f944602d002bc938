"""The live monitor's view: one snapshot of a tournament and the actions allowed in it.

The actions follow the lifecycle rules, so the page shows only buttons that can succeed:
rename and delete, venues (change venues or timing) and schedule (plan the matches
again), generate (enrollment closed, no job under way), simulate (results to play),
calculate rankings (in progress), complete (every session decided and rankings newer than
the last result).

The page picks its view from the format and the stages and sides that have sessions (each
with its last round); ``draw_stages`` tells where the result form may offer a draw.

:func:`fingerprint` is the cheap change detector of live streams: one query whose answer
changes whenever the snapshot may. What each write touches:

- lifecycle, enrollment, withdrawal, generation, rankings, venues: the tournament row
  (status, enrolled count, ``updated_at`` and the milestones);
- results (one, batches, simulated, heats, double forfeits, walkovers, and the rounds a
  result appends): the tournament's results, counted with their latest ``recorded_at`` (a
  correction deletes and records again, at a later time);
- generation and rating jobs: the latest job's state, phase marks and figures (not its
  heartbeat), and the phase this process noted for it (see :mod:`~bracketry.service.job_progress`);
- reports: how many are open and the latest change; the timetable: its slot count, first
  start and last end (the same figures the snapshot shows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from bracketry.schemas.job import SYNC_TASK_ID
from bracketry.schemas.monitor import MonitorSnapshot, SideRounds
from bracketry.schemas.tournament import MatchCounts
from bracketry.service import job_progress, jobs, tournaments, venues
from bracketry.service.errors import NotFound
from bracketry.service.formats import format_of
from bracketry.service.job_records import ACTIVE
from bracketry.service.lifecycle import (
    COMPLETE,
    DELETABLE,
    FINAL,
    GENERATE,
    RANK,
    RENAMABLE,
    SIMULATE,
    Status,
)
from bracketry.service.round_labels import side_labels
from bracketry.service.sessions import last_rounds, progress, round_in_play, status_counts
from bracketry.store.models import Job, MatchSlot, Ranking, Report, Result, Tournament

Fingerprint = tuple[Any, ...]


def snapshot(*, db: Session, tournament_id: int) -> MonitorSnapshot:
    """The tournament as the monitor shows it now."""
    tournament = tournaments.get_or_raise(db=db, tournament_id=tournament_id)
    counts, played = (
        status_counts(db=db, tournament_id=tournament_id)
        if tournament.sessions_generated_at is not None
        else (MatchCounts(), MatchCounts())
    )
    rankings = db.execute(
        select(func.count()).select_from(Ranking).where(Ranking.tournament_id == tournament_id)
    ).scalar_one()
    sides = [
        SideRounds(
            stage=stage,
            side=side,
            rounds=last,
            labels=side_labels(tournament.format, stage, side, last),
        )
        for stage, side, last in last_rounds(db=db, tournament_id=tournament_id)
    ]
    in_play = {
        stage: found
        for stage in sorted({s.stage for s in sides})
        if counts.ready
        and (found := round_in_play(db=db, tournament_id=tournament_id, stage=stage)) is not None
    }
    fmt = format_of(tournament)
    draw_stages = sorted({s.stage for s in sides if fmt.allows_draws(s.stage)})
    try:
        job = jobs.status(db=db, tournament_id=tournament_id, task_id=SYNC_TASK_ID)
    except NotFound:
        job = None
    status = Status(tournament.status)
    actions: list[str] = []
    busy = job is not None and job.status in ACTIVE
    if status in RENAMABLE:
        actions.append("rename")
    if status in DELETABLE:
        actions.append("delete")
    if status in venues.EDITABLE:
        actions.append("venues")
    if status in venues.REPLANNABLE:
        actions.append("schedule")
    if not busy:
        if GENERATE.allows(status):
            actions.append(GENERATE.name)
        if SIMULATE.allows(status) and counts.ready:
            actions.append(SIMULATE.name)
        if RANK.allows(status):
            actions.append(RANK.name)
        if COMPLETE.allows(status) and (
            tournaments.completion_blocker(db=db, tournament=tournament, counts=counts) is None
        ):
            actions.append(COMPLETE.name)
    results_changed = db.execute(
        select(func.max(Result.recorded_at)).where(Result.tournament_id == tournament_id)
    ).scalar_one()
    open_reports, reports_changed = db.execute(
        select(
            func.count().filter(Report.state.in_(("pending", "disputed"))),
            func.max(Report.updated_at),
        ).where(Report.tournament_id == tournament_id)
    ).one()
    slots, first_start, last_end = db.execute(
        select(func.count(), func.min(MatchSlot.starts_at), func.max(MatchSlot.ends_at)).where(
            MatchSlot.tournament_id == tournament_id
        )
    ).one()
    return MonitorSnapshot(
        tournament_id=tournament.id,
        name=tournament.name,
        format=tournament.format,
        status=status,
        enrolled_count=tournament.enrolled_count,
        rounds=max((s.rounds for s in sides), default=0),
        sides=sides,
        draw_stages=draw_stages,
        matches=counts,
        played=played,
        rounds_in_play=in_play,
        results_pct=results_pct(played),
        rankings_count=rankings,
        job=job,
        actions=actions,
        results_changed_at=results_changed,
        reports_open=open_reports or 0,
        reports_changed_at=reports_changed,
        timetable_key=f"{slots}/{first_start}/{last_end}" if slots else "",
        final=status in FINAL and not busy,
    )


def results_pct(played: MatchCounts) -> float:
    """The share of matches played or to play that are decided, in percent."""
    return round(100.0 * played.completed / played.total, 1) if played.total else 0.0


def progress_pct(*, db: Session, tournament_id: int, generated: bool) -> float | None:
    """:func:`results_pct` of a tournament from counts on its indexes (the list shows it for
    every tournament), None before its matches are ``generated``."""
    if not generated:
        return None
    playable, decided = progress(db=db, tournament_id=tournament_id)
    return round(100.0 * decided / playable, 1) if playable else 0.0


def fingerprint(*, db: Session, tournament_id: int) -> Fingerprint | None:
    """What the snapshot depends on, in one query over the tournament's indexes: equal
    answers mean an equal snapshot (None: no such tournament)."""
    results = (
        select(func.count().label("n"), func.max(Result.recorded_at).label("last"))
        .where(Result.tournament_id == tournament_id)
        .subquery()
    )
    reports = (
        select(
            func.count().filter(Report.state.in_(("pending", "disputed"))).label("open"),
            func.max(Report.updated_at).label("last"),
        )
        .where(Report.tournament_id == tournament_id)
        .subquery()
    )
    slots = (
        select(
            func.count().label("n"),
            func.min(MatchSlot.starts_at).label("first"),
            func.max(MatchSlot.ends_at).label("last"),
        )
        .where(MatchSlot.tournament_id == tournament_id)
        .subquery()
    )
    latest_job = (
        select(Job.id)
        .where(Job.tournament_id == tournament_id)
        .order_by(Job.requested_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    row = db.execute(
        select(
            Tournament.status,
            Tournament.enrolled_count,
            Tournament.updated_at,
            Tournament.sessions_generated_at,
            Tournament.rankings_calculated_at,
            Tournament.completed_at,
            results.c.n,
            results.c.last,
            reports.c.open,
            reports.c.last,
            slots.c.n,
            slots.c.first,
            slots.c.last,
            Job.id.label("job_id"),
            Job.status,
            Job.attempts,
            Job.started_at,
            Job.finished_at,
            Job.sessions_count,
            Job.total_ms,
            Job.error,
            Job.engine_ms,
            Job.db_write_ms,
        )
        .select_from(Tournament)
        .join(results, true())
        .join(reports, true())
        .join(slots, true())
        .outerjoin(Job, Job.id == latest_job)
        .where(Tournament.id == tournament_id)
    ).one_or_none()
    if row is None:
        return None
    return (*row, None if row.job_id is None else job_progress.noted(row.job_id))
