"""The bracketry command: a whole scenario, and clear messages for bad options."""

from __future__ import annotations

from typer.testing import CliRunner

from bracketry.cli import app


def test_scenario_runs_the_whole_lifecycle_and_reports_it(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scenario", "--players", "12", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "COMPLETED" in result.output
    assert "session_count" in result.output and "16" in result.output
    assert "100.0" in result.output


def test_an_unknown_format_is_refused_naming_the_option(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scenario", "--players", "8", "--format", "ladder"])
    assert result.exit_code == 2
    assert "--format" in result.output and "knockout" in result.output


def test_too_few_players_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scenario", "--players", "1"])
    assert result.exit_code == 2
    assert "--players" in result.output


def test_worker_without_a_broker_says_what_to_set(runner: CliRunner) -> None:
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 2
    assert "BRACKETRY_BROKER_URL" in result.output


def test_migrate_then_admin_token_reset_prints_a_new_token(runner: CliRunner) -> None:
    first = runner.invoke(app, ["migrate"])
    assert first.exit_code == 0 and "admin token" in first.output
    again = runner.invoke(app, ["admin-token"])
    assert again.exit_code == 0 and "is set" in again.output
    reset = runner.invoke(app, ["admin-token", "--reset"])
    assert reset.exit_code == 0 and "shown once" in reset.output
