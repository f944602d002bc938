"""The pipeline after generation (simulate → rank → complete → rate), on both backends.

Its play-out hands one bracket from step to step: that bracket must be the one a fresh read
gives, and the play-out must end where the HTTP steps taken one by one end (same champion,
rankings and rating changes). Completion alone no longer rates: the pipeline's complete
step does, or queues the rating job of a large tournament.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bracketry.service import bracket_state, jobs, pipeline, ratings, simulation, tournaments
from bracketry.service.metering import Stopwatch
from bracketry.store.database import Database
from bracketry.store.models import Job, Player, RatingChange
from tests.api.helpers import API, all_rankings, all_sessions, create_open_tournament

FORMATS: list[tuple[str, dict[str, Any], int]] = [
    ("knockout", {}, 8),
    ("double_elimination", {}, 6),
    ("swiss", {"rounds": 3}, 7),
    ("round_robin", {}, 5),
    ("groups", {"groups": 2}, 8),
    ("heats", {"direction": "lower", "heat_size": 4, "advance": 2}, 9),
]
SEED = 7


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The test's database, as the service layer sees it."""
    handle = Database(database_url)
    yield handle
    handle.dispose()


def generated(
    http: TestClient, tournament_format: str, config: dict[str, Any], players: int, prefix: str
) -> int:
    """A tournament of ``players`` new players named ``{prefix}{seed}`` (player i is seed i),
    generated and in progress."""
    tournament_id = create_open_tournament(http, tournament_format=tournament_format, **config)
    entrants = [{"name": f"{prefix}{i}", "rating": 3000 - i} for i in range(1, players + 1)]
    answer = http.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"players": entrants})
    assert answer.status_code == 201, answer.text
    closed = http.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "ENROLLMENT_CLOSED"}
    )
    assert closed.status_code == 200, closed.text
    answer = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert answer.status_code == 200, answer.text
    return tournament_id


def double_forfeit_first_match(http: TestClient, tournament_id: int) -> None:
    """Both players of the first ready match forfeit: the next match becomes a walkover."""
    ready = [s for s in all_sessions(http, tournament_id) if s["status"] == "ready"]
    answer = http.post(
        f"{API}/tournaments/{tournament_id}/sessions/{ready[0]['id']}/result",
        json={"outcome": "double_forfeit"},
    )
    assert answer.status_code == 200, answer.text


def assert_same_arrays(held: Any, read: Any, what: str) -> None:
    if held is None or read is None:
        assert held is None and read is None, what
        return
    assert np.array_equal(np.asarray(held), np.asarray(read), equal_nan=held.dtype.kind == "f"), (
        what
    )


@pytest.mark.parametrize(("tournament_format", "config", "players"), FORMATS)
def test_the_bracket_a_simulation_hands_on_is_the_one_stored(
    client: TestClient,
    database: Database,
    tournament_format: str,
    config: dict[str, Any],
    players: int,
) -> None:
    tournament_id = generated(client, tournament_format, config, players, "S")
    if tournament_format == "knockout":
        double_forfeit_first_match(client, tournament_id)
    with database.write() as db:
        outcome, held = simulation.play(db=db, tournament_id=tournament_id, seed=SEED)
        tournament = tournaments.get_or_raise(db=db, tournament_id=tournament_id)
        read = bracket_state.load(db=db, tournament=tournament)
    assert outcome.results_pct == 100.0
    assert_same_arrays(held.match_ids, read.match_ids, "match ids")
    assert_same_arrays(held.player_ids, read.player_ids, "player ids")
    for name in ("slots", "winner_slot", "outcome", "scores", "ratings", "value"):
        assert_same_arrays(getattr(held.progress, name), getattr(read.progress, name), name)
    bracket, stored = held.bracket, read.bracket
    for name in ("round", "number", "side", "stage", "entrants", "winner_to", "loser_to", "bye"):
        assert_same_arrays(getattr(bracket, name), getattr(stored, name), f"bracket {name}")
    if tournament_format == "knockout":  # 8 players: no byes but the forfeit's walkovers
        assert stored.bye.any()
    if bracket.members is not None or stored.members is not None:
        assert bracket.members is not None and stored.members is not None
        for name in ("match", "player", "lane"):
            assert_same_arrays(
                getattr(bracket.members, name), getattr(stored.members, name), f"heat {name}"
            )


def rankings_by_seed(http: TestClient, tournament_id: int, prefix: str) -> list[dict[str, Any]]:
    """The rankings, each player named by seed (the prefix and player id left out)."""
    rows = all_rankings(http, tournament_id)
    return [
        {**{k: v for k, v in row.items() if k != "player_id"}, "name": row["name"][len(prefix) :]}
        for row in rows
    ]


