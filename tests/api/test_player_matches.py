"""A player's matches across every tournament and their calendar feed, on both backends:
upcoming first, then played; paged; validated; unknown players are 404."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from fastapi.testclient import TestClient

from tests.api.accounts_helpers import as_user
from tests.api.helpers import API, all_sessions, assert_error, generate_now
from tests.api.test_schedule import add_venue, venue


def tournament(
    client: TestClient, name: str, players: list[int], *, hall: bool = False, later: int = 0
) -> int:
    """A generated knockout of ``players`` (with a venue when ``hall``, opening ``later``
    days after the usual first day), third place off."""
    created = client.post(
        f"{API}/tournaments", json={"name": name, "config": {"third_place": False}}
    )
    assert created.status_code == 201, created.text
    tid = created.json()["id"]
    client.post(f"{API}/tournaments/{tid}/status", json={"status": "ENROLLMENT_OPEN"})
    entries = [{"player_id": p} for p in players]
    enrolled = client.post(f"{API}/tournaments/{tid}/enrollments", json={"players": entries})
    assert enrolled.status_code == 201, enrolled.text
    client.post(f"{API}/tournaments/{tid}/status", json={"status": "ENROLLMENT_CLOSED"})
    if hall:
        body = venue("Hall", 2)
        for opening in body["hours"]:
            opening["date"] = (
                date.fromisoformat(opening["date"]) + timedelta(days=later)
            ).isoformat()
        add_venue(client, tid, body)
    generate_now(client, tid)
    return tid


def own_match(client: TestClient, tid: int, player: int) -> dict:
    """The player's first-round match."""
    return next(
        s
        for s in all_sessions(client, tid)
        if s["round"] == 1 and player in [p["player_id"] for p in s["participants"] or [] if p]
    )


@pytest.fixture
def season(client: TestClient) -> dict:
    """Four player accounts; ann plays an unscheduled knockout (her first match won) and a
    scheduled one (nothing played yet)."""
    ids, headers = {}, {}
    for name in ("ann", "ben", "cat", "dan"):
        user, headers[name] = as_user(client, name, "player")
        ids[name] = user["player_id"]
    players = list(ids.values())
    winter = tournament(client, "Winter; Cup, North", players)
    first = own_match(client, winter, ids["ann"])
    recorded = client.post(
        f"{API}/tournaments/{winter}/sessions/{first['id']}/result",
        json={"winner_id": ids["ann"]},
    )
    assert recorded.status_code == 200, recorded.text
    spring = tournament(client, "Spring Open", players, hall=True)
    return {
        "ids": ids,
        "headers": headers,
        "winter": winter,
        "spring": spring,
        "first": first["id"],
    }


