"""Real parallel requests against a served app: one result per match wins, the rest get
409; enrollment never goes past capacity."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.api.helpers import (
    API,
    all_sessions,
    closed_tournament,
    create_open_tournament,
    generate_now,
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
