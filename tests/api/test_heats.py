"""Free-for-all heats through the HTTP API: options, measured results, rounds, corrections.

Players are enrolled with descending ratings, so player ``Pi`` is seed i.
"""

from __future__ import annotations

import math

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_rankings,
    all_sessions,
    assert_error,
    closed_tournament,
    generate_now,
)

TIMES = {"direction": "lower", "heat_size": 4, "advance": 2}


def heat_result(http: httpx.Client, tournament_id: int, heat: dict, method: str = "POST", **body):
    return http.request(
        method, f"{API}/tournaments/{tournament_id}/sessions/{heat['id']}/heat-result", json=body
    )


def times_by_lane(heat: dict, base: float = 10.0) -> list[dict]:
    """Lane 1 fastest: lane l runs ``base + l`` seconds."""
    return [{"player_id": e["player_id"], "attempts": [base + e["lane"]]} for e in heat["entries"]]


@pytest.mark.parametrize(
    ("config", "field", "fragment"),
    [
        ({}, "config.direction", "required"),
        ({"direction": "faster"}, "config.direction", ""),
        ({"direction": "lower", "heat_size": 1}, "config.heat_size", "2"),
        ({"direction": "lower", "heat_size": 4, "advance": 4}, "config.advance", "below"),
        ({"direction": "lower", "heat_size": None, "advance": 1}, "config.advance", "one heat"),
        ({"direction": "lower", "attempts": 11}, "config.attempts", "10"),
        # lanes are stored as int16: a larger heat used to wrap its lanes around silently
        ({"direction": "lower", "heat_size": 40_000}, "config.heat_size", "32767"),
        (
            {"direction": "lower", "heat_size": None, "max_players": 40_000},
            "config.heat_size",
            "at most 32767",
        ),
    ],
)
def test_heats_options_are_validated(
    client: TestClient, config: dict, field: str, fragment: str
) -> None:
    answer = client.post(
        f"{API}/tournaments", json={"name": "Race", "format": "heats", "config": config}
    )
    assert_error(answer, 422, fragment, field=field)


@pytest.mark.parametrize("players", [6, 9, 40])
def test_heats_lifecycle_by_simulation(client: TestClient, players: int) -> None:
    tournament_id = closed_tournament(client, players, tournament_format="heats", **TIMES)
    generated = generate_now(client, tournament_id)
    assert generated["sessions_count"] == math.ceil(players / 4)
    answer = client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 2})
    assert answer.status_code == 200, answer.text
    sessions = all_sessions(client, tournament_id)
    assert all(s["side"] == "heat" and s["result"]["outcome"] == "placed" for s in sessions)
    rounds = max(s["round"] for s in sessions)
    final = [s for s in sessions if s["round"] == rounds]
    assert len(final) == 1
    for round_ in range(1, rounds):
        heats = [s for s in sessions if s["round"] == round_]
        going_on = {e["player_id"] for h in heats for e in h["entries"] if e["place"] <= 2}
        next_players = {
            e["player_id"] for s in sessions if s["round"] == round_ + 1 for e in s["entries"]
        }
        assert next_players == going_on
    assert client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings").status_code == 200
    assert client.post(f"{API}/tournaments/{tournament_id}/complete").status_code == 200
    rankings = all_rankings(client, tournament_id)
    assert len(rankings) == players
    winner = min(final[0]["entries"], key=lambda e: e["value"])
    assert rankings[0]["player_id"] == winner["player_id"] and rankings[0]["rank"] == 1
    assert rankings[0]["tiebreaks"]["best_value"] == winner["value"]


def test_a_heat_result_places_the_players_and_deals_the_next_round(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 8, tournament_format="heats", **TIMES)
    generate_now(client, tournament_id)
    heats = all_sessions(client, tournament_id)
    assert [len(h["entries"]) for h in heats] == [4, 4]
    assert all(h["status"] == "ready" for h in heats)
    first = heats[0]
    entries = times_by_lane(first)
    entries[-1]["attempts"] = []  # the last lane did not finish
    answer = heat_result(client, tournament_id, first, entries=entries)
    assert answer.status_code == 200, answer.text
    placed = answer.json()["entries"]
    assert [e["place"] for e in placed] == [1, 2, 3, 4]
    assert placed[-1]["value"] is None and placed[0]["attempts"] == [11.0]
    assert len(all_sessions(client, tournament_id)) == 2  # round 2 waits for the other heat
    heat_result(client, tournament_id, heats[1], entries=times_by_lane(heats[1], base=20.0))
    final = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    assert len(final) == 1
    expected = {e["player_id"] for h in heats for e in h["entries"] if e["lane"] <= 2}
    assert {e["player_id"] for e in final[0]["entries"]} == expected


