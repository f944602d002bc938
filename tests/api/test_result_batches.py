"""Several results in one request: recorded in order, all or none, each refusal named by its
place in the batch (both backends)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.helpers import API, all_sessions, assert_error, closed_tournament, generate_now


def knockout(client: TestClient, players: int = 8) -> tuple[int, list[dict]]:
    """A generated knockout and its first-round sessions."""
    tournament_id = closed_tournament(client, players)
    generate_now(client, tournament_id)
    first = [s for s in all_sessions(client, tournament_id) if s["round"] == 1]
    return tournament_id, first


def win_for_a(session: dict) -> dict:
    return {"session_id": session["id"], "winner_id": session["participants"][0]["player_id"]}


def test_a_batch_records_in_order_and_may_use_what_an_earlier_result_decided(
    client: TestClient,
) -> None:
    tournament_id, first = knockout(client)
    semi = first[0]["winner_to"]
    assert first[1]["winner_to"]["match_id"] == semi["match_id"]
    winners = [s["participants"][0]["player_id"] for s in first[:2]]
    batch = [win_for_a(s) for s in first]
    batch.append({"session_id": semi["match_id"], "score_a": 3, "score_b": 1})
    answer = client.post(f"{API}/tournaments/{tournament_id}/results", json={"results": batch})
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [i["id"] for i in items] == [b["session_id"] for b in batch]
    assert all(i["status"] == "completed" for i in items)
    assert [p["player_id"] for p in items[-1]["participants"]] == winners
    assert items[-1]["result"]["winner_id"] == winners[0]
    for item in items:  # the answer is what a fresh read says
        assert client.get(f"{API}/tournaments/{tournament_id}/sessions/{item['id']}").json() == item
    entry = client.get(f"{API}/tournaments/{tournament_id}/audit").json()["items"][0]
    assert entry["action"] == "POST /tournaments/{tournament_id}/results"
    # Each before is the session just before its own result: the semi-final was ready by then.
    assert [s["status"] for s in entry["before"]] == ["ready"] * 5
    assert entry["after"] == items


def test_a_double_forfeit_in_a_batch_settles_the_walkover(client: TestClient) -> None:
    tournament_id, first = knockout(client)
    batch = [{"session_id": first[0]["id"], "outcome": "double_forfeit"}, win_for_a(first[1])]
    answer = client.post(f"{API}/tournaments/{tournament_id}/results", json={"results": batch})
    assert answer.status_code == 200, answer.text
    semi = client.get(
        f"{API}/tournaments/{tournament_id}/sessions/{first[0]['winner_to']['match_id']}"
    ).json()
    assert semi["status"] == "completed"  # a walkover for the winner of the second match
    assert semi["result"]["winner_id"] == batch[1]["winner_id"]


def assert_nothing_recorded(client: TestClient, tournament_id: int) -> None:
    statuses = {s["status"] for s in all_sessions(client, tournament_id) if s["round"] == 1}
    assert statuses == {"ready"}


def test_a_bad_result_refuses_the_whole_batch_and_names_it(client: TestClient) -> None:
    tournament_id, first = knockout(client)
    path = f"{API}/tournaments/{tournament_id}/results"
    good = [win_for_a(s) for s in first[:2]]

    wrong_player = [*good, {"session_id": first[2]["id"], "winner_id": good[0]["winner_id"]}]
    error = assert_error(client.post(path, json={"results": wrong_player}), 422, "results[2]")
    assert error["field"] == "results[2].winner_id"
    assert_nothing_recorded(client, tournament_id)

    twice = [*good, good[0]]
    error = assert_error(client.post(path, json={"results": twice}), 422, "appears twice")
    assert error["field"] == "results[2].session_id"
    assert_nothing_recorded(client, tournament_id)

    unknown = [*good, {"session_id": 999_999, "winner_id": 1}]
    error = assert_error(client.post(path, json={"results": unknown}), 404, "results[2]")
    assert error["field"] == "results[2].session_id"
    assert_nothing_recorded(client, tournament_id)

    other_semi = first[2]["winner_to"]["match_id"]  # its players are not known yet
    assert other_semi != first[0]["winner_to"]["match_id"]
    not_ready = [*good, {"session_id": other_semi, "score_a": 1, "score_b": 0}]
    error = assert_error(client.post(path, json={"results": not_ready}), 409, "results[2]")
    assert_nothing_recorded(client, tournament_id)

    assert client.post(path, json={"results": good}).status_code == 200
    again = client.post(path, json={"results": good[:1]})
    assert_error(again, 409, "results[0]", "already has a result")

    assert_error(client.post(path, json={"results": []}), 422, field="results")
    too_many = [{"session_id": i + 1, "winner_id": 1} for i in range(1_001)]
    assert_error(client.post(path, json={"results": too_many}), 422, field="results")
    extra = [{**good[0], "note": "x"}]
    assert_error(client.post(path, json={"results": extra}), 422, field="results.0.note")
    assert_error(client.post(path, json={"result": good}), 422)
