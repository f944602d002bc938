"""Credentials that cannot outlive their owner's intent: a password change or disabling ends
every sign-in (refresh tokens, API keys, access tokens issued before), a sign-in has an
absolute lifetime, API keys act only within their scope and never manage keys, tokens with an
impossible account answer 401, and referee routes tell nobody which accounts exist."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from bracketry.api.app import create_app
from bracketry.schemas.account import KeyScope, Role
from bracketry.service import access
from bracketry.service.access import Principal, Rule
from bracketry.service.errors import Forbidden
from bracketry.settings import Settings
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade
from bracketry.store.models import RefreshToken
from bracketry.store.types import utcnow
from tests.api.accounts_helpers import PASSWORD, as_user, bearer, make_user, sign_in
from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    closed_tournament,
    generate_now,
)
from tests.conftest import AUTH

ANONYMOUS = {"Authorization": ""}
NEW_PASSWORD = "a brand new passphrase"


def _renew(client: TestClient, refresh_token: str) -> object:
    return client.post(
        f"{API}/auth/refresh", json={"refresh_token": refresh_token}, headers=ANONYMOUS
    )


def _key(client: TestClient, header: dict[str, str], scope: str | None = None) -> str:
    body = {"name": f"key {scope}"} | ({"scope": scope} if scope else {})
    created = client.post(f"{API}/auth/api-keys", json=body, headers=header)
    assert created.status_code == 201, created.text
    assert created.json()["scope"] == (scope or "full")
    return created.json()["key"]


def test_an_admins_password_change_ends_every_sign_in(client: TestClient) -> None:
    user, _header = as_user(client, "victim", "organizer")
    pair = sign_in(client, "victim")
    key = _key(client, bearer(pair["access_token"]))
    stolen = _renew(client, pair["refresh_token"]).json()  # a thief's renewed copy
    changed = client.patch(f"{API}/users/{user['id']}", json={"password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.text
    assert_error(_renew(client, stolen["refresh_token"]), 401)
    assert_error(client.get(f"{API}/auth/me", headers=bearer(stolen["access_token"])), 401)
    assert_error(client.get(f"{API}/auth/me", headers=bearer(key)), 401, "revoked")
    # The new password signs in at once, and its tokens work; the old one opens nothing.
    fresh = sign_in(client, "victim", NEW_PASSWORD)
    assert client.get(f"{API}/auth/me", headers=bearer(fresh["access_token"])).status_code == 200
    assert _renew(client, fresh["refresh_token"]).status_code == 200
    wrong = client.post(
        f"{API}/auth/token", data={"username": "victim", "password": PASSWORD}, headers=ANONYMOUS
    )
    assert_error(wrong, 401, "wrong username or password")


def test_disabling_ends_keys_for_good(client: TestClient) -> None:
    user, header = as_user(client, "leaving", "organizer")
    key = _key(client, header)
    pair = sign_in(client, "leaving")
    for disabled in (True, False):
        answer = client.patch(f"{API}/users/{user['id']}", json={"disabled": disabled})
        assert answer.status_code == 200, answer.text
    # Enabled again: the key, the refresh token and the access tokens stay dead.
    assert_error(client.get(f"{API}/auth/me", headers=bearer(key)), 401, "revoked")
    assert_error(client.get(f"{API}/auth/me", headers=header), 401)
    assert_error(_renew(client, pair["refresh_token"]), 401)
    assert sign_in(client, "leaving")["access_token"]


def test_a_sign_in_ends_after_its_chain_lifetime_however_renewed(settings: Settings) -> None:
    short = settings.model_copy(update={"refresh_chain_days": 1, "refresh_token_days": 7})
    with TestClient(create_app(short), headers=AUTH) as client:
        make_user(client, "renewer", "player")
        pair = sign_in(client, "renewer")
        for _ in range(2):
            claims = jwt.decode(pair["refresh_token"], options={"verify_signature": False})
            assert claims["exp"] - claims["iat"] <= timedelta(days=1).total_seconds()
            renewed = _renew(client, pair["refresh_token"])
            assert renewed.status_code == 200, renewed.text
            pair = renewed.json()
        # The sign-in's end has come (moved into the past here): no renewal reaches past it.
        database = Database(short.database_url)
        with database.write() as db:
            db.execute(update(RefreshToken).values(family_expires_at=utcnow() - timedelta(1)))
        database.dispose()
        assert_error(_renew(client, pair["refresh_token"]), 401, "sign in again")


def test_api_keys_cannot_make_or_revoke_keys(client: TestClient) -> None:
    _user, header = as_user(client, "keyholder", "organizer")
    key = _key(client, header)
    made = client.post(f"{API}/auth/api-keys", json={"name": "child"}, headers=bearer(key))
    assert_error(made, 403, "API key", "needs: person")
    own_id = client.get(f"{API}/auth/api-keys", headers=header).json()[0]["id"]
    revoked = client.delete(f"{API}/auth/api-keys/{own_id}", headers=bearer(key))
    assert_error(revoked, 403, "needs: person")
    assert_error(client.get(f"{API}/auth/api-keys", headers=bearer(key)), 403)
    # A full key keeps its account's rights elsewhere.
    made = client.post(f"{API}/tournaments", json={"name": "Keyed"}, headers=bearer(key))
    assert made.status_code == 201, made.text


def test_scoped_keys_change_only_what_their_scope_allows(client: TestClient) -> None:
    ref, referee = as_user(client, "scoped-ref", "referee")
    _o, organizer = as_user(client, "scoped-org", "organizer")
    read_key, results_key = _key(client, organizer, "read"), _key(client, referee, "results")
    for key in (read_key, results_key):
        made = client.post(f"{API}/tournaments", json={"name": "No"}, headers=bearer(key))
        assert_error(made, 403, "scope", "needs: organizer")
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    assigned = client.put(f"{API}/tournaments/{tournament_id}/referees/{ref['id']}")
    assert assigned.status_code == 204, assigned.text
    session = next(s for s in all_sessions(client, tournament_id) if s["status"] == "ready")
    path = f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result"
    recorded = client.post(path, json={"score_a": 2, "score_b": 0}, headers=bearer(results_key))
    assert recorded.status_code == 200, recorded.text
    refused = client.put(path, json={"score_a": 0, "score_b": 2}, headers=bearer(results_key))
    assert_error(refused, 403)
    public = client.get(f"{API}/tournaments/{tournament_id}", headers=bearer(read_key))
    assert public.status_code == 200, public.text
    bad = client.post(f"{API}/auth/api-keys", json={"name": "x", "scope": "root"}, headers=referee)
    assert_error(bad, 422, field="scope")


@pytest.mark.parametrize(
    ("scope", "rule", "method", "passes"),
    [
        (KeyScope.READ, Rule.USER, "GET", True),
        (KeyScope.READ, Rule.ORGANIZER, "GET", True),
        (KeyScope.READ, Rule.ORGANIZER, "POST", False),
        (KeyScope.READ, Rule.USER, "DELETE", False),
        (KeyScope.RESULTS, Rule.REFEREE, "POST", True),
        (KeyScope.RESULTS, Rule.OWNER, "PUT", False),
        (KeyScope.RESULTS, Rule.ADMIN, "GET", True),
        (KeyScope.FULL, Rule.ORGANIZER, "POST", True),
        (KeyScope.FULL, Rule.PERSON, "GET", False),
    ],
)
def test_the_access_check_holds_keys_to_their_scope(
    database_url: str, scope: KeyScope, rule: Rule, method: str, passes: bool
) -> None:
    """The check the guard runs, with the HTTP method it is given (an admin's key, so the
    role passes every rule and only the scope decides)."""
    database = Database(database_url)
    upgrade(database.engine)
    key = Principal(Role.ADMIN, user_id=1, via=access.API_KEY, scope=scope)
    with database.read() as db:
        if passes:
            access.check(db, key, rule, None, method)
        else:
            with pytest.raises(Forbidden, match="needs:"):
                access.check(db, key, rule, None, method)
    database.dispose()


def test_a_token_naming_an_impossible_account_is_refused(client: TestClient) -> None:
    make_user(client, "someone", "player")
    secret = client.app.state.context.jwt_secret
    for sub in (10**30, 2**31, 0, "١٢"):
        forged = jwt.encode(
            {"sub": str(sub), "typ": "access", "iat": 1, "exp": 4_000_000_000}, secret
        )
        assert_error(client.get(f"{API}/auth/me", headers=bearer(forged)), 401, "not a valid")
        claims = {"sub": str(sub), "typ": "refresh", "jti": "x", "iat": 1, "exp": 4_000_000_000}
        assert_error(_renew(client, jwt.encode(claims, secret)), 401)


def test_referee_routes_tell_nobody_about_other_accounts(client: TestClient) -> None:
    _o, owner = as_user(client, "ref-owner", "organizer")
    tournament_id = client.post(f"{API}/tournaments", json={"name": "R"}, headers=owner).json()[
        "id"
    ]
    player = make_user(client, "pia", "player", name="Pia Player")
    unknown = 999_999
    answers = [
        client.put(f"{API}/tournaments/{tournament_id}/referees/{user_id}", headers=owner)
        for user_id in (player["id"], unknown)
    ]
    texts = {
        a.json()["detail"].replace(str(user_id), "<id>")
        for a, user_id in zip(answers, (player["id"], unknown), strict=True)
    }
    assert [a.status_code for a in answers] == [404, 404] and len(texts) == 1, texts
    # A referee with a player keeps its name; one without is "Referee #id". Login names are
    # for the owner and admins only.
    client.patch(f"{API}/users/{player['id']}", json={"role": "referee"})
    plain = make_user(client, "rex", "referee")
    for user_id in (player["id"], plain["id"]):
        put = client.put(f"{API}/tournaments/{tournament_id}/referees/{user_id}", headers=owner)
        assert put.status_code == 204, put.text
    path = f"{API}/tournaments/{tournament_id}/referees"
    public = client.get(path, headers=ANONYMOUS).json()
    assert public == [
        {"user_id": player["id"], "name": "Pia Player", "username": None},
        {"user_id": plain["id"], "name": f"Referee #{plain['id']}", "username": None},
    ]
    _x, stranger = as_user(client, "ref-stranger", "organizer")
    assert client.get(path, headers=stranger).json() == public
    for viewer in (owner, AUTH):
        assert [r["username"] for r in client.get(path, headers=viewer).json()] == ["pia", "rex"]
