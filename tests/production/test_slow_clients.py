"""Slow and stalled clients against a real uvicorn server, over raw sockets: a connection
that stops sending never holds a write slot, half-sent headers are cut after
``header_timeout_s``, a stalled body gets 408 after ``body_timeout_s``, and a large body
from a caller who is not signed in gets 413 before the server reads it."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from bracketry.settings import Settings
from tests.api.accounts_helpers import PASSWORD, bearer
from tests.api.helpers import API, create_open_tournament
from tests.conftest import ADMIN_TOKEN

CLIENT_TIMEOUT_S = 10.0
"""How long a test client waits for an answer: far above any timeout the server is given."""
STALLED = 4
HALF_HEADERS = 20


@pytest.fixture
def timeouts() -> dict[str, float]:
    """The settings a test changes (parametrise ``timeouts`` to change them)."""
    return {}


@pytest.fixture
def settings(database_url: str, timeouts: dict[str, float]) -> Settings:
    """The conftest settings with the test's own timeouts."""
    return Settings(database_url=database_url, admin_token=ADMIN_TOKEN, **timeouts)


def _address(http: httpx.Client) -> tuple[str, int]:
    url = http.base_url
    return url.host, url.port or 80


@contextmanager
def _raw(http: httpx.Client, head: bytes) -> Iterator[socket.socket]:
    """A connection to the server that has sent ``head`` and nothing more."""
    sock = socket.create_connection(_address(http), timeout=CLIENT_TIMEOUT_S)
    try:
        if head:
            sock.sendall(head)
        yield sock
    finally:
        sock.close()


def _answer(sock: socket.socket) -> bytes:
    """All the server sends until it closes the connection (or the client timeout passes:
    then the test fails, naming the connection as still open)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open; it sent {received[:200]!r}")
    return received


def _player_token(http: httpx.Client, username: str) -> str:
    """A player who signed themselves up (anyone can) and signed in."""
    anonymous = {"Authorization": ""}
    joined = http.post(
        f"{API}/auth/register",
        json={"username": username, "password": PASSWORD, "name": username},
        headers=anonymous,
    )
    assert joined.status_code == 201, joined.text
    tokens = http.post(
        f"{API}/auth/token", data={"username": username, "password": PASSWORD}, headers=anonymous
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()["access_token"]


def _stalled_join(tournament_id: int, token: str) -> bytes:
    """A join that declares a 10-byte body and never sends it."""
    return (
        f"POST {API}/tournaments/{tournament_id}/join HTTP/1.1\r\nHost: test\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: 10\r\n\r\n"
    ).encode()


@pytest.mark.parametrize("timeouts", [{"body_timeout_s": 120.0}])
def test_stalled_bodies_never_hold_the_write_slots(live_server: httpx.Client) -> None:
    tournament_id = create_open_tournament(live_server)
    token = _player_token(live_server, "staller")
    with ExitStack() as stack:
        for _ in range(STALLED):  # as many as there are write slots (max_concurrent_writes)
            stack.enter_context(_raw(live_server, _stalled_join(tournament_id, token)))
        time.sleep(0.5)  # let the server take them in: not a measurement
        created = live_server.post(
            f"{API}/tournaments", json={"name": "Admin cup"}, timeout=CLIENT_TIMEOUT_S
        )
        assert created.status_code == 201, created.text
        joined = live_server.post(
            f"{API}/tournaments/{tournament_id}/join",
            headers=bearer(_player_token(live_server, "prompt")),
            timeout=CLIENT_TIMEOUT_S,
        )
        assert joined.status_code == 201, joined.text


@pytest.mark.parametrize("timeouts", [{"body_timeout_s": 1.0}])
def test_a_stalled_body_gets_408_and_is_closed(live_server: httpx.Client) -> None:
    tournament_id = create_open_tournament(live_server)
    token = _player_token(live_server, "staller")
    with ExitStack() as stack:
        stalled = [
            stack.enter_context(_raw(live_server, _stalled_join(tournament_id, token)))
            for _ in range(STALLED)
        ]
        for sock in stalled:
            answer = _answer(sock)
            assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
            assert b"body" in answer
    tournament = live_server.get(f"{API}/tournaments/{tournament_id}").json()
    assert tournament["enrolled_count"] == 0  # nothing stalled was carried out


@pytest.mark.parametrize("timeouts", [{"header_timeout_s": 1.0}])
def test_half_sent_headers_are_cut_off(live_server: httpx.Client) -> None:
    half = f"POST {API}/tournaments HTTP/1.1\r\nHost: test\r\nContent-Ty".encode()
    with ExitStack() as stack:
        idle = [stack.enter_context(_raw(live_server, half)) for _ in range(HALF_HEADERS)]
        idle.append(stack.enter_context(_raw(live_server, b"")))  # sends nothing at all
        for sock in idle:
            assert _answer(sock) == b""
    assert live_server.get(f"{API}/tournaments").status_code == 200  # still serving


@pytest.mark.parametrize("timeouts", [{"header_timeout_s": 1.0}])
def test_half_sent_headers_after_an_answer_are_cut_off(live_server: httpx.Client) -> None:
    first = b"GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n"
    with _raw(live_server, first) as sock:
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        sock.sendall(b"GET /health/live HTTP/1.1\r\nHo")  # the next request, never finished
        _answer(sock)  # closed: keep-alive alone never ends a connection that trickles


def test_a_large_anonymous_body_is_refused_before_it_is_read(live_server: httpx.Client) -> None:
    size = 2 * 1024 * 1024
    head = (
        f"POST {API}/tournaments HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    with _raw(live_server, head + b'{"name": "') as sock:  # the rest is never sent
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"65536" in answer
    assert live_server.get(f"{API}/tournaments").json()["total"] == 0
