"""Tournaments: create, read, list (newest first, paged) and the lifecycle's transitions."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    change_status,
    closed_tournament,
    create_draft_tournament,
    create_open_tournament,
    enroll_players,
    generate_now,
    get_tournament,
)

STATUSES = [
    "DRAFT",
    "ENROLLMENT_OPEN",
    "ENROLLMENT_CLOSED",
    "IN_PROGRESS",
    "COMPLETED",
    "CANCELLED",
]
# What the status endpoint may do; IN_PROGRESS and COMPLETED have their own actions.
BY_STATUS_ENDPOINT = {
    ("DRAFT", "ENROLLMENT_OPEN"),
    ("ENROLLMENT_OPEN", "ENROLLMENT_CLOSED"),
    ("ENROLLMENT_CLOSED", "ENROLLMENT_OPEN"),
    ("DRAFT", "CANCELLED"),
    ("ENROLLMENT_OPEN", "CANCELLED"),
    ("ENROLLMENT_CLOSED", "CANCELLED"),
    ("IN_PROGRESS", "CANCELLED"),
}


def stamp(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def play_two_player_final(http: httpx.Client, tournament_id: int) -> None:
    """Record the only match of a 2-player knockout and rank it."""
    (final,) = all_sessions(http, tournament_id)
    recorded = http.post(
        f"{API}/tournaments/{tournament_id}/sessions/{final['id']}/result",
        json={"score_a": 2, "score_b": 0},
    )
    assert recorded.status_code == 200, recorded.text
    ranked = http.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert ranked.status_code == 200, ranked.text


def tournament_in(http: httpx.Client, status: str) -> int:
    """A fresh tournament brought to ``status`` through the API's own actions."""
    if status == "DRAFT":
        return create_draft_tournament(http)
    if status == "CANCELLED":
        tournament_id = create_draft_tournament(http)
        assert change_status(http, tournament_id, "CANCELLED").status_code == 200
        return tournament_id
    tournament_id = create_open_tournament(http)
    if status == "ENROLLMENT_OPEN":
        return tournament_id
    enroll_players(http, tournament_id, 2)
    assert change_status(http, tournament_id, "ENROLLMENT_CLOSED").status_code == 200
    if status == "ENROLLMENT_CLOSED":
        return tournament_id
    generate_now(http, tournament_id)
    if status == "IN_PROGRESS":
        return tournament_id
    play_two_player_final(http, tournament_id)
    completed = http.post(f"{API}/tournaments/{tournament_id}/complete")
    assert completed.status_code == 200, completed.text
    return tournament_id


# --- create, read, list -----------------------------------------------------------------


def test_create_and_read(client: TestClient) -> None:
    created = client.post(
        f"{API}/tournaments",
        json={"name": "Spring open", "config": {"third_place": False, "max_players": 16}},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"] >= 1
    assert body["name"] == "Spring open"
    assert body["format"] == "knockout"
    assert body["config"] == {
        "third_place": False,
        "max_players": 16,
        "seeding": "rating",
        "seeding_seed": 0,
        "timing": {"match_minutes": 30, "break_minutes": 5, "rest_minutes": 0},
        "check_in": None,
    }
    assert body["status"] == "DRAFT"
    assert body["enrolled_count"] == 0
    assert body["sessions_generated"] is False
    assert body["sessions_generated_at"] is None
    assert body["rankings_calculated_at"] is None
    assert body["completed_at"] is None
    assert body["created_at"] == body["updated_at"]
    assert body["matches"]["total"] == 0
    assert get_tournament(client, body["id"]) == body

    defaults = client.post(f"{API}/tournaments", json={"name": "Defaults"})
    assert defaults.status_code == 201, defaults.text
    assert defaults.json()["config"] == {
        "third_place": True,
        "max_players": None,
        "seeding": "rating",
        "seeding_seed": 0,
        "timing": {"match_minutes": 30, "break_minutes": 5, "rest_minutes": 0},
        "check_in": None,
    }
    assert defaults.json()["id"] > body["id"]

    assert_error(client.get(f"{API}/tournaments/4242"), 404, "4242", field="tournament_id")


def test_create_refuses_invalid_bodies(client: TestClient, subtests: pytest.Subtests) -> None:
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({}, "name"),
        ({"name": "x", "format": "ladder"}, "format"),
        ({"name": "x", "config": {"max_players": 1}}, "config.max_players"),
        ({"name": "x", "config": {"third_place": "perhaps"}}, "config.third_place"),
        ({"name": "x", "config": {"rounds": 3}}, "config.rounds"),
        ({"name": "x", "owner": "me"}, "owner"),
    ]
    for body, field in cases:
        with subtests.test(body=body):
            assert_error(client.post(f"{API}/tournaments", json=body), 422, field=field)
    assert client.get(f"{API}/tournaments").json()["total"] == 0


