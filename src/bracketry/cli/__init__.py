"""The ``bracketry`` command: serve, migrate, scenario, import, bench, admin-token, worker.

Only typer and the plain :mod:`bracketry.schemas.catalog` load with the command, so
``bracketry --help`` answers at once; each command imports what it needs (numpy,
SQLAlchemy, FastAPI, Celery) when it runs.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NoReturn

import typer

from bracketry.schemas.catalog import (
    CONFIRM_FROM,
    FORMAT_NAMES,
    MAX_SCENARIO_PLAYERS,
    format_label,
)

if TYPE_CHECKING:
    from rich.console import Console

    from bracketry.schemas.ranking import RankingRead
    from bracketry.schemas.scenario import ScenarioCreate
    from bracketry.service.units import UnitOfWork  # what prepare() opens
    from bracketry.settings import Settings

FormatOption = Literal[FORMAT_NAMES]  # type: ignore[valid-type]
"""The --format choices: the format names (in any case)."""
app = typer.Typer(help="bracketry: tournament engine and service.", no_args_is_help=True)
TOP = 8
"""Players named at the end of a scenario."""


@cache
def console() -> Console:
    """The terminal (rich loads on first use)."""
    from rich.console import Console

    return Console()


def _fail(message: str) -> NoReturn:
    console().print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code=2)


def _open(settings: Settings) -> UnitOfWork:
    """Migrate and open the database; a first run's new admin token is shown (on stderr,
    so that JSON output stays clean), as it is never shown again."""
    from rich.console import Console

    from bracketry.api.app import prepare

    database, _stored, fresh = prepare(settings)
    if fresh:
        Console(stderr=True).print(f"admin token (shown once, stored hashed): [bold]{fresh}[/bold]")
    return database


def _interactive() -> bool:
    """Whether a person can answer a question (standard input is a terminal)."""
    return sys.stdin.isatty()


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on [default: BRACKETRY_HOST].")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port to listen on [default: BRACKETRY_PORT]."),
    ] = None,
) -> None:
    """Serve the API, the monitor and the API docs; migrates the database first."""
    from bracketry.cli import serving
    from bracketry.settings import get_settings

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    problem = serving.cannot_listen(host, port)
    if problem:
        _fail(problem)
    serving.serve(settings, host, port)


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 2,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
) -> None:
    """Run a Celery worker on the generation queue (needs BRACKETRY_BROKER_URL)."""
    from bracketry.settings import get_settings

    settings = get_settings()
    if not settings.broker_url:
        _fail("set BRACKETRY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run a worker")
    from bracketry.jobs.worker import worker_app

    worker_app().worker_main(
        [
            "worker",
            "-Q",
            settings.queue_name,
            "--pool=prefork",
            f"--concurrency={concurrency}",
            f"--loglevel={loglevel}",
        ]
    )


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from bracketry.api.app import prepare
    from bracketry.settings import get_settings

    database, _stored, fresh = prepare(get_settings())
    database.dispose()
    console().print("database is at the latest schema")
    if fresh:
        console().print(f"admin token (shown once, stored hashed): [bold]{fresh}[/bold]")


@app.command("admin-token")
def admin_token(
    reset: Annotated[bool, typer.Option(help="Replace the stored token with a new one.")] = False,
) -> None:
    """Show whether an admin token is set; with --reset, issue a new one."""
    from bracketry.api.app import prepare
    from bracketry.service import auth
    from bracketry.settings import get_settings

    settings = get_settings()
    if reset and settings.admin_token:
        _fail("BRACKETRY_ADMIN_TOKEN is set; change it there instead")
    database, _stored, fresh = prepare(settings)
    if reset:
        with database.write() as db:
            fresh = auth.ensure_admin_token(db=db, configured=None, reset=True)
    database.dispose()
    if fresh:
        console().print(f"admin token (shown once, stored hashed): [bold]{fresh}[/bold]")
    else:
        console().print("an admin token is set (stored hashed); use --reset to issue a new one")


@app.command("scenario")
def run_scenario(
    players: Annotated[
        int, typer.Option(min=2, max=MAX_SCENARIO_PLAYERS, help="Player count.")
    ] = 1024,
    format_: Annotated[
        FormatOption,
        typer.Option("--format", case_sensitive=False, help="Tournament format (any case)."),
    ] = "knockout",
    seed: Annotated[
        int, typer.Option(min=0, max=2**31 - 1, help="Seed of ratings and results.")
    ] = 0,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help=f"Run {CONFIRM_FROM:,} players or more without asking first."
        ),
    ] = False,
) -> None:
    """Run the whole lifecycle of a synthetic tournament; report it, its champion and top 8."""
    from pydantic import ValidationError

    from bracketry.schemas.scenario import ScenarioCreate

    try:
        scenario_in = ScenarioCreate(
            scenario="smoke_test",
            player_count=players,
            format=format_,
            confirmed=True,
            seed=seed,
            simulation_mode="manual",
        )
    except ValidationError as error:
        first = error.errors()[0]
        option = {"format": "--format", "player_count": "--players"}.get(
            str(first["loc"][0]), str(first["loc"][0])
        )
        _fail(f"{option}: {first['msg']}")
    if players >= CONFIRM_FROM and not yes:
        _confirm_large(players, format_)
    _run_scenario(scenario_in, seed)


def _confirm_large(players: int, format_name: str) -> None:
    """Ask before a large run, as the page does; without a terminal, refuse unless --yes."""
    what = f"a {format_label(format_name)} of {players:,} players"
    if not _interactive():
        _fail(
            f"--players {players:,}: runs of {CONFIRM_FROM:,} players or more are confirmed "
            f"first and there is no terminal to ask; add --yes to run {what}"
        )
    if not typer.confirm(f"Run {what}?", default=False):
        console().print("nothing was created")
        raise typer.Exit(code=1)


def _run_scenario(scenario_in: ScenarioCreate, seed: int) -> None:
    """Launch through the run-scenario service, then play it out through the pipeline:
    simulate, rank, complete and rate."""
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from bracketry.jobs.immediate import ImmediateQueue
    from bracketry.service import jobs, pipeline, rankings, scenario, tournaments
    from bracketry.service.errors import ServiceError
    from bracketry.settings import get_settings

    settings = get_settings()
    database = _open(settings)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console(), transient=False) as progress:
            phase = progress.add_task("enroll + generate", total=1)
            outcome = scenario.run(
                database=database,
                queue=ImmediateQueue(database),
                scenario_in=scenario_in,
                threshold=settings.async_threshold,
            )
            progress.update(phase, completed=1)
            tournament_id = outcome.tournament_id
            assert tournament_id is not None
            steps = {"playing": "simulate", "ranking": "rank", "completing": "complete"}
            phases: list[TaskID] = []

            def reached(step: str) -> None:
                if phases:
                    progress.update(phases[-1], completed=1)
                phases.append(progress.add_task(steps.get(step, step), total=1))

            with database.write() as db:
                played = pipeline.play_out(
                    db=db, tournament_id=tournament_id, seed=seed, reached=reached
                )
            simulated, ranked = played.simulated, played.ranked
            jobs.run_queued(database=database, tournament_id=tournament_id)
            progress.update(phases[-1], completed=1)
        with database.read() as db:
            view = tournaments.read(
                db=db, tournament=tournaments.get_or_raise(db=db, tournament_id=tournament_id)
            )
            status = jobs.status(db=db, tournament_id=tournament_id, task_id=outcome.task_id or "")
            top = rankings.list_page(db=db, tournament_id=tournament_id, limit=TOP, offset=0)
    except ServiceError as error:
        _fail(error.message)
    finally:
        database.dispose()
    report = {
        "tournament_id": tournament_id,
        "enrolled_count": outcome.enrolled_count,
        "task_id": outcome.task_id,
        "session_count": view.matches.total,
        **{f"launch_{k}": v for k, v in outcome.timings.items()},
        "engine_ms": status.timings.engine_ms,
        "db_write_ms": status.timings.db_write_ms,
        "peak_rss_mb": status.peak_rss_mb,
        "simulation_ms": simulated.duration_ms,
        "results_pct": simulated.results_pct,
        "ranking_ms": ranked.duration_ms,
        "ranking_count": ranked.ranked,
        "tournament_status": view.status.value,
    }
    table = Table(title=view.name, show_header=False)
    for key, value in report.items():
        table.add_row(key, str(value))
    console().print(table)
    for line in podium(top.items, top.total):
        console().print(line, highlight=False)


def podium(top: list[RankingRead], total: int) -> list[str]:
    """The champion and the best places, in plain words; ``=`` marks a shared place.

    >>> from bracketry.schemas.ranking import RankingRead
    >>> row = dict(round_reached=1, wins=1, losses=0, score_for=1, score_against=0, points=1,
    ...            draws=0, tiebreaks={})
    >>> ranks = [(1, "Ada"), (2, "Bo"), (3, "Cy"), (3, "Di")]
    >>> podium([RankingRead(rank=r, player_id=0, name=n, **row) for r, n in ranks], 9)
    ['Champion: Ada.', 'Top 4 of 9 (= shared place):', '   1. Ada', '   2. Bo', '  =3. Cy', ...]
    """
    if not top:
        return ["No one was ranked."]
    champions = [row.name for row in top if row.rank == 1]
    if len(champions) == 1:
        lines = [f"Champion: {champions[0]}."]
    else:
        lines = [f"Shared first place: {', '.join(champions)}."]
    counts: dict[int, int] = {}
    for row in top:
        counts[row.rank] = counts.get(row.rank, 0) + 1
    shared = any(count > 1 for count in counts.values())
    lines.append(f"Top {len(top)} of {total:,}{' (= shared place)' if shared else ''}:")
    width = len(str(top[-1].rank)) + 1
    for row in top:
        place = f"{'=' if counts[row.rank] > 1 else ''}{row.rank}"
        lines.append(f"  {place:>{width}}. {row.name}")
    return lines


@app.command("import")
def import_csv(
    tournament_id: Annotated[
        int, typer.Argument(metavar="TOURNAMENT_ID", help="Tournament to enroll the players in.")
    ],
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="CSV: name[, rating, club, external_id, seed].")
    ],
) -> None:
    """Enroll players from a CSV file; every bad row is listed and nothing is written."""
    from rich.table import Table

    from bracketry.schemas.imports import MAX_BYTES
    from bracketry.service import imports
    from bracketry.service.errors import ServiceError
    from bracketry.settings import get_settings

    if not 1 <= tournament_id <= 2**31 - 1:
        _fail(f"TOURNAMENT_ID: {tournament_id} is not a tournament id")
    if not file.is_file():
        _fail(f"FILE: {file} does not exist or is not a file")
    if file.stat().st_size > MAX_BYTES:
        _fail(f"FILE: {file} is over {MAX_BYTES // 2**20} MB")
    database = _open(get_settings())
    try:
        with database.write() as db:
            outcome = imports.import_csv(db=db, tournament_id=tournament_id, data=file.read_bytes())
    except imports.RowsRejected as rejected:
        table = Table(title=f"{file.name}: nothing imported")
        for column in ("row", "field", "message"):
            table.add_column(column)
        for error in rejected.errors:
            table.add_row(str(error.row), error.field, error.message)
        console().print(table)
        _fail(rejected.message)
    except ServiceError as error:
        prefix = "TOURNAMENT_ID: " if error.field == "tournament_id" else ""
        _fail(f"{prefix}{error.message}")
    finally:
        database.dispose()
    console().print(
        f"enrolled {outcome.enrolled} players in tournament {tournament_id} "
        f"({outcome.enrolled_count} enrolled)"
    )


@app.command()
def bench(
    players: Annotated[
        list[int] | None, typer.Option(min=2, max=2**21, help="Sizes to run.")
    ] = None,
    engine_only: Annotated[bool, typer.Option(help="Skip the database.")] = False,
    seed: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """Benchmark the engine and the lifecycle; prints one JSON line per run."""
    from bracketry.benchmark import engine_run, lifecycle_run
    from bracketry.settings import get_settings

    sizes = players or [1024]
    for size in sizes:
        print(json.dumps(engine_run(size, seed)), flush=True)
    if engine_only:
        return
    database = _open(get_settings())
    try:
        for size in sizes:
            print(json.dumps(lifecycle_run(database, size, seed)), flush=True)
    finally:
        database.dispose()
