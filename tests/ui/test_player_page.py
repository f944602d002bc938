"""Players report their own results from the browser: a player signs in, finds their next
match on their page and on the tournament's public page and reports it there; the opponent
signs in and confirms it on their own page; a visitor sees no control on the public page."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.api.accounts_helpers import make_user
from tests.api.helpers import API, all_sessions, generate_now
from tests.api.test_schedule import add_venue, venue
from tests.ui import screens
from tests.ui.conftest import BrowserProblems
from tests.ui.organizer_steps import sign_in
from tests.ui.screens import WIDE, Screenshot
from tests.ui.test_monitor import assert_clean

DASH = "\N{EN DASH}"
NAMES = {"ann": "Ann Lee", "ben": "Ben Ode", "cat": "Cat Roy", "dan": "Dan Wu"}


def shoot(page: Page, save: Screenshot, name: str) -> None:
    """Screenshots of this page at both widths, after the layout checks."""
    screens.shoot(page, save, f"player-{name}")


def club_night(http: httpx.Client) -> tuple[int, dict[str, int]]:
    """A scheduled knockout of four player accounts, generated; their player ids."""
    ids = {u: make_user(http, u, "player", name)["player_id"] for u, name in NAMES.items()}
    created = http.post(
        f"{API}/tournaments", json={"name": "Club Night", "config": {"third_place": False}}
    )
    assert created.status_code == 201, created.text
    tid = created.json()["id"]
    http.post(f"{API}/tournaments/{tid}/status", json={"status": "ENROLLMENT_OPEN"})
    entries = [{"player_id": p} for p in ids.values()]
    enrolled = http.post(f"{API}/tournaments/{tid}/enrollments", json={"players": entries})
    assert enrolled.status_code == 201, enrolled.text
    http.post(f"{API}/tournaments/{tid}/status", json={"status": "ENROLLMENT_CLOSED"})
    add_venue(http, tid, venue("Club hall", 2))  # type: ignore[arg-type]
    generate_now(http, tid)
    return tid, ids


def test_a_player_reports_on_the_public_page_and_the_opponent_confirms(
    page: Page,
    new_page: Callable[[], Page],
    live_server: httpx.Client,
    problems: BrowserProblems,
    save_screenshot: Screenshot,
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tid, ids = club_night(live_server)
    first = next(
        s
        for s in all_sessions(live_server, tid)
        if ids["ann"] in [p["player_id"] for p in s["participants"] or [] if p]
    )
    a, b = (p["name"] for p in first["participants"])
    rival = next(u for u, name in NAMES.items() if name in (a, b) and u != "ann")

    # Ann signs in on /me and lands on her page: her match, its time and place, a feed.
    page.set_viewport_size(WIDE)
    page.goto(f"{base_url}/me")
    expect(page.get_by_test_id("me-state")).to_contain_text("Sign in above")
    sign_in(page, "ann")
    page.wait_for_url(re.compile(rf"/players/{ids['ann']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ann Lee")
    upcoming = page.get_by_test_id("upcoming")
    expect(upcoming.locator("li")).to_have_count(1)
    expect(upcoming).to_contain_text(f"Against {NAMES[rival]}")
    expect(upcoming).to_contain_text("Club hall, field")
    expect(page.get_by_test_id("played")).to_be_empty()
    feed = page.get_by_test_id("calendar-feed")
    expect(feed).to_have_attribute("href", f"/api/v1/players/{ids['ann']}/schedule.ics")
    shoot(page, save_screenshot, "own-page")

    # The public page shows her next match; she reports it there.
    upcoming.get_by_role("link", name="Club Night").click()
    page.wait_for_url(re.compile(rf"/t/{tid}$"))
    mine = page.get_by_test_id("my-match")
    expect(mine).to_contain_text(f"Against {NAMES[rival]}")
    mine.get_by_label(a, exact=True).fill("3" if a == "Ann Lee" else "1")
    mine.get_by_label(b, exact=True).fill("1" if a == "Ann Lee" else "3")
    shoot(page, save_screenshot, "public-report")
    mine.get_by_role("button", name="Report result").click()
    expect(mine).to_contain_text(f"waiting for {NAMES[rival]} to confirm")
    expect(mine.get_by_role("button")).to_have_count(0)
    shoot(page, save_screenshot, "public-reported")

    # The opponent signs in and confirms on their own page.
    other = new_page()
    other.set_viewport_size(WIDE)
    other.goto(f"{base_url}/me")
    sign_in(other, rival)
    other.wait_for_url(re.compile(rf"/players/{ids[rival]}$"))
    pending = other.get_by_test_id("upcoming").locator("li").first
    expect(pending).to_contain_text(f"Ann Lee reported {a} {3 if a == 'Ann Lee' else 1} {DASH} ")
    expect(pending.get_by_role("button", name="Dispute")).to_be_visible()
    shoot(other, save_screenshot, "opponent-pending")
    pending.get_by_role("button", name="Confirm").click()
    played = other.get_by_test_id("played")
    expect(played).to_contain_text(f"Lost 1{DASH}3")
    expect(other.get_by_test_id("upcoming").locator("li")).to_have_count(0)
    shoot(other, save_screenshot, "opponent-confirmed")

    # Ann's public page follows live: her final now (its opponent still to be decided).
    expect(mine).to_contain_text("Final")
    expect(mine).to_contain_text("Opponent still to be decided")
    expect(mine.get_by_role("button")).to_have_count(0)

    # A visitor: no control of any kind on the public page; anyone may read a player's page.
    visitor = new_page()
    visitor.set_viewport_size(WIDE)
    visitor.goto(f"{base_url}/t/{tid}")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Club Night")
    expect(visitor.locator("svg g.match").first).to_be_visible()
    expect(visitor.get_by_test_id("my-match")).to_be_hidden()
    assert visitor.get_by_role("button").count() == 0
    assert visitor.locator("input:visible, select:visible, textarea:visible").count() == 0
    shoot(visitor, save_screenshot, "public-visitor")
    reader = new_page()
    reader.goto(f"{base_url}/players/{ids['ann']}")
    expect(reader.get_by_test_id("played")).to_contain_text(f"Won 3{DASH}1")
    expect(reader.get_by_test_id("upcoming")).to_contain_text("Opponent still to be decided")
    assert reader.locator("#upcoming, #played").get_by_role("button").count() == 0
    problems.expect(404, "/players/999999")
    answer = reader.goto(f"{base_url}/players/999999")
    assert answer is not None and answer.status == 404
    expect(reader.get_by_text("There is no player at this address.")).to_be_visible()
    assert_clean(problems)


def test_a_refused_report_is_told_and_the_opponent_disputes_on_the_public_page(
    page: Page,
    new_page: Callable[[], Page],
    live_server: httpx.Client,
    problems: BrowserProblems,
    save_screenshot: Screenshot,
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tid, ids = club_night(live_server)
    first = next(
        s
        for s in all_sessions(live_server, tid)
        if ids["ben"] in [p["player_id"] for p in s["participants"] or [] if p]
    )
    a, b = (p["name"] for p in first["participants"])
    rival = next(u for u, name in NAMES.items() if name in (a, b) and u != "ben")

    page.goto(f"{base_url}/me")
    sign_in(page, "ben")
    page.wait_for_url(re.compile(rf"/players/{ids['ben']}$"))
    expect(page.get_by_test_id("upcoming").locator("li")).to_have_count(1)  # loaded
    page.goto(f"{base_url}/t/{tid}")
    mine = page.get_by_test_id("my-match")
    mine.get_by_label(a, exact=True).fill("2")
    mine.get_by_label(b, exact=True).fill("2")
    problems.expect(422, f"/sessions/{first['id']}/report")
    mine.get_by_role("button", name="Report result").click()
    refusal = mine.locator(".error")
    expect(refusal).not_to_be_empty()
    assert "{" not in refusal.inner_text()  # the API's words, never its JSON
    mine.get_by_label(b, exact=True).fill("0")
    mine.get_by_role("button", name="Report result").click()
    expect(mine).to_contain_text("waiting for")

    other = new_page()
    other.goto(f"{base_url}/me")
    sign_in(other, rival)
    other.wait_for_url(re.compile(rf"/players/{ids[rival]}$"))
    expect(other.get_by_test_id("upcoming").locator("li")).to_have_count(1)  # loaded
    other.goto(f"{base_url}/t/{tid}")
    theirs = other.get_by_test_id("my-match")
    expect(theirs).to_contain_text(f"Ben Ode reported {a} 2 {DASH} 0 {b}")
    theirs.get_by_role("button", name="Dispute").click()
    theirs.get_by_label("What is wrong with it?").fill("It was 0-2")
    shoot(other, save_screenshot, "public-dispute")
    theirs.get_by_role("button", name="Send the dispute").click()
    expect(theirs).to_contain_text("Disputed (It was 0-2): the organizer will record the result.")
    expect(theirs.get_by_role("button")).to_have_count(0)
    expect(mine).to_contain_text("Disputed (It was 0-2)")  # the reporter's page follows live
    assert_clean(problems)
