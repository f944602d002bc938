"""Faults on the production path with real processes: a killed worker, many launches, no Redis."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, text

from bracketry.jobs.tasks import PAUSE_AT, PAUSE_S
from bracketry.store.models import Job, Match
from tests.api.helpers import API, launch_scenario, poll_until_finished
from tests.production.conftest import Cluster, RedisServer
from tests.production.setup import closed_tournament

BIG = 1 << 16
PAUSE_IN_THE_WRITE = {PAUSE_AT: "commit", PAUSE_S: "300"}
"""The worker pauses with the bracket's rows written and not committed, where it is killed."""


def _matches(cluster: Cluster, tournament_id: int) -> int:
    database = cluster.database()
    with database.read() as db:
        count = db.execute(
            select(func.count()).select_from(Match).where(Match.tournament_id == tournament_id)
        ).scalar_one()
    database.dispose()
    return count


def _job(cluster: Cluster, job_id: str) -> Job:
    database = cluster.database()
    with database.read() as db:
        job = db.get(Job, job_id)
    database.dispose()
    assert job is not None
    return job


def _written_bytes(cluster: Cluster) -> int:
    """Bytes of the match table on disk: rows written by an open transaction count too."""
    database = cluster.database()
    with database.read() as db:
        size = db.execute(text("SELECT pg_relation_size('matches')")).scalar_one()
    database.dispose()
    return size


def test_a_worker_killed_mid_generation_is_replaced_and_the_job_completes_once(
    cluster: Cluster,
) -> None:
    database = cluster.database()
    tournament_id = closed_tournament(database, BIG)
    database.dispose()
    first = cluster.worker("worker-1", concurrency=1, env=PAUSE_IN_THE_WRITE)
    with cluster.api() as http:
        answer = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
        assert answer.status_code == 202, answer.text
        task_id = answer.json()["task_id"]
        deadline = time.monotonic() + 120
        while _job(cluster, task_id).db_write_ms is None:  # the worker's "rows written" mark
            assert _job(cluster, task_id).status in ("queued", "running"), cluster.logs()
            assert time.monotonic() < deadline, cluster.logs()
            time.sleep(0.05)
        assert _written_bytes(cluster) > 0 and _matches(cluster, tournament_id) == 0
        first.kill_hard()  # inside the bracket write: rows written, transaction open
        killed = _job(cluster, task_id)
        assert (killed.status, killed.attempts, killed.finished_at) == ("running", 1, None)
        assert killed.engine_ms is not None and killed.db_write_ms is not None
        assert "pausing" in first.output()
        assert _matches(cluster, tournament_id) == 0, "a partial bracket became visible"
        visible = http.get(
            f"{API}/tournaments/{tournament_id}/sessions", params={"limit": 1}
        ).json()
        assert visible["total"] == 0

        cluster.worker("worker-2", concurrency=1)
        done = poll_until_finished(http, tournament_id, task_id, timeout_s=180)
        assert done["status"] == "done", cluster.logs()
        assert done["attempts"] == 2
        assert done["sessions_count"] == BIG
        assert _matches(cluster, tournament_id) == BIG


def test_twenty_concurrent_launches_on_four_worker_processes_all_complete(cluster: Cluster) -> None:
    cluster.worker("worker-a", concurrency=2)
    cluster.worker("worker-b", concurrency=2)
    with cluster.api() as http:

        def launch(seed: int) -> dict:
            return launch_scenario(http, 1024, "auto", seed)

        with ThreadPoolExecutor(max_workers=20) as pool:
            launched = list(pool.map(launch, range(20)))
        assert len({t["tournament_id"] for t in launched}) == 20
        for item in launched:
            job = poll_until_finished(http, item["tournament_id"], item["task_id"], timeout_s=180)
            assert job["status"] == "done", (job, cluster.logs())
            tournament = http.get(f"{API}/tournaments/{item['tournament_id']}").json()
            assert tournament["status"] == "COMPLETED"
            assert tournament["matches"] == {
                "total": 1024,
                "locked": 0,
                "waiting": 0,
                "ready": 0,
                "running": 0,
                "completed": 1024,
            }


def test_without_redis_async_requests_get_503_and_work_again_when_it_returns(
    cluster: Cluster, redis_server: RedisServer
) -> None:
    database = cluster.database()
    tournament_id = closed_tournament(database, 256)
    database.dispose()
    cluster.worker()
    with cluster.api() as http:
        redis_server.stop()
        refused = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
        assert refused.status_code == 503, refused.text
        assert "broker" in refused.json()["detail"]
        read = http.get(f"{API}/tournaments/{tournament_id}")
        assert read.status_code == 200
        assert read.json()["status"] == "ENROLLMENT_CLOSED"
        assert read.json()["sessions_generated"] is False
        assert _matches(cluster, tournament_id) == 0
        assert http.get("/health/ready").status_code == 503

        redis_server.start()
        accepted = http.post(f"{API}/tournaments/{tournament_id}/generate-sessions")
        assert accepted.status_code == 202, accepted.text
        job = poll_until_finished(http, tournament_id, accepted.json()["task_id"], timeout_s=120)
        assert job["status"] == "done", cluster.logs()
        assert _matches(cluster, tournament_id) == 256
