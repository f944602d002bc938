"""A whole tournament as one JSON document: it imports back identically, for every format."""

from __future__ import annotations

import copy

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_rankings,
    all_sessions,
    assert_error,
    closed_tournament,
    create_open_tournament,
    generate_now,
    get_tournament,
)

FORMATS = [
    ("knockout", 6, {}),
    ("double_elimination", 5, {"grand_final": "reset"}),
    ("round_robin", 5, {}),
    ("swiss", 7, {}),
    ("groups", 10, {"groups": 2}),
    ("heats", 9, {"direction": "higher", "heat_size": 4, "advance": 1}),
]


def export(http: httpx.Client, tournament_id: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}/export/tournament.json")
    assert answer.status_code == 200, answer.text
    return answer.json()


def import_(http: httpx.Client, document: dict) -> httpx.Response:
    return http.post(f"{API}/tournaments/import", json=document)


@pytest.mark.parametrize(("tournament_format", "players", "config"), FORMATS)
def test_a_finished_tournament_imports_back_identically(
    client: TestClient, tournament_format: str, players: int, config: dict
) -> None:
    tournament_id = closed_tournament(
        client, players, tournament_format=tournament_format, **config
    )
    generate_now(client, tournament_id)
    client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 5})
    client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert client.post(f"{API}/tournaments/{tournament_id}/complete").status_code == 200
    document = export(client, tournament_id)
    assert len(document["players"]) == players and document["rankings"]

    answer = import_(client, document)
    assert answer.status_code == 201, answer.text
    copy_id = answer.json()["id"]
    assert copy_id != tournament_id
    assert export(client, copy_id) == document
    original, imported = get_tournament(client, tournament_id), get_tournament(client, copy_id)
    for key in ("format", "config", "status", "enrolled_count", "matches"):
        assert imported[key] == original[key]
    names = [r["name"] for r in all_rankings(client, tournament_id)]
    assert [r["name"] for r in all_rankings(client, copy_id)] == names


def test_an_imported_tournament_in_progress_can_be_played_on(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    first = all_sessions(client, tournament_id)[0]
    winner = first["participants"][0]["player_id"]
    client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{first['id']}/result",
        json={"winner_id": winner},
    )
    answer = import_(client, export(client, tournament_id))
    assert answer.status_code == 201, answer.text
    copy_id = answer.json()["id"]
    assert get_tournament(client, copy_id)["status"] == "IN_PROGRESS"
    played = client.post(f"{API}/tournaments/{copy_id}/simulate-results", json={"seed": 1})
    assert played.status_code == 200, played.text
    assert played.json()["results_pct"] == 100.0
    assert get_tournament(client, tournament_id)["matches"]["completed"] == 1  # untouched


def test_bad_documents_are_refused_and_nothing_is_written(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    document = export(client, tournament_id)
    before = client.get(f"{API}/tournaments").json()["total"]

    def refused(change: object, field: str, fragment: str = "") -> None:
        bad = copy.deepcopy(document)
        change(bad)  # type: ignore[operator]
        assert_error(import_(client, bad), 422, fragment, field=field)

    refused(lambda d: d.update(bracketry=2), "bracketry")
    refused(lambda d: d["matches"][0].update(a=99), "matches.a.0", "99")
    refused(lambda d: d["matches"][0].update(winner_to=99), "matches.winner_to.0")
    refused(lambda d: d["matches"][0].update(side="middle"), "matches.0.side", "middle")
    refused(lambda d: d["tournament"].update(format="ladder"), "tournament.format")
    refused(
        lambda d: d["tournament"]["config"].update(third_place="maybe"),
        "tournament.config.third_place",
    )
    refused(lambda d: d.pop("players"), "players")
    assert client.get(f"{API}/tournaments").json()["total"] == before


def test_import_needs_the_admin_token(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 2)
    document = export(client, tournament_id)
    answer = client.post(
        f"{API}/tournaments/import", json=document, headers={"Authorization": "Bearer nope"}
    )
    assert answer.status_code == 401


def test_unknown_tournament_export_is_404(client: TestClient) -> None:
    assert_error(
        client.get(f"{API}/tournaments/999999/export/tournament.json"), 404, field="tournament_id"
    )


def test_clubs_and_external_ids_survive_the_round_trip(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    csv = "name,rating,club,external_id\nAda,2100,Queens,FIDE-1\nBob,1900,,FIDE-2\n"
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/enrollments/import",
        content=csv,
        headers={"Content-Type": "text/csv"},
    )
    assert answer.status_code == 201, answer.text
    document = export(client, tournament_id)
    assert [(p["club"], p["external_id"]) for p in document["players"]] == [
        ("Queens", "FIDE-1"),
        (None, "FIDE-2"),
    ]
    copied = import_(client, document)
    assert copied.status_code == 201, copied.text
    assert export(client, copied.json()["id"]) == document
