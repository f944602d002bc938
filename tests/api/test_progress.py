"""Progress counts the matches that are played or to play: byes and the walkovers a double
forfeit leaves behind are decided without play, so they never make a percentage."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_sessions,
    closed_tournament,
    generate_now,
    session_at,
)


def monitor(client: TestClient, tournament_id: int) -> dict:
    answer = client.get(f"{API}/tournaments/{tournament_id}/monitor")
    assert answer.status_code == 200, answer.text
    return answer.json()


def record(client: TestClient, tournament_id: int, session: dict, **body: object) -> None:
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result", json=body
    )
    assert answer.status_code == 200, answer.text


def test_byes_do_not_count_as_progress(client: TestClient) -> None:
    """Five players: eight matches, three of them byes; nothing played is 0 %, not 37.5 %."""
    tournament_id = closed_tournament(client, 5)
    generate_now(client, tournament_id)
    snap = monitor(client, tournament_id)
    assert snap["matches"]["total"] == 8 and snap["matches"]["completed"] == 3
    assert snap["played"]["total"] == 5 and snap["played"]["completed"] == 0
    assert snap["results_pct"] == 0.0

    first = session_at(all_sessions(client, tournament_id), 1, 2)
    record(client, tournament_id, first, score_a=3, score_b=1)
    snap = monitor(client, tournament_id)
    assert (snap["played"]["completed"], snap["results_pct"]) == (1, 20.0)


def test_walkovers_after_a_double_forfeit_do_not_count(client: TestClient) -> None:
    """Four players: a double forfeit leaves the final and third place to walkovers, so the
    two semi-finals are all there is to play, and both decided is 100 %."""
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    record(client, tournament_id, session_at(sessions, 1, 1), outcome="double_forfeit")
    assert monitor(client, tournament_id)["results_pct"] == 25.0  # one of four so far
    record(client, tournament_id, session_at(sessions, 1, 2), score_a=2, score_b=0)
    snap = monitor(client, tournament_id)
    assert snap["matches"]["completed"] == snap["matches"]["total"] == 4
    assert snap["played"] == {**snap["played"], "total": 2, "completed": 2}
    assert snap["results_pct"] == 100.0


def test_the_snapshot_names_the_round_in_play_of_each_stage(client: TestClient) -> None:
    """The round lists open on the first round with a match ready to play: the snapshot
    says which (the pages no longer read the ready matches to find out)."""
    tournament_id = closed_tournament(client, 8)
    assert monitor(client, tournament_id)["rounds_in_play"] == {}
    generate_now(client, tournament_id)
    assert monitor(client, tournament_id)["rounds_in_play"] == {"1": 1}
    for number in range(1, 5):
        first = session_at(all_sessions(client, tournament_id), 1, number)
        record(client, tournament_id, first, score_a=3, score_b=1)
    assert monitor(client, tournament_id)["rounds_in_play"] == {"1": 2}
