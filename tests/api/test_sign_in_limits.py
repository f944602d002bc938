"""Sign-in limits that hold under parallel load: the attempts of a name and address, and of an
address alone, are counted before the password is checked, and password hashing runs in a
bounded number of slots per process (argon2 never takes the threads reads need).

The password checks are counted by wrapping the hasher's verify call; the database is real."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bracketry.api.app import create_app
from bracketry.service import accounts
from bracketry.settings import Settings
from tests.api.accounts_helpers import PASSWORD, make_user, sign_in
from tests.api.helpers import API, assert_error
from tests.conftest import AUTH

ANONYMOUS = {"Authorization": ""}
PARALLEL = 30


class InFlight:
    """Counts the calls of a wrapped function and the most that ran at once."""

    def __init__(self) -> None:
        self.calls = 0
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.calls += 1
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                return function(*args, **kwargs)
            finally:
                with self._lock:
                    self.running -= 1

        return counted


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[InFlight]:
    """Every password check (argon2 verify) and hash of this process, counted."""
    counter = InFlight()
    hasher = accounts._hasher
    monkeypatch.setattr(hasher, "verify_and_update", counter.wrap(hasher.verify_and_update))
    monkeypatch.setattr(hasher, "hash", counter.wrap(hasher.hash))
    yield counter


def _token(http: httpx.Client, username: str, password: str) -> httpx.Response:
    return http.post(
        f"{API}/auth/token",
        data={"username": username, "password": password},
        headers=ANONYMOUS,
    )


def test_parallel_wrong_passwords_are_checked_at_most_the_limit(
    live_server: httpx.Client, checks: InFlight
) -> None:
    make_user(live_server, "eve", "player")
    checks.calls = 0
    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(
            pool.map(lambda _: _token(live_server, "eve", "wrong-pass"), range(PARALLEL))
        )
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {401, 429}, statuses
    assert checks.calls <= 10, f"{checks.calls} of {PARALLEL} passwords were checked"
    assert statuses.count(401) == checks.calls
    assert statuses.count(429) == PARALLEL - checks.calls
    # The right password is refused too while the failures last.
    assert_error(_token(live_server, "eve", PASSWORD), 429, "too many", field="username")


def test_new_names_from_one_address_are_limited_too(settings: Settings, checks: InFlight) -> None:
    limited = settings.model_copy(update={"login_attempts_per_address": 5})
    with TestClient(create_app(limited), headers=AUTH) as client:
        make_user(client, "fay", "player")
        checks.calls = 0
        for n in range(5):
            assert_error(_token(client, f"nobody{n}", "wrong-pass"), 401)
        refused = _token(client, "nobody-else", "wrong-pass")
        assert_error(refused, 429, "too many", field="username")
        assert int(refused.headers["retry-after"]) >= 1
        assert checks.calls == 5
        assert_error(_token(client, "fay", PASSWORD), 429, "too many")


def test_a_success_does_not_use_up_the_address_limit(settings: Settings) -> None:
    limited = settings.model_copy(update={"login_attempts_per_address": 3})
    with TestClient(create_app(limited), headers=AUTH) as client:
        make_user(client, "gil", "player")
        for _ in range(5):
            assert sign_in(client, "gil")["access_token"]
        assert_error(_token(client, "ghost", "wrong-pass"), 401)


def test_password_hashing_runs_in_bounded_slots(settings: Settings, checks: InFlight) -> None:
    """Parallel sign-ups, sign-ins and password changes: at most ``password_hash_slots``
    argon2 computations at once in the process."""
    bounded = settings.model_copy(update={"password_hash_slots": 2})
    with TestClient(create_app(bounded), headers=AUTH) as client:
        users = [make_user(client, f"racer{n}", "organizer") for n in range(4)]
        checks.most = 0

        def one(n: int) -> int:
            kind = n % 3
            if kind == 0:
                body = {"username": f"new{n}", "password": PASSWORD, "name": f"New {n}"}
                return client.post(f"{API}/auth/register", json=body, headers=ANONYMOUS).status_code
            if kind == 1:
                return _token(client, f"stranger{n}", "wrong-pass").status_code
            user = users[n % len(users)]
            change = {"password": f"{PASSWORD} {n}"}
            return client.patch(f"{API}/users/{user['id']}", json=change).status_code

        with ThreadPoolExecutor(12) as pool:
            statuses = list(pool.map(one, range(12)))
    assert set(statuses) <= {200, 201, 401}, statuses
    assert 1 <= checks.most <= 2, f"{checks.most} password hashes ran at once"
