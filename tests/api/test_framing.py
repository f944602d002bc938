"""Framing: by default nothing may be framed; with BRACKETRY_FRAME_ANCESTORS the public page
of a tournament (only it) may be framed by those origins; a bad origin stops the start."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bracketry.api.app import create_app
from bracketry.settings import Settings
from tests.api.helpers import API, create_open_tournament
from tests.conftest import AUTH

CLUBS = "https://club.example  https://*.League.example:8443/"


def denied(answer: httpx.Response) -> bool:
    policy = answer.headers.get("content-security-policy", "frame-ancestors 'none'")
    return answer.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in policy


def other_paths(tournament_id: int) -> list[str]:
    return [
        "/",
        "/me",
        "/players/1",
        "/tournaments/new",
        f"/tournaments/{tournament_id}",
        f"/tournaments/{tournament_id}/manage",
        f"/t/{tournament_id}/extra",
        "/t/999999",  # not a tournament: the not-found page
        f"{API}/tournaments",
        f"{API}/tournaments/{tournament_id}",
        f"{API}/tournaments/{tournament_id}/monitor",
        "/docs",
        "/static/common.js",
    ]


def test_nothing_is_framed_by_default(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    for path in [f"/t/{tournament_id}", *other_paths(tournament_id)]:
        assert denied(client.get(path)), path


def test_the_public_page_is_framed_only_by_the_configured_origins(settings: Settings) -> None:
    opened = Settings(**{**settings.model_dump(), "frame_ancestors": CLUBS})
    assert opened.frame_ancestors == ["https://club.example", "https://*.league.example:8443"]
    with TestClient(create_app(opened), headers=AUTH) as client:
        tournament_id = create_open_tournament(client)
        public = client.get(f"/t/{tournament_id}")
        assert public.status_code == 200
        assert "x-frame-options" not in public.headers
        policy = public.headers["content-security-policy"]
        assert "frame-ancestors https://club.example https://*.league.example:8443;" in policy
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" not in policy
        for path in other_paths(tournament_id):
            assert denied(client.get(path)), path


@pytest.mark.parametrize(
    "value",
    [
        "club.example",
        "ftp://club.example",
        "https://club.example/embed",
        "https://club.example?x=1",
        "*",
        "'none'",
        "https://club.example; script-src *",
        "https://",
    ],
)
def test_a_bad_origin_stops_the_start_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("BRACKETRY_FRAME_ANCESTORS", f"https://ok.example {value}")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert "BRACKETRY_FRAME_ANCESTORS" in str(caught.value)
    assert "is not an origin" in str(caught.value)


def test_origins_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRACKETRY_FRAME_ANCESTORS", " https://A.example http://b.example:8080 ")
    assert Settings().frame_ancestors == ["https://a.example", "http://b.example:8080"]
    monkeypatch.setenv("BRACKETRY_FRAME_ANCESTORS", "")
    assert Settings().frame_ancestors == []


def test_origins_may_come_as_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The form list settings take elsewhere (and what a parent process passes on): a
    regression, '[]' used to stop the start."""
    monkeypatch.setenv("BRACKETRY_FRAME_ANCESTORS", "[]")
    assert Settings().frame_ancestors == []
    monkeypatch.setenv("BRACKETRY_FRAME_ANCESTORS", '["https://A.example"]')
    assert Settings().frame_ancestors == ["https://a.example"]
    monkeypatch.setenv("BRACKETRY_FRAME_ANCESTORS", '["https://a.example"')
    with pytest.raises(ValidationError, match="BRACKETRY_FRAME_ANCESTORS"):
        Settings()
