"""The manage page's Venues and timing card in a real browser: an organizer adds a venue (the
browser's own time zone offered first), edits it, sees refused values named next to their
fields, sets the match timing and removes the venue after confirming; once the matches are
drawn they plan them again and see the API's refusals next to the control they concern; a
visitor and a read-only key see the venues but no control."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Locator, Page, expect

from bracketry.web.new_form import VENUE_LIMITS, shared_options, time_zones
from bracketry.web.shared import templates
from tests.api.accounts_helpers import bearer, sign_in
from tests.api.helpers import API, close_enrollment, generate_now
from tests.ui import screens
from tests.ui.conftest import BrowserProblems
from tests.ui.screens import WIDE, Screenshot
from tests.ui.test_monitor import assert_clean
from tests.ui.test_participants import open_manage_page, organizer_tournament


def shoot(page: Page, save: Screenshot, name: str) -> None:
    """Screenshots of this page at both widths, after the layout checks."""
    screens.shoot(page, save, f"venues-{name}")


def card(page: Page) -> Locator:
    return page.get_by_test_id("venues")


def venues_of(http: httpx.Client, tournament_id: int) -> list[dict]:
    answer = http.get(f"{API}/tournaments/{tournament_id}/venues")
    assert answer.status_code == 200, answer.text
    return answer.json()


def timing_of(http: httpx.Client, tournament_id: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()["config"]["timing"]


def add_venue(
    http: httpx.Client, tournament_id: int, owner: dict[str, str], **venue: object
) -> int:
    answer = http.post(f"{API}/tournaments/{tournament_id}/venues", json=venue, headers=owner)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def day_row(page: Page, number: int) -> Locator:
    return card(page).get_by_test_id("day").nth(number - 1)


def test_an_organizer_adds_edits_and_removes_a_venue_and_sets_the_timing(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = organizer_tournament(live_server, "org-venues")
    # The browser is in New York: the new venue's time zone starts there.
    page.context.new_cdp_session(page).send(
        "Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"}
    )
    open_manage_page(page, base_url, tournament_id, "org-venues")
    venues = card(page)
    expect(venues.get_by_role("heading", name="Venues and timing")).to_be_visible()
    expect(venues.get_by_test_id("venues-note")).to_have_text(
        "No venue yet: without one, matches get no time on the schedule."
    )
    expect(venues.get_by_test_id("timing-summary")).to_contain_text("Each match takes 30 minutes")
    # Matches cannot be planned before they are drawn: no such button yet.
    expect(venues.get_by_role("button", name="Schedule matches")).to_be_hidden()

    # Add a venue over two days.
    venues.get_by_role("button", name="Add a venue").click()
    form = venues.get_by_test_id("venue-form")
    expect(form.get_by_role("heading", name="New venue")).to_be_visible()
    expect(form.get_by_label("Time zone")).to_have_value("America/New_York")
    form.get_by_label("Venue name").fill("Town hall")
    form.get_by_label("Courts or tables").fill("3")
    form.get_by_label("Time zone").select_option("Europe/Paris")
    form.get_by_label("Day 1, date").fill("2030-05-03")
    form.get_by_label("Day 1, Play starts").fill("09:00")
    form.get_by_label("Day 1, Play ends").fill("18:00")
    form.get_by_role("button", name="Add a day").click()
    expect(form.get_by_label("Day 2, date")).to_have_value("2030-05-04")
    expect(form.get_by_label("Day 2, Play ends")).to_have_value("18:00")
    form.get_by_role("button", name="Add venue").click()
    expect(venues.get_by_test_id("venues-ok")).to_have_text("The venue “Town hall” was added.")
    expect(form).to_be_hidden()
    item = venues.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Town hall"))
    expect(item).to_contain_text("3 courts or tables · times in Europe/Paris")
    expect(item).to_contain_text("Fri 3 May 2030 to Sat 4 May 2030, 09:00 to 18:00")
    expect(venues.get_by_test_id("venues-note")).to_be_hidden()
    [saved] = venues_of(live_server, tournament_id)
    assert saved["name"] == "Town hall" and saved["fields"] == 3
    assert saved["time_zone"] == "Europe/Paris"
    assert [(h["date"], h["opens"], h["closes"]) for h in saved["hours"]] == [
        ("2030-05-03", "09:00:00", "18:00:00"),
        ("2030-05-04", "09:00:00", "18:00:00"),
    ]

    # Edit it with two refused values: each message stands next to its own field.
    problems.expect(422, f"/venues/{saved['id']}")
    venues.get_by_role("button", name="Edit Town hall").click()
    expect(form.get_by_role("heading", name="Edit “Town hall”")).to_be_visible()
    expect(form.get_by_label("Venue name")).to_have_value("Town hall")
    expect(form.get_by_label("Time zone")).to_have_value("Europe/Paris")
    form.get_by_label("Courts or tables").fill("0")
    form.get_by_label("Day 2, Play ends").fill("08:00")
    form.get_by_role("button", name="Save venue").click()
    fields_box = form.locator(".field").filter(has=page.get_by_label("Courts or tables"))
    expect(fields_box.get_by_role("alert")).to_have_text("Courts or tables must be at least 1.")
    expect(day_row(page, 2).get_by_role("alert")).to_have_text(
        "Day 2: play ends (08:00) must be after play starts (09:00)."
    )
    expect(day_row(page, 1).get_by_role("alert")).to_be_hidden()
    assert venues_of(live_server, tournament_id) == [saved]
    shoot(page, save_screenshot, "refused")

    form.get_by_label("Courts or tables").fill("2")
    form.get_by_label("Day 2, Play ends").fill("17:00")
    form.get_by_role("button", name="Save venue").click()
    expect(venues.get_by_test_id("venues-ok")).to_have_text("The venue “Town hall” was saved.")
    expect(item).to_contain_text("2 courts or tables")
    expect(item).to_contain_text("Fri 3 May 2030, 09:00 to 18:00")
    expect(item).to_contain_text("Sat 4 May 2030, 09:00 to 17:00")
    [edited] = venues_of(live_server, tournament_id)
    assert edited["fields"] == 2 and edited["hours"][1]["closes"] == "17:00:00"

    # The match timing: a refused length is named next to its field, then a good one saved.
    problems.expect(422, "/timing")
    timing = venues.get_by_test_id("timing-form")
    expect(timing.get_by_label("Match length (minutes)")).to_have_value("30")
    timing.get_by_label("Match length (minutes)").fill("0")
    timing.get_by_role("button", name="Save timing").click()
    length_box = timing.locator(".field").filter(has=page.get_by_label("Match length (minutes)"))
    expect(length_box.get_by_role("alert")).to_have_text(
        "Match length (minutes) must be at least 1."
    )
    assert timing_of(live_server, tournament_id)["match_minutes"] == 30
    timing.get_by_label("Match length (minutes)").fill("45")
    timing.get_by_label("Break between matches (minutes)").fill("10")
    timing.get_by_label("Least rest for a player (minutes)").fill("15")
    timing.get_by_role("button", name="Save timing").click()
    expect(venues.get_by_test_id("venues-ok")).to_have_text("Match timing saved.")
    expect(length_box.get_by_role("alert")).to_have_text("")
    expect(venues.get_by_test_id("timing-summary")).to_have_text(
        "Each match takes 45 minutes, a court or table pauses 10 minutes between two matches, "
        "and players have at least 15 minutes of rest between theirs."
    )
    assert timing_of(live_server, tournament_id) == {
        "match_minutes": 45,
        "break_minutes": 10,
        "rest_minutes": 15,
    }
    venues.get_by_role("button", name="Add a venue").click()
    shoot(page, save_screenshot, "organizer")
    venues.get_by_role("button", name="Cancel").click()
    expect(form).to_be_hidden()

    # Removing asks first; keeping it changes nothing.
    venues.get_by_role("button", name="Remove Town hall").click()
    confirm = item.get_by_test_id("venue-remove-confirm")
    expect(confirm).to_contain_text("Remove “Town hall”?")
    confirm.get_by_role("button", name="Keep it").click()
    expect(confirm).to_be_hidden()
    assert len(venues_of(live_server, tournament_id)) == 1
    venues.get_by_role("button", name="Remove Town hall").click()
    confirm.get_by_role("button", name="Yes, remove the venue").click()
    expect(venues.get_by_test_id("venues-ok")).to_have_text("The venue “Town hall” was removed.")
    expect(venues.get_by_role("heading", name="Town hall")).to_have_count(0)
    expect(venues.get_by_test_id("venues-note")).to_be_visible()
    assert venues_of(live_server, tournament_id) == []
    assert_clean(problems)


def test_a_visitor_and_a_read_only_key_see_the_venues_without_controls(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = organizer_tournament(live_server, "org-read")
    owner = bearer(sign_in(live_server, "org-read")["access_token"])
    opening = {"date": "2030-06-01", "opens": "10:00", "closes": "16:00"}
    add_venue(
        live_server,
        tournament_id,
        owner,
        name="Club house",
        time_zone="UTC",
        fields=1,
        hours=[opening],
    )
    key = live_server.post(
        f"{API}/auth/api-keys", json={"name": "scoreboard", "scope": "read"}, headers=owner
    )
    assert key.status_code == 201, key.text

    def no_controls() -> None:
        venues = card(page)
        expect(venues.get_by_role("heading", name="Club house")).to_be_visible()
        expect(venues).to_contain_text("1 court or table · times in UTC")
        expect(venues).to_contain_text("Sat 1 Jun 2030, 10:00 to 16:00")
        expect(venues.get_by_test_id("timing-summary")).to_contain_text("30 minutes")
        assert venues.get_by_role("button").count() == 0
        assert venues.locator("input:visible, select:visible").count() == 0

    page.set_viewport_size(WIDE)
    page.goto(f"{base_url}/tournaments/{tournament_id}/manage")
    expect(page.get_by_test_id("manage-access")).to_contain_text("Sign in above")
    no_controls()
    shoot(page, save_screenshot, "visitor")

    page.get_by_test_id("admin-token").fill(key.json()["key"])
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("manage-access")).to_contain_text("This key may only read")
    no_controls()
    assert_clean(problems)


def test_once_drawn_the_organizer_plans_the_matches_and_sees_what_the_api_refuses(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = organizer_tournament(live_server, "org-plan")
    owner = bearer(sign_in(live_server, "org-plan")["access_token"])
    start = datetime.now(UTC).date()
    hours = [
        {"date": (start + timedelta(days=i)).isoformat(), "opens": "00:00", "closes": "23:59"}
        for i in range(3)
    ]
    venue_id = add_venue(
        live_server, tournament_id, owner, name="Arena", time_zone="UTC", fields=2, hours=hours
    )
    players = [{"name": name, "rating": 2000 - i} for i, name in enumerate("ABCD")]
    enrolled = live_server.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players}
    )
    assert enrolled.status_code == 201, enrolled.text
    close_enrollment(live_server, tournament_id)
    generate_now(live_server, tournament_id, simulation_mode="manual")
    planned = live_server.get(f"{API}/tournaments/{tournament_id}/schedule").json()
    first_round = [i for i in planned["items"] if i["session"]["round"] == 1]
    assert sorted(i["slot"]["field"] for i in first_round) == [1, 2]

    open_manage_page(page, base_url, tournament_id, "org-plan")
    venues = card(page)
    plan = venues.get_by_role("button", name="Schedule matches")
    expect(plan).to_be_visible()
    plan.click()
    expect(venues.get_by_test_id("venues-ok")).to_have_text(
        re.compile(r"^Matches planned again: \d+ matches have a time\.")
    )

    # Both first-round matches are played: the court of the second one has to stay.
    for session in first_round:
        played = live_server.post(
            f"{API}/tournaments/{tournament_id}/sessions/{session['session']['id']}/result",
            json={"outcome": "win", "score_a": 2, "score_b": 0},
        )
        assert played.status_code in (200, 201), played.text
    problems.expect(409, f"/venues/{venue_id}")
    venues.get_by_role("button", name="Edit Arena").click()
    form = venues.get_by_test_id("venue-form")
    form.get_by_label("Courts or tables").fill("1")
    form.get_by_role("button", name="Save venue").click()
    fields_box = form.locator(".field").filter(has=page.get_by_label("Courts or tables"))
    expect(fields_box.get_by_role("alert")).to_have_text(
        "A match played or under way needs a court or table this change takes away."
    )
    form.get_by_role("button", name="Cancel").click()

    # Removing the venue is refused too, and said on the venue itself.
    item = venues.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Arena"))
    venues.get_by_role("button", name="Remove Arena").click()
    item.get_by_role("button", name="Yes, remove the venue").click()
    expect(item.locator(".venue-error")).to_have_text(
        "“Arena” was not removed: 2 matches played or under way are at this venue."
    )
    assert [v["fields"] for v in venues_of(live_server, tournament_id)] == [2]
    shoot(page, save_screenshot, "in-progress")
    assert_clean(problems)


def test_the_card_takes_the_zones_words_and_limits_of_the_new_tournament_form() -> None:
    """Given the new tournament form's lists (as the page's context), the card offers the
    same zones and the timing fields with the form's words and limits."""
    html = templates.get_template("_venues.html").render(
        zones=time_zones(), timing=shared_options("timing"), venue_limits=VENUE_LIMITS
    )
    zones = re.findall(r'<option value="([^"]+)">', html)
    assert zones == list(time_zones())
    assert 'name="fields" inputmode="numeric" step="1"' in html
    assert f'max="{VENUE_LIMITS["fields"]}"' in html
    for option in shared_options("timing"):
        field = re.search(rf"<label>{re.escape(option.label)}\s*<input([^>]*)>", html)
        assert field, option.label
        assert f'name="{option.name}"' in field.group(1)
        assert f'min="{option.minimum:g}"' in field.group(1)
        assert f'max="{option.maximum:g}"' in field.group(1)
