"""Players report their own results: confirm applies and advances, dispute flags the match
until the organiser records it; every state shows in the API."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.accounts_helpers import as_user
from tests.api.helpers import API, assert_error, generate_now


@pytest.fixture
def league(client: TestClient) -> dict:
    """A 4-player knockout of four player accounts, generated; a header per player."""
    players = {}
    for name in ("ann", "ben", "cat", "dan"):
        user, header = as_user(client, name, "player")
        players[user["player_id"]] = header
    created = client.post(f"{API}/tournaments", json={"name": "Self-reported"}).json()["id"]
    client.post(f"{API}/tournaments/{created}/status", json={"status": "ENROLLMENT_OPEN"})
    entries = [{"player_id": pid} for pid in players]
    enrolled = client.post(f"{API}/tournaments/{created}/enrollments", json={"players": entries})
    assert enrolled.status_code == 201, enrolled.text
    client.post(f"{API}/tournaments/{created}/status", json={"status": "ENROLLMENT_CLOSED"})
    generate_now(client, created)
    return {"id": created, "players": players}


def first_match(http: httpx.Client, league: dict) -> tuple[str, int, int]:
    """The path of a ready first-round match and its two player ids."""
    page = http.get(f"{API}/tournaments/{league['id']}/sessions", params={"status": "ready"})
    session = page.json()["items"][0]
    a, b = (p["player_id"] for p in session["participants"])
    return f"{API}/tournaments/{league['id']}/sessions/{session['id']}", a, b


def test_a_confirmed_report_is_recorded_and_advances_the_winner(
    client: TestClient, league: dict
) -> None:
    path, a, b = first_match(client, league)
    reported = client.post(
        f"{path}/report", json={"score_a": 3, "score_b": 1}, headers=league["players"][a]
    )
    assert reported.status_code == 200, reported.text
    body = reported.json()
    assert body["result"] is None and body["report"]["state"] == "pending"
    assert body["report"]["reporter_id"] == a
    monitor = client.get(f"{API}/tournaments/{league['id']}/monitor").json()
    assert monitor["reports_open"] == 1 and monitor["reports_changed_at"]
    confirmed = client.post(f"{path}/report/confirm", headers=league["players"][b])
    assert confirmed.status_code == 200, confirmed.text
    session = confirmed.json()
    assert session["report"]["state"] == "confirmed"
    assert session["result"]["winner_id"] == a and session["result"]["source"] == "players"
    assert client.get(f"{API}/tournaments/{league['id']}/monitor").json()["reports_open"] == 0
    target = client.get(
        f"{API}/tournaments/{league['id']}/sessions/{session['winner_to']['match_id']}"
    ).json()
    assert a in [p["player_id"] for p in target["participants"] if p]


def test_a_disputed_report_waits_for_the_organiser(client: TestClient, league: dict) -> None:
    path, a, b = first_match(client, league)
    client.post(f"{path}/report", json={"winner_id": a}, headers=league["players"][a])
    disputed = client.post(
        f"{path}/report/dispute", json={"reason": "I won 3-2"}, headers=league["players"][b]
    )
    assert disputed.status_code == 200, disputed.text
    assert disputed.json()["report"]["state"] == "disputed"
    flagged = client.get(f"{API}/tournaments/{league['id']}/reports", params={"state": "disputed"})
    assert [r["reason"] for r in flagged.json()["items"]] == ["I won 3-2"]
    assert_error(client.post(f"{path}/report/confirm", headers=league["players"][b]), 409)
    resolved = client.post(f"{path}/result", json={"winner_id": b})  # the organiser decides
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["report"]["state"] == "resolved"
    assert resolved.json()["result"]["winner_id"] == b
    # The answer is built from what the route wrote: it must equal a fresh read, and the
    # audit entry must hold the states before and after.
    assert client.get(path).json() == resolved.json()
    entry = client.get(f"{API}/tournaments/{league['id']}/audit").json()["items"][0]
    assert entry["action"].endswith("/result")
    assert entry["after"] == resolved.json()
    assert entry["before"]["report"]["state"] == "disputed"
    assert entry["before"]["result"] is None
    assert client.get(f"{API}/tournaments/{league['id']}/reports").json()["total"] == 1


def test_only_the_players_of_a_match_report_and_only_the_opponent_answers(
    client: TestClient, league: dict
) -> None:
    path, a, b = first_match(client, league)
    outsider = next(h for pid, h in league["players"].items() if pid not in (a, b))
    assert_error(
        client.post(f"{path}/report", json={"winner_id": a}, headers=outsider),
        403,
        field="session_id",
    )
    assert_error(client.post(f"{path}/report/confirm", headers=league["players"][b]), 409)
    bad = client.post(f"{path}/report", json={"winner_id": 999}, headers=league["players"][a])
    assert bad.status_code == 422, bad.text
    client.post(f"{path}/report", json={"winner_id": a}, headers=league["players"][a])
    again = client.post(f"{path}/report", json={"winner_id": b}, headers=league["players"][b])
    assert_error(again, 409, "already reported")
    own = client.post(f"{path}/report/confirm", headers=league["players"][a])
    assert_error(own, 403, "opponent")
    assert_error(client.post(f"{path}/report/confirm", headers=outsider), 403)
    blank = client.post(f"{path}/report/dispute", json={"reason": ""}, headers=league["players"][b])
    assert_error(blank, 422, field="reason")
    _r, referee = as_user(client, "ref", "referee")
    assert_error(client.post(f"{path}/report", json={"winner_id": a}, headers=referee), 403)


def test_the_organiser_accepting_a_pending_report_closes_it(
    client: TestClient, league: dict
) -> None:
    path, a, b = first_match(client, league)
    client.post(f"{path}/report", json={"score_a": 1, "score_b": 3}, headers=league["players"][a])
    listing = f"{API}/tournaments/{league['id']}/reports"
    (pending,) = client.get(listing, params={"state": "pending"}).json()["items"]
    accepted = client.post(
        f"{path}/result",
        json={k: pending[k] for k in ("outcome", "winner_id", "score_a", "score_b")},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["result"]["winner_id"] == b
    assert accepted.json()["report"]["state"] == "resolved"
    for state in ("pending", "disputed"):
        assert client.get(listing, params={"state": state}).json()["total"] == 0
    assert client.get(f"{API}/tournaments/{league['id']}/monitor").json()["reports_open"] == 0


def test_simulated_results_settle_the_reports_of_their_matches(
    client: TestClient, league: dict
) -> None:
    path, a, _b = first_match(client, league)
    client.post(f"{path}/report", json={"score_a": 3, "score_b": 1}, headers=league["players"][a])
    simulated = client.post(f"{API}/tournaments/{league['id']}/simulate-results", json={"seed": 1})
    assert simulated.status_code == 200, simulated.text
    session = client.get(path).json()
    assert session["result"]["source"] == "simulation"
    assert session["report"]["state"] == "resolved"
    assert client.get(f"{API}/tournaments/{league['id']}/monitor").json()["reports_open"] == 0
