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


def _decide_first_round(http: httpx.Client, tournament_id: int, parallel: int) -> None:
    """Every first-round match of a 32-player knockout decided (``parallel`` at once):
    double forfeits on every third match, wins for the first-listed player elsewhere."""
    ready = [s for s in all_sessions(http, tournament_id) if s["round"] == 1]
    assert len(ready) == 16

    def post(item: tuple[int, dict]) -> int:
        number, session = item
        path = f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result"
        if number % 3 == 0:
            return http.post(path, json={"outcome": "double_forfeit"}).status_code
        winner = session["participants"][0]["player_id"]
        return http.post(path, json={"winner_id": winner}).status_code

    with ThreadPoolExecutor(parallel) as pool:
        statuses = list(pool.map(post, enumerate(ready)))
    assert statuses == [200] * len(ready)


def _bracket(http: httpx.Client, tournament_id: int) -> list[tuple]:
    """What the bracket says, without ids and times: status, players, outcome, winner."""
    names = {}
    for s in all_sessions(http, tournament_id):
        for p in s["participants"] or []:
            if p:
                names[p["player_id"]] = p["name"]
    shape = []
    for s in all_sessions(http, tournament_id):
        players = tuple(p and p["name"] for p in s["participants"] or [])
        result = s["result"]
        winner = result and result["winner_id"] and names[result["winner_id"]]
        shape.append(
            (s["round"], s["number"], s["status"], players, result and result["outcome"], winner)
        )
    return shape


def test_results_and_double_forfeits_at_once_end_as_one_at_a_time(
    live_server: httpx.Client,
) -> None:
    """Plain results share the tournament's lock; double forfeits (which leave walkovers to
    settle) take it alone. Played 16 at once, the bracket must end exactly as it does with
    one result at a time, every walkover settled."""
    brackets = []
    for parallel in (PARALLEL, 1):
        tournament_id = closed_tournament(live_server, 32)
        generate_now(live_server, tournament_id)
        _decide_first_round(live_server, tournament_id, parallel)
        brackets.append(_bracket(live_server, tournament_id))
    concurrent, serial = brackets
    assert concurrent == serial
    second_round = [row for row in serial if row[0] == 2]
    walkovers = [row for row in second_round if row[2] == "completed"]
    assert walkovers, "a double forfeit next to a win must leave a settled walkover"
    assert all(row[2] in ("completed", "ready") for row in second_round)


def test_the_last_results_of_a_swiss_round_at_once_add_the_next_round_once(
    live_server: httpx.Client,
) -> None:
    """In a format that grows, the result that completes a round appends the next: with every
    result of a round posted at once, exactly one of them may see the round complete."""
    tournament_id = closed_tournament(live_server, 16, tournament_format="swiss", rounds=3)
    generate_now(live_server, tournament_id)
    for round_ in (1, 2):
        playing = [s for s in all_sessions(live_server, tournament_id) if s["round"] == round_]
        assert len(playing) == 8

        def post(session: dict) -> int:
            path = f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result"
            winner = session["participants"][0]["player_id"]
            return live_server.post(path, json={"winner_id": winner}).status_code

        with ThreadPoolExecutor(PARALLEL) as pool:
            assert list(pool.map(post, playing)) == [200] * 8
        rounds = [s["round"] for s in all_sessions(live_server, tournament_id)]
        assert rounds.count(round_ + 1) == 8, (
            f"round {round_ + 1} added {rounds.count(round_ + 1) // 8} times"
        )


def test_two_batches_of_the_same_results_in_opposite_orders_never_deadlock(
    live_server: httpx.Client,
) -> None:
    """Batches lock their matches in id order: one of two overlapping batches wins whole,
    the other gets 409 (never a deadlock's 500, never half of each)."""
    for _ in range(4):
        tournament_id = closed_tournament(live_server, 16)
        generate_now(live_server, tournament_id)
        first = [s for s in all_sessions(live_server, tournament_id) if s["round"] == 1]
        forward = [
            {"session_id": s["id"], "winner_id": s["participants"][i % 2]["player_id"]}
            for i, s in enumerate(first)
        ]
        path = f"{API}/tournaments/{tournament_id}/results"

        def post(batch: list[dict], path: str = path) -> int:
            return live_server.post(path, json={"results": batch}).status_code

        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(post, [forward, forward[::-1]]))
        assert statuses == [200, 409]
        decided = [s for s in all_sessions(live_server, tournament_id) if s["round"] == 1]
        assert all(s["status"] == "completed" for s in decided)
