"""The benchmark suite of the embedded default (SQLite + in-process worker), in one process.

1. The seed's 1024-player lifecycle through the HTTP API (uvicorn on a local port): launch
   with auto simulation, poll until the worker has generated, simulated, ranked and
   completed it. Target: <= 0.3 s (the seed's system: 7.9 s).
2. Engine-only and whole-lifecycle runs at 16,384 / 131,072 / 1,048,576 players.
   Target: 2^20 players generated and stored on SQLite <= 10 s, peak RSS <= 2 GB.

Usage: python -m bench.run [--sizes 16384 131072] [--http-runs 5]
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

from bench.http_lifecycle import measure
from bracketry.api.app import create_app
from bracketry.benchmark import engine_run, lifecycle_run
from bracketry.settings import Settings
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade

TOKEN = "bench-token"
SIZES = (16_384, 131_072, 1_048_576)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_lifecycle(folder: Path, runs: int) -> dict[str, object]:
    """Median wall time of the 1024-player auto lifecycle through HTTP."""
    settings = Settings(database_url=f"sqlite:///{folder / 'http.db'}", admin_token=TOKEN)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        return measure(f"http://127.0.0.1:{port}", TOKEN, runs, "http_lifecycle")
    finally:
        server.should_exit = True
        thread.join()


def main() -> None:
    """Run the suite and print JSON lines."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--http-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bracketry-bench-") as tmp:
        folder = Path(tmp)
        print(json.dumps(http_lifecycle(folder, args.http_runs)), flush=True)
        for size in args.sizes:
            print(json.dumps(engine_run(size)), flush=True)
        for size in args.sizes:
            database = Database(f"sqlite:///{folder / f'lifecycle-{size}.db'}")
            upgrade(database.engine)
            print(json.dumps(lifecycle_run(database, size)), flush=True)
            database.dispose()


if __name__ == "__main__":
    main()
