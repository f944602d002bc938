"""Exports hold whatever a stored name holds without forging lines or formulas: TRF keeps one
fixed-column line per player, iCalendar escapes and folds per RFC 5545, CSV text cells that a
spreadsheet would run as a formula start with ``'``. Names written before the name rule are
put straight into the database here, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from typing import Any

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import text

from bracketry.schemas.names import forbidden_at
from bracketry.service.exports import csv_cell
from tests.api.helpers import (
    API,
    all_sessions,
    closed_tournament,
    create_open_tournament,
    generate_now,
    player_ids_by_name,
)

FORGED_CUP = "Cup\r\n001 forged"
FORGED_PLAYER = "Eve\n001    9      Forged, Line                      2700"


def force(client: TestClient, sql: str, **params: Any) -> None:
    """Write straight into the database, as rows stored before the name rule were."""
    database = client.app.state.context.database  # type: ignore[attr-defined]
    with database.write() as db:
        db.execute(text(sql), params)


def rename_player(client: TestClient, player_id: int, name: str) -> None:
    force(client, "UPDATE players SET name = :name WHERE id = :id", name=name, id=player_id)


def rename_tournament(client: TestClient, tournament_id: int, name: str) -> None:
    force(client, "UPDATE tournaments SET name = :name WHERE id = :id", name=name, id=tournament_id)


def get(client: TestClient, path: str) -> str:
    answer = client.get(f"{API}/tournaments/{path}")
    assert answer.status_code == 200, answer.text
    return answer.text


def ranked(client: TestClient, players: int, tournament_format: str, **config: Any) -> int:
    tournament_id = closed_tournament(
        client, players, tournament_format=tournament_format, **config
    )
    generate_now(client, tournament_id)
    simulated = client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 3})
    assert simulated.status_code == 200, simulated.text
    assert client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings").status_code == 200
    return tournament_id


# --- TRF16 ------------------------------------------------------------------------------------


def test_trf_keeps_one_fixed_line_per_player_whatever_the_names(client: TestClient) -> None:
    tournament_id = ranked(client, 4, "swiss", rounds=2)
    ids = player_ids_by_name(client, tournament_id)
    rename_tournament(client, tournament_id, FORGED_CUP)
    rename_player(client, ids["P1"], FORGED_PLAYER)
    rename_player(client, ids["P2"], "Tab\there\x0bvt\x85nel\rcr")
    rename_player(client, ids["P3"], "Ærøskøbing Åsa Ødegård-Łukasz Żółć the Third")

    body = get(client, f"{tournament_id}/export/trf")
    assert body.endswith("\r\n") and forbidden_at(body.replace("\r\n", "")) is None
    lines = body.split("\r\n")[:-1]
    assert lines[0] == "012 Cup  001 forged"
    players = [line for line in lines if line.startswith("001")]
    assert len(players) == 4 and len(lines) == 6 + 4
    assert all(len(line) == 89 + 2 * 10 for line in players)
    names = [line[14:47] for line in players]
    assert names[0] == f"{FORGED_PLAYER.replace(chr(10), ' ')[:33]:<33}"
    assert names[1] == f"{'Tab here vt nel cr':<33}"
    assert names[2] == "Ærøskøbing Åsa Ødegård-Łukasz Żół"
    assert [int(line[4:8]) for line in players] == [1, 2, 3, 4]


# --- iCalendar --------------------------------------------------------------------------------

VENUE = {
    "name": "Hall",
    "time_zone": "Europe/Paris",
    "fields": 2,
    "hours": [{"date": "2031-05-04", "opens": "09:00", "closes": "21:00"}],
}
CALENDAR_CUP = "Cup\nX-INJECTED:1\rY;Z,W\\V " + "long name " * 8


def scheduled(client: TestClient) -> int:
    timing = {"match_minutes": 40, "break_minutes": 5, "rest_minutes": 10}
    tournament_id = closed_tournament(client, 4, timing=timing)
    added = client.post(f"{API}/tournaments/{tournament_id}/venues", json=VENUE)
    assert added.status_code == 201, added.text
    generate_now(client, tournament_id)
    return tournament_id


def assert_sound_calendar(body: bytes) -> icalendar.Calendar:
    """Every line ends in CRLF and has at most 75 octets; no bare CR or LF; no forged property."""
    assert body.endswith(b"\r\n")
    physical = body.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    assert b"\r" not in body.replace(b"\r\n", b"") and b"\n" not in body.replace(b"\r\n", b"")
    logical = body.replace(b"\r\n ", b"").split(b"\r\n")
    assert not [line for line in logical if line.startswith((b"X-INJECTED", b"Y;", b"001"))]
    return icalendar.Calendar.from_ical(body)


def test_calendar_feeds_escape_and_fold_what_names_hold(client: TestClient) -> None:
    tournament_id = scheduled(client)
    ids = player_ids_by_name(client, tournament_id)
    rename_tournament(client, tournament_id, CALENDAR_CUP)
    rename_player(client, ids["P1"], "Ann\r\nBEGIN:VEVENT")
    force(client, "UPDATE venues SET name = :name", name="Hall\r2;,\\")

    answer = client.get(f"{API}/tournaments/{tournament_id}/schedule.ics")
    assert answer.status_code == 200, answer.text
    calendar = assert_sound_calendar(answer.content)
    cup = "Cup\nX-INJECTED:1Y;Z,W\\V " + "long name " * 8  # CR dropped
    unfolded = answer.content.replace(b"\r\n ", b"").decode().split("\r\n")
    escaped = "Cup\\nX-INJECTED:1Y\\;Z\\,W\\\\V " + "long name " * 8
    assert f"X-WR-CALNAME:{escaped}" in unfolded  # an X- property is not unescaped on reading
    events = list(calendar.walk("VEVENT"))
    assert events and all(str(e["SUMMARY"]).startswith(f"{cup}: round ") for e in events)
    assert {str(e["LOCATION"]) for e in events} <= {"Hall2;,\\, field 1", "Hall2;,\\, field 2"}
    assert any("Ann\nBEGIN:VEVENT vs" in str(e["SUMMARY"]) for e in events)
    assert len(events) == answer.content.count(b"\r\nBEGIN:VEVENT\r\n")

    mine = client.get(f"{API}/tournaments/{tournament_id}/players/{ids['P1']}/schedule.ics")
    assert mine.status_code == 200, mine.text
    assert len(list(assert_sound_calendar(mine.content).walk("VEVENT"))) >= 1


# --- CSV --------------------------------------------------------------------------------------

FORMULAS = ["=1+2", "+3 plus", "-4 minus", "@SUM(A1)"]


def csv_rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_exports_neutralise_cells_a_spreadsheet_would_run(client: TestClient) -> None:
    tournament_id = create_open_tournament(client, tournament_format="round_robin")
    players = [{"name": name, "rating": 2000 - i} for i, name in enumerate(FORMULAS)]
    players += [{"name": "Plain"}, {"name": "Also plain"}]
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players}
    )
    assert answer.status_code == 201, answer.text
    ids = player_ids_by_name(client, tournament_id)
    rename_player(client, ids["Plain"], "\tTab first")
    rename_player(client, ids["Also plain"], "\rCR first")
    changed = client.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "ENROLLMENT_CLOSED"}
    )
    assert changed.status_code == 200, changed.text
    generate_now(client, tournament_id)
    client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 3})
    assert client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings").status_code == 200
    expected = {f"'{name}" for name in [*FORMULAS, "\tTab first", "\rCR first"]}

    standings = csv_rows(get(client, f"{tournament_id}/export/standings.csv"))
    assert {row["name"] for row in standings} == expected
    matches = csv_rows(get(client, f"{tournament_id}/export/matches.csv"))
    assert {row[f"player_{s}_name"] for row in matches for s in "ab"} == expected
    assert len(matches) == len(all_sessions(client, tournament_id)) == 15
    assert all(row[k].isdigit() for row in matches for k in ("score_a", "score_b") if row[k])
    assert all(float(row["points"]) >= 0 for row in standings)
    json_names = get(client, f"{tournament_id}/export/standings.json")
    assert '"=1+2"' in json_names  # the JSON exports carry names as they are


def test_numbers_stay_numbers_and_only_text_cells_are_neutralised() -> None:
    row = [-3, -2.5, 0, None, "-3", "=A1", "@x", "+1", "\tx", "\rx", "a=b", "", "O'Brien"]
    assert [csv_cell(value) for value in row] == [
        -3,
        -2.5,
        0,
        "",
        "'-3",
        "'=A1",
        "'@x",
        "'+1",
        "'\tx",
        "'\rx",
        "a=b",
        "",
        "O'Brien",
    ]
