"""The admin token on every mutation, open reads, and 4xx answers that name the culprit."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bracketry.api.app import create_app
from bracketry.settings import Settings
from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    closed_tournament,
    generate_now,
    get_tournament,
)

MAX_ID = 2**31 - 1


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: tokens and request shapes are checked before the database is touched,
    so the PostgreSQL variants would repeat the same answers (the other modules run both)."""
    return f"sqlite:///{tmp_path / 'bracketry.db'}"


@pytest.fixture
def generated(client: TestClient) -> tuple[int, int]:
    """A generated 4-player tournament: (tournament id, id of a ready session)."""
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    session = next(s for s in all_sessions(client, tournament_id) if s["status"] == "ready")
    return tournament_id, session["id"]


def mutations(tournament_id: int, session_id: int) -> list[tuple[str, str, dict | None]]:
    """Every mutating route (method, path) with a body that would be accepted."""
    t = f"{API}/tournaments/{tournament_id}"
    s = f"{t}/sessions/{session_id}"
    heat = {"entries": [{"player_id": 1, "attempts": [1.0]}]}
    venue = {
        "name": "Hall",
        "time_zone": "UTC",
        "fields": 2,
        "hours": [{"date": "2030-01-01", "opens": "09:00", "closes": "18:00"}],
    }
    return [
        ("POST", f"{API}/tournaments", {"name": "Sneaky"}),
        ("POST", f"{API}/tournaments/import", {"bracketry": 1}),
        ("POST", f"{t}/status", {"status": "CANCELLED"}),
        ("POST", f"{t}/enrollments", {"name": "Sneaky"}),
        ("POST", f"{t}/enrollments/import", None),
        ("POST", f"{t}/generate-sessions", None),
        ("POST", f"{t}/simulate-results", {"seed": 1}),
        ("POST", f"{t}/calculate-rankings", None),
        ("POST", f"{t}/complete", None),
        ("POST", f"{s}/result", {"score_a": 1, "score_b": 0}),
        ("PUT", f"{s}/result", {"score_a": 0, "score_b": 1}),
        ("POST", f"{s}/heat-result", heat),
        ("PUT", f"{s}/heat-result", heat),
        ("POST", f"{t}/venues", venue),
        ("PUT", f"{t}/venues/9", venue),
        ("DELETE", f"{t}/venues/9", None),
        ("PUT", f"{t}/timing", {"match_minutes": 20}),
        ("POST", f"{t}/schedule", None),
        ("POST", f"{s}/overrun", {"ends_at": "2030-01-01T10:00:00+00:00"}),
        (
            "POST",
            f"{API}/tournaments/ops/run-scenario",
            {"player_count": 8, "simulation_mode": "auto"},
        ),
    ]


def snapshot(http: httpx.Client, tournament_id: int) -> tuple:
    return (
        http.get(f"{API}/tournaments").json()["total"],
        get_tournament(http, tournament_id),
        all_sessions(http, tournament_id),
    )


BAD_CREDENTIALS = [
    "",
    "Bearer",
    "Bearer ",
    "Bearer wrong-token",
    "Bearer test-admin-token-but-longer",
    "Basic dGVzdC1hZG1pbi10b2tlbg==",
    "test-admin-token",
    "Token test-admin-token",
]


def test_every_mutation_needs_the_admin_token(
    client: TestClient, generated: tuple[int, int], subtests: pytest.Subtests
) -> None:
    tournament_id, session_id = generated
    before = snapshot(client, tournament_id)
    for method, path, body in mutations(tournament_id, session_id):
        for credentials in BAD_CREDENTIALS:
            with subtests.test(path=path, authorization=credentials):
                answer = client.request(
                    method, path, json=body, headers={"Authorization": credentials}
                )
                assert_error(answer, 401, "admin token")
                assert answer.headers["www-authenticate"] == "Bearer"
    assert snapshot(client, tournament_id) == before


def test_a_client_without_any_header_is_refused(
    settings: Settings, generated: tuple[int, int], subtests: pytest.Subtests
) -> None:
    tournament_id, session_id = generated
    with TestClient(create_app(settings)) as anonymous:
        before = snapshot(anonymous, tournament_id)
        for method, path, body in mutations(tournament_id, session_id):
            with subtests.test(path=path):
                assert_error(anonymous.request(method, path, json=body), 401, "admin token")
        assert snapshot(anonymous, tournament_id) == before


def test_token_scheme_is_case_insensitive(client: TestClient) -> None:
    answer = client.post(
        f"{API}/tournaments",
        json={"name": "Lower-case scheme"},
        headers={"Authorization": "bearer test-admin-token"},
    )
    assert answer.status_code == 201, answer.text


