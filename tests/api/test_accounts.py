"""Accounts end to end over HTTP: sign-up, sign-in, refresh, API keys, roles, ownership,
referees, the login limit and the audit log."""

from __future__ import annotations

import jwt
from fastapi.testclient import TestClient

from bracketry.api.app import create_app
from bracketry.settings import Settings
from tests.api.accounts_helpers import PASSWORD, as_user, bearer, make_user, sign_in
from tests.api.helpers import API, all_sessions, assert_error, enroll_players, generate_now
from tests.conftest import AUTH

ANONYMOUS = {"Authorization": ""}


def test_a_player_signs_up_signs_in_and_refreshes(client: TestClient) -> None:
    signed_up = client.post(
        f"{API}/auth/register",
        json={"username": "Ada", "password": PASSWORD, "name": "Ada Lovelace"},
        headers=ANONYMOUS,
    )
    assert signed_up.status_code == 201, signed_up.text
    user = signed_up.json()
    assert user["username"] == "ada" and user["role"] == "player" and user["player_id"]
    assert "password" not in signed_up.text and "hash" not in signed_up.text
    pair = sign_in(client, "ADA")
    me = client.get(f"{API}/auth/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200 and me.json() == user
    renewed = client.post(
        f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]}, headers=ANONYMOUS
    )
    assert renewed.status_code == 200, renewed.text
    assert client.get(f"{API}/auth/me", headers=bearer(renewed.json()["access_token"])).json() == (
        user
    )
    # A refresh token is no access token, and the other way round.
    assert_error(client.get(f"{API}/auth/me", headers=bearer(pair["refresh_token"])), 401)
    wrong = client.post(
        f"{API}/auth/refresh", json={"refresh_token": pair["access_token"]}, headers=ANONYMOUS
    )
    assert_error(wrong, 401, "refresh token")
    player = client.get(f"{API}/players/{user['player_id']}/ratings").json()
    assert player["name"] == "Ada Lovelace"


def test_bad_sign_ups_and_sign_ins_are_refused(client: TestClient) -> None:
    make_user(client, "bob", "player")
    taken = client.post(
        f"{API}/auth/register",
        json={"username": "BOB", "password": PASSWORD, "name": "Bob"},
        headers=ANONYMOUS,
    )
    assert_error(taken, 409, "taken", field="username")
    for body, field in (
        ({"username": "x", "password": PASSWORD, "name": "X"}, "username"),
        ({"username": "bad name!", "password": PASSWORD, "name": "X"}, "username"),
        ({"username": "carol", "password": "short", "name": "X"}, "password"),
        ({"username": "carol", "password": PASSWORD, "name": ""}, "name"),
        ({"username": "carol", "password": PASSWORD, "name": "C", "role": "admin"}, "role"),
    ):
        answer = client.post(f"{API}/auth/register", json=body, headers=ANONYMOUS)
        assert_error(answer, 422, field=field)
    wrong = client.post(
        f"{API}/auth/token", data={"username": "bob", "password": "nope-nope"}, headers=ANONYMOUS
    )
    assert_error(wrong, 401, "wrong username or password", field="username")
    nobody = client.post(
        f"{API}/auth/token", data={"username": "ghost", "password": PASSWORD}, headers=ANONYMOUS
    )
    assert nobody.json() == wrong.json()
    missing = client.post(f"{API}/auth/token", data={"username": "bob"}, headers=ANONYMOUS)
    assert_error(missing, 422, field="password")


def test_forged_expired_and_disabled_tokens_are_refused(client: TestClient) -> None:
    user, header = as_user(client, "dora", "organizer")
    forged = jwt.encode(
        {"sub": str(user["id"]), "typ": "access", "exp": 4_000_000_000},
        "a guessed key that is long enough to sign" * 1,
    )
    assert_error(client.get(f"{API}/auth/me", headers=bearer(forged)), 401, "not a valid")
    expired = jwt.encode(
        {"sub": "1", "typ": "access", "exp": 1}, "a guessed key that is long enough to sign" * 1
    )
    assert_error(client.get(f"{API}/auth/me", headers=bearer(expired)), 401)
    disabled = client.patch(f"{API}/users/{user['id']}", json={"disabled": True})
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert_error(client.get(f"{API}/auth/me", headers=header), 401, "disabled")
    refused = client.post(
        f"{API}/auth/token", data={"username": "dora", "password": PASSWORD}, headers=ANONYMOUS
    )
    assert_error(refused, 401)


