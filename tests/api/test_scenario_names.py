"""run-scenario takes ``format`` like POST /tournaments (``tournament_format`` still works) and
names its tournaments for people: format label, player count, day month time (UTC)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bracketry.schemas.catalog import format_label
from tests.api.helpers import API, assert_error, get_tournament

LAUNCH = f"{API}/tournaments/ops/run-scenario"
READABLE = re.compile(
    r"^(?P<label>.+) · (?P<count>[\d,]+) players · \d{1,2} [A-Z][a-z]{2} \d\d:\d\d$"
)


def launch(client: TestClient, **body: object) -> dict:
    answer = client.post(LAUNCH, json={"simulation_mode": "manual", **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_format_is_taken_and_the_tournament_gets_a_readable_name(client: TestClient) -> None:
    launched = launch(client, player_count=12, format="swiss")
    tournament = get_tournament(client, launched["tournament_id"])
    assert tournament["format"] == "swiss"
    named = READABLE.match(tournament["name"])
    assert named, tournament["name"]
    assert named["label"] == format_label("swiss") and named["count"] == "12"


def test_large_counts_get_a_thousands_separator(client: TestClient) -> None:
    launched = launch(client, player_count=1024, confirmed=True, format="knockout")
    name = get_tournament(client, launched["tournament_id"])["name"]
    assert name.startswith(f"{format_label('knockout')} · 1,024 players · "), name


def test_the_older_name_tournament_format_is_still_accepted(client: TestClient) -> None:
    launched = launch(client, player_count=8, tournament_format="round_robin")
    assert get_tournament(client, launched["tournament_id"])["format"] == "round_robin"
    same = launch(client, player_count=8, format="heats", tournament_format="heats")
    assert get_tournament(client, same["tournament_id"])["format"] == "heats"


def test_two_different_formats_are_refused_naming_both(client: TestClient) -> None:
    answer = client.post(
        LAUNCH, json={"player_count": 8, "format": "swiss", "tournament_format": "knockout"}
    )
    assert_error(answer, 422, "format", "tournament_format")


def test_an_unknown_format_is_refused_naming_the_field(client: TestClient) -> None:
    answer = client.post(LAUNCH, json={"player_count": 8, "format": "ladder"})
    assert_error(answer, 422, "knockout", field="format")


def test_the_schema_documents_format(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ScenarioCreate"]
    assert "format" in schema["properties"]
    assert "tournament_format" not in schema["properties"]


def test_a_dry_run_says_what_it_would_create_in_words(client: TestClient) -> None:
    answer = launch(client, player_count=2048, confirmed=True, format="swiss", dry_run=True)
    assert answer["tournament_id"] is None
    assert "Swiss" in answer["message"] and "2048 players" in answer["message"]
