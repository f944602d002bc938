"""The rankings name the figures worth a column in their format, each once with a clear
heading: no second "Wins" in points formats, the groups' own wins told apart, no won-lost
or scores in a race of heats; and they are read a page at a time."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import API, closed_tournament, generate_now

CASES = [
    (
        "knockout",
        8,
        {},
        [
            ("round_reached", "Round reached"),
            ("record", "Won\u2013lost"),
            ("scores", "Scores for:against"),
        ],
    ),
    (
        "round_robin",
        5,
        {},
        [
            ("points", "Points"),
            ("wins", "Wins"),
            ("draws", "Draws"),
            ("losses", "Losses"),
            ("scores", "Scores for:against"),
            ("tiebreaks.head_to_head", "Head-to-head"),
            ("tiebreaks.score_difference", "Score difference"),
            ("tiebreaks.scores_for", "Scores made"),
            ("tiebreaks.seed", "Seed"),
        ],
    ),
    (
        "swiss",
        8,
        {},
        [
            ("points", "Points"),
            ("wins", "Wins"),
            ("draws", "Draws"),
            ("losses", "Losses"),
            ("scores", "Scores for:against"),
            ("tiebreaks.buchholz_cut1", "Buchholz cut 1"),
            ("tiebreaks.buchholz", "Buchholz"),
            ("tiebreaks.sonneborn_berger", "Sonneborn-Berger"),
            ("tiebreaks.progressive", "Progressive score"),
        ],
    ),
    (
        "heats",
        20,
        {"direction": "lower", "advance": 2},
        [
            ("round_reached", "Round reached"),
            ("wins", "Heats won"),
            ("tiebreaks.best_value", "Best result"),
            ("tiebreaks.heat_place", "Place in last heat"),
        ],
    ),
]


def ranked(client: TestClient, tournament_format: str, players: int, config: dict) -> int:
    """A generated tournament, played out and ranked."""
    tournament_id = closed_tournament(
        client, players, tournament_format=tournament_format, **config
    )
    generate_now(client, tournament_id)
    for step in ("simulate-results", "calculate-rankings"):
        answer = client.post(f"{API}/tournaments/{tournament_id}/{step}", json=None)
        assert answer.status_code == 200, answer.text
    return tournament_id


def rankings(client: TestClient, tournament_id: int, **params: int) -> dict:
    answer = client.get(f"{API}/tournaments/{tournament_id}/rankings", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize(("tournament_format", "players", "config", "expected"), CASES)
def test_each_format_names_its_own_figures_once(
    client: TestClient,
    tournament_format: str,
    players: int,
    config: dict,
    expected: list[tuple[str, str]],
) -> None:
    tournament_id = ranked(client, tournament_format, players, config)
    columns = rankings(client, tournament_id, limit=3)["columns"]
    assert [(c["key"], c["heading"]) for c in columns] == expected
    headings = [c["heading"] for c in columns]
    assert len(headings) == len(set(headings))


def test_groups_tell_the_groups_wins_from_all_wins(client: TestClient) -> None:
    """Wins counts every stage; the groups' tiebreak counts the group's wins only."""
    tournament_id = ranked(client, "groups", 16, {})
    page = rankings(client, tournament_id, limit=16)
    headings = {c["key"]: c["heading"] for c in page["columns"]}
    assert headings["wins"] == "Wins"
    assert headings["tiebreaks.wins"] == "Group wins"
    assert list(headings.values()).count("Wins") == 1
    assert [c["key"] for c in page["columns"]][:2] == ["points", "wins"]


def test_rankings_are_read_a_page_at_a_time(client: TestClient) -> None:
    tournament_id = ranked(client, "knockout", 8, {})
    first = rankings(client, tournament_id, limit=3)
    second = rankings(client, tournament_id, limit=3, offset=first["next_offset"])
    assert (first["total"], first["next_offset"], second["next_offset"]) == (8, 3, 6)
    ranks = [r["rank"] for r in first["items"] + second["items"]]
    assert ranks == sorted(ranks)
    assert second["columns"] == first["columns"]
