"""The authorization matrix: every API route and every kind of caller → the status its access
rule says, generated from the app's route table (a route without a rule fails here). Callers
with scoped API keys pass only what both their account's rule and their key's scope allow."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from bracketry.service.access import Rule
from tests.api.accounts_helpers import as_user, bearer
from tests.api.helpers import API, all_sessions, closed_tournament, generate_now
from tests.conftest import AUTH

CALLERS = (
    "anonymous",
    "admin token",
    "admin",
    "owner",
    "other organizer",
    "assigned referee",
    "other referee",
    "player",
    "owner read key",
    "referee results key",
)
KEYS = {"owner read key": ("owner", "read"), "referee results key": ("assigned referee", "results")}
"""Scoped API keys: the caller whose account each acts as, and its scope."""
READS = frozenset({"GET", "HEAD", "OPTIONS"})
ALLOWED = {
    Rule.PUBLIC: set(CALLERS),
    Rule.USER: set(CALLERS) - {"anonymous"},
    Rule.PLAYER: {"admin token", "admin", "player"},
    Rule.ORGANIZER: {"admin token", "admin", "owner", "other organizer"},
    Rule.OWNER: {"admin token", "admin", "owner"},
    Rule.REFEREE: {"admin token", "admin", "owner", "assigned referee"},
    Rule.ADMIN: {"admin token", "admin"},
    Rule.PERSON: set(CALLERS) - {"anonymous", "owner", *KEYS},
}
"""Who passes each rule; ``owner`` calls with a full API key, so never passes the person rule
(a key does not manage keys)."""


def allowed(caller: str, rule: Rule, method: str) -> bool:
    """Whether ``caller`` passes ``rule`` with ``method``: a scoped key within its scope
    only (read: reads; results: reads and the referee rule), with its account's rights."""
    if caller not in KEYS or rule is Rule.PUBLIC:
        return caller in ALLOWED[rule]
    account, scope = KEYS[caller]
    in_scope = rule is not Rule.PERSON and (
        method in READS or (scope == "results" and rule is Rule.REFEREE)
    )
    return in_scope and account in ALLOWED[rule]


MISSING = 999_999


def api_routes(app: Any) -> list[Any]:
    """Every route of the app under the API prefix, included routers flattened."""
    found = []
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            found.extend(route.effective_route_contexts())
        elif isinstance(route, APIRoute):
            found.append(route)
    return [r for r in found if r.path.startswith(API)]


def rule_of(route: Any) -> Rule:
    """The one access rule a route declares."""
    rules = [
        d.call.rule  # type: ignore[attr-defined]
        for d in route.dependant.dependencies
        if hasattr(d.call, "rule")
    ]
    assert len(rules) == 1, f"{route.methods} {route.path} must declare exactly one access rule"
    return rules[0]


@pytest.fixture
def world(client: TestClient) -> dict:
    """A tournament run by an organiser, with a referee, sessions and a venue; a header for
    every kind of caller."""
    headers: dict[str, dict[str, str]] = {"anonymous": {"Authorization": ""}, "admin token": AUTH}
    users = {}
    for caller, role in (
        ("admin", "admin"),
        ("owner", "organizer"),
        ("other organizer", "organizer"),
        ("assigned referee", "referee"),
        ("other referee", "referee"),
        ("player", "player"),
    ):
        users[caller], headers[caller] = as_user(client, caller.replace(" ", "-"), role)
    key = client.post(f"{API}/auth/api-keys", json={"name": "ci"}, headers=headers["owner"])
    assert key.status_code == 201, key.text
    for caller, (account, scope) in KEYS.items():
        scoped = client.post(
            f"{API}/auth/api-keys", json={"name": caller, "scope": scope}, headers=headers[account]
        )
        assert scoped.status_code == 201, scoped.text
        headers[caller] = bearer(scoped.json()["key"])
    headers["owner"] = bearer(key.json()["key"])  # the owner calls with an API key
    created = client.post(
        f"{API}/tournaments", json={"name": "Owned cup"}, headers=headers["owner"]
    )
    assert created.status_code == 201, created.text
    tournament_id = created.json()["id"]
    assigned = client.put(
        f"{API}/tournaments/{tournament_id}/referees/{users['assigned referee']['id']}",
        headers=headers["owner"],
    )
    assert assigned.status_code == 204, assigned.text
    over = client.post(
        f"{API}/tournaments", json={"name": "Called off"}, headers=headers["owner"]
    ).json()["id"]
    cancelled = client.post(f"{API}/tournaments/{over}/status", json={"status": "CANCELLED"})
    assert cancelled.status_code == 200, cancelled.text
    return {"headers": headers, "users": users, "tournament_id": tournament_id, "over_id": over}


def path_for(route: Any, method: str, world: dict, session_id: int, venue_id: int) -> str:
    """The route's path with ids that exist (or, where acting on them would destroy what
    later checks need, ids that do not)."""
    destroy = method == "DELETE"
    ids = {
        "tournament_id": world["tournament_id"],
        "session_id": session_id,
        "venue_id": MISSING if destroy else venue_id,
        "user_id": MISSING if destroy else world["users"]["assigned referee"]["id"],
        "key_id": MISSING,
        "player_id": 1,
        "task_id": "sync-done",
    }
    if route.path.endswith("/events"):  # a live stream ends at once only when it is over
        ids["tournament_id"] = world["over_id"]
    if destroy and route.path.endswith("/tournaments/{tournament_id}"):  # refused: not a draft
        ids["tournament_id"] = world["over_id"]
    path = route.path
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, f"no test id for a parameter of {route.path}"
    return path


def test_every_route_answers_every_caller_as_its_rule_says(
    client: TestClient, world: dict, subtests: pytest.Subtests
) -> None:
    tournament_id = world["tournament_id"]
    # Give the tournament sessions and a venue, as its owner.
    owner = world["headers"]["owner"]
    other = closed_tournament(client, 4)
    generate_now(client, other)
    session_id = all_sessions(client, other)[0]["id"]
    venue = client.post(
        f"{API}/tournaments/{tournament_id}/venues",
        json={
            "name": "Hall",
            "time_zone": "UTC",
            "fields": 1,
            "hours": [{"date": "2030-01-01", "opens": "09:00", "closes": "18:00"}],
        },
        headers=owner,
    )
    assert venue.status_code == 201, venue.text
    routes = api_routes(client.app)
    assert len(routes) > 40
    for route in sorted(routes, key=lambda r: (r.path, sorted(r.methods))):
        rule = rule_of(route)
        for method in sorted(route.methods):
            path = path_for(route, method, world, session_id, venue.json()["id"])
            for caller in CALLERS:
                with subtests.test(route=f"{method} {route.path}", caller=caller):
                    answer = client.request(
                        method,
                        path,
                        content=b'"not a body"',
                        headers=world["headers"][caller] | {"Content-Type": "application/json"},
                    )
                    if allowed(caller, rule, method):
                        # Past the rule; the use case may still refuse (not your match).
                        refused_by_rule = answer.status_code == 403 and "needs:" in answer.text
                        assert answer.status_code != 401 and not refused_by_rule, answer.text
                        assert answer.status_code < 500, answer.text
                    else:
                        expected = 401 if caller == "anonymous" else 403
                        assert answer.status_code == expected, answer.text
                        assert expected == 401 or "needs:" in answer.text
                        assert answer.json()["field"] is None or answer.json()["detail"]
