"""Exports: standings and matches as CSV / JSON, brackets-viewer.js data and TRF16.

Players are enrolled with descending ratings, so player ``Pi`` is seed i.
"""

from __future__ import annotations

import csv
import io
from typing import Any

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

STANDINGS = [
    "rank",
    "player_id",
    "name",
    "points",
    "wins",
    "draws",
    "losses",
    "score_for",
    "score_against",
    "round_reached",
]
MATCH = [
    "id",
    "stage",
    "side",
    "round",
    "round_name",
    "number",
    "status",
    "player_a_id",
    "player_a_name",
    "player_b_id",
    "player_b_name",
    "outcome",
    "winner_id",
    "score_a",
    "score_b",
    "source",
    "recorded_at",
]
HEAT = ["lane", "player_id", "name", "value", "place"]
ROUTES = [
    "standings.csv",
    "standings.json",
    "matches.csv",
    "matches.json",
    "brackets-viewer.json",
    "trf",
]


def export(client: TestClient, tournament_id: int, name: str) -> Any:
    """GET an export; checks the attachment header and returns the text."""
    answer = client.get(f"{API}/tournaments/{tournament_id}/export/{name}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    return answer.text


def csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def cell(value: object) -> str:
    return "" if value is None else str(value)


def played(client: TestClient, players: int, tournament_format: str, **config: Any) -> int:
    """A tournament generated, simulated and ranked."""
    tournament_id = closed_tournament(
        client, players, tournament_format=tournament_format, **config
    )
    generate_now(client, tournament_id)
    simulated = client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 5})
    assert simulated.status_code == 200, simulated.text
    ranked = client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert ranked.status_code == 200, ranked.text
    return tournament_id


# --- standings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tournament_format", "players", "config"),
    [("round_robin", 5, {}), ("swiss", 6, {}), ("knockout", 6, {}), ("groups", 8, {"groups": 2})],
)
def test_standings_exports_equal_the_rankings(
    client: TestClient, tournament_format: str, players: int, config: dict
) -> None:
    tournament_id = played(client, players, tournament_format, **config)
    expected = all_rankings(client, tournament_id)
    tiebreaks = list(expected[0]["tiebreaks"])
    header, rows = csv_rows(export(client, tournament_id, "standings.csv"))
    assert header == STANDINGS + [f"tiebreak:{name}" for name in tiebreaks]
    assert len(rows) == players
    for row, want in zip(rows, expected, strict=True):
        assert [row[c] for c in STANDINGS] == [cell(want[c]) for c in STANDINGS]
        assert [float(row[f"tiebreak:{n}"]) for n in tiebreaks] == list(want["tiebreaks"].values())
    as_json = client.get(f"{API}/tournaments/{tournament_id}/export/standings.json").json()
    assert as_json == [{k: r[k] for k in [*STANDINGS, "tiebreaks"]} for r in expected]


