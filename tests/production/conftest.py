"""Fixtures of the production path: PostgreSQL, a private Redis, the API and Celery workers."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bracketry.settings import Settings
from bracketry.store.database import Database
from tests.conftest import ADMIN_TOKEN, AUTH, fresh_pg_database, service_missing
from tests.production.processes import (
    PrivatePostgres,
    Process,
    free_port,
    start_api,
    start_redis,
    start_worker,
)


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the latest schema."""
    with fresh_pg_database(pg_template) as url:
        yield url


class RedisServer:
    """A private Redis that a test may stop and start again on the same port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: Process | None = None

    def start(self) -> None:
        """Start (or restart) it."""
        self.process = start_redis(self.folder, self.port)

    def stop(self) -> None:
        """Stop it."""
        if self.process is not None:
            self.process.stop()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis for this test (so stopping it disturbs nobody)."""
    server = RedisServer(tmp_path)
    try:
        server.start()
    except RuntimeError as error:
        service_missing("redis-server", error)
    yield server
    server.stop()


@pytest.fixture
def prod_settings(pg_url: str, redis_server: RedisServer) -> Settings:
    """Settings of the production path, tuned so faults are noticed within seconds."""
    return Settings(
        database_url=pg_url,
        admin_token=ADMIN_TOKEN,
        broker_url=f"redis://127.0.0.1:{redis_server.port}/0",
        queue_name=f"tournaments-{uuid.uuid4().hex[:8]}",
        task_rate_limit=None,
        task_retry_delay_s=1.0,
        heartbeat_interval_s=0.5,
        stale_after_s=3.0,
        worker_check_ttl_s=0.0,
    )


class Cluster:
    """The API and workers of one test, stopped at the end."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self.settings = settings
        self.folder = folder
        self.processes: list[Process] = []
        self.api_url = ""

    def api(self) -> httpx.Client:
        """Start the API (once) and return a client authorised as admin."""
        if not self.api_url:
            process, self.api_url = start_api(self.settings, self.folder)
            self.processes.append(process)
        return httpx.Client(base_url=self.api_url, headers=AUTH, timeout=60)

    def worker(
        self, name: str = "worker", concurrency: int = 2, env: dict[str, str] | None = None
    ) -> Process:
        """Start a Celery worker (``env``: extra variables, such as a test hook)."""
        process = start_worker(self.settings, self.folder, name, concurrency, env)
        self.processes.append(process)
        return process

    def database(self) -> Database:
        """A handle on the test's database."""
        return Database(self.settings.database_url)

    def logs(self) -> str:
        """Every process's output, for failure messages."""
        return "\n".join(f"--- {p.name}\n{p.output()[-4000:]}" for p in self.processes)

    def stop(self) -> None:
        """Stop every process."""
        for process in reversed(self.processes):
            process.stop()


@pytest.fixture
def cluster(prod_settings: Settings, tmp_path: Path) -> Iterator[Cluster]:
    """API and workers on PostgreSQL and the private Redis."""
    group = Cluster(prod_settings, tmp_path)
    yield group
    group.stop()


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of this test's own (so restarting it disturbs nobody)."""
    try:
        server = PrivatePostgres()
        server.start()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        service_missing("a private PostgreSQL cluster", error)
    yield server
    server.destroy()
