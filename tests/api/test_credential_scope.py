"""GET /auth/credential tells a page what the token it holds may do: the admin token, a
password sign-in, and API keys of each scope."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.accounts_helpers import as_user, bearer
from tests.api.helpers import API, assert_error


def test_each_credential_says_what_it_may_do(client: TestClient) -> None:
    path = f"{API}/auth/credential"
    admin = client.get(path)
    assert admin.status_code == 200, admin.text
    assert admin.json() == {"role": "admin", "user_id": None, "via": "admin-token", "scope": "full"}
    user, signed_in = as_user(client, "org", "organizer")
    answer = client.get(path, headers=signed_in).json()
    assert answer == {"role": "organizer", "user_id": user["id"], "via": "jwt", "scope": "full"}
    for scope in ("read", "results", "full"):
        key = client.post(
            f"{API}/auth/api-keys", json={"name": scope, "scope": scope}, headers=signed_in
        ).json()["key"]
        answer = client.get(path, headers=bearer(key))
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "role": "organizer",
            "user_id": user["id"],
            "via": "api-key",
            "scope": scope,
        }
    assert_error(client.get(path, headers={"Authorization": ""}), 401)
    assert_error(client.get(path, headers=bearer("bk_not-a-key")), 401)
