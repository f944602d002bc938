"""Property-based fuzzing of every operation of the OpenAPI schema with Schemathesis.

The real app runs in-process (ASGI) once per backend, on a database seeded with a few
tournaments so that small path ids hit existing rows. Every request carries the admin token,
so mutations get past the token check and exercise validation and the use cases. Every
answer must be below 500, with a documented status code, content type and headers, and a
body matching the documented schema; data valid by the schema must be accepted (or refused
for the state it meets: 404, 409) and data invalid by it refused (``positive_data_acceptance``,
``negative_data_rejection``). A few rules span fields or need a database the schema cannot
hold (``SCHEMA_CANNOT_SAY``): there a 422 to schema-valid data is expected. Generation is
seeded, deterministic and bounded, so a run is reproducible and short.

The schema is the one the app serves at ``/openapi.json``; it is read when the module is
collected (one test per operation), and each backend's app answers the generated requests.

A deeper run: ``BRACKETRY_FUZZ_EXAMPLES=200 BRACKETRY_FUZZ_COVERAGE=1`` (and another
``BRACKETRY_FUZZ_SEED``) adds examples and Schemathesis' coverage phase.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import get_client, shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bracketry.api.app import create_app
from bracketry.schemas.errors import ValidationErrorRead
from bracketry.schemas.names import PATTERN
from bracketry.schemas.scenario import MAX_SCENARIO_PLAYERS
from bracketry.settings import Settings
from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    closed_tournament,
    create_open_tournament,
    enroll_players,
    generate_now,
    launch_scenario,
)
from tests.conftest import ADMIN_TOKEN, AUTH, BACKENDS, fresh_pg_database

MAX_EXAMPLES = int(os.environ.get("BRACKETRY_FUZZ_EXAMPLES", "30"))
"""Generated requests per operation (fuzzing phase)."""
SEED = int(os.environ.get("BRACKETRY_FUZZ_SEED", "20260101"))
COVERAGE_PHASE = os.environ.get("BRACKETRY_FUZZ_COVERAGE", "0") == "1"
SCENARIO_PLAYERS_PLAYED = 64
"""Larger valid synthetic scenarios are sent as dry runs: validated, not played."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]
SCHEMA_CANNOT_SAY = {
    # confirmed must be true from 128 players; the format must fit the player count
    "/api/v1/tournaments/ops/run-scenario": ("POST",),
    # time zones are names of the IANA database; a venue closes after it opens
    "/api/v1/tournaments/{tournament_id}/venues": ("POST",),
    "/api/v1/tournaments/{tournament_id}/venues/{venue_id}": ("PUT",),
    # an archive must hold together: its matches name its players, its venues real zones
    "/api/v1/tournaments/import": ("POST",),
    # a requested seed is between 1 and the number of participants, and held by one player
    "/api/v1/tournaments/{tournament_id}/enrollments/{player_id}": ("PATCH",),
    "/api/v1/tournaments/{tournament_id}/seeds": ("PUT",),
}
"""Operations whose schema-valid bodies may still break a documented rule (422)."""
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
"""Answers to schema-valid data: done, or refused for credentials, state or rate."""
VENUE = {
    "name": "Hall",
    "time_zone": "Europe/Paris",
    "fields": 2,
    "hours": [{"date": "2030-01-01", "opens": "09:00", "closes": "18:00"}],
}


def served_schema() -> dict:
    """The OpenAPI document the app serves (reading it needs no database)."""
    app = create_app(Settings(database_url="sqlite://", admin_token=ADMIN_TOKEN))
    answer = TestClient(app).get("/openapi.json")  # no `with`: no lifespan, no database
    assert answer.status_code == 200, answer.text
    return answer.json()


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "suppress-health-check": ["all"],
        "headers": AUTH,
        # The live feed streams until the tournament ends: its first event is enough.
        "max-stream-events": 1,
        "request-timeout": 30,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        # The coverage phase (every boundary and negative value of every parameter, about
        # +40% time) is for deeper runs; the fuzzing phase already favours boundaries.
        "phases": {"coverage": {"enabled": COVERAGE_PHASE, "unexpected-methods": []}},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        "operations": [
            {
                "include-path": path,
                "include-method": list(methods),
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
            }
            for path, methods in SCHEMA_CANNOT_SAY.items()
        ],
    }
)
schema = schemathesis.openapi.from_dict(served_schema(), config=CONFIG)


