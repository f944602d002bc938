"""An organizer runs a Swiss and a round robin from the browser, the whole way: creates it
through the form, adds the players on the manage page, moves it along its lifecycle, records
every result by choosing the matches (a draw among them), completes it; a visitor on the
public page sees the champion and no control.

A Swiss of 9 over 3 rounds: each round one player has a bye, and a round's matches appear only
once the previous round's results are in. A round robin of 5: one player rests each round and
every pairing is played exactly once."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import combinations

import httpx
from playwright.sync_api import Page, expect

from tests.api.accounts_helpers import make_user
from tests.api.helpers import API
from tests.ui.conftest import BrowserProblems
from tests.ui.organizer_steps import (
    add_player,
    create_tournament,
    fill_result,
    shoot,
    sign_in,
)
from tests.ui.screens import WIDE, Screenshot
from tests.ui.test_monitor import assert_clean

SWISS_PLAYERS = {
    "Ada Lovelace": 2400,
    "Bo Berg": 2300,
    "Cy Chen": 2200,
    "Di Diaz": 2100,
    "Ed Eze": 2000,
    "Flo Fox": 1900,
    "Gus Gray": 1800,
    "Hal Hart": 1700,
    "Ivy Ives": 1600,
}
ROBIN_PLAYERS = {
    "Jo Jones": 1500,
    "Kai Kim": 1400,
    "Lu Lee": 1300,
    "Mo Moss": 1200,
    "Ny Nash": 1100,
}
ORGANIZER_BUTTONS = frozenset(
    {"Open enrollment", "Close enrollment", "Add player", "Record result", "Complete"}
)
Pair = frozenset[str]
ROUND_WAIT_MS = 15_000


def boxes_on_show(page: Page, players: dict[str, int]) -> dict[Pair, str]:
    """The match boxes on show, by the pair of players each names: its accessible name."""
    names = page.get_by_role("button", name=" vs ").evaluate_all(
        "boxes => boxes.map(b => b.getAttribute('aria-label') || b.textContent)"
    )
    found: dict[Pair, str] = {}
    for name in names:
        named = frozenset(player for player in players if player in name)
        if len(named) == 2:
            found[named] = name
    return found


def next_round(page: Page, players: dict[str, int], played: set[Pair]) -> dict[Pair, str]:
    """The boxes of matches not played yet, once the page shows some (empty if none come)."""
    for _ in range(ROUND_WAIT_MS // 250):
        waiting = {p: n for p, n in boxes_on_show(page, players).items() if p not in played}
        if waiting:
            return waiting
        page.wait_for_timeout(250)
    return {}


def play(page: Page, players: dict[str, int], pair: Pair, box: str, *, draw: bool) -> None:
    """Record one match by choosing its box: the higher rated player wins 2 to 0, or 1 to 1."""
    page.get_by_role("button", name=box, exact=True).click()
    stronger, weaker = sorted(pair, key=lambda name: -players[name])
    fill_result(page, {stronger: 1 if draw else 2, weaker: 1 if draw else 0})
    expect(page.get_by_role("dialog")).to_be_hidden()


def play_all_rounds(page: Page, players: dict[str, int]) -> list[set[Pair]]:
    """Record every match as its round appears, the higher rated player winning, except the
    first one without the best rated player: a draw. The pairs, round by round."""
    best = max(players, key=lambda name: players[name])
    played: set[Pair] = set()
    rounds: list[set[Pair]] = []
    drawn = False
    while waiting := next_round(page, players, played):
        for pair, box in sorted(waiting.items(), key=lambda item: item[1]):
            draw = not drawn and best not in pair
            play(page, players, pair, box, draw=draw)
            played.add(pair)
            drawn = drawn or draw
        rounds.append(set(waiting))
        assert len(rounds) <= len(players), "rounds kept coming"
    return rounds


def enroll(page: Page, players: dict[str, int]) -> None:
    """Open enrollment, add every player by the form and close enrollment."""
    page.get_by_role("button", name="Open enrollment").click()
    expect(page.get_by_role("button", name="Close enrollment")).to_be_visible()
    for name, rating in players.items():
        add_player(page, name, rating)
    expect(page.get_by_test_id("players-count")).to_have_text(str(len(players)))
    page.get_by_role("button", name="Close enrollment").click()
    generate = page.get_by_role("button", name=re.compile("^Generate"))
    expect(generate).to_be_visible()
    generate.click()
    expect(generate).to_be_hidden()


def complete(page: Page, live_server: httpx.Client, tournament_id: int) -> list[str]:
    """Calculate rankings where the page asks for it, complete; who ranks first."""
    calculate = page.get_by_role("button", name="Calculate rankings")
    done = page.get_by_role("button", name="Complete", exact=True)
    expect(calculate.or_(done).first).to_be_visible()
    if not done.is_visible():
        calculate.click()
    expect(done).to_be_visible()
    done.click()
    expect(done).to_be_hidden()
    expect(page.get_by_test_id("tournament-status")).to_have_text("Completed")
    ranked = live_server.get(f"{API}/tournaments/{tournament_id}/rankings?limit=10").json()
    return [r["name"] for r in ranked["items"] if r["rank"] == 1]


def visitor_sees_champion(
    visitor: Page, public_url: str, name: str, players: dict[str, int], champion: str
) -> None:
    """The public page: the tournament's name as its heading, the champion named, the
    matches on show, and no control that changes anything (only the way between rounds)."""
    visitor.goto(public_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(name)
    expect(visitor.get_by_text(re.compile(rf"Champion.*{re.escape(champion)}"))).to_be_visible()
    # A row per player in the standings, and more for the matches of the round on show.
    named = visitor.get_by_role("row").filter(has_text=re.compile("|".join(players)))
    expect(named.nth(len(players))).to_be_visible()
    buttons = visitor.get_by_role("button").evaluate_all(
        "buttons => buttons.map(b => b.getAttribute('aria-label') || b.textContent)"
    )
    acting = [b for b in buttons if b in ORGANIZER_BUTTONS or any(p in b for p in players)]
    assert not acting, acting
    assert visitor.locator("input:visible, textarea:visible").count() == 0


def start(page: Page, base_url: str, username: str, live_server: httpx.Client) -> None:
    make_user(live_server, username, "organizer")
    page.set_viewport_size(WIDE)
    page.goto(f"{base_url}/")
    sign_in(page, username)


def test_an_organizer_runs_a_swiss_of_nine_over_three_rounds_with_byes_and_a_draw(
    page: Page,
    new_page: Callable[[], Page],
    live_server: httpx.Client,
    problems: BrowserProblems,
    save_screenshot: Screenshot,
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    start(page, base_url, "org-swiss", live_server)
    options = {"Swiss rounds": "3"}
    tournament_id = create_tournament(page, "Autumn Swiss", "Swiss", 9, options)
    enroll(page, SWISS_PLAYERS)
    shoot(page, save_screenshot, "swiss-generated")

    rounds = play_all_rounds(page, SWISS_PLAYERS)
    assert [len(pairs) for pairs in rounds] == [4, 4, 4], rounds
    for pairs in rounds:  # eight play, one has the bye
        assert len(set().union(*pairs)) == 8
    assert len(set().union(*rounds)) == 12, "no pairing twice"
    shoot(page, save_screenshot, "swiss-played")
    results = live_server.get(f"{API}/tournaments/{tournament_id}/sessions?limit=100").json()
    outcomes = sorted(s["result"]["outcome"] for s in results["items"])
    assert outcomes.count("bye") == 3 and outcomes.count("draw") >= 1, outcomes

    champions = complete(page, live_server, tournament_id)
    assert champions == ["Ada Lovelace"]
    shoot(page, save_screenshot, "swiss-completed")
    visitor = new_page()
    visitor.set_viewport_size(WIDE)
    public = page.get_by_role("link", name="Public page").get_attribute("href") or ""
    visitor_sees_champion(visitor, base_url + public, "Autumn Swiss", SWISS_PLAYERS, champions[0])
    shoot(visitor, save_screenshot, "swiss-public")
    assert_clean(problems)


def test_an_organizer_runs_a_round_robin_of_five_every_pairing_once(
    page: Page,
    new_page: Callable[[], Page],
    live_server: httpx.Client,
    problems: BrowserProblems,
    save_screenshot: Screenshot,
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    start(page, base_url, "org-robin", live_server)
    tournament_id = create_tournament(page, "Winter League", "Round robin", 5)
    enroll(page, ROBIN_PLAYERS)
    shoot(page, save_screenshot, "robin-generated")

    rounds = play_all_rounds(page, ROBIN_PLAYERS)
    pairs = [pair for pairs in rounds for pair in pairs]
    assert sorted(map(sorted, pairs)) == sorted(map(sorted, combinations(ROBIN_PLAYERS, 2)))
    for played in rounds:  # nobody plays twice in a round; someone rests
        assert len(set().union(*played)) == 2 * len(played) < len(ROBIN_PLAYERS)
    shoot(page, save_screenshot, "robin-played")

    champions = complete(page, live_server, tournament_id)
    assert champions == ["Jo Jones"]
    shoot(page, save_screenshot, "robin-completed")
    visitor = new_page()
    visitor.set_viewport_size(WIDE)
    public = page.get_by_role("link", name="Public page").get_attribute("href") or ""
    visitor_sees_champion(visitor, base_url + public, "Winter League", ROBIN_PLAYERS, champions[0])
    shoot(visitor, save_screenshot, "robin-public")
    assert_clean(problems)
