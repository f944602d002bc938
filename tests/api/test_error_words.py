"""A refused request says what is wrong in words a person reads: one plain sentence per problem
naming the field, never the validation library's wording, prefixes or internal names."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bracketry.engine.tiebreaks import TIEBREAKS
from bracketry.schemas.formats import FORMAT_NAMES
from bracketry.schemas.status import Status
from tests.api.helpers import API, assert_error, create_open_tournament

LIBRARY_WORDS = ("Value error", "Assertion failed", "Input tag", "Input should", "found using")
LIBRARY_WORDS += ("Field required", "pydantic", "errors.pydantic.dev", "_", "()")
VOCABULARY = sorted({*FORMAT_NAMES, *(s.value for s in Status), *TIEBREAKS}, key=len)[::-1]
"""Values a client sends (``double_elimination``): a sentence listing them may show them."""

T = "{t}"
BAD_INPUTS = [
    # (method, path, body, field, words the detail holds)
    ("POST", "/tournaments", {"name": "Cup", "format": "ladder"}, "format",
     "format must be one of: knockout, double_elimination, round_robin, swiss, groups, heats"),
    ("POST", "/tournaments", {"format": "knockout"}, "name", "name is required"),
    ("POST", "/tournaments", {"name": "Cup", "colour": "red"}, "colour", "colour is not permitted"),
    ("POST", "/tournaments", {"name": "Cup", "config": {"max_players": "lots"}},
     "config.max_players", "max players of config must be a whole number"),
    ("POST", "/tournaments", {"name": "Cup", "config": {"third_place": "maybe"}},
     "config.third_place", "third place of config must be true or false"),
    ("POST", "/tournaments", {"name": "Cup", "config": 3}, "config", "config must be an object"),
    ("POST", "/tournaments", {"name": "A\nB"}, "name", "name must not contain control characters"),
    ("POST", "/tournaments", {"name": ""}, "name", "name must have at least 1 character"),
    ("POST", "/tournaments", [], "body", "the request body must be an object"),
    ("POST", f"/tournaments/{T}/status", {"status": "FINISHED"}, "status",
     "status must be one of: DRAFT, ENROLLMENT_OPEN"),
    ("POST", f"/tournaments/{T}/enrollments", {"name": "A", "player_id": 3}, "body",
     "give exactly one of player id or name"),
    ("POST", f"/tournaments/{T}/enrollments", {"players": [{"name": "A", "rating": "high"}]},
     "players.0.rating", "rating of player 1 must be a number"),
    ("POST", f"/tournaments/{T}/enrollments", {"players": [{"name": "A"}, {"seed": 1}]},
     "players.1", "player 2: give exactly one of player id or name"),
    ("POST", f"/tournaments/{T}/enrollments", {"players": []}, "players",
     "players must have at least 1 item"),
    ("GET", "/tournaments/abc", None, "tournament_id", "tournament id must be a whole number"),
    ("GET", "/tournaments/0", None, "tournament_id",
     "tournament id must be greater than or equal to 1"),
    ("GET", "/tournaments?limit=many", None, "limit", "limit must be a whole number"),
    ("GET", f"/tournaments/{T}/generation-status/bad_task!", None, "task_id",
     "task id is not in the accepted form"),
    ("POST", "/tournaments/ops/run-scenario", {"player_count": 8, "tournament_format": "ladder"},
     "tournament_format", "tournament format must be one of: knockout"),
    ("POST", "/tournaments/ops/run-scenario", {"player_count": 200}, "confirmed",
     "confirmed must be true for 128 players or more"),
    ("POST", "/tournaments/ops/run-scenario", {"player_count": "eight"}, "player_count",
     "player count must be a whole number"),
    ("POST", f"/tournaments/{T}/simulate-results", {"seed": "lucky"}, "seed",
     "seed must be a whole number"),
    ("PATCH", f"/tournaments/{T}/enrollments/1", {"rating": "x"}, "rating",
     "rating must be a number"),
    ("PUT", f"/tournaments/{T}/seeds", [{"player_id": 1}], "0.seed", "seed of entry 1 is required"),
    ("POST", "/auth/register", {"username": "a b", "password": "x"}, "username",
     "username is not in the accepted form"),
]  # fmt: skip


def without_vocabulary(text: str) -> str:
    """``text`` without the values a client sends (they may hold an underscore)."""
    for value in VOCABULARY:
        text = text.replace(value, "")
    return text


@pytest.mark.parametrize(("method", "path", "body", "field", "words"), BAD_INPUTS)
def test_a_refusal_is_a_plain_sentence_naming_the_field(
    client: TestClient, method: str, path: str, body: object, field: str, words: str
) -> None:
    tournament_id = create_open_tournament(client)
    url = API + path.replace(T, str(tournament_id))
    answer = client.request(method, url, json=body)
    error = assert_error(answer, 422, words, field=field)
    sentences = [error["detail"], *(problem["message"] for problem in error["errors"])]
    for sentence in sentences:
        plain = without_vocabulary(sentence)
        for library in LIBRARY_WORDS:
            assert library not in plain, f"{library!r} in {sentence!r}"
    assert error["detail"] == error["errors"][0]["message"]


def test_every_problem_of_a_request_is_its_own_sentence(client: TestClient) -> None:
    body = {"username": "a b", "password": "short"}
    error = assert_error(client.post(f"{API}/auth/register", json=body), 422, field="username")
    messages = {problem["field"]: problem["message"] for problem in error["errors"]}
    assert messages == {
        "username": "username is not in the accepted form",
        "password": "password must have at least 8 characters",
        "name": "name is required",
    }


def test_a_body_that_is_not_json_says_so(client: TestClient) -> None:
    answer = client.post(
        f"{API}/tournaments", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    error = assert_error(answer, 422, "the request body is not valid JSON", field="body")
    assert "(at character 1)" in error["detail"]