def test_list_is_newest_first_with_pagination(
    client: TestClient, subtests: pytest.Subtests
) -> None:
    ids = [create_draft_tournament(client, name=f"Cup {i}") for i in range(5)]
    newest_first = sorted(ids, reverse=True)
    seen: list[int] = []
    offsets = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(f"{API}/tournaments", params={"limit": 2, "offset": offset})
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["total"] == 5
        assert len(body["items"]) <= 2
        seen.extend(item["id"] for item in body["items"])
        offset = body["next_offset"]
        offsets.append(offset)
    assert seen == newest_first
    assert offsets == [2, 4, None]
    assert [i["name"] for i in client.get(f"{API}/tournaments").json()["items"]] == [
        f"Cup {i}" for i in reversed(range(5))
    ]
    beyond = client.get(f"{API}/tournaments", params={"offset": 10}).json()
    assert beyond == {"items": [], "total": 5, "next_offset": None}
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"status": "ARCHIVED"}, "status"),
    ):
        with subtests.test(params=params):
            assert_error(client.get(f"{API}/tournaments", params=params), 422, field=field)


def test_list_filters_by_status(client: TestClient) -> None:
    drafts = [create_draft_tournament(client) for _ in range(2)]
    opened = create_open_tournament(client)
    page = client.get(f"{API}/tournaments", params={"status": "DRAFT"}).json()
    assert [i["id"] for i in page["items"]] == sorted(drafts, reverse=True)
    assert page["total"] == 2
    page = client.get(f"{API}/tournaments", params={"status": "ENROLLMENT_OPEN"}).json()
    assert [i["id"] for i in page["items"]] == [opened]
    assert client.get(f"{API}/tournaments", params={"status": "COMPLETED"}).json()["total"] == 0


# --- lifecycle ----------------------------------------------------------------------------


def test_status_endpoint_allows_exactly_the_lifecycle(
    client: TestClient, subtests: pytest.Subtests
) -> None:
    for current in STATUSES:
        for target in STATUSES:
            with subtests.test(current=current, target=target):
                tournament_id = tournament_in(client, current)
                before = get_tournament(client, tournament_id)
                assert before["status"] == current
                answer = change_status(client, tournament_id, target)
                if (current, target) in BY_STATUS_ENDPOINT:
                    assert answer.status_code == 200, answer.text
                    assert answer.json()["status"] == target
                    after = get_tournament(client, tournament_id)
                    assert after["status"] == target
                    assert stamp(after["updated_at"]) > stamp(before["updated_at"])
                    assert after["created_at"] == before["created_at"]
                else:
                    body = assert_error(answer, 409, current, target, field="status")
                    if current != target:
                        detail = body["detail"]
                        assert detail.index(current) < detail.index(target), body
                    assert get_tournament(client, tournament_id) == before


def test_draft_to_completed_is_409_naming_both_states(client: TestClient) -> None:
    tournament_id = create_draft_tournament(client)
    body = assert_error(
        change_status(client, tournament_id, "COMPLETED"), 409, "DRAFT", "COMPLETED"
    )
    assert body["field"] == "status"
    assert get_tournament(client, tournament_id)["status"] == "DRAFT"
    # a reason is optional and bounded
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/status",
        json={"status": "ENROLLMENT_OPEN", "reason": "r" * 201},
    )
    assert_error(answer, 422, field="reason")
    assert get_tournament(client, tournament_id)["status"] == "DRAFT"
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/status",
        json={"status": "ENROLLMENT_OPEN", "reason": "opening day"},
    )
    assert answer.status_code == 200, answer.text


