"""Task messages act only on the database that sent them: two deployments, one broker queue.

Deployment A queues a generation while no worker runs; deployment B (a fresh database of its
own, the same Redis and queue) has a tournament with the same id and starts a worker. B's
worker must drop A's message (acked, logged, counted), leave B's tournament untouched and
create no job; A's job is then recovered by A's own worker (its start sweep re-enqueues
queued jobs older than the staleness bound).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Task
from sqlalchemy import func, select

from bracketry.jobs.celery_app import make_celery
from bracketry.jobs.immediate import ImmediateQueue
from bracketry.jobs.tasks import register
from bracketry.service import jobs
from bracketry.settings import Settings
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade
from bracketry.store.models import Job, Match, Secret, Tournament
from bracketry.store.types import utcnow
from tests.api.helpers import API, poll_until_finished
from tests.conftest import PG_SERVER, pg_admin
from tests.production.conftest import Cluster
from tests.production.setup import closed_tournament

PLAYERS = 256
DROPPED = "dropped task message"


@pytest.fixture
def migrated_pg_url(pg_template: str) -> Iterator[str]:
    """A PostgreSQL database migrated from nothing (not copied from the template), so it has
    an instance id of its own, like a separate deployment's database."""
    name = f"bracketry_other_{uuid.uuid4().hex[:12]}"
    pg_admin(f"CREATE DATABASE {name}")
    try:
        database = Database(f"{PG_SERVER}/{name}")
        upgrade(database.engine)
        database.dispose()
        yield f"{PG_SERVER}/{name}"
    finally:
        pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _state(url: str, tournament_id: int) -> tuple[str, int, list[Job]]:
    """The tournament's status, its match count and its jobs."""
    database = Database(url)
    with database.read() as db:
        tournament = db.get(Tournament, tournament_id)
        assert tournament is not None
        matches = db.execute(
            select(func.count()).select_from(Match).where(Match.tournament_id == tournament_id)
        ).scalar_one()
        found = list(db.scalars(select(Job).where(Job.tournament_id == tournament_id)))
        state = (tournament.status, matches, found)
    database.dispose()
    return state


def _instance(url: str) -> str:
    database = Database(url)
    with database.read() as db:
        row = db.get(Secret, "instance_id")
        assert row is not None
        value = row.value_hash
    database.dispose()
    return value


def _wait_until_stale(url: str, job_id: str, stale_after_s: float) -> None:
    """Wait until the queued job is old enough for a worker's start sweep to claim it."""
    database = Database(url)
    deadline = time.monotonic() + 60
    while True:
        with database.read() as db:
            job = db.get(Job, job_id)
            assert job is not None and job.status == "queued", job and job.status
            if utcnow() - job.requested_at > timedelta(seconds=stale_after_s + 0.5):
                break
        assert time.monotonic() < deadline
        time.sleep(0.2)
    database.dispose()


def test_a_message_from_another_database_is_dropped_and_its_own_worker_recovers_it(
    cluster: Cluster, migrated_pg_url: str, tmp_path: Path
) -> None:
    a = cluster
    a_url = a.settings.database_url
    assert _instance(a_url) != _instance(migrated_pg_url)
    a_database = a.database()
    a_tournament = closed_tournament(a_database, PLAYERS)
    a_database.dispose()
    with a.api() as http:  # A queues its generation; no worker runs anywhere yet
        answer = http.post(f"{API}/tournaments/{a_tournament}/generate-sessions")
        assert answer.status_code == 202, answer.text
        a_job = answer.json()["task_id"]

    b_settings = Settings(**{**a.settings.model_dump(), "database_url": migrated_pg_url})
    (tmp_path / "b").mkdir()
    b = Cluster(b_settings, tmp_path / "b")
    try:
        b_database = b.database()
        b_tournament = closed_tournament(b_database, PLAYERS)
        b_database.dispose()
        assert b_tournament == a_tournament  # the same id, in another database
        b_worker = b.worker("worker-b", concurrency=1)
        deadline = time.monotonic() + 60
        while "succeeded in" not in b_worker.output():  # B's worker consumed A's message
            assert time.monotonic() < deadline, b.logs()
            time.sleep(0.1)
        b.stop()  # a clean stop: nothing it took is left unacknowledged
    finally:
        b.stop()
    assert DROPPED in b_worker.output(), b.logs()
    status, matches, b_jobs = _state(migrated_pg_url, b_tournament)
    assert (status, matches, b_jobs) == ("ENROLLMENT_CLOSED", 0, []), b.logs()
    broker = redis.Redis(port=int(a.settings.broker_url.rsplit(":", 1)[1].split("/")[0]))
    assert broker.llen(a.settings.queue_name) == 0  # acked and dropped: not redelivered
    assert broker.hlen("unacked") == 0
    broker.close()

    status, matches, a_jobs = _state(a_url, a_tournament)
    assert (status, matches, [j.status for j in a_jobs]) == ("ENROLLMENT_CLOSED", 0, ["queued"])
    _wait_until_stale(a_url, a_job, a.settings.stale_after_s)
    a.worker("worker-a", concurrency=1)
    with a.api() as http:
        done = poll_until_finished(http, a_tournament, a_job, timeout_s=120)
    assert done["status"] == "done", a.logs()
    assert done["sessions_count"] == PLAYERS
    assert _state(a_url, a_tournament)[1] == PLAYERS
    assert _state(migrated_pg_url, b_tournament)[:2] == ("ENROLLMENT_CLOSED", 0)


