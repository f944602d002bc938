"""GET /tournaments/{id}/rights tells the manage page what the token it holds may do to that
tournament, by the checks the changes themselves apply."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.accounts_helpers import as_user, bearer
from tests.api.helpers import API, assert_error

NOBODY = {"owner": False, "manage": False, "record_results": False}
EVERYTHING = {"owner": True, "manage": True, "record_results": True}


def _rights(client: TestClient, tournament_id: int, headers: dict[str, str]) -> dict:
    answer = client.get(f"{API}/tournaments/{tournament_id}/rights", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return {k: body[k] for k in ("owner", "manage", "record_results")}


def test_rights_follow_the_checks_of_the_changes(client: TestClient) -> None:
    _, organizer = as_user(client, "org", "organizer")
    _, stranger = as_user(client, "other", "organizer")
    referee, as_referee = as_user(client, "ref", "referee")
    made = client.post(
        f"{API}/tournaments", json={"name": "Cup", "format": "knockout"}, headers=organizer
    )
    assert made.status_code == 201, made.text
    tid = made.json()["id"]
    assigned = client.put(f"{API}/tournaments/{tid}/referees/{referee['id']}", headers=organizer)
    assert assigned.status_code == 204, assigned.text

    assert _rights(client, tid, {}) == EVERYTHING  # the admin token
    assert _rights(client, tid, organizer) == EVERYTHING
    assert _rights(client, tid, stranger) == NOBODY
    assert _rights(client, tid, as_referee) == {**NOBODY, "record_results": True}
    expected = {
        "read": {**NOBODY, "owner": True},
        "results": {**NOBODY, "owner": True, "record_results": True},
        "full": EVERYTHING,
    }
    for scope, rights in expected.items():
        key = client.post(
            f"{API}/auth/api-keys", json={"name": scope, "scope": scope}, headers=organizer
        ).json()["key"]
        assert _rights(client, tid, bearer(key)) == rights, scope
        # What the answer promises, the API does: a rename needs the organizer's rights.
        renamed = client.patch(
            f"{API}/tournaments/{tid}", json={"name": f"Cup {scope}"}, headers=bearer(key)
        )
        assert renamed.status_code == (200 if rights["manage"] else 403), renamed.text


def test_rights_refuse_nobody_signed_in_and_unknown_tournaments(client: TestClient) -> None:
    assert_error(client.get(f"{API}/tournaments/1/rights", headers={"Authorization": ""}), 401)
    assert_error(client.get(f"{API}/tournaments/999/rights"), 404)
    assert_error(client.get(f"{API}/tournaments/abc/rights"), 422, field="tournament_id")
