"""PostgreSQL restarted under load: requests fail cleanly (503) and everything recovers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bracketry.settings import Settings
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade
from tests.api.helpers import API, launch_scenario, poll_until_finished
from tests.conftest import ADMIN_TOKEN
from tests.production.conftest import Cluster, RedisServer
from tests.production.processes import PrivatePostgres

LAUNCHES = 6


@pytest.fixture
def restart_cluster(
    private_pg: PrivatePostgres, redis_server: RedisServer, tmp_path: Path
) -> Iterator[Cluster]:
    """API and a worker on the private PostgreSQL, retrying transient failures quickly."""
    database = Database(private_pg.url)
    upgrade(database.engine)
    database.dispose()
    settings = Settings(
        database_url=private_pg.url,
        admin_token=ADMIN_TOKEN,
        broker_url=f"redis://127.0.0.1:{redis_server.port}/0",
        queue_name="tournaments-restart",
        task_rate_limit=None,
        task_max_retries=5,
        task_retry_delay_s=1.0,
        heartbeat_interval_s=0.5,
        stale_after_s=3.0,
        worker_check_ttl_s=0.0,
    )
    group = Cluster(settings, tmp_path)
    yield group
    group.stop()


def test_requests_fail_cleanly_during_a_restart_and_the_service_recovers(
    restart_cluster: Cluster, private_pg: PrivatePostgres
) -> None:
    cluster = restart_cluster
    cluster.worker(concurrency=2)
    with cluster.api() as http:

        def launch(seed: int) -> dict:
            return launch_scenario(http, 4096, "auto", seed)

        with ThreadPoolExecutor(max_workers=LAUNCHES) as pool:
            launched = list(pool.map(launch, range(LAUNCHES)))
        private_pg.stop()
        during = http.get(f"{API}/tournaments/{launched[0]['tournament_id']}")
        assert during.status_code == 503, during.text
        assert "database is unreachable" in during.json()["detail"]
        refused = http.post(f"{API}/tournaments", json={"name": "During the outage"})
        assert refused.status_code == 503, refused.text
        time.sleep(2.0)
        private_pg.start()

        deadline = time.monotonic() + 30
        while http.get(f"{API}/tournaments", params={"limit": 1}).status_code != 200:
            assert time.monotonic() < deadline, cluster.logs()
            time.sleep(0.2)
        for item in launched:
            job = poll_until_finished(http, item["tournament_id"], item["task_id"], timeout_s=120)
            assert job["status"] == "done", (job, cluster.logs())
            tournament = http.get(f"{API}/tournaments/{item['tournament_id']}").json()
            assert tournament["status"] == "COMPLETED"
            assert tournament["matches"]["total"] == tournament["matches"]["completed"] == 4096
        after = launch(99)
        job = poll_until_finished(http, after["tournament_id"], after["task_id"], timeout_s=60)
        assert job["status"] == "done", cluster.logs()
        names = [
            t["name"] for t in http.get(f"{API}/tournaments", params={"limit": 500}).json()["items"]
        ]
        assert "During the outage" not in names