# --- every way a message can name the wrong thing, on each backend, without a broker ------


@pytest.fixture
def two_tournaments(database_url: str) -> Iterator[tuple[Database, int, int, str]]:
    """Two closed tournaments and a queued generation job of the first; (database, first,
    second, job id)."""
    database = Database(database_url)
    upgrade(database.engine)
    first = closed_tournament(database, 8)
    second = closed_tournament(database, 8, seed=1)
    with database.write() as db:
        job = jobs.new_job(first)
        db.add(job)
        job_id = job.id
    yield database, first, second, job_id
    database.dispose()


def _task(database_url: str) -> Task:
    settings = Settings(database_url=database_url, task_rate_limit=None)
    return register(make_celery(settings), settings)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"instance_id": "0" * 32}, "another database"),
        ({"instance_id": None}, "no database named"),
        ({"job_id": None}, "no job named"),
        ({"job_id": str(uuid.uuid4())}, "unknown job"),
        ({"tournament": "second"}, "another tournament's job"),
    ],
)
def test_a_message_naming_the_wrong_database_job_or_tournament_is_dropped(
    two_tournaments: tuple[Database, int, int, str], database_url: str, message: dict, reason: str
) -> None:
    database, first, second, job_id = two_tournaments
    kwargs = {"job_id": job_id, "instance_id": jobs.instance_of(database=database)}
    kwargs.update((k, v) for k, v in message.items() if k != "tournament")
    tournament_id = second if message.get("tournament") == "second" else first
    before = jobs.dropped_messages().get(reason, 0)
    outcome = _task(database_url).apply(args=[tournament_id], kwargs=kwargs).get()
    assert outcome == {"job_id": kwargs["job_id"], "status": "dropped", "error": reason}
    assert jobs.dropped_messages()[reason] == before + 1
    with database.read() as db:
        statuses = {t: db.get(Tournament, t).status for t in (first, second)}
        assert set(statuses.values()) == {"ENROLLMENT_CLOSED"}
        assert db.execute(select(func.count()).select_from(Match)).scalar_one() == 0
        assert [(j.id, j.status) for j in db.scalars(select(Job))] == [(job_id, "queued")]


def test_a_message_naming_this_database_and_its_job_runs_it_on_the_worker_and_the_cli_queue(
    two_tournaments: tuple[Database, int, int, str], database_url: str
) -> None:
    database, first, second, job_id = two_tournaments
    instance = jobs.instance_of(database=database)
    message = {"job_id": job_id, "instance_id": instance}
    outcome = _task(database_url).apply(args=[first], kwargs=message)
    assert outcome.get() == {"job_id": job_id, "status": "done", "sessions_count": 8}

    with database.write() as db:
        other = jobs.new_job(second)
        db.add(other)
    ImmediateQueue(database).submit(job_id=other.id, tournament_id=second, instance_id="0" * 32)
    with database.read() as db:
        assert db.get(Job, other.id).status == "queued"  # dropped: another database
    ImmediateQueue(database).submit(job_id=other.id, tournament_id=second, instance_id=instance)
    with database.read() as db:
        assert db.get(Job, other.id).status == "done"
