"""The manage page's rounds view in a real browser: it reads a round's page of matches once
(the organizer's rights arriving redraw it from what was read), and a corrected score shows
even though no count changed."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, Request, expect

from tests.api.accounts_helpers import make_user
from tests.api.helpers import API, close_enrollment, create_open_tournament, generate_now
from tests.ui.conftest import BrowserProblems
from tests.ui.screens import Screenshot
from tests.ui.test_manage_results import shoot, signed_in
from tests.ui.test_monitor import assert_clean

NAMES = ("Ann", "Ben", "Cat", "Dan")
DASH = "\N{EN DASH}"


def round_robin(http: httpx.Client) -> int:
    tournament_id = create_open_tournament(http, tournament_format="round_robin")
    players = [{"name": name} for name in NAMES]
    answer = http.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players})
    assert answer.status_code == 201, answer.text
    close_enrollment(http, tournament_id)
    generate_now(http, tournament_id)
    return tournament_id


def test_a_round_is_read_once_and_a_corrected_score_shows(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "rounds-boss", "admin")
    tournament_id = round_robin(live_server)
    round_reads: list[str] = []

    def note(request: Request) -> None:
        if re.search(rf"/tournaments/{tournament_id}/sessions\?round=", request.url):
            round_reads.append(request.url)

    page.on("request", note)
    signed_in(page, base_url, "rounds-boss", f"/tournaments/{tournament_id}/manage")
    rows = page.locator("#rounds-view tbody tr[data-session-id]")
    record = page.get_by_role("button", name=re.compile(r"^Record the result of Round 1, board 1"))
    expect(record).to_be_visible()
    expect(page.get_by_test_id("steps")).to_be_visible()
    page.wait_for_timeout(500)  # a second read, were one coming, would have started
    assert len(round_reads) == 1, round_reads

    record.click()
    dialog = page.get_by_role("dialog")
    first, second = (dialog.locator("#match-scores input").nth(i) for i in (0, 1))
    first.fill("2")
    second.fill("1")
    dialog.get_by_role("button", name=re.compile("^Record")).click()
    expect(dialog).to_be_hidden()
    expect(rows.first).to_contain_text(f"2{DASH}1")

    # The same winner, another score: as many results as before, yet the row changes.
    page.get_by_role("button", name=re.compile(r"^Correct the result of Round 1, board 1")).click()
    first.fill("5")
    second.fill("0")
    dialog.get_by_role("button", name=re.compile("^Record")).click()
    expect(dialog).to_be_hidden()
    expect(rows.first).to_contain_text(f"5{DASH}0")
    shoot(page, save_screenshot, "rounds-corrected")
    assert_clean(problems)
