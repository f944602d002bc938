"""The OPS launcher: one call walks the whole lifecycle through the ordinary use cases."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from bracketry.engine.seeding import NO_SEED
from bracketry.engine.simulate import synthetic_ratings
from bracketry.schemas.catalog import format_label
from bracketry.schemas.job import GenerationCreate
from bracketry.schemas.scenario import SCENARIO_CONFIGS, ScenarioCreate, ScenarioOutcome
from bracketry.schemas.tournament import StatusChangeIn, TournamentCreate
from bracketry.service import enrollments, jobs, tournaments
from bracketry.service.lifecycle import Status
from bracketry.service.metering import Stopwatch
from bracketry.store.database import Database


def synthetic_names(count: int) -> list[str]:
    """Names of synthetic players, zero-padded so they sort.

    >>> synthetic_names(2)
    ['Player 1', 'Player 2']
    """
    width = len(str(count))
    return [f"Player {i:0{width}d}" for i in range(1, count + 1)]


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""Month abbreviations, in English whatever the machine's locale."""


def tournament_name(format_name: str, count: int, when: datetime) -> str:
    """A scenario tournament's name: format label, player count, day month time in UTC.

    >>> tournament_name("knockout", 1024, datetime(2025, 12, 7, 6, 12, tzinfo=UTC))
    'Single elimination (knockout) · 1,024 players · 7 Dec 06:12'
    """
    at = when.astimezone(UTC)
    day = f"{at.day} {MONTHS[at.month - 1]} {at:%H:%M}"
    return f"{format_label(format_name)} · {count:,} players · {day}"


def run(
    *, database: Database, queue: jobs.JobQueue, scenario_in: ScenarioCreate, threshold: int
) -> ScenarioOutcome:
    """Create, enroll synthetic players, close, generate and (auto) play out a tournament."""
    count = scenario_in.player_count
    mode = "in the background" if count >= threshold else "in the request"
    if scenario_in.dry_run:
        return ScenarioOutcome(
            tournament_id=None,
            task_id=None,
            enrolled_count=0,
            session_count=0,
            status="DRY_RUN",
            timings={},
            message=(
                f"would create a {format_label(scenario_in.format)} tournament of {count} "
                f"players, generate it {mode} ({scenario_in.simulation_mode} simulation); "
                "nothing was created"
            ),
        )
    clock = Stopwatch()
    rng = np.random.default_rng(scenario_in.seed)
    with clock.window("create_ms"), database.write() as db:
        tournament = tournaments.create(
            db=db,
            tournament_in=TournamentCreate(
                name=tournament_name(scenario_in.format, count, datetime.now(UTC)),
                format=scenario_in.format,
                config=SCENARIO_CONFIGS.get(scenario_in.format, {}),
            ),
        )
        tournament_id = tournament.id
        tournaments.change_status(
            db=db, tournament_id=tournament_id, change=StatusChangeIn(status=Status.ENROLLMENT_OPEN)
        )
    with clock.window("enroll_ms"), database.write() as db:
        enrolled = enrollments.enroll_columns(
            db=db,
            tournament_id=tournament_id,
            player_ids=np.zeros(count, dtype=np.int64),
            names=synthetic_names(count),
            ratings=synthetic_ratings(count, rng),
            seeds=np.full(count, NO_SEED, dtype=np.int64),
        )
        tournaments.change_status(
            db=db,
            tournament_id=tournament_id,
            change=StatusChangeIn(status=Status.ENROLLMENT_CLOSED),
        )
    with clock.window("generate_ms"):
        accepted = jobs.request(
            database=database,
            queue=queue,
            tournament_id=tournament_id,
            options=GenerationCreate(
                simulation_mode=scenario_in.simulation_mode, seed=scenario_in.seed
            ),
            threshold=threshold,
        )
    with database.read() as db:
        tournament = tournaments.get_or_raise(db=db, tournament_id=tournament_id)
        status = tournament.status
    sessions = accepted.sessions_count or 0
    return ScenarioOutcome(
        tournament_id=tournament_id,
        task_id=accepted.task_id,
        enrolled_count=enrolled.enrolled_count,
        session_count=sessions,
        status=status,
        timings={k: round(v, 2) for k, v in clock.ms.items()},
        message=f"{count} players enrolled; sessions generated {mode}; status {status}",
    )
