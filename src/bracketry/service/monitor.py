"""The live monitor's view: one snapshot of a tournament and the actions allowed in it.

The actions follow the lifecycle rules, so the page shows only buttons that can succeed:
generate (enrollment closed, no job under way), simulate (results to play), calculate
rankings (in progress), complete (every session decided and rankings newer than the
last result).

The page picks its view from the format and the stages and sides that have sessions (each
with its last round); ``draw_stages`` tells where the result form may offer a draw.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bracketry.schemas.job import SYNC_TASK_ID
from bracketry.schemas.monitor import MonitorSnapshot, SideRounds
from bracketry.service import jobs, tournaments
from bracketry.service.errors import NotFound
from bracketry.service.formats import format_of
from bracketry.service.lifecycle import FINAL, Status
from bracketry.store.models import Match, MatchSlot, Ranking, Report


def snapshot(*, db: Session, tournament_id: int) -> MonitorSnapshot:
    """The tournament as the monitor shows it now."""
    tournament = tournaments.get_or_raise(db=db, tournament_id=tournament_id)
    view = tournaments.read(db=db, tournament=tournament)
    counts = view.matches
    decided = counts.completed
    rankings = db.execute(
        select(func.count()).select_from(Ranking).where(Ranking.tournament_id == tournament_id)
    ).scalar_one()
    # One aggregate over the tournament's match index, as cheap as a max(round) alone.
    sides = [
        SideRounds(stage=stage, side=side, rounds=last)
        for stage, side, last in db.execute(
            select(Match.stage, Match.side, func.max(Match.round))
            .where(Match.tournament_id == tournament_id)
            .group_by(Match.stage, Match.side)
            .order_by(Match.stage, Match.side)
        )
    ]
    fmt = format_of(tournament)
    draw_stages = sorted({s.stage for s in sides if fmt.allows_draws(s.stage)})
    try:
        job = jobs.status(db=db, tournament_id=tournament_id, task_id=SYNC_TASK_ID)
    except NotFound:
        job = None
    status = Status(tournament.status)
    actions: list[str] = []
    busy = job is not None and job.status in jobs.ACTIVE
    if status == Status.ENROLLMENT_CLOSED and not busy:
        actions.append("generate")
    if status == Status.IN_PROGRESS and not busy:
        if counts.ready:
            actions.append("simulate")
        actions.append("calculate-rankings")
        if tournaments.completion_blocker(db=db, tournament=tournament) is None:
            actions.append("complete")
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
        results_pct=round(100.0 * decided / counts.total, 1) if counts.total else 0.0,
        rankings_count=rankings,
        job=job,
        actions=actions,
        reports_open=open_reports or 0,
        reports_changed_at=reports_changed,
        timetable_key=f"{slots}/{first_start}/{last_end}" if slots else "",
        final=status in FINAL and not busy,
    )
