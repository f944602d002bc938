"""The seed's Group U and Group V on the production path: uvicorn + Celery + PostgreSQL + Redis."""

from __future__ import annotations

import time

from bracketry.jobs.tasks import register
from bracketry.jobs.worker import make_celery
from bracketry.service import jobs
from bracketry.store.models import Job
from tests.api.helpers import (
    API,
    all_rankings,
    all_sessions,
    launch_scenario,
    poll_until_finished,
)
from tests.production.conftest import Cluster


def test_1024_players_async_lifecycle_completes_in_the_worker(cluster: Cluster) -> None:
    cluster.worker()
    with cluster.api() as http:
        ready = http.get("/health/ready").json()
        assert ready["status"] == "ok" and ready["workers"], ready
        launched = launch_scenario(http, 1024, "auto")
        assert launched["task_id"] != "sync-done"
        job = poll_until_finished(http, launched["tournament_id"], launched["task_id"])
        assert job["status"] == "done", cluster.logs()
        assert job["sessions_count"] == 1024
        assert job["peak_rss_mb"] > 0
        for window in ("queue_wait_ms", "engine_ms", "db_write_ms", "simulation_ms"):
            assert isinstance(job["timings"][window], float), window
        tournament_id = launched["tournament_id"]
        sessions = all_sessions(http, tournament_id)
        assert len(sessions) == 1024
        assert len({s["id"] for s in sessions}) == 1024
        first_round = [s for s in sessions if s["round"] == 1 and s["side"] == "main"]
        assert len(first_round) == 512
        assert all(s["participants"] and None not in s["participants"] for s in first_round)
        for round_ in range(1, 11):
            main = [s for s in sessions if s["round"] == round_ and s["side"] == "main"]
            assert len(main) == 512 >> (round_ - 1)
        assert len([s for s in sessions if s["side"] == "third_place"]) == 1
        assert all(s["status"] == "completed" and s["result"] for s in sessions)
        rankings = all_rankings(http, tournament_id)
        assert len(rankings) == 1024
        final = next(s for s in sessions if s["round"] == 10 and s["side"] == "main")
        assert rankings[0]["player_id"] == final["result"]["winner_id"]
        assert http.get(f"{API}/tournaments/{tournament_id}").json()["status"] == "COMPLETED"


def test_duplicates_through_the_api_and_the_raw_queue_change_nothing(cluster: Cluster) -> None:
    worker = cluster.worker()
    with cluster.api() as http:
        launched = launch_scenario(http, 1024, "manual")
        tournament_id, task_id = launched["tournament_id"], launched["task_id"]
        assert poll_until_finished(http, tournament_id, task_id)["status"] == "done", cluster.logs()
        before = {s["id"] for s in all_sessions(http, tournament_id)}
        again = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
        assert again.status_code == 409
        assert "already generated" in again.json()["detail"]

        app = make_celery(cluster.settings)
        app.send_task(  # a duplicate of this database's message: a no-op
            "bracketry.generate_sessions",
            args=[tournament_id],
            kwargs={"job_id": task_id, "instance_id": _instance(cluster)},
            queue=cluster.settings.queue_name,
        )
        app.send_task(  # naming no job nor database: dropped, never a new job
            "bracketry.generate_sessions", args=[tournament_id], queue=cluster.settings.queue_name
        )
        deadline = time.monotonic() + 30
        while worker.output().count("succeeded in") < 3:
            assert time.monotonic() < deadline, cluster.logs()
            time.sleep(0.1)
        assert "'status': 'dropped', 'error': 'no database named'" in worker.output()
        after = {s["id"] for s in all_sessions(http, tournament_id)}
        assert after == before and len(after) == 1024
        status = http.get(f"{API}/tournaments/{tournament_id}/generation-status/{task_id}").json()
        assert status["status"] == "done" and status["attempts"] == 1


def _instance(cluster: Cluster) -> str:
    database = cluster.database()
    instance = jobs.instance_of(database=database)
    database.dispose()
    return instance


def _jobs(cluster: Cluster, tournament_id: int) -> list[tuple]:
    database = cluster.database()
    with database.read() as db:
        rows = db.query(Job).filter(Job.tournament_id == tournament_id).all()
        found = [(j.id, j.status, j.attempts, j.started_at, j.finished_at) for j in rows]
    database.dispose()
    return found


def test_a_duplicate_task_returns_the_finished_job_without_generating_again(
    cluster: Cluster,
) -> None:
    """(How fast a duplicate returns is a benchmark figure, not a test assertion.)"""
    cluster.worker()
    with cluster.api() as http:
        launched = launch_scenario(http, 1024, "manual")
        tournament_id, task_id = launched["tournament_id"], launched["task_id"]
        assert poll_until_finished(http, tournament_id, task_id)["status"] == "done"
        sessions = {s["id"] for s in all_sessions(http, tournament_id)}
        before = _jobs(cluster, tournament_id)
        task = register(make_celery(cluster.settings), cluster.settings)
        message = {"job_id": task_id, "instance_id": _instance(cluster)}
        outcome = task.apply(args=[tournament_id], kwargs=message).get()
        assert outcome == {"job_id": task_id, "status": "done", "sessions_count": 1024}
        assert _jobs(cluster, tournament_id) == before  # not started again, not a new job
        assert before[0][1:3] == ("done", 1)
        assert {s["id"] for s in all_sessions(http, tournament_id)} == sessions
