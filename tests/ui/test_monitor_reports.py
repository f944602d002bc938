"""The monitor's Player reports section in a real browser: players report their own results
over the API, the page lists the open reports (disputed with the reason, pending with who has
to answer), counts the settled ones, marks the sessions drawn with an open report, and
follows the organiser's decision live; hidden when the tournament has no reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.api.accounts_helpers import bearer, make_user, sign_in
from tests.api.helpers import (
    API,
    close_enrollment,
    closed_tournament,
    create_open_tournament,
    generate_now,
)
from tests.ui.conftest import BrowserProblems
from tests.ui.test_monitor import LIVE_S, assert_clean, open_monitor, tid

Screenshot = Callable[[Page, str], Path]
DASH = "\N{EN DASH}"  # between two players and two scores
NAMES = ("Ann", "Ben", "Cat", "Dan")
REASON = "I won 3-2, the last set was mine"


def player_tournament(http: httpx.Client, tournament_format: str = "knockout") -> tuple[int, dict]:
    """A generated 4-player tournament of player accounts; the header of each player by id."""
    headers: dict[int, dict[str, str]] = {}
    for name in NAMES:
        user = make_user(http, name.lower(), "player", name)
        headers[user["player_id"]] = bearer(sign_in(http, name.lower())["access_token"])
    tournament_id = create_open_tournament(http, tournament_format=tournament_format)
    entries = [{"player_id": player_id} for player_id in headers]
    answer = http.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"players": entries})
    assert answer.status_code == 201, answer.text
    close_enrollment(http, tournament_id)
    generate_now(http, tournament_id)
    return tournament_id, headers


def ready_sessions(http: httpx.Client, tournament_id: int) -> list[dict]:
    answer = http.get(
        f"{API}/tournaments/{tournament_id}/sessions", params={"status": "ready", "round": 1}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def post_as(
    http: httpx.Client, path: str, header: dict[str, str], body: dict | None = None
) -> dict:
    """A player's POST (their token instead of the admin's); the session it answers."""
    answer = http.post(path, json=body, headers=header)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_reports_list_disputes_and_pending_mark_sessions_and_follow_the_organiser(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id, headers = player_tournament(live_server)
    first, second = ready_sessions(live_server, tournament_id)[:2]
    sessions = f"{API}/tournaments/{tournament_id}/sessions"
    a, b = first["participants"]
    c, d = second["participants"]
    # The first match: A reports 3-1, B disputes it. The second: C reports a win, D waits.
    reported = post_as(
        live_server,
        f"{sessions}/{first['id']}/report",
        headers[a["player_id"]],
        {"score_a": 3, "score_b": 1},
    )
    assert reported["report"]["state"] == "pending"
    disputed = post_as(
        live_server,
        f"{sessions}/{first['id']}/report/dispute",
        headers[b["player_id"]],
        {"reason": REASON},
    )
    assert disputed["report"]["state"] == "disputed"
    post_as(
        live_server,
        f"{sessions}/{second['id']}/report",
        headers[c["player_id"]],
        {"winner_id": c["player_id"]},
    )

    open_monitor(page, base_url, tournament_id)
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    section = tid(page, "reports")
    expect(section).to_be_visible(timeout=LIVE_S)
    expect(section.locator("h2")).to_have_text("Player reports")
    items = tid(page, "reports-open").locator("li")
    expect(items).to_have_count(2)
    # Disputed first, highlighted, with the reason; then the pending one, waiting.
    expect(items.nth(0)).to_have_attribute("data-state", "disputed")
    expect(items.nth(0)).to_have_class(re.compile(r"\bdisputed\b"))
    expect(items.nth(0)).to_have_text(
        f"Semi-final {first['number']} · {a['name']} {DASH} {b['name']}: "
        f"{a['name']} reported 3{DASH}1"
        f" · disputed by {b['name']}: {REASON}"
    )
    expect(tid(page, f"report-reason-{first['id']}")).to_have_text(REASON)
    expect(items.nth(1)).to_have_attribute("data-state", "pending")
    expect(items.nth(1)).to_have_text(
        f"Semi-final {second['number']} · {c['name']} {DASH} {d['name']}: {c['name']} reported"
        f" {c['name']} won · waiting for {d['name']}"
    )
    expect(tid(page, "reports-summary")).to_have_text("1 disputed · 1 waiting for the opponent")
    expect(tid(page, "reports-settled")).to_have_text("Settled: none yet")
    expect(tid(page, "reports-more")).to_be_hidden()

    # The bracket marks both matches; the final, not reported, is left alone.
    box = tid(page, f"match-{first['id']}")
    expect(box).to_have_class(re.compile(r"\bdisputed\b"))
    expect(box).to_have_attribute("data-report", "disputed")
    expect(box.locator("circle.report-badge")).to_have_count(1)
    expect(box.locator("circle.report-badge title")).to_have_text(f"disputed: {REASON}")
    other = tid(page, f"match-{second['id']}")
    expect(other).to_have_class(re.compile(r"\breported\b"))
    expect(other).to_have_attribute("data-report", "pending")
    final = tid(page, f"match-{first['winner_to']['match_id']}")
    expect(final).not_to_have_attribute("data-report", re.compile(".*"))
    expect(page.locator("svg .report-badge")).to_have_count(2)
    save_screenshot(page, "monitor-reports")

    # The organiser decides the disputed match: it leaves the open list and counts resolved.
    answer = live_server.post(
        f"{sessions}/{first['id']}/result", json={"winner_id": b["player_id"]}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["report"]["state"] == "resolved"
    expect(tid(page, "reports-settled")).to_have_text("Settled: 1 resolved", timeout=LIVE_S)
    expect(items).to_have_count(1)
    expect(items.nth(0)).to_have_attribute("data-state", "pending")
    expect(tid(page, "reports-summary")).to_have_text("1 waiting for the opponent")
    expect(box).not_to_have_class(re.compile(r"\bdisputed\b"))
    expect(box).not_to_have_attribute("data-report", re.compile(".*"))
    expect(box).to_have_class(re.compile(r"\bcompleted\b"))
    expect(final).to_contain_text(b["name"])
    expect(other).to_have_attribute("data-report", "pending")

    # The opponent confirms the other one: nothing is open, both are counted.
    post_as(live_server, f"{sessions}/{second['id']}/report/confirm", headers[d["player_id"]])
    expect(tid(page, "reports-settled")).to_have_text(
        "Settled: 1 confirmed · 1 resolved", timeout=LIVE_S
    )
    expect(tid(page, "reports-open")).to_be_hidden()
    expect(tid(page, "reports-summary")).to_have_text("none open")
    expect(section).to_be_visible()
    expect(page.locator("[data-report]")).to_have_count(0)
    expect(page.locator(".report-badge")).to_have_count(0)
    expect(final).to_contain_text(c["name"])

    assert navigations == [], "the monitor reloaded"
    assert_clean(problems)


def test_rounds_view_marks_a_reported_session(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id, headers = player_tournament(live_server, "round_robin")
    session = ready_sessions(live_server, tournament_id)[0]
    a, b = session["participants"]
    post_as(
        live_server,
        f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/report",
        headers[a["player_id"]],
        {"score_a": 2, "score_b": 0},
    )

    open_monitor(page, base_url, tournament_id)
    row = tid(page, "round-table").locator(f'tr[data-session-id="{session["id"]}"]')
    expect(row).to_have_class(re.compile(r"\breported\b"), timeout=LIVE_S)
    expect(row.locator(".report-badge")).to_have_text("reported")
    expect(tid(page, "round-table").locator("[data-report]")).to_have_count(1)
    expect(tid(page, "reports-open").locator("li")).to_have_text(
        f"Round 1, match {session['number']} · {a['name']} {DASH} {b['name']}: "
        f"{a['name']} reported 2{DASH}0"
        f" · waiting for {b['name']}"
    )
    assert_clean(problems)


def test_no_reports_section_without_reports(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 8)
    generate_now(live_server, tournament_id)
    answer = live_server.get(f"{API}/tournaments/{tournament_id}/reports")
    assert answer.status_code == 200 and answer.json()["total"] == 0, answer.text

    with page.expect_response(re.compile(rf"/tournaments/{tournament_id}/reports\?state=resolved")):
        open_monitor(page, base_url, tournament_id)
    expect(page.locator("svg .match").first).to_be_visible(timeout=LIVE_S)
    expect(tid(page, "reports")).to_have_attribute("data-total", "0")
    expect(tid(page, "reports")).to_be_hidden()
    expect(page.locator("[data-report]")).to_have_count(0)
    assert_clean(problems)
