"""The seed report's Group U (full lifecycle) and Group V (idempotency) over real HTTP.

Every test talks to a real uvicorn server (``live_server``) through the OPS launcher
``POST /tournaments/ops/run-scenario``: 64 players are generated in the request
(task ``sync-done``), 1024 players in the in-process worker (task = a UUID).
"""

from __future__ import annotations

import math
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from sqlalchemy import Engine, event

from tests.api.helpers import (
    API,
    all_rankings,
    all_sessions,
    assert_error,
    change_status,
    create_draft_tournament,
    get_tournament,
    poll_until_finished,
)

LAUNCH = f"{API}/tournaments/ops/run-scenario"
THRESHOLD = 128
SIZES = [64, 1024]


def launch(http: httpx.Client, players: int, mode: str, seed: int = 7) -> dict:
    """Run the OPS scenario and check the launcher's answer for the sync / async split."""
    answer = http.post(
        LAUNCH,
        json={
            "scenario": "scale_test",
            "player_count": players,
            "confirmed": players >= THRESHOLD,
            "simulation_mode": mode,
            "seed": seed,
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert isinstance(body["tournament_id"], int)
    assert body["enrolled_count"] == players
    if players < THRESHOLD:
        assert body["task_id"] == "sync-done"
        assert body["session_count"] == players
        assert body["status"] == ("COMPLETED" if mode == "auto" else "IN_PROGRESS")
    else:
        assert str(uuid.UUID(body["task_id"])) == body["task_id"]
    return body


def wait_done(http: httpx.Client, launched: dict, mode: str, players: int) -> dict:
    """Poll generation-status until the job finished; check it succeeded and its metrics."""
    status = poll_until_finished(http, launched["tournament_id"], launched["task_id"])
    assert status["status"] == "done", status["error"]
    assert status["error"] is None
    assert status["tournament_id"] == launched["tournament_id"]
    assert status["simulation_mode"] == mode
    assert status["sessions_count"] == players
    assert status["attempts"] == 1
    timings = status["timings"]
    for window in ("queue_wait_ms", "engine_ms", "db_write_ms", "total_ms"):
        assert isinstance(timings[window], int | float), (window, timings)
        assert timings[window] >= 0, (window, timings)
    if mode == "auto":
        assert isinstance(timings["simulation_ms"], int | float)
    else:
        assert timings["simulation_ms"] is None
    assert status["peak_rss_mb"] > 0
    requested, started, finished = (
        datetime.fromisoformat(status[key]) for key in ("requested_at", "started_at", "finished_at")
    )
    assert requested <= started <= finished
    if players >= THRESHOLD:
        assert status["task_id"] == launched["task_id"]
    return status


def rounds_of(players: int) -> int:
    return int(math.log2(players))


def assert_bracket_shape(sessions: list[dict], players: int) -> None:
    """Exact count, unique ids, no round-1 orphans, halving rounds plus one third-place match."""
    rounds = rounds_of(players)
    assert len(sessions) == players
    ids = [s["id"] for s in sessions]
    assert len(set(ids)) == len(ids), "duplicate session ids"
    main = Counter(s["round"] for s in sessions if s["side"] == "main")
    assert main == {r: players >> r for r in range(1, rounds + 1)}
    third = [s for s in sessions if s["side"] == "third_place"]
    assert len(third) == 1
    assert third[0]["round"] == rounds
    places = Counter((s["side"], s["round"], s["number"]) for s in sessions)
    assert max(places.values()) == 1, "two sessions share a bracket position"
    round_one = [s for s in sessions if s["side"] == "main" and s["round"] == 1]
    orphans = [s for s in round_one if s["participants"] is None or None in s["participants"]]
    assert orphans == [], f"{len(orphans)} round-1 sessions without two participants"
    entrants = [p["player_id"] for s in round_one for p in s["participants"]]
    assert len(set(entrants)) == players, "a player is missing or appears twice in round 1"
    by_id = {s["id"]: s for s in sessions}
    for session in sessions:
        link = session["winner_to"]
        if session["side"] == "main" and session["round"] < rounds:
            assert link is not None
            assert by_id[link["match_id"]]["round"] == session["round"] + 1
            assert by_id[link["match_id"]]["side"] == "main"
        else:
            assert link is None
        if session["side"] == "main" and session["round"] == rounds - 1:
            assert session["loser_to"]["match_id"] == third[0]["id"]
        else:
            assert session["loser_to"] is None


def assert_fully_played(sessions: list[dict]) -> None:
    """Every session has a result and is completed; winners played in their session."""
    assert all(s["status"] == "completed" for s in sessions)
    assert all(s["result"] is not None for s in sessions)
    for session in sessions:
        players = [p["player_id"] for p in session["participants"] if p is not None]
        assert len(players) == 2
        assert session["result"]["winner_id"] in players
        assert session["result"]["outcome"] == "win"


def final_of(sessions: list[dict], players: int) -> dict:
    finals = [s for s in sessions if s["side"] == "main" and s["round"] == rounds_of(players)]
    assert len(finals) == 1
    return finals[0]


def assert_rankings(http: httpx.Client, tournament_id: int, sessions: list[dict], players: int):
    """Rankings cover exactly the enrolled players, and the podium matches the last matches."""
    rankings = all_rankings(http, tournament_id)
    assert len(rankings) == players
    enrolled = http.get(
        f"{API}/tournaments/{tournament_id}/enrollments", params={"limit": 100_000}
    ).json()
    assert enrolled["total"] == players
    assert {r["player_id"] for r in rankings} == {e["player_id"] for e in enrolled["items"]}
    final = final_of(sessions, players)
    third = next(s for s in sessions if s["side"] == "third_place")
    champions = [r for r in rankings if r["rank"] == 1]
    assert [r["player_id"] for r in champions] == [final["result"]["winner_id"]]
    finalists = {p["player_id"] for p in final["participants"]}
    runner_up = next(r for r in rankings if r["rank"] == 2)
    assert runner_up["player_id"] == (finalists - {final["result"]["winner_id"]}).pop()
    assert (
        next(r for r in rankings if r["rank"] == 3)["player_id"] == (third["result"]["winner_id"])
    )
    assert champions[0]["wins"] == rounds_of(players)
    assert champions[0]["losses"] == 0
    assert [r["rank"] for r in rankings] == sorted(r["rank"] for r in rankings)


# --- Group U: the full lifecycle --------------------------------------------------------


@pytest.mark.parametrize("players", SIZES)
def test_manual_lifecycle_walked_step_by_step(live_server: httpx.Client, players: int) -> None:
    http = live_server
    launched = launch(http, players, "manual")
    tournament_id = launched["tournament_id"]
    wait_done(http, launched, "manual", players)

    tournament = get_tournament(http, tournament_id)
    assert tournament["status"] == "IN_PROGRESS"
    assert tournament["sessions_generated"] is True
    assert tournament["enrolled_count"] == players
    assert tournament["matches"]["total"] == players

    generated = all_sessions(http, tournament_id)
    assert_bracket_shape(generated, players)
    round_one = [s for s in generated if s["side"] == "main" and s["round"] == 1]
    assert all(s["status"] == "ready" and s["result"] is None for s in round_one)
    later = [s for s in generated if s["round"] >= 2]
    assert len(later) == players // 2
    assert all(s["participants"] is None for s in later)
    assert all(s["status"] == "locked" and s["result"] is None for s in later)

    simulated = http.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 11})
    assert simulated.status_code == 200, simulated.text
    assert simulated.json()["results_written"] == players
    assert simulated.json()["results_pct"] == 100
    played = all_sessions(http, tournament_id)
    assert [s["id"] for s in played] == [s["id"] for s in generated]
    assert_fully_played(played)
    assert {s["result"]["source"] for s in played} == {"simulation"}

    again = http.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 12})
    assert again.status_code == 200, again.text
    assert again.json()["results_written"] == 0
    assert again.json()["results_pct"] == 100
    assert all_sessions(http, tournament_id) == played

    ranked = http.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert ranked.status_code == 200, ranked.text
    assert ranked.json()["ranked"] == players
    assert_rankings(http, tournament_id, played, players)

    completed = http.post(f"{API}/tournaments/{tournament_id}/complete")
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "COMPLETED"
    tournament = get_tournament(http, tournament_id)
    assert tournament["status"] == "COMPLETED"
    assert tournament["completed_at"] is not None
    assert tournament["matches"]["completed"] == players
    assert tournament["matches"]["total"] == players


