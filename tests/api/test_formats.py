"""Every format through the HTTP API: configuration refusals, then whole lifecycles.

Players are enrolled with descending ratings, so player ``Pi`` is seed i.
"""

from __future__ import annotations

import math

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_rankings,
    all_sessions,
    assert_error,
    close_enrollment,
    closed_tournament,
    create_open_tournament,
    generate_now,
    get_tournament,
    launch_scenario,
    player_ids_by_name,
    poll_until_finished,
)

# --- configuration ----------------------------------------------------------------------------

BAD_CONFIGS = [
    ({"format": "ladder"}, "format", "knockout"),
    (
        {"format": "knockout", "config": {"grand_final": "reset"}},
        "config.grand_final",
        "not permitted",
    ),
    (
        {"format": "double_elimination", "config": {"third_place": True}},
        "config.third_place",
        "no third-place match",
    ),
    (
        {"format": "double_elimination", "config": {"grand_final": "twice"}},
        "config.grand_final",
        "",
    ),
    (
        {"format": "swiss", "config": {"rounds": 8, "max_players": 8}},
        "config.rounds",
        "max_players",
    ),
    ({"format": "swiss", "config": {"rounds": 0}}, "config.rounds", "greater than or equal to 1"),
    (
        {"format": "round_robin", "config": {"tiebreaks": ["wins", "wins"]}},
        "config.tiebreaks",
        "twice",
    ),
    ({"format": "round_robin", "config": {"tiebreaks": ["coin"]}}, "config.tiebreaks.0", ""),
    (
        {"format": "round_robin", "config": {"points": {"win": 1, "draw": 2}}},
        "config.points.draw",
        "more than a win",
    ),
    ({"format": "round_robin", "config": {"max_players": 6000}}, "config.max_players", "5000"),
    ({"format": "knockout", "config": {"seeding": "alphabetical"}}, "config.seeding", ""),
    ({"format": "groups", "config": {"groups": 5, "max_players": 8}}, "config.groups", "5 groups"),
    ({"format": "groups", "config": {"advance": 3, "max_players": 8}}, "config.advance", "2"),
    ({"format": "groups", "config": {"groups": 2, "extra": 2}}, "config.extra", "below"),
    ({"format": "groups", "config": {"rounds": 3}}, "config.rounds", "not permitted"),
]


@pytest.mark.parametrize(("body", "field", "fragment"), BAD_CONFIGS)
def test_impossible_configuration_is_refused_and_creates_nothing(
    client: TestClient, body: dict, field: str, fragment: str
) -> None:
    before = client.get(f"{API}/tournaments").json()["total"]
    answer = client.post(f"{API}/tournaments", json={"name": "Bad", **body})
    assert_error(answer, 422, fragment, field=field)
    assert client.get(f"{API}/tournaments").json()["total"] == before


def test_each_format_keeps_its_own_options(client: TestClient) -> None:
    answer = client.post(
        f"{API}/tournaments",
        json={"name": "Swiss", "format": "swiss", "config": {"rounds": 5, "tiebreaks": ["wins"]}},
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["format"] == "swiss"
    assert body["config"]["rounds"] == 5
    assert body["config"]["points"] == {"win": 1.0, "draw": 0.5, "loss": 0.0, "bye": None}
    fetched = get_tournament(client, body["id"])
    assert fetched["config"] == body["config"]


def test_swiss_with_too_many_rounds_for_the_enrolled_is_refused_at_generation(
    client: TestClient,
) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format="swiss", rounds=4)
    answer = client.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert_error(answer, 409, "rounds", field="config.rounds")
    assert get_tournament(client, tournament_id)["matches"]["total"] == 0


# --- lifecycles -------------------------------------------------------------------------------


def play_everything(http: httpx.Client, tournament_id: int, seed: int = 3) -> dict:
    answer = http.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": seed})
    assert answer.status_code == 200, answer.text
    return answer.json()


def rank_and_complete(http: httpx.Client, tournament_id: int) -> list[dict]:
    ranked = http.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert ranked.status_code == 200, ranked.text
    done = http.post(f"{API}/tournaments/{tournament_id}/complete")
    assert done.status_code == 200, done.text
    return all_rankings(http, tournament_id)


def played(sessions: list[dict]) -> list[dict]:
    return [s for s in sessions if s["result"]["outcome"] != "bye"]


