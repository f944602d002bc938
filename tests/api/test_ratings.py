"""Ratings that carry over: updated at completion, kept as history, seeding the next event."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi.testclient import TestClient

from bracketry.service import ratings
from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    close_enrollment,
    closed_tournament,
    create_open_tournament,
    generate_now,
    launch_scenario,
    player_ids_by_name,
)


def finish(http: httpx.Client, tournament_id: int, winner_of: dict[int, int] | None = None) -> None:
    """Play every session (the lower seed wins unless ``winner_of`` says) and complete."""
    while True:
        ready = [s for s in all_sessions(http, tournament_id) if s["status"] == "ready"]
        if not ready:
            break
        for session in ready:
            a, b = (p["player_id"] for p in session["participants"])
            winner = (winner_of or {}).get(session["id"], max(a, b))
            answer = http.post(
                f"{API}/tournaments/{tournament_id}/sessions/{session['id']}/result",
                json={"winner_id": winner},
            )
            assert answer.status_code == 200, answer.text
    assert http.post(f"{API}/tournaments/{tournament_id}/calculate-rankings").status_code == 200
    done = http.post(f"{API}/tournaments/{tournament_id}/complete")
    assert done.status_code == 200, done.text


def history(http: httpx.Client, player_id: int) -> dict:
    answer = http.get(f"{API}/players/{player_id}/ratings")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_completion_rates_every_game_and_keeps_the_history(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4, third_place=False)
    generate_now(client, tournament_id)
    ids = player_ids_by_name(client, tournament_id)
    finish(client, tournament_id)  # the weakest seed (highest id) wins every game: P4 champion
    champion, favourite = history(client, ids["P4"]), history(client, ids["P1"])
    assert [c["tournament_id"] for c in champion["changes"]] == [tournament_id]
    assert champion["changes"][0]["games"] == 2
    assert champion["rating"] > champion["changes"][0]["rating_before"]
    assert favourite["rating"] < favourite["changes"][0]["rating_before"]
    assert favourite["changes"][0]["rating_before"] == 2999.0  # from the enrollment rating
    assert champion["sigma"] < 25 / 3


def test_new_ratings_seed_the_next_tournament(client: TestClient) -> None:
    first = closed_tournament(client, 4, third_place=False)
    generate_now(client, first)
    ids = player_ids_by_name(client, first)
    finish(client, first)
    second = create_open_tournament(client)
    players = [{"player_id": ids[name]} for name in ("P1", "P2", "P3", "P4")]
    answer = client.post(f"{API}/tournaments/{second}/enrollments", json={"players": players})
    assert answer.status_code == 201, answer.text
    close_enrollment(client, second)
    listed = client.get(f"{API}/tournaments/{second}/enrollments").json()["items"]
    by_seed = [e["player_id"] for e in sorted(listed, key=lambda e: e["seed"])]
    ratings = {e["player_id"]: e["rating"] for e in listed}
    assert ratings[ids["P4"]] == history(client, ids["P4"])["rating"]
    assert by_seed == sorted(by_seed, key=lambda p: -ratings[p])


def test_forfeits_are_not_rated(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 2)
    generate_now(client, tournament_id)
    final = all_sessions(client, tournament_id)[0]
    winner = final["participants"][0]["player_id"]
    answer = client.post(
        f"{API}/tournaments/{tournament_id}/sessions/{final['id']}/result",
        json={"outcome": "forfeit", "winner_id": winner},
    )
    assert answer.status_code == 200, answer.text
    client.post(f"{API}/tournaments/{tournament_id}/calculate-rankings")
    assert client.post(f"{API}/tournaments/{tournament_id}/complete").status_code == 200
    assert history(client, winner)["changes"] == []


def test_unknown_player_and_bad_ids(client: TestClient) -> None:
    assert_error(client.get(f"{API}/players/999999/ratings"), 404, field="player_id")
    assert_error(client.get(f"{API}/players/0/ratings"), 422, field="player_id")


def latest_job(http: httpx.Client, tournament_id: int) -> dict:
    answer = http.get(f"{API}/tournaments/{tournament_id}/generation-status/sync-done")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_large_tournament_is_rated_by_a_background_job(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratings, "RATED_GAMES_LIMIT", 2)  # "large" from 3 sessions on
    tournament_id = closed_tournament(client, 4, third_place=False)
    generate_now(client, tournament_id)
    ids = player_ids_by_name(client, tournament_id)
    finish(client, tournament_id)
    deadline = time.monotonic() + 30
    while (job := latest_job(client, tournament_id))["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    assert job["kind"] == "rate" and job["status"] == "done", job
    champion = history(client, ids["P4"])
    assert [c["tournament_id"] for c in champion["changes"]] == [tournament_id]
    assert champion["changes"][0]["games"] == 2


def test_the_auto_lifecycle_rates_a_large_tournament_after_its_generation_job(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratings, "RATED_GAMES_LIMIT", 2)
    outcome = launch_scenario(client, 8, mode="auto")
    tournament_id = outcome["tournament_id"]
    deadline = time.monotonic() + 60
    while (job := latest_job(client, tournament_id))["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    assert job["kind"] == "rate" and job["status"] == "done", job
    players = client.get(f"{API}/tournaments/{tournament_id}/enrollments").json()["items"]
    rated = [history(client, p["player_id"])["changes"] for p in players]
    assert all(len(changes) == 1 for changes in rated)
