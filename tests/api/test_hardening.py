"""Limits and headers: body size by caller and route (413), security headers, CORS closed
unless configured, no secret in the audit log. Slow clients: tests/production/
test_slow_clients.py."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi.testclient import TestClient

from bracketry.api.app import create_app
from bracketry.api.deps import _request_text
from bracketry.api.hardening import BULK_ROUTES
from bracketry.settings import Settings
from tests.api.accounts_helpers import PASSWORD, as_user, make_user
from tests.api.helpers import API, assert_error, create_open_tournament
from tests.conftest import AUTH

ANONYMOUS = {"Authorization": ""}


def test_every_answer_has_the_security_headers(client: TestClient) -> None:
    for path in (f"{API}/tournaments", "/", f"{API}/tournaments/999"):
        answer = client.get(path)
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "content-security-policy" not in client.get("/docs").headers


def test_cors_is_closed_by_default(client: TestClient) -> None:
    preflight = client.options(
        f"{API}/tournaments",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get(f"{API}/tournaments", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_opens_only_to_configured_origins(settings: Settings) -> None:
    opened = settings.model_copy(update={"cors_origins": ["https://club.example"]})
    with TestClient(create_app(opened), headers=AUTH) as client:
        ok = client.get(f"{API}/tournaments", headers={"Origin": "https://club.example"})
        assert ok.headers["access-control-allow-origin"] == "https://club.example"
        other = client.get(f"{API}/tournaments", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_oversized_bodies_are_refused_with_413_and_nothing_is_written(settings: Settings) -> None:
    small = settings.model_copy(update={"default_body_bytes": 2048})
    with TestClient(create_app(small), headers=AUTH) as client:
        big = {"name": "x" * 5000}
        assert_error(client.post(f"{API}/tournaments", json=big), 413, "larger", field="body")

        def chunks() -> Iterator[bytes]:
            yield b'{"name": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'"}'

        streamed = client.post(
            f"{API}/tournaments", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert_error(streamed, 413, field="body")
        assert client.get(f"{API}/tournaments").json()["total"] == 0
        fine = client.post(f"{API}/tournaments", json={"name": "fits"})
        assert fine.status_code == 201, fine.text


def test_a_caller_not_signed_in_gets_the_anonymous_limit(client: TestClient) -> None:
    big = {"name": "x" * (2 * 1024 * 1024)}
    for headers in (ANONYMOUS, {"Authorization": "Bearer not-a-token"}):
        refused = client.post(f"{API}/tournaments", json=big, headers=headers)
        assert_error(refused, 413, "65536", "not signed in", field="body")

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(100):
            yield b"y" * 1000
        yield b'"}'

    streamed = client.post(
        f"{API}/tournaments",
        content=chunks(),
        headers={**ANONYMOUS, "Content-Type": "application/json"},
    )
    assert_error(streamed, 413, field="body")
    small = client.post(f"{API}/tournaments", json={"name": "x"}, headers=ANONYMOUS)
    assert_error(small, 401)
    assert client.get(f"{API}/tournaments").json()["total"] == 0


def test_sign_up_sign_in_and_refresh_work_without_credentials(client: TestClient) -> None:
    joined = client.post(
        f"{API}/auth/register",
        json={"username": "newbie", "password": PASSWORD, "name": "Newbie"},
        headers=ANONYMOUS,
    )
    assert joined.status_code == 201, joined.text
    pair = client.post(
        f"{API}/auth/token", data={"username": "newbie", "password": PASSWORD}, headers=ANONYMOUS
    )
    assert pair.status_code == 200, pair.text
    renewed = client.post(
        f"{API}/auth/refresh",
        json={"refresh_token": pair.json()["refresh_token"]},
        headers=ANONYMOUS,
    )
    assert renewed.status_code == 200, renewed.text


def test_bulk_routes_take_large_bodies_from_the_callers_they_admit(settings: Settings) -> None:
    tight = settings.model_copy(update={"default_body_bytes": 64 * 1024})
    with TestClient(create_app(tight), headers=AUTH) as client:
        tournament_id = create_open_tournament(client, max_players=10_000)
        players = [{"name": f"Player {i}", "rating": 1000 + i % 2000} for i in range(5000)]
        body = {"players": players}
        assert len(json.dumps(body)) > 64 * 1024
        path = f"{API}/tournaments/{tournament_id}/enrollments"
        _user, player = as_user(client, "pat", "player")
        assert_error(client.post(path, json=body, headers=player), 413, "65536", field="body")
        enrolled = client.post(path, json=body)
        assert enrolled.status_code == 201, enrolled.text
        assert client.get(f"{API}/tournaments/{tournament_id}").json()["enrolled_count"] == 5000
        ordinary = client.post(f"{API}/tournaments", json={"name": "x", "pad": "y" * 70_000})
        assert_error(ordinary, 413, "65536", field="body")


def test_every_bulk_route_exists() -> None:
    paths = create_app(Settings()).openapi()["paths"]
    assert all("post" in paths.get(route, {}) for route in BULK_ROUTES), sorted(BULK_ROUTES)


def test_no_password_reaches_the_audit_log_however_padded(client: TestClient) -> None:
    secret = "Sw0rdfish-in-the-log"
    padded = json.dumps({"username": "padded", "password": secret, "name": "Pad"}, indent=20_000)
    assert 16_000 < len(padded) < 64 * 1024
    joined = client.post(
        f"{API}/auth/register",
        content=padded,
        headers={**ANONYMOUS, "Content-Type": "application/json"},
    )
    assert joined.status_code == 201, joined.text
    user = make_user(client, "admined", "player")
    change = json.dumps({"password": secret + "2"}) + " " * 40_000
    patched = client.patch(
        f"{API}/users/{user['id']}", content=change, headers={"Content-Type": "application/json"}
    )
    assert patched.status_code == 200, patched.text
    log = client.get(f"{API}/audit", params={"limit": 1000})
    assert log.status_code == 200, log.text
    assert secret not in log.text
    requests = [e["request"] for e in log.json()["items"] if e["request"]]
    assert {"username": "padded", "password": "***", "name": "Pad"} in requests
    assert {"password": "***"} in requests


def test_request_texts_for_the_log_never_hold_a_secret_field() -> None:
    nested = json.dumps({"a": {"api_token": "t1", "items": [{"client_secret": "s1"}]}})
    assert json.loads(_request_text(nested.encode()) or "") == {
        "a": {"api_token": "***", "items": [{"client_secret": "***"}]}
    }
    bulk = json.dumps({"players": [{"name": "P"}] * 3000}).encode()
    assert _request_text(bulk, bulk=True) == bulk[:4000].decode()
    for risky in (
        json.dumps({"players": [], "Refresh_Token": "r"}).encode(),
        b'{"pass\\u0077ord": "hidden"}' + b" " * 70_000,
        b"username=a&password=hunter2",
    ):
        assert _request_text(risky, bulk=True) == f"<{len(risky)} bytes, not kept>"
    assert _request_text(b"username=a&password=hunter2") == "<27 bytes, not kept>"
