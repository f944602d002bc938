"""An organizer runs a real tournament from the browser: signs in, creates it through the form,
enrolls named players, moves it along its lifecycle, records every result by choosing the
matches, corrects one (seeing which later results it clears), completes it; a visitor follows
the public page, which names the champion and has no control at all."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.api.accounts_helpers import make_user
from tests.api.helpers import API
from tests.ui.conftest import BrowserProblems
from tests.ui.organizer_steps import (
    RECORD,
    play_everything,
    record,
    shoot,
    sign_in,
)
from tests.ui.screens import WIDE, Screenshot
from tests.ui.test_monitor import assert_clean


def test_an_organizer_runs_a_knockout_of_six_and_a_visitor_sees_the_champion(
    page: Page,
    new_page: Callable[[], Page],
    live_server: httpx.Client,
    problems: BrowserProblems,
    save_screenshot: Screenshot,
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "org-one", "organizer")
    page.set_viewport_size(WIDE)
    page.goto(f"{base_url}/")
    expect(page.get_by_role("link", name="New tournament")).to_be_hidden()
    sign_in(page, "org-one")
    new = page.get_by_role("link", name="New tournament")
    expect(new).to_be_visible()
    shoot(page, save_screenshot, "index")
    new.click()
    page.wait_for_url(re.compile(r"/tournaments/new$"))

    # The form: every format, people's labels; the API's refusal next to its field.
    formats = page.get_by_label("Format").locator("option").all_inner_texts()
    assert "Single elimination (knockout)" in formats and "Round robin" in formats
    assert len(formats) == 6
    page.get_by_label("Tournament name").fill("Spring Open")
    page.get_by_label("Format").select_option(label="Single elimination (knockout)")
    page.get_by_label("Maximum players").fill("1")
    problems.expect(422, "/api/v1/tournaments")
    page.get_by_role("button", name="Create tournament").click()
    refusal = page.locator('[data-error-for="config.max_players"]')
    expect(refusal).to_contain_text("2")  # the API's words, next to the field it names
    shoot(page, save_screenshot, "new-refused")
    page.get_by_label("Maximum players").fill("6")
    page.get_by_role("button", name="Create tournament").click()
    page.wait_for_url(re.compile(r"/tournaments/\d+/manage$"))
    tournament_id = int(page.url.rsplit("/", 2)[1])

    # Players, after opening enrollment; the lifecycle shows only the moves allowed now.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Spring Open")
    expect(page.get_by_role("button", name="Generate matches")).to_be_hidden()
    page.get_by_role("button", name="Open enrollment").click()
    expect(page.get_by_test_id("tournament-status")).to_have_text("Enrollment open")
    expect(page.get_by_role("button", name="Open enrollment")).to_be_hidden()
    page.get_by_label("Player name").fill("Ada Lovelace")
    page.get_by_label("Rating").fill("2100")
    page.get_by_role("button", name="Add player", exact=True).click()
    expect(page.get_by_test_id("enroll-ok")).to_have_text("Player added.")
    page.get_by_label("Paste a list").fill(
        "Bo Berg,2000\nCy Chen,1900\nDi Diaz,1800\nEd Eze,1700\nFlo Fox,1600\n"
    )
    page.get_by_role("button", name="Add these players").click()
    expect(page.get_by_test_id("enroll-ok")).to_have_text("5 players added.")
    expect(page.get_by_test_id("enrolled").locator("tbody tr")).to_have_count(6)
    expect(page.get_by_test_id("players-count")).to_have_text("6")
    shoot(page, save_screenshot, "manage-players")

    page.get_by_role("button", name="Close enrollment").click()
    expect(page.get_by_test_id("tournament-status")).to_have_text("Enrollment closed")
    expect(page.get_by_role("button", name="Reopen enrollment")).to_be_visible()
    page.get_by_role("button", name="Generate matches").click()
    expect(page.get_by_test_id("tournament-status")).to_have_text("In progress")
    expect(page.get_by_role("button", name="Cancel tournament")).to_be_visible()

    # Results by choosing matches: a first-round match names both players.
    first = page.get_by_role("button", name=re.compile(r": Cy Chen vs Flo Fox, "))
    expect(first).to_be_visible()
    record(page, 3, 1, button_name=first.get_attribute("aria-label"))
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_test_id("result-note")).to_contain_text("Cy Chen wins")
    play_everything(page)
    shoot(page, save_screenshot, "manage-played")

    # A correction of a decided first-round match: the later results it clears are named,
    # and nothing is sent with force until the organizer confirms.
    decided = page.get_by_role("button", name=re.compile(r": Cy Chen vs Flo Fox, decided"))
    problems.expect(409, "/result")
    record(page, 1, 3, button_name=decided.get_attribute("aria-label"))
    warning = page.get_by_test_id("reset-warning")
    expect(warning).to_be_visible()
    expect(warning.locator("li").first).to_contain_text("Cy Chen")
    cleared = warning.locator("li").count()
    assert cleared >= 2, "the semi-final and the final (or third place) had results"
    shoot(page, save_screenshot, "manage-correction")
    page.get_by_role("button", name="Correct and clear these results").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_test_id("result-note")).to_contain_text("Corrected")
    expect(page.get_by_role("button", name=RECORD).first).to_be_visible()
    play_everything(page)
    expect(page.get_by_test_id("results-pct")).to_have_text("100")

    page.get_by_role("button", name="Calculate rankings").click()
    complete = page.get_by_role("button", name="Complete", exact=True)
    expect(complete).to_be_visible()
    complete.click()
    expect(page.get_by_test_id("tournament-status")).to_have_text("Completed")
    rankings = live_server.get(f"{API}/tournaments/{tournament_id}/rankings?limit=1").json()
    champion = rankings["items"][0]["name"]
    expect(page.get_by_test_id("champion-line")).to_have_text(f"Champion: {champion}")
    assert (
        live_server.get(f"{API}/tournaments/{tournament_id}/sessions?limit=100").json()["total"]
        == 8
    )
    shoot(page, save_screenshot, "manage-completed")

    # Downloads and the public link.
    downloads = page.get_by_test_id("downloads")
    for name in ("Standings (CSV)", "Matches (JSON)", "The whole tournament (archive)"):
        expect(downloads.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_label("Public link")).to_have_value(f"{base_url}/t/{tournament_id}")

    # A visitor: the public page names the champion and has no control of any kind.
    visitor = new_page()
    visitor.set_viewport_size(WIDE)
    visitor.goto(f"{base_url}/t/{tournament_id}")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Spring Open")
    expect(visitor.get_by_text(f"Champion: {champion}").first).to_be_visible()
    expect(visitor.locator("svg g.match").first).to_be_visible()
    expect(visitor.get_by_test_id("rankings").locator("tbody tr")).to_have_count(6)
    assert visitor.get_by_role("button").count() == 0
    assert visitor.locator("input:visible, select:visible, textarea:visible").count() == 0
    shoot(visitor, save_screenshot, "public-completed")

    # A visitor on the manage page sees no organizer control either.
    visitor.goto(f"{base_url}/tournaments/{tournament_id}/manage")
    expect(visitor.get_by_test_id("manage-access")).to_contain_text("Sign in above")
    expect(visitor.get_by_test_id("steps")).to_be_hidden()
    expect(visitor.locator("#player-forms")).to_be_hidden()
    expect(visitor.locator("svg g.match").first).to_be_visible()
    assert visitor.locator('svg [role="button"]').count() == 0

    # Unknown or malformed page addresses answer a page in plain words.
    for path in ("/tournaments/abc", "/t/999999", "/tournaments/0/manage"):
        problems.expect(404, path)
        answer = visitor.goto(f"{base_url}{path}")
        assert answer is not None and answer.status == 404
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Page not found")
    shoot(visitor, save_screenshot, "not-found")
    assert_clean(problems)
