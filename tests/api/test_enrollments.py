"""Enrollment: single and bulk, seeds, capacity and every refusal (nothing written on one)."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    change_status,
    close_enrollment,
    create_draft_tournament,
    create_open_tournament,
    get_tournament,
    session_at,
)


def enroll(http: httpx.Client, tournament_id: int, body: dict) -> httpx.Response:
    return http.post(f"{API}/tournaments/{tournament_id}/enrollments", json=body)


def enrollments(http: httpx.Client, tournament_id: int, **params: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}/enrollments", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def unchanged(http: httpx.Client, tournament_id: int, before: dict) -> None:
    """Nothing was written: same enrolled count and the same enrollments."""
    assert get_tournament(http, tournament_id)["enrolled_count"] == before["total"]
    assert enrollments(http, tournament_id, limit=1000) == before


# --- writing ---------------------------------------------------------------------------------


def test_single_enrollment_by_name(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    answer = enroll(client, tournament_id, {"name": "Ada", "rating": 1812.5})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["enrolled"] == 1
    assert body["enrolled_count"] == 1
    assert isinstance(body["first_player_id"], int)
    listed = enrollments(client, tournament_id)
    assert listed["total"] == 1
    assert listed["next_offset"] is None
    assert listed["items"] == [
        {
            "player_id": body["first_player_id"],
            "name": "Ada",
            "rating": 1812.5,
            "requested_seed": None,
            "seed": 1,
            "position": 0,
            "club": None,
            "checked_in": False,
        }
    ]
    assert (listed["editable"], listed["can_enroll"], listed["check_in"]) == (True, True, None)
    assert get_tournament(client, tournament_id)["enrolled_count"] == 1


def test_bulk_enrollment_creates_consecutive_players(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    players = [{"name": f"Bulk {i}", "rating": 1000 + i} for i in range(250)]
    answer = enroll(client, tournament_id, {"players": players})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["enrolled"] == 250
    assert body["enrolled_count"] == 250
    first = body["first_player_id"]
    listed = enrollments(client, tournament_id, limit=1000)
    assert listed["total"] == 250
    by_name = {item["name"]: item for item in listed["items"]}
    assert [by_name[f"Bulk {i}"]["player_id"] for i in range(250)] == list(
        range(first, first + 250)
    )
    assert [by_name[f"Bulk {i}"]["position"] for i in range(250)] == list(range(250))
    # highest rating first
    assert [item["name"] for item in listed["items"][:3]] == ["Bulk 249", "Bulk 248", "Bulk 247"]
    assert [item["seed"] for item in listed["items"]] == list(range(1, 251))


def test_enrollment_list_is_paged_in_seed_order(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    players = [{"name": f"P{i}", "rating": 2000 - i} for i in range(1, 8)]
    assert enroll(client, tournament_id, {"players": players}).status_code == 201
    names: list[str] = []
    offsets = []
    offset: int | None = 0
    while offset is not None:
        page = enrollments(client, tournament_id, limit=3, offset=offset)
        assert page["total"] == 7
        names.extend(item["name"] for item in page["items"])
        offset = page["next_offset"]
        offsets.append(offset)
    assert names == [f"P{i}" for i in range(1, 8)]
    assert offsets == [3, 6, None]


def test_existing_player_enrolls_with_stored_rating(client: TestClient) -> None:
    first = create_open_tournament(client)
    created = enroll(client, first, {"name": "Grace", "rating": 2100}).json()
    player_id = created["first_player_id"]
    second = create_open_tournament(client)
    assert enroll(client, second, {"name": "Other", "rating": 1500}).status_code == 201
    answer = enroll(client, second, {"player_id": player_id})
    assert answer.status_code == 201, answer.text
    assert answer.json()["first_player_id"] is None
    listed = enrollments(client, second)["items"]
    assert listed[0]["player_id"] == player_id
    assert listed[0]["name"] == "Grace"
    assert listed[0]["rating"] == 2100
    assert listed[0]["seed"] == 1


def test_seeds_explicit_kept_then_rating_then_enrollment_order(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    players = [
        {"name": "A", "rating": 1500},
        {"name": "B", "rating": 1700},
        {"name": "C", "rating": 1200, "seed": 1},
        {"name": "D"},
        {"name": "E", "rating": 1700},
        {"name": "F", "seed": 3},
        {"name": "G"},
    ]
    assert enroll(client, tournament_id, {"players": players}).status_code == 201
    listed = enrollments(client, tournament_id)["items"]
    assert [(item["name"], item["seed"]) for item in listed] == [
        ("C", 1),  # explicit
        ("B", 2),  # 1700, enrolled before E
        ("F", 3),  # explicit
        ("E", 4),  # 1700
        ("A", 5),  # 1500
        ("D", 6),  # unrated, enrolled before G
        ("G", 7),
    ]
    requested = {item["name"]: item["requested_seed"] for item in listed}
    assert requested == {"A": None, "B": None, "C": 1, "D": None, "E": None, "F": 3, "G": None}
    positions = {item["name"]: item["position"] for item in listed}
    assert positions == {name: i for i, name in enumerate("ABCDEFG")}

    # the seeds are the ones the bracket uses: 7 players → seed 1 has the only bye
    close_enrollment(client, tournament_id)
    generated = client.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert generated.status_code == 200, generated.text
    sessions = all_sessions(client, tournament_id)
    by_name = {item["name"]: item["player_id"] for item in listed}
    bye = session_at(sessions, 1, 1)
    assert bye["result"]["outcome"] == "bye"
    assert bye["result"]["winner_id"] == by_name["C"]
    # bracket order for 8 slots: 1-8, 4-5, 2-7, 3-6
    assert [p["player_id"] for p in session_at(sessions, 1, 2)["participants"]] == [
        by_name["E"],
        by_name["A"],
    ]
    assert [p["player_id"] for p in session_at(sessions, 1, 3)["participants"]] == [
        by_name["B"],
        by_name["G"],
    ]
    assert [p["player_id"] for p in session_at(sessions, 1, 4)["participants"]] == [
        by_name["F"],
        by_name["D"],
    ]


def test_seeds_follow_later_enrollments(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    assert enroll(client, tournament_id, {"name": "Weak", "rating": 1000}).status_code == 201
    assert enroll(client, tournament_id, {"name": "Strong", "rating": 2000}).status_code == 201
    listed = enrollments(client, tournament_id)["items"]
    assert [(item["name"], item["seed"]) for item in listed] == [("Strong", 1), ("Weak", 2)]


# --- capacity --------------------------------------------------------------------------------


def test_capacity_exceeded_is_409_and_nothing_written(client: TestClient) -> None:
    tournament_id = create_open_tournament(client, max_players=4)
    first = enroll(client, tournament_id, {"players": [{"name": f"P{i}"} for i in range(3)]})
    assert first.status_code == 201, first.text
    last_id = first.json()["first_player_id"] + 2
    before = enrollments(client, tournament_id)

    refused = enroll(client, tournament_id, {"players": [{"name": "X"}, {"name": "Y"}]})
    assert_error(refused, 409, "max_players 4", "3 enrolled", field="players")
    unchanged(client, tournament_id, before)

    fits = enroll(client, tournament_id, {"name": "Z"})
    assert fits.status_code == 201, fits.text
    assert fits.json()["enrolled_count"] == 4
    # the refused request created no player rows either: ids continue where they were
    assert fits.json()["first_player_id"] == last_id + 1
    assert_error(enroll(client, tournament_id, {"name": "Extra"}), 409, "max_players 4")
    assert get_tournament(client, tournament_id)["enrolled_count"] == 4


# --- refusals ---------------------------------------------------------------------------------


def test_refused_enrollments_write_nothing(client: TestClient, subtests: pytest.Subtests) -> None:
    """Each refusal names its cause and leaves the enrollments and the players untouched."""
    source = create_open_tournament(client)
    made = enroll(client, source, {"players": [{"name": f"S{i}"} for i in range(3)]}).json()
    a, b = made["first_player_id"], made["first_player_id"] + 1
    tournament_id = create_open_tournament(client)
    seeded = enroll(
        client, tournament_id, {"players": [{"player_id": b}, {"name": "T", "seed": 1}]}
    )
    assert seeded.status_code == 201, seeded.text
    next_player_id = seeded.json()["first_player_id"] + 1
    before = enrollments(client, tournament_id)
    cases = [
        (  # the same player twice in one request
            {"players": [{"player_id": a}, {"name": "New"}, {"name": "N2"}, {"player_id": a}]},
            422,
            f"player {a} appears twice",
            "players[3].player_id",
        ),
        (  # an enrolled player again
            {"players": [{"name": "Fresh"}, {"player_id": b}]},
            409,
            f"player {b} is already enrolled",
            "player_id",
        ),
        (  # an unknown player
            {"players": [{"name": "Fine"}, {"player_id": 987654}]},
            404,
            "player 987654 does not exist",
            "player_id",
        ),
        (  # one explicit seed twice in one request
            {"players": [{"name": "A", "seed": 2}, {"name": "B"}, {"name": "C", "seed": 2}]},
            422,
            "seed 2 is requested twice",
            "players[2].seed",
        ),
        (  # an explicit seed already held
            {"players": [{"name": "Also top", "seed": 1}]},
            409,
            "seed 1 is already held",
            "seed",
        ),
    ]
    for body, status_code, fragment, field in cases:
        with subtests.test(fragment):
            assert_error(enroll(client, tournament_id, body), status_code, fragment, field=field)
            unchanged(client, tournament_id, before)
    # none of the refused requests left a new player behind
    fresh = enroll(client, tournament_id, {"name": "After"})
    assert fresh.status_code == 201, fresh.text
    assert fresh.json()["first_player_id"] == next_player_id


def test_enrollment_outside_enrollment_open_is_409(
    client: TestClient, subtests: pytest.Subtests
) -> None:
    for status in ("DRAFT", "ENROLLMENT_CLOSED", "CANCELLED"):
        with subtests.test(status=status):
            tournament_id = create_draft_tournament(client)
            if status != "DRAFT":
                assert change_status(client, tournament_id, "ENROLLMENT_OPEN").status_code == 200
                assert change_status(client, tournament_id, status).status_code == 200
            assert_error(
                enroll(client, tournament_id, {"name": "Late"}), 409, status, "ENROLLMENT_OPEN"
            )
            assert get_tournament(client, tournament_id)["enrolled_count"] == 0
            assert enrollments(client, tournament_id)["total"] == 0


def test_enrollment_in_progress_is_409(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    assert enroll(client, tournament_id, {"players": [{"name": "A"}, {"name": "B"}]}).is_success
    close_enrollment(client, tournament_id)
    assert client.post(f"{API}/tournaments/{tournament_id}/generate-sessions").is_success
    assert_error(enroll(client, tournament_id, {"name": "Late"}), 409, "IN_PROGRESS")
    assert get_tournament(client, tournament_id)["enrolled_count"] == 2


def test_enrollment_in_unknown_tournament_is_404(client: TestClient) -> None:
    assert_error(enroll(client, 777, {"name": "Lost"}), 404, "777", field="tournament_id")
    assert_error(client.get(f"{API}/tournaments/777/enrollments"), 404, field="tournament_id")


def test_more_than_100000_entries_is_422(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    body = {"players": [{"name": "N"}] * 100_001}
    body_error = assert_error(enroll(client, tournament_id, body), 422)
    assert body_error["field"].endswith("players"), body_error
    assert "100000" in body_error["detail"]
    assert get_tournament(client, tournament_id)["enrolled_count"] == 0


def test_invalid_entries_in_a_batch_are_422_naming_them(
    client: TestClient, subtests: pytest.Subtests
) -> None:
    tournament_id = create_open_tournament(client)
    cases = [
        ({"name": "Both", "player_id": 1}, "players.1", "exactly one of player id or name"),
        ({}, "players.1", "exactly one of player id or name"),
        ({"rating": 1500}, "players.1", "exactly one of player id or name"),
        ({"seed": 1}, "players.1", "exactly one of player id or name"),
        ({"name": "Neg", "rating": -1}, "players.1.rating", "greater than or equal to 0"),
        ({"name": "Huge", "rating": 10_001}, "players.1.rating", "less than or equal to"),
        ({"name": "Zero seed", "seed": 0}, "players.1.seed", "greater than or equal to 1"),
        ({"name": "", "rating": 1}, "players.1.name", "at least 1 character"),
        ({"player_id": 0}, "players.1.player_id", "greater than or equal to 1"),
        ({"player_id": 2**31}, "players.1.player_id", "less than or equal to"),
        ({"name": "Extra", "team": "x"}, "players.1.team", "not permitted"),
    ]
    for entry, field, fragment in cases:
        with subtests.test(entry=entry):
            body = {"players": [{"name": "Fine"}, entry]}
            error = assert_error(enroll(client, tournament_id, body), 422, fragment)
            assert error["field"].endswith(field), error
    for body in ({"players": []}, {"players": [{"name": "Fine"}], "note": "x"}, {"players": 3}):
        with subtests.test(body=body):
            assert_error(enroll(client, tournament_id, body), 422)
    assert get_tournament(client, tournament_id)["enrolled_count"] == 0
    assert enrollments(client, tournament_id)["total"] == 0


def test_invalid_single_entry_is_422_describing_it(
    client: TestClient, subtests: pytest.Subtests
) -> None:
    """A single entry's refusal describes that entry, not the batch shape's ``players``."""
    tournament_id = create_open_tournament(client)
    cases = [
        ({"name": "Neg", "rating": -1}, "greater than or equal to 0", "rating"),
        ({"name": "Both", "player_id": 1}, "exactly one of player id or name", None),
        ({"player_id": 0}, "greater than or equal to 1", "player_id"),
    ]
    for entry, fragment, name in cases:
        with subtests.test(entry=entry):
            error = assert_error(enroll(client, tournament_id, entry), 422, fragment)
            if name is not None:
                assert error["field"].split(".")[-1] == name, error
    assert get_tournament(client, tournament_id)["enrolled_count"] == 0


# --- seeds at generation ---------------------------------------------------------------------


def test_explicit_seed_beyond_player_count_blocks_generation(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    players = [{"name": "A"}, {"name": "B", "seed": 10}, {"name": "C"}]
    assert enroll(client, tournament_id, {"players": players}).status_code == 201
    close_enrollment(client, tournament_id)

    refused = client.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert_error(refused, 409, "seed 10", "3")
    tournament = get_tournament(client, tournament_id)
    assert tournament["status"] == "ENROLLMENT_CLOSED"
    assert tournament["sessions_generated"] is False
    assert tournament["matches"]["total"] == 0
    assert all_sessions(client, tournament_id) == []
    failed = client.get(f"{API}/tournaments/{tournament_id}/generation-status/sync-done")
    assert failed.status_code == 200, failed.text
    assert failed.json()["status"] == "failed"
    assert "seed 10" in failed.json()["error"]

    # once ten players are in, the seed can be honoured
    assert change_status(client, tournament_id, "ENROLLMENT_OPEN").status_code == 200
    more = enroll(client, tournament_id, {"players": [{"name": f"M{i}"} for i in range(7)]})
    assert more.status_code == 201, more.text
    close_enrollment(client, tournament_id)
    generated = client.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
    assert generated.status_code == 200, generated.text
    listed = {i["name"]: i for i in enrollments(client, tournament_id)["items"]}
    assert listed["B"]["seed"] == 10
    assert len(all_sessions(client, tournament_id)) == 16  # 15 + third place


def test_enrollments_list_while_requested_seeds_are_not_settled_yet(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    players = [{"name": "Late top seed", "seed": 4}, {"name": "B", "rating": 1500}]
    assert (
        client.post(
            f"{API}/tournaments/{tournament_id}/enrollments", json={"players": players}
        ).status_code
        == 201
    )
    page = client.get(f"{API}/tournaments/{tournament_id}/enrollments").json()
    assert page["seeding_issue"] == "seed 4 is outside 1..2 (the player count)"
    assert [(i["name"], i["seed"], i["requested_seed"]) for i in page["items"]] == [
        ("Late top seed", None, 4),
        ("B", None, None),
    ]
    more = [{"name": "C"}, {"name": "D", "rating": 1600}]
    assert (
        client.post(
            f"{API}/tournaments/{tournament_id}/enrollments", json={"players": more}
        ).status_code
        == 201
    )
    settled = client.get(f"{API}/tournaments/{tournament_id}/enrollments").json()
    assert settled["seeding_issue"] is None
    assert [(i["name"], i["seed"]) for i in settled["items"]] == [
        ("D", 1),
        ("B", 2),
        ("C", 3),
        ("Late top seed", 4),
    ]


def test_a_seed_above_the_capacity_is_refused(client: TestClient) -> None:
    tournament_id = create_open_tournament(client, max_players=16)
    refused = client.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"name": "Too far", "seed": 17}
    )
    assert_error(refused, 422, "seed 17", "max_players 16", field="players[0].seed")
    assert client.get(f"{API}/tournaments/{tournament_id}").json()["enrolled_count"] == 0


def test_a_new_player_may_come_with_a_club(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    answer = enroll(client, tournament_id, {"name": "Ada", "club": "Analytical", "seed": 1})
    assert answer.status_code == 201, answer.text
    (entry,) = enrollments(client, tournament_id)["items"]
    assert (entry["club"], entry["requested_seed"]) == ("Analytical", 1)
    known = enroll(client, tournament_id, {"player_id": entry["player_id"], "club": "Other"})
    assert_error(known, 422, "a club goes with a new player given by name")
    assert enrollments(client, tournament_id)["total"] == 1