def rating_changes_by_seed(
    database: Database, tournament_id: int, prefix: str
) -> dict[str, tuple[int, float, float]]:
    """Seed → (games, rating before, rating after) of the tournament's rating changes."""
    with database.read() as db:
        rows = db.execute(
            select(Player.name, RatingChange)
            .join(Player, Player.id == RatingChange.player_id)
            .where(RatingChange.tournament_id == tournament_id)
        ).all()
    return {name[len(prefix) :]: (c.games, c.rating_before, c.rating_after) for name, c in rows}


@pytest.mark.parametrize(
    ("tournament_format", "config", "players"),
    [FORMATS[0], FORMATS[2], FORMATS[5]],
)
def test_the_play_out_ends_where_the_http_steps_end(
    client: TestClient,
    database: Database,
    tournament_format: str,
    config: dict[str, Any],
    players: int,
) -> None:
    by_steps = generated(client, tournament_format, config, players, "A")
    for step, body in (
        ("simulate-results", {"seed": SEED}),
        ("calculate-rankings", None),
        ("complete", None),
    ):
        answer = client.post(f"{API}/tournaments/{by_steps}/{step}", json=body)
        assert answer.status_code == 200, answer.text
    piped = generated(client, tournament_format, config, players, "B")
    clock = Stopwatch()
    seen: list[str] = []
    with database.write() as db:
        played = pipeline.play_out(
            db=db, tournament_id=piped, seed=SEED, clock=clock, reached=seen.append
        )
        assert played.completion.tournament.status == "COMPLETED"
    assert seen == ["playing", "ranking", "completing"]
    assert set(pipeline.PHASES) <= set(clock.ms)
    assert all(clock.ms[phase] > 0 for phase in pipeline.PHASES)
    assert played.simulated.results_pct == 100.0
    assert played.ranked.ranked == players
    assert played.completion.rating_job_id is None
    assert client.get(f"{API}/tournaments/{piped}").json()["status"] == "COMPLETED"
    stepped = rankings_by_seed(client, by_steps, "A")
    pipelined = rankings_by_seed(client, piped, "B")
    assert pipelined == stepped
    assert [r["name"] for r in pipelined if r["rank"] == 1] == [
        r["name"] for r in stepped if r["rank"] == 1
    ]
    changes = rating_changes_by_seed(database, piped, "B")
    assert changes == rating_changes_by_seed(database, by_steps, "A")
    assert len(changes) == players
    assert played.completion.rated_players == players


def ranked(http: TestClient, tournament_id: int) -> None:
    """Simulate and rank through HTTP: ready to complete."""
    for step, body in (("simulate-results", {"seed": SEED}), ("calculate-rankings", None)):
        answer = http.post(f"{API}/tournaments/{tournament_id}/{step}", json=body)
        assert answer.status_code == 200, answer.text


def changes_of(database: Database, tournament_id: int) -> int:
    with database.read() as db:
        return db.execute(
            select(func.count())
            .select_from(RatingChange)
            .where(RatingChange.tournament_id == tournament_id)
        ).scalar_one()


def test_completing_alone_does_not_rate_the_complete_step_does(
    client: TestClient, database: Database
) -> None:
    alone = generated(client, "knockout", {}, 4, "C")
    ranked(client, alone)
    with database.write() as db:
        assert tournaments.complete(db=db, tournament_id=alone).status == "COMPLETED"
    assert changes_of(database, alone) == 0
    stepped = generated(client, "knockout", {}, 4, "D")
    ranked(client, stepped)
    with database.write() as db:
        completion = pipeline.complete(db=db, tournament_id=stepped)
    assert completion.rated_players == 4
    assert changes_of(database, stepped) == 4


def test_a_large_completion_queues_its_rating_job(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratings, "RATED_GAMES_LIMIT", 2)  # 3 sessions count as large
    tournament_id = generated(client, "knockout", {"third_place": False}, 4, "E")
    ranked(client, tournament_id)
    with database.write() as db:
        completion = pipeline.complete(db=db, tournament_id=tournament_id)
    assert completion.rated_players is None and completion.rating_job_id is not None
    assert changes_of(database, tournament_id) == 0
    assert jobs.queued(database=database, tournament_id=tournament_id) == [completion.rating_job_id]
    jobs.run_queued(database=database, tournament_id=tournament_id)
    assert changes_of(database, tournament_id) == 4
    with database.read() as db:
        job = db.get(Job, completion.rating_job_id)
        assert job is not None and job.kind == pipeline.RATE_JOB and job.status == "done"
