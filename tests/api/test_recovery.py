"""Jobs a stopped server left unfinished are resumed at the next start, never duplicating.

Each test plays a server's life in steps: an app is started and stopped (``TestClient``
as a context manager runs the lifespan), the database is left as a crash would leave it,
and a new app is started on the same database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bracketry.api.app import create_app
from bracketry.settings import Settings
from bracketry.store.database import Database
from bracketry.store.models import Job, Match, Result, Tournament
from bracketry.store.types import utcnow
from tests.api.helpers import (
    API,
    all_rankings,
    all_sessions,
    closed_tournament,
    get_tournament,
    poll_until_finished,
)
from tests.conftest import AUTH

PLAYERS = 130  # above the async threshold (128); a bracket of 256 with byes
SESSIONS = 256  # 255 main-side matches (byes included) and the third-place match
TIMEOUT_S = 30


@contextmanager
def server(settings: Settings) -> Iterator[TestClient]:
    """One run of the app, from startup (which resumes jobs) to shutdown."""
    with TestClient(create_app(settings), headers=AUTH) as http:
        yield http


@contextmanager
def database(settings: Settings) -> Iterator[Database]:
    handle = Database(settings.database_url)
    try:
        yield handle
    finally:
        handle.dispose()


def insert_job(settings: Settings, tournament_id: int, *, status: str, mode: str = "manual") -> str:
    """A job row as a server that stopped while it was ``status`` leaves it."""
    long_ago = utcnow() - timedelta(hours=1)
    running = status == "running"
    job = Job(
        id=str(uuid.uuid4()),
        tournament_id=tournament_id,
        kind="generate",
        status=status,
        simulation_mode=mode,
        simulation_seed=5,
        attempts=1 if running else 0,
        requested_at=long_ago,
        started_at=long_ago if running else None,
        heartbeat_at=long_ago if running else None,
    )
    with database(settings) as handle, handle.write() as db:
        db.add(job)
    return job.id


def leave_running(settings: Settings, job_id: str) -> None:
    """Put a finished job back as a crash between its commit and its bookkeeping leaves it."""
    long_ago = utcnow() - timedelta(hours=1)
    with database(settings) as handle, handle.write() as db:
        job = db.get(Job, job_id)
        assert job is not None
        job.status = "running"
        job.finished_at = None
        job.sessions_count = None
        job.error = None
        job.heartbeat_at = long_ago


def stored_counts(settings: Settings, tournament_id: int) -> tuple[int, int]:
    """(matches, results) rows of the tournament, counted in the database itself."""
    with database(settings) as handle, handle.read() as db:
        matches = db.execute(
            select(func.count()).select_from(Match).where(Match.tournament_id == tournament_id)
        ).scalar_one()
        results = db.execute(
            select(func.count()).select_from(Result).where(Result.tournament_id == tournament_id)
        ).scalar_one()
    return matches, results


def generated_at(settings: Settings, tournament_id: int) -> object:
    with database(settings) as handle, handle.read() as db:
        tournament = db.get(Tournament, tournament_id)
        assert tournament is not None
        return tournament.sessions_generated_at


def assert_one_bracket(sessions: list[dict]) -> None:
    assert len(sessions) == SESSIONS
    assert len({s["id"] for s in sessions}) == SESSIONS
    places = {(s["side"], s["round"], s["number"]) for s in sessions}
    assert len(places) == SESSIONS


@pytest.mark.parametrize("status", ["queued", "running"])
def test_unfinished_job_is_resumed_at_the_next_start(settings: Settings, status: str) -> None:
    with server(settings) as http:
        tournament_id = closed_tournament(http, PLAYERS)
    job_id = insert_job(settings, tournament_id, status=status)

    with server(settings) as http:
        done = poll_until_finished(http, tournament_id, job_id, timeout_s=TIMEOUT_S)
        assert done["status"] == "done", done["error"]
        assert done["sessions_count"] == SESSIONS
        assert done["attempts"] == (1 if status == "queued" else 2)
        assert done["timings"]["engine_ms"] is not None
        sessions = all_sessions(http, tournament_id)
        assert_one_bracket(sessions)
        tournament = get_tournament(http, tournament_id)
        assert tournament["status"] == "IN_PROGRESS"
        assert tournament["matches"]["total"] == SESSIONS
    assert stored_counts(settings, tournament_id)[0] == SESSIONS

    # a later start finds nothing to resume and changes nothing
    with server(settings) as http:
        again = http.get(f"{API}/tournaments/{tournament_id}/generation-status/{job_id}")
        assert again.json() == done
        assert all_sessions(http, tournament_id) == sessions


def test_rerun_after_a_committed_generation_writes_no_second_bracket(settings: Settings) -> None:
    with server(settings) as http:
        tournament_id = closed_tournament(http, PLAYERS)
        accepted = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["task_id"]
        first = poll_until_finished(http, tournament_id, job_id, timeout_s=TIMEOUT_S)
        assert first["status"] == "done", first["error"]
        assert first["attempts"] == 1
        before = all_sessions(http, tournament_id)
    stamp = generated_at(settings, tournament_id)
    leave_running(settings, job_id)

    with server(settings) as http:
        done = poll_until_finished(http, tournament_id, job_id, timeout_s=TIMEOUT_S)
        assert done["status"] == "done", done["error"]
        assert done["attempts"] == 2
        assert done["sessions_count"] == SESSIONS
        after = all_sessions(http, tournament_id)
        assert after == before
        assert get_tournament(http, tournament_id)["status"] == "IN_PROGRESS"
    assert_one_bracket(after)
    assert stored_counts(settings, tournament_id) == (SESSIONS, 256 - PLAYERS)  # the byes
    assert generated_at(settings, tournament_id) == stamp


def test_auto_job_resumed_after_generation_plays_the_bracket_once(settings: Settings) -> None:
    with server(settings) as http:
        tournament_id = closed_tournament(http, PLAYERS)
        accepted = http.post(
            f"{API}/tournaments/{tournament_id}/generate-sessions",
            json={"simulation_mode": "manual", "seed": 5},
        )
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["task_id"]
        first = poll_until_finished(http, tournament_id, job_id, timeout_s=TIMEOUT_S)
        assert first["status"] == "done", first["error"]
        before = all_sessions(http, tournament_id)
    # the job was an auto one that stopped after its generation committed
    leave_running(settings, job_id)
    with database(settings) as handle, handle.write() as db:
        job = db.get(Job, job_id)
        assert job is not None
        job.simulation_mode = "auto"

    with server(settings) as http:
        done = poll_until_finished(http, tournament_id, job_id, timeout_s=TIMEOUT_S)
        assert done["status"] == "done", done["error"]
        assert done["sessions_count"] == SESSIONS
        tournament = get_tournament(http, tournament_id)
        assert tournament["status"] == "COMPLETED"
        assert tournament["matches"]["completed"] == SESSIONS
        after = all_sessions(http, tournament_id)
        assert [s["id"] for s in after] == [s["id"] for s in before]
        assert all(s["result"] is not None for s in after)
        rankings = all_rankings(http, tournament_id)
        assert len(rankings) == PLAYERS
        assert [r["rank"] for r in rankings].count(1) == 1
    assert stored_counts(settings, tournament_id) == (SESSIONS, SESSIONS)


def test_duplicate_job_for_a_generated_tournament_writes_nothing(settings: Settings) -> None:
    """The seed's Group V "duplicate task": a second job for the same tournament."""
    with server(settings) as http:
        tournament_id = closed_tournament(http, PLAYERS)
        accepted = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
        assert accepted.status_code == 202, accepted.text
        first = poll_until_finished(
            http, tournament_id, accepted.json()["task_id"], timeout_s=TIMEOUT_S
        )
        assert first["status"] == "done", first["error"]
        before = all_sessions(http, tournament_id)
        tournament_before = get_tournament(http, tournament_id)
    duplicate = insert_job(settings, tournament_id, status="queued")

    with server(settings) as http:
        done = poll_until_finished(http, tournament_id, duplicate, timeout_s=TIMEOUT_S)
        if done["status"] == "failed":
            assert "already generated" in done["error"], done
        else:
            assert done["status"] == "done", done
            assert done["sessions_count"] == SESSIONS
        assert all_sessions(http, tournament_id) == before
        assert get_tournament(http, tournament_id) == tournament_before
    assert stored_counts(settings, tournament_id)[0] == SESSIONS


def test_two_unfinished_jobs_of_one_tournament_generate_once(settings: Settings) -> None:
    with server(settings) as http:
        tournament_id = closed_tournament(http, PLAYERS)
    running = insert_job(settings, tournament_id, status="running")
    queued = insert_job(settings, tournament_id, status="queued")

    with server(settings) as http:
        finished = [
            poll_until_finished(http, tournament_id, job_id, timeout_s=TIMEOUT_S)
            for job_id in (running, queued)
        ]
        assert all(job["status"] in ("done", "failed") for job in finished)
        assert any(job["status"] == "done" for job in finished), finished
        sessions = all_sessions(http, tournament_id)
        assert_one_bracket(sessions)
        assert get_tournament(http, tournament_id)["status"] == "IN_PROGRESS"
    assert stored_counts(settings, tournament_id)[0] == SESSIONS