def test_standings_before_rankings_are_refused(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    for name in ("standings.csv", "standings.json"):
        answer = client.get(f"{API}/tournaments/{tournament_id}/export/{name}")
        assert_error(answer, 409, "never calculated", "calculate-rankings", field="rankings")


@pytest.mark.parametrize("name", ROUTES)
def test_unknown_tournament_is_404(client: TestClient, name: str) -> None:
    answer = client.get(f"{API}/tournaments/999999/export/{name}")
    assert_error(answer, 404, "999999", field="tournament_id")


# --- matches ----------------------------------------------------------------------------------


def round_names_shown(client: TestClient, tournament_id: int) -> dict[tuple[int, str], list]:
    """What the pages call each round, by (stage, side): the monitor snapshot's labels."""
    answer = client.get(f"{API}/tournaments/{tournament_id}/monitor")
    assert answer.status_code == 200, answer.text
    return {(s["stage"], s["side"]): s["labels"] for s in answer.json()["sides"]}


@pytest.mark.parametrize(
    ("tournament_format", "players", "config"),
    [
        ("knockout", 5, {}),
        ("groups", 8, {"groups": 2}),
        ("double_elimination", 6, {}),
        ("swiss", 6, {"rounds": 3}),
        ("heats", 7, {"direction": "lower", "heat_size": 3, "advance": 1}),
    ],
)
def test_match_exports_equal_the_sessions(
    client: TestClient, tournament_format: str, players: int, config: dict
) -> None:
    tournament_id = played(client, players, tournament_format, **config)
    expected = all_sessions(client, tournament_id)
    shown = round_names_shown(client, tournament_id)
    header, rows = csv_rows(export(client, tournament_id, "matches.csv"))
    assert header == MATCH + HEAT
    wanted: list[list[str]] = []
    for s in expected:
        result = s["result"] or {}
        pair = [None, None] if s["entries"] else s["participants"] or [None, None]
        head = [s[k] for k in MATCH[:4]]
        head += [shown[(s["stage"], s["side"])][s["round"] - 1]]
        head += [s[k] for k in MATCH[5:7]]
        for p in pair:
            head += [p and p["player_id"], p and p["name"]]
        head += [result.get(k) for k in MATCH[11:]]
        for entry in s["entries"] or [None]:
            wanted.append([cell(v) for v in head + [entry and entry[k] for k in HEAT]])
    assert [[row[c] for c in header] for row in rows] == wanted
    heat_rows = sum(len(s["entries"] or []) for s in expected)
    assert len(rows) == (heat_rows if tournament_format == "heats" else len(expected))
    as_json = client.get(f"{API}/tournaments/{tournament_id}/export/matches.json").json()
    assert [m["id"] for m in as_json] == [s["id"] for s in expected]
    for m, s in zip(as_json, expected, strict=True):
        assert list(m) == [*MATCH, "entries"]
        assert m["entries"] == s["entries"]
        assert m["winner_id"] == (s["result"] or {}).get("winner_id")
        assert m["recorded_at"] == (s["result"] or {}).get("recorded_at")
    by_id = {int(row["id"]): row["round_name"] for row in rows}
    assert {m["id"]: m["round_name"] for m in as_json} == by_id


def round_names_exported(client: TestClient, tournament_id: int) -> dict[tuple, str]:
    """(stage, side, round) → round_name of every exported match; CSV and JSON agree."""
    _header, rows = csv_rows(export(client, tournament_id, "matches.csv"))
    from_csv = {(int(r["stage"]), r["side"], int(r["round"])): r["round_name"] for r in rows}
    as_json = client.get(f"{API}/tournaments/{tournament_id}/export/matches.json").json()
    from_json = {(m["stage"], m["side"], m["round"]): m["round_name"] for m in as_json}
    assert from_json == from_csv
    by_id = {int(r["id"]): r["round_name"] for r in rows}  # a heat has one row per entry
    assert {m["id"]: m["round_name"] for m in as_json} == by_id
    return from_csv


KNOCKOUT_OF_8 = {
    (1, "main", 1): "Quarter-final",
    (1, "main", 2): "Semi-final",
    (1, "main", 3): "Final",
}


@pytest.mark.parametrize(
    ("tournament_format", "players", "config", "expected"),
    [
        ("knockout", 8, {"third_place": False}, KNOCKOUT_OF_8),
        (
            "knockout",
            8,
            {"third_place": True},
            {**KNOCKOUT_OF_8, (1, "third_place", 3): "Third place"},
        ),
        (
            "knockout",
            16,
            {"third_place": False},
            {
                (1, "main", 1): "Round 1",
                (1, "main", 2): "Quarter-final",
                (1, "main", 3): "Semi-final",
                (1, "main", 4): "Final",
            },
        ),
        (
            "double_elimination",
            8,
            {},
            {
                (1, "main", 1): "Winners round 1",
                (1, "main", 2): "Winners round 2",
                (1, "main", 3): "Winners final",
                (1, "losers", 1): "Losers round 1",
                (1, "losers", 2): "Losers round 2",
                (1, "losers", 3): "Losers round 3",
                (1, "losers", 4): "Losers final",
                (1, "grand_final", 1): "Grand final",
            },
        ),
        (
            "round_robin",
            4,
            {},
            {(1, "main", 1): "Round 1", (1, "main", 2): "Round 2", (1, "main", 3): "Round 3"},
        ),
        (
            "groups",
            8,
            {"groups": 2, "advance": 2},
            {
                (1, "main", 1): "Group round 1",
                (1, "main", 2): "Group round 2",
                (1, "main", 3): "Group round 3",
                (2, "main", 1): "Semi-final",
                (2, "main", 2): "Final",
                (2, "third_place", 2): "Third place",
            },
        ),
        ("swiss", 6, {"rounds": 2}, {(1, "main", 1): "Round 1", (1, "main", 2): "Round 2"}),
        (
            "heats",
            7,
            {"direction": "lower", "heat_size": 3, "advance": 1},
            {(1, "heat", 1): "Round 1", (1, "heat", 2): "Round 2"},
        ),
    ],
)
def test_match_exports_name_every_round(
    client: TestClient, tournament_format: str, players: int, config: dict, expected: dict
) -> None:
    tournament_id = played(client, players, tournament_format, **config)
    assert round_names_exported(client, tournament_id) == expected


def test_match_exports_name_the_grand_final_reset(client: TestClient) -> None:
    """Slot A wins every match but the grand final, so the reset is played."""
    tournament_id = closed_tournament(
        client, 4, tournament_format="double_elimination", grand_final="reset"
    )
    generate_now(client, tournament_id)
    while ready := [s for s in all_sessions(client, tournament_id) if s["status"] == "ready"]:
        for s in ready:
            b_wins = (s["side"], s["round"]) == ("grand_final", 1)
            score = {"score_a": 0, "score_b": 1} if b_wins else {"score_a": 1, "score_b": 0}
            record(client, tournament_id, s, outcome="win", **score)
    names = round_names_exported(client, tournament_id)
    assert names[(1, "grand_final", 1)] == "Grand final"
    assert names[(1, "grand_final", 2)] == "Grand final reset"
    assert names[(1, "losers", 2)] == "Losers final"
    assert names[(1, "main", 2)] == "Winners final"


def test_the_archive_leaves_round_names_out(client: TestClient) -> None:
    """Round names are worked out from the rounds, so the archive (which imports back
    refusing unknown keys) does not carry them."""
    tournament_id = played(client, 8, "knockout")
    answer = client.get(f"{API}/tournaments/{tournament_id}/export/tournament.json")
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document["matches"] and all("round_name" not in m for m in document["matches"])
    assert client.post(f"{API}/tournaments/import", json=document).status_code == 201
    with_names = {
        **document,
        "matches": [{**m, "round_name": "Final"} for m in document["matches"]],
    }
    assert client.post(f"{API}/tournaments/import", json=with_names).status_code == 422


# --- brackets-viewer.js -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tournament_format", "players", "config", "counts"),
    [
        ("knockout", 8, {"third_place": True}, (1, 2, 4, 8)),
        ("double_elimination", 8, {}, (1, 3, 8, 14)),
        ("round_robin", 5, {}, (1, 1, 5, 10)),
        ("groups", 8, {"groups": 2, "advance": 2}, (2, 4, 9, 16)),
    ],
)
def test_brackets_viewer_data(
    client: TestClient, tournament_format: str, players: int, config: dict, counts: tuple
) -> None:
    tournament_id = played(client, players, tournament_format, **config)
    data = client.get(f"{API}/tournaments/{tournament_id}/export/brackets-viewer.json").json()
    assert list(data) == ["participant", "stage", "group", "round", "match", "match_game"]
    found = tuple(len(data[t]) for t in ("stage", "group", "round", "match"))
    assert found == counts
    assert len(data["participant"]) == players and data["match_game"] == []
    people = {p["id"] for p in data["participant"]}
    stages = {s["id"]: s for s in data["stage"]}
    groups = {g["id"]: g for g in data["group"]}
    rounds = {r["id"]: r for r in data["round"]}
    for match in data["match"]:
        assert groups[match["group_id"]]["stage_id"] == match["stage_id"] in stages
        assert rounds[match["round_id"]]["group_id"] == match["group_id"]
        assert match["status"] == 4  # completed
        for opponent in (match["opponent1"], match["opponent2"]):
            assert opponent is None or opponent["id"] in people
            assert opponent is None or opponent.get("result") in (None, "win", "loss", "draw")
    expected_types = {
        "knockout": ["single_elimination"],
        "double_elimination": ["double_elimination"],
        "round_robin": ["round_robin"],
        "groups": ["round_robin", "single_elimination"],
    }[tournament_format]
    assert [s["type"] for s in data["stage"]] == expected_types
    if tournament_format == "round_robin":  # everyone of the one group meets everyone
        pairs = {frozenset((m["opponent1"]["id"], m["opponent2"]["id"])) for m in data["match"]}
        assert len(pairs) == 10


