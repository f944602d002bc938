"""The monitor's Schedule section in a real browser: one timeline row per venue field, one box
per scheduled session, following results live; hidden when nothing is scheduled."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Page, Route, expect

from tests.api.helpers import API, closed_tournament, generate_now
from tests.ui.conftest import BrowserProblems
from tests.ui.test_monitor import LIVE_S, assert_clean, open_monitor, tid

Screenshot = Callable[[Page, str], Path]
DASH = "\N{EN DASH}"  # between two players and two times
DAY = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()


def scheduled_knockout(http: httpx.Client, *, fields: int = 2, closes: str = "21:00") -> int:
    """A 16-player knockout with one venue, North (Paris time, open on DAY), and its sessions."""
    tournament_id = closed_tournament(http, 16)
    hours = [{"date": DAY, "opens": "09:00", "closes": closes}]
    venue = {"name": "North", "time_zone": "Europe/Paris", "fields": fields, "hours": hours}
    answer = http.post(f"{API}/tournaments/{tournament_id}/venues", json=venue)
    assert answer.status_code == 201, answer.text
    generate_now(http, tournament_id)
    return tournament_id


def schedule(http: httpx.Client, tournament_id: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}/schedule", params={"limit": 5000})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_timeline_shows_every_field_and_session_and_follows_results(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = scheduled_knockout(live_server)
    planned = schedule(live_server, tournament_id)
    assert planned["total"] == 16 and planned["unscheduled"] == 0
    open_monitor(page, base_url, tournament_id)
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )

    section = tid(page, "schedule")
    expect(section).to_be_visible(timeout=LIVE_S)
    rows = tid(page, "timeline-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".tl-label")).to_have_text("North · field 1")
    expect(rows.nth(1).locator(".tl-label")).to_have_text("North · field 2")
    expect(section.locator(".slot")).to_have_count(planned["total"])
    expect(tid(page, "schedule-count")).to_have_text(f"{planned['total']} scheduled")
    expect(tid(page, "schedule-unscheduled")).to_be_hidden()

    # The first two sessions start together on the two fields: one under the other.
    first, second = planned["items"][:2]
    session, slot = first["session"], first["slot"]
    a, b = (p["name"] for p in session["participants"])
    box = tid(page, f"slot-{session['id']}")
    expect(box).to_have_text(f"Round 1, match {session['number']} · {a} {DASH} {b}")
    expect(box).to_have_attribute("data-status", "ready")
    start, end = slot["starts_at"], slot["ends_at"]
    when = f"{start[:10]} {start[11:16]}{DASH}{end[11:16]} UTC{start[-6:]}"
    where = f"{when} · North, field {slot['field']}"
    expect(box).to_have_attribute("title", re.compile(re.escape(where)))
    here, below = box.bounding_box(), tid(page, f"slot-{second['session']['id']}").bounding_box()
    assert here and below and here["x"] == below["x"] and below["y"] > here["y"]
    later = tid(page, f"slot-{planned['items'][-1]['session']['id']}")
    expect(later).to_contain_text("TBD")
    later_box = later.bounding_box()
    assert later_box and later_box["x"] > here["x"] + here["width"]

    # A result recorded elsewhere: the box turns completed and the winner shows up next.
    answer = live_server.post(
        f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result",
        json={"outcome": "win", "score_a": 2, "score_b": 1},
    )
    assert answer.status_code == 200, answer.text
    expect(box).to_have_attribute("data-status", "completed", timeout=LIVE_S)
    expect(box).to_have_class(re.compile(r"\bcompleted\b"))
    expect(tid(page, f"slot-{session['winner_to']['match_id']}")).to_contain_text(a)
    expect(section.locator(".slot")).to_have_count(planned["total"])
    save_screenshot(page, "monitor-schedule")

    assert navigations == [], "the monitor reloaded"
    assert_clean(problems)


def test_timeline_tells_unscheduled_and_truncated_schedules(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = scheduled_knockout(live_server, fields=1, closes="11:00")
    planned = schedule(live_server, tournament_id)
    assert planned["total"] > 2 and planned["unscheduled"] > 0

    # The page reads at most 2,000 sessions; asking for 2 shows the truncation.
    def two_only(route: Route) -> None:
        route.continue_(url=re.sub(r"limit=\d+", "limit=2", route.request.url))

    page.route(re.compile(r"/schedule\?"), two_only)
    open_monitor(page, base_url, tournament_id)
    expect(tid(page, "schedule")).to_be_visible(timeout=LIVE_S)
    expect(tid(page, "timeline-row")).to_have_count(1)
    expect(tid(page, "schedule").locator(".slot")).to_have_count(2)
    expect(tid(page, "schedule-count")).to_have_text(f"showing first 2 of {planned['total']}")
    expect(tid(page, "schedule-unscheduled")).to_have_text(f"{planned['unscheduled']} unscheduled")
    assert_clean(problems)


def test_no_schedule_section_without_venues(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 8)
    generate_now(live_server, tournament_id)
    assert schedule(live_server, tournament_id)["total"] == 0

    reads: list[str] = []
    page.on("request", lambda r: reads.append(r.url) if "/schedule" in r.url else None)
    open_monitor(page, base_url, tournament_id)
    expect(page.locator("svg .match").first).to_be_visible(timeout=LIVE_S)
    expect(tid(page, "schedule")).to_be_hidden()
    assert reads == [], "nothing is scheduled: the timetable is not read"
    expect(page.locator(".slot")).to_have_count(0)
    assert_clean(problems)
