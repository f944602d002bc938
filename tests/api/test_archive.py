"""A whole tournament as one JSON document: it imports back identically, for every format."""

from __future__ import annotations

import copy
import json
import math
from datetime import UTC, datetime, timedelta

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
    launch_scenario,
)

FORMATS = [
    ("knockout", 6, {}),
    ("double_elimination", 5, {"grand_final": "reset"}),
    ("round_robin", 5, {}),
    ("swiss", 7, {}),
    ("groups", 10, {"groups": 2}),
    ("heats", 9, {"direction": "higher", "heat_size": 4, "advance": 1}),
]
DAY_AFTER_TOMORROW = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
HALL = {
    "name": "Hall",
    "time_zone": "Europe/Paris",
    "fields": 2,
    "hours": [{"date": DAY_AFTER_TOMORROW, "opens": "09:00", "closes": "21:00"}],
}


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


def scheduled_tournament(client: TestClient) -> int:
    """A knockout of 6 with a venue, its sessions generated (and so timetabled) and one
    result recorded."""
    timing = {"match_minutes": 40, "break_minutes": 5, "rest_minutes": 10}
    tournament_id = closed_tournament(client, 6, timing=timing)
    added = client.post(f"{API}/tournaments/{tournament_id}/venues", json=HALL)
    assert added.status_code == 201, added.text
    generate_now(client, tournament_id)
    playable = [
        s
        for s in all_sessions(client, tournament_id)
        if s["result"] is None and all(s["participants"] or [None])
    ]
    first = playable[0]
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{first['id']}/result",
        json={"winner_id": first["participants"][0]["player_id"]},
    )
    assert answer.status_code == 200, answer.text
    return tournament_id


def timetable(client: TestClient, tournament_id: int) -> list[tuple]:
    """The schedule as (place in the bracket, times, venue name, field), without ids."""
    answer = client.get(f"{API}/tournaments/{tournament_id}/schedule", params={"limit": 5000})
    assert answer.status_code == 200, answer.text
    return [
        (
            (i["session"]["side"], i["session"]["round"], i["session"]["number"]),
            i["slot"]["starts_at"],
            i["slot"]["ends_at"],
            i["slot"]["venue"],
            i["slot"]["field"],
        )
        for i in answer.json()["items"]
    ]


def test_venues_and_the_timetable_import_back_identically(client: TestClient) -> None:
    tournament_id = scheduled_tournament(client)
    document = export(client, tournament_id)
    assert [v["name"] for v in document["venues"]] == ["Hall"]
    assert document["slots"] and all(s["venue"] == 0 for s in document["slots"])
    assert [s["match"] for s in document["slots"]] == sorted(
        {s["match"] for s in document["slots"]}
    )

    answer = import_(client, document)
    assert answer.status_code == 201, answer.text
    copy_id = answer.json()["id"]
    assert export(client, copy_id) == document
    schedule = timetable(client, tournament_id)
    assert len(schedule) == len(document["slots"])
    assert timetable(client, copy_id) == schedule
    venues = client.get(f"{API}/tournaments/{copy_id}/venues").json()
    assert [(v["name"], v["time_zone"], v["fields"]) for v in venues] == [
        ("Hall", "Europe/Paris", 2)
    ]
    # the copy's venues took ids the usual way: another venue can be added after them
    more = client.post(f"{API}/tournaments/{copy_id}/venues", json={**HALL, "name": "Annex"})
    assert more.status_code == 201, more.text
    assert timetable(client, tournament_id) == schedule  # the original is untouched


def test_a_document_without_venues_and_slots_still_imports(client: TestClient) -> None:
    document = export(client, scheduled_tournament(client))
    del document["venues"], document["slots"]
    answer = import_(client, document)
    assert answer.status_code == 201, answer.text
    copied = export(client, answer.json()["id"])
    assert copied["venues"] == [] and copied["slots"] == []
    assert timetable(client, answer.json()["id"]) == []


def test_bad_venues_and_slots_are_refused_and_nothing_is_written(client: TestClient) -> None:
    document = export(client, scheduled_tournament(client))
    before = client.get(f"{API}/tournaments").json()["total"]

    def refused(change: object, field: str, fragment: str = "") -> None:
        bad = copy.deepcopy(document)
        change(bad)  # type: ignore[operator]
        assert_error(import_(client, bad), 422, fragment, field=field)

    def slot(**values: object) -> object:
        return lambda d: d["slots"][0].update(values)

    refused(slot(venue=1), "slots.venue.0", "only 1 exist")
    refused(slot(match=len(document["matches"])), "slots.match.0")
    refused(slot(field=3), "slots.0.field", "field 3")
    refused(slot(field=0), "slots.0.field")
    refused(slot(ends_at=document["slots"][0]["starts_at"]), "slots.0.ends_at", "after")
    backwards = slot(starts_at="2030-01-01T10:00:00Z", ends_at="2030-01-01T09:00:00Z")
    refused(backwards, "slots.0.ends_at", "must be after starts_at")
    refused(slot(starts_at="2030-01-01T10:00:00"), "slots.0.starts_at")  # no UTC offset
    refused(
        lambda d: d["slots"][1].update(match=d["slots"][0]["match"]), "slots.1.match", "already"
    )
    refused(lambda d: d.update(venues=[]), "slots.venue.0", "only 0 exist")
    refused(
        lambda d: d["venues"][0].update(time_zone="Mars/Olympus"),
        "venues.0.time_zone",
        "unknown time zone",
    )
    refused(lambda d: d["venues"][0].update(fields=0), "venues.0.fields")
    refused(
        lambda d: d["venues"][0]["hours"].append(
            {"date": DAY_AFTER_TOMORROW, "opens": "20:00", "closes": "22:00"}
        ),
        "venues.0.hours",
        "overlap",
    )
    refused(lambda d: d["venues"][0].update(color="red"), "venues.0.color")
    assert client.get(f"{API}/tournaments").json()["total"] == before


def test_numbers_the_database_cannot_hold_are_refused(client: TestClient) -> None:
    """Out-of-range integers (a 500 on PostgreSQL, and on SQLite past 2**63) and non-finite
    floats (which JSON cannot answer with) are refused by field, nothing written."""
    tournament_id = launch_scenario(client, 8, tournament_format="heats")["tournament_id"]
    document = export(client, tournament_id)
    assert document["heat_entries"] and document["rankings"] and document["results"]
    before = client.get(f"{API}/tournaments").json()["total"]

    def refused(part: str, key: str, value: object, field: str = "") -> None:
        bad = copy.deepcopy(document)
        bad[part][0][key] = value
        body = json.dumps(bad)  # allows NaN and Infinity, as Python's JSON reader does
        answer = client.post(
            f"{API}/tournaments/import",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert_error(answer, 422, field=field or f"{part}.0.{key}")

    for part, key in (
        ("matches", "number"),
        ("players", "requested_seed"),
        ("results", "score_a"),
        ("rankings", "rank"),
        ("rankings", "wins"),
        ("rankings", "score_for"),
    ):
        refused(part, key, 2**31)
    for part, key in (("heat_entries", "lane"), ("rankings", "round_reached")):
        refused(part, key, 2**15)
    refused("results", "score_b", -1)
    refused("rankings", "points", math.nan)
    refused("heat_entries", "attempts", [math.inf], field="heat_entries.0.attempts.0")
    assert client.get(f"{API}/tournaments").json()["total"] == before