@pytest.mark.parametrize("players", [2, 5, 8, 13])
def test_round_robin_lifecycle(client: TestClient, players: int) -> None:
    tournament_id = closed_tournament(client, players, tournament_format="round_robin")
    generated = generate_now(client, tournament_id)
    assert generated["sessions_count"] == players * (players - 1) // 2
    outcome = play_everything(client, tournament_id)
    assert outcome["results_pct"] == 100.0
    sessions = all_sessions(client, tournament_id)
    pairs = {frozenset(p["player_id"] for p in s["participants"]) for s in sessions}
    assert len(pairs) == len(sessions)  # everyone meets everyone once
    rankings = rank_and_complete(client, tournament_id)
    assert sorted(r["rank"] for r in rankings) == list(range(1, players + 1))
    points = [r["points"] for r in rankings]
    assert points == sorted(points, reverse=True)
    assert math.isclose(
        sum(points),
        sum(
            3.0 if s["result"]["outcome"] == "win" else 2.0  # a draw gives 1 + 1
            for s in sessions
        ),
    )
    assert list(rankings[0]["tiebreaks"]) == [
        "head_to_head",
        "score_difference",
        "scores_for",
        "wins",
        "seed",
    ]


def test_round_robin_double_plays_everyone_home_and_away(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format="round_robin", double=True)
    assert generate_now(client, tournament_id)["sessions_count"] == 12
    sessions = all_sessions(client, tournament_id)
    ordered = {tuple(p["player_id"] for p in s["participants"]) for s in sessions}
    assert len(ordered) == 12
    assert all((b, a) in ordered for a, b in ordered)


def test_round_robin_draw_is_recorded_and_scores_one_point_each(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 3, tournament_format="round_robin")
    generate_now(client, tournament_id)
    first = all_sessions(client, tournament_id)[0]
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{first['id']}/result",
        json={"outcome": "draw", "score_a": 1, "score_b": 1},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["outcome"] == "draw"
    assert answer.json()["result"]["winner_id"] is None
    client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    drawn = {p["player_id"] for p in first["participants"]}
    for row in all_rankings(client, tournament_id):
        assert row["points"] == (1.0 if row["player_id"] in drawn else 0.0)
        assert row["draws"] == (1 if row["player_id"] in drawn else 0)


@pytest.mark.parametrize(
    ("tournament_format", "outcome"),
    [
        ("knockout", "draw"),
        ("double_elimination", "draw"),
        ("double_elimination", "double_forfeit"),
    ],
)
def test_outcomes_a_format_has_no_rule_for_are_refused(
    client: TestClient, tournament_format: str, outcome: str
) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format=tournament_format)
    generate_now(client, tournament_id)
    session = all_sessions(client, tournament_id)[0]
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result",
        json={"outcome": outcome},
    )
    assert_error(answer, 422, "not possible", field="outcome")
    assert get_tournament(client, tournament_id)["matches"]["completed"] == 0


