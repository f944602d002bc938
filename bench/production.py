"""Benchmarks of the production path: PostgreSQL (COPY) and Celery workers on Redis.

1. Raw COPY rate into a table shaped like ``matches`` vs. the bracket write of a
   2^20-player generation, in the same run (target: at least half the raw rate).
2. The whole 2^20-player lifecycle on PostgreSQL (target: <= 60 s, peak RSS <= 2 GB).
3. The 1024-player lifecycle through the HTTP API with a Celery worker, default settings
   (target: <= 0.3 s for every launch of a series of 20: ``--http-runs 20``, see ``max_s``).
4. Throughput: 1024-player generations per minute with 1, 2 and 4 worker processes.

Needs PostgreSQL (``BRACKETRY_TEST_PG``, default postgresql+psycopg://postgres@127.0.0.1:5432)
and Redis (``BRACKETRY_BENCH_REDIS``, default redis://127.0.0.1:6379/0).
Usage: python -m bench.production [--players 1048576] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from sqlalchemy import MetaData

from bench.http_lifecycle import measure
from bracketry.benchmark import lifecycle_run
from bracketry.engine.formats import knockout
from bracketry.jobs.celery_queue import CeleryQueue
from bracketry.service.bracket_state import MATCH_COLUMNS, match_columns
from bracketry.settings import Settings
from bracketry.store.bulk import insert_columns
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade
from bracketry.store.models import Job, Match
from tests.conftest import pg_admin
from tests.production.processes import start_api, start_worker
from tests.production.setup import closed_tournament

PG = os.environ.get("BRACKETRY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BRACKETRY_BENCH_REDIS", "redis://127.0.0.1:6379/0")
TOKEN = "bench-token"


def fresh_database() -> str:
    """A new, migrated PostgreSQL database for one benchmark."""
    name = f"bracketry_bench_{uuid.uuid4().hex[:10]}"
    pg_admin(f"CREATE DATABASE {name}")
    url = f"{PG}/{name}"
    database = Database(url)
    upgrade(database.engine)
    database.dispose()
    return url


def drop_database(url: str) -> None:
    """Drop a benchmark database."""
    pg_admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def raw_copy_rate(url: str, players: int) -> dict[str, object]:
    """COPY the rows of a ``players`` bracket into a plain copy of ``matches`` (same columns,
    primary key and unique index), timed from ready-made columns like generation's write."""
    bracket = knockout.generate(players)
    ids = np.arange(1, bracket.match_count + 1)
    columns = match_columns(bracket, ids=ids, tournament_id=1, player_ids=np.arange(1, players + 1))
    database = Database(url)
    with database.write() as db:
        conn = db.connection()
        conn.exec_driver_sql("CREATE TABLE raw_matches (LIKE matches INCLUDING ALL)")
        table = Match.__table__.to_metadata(MetaData(), name="raw_matches")
        start = time.perf_counter()
        insert_columns(conn, table, MATCH_COLUMNS, columns)
        seconds = time.perf_counter() - start
    database.dispose()
    return {
        "bench": "pg_raw_copy",
        "rows": int(ids.size),
        "seconds": round(seconds, 3),
        "rows_per_s": round(ids.size / seconds),
    }


def big_lifecycle(url: str, players: int) -> dict[str, object]:
    """The whole lifecycle on PostgreSQL through the service layer."""
    database = Database(url)
    figures = lifecycle_run(database, players)
    database.dispose()
    sessions = figures["sessions"]
    figures["generate_rows_per_s"] = round(sessions / (figures["generate_db_write_ms"] / 1000.0))
    return figures


def settings_for(url: str, folder: Path) -> Settings:
    """Production-path settings on ``url`` with a queue of the benchmark's own; every other
    setting (the task rate limit among them) at its default."""
    return Settings(
        database_url=url,
        admin_token=TOKEN,
        broker_url=REDIS,
        queue_name=f"bench-{uuid.uuid4().hex[:8]}",
    )


def http_lifecycle(runs: int) -> dict[str, object]:
    """Median wall time of the 1024-player auto lifecycle through the API and a worker."""
    url = fresh_database()
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(url, Path(tmp))
        worker = start_worker(settings, Path(tmp), "worker", concurrency=2)
        api, base = start_api(settings, Path(tmp))
        try:
            return measure(base, TOKEN, runs, "http_lifecycle_celery_pg")
        finally:
            api.stop()
            worker.stop()
            drop_database(url)


def throughput(processes: int, tournaments: int) -> dict[str, object]:
    """1024-player generations per minute with ``processes`` worker processes."""
    url = fresh_database()
    database = Database(url)
    ids = [closed_tournament(database, 1024, seed) for seed in range(tournaments)]
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(url, Path(tmp))
        worker = start_worker(settings, Path(tmp), "worker", concurrency=processes)
        queue = CeleryQueue(settings)
        from bracketry.schemas.job import GenerationCreate
        from bracketry.service import jobs

        start = time.perf_counter()
        for tournament_id in ids:
            jobs.request(
                database=database,
                queue=queue,
                tournament_id=tournament_id,
                options=GenerationCreate(),
                threshold=2,
            )
        while True:
            with database.read() as db:
                done = db.query(Job).filter(Job.status.in_(("done", "failed"))).count()
            if done == len(ids):
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        worker.stop()
    database.dispose()
    drop_database(url)
    return {
        "bench": "celery_throughput",
        "worker_processes": processes,
        "generations": tournaments,
        "seconds": round(seconds, 2),
        "per_minute": round(tournaments / seconds * 60),
    }


def main() -> None:
    """Run the production-path benchmarks and print JSON lines."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--players", type=int, default=1 << 20)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--generations", type=int, default=40)
    parser.add_argument("--http-runs", type=int, default=5)
    args = parser.parse_args()
    url = fresh_database()
    try:
        print(json.dumps(raw_copy_rate(url, args.players)), flush=True)
        print(json.dumps(big_lifecycle(url, args.players)), flush=True)
    finally:
        drop_database(url)
    print(json.dumps(http_lifecycle(args.http_runs)), flush=True)
    for processes in args.workers:
        print(json.dumps(throughput(processes, args.generations)), flush=True)


if __name__ == "__main__":
    main()
