"""CSV import: a good file enrolls everyone; any bad row is reported and nothing is written."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.accounts_helpers import as_user
from tests.api.helpers import (
    API,
    assert_error,
    close_enrollment,
    create_open_tournament,
    enroll_players,
    get_tournament,
    player_ids_by_name,
)

CSV = {"Content-Type": "text/csv"}


def post_csv(
    http: httpx.Client, tournament_id: int, text: str | bytes, **headers: str
) -> httpx.Response:
    body = text.encode() if isinstance(text, str) else text
    return http.post(
        f"{API}/tournaments/{tournament_id}/enrollments/import",
        content=body,
        headers={**CSV, **headers},
    )


def listed(http: httpx.Client, tournament_id: int) -> list[dict]:
    answer = http.get(f"{API}/tournaments/{tournament_id}/enrollments", params={"limit": 1000})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def players(client: TestClient) -> list[tuple]:
    """Every stored player: (id, name, rating, club, external_id)."""
    database = client.app.state.context.database  # type: ignore[attr-defined]
    with database.read() as db:
        sql = "SELECT id, name, rating, club, external_id FROM players ORDER BY id"
        return [tuple(row) for row in db.connection().exec_driver_sql(sql).all()]


@pytest.fixture
def open_cup(client: TestClient) -> int:
    """An open knockout for 8 with two players already enrolled."""
    tournament_id = create_open_tournament(client, max_players=8)
    enroll_players(client, tournament_id, 2)
    return tournament_id


def refused(client: TestClient, tournament_id: int, answer: httpx.Response, status: int) -> dict:
    """Check the refusal and that nothing was written; returns the error body."""
    body = assert_error(answer, status)
    assert get_tournament(client, tournament_id)["enrolled_count"] == 2
    assert len(players(client)) == 2
    return body


# --- good files ------------------------------------------------------------------------------


def test_a_good_file_enrolls_everyone_with_every_column(client: TestClient, open_cup: int) -> None:
    text = (
        "Seed,NAME,club,External_Id,rating\n"
        "1,Ada,Chess Club,ext-1,2100.5\n"
        ",Bob,,,\n"
        '3,"Lovelace, Jr.",Analytical,ext-3,1500\n'
    )
    answer = post_csv(client, open_cup, text)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["enrolled"] == 3
    assert body["enrolled_count"] == 5
    first = body["first_player_id"]
    by_name = {item["name"]: item for item in listed(client, open_cup)}
    assert by_name["Ada"]["player_id"] == first
    assert (by_name["Ada"]["rating"], by_name["Ada"]["requested_seed"]) == (2100.5, 1)
    assert (by_name["Bob"]["rating"], by_name["Bob"]["requested_seed"]) == (None, None)
    assert by_name["Lovelace, Jr."]["requested_seed"] == 3
    assert players(client)[2:] == [
        (first, "Ada", 2100.5, "Chess Club", "ext-1"),
        (first + 1, "Bob", None, None, None),
        (first + 2, "Lovelace, Jr.", 1500.0, "Analytical", "ext-3"),
    ]


def test_bom_crlf_and_blank_lines_are_fine(client: TestClient, open_cup: int) -> None:
    text = "\ufeffname,rating\r\n\r\nAda,1800\r\n,\r\n\r\nBob,1700\r\n\r\n"
    answer = post_csv(client, open_cup, text, **{"Content-Type": "text/csv; charset=utf-8"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["enrolled"] == 2
    assert [row[1:3] for row in players(client)[2:]] == [("Ada", 1800.0), ("Bob", 1700.0)]


def test_only_the_name_column_is_required(client: TestClient, open_cup: int) -> None:
    answer = post_csv(client, open_cup, "name\nAda\nBob\n")
    assert answer.status_code == 201, answer.text
    assert answer.json()["enrolled_count"] == 4


# --- bad rows: every one reported, nothing written ------------------------------------------

BAD_ROWS = [
    ("Ada,abc,,,", "rating", "'abc' is not a number"),
    ("Ada,10001,,,", "rating", "not between 0 and 10000"),
    ("Ada,nan,,,", "rating", "not between"),
    (",1500,,,", "name", "name is required"),
    ("Ada,,,,x", "seed", "'x' is not a whole number"),
    ("Ada,,,,2.5", "seed", "not a whole number"),
    ("Ada,,,,0", "seed", "not between 1 and"),
    ("Ada,,,,9", "seed", "seed 9 is above max_players 8"),
    (f"Ada,,{'c' * 201},,", "club", "longer than 200 characters"),
    (f"Ada,,,{'e' * 101},", "external_id", "longer than 100 characters"),
    (f"{'n' * 201},,,,", "name", "longer than 200 characters"),
    ("Ada,1500,,", "csv", "has 4 values, the header has 5"),
]


@pytest.mark.parametrize(("row", "field", "message"), BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_written(
    client: TestClient, open_cup: int, row: str, field: str, message: str
) -> None:
    text = f"name,rating,club,external_id,seed\nGood,1200,,,\n\n{row}\n"
    body = refused(client, open_cup, post_csv(client, open_cup, text), 422)
    assert body["field"] == "csv"
    assert "1 of 2 rows have errors" in body["detail"]
    [error] = body["errors"]
    assert (error["row"], error["field"]) == (4, field)
    assert message in error["message"]


def test_duplicates_in_the_file_name_the_first_row(client: TestClient, open_cup: int) -> None:
    text = "name,external_id,seed\nA,x1,1\nB,x2,2\nC,x1,1\nD,x3,2\n"
    body = refused(client, open_cup, post_csv(client, open_cup, text), 422)
    assert body["errors"] == [
        {"row": 4, "field": "external_id", "message": "external_id x1 is also on row 2"},
        {"row": 4, "field": "seed", "message": "seed 1 is also on row 2"},
        {"row": 5, "field": "seed", "message": "seed 2 is also on row 3"},
    ]
    assert "2 of 4 rows have errors" in body["detail"]


def test_every_bad_row_is_listed_up_to_100(client: TestClient, open_cup: int) -> None:
    text = "name,rating\n" + "".join(f"P{i},bad\n" for i in range(150)) + "Fine,1\n"
    body = refused(client, open_cup, post_csv(client, open_cup, text), 422)
    assert len(body["errors"]) == 100
    assert [e["row"] for e in body["errors"]] == list(range(2, 102))
    assert "150 of 151 rows" in body["detail"] and "50 more" in body["detail"]


def test_a_seed_an_enrolled_player_holds_is_a_conflict(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    seeded = {"players": [{"name": "A", "seed": 1}, {"name": "B", "seed": 2}]}
    assert client.post(f"{API}/tournaments/{tournament_id}/enrollments", json=seeded).is_success
    answer = post_csv(client, tournament_id, "name,seed\nC,2\n")
    refused(client, tournament_id, answer, 409)


def test_more_players_than_capacity_is_a_conflict(client: TestClient, open_cup: int) -> None:
    text = "name\n" + "".join(f"New{i}\n" for i in range(7))
    body = refused(client, open_cup, post_csv(client, open_cup, text), 409)
    assert "max_players 8" in body["detail"]


# --- bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("name,rating,team,elo\nAda,1,x,2\n", ("unknown columns team, elo", "name, rating")),
        ("rating,seed\n1500,1\n", ("required column name is missing",)),
        ("name,Name\nA,B\n", ("column name appears twice",)),
        ("name,rating\n", ("header but no rows",)),
        ("name,rating\n\n\n", ("header but no rows",)),
        ("", ("the file is empty",)),
        ("\ufeff\n\n", ("the file is empty",)),
        ("name\n" + "a\n" * 100_001, ("more than 100,000 rows",)),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(
    client: TestClient, open_cup: int, text: str, fragments: tuple[str, ...]
) -> None:
    body = refused(client, open_cup, post_csv(client, open_cup, text), 422)
    assert body["field"] == "csv"
    for fragment in fragments:
        assert fragment in body["detail"]


def test_a_file_that_is_not_utf8_is_refused(client: TestClient, open_cup: int) -> None:
    answer = post_csv(client, open_cup, "name\nAda\nJos\xe9\n".encode("latin-1"))
    body = refused(client, open_cup, answer, 422)
    assert "not UTF-8 (line 3)" in body["detail"]


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "", "text/csv; charset=latin-1"]
)
def test_a_body_that_is_not_declared_csv_is_refused(
    client: TestClient, open_cup: int, content_type: str
) -> None:
    answer = post_csv(client, open_cup, "name\nAda\n", **{"Content-Type": content_type})
    body = refused(client, open_cup, answer, 415)
    assert body["field"] == "content-type"
    assert "text/csv" in body["detail"] or "UTF-8" in body["detail"]


def test_an_oversized_body_is_refused(client: TestClient, open_cup: int) -> None:
    text = "name\n" + "x" * (20 * 1024 * 1024)
    body = refused(client, open_cup, post_csv(client, open_cup, text), 413)
    assert "20 MB" in body["detail"]


# --- who and when ----------------------------------------------------------------------------


def test_only_the_admin_may_import(client: TestClient, open_cup: int) -> None:
    answer = post_csv(client, open_cup, "name\nAda\n", Authorization="Bearer wrong")
    refused(client, open_cup, answer, 401)


def test_a_closed_enrollment_refuses_the_import(client: TestClient, open_cup: int) -> None:
    close_enrollment(client, open_cup)
    body = refused(client, open_cup, post_csv(client, open_cup, "name\nAda\n"), 409)
    assert "ENROLLMENT_CLOSED" in body["detail"]


def test_an_unknown_tournament_is_not_found(client: TestClient) -> None:
    assert_error(post_csv(client, 999, "name\nAda\n"), 404, "tournament 999", field="tournament_id")


# --- preview ---------------------------------------------------------------------------------


def preview(http: httpx.Client, tournament_id: int, text: str, **headers: str) -> httpx.Response:
    return http.post(
        f"{API}/tournaments/{tournament_id}/enrollments/import/preview",
        content=text.encode(),
        headers={**CSV, **headers},
    )


def audit_total(client: TestClient, tournament_id: int) -> int:
    answer = client.get(f"{API}/tournaments/{tournament_id}/audit", params={"limit": 1})
    assert answer.status_code == 200, answer.text
    return answer.json()["total"]


MIXED = "name,rating,seed\nP1,1500,\nAda,strong,\nBob,1900,\n,100,\nCleo,1800,99\n"
"""Line 2 is enrolled already, lines 3, 5 and 6 are bad, line 4 is a new player."""


def test_a_preview_lists_every_bad_row_and_every_skip_and_writes_nothing(
    client: TestClient, open_cup: int
) -> None:
    logged = audit_total(client, open_cup)
    answer = preview(client, open_cup, MIXED)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["rows"], body["new_players"], body["bad_rows"]) == (5, 1, 3)
    assert body["error_count"] == 3
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (3, "rating"),
        (5, "name"),
        (6, "seed"),
    ]
    assert "'strong' is not a number" in body["errors"][0]["message"]
    assert body["skipped_count"] == 1
    (skip,) = body["skipped"]
    assert (skip["row"], skip["name"]) == (2, "P1")
    assert skip["reason"].startswith("already enrolled: same name as player")
    assert get_tournament(client, open_cup)["enrolled_count"] == 2
    assert len(players(client)) == 2
    assert audit_total(client, open_cup) == logged
    imported = post_csv(client, open_cup, MIXED)  # the import agrees: these rows are bad
    assert [(e["row"], e["field"]) for e in refused(client, open_cup, imported, 422)["errors"]] == [
        (3, "rating"),
        (5, "name"),
        (6, "seed"),
    ]


def test_a_good_file_imports_what_its_preview_said(client: TestClient, open_cup: int) -> None:
    text = "name,club,seed\nP2,,\nAda,Analytical,1\nBob,,\n"
    said = preview(client, open_cup, text).json()
    assert (said["new_players"], said["skipped_count"], said["errors"]) == (2, 1, [])
    imported = post_csv(client, open_cup, text)
    assert imported.status_code == 201, imported.text
    done = imported.json()
    assert (done["enrolled"], done["skipped_count"]) == (said["new_players"], 1)
    assert done["skipped"] == said["skipped"]
    again = preview(client, open_cup, text).json()
    assert (again["new_players"], again["skipped_count"]) == (0, 3)


def test_a_preview_refuses_what_the_import_refuses_as_a_whole(
    client: TestClient, open_cup: int
) -> None:
    too_many = "name\n" + "".join(f"N{i}\n" for i in range(7))
    assert_error(preview(client, open_cup, too_many), 409, "max_players 8", field="players")
    first = player_ids_by_name(client, open_cup)["P1"]
    client.patch(f"{API}/tournaments/{open_cup}/enrollments/{first}", json={"seed": 1})
    taken = preview(client, open_cup, "name,seed\nAda,1\n")
    assert_error(taken, 409, "seed 1 is already held", field="seed")
    assert_error(preview(client, open_cup, "nom\nAda\n"), 422, "unknown column nom", field="csv")
    not_csv = preview(client, open_cup, "name\nAda\n", **{"Content-Type": "application/json"})
    assert_error(not_csv, 415, field="content-type")
    close_enrollment(client, open_cup)
    assert_error(preview(client, open_cup, "name\nAda\n"), 409, "ENROLLMENT_CLOSED")
    assert_error(preview(client, 999, "name\nAda\n"), 404, field="tournament_id")
    assert len(players(client)) == 2


def test_only_the_owner_may_preview(client: TestClient) -> None:
    _owner, owner = as_user(client, "preview-owner", "organizer")
    _other, other = as_user(client, "preview-other", "organizer")
    created = client.post(f"{API}/tournaments", json={"name": "Mine"}, headers=owner)
    tournament_id = created.json()["id"]
    change = {"status": "ENROLLMENT_OPEN"}
    client.post(f"{API}/tournaments/{tournament_id}/status", json=change, headers=owner)
    assert_error(preview(client, tournament_id, "name\nAda\n", **other), 403)
    assert_error(preview(client, tournament_id, "name\nAda\n", Authorization=""), 401)
    answer = preview(client, tournament_id, "name\nAda\n", **owner)
    assert answer.status_code == 200, answer.text
    assert answer.json()["new_players"] == 1
