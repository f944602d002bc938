"""The manage page's waiting list in a real browser: players who join a full tournament wait
in line; the organizer takes one of them off the list after a question, and removing an
enrolled player lets the first one waiting take the place, as the page then says. Once the
bracket is drawn the waiting list keeps no Remove buttons."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.api.accounts_helpers import bearer, make_user, sign_in
from tests.api.helpers import API, close_enrollment, generate_now
from tests.ui.conftest import BrowserProblems
from tests.ui.screens import Screenshot
from tests.ui.test_monitor import assert_clean
from tests.ui.test_participants import listed, open_manage_page, organizer_tournament, shoot


def join_as_player(http: httpx.Client, tournament_id: int, username: str, name: str) -> dict:
    """A new player account ``username`` joins the tournament itself; the API's answer."""
    make_user(http, username, "player", name=name)
    joined = http.post(
        f"{API}/tournaments/{tournament_id}/join",
        headers=bearer(sign_in(http, username)["access_token"]),
    )
    assert joined.status_code in (201, 202), joined.text
    return joined.json()


def waiting_names(http: httpx.Client, tournament_id: int) -> list[str]:
    answer = http.get(f"{API}/tournaments/{tournament_id}/waitlist")
    assert answer.status_code == 200, answer.text
    return [w["name"] for w in sorted(answer.json(), key=lambda w: w["position"])]


def test_an_organizer_removes_waiting_players_and_the_first_in_line_moves_up(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = organizer_tournament(live_server, "org-waiting", max_players=2)
    full = {"players": [{"name": "Ada Lovelace", "rating": 2100}, {"name": "Bob", "rating": 1900}]}
    enrolled = live_server.post(f"{API}/tournaments/{tournament_id}/enrollments", json=full)
    assert enrolled.status_code == 201, enrolled.text
    for username, name in (("carol-w", "Carol"), ("dave-w", "Dave"), ("erin-w", "Erin")):
        entry = join_as_player(live_server, tournament_id, username, name)
        assert entry["state"] == "waiting", entry
    assert waiting_names(live_server, tournament_id) == ["Carol", "Dave", "Erin"]

    open_manage_page(page, base_url, tournament_id, "org-waiting")
    section = page.get_by_role("region", name="Players")
    waiting = page.get_by_test_id("waiting")
    lines = waiting.locator("li")
    expect(lines).to_have_text(["Carol Remove", "Dave Remove", "Erin Remove"])
    rule = page.get_by_test_id("waiting-rule")
    expect(rule).to_have_text("When a place frees up, the first player in line takes it.")

    # Asked first; "Keep" leaves Dave in line and gives the focus back to his button.
    waiting.get_by_role("button", name="Remove Dave", exact=True).click()
    question = waiting.get_by_text("Take Dave off the waiting list?")
    expect(question).to_be_visible()
    expect(waiting.get_by_role("button", name="Keep")).to_be_focused()
    waiting.get_by_role("button", name="Keep").click()
    expect(question).to_have_count(0)
    expect(waiting.get_by_role("button", name="Remove Dave", exact=True)).to_be_focused()
    assert waiting_names(live_server, tournament_id) == ["Carol", "Dave", "Erin"]

    # Asked again and answered: Dave leaves the line, the others keep their places.
    waiting.get_by_role("button", name="Remove Dave", exact=True).click()
    expect(question).to_be_visible()
    shoot(page, save_screenshot, "waiting-remove")
    waiting.get_by_role("button", name="Yes, remove Dave").click()
    expect(page.get_by_test_id("list-ok")).to_have_text("Dave is taken off the waiting list.")
    expect(lines).to_have_text(["Carol Remove", "Erin Remove"])
    assert waiting_names(live_server, tournament_id) == ["Carol", "Erin"]
    assert sorted(e["name"] for e in listed(live_server, tournament_id)) == ["Ada Lovelace", "Bob"]

    # Removing an enrolled player: Carol, first in line, takes the place.
    page.get_by_role("button", name="Remove Bob", exact=True).click()
    expect(section).to_contain_text(
        "Remove Bob from the tournament? The first player waiting takes the place."
    )
    page.get_by_role("button", name="Yes, remove Bob").click()
    expect(page.get_by_test_id("list-ok")).to_have_text(
        "Bob is removed. Carol moves up from the waiting list and takes the place."
    )
    expect(section.get_by_role("cell", name="Carol", exact=True)).to_be_visible()
    expect(section.get_by_role("cell", name="Bob", exact=True)).to_have_count(0)
    expect(lines).to_have_text(["Erin Remove"])
    assert sorted(e["name"] for e in listed(live_server, tournament_id)) == [
        "Ada Lovelace",
        "Carol",
    ]
    assert waiting_names(live_server, tournament_id) == ["Erin"]
    shoot(page, save_screenshot, "waiting-moved-up")

    # Enrollment closed: waiting players may still be removed; once drawn, no one may.
    close_enrollment(live_server, tournament_id)
    expect(page.get_by_test_id("enroll-note")).to_contain_text("no one can be added")
    expect(waiting.get_by_role("button", name="Remove Erin", exact=True)).to_be_visible()
    # Nobody moves up any more (the service's rule): neither the list nor the question says so.
    expect(rule).to_have_text(
        "Enrollment is closed: a place that frees up stays empty. "
        "Players can be taken off the list."
    )
    page.get_by_role("button", name="Remove Carol", exact=True).click()
    expect(section).to_contain_text("Remove Carol from the tournament?")
    expect(section).not_to_contain_text("The first player waiting takes the place.")
    section.get_by_role("button", name="Keep").click()
    generate_now(live_server, tournament_id)
    expect(page.get_by_test_id("enroll-note")).to_contain_text("The list of players is final")
    expect(lines).to_have_text(["Erin"])
    expect(waiting.get_by_role("button")).to_have_count(0)
    assert_clean(problems)
