"""The manage page's results, reports and lifecycle in a real browser: renaming, deleting a
draft, a heat's result entered by its players' names, players' reports accepted or overruled
with one click, a correction with exactly one way forward, a read-only key that sees no
control, and messages that go once the state they describe is gone."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.api.accounts_helpers import PASSWORD, bearer, make_user, sign_in
from tests.api.helpers import API, close_enrollment, create_open_tournament, generate_now
from tests.ui import screens
from tests.ui.conftest import BrowserProblems
from tests.ui.screens import WIDE, Screenshot
from tests.ui.test_monitor import assert_clean

RECORD = re.compile("choose to record the result")
NAMES = ("Ann", "Ben", "Cat", "Dan")
DASH = "\N{EN DASH}"
APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"


def leaving(problems: BrowserProblems, tournament_id: int) -> None:
    """The page is about to leave a tournament whose live stream is open: the browser aborts
    that stream, which is no failure."""
    problems.closed_streams.add(f"{API}/tournaments/{tournament_id}/events")


def shoot(page: Page, save: Screenshot, name: str) -> None:
    """Screenshots of this page at both widths, after the layout checks."""
    screens.shoot(page, save, f"manage-{name}")


def signed_in(page: Page, base_url: str, username: str, path: str) -> None:
    """Open ``path`` and sign in as ``username`` (signing out first if someone is)."""
    page.set_viewport_size(WIDE)
    page.goto(f"{base_url}{path}")
    out = page.get_by_role("button", name="Sign out")
    if out.is_visible():
        out.click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"signed in as {username}")).to_be_visible()


def with_token(page: Page, base_url: str, token: str, path: str) -> None:
    """Open ``path`` holding ``token`` (pasted into the Token field)."""
    page.set_viewport_size(WIDE)
    page.goto(f"{base_url}{path}")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Save", exact=True).click()


def draft(http: httpx.Client, name: str, **body: object) -> int:
    created = http.post(f"{API}/tournaments", json={"name": name, **body})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def players_tournament(http: httpx.Client) -> tuple[int, dict[str, dict[str, str]]]:
    """A generated knockout of four player accounts; each player's header by name."""
    headers = {}
    ids = []
    for name in NAMES:
        user = make_user(http, name.lower(), "player", name)
        ids.append(user["player_id"])
        headers[name] = bearer(sign_in(http, name.lower())["access_token"])
    tournament_id = create_open_tournament(http)
    entries = [{"player_id": player_id} for player_id in ids]
    answer = http.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"players": entries})
    assert answer.status_code == 201, answer.text
    close_enrollment(http, tournament_id)
    generate_now(http, tournament_id)
    return tournament_id, headers


