"""Load: concurrent clients report every result of a 16,384-player knockout on PostgreSQL.

The API runs as uvicorn in its own process (2 worker processes by default, the app built by
``create_app`` from ``BRACKETRY_*`` variables; see :func:`serve` for why the benchmark binds
the listening socket itself) on a fresh PostgreSQL database, with the in-process worker for
generation. Two tournaments with the same 16,384 players (names
P00001..., ratings falling with the number) are set up through the API, knockout with the
third-place match: 16,384 matches.

1. Multi-client: 50 threads, each with its own keep-alive connection, take playable matches from one
   shared queue and POST their results. The queue starts with the ready list (GET sessions
   ?status=ready) and is fed from the answers: each names the matches its winner (and, from a
   semi-final, its loser) moves to, and a match is queued once both its players are known.
2. Single-client: the same on the second tournament with one client.
3. Both are ranked; the rankings (player name to rank) must be equal.

Every match's winner is fixed up front from the two players' names (a seeded RNG keyed by the
pair: the higher-rated wins 70 % of pairings), so the order of reporting cannot change it.
Latency is per POST as the client sees it. During each run the CPU time of the uvicorn
processes, of PostgreSQL, of this process and of the whole machine (other processes share it)
is taken, and pg_stat_activity of the benchmark's database is sampled every 20 ms: how many of
its backends, on average, are on the CPU, waiting for a lock, on I/O, or idle in a transaction
(the app working between two statements while it holds the transaction, and its locks, open).
Nothing here checks a target (the issue's is >= 1,000 results/s on one 2-core machine).

Needs PostgreSQL (``BRACKETRY_TEST_PG``, default postgresql+psycopg://postgres@127.0.0.1:5432).
With ``--batch N`` the multi-client run posts up to N playable results per request to the
batch route (``POST /tournaments/{id}/results``) instead of one per request.

Usage: python -m bench.load [--players 16384] [--clients 50] [--workers 2] [--batch 1]
       [--stock-uvicorn]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psutil
import psycopg

from bracketry.api.app import prepare
from bracketry.service import tokens
from bracketry.settings import Settings
from tests.production.processes import Process, environment, free_port

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BRACKETRY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
TOKEN = "bench-token"
API = "/api/v1"
POLL_S = 0.01
START_TIMEOUT_S = 60.0
STALL_S = 120.0
SAMPLE_S = 0.02
FAVOURITE_WINS = 0.7

Player = tuple[int, str]
"""A player in one tournament: id and name."""


def pg_admin(sql: str) -> None:
    """Run one statement outside a transaction on the server's maintenance database."""
    server = PG.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def fresh_database() -> str:
    """A new PostgreSQL database, migrated, with the admin token and JWT secret in place (so
    the uvicorn workers, starting together, find everything ready)."""
    name = f"bracketry_load_{uuid.uuid4().hex[:10]}"
    pg_admin(f"CREATE DATABASE {name}")
    url = f"{PG}/{name}"
    try:
        database, _, _ = prepare(Settings(database_url=url, admin_token=TOKEN))
        with database.write() as db:
            tokens.ensure_secret(db=db, configured=None)
        database.dispose()
    except Exception:
        drop_database(url)
        raise
    return url


