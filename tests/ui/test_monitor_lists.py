"""The lists of the pages: rankings a page at a time with the format's own figures, the
tournaments list with creation dates and real progress, the monitor's engineering
figures kept behind "Details", and a running generation's phase and share done."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from bracketry.service import jobs
from bracketry.settings import Settings
from bracketry.store.database import Database
from tests.api.helpers import API, closed_tournament, generate_now, get_tournament
from tests.ui.conftest import BrowserProblems
from tests.ui.test_bracket_labels import shoot
from tests.ui.test_monitor import LIVE_S, assert_clean, open_monitor, scenario, tid

Screenshot = Callable[[Page, str], Path]
DASH = "\u2013"


def launched(http: httpx.Client, players: int, tournament_format: str, **config: object) -> int:
    """A tournament of the format played out, ranked and completed through the API."""
    tournament_id = closed_tournament(http, players, tournament_format=tournament_format, **config)
    generate_now(http, tournament_id)
    for step in ("simulate-results", "calculate-rankings", "complete"):
        answer = http.post(f"{API}/tournaments/{tournament_id}/{step}")
        assert answer.status_code == 200, answer.text
    return tournament_id


def test_rankings_go_page_by_page(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = scenario(live_server, 32)
    open_monitor(page, base_url, tournament_id)
    rows = tid(page, "rankings").locator("tbody tr")
    expect(rows).to_have_count(20, timeout=LIVE_S)
    caption = tid(page, "rankings-caption")
    expect(caption).to_have_text(f"1{DASH}20 of 32")
    previous = page.get_by_role("button", name="← Previous")
    expect(previous).to_be_hidden()
    page.get_by_role("button", name="Next →").click()
    expect(caption).to_have_text(f"21{DASH}32 of 32")
    expect(rows).to_have_count(12)
    expect(page.get_by_role("button", name="Next →")).to_be_hidden()
    ranks = [int(t) for t in rows.locator("td:first-child").all_inner_texts()]
    assert ranks == sorted(ranks) and ranks[0] >= 5
    shoot(page, save_screenshot, "rankings-page-2")
    previous.click()
    expect(caption).to_have_text(f"1{DASH}20 of 32")
    expect(rows.first.locator("td").first).to_have_text("1")
    assert_clean(problems)


def test_rankings_show_each_formats_own_figures(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    headers = tid(page, "rankings").locator("thead th")

    swiss = launched(live_server, 8, "swiss")
    open_monitor(page, base_url, swiss)
    expect(headers).to_have_count(11, timeout=LIVE_S)
    swiss_heads = headers.all_inner_texts()
    assert swiss_heads.count("Sonneborn-Berger") == 1 and swiss_heads.count("Wins") == 1

    heats = launched(live_server, 20, "heats", direction="lower", advance=2)
    open_monitor(page, base_url, heats)
    expect(headers).to_have_text(
        ["#", "Player", "Round reached", "Heats won", "Best result", "Place in last heat"],
        timeout=LIVE_S,
    )
    assert_clean(problems)


def test_the_list_shows_dates_and_progress_of_matches_to_play(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    five = closed_tournament(live_server, 5)
    generate_now(live_server, five)  # eight matches, three of them byes
    created = get_tournament(live_server, five)["created_at"]
    page.goto(f"{base_url}/")
    row = tid(page, "tournaments").locator("tbody tr").first
    expect(row.get_by_test_id("progress")).to_have_text("0.0 %")
    when = row.get_by_test_id("created")
    expect(when).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d$"))
    shown = page.evaluate(
        "(iso) => { const d = new Date(iso); return [d.getDate(), d.getHours(), d.getMinutes()]; }",
        created,
    )
    day, hour, minute = shown
    assert when.inner_text().startswith(f"{day} ")
    assert when.inner_text().endswith(f", {hour:02d}:{minute:02d}")
    shoot(page, save_screenshot, "list")
    assert_clean(problems)


def test_engineering_figures_are_behind_details(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = scenario(live_server, 8, "manual")
    open_monitor(page, base_url, tournament_id)
    timings = tid(page, "generation-timings")
    expect(timings).to_contain_text("total ", timeout=LIVE_S)
    expect(timings).to_be_hidden()
    page.get_by_text("Details", exact=True).click()
    expect(timings).to_be_visible()
    expect(timings).to_contain_text("queue ")
    shoot(page, save_screenshot, "monitor-details")
    assert_clean(problems)


def test_a_running_generation_shows_its_phase_and_share_done(
    page: Page, live_server: httpx.Client, settings: Settings, problems: BrowserProblems
) -> None:
    """The job is held as it starts writing matches: the page must say so, live."""
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 64)
    database = Database(settings.database_url)
    with database.write() as db:
        job = jobs.new_job(tournament_id)
        db.add(job)
        job_id = job.id
    open_monitor(page, base_url, tournament_id)
    status = tid(page, "generation-status")
    expect(status).to_have_text("queued: Waiting to start (0 %)", timeout=LIVE_S)

    writing, go_on = threading.Event(), threading.Event()

    def hold(phase: str) -> None:
        if phase == "writing":
            writing.set()
            go_on.wait(LIVE_S / 1000)

    runner = threading.Thread(
        target=jobs.run, kwargs={"database": database, "job_id": job_id, "on_phase": hold}
    )
    runner.start()
    try:
        assert writing.wait(LIVE_S / 1000)
        expect(status).to_have_text(
            re.compile(r"^running: Writing matches \([1-9]\d?(\.\d)? %\)$"), timeout=LIVE_S
        )
        expect(tid(page, "generation-progress")).to_contain_text("writing matches")
    finally:
        go_on.set()
        runner.join()
        database.dispose()
    expect(status).to_have_text("done", timeout=LIVE_S)
    expect(page.locator("svg .match")).to_have_count(64, timeout=LIVE_S)
    assert_clean(problems)
