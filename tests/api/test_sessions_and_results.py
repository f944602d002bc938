"""Sessions of a small knockout, manual results, their refusals, listing and completion.

Five players seeded 1..5 (helpers: player ``Pi`` is seed i) in a bracket of eight:
round 1 is 1-bye, 4-5, 2-bye, 3-bye; round 2 is 1 v (4|5) and 2 v 3; then the final and
the third-place match.
"""

from __future__ import annotations

import functools
import operator

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    closed_tournament,
    generate_now,
    get_tournament,
    player_ids_by_name,
    session_at,
)


def post_result(http: httpx.Client, tournament_id: int, session_id: int, **result: object):
    return http.post(f"{API}/tournaments/{tournament_id}/sessions/{session_id}/result", json=result)


def get_session(http: httpx.Client, tournament_id: int, session_id: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}/sessions/{session_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def participant_ids(session: dict) -> list[int | None]:
    parts = session["participants"] or [None, None]
    return [None if p is None else p["player_id"] for p in parts]


@pytest.fixture
def five(client: TestClient) -> tuple[int, dict[str, int]]:
    """A generated 5-player knockout: (tournament id, name → player id)."""
    tournament_id = closed_tournament(client, 5)
    generated = generate_now(client, tournament_id)
    assert generated["sessions_count"] == 8
    return tournament_id, player_ids_by_name(client, tournament_id)


# --- the generated bracket ------------------------------------------------------------------


def test_byes_are_completed_and_their_players_stand_in_round_two(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, ids = five
    sessions = all_sessions(client, tournament_id)
    assert len(sessions) == 8
    assert [(s["side"], s["round"]) for s in sessions].count(("main", 1)) == 4

    for number, seed in ((1, 1), (3, 2), (4, 3)):
        bye = session_at(sessions, 1, number)
        assert bye["status"] == "completed"
        assert bye["result"]["outcome"] == "bye"
        assert bye["result"]["winner_id"] == ids[f"P{seed}"]
        assert bye["result"]["score_a"] is None
        assert participant_ids(bye) == [ids[f"P{seed}"], None]
    played = session_at(sessions, 1, 2)
    assert played["status"] == "ready"
    assert played["result"] is None
    assert participant_ids(played) == [ids["P4"], ids["P5"]]

    semi_one = session_at(sessions, 2, 1)
    assert participant_ids(semi_one) == [ids["P1"], None]
    assert semi_one["status"] == "waiting"
    semi_two = session_at(sessions, 2, 2)
    assert participant_ids(semi_two) == [ids["P2"], ids["P3"]]
    assert semi_two["status"] == "ready"
    for side in ("main", "third_place"):
        later = session_at(sessions, 3, 1, side=side)
        assert later["participants"] is None
        assert later["status"] == "locked"

    # links: round 1 → round 2, semi-finals → final (winners) and third place (losers)
    assert session_at(sessions, 1, 1)["winner_to"] == {"match_id": semi_one["id"], "slot": 0}
    assert played["winner_to"] == {"match_id": semi_one["id"], "slot": 1}
    final = session_at(sessions, 3, 1)
    third = session_at(sessions, 3, 1, side="third_place")
    assert semi_one["winner_to"] == {"match_id": final["id"], "slot": 0}
    assert semi_two["winner_to"] == {"match_id": final["id"], "slot": 1}
    assert semi_one["loser_to"] == {"match_id": third["id"], "slot": 0}
    assert semi_two["loser_to"] == {"match_id": third["id"], "slot": 1}
    assert final["winner_to"] is None and final["loser_to"] is None

    for session in sessions:
        assert get_session(client, tournament_id, session["id"]) == session
    counts = get_tournament(client, tournament_id)["matches"]
    assert counts == {
        "total": 8,
        "locked": 2,
        "waiting": 1,
        "ready": 2,
        "running": 0,
        "completed": 3,
    }


# --- manual results ---------------------------------------------------------------------------


def test_winner_advances_along_the_link(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, ids = five
    sessions = all_sessions(client, tournament_id)
    match = session_at(sessions, 1, 2)
    answer = post_result(client, tournament_id, match["id"], score_a=1, score_b=3)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "completed"
    assert body["result"]["outcome"] == "win"
    assert body["result"]["winner_id"] == ids["P5"]
    assert (body["result"]["score_a"], body["result"]["score_b"]) == (1, 3)
    assert body["result"]["source"] == "manual"
    assert body["winner_to"] == match["winner_to"]

    target = get_session(client, tournament_id, body["winner_to"]["match_id"])
    assert participant_ids(target)[body["winner_to"]["slot"]] == ids["P5"]
    assert participant_ids(target) == [ids["P1"], ids["P5"]]
    assert target["status"] == "ready"
    assert get_session(client, tournament_id, match["id"]) == body


def test_semi_final_loser_goes_to_third_place(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, ids = five
    sessions = all_sessions(client, tournament_id)
    semi = session_at(sessions, 2, 2)
    answer = post_result(client, tournament_id, semi["id"], outcome="forfeit", winner_id=ids["P3"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["outcome"] == "forfeit"
    assert answer.json()["result"]["winner_id"] == ids["P3"]

    final = get_session(client, tournament_id, semi["winner_to"]["match_id"])
    assert participant_ids(final) == [None, ids["P3"]]
    assert final["status"] == "waiting"
    third = get_session(client, tournament_id, semi["loser_to"]["match_id"])
    assert third["side"] == "third_place"
    assert participant_ids(third) == [None, ids["P2"]]

    # the other semi-final fills both
    first = post_result(
        client, tournament_id, session_at(sessions, 1, 2)["id"], winner_id=ids["P4"]
    )
    assert first.status_code == 200, first.text
    other = post_result(
        client, tournament_id, session_at(sessions, 2, 1)["id"], score_a=0, score_b=2
    )
    assert other.status_code == 200, other.text
    final = get_session(client, tournament_id, final["id"])
    third = get_session(client, tournament_id, third["id"])
    assert participant_ids(final) == [ids["P4"], ids["P3"]]
    assert participant_ids(third) == [ids["P1"], ids["P2"]]
    assert final["status"] == third["status"] == "ready"


BAD_RESULTS = [
    ({"score_a": 2, "score_b": 2}, "score_a", "equal scores"),
    ({"outcome": "forfeit"}, "winner_id", "winner_id"),
    ({"outcome": "draw", "score_a": 1, "score_b": 1}, "outcome", "draw"),
    ({"score_a": 2}, "score_b", "both scores"),
    ({"score_b": 2}, "score_a", "both scores"),
    ({"score_a": -1, "score_b": 2}, "score_a", "greater than or equal to 0"),
    ({"score_a": 1, "score_b": -2}, "score_b", "greater than or equal to 0"),
    ({}, "winner_id", "winner_id"),
    ({"outcome": "bye"}, "outcome", "outcome"),
    ({"score_a": 1, "score_b": 0, "note": "x"}, "note", "not permitted"),
]


def test_bad_results_are_422_naming_the_field(
    client: TestClient, five: tuple[int, dict[str, int]], subtests: pytest.Subtests
) -> None:
    tournament_id, ids = five
    match = session_at(all_sessions(client, tournament_id), 1, 2)
    for result, field, fragment in BAD_RESULTS:
        with subtests.test(result=result):
            answer = post_result(client, tournament_id, match["id"], **result)
            assert_error(answer, 422, fragment, field=field)
    # a winner who does not play in this session
    for winner in (ids["P1"], 999_999):
        assert_error(
            post_result(client, tournament_id, match["id"], winner_id=winner),
            422,
            str(winner),
            field="winner_id",
        )
    # scores and named winner that disagree
    assert_error(
        post_result(client, tournament_id, match["id"], score_a=3, score_b=1, winner_id=ids["P5"]),
        422,
        field="winner_id",
    )
    assert get_session(client, tournament_id, match["id"]) == match


def test_result_needs_both_participants(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, _ = five
    sessions = all_sessions(client, tournament_id)
    for session in (session_at(sessions, 2, 1), session_at(sessions, 3, 1)):
        assert_error(
            post_result(client, tournament_id, session["id"], score_a=1, score_b=0),
            409,
            "participants",
        )
        assert get_session(client, tournament_id, session["id"]) == session


def test_second_result_is_409(client: TestClient, five: tuple[int, dict[str, int]]) -> None:
    tournament_id, ids = five
    sessions = all_sessions(client, tournament_id)
    match = session_at(sessions, 1, 2)
    first = post_result(client, tournament_id, match["id"], score_a=2, score_b=1)
    assert first.status_code == 200, first.text
    assert_error(
        post_result(client, tournament_id, match["id"], score_a=0, score_b=2),
        409,
        "already has a result",
    )
    assert get_session(client, tournament_id, match["id"]) == first.json()
    # a bye cannot be overwritten either
    bye = session_at(sessions, 1, 1)
    assert_error(post_result(client, tournament_id, bye["id"], winner_id=ids["P1"]), 409, "bye")
    # the winner was advanced once
    semi = get_session(client, tournament_id, match["winner_to"]["match_id"])
    assert participant_ids(semi) == [ids["P1"], ids["P4"]]


def test_unknown_session_or_one_of_another_tournament_is_404(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, _ = five
    assert_error(
        post_result(client, tournament_id, 999_999, score_a=1, score_b=0),
        404,
        "999999",
        field="session_id",
    )
    assert_error(
        client.get(f"{API}/tournaments/{tournament_id}/sessions/999999"), 404, field="session_id"
    )
    other_id = closed_tournament(client, 2)
    generate_now(client, other_id)
    (other_session,) = all_sessions(client, other_id)
    assert_error(
        post_result(client, tournament_id, other_session["id"], score_a=1, score_b=0),
        404,
        field="session_id",
    )
    assert_error(
        client.get(f"{API}/tournaments/{tournament_id}/sessions/{other_session['id']}"),
        404,
        field="session_id",
    )
    assert get_session(client, other_id, other_session["id"]) == other_session


def test_results_before_generation_are_409(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    assert_error(
        post_result(client, tournament_id, 1, score_a=1, score_b=0), 409, "ENROLLMENT_CLOSED"
    )
    for step in ("simulate-results", "calculate-rankings", "complete"):
        assert_error(client.post(f"{API}/tournaments/{tournament_id}/{step}"), 409, "IN_PROGRESS")
    assert get_tournament(client, tournament_id)["status"] == "ENROLLMENT_CLOSED"


# --- listing ------------------------------------------------------------------------------------


def test_sessions_are_paged_in_bracket_order(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, _ = five
    everything = client.get(f"{API}/tournaments/{tournament_id}/sessions").json()
    assert everything["total"] == 8
    assert everything["next_offset"] is None
    ids = [s["id"] for s in everything["items"]]
    assert ids == sorted(ids)
    pages = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(
            f"{API}/tournaments/{tournament_id}/sessions", params={"limit": 3, "offset": offset}
        ).json()
        assert page["total"] == 8
        pages.append([s["id"] for s in page["items"]])
        offset = page["next_offset"]
    assert [len(p) for p in pages] == [3, 3, 2]
    assert functools.reduce(operator.iadd, pages, []) == ids
    beyond = client.get(f"{API}/tournaments/{tournament_id}/sessions", params={"offset": 50})
    assert beyond.json() == {"items": [], "total": 8, "next_offset": None}


FILTERS = [
    ({"round": 1}, [("main", 1, n) for n in (1, 2, 3, 4)]),
    ({"round": 3}, [("main", 3, 1), ("third_place", 3, 1)]),
    ({"round": 4}, []),
    ({"status": "completed"}, [("main", 1, 1), ("main", 1, 3), ("main", 1, 4)]),
    ({"status": "ready"}, [("main", 1, 2), ("main", 2, 2)]),
    ({"status": "waiting"}, [("main", 2, 1)]),
    ({"status": "locked"}, [("main", 3, 1), ("third_place", 3, 1)]),
    ({"status": "running"}, []),
    ({"round": 1, "status": "ready"}, [("main", 1, 2)]),
    ({"round": 2, "status": "completed"}, []),
]


def test_sessions_filter_by_round_and_status(
    client: TestClient, five: tuple[int, dict[str, int]], subtests: pytest.Subtests
) -> None:
    tournament_id, _ = five
    for params, expected in FILTERS:
        with subtests.test(params=params):
            answer = client.get(f"{API}/tournaments/{tournament_id}/sessions", params=params)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert [(s["side"], s["round"], s["number"]) for s in body["items"]] == expected
            assert body["total"] == len(expected)


def test_status_filter_follows_results(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, _ = five
    match = session_at(all_sessions(client, tournament_id), 1, 2)
    assert post_result(client, tournament_id, match["id"], score_a=2, score_b=0).is_success
    completed = client.get(
        f"{API}/tournaments/{tournament_id}/sessions", params={"status": "completed"}
    ).json()
    assert completed["total"] == 4
    ready = client.get(
        f"{API}/tournaments/{tournament_id}/sessions", params={"status": "ready", "limit": 1}
    ).json()
    assert ready["total"] == 2
    assert len(ready["items"]) == 1
    assert ready["next_offset"] == 1


def test_session_list_parameters_are_validated(
    client: TestClient, five: tuple[int, dict[str, int]], subtests: pytest.Subtests
) -> None:
    tournament_id, _ = five
    for params, field in (
        ({"limit": 10_001}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"round": 0}, "round"),
        ({"round": 2**31}, "round"),
        # rounds are small integers: this was a 500 on PostgreSQL ("smallint out of range")
        ({"round": 2**15}, "round"),
        ({"status": "finished"}, "status"),
    ):
        with subtests.test(params=params):
            answer = client.get(f"{API}/tournaments/{tournament_id}/sessions", params=params)
            assert_error(answer, 422, field=field)
    assert client.get(
        f"{API}/tournaments/{tournament_id}/sessions", params={"limit": 10_000}
    ).is_success
    last_round = client.get(
        f"{API}/tournaments/{tournament_id}/sessions", params={"round": 2**15 - 1}
    )
    assert last_round.status_code == 200, last_round.text
    assert last_round.json()["total"] == 0
    assert_error(client.get(f"{API}/tournaments/31337/sessions"), 404, field="tournament_id")


# --- completing ---------------------------------------------------------------------------------


def play_everything(http: httpx.Client, tournament_id: int) -> None:
    """Record a win for slot A in every ready session until none is left."""
    while True:
        ready = http.get(
            f"{API}/tournaments/{tournament_id}/sessions", params={"status": "ready"}
        ).json()["items"]
        if not ready:
            return
        for session in ready:
            answer = post_result(http, tournament_id, session["id"], score_a=3, score_b=1)
            assert answer.status_code == 200, answer.text


def test_complete_needs_every_result_then_fresh_rankings(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, ids = five
    complete = f"{API}/tournaments/{tournament_id}/complete"
    assert_error(client.post(complete), 409, "5 of 8 sessions have no result")

    sessions = all_sessions(client, tournament_id)
    assert post_result(
        client, tournament_id, session_at(sessions, 1, 2)["id"], score_a=2, score_b=0
    ).is_success
    assert_error(client.post(complete), 409, "4 of 8 sessions have no result")

    ranked = client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert ranked.status_code == 200, ranked.text
    assert ranked.json()["ranked"] == 5
    play_everything(client, tournament_id)
    assert all(s["result"] is not None for s in all_sessions(client, tournament_id))
    assert_error(client.post(complete), 409, "rankings are older than the last result")
    assert get_tournament(client, tournament_id)["status"] == "IN_PROGRESS"

    assert client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings").is_success
    done = client.post(complete)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "COMPLETED"
    rankings = client.get(f"{API}/tournaments/{tournament_id}/rankings").json()
    assert rankings["total"] == 5
    # slot A always won: P1 beat P4, P2 beat P3, P1 beat P2; P4 beat P3 for third
    assert [(r["rank"], r["player_id"]) for r in rankings["items"][:4]] == [
        (1, ids["P1"]),
        (2, ids["P2"]),
        (3, ids["P4"]),
        (4, ids["P3"]),
    ]
    last = rankings["items"][4]
    assert (last["rank"], last["player_id"], last["losses"]) == (5, ids["P5"], 1)


def test_complete_before_rankings_is_409(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, _ = five
    play_everything(client, tournament_id)
    assert_error(
        client.post(f"{API}/tournaments/{tournament_id}/complete"),
        409,
        "rankings have not been calculated",
    )
    tournament = get_tournament(client, tournament_id)
    assert tournament["status"] == "IN_PROGRESS"
    assert tournament["matches"]["completed"] == 8


def test_simulation_finishes_a_partly_played_bracket(
    client: TestClient, five: tuple[int, dict[str, int]]
) -> None:
    tournament_id, ids = five
    sessions = all_sessions(client, tournament_id)
    semi = session_at(sessions, 2, 2)
    assert post_result(client, tournament_id, semi["id"], winner_id=ids["P3"]).is_success
    simulated = client.post(f"{API}/tournaments/{tournament_id}/simulate-results", json={"seed": 5})
    assert simulated.status_code == 200, simulated.text
    assert simulated.json()["results_written"] == 4  # 4-5, 1 v ?, final, third place
    assert simulated.json()["results_pct"] == 100
    after = {s["id"]: s for s in all_sessions(client, tournament_id)}
    assert after[semi["id"]]["result"]["source"] == "manual"
    assert after[semi["id"]]["result"]["winner_id"] == ids["P3"]
    final = after[semi["winner_to"]["match_id"]]
    assert participant_ids(final)[1] == ids["P3"]
    third = after[semi["loser_to"]["match_id"]]
    assert participant_ids(third)[1] == ids["P2"]
    assert all(s["status"] == "completed" for s in after.values())
