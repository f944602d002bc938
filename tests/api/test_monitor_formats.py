"""The monitor snapshot of every format: its name, the stages and sides with sessions (each
with its last round) and the stages where a draw may be recorded, from an aggregate query
(no per-session work), on both backends."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from bracketry.schemas.formats import FORMAT_NAMES
from tests.api.helpers import API, closed_tournament, generate_now

CASES = [
    ("knockout", 8, {}, {(1, "main"): 3, (1, "third_place"): 3}, []),
    (
        "double_elimination",
        8,
        {},
        {(1, "main"): 3, (1, "losers"): 4, (1, "grand_final"): 1},
        [],
    ),
    ("round_robin", 5, {}, {(1, "main"): 5}, [1]),
    ("swiss", 8, {}, {(1, "main"): 1}, [1]),
    ("groups", 16, {}, {(1, "main"): 3}, [1]),
    ("heats", 20, {"direction": "lower", "advance": 2}, {(1, "heat"): 1}, []),
]


def snapshot(client: TestClient, tournament_id: int) -> dict:
    answer = client.get(f"{API}/tournaments/{tournament_id}/monitor")
    assert answer.status_code == 200, answer.text
    return answer.json()


def sides_of(snap: dict) -> dict[tuple[int, str], int]:
    return {(s["stage"], s["side"]): s["rounds"] for s in snap["sides"]}


def test_every_format_is_covered() -> None:
    assert {case[0] for case in CASES} == set(FORMAT_NAMES)


@pytest.mark.parametrize(("tournament_format", "players", "config", "sides", "draws"), CASES)
def test_snapshot_carries_the_format_and_its_sides(
    client: TestClient,
    tournament_format: str,
    players: int,
    config: dict,
    sides: dict[tuple[int, str], int],
    draws: list[int],
) -> None:
    tournament_id = closed_tournament(
        client, players, tournament_format=tournament_format, **config
    )
    before = snapshot(client, tournament_id)
    assert before["format"] == tournament_format
    assert (before["sides"], before["draw_stages"], before["rounds"]) == ([], [], 0)

    generate_now(client, tournament_id)
    after = snapshot(client, tournament_id)
    assert after["format"] == tournament_format
    assert sides_of(after) == sides
    assert after["rounds"] == max(sides.values())
    assert after["draw_stages"] == draws


@pytest.mark.parametrize(
    ("tournament_format", "players", "sides"),
    [
        ("swiss", 8, {(1, "main"): 3}),
        ("groups", 16, {(1, "main"): 3, (2, "main"): 3, (2, "third_place"): 3}),
    ],
)
def test_snapshot_follows_the_rounds_a_format_appends(
    client: TestClient, tournament_format: str, players: int, sides: dict
) -> None:
    tournament_id = closed_tournament(client, players, tournament_format=tournament_format)
    generate_now(client, tournament_id)
    played = client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 2})
    assert played.status_code == 200, played.text
    snap = snapshot(client, tournament_id)
    assert sides_of(snap) == sides
    assert snap["draw_stages"] == [1]  # groups: draws in the groups, not in the knockout


def test_event_stream_snapshots_carry_the_format(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format="round_robin")
    generate_now(client, tournament_id)
    client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 1})
    client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert client.post(f"{API}/tournaments/{tournament_id}/complete").status_code == 200
    # Completed: the stream sends one snapshot, then ends.
    stream = client.get(f"{API}/tournaments/{tournament_id}/events")
    assert stream.status_code == 200, stream.text
    data = next(
        line.removeprefix("data: ")
        for line in stream.text.splitlines()
        if line.startswith("data: {") and '"format"' in line
    )
    event = json.loads(data)
    assert event["format"] == "round_robin"
    assert event["draw_stages"] == [1]


def labels_of(snap: dict) -> dict[tuple[int, str], list[str]]:
    return {(s["stage"], s["side"]): s["labels"] for s in snap["sides"]}


@pytest.mark.parametrize(
    ("tournament_format", "players", "simulate", "expected"),
    [
        (
            "knockout",
            16,
            False,
            {
                (1, "main"): ["Round 1", "Quarter-final", "Semi-final", "Final"],
                (1, "third_place"): ["Third place"] * 4,
            },
        ),
        (
            "double_elimination",
            8,
            False,
            {
                (1, "main"): ["Winners round 1", "Winners round 2", "Winners final"],
                (1, "losers"): [
                    "Losers round 1",
                    "Losers round 2",
                    "Losers round 3",
                    "Losers final",
                ],
                (1, "grand_final"): ["Grand final"],
            },
        ),
        (
            "groups",
            16,
            True,
            {
                (1, "main"): ["Group round 1", "Group round 2", "Group round 3"],
                (2, "main"): ["Quarter-final", "Semi-final", "Final"],
                (2, "third_place"): ["Third place"] * 3,
            },
        ),
        ("round_robin", 4, False, {(1, "main"): ["Round 1", "Round 2", "Round 3"]}),
    ],
)
def test_snapshot_names_every_round(
    client: TestClient,
    tournament_format: str,
    players: int,
    simulate: bool,
    expected: dict[tuple[int, str], list[str]],
) -> None:
    """Rounds are named once, by the service: the last rounds of an elimination bracket,
    third place, double elimination's winners and losers rounds and its grand final."""
    tournament_id = closed_tournament(client, players, tournament_format=tournament_format)
    generate_now(client, tournament_id)
    if simulate:
        played = client.post(
            f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 2}
        )
        assert played.status_code == 200, played.text
    assert labels_of(snapshot(client, tournament_id)) == expected
