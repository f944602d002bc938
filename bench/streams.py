"""What open live streams cost the rest of the API: plain reads with 0, 200 and 500 streams.

Serves the app with uvicorn in a process of its own (SQLite in a temporary folder by
default; ``--postgresql`` uses a fresh database on ``BRACKETRY_TEST_PG``), plays a
1024-player knockout to the end of its results (left IN_PROGRESS, so streams stay open),
opens N Server-Sent Events streams on it from 127.0.0.1 (the per-client cap raised for the
benchmark) and, once they are idle, counts the server's database queries per second and
times ``--requests`` plain ``GET /api/v1/tournaments/{id}`` one after another.
Prints one JSON line per N.
Usage: python -m bench.streams [--streams 0,200,500] [--requests 50] [--postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

from bench import served

TOKEN = "bench-token"
PLAYERS = 1024
IDLE_S = 5.0
SETTLE_S = 3.0
MAX_TIMED_S = 120.0
OPEN_TIMEOUT_S = 300.0
PG_SERVER = os.environ.get("BRACKETRY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def serve(url: str, port: int) -> None:
    """Serve the app on ``port`` with a query counter at ``/bench/queries`` (every cursor
    execution of every engine in this process)."""
    import uvicorn
    from sqlalchemy import Engine, event

    from bracketry.api.app import create_app
    from bracketry.settings import Settings

    counted = [0]

    def count(*_: object) -> None:
        counted[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    settings = Settings(
        database_url=url, admin_token=TOKEN, max_streams=10_000, max_streams_per_client=10_000
    )
    app = create_app(settings)
    app.add_api_route("/bench/queries", lambda: {"queries": counted[0]}, methods=["GET"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """This benchmark's server in a process of its own, once it answers."""
    return served.start_server("bench.streams", url)


def set_up(http: httpx.Client) -> int:
    """A 1024-player knockout with every result played, still IN_PROGRESS; its id."""
    launched = http.post(
        "/tournaments/ops/run-scenario",
        json={"player_count": PLAYERS, "confirmed": True, "simulation_mode": "manual"},
    )
    launched.raise_for_status()
    tid, task = launched.json()["tournament_id"], launched.json()["task_id"]
    while http.get(f"/tournaments/{tid}/generation-status/{task}").json()["status"] not in (
        "done",
        "failed",
    ):
        time.sleep(0.05)
    http.post(f"/tournaments/{tid}/simulate-results").raise_for_status()
    return tid


class Streams:
    """Server-Sent Events streams held open by an event loop in a thread of their own."""

    def __init__(self, port: int, tournament_id: int) -> None:
        self.port = port
        self.path = f"/api/v1/tournaments/{tournament_id}/events"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.tasks: list[asyncio.Future[None]] = []
        self.writers: list[asyncio.StreamWriter] = []
        self.snapshots = 0
        self.refused = 0
        self.opened = 0

    async def _hold(self, opened: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writers.append(writer)
        writer.write(f"GET {self.path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            self.refused += 1
            opened.set()
            return
        while chunk := await reader.read(65536):
            self.snapshots += chunk.count(b"event: snapshot")
            if self.snapshots and not opened.is_set():
                self.opened += 1
                opened.set()

    async def _open(self, count: int) -> None:
        waits = []
        for _ in range(count):
            opened = asyncio.Event()
            self.tasks.append(asyncio.ensure_future(self._hold(opened)))
            waits.append(opened.wait())
        with contextlib.suppress(TimeoutError):  # measured with those that did open
            await asyncio.wait_for(asyncio.gather(*waits), timeout=OPEN_TIMEOUT_S)

    def open(self, count: int) -> None:
        """Open ``count`` more streams; returns once each has its first snapshot (or after
        :data:`OPEN_TIMEOUT_S`)."""
        asyncio.run_coroutine_threadsafe(self._open(count), self.loop).result()

    async def _close(self) -> None:
        for writer in self.writers:
            writer.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks, self.writers = [], []
        self.opened = self.refused = 0

    def close(self) -> None:
        """Close every stream."""
        asyncio.run_coroutine_threadsafe(self._close(), self.loop).result()


def queries(base: str) -> int:
    return httpx.get(f"{base}/bench/queries").json()["queries"]


def measure(base: str, http: httpx.Client, tid: int, streams: int, requests: int) -> dict:
    """Idle queries per second, then the latency of plain reads."""
    before, start = queries(base), time.perf_counter()
    time.sleep(IDLE_S)
    idle_qps = (queries(base) - before) / (time.perf_counter() - start)
    times: list[float] = []
    began = time.perf_counter()
    while len(times) < requests and time.perf_counter() - began < MAX_TIMED_S:
        start = time.perf_counter()
        http.get(f"/tournaments/{tid}").raise_for_status()
        times.append(time.perf_counter() - start)
    times.sort()
    return {
        "bench": "streams_plain_get",
        "streams": streams,
        "requests": len(times),
        "get_median_ms": round(statistics.median(times) * 1000, 1),
        "get_p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)] * 1000, 1),
        "idle_queries_per_s": round(idle_qps, 1),
    }


def run(url: str, levels: list[int], requests: int) -> None:
    process, base = start_server(url)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=120) as http:
            tid = set_up(http)
            streams = Streams(int(base.rsplit(":", 1)[1]), tid)
            for level in levels:
                streams.open(level)
                time.sleep(SETTLE_S)
                figures = measure(base, http, tid, level, requests)
                backend = url.split(":", 1)[0].split("+")[0]
                figures.update(backend=backend, opened=streams.opened, refused=streams.refused)
                print(json.dumps(figures), flush=True)
                streams.close()
                time.sleep(SETTLE_S)
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    """Print one JSON line per stream count."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--streams", default="0,200,500")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    levels = [int(n) for n in args.streams.split(",")]
    if not args.postgresql:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'streams.db'}", levels, args.requests)
        return
    import psycopg

    name = f"bracketry_bench_{uuid.uuid4().hex[:12]}"
    admin = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        run(f"{PG_SERVER}/{name}", levels, args.requests)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