def first_round(http: httpx.Client, tournament_id: int) -> list[dict]:
    answer = http.get(
        f"{API}/tournaments/{tournament_id}/sessions", params={"round": 1, "status": "ready"}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def match_box(page: Page, session: dict) -> Locator:
    a, b = (p["name"] for p in session["participants"])
    return page.get_by_role("button", name=re.compile(f": {a} vs {b},"))


def record_in_dialog(page: Page, session: dict, first: int, second: int) -> None:
    match_box(page, session).click()
    dialog = page.get_by_role("dialog")
    a, b = (p["name"] for p in session["participants"])
    dialog.get_by_label(a, exact=True).fill(str(first))
    dialog.get_by_label(b, exact=True).fill(str(second))
    dialog.get_by_role("button", name=re.compile("^Record")).click()
    expect(dialog).to_be_hidden()


def test_an_organizer_renames_a_tournament_and_deletes_a_draft(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "boss", "admin")
    kept = draft(live_server, "Sprnig cup")
    doomed = draft(live_server, "Typo tournament")
    signed_in(page, base_url, "boss", f"/tournaments/{kept}/manage")

    page.get_by_role("button", name="Rename").click()
    name = page.get_by_label("Tournament name")
    expect(name).to_have_value("Sprnig cup")
    name.fill("Spring Cup")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring Cup")
    expect(page.get_by_test_id("result-note")).to_have_text("Renamed to “Spring Cup”.")
    assert live_server.get(f"{API}/tournaments/{kept}").json()["name"] == "Spring Cup"
    expect(page.get_by_role("button", name="Delete tournament")).to_be_visible()
    shoot(page, save_screenshot, "draft")
    page.get_by_role("button", name="Open enrollment").click()
    expect(page.get_by_test_id("tournament-status")).to_have_text("Enrollment open")
    expect(page.get_by_role("button", name="Delete tournament")).to_be_hidden()
    expect(page.get_by_role("button", name="Rename")).to_be_visible()

    leaving(problems, kept)
    page.goto(f"{base_url}/tournaments/{doomed}/manage")
    page.get_by_role("button", name="Delete tournament").click()
    confirm = page.get_by_test_id("delete-confirm")
    expect(confirm).to_contain_text("cannot be undone")
    page.get_by_role("button", name="Keep it").last.click()
    expect(confirm).to_be_hidden()
    page.get_by_role("button", name="Delete tournament").click()
    shoot(page, save_screenshot, "delete-confirm")
    leaving(problems, doomed)
    page.get_by_role("button", name="Yes, delete the tournament").click()
    page.wait_for_url(f"{base_url}/")
    expect(page.get_by_test_id("flash")).to_have_text(
        "The tournament “Typo tournament” was deleted."
    )
    expect(page.get_by_test_id("tournaments")).not_to_contain_text("Typo tournament")
    expect(page.get_by_test_id("tournaments")).to_contain_text("Spring Cup")
    problems.expect(404, f"/api/v1/tournaments/{doomed}")
    assert live_server.get(f"{API}/tournaments/{doomed}").status_code == 404
    page.reload()
    expect(page.get_by_test_id("flash")).to_have_count(0)
    assert_clean(problems)


def test_a_heat_is_recorded_by_its_players_names(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "boss", "admin")
    tournament_id = create_open_tournament(
        live_server, tournament_format="heats", direction="lower", heat_size=3
    )
    runners = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo"]
    players = [{"name": n, "rating": 2000 - i} for i, n in enumerate(runners)]
    enrolled = live_server.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players}
    )
    assert enrolled.status_code == 201, enrolled.text
    close_enrollment(live_server, tournament_id)
    generate_now(live_server, tournament_id)
    heats = first_round(live_server, tournament_id)
    assert len(heats) == 2
    signed_in(page, base_url, "boss", f"/tournaments/{tournament_id}/manage")

    first = heats[0]
    page.get_by_role("button", name=f"Record the result of round 1, heat {first['number']}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("lower is better")
    names = [e["name"] for e in first["entries"]]
    for seconds, name in zip((12.5, 11.9), names, strict=False):
        dialog.get_by_label(name, exact=True).fill(str(seconds))
    problems.expect(422, "/heat-result")
    shoot(page, save_screenshot, "heat-entry")
    dialog.get_by_role("button", name="Record result").click()
    expect(dialog.get_by_role("alert")).to_contain_text(f"Enter a result for {names[2]}")
    dialog.get_by_label(f"{names[2]} did not start or finish").check()
    expect(dialog.get_by_label(names[2], exact=True)).to_be_disabled()
    dialog.get_by_role("button", name="Record result").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("result-note")).to_have_text(
        re.compile(f"^Recorded: .+, heat {first['number']}, {names[1]} first.$")
    )
    saved = live_server.get(f"{API}/tournaments/{tournament_id}/sessions/{first['id']}").json()
    assert [(e["name"], e["attempts"]) for e in saved["entries"]] == [
        (names[0], [12.5]),
        (names[1], [11.9]),
        (names[2], []),
    ]
    assert not problems.seen(422, "/heat-result"), "the page asked before sending"
    second = heats[1]
    button = page.get_by_role(
        "button", name=f"Record the result of round 1, heat {second['number']}"
    )
    button.click()
    for seconds, entry in zip((10.1, 10.4, 10.2), second["entries"], strict=True):
        dialog.get_by_label(entry["name"], exact=True).fill(str(seconds))
    dialog.get_by_role("button", name="Record result").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("results-pct")).to_have_text("100")
    expect(page.get_by_role("button", name=re.compile("^Record the result"))).to_have_count(0)
    shoot(page, save_screenshot, "heats-recorded")

    # A correction: the form holds what was recorded; the player who did not finish did.
    page.get_by_role(
        "button", name=f"Correct the result of round 1, heat {first['number']}"
    ).click()
    expect(dialog.get_by_label(names[0], exact=True)).to_have_value("12.5")
    expect(dialog.get_by_label(f"{names[2]} did not start or finish")).to_be_checked()
    dialog.get_by_label(names[0], exact=True).fill("11.0")
    dialog.get_by_role("button", name="Record corrected result").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("result-note")).to_have_text(
        re.compile(f"^Corrected: .+, heat {first['number']}, {names[0]} first.$")
    )
    assert_clean(problems)


