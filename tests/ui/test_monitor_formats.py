"""The monitor of every format in a real browser: the launcher offers each, and each gets its
view (the knockout's bracket is covered by ``test_monitor.py``).

Double elimination shows one bracket per side, groups the knockout above the group rounds,
and round robin, Swiss and any other format the rounds view: a round selector and that
round's sessions. Points formats rank with points, draws and the tiebreak values; draws are
offered only where the session's stage has them. Every view follows the event stream.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Locator, Page, Request, expect

from bracketry.schemas.formats import FORMAT_NAMES
from bracketry.web.pages import format_label
from tests.api.helpers import (
    API,
    all_rankings,
    all_sessions,
    closed_tournament,
    generate_now,
    get_tournament,
)
from tests.ui.conftest import BrowserProblems
from tests.ui.test_monitor import LIVE_S, assert_clean, launch, open_monitor, tid

Screenshot = Callable[[Page, str], Path]
DASH = "\N{EN DASH}"  # between two players, two scores, and a range of sessions


def base_of(live_server: httpx.Client) -> str:
    return str(live_server.base_url).rstrip("/")


def track_navigations(page: Page) -> list[str]:
    """Main-frame navigations from now on (a live page must not reload)."""
    seen: list[str] = []
    page.on("framenavigated", lambda f: seen.append(f.url) if f == page.main_frame else None)
    return seen


def round_ids(page: Page) -> list[int]:
    rows = tid(page, "round-table").locator("tbody tr[data-session-id]")
    return [int(rows.nth(i).get_attribute("data-session-id") or 0) for i in range(rows.count())]


def expect_round(page: Page, sessions: list[dict], round_: int, stage: int = 1) -> None:
    """The rounds view shows exactly the sessions of ``round_`` (of ``stage``), in order."""
    wanted = [s["id"] for s in sessions if s["round"] == round_ and s["stage"] == stage]
    expect(tid(page, "round-select")).to_have_value(str(round_), timeout=LIVE_S)
    rows = tid(page, "round-table").locator("tbody tr[data-session-id]")
    expect(rows).to_have_count(len(wanted), timeout=LIVE_S)
    expect(rows.first).to_have_attribute("data-session-id", str(wanted[0]))
    assert round_ids(page) == wanted


def draw_option(page: Page) -> Locator:
    return tid(page, "result-outcome").locator('option[value="draw"]')


def record(http: httpx.Client, tournament_id: int, session: dict, **body: object) -> None:
    answer = http.post(
        f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result",
        json=body or {"outcome": "win", "score_a": 2, "score_b": 1},
    )
    assert answer.status_code == 200, answer.text


def generated_monitor(
    page: Page, live_server: httpx.Client, players: int, tournament_format: str
) -> tuple[int, list[dict]]:
    """A generated tournament of ``tournament_format`` open in the monitor: (id, sessions)."""
    tournament_id = closed_tournament(live_server, players, tournament_format=tournament_format)
    generate_now(live_server, tournament_id)
    sessions = all_sessions(live_server, tournament_id)
    open_monitor(page, base_of(live_server), tournament_id)
    return tournament_id, sessions


def test_launcher_offers_every_format(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    page.goto(f"{base_of(live_server)}/")
    options = tid(page, "launch-format").locator("option")
    expect(options).to_have_count(len(FORMAT_NAMES))
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert values == list(FORMAT_NAMES)
    labels = options.all_inner_texts()
    assert "Double elimination" in labels and "Round robin" in labels and "Swiss" in labels
    assert all(label != name for label, name in zip(labels, FORMAT_NAMES, strict=True))
    assert_clean(problems)


LAUNCHES = [
    ("double_elimination", 8, "auto"),
    ("round_robin", 8, "manual"),
    ("swiss", 10, "auto"),
    ("groups", 16, "auto"),
    ("heats", 20, "auto"),
]


@pytest.mark.parametrize(("tournament_format", "players", "mode"), LAUNCHES)
def test_launching_a_format_shows_its_view(
    page: Page,
    live_server: httpx.Client,
    problems: BrowserProblems,
    save_screenshot: Screenshot,
    tournament_format: str,
    players: int,
    mode: str,
) -> None:
    launch(
        page,
        base_of(live_server),
        players,
        mode,
        confirm=False,
        tournament_format=tournament_format,
    )
    page.wait_for_url(re.compile(r"/tournaments/\d+$"))
    tournament_id = int(page.url.rsplit("/", 1)[1])
    assert get_tournament(live_server, tournament_id)["format"] == tournament_format
    expect(tid(page, "tournament-format")).to_have_text(format_label(tournament_format))
    status = "Completed" if mode == "auto" else "In progress"
    expect(tid(page, "tournament-status")).to_have_text(status, timeout=LIVE_S)
    sessions = all_sessions(live_server, tournament_id)
    expect(tid(page, "sessions-count")).to_have_text(str(len(sessions)), timeout=LIVE_S)

    if tournament_format == "double_elimination":
        for side in ("main", "losers", "grand_final"):
            drawn = [s for s in sessions if s["side"] == side]
            expect(tid(page, f"part-{side}").locator("svg .match")).to_have_count(len(drawn))
        expect(tid(page, "rounds")).to_be_hidden()
    elif tournament_format == "groups":
        knockout = [s for s in sessions if s["stage"] == 2]
        expect(tid(page, "bracket").locator("svg .match")).to_have_count(len(knockout))
        expect(tid(page, "rounds")).to_be_visible()
        expect(tid(page, "rounds")).to_contain_text("Group stage")
        expect_round(page, sessions, 3)  # the groups are over: their last round
    else:
        expect(tid(page, "bracket")).to_be_hidden()
        expect(tid(page, "all-rounds")).to_be_hidden()
        last = max(s["round"] for s in sessions)
        expect(tid(page, "round-select").locator("option")).to_have_count(last)
        expect_round(page, sessions, 1 if mode == "manual" else last)
        if tournament_format == "heats":  # the final heat, its players in place order
            expect(tid(page, "round-table").locator("tbody tr").first).to_contain_text("1. ")
    if mode == "auto":
        champion = all_rankings(live_server, tournament_id)[0]["name"]
        first = tid(page, "rankings").locator("tbody tr").first.locator("td").nth(1)
        expect(first).to_have_text(champion, timeout=LIVE_S)
        if tournament_format in ("double_elimination", "groups"):
            expect(tid(page, "champion")).to_have_text(champion)
    save_screenshot(page, f"monitor-launched-{tournament_format}")
    assert_clean(problems)


def test_round_robin_rounds_view_draws_and_points_rankings(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    tournament_id, sessions = generated_monitor(page, live_server, 8, "round_robin")
    navigations = track_navigations(page)

    # Every round is ready at once: the view opens on the first, the round in play.
    expect(tid(page, "rounds")).to_contain_text("Matches by round")
    expect(tid(page, "round-select").locator("option")).to_have_count(7)
    expect_round(page, sessions, 1)
    first = sessions[0]
    names = [p["name"] for p in first["participants"]]
    row = tid(page, "round-table").locator(f'tr[data-session-id="{first["id"]}"]')
    expect(row).to_contain_text(f"{names[0]} {DASH} {names[1]}")
    expect(row).to_contain_text("ready")

    # Switching rounds: the selector, then the next-round button.
    tid(page, "round-select").select_option("3")
    expect_round(page, sessions, 3)
    page.get_by_role("button", name="next round").click()
    expect_round(page, sessions, 4)

    # A draw through the result form, shown live in its round.
    expect(tid(page, "result-session")).to_have_value(str(first["id"]))
    expect(draw_option(page)).to_be_enabled()
    tid(page, "result-outcome").select_option("draw")
    tid(page, "result-score-a").fill("1")
    tid(page, "result-score-b").fill("1")
    tid(page, "result-submit").click()
    expect(tid(page, "result-ok")).to_have_text("Recorded.")
    tid(page, "round-select").select_option("1")
    expect(row).to_contain_text(f"draw 1{DASH}1", timeout=LIVE_S)
    expect(row).to_contain_text("completed")

    # Rankings by points, with draws and the tiebreak chain.
    for action in ("simulate", "calculate-rankings"):
        button = page.locator(f'[data-action="{action}"]')
        expect(button).to_be_visible(timeout=LIVE_S)
        button.click()
        if action == "simulate":
            expect(tid(page, "results-pct")).to_have_text("100", timeout=LIVE_S)
    rows = tid(page, "rankings").locator("tbody tr")
    expect(rows).to_have_count(8, timeout=LIVE_S)
    headers = tid(page, "rankings").locator("thead th").all_inner_texts()
    assert headers == [
        "#",
        "Player",
        "Points",
        "Wins",
        "Draws",
        "Losses",
        "Scores for:against",
        "Head-to-head",
        "Score difference",
        "Scores made",
        "Seed",
    ]
    ranked = all_rankings(live_server, tournament_id)
    for i in (0, 7):
        cells = rows.nth(i).locator("td").all_inner_texts()
        expected = ranked[i]
        assert cells[1] == expected["name"]
        assert float(cells[2]) == expected["points"]
        assert int(cells[4]) == expected["draws"]
        # Each figure once: the chain's wins is the Wins column.
        chain = [v for k, v in expected["tiebreaks"].items() if k != "wins"]
        assert [float(c) for c in cells[7:]] == chain
        assert int(cells[3]) == expected["tiebreaks"]["wins"] == expected["wins"]
    drawn = {p["player_id"] for p in first["participants"]}
    assert all(r["draws"] >= 1 for r in ranked if r["player_id"] in drawn)

    # A player's path: every game listed, their board highlighted in the round shown.
    tid(page, "player-search").fill(names[0])
    page.locator("#search-form button[type=submit]").click()
    expect(tid(page, "player-path")).to_contain_text(
        f"{names[0]}: Round 1 drew vs {names[1]} → Round 2 "
    )
    on_path = tid(page, "round-table").locator("tr.on-path")
    expect(on_path).to_have_count(1)
    expect(on_path).to_have_attribute("data-session-id", str(first["id"]))
    save_screenshot(page, "monitor-round-robin")
    assert navigations == [], "the monitor reloaded"
    assert_clean(problems)


def test_swiss_next_round_appears_live_after_the_last_result(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    tournament_id = closed_tournament(live_server, 7, tournament_format="swiss")
    generate_now(live_server, tournament_id)
    round_one = all_sessions(live_server, tournament_id)
    bye = next(s for s in round_one if s["result"] and s["result"]["outcome"] == "bye")
    playable = [s for s in round_one if s["id"] != bye["id"]]
    open_monitor(page, base_of(live_server), tournament_id)
    navigations = track_navigations(page)

    expect(tid(page, "round-select").locator("option")).to_have_count(1)
    expect_round(page, round_one, 1)
    bye_row = tid(page, "round-table").locator(f'tr[data-session-id="{bye["id"]}"]')
    expect(bye_row).to_contain_text(f"{bye['participants'][0]['name']} bye")
    for session in playable[:-1]:
        record(live_server, tournament_id, session)
    options = tid(page, "result-session").locator("option")
    expect(options).to_have_count(1, timeout=LIVE_S)
    expect(tid(page, "result-session")).to_have_value(str(playable[-1]["id"]))

    # The last result of round 1, through the page: round 2 is paired and shown live.
    tid(page, "result-score-a").fill("0")
    tid(page, "result-score-b").fill("2")
    tid(page, "result-submit").click()
    winner = playable[-1]["participants"][1]["name"]
    expect(tid(page, "result-ok")).to_have_text(f"Recorded: {winner} wins.")
    expect(tid(page, "round-select").locator("option")).to_have_count(2, timeout=LIVE_S)
    sessions = all_sessions(live_server, tournament_id)
    expect_round(page, sessions, 2)
    expect(tid(page, "round-table")).to_contain_text("bye")
    expect(options).to_have_count(3, timeout=LIVE_S)
    expect(options.first).to_have_text(re.compile(r"^Round 2, match 1: .+ vs .+$"))
    # Seven players: three matches and a bye a round; byes are not matches to play.
    expect(tid(page, "sessions-count")).to_have_text("6")
    save_screenshot(page, "monitor-swiss-round-2")
    assert navigations == [], "the monitor reloaded"
    assert_clean(problems)


def test_double_elimination_shows_each_bracket(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    tournament_id = closed_tournament(
        live_server, 8, tournament_format="double_elimination", grand_final="reset"
    )
    generate_now(live_server, tournament_id)
    open_monitor(page, base_of(live_server), tournament_id)
    titles = {"main": "Winners bracket", "losers": "Losers bracket", "grand_final": "Grand final"}
    for side, count in (("main", 7), ("losers", 6), ("grand_final", 1)):
        part = tid(page, f"part-{side}")
        expect(part.locator("h3")).to_have_text(titles[side])
        expect(part.locator("svg .match")).to_have_count(count)
    expect(tid(page, "rounds")).to_be_hidden()
    # The losers bracket keeps 2 matches in its first two rounds: laid out evenly, no overlap.
    boxes = tid(page, "part-losers").locator("svg .match rect")
    places = [(box.get_attribute("x"), box.get_attribute("y")) for box in boxes.all()]
    assert len(set(places)) == 6
    # No draws in an elimination bracket.
    options = tid(page, "result-session").locator("option")
    expect(options).to_have_count(4)
    expect(options.first).to_have_text(re.compile(r"^Winners round 1, match 1: .+ vs .+$"))
    expect(draw_option(page)).to_be_disabled()

    for action in ("simulate", "calculate-rankings", "complete"):
        button = page.locator(f'[data-action="{action}"]')
        expect(button).to_be_visible(timeout=LIVE_S)
        button.click()
    expect(tid(page, "tournament-status")).to_have_text("Completed", timeout=LIVE_S)
    sessions = all_sessions(live_server, tournament_id)
    finals = [s for s in sessions if s["side"] == "grand_final"]
    expect(tid(page, "part-grand_final").locator("svg .match")).to_have_count(len(finals))
    champion = all_rankings(live_server, tournament_id)[0]["name"]
    expect(tid(page, "champion")).to_have_text(champion, timeout=LIVE_S)
    headers = tid(page, "rankings").locator("thead th").all_inner_texts()
    assert headers == ["#", "Player", "Round reached", f"Won{DASH}lost", "Scores for:against"]
    save_screenshot(page, "monitor-double-elimination")
    assert_clean(problems)


def test_groups_show_their_rounds_then_the_knockout_live(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    tournament_id, groups = generated_monitor(page, live_server, 16, "groups")
    navigations = track_navigations(page)

    expect(tid(page, "bracket")).to_contain_text("knockout is drawn once every group match")
    expect(tid(page, "rounds")).to_contain_text("Group stage")
    expect(tid(page, "round-select").locator("option")).to_have_count(3)
    expect_round(page, groups, 1)
    expect(draw_option(page)).to_be_enabled()  # a group match may be drawn
    save_screenshot(page, "monitor-groups-stage")

    # Every group match decided: the knockout appears above the groups, without a reload.
    for session in groups:
        record(live_server, tournament_id, session)
    sessions = all_sessions(live_server, tournament_id)
    knockout = [s for s in sessions if s["stage"] == 2]
    assert len(knockout) == 8  # 8 qualifiers: 7 matches and the third-place match
    expect(tid(page, "bracket").locator("svg .match")).to_have_count(8, timeout=LIVE_S)
    expect_round(page, sessions, 3)  # no group match is left: the last group round
    options = tid(page, "result-session").locator("option")
    expect(options).to_have_count(4, timeout=LIVE_S)
    expect(options.first).to_have_text(re.compile(r"^Quarter-final 1: .+ vs .+$"))
    expect(draw_option(page)).to_be_disabled()  # no draws in the knockout

    # The champion is named once the tournament is complete.
    for action in ("simulate", "calculate-rankings", "complete"):
        button = page.locator(f'[data-action="{action}"]')
        expect(button).to_be_visible(timeout=LIVE_S)
        button.click()
    champion = tid(page, "champion")
    expect(champion).to_be_visible(timeout=LIVE_S)
    rows = tid(page, "rankings").locator("tbody tr")
    expect(rows).to_have_count(16, timeout=LIVE_S)
    ranked = all_rankings(live_server, tournament_id)
    expect(champion).to_have_text(ranked[0]["name"])
    headers = tid(page, "rankings").locator("thead th").all_inner_texts()
    assert headers[2:5] == ["Points", "Wins", "Draws"]
    assert headers[7:9] == ["Group", "Place in group"]
    # Wins counts every stage, the groups' tiebreak the group's wins only: each named once.
    assert headers.count("Wins") == 1 and headers.count("Group wins") == 1
    group = rows.first.locator("td").nth(7)
    expect(group).to_have_text("ABCD"[int(ranked[0]["tiebreaks"]["group"]) - 1])
    save_screenshot(page, "monitor-groups-knockout")
    assert navigations == [], "the monitor reloaded"
    assert_clean(problems)


def session_requests(page: Page) -> list[dict[str, list[str]]]:
    """The query of every sessions-list request the page makes from now on."""
    seen: list[dict[str, list[str]]] = []

    def note(request: Request) -> None:
        url = urlsplit(request.url)
        if url.path.endswith("/sessions"):
            seen.append(parse_qs(url.query))

    page.on("request", note)
    return seen


def test_a_big_round_is_read_one_page_at_a_time(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    tournament_id = closed_tournament(live_server, 120, tournament_format="round_robin")
    generate_now(live_server, tournament_id)  # 119 rounds of 60 sessions
    requests = session_requests(page)
    open_monitor(page, base_of(live_server), tournament_id)

    expect(tid(page, "round-select").locator("option")).to_have_count(119)
    rows = tid(page, "round-table").locator("tbody tr[data-session-id]")
    expect(rows).to_have_count(50)
    expect(tid(page, "round-caption")).to_have_text(f"119 rounds · matches 1{DASH}50 of 60")
    page.get_by_role("button", name="later sessions").click()
    expect(rows).to_have_count(10)
    expect(tid(page, "round-caption")).to_have_text(f"119 rounds · matches 51{DASH}60 of 60")
    expect(page.get_by_role("button", name="later sessions")).to_be_hidden()
    page.get_by_role("button", name="earlier sessions").click()
    expect(rows).to_have_count(50)
    tid(page, "round-select").select_option("119")
    expect(tid(page, "round-caption")).to_have_text(f"119 rounds · matches 1{DASH}50 of 60")
    last = live_server.get(
        f"{API}/tournaments/{tournament_id}/sessions", params={"round": 119, "limit": 1}
    ).json()["items"][0]
    expect(rows.first).to_have_attribute("data-session-id", str(last["id"]))
    # Only pages of one round, and the ready sessions for the result form.
    assert requests
    for query in requests:
        assert "round" in query or query.get("status") == ["ready"], query
        assert int(query["limit"][0]) <= 500, query
    assert_clean(problems)


def test_a_large_double_elimination_shows_its_last_rounds_and_grand_final(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    answer = live_server.post(
        f"{API}/tournaments/ops/run-scenario",
        json={
            "player_count": 128,
            "tournament_format": "double_elimination",
            "confirmed": True,
            "simulation_mode": "auto",
            "seed": 5,
        },
    )
    assert answer.status_code == 200, answer.text
    tournament_id = answer.json()["tournament_id"]
    requests = session_requests(page)
    open_monitor(page, base_of(live_server), tournament_id)
    expect(tid(page, "tournament-status")).to_have_text("Completed", timeout=LIVE_S)
    sessions = all_sessions(live_server, tournament_id)
    finals = [s for s in sessions if s["side"] == "grand_final"]
    # Winners rounds 2-7 and losers rounds 7-12 of 12 are drawn; the grand final(s) too,
    # read from the end of their rounds rather than with all of rounds 1 and 2.
    expect(tid(page, "part-main").locator("svg .match")).to_have_count(63, timeout=LIVE_S)
    losers = [s for s in sessions if s["side"] == "losers" and s["round"] >= 7]
    expect(tid(page, "part-losers").locator("svg .match")).to_have_count(len(losers))
    expect(tid(page, "part-grand_final").locator("svg .match")).to_have_count(len(finals))
    champion = all_rankings(live_server, tournament_id)[0]["name"]
    expect(tid(page, "champion")).to_have_text(champion)
    assert all(int(q["round"][0]) >= 2 or q["limit"] == ["1"] for q in requests if "round" in q)

    tid(page, "all-rounds").click()
    expect(tid(page, "part-main").locator("svg .match")).to_have_count(127, timeout=LIVE_S)
    every_loser = [s for s in sessions if s["side"] == "losers"]
    expect(tid(page, "part-losers").locator("svg .match")).to_have_count(len(every_loser))
    assert_clean(problems)


def test_a_format_without_its_own_view_gets_the_rounds_view(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    """Heats (many players per session) have no view of their own: the rounds view lists
    their players, and the result form points to the heat-result route."""
    answer = live_server.post(
        f"{API}/tournaments/ops/run-scenario",
        json={"player_count": 20, "tournament_format": "heats", "simulation_mode": "manual"},
    )
    assert answer.status_code == 200, answer.text
    tournament_id = answer.json()["tournament_id"]
    heats = all_sessions(live_server, tournament_id)
    open_monitor(page, base_of(live_server), tournament_id)

    expect(tid(page, "bracket")).to_be_hidden()
    expect_round(page, heats, 1)
    first = tid(page, "round-table").locator("tbody tr").first
    expect(first).to_contain_text("heat 1")
    for player in heats[0]["participants"]:
        expect(first).to_contain_text(player["name"])
    options = tid(page, "result-session").locator("option")
    expect(options).to_have_count(len(heats))
    expect(draw_option(page)).to_be_disabled()
    tid(page, "result-submit").click()
    expect(tid(page, "result-error")).to_contain_text(f"sessions/{heats[0]['id']}/heat-result")
    assert_clean(problems)
