"""Limits and headers: body size (413), security headers, CORS closed unless configured."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from bracketry.api.app import create_app
from bracketry.settings import Settings
from tests.api.helpers import API, assert_error
from tests.conftest import AUTH


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
    small = settings.model_copy(update={"max_body_bytes": 2048})
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
