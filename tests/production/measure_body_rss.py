"""Measure the API server's memory around one 31 MB JSON body sent without credentials to a
mutation (``POST /api/v1/tournaments``): resident memory (RSS) before and after, and the
peak. It prints the figures and asserts nothing:

    .venv/bin/python -m tests.production.measure_body_rss
"""

from __future__ import annotations

import contextlib
import json
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bracketry.settings import Settings
from tests.production.processes import start_api

BODY_MIB = 31


def memory_mib(pid: int) -> dict[str, float]:
    """Resident memory now and at its peak (MiB) of a Linux process."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mib": fields["VmRSS"], "peak_mib": fields["VmHWM"]}


def big_body() -> bytes:
    """About ``BODY_MIB`` MiB of JSON made of many small objects (costly to decode)."""
    item = b'{"a": 1, "b": [2, 3]},'
    count = BODY_MIB * 2**20 // len(item)
    return b'{"name": "memory", "pad": [' + item * (count - 1) + b'{"a": 1}]}'


def send(base: str, body: bytes) -> str:
    """POST ``body`` without credentials over a raw socket; the answer's status line (the
    server may refuse and close before the body is all sent)."""
    url = urlsplit(base)
    head = (
        "POST /api/v1/tournaments HTTP/1.1\r\nHost: measure\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port), timeout=120) as sock:
        with contextlib.suppress(OSError):  # refused before the end: the answer is there
            sock.sendall(head + body)
        answer = b""
        with contextlib.suppress(OSError):
            while b"\r\n" not in answer and (chunk := sock.recv(65536)):
                answer += chunk
    return answer.split(b"\r\n", 1)[0].decode(errors="replace")


def main() -> None:
    """Start ``bracketry serve`` on SQLite, send the body, print the figures as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/measure.db", admin_token="measure-admin-token"
        )
        api, base = start_api(settings, Path(folder))
        try:
            assert api.popen is not None
            before = memory_mib(api.popen.pid)
            status = send(base, big_body())
            after = memory_mib(api.popen.pid)
        finally:
            api.stop()
    print(json.dumps({"body_mib": BODY_MIB, "answer": status, "before": before, "after": after}))


if __name__ == "__main__":
    main()
