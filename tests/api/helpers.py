"""Helpers for API tests: walk a tournament through the lifecycle over HTTP."""

from __future__ import annotations

import time
from typing import Any

import httpx

API = "/api/v1"
TERMINAL = ("done", "failed")


def create_open_tournament(http: httpx.Client, **config: Any) -> int:
    """A new knockout tournament with enrollment open; returns its id."""
    created = http.post(f"{API}/tournaments", json={"name": "Test cup", "config": config})
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


def all_sessions(http: httpx.Client, tournament_id: int) -> list[dict]:
    """Every session of the tournament, following pagination."""
    items: list[dict] = []
    offset: int | None = 0
    while offset is not None:
        page = http.get(
            f"{API}/tournaments/{tournament_id}/sessions",
            params={"limit": 10_000, "offset": offset},
        )
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        offset = body["next_offset"]
    return items


def all_rankings(http: httpx.Client, tournament_id: int) -> list[dict]:
    """Every ranking row, best first."""
    items: list[dict] = []
    offset: int | None = 0
    while offset is not None:
        page = http.get(
            f"{API}/tournaments/{tournament_id}/rankings",
            params={"limit": 10_000, "offset": offset},
        )
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        offset = body["next_offset"]
    return items