def test_api_keys_are_shown_once_act_as_their_user_and_can_be_revoked(
    client: TestClient,
) -> None:
    _user, header = as_user(client, "gamesrv", "organizer")
    created = client.post(f"{API}/auth/api-keys", json={"name": "game server"}, headers=header)
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key.startswith("bk_")
    listed = client.get(f"{API}/auth/api-keys", headers=header).json()
    assert [k["name"] for k in listed] == ["game server"] and "key" not in listed[0]
    made = client.post(f"{API}/tournaments", json={"name": "Keyed"}, headers=bearer(key))
    assert made.status_code == 201, made.text
    revoked = client.delete(f"{API}/auth/api-keys/{created.json()['id']}", headers=header)
    assert revoked.status_code == 204
    assert_error(client.get(f"{API}/auth/me", headers=bearer(key)), 401, "revoked")
    assert_error(client.delete(f"{API}/auth/api-keys/999", headers=header), 404, field="key_id")
    assert_error(client.post(f"{API}/auth/api-keys", json={"name": "x"}), 409, "no account")


def test_organizers_run_only_their_own_tournaments(client: TestClient) -> None:
    _a, alice = as_user(client, "alice", "organizer")
    _b, bruno = as_user(client, "bruno", "organizer")
    created = client.post(f"{API}/tournaments", json={"name": "Alice open"}, headers=alice)
    tournament_id = created.json()["id"]
    opened = client.post(
        f"{API}/tournaments/{tournament_id}/status",
        json={"status": "ENROLLMENT_OPEN"},
        headers=alice,
    )
    assert opened.status_code == 200, opened.text
    stranger = client.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "CANCELLED"}, headers=bruno
    )
    assert_error(stranger, 403, "organizer")
    admin_made = client.post(f"{API}/tournaments", json={"name": "House cup"}).json()["id"]
    assert_error(
        client.post(
            f"{API}/tournaments/{admin_made}/status",
            json={"status": "ENROLLMENT_OPEN"},
            headers=alice,
        ),
        403,
    )


def test_referees_record_results_only_where_they_are_assigned(client: TestClient) -> None:
    _o, owner = as_user(client, "olga", "organizer")
    ref, referee = as_user(client, "rita", "referee")
    tournament_id = client.post(f"{API}/tournaments", json={"name": "Refd"}, headers=owner).json()[
        "id"
    ]
    client.post(
        f"{API}/tournaments/{tournament_id}/status",
        json={"status": "ENROLLMENT_OPEN"},
        headers=owner,
    )
    enroll_players(client, tournament_id, 4)
    client.post(
        f"{API}/tournaments/{tournament_id}/status",
        json={"status": "ENROLLMENT_CLOSED"},
        headers=owner,
    )
    generate_now(client, tournament_id)
    session = next(s for s in all_sessions(client, tournament_id) if s["status"] == "ready")
    path = f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result"
    assert_error(client.post(path, json={"score_a": 2, "score_b": 0}, headers=referee), 403)
    assigned = client.put(f"{API}/tournaments/{tournament_id}/referees/{ref['id']}", headers=owner)
    assert assigned.status_code == 204
    listed = client.get(f"{API}/tournaments/{tournament_id}/referees").json()
    assert listed == [{"user_id": ref["id"], "name": f"Referee #{ref['id']}", "username": "rita"}]
    recorded = client.post(path, json={"score_a": 2, "score_b": 0}, headers=referee)
    assert recorded.status_code == 200, recorded.text
    # Corrections stay with the organiser.
    assert_error(client.put(path, json={"score_a": 0, "score_b": 2}, headers=referee), 403)
    _p, not_a_referee = as_user(client, "pat", "player")
    me = client.get(f"{API}/auth/me", headers=not_a_referee).json()
    refused = client.put(f"{API}/tournaments/{tournament_id}/referees/{me['id']}", headers=owner)
    assert_error(refused, 404, "no referee account", field="user_id")


def test_the_audit_log_says_who_did_what_with_before_and_after(client: TestClient) -> None:
    _o, owner = as_user(client, "otto", "organizer")
    tournament_id = client.post(
        f"{API}/tournaments", json={"name": "Logged"}, headers=owner
    ).json()["id"]
    client.post(
        f"{API}/tournaments/{tournament_id}/status",
        json={"status": "ENROLLMENT_OPEN"},
        headers=owner,
    )
    refused = client.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "BOGUS"}, headers=owner
    )
    assert refused.status_code == 422
    log = client.get(f"{API}/tournaments/{tournament_id}/audit", headers=owner)
    assert log.status_code == 200, log.text
    entries = log.json()["items"]
    assert [e["action"] for e in entries] == [
        "POST /tournaments/{tournament_id}/status",
        "POST /tournaments",
    ]
    change, creation = entries
    assert change["actor"].startswith("user:") and change["tournament_id"] == tournament_id
    assert change["before"]["status"] == "DRAFT" and change["after"]["status"] == "ENROLLMENT_OPEN"
    assert change["request"] == {"status": "ENROLLMENT_OPEN"}
    assert creation["before"] is None and creation["after"]["name"] == "Logged"
    _x, other = as_user(client, "xena", "organizer")
    assert_error(client.get(f"{API}/tournaments/{tournament_id}/audit", headers=other), 403)
    everything = client.get(f"{API}/audit").json()
    assert everything["total"] >= 2
    passwords = [e for e in everything["items"] if "correct horse" in str(e["request"])]
    assert passwords == [], "a password reached the audit log"


