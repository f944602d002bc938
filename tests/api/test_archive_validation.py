"""A tournament document is checked as a whole before anything is written: crafted documents
(duplicates, links that loop, a player against themself, results their match cannot have, a
status its sessions contradict, control characters) answer 422 naming the first problem, and
leave nothing behind, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    closed_tournament,
    generate_now,
    launch_scenario,
)

Change = Callable[[dict], object]


def export(http: httpx.Client, tournament_id: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}/export/tournament.json")
    assert answer.status_code == 200, answer.text
    return answer.json()


def counts(client: TestClient) -> tuple[int, ...]:
    database = client.app.state.context.database  # type: ignore[attr-defined]
    tables = ("tournaments", "players", "matches", "results", "advancements", "rankings")
    with database.read() as db:
        conn = db.connection()
        return tuple(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in tables)


def refuse_all(client: TestClient, document: dict, cases: list[tuple[Change, str, str]]) -> None:
    """Each change of ``document`` is refused with 422 naming ``field`` (and saying
    ``fragment``); nothing at all is written."""
    before = counts(client)
    for change, field, fragment in cases:
        bad = copy.deepcopy(document)
        change(bad)
        answer = client.post(f"{API}/tournaments/import", json=bad)
        assert_error(answer, 422, fragment, field=field)
    assert counts(client) == before


def finished_knockout(client: TestClient) -> dict:
    """A completed knockout of 4 with a third-place match, as a document."""
    tournament_id = closed_tournament(client, 4, third_place=True)
    generate_now(client, tournament_id)
    client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 2})
    assert client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings").status_code == 200
    assert client.post(f"{API}/tournaments/{tournament_id}/complete").status_code == 200
    document = export(client, tournament_id)
    assert document["advancements"] and document["rankings"] and len(document["matches"]) == 4
    return document


def test_duplicates_are_refused_by_path_not_a_500(client: TestClient) -> None:
    document = finished_knockout(client)
    results, advancements = len(document["results"]), len(document["advancements"])
    rankings = len(document["rankings"])

    def again(part: str, index: int = 0) -> Change:
        return lambda d: d[part].append(copy.deepcopy(d[part][index]))

    refuse_all(
        client,
        document,
        [
            (again("results"), f"results.{results}.match", "already has a result"),
            (again("advancements"), f"advancements.{advancements}.slot", "already has"),
            (again("rankings"), f"rankings.{rankings}.player", "ranked twice"),
        ],
    )


def test_heat_entries_are_each_lane_and_each_player_once_per_heat(client: TestClient) -> None:
    tournament_id = launch_scenario(client, 8, tournament_format="heats")["tournament_id"]
    document = export(client, tournament_id)
    entries = len(document["heat_entries"])
    first = document["heat_entries"][0]

    def add(**values: object) -> Change:
        return lambda d: d["heat_entries"].append({**first, **values})

    free_lane = 1 + max(h["lane"] for h in document["heat_entries"] if h["match"] == first["match"])
    refuse_all(
        client,
        document,
        [
            (add(), f"heat_entries.{entries}.lane", "taken twice"),
            (add(lane=free_lane), f"heat_entries.{entries}.player", "twice"),
        ],
    )


def test_impossible_brackets_are_refused_before_they_are_played(client: TestClient) -> None:
    document = finished_knockout(client)
    matches = document["matches"]
    final = next(i for i, m in enumerate(matches) if m["winner_to"] is None and m["side"] == "main")
    first = next(i for i, m in enumerate(matches) if m["a"] is not None and m["b"] is not None)

    def match(index: int, **values: object) -> Change:
        return lambda d: d["matches"][index].update(values)

    def result(index: int, **values: object) -> Change:
        return lambda d: d["results"][index].update(values)

    at = next(i for i, r in enumerate(document["results"]) if r["match"] == first)
    final_result = next(i for i, r in enumerate(document["results"]) if r["match"] == final)
    advanced = document["advancements"][0]
    source = matches[advanced["source"]]
    stranger = next(p for p in range(4) if p not in (source["a"], source["b"]))
    refuse_all(
        client,
        document,
        [
            (match(first, b=matches[first]["a"]), f"matches.{first}.b", "against themself"),
            (match(final, winner_to=final, winner_slot=0), f"matches.{final}.winner_to", "later"),
            (match(final, loser_to=0, loser_slot=0), f"matches.{final}.loser_to", "forward"),
            (match(first, winner_slot=None), f"matches.{first}.winner_slot", "needed"),
            (
                match(first, winner_slot=matches[first + 1]["winner_slot"]),
                f"matches.{first + 1}.winner_to",
                "already fed",
            ),
            (
                lambda d: d["advancements"][0].update(source=advanced["match"]),
                "advancements.0.source",
                "",
            ),
            (
                lambda d: d["advancements"][0].update(player=stranger),
                "advancements.0.player",
                "did not play",
            ),
            (result(at, winner_slot=None), f"results.{at}.winner_slot", "needs"),
            (result(at, outcome="draw"), f"results.{at}.winner_slot", "has no"),
            (result(at, outcome="placed"), f"results.{at}.outcome", "heat"),
            (result(at, outcome="bye"), f"results.{at}.outcome", "bye"),
            (lambda d: d.update(results=[], advancements=[]), "tournament.status", "COMPLETED"),
            (
                lambda d: d["results"].pop(final_result),
                "tournament.status",
                f"match {final} has no result",
            ),
            (
                lambda d: d["tournament"].update(status="ENROLLMENT_CLOSED"),
                "tournament.status",
                "no sessions yet",
            ),
        ],
    )


def test_an_in_progress_document_needs_sessions_and_results_need_their_players(
    client: TestClient,
) -> None:
    tournament_id = closed_tournament(client, 4, third_place=False)
    generate_now(client, tournament_id)
    document = export(client, tournament_id)
    assert document["tournament"]["status"] == "IN_PROGRESS" and not document["results"]
    final = next(i for i, m in enumerate(document["matches"]) if m["winner_to"] is None)
    early = {
        "match": final,
        "outcome": "win",
        "winner_slot": 0,
        "score_a": 1,
        "score_b": 0,
        "source": "manual",
        "recorded_at": "2030-01-01T10:00:00Z",
    }
    refuse_all(
        client,
        document,
        [
            (
                lambda d: d.update(matches=[], advancements=[], results=[], slots=[]),
                "tournament.status",
                "IN_PROGRESS",
            ),
            (lambda d: d["results"].append(early), "results.0.match", "both players"),
            (
                lambda d: d["matches"][final].update(winner_to=final, winner_slot=1),
                f"matches.{final}.winner_to",
                "cycle",
            ),
        ],
    )
    # the copy that passes is played to the end
    answer = client.post(f"{API}/tournaments/import", json=document)
    assert answer.status_code == 201, answer.text
    copy_id = answer.json()["id"]
    played = client.post(f"{API}/tournaments/{copy_id}/simulate-results", json={"seed": 1})
    assert played.status_code == 200, played.text
    assert all(s["result"] is not None for s in all_sessions(client, copy_id))


@pytest.mark.parametrize("bad", ["Cup\x00", "Cup\r\n001 forged"])
def test_document_names_follow_the_name_rule(client: TestClient, bad: str) -> None:
    document = finished_knockout(client)
    document["history"][0]["reason"] = "opened"
    document["venues"] = [
        {
            "name": "Hall",
            "time_zone": "Europe/Paris",
            "fields": 1,
            "hours": [{"date": "2031-05-04", "opens": "09:00", "closes": "21:00"}],
        }
    ]

    def put(part: str, key: str) -> Change:
        def change(d: dict) -> None:
            target = d[part] if part == "tournament" else d[part][0]
            target[key] = bad

        return change

    refuse_all(
        client,
        document,
        [
            (put("tournament", "name"), "tournament.name", "control character"),
            (put("players", "name"), "players.0.name", "control character"),
            (put("players", "club"), "players.0.club", "control character"),
            (put("players", "external_id"), "players.0.external_id", "control character"),
            (put("venues", "name"), "venues.0.name", "control character"),
            (put("history", "reason"), "history.0.reason", "control character"),
        ],
    )