def test_in_progress_only_through_generation(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    assert_error(
        change_status(client, tournament_id, "IN_PROGRESS"),
        409,
        "ENROLLMENT_CLOSED",
        "IN_PROGRESS",
        "generate-sessions",
        field="status",
    )
    assert_error(
        client.post(f"{API}/tournaments/{tournament_id}/complete"),
        409,
        "ENROLLMENT_CLOSED",
        "IN_PROGRESS",
    )
    tournament = get_tournament(client, tournament_id)
    assert tournament["status"] == "ENROLLMENT_CLOSED"
    assert tournament["sessions_generated"] is False
    assert all_sessions(client, tournament_id) == []

    generate_now(client, tournament_id)
    tournament = get_tournament(client, tournament_id)
    assert tournament["status"] == "IN_PROGRESS"
    assert tournament["sessions_generated"] is True
    assert stamp(tournament["sessions_generated_at"]) <= stamp(tournament["updated_at"])


def test_completed_only_through_complete(client: TestClient) -> None:
    tournament_id = tournament_in(client, "IN_PROGRESS")
    play_two_player_final(client, tournament_id)
    assert_error(
        change_status(client, tournament_id, "COMPLETED"),
        409,
        "IN_PROGRESS",
        "COMPLETED",
        "complete",
        field="status",
    )
    assert get_tournament(client, tournament_id)["completed_at"] is None
    completed = client.post(f"{API}/tournaments/{tournament_id}/complete")
    assert completed.status_code == 200, completed.text
    body = completed.json()
    assert body["status"] == "COMPLETED"
    assert body["completed_at"] is not None
    assert body["completed_at"] == body["updated_at"]


def test_reopening_enrollment_lets_more_players_in(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 3)
    assert_error(
        client.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"name": "Late"}),
        409,
        "ENROLLMENT_CLOSED",
    )
    assert change_status(client, tournament_id, "ENROLLMENT_OPEN").status_code == 200
    late = client.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"name": "Late"})
    assert late.status_code == 201, late.text
    assert late.json()["enrolled_count"] == 4
    assert change_status(client, tournament_id, "ENROLLMENT_CLOSED").status_code == 200
    generated = generate_now(client, tournament_id)
    assert generated["sessions_count"] == 4  # 3 matches and the third-place match


def test_cancelled_is_final(client: TestClient) -> None:
    tournament_id = tournament_in(client, "IN_PROGRESS")
    cancelled = change_status(client, tournament_id, "CANCELLED")
    assert cancelled.status_code == 200, cancelled.text
    before = get_tournament(client, tournament_id)
    assert before["status"] == "CANCELLED"
    for target in STATUSES:
        assert_error(change_status(client, tournament_id, target), 409, "CANCELLED")
    (session,) = all_sessions(client, tournament_id)
    refused = [
        client.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"name": "X"}),
        client.post(f"{API}/tournaments/{tournament_id}/generate-sessions"),
        client.post(f"{API}/tournaments/{tournament_id}/simulate-results"),
        client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings"),
        client.post(f"{API}/tournaments/{tournament_id}/complete"),
        client.post(
            f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result",
            json={"score_a": 1, "score_b": 0},
        ),
    ]
    for answer in refused:
        assert_error(answer, 409)
    assert get_tournament(client, tournament_id) == before
    assert all_sessions(client, tournament_id) == [session]


def test_completed_is_final(client: TestClient) -> None:
    tournament_id = tournament_in(client, "COMPLETED")
    before = get_tournament(client, tournament_id)
    for target in STATUSES:
        assert_error(change_status(client, tournament_id, target), 409, "COMPLETED")
    assert_error(client.post(f"{API}/tournaments/{tournament_id}/complete"), 409, "COMPLETED")
    assert_error(client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings"), 409)
    assert get_tournament(client, tournament_id) == before


def test_status_history_records_every_transition_in_order(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    assert change_status(client, tournament_id, "CANCELLED").status_code == 200
    history = client.get(f"{API}/tournaments/{tournament_id}/history")
    assert history.status_code == 200
    steps = [(h["from_status"], h["to_status"]) for h in history.json()]
    assert steps == [
        (None, "DRAFT"),
        ("DRAFT", "ENROLLMENT_OPEN"),
        ("ENROLLMENT_OPEN", "ENROLLMENT_CLOSED"),
        ("ENROLLMENT_CLOSED", "IN_PROGRESS"),
        ("IN_PROGRESS", "CANCELLED"),
    ]
    assert history.json()[3]["reason"] == "4 sessions"
    stamps = [datetime.fromisoformat(h["at"]) for h in history.json()]
    assert stamps == sorted(stamps)
    assert_error(client.get(f"{API}/tournaments/999/history"), 404, "does not exist")
