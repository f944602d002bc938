"""A benchmark's app in a process of its own: started with ``python -m <module> --serve URL
--port P`` (each benchmark module has that mode) and returned once it answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

START_S = 60


def free_port() -> int:
    """A local port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(module: str, url: str) -> tuple[subprocess.Popen[bytes], str]:
    """``module``'s server on database ``url``: the process and its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--serve", url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_S
    while True:
        try:
            if httpx.get(f"{base}/health/live", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"the server of {module} did not start")
        time.sleep(0.1)
