"""The manage page's seeding problem in a real browser: while the requested seeds cannot all
be honoured (a seed above the number of players enrolled, or manual seeding with players
still without a seed), the Players section says so in plain words and lists the players in
the order they joined; once the organizer fixes the seeds on the page the message goes."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.api.helpers import API
from tests.ui.conftest import BrowserProblems
from tests.ui.screens import Screenshot
from tests.ui.test_monitor import assert_clean
from tests.ui.test_participants import open_manage_page, organizer_tournament, shoot

UNTIL_THEN = "Until then the list is in the order players joined."
# What the page must never show of the service's own words.
INTERNAL = re.compile(r"\.\.|_|manual seeding|player count|requested")


def enroll(http: httpx.Client, tournament_id: int, players: list[dict]) -> None:
    answer = http.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players})
    assert answer.status_code == 201, answer.text


def enrollment_page(http: httpx.Client, tournament_id: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}/enrollments")
    assert answer.status_code == 200, answer.text
    return answer.json()


def names_on_screen(page: Page) -> list[str]:
    return page.get_by_test_id("enrolled").locator("tbody td.name").all_inner_texts()


def test_a_seed_above_the_field_is_explained_until_the_organizer_changes_it(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = organizer_tournament(live_server, "org-seed-high", max_players=8)
    # Seed 8 is allowed while 8 players may still come; with 3 enrolled it cannot be given.
    enroll(
        live_server,
        tournament_id,
        [
            {"name": "Ada Lovelace", "rating": 1700, "seed": 8},
            {"name": "Bob", "rating": 2000},
            {"name": "Cleo", "rating": 1900},
        ],
    )
    answer = enrollment_page(live_server, tournament_id)
    assert answer["seeding_issue"] == "seed 8 is outside 1..3 (the player count)"

    open_manage_page(page, base_url, tournament_id, "org-seed-high")
    issue = page.get_by_test_id("seeding-issue")
    expect(issue).to_have_text(
        "Seeds cannot be worked out yet: seed 8 is asked for, but only 3 players are enrolled. "
        + UNTIL_THEN
    )
    assert not INTERNAL.search(issue.inner_text())
    assert names_on_screen(page) == ["Ada Lovelace", "Bob", "Cleo"]
    expect(page.get_by_label("Seed for Ada Lovelace")).to_have_value("8")
    shoot(page, save_screenshot, "seeding-issue")

    # The organizer gives Ada seed 3 instead: the seeds now follow, and the message goes.
    page.get_by_label("Seed for Ada Lovelace").fill("3")
    page.get_by_role("button", name="Save seeds").click()
    expect(page.get_by_test_id("list-ok")).to_have_text("Seeds saved.")
    expect(issue).to_be_hidden()
    expect(issue).to_have_text("")
    expect(page.get_by_label("Seed for Bob")).to_have_attribute("placeholder", "1")
    assert names_on_screen(page) == ["Bob", "Cleo", "Ada Lovelace"]
    settled = enrollment_page(live_server, tournament_id)
    assert settled["seeding_issue"] is None
    assert [(e["name"], e["seed"]) for e in settled["items"]] == [
        ("Bob", 1),
        ("Cleo", 2),
        ("Ada Lovelace", 3),
    ]
    assert_clean(problems)


def test_manual_seeding_says_how_many_players_still_need_a_seed(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = organizer_tournament(live_server, "org-seed-manual", seeding="manual")
    enroll(
        live_server, tournament_id, [{"name": "Ada Lovelace"}, {"name": "Bob"}, {"name": "Cleo"}]
    )
    answer = enrollment_page(live_server, tournament_id)
    assert answer["seeding_issue"] == "manual seeding: 3 players have not been given a seed"

    open_manage_page(page, base_url, tournament_id, "org-seed-manual")
    issue = page.get_by_test_id("seeding-issue")
    expect(issue).to_have_text(
        "Seeds cannot be worked out yet: every player needs a seed given by hand, "
        "and 3 players have none yet. " + UNTIL_THEN
    )
    assert not INTERNAL.search(issue.inner_text())

    # Two seeds given: one player is still without one, said in the singular.
    page.get_by_label("Seed for Cleo").fill("1")
    page.get_by_label("Seed for Ada Lovelace").fill("2")
    page.get_by_role("button", name="Save seeds").click()
    expect(page.get_by_test_id("list-ok")).to_have_text("Seeds saved.")
    expect(issue).to_have_text(
        "Seeds cannot be worked out yet: every player needs a seed given by hand, "
        "and 1 player has none yet. " + UNTIL_THEN
    )

    # The last one: the message goes and the list is in seed order.
    page.get_by_label("Seed for Bob").fill("3")
    page.get_by_role("button", name="Save seeds").click()
    expect(issue).to_be_hidden()
    expect(page.get_by_label("Seed for Cleo")).to_have_value("1")
    assert names_on_screen(page) == ["Cleo", "Ada Lovelace", "Bob"]
    settled = enrollment_page(live_server, tournament_id)
    assert settled["seeding_issue"] is None
    assert [(e["name"], e["seed"]) for e in settled["items"]] == [
        ("Cleo", 1),
        ("Ada Lovelace", 2),
        ("Bob", 3),
    ]
    assert_clean(problems)