def test_reads_are_open(
    client: TestClient, generated: tuple[int, int], subtests: pytest.Subtests
) -> None:
    tournament_id, session_id = generated
    t = f"{API}/tournaments/{tournament_id}"
    reads = [
        f"{API}/tournaments",
        t,
        f"{t}/enrollments",
        f"{t}/sessions",
        f"{t}/sessions/{session_id}",
        f"{t}/rankings",
        f"{t}/generation-status/sync-done",
        "/health/live",
        "/health/ready",
    ]
    for path in reads:
        for credentials in ("", "Bearer wrong-token"):
            with subtests.test(path=path, authorization=credentials):
                answer = client.get(path, headers={"Authorization": credentials})
                assert answer.status_code == 200, answer.text


def test_ids_out_of_range_are_422_naming_the_field(
    client: TestClient, generated: tuple[int, int], subtests: pytest.Subtests
) -> None:
    tournament_id, _ = generated
    for bad in (0, -1, MAX_ID + 1, "abc"):
        t = f"{API}/tournaments/{bad}"
        s = f"{API}/tournaments/{tournament_id}/sessions/{bad}"
        cases = [
            ("GET", t, None, "tournament_id"),
            ("GET", f"{t}/sessions", None, "tournament_id"),
            ("GET", f"{t}/enrollments", None, "tournament_id"),
            ("GET", f"{t}/rankings", None, "tournament_id"),
            ("GET", f"{t}/generation-status/sync-done", None, "tournament_id"),
            ("POST", f"{t}/status", {"status": "CANCELLED"}, "tournament_id"),
            ("POST", f"{t}/enrollments", {"name": "X"}, "tournament_id"),
            ("POST", f"{t}/generate-sessions", None, "tournament_id"),
            ("POST", f"{t}/calculate-rankings", None, "tournament_id"),
            ("POST", f"{t}/complete", None, "tournament_id"),
            ("GET", s, None, "session_id"),
            ("POST", f"{s}/result", {"score_a": 1, "score_b": 0}, "session_id"),
        ]
        for method, path, body, field in cases:
            with subtests.test(method=method, path=path):
                answer = client.request(method, path, json=body)
                words = field.replace("_", " ")
                error = assert_error(answer, 422, words, field=field)
                assert error["detail"].startswith(f"{words} must be"), error
    # the largest id is valid: it is simply unknown
    assert_error(client.get(f"{API}/tournaments/{MAX_ID}"), 404, field="tournament_id")
    assert_error(
        client.get(f"{API}/tournaments/{tournament_id}/sessions/{MAX_ID}"), 404, field="session_id"
    )
    assert get_tournament(client, tournament_id)["status"] == "IN_PROGRESS"


def test_body_values_are_validated(
    client: TestClient, generated: tuple[int, int], subtests: pytest.Subtests
) -> None:
    tournament_id, session_id = generated
    t = f"{API}/tournaments/{tournament_id}"
    scenario = f"{API}/tournaments/ops/run-scenario"
    cases = [
        (f"{t}/status", {"status": "FINISHED"}, "status"),
        (f"{t}/status", {"status": "in_progress"}, "status"),
        (f"{t}/status", {}, "status"),
        (f"{t}/simulate-results", {"seed": -1}, "seed"),
        (f"{t}/simulate-results", {"seed": 2**63}, "seed"),
        (f"{t}/simulate-results", {"seed": "lucky"}, "seed"),
        (f"{t}/generate-sessions", {"simulation_mode": "turbo"}, "simulation_mode"),
        (f"{t}/sessions/{session_id}/result", {"outcome": "walkover"}, "outcome"),
        (f"{t}/sessions/{session_id}/result", {"winner_id": 0}, "winner_id"),
        (f"{t}/sessions/{session_id}/result", {"score_a": 1_000_001, "score_b": 0}, "score_a"),
        (scenario, {"player_count": 1}, "player_count"),
        (scenario, {"player_count": 2**20 + 1, "confirmed": True}, "player_count"),
        (scenario, {"player_count": 8, "tournament_format": "ladder"}, "tournament_format"),
        (scenario, {"player_count": 8, "scenario": "chaos"}, "scenario"),
        (scenario, {"player_count": 8, "simulation_mode": "x"}, "simulation_mode"),
        (scenario, {"player_count": 8, "seed": -5}, "seed"),
    ]
    before = snapshot(client, tournament_id)
    for path, body, field in cases:
        with subtests.test(path=path, body=body):
            assert_error(client.post(path, json=body), 422, field=field)
    assert snapshot(client, tournament_id) == before


