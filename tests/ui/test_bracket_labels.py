"""The bracket and the round lists as a user reads them: rounds by their names, forfeits and
walkovers as "w/o", "All rounds" and "Show path" scrolling to what is worth seeing, the
champion named once, and every page whole at 390 px wide."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.api.helpers import (
    API,
    all_sessions,
    closed_tournament,
    generate_now,
    launch_scenario,
    poll_until_finished,
)
from tests.ui import screens
from tests.ui.conftest import BrowserProblems
from tests.ui.screens import Screenshot
from tests.ui.test_monitor import LIVE_S, assert_clean, open_monitor, scenario, tid


def shoot(page: Page, save: Screenshot, name: str) -> None:
    """Screenshots of this page at both widths, after the layout checks."""
    screens.shoot(page, save, f"bracket-{name}")


def record(http: httpx.Client, tournament_id: int, session: dict, **body: object) -> None:
    answer = http.post(
        f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result", json=body
    )
    assert answer.status_code == 200, answer.text


def in_view(pane: Locator, target: Locator) -> bool:
    """Whether ``target`` lies within the visible part of the scrolling ``pane``."""
    outer, inner = pane.bounding_box(), target.bounding_box()
    assert outer and inner
    return (
        inner["x"] >= outer["x"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] >= outer["y"] - 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def heads(page: Page, within: Locator | None = None) -> list[str]:
    """The names over the bracket's columns, left to right."""
    texts = (within or tid(page, "bracket")).locator("svg text.round-head")
    return texts.evaluate_all("all => all.map((t) => t.textContent)")


def test_a_knockout_names_its_rounds_and_marks_a_forfeit(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 8)
    generate_now(live_server, tournament_id)
    first = all_sessions(live_server, tournament_id)[0]
    winner = first["participants"][1]
    record(live_server, tournament_id, first, outcome="forfeit", winner_id=winner["player_id"])

    open_monitor(page, base_url, tournament_id)
    expect(page.locator("svg .match")).to_have_count(8, timeout=LIVE_S)
    expect(tid(page, "bracket").locator("svg text.round-head")).to_have_text(
        ["Quarter-final", "Semi-final", "Final"]
    )
    expect(tid(page, "bracket").locator("svg text.third-head")).to_have_text("Third place")
    third = page.locator('svg .match[data-side="third_place"] title')
    expect(third).to_have_text("Third place · locked")
    box = tid(page, f"match-{first['id']}")
    expect(box.locator("text.score.win")).to_have_text("w/o")
    expect(box.locator("text.win[data-player-id]")).to_have_text(winner["name"])
    options = tid(page, "result-session").locator("option")
    expect(options.first).to_have_text(
        f"Quarter-final 2: {_players(all_sessions(live_server, tournament_id)[1])}"
    )
    shoot(page, save_screenshot, "knockout")
    assert_clean(problems)


def _players(session: dict) -> str:
    return " vs ".join(p["name"] for p in session["participants"])


def test_the_round_list_names_rounds_and_marks_forfeits(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 4, tournament_format="round_robin")
    generate_now(live_server, tournament_id)
    one, two = [s for s in all_sessions(live_server, tournament_id) if s["round"] == 1]
    record(
        live_server,
        tournament_id,
        one,
        outcome="forfeit",
        winner_id=one["participants"][0]["player_id"],
    )
    record(live_server, tournament_id, two, outcome="double_forfeit")

    open_monitor(page, base_url, tournament_id)
    select = tid(page, "round-select")
    expect(select.locator("option")).to_have_text(["Round 1", "Round 2", "Round 3"])
    select.select_option(label="Round 1")
    table = tid(page, "round-table")
    expect(table.locator(f'tr[data-session-id="{one["id"]}"] td').nth(2)).to_have_text("w/o")
    expect(table.locator(f'tr[data-session-id="{two["id"]}"] td').nth(2)).to_have_text("w/o (both)")
    shoot(page, save_screenshot, "round-robin")
    assert_clean(problems)