@pytest.mark.parametrize(
    ("tournament_format", "config"),
    [("swiss", {}), ("heats", {"direction": "higher"})],
)
def test_brackets_viewer_refuses_formats_without_a_bracket(
    client: TestClient, tournament_format: str, config: dict
) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format=tournament_format, **config)
    answer = client.get(f"{API}/tournaments/{tournament_id}/export/brackets-viewer.json")
    assert_error(answer, 409, tournament_format, field="format")


# --- TRF16 ------------------------------------------------------------------------------------

# Start rank 1-4 = P1-P4 (seeds). Round 1: P1 (white) beats P3, P4 (white) draws P2.
# Round 2: P2 (white) loses to P1 by forfeit, P3 (white) loses to P4.
TRF_PLAYERS = [
    "001    1      P1                                2999                             2.0    1"
    "     3 w 1     2 b +",
    "001    2      P2                                2998                             0.5    3"
    "     4 b =     1 w -",
    "001    3      P3                                2997                             0.0    4"
    "     1 b 0     4 w 0",
    "001    4      P4                                2996                             1.5    2"
    "     2 w =     3 b 1",
]


def record(client: TestClient, tournament_id: int, session: dict, **body: Any) -> None:
    path = f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result"
    answer = client.post(path, json=body)
    assert answer.status_code == 200, answer.text


