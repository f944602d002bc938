"""``bracketry import``: a good file enrolls everyone; bad rows are tabled and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from bracketry.api.app import prepare
from bracketry.cli import app
from bracketry.schemas.status import Status
from bracketry.schemas.tournament import StatusChangeIn, TournamentCreate
from bracketry.service import tournaments
from bracketry.settings import get_settings


def _open_tournament(max_players: int = 8) -> int:
    database, _stored, _fresh = prepare(get_settings())
    try:
        with database.write() as db:
            created = tournaments.create(
                db=db,
                tournament_in=TournamentCreate.model_validate(
                    {"name": "CLI cup", "config": {"max_players": max_players}}
                ),
            )
            tournaments.change_status(
                db=db,
                tournament_id=created.id,
                change=StatusChangeIn(status=Status.ENROLLMENT_OPEN),
            )
            return created.id
    finally:
        database.dispose()


def _players() -> list[tuple]:
    database, _stored, _fresh = prepare(get_settings())
    try:
        with database.read() as db:
            sql = "SELECT name, rating, club, external_id FROM players ORDER BY id"
            return [tuple(row) for row in db.connection().exec_driver_sql(sql).all()]
    finally:
        database.dispose()


@pytest.fixture
def tournament_id(runner: CliRunner) -> int:
    return _open_tournament()


def _output(result: Result) -> str:
    """The command's output on one line (rich wraps long messages)."""
    return " ".join(result.output.split())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "players.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_enrolls_everyone(
    runner: CliRunner, tournament_id: int, tmp_path: Path
) -> None:
    path = _write(tmp_path, "name,rating,club,external_id,seed\nAda,1800,Rooks,a-1,1\nBob,,,,\n")
    result = runner.invoke(app, ["import", str(tournament_id), str(path)])
    assert result.exit_code == 0, _output(result)
    assert "enrolled 2 players" in _output(result)
    assert _players() == [("Ada", 1800.0, "Rooks", "a-1"), ("Bob", None, None, None)]


def test_bad_rows_are_tabled_and_nothing_is_written(
    runner: CliRunner, tournament_id: int, tmp_path: Path
) -> None:
    path = _write(tmp_path, "name,rating,seed\nAda,high,1\nBob,1500,9\nCy,1400,\n")
    result = runner.invoke(app, ["import", str(tournament_id), str(path)])
    assert result.exit_code == 2, _output(result)
    assert "not a number" in _output(result) and "above max_players" in _output(result)
    assert "2 of 3 rows have errors" in _output(result)
    assert _players() == []


def test_a_bad_file_is_refused(runner: CliRunner, tournament_id: int, tmp_path: Path) -> None:
    path = _write(tmp_path, "name,elo\nAda,1\n")
    result = runner.invoke(app, ["import", str(tournament_id), str(path)])
    assert result.exit_code == 2
    assert "unknown column elo" in _output(result)
    assert _players() == []


def test_a_missing_file_names_the_argument(
    runner: CliRunner, tournament_id: int, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["import", str(tournament_id), str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "FILE" in _output(result) and "does not exist" in _output(result)


@pytest.mark.parametrize(("argument", "fragment"), [("999", "does not exist"), ("0", "not a")])
def test_a_bad_tournament_id_names_the_argument(
    runner: CliRunner, tmp_path: Path, argument: str, fragment: str
) -> None:
    path = _write(tmp_path, "name\nAda\n")
    result = runner.invoke(app, ["import", argument, str(path)])
    assert result.exit_code == 2
    assert "TOURNAMENT_ID" in _output(result) and fragment in _output(result)


def test_a_tournament_id_that_is_not_a_number_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "abc", str(_write(tmp_path, "name\nAda\n"))])
    assert result.exit_code == 2
    assert "TOURNAMENT_ID" in _output(result)