def matches(client: TestClient, player: int, **params: int) -> dict:
    answer = client.get(f"{API}/players/{player}/matches", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_upcoming_matches_come_first_then_played_ones(client: TestClient, season: dict) -> None:
    ann = season["ids"]["ann"]
    body = matches(client, ann)
    assert body["name"] == "ann" and body["total"] == len(body["items"]) == 3
    items = body["items"]
    assert [i["upcoming"] for i in items] == [True, True, False]
    # Rounds named as the bracket names them (4 players: a semi-final, then the final).
    assert [i["round_name"] for i in items] == ["Semi-final", "Final", "Semi-final"]
    # Spring's first round (scheduled), then Winter's final (no slot), then the win.
    assert [i["tournament_id"] for i in items] == [season["spring"]] + [season["winter"]] * 2
    assert items[0]["slot"]["venue"] == "Hall" and items[0]["session"]["round"] == 1
    assert items[0]["opponents"] and items[0]["tournament"] == "Spring Open"
    assert items[1]["slot"] is None and items[1]["session"]["round"] == 2
    assert items[1]["opponents"] == []  # the other semi-final is not played yet
    played = items[2]
    assert played["tournament"] == "Winter; Cup, North"
    assert played["session"]["id"] == season["first"]
    assert played["session"]["result"]["winner_id"] == ann
    assert [o["name"] for o in played["opponents"]] != []
    assert ann not in [o["player_id"] for o in played["opponents"]]


def test_scheduled_matches_come_by_start_time_whatever_their_tournament(
    client: TestClient,
) -> None:
    ids = [as_user(client, name, "player")[0]["player_id"] for name in ("hal", "ivy")]
    autumn = tournament(client, "Autumn", ids, hall=True, later=2)  # created first, plays last
    summer = tournament(client, "Summer", ids, hall=True)
    items = matches(client, ids[0])["items"]
    assert [i["tournament_id"] for i in items] == [summer, autumn]
    assert items[0]["slot"]["starts_at"] < items[1]["slot"]["starts_at"]


def test_pages_follow_one_another(client: TestClient, season: dict) -> None:
    ann = season["ids"]["ann"]
    whole = [i["session"]["id"] for i in matches(client, ann)["items"]]
    walked, offset = [], 0
    while offset is not None:
        body = matches(client, ann, limit=1, offset=offset)
        assert len(body["items"]) == 1 and body["total"] == len(whole)
        walked += [i["session"]["id"] for i in body["items"]]
        offset = body["next_offset"]
    assert walked == whole
    assert matches(client, ann, offset=100)["items"] == []


def test_a_pending_report_shows_to_both_players(client: TestClient, season: dict) -> None:
    ids, spring = season["ids"], season["spring"]
    match = own_match(client, spring, ids["ann"])
    opponent = next(p["player_id"] for p in match["participants"] if p["player_id"] != ids["ann"])
    reported = client.post(
        f"{API}/tournaments/{spring}/sessions/{match['id']}/report",
        json={"score_a": 2, "score_b": 0},
        headers=season["headers"]["ann"],
    )
    assert reported.status_code == 200, reported.text
    for player in (ids["ann"], opponent):
        item = next(
            i for i in matches(client, player)["items"] if i["session"]["id"] == match["id"]
        )
        report = item["session"]["report"]
        assert report["state"] == "pending" and report["reporter_id"] == ids["ann"]
        assert (report["score_a"], report["score_b"]) == (2, 0) and item["upcoming"]


def test_matches_of_a_cancelled_tournament_still_to_play_are_left_out(
    client: TestClient, season: dict
) -> None:
    ann = season["ids"]["ann"]
    cancelled = client.post(
        f"{API}/tournaments/{season['winter']}/status", json={"status": "CANCELLED"}
    )
    assert cancelled.status_code == 200, cancelled.text
    items = matches(client, ann)["items"]
    winter = [i for i in items if i["tournament_id"] == season["winter"]]
    assert [i["upcoming"] for i in winter] == [False]
    assert winter[0]["tournament_status"] == "CANCELLED"


def test_a_player_without_matches_has_an_empty_page(client: TestClient) -> None:
    user, _ = as_user(client, "eve", "player")
    body = matches(client, user["player_id"])
    assert body == {
        "player_id": user["player_id"],
        "name": "eve",
        "items": [],
        "total": 0,
        "next_offset": None,
    }


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/players/0/matches", "player_id"),
        ("/players/abc/matches", "player_id"),
        ("/players/2147483648/matches", "player_id"),
        ("/players/1/matches?limit=0", "limit"),
        ("/players/1/matches?limit=501", "limit"),
        ("/players/1/matches?offset=-1", "offset"),
        ("/players/0/schedule.ics", "player_id"),
    ],
)
def test_bad_ids_and_paging_are_refused_naming_the_field(
    client: TestClient, path: str, field: str
) -> None:
    assert_error(client.get(f"{API}{path}"), 422, field=field)


def test_unknown_players_are_not_found(client: TestClient) -> None:
    assert_error(client.get(f"{API}/players/999999/matches"), 404, field="player_id")
    assert_error(client.get(f"{API}/players/999999/schedule.ics"), 404, field="player_id")


def test_the_calendar_feed_holds_the_scheduled_matches_of_every_tournament(
    client: TestClient, season: dict
) -> None:
    ann = season["ids"]["ann"]
    scheduled = [i for i in matches(client, ann)["items"] if i["slot"]]
    answer = client.get(f"{API}/players/{ann}/schedule.ics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.content)
    assert str(calendar["x-wr-calname"]) == "ann: matches"
    events = calendar.walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == sorted(
        f"session-{i['session']['id']}@bracketry" for i in scheduled
    )
    assert all(str(e["summary"]).startswith("Spring Open: round ") for e in events)


def test_the_calendar_escapes_names_as_rfc_5545_says(client: TestClient) -> None:
    ids = []
    for name in ("fay", "gus"):
        user, _ = as_user(client, name, "player")
        ids.append(user["player_id"])
    tournament(client, "Cup; North, Hall", ids, hall=True)
    answer = client.get(f"{API}/players/{ids[0]}/schedule.ics")
    assert answer.status_code == 200, answer.text
    assert b"SUMMARY:Cup\\; North\\, Hall: round 1" in answer.content