def test_unknown_fields_in_bodies_are_422(
    client: TestClient, generated: tuple[int, int], subtests: pytest.Subtests
) -> None:
    tournament_id, session_id = generated
    t = f"{API}/tournaments/{tournament_id}"
    cases = [
        (f"{API}/tournaments", {"name": "X", "colour": "red"}, "colour"),
        (
            f"{API}/tournaments",
            {"name": "X", "config": {"bracket_style": "random"}},
            "config.bracket_style",
        ),
        (f"{t}/status", {"status": "CANCELLED", "force": True}, "force"),
        (f"{t}/generate-sessions", {"simulation_mode": "auto", "fast": True}, "fast"),
        (f"{t}/simulate-results", {"seed": 1, "rounds": 2}, "rounds"),
        (f"{t}/sessions/{session_id}/result", {"score_a": 1, "score_b": 0, "mvp": 3}, "mvp"),
        (f"{API}/tournaments/ops/run-scenario", {"player_count": 8, "speed": 2}, "speed"),
    ]
    before = snapshot(client, tournament_id)
    for path, body, field in cases:
        with subtests.test(path=path, body=body):
            assert_error(client.post(path, json=body), 422, "not permitted", field=field)
    assert snapshot(client, tournament_id) == before


def test_malformed_json_is_422(client: TestClient) -> None:
    answer = client.post(
        f"{API}/tournaments", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_error(answer, 422)
    assert client.get(f"{API}/tournaments").json()["total"] == 0


def test_unknown_tournament_is_404(client: TestClient, subtests: pytest.Subtests) -> None:
    t = f"{API}/tournaments/9999"
    cases = [
        ("GET", t, None),
        ("GET", f"{t}/enrollments", None),
        ("GET", f"{t}/sessions", None),
        ("GET", f"{t}/rankings", None),
        ("GET", f"{t}/generation-status/sync-done", None),
        ("POST", f"{t}/status", {"status": "CANCELLED"}),
        ("POST", f"{t}/enrollments", {"name": "X"}),
        ("POST", f"{t}/generate-sessions", None),
        ("POST", f"{t}/simulate-results", None),
        ("POST", f"{t}/calculate-rankings", None),
        ("POST", f"{t}/complete", None),
        ("POST", f"{t}/sessions/1/result", {"score_a": 1, "score_b": 0}),
    ]
    for method, path, body in cases:
        with subtests.test(method=method, path=path):
            answer = client.request(method, path, json=body)
            assert_error(answer, 404, "9999", field="tournament_id")


def test_unknown_task_is_404(
    client: TestClient, generated: tuple[int, int], subtests: pytest.Subtests
) -> None:
    tournament_id, _ = generated
    other = closed_tournament(client, 2)
    status = f"{API}/tournaments/{tournament_id}/generation-status"
    own = client.get(f"{status}/sync-done")
    assert own.status_code == 200, own.text
    own_task = own.json()["task_id"]
    cases = [
        (f"{status}/3f2504e0-4f89-11d3-9a0c-0305e82c3301", 404),
        (f"{status}/unknown-task", 404),
        # another tournament's task, and a tournament without any job
        (f"{API}/tournaments/{other}/generation-status/{own_task}", 404),
        (f"{API}/tournaments/{other}/generation-status/sync-done", 404),
        (f"{status}/{'a' * 37}", 422),
        (f"{status}/bad_task!", 422),
    ]
    for path, status_code in cases:
        with subtests.test(path=path):
            error = assert_error(client.get(path), status_code)
            assert error["field"] == "task_id", error
    assert client.get(f"{status}/{own_task}").json() == own.json()


def test_large_scenario_needs_confirmation(client: TestClient, subtests: pytest.Subtests) -> None:
    for count in (128, 129, 1024):
        with subtests.test(player_count=count):
            answer = client.post(
                f"{API}/tournaments/ops/run-scenario",
                json={"player_count": count, "confirmed": False},
            )
            assert_error(answer, 422, "128", field="confirmed")
            answer = client.post(
                f"{API}/tournaments/ops/run-scenario", json={"player_count": count}
            )
            assert_error(answer, 422, field="confirmed")
    assert client.get(f"{API}/tournaments").json()["total"] == 0
    small = client.post(
        f"{API}/tournaments/ops/run-scenario",
        json={"player_count": 127, "simulation_mode": "manual"},
    )
    assert small.status_code == 200, small.text
    assert small.json()["task_id"] == "sync-done"
    assert client.get(f"{API}/tournaments").json()["total"] == 1


def test_dry_run_creates_nothing(client: TestClient) -> None:
    existing = closed_tournament(client, 2)
    before = client.get(f"{API}/tournaments").json()
    answer = client.post(
        f"{API}/tournaments/ops/run-scenario",
        json={"player_count": 4096, "confirmed": True, "dry_run": True},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "DRY_RUN"
    assert body["tournament_id"] is None
    assert body["task_id"] is None
    assert body["enrolled_count"] == 0
    assert body["session_count"] == 0
    assert "4096" in body["message"]
    assert "in the background" in body["message"]
    assert client.get(f"{API}/tournaments").json() == before
    assert before["total"] == 1
    assert client.get(f"{API}/tournaments/{existing + 1}").status_code == 404