def seed(http: Any) -> None:
    """A little real data with ids from 1: a knockout under way with a venue and a result,
    a heats tournament with its first round, a Swiss played out, rated and completed, and a
    round robin still open for enrollment."""
    knockout = closed_tournament(http, 8)
    generate_now(http, knockout)
    assert http.post(f"{API}/tournaments/{knockout}/venues", json=VENUE).status_code == 201
    ready = next(s for s in all_sessions(http, knockout) if s["status"] == "ready")
    recorded = http.post(
        f"{API}/tournaments/{knockout}/sessions/{ready['id']}/result",
        json={"score_a": 3, "score_b": 1},
    )
    assert recorded.status_code == 200, recorded.text

    heats = closed_tournament(http, 8, tournament_format="heats", direction="lower", advance=2)
    generate_now(http, heats)

    scenario = launch_scenario(http, 8, tournament_format="swiss")
    assert scenario["status"] == "COMPLETED", scenario

    open_one = create_open_tournament(http, tournament_format="round_robin")
    enroll_players(http, open_one, 4)


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """The app on a fresh, seeded database of each backend, shared by every operation's test
    (like ``settings`` in tests/conftest.py, but once per module and backend)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'bracketry.db'}"
        yield from _serve(url)
        return
    with fresh_pg_database(request.getfixturevalue("pg_template")) as url:
        yield from _serve(url)


def _serve(database_url: str) -> Iterator[FastAPI]:
    app = create_app(Settings(database_url=database_url, admin_token=ADMIN_TOKEN))
    try:
        with get_client(app) as http:  # starts the app's lifespan for the whole module
            http.headers.update(AUTH)
            seed(http)
        yield app
    finally:
        shutdown_lifespans()


def bound_costly_inputs(case: schemathesis.Case) -> None:
    """Valid scenarios past a small field become dry runs (validated, not played): a
    million-player scenario is a benchmark, not a fuzz case. A negative case's invalid
    ``dry_run`` is left alone (making it valid would make the case valid)."""
    body = case.body
    if case.operation.path.endswith("/run-scenario") and isinstance(body, dict):
        count = body.get("player_count")
        is_number = isinstance(count, int | float) and not isinstance(count, bool)
        # a dry_run that is not a boolean is a negative case's invalid part: keep it
        dry_run_is_valid = isinstance(body.get("dry_run", False), bool)
        large = is_number and SCENARIO_PLAYERS_PLAYED < count <= MAX_SCENARIO_PLAYERS
        if large and dry_run_is_valid:
            body["dry_run"] = True


@schema.parametrize()
def test_every_operation_answers_as_documented(case: schemathesis.Case, fuzz_app: FastAPI) -> None:
    bound_costly_inputs(case)
    case.call_and_validate(app=fuzz_app, checks=CHECKS)


# --- what fuzzing found, pinned ------------------------------------------------------------


def test_an_unreadable_body_is_422_naming_the_body(client: TestClient) -> None:
    """Was 400 ``{"detail": "There was an error parsing the body"}``: no field, undocumented."""
    answer = client.post(
        f"{API}/tournaments",
        content=b'{"name": "\xff"}',
        headers={"Content-Type": "application/json"},
    )
    body = assert_error(answer, 422, "could not be read", field="body")
    ValidationErrorRead.model_validate(body)
    assert client.get(f"{API}/tournaments").json()["total"] == 0


def test_broken_json_names_the_body(client: TestClient) -> None:
    """The field used to be the offset of the fault (``"1"``)."""
    answer = client.post(
        f"{API}/tournaments", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_error(answer, 422, "not valid JSON", "character 1", field="body")


def test_unknown_paths_and_methods_keep_the_error_shape(client: TestClient) -> None:
    nowhere = assert_error(client.get(f"{API}/nowhere"), 404)
    assert nowhere["field"] is None
    answer = client.delete(f"{API}/tournaments")
    assert assert_error(answer, 405)["field"] is None
    assert answer.headers["allow"]  # kept from the original answer


def test_every_refusal_is_documented_with_its_shape() -> None:
    """Routes documented only 200 and FastAPI's 422 (a list ``detail``, which no answer has)."""
    document = served_schema()
    refusals = {"401", "403", "404", "409", "422", "503"}
    for path, operations in document["paths"].items():
        if path.startswith(API):
            for method, operation in operations.items():
                missing = refusals - set(operation["responses"])
                assert not missing, f"{method.upper()} {path} does not document {missing}"
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["ErrorRead"]["required"]) == {"detail", "field"}
    assert "errors" in schemas["ValidationErrorRead"]["properties"]
    csv = document["paths"][f"{API}/tournaments/{{tournament_id}}/enrollments/import"]["post"]
    assert {"413", "415"} <= set(csv["responses"])
    rejected = csv["responses"]["422"]["content"]["application/json"]["schema"]["anyOf"]
    assert {r["$ref"].rsplit("/", 1)[-1] for r in rejected} == {
        "ImportRejection",
        "ValidationErrorRead",
    }
    assert "503" in document["paths"]["/health/ready"]["get"]["responses"]


