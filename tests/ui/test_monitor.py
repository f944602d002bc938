"""The live monitor in a real browser: launcher, live figures, bracket, results, search.

Every figure on the monitor must follow the Server-Sent Events stream without a reload,
and no test may leave a console error, page error, failed request or error answer behind
(except the ones it provokes and declares).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import APIResponse, Locator, Page, Route, expect

from bracketry.service import jobs
from bracketry.settings import Settings
from tests.api.helpers import (
    API,
    all_rankings,
    all_sessions,
    closed_tournament,
    create_draft_tournament,
    get_tournament,
    poll_until_finished,
)
from tests.conftest import ADMIN_TOKEN, AUTH
from tests.production.processes import start_api
from tests.ui.conftest import BrowserProblems

Screenshot = Callable[[Page, str], Path]
LIVE_S = 30_000  # ms: the longest a figure may take to follow the stream
GRACE_S = 10  # s: Docker's default grace between SIGTERM and SIGKILL


def tid(page: Page, testid: str) -> Locator:
    return page.locator(f'[data-testid="{testid}"]')


def save_token(page: Page) -> None:
    """Store the admin token in the page's localStorage through the header form."""
    tid(page, "admin-token").fill(ADMIN_TOKEN)
    page.locator("#token-form button[type=submit]").click()
    expect(page.locator("#token-state")).to_have_text("token saved")


def launch(
    page: Page,
    base_url: str,
    players: int,
    mode: str,
    *,
    confirm: bool,
    tournament_format: str | None = None,
) -> None:
    """Fill and submit the launcher on ``/`` (with its default format unless told)."""
    page.goto(f"{base_url}/")
    save_token(page)
    if tournament_format is not None:
        tid(page, "launch-format").select_option(tournament_format)
    tid(page, "launch-players").fill(str(players))
    tid(page, "launch-mode").select_option(mode)
    if confirm:
        tid(page, "launch-confirm").check()
    tid(page, "launch-submit").click()


