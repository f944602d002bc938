"""Participants an organiser manages: imports and batches that enroll nobody twice, editing and
removing a participant, and many seeds at once, all before the draw."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.api.accounts_helpers import as_user
from tests.api.helpers import (
    API,
    assert_error,
    close_enrollment,
    closed_tournament,
    create_open_tournament,
    enroll_players,
    generate_now,
    get_tournament,
    player_ids_by_name,
)

CSV = {"Content-Type": "text/csv"}


def post_csv(http: httpx.Client, tournament_id: int, text: str) -> httpx.Response:
    return http.post(
        f"{API}/tournaments/{tournament_id}/enrollments/import",
        content=text.encode(),
        headers=CSV,
    )


def enroll(http: httpx.Client, tournament_id: int, body: dict) -> httpx.Response:
    return http.post(f"{API}/tournaments/{tournament_id}/enrollments", json=body)


def entries(http: httpx.Client, tournament_id: int) -> list[dict]:
    """Every entry, in seed order."""
    answer = http.get(f"{API}/tournaments/{tournament_id}/enrollments", params={"limit": 10_000})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def player_count(client: TestClient) -> int:
    database = client.app.state.context.database  # type: ignore[attr-defined]
    with database.read() as db:
        return db.connection().exec_driver_sql("SELECT count(*) FROM players").scalar_one()


@contextmanager
def counted_statements(client: TestClient) -> Iterator[list[str]]:
    """The SQL statements the app runs inside the block."""
    engine = client.app.state.context.database.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


# --- the same players twice ------------------------------------------------------------------

FILE = (
    "name,rating,club,external_id,seed\n"
    "Ada Lovelace,2100,Analytical,ext-1,1\n"
    "Bob,1900,,,\n"
    "Cleo,1800,Nile,ext-3,\n"
)


def test_importing_the_same_file_twice_enrolls_nobody_twice(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    first = post_csv(client, tournament_id, FILE)
    assert first.status_code == 201, first.text
    assert (first.json()["enrolled"], first.json()["skipped_count"]) == (3, 0)
    ids = player_ids_by_name(client, tournament_id)

    again = post_csv(client, tournament_id, FILE)
    assert again.status_code == 201, again.text
    body = again.json()
    assert (body["enrolled"], body["enrolled_count"], body["skipped_count"]) == (0, 3, 3)
    assert body["first_player_id"] is None
    assert [(s["row"], s["name"], s["player_id"]) for s in body["skipped"]] == [
        (2, "Ada Lovelace", ids["Ada Lovelace"]),
        (3, "Bob", ids["Bob"]),
        (4, "Cleo", ids["Cleo"]),
    ]
    assert "external id ext-1" in body["skipped"][0]["reason"]
    assert "name" in body["skipped"][1]["reason"]
    assert get_tournament(client, tournament_id)["enrolled_count"] == 3
    assert player_count(client) == 3


def test_a_file_with_some_new_rows_enrolls_only_those(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    assert post_csv(client, tournament_id, FILE).status_code == 201
    text = (
        "name,external_id,seed\n"
        "  ada LOVELACE  ,ext-1,1\n"  # the same external id (its seed is not taken again)
        " BOB ,,\n"  # the same name, trimmed and in another case
        "Cleo,ext-99,\n"  # a namesake with another external id is another person
        "Dora,,2\n"
    )
    answer = post_csv(client, tournament_id, text)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["enrolled"], body["skipped_count"]) == (2, 2)
    assert [s["row"] for s in body["skipped"]] == [2, 3]
    names = sorted(e["name"] for e in entries(client, tournament_id))
    assert names == ["Ada Lovelace", "Bob", "Cleo", "Cleo", "Dora"]
    assert player_count(client) == 5


def test_a_name_twice_in_one_file_is_a_bad_row(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    text = "name,external_id\nAda,\nBob,\n ada ,\nBob,x-1\n"
    answer = post_csv(client, tournament_id, text)
    body = assert_error(answer, 422, "1 of 4 rows have errors", field="csv")
    assert body["errors"] == [{"row": 4, "field": "name", "message": "name ada is also on row 2"}]
    assert get_tournament(client, tournament_id)["enrolled_count"] == 0
    assert player_count(client) == 0


def test_a_second_import_finds_its_matches_in_one_query(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    text = "name,external_id\n" + "".join(f"P{i},{'e' if i % 2 else ''}{i}\n" for i in range(3000))
    assert post_csv(client, tournament_id, text).status_code == 201
    with counted_statements(client) as statements:
        answer = post_csv(client, tournament_id, text)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["enrolled"], answer.json()["skipped_count"]) == (0, 3000)
    assert len(answer.json()["skipped"]) == 100
    reads = [s for s in statements if "FROM enrollments" in s and "players" in s]
    assert len(reads) == 1, reads
    assert len(statements) < 40, statements


def test_a_batch_by_names_skips_players_already_enrolled(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    first = enroll(client, tournament_id, {"players": [{"name": "Ada"}, {"name": "Bob"}]})
    assert first.status_code == 201, first.text
    ids = player_ids_by_name(client, tournament_id)
    body = {"players": [{"name": " ada"}, {"name": "Cleo", "seed": 1}, {"name": "cleo"}]}
    answer = enroll(client, tournament_id, body)
    assert answer.status_code == 201, answer.text
    outcome = answer.json()
    assert (outcome["enrolled"], outcome["enrolled_count"], outcome["skipped_count"]) == (1, 3, 2)
    assert outcome["skipped"][0] == {
        "row": 0,
        "name": " ada",
        "reason": f"already enrolled: same name as player {ids['Ada']}",
        "player_id": ids["Ada"],
    }
    assert outcome["skipped"][1]["row"] == 2
    assert "row 1 of this request" in outcome["skipped"][1]["reason"]
    single = enroll(client, tournament_id, {"name": "BOB"})
    assert single.status_code == 201, single.text
    assert (single.json()["enrolled"], single.json()["skipped_count"]) == (0, 1)
    assert player_count(client) == 3
    # an existing player named by id is still refused when already enrolled
    assert_error(enroll(client, tournament_id, {"player_id": ids["Ada"]}), 409, "already enrolled")


# --- editing a participant -------------------------------------------------------------------


def patch(http: httpx.Client, tournament_id: int, player_id: int, body: dict) -> httpx.Response:
    return http.patch(f"{API}/tournaments/{tournament_id}/enrollments/{player_id}", json=body)


@pytest.mark.parametrize("closed", [False, True])
def test_an_organiser_edits_a_participant_before_the_draw(client: TestClient, closed: bool) -> None:
    tournament_id = create_open_tournament(client)
    enroll_players(client, tournament_id, 4)
    if closed:
        close_enrollment(client, tournament_id)
    ids = player_ids_by_name(client, tournament_id)
    body = {"name": "Zoë", "rating": 100, "club": "Chess Club", "seed": 1}
    answer = patch(client, tournament_id, ids["P4"], body)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["name"], answer.json()["seed"]) == ("Zoë", 1)
    first = entries(client, tournament_id)[0]
    assert (first["player_id"], first["name"], first["club"]) == (ids["P4"], "Zoë", "Chess Club")
    assert (first["rating"], first["requested_seed"], first["seed"]) == (100, 1, 1)
    # only what is sent changes; null clears a seed, a rating or a club
    cleared = patch(client, tournament_id, ids["P4"], {"seed": None, "club": None})
    assert cleared.status_code == 200, cleared.text
    after = {e["player_id"]: e for e in entries(client, tournament_id)}[ids["P4"]]
    assert (after["name"], after["rating"], after["club"]) == ("Zoë", 100, None)
    assert (after["requested_seed"], after["seed"]) == (None, 4)


def test_edits_that_break_a_rule_are_refused(client: TestClient) -> None:
    tournament_id = create_open_tournament(client)
    enroll_players(client, tournament_id, 3)
    ids = player_ids_by_name(client, tournament_id)
    assert patch(client, tournament_id, ids["P1"], {"seed": 2}).status_code == 200
    assert_error(
        patch(client, tournament_id, ids["P2"], {"seed": 2}),
        409,
        f"seed 2 is already held by player {ids['P1']}",
        field="seed",
    )
    assert_error(
        patch(client, tournament_id, ids["P2"], {"seed": 4}),
        422,
        "seed 4 is not between 1 and 3",
        field="seed",
    )
    assert_error(patch(client, tournament_id, ids["P2"], {"name": None}), 422, field="name")
    assert_error(patch(client, tournament_id, ids["P2"], {"name": ""}), 422, field="name")
    assert_error(patch(client, tournament_id, ids["P2"], {"team": "x"}), 422, field="team")
    assert_error(
        patch(client, tournament_id, 999_999, {"rating": 1}),
        404,
        "player 999999 is not enrolled",
        field="player_id",
    )
    assert [e["name"] for e in entries(client, tournament_id)] == ["P2", "P1", "P3"]


# --- removing a participant ------------------------------------------------------------------


def remove(http: httpx.Client, tournament_id: int, player_id: int) -> httpx.Response:
    return http.delete(f"{API}/tournaments/{tournament_id}/enrollments/{player_id}")


def test_removing_a_participant_moves_the_waiting_list_up(client: TestClient) -> None:
    tournament_id = create_open_tournament(client, max_players=3)
    enroll_players(client, tournament_id, 3)
    waiting, header = as_user(client, "late-player", "player")
    joined = client.post(f"{API}/tournaments/{tournament_id}/join", headers=header)
    assert joined.status_code == 202, joined.text
    ids = player_ids_by_name(client, tournament_id)

    answer = remove(client, tournament_id, ids["P1"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "withdrawn"
    assert answer.json()["promoted_player_id"] == waiting["player_id"]
    listed = entries(client, tournament_id)
    assert sorted(e["player_id"] for e in listed) == sorted(
        [ids["P2"], ids["P3"], waiting["player_id"]]
    )
    assert sorted(e["position"] for e in listed) == [0, 1, 2]
    assert get_tournament(client, tournament_id)["enrolled_count"] == 3
    assert client.get(f"{API}/tournaments/{tournament_id}/waitlist").json() == []
    assert_error(remove(client, tournament_id, ids["P1"]), 404, "not enrolled", field="player_id")


def test_removing_after_enrollment_closed_promotes_nobody(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 3)
    ids = player_ids_by_name(client, tournament_id)
    answer = remove(client, tournament_id, ids["P2"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["promoted_player_id"] is None
    assert [e["name"] for e in entries(client, tournament_id)] == ["P1", "P3"]
    assert get_tournament(client, tournament_id)["enrolled_count"] == 2


# --- many seeds at once ----------------------------------------------------------------------


def put_seeds(http: httpx.Client, tournament_id: int, seeds: list[dict]) -> httpx.Response:
    return http.put(f"{API}/tournaments/{tournament_id}/seeds", json=seeds)


def test_seeds_for_several_players_at_once(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    ids = player_ids_by_name(client, tournament_id)
    given = [{"player_id": ids["P4"], "seed": 1}, {"player_id": ids["P3"], "seed": 2}]
    answer = put_seeds(client, tournament_id, given)
    assert answer.status_code == 200, answer.text
    assert answer.json() == given
    assert [e["name"] for e in entries(client, tournament_id)] == ["P4", "P3", "P1", "P2"]
    # a swap in one request is fine; null clears
    swap = [
        {"player_id": ids["P4"], "seed": 2},
        {"player_id": ids["P3"], "seed": None},
        {"player_id": ids["P1"], "seed": 1},
    ]
    answer = put_seeds(client, tournament_id, swap)
    assert answer.status_code == 200, answer.text
    settled = [{"player_id": ids["P1"], "seed": 1}, {"player_id": ids["P4"], "seed": 2}]
    assert answer.json() == settled
    assert [e["name"] for e in entries(client, tournament_id)] == ["P1", "P4", "P2", "P3"]


def test_seeds_that_break_a_rule_are_refused(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    ids = player_ids_by_name(client, tournament_id)
    assert put_seeds(client, tournament_id, [{"player_id": ids["P1"], "seed": 3}]).is_success
    cases = [
        ([{"player_id": ids["P2"], "seed": 5}], 422, "not between 1 and 4", "0.seed"),
        ([{"player_id": ids["P2"], "seed": 0}], 422, "greater than or equal to 1", "0.seed"),
        (
            [{"player_id": ids["P2"], "seed": 1}, {"player_id": ids["P4"], "seed": 1}],
            422,
            "seed 1 is given to two players",
            "1.seed",
        ),
        (
            [{"player_id": ids["P2"], "seed": 1}, {"player_id": ids["P2"], "seed": 2}],
            422,
            "listed twice",
            "1.player_id",
        ),
        (
            [{"player_id": ids["P2"], "seed": 3}],
            409,
            f"seed 3 is held by player {ids['P1']}",
            "0.seed",
        ),
        ([{"player_id": 999_999, "seed": 1}], 404, "not enrolled", "0.player_id"),
        ([{"player_id": ids["P2"]}], 422, "is required", "0.seed"),
    ]
    for seeds, status, fragment, field in cases:
        assert_error(put_seeds(client, tournament_id, seeds), status, fragment, field=field)
    requested = {e["name"]: e["requested_seed"] for e in entries(client, tournament_id)}
    assert requested == {"P1": 3, "P2": None, "P3": None, "P4": None}


# --- after the draw --------------------------------------------------------------------------


def test_participants_cannot_change_after_the_draw(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    ids = player_ids_by_name(client, tournament_id)
    generate_now(client, tournament_id)
    before = entries(client, tournament_id)
    answers = [
        patch(client, tournament_id, ids["P1"], {"name": "Late"}),
        remove(client, tournament_id, ids["P1"]),
        put_seeds(client, tournament_id, [{"player_id": ids["P1"], "seed": 2}]),
    ]
    for answer, action in zip(answers, ("edited", "removed", "seeded"), strict=True):
        assert_error(
            answer,
            409,
            f"the bracket has been generated, so participants can no longer be {action}",
            field="status",
        )
    assert entries(client, tournament_id) == before


def test_only_the_owner_manages_participants(client: TestClient) -> None:
    _owner, owner_header = as_user(client, "owner-org", "organizer")
    _other, other_header = as_user(client, "other-org", "organizer")
    created = client.post(f"{API}/tournaments", json={"name": "Owned"}, headers=owner_header)
    tournament_id = created.json()["id"]
    opened = client.post(
        f"{API}/tournaments/{tournament_id}/status",
        json={"status": "ENROLLMENT_OPEN"},
        headers=owner_header,
    )
    assert opened.status_code == 200, opened.text
    enroll_players(client, tournament_id, 2)
    ids = player_ids_by_name(client, tournament_id)
    path = f"{API}/tournaments/{tournament_id}"
    seeds = [{"player_id": ids["P1"], "seed": 2}]
    for header, allowed in ((other_header, False), (owner_header, True)):
        answers = [
            client.patch(f"{path}/enrollments/{ids['P1']}", json={"club": "X"}, headers=header),
            client.put(f"{path}/seeds", json=seeds, headers=header),
            client.delete(f"{path}/enrollments/{ids['P2']}", headers=header),
        ]
        for answer in answers:
            if allowed:
                assert answer.status_code == 200, answer.text
            else:
                assert_error(answer, 403)


def flags(http: httpx.Client, tournament_id: int) -> tuple[bool, bool]:
    """(editable, can_enroll) of the enrollments page."""
    answer = http.get(f"{API}/tournaments/{tournament_id}/enrollments")
    assert answer.status_code == 200, answer.text
    return answer.json()["editable"], answer.json()["can_enroll"]


def test_the_list_says_whether_participants_may_still_change(client: TestClient) -> None:
    draft = client.post(f"{API}/tournaments", json={"name": "Draft"}).json()["id"]
    assert flags(client, draft) == (False, False)
    tournament_id = create_open_tournament(client)
    enroll_players(client, tournament_id, 4)
    assert flags(client, tournament_id) == (True, True)
    close_enrollment(client, tournament_id)
    assert flags(client, tournament_id) == (True, False)  # edits and seeds, no new players
    generate_now(client, tournament_id)
    assert flags(client, tournament_id) == (False, False)
    cancelled = create_open_tournament(client)
    client.post(f"{API}/tournaments/{cancelled}/status", json={"status": "CANCELLED"})
    assert flags(client, cancelled) == (False, False)
