"""Helpers for API tests: walk a tournament through the lifecycle over HTTP."""

from __future__ import annotations

import time
from typing import Any

import httpx

API = "/api/v1"
TERMINAL = ("done", "failed")


def create_open_tournament(
    http: httpx.Client, *, tournament_format: str = "knockout", **config: Any
) -> int:
    """A new tournament (a knockout unless told) with enrollment open; returns its id."""
    created = http.post(
        f"{API}/tournaments",
        json={"name": "Test cup", "format": tournament_format, "config": config},
    )
    assert created.status_code == 201, created.text
    tournament_id = created.json()["id"]
    opened = http.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "ENROLLMENT_OPEN"}
    )
    assert opened.status_code == 200, opened.text
    return tournament_id


def enroll_players(http: httpx.Client, tournament_id: int, count: int) -> None:
    """Enroll ``count`` new players with descending ratings (player i is seed i)."""
    players = [{"name": f"P{i}", "rating": 3000 - i} for i in range(1, count + 1)]
    answer = http.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players})
    assert answer.status_code == 201, answer.text


def close_enrollment(http: httpx.Client, tournament_id: int) -> None:
    """Close enrollment."""
    answer = http.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "ENROLLMENT_CLOSED"}
    )
    assert answer.status_code == 200, answer.text


def poll_until_finished(
    http: httpx.Client, tournament_id: int, task_id: str, timeout_s: float = 120
) -> dict:
    """Poll generation-status until the job is done or failed; returns the last answer."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = http.get(f"{API}/tournaments/{tournament_id}/generation-status/{task_id}")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if body["status"] in TERMINAL:
            return body
        assert time.monotonic() < deadline, f"job still {body['status']} after {timeout_s}s"
        time.sleep(0.02)


def _all_pages(http: httpx.Client, path: str) -> list[dict]:
    """Every item of a paginated list, following ``next_offset``."""
    items: list[dict] = []
    offset: int | None = 0
    while offset is not None:
        page = http.get(path, params={"limit": 10_000, "offset": offset})
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        offset = body["next_offset"]
    return items


def all_sessions(http: httpx.Client, tournament_id: int) -> list[dict]:
    """Every session of the tournament, in bracket order."""
    return _all_pages(http, f"{API}/tournaments/{tournament_id}/sessions")


def all_rankings(http: httpx.Client, tournament_id: int) -> list[dict]:
    """Every ranking row, best first."""
    return _all_pages(http, f"{API}/tournaments/{tournament_id}/rankings")


def launch_scenario(
    http: httpx.Client,
    players: int,
    mode: str = "auto",
    seed: int = 1,
    tournament_format: str = "knockout",
) -> dict:
    """POST run-scenario (confirmed) and return its answer."""
    answer = http.post(
        f"{API}/tournaments/ops/run-scenario",
        json={
            "player_count": players,
            "confirmed": True,
            "seed": seed,
            "simulation_mode": mode,
            "tournament_format": tournament_format,
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def get_tournament(http: httpx.Client, tournament_id: int) -> dict:
    """The tournament as GET answers it."""
    answer = http.get(f"{API}/tournaments/{tournament_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def create_draft_tournament(http: httpx.Client, name: str = "Draft cup", **config: Any) -> int:
    """A new knockout tournament left in DRAFT; returns its id."""
    created = http.post(f"{API}/tournaments", json={"name": name, "config": config})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def change_status(http: httpx.Client, tournament_id: int, target: str) -> httpx.Response:
    """POST a status change (the answer is returned unchecked)."""
    return http.post(f"{API}/tournaments/{tournament_id}/status", json={"status": target})


def closed_tournament(
    http: httpx.Client, players: int, *, tournament_format: str = "knockout", **config: Any
) -> int:
    """A tournament with ``players`` enrolled (player i is seed i) and enrollment closed."""
    tournament_id = create_open_tournament(http, tournament_format=tournament_format, **config)
    enroll_players(http, tournament_id, players)
    close_enrollment(http, tournament_id)
    return tournament_id


def generate_now(http: httpx.Client, tournament_id: int, **options: Any) -> dict:
    """Generate the sessions of a closed tournament below the async threshold."""
    answer = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions", json=options or None)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["task_id"] == "sync-done", body
    return body


def player_ids_by_name(http: httpx.Client, tournament_id: int) -> dict[str, int]:
    """Name → player id of every enrolled player."""
    answer = http.get(f"{API}/tournaments/{tournament_id}/enrollments", params={"limit": 100_000})
    assert answer.status_code == 200, answer.text
    return {item["name"]: item["player_id"] for item in answer.json()["items"]}


def session_at(sessions: list[dict], round_: int, number: int, side: str = "main") -> dict:
    """The session at (side, round, number)."""
    found = [s for s in sessions if (s["side"], s["round"], s["number"]) == (side, round_, number)]
    assert len(found) == 1, f"{len(found)} sessions at {side} round {round_} number {number}"
    return found[0]


def assert_error(
    answer: httpx.Response, status_code: int, *fragments: str, field: str | None = None
) -> dict:
    """Check an error answer: its status, a JSON body with a string ``detail`` and a ``field``
    key, each ``fragment`` in the detail and, when given, the exact ``field``."""
    assert answer.status_code == status_code, f"{answer.status_code}: {answer.text}"
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert isinstance(body.get("detail"), str), body
    assert "field" in body, body
    for fragment in fragments:
        assert fragment in body["detail"], f"{fragment!r} not in {body['detail']!r}"
    if field is not None:
        assert body["field"] == field, body
    return body