def test_documented_shapes_match_what_is_served() -> None:
    document = served_schema()
    schemas = document["components"]["schemas"]
    # a knockout's config is also a valid groups config: `oneOf` refused every tournament
    for name in ("TournamentRead", "TournamentCreate"):
        config = schemas[name]["properties"]["config"]
        assert "oneOf" not in config
        assert len(config["anyOf"]) == 6
    # opening hours are local times ("09:00:00"), not RFC 3339 times (which need an offset)
    for name in ("Opening-Input", "Opening-Output", "Opening"):
        for key in ("opens", "closes"):
            if name in schemas:
                assert "format" not in schemas[name]["properties"][key]
                assert "pattern" in schemas[name]["properties"][key]
    # the live feed is an event stream, not JSON
    events = document["paths"][f"{API}/tournaments/{{tournament_id}}/events"]["get"]
    assert set(events["responses"]["200"]["content"]) == {"text/event-stream"}


def test_the_schema_documents_the_rules_validation_applies() -> None:
    """The positive-data check found valid-by-schema bodies refused with 422: names with
    control characters, enrollments naming both or neither of player_id and name, and seeds
    past 2^53 that JSON clients round (the generator sent 2^63 for a maximum of 2^63 - 1)."""
    schemas = served_schema()["components"]["schemas"]
    name = schemas["TournamentCreate"]["properties"]["name"]
    assert name["pattern"] == PATTERN
    assert re.fullmatch(PATTERN.strip("^$"), "Zoë O'Brien-Łukasz 李小龍")
    for bad in ("a\tb", "a\x85b", "a\u2028b", "\x00"):
        assert not re.fullmatch(PATTERN.strip("^$"), bad)
    one_of = schemas["EnrollmentCreate"]["oneOf"]
    assert [branch["required"] for branch in one_of] == [["player_id"], ["name"]]
    assert schemas["SimulationCreate"]["properties"]["seed"]["maximum"] == 2**53 - 1


def test_a_seed_past_what_json_clients_read_exactly_is_refused(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    simulate = f"{API}/tournaments/{tournament_id}/simulate-results"
    assert_error(client.post(simulate, json={"seed": 2**53}), 422, field="seed")
    ok = client.post(simulate, json={"seed": 2**53 - 1})
    assert ok.status_code == 200, ok.text
