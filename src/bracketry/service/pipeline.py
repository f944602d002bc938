"""The steps after generation, the only copy: simulate → rank → complete → rate.

A job in auto mode, the ``scenario`` command and the benchmark play a generated
tournament out with :func:`play_out`; the complete route and every other completion go
through :func:`complete`, which completes and then rates. Each step hands the bracket it
holds to the next, so a play-out reads the tournament's matches once, and each step is
timed in a window of its own (:data:`PHASES`) on the caller's stopwatch.

Rating is a step, not a side effect of completion: a completion of up to
:data:`~bracketry.service.ratings.RATED_GAMES_LIMIT` sessions rates at once; a larger one
adds a queued rating job (kind :data:`RATE_JOB`) in the same transaction, which the caller
hands to its worker (:func:`bracketry.service.jobs.submit_queued`) or runs itself
(:func:`bracketry.service.jobs.run_queued`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bracketry.schemas.ranking import RankingOutcome
from bracketry.schemas.session import SimulationOutcome
from bracketry.service import bracket_state, rankings, ratings, simulation, tournaments
from bracketry.service.job_records import RATE_JOB, PhaseHook, new_job
from bracketry.service.metering import Stopwatch
from bracketry.service.sessions import match_total
from bracketry.store.models import Tournament

PHASES = ("simulate", "rank", "complete", "rate")
"""The stopwatch windows of the steps, in order."""


@dataclass(frozen=True)
class Completion:
    """A completed tournament and how its players are rated."""

    tournament: Tournament
    rated_players: int | None
    """Players whose rating moved; None when a rating job was queued instead."""
    rating_job_id: str | None
    """The queued rating job, for a tournament above the rating limit."""


@dataclass(frozen=True)
class PlayedOut:
    """What a play-out did, step by step."""

    simulated: SimulationOutcome
    ranked: RankingOutcome
    completion: Completion


def _noop(phase: str) -> None:
    """A phase hook that tells no one."""


def play_out(
    *,
    db: Session,
    tournament_id: int,
    seed: int,
    clock: Stopwatch | None = None,
    reached: PhaseHook | None = None,
) -> PlayedOut:
    """Simulate every result of an IN_PROGRESS tournament, rank, complete and rate it, in
    the caller's write transaction; each step is timed on ``clock`` and ``reached`` is
    told the job phases ``playing``, ``ranking`` and ``completing``."""
    clock = clock or Stopwatch()
    tell = reached or _noop
    tell("playing")
    with clock.window("simulate"):
        simulated, state = simulation.play(db=db, tournament_id=tournament_id, seed=seed)
    tell("ranking")
    with clock.window("rank"):
        ranked = rankings.calculate(db=db, tournament_id=tournament_id, state=state)
    tell("completing")
    completion = complete(db=db, tournament_id=tournament_id, state=state, clock=clock)
    return PlayedOut(simulated=simulated, ranked=ranked, completion=completion)


def complete(
    *,
    db: Session,
    tournament_id: int,
    state: bracket_state.BracketState | None = None,
    clock: Stopwatch | None = None,
) -> Completion:
    """Complete a fully played and ranked tournament (a :class:`Conflict` says what is
    missing), then rate it or queue its rating job; ``state`` is its bracket when the
    caller holds it already."""
    clock = clock or Stopwatch()
    with clock.window("complete"):
        tournament = tournaments.complete(db=db, tournament_id=tournament_id)
    with clock.window("rate"):
        return rate_or_queue(db=db, tournament=tournament, state=state)


def rate_or_queue(
    *, db: Session, tournament: Tournament, state: bracket_state.BracketState | None = None
) -> Completion:
    """Rate the just completed ``tournament`` now or, above the rating limit, add a queued
    rating job for a worker to run."""
    count = (
        match_total(db=db, tournament_id=tournament.id)
        if state is None
        else state.bracket.match_count
    )
    if ratings.rates_now(session_count=count):
        moved = rate(db=db, tournament=tournament, state=state)
        return Completion(tournament=tournament, rated_players=moved, rating_job_id=None)
    job = new_job(tournament.id, kind=RATE_JOB)
    db.add(job)
    return Completion(tournament=tournament, rated_players=None, rating_job_id=job.id)


def rate(
    *, db: Session, tournament: Tournament, state: bracket_state.BracketState | None = None
) -> int:
    """Rate every game of the completed ``tournament`` (a rating job's whole work);
    players whose rating moved."""
    return ratings.update_after_completion(db=db, tournament=tournament, state=state)