@pytest.mark.parametrize("players", SIZES)
def test_auto_lifecycle_is_completed_by_the_pipeline(
    live_server: httpx.Client, players: int
) -> None:
    http = live_server
    launched = launch(http, players, "auto")
    tournament_id = launched["tournament_id"]
    wait_done(http, launched, "auto", players)

    tournament = get_tournament(http, tournament_id)
    assert tournament["status"] == "COMPLETED"
    assert tournament["rankings_calculated_at"] is not None
    assert tournament["completed_at"] is not None
    assert tournament["matches"]["total"] == players
    assert tournament["matches"]["completed"] == players

    sessions = all_sessions(http, tournament_id)
    assert_bracket_shape(sessions, players)
    assert_fully_played(sessions)
    assert_rankings(http, tournament_id, sessions, players)

    # Group V after completion: refused, nothing changes
    again = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert_error(again, 409, "already generated")
    assert all_sessions(http, tournament_id) == sessions
    assert get_tournament(http, tournament_id)["status"] == "COMPLETED"


def test_same_seed_gives_the_same_tournament(live_server: httpx.Client) -> None:
    http = live_server
    players = 1024
    outcomes = []
    for _ in range(2):
        launched = launch(http, players, "auto", seed=99)
        wait_done(http, launched, "auto", players)
        rankings = all_rankings(http, launched["tournament_id"])
        # players are new rows each time: compare by synthetic name, which is stable
        outcomes.append([(r["rank"], r["name"], r["score_for"]) for r in rankings])
    assert outcomes[0] == outcomes[1]


