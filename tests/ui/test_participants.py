"""The manage page's Players section in a real browser: an organizer adds a player with a club
and a seed, imports a CSV file after a preview that names its bad row (and writes nothing),
edits, removes, seeds by dragging and with the arrow buttons, checks a player in, and pages
through a large field; once the bracket is drawn the controls are gone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from tests.api.accounts_helpers import PASSWORD, bearer, make_user, sign_in
from tests.api.helpers import API, close_enrollment, generate_now, player_ids_by_name
from tests.ui import screens
from tests.ui.conftest import BrowserProblems
from tests.ui.screens import WIDE, Screenshot
from tests.ui.test_monitor import assert_clean

DASH = "\N{EN DASH}"

BAD_FILE = b"name,rating,club\nBob,1900,Chess\nCleo,strong,\nDan,1700,\n"
GOOD_FILE = b"name,rating,club\nBob,1900,Chess\nCleo,1800,\nDan,1700,\n"


def shoot(page: Page, save: Screenshot, name: str) -> None:
    """Screenshots of this page at both widths, after the layout checks."""
    screens.shoot(page, save, f"participants-{name}")


def organizer_tournament(http: httpx.Client, username: str, **config: object) -> int:
    """An open knockout created through the API by a new organizer ``username``."""
    make_user(http, username, "organizer")
    owner = bearer(sign_in(http, username)["access_token"])
    created = http.post(
        f"{API}/tournaments", json={"name": "Spring cup", "config": config}, headers=owner
    )
    assert created.status_code == 201, created.text
    tournament_id = created.json()["id"]
    opened = http.post(
        f"{API}/tournaments/{tournament_id}/status",
        json={"status": "ENROLLMENT_OPEN"},
        headers=owner,
    )
    assert opened.status_code == 200, opened.text
    return tournament_id


def open_manage_page(page: Page, base_url: str, tournament_id: int, username: str) -> None:
    page.set_viewport_size(WIDE)
    page.goto(f"{base_url}/tournaments/{tournament_id}/manage")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"signed in as {username}")).to_be_visible()


def listed(http: httpx.Client, tournament_id: int) -> list[dict]:
    answer = http.get(f"{API}/tournaments/{tournament_id}/enrollments", params={"limit": 500})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def choose_file(page: Page, content: bytes) -> None:
    page.get_by_label("CSV file").set_input_files(
        {"name": "players.csv", "mimeType": "text/csv", "buffer": content}
    )


def test_an_organizer_manages_the_players_of_a_tournament(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    now = datetime.now(UTC)
    window = {
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(hours=2)).isoformat(),
    }
    tournament_id = organizer_tournament(live_server, "org-players", max_players=8, check_in=window)
    open_manage_page(page, base_url, tournament_id, "org-players")
    section = page.locator("#players")

    # One player with a club and a seed.
    page.get_by_label("Player name").fill("Ada Lovelace")
    page.get_by_label("Rating").fill("2100")
    page.get_by_label("Club").fill("Analytical")
    page.get_by_label("Seed", exact=True).fill("1")
    page.get_by_role("button", name="Add player", exact=True).click()
    expect(section.get_by_role("cell", name="Ada Lovelace", exact=True)).to_be_visible()
    expect(section.get_by_role("cell", name="Analytical", exact=True)).to_be_visible()
    expect(page.get_by_label("Seed for Ada Lovelace")).to_have_value("1")

    # A file with a bad row: the preview names it, and nothing is written.
    choose_file(page, BAD_FILE)
    preview = page.get_by_test_id("csv-preview")
    expect(page.get_by_test_id("csv-bad-rows")).to_have_text(
        "Line 3, rating: 'strong' is not a number."
    )
    expect(preview).to_contain_text("Nothing will be imported until the file is fixed")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_be_hidden()
    assert [e["name"] for e in listed(live_server, tournament_id)] == ["Ada Lovelace"]
    shoot(page, save_screenshot, "bad-file")

    # The fixed file: its preview, then the import.
    choose_file(page, GOOD_FILE)
    expect(preview).to_contain_text("The file has 3 rows: 3 new players will be added.")
    page.get_by_role("button", name="Import 3 players").click()
    expect(page.get_by_test_id("enroll-ok")).to_have_text("3 players imported.")
    for name in ("Bob", "Cleo", "Dan"):
        expect(section.get_by_role("cell", name=name, exact=True)).to_be_visible()
    assert len(listed(live_server, tournament_id)) == 4

    # The same file again: every row is already enrolled, said in words.
    choose_file(page, GOOD_FILE)
    expect(preview).to_contain_text("every one is already enrolled: there is nothing to import")
    expect(page.get_by_test_id("csv-skipped").locator("li")).to_have_count(3)
    expect(page.get_by_test_id("csv-skipped").locator("li").first).to_contain_text(
        "Line 2, Bob: Already enrolled: same name as player"
    )
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_be_hidden()

    # Edit a rating; remove a player after confirming.
    page.get_by_role("button", name="Edit Bob", exact=True).click()
    edit = page.get_by_role("form", name="Edit Bob")
    edit.get_by_label("Rating").fill("2000")
    edit.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("list-ok")).to_have_text("Bob is saved.")
    expect(section.get_by_role("cell", name="2000", exact=True)).to_be_visible()
    page.get_by_role("button", name="Remove Dan", exact=True).click()
    shoot(page, save_screenshot, "remove")
    page.get_by_role("button", name="Yes, remove Dan").click()
    expect(section.get_by_role("cell", name="Dan", exact=True)).to_have_count(0)
    assert sorted(e["name"] for e in listed(live_server, tournament_id)) == [
        "Ada Lovelace",
        "Bob",
        "Cleo",
    ]

    # Seeds: drag Cleo above Ada, then move Bob up with the keyboard-reachable button.
    ids = player_ids_by_name(live_server, tournament_id)
    rows = page.get_by_test_id("enrolled").locator("tbody tr[data-player]")
    expect(rows).to_have_count(3)
    cleo = page.locator(f'tr[data-player="{ids["Cleo"]}"] td.grip')
    ada = page.locator(f'tr[data-player="{ids["Ada Lovelace"]}"] td.grip')
    cleo.drag_to(ada)
    expect(page.get_by_test_id("list-ok")).to_have_text("Seeds saved.")
    expect(page.get_by_label("Seed for Cleo")).to_have_value("1")
    seeds = {e["name"]: e["requested_seed"] for e in listed(live_server, tournament_id)}
    assert seeds == {"Cleo": 1, "Ada Lovelace": 2, "Bob": 3}
    move_up = page.get_by_role("button", name="Move Bob up")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Seed for Bob")).to_have_value("2")
    expect(page.get_by_role("button", name="Move Bob up")).to_be_focused()
    order = [e["name"] for e in listed(live_server, tournament_id)]
    assert order == ["Cleo", "Bob", "Ada Lovelace"]

    # Check a player in: the column says so.
    page.get_by_role("button", name="Check in Bob", exact=True).click()
    expect(page.get_by_test_id("list-ok")).to_have_text("Bob is checked in.")
    bob_row = page.locator(f'tr[data-player="{ids["Bob"]}"]')
    expect(bob_row.get_by_role("cell", name="Yes", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Check in Bob", exact=True)).to_have_count(0)
    checked = {e["name"]: e["checked_in"] for e in listed(live_server, tournament_id)}
    assert checked == {"Cleo": False, "Bob": True, "Ada Lovelace": False}
    shoot(page, save_screenshot, "seeded")
    assert_clean(problems)


def test_a_large_field_pages_and_the_drawn_list_has_no_controls(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = organizer_tournament(live_server, "org-large")
    players = [{"name": f"Player {i:03d}", "rating": 3000 - i} for i in range(1, 106)]
    enrolled = live_server.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players}
    )
    assert enrolled.status_code == 201, enrolled.text
    open_manage_page(page, base_url, tournament_id, "org-large")
    pager = page.get_by_test_id("enrolled-pager")
    expect(pager).to_contain_text(f"Players 1{DASH}100 of 105")
    expect(pager.get_by_role("button", name="Previous")).to_be_disabled()
    pager.get_by_role("button", name="Next").click()
    expect(pager).to_contain_text(f"Players 101{DASH}105 of 105")
    expect(page.get_by_role("cell", name="Player 105", exact=True)).to_be_visible()
    expect(pager.get_by_role("button", name="Next")).to_be_disabled()
    pager.get_by_role("button", name="Previous").click()
    expect(page.get_by_role("cell", name="Player 001", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Edit Player 001")).to_be_visible()

    close_enrollment(live_server, tournament_id)
    expect(page.get_by_role("button", name="Add player")).to_be_hidden()
    expect(page.get_by_test_id("enroll-note")).to_contain_text("no one can be added")
    expect(page.get_by_role("button", name="Edit Player 001")).to_be_visible()
    generate_now(live_server, tournament_id)
    expect(page.get_by_test_id("enroll-note")).to_have_text(
        "The list of players is final: no one can be added, edited or removed any more."
    )
    section = page.locator("#players")
    expect(section.get_by_role("button", name=re.compile("^(Edit|Remove|Move)"))).to_have_count(0)
    expect(section.locator("input:visible")).to_have_count(0)
    shoot(page, save_screenshot, "drawn")
    assert_clean(problems)


def test_the_waiting_list_shows_who_waits_and_lets_the_organizer_check_them_in(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    now = datetime.now(UTC)
    window = {
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(hours=2)).isoformat(),
    }
    tournament_id = organizer_tournament(live_server, "org-wait", max_players=2, check_in=window)
    full = {"players": [{"name": "Ada Lovelace"}, {"name": "Bob"}]}
    enrolled = live_server.post(f"{API}/tournaments/{tournament_id}/enrollments", json=full)
    assert enrolled.status_code == 201, enrolled.text
    make_user(live_server, "late-comer", "player", name="Late Comer")
    joined = live_server.post(
        f"{API}/tournaments/{tournament_id}/join",
        headers=bearer(sign_in(live_server, "late-comer")["access_token"]),
    )
    assert joined.status_code == 202, joined.text
    open_manage_page(page, base_url, tournament_id, "org-wait")
    waiting = page.get_by_test_id("waiting")
    expect(waiting.locator("li")).to_have_text(["Late Comer · not checked in yet Remove Check in"])
    waiting.get_by_role("button", name="Check in Late Comer").click()
    expect(page.get_by_test_id("list-ok")).to_have_text("Late Comer is checked in.")
    expect(waiting.locator("li")).to_have_text(["Late Comer · checked in Remove"])
    listed_waiting = live_server.get(f"{API}/tournaments/{tournament_id}/waitlist").json()
    assert [(w["name"], w["checked_in"]) for w in listed_waiting] == [("Late Comer", True)]
    assert_clean(problems)


def test_a_removal_question_stays_while_the_list_changes(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    """A regression: the list drawn again under an open question (another enrollment, or the
    reload after a save) took the question away before the organizer could answer it."""
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = organizer_tournament(live_server, "org-question")
    players = [{"name": "Ann"}, {"name": "Ben"}]
    enrolled = live_server.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players}
    )
    assert enrolled.status_code == 201, enrolled.text
    open_manage_page(page, base_url, tournament_id, "org-question")
    page.get_by_role("button", name="Remove Ben", exact=True).click()
    question = page.get_by_role("button", name="Yes, remove Ben")
    expect(question).to_be_visible()
    with page.expect_response(lambda r: "/enrollments?" in r.url and r.ok, timeout=15_000):
        more = live_server.post(
            f"{API}/tournaments/{tournament_id}/enrollments", json={"name": "Cat"}
        )
        assert more.status_code == 201, more.text
    page.wait_for_timeout(200)  # the reloaded list is in hand: it must not be drawn over
    expect(question).to_be_visible()
    question.click()
    section = page.get_by_role("region", name="Players")
    expect(page.get_by_test_id("list-ok")).to_have_text("Ben is removed.")
    expect(section.get_by_role("cell", name="Cat", exact=True)).to_be_visible()
    expect(section.get_by_role("cell", name="Ben", exact=True)).to_have_count(0)
    assert_clean(problems)