def test_sign_in_is_rate_limited_per_name_and_address(settings: Settings) -> None:
    limited = settings.model_copy(update={"login_attempts": 3, "login_window_s": 60})
    with TestClient(create_app(limited), headers=AUTH) as client:
        make_user(client, "eve", "player")
        for _ in range(3):
            wrong = client.post(
                f"{API}/auth/token",
                data={"username": "eve", "password": "wrong-pass"},
                headers=ANONYMOUS,
            )
            assert wrong.status_code == 401
        blocked = client.post(
            f"{API}/auth/token", data={"username": "eve", "password": PASSWORD}, headers=ANONYMOUS
        )
        assert_error(blocked, 429, "too many", field="username")
        assert int(blocked.headers["retry-after"]) >= 1
        make_user(client, "fay", "player")
        assert sign_in(client, "fay")["access_token"]  # other names are not held up
    # The failures are kept in the database: another API process on it refuses eve too.
    with TestClient(create_app(limited), headers=AUTH) as other_process:
        blocked = other_process.post(
            f"{API}/auth/token", data={"username": "eve", "password": PASSWORD}, headers=ANONYMOUS
        )
        assert_error(blocked, 429, "too many", field="username")


def test_sign_up_can_be_closed(settings: Settings) -> None:
    closed = settings.model_copy(update={"allow_registration": False})
    with TestClient(create_app(closed)) as client:
        answer = client.post(
            f"{API}/auth/register", json={"username": "zed", "password": PASSWORD, "name": "Z"}
        )
        assert_error(answer, 403, "closed")


def test_a_refresh_token_renews_once_and_a_second_use_ends_the_sign_in(
    client: TestClient,
) -> None:
    make_user(client, "rota", "organizer")
    first = sign_in(client, "rota")
    refresh = f"{API}/auth/refresh"
    second = client.post(refresh, json={"refresh_token": first["refresh_token"]}, headers=ANONYMOUS)
    assert second.status_code == 200, second.text
    assert second.json()["refresh_token"] != first["refresh_token"]
    # The used token again: somebody holds a copy, so the whole sign-in ends ...
    replay = client.post(refresh, json={"refresh_token": first["refresh_token"]}, headers=ANONYMOUS)
    assert_error(replay, 401, "already used")
    # ... and the pair handed out before the replay renews nothing either.
    later = client.post(
        refresh, json={"refresh_token": second.json()["refresh_token"]}, headers=ANONYMOUS
    )
    assert_error(later, 401, "already used")
    # Another sign-in of the same account is untouched.
    other = sign_in(client, "rota")
    again = client.post(refresh, json={"refresh_token": other["refresh_token"]}, headers=ANONYMOUS)
    assert again.status_code == 200, again.text


def test_signing_out_ends_the_sign_in(client: TestClient) -> None:
    make_user(client, "leaver", "referee")
    pair = sign_in(client, "leaver")
    out = client.post(
        f"{API}/auth/sign-out", json={"refresh_token": pair["refresh_token"]}, headers=ANONYMOUS
    )
    assert out.status_code == 204, out.text
    renewed = client.post(
        f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]}, headers=ANONYMOUS
    )
    assert_error(renewed, 401, "already used or revoked")
    # Bad input: an access token, garbage, an unknown field, nothing.
    sign_out = f"{API}/auth/sign-out"
    assert_error(
        client.post(sign_out, json={"refresh_token": pair["access_token"]}, headers=ANONYMOUS),
        401,
        "refresh token",
    )
    assert_error(client.post(sign_out, json={"refresh_token": "x.y.z"}, headers=ANONYMOUS), 401)
    assert_error(
        client.post(sign_out, json={"refresh_token": "a", "more": 1}, headers=ANONYMOUS),
        422,
        "more",
    )
    assert_error(
        client.post(sign_out, json={}, headers=ANONYMOUS),
        422,
        "refresh token",
        field="refresh_token",
    )
