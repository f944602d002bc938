"""Players join on their own: enrolled while there is room, waiting when full, moved up
when someone withdraws; concurrent joins never over-fill."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
from fastapi.testclient import TestClient

from tests.api.accounts_helpers import as_user
from tests.api.helpers import (
    API,
    assert_error,
    create_open_tournament,
    enroll_players,
    player_ids_by_name,
)


def players(http: httpx.Client, count: int, prefix: str = "p") -> list[tuple[dict, dict]]:
    return [as_user(http, f"{prefix}-player{i}", "player") for i in range(count)]


def test_join_wait_withdraw_and_move_up(client: TestClient) -> None:
    tournament_id = create_open_tournament(client, max_players=2)
    path = f"{API}/tournaments/{tournament_id}/join"
    (_a, ha), (b, hb), (c, hc), (d, hd) = players(client, 4)
    assert client.post(path, headers=ha).status_code == 201
    assert client.post(path, headers=hb).json()["state"] == "enrolled"
    waiting = client.post(path, headers=hc)
    assert waiting.status_code == 202, waiting.text
    assert waiting.json() == {
        "player_id": c["player_id"],
        "state": "waiting",
        "waiting_position": 1,
        "promoted_player_id": None,
    }
    assert client.post(path, headers=hd).json()["waiting_position"] == 2
    assert_error(client.post(path, headers=hd), 409, "waiting list")
    assert_error(client.post(path, headers=ha), 409, "already enrolled")
    listed = client.get(f"{API}/tournaments/{tournament_id}/waitlist").json()
    assert [w["player_id"] for w in listed] == [c["player_id"], d["player_id"]]

    gone = client.delete(path, headers=ha)
    assert gone.status_code == 200, gone.text
    assert gone.json()["promoted_player_id"] == c["player_id"]
    enrolled = client.get(f"{API}/tournaments/{tournament_id}/enrollments").json()["items"]
    assert sorted(e["player_id"] for e in enrolled) == sorted([b["player_id"], c["player_id"]])
    assert client.get(f"{API}/tournaments/{tournament_id}").json()["enrolled_count"] == 2
    left = client.delete(path, headers=hd)
    assert left.json()["state"] == "withdrawn"
    assert client.get(f"{API}/tournaments/{tournament_id}/waitlist").json() == []
    assert_error(client.delete(path, headers=hd), 409, "not in tournament")


def test_the_list_says_whether_a_freed_place_goes_to_the_waiting_list(
    client: TestClient,
) -> None:
    """Only while enrollment is open does the first waiting player take a freed place; the
    enrollments answer says which, and removing after the close promotes nobody."""
    tournament_id = create_open_tournament(client, max_players=2)
    path = f"{API}/tournaments/{tournament_id}"
    (a, ha), (_b, hb), (_c, hc) = players(client, 3, prefix="moves")
    assert client.post(f"{path}/join", headers=ha).status_code == 201
    assert client.post(f"{path}/join", headers=hb).status_code == 201
    assert client.post(f"{path}/join", headers=hc).status_code == 202
    assert client.get(f"{path}/enrollments").json()["waiting_moves_up"] is True
    closed = client.post(f"{path}/status", json={"status": "ENROLLMENT_CLOSED"})
    assert closed.status_code == 200, closed.text
    assert client.get(f"{path}/enrollments").json()["waiting_moves_up"] is False
    removed = client.delete(f"{path}/enrollments/{a['player_id']}")
    assert removed.status_code == 200, removed.text
    assert removed.json()["promoted_player_id"] is None
    assert len(client.get(f"{path}/waitlist").json()) == 1


def test_joining_needs_open_enrollment_and_a_player(client: TestClient) -> None:
    draft = client.post(f"{API}/tournaments", json={"name": "Draft"}).json()["id"]
    ((_, header),) = players(client, 1)
    assert_error(client.post(f"{API}/tournaments/{draft}/join", headers=header), 409)
    open_id = create_open_tournament(client)
    assert_error(client.post(f"{API}/tournaments/{open_id}/join"), 409, "no player")
    assert_error(
        client.post(f"{API}/tournaments/{open_id}/join", headers={"Authorization": ""}), 401
    )
    assert_error(client.post(f"{API}/tournaments/999999/join", headers=header), 404)


def test_concurrent_joins_fill_exactly_to_capacity(live_server: httpx.Client) -> None:
    tournament_id = create_open_tournament(live_server, max_players=5)
    headers = [h for _, h in players(live_server, 20, "q")]

    def join(header: dict) -> int:
        return live_server.post(
            f"{API}/tournaments/{tournament_id}/join", headers=header
        ).status_code

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(join, headers))
    assert statuses.count(201) == 5 and statuses.count(202) == 15
    assert live_server.get(f"{API}/tournaments/{tournament_id}").json()["enrolled_count"] == 5
    waiting = live_server.get(f"{API}/tournaments/{tournament_id}/waitlist").json()
    assert [w["position"] for w in waiting] == list(range(1, 16))


def test_check_in_drops_no_shows_and_moves_up_waiting_players_who_came(
    client: TestClient,
) -> None:
    accounts = players(client, 5, "ci")
    now = datetime.now(UTC)
    closes = now + timedelta(seconds=3)
    window = {"opens_at": (now - timedelta(hours=1)).isoformat(), "closes_at": closes.isoformat()}
    tournament_id = create_open_tournament(client, max_players=3, check_in=window)
    t = f"{API}/tournaments/{tournament_id}"
    ids = [u["player_id"] for u, _ in accounts]
    for _, header in accounts:
        assert client.post(f"{t}/join", headers=header).status_code in (201, 202)
    for index in (0, 2, 4):  # 1 never shows up; 4 waits and comes; 3 waits and does not
        answer = client.post(f"{t}/check-in", headers=accounts[index][1])
        assert answer.status_code == 200, answer.text
    assert client.post(f"{t}/check-in", headers=accounts[4][1]).json()["state"] == "waiting"
    client.post(f"{t}/status", json={"status": "ENROLLMENT_CLOSED"})
    early = client.post(f"{t}/generate-sessions")
    assert_error(early, 409, "check-in closes", field="config.check_in")
    time.sleep(max((closes - datetime.now(UTC)).total_seconds(), 0) + 0.2)
    assert_error(client.post(f"{t}/check-in", headers=accounts[1][1]), 409, "check-in is open")
    generated = client.post(f"{t}/generate-sessions")
    assert generated.status_code == 200, generated.text
    enrolled = client.get(f"{t}/enrollments").json()["items"]
    assert sorted(e["player_id"] for e in enrolled) == sorted([ids[0], ids[2], ids[4]])
    assert [w["player_id"] for w in client.get(f"{t}/waitlist").json()] == [ids[3]]
    assert client.get(t).json()["enrolled_count"] == 3


def test_check_in_needs_a_window(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    ((_, header),) = players(client, 1, "nw")
    client.post(f"{API}/tournaments/{tournament_id}/join", headers=header)
    answer = client.post(f"{API}/tournaments/{tournament_id}/check-in", headers=header)
    assert_error(answer, 409, "no check-in", field="config.check_in")
    bad = client.post(
        f"{API}/tournaments",
        json={
            "name": "Backwards",
            "config": {
                "check_in": {
                    "opens_at": "2030-01-02T10:00:00+00:00",
                    "closes_at": "2030-01-01T10:00:00+00:00",
                }
            },
        },
    )
    assert_error(bad, 422, field="config.check_in")


# --- the organiser checks players in ---------------------------------------------------------


def window(opens: timedelta, closes: timedelta) -> dict:
    """A check-in window from now + ``opens`` to now + ``closes``."""
    now = datetime.now(UTC)
    return {"opens_at": (now + opens).isoformat(), "closes_at": (now + closes).isoformat()}


def listed(http: httpx.Client, tournament_id: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}/enrollments")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_organiser_checks_players_in_and_the_list_shows_it(client: TestClient) -> None:
    tournament_id = create_open_tournament(
        client, max_players=2, check_in=window(timedelta(hours=-1), timedelta(hours=1))
    )
    t = f"{API}/tournaments/{tournament_id}"
    (a, ha), (b, _hb), (c, hc) = players(client, 3, "oc")
    for header in (ha, _hb, hc):
        client.post(f"{t}/join", headers=header)
    before = listed(client, tournament_id)
    assert before["check_in"]["open"] is True
    assert [e["checked_in"] for e in before["items"]] == [False, False]
    answer = client.post(f"{t}/enrollments/{a['player_id']}/check-in")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "enrolled"
    waiting = client.post(f"{t}/enrollments/{c['player_id']}/check-in")
    assert (waiting.json()["state"], waiting.json()["waiting_position"]) == ("waiting", 1)
    after = {e["player_id"]: e["checked_in"] for e in listed(client, tournament_id)["items"]}
    assert after == {a["player_id"]: True, b["player_id"]: False}
    assert client.get(f"{t}/waitlist").json()[0]["checked_in"] is True
    again = client.post(f"{t}/enrollments/{a['player_id']}/check-in")
    assert again.status_code == 200, again.text
    log = client.get(f"{t}/audit", params={"limit": 3}).json()["items"]
    route = "/tournaments/{tournament_id}/enrollments/{player_id}/check-in"
    assert log[0]["action"] == f"POST {route}"
    assert (log[0]["before"], log[0]["after"]) == (
        {"player_id": a["player_id"], "checked_in": True},
        {"player_id": a["player_id"], "checked_in": True},
    )
    assert log[2]["before"] == {"player_id": a["player_id"], "checked_in": False}


def test_the_organiser_checks_in_by_the_players_rules(client: TestClient) -> None:
    plain = create_open_tournament(client)
    enroll_players(client, plain, 2)
    first = player_ids_by_name(client, plain)["P1"]
    assert listed(client, plain)["check_in"] is None
    no_window = client.post(f"{API}/tournaments/{plain}/enrollments/{first}/check-in")
    assert_error(no_window, 409, "no check-in", field="config.check_in")
    later = create_open_tournament(client, check_in=window(timedelta(hours=1), timedelta(hours=2)))
    enroll_players(client, later, 2)
    early = player_ids_by_name(client, later)["P1"]
    assert listed(client, later)["check_in"]["open"] is False
    too_soon = client.post(f"{API}/tournaments/{later}/enrollments/{early}/check-in")
    assert_error(too_soon, 409, "check-in is open from", field="config.check_in")
    now = create_open_tournament(client, check_in=window(timedelta(hours=-1), timedelta(hours=1)))
    stranger = client.post(f"{API}/tournaments/{now}/enrollments/{first}/check-in")
    assert_error(stranger, 404, "is not in tournament", field="player_id")
    client.post(f"{API}/tournaments/{now}/status", json={"status": "CANCELLED"})
    over = client.post(f"{API}/tournaments/{now}/enrollments/{first}/check-in")
    assert_error(over, 409, "CANCELLED")
    assert [e["checked_in"] for e in listed(client, later)["items"]] == [False, False]


def test_only_the_owner_checks_players_in(client: TestClient) -> None:
    _owner, owner = as_user(client, "ci-owner", "organizer")
    _other, other = as_user(client, "ci-other", "organizer")
    ((_p, player),) = players(client, 1, "ci-self")
    check_in = window(timedelta(hours=-1), timedelta(hours=1))
    created = client.post(
        f"{API}/tournaments", json={"name": "Mine", "config": {"check_in": check_in}}, headers=owner
    )
    tournament_id = created.json()["id"]
    t = f"{API}/tournaments/{tournament_id}"
    client.post(f"{t}/status", json={"status": "ENROLLMENT_OPEN"}, headers=owner)
    enroll_players(client, tournament_id, 1)
    who = player_ids_by_name(client, tournament_id)["P1"]
    for header in (other, player):
        assert_error(client.post(f"{t}/enrollments/{who}/check-in", headers=header), 403)
    assert_error(client.post(f"{t}/enrollments/{who}/check-in", headers={"Authorization": ""}), 401)
    assert listed(client, tournament_id)["items"][0]["checked_in"] is False
    done = client.post(f"{t}/enrollments/{who}/check-in", headers=owner)
    assert done.status_code == 200, done.text
    assert listed(client, tournament_id)["items"][0]["checked_in"] is True