def scenario(http: httpx.Client, players: int, mode: str = "auto") -> int:
    """A tournament launched through the API (below the confirmation threshold)."""
    answer = http.post(
        f"{API}/tournaments/ops/run-scenario",
        json={"player_count": players, "simulation_mode": mode, "seed": 3},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["tournament_id"]


def open_monitor(page: Page, base_url: str, tournament_id: int) -> None:
    page.goto(f"{base_url}/tournaments/{tournament_id}")
    save_token(page)


def assert_clean(problems: BrowserProblems) -> None:
    assert problems.unexpected() == []


def test_auto_launch_of_1024_players_completes_live(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    launch(page, base_url, 1024, "auto", confirm=True)
    page.wait_for_url(re.compile(r"/tournaments/\d+$"))
    landed = len(navigations)
    tournament_id = int(page.url.rsplit("/", 1)[1])

    expect(tid(page, "tournament-status")).to_have_text("Completed", timeout=LIVE_S)
    expect(tid(page, "sessions-count")).to_have_text("1024", timeout=LIVE_S)
    expect(tid(page, "results-pct")).to_have_text("100", timeout=LIVE_S)
    expect(tid(page, "players-count")).to_have_text("1024")
    champion = tid(page, "champion")
    expect(champion).to_be_visible(timeout=LIVE_S)
    rows = tid(page, "rankings").locator("tbody tr")
    expect(rows.nth(3)).to_be_visible(timeout=LIVE_S)
    expect(rows.locator("td:nth-child(1)").nth(0)).to_have_text("1")
    ranks = [rows.nth(i).locator("td").nth(0).inner_text() for i in range(4)]
    assert ranks == ["1", "2", "3", "4"]
    first_name = rows.nth(0).locator("td").nth(1).inner_text()
    expect(champion).to_have_text(first_name)
    assert first_name == all_rankings(live_server, tournament_id)[0]["name"]
    # Only the last six rounds are drawn by default: 32 + 16 + ... + 1 + third place.
    expect(page.locator("svg .match")).to_have_count(64)
    save_screenshot(page, "monitor-completed-1024")

    assert navigations[landed:] == [], "the monitor reloaded"
    assert get_tournament(live_server, tournament_id)["status"] == "COMPLETED"
    assert_clean(problems)


def test_the_page_paints_the_snapshot_it_came_with(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    """The page paints the snapshot it was made from, with no second read of the monitor (a
    snapshot of a big tournament costs a second), and the stream takes over from it."""
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = scenario(live_server, 8, "manual")
    reads: list[str] = []
    page.on("request", lambda r: reads.append(r.url) if r.url.endswith("/monitor") else None)
    open_monitor(page, base_url, tournament_id)
    expect(tid(page, "tournament-status")).to_have_text("In progress")
    for action in ("simulate-results", "calculate-rankings", "complete"):
        answer = live_server.post(f"{API}/tournaments/{tournament_id}/{action}")
        assert answer.status_code == 200, answer.text
    expect(tid(page, "tournament-status")).to_have_text("Completed", timeout=LIVE_S)
    assert reads == []
    assert_clean(problems)


def test_a_slow_reload_never_draws_over_a_newer_one(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    """A change seen while the page reloads its lists reloads them again afterwards, so the
    slow first answer can never be drawn over the answer to the change."""
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = scenario(live_server, 8, "manual")
    held: list[tuple[Route, APIResponse]] = []

    def hold_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))  # the four ready sessions, answered later

    page.route(re.compile(r"/sessions\?status=ready"), hold_first)
    open_monitor(page, base_url, tournament_id)
    expect(tid(page, "tournament-status")).to_have_text("In progress")
    for _ in range(100):  # the first reload asks for the ready list
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    session = next(s for s in all_sessions(live_server, tournament_id) if s["round"] == 1)
    winner = session["participants"][0]["player_id"]
    path = f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result"
    assert live_server.post(path, json={"winner_id": winner}).status_code == 200
    expect(tid(page, "results-pct")).to_have_text("12.5", timeout=LIVE_S)
    page.wait_for_timeout(500)  # time for a second reload to finish, were one under way

    route, stale = held[0]
    route.fulfill(response=stale)
    page.wait_for_timeout(500)  # time to draw the stale answer, were it drawn last
    expect(tid(page, "result-session").locator("option")).to_have_count(3)
    assert_clean(problems)


def test_large_launch_needs_the_confirmation(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    launch(page, base_url, 128, "auto", confirm=False)
    page.wait_for_timeout(300)  # time for a launch request, were one sent
    assert page.url == f"{base_url}/"
    assert live_server.get(f"{API}/tournaments").json()["total"] == 0
    assert_clean(problems)
    # The refusal must be told in the page's own alert, naming the confirmation.
    native = tid(page, "launch-confirm").evaluate("box => box.validationMessage")
    error = tid(page, "launch-error")
    hint = f"launch-error is empty; the browser's own validation said {native!r}"
    expect(error, hint).to_contain_text("confirm", timeout=2_000)
    expect(error).to_contain_text("128")
    assert_clean(problems)


def test_manual_results_and_actions_update_the_monitor_live(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    launch(page, base_url, 8, "manual", confirm=False)
    page.wait_for_url(re.compile(r"/tournaments/\d+$"))
    tournament_id = int(page.url.rsplit("/", 1)[1])
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )

    expect(tid(page, "tournament-status")).to_have_text("In progress")
    expect(tid(page, "sessions-count")).to_have_text("8")
    options = tid(page, "result-session").locator("option")
    expect(options).to_have_count(4)
    expect(options.first).to_have_text(re.compile(r"^Quarter-final 1: .+ vs .+$"))

    # A good result: A wins 2-1 and moves on in the bracket, live.
    session_id = int(tid(page, "result-session").input_value())
    session = live_server.get(f"{API}/tournaments/{tournament_id}/sessions/{session_id}").json()
    winner = session["participants"][0]["name"]
    next_match = session["winner_to"]["match_id"]
    tid(page, "result-score-a").fill("2")
    tid(page, "result-score-b").fill("1")
    tid(page, "result-submit").click()
    expect(tid(page, "result-ok")).to_have_text(f"Recorded: {winner} goes through.")
    expect(tid(page, f"match-{next_match}")).to_contain_text(winner, timeout=LIVE_S)
    expect(tid(page, f"match-{session_id}").locator("text.win[data-player-id]")).to_have_text(
        winner
    )
    expect(options).to_have_count(3, timeout=LIVE_S)
    expect(tid(page, "results-pct")).to_have_text("12.5", timeout=LIVE_S)

    # A bad result: a win with equal scores is refused with the API's message.
    problems.expect(422, "/result")
    tid(page, "result-score-a").fill("1")
    tid(page, "result-score-b").fill("1")
    tid(page, "result-submit").click()
    expect(tid(page, "result-error")).to_contain_text("equal scores")
    expect(tid(page, "result-ok")).to_have_text("")
    assert problems.seen(422, "/result")

    # The action buttons take the tournament to COMPLETED.
    for action in ("simulate", "calculate-rankings", "complete"):
        button = page.locator(f'[data-action="{action}"]')
        expect(button).to_be_visible(timeout=LIVE_S)
        button.click()
        if action == "simulate":
            expect(tid(page, "results-pct")).to_have_text("100", timeout=LIVE_S)
    expect(tid(page, "tournament-status")).to_have_text("Completed", timeout=LIVE_S)
    expect(tid(page, "champion")).to_be_visible(timeout=LIVE_S)
    expect(tid(page, "action-error")).to_have_text("")
    expect(page.locator("[data-action]:visible")).to_have_count(0)

    assert navigations == [], "the monitor reloaded"
    assert_clean(problems)


def test_monitor_is_stable_before_and_during_generation(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 200)
    open_monitor(page, base_url, tournament_id)
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )

    expect(tid(page, "tournament-status")).to_have_text("Enrollment closed")
    expect(tid(page, "players-count")).to_have_text("200")
    expect(tid(page, "sessions-count")).to_have_text("0")
    expect(tid(page, "generation-status")).to_have_text("not requested")
    generate = page.locator('[data-action="generate"]')
    expect(generate).to_be_visible()
    expect(tid(page, "bracket")).to_have_text("No matches yet.")
    # The stream's first snapshot must not disturb the empty state.
    page.wait_for_timeout(500)
    expect(tid(page, "sessions-count")).to_have_text("0")
    expect(tid(page, "bracket")).to_have_text("No matches yet.")
    save_screenshot(page, "monitor-during-generation")

    generate.click()
    # 200 players in a bracket of 256 (with third place): 56 byes, 200 matches to play.
    expect(tid(page, "sessions-count")).to_have_text("200", timeout=LIVE_S)
    expect(tid(page, "generation-status")).to_have_text("done", timeout=LIVE_S)
    expect(tid(page, "tournament-status")).to_have_text("In progress", timeout=LIVE_S)
    expect(generate).to_be_hidden()
    expect(page.locator("svg .match").first).to_be_visible(timeout=LIVE_S)
    assert len(all_sessions(live_server, tournament_id)) == 256

    assert navigations == [], "the monitor reloaded"
    assert_clean(problems)


def test_generation_status_reaches_done_when_an_auto_run_completes(
    page: Page,
    live_server: httpx.Client,
    problems: BrowserProblems,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The job's outcome is written in its own transaction just after the auto run completes
    the tournament; the monitor must still end up showing it. The delay below only widens
    that gap (a few milliseconds in production) so the test does not depend on luck."""
    finish = jobs._finish

    def finish_a_moment_later(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)
        return finish(*args, **kwargs)

    monkeypatch.setattr(jobs, "_finish", finish_a_moment_later)
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 200)
    open_monitor(page, base_url, tournament_id)
    expect(tid(page, "generation-status")).to_have_text("not requested")

    answer = live_server.post(
        f"{API}/tournaments/{tournament_id}/generate-sessions",
        json={"simulation_mode": "auto", "seed": 1},
    )
    assert answer.status_code == 202, answer.text
    task_id = answer.json()["task_id"]
    expect(tid(page, "tournament-status")).to_have_text("Completed", timeout=LIVE_S)
    assert poll_until_finished(live_server, tournament_id, task_id)["status"] == "done"
    # The job is done on the server now: the stream has a second to tell the page.
    expect(tid(page, "generation-status")).to_have_text("done", timeout=5_000)
    expect(tid(page, "generation-timings")).to_contain_text("total ")
    assert_clean(problems)


def test_player_search_shows_the_path(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = scenario(live_server, 64)
    assert get_tournament(live_server, tournament_id)["status"] == "COMPLETED"
    rankings = all_rankings(live_server, tournament_id)
    player = rankings[5]  # a quarter-finalist or so: a path of several rounds, then a loss
    played = live_server.get(
        f"{API}/tournaments/{tournament_id}/sessions",
        params={"player_id": player["player_id"], "limit": 100},
    ).json()["items"]
    assert len(played) >= 2

    open_monitor(page, base_url, tournament_id)
    expect(tid(page, "tournament-status")).to_have_text("Completed")
    expect(page.locator("svg .match").first).to_be_visible(timeout=LIVE_S)
    tid(page, "player-search").fill(player["name"].lower())
    page.locator("#search-form button[type=submit]").click()

    path = tid(page, "player-path")
    expect(path).to_contain_text(f"{player['name']}: ")
    names = ["Round 1", "Round 2", "Round 3", "Quarter-final", "Semi-final", "Final"]
    for session in played:
        third = session["side"] == "third_place"
        expect(path).to_contain_text("Third place" if third else names[session["round"] - 1])
    expect(path).to_contain_text("lost")
    on_path = page.locator("svg .match.on-path")
    expect(on_path).to_have_count(len(played))
    assert on_path.count() >= 1
    save_screenshot(page, "monitor-player-path")
    assert_clean(problems)


def test_list_page_shows_the_tournaments(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    scenario(live_server, 16)
    scenario(live_server, 8, "manual")
    closed_tournament(live_server, 5)
    create_draft_tournament(live_server, "Spring open")

    page.goto(f"{base_url}/")
    rows = tid(page, "tournaments").locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Spring open")
    expect(rows.nth(0)).to_contain_text("Draft")
    expect(tid(page, "tournaments")).to_contain_text("Completed")
    expect(tid(page, "tournaments")).to_contain_text("In progress")
    expect(tid(page, "tournaments")).to_contain_text("Enrollment closed")
    expect(page.locator(".pager")).to_contain_text("4 in all")
    save_screenshot(page, "tournaments-list")
    assert_clean(problems)


def test_serve_stops_promptly_while_a_monitor_is_open(
    new_page: Callable[[], Page], problems: BrowserProblems, tmp_path: Path
) -> None:
    """SIGTERM to ``bracketry serve`` must not wait for open monitors' event streams (which
    only end when the tournament does, or after ten minutes): a deployment stops the API
    with SIGTERM and kills it after a grace period (Docker: 10 s)."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bracketry.db'}", admin_token=ADMIN_TOKEN
    )
    api, base_url = start_api(settings, tmp_path)
    page = new_page()
    try:
        with httpx.Client(base_url=base_url, headers=AUTH, timeout=30) as http:
            tournament_id = scenario(http, 8, "manual")
        with page.expect_response(re.compile(rf"/tournaments/{tournament_id}/events$")):
            page.goto(f"{base_url}/tournaments/{tournament_id}")
        expect(tid(page, "tournament-status")).to_have_text("In progress")
        expect(page.locator("svg .match").first).to_be_visible()
        assert_clean(problems)

        assert api.popen is not None
        os.killpg(api.popen.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            api.popen.wait(timeout=GRACE_S)
        assert not api.alive(), (
            f"bracketry serve still running {GRACE_S} s after SIGTERM with a monitor open:\n"
            + api.output()[-1500:]
        )
    finally:
        page.context.close()
        if api.alive():
            api.kill_hard()