def test_trf_of_a_swiss_with_manual_results(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format="swiss", rounds=2)
    generate_now(client, tournament_id)
    first = all_sessions(client, tournament_id)
    names = [[p["name"] for p in s["participants"]] for s in first]
    assert names == [["P1", "P3"], ["P4", "P2"]]
    record(client, tournament_id, first[0], outcome="win", score_a=1, score_b=0)
    record(client, tournament_id, first[1], outcome="draw", score_a=1, score_b=1)
    second = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    assert [[p["name"] for p in s["participants"]] for s in second] == [["P2", "P1"], ["P3", "P4"]]
    winner = second[0]["participants"][1]["player_id"]
    record(client, tournament_id, second[0], outcome="forfeit", winner_id=winner)
    record(client, tournament_id, second[1], outcome="win", score_a=0, score_b=1)

    text = export(client, tournament_id, "trf")
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == "012 Test cup"
    assert lines[1][:4] == "042 " and len(lines[1]) == 14  # 042 YYYY/MM/DD
    assert lines[2:6] == ["062 4", "072 4", "092 Swiss System", "XXR 2"]
    players = lines[6:]
    assert players == TRF_PLAYERS
    for line in players:
        assert len(line) == 89 + 2 * 10
        assert line[0:3] == "001" and line[14:47].rstrip() in {"P1", "P2", "P3", "P4"}
        assert line[91:95].strip().isdigit() and line[96] in "wb" and line[98] in "10=+-"
    assert [int(line[4:8]) for line in players] == [1, 2, 3, 4]  # start rank, cols 5-8
    assert [line[80:84] for line in players] == [" 2.0", " 0.5", " 0.0", " 1.5"]  # cols 81-84
    assert [int(line[85:89]) for line in players] == [1, 3, 4, 2]  # cols 86-89


def test_trf_marks_the_pairing_allocated_bye(client: TestClient) -> None:
    tournament_id = played(client, 5, "swiss", rounds=2)
    lines = export(client, tournament_id, "trf").split("\r\n")
    players = [line for line in lines if line.startswith("001")]
    assert len(players) == 5
    byes = [line[r * 10 + 91 : r * 10 + 99] for line in players for r in range(2)]
    assert byes.count("0000 - U") == 2  # one bye per round, written 0000 - U


@pytest.mark.parametrize("tournament_format", ["knockout", "round_robin", "groups"])
def test_trf_refuses_other_formats(client: TestClient, tournament_format: str) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format=tournament_format)
    answer = client.get(f"{API}/tournaments/{tournament_id}/export/trf")
    assert_error(answer, 409, "Swiss", tournament_format, field="format")


def test_exports_page_through_the_data(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bracketry.service.exports.CHUNK", 3)
    tournament_id = played(client, 7, "knockout")
    sessions = all_sessions(client, tournament_id)
    matches = client.get(f"{API}/tournaments/{tournament_id}/export/matches.json").json()
    assert [m["id"] for m in matches] == [s["id"] for s in sessions]
    _header, rows = csv_rows(export(client, tournament_id, "matches.csv"))
    assert [int(r["id"]) for r in rows] == [s["id"] for s in sessions]
    standings = client.get(f"{API}/tournaments/{tournament_id}/export/standings.json").json()
    assert [r["player_id"] for r in standings] == [
        r["player_id"] for r in all_rankings(client, tournament_id)
    ]
    _header, rows = csv_rows(export(client, tournament_id, "standings.csv"))
    assert len(rows) == 7
    data = client.get(f"{API}/tournaments/{tournament_id}/export/brackets-viewer.json").json()
    assert len(data["participant"]) == 7 and len(data["match"]) == len(sessions)
