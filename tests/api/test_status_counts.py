"""Match counts by status come from index counts plus the matches with an entrant still to
come: on every format and at every step they equal a count of the matches one by one, and
the part that groups by status never reads the tournament's other matches."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bracketry.service import sessions
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade
from tests.api.helpers import API, all_sessions, closed_tournament, generate_now

PLAYED_OUT = {"bye"}
WALKOVER = "walkover"


def counted_one_by_one(client: TestClient, tournament_id: int) -> tuple[dict, dict]:
    """Every match, and those played or to play, by the status each session shows."""
    every: Counter[str] = Counter()
    played: Counter[str] = Counter()
    for session in all_sessions(client, tournament_id):
        every[session["status"]] += 1
        result = session["result"]
        if result is None or (result["outcome"] not in PLAYED_OUT and result["source"] != WALKOVER):
            played[session["status"]] += 1
    return _as_counts(every), _as_counts(played)


def _as_counts(counter: Counter[str]) -> dict[str, int]:
    statuses = ("locked", "waiting", "ready", "running", "completed")
    return {"total": sum(counter.values()), **{s: counter[s] for s in statuses}}


def assert_counts_agree(client: TestClient, tournament_id: int) -> dict[str, Any]:
    snap = client.get(f"{API}/tournaments/{tournament_id}/monitor").json()
    every, played = counted_one_by_one(client, tournament_id)
    assert (snap["matches"], snap["played"]) == (every, played)
    read = client.get(f"{API}/tournaments/{tournament_id}").json()
    assert read["matches"] == every
    return snap


def record_ready(client: TestClient, tournament_id: int, how_many: int, **body: Any) -> int:
    """Record ``body`` (a 2-1 win by default) on up to ``how_many`` two-player ready
    matches, in bracket order; how many were recorded."""
    ready = [
        s
        for s in all_sessions(client, tournament_id)
        if s["status"] == "ready" and s["side"] != "heat"
    ][:how_many]
    for session in ready:
        answer = client.post(
            f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result",
            json=body or {"score_a": 2, "score_b": 1},
        )
        assert answer.status_code == 200, answer.text
    return len(ready)


def double_forfeit(client: TestClient, tournament_id: int) -> None:
    """A double forfeit on the first ready two-player match where the format allows one,
    else a plain result there."""
    ready = [
        s
        for s in all_sessions(client, tournament_id)
        if s["status"] == "ready" and s["side"] != "heat"
    ]
    if not ready:
        return
    path = f"{API}/tournaments/{tournament_id}/sessions/{ready[0]['id']}/result"
    answer = client.post(path, json={"outcome": "double_forfeit"})
    if answer.status_code == 422:
        answer = client.post(path, json={"score_a": 2, "score_b": 1})
    assert answer.status_code == 200, answer.text


CASES = [
    pytest.param("knockout", 5, {}, id="knockout-with-byes"),
    pytest.param("knockout", 8, {"third_place": True}, id="knockout-third-place"),
    pytest.param("double_elimination", 6, {}, id="double-elimination"),
    pytest.param("round_robin", 5, {}, id="round-robin-odd"),
    pytest.param("swiss", 7, {"rounds": 3}, id="swiss-with-bye"),
    pytest.param("groups", 8, {"groups": 2}, id="groups"),
    pytest.param("heats", 10, {"direction": "higher", "heat_size": 4, "advance": 2}, id="heats"),
]


@pytest.mark.parametrize(("fmt", "players", "config"), CASES)
def test_counts_equal_a_count_match_by_match(
    client: TestClient, fmt: str, players: int, config: dict[str, Any]
) -> None:
    tournament_id = closed_tournament(client, players, tournament_format=fmt, **config)
    generate_now(client, tournament_id)
    first = assert_counts_agree(client, tournament_id)
    assert first["matches"]["total"] > 0
    double_forfeit(client, tournament_id)
    assert_counts_agree(client, tournament_id)
    record_ready(client, tournament_id, 2)
    assert_counts_agree(client, tournament_id)
    simulated = client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 3})
    assert simulated.status_code == 200, simulated.text
    last = assert_counts_agree(client, tournament_id)
    assert last["matches"]["completed"] > first["matches"]["completed"]


def test_walkovers_after_a_double_forfeit_are_decided_not_played(client: TestClient) -> None:
    """Four players: the final and third place a double forfeit leaves to walkovers are
    decided but not played."""
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    record_ready(client, tournament_id, 1, outcome="double_forfeit")
    record_ready(client, tournament_id, 1)
    snap = assert_counts_agree(client, tournament_id)
    assert snap["matches"]["completed"] == snap["matches"]["total"] == 4
    assert snap["played"]["completed"] == snap["played"]["total"] == 2


def test_status_grouping_reads_only_matches_with_an_entrant_to_come(tmp_path: Path) -> None:
    """Both parts of the open-entrant query are index ranges (SQLite's plan), so a
    1,000-player round robin (no such match) costs two seeks, not 499,500 rows."""
    database = Database(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(database.engine)
    with database.engine.connect() as conn:
        for part in sessions.open_entrant:
            query = sessions.joined(sessions.select(sessions.Match.id)).where(
                sessions.Match.tournament_id == 7, part
            )
            sql = query.compile(conn, compile_kwargs={"literal_binds": True})
            plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
            matches = [step for step in plan if " matches " in f" {step} "]
            assert matches and all("ix_matches_entrant_" in s for s in matches), plan
    database.dispose()
