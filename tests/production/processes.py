"""Real processes for production-path tests: the API (uvicorn), Celery workers, a Redis."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bracketry.settings import Settings

START_TIMEOUT_S = 120.0
"""A deadline for a process to come up on a loaded machine (not a timing assertion)."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(settings: Settings) -> dict[str, str]:
    """The process environment that carries ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRACKETRY_")}
    for name, value in settings.model_dump().items():
        shown = json.dumps(value) if isinstance(value, list) else str(value)
        env[f"BRACKETRY_{name.upper()}"] = "" if value is None else shown
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Process:
    """A child process in its own process group, with its output in a log file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> Process:
        """Start it (output appended to the log)."""
        out = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.args, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        return self

    def alive(self) -> bool:
        """True while it runs."""
        return self.popen is not None and self.popen.poll() is None

    def kill_hard(self) -> None:
        """SIGKILL to the whole process group (the worker and its pool children)."""
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end in 20 s."""
        if not self.alive():
            return
        assert self.popen is not None
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill_hard()

    def output(self) -> str:
        """What it printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def cli(*args: str) -> list[str]:
    """The argv of ``bracketry ARGS`` in this interpreter."""
    return [sys.executable, "-m", "bracketry.cli", *args]


def start_api(settings: Settings, folder: Path) -> tuple[Process, str]:
    """``bracketry serve`` on a free port; returns it and its base URL once it answers."""
    port = free_port()
    api = Process(
        "api", cli("serve", "--port", str(port)), environment(settings), folder / "api.log"
    )
    api.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                return api, base
        except httpx.HTTPError:
            pass
        if not api.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the API did not start:\n{api.output()[-3000:]}")
        time.sleep(0.1)


def start_worker(
    settings: Settings,
    folder: Path,
    name: str,
    concurrency: int = 2,
    extra_env: dict[str, str] | None = None,
) -> Process:
    """``bracketry worker`` with ``concurrency`` processes (``extra_env`` added to its
    environment, e.g. a test hook); returns once it is ready."""
    log = folder / f"{name}.log"
    env = environment(settings) | (extra_env or {})
    worker = Process(name, cli("worker", "--concurrency", str(concurrency)), env, log)
    worker.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while " ready." not in worker.output():
        if not worker.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"worker {name} did not start:\n{worker.output()[-3000:]}")
        time.sleep(0.1)
    return worker


def start_redis(folder: Path, port: int) -> Process:
    """A private Redis (no persistence) on ``port``; returns once it answers."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    redis = Process(
        "redis",
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        dict(os.environ),
        folder / f"redis-{port}.log",
    )
    redis.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return redis
        except OSError:
            pass
        if not redis.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"redis did not start:\n{redis.output()[-2000:]}")
        time.sleep(0.05)


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port, which a test may stop and restart."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            raise RuntimeError("PostgreSQL server binaries (initdb) are not installed")
        self.bin = found[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="bracketry-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def url(self) -> str:
        """SQLAlchemy URL of its ``postgres`` database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self._as_postgres, str(self.bin / tool), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server fast (open connections are cut)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        """Stop it if running and delete its files."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
