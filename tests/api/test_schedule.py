"""Venues, the timetable, calendar feeds and overruns over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_sessions,
    closed_tournament,
    generate_now,
)

DAY = (datetime.now(UTC) + timedelta(days=2)).date()


def venue(name: str = "Hall", fields: int = 2, zone: str = "Europe/Paris", **extra: Any) -> dict:
    """A venue open 09:00-21:00 local time for three days from the day after tomorrow."""
    hours = [
        {"date": (DAY + timedelta(days=d)).isoformat(), "opens": "09:00", "closes": "21:00"}
        for d in range(3)
    ]
    return {"name": name, "time_zone": zone, "fields": fields, "hours": hours, **extra}


def add_venue(client: TestClient, tournament_id: int, body: dict) -> dict:
    answer = client.post(f"{API}/tournaments/{tournament_id}/venues", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def timetable(client: TestClient, tournament_id: int, **filters: Any) -> dict:
    answer = client.get(
        f"{API}/tournaments/{tournament_id}/schedule", params={"limit": 5000, **filters}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def assert_no_conflicts(items: list[dict], *, gap: int, rest: int) -> None:
    """No field double-booked, no player in two matches too close together, feeders first."""
    by_field: dict[tuple[int, int], list[dict]] = {}
    by_player: dict[int, list[dict]] = {}
    by_id = {i["session"]["id"]: i for i in items}
    for item in items:
        slot = item["slot"]
        by_field.setdefault((slot["venue_id"], slot["field"]), []).append(slot)
        for p in item["session"]["participants"] or []:
            if p is not None:
                by_player.setdefault(p["player_id"], []).append(slot)
        for link in ("winner_to", "loser_to"):
            target = item["session"][link]
            if target and target["match_id"] in by_id:
                later = by_id[target["match_id"]]["slot"]
                assert moment(later["starts_at"]) >= moment(slot["ends_at"]) + timedelta(
                    minutes=rest
                )
    for slots, pause in [(s, gap) for s in by_field.values()] + [
        (s, rest) for s in by_player.values()
    ]:
        slots = sorted(slots, key=lambda s: moment(s["starts_at"]))
        for before, after in pairwise(slots):
            assert moment(after["starts_at"]) >= moment(before["ends_at"]) + timedelta(
                minutes=pause
            )


def scheduled_knockout(client: TestClient, players: int = 16, **config: Any) -> tuple[int, dict]:
    timing = {"match_minutes": 40, "break_minutes": 5, "rest_minutes": 15}
    tournament_id = closed_tournament(client, players, timing=timing, **config)
    add_venue(client, tournament_id, venue("North", 1))
    add_venue(client, tournament_id, venue("South", 2, zone="America/Sao_Paulo"))
    generate_now(client, tournament_id)
    return tournament_id, timing


def test_generation_schedules_every_playable_session_without_conflicts(
    client: TestClient,
) -> None:
    tournament_id, timing = scheduled_knockout(client, 13)
    sessions = all_sessions(client, tournament_id)
    playable = [s for s in sessions if not (s["result"] and s["result"]["outcome"] == "bye")]
    body = timetable(client, tournament_id)
    assert body["total"] == len(playable) and body["unscheduled"] == 0
    assert_no_conflicts(body["items"], gap=timing["break_minutes"], rest=timing["rest_minutes"])
    starts = [moment(i["slot"]["starts_at"]) for i in body["items"]]
    assert starts == sorted(starts)
    for item in body["items"]:
        slot = item["slot"]
        start, end = moment(slot["starts_at"]), moment(slot["ends_at"])
        assert start.tzinfo is not None and end - start == timedelta(minutes=40)
        local = start.strftime("%H:%M") >= "09:00" and end.strftime("%H:%M") <= "21:00"
        assert local, slot  # inside the venue's local opening hours
        offset = start.utcoffset()
        assert offset == (timedelta(hours=1) if slot["venue"] == "North" else timedelta(hours=-3))


def test_filters_by_venue_field_player_and_time(client: TestClient) -> None:
    tournament_id, _ = scheduled_knockout(client)
    everything = timetable(client, tournament_id)["items"]
    venues = {i["slot"]["venue"]: i["slot"]["venue_id"] for i in everything}
    south = venues["South"]
    only_south = timetable(client, tournament_id, venue_id=south)["items"]
    assert only_south and all(i["slot"]["venue"] == "South" for i in only_south)
    field_two = timetable(client, tournament_id, venue_id=venues["South"], field=2)["items"]
    assert field_two and all(i["slot"]["field"] == 2 for i in field_two)
    player = everything[0]["session"]["participants"][0]["player_id"]
    mine = timetable(client, tournament_id, player_id=player)["items"]
    assert mine and all(
        player in [p["player_id"] for p in i["session"]["participants"] if p] for i in mine
    )
    first_end = everything[0]["slot"]["ends_at"]
    before = timetable(client, tournament_id, to=first_end)["items"]
    assert all(moment(i["slot"]["starts_at"]) < moment(first_end) for i in before)
    after = timetable(client, tournament_id, **{"from": first_end})["items"]
    assert len(before) + len(after) >= len(everything)
    assert all(moment(i["slot"]["ends_at"]) > moment(first_end) for i in after)
    page = timetable(client, tournament_id, limit=3)
    assert len(page["items"]) == 3 and page["next_offset"] == 3


def test_an_overrun_moves_only_what_depends_on_it(client: TestClient) -> None:
    tournament_id, timing = scheduled_knockout(client)
    before = {i["session"]["id"]: i for i in timetable(client, tournament_id)["items"]}
    first = next(iter(before.values()))
    key = client.get(f"{API}/tournaments/{tournament_id}/monitor").json()["timetable_key"]
    assert key
    late = moment(first["slot"]["ends_at"]) + timedelta(minutes=90)
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{first['session']['id']}/overrun",
        json={"ends_at": late.isoformat()},
    )
    assert answer.status_code == 200, answer.text
    assert client.get(f"{API}/tournaments/{tournament_id}/monitor").json()["timetable_key"] != key
    moved = set(answer.json()["moved"])
    assert first["session"]["id"] in moved and len(moved) > 1
    after = {i["session"]["id"]: i for i in timetable(client, tournament_id)["items"]}
    for session_id, item in after.items():
        if session_id not in moved:
            assert item["slot"] == before[session_id]["slot"]
        elif session_id != first["session"]["id"]:
            assert item["slot"]["starts_at"] > before[session_id]["slot"]["starts_at"]
    assert moment(after[first["session"]["id"]]["slot"]["ends_at"]) == late
    target = first["session"]["winner_to"]["match_id"]
    assert moment(after[target]["slot"]["starts_at"]) >= late + timedelta(
        minutes=timing["rest_minutes"]
    )


def test_bad_overruns_are_refused(client: TestClient) -> None:
    tournament_id, _ = scheduled_knockout(client)
    item = timetable(client, tournament_id)["items"][0]
    path = f"{API}/tournaments/{tournament_id}/sessions/{item['session']['id']}/overrun"
    early = client.post(path, json={"ends_at": item["slot"]["starts_at"]})
    assert early.status_code == 422 and early.json()["field"] == "ends_at"
    naive = client.post(path, json={"ends_at": "2030-01-01T10:00:00"})
    assert naive.status_code == 422, naive.text
    assert "ends_at" in naive.text
    missing = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/999999/overrun",
        json={"ends_at": "2030-01-01T10:00:00+00:00"},
    )
    assert missing.status_code == 404 and missing.json()["field"] == "session_id"


def test_swiss_rounds_get_slots_as_they_are_paired(client: TestClient) -> None:
    timing = {"match_minutes": 30, "break_minutes": 0, "rest_minutes": 10}
    tournament_id = closed_tournament(
        client, 10, tournament_format="swiss", rounds=3, timing=timing
    )
    add_venue(client, tournament_id, venue("Club", 5))
    generate_now(client, tournament_id)
    assert timetable(client, tournament_id)["total"] == 5
    simulated = client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 3})
    assert simulated.status_code == 200, simulated.text
    body = timetable(client, tournament_id)
    assert body["total"] == 15 and body["unscheduled"] == 0
    assert_no_conflicts(body["items"], gap=0, rest=10)
    rounds = [(moment(i["slot"]["starts_at"]), i["session"]["round"]) for i in body["items"]]
    assert [r for _, r in sorted(rounds)] == sorted(r for _, r in rounds)


def test_venues_added_after_generation_plan_the_rest_and_deleting_unplans(
    client: TestClient,
) -> None:
    tournament_id = closed_tournament(client, 8)
    generate_now(client, tournament_id)
    assert timetable(client, tournament_id) == {
        "items": [],
        "total": 0,
        "next_offset": None,
        "unscheduled": 8,
    }
    hall = add_venue(client, tournament_id, venue("Late hall", 4))
    assert timetable(client, tournament_id)["total"] == 8
    listed = client.get(f"{API}/tournaments/{tournament_id}/venues").json()
    assert listed == [hall]
    assert client.get(f"{API}/tournaments/{tournament_id}/venues/{hall['id']}").json() == hall

    timing = client.put(
        f"{API}/tournaments/{tournament_id}/timing",
        json={"match_minutes": 90, "break_minutes": 0, "rest_minutes": 0},
    )
    assert timing.status_code == 200, timing.text
    assert len(timing.json()["moved"]) == 8
    items = timetable(client, tournament_id)["items"]
    assert all(
        moment(i["slot"]["ends_at"]) - moment(i["slot"]["starts_at"]) == timedelta(minutes=90)
        for i in items
    )
    gone = client.delete(f"{API}/tournaments/{tournament_id}/venues/{hall['id']}")
    assert gone.status_code == 204, gone.text
    assert timetable(client, tournament_id)["unscheduled"] == 8


def test_a_field_with_played_matches_cannot_be_removed(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 8)
    hall = add_venue(client, tournament_id, venue("Hall", 4))
    generate_now(client, tournament_id)
    on_field_four = next(
        i for i in timetable(client, tournament_id)["items"] if i["slot"]["field"] == 4
    )
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{on_field_four['session']['id']}/result",
        json={"score_a": 2, "score_b": 1},
    )
    assert answer.status_code == 200, answer.text
    before = timetable(client, tournament_id)
    shrink = client.put(
        f"{API}/tournaments/{tournament_id}/venues/{hall['id']}", json=venue("Hall", 2)
    )
    assert shrink.status_code == 409 and shrink.json()["field"] == "fields"
    deleted = client.delete(f"{API}/tournaments/{tournament_id}/venues/{hall['id']}")
    assert deleted.status_code == 409
    assert timetable(client, tournament_id) == before
    assert client.get(f"{API}/tournaments/{tournament_id}/venues/{hall['id']}").json() == hall


def test_calendar_feeds(client: TestClient) -> None:
    tournament_id, _ = scheduled_knockout(client)
    body = timetable(client, tournament_id)
    answer = client.get(f"{API}/tournaments/{tournament_id}/schedule.ics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    assert len(events) == body["total"]
    first = body["items"][0]
    event = next(
        e for e in events if str(e["uid"]) == f"session-{first['session']['id']}@bracketry"
    )
    assert event.decoded("dtstart") == moment(first["slot"]["starts_at"])
    assert first["slot"]["venue"] in str(event["location"])

    player = first["session"]["participants"][0]["player_id"]
    mine = client.get(f"{API}/tournaments/{tournament_id}/players/{player}/schedule.ics")
    assert mine.status_code == 200, mine.text
    own = icalendar.Calendar.from_ical(mine.content).walk("VEVENT")
    assert len(own) == timetable(client, tournament_id, player_id=player)["total"] >= 1
    stranger = client.get(f"{API}/tournaments/{tournament_id}/players/999999/schedule.ics")
    assert stranger.status_code == 404 and stranger.json()["field"] == "player_id"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"fields": 0}, "fields"),
        ({"fields": 100_000}, "fields"),
        ({"hours": []}, "hours"),
        ({"hours": [{"date": "2030-01-01", "opens": "18:00", "closes": "09:00"}]}, "hours"),
        ({"hours": [{"date": "2030-01-01", "opens": "9h", "closes": "18:00"}]}, "hours"),
        (
            {
                "hours": [
                    {"date": "2030-01-01", "opens": "09:00", "closes": "13:00"},
                    {"date": "2030-01-01", "opens": "12:00", "closes": "18:00"},
                ]
            },
            "hours",
        ),
        ({"name": ""}, "name"),
        ({"surface": "clay"}, "surface"),
    ],
)
def test_bad_venues_are_refused_and_nothing_is_written(
    client: TestClient, change: dict, field: str
) -> None:
    tournament_id = closed_tournament(client, 4)
    answer = client.post(f"{API}/tournaments/{tournament_id}/venues", json={**venue(), **change})
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    assert client.get(f"{API}/tournaments/{tournament_id}/venues").json() == []


def test_unknown_ids_and_bad_filters(client: TestClient) -> None:
    tournament_id, _ = scheduled_knockout(client)
    t = f"{API}/tournaments/{tournament_id}"
    assert client.get(f"{API}/tournaments/999999/schedule").status_code == 404
    assert client.get(f"{API}/tournaments/999999/venues").status_code == 404
    missing = client.get(f"{t}/venues/999999")
    assert missing.status_code == 404 and missing.json()["field"] == "venue_id"
    assert client.put(f"{t}/venues/999999", json=venue()).status_code == 404
    naive = client.get(f"{t}/schedule", params={"from": "2030-01-01T10:00:00"})
    assert naive.status_code == 422 and naive.json()["field"] == "from"
    assert client.get(f"{t}/schedule", params={"field": 0}).status_code == 422
    assert client.get(f"{t}/schedule", params={"limit": 0}).status_code == 422
    bad_timing = client.put(f"{t}/timing", json={"match_minutes": 0})
    assert bad_timing.status_code == 422 and "match_minutes" in bad_timing.text


def test_replan_keeps_decided_sessions_and_needs_a_running_tournament(client: TestClient) -> None:
    tournament_id, _ = scheduled_knockout(client, 8)
    item = timetable(client, tournament_id)["items"][0]
    played = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{item['session']['id']}/result",
        json={"score_a": 1, "score_b": 0},
    )
    assert played.status_code == 200, played.text
    answer = client.post(f"{API}/tournaments/{tournament_id}/schedule")
    assert answer.status_code == 200, answer.text
    after = {i["session"]["id"]: i for i in timetable(client, tournament_id)["items"]}
    assert after[item["session"]["id"]]["slot"] == item["slot"]
    draft = client.post(f"{API}/tournaments", json={"name": "Draft"}).json()["id"]
    refused = client.post(f"{API}/tournaments/{draft}/schedule")
    assert refused.status_code == 409, refused.text


def test_the_snapshot_offers_venue_changes_and_replanning_when_the_service_takes_them(
    client: TestClient,
) -> None:
    """The manage page shows venue controls by the snapshot's ``venues`` action and the
    re-plan button by ``schedule``: the same statuses the venue and schedule routes accept."""
    tournament_id = closed_tournament(client, 4)

    def actions() -> list[str]:
        return client.get(f"{API}/tournaments/{tournament_id}/monitor").json()["actions"]

    assert "venues" in actions() and "schedule" not in actions()
    refused = client.post(f"{API}/tournaments/{tournament_id}/schedule")
    assert refused.status_code == 409, refused.text
    generate_now(client, tournament_id)
    assert {"venues", "schedule"} <= set(actions())
    assert client.post(f"{API}/tournaments/{tournament_id}/schedule").status_code == 200
    cancelled = client.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "CANCELLED"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert not {"venues", "schedule"} & set(actions())
    timing = {"match_minutes": 30, "break_minutes": 5, "rest_minutes": 10}
    assert client.put(f"{API}/tournaments/{tournament_id}/timing", json=timing).status_code == 409