def test_bad_heat_results_are_refused(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 8, tournament_format="heats", **TIMES)
    generate_now(client, tournament_id)
    heat = all_sessions(client, tournament_id)[0]
    entries = times_by_lane(heat)
    stranger = [*entries[:-1], {"player_id": 99_999, "attempts": [1.0]}]
    assert_error(
        heat_result(client, tournament_id, heat, entries=stranger),
        422,
        "does not run",
        field="entries.3.player_id",
    )
    twice = [*entries[:-1], entries[0]]
    assert_error(
        heat_result(client, tournament_id, heat, entries=twice),
        422,
        "twice",
        field="entries.3.player_id",
    )
    assert_error(
        heat_result(client, tournament_id, heat, entries=entries[:-1]),
        422,
        "missing",
        field="entries",
    )
    too_many = [{**entries[0], "attempts": [1.0, 2.0]}, *entries[1:]]
    assert_error(
        heat_result(client, tournament_id, heat, entries=too_many),
        422,
        "at most 1 attempts",
        field="entries.0.attempts",
    )
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{heat['id']}/result",
        json={"outcome": "win", "score_a": 1, "score_b": 0},
    )
    assert_error(answer, 409, "heat-result")
    assert all(s["result"] is None for s in all_sessions(client, tournament_id))


def test_heat_result_on_a_one_on_one_format_is_refused(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    session = all_sessions(client, tournament_id)[0]
    answer = heat_result(
        client, tournament_id, session, entries=[{"player_id": 1, "attempts": [1.0]}]
    )
    assert_error(answer, 409, "no heats")


def test_correcting_a_heat_deals_the_next_round_again(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 8, tournament_format="heats", **TIMES)
    generate_now(client, tournament_id)
    heats = all_sessions(client, tournament_id)
    for heat in heats:
        heat_result(client, tournament_id, heat, entries=times_by_lane(heat))
    final = next(s for s in all_sessions(client, tournament_id) if s["round"] == 2)
    reversed_times = [
        {"player_id": e["player_id"], "attempts": [20.0 - e["lane"]]} for e in heats[0]["entries"]
    ]
    answer = heat_result(client, tournament_id, heats[0], "PUT", entries=reversed_times)
    assert answer.status_code == 200, answer.text
    again = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    assert len(again) == 1
    lanes_3_4 = {e["player_id"] for e in heats[0]["entries"] if e["lane"] >= 3}
    assert lanes_3_4 <= {e["player_id"] for e in again[0]["entries"]}
    assert not lanes_3_4 & {e["player_id"] for e in final["entries"]}

    heat_result(client, tournament_id, again[0], entries=times_by_lane(again[0]))
    answer = heat_result(client, tournament_id, heats[0], "PUT", entries=times_by_lane(heats[0]))
    assert_error(answer, 409, str(again[0]["id"]), field="force")
    answer = heat_result(
        client, tournament_id, heats[0], "PUT", entries=times_by_lane(heats[0]), force=True
    )
    assert answer.status_code == 200, answer.text
    assert len([s for s in all_sessions(client, tournament_id) if s["round"] == 2]) == 1


def test_rankings_with_a_did_not_finish_have_no_value(client: TestClient) -> None:
    tournament_id = closed_tournament(
        client, 4, tournament_format="heats", direction="lower", heat_size=None
    )
    generate_now(client, tournament_id)
    heat = all_sessions(client, tournament_id)[0]
    entries = times_by_lane(heat)
    entries[-1]["attempts"] = []
    assert heat_result(client, tournament_id, heat, entries=entries).status_code == 200
    assert client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings").status_code == 200
    rankings = all_rankings(client, tournament_id)
    last = rankings[-1]
    assert last["player_id"] == entries[-1]["player_id"] and last["rank"] == 4
    assert last["tiebreaks"]["best_value"] is None


def test_higher_is_better_places_the_largest_value_first(client: TestClient) -> None:
    tournament_id = closed_tournament(
        client, 3, tournament_format="heats", direction="higher", heat_size=None
    )
    generate_now(client, tournament_id)
    heat = all_sessions(client, tournament_id)[0]
    entries = times_by_lane(heat)  # lane l scores 10 + l: lane 3 is best when higher wins
    answer = heat_result(client, tournament_id, heat, entries=entries)
    assert answer.status_code == 200, answer.text
    assert [(e["lane"], e["place"]) for e in answer.json()["entries"]] == [(1, 3), (2, 2), (3, 1)]