# --- Group V: idempotency ---------------------------------------------------------------


@pytest.mark.parametrize("players", SIZES)
def test_second_generation_is_refused_and_bracket_unchanged(
    live_server: httpx.Client, players: int
) -> None:
    http = live_server
    launched = launch(http, players, "manual")
    tournament_id = launched["tournament_id"]
    status = wait_done(http, launched, "manual", players)
    before = all_sessions(http, tournament_id)
    assert len(before) == players

    for options in (None, {"simulation_mode": "auto", "seed": 3}):
        again = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions", json=options)
        assert_error(again, 409, "already generated")

    after = all_sessions(http, tournament_id)
    assert len(after) == players
    assert {s["id"] for s in after} == {s["id"] for s in before}
    assert after == before
    tournament = get_tournament(http, tournament_id)
    assert tournament["status"] == "IN_PROGRESS"
    assert tournament["matches"]["total"] == players
    first = http.get(f"{API}/tournaments/{tournament_id}/generation-status/{status['task_id']}")
    assert first.json()["status"] == "done"
    assert first.json()["sessions_count"] == players


def test_duplicate_request_during_background_generation(live_server: httpx.Client) -> None:
    http = live_server
    launched = launch(http, 1024, "manual")
    tournament_id = launched["tournament_id"]
    duplicate = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    body = assert_error(duplicate, 409)
    assert launched["task_id"] in body["detail"] or "already generated" in body["detail"], body
    wait_done(http, launched, "manual", 1024)
    sessions = all_sessions(http, tournament_id)
    assert len(sessions) == 1024
    assert len({s["id"] for s in sessions}) == 1024


# --- an answer means the write is durable -------------------------------------------------

COMMIT_PAUSE_S = 0.3


@pytest.fixture
def slow_commits() -> Iterator[None]:
    """Every database commit in this process takes COMMIT_PAUSE_S longer (it still happens)."""

    def pause(_connection: object) -> None:
        time.sleep(COMMIT_PAUSE_S)

    event.listen(Engine, "commit", pause)
    yield
    event.remove(Engine, "commit", pause)


def test_a_write_is_committed_before_it_is_answered(
    live_server: httpx.Client, slow_commits: None
) -> None:
    """A client that got 201/200 must read what it wrote: the commit may not trail the answer.

    A slow commit only delays the answer when the transaction ends before the response; if
    it ends after (a request-scoped ``yield`` dependency), the reads below see the old state.
    """
    http = live_server
    tournament_id = create_draft_tournament(http)
    read = http.get(f"{API}/tournaments/{tournament_id}")
    assert read.status_code == 200, f"created tournament not readable yet: {read.text}"
    assert change_status(http, tournament_id, "ENROLLMENT_OPEN").status_code == 200
    assert get_tournament(http, tournament_id)["status"] == "ENROLLMENT_OPEN"
    enrolled = http.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"name": "Early bird"}
    )
    assert enrolled.status_code == 201, enrolled.text
    assert get_tournament(http, tournament_id)["enrolled_count"] == 1