def test_players_reports_are_accepted_or_overruled_and_a_correction_has_one_way_forward(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "boss", "admin")
    tournament_id, headers = players_tournament(live_server)
    one, two = first_round(live_server, tournament_id)
    path = f"{API}/tournaments/{tournament_id}/sessions"
    a, b = (p["name"] for p in one["participants"])
    c, d = (p["name"] for p in two["participants"])
    reported = live_server.post(
        f"{path}/{one['id']}/report", json={"score_a": 3, "score_b": 1}, headers=headers[a]
    )
    assert reported.status_code == 200, reported.text
    live_server.post(
        f"{path}/{two['id']}/report", json={"score_a": 2, "score_b": 0}, headers=headers[c]
    )
    disputed = live_server.post(
        f"{path}/{two['id']}/report/dispute", json={"reason": "It was 0-2"}, headers=headers[d]
    )
    assert disputed.status_code == 200, disputed.text

    signed_in(page, base_url, "boss", f"/tournaments/{tournament_id}/manage")
    reports = page.get_by_test_id("open-reports")
    expect(reports.locator("li")).to_have_count(2)
    first_item = reports.locator("li").first  # disputed first
    expect(first_item).to_contain_text(f"{c} reported {c} 2{DASH}0 {d}.")
    expect(first_item).to_contain_text(f"Disputed by {d}: “It was 0-2”")
    expect(reports.locator("li").last).to_contain_text(f"Waiting for {b} to confirm.")
    shoot(page, save_screenshot, "reports")

    reports.get_by_role("button", name=re.compile(f"^Accept {a}{APOSTROPHE}s report")).click()
    expect(page.get_by_test_id("result-note")).to_contain_text(f"{a} wins")
    expect(reports.locator("li")).to_have_count(1)
    accepted = live_server.get(f"{path}/{one['id']}").json()
    assert accepted["report"]["state"] == "resolved"
    assert (accepted["result"]["score_a"], accepted["result"]["score_b"]) == (3, 1)

    reports.get_by_role("button", name=re.compile(f"^Overrule {c}{APOSTROPHE}s report")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label(c, exact=True)).to_have_value("2")
    expect(dialog.get_by_label(d, exact=True)).to_have_value("0")
    dialog.get_by_label(c, exact=True).fill("0")
    dialog.get_by_label(d, exact=True).fill("2")
    dialog.get_by_role("button", name="Record result").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("result-note")).to_contain_text(f"{d} wins")
    expect(reports).to_be_hidden()
    assert (
        live_server.get(f"{API}/tournaments/{tournament_id}/reports?state=disputed").json()["total"]
        == 0
    )

    # The final, then a correction of the first semi-final that would clear it.
    later = live_server.get(f"{path}?round=2&status=ready").json()["items"]
    final = next(s for s in later if {p["name"] for p in s["participants"]} == {a, d})
    record_in_dialog(page, final, 3, 0)
    problems.expect(409, "/result")
    box = page.get_by_role("button", name=re.compile(f": {a} vs {b}, decided"))
    box.click()
    dialog.get_by_label(a, exact=True).fill("0")
    dialog.get_by_label(b, exact=True).fill("3")
    dialog.get_by_role("button", name="Record corrected result").click()
    warning = page.get_by_test_id("reset-warning")
    expect(warning).to_contain_text(f"{a} vs {d}")
    forward = dialog.get_by_role("button").filter(visible=True)
    expect(forward).to_have_text(["Correct and clear these results", "Back", "Close"])
    expect(dialog.get_by_label(a, exact=True)).to_be_disabled()
    shoot(page, save_screenshot, "correction")
    dialog.get_by_role("button", name="Back").click()
    expect(warning).to_be_hidden()
    expect(dialog.get_by_role("button").filter(visible=True)).to_have_text(
        ["Record corrected result", "Close"]
    )
    dialog.get_by_role("button", name="Record corrected result").click()
    dialog.get_by_role("button", name="Correct and clear these results").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("result-note")).to_contain_text(
        f"Corrected: Semi-final, match {one['number']}, {b} wins."
    )
    corrected = live_server.get(f"{path}/{final['id']}").json()
    assert corrected["result"] is None
    assert_clean(problems)


