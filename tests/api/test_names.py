"""Names cannot hold control characters: every name-like input refuses them with a 422 naming
the field, the same on SQLite and PostgreSQL (a NUL was a 500 on PostgreSQL), while real names
(accents, other scripts, apostrophes, hyphens, inner spaces) are taken as they are."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.accounts_helpers import PASSWORD, as_user
from tests.api.helpers import API, assert_error, create_open_tournament, player_ids_by_name

HALL = {
    "name": "Hall",
    "time_zone": "Europe/Paris",
    "fields": 2,
    "hours": [{"date": "2031-05-04", "opens": "09:00", "closes": "21:00"}],
}

BAD = {
    "NUL": "Ada\x00",
    "LF": "Ada\n001    9",
    "CR": "Ada\rBob",
    "CRLF": "Ada\r\nBob",
    "TAB": "Ada\tBob",
    "DEL": "Ada\x7f",
    "NEL (C1)": "Ada\x85Bob",
    "line separator": "Ada\u2028Bob",
}
REAL = [
    "José Álvarez",
    "Zoë Ødegård-Łukasz",
    "O'Brien",
    "Anne-Marie  de la Tour",
    "李小龍",
    "محمد بن سلمان",
    "Nguyễn Văn Ánh",
    "می\u200cخواهم",  # noqa: RUF001 (a zero-width non-joiner belongs to Persian spelling)
    "Ἀχιλλεύς",
    "=Cell -2 +3 @home",  # allowed in, neutralised by the CSV exports
]


def test_a_tournament_name_with_a_control_character_is_refused(client: TestClient) -> None:
    for kind, value in BAD.items():
        answer = client.post(f"{API}/tournaments", json={"name": value, "format": "knockout"})
        body = assert_error(answer, 422, "control character", field="name")
        assert f"U+{ord(value[3]):04X} at character 4" in body["detail"], kind
    assert client.get(f"{API}/tournaments").json()["total"] == 0


@pytest.mark.parametrize("value", [BAD["NUL"], BAD["LF"], BAD["TAB"]])
def test_player_and_venue_names_and_reasons_refuse_control_characters(
    client: TestClient, value: str
) -> None:
    tournament_id = create_open_tournament(client)
    enroll = f"{API}/tournaments/{tournament_id}/enrollments"
    assert_error(client.post(enroll, json={"name": value}), 422, field="name")
    batch = {"players": [{"name": "Ada"}, {"name": value}]}
    assert_error(client.post(enroll, json=batch), 422, "control", field="players.1.name")
    venue = {**HALL, "name": value}
    venues = f"{API}/tournaments/{tournament_id}/venues"
    assert_error(client.post(venues, json=venue), 422, "control", field="name")
    change = {"status": "CANCELLED", "reason": value}
    status = f"{API}/tournaments/{tournament_id}/status"
    assert_error(client.post(status, json=change), 422, "control", field="reason")
    assert client.get(enroll).json()["total"] == 0
    assert client.get(venues).json() == []


@pytest.mark.parametrize("value", [BAD["NUL"], BAD["CR"]])
def test_account_display_names_and_api_key_names_refuse_control_characters(
    client: TestClient, value: str
) -> None:
    registration = {"username": "newcomer", "password": PASSWORD, "name": value}
    answer = client.post(f"{API}/auth/register", json=registration, headers={"Authorization": ""})
    assert_error(answer, 422, "control", field="name")
    created = {"username": "made", "password": PASSWORD, "role": "player", "name": value}
    assert_error(client.post(f"{API}/users", json=created), 422, "control", field="name")
    _user, header = as_user(client, "keyholder", "organizer")
    key = client.post(f"{API}/auth/api-keys", json={"name": value}, headers=header)
    assert_error(key, 422, "control", field="name")
    assert client.get(f"{API}/auth/api-keys", headers=header).json() == []


@pytest.mark.parametrize("username", ["ad\x00min", "keyholder\x00", "key\nholder"])
def test_a_sign_in_name_with_a_control_character_is_refused_in_words(
    client: TestClient, username: str
) -> None:
    as_user(client, "keyholder", "organizer")
    answer = client.post(
        f"{API}/auth/token",
        data={"username": username, "password": PASSWORD},
        headers={"Authorization": ""},
    )
    assert answer.status_code in (401, 422), answer.text
    assert isinstance(answer.json()["detail"], str)


def test_real_names_are_taken_as_they_are(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/enrollments",
        json={"players": [{"name": name} for name in REAL]},
    )
    assert answer.status_code == 201, answer.text
    assert sorted(player_ids_by_name(client, tournament_id)) == sorted(REAL)
    for name in REAL[:3]:
        created = client.post(f"{API}/tournaments", json={"name": name})
        assert created.status_code == 201, created.text
        assert created.json()["name"] == name
        venues = f"{API}/tournaments/{tournament_id}/venues"
        venue = client.post(venues, json={**HALL, "name": name})
        assert venue.status_code == 201, venue.text
    registered = client.post(
        f"{API}/auth/register",
        json={"username": "jose", "password": PASSWORD, "name": REAL[0]},
        headers={"Authorization": ""},
    )
    assert registered.status_code == 201, registered.text


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ('"Ada\nBob",,,', "name"),
        ('"Ada\rBob",,,', "name"),
        ("Ada\tBob,,,", "name"),
        ("Ada,,Club\x7f,", "club"),
        ("Ada,,,I\x85D", "external_id"),
        ('Ada,,,"ID\r\n1"', "external_id"),
    ],
)
def test_csv_rows_with_control_characters_are_refused(
    client: TestClient, row: str, column: str
) -> None:
    tournament_id = create_open_tournament(client)
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/enrollments/import",
        content=f"name,rating,club,external_id\nZed,,,\n{row}\n".encode(),
        headers={"Content-Type": "text/csv"},
    )
    body = assert_error(answer, 422, "nothing was imported", field="csv")
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, column)]
    assert "control character" in body["errors"][0]["message"]
    assert client.get(f"{API}/tournaments/{tournament_id}/enrollments").json()["total"] == 0
