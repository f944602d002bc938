"""Shared fixtures: a fresh database on each backend, the app, a TestClient, a live server.

Database tests run on SQLite and on PostgreSQL. Each PostgreSQL test gets its own database,
copied from a template migrated once per run, and dropped after. Without a reachable
PostgreSQL the PostgreSQL variants fail under CI (see :func:`in_ci`) and are skipped (with
the reason) elsewhere; a run that skipped anything ends with a banner counting the skips
by reason.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bracketry.api.app import create_app
from bracketry.api.server import uvicorn_config
from bracketry.settings import Settings, get_settings
from bracketry.store.database import Database
from bracketry.store.migrate import upgrade

ADMIN_TOKEN = "test-admin-token"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
BACKENDS = ("sqlite", "postgresql")
PG_SERVER = os.environ.get("BRACKETRY_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def pg_admin(sql: str) -> None:
    """Run one statement outside a transaction on the server's maintenance database."""
    import psycopg

    url = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


NOT_CI = frozenset({"", "0", "false", "no", "off"})


def in_ci() -> bool:
    """True under CI: ``CI`` set to anything but empty, 0, false, no or off (any case).
    The one test of CI mode: ``CI=1`` and ``CI=True`` count as much as ``CI=true``."""
    return os.environ.get("CI", "").strip().lower() not in NOT_CI


def service_missing(what: str, error: Exception) -> None:
    """Fail under CI (a required service is missing), skip with the reason elsewhere."""
    message = f"{what} is not reachable: {error}"
    if in_ci():
        pytest.fail(f"{message} (required under CI)")
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """End a run that skipped tests with a banner: how many, grouped by reason."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else "?"
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    write = terminalreporter.write_line
    terminalreporter.write_sep("!", f"{len(skipped)} TESTS SKIPPED: this run is NOT complete")
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        write(f"{count:6d} skipped: {reason}", yellow=True, bold=True)
    write("Start the missing services (README.md); under CI a missing service fails.", bold=True)
    terminalreporter.write_sep("!", f"{len(skipped)} TESTS SKIPPED")


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database at the latest schema, to copy per test."""
    name = f"bracketry_tpl_{uuid.uuid4().hex[:12]}"
    try:
        pg_admin(f"CREATE DATABASE {name}")
    except Exception as error:
        service_missing(f"PostgreSQL at {PG_SERVER}", error)
    database = Database(f"{PG_SERVER}/{name}")
    upgrade(database.engine)
    database.dispose()
    yield name
    pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def fresh_pg_database(template: str) -> Iterator[str]:
    """A new PostgreSQL database copied from ``template``; dropped afterwards."""
    name = f"bracketry_test_{uuid.uuid4().hex[:12]}"
    pg_admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bracketry.db'}"
        return
    with fresh_pg_database(request.getfixturevalue("pg_template")) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for a fresh database with a known admin token."""
    return Settings(database_url=database_url, admin_token=ADMIN_TOKEN)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A TestClient on the app, authorised as admin by default."""
    with TestClient(create_app(settings), headers=AUTH) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(settings: Settings) -> Iterator[httpx.Client]:
    """The app served by uvicorn on a free local port; an httpx client authorised as admin."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn_config(
            create_app(settings), settings, host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUTH, timeout=60) as http:
        yield http
    server.should_exit = True
    thread.join(timeout=20)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner on a fresh SQLite database."""
    for name in ("BRACKETRY_ADMIN_TOKEN", "BRACKETRY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRACKETRY_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
