"""What an organizer does on the pages, step by step, driven only by the words on screen:
signing in, creating a tournament through the form, adding players, moving it along its
lifecycle, recording results by choosing matches; and screenshots at both widths."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.api.accounts_helpers import PASSWORD
from tests.ui import screens
from tests.ui.screens import Screenshot

RECORD = re.compile("choose to record the result")


def shoot(page: Page, save: Screenshot, name: str) -> None:
    """Screenshots of this page at both widths, after the layout checks."""
    screens.shoot(page, save, f"organizer-{name}")


def sign_in(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"signed in as {username}")).to_be_visible()


def create_tournament(
    page: Page,
    name: str,
    tournament_format: str,
    max_players: int,
    options: dict[str, str] | None = None,
) -> int:
    """Fill in and send the new-tournament form from the list's link (``options``: the
    format's fields by label); the new tournament's id, once its manage page is open."""
    page.get_by_role("link", name="New tournament").click()
    page.wait_for_url(re.compile(r"/tournaments/new$"))
    page.get_by_label("Tournament name").fill(name)
    page.get_by_label("Format").select_option(label=tournament_format)
    page.get_by_label("Maximum players").fill(str(max_players))
    for label, value in (options or {}).items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Create tournament").click()
    page.wait_for_url(re.compile(r"/tournaments/\d+/manage$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return int(page.url.rsplit("/", 2)[1])


def add_player(page: Page, name: str, rating: int) -> None:
    """Add one player by the form's labels; waits until the page names them as enrolled."""
    page.get_by_label("Player name").fill(name)
    page.get_by_label("Rating").fill(str(rating))
    page.get_by_role("button", name="Add player", exact=True).click()
    expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()


def record(page: Page, first: int, second: int, *, button_name: str | None = None) -> None:
    """Open a match (the first still to play, or the named one), enter both scores by the
    players' names and record it."""
    box = (
        page.get_by_role("button", name=button_name, exact=True)
        if button_name
        else page.get_by_role("button", name=RECORD).first
    )
    name = box.get_attribute("aria-label") or ""
    players = re.search(r": (.+?) vs (.+?), ", name)
    assert players, name
    box.click()
    fill_result(page, {players.group(1): first, players.group(2): second})


def fill_result(page: Page, scores: dict[str, int]) -> Locator:
    """In the open result dialog, enter each player's score by their name and record it;
    returns the dialog."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    for player, score in scores.items():
        dialog.get_by_label(player, exact=True).fill(str(score))
    dialog.get_by_role("button", name=re.compile("^Record")).click()
    return dialog


def play_everything(page: Page) -> None:
    """Record every match still to play, the player listed first winning 3 to 1."""
    for _ in range(20):
        boxes = page.get_by_role("button", name=RECORD)
        if boxes.count() == 0:
            return
        label = boxes.first.get_attribute("aria-label")
        record(page, 3, 1)
        expect(page.get_by_role("dialog")).to_be_hidden()
        expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)
    raise AssertionError("matches kept appearing")