@pytest.mark.parametrize(
    ("players", "grand_final"),
    [(2, "simple"), (5, "simple"), (8, "reset"), (11, "none"), (16, "simple")],
)
def test_double_elimination_lifecycle(client: TestClient, players: int, grand_final: str) -> None:
    tournament_id = closed_tournament(
        client, players, tournament_format="double_elimination", grand_final=grand_final
    )
    generate_now(client, tournament_id)
    play_everything(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    games = played(sessions)
    reset = [s for s in sessions if s["side"] == "grand_final" and s["round"] == 2]
    expected = {"none": 2 * players - 3, "simple": 2 * players - 2, "reset": 2 * players - 2}
    assert len(games) == expected[grand_final] + len(reset)
    losses = dict.fromkeys(player_ids_by_name(client, tournament_id).values(), 0)
    for s in games:
        winner = s["result"]["winner_id"]
        loser = next(p["player_id"] for p in s["participants"] if p["player_id"] != winner)
        losses[loser] += 1
    rankings = rank_and_complete(client, tournament_id)
    champion = rankings[0]
    assert champion["rank"] == 1 and rankings[1]["rank"] == 2
    assert losses[champion["player_id"]] <= 1
    assert 1 <= losses[rankings[1]["player_id"]] <= 2
    assert all(losses[r["player_id"]] == 2 for r in rankings[2:])  # out after two losses


@pytest.mark.parametrize("players", [2, 7, 16, 33])
def test_swiss_lifecycle(client: TestClient, players: int) -> None:
    tournament_id = closed_tournament(client, players, tournament_format="swiss")
    rounds = max(1, math.ceil(math.log2(players)))
    first = generate_now(client, tournament_id)
    assert first["sessions_count"] == math.ceil(players / 2)  # round 1 only, bye included
    play_everything(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    assert max(s["round"] for s in sessions) == rounds
    assert len(sessions) == rounds * math.ceil(players / 2)
    met = [frozenset(p["player_id"] for p in s["participants"] if p) for s in played(sessions)]
    assert len(set(met)) == len(met), "a rematch"
    byes = [s["participants"][0]["player_id"] for s in sessions if s["result"]["outcome"] == "bye"]
    assert len(byes) == len(set(byes)) == (rounds if players % 2 else 0)
    rankings = rank_and_complete(client, tournament_id)
    assert sorted(r["rank"] for r in rankings) == list(range(1, players + 1))
    assert math.isclose(sum(r["points"] for r in rankings), len(sessions))
    assert list(rankings[0]["tiebreaks"]) == [
        "buchholz_cut1",
        "buchholz",
        "sonneborn_berger",
        "progressive",
    ]


def test_swiss_next_round_is_paired_when_the_last_result_of_a_round_arrives(
    client: TestClient,
) -> None:
    tournament_id = closed_tournament(client, 4, tournament_format="swiss", rounds=2)
    generate_now(client, tournament_id)
    round_one = all_sessions(client, tournament_id)
    assert [s["round"] for s in round_one] == [1, 1]
    for number, session in enumerate(round_one):
        first = session["participants"][0]["player_id"]
        answer = client.post(
            f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result",
            json={"outcome": "win", "winner_id": first},
        )
        assert answer.status_code == 200, answer.text
        now = all_sessions(client, tournament_id)
        assert len(now) == (2 if number == 0 else 4)
    round_two = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    winners = {s["participants"][0]["player_id"] for s in round_one}
    pairs = [{p["player_id"] for p in s["participants"]} for s in round_two]
    assert winners in pairs  # the two winners meet: same score group


@pytest.mark.parametrize("reset_due", [True, False])
def test_double_elimination_reset_is_played_only_when_the_losers_bracket_winner_wins(
    client: TestClient, reset_due: bool
) -> None:
    tournament_id = closed_tournament(
        client, 2, tournament_format="double_elimination", grand_final="reset"
    )
    generate_now(client, tournament_id)
    ids = player_ids_by_name(client, tournament_id)
    # P1 wins the winners final; P2 (then in the losers bracket) wins the grand final or not.
    winners = [ids["P1"], ids["P2"], ids["P2"]] if reset_due else [ids["P1"], ids["P1"]]
    for winner in winners:
        ready = [s for s in all_sessions(client, tournament_id) if s["status"] == "ready"]
        assert len(ready) == 1
        answer = client.post(
            f"{API}/tournaments/{tournament_id}/sessions/{ready[0]['id']}/result",
            json={"outcome": "win", "winner_id": winner},
        )
        assert answer.status_code == 200, answer.text
    sessions = all_sessions(client, tournament_id)
    assert not [s for s in sessions if s["status"] != "completed"]
    finals = [s for s in sessions if s["side"] == "grand_final"]
    assert [s["round"] for s in finals] == ([1, 2] if reset_due else [1])
    rankings = rank_and_complete(client, tournament_id)
    assert rankings[0]["player_id"] == winners[-1]


@pytest.mark.parametrize("seeding", ["enrollment", "random"])
def test_seeding_methods(client: TestClient, seeding: str) -> None:
    tournament_id = closed_tournament(client, 8, seeding=seeding, seeding_seed=5)
    listed = client.get(f"{API}/tournaments/{tournament_id}/enrollments").json()["items"]
    by_position = sorted(listed, key=lambda e: e["position"])
    seeds = [e["seed"] for e in by_position]
    if seeding == "enrollment":
        assert seeds == list(range(1, 9))
    else:
        assert sorted(seeds) == list(range(1, 9)) and seeds != list(range(1, 9))


def test_manual_seeding_needs_every_seed(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4, seeding="manual")
    answer = client.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert_error(answer, 409, "manual seeding", field="seed")


@pytest.mark.parametrize(
    ("players", "config"),
    [
        (4, {"groups": 1, "advance": 2}),
        (13, {"groups": 3, "advance": 2, "extra": 1}),
        (16, {"groups": 4, "advance": 2, "double": True}),
    ],
)
def test_groups_then_knockout_lifecycle(client: TestClient, players: int, config: dict) -> None:
    tournament_id = closed_tournament(client, players, tournament_format="groups", **config)
    generated = generate_now(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    assert generated["sessions_count"] == len(sessions)
    assert {s["stage"] for s in sessions} == {1}
    play_everything(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    knockout = [s for s in sessions if s["stage"] == 2]
    qualifiers = config["groups"] * config["advance"] + config.get("extra", 0)
    entrants = {p["player_id"] for s in knockout for p in s["participants"] or [] if p}
    assert len(entrants) == qualifiers
    assert all(s["result"]["outcome"] != "draw" for s in knockout)
    groups_played = [s for s in sessions if s["stage"] == 1]
    rankings = rank_and_complete(client, tournament_id)
    assert len(rankings) == players
    assert rankings[0]["rank"] == 1 and rankings[0]["player_id"] in entrants
    outside = [r for r in rankings if r["player_id"] not in entrants]
    assert all(r["rank"] > qualifiers - 1 for r in outside)
    by_group: dict[float, list[dict]] = {}
    for row in rankings:
        by_group.setdefault(row["tiebreaks"]["group"], []).append(row)
    assert len(by_group) == config["groups"]
    for rows in by_group.values():
        places = sorted(r["tiebreaks"]["group_place"] for r in rows)
        assert places == list(range(1, len(rows) + 1))
        size = len(rows)
        expected = size * (size - 1) // 2 * (2 if config.get("double") else 1)
        members = {r["player_id"] for r in rows}
        assert (
            sum({p["player_id"] for p in s["participants"]} <= members for s in groups_played)
            == expected
        )


def test_groups_too_many_for_the_enrolled_is_refused_at_generation(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 7, tournament_format="groups", groups=4)
    answer = client.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert_error(answer, 409, "4 groups need at least 8 players", field="config.groups")


def test_round_robin_split_into_parallel_groups(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 10, tournament_format="round_robin", groups=2)
    generated = generate_now(client, tournament_id)
    assert generated["sessions_count"] == 2 * (5 * 4 // 2)
    play_everything(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    assert {s["stage"] for s in sessions} == {1}  # no knockout follows
    rankings = rank_and_complete(client, tournament_id)
    by_group: dict[float, set[int]] = {}
    for row in rankings:
        by_group.setdefault(row["tiebreaks"]["group"], set()).add(row["player_id"])
    assert sorted(len(g) for g in by_group.values()) == [5, 5]
    for s in sessions:  # nobody plays across groups
        pair = {p["player_id"] for p in s["participants"]}
        assert any(pair <= members for members in by_group.values())
    winners = [r for r in rankings if r["tiebreaks"]["group_place"] == 1]
    assert max(r["rank"] for r in winners) <= 2  # group winners first, then runners-up, ...


def test_round_robin_groups_must_fit_the_capacity(client: TestClient) -> None:
    answer = client.post(
        f"{API}/tournaments",
        json={
            "name": "Split",
            "format": "round_robin",
            "config": {"groups": 3, "max_players": 5},
        },
    )
    assert_error(answer, 422, "3 groups", field="config.groups")


def test_groups_balanced_by_rating(client: TestClient) -> None:
    tournament_id = create_open_tournament(
        client, tournament_format="groups", groups=2, advance=1, distribution="balanced"
    )
    ratings = [2000, 1900, 1800, 1000, 1000, 900]
    players = [{"name": f"R{i}", "rating": r} for i, r in enumerate(ratings)]
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players}
    )
    assert answer.status_code == 201, answer.text
    close_enrollment(client, tournament_id)
    generate_now(client, tournament_id)
    ids = player_ids_by_name(client, tournament_id)
    sessions = all_sessions(client, tournament_id)
    group_of_r0 = {
        p["player_id"]
        for s in sessions
        if ids["R0"] in {q["player_id"] for q in s["participants"]}
        for p in s["participants"]
    }
    # strongest first into the lighter group: R0 with R3 and R4 (4000), R1 with R2 and R5
    assert group_of_r0 == {ids["R0"], ids["R3"], ids["R4"]}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("tournament_format", "players"),
    [
        ("double_elimination", 4_096),
        ("round_robin", 300),
        ("swiss", 4_096),
        ("groups", 2_048),
        ("heats", 20_000),
    ],
)
def test_every_format_at_scale_through_run_scenario(
    client: TestClient, tournament_format: str, players: int
) -> None:
    """The whole lifecycle in the background worker: generate, simulate, rank, complete."""
    launched = launch_scenario(client, players, tournament_format=tournament_format, seed=4)
    tournament_id = launched["tournament_id"]
    finished = poll_until_finished(client, tournament_id, launched["task_id"], timeout_s=300)
    assert finished["status"] == "done", finished
    tournament = get_tournament(client, tournament_id)
    assert tournament["status"] == "COMPLETED"
    counts = tournament["matches"]
    assert counts["completed"] == counts["total"] > 0
    first = client.get(f"{API}/tournaments/{tournament_id}/rankings", params={"limit": 3})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["total"] == players
    assert body["items"][0]["rank"] == 1
