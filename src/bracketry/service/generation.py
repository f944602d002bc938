"""Generating a tournament's sessions: engine, then one bulk write, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from bracketry.engine.formats.base import Progress
from bracketry.service import entries, scheduling
from bracketry.service.bracket_state import BracketState, write_matches
from bracketry.service.errors import Conflict
from bracketry.service.formats import check_players, format_of
from bracketry.service.lifecycle import GENERATE, Status, Via, transition
from bracketry.service.metering import Stopwatch
from bracketry.service.seeds import check_manual_seeds, seeded_entries
from bracketry.store.models import Tournament
from bracketry.store.types import utcnow


@dataclass(frozen=True)
class Generated:
    """What one generation wrote."""

    sessions_count: int


def refuse_if_generated(tournament: Tournament) -> None:
    """The idempotency answer: a tournament's sessions are generated once."""
    if tournament.sessions_generated_at is not None:
        stamp = tournament.sessions_generated_at.strftime("%Y-%m-%d %H:%M:%S")
        raise Conflict(f"Sessions already generated at {stamp}")


def check_can_generate(*, db: Session, tournament: Tournament) -> None:
    """Raise :class:`Conflict` unless sessions can be generated now."""
    refuse_if_generated(tournament)
    GENERATE.require(tournament)
    entries.refuse_open_check_in(tournament)
    check_players(format_of(tournament), tournament.enrolled_count)
    check_manual_seeds(db=db, tournament=tournament)


def _quiet(_phase: str) -> None:
    """A generation nobody follows."""


def generate_sessions(
    *,
    db: Session,
    tournament: Tournament,
    clock: Stopwatch,
    reached: Callable[[str], None] = _quiet,
) -> Generated:
    """Build and store the bracket of a locked tournament; moves it to IN_PROGRESS.

    ``clock`` receives the separate ``engine`` and ``db_write`` windows; ``reached`` is told
    each phase as it starts (``placing``, ``writing``, ``planning``, ``saving``: see
    :mod:`bracketry.service.job_progress`), the last one when only the commit is left.
    """
    check_can_generate(db=db, tournament=tournament)
    if entries.settle_check_in(db, tournament):
        check_players(format_of(tournament), tournament.enrolled_count)
    fmt = format_of(tournament)
    player_ids, ratings, seeds = seeded_entries(db=db, tournament=tournament)
    reached("placing")
    with clock.window("engine"):
        by_seed = np.empty_like(player_ids)
        by_seed[seeds - 1] = player_ids
        ratings_by_seed = np.empty_like(ratings)
        ratings_by_seed[seeds - 1] = ratings
        bracket = fmt.start(int(player_ids.size), ratings_by_seed)
    reached("writing")
    with clock.window("db_write"):
        ids = write_matches(
            db.connection(), tournament_id=tournament.id, bracket=bracket, player_ids=by_seed
        )
        count = int(ids.size)
        state = BracketState(Progress.fresh(bracket, ratings_by_seed), ids, by_seed)
        reached("planning")
        scheduling.plan_new(db, tournament=tournament, state=state, first=0)
        tournament.sessions_generated_at = utcnow()
        transition(db, tournament, Status.IN_PROGRESS, via=Via.GENERATE, reason=f"{count} sessions")
    reached("saving")
    return Generated(sessions_count=count)