def test_a_read_only_key_sees_no_control_and_a_results_key_only_records(
    page: Page,
    new_page: Callable[[], Page],
    live_server: httpx.Client,
    problems: BrowserProblems,
    save_screenshot: Screenshot,
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "org", "organizer")
    person = bearer(sign_in(live_server, "org")["access_token"])
    keys = {}
    for scope in ("read", "results"):
        made = live_server.post(
            f"{API}/auth/api-keys", json={"name": scope, "scope": scope}, headers=person
        )
        assert made.status_code == 201, made.text
        keys[scope] = made.json()["key"]
    created = live_server.post(f"{API}/tournaments", json={"name": "Keyed cup"}, headers=person)
    tournament_id = created.json()["id"]
    live_server.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "ENROLLMENT_OPEN"}
    )
    players = [{"name": n} for n in NAMES]
    live_server.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players})
    close_enrollment(live_server, tournament_id)
    generate_now(live_server, tournament_id)
    manage = f"/tournaments/{tournament_id}/manage"

    with_token(page, base_url, keys["read"], manage)
    expect(page.get_by_test_id("manage-access")).to_contain_text("This key may only read")
    expect(page.locator("svg g.match").first).to_be_visible()
    for hidden in ("steps", "edits"):
        expect(page.get_by_test_id(hidden)).to_be_hidden()
    expect(page.locator("#player-forms")).to_be_hidden()
    expect(page.get_by_role("button", name=RECORD)).to_have_count(0)
    expect(page.get_by_role("button", name="Rename")).to_be_hidden()
    shoot(page, save_screenshot, "read-key")

    results = new_page()
    with_token(results, base_url, keys["results"], manage)
    expect(results.get_by_test_id("manage-access")).to_contain_text("may record results only")
    expect(results.get_by_test_id("steps")).to_be_hidden()
    expect(results.locator("#player-forms")).to_be_hidden()
    session = first_round(live_server, tournament_id)[0]
    record_in_dialog(results, session, 2, 1)
    expect(results.get_by_test_id("result-note")).to_contain_text("Recorded")
    assert not problems.seen(403, "/result")
    assert_clean(problems)


def test_messages_go_when_the_status_changes_or_the_viewer_signs_out(
    page: Page, live_server: httpx.Client, problems: BrowserProblems, save_screenshot: Screenshot
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "boss", "admin")
    lonely = create_open_tournament(live_server)
    live_server.post(f"{API}/tournaments/{lonely}/enrollments", json={"name": "Solo"})
    close_enrollment(live_server, lonely)
    tournament_id = create_open_tournament(live_server)
    players = [{"name": n} for n in NAMES]
    live_server.post(f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players})
    close_enrollment(live_server, tournament_id)
    generate_now(live_server, tournament_id)
    one, two = first_round(live_server, tournament_id)

    # A refusal under the lifecycle goes when the viewer signs out.
    signed_in(page, base_url, "boss", f"/tournaments/{lonely}/manage")
    error = page.get_by_test_id("step-error")
    problems.expect(409, "/generate-sessions")
    page.get_by_role("button", name="Generate matches").click()
    expect(error).to_contain_text("at least 2 players")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_test_id("manage-access")).to_contain_text("Sign in above")
    expect(error).to_have_text("")

    # "Recorded: …" goes when the tournament's status changes (here: cancelled elsewhere).
    leaving(problems, lonely)
    signed_in(page, base_url, "boss", f"/tournaments/{tournament_id}/manage")
    note = page.get_by_test_id("result-note")
    record_in_dialog(page, one, 3, 1)
    expect(note).to_contain_text("Recorded")
    cancelled = live_server.post(
        f"{API}/tournaments/{tournament_id}/status", json={"status": "CANCELLED"}
    )
    assert cancelled.status_code == 200, cancelled.text
    expect(page.get_by_test_id("tournament-status")).to_have_text("Cancelled")
    expect(note).to_have_text("")
    expect(match_box(page, two)).to_have_count(0)
    shoot(page, save_screenshot, "cancelled")
    assert_clean(problems)