def test_double_elimination_names_winners_losers_and_grand_final(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 8, tournament_format="double_elimination")
    generate_now(live_server, tournament_id)
    open_monitor(page, base_url, tournament_id)
    winners = tid(page, "part-main")
    expect(winners.locator("svg text.round-head")).to_have_text(
        ["Winners round 1", "Winners round 2", "Winners final"], timeout=LIVE_S
    )
    losers = heads(page, tid(page, "part-losers"))
    assert losers[0] == "Losers round 1" and losers[-1] == "Losers final"
    assert heads(page, tid(page, "part-grand_final")) == ["Grand final"]
    options = tid(page, "result-session").locator("option")
    expect(options.first).to_have_text(
        f"Winners round 1, match 1: {_players(all_sessions(live_server, tournament_id)[0])}"
    )
    shoot(page, save_screenshot, "double-elimination")
    assert_clean(problems)


def test_all_rounds_opens_on_the_first_round_still_to_play(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    """256 players, round 1 decided: All rounds shows round 2, not round 1's top corner."""
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = closed_tournament(live_server, 256)
    answer = live_server.post(f"{API}/tournaments/{tournament_id}/generate-sessions", json=None)
    assert answer.status_code in (200, 202), answer.text
    poll_until_finished(live_server, tournament_id, answer.json()["task_id"])
    sessions = all_sessions(live_server, tournament_id)
    for session in (s for s in sessions if s["round"] == 1):
        record(live_server, tournament_id, session, score_a=2, score_b=0)
    open_monitor(page, base_url, tournament_id)
    expect(tid(page, "results-pct")).to_have_text("50", timeout=LIVE_S)  # 128 of 256
    tid(page, "all-rounds").click()
    pane = tid(page, "bracket")
    expect(pane.locator("svg text.round-head").first).to_have_text("Round 1", timeout=LIVE_S)
    first_open = next(s for s in sessions if s["round"] == 2)
    target = tid(page, f"match-{first_open['id']}")
    expect(target).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=bracket]').scrollLeft > 0", timeout=LIVE_S
    )
    assert in_view(pane, target)
    assert_clean(problems)


def test_all_rounds_of_a_finished_knockout_opens_on_the_final_and_a_path_stays_in_view(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    launched = launch_scenario(live_server, 256)
    tournament_id = launched["tournament_id"]
    poll_until_finished(live_server, tournament_id, launched["task_id"])
    sessions = all_sessions(live_server, tournament_id)
    final = next(s for s in sessions if s["side"] == "main" and s["winner_to"] is None)
    open_monitor(page, base_url, tournament_id)
    expect(tid(page, "tournament-status")).to_have_text("Completed", timeout=LIVE_S)
    pane = tid(page, "bracket")
    tid(page, "all-rounds").click()
    expect(pane.locator("svg text.round-head").first).to_have_text("Round 1", timeout=LIVE_S)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=bracket]').scrollLeft > 0", timeout=LIVE_S
    )
    assert in_view(pane, tid(page, f"match-{final['id']}"))

    # A player out in the last match of round 1, at the very bottom of the bracket.
    last = [s for s in sessions if s["round"] == 1][-1]
    loser = next(p for p in last["participants"] if p["player_id"] != last["result"]["winner_id"])
    page.evaluate(
        "() => { const p = document.querySelector('[data-testid=bracket]');"
        " p.scrollTop = 0; p.scrollLeft = 0; }"
    )
    tid(page, "player-search").fill(loser["name"])
    page.get_by_role("button", name="Show path").click()
    expect(tid(page, "player-path")).to_contain_text(f"{loser['name']}: Round 1 lost")
    box = tid(page, f"match-{last['id']}")
    expect(box).to_have_class("match completed on-path")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=bracket]').scrollTop > 0", timeout=LIVE_S
    )
    assert in_view(pane, box)
    assert_clean(problems)


def test_the_public_page_names_the_champion_once(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    tournament_id = scenario(live_server, 8)
    page.goto(f"{base_url}/t/{tournament_id}")
    line = tid(page, "champion-line")
    expect(line).to_have_text(re.compile(r"^Champion: \S.*$"), timeout=LIVE_S)
    expect(page.locator("svg .match").first).to_be_visible(timeout=LIVE_S)
    expect(page.get_by_text("Champion")).to_have_count(1)
    shoot(page, save_screenshot, "public")
    assert_clean(problems)
