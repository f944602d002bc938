"""Correcting results: what resets downstream, when force is needed, Swiss re-pairing."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    closed_tournament,
    generate_now,
    player_ids_by_name,
    session_at,
)


def post_result(http: httpx.Client, tournament_id: int, session: dict, **result: object) -> dict:
    answer = http.post(
        f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result", json=result
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def put_result(http: httpx.Client, tournament_id: int, session: dict, **result: object):
    return http.put(
        f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result", json=result
    )


def players_of(session: dict) -> set[int]:
    return {p["player_id"] for p in session["participants"] or [] if p}


def four_player_knockout_played(client: TestClient) -> tuple[int, dict[str, int]]:
    """Seeds 1..4, every match won by the better seed."""
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    ids = player_ids_by_name(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    post_result(client, tournament_id, session_at(sessions, 1, 1), winner_id=ids["P1"])
    post_result(client, tournament_id, session_at(sessions, 1, 2), winner_id=ids["P2"])
    sessions = all_sessions(client, tournament_id)
    post_result(client, tournament_id, session_at(sessions, 2, 1), winner_id=ids["P1"])
    return tournament_id, ids


def test_changing_a_winner_needs_force_when_later_sessions_have_results(
    client: TestClient,
) -> None:
    tournament_id, ids = four_player_knockout_played(client)
    sessions = all_sessions(client, tournament_id)
    semi = session_at(sessions, 1, 1)
    final = session_at(sessions, 2, 1)
    answer = put_result(client, tournament_id, semi, winner_id=ids["P4"])
    assert_error(answer, 409, str(final["id"]), "force=true", field="force")
    assert all_sessions(client, tournament_id) == sessions  # nothing changed

    answer = put_result(client, tournament_id, semi, winner_id=ids["P4"], force=True)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    third = session_at(sessions, 2, 1, side="third_place")
    assert sorted(body["reset"]) == sorted([final["id"], third["id"]])
    assert body["removed"] == []
    assert body["session"]["result"]["winner_id"] == ids["P4"]
    after = all_sessions(client, tournament_id)
    new_final = session_at(after, 2, 1)
    assert new_final["result"] is None
    assert players_of(new_final) == {ids["P4"], ids["P2"]}
    assert players_of(session_at(after, 2, 1, side="third_place")) == {ids["P1"], ids["P3"]}


def test_changing_only_the_score_resets_nothing(client: TestClient) -> None:
    tournament_id, ids = four_player_knockout_played(client)
    semi = session_at(all_sessions(client, tournament_id), 1, 1)
    answer = put_result(client, tournament_id, semi, score_a=3, score_b=1)
    assert answer.status_code == 200, answer.text
    assert answer.json()["reset"] == []
    final = session_at(all_sessions(client, tournament_id), 2, 1)
    assert final["result"]["winner_id"] == ids["P1"]


def test_correction_refusals(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 3)
    generate_now(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    bye = next(s for s in sessions if s["result"] and s["result"]["outcome"] == "bye")
    assert_error(put_result(client, tournament_id, bye, winner_id=1), 409, "bye")
    open_ = next(s for s in sessions if s["status"] == "ready")
    assert_error(put_result(client, tournament_id, open_, score_a=1, score_b=0), 409, "no result")
    winner = next(iter(players_of(open_)))
    post_result(client, tournament_id, open_, winner_id=winner)
    stranger = max(player_ids_by_name(client, tournament_id).values()) + 1000
    answer = put_result(client, tournament_id, open_, winner_id=stranger)
    assert_error(answer, 422, "does not play", field="winner_id")
    answer = put_result(client, tournament_id, open_, winner_id=winner, force="yes")
    assert_error(answer, 422, field="force")


def test_swiss_round_not_started_is_paired_again(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format="swiss", rounds=2)
    generate_now(client, tournament_id)
    round_one = all_sessions(client, tournament_id)
    for session in round_one:
        post_result(client, tournament_id, session, score_a=1, score_b=0)
    old_round_two = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    assert len(old_round_two) == 2
    # P1 beat P3 and P2 beat P4: round two pairs the winners. Turn the first result round.
    first = round_one[0]
    answer = put_result(client, tournament_id, first, score_a=0, score_b=1)
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["removed"]) == sorted(s["id"] for s in old_round_two)
    new_round_two = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    assert len(new_round_two) == 2
    after = [s for s in all_sessions(client, tournament_id) if s["round"] == 1]
    winners = {s["result"]["winner_id"] for s in after}
    assert first["participants"][1]["player_id"] in winners
    assert winners in [players_of(s) for s in new_round_two]
    assert [players_of(s) for s in new_round_two] != [players_of(s) for s in old_round_two]


def test_swiss_round_started_needs_force(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format="swiss", rounds=2)
    generate_now(client, tournament_id)
    round_one = all_sessions(client, tournament_id)
    for session in round_one:
        post_result(client, tournament_id, session, score_a=1, score_b=0)
    round_two = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    post_result(client, tournament_id, round_two[0], score_a=2, score_b=0)
    answer = put_result(client, tournament_id, round_one[0], outcome="draw")
    assert_error(answer, 409, str(round_two[0]["id"]), field="force")
    answer = put_result(client, tournament_id, round_one[0], outcome="draw", force=True)
    assert answer.status_code == 200, answer.text
    rounds = [s["round"] for s in all_sessions(client, tournament_id)]
    assert rounds.count(2) == 2 and rounds.count(3) == 0


def test_a_double_forfeit_sends_nobody_on_and_the_next_opponent_walks_over(
    client: TestClient,
) -> None:
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    ids = player_ids_by_name(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    post_result(client, tournament_id, session_at(sessions, 1, 1), outcome="double_forfeit")
    waiting = all_sessions(client, tournament_id)
    assert session_at(waiting, 2, 1)["status"] == "locked"  # nobody known yet: 2 v 3 to play
    post_result(client, tournament_id, session_at(waiting, 1, 2), winner_id=ids["P2"])
    after = all_sessions(client, tournament_id)
    final = session_at(after, 2, 1)
    third = session_at(after, 2, 1, side="third_place")
    assert final["result"]["outcome"] == "bye" and final["result"]["source"] == "walkover"
    assert final["result"]["winner_id"] == ids["P2"]
    assert third["result"]["winner_id"] == ids["P3"]
    ranked = client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert ranked.status_code == 200, ranked.text
    assert client.post(f"{API}/tournaments/{tournament_id}/complete").status_code == 200
    rankings = {
        r["player_id"]: r["rank"]
        for r in client.get(f"{API}/tournaments/{tournament_id}/rankings").json()["items"]
    }
    # Nobody reached the final against P2, so P3 (third-place match) is next; both players
    # of the double forfeit are out in the semi-final and share the last place.
    assert rankings[ids["P2"]] == 1 and rankings[ids["P3"]] == 2
    assert rankings[ids["P1"]] == rankings[ids["P4"]] == 3


def test_simulation_plays_around_a_double_forfeit(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 16)
    generate_now(client, tournament_id)
    first = session_at(all_sessions(client, tournament_id), 1, 3)
    post_result(client, tournament_id, first, outcome="double_forfeit")
    answer = client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 1})
    assert answer.status_code == 200, answer.text
    assert answer.json()["results_pct"] == 100.0
    walkovers = [
        s for s in all_sessions(client, tournament_id) if s["result"]["source"] == "walkover"
    ]
    assert len(walkovers) == 1 and walkovers[0]["round"] == 2


def test_correcting_a_double_forfeit_undoes_the_walkover(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4, third_place=False)
    generate_now(client, tournament_id)
    ids = player_ids_by_name(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    semi = session_at(sessions, 1, 1)
    post_result(client, tournament_id, semi, outcome="double_forfeit")
    post_result(client, tournament_id, session_at(sessions, 1, 2), winner_id=ids["P2"])
    final = session_at(all_sessions(client, tournament_id), 2, 1)
    assert final["result"]["source"] == "walkover"
    # A walkover is nobody's reported result: undoing it needs no force.
    answer = put_result(client, tournament_id, semi, winner_id=ids["P1"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["reset"] == [final["id"]]
    final = session_at(all_sessions(client, tournament_id), 2, 1)
    assert final["result"] is None and final["status"] == "ready"
    assert players_of(final) == {ids["P1"], ids["P2"]}