def drop_database(url: str) -> None:
    """Drop the benchmark's database."""
    pg_admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def serve(port: int, workers: int) -> None:
    """Serve the app from the environment's settings: uvicorn with ``workers`` processes on a
    listening socket bound here, the way ``uvicorn --workers`` binds it but created with
    ``IPPROTO_TCP``: on a socket uvicorn binds itself (proto 0) asyncio does not set
    TCP_NODELAY on the accepted connections, and every keep-alive request then waits ~40 ms
    for the client's delayed ACK (uvicorn issue #3149; the single-process path is not hit)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "bracketry.api.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.set_inheritable(True)
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


def start_server(url: str, folder: Path, workers: int, stock: bool) -> tuple[Process, str]:
    """The API in a process of its own with ``workers`` uvicorn workers: by :func:`serve`, or
    with ``stock`` by ``python -m uvicorn --workers`` as it comes."""
    port = free_port()
    if stock:
        args = [sys.executable, "-m", "uvicorn", "bracketry.api.app:create_app", "--factory"]
        args += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
        args += ["--log-level", "warning", "--no-access-log"]
    else:
        args = [sys.executable, "-c", f"from bench.load import serve; serve({port}, {workers})"]
    env = environment(Settings(database_url=url, admin_token=TOKEN))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    server = Process("api", args, env, folder / f"api-{workers}.log").start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if not server.alive() or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"uvicorn did not start:\n{server.output()[-3000:]}")
        time.sleep(0.1)
    return server, base


def server_processes(server: Process) -> list[psutil.Process]:
    """The uvicorn process and its children (the workers)."""
    assert server.popen is not None
    try:
        root = psutil.Process(server.popen.pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def postgres_processes() -> list[psutil.Process]:
    """Every PostgreSQL server process on the machine (other databases' work included)."""
    return [p for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres",)]


def cpu_by_pid(processes: list[psutil.Process]) -> dict[int, float]:
    """User + system CPU seconds of each of ``processes`` still alive."""
    seconds = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        seconds[process.pid] = times.user + times.system
    return seconds


class CpuMeter:
    """CPU seconds spent during a run by the uvicorn processes, by PostgreSQL (backends that
    start during the run count from zero), by this process, and by the whole machine."""

    def __init__(self, server: Process) -> None:
        self.server = server

    def _take(self) -> tuple[dict[int, float], dict[int, float], float, float]:
        me = psutil.Process().cpu_times()
        machine = psutil.cpu_times()
        busy = machine.user + machine.nice + machine.system + machine.irq + machine.softirq
        return (
            cpu_by_pid(server_processes(self.server)),
            cpu_by_pid(postgres_processes()),
            me.user + me.system,
            busy + getattr(machine, "steal", 0.0),
        )

    def __enter__(self) -> CpuMeter:
        self.before = self._take()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.start
        self.after = self._take()

    def figures(self, results: int) -> dict[str, object]:
        """CPU seconds by party, cores busy on average, and uvicorn CPU ms per result."""

        def grown(before: dict[int, float], after: dict[int, float]) -> float:
            return sum(value - before.get(pid, 0.0) for pid, value in after.items())

        uvicorn = grown(self.before[0], self.after[0])
        postgres = grown(self.before[1], self.after[1])
        bench = self.after[2] - self.before[2]
        machine = self.after[3] - self.before[3]
        return {
            "cpu_s": {
                "uvicorn": round(uvicorn, 1),
                "postgres_all": round(postgres, 1),
                "bench_clients": round(bench, 1),
                "machine": round(machine, 1),
                "other_processes": round(machine - uvicorn - postgres - bench, 1),
            },
            "machine_busy_cores": round(machine / self.wall, 2),
            "uvicorn_cpu_ms_per_result": round(uvicorn / max(results, 1) * 1000, 2),
        }


def _ok(answer: httpx.Response, code: int) -> Any:
    if answer.status_code != code:
        raise RuntimeError(f"{answer.request.method} {answer.request.url}: {answer.text[:500]}")
    return answer.json()


def entries(players: int) -> list[dict[str, object]]:
    """The same players for every tournament: P00001 is the highest rated."""
    return [{"name": f"P{i:05d}", "rating": 9_000 - i / 2} for i in range(1, players + 1)]


def winner_of(a: Player, b: Player) -> tuple[Player, Player]:
    """Winner and loser of ``a`` against ``b``, fixed by their names alone."""
    favourite, underdog = sorted((a, b), key=lambda player: player[1])
    upset = random.Random(f"{favourite[1]}|{underdog[1]}").random() >= FAVOURITE_WINS
    return (underdog, favourite) if upset else (favourite, underdog)


def ready_tournament(http: httpx.Client, name: str, players: int) -> tuple[int, int, list[Any]]:
    """A generated knockout (third place on): its id, match count and ready sessions."""
    created = http.post(
        "/tournaments",
        json={"name": name, "format": "knockout", "config": {"third_place": True}},
    )
    tid = _ok(created, 201)["id"]
    status_url = f"/tournaments/{tid}/status"
    _ok(http.post(status_url, json={"status": "ENROLLMENT_OPEN"}), 200)
    _ok(http.post(f"/tournaments/{tid}/enrollments", json={"players": entries(players)}), 201)
    _ok(http.post(status_url, json={"status": "ENROLLMENT_CLOSED"}), 200)
    accepted = _ok(http.post(f"/tournaments/{tid}/generate-sessions"), 202)
    task_url = f"/tournaments/{tid}/generation-status/{accepted['task_id']}"
    while (job := _ok(http.get(task_url), 200))["status"] not in ("done", "failed"):
        time.sleep(POLL_S)
    if job["status"] != "done":
        raise RuntimeError(f"generation failed: {job}")
    ready: list[Any] = []
    offset: int | None = 0
    while offset is not None:
        params = {"status": "ready", "limit": 10_000, "offset": offset}
        page = _ok(http.get(f"/tournaments/{tid}/sessions", params=params), 200)
        ready.extend(page["items"])
        offset = page["next_offset"]
    matches = _ok(http.get(f"/tournaments/{tid}"), 200)["matches"]["total"]
    return tid, matches, ready


@dataclass
class Reporting:
    """The shared work of one run: playable matches, the players seen arriving in the
    matches that are not playable yet, and what the clients measured."""

    base: str
    tournament_id: int
    players: int
    matches: int
    clients: int
    batch: int = 1
    work: queue.Queue[tuple[int, Player, Player] | None] = field(default_factory=queue.Queue)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: dict[int, list[Player | None]] = field(default_factory=dict)
    decided: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    failure: str | None = None

    def feed(self, sessions: list[Any]) -> None:
        """Queue the sessions of the ready list."""
        for item in sessions:
            a, b = ((p["player_id"], p["name"]) for p in item["participants"])
            self.work.put((item["id"], a, b))

    def finish(self, failure: str | None = None) -> None:
        """Stop every client (with the first failure, if any)."""
        if failure is not None and self.failure is None:
            self.failure = failure
        for _ in range(self.clients):
            self.work.put(None)

    def arrive(self, link: dict[str, int] | None, player: Player) -> None:
        """``player`` moves to ``link``; queue its match when both players are there
        (called under the lock)."""
        if link is None:
            return
        slots = self.arrived.setdefault(link["match_id"], [None, None])
        slots[link["slot"]] = player
        if slots[0] is not None and slots[1] is not None:
            del self.arrived[link["match_id"]]
            self.work.put((link["match_id"], slots[0], slots[1]))

    def take(self) -> tuple[list[tuple[int, Player, Player]], bool]:
        """The next playable matches for one request (up to ``batch``, waiting for the
        first) and whether the client is told to stop after them."""
        try:
            first = self.work.get(timeout=STALL_S)
        except queue.Empty:
            self.finish(f"no playable match for {STALL_S} s")
            return [], True
        if first is None:
            return [], True
        items = [first]
        while len(items) < self.batch:
            try:
                more = self.work.get_nowait()
            except queue.Empty:
                break
            if more is None:
                return items, True
            items.append(more)
        return items, False

    def client(self) -> None:
        """One client: report results until told to stop, one per request (or up to
        ``batch`` per request to the batch route). It speaks HTTP/1.1 keep-alive through
        the standard library's ``http.client``: the clients share the machine with the
        server, and a lighter client leaves more of it to the server (httpx costs about five
        times as much CPU per request)."""
        latencies: list[float] = []
        address = urlsplit(self.base)
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        base = f"{API}/tournaments/{self.tournament_id}"
        try:
            stop = False
            while not stop:
                items, stop = self.take()
                if not items:
                    break
                played = [(match_id, *winner_of(a, b)) for match_id, a, b in items]
                if self.batch == 1:
                    url = f"{base}/sessions/{played[0][0]}/result"
                    payload: Any = {"winner_id": played[0][1][0]}
                else:
                    url = f"{base}/results"
                    results = [{"session_id": m, "winner_id": w[0]} for m, w, _ in played]
                    payload = {"results": results}
                start = time.perf_counter()
                try:
                    conn.request("POST", url, body=json.dumps(payload).encode(), headers=headers)
                    answer = conn.getresponse()
                    text = answer.read()
                except OSError as error:
                    self.finish(f"POST {url}: {error!r}")
                    break
                latencies.append(time.perf_counter() - start)
                with self.lock:
                    self.statuses[answer.status] += len(played)
                if answer.status != 200:
                    self.finish(f"POST {url}: {answer.status} {text[:300]!r}")
                    break
                data = json.loads(text)
                sessions = [data] if self.batch == 1 else data["items"]
                with self.lock:
                    for (_, winner, loser), session in zip(played, sessions, strict=True):
                        self.arrive(session["winner_to"], winner)
                        self.arrive(session["loser_to"], loser)
                    self.decided += len(played)
                    if self.decided == self.matches:
                        self.finish()
        finally:
            conn.close()
        with self.lock:
            self.latencies.extend(latencies)

    def run(self) -> float:
        """Run the clients until every match is decided; the wall time in seconds."""
        threads = [threading.Thread(target=self.client) for _ in range(self.clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
        if self.failure is not None:
            raise RuntimeError(self.failure)
        return wall


class ActivitySampler:
    """Samples what the backends of one database do, every ``SAMPLE_S``."""

    QUERY = (
        "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self.database = url.rsplit("/", 1)[1]
        self.counts: Counter[str] = Counter()
        self.samples = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def kind(state: str | None, wait_type: str | None, wait: str | None) -> str | None:
        """What one backend is doing, in a few words (None: idle, not in a transaction)."""
        if state == "active":
            if wait_type is None:
                return "active_cpu"
            if wait_type == "Lock":
                return f"lock_wait_{wait}"
            return f"{wait_type}_{wait}"
        if state and state.startswith("idle in transaction"):
            return "idle_in_transaction"
        return None

    def _loop(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(self.QUERY, (self.database,)).fetchall()
                self.samples += 1
                for row in rows:
                    kind = self.kind(*row)
                    if kind is not None:
                        self.counts[kind] += 1
                time.sleep(SAMPLE_S)

    def __enter__(self) -> ActivitySampler:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()

    def averages(self) -> dict[str, float]:
        """Mean number of backends in each kind of work, busiest first."""
        if not self.samples:
            return {}
        return {kind: round(count / self.samples, 2) for kind, count in self.counts.most_common(8)}

    def split(self, wall: float, results: int) -> dict[str, float]:
        """Backend time per result (ms) by what it went to: waiting for the app inside an
        open transaction (``idle in transaction``, or reading what the app sends), executing
        statements, I/O (WAL flushes included) and waiting for a lock."""
        buckets = dict.fromkeys(("app_in_transaction", "pg_executing", "pg_io", "lock_wait"), 0)
        for kind, count in self.counts.items():
            if kind == "idle_in_transaction" or kind.startswith("Client_"):
                buckets["app_in_transaction"] += count
            elif kind == "active_cpu":
                buckets["pg_executing"] += count
            elif kind.startswith("lock_wait_"):
                buckets["lock_wait"] += count
            else:
                buckets["pg_io"] += count
        scale = wall * 1000 / max(self.samples, 1) / max(results, 1)
        return {bucket: round(count * scale, 2) for bucket, count in buckets.items()}


def rankings(http: httpx.Client, tid: int) -> dict[str, int]:
    """Calculate the rankings; player name to rank."""
    _ok(http.post(f"/tournaments/{tid}/calculate-rankings"), 200)
    ranks: dict[str, int] = {}
    offset: int | None = 0
    while offset is not None:
        params = {"limit": 10_000, "offset": offset}
        page = _ok(http.get(f"/tournaments/{tid}/rankings", params=params), 200)
        ranks.update((item["name"], item["rank"]) for item in page["items"])
        offset = page["next_offset"]
    return ranks


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank), in ms."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return round(ordered[index] * 1000, 2)


def figures(name: str, run: Reporting, wall: float, players: int) -> dict[str, object]:
    """The JSON line of one run (before the CPU and activity figures)."""
    results = run.statuses.get(200, 0)
    return {
        "bench": name,
        "players": players,
        "matches": run.matches,
        "clients": run.clients,
        "batch": run.batch,
        "wall_s": round(wall, 2),
        "results_per_s": round(results / wall, 1),
        "p50_ms": percentile(run.latencies, 0.50),
        "p99_ms": percentile(run.latencies, 0.99),
        "max_ms": round(max(run.latencies) * 1000, 2),
        "mean_ms": round(statistics.fmean(run.latencies) * 1000, 2),
        "statuses": {str(code): count for code, count in sorted(run.statuses.items())},
        "duplicates_409": run.statuses.get(409, 0),
        "decided": run.decided,
    }


def measured(
    http: httpx.Client, run: Reporting, server: Process, url: str, name: str
) -> dict[str, object]:
    """Run ``run`` with the CPU meter and the activity sampler on; its JSON line, with the
    server's count of completed matches (each must have been decided exactly once)."""
    with CpuMeter(server) as meter, ActivitySampler(url) as sampler:
        wall = run.run()
    line = figures(name, run, wall, run.players)
    completed = _ok(http.get(f"/tournaments/{run.tournament_id}"), 200)["matches"]["completed"]
    line["server_completed"] = completed
    line["decided_once"] = run.statuses == Counter({200: run.matches}) == Counter({200: completed})
    line.update(meter.figures(run.statuses.get(200, 0)))
    line["pg_backends_mean"] = sampler.averages()
    line["pg_backend_ms_per_result"] = sampler.split(wall, run.statuses.get(200, 0))
    return line


def main() -> None:
    """Run both reporting runs on a fresh database and print JSON lines."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--players", type=int, default=16_384)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--batch",
        type=int,
        default=1,
        help="results per request of the multi-client run (above 1: POST …/results; "
        "latency is then per request)",
    )
    parser.add_argument(
        "--stock-uvicorn",
        action="store_true",
        help="serve with `python -m uvicorn --workers N` as it comes (no TCP_NODELAY)",
    )
    args = parser.parse_args()
    url = fresh_database()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with tempfile.TemporaryDirectory(prefix="bracketry-load-") as tmp:
            server, base = start_server(url, Path(tmp), args.workers, args.stock_uvicorn)
            try:
                with httpx.Client(base_url=f"{base}{API}", headers=headers, timeout=120) as http:
                    many_id, matches, many_ready = ready_tournament(http, "Many", args.players)
                    one_id, _, one_ready = ready_tournament(http, "One", args.players)
                    many = Reporting(
                        base, many_id, args.players, matches, args.clients, batch=args.batch
                    )
                    many.feed(many_ready)
                    many_line = measured(http, many, server, url, "load_results_concurrent")
                    one = Reporting(base, one_id, args.players, matches, 1)
                    one.feed(one_ready)
                    one_line = measured(http, one, server, url, "load_results_single_client")
                    many_ranks, one_ranks = rankings(http, many_id), rankings(http, one_id)
            except Exception:
                print(f"server log (tail):\n{server.output()[-4000:]}", file=sys.stderr)
                raise
            finally:
                server.stop()
    finally:
        drop_database(url)

    def champion(ranks: dict[str, int]) -> list[str]:
        return sorted(name for name, rank in ranks.items() if rank == 1)

    for line in (one_line, many_line):
        line["uvicorn_workers"] = args.workers
        line["server"] = "python -m uvicorn" if args.stock_uvicorn else "bench.load.serve"
        line["cpu_cores"] = psutil.cpu_count()
    many_line["champion"] = champion(many_ranks)
    many_line["champion_single_client"] = champion(one_ranks)
    many_line["rankings_equal"] = many_ranks == one_ranks and len(many_ranks) == args.players
    many_line["single_client_results_per_s"] = one_line["results_per_s"]
    print(json.dumps(one_line), flush=True)
    print(json.dumps(many_line), flush=True)


if __name__ == "__main__":
    main()
