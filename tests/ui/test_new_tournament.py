"""The New tournament form, complete: every option of a format in people's words (a tiebreak
order built by hand), a check-in window, a venue with its start in a chosen time zone and
match timing. The API's refusals show next to the field they name; when only the venue is
refused, the tournament exists and the venue alone is sent again. Every choice is read back
through the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.api.accounts_helpers import PASSWORD, make_user
from tests.api.helpers import API
from tests.ui import screens
from tests.ui.conftest import BrowserProblems
from tests.ui.screens import WIDE, Screenshot
from tests.ui.test_monitor import assert_clean

PROGRESSIVE = "Progressive score"


def shoot(page: Page, save: Screenshot, name: str) -> None:
    """Screenshots of this page at both widths, after the layout checks."""
    screens.shoot(page, save, f"new-tournament-{name}")


def open_form(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"signed in as {username}")).to_be_visible()
    page.get_by_role("link", name="New tournament").click()
    page.wait_for_url(re.compile(r"/tournaments/new$"))


def field(page: Page, label: str) -> Locator:
    return page.get_by_label(label, exact=True)


def tiebreaks(page: Page) -> list[str]:
    order = page.get_by_role("group", name="Tiebreak order")
    return order.locator("ol li > span:first-child").all_inner_texts()


def test_every_format_option_is_labelled_in_plain_words(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "org-words", "organizer")
    open_form(page, base_url, "org-words")
    # The browser's own zone is chosen to start with.
    here = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    expect(field(page, "Time zone")).to_have_value(here)
    elsewhere = "Asia/Tokyo" if here != "Asia/Tokyo" else "Europe/Paris"
    page.context.new_cdp_session(page).send(
        "Emulation.setTimezoneOverride", {"timezoneId": elsewhere}
    )
    page.reload()
    expect(field(page, "Time zone")).to_have_value(elsewhere)
    formats = field(page, "Format").locator("option").all_inner_texts()
    assert len(formats) == 6
    for label in formats:
        field(page, "Format").select_option(label=label)
        more = page.locator("#format-options details.more > summary")
        if more.count():
            more.click()
        page.get_by_label("Players check in before play").check()
        words = page.locator("#tournament-part").inner_text()
        assert "_" not in words, f"{label}: an internal name is shown: {words}"
        page.get_by_label("Players check in before play").uncheck()
    assert_clean(problems)


def test_an_organizer_creates_a_swiss_with_every_choice(
    page: Page,
    live_server: httpx.Client,
    problems: BrowserProblems,
    save_screenshot: Screenshot,
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "org-swiss", "organizer")
    page.set_viewport_size(WIDE)
    open_form(page, base_url, "org-swiss")

    field(page, "Tournament name").fill("Autumn Swiss")
    field(page, "Format").select_option(label="Swiss")
    field(page, "Maximum players").fill("16")
    field(page, "Swiss rounds").fill("4")
    page.get_by_text("More options").click()
    field(page, "Points for a win").fill("3")
    field(page, "Points for a draw").fill("5")  # more than a win: refused
    field(page, "Points for a loss").fill("0")
    field(page, "Points for a bye").fill("2")
    field(page, "Seeding").select_option(label="At random")
    field(page, "Draw number for random seeding").fill("42")

    # The tiebreak order: one removed, one moved up, one added.
    assert tiebreaks(page) == ["Buchholz cut 1", "Buchholz", "Sonneborn-Berger", PROGRESSIVE]
    page.get_by_role("button", name="Remove Buchholz cut 1").click()
    page.get_by_role("button", name="Move Sonneborn-Berger up").click()
    page.get_by_label("Add to the tiebreak order").select_option(label="Number of wins")
    page.get_by_role("button", name="Add", exact=True).click()
    assert tiebreaks(page) == ["Sonneborn-Berger", "Buchholz", PROGRESSIVE, "Number of wins"]

    # Check-in and the schedule, in New York time.
    page.get_by_label("Players check in before play").check()
    field(page, "Check-in opens").fill("2030-06-01T08:00")
    field(page, "Check-in closes").fill("2030-06-01T07:30")  # before it opens: refused
    field(page, "Time zone").select_option("America/New_York")
    page.get_by_label("Play at a venue, on a timetable").check()
    field(page, "Venue name").fill("Riverside Hall")
    field(page, "Fields, courts or tables").fill("0")  # refused by the venue, later
    field(page, "Start date").fill("2030-06-01")
    field(page, "Start time").fill("10:00")
    field(page, "Play ends at").fill("19:00")
    field(page, "Days of play").fill("2")
    field(page, "Match length (minutes)").fill("45")
    field(page, "Break between matches (minutes)").fill("10")

    # A bad option: the API's words next to the field it names, and nothing is created.
    problems.expect(422, "/api/v1/tournaments")
    page.get_by_role("button", name="Create tournament").click()
    draw = page.locator('[data-error-for="config.points.draw"]')
    expect(draw).to_contain_text("Points for a draw")
    expect(draw).to_contain_text("cannot be worth more than a win")
    window = page.locator('[data-error-for="config.check_in"]')
    expect(window).to_have_text("Check-in: check-in closes must be after check-in opens.")
    assert live_server.get(f"{API}/tournaments").json()["total"] == 0
    shoot(page, save_screenshot, "refused")

    # The options are fine; the venue is not: the tournament is created, the venue's refusal
    # shows next to its field, and only the venue is sent again.
    field(page, "Points for a draw").fill("1")
    field(page, "Check-in closes").fill("2030-06-01T09:30")
    problems.expect(422, "/venues")
    page.get_by_role("button", name="Create tournament").click()
    fields_error = page.locator('[data-error-for="venue.fields"]')
    expect(fields_error).to_contain_text("Fields, courts or tables must be")
    expect(page.get_by_test_id("new-notice")).to_contain_text("“Autumn Swiss” was created")
    expect(page.get_by_role("link", name="Go to the manage page without a venue")).to_be_visible()
    shoot(page, save_screenshot, "venue-refused")
    field(page, "Fields, courts or tables").fill("4")
    assert_clean(problems)  # the form's part; the manage page has tests of its own
    page.get_by_role("button", name="Save the venue").click()
    page.wait_for_url(re.compile(r"/tournaments/\d+/manage$"))
    tournament_id = int(page.url.rsplit("/", 2)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn Swiss")

    # Every choice, read back through the API; one tournament, saved as a draft.
    assert live_server.get(f"{API}/tournaments").json()["total"] == 1
    saved = live_server.get(f"{API}/tournaments/{tournament_id}").json()
    assert saved["status"] == "DRAFT" and saved["format"] == "swiss"
    config = saved["config"]
    assert config["max_players"] == 16 and config["rounds"] == 4
    assert config["points"] == {"win": 3.0, "draw": 1.0, "loss": 0.0, "bye": 2.0}
    assert config["tiebreaks"] == ["sonneborn_berger", "buchholz", "progressive", "wins"]
    assert config["seeding"] == "random" and config["seeding_seed"] == 42
    assert config["timing"] == {"match_minutes": 45, "break_minutes": 10, "rest_minutes": 0}
    opens = datetime.fromisoformat(config["check_in"]["opens_at"])
    closes = datetime.fromisoformat(config["check_in"]["closes_at"])
    assert opens == datetime(2030, 6, 1, 12, 0, tzinfo=UTC)  # 08:00 in New York (UTC-4)
    assert closes == datetime(2030, 6, 1, 13, 30, tzinfo=UTC)
    venues = live_server.get(f"{API}/tournaments/{tournament_id}/venues").json()
    assert [(v["name"], v["time_zone"], v["fields"]) for v in venues] == [
        ("Riverside Hall", "America/New_York", 4)
    ]
    assert venues[0]["hours"] == [
        {"date": "2030-06-01", "opens": "10:00:00", "closes": "19:00:00"},
        {"date": "2030-06-02", "opens": "10:00:00", "closes": "19:00:00"},
    ]


def test_the_filled_form_fits_a_phone(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "org-phone", "organizer")
    open_form(page, base_url, "org-phone")
    field(page, "Format").select_option(label="Groups → knockout")
    page.get_by_text("More options").click()
    page.get_by_label("Players check in before play").check()
    page.get_by_label("Play at a venue, on a timetable").check()
    shoot(page, save_screenshot, "groups-open")
    assert_clean(problems)
