"""The command as a person meets it: quick help with the format choices, formats in any case,
the champion and top 8 at the end, a question before a large run, and ``serve`` that checks
its port first and shows the address and the admin token once it listens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bracketry.cli
from bracketry.cli import app
from bracketry.schemas.catalog import CONFIRM_FROM, FORMAT_NAMES

HEAVY = ("numpy", "sqlalchemy", "fastapi", "celery", "pydantic", "uvicorn")


def test_the_command_loads_no_heavy_module_until_a_command_runs() -> None:
    probe = f"import sys, bracketry.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.strip() == ""


def test_scenario_help_lists_the_formats(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scenario", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in FORMAT_NAMES:
        assert name in result.output
    assert "--yes" in result.output


def test_the_format_is_read_in_any_case(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scenario", "--players", "8", "--format", "Swiss"])
    assert result.exit_code == 0, result.output
    assert "Swiss · 8 players · " in result.output


def test_a_scenario_ends_with_the_champion_and_the_top_8(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scenario", "--players", "12", "--seed", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    champion = next(i for i, line in enumerate(lines) if line.startswith("Champion: Player "))
    assert lines[champion + 1].startswith("Top 8 of 12")
    places = lines[champion + 2 : champion + 10]
    ranks = [int(line.split(".")[0].strip(" =")) for line in places]
    assert ranks[0] == 1 and ranks == sorted(ranks), places
    assert places[0].endswith(lines[champion].removeprefix("Champion: ").rstrip("."))
    assert lines[champion + 10 :] == []


def test_a_large_run_without_a_terminal_is_refused_unless_yes(runner: CliRunner) -> None:
    players = str(CONFIRM_FROM)
    refused = runner.invoke(app, ["scenario", "--players", players])
    assert refused.exit_code != 0
    assert "--yes" in refused.output and "terminal" in refused.output
    assert "tournament_id" not in refused.output
    confirmed = runner.invoke(app, ["scenario", "--players", players, "--yes"])
    assert confirmed.exit_code == 0, confirmed.output
    assert "Champion:" in confirmed.output


def test_a_large_run_asks_first_in_a_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bracketry.cli, "_interactive", lambda: True)
    players = str(CONFIRM_FROM * 2)
    declined = runner.invoke(app, ["scenario", "--players", players], input="n\n")
    assert declined.exit_code == 1
    assert f"of {CONFIRM_FROM * 2} players?" in declined.output
    assert "nothing was created" in declined.output
    accepted = runner.invoke(app, ["scenario", "--players", players], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "COMPLETED" in accepted.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_busy_port_says_so_before_touching_the_database(
    runner: CliRunner, tmp_path: Path
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "--host", "127.0.0.1", "--port", str(port)])
    assert result.exit_code != 0
    assert f"port {port}" in result.output and "already in use" in result.output
    assert "--port" in result.output and "BRACKETRY_PORT" in result.output
    assert "Errno" not in result.output
    assert not (tmp_path / "cli.db").exists()  # nothing migrated


def test_serve_shows_the_address_and_token_once_it_listens(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BRACKETRY_")},
        "BRACKETRY_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "COLUMNS": "100",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bracketry.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    done = threading.Event()

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line.rstrip("\n"))
            if "Stop with Ctrl+C" in line:
                done.set()
        done.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert done.wait(90), "\n".join(lines)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    text = "\n".join(lines)
    listening = next(i for i, line in enumerate(lines) if "Uvicorn running on" in line)
    framed = next(i for i, line in enumerate(lines) if "bracketry is serving" in line)
    assert listening < framed, text
    banner = lines[framed:]
    assert any(f"http://127.0.0.1:{port}/docs" in line for line in banner), text
    token_at = next(i for i, line in enumerate(banner) if "Admin token" in line)
    token = banner[token_at + 1].strip(" │|")
    assert len(token) >= 20 and " " not in token, text
    assert sum(token in line for line in lines) == 1, "the token is shown once, in the banner"
    assert banner[0].startswith("╭") and any(line.startswith("╰") for line in banner), text


def test_a_first_scenario_shows_the_admin_token_it_created(runner: CliRunner) -> None:
    first = runner.invoke(app, ["scenario", "--players", "4"])
    assert first.exit_code == 0, first.output
    assert "admin token (shown once" in first.output
    again = runner.invoke(app, ["scenario", "--players", "4"])
    assert "admin token" not in again.output
