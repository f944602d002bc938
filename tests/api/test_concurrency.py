"""Real parallel requests against a served app: one result per match wins, the rest get
409; enrollment never goes past capacity; a crowd of writers never ends in a server error."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api.helpers import (
    API,
    all_sessions,
    closed_tournament,
    create_open_tournament,
    generate_now,
    poll_until_finished,
)

PARALLEL = 16


def test_two_results_for_one_match_at_once_exactly_one_wins(live_server: httpx.Client) -> None:
    tournament_id = closed_tournament(live_server, 8)
    generate_now(live_server, tournament_id)
    session = next(s for s in all_sessions(live_server, tournament_id) if s["status"] == "ready")
    path = f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result"
    bodies = [{"score_a": 2, "score_b": i % 2} for i in range(PARALLEL)]

    def post(body: dict) -> int:
        return live_server.post(path, json=body).status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = sorted(pool.map(post, bodies))
    assert statuses == [200] + [409] * (PARALLEL - 1)
    after = live_server.get(f"{API}/tournaments/{tournament_id}/sessions/{session['id']}").json()
    assert after["result"]["score_a"] == 2
    winner = after["result"]["winner_id"]
    target = live_server.get(
        f"{API}/tournaments/{tournament_id}/sessions/{session['winner_to']['match_id']}"
    ).json()
    placed = [p["player_id"] for p in target["participants"] or [] if p]
    assert placed.count(winner) == 1


def test_enrollment_past_capacity_never_over_fills(live_server: httpx.Client) -> None:
    tournament_id = create_open_tournament(live_server, max_players=10)
    path = f"{API}/tournaments/{tournament_id}/enrollments"

    def enroll(i: int) -> int:
        return live_server.post(path, json={"name": f"R{i}", "rating": 1500}).status_code

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(enroll, range(30)))
    assert statuses.count(201) == 10
    assert statuses.count(409) == 20
    tournament = live_server.get(f"{API}/tournaments/{tournament_id}").json()
    assert tournament["enrolled_count"] == 10
    listed = live_server.get(path, params={"limit": 100}).json()
    assert listed["total"] == 10


def test_many_results_at_once_all_land_without_server_errors(live_server: httpx.Client) -> None:
    """More concurrent writers than the database pool and the worker threads: the ones
    waiting must not starve the one holding the tournament's lock."""
    tournament_id = closed_tournament(live_server, 128)  # 128 players: generated in the background
    accepted = live_server.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert accepted.status_code == 202, accepted.text
    done = poll_until_finished(live_server, tournament_id, accepted.json()["task_id"])
    assert done["status"] == "done", done
    ready = [s for s in all_sessions(live_server, tournament_id) if s["status"] == "ready"]
    assert len(ready) == 64

    def post(session: dict) -> int:
        path = f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result"
        return live_server.post(path, json={"score_a": 1, "score_b": 0}).status_code

    with ThreadPoolExecutor(64) as pool:
        statuses = list(pool.map(post, ready))
    assert statuses == [200] * 64
