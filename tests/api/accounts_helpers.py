"""Helpers for tests with accounts: create users of each role and sign them in."""

from __future__ import annotations

import httpx

from tests.api.helpers import API

PASSWORD = "correct horse battery"


def make_user(http: httpx.Client, username: str, role: str, name: str | None = None) -> dict:
    """An account created by the admin (``http`` carries the admin token)."""
    body = {"username": username, "password": PASSWORD, "role": role}
    if name:
        body["name"] = name
    answer = http.post(f"{API}/users", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def sign_in(http: httpx.Client, username: str, password: str = PASSWORD) -> dict:
    """The token pair of a password sign-in."""
    answer = http.post(
        f"{API}/auth/token",
        data={"username": username, "password": password},
        headers={"Authorization": ""},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def bearer(token: str) -> dict[str, str]:
    """The header carrying ``token``."""
    return {"Authorization": f"Bearer {token}"}


def as_user(http: httpx.Client, username: str, role: str) -> tuple[dict, dict[str, str]]:
    """A new account of ``role`` and the header of its access token."""
    user = make_user(http, username, role)
    return user, bearer(sign_in(http, username)["access_token"])
