"""The ``bracketry`` command: serve, migrate, scenario, import, bench, admin-token."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from bracketry import logs
from bracketry.schemas.scenario import MAX_SCENARIO_PLAYERS, ScenarioCreate
from bracketry.service import auth, jobs, rankings, scenario, simulation, tournaments
from bracketry.service.errors import ServiceError
from bracketry.settings import get_settings

SHUTDOWN_GRACE_S = 3
"""Open live-monitor streams are cut this long after SIGTERM, so a stop never hangs."""

app = typer.Typer(help="bracketry: tournament engine and service.", no_args_is_help=True)
console = Console()


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=2)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port to listen on.")] = None,
) -> None:
    """Serve the API (and its docs at /docs); migrates the database first."""
    import uvicorn

    from bracketry.api.app import create_app
    from bracketry.api.server import http_protocol

    settings = get_settings()
    logs.configure()
    host, port = host or settings.host, port or settings.port
    console.print(
        f"bracketry on http://{host}:{port} (docs: /docs) — database {settings.database_url}"
    )
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        http=http_protocol(settings.header_timeout_s),
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 2,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
) -> None:
    """Run a Celery worker on the generation queue (needs BRACKETRY_BROKER_URL)."""
    from bracketry.jobs.worker import worker_app

    settings = get_settings()
    if not settings.broker_url:
        _fail("set BRACKETRY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run a worker")
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

    database, _stored, fresh = prepare(get_settings())
    database.dispose()
    console.print("database is at the latest schema")
    if fresh:
        console.print(f"admin token (shown once, stored hashed): [bold]{fresh}[/bold]")


@app.command("admin-token")
def admin_token(
    reset: Annotated[bool, typer.Option(help="Replace the stored token with a new one.")] = False,
) -> None:
    """Show whether an admin token is set; with --reset, issue a new one."""
    from bracketry.api.app import prepare

    settings = get_settings()
    database, _stored, fresh = prepare(settings)
    if reset:
        if settings.admin_token:
            _fail("BRACKETRY_ADMIN_TOKEN is set; change it there instead")
        with database.write() as db:
            fresh = auth.ensure_admin_token(db=db, configured=None, reset=True)
    database.dispose()
    if fresh:
        console.print(f"admin token (shown once, stored hashed): [bold]{fresh}[/bold]")
    else:
        console.print("an admin token is set (stored hashed); use --reset to issue a new one")


@app.command("scenario")
def run_scenario(
    players: Annotated[
        int, typer.Option(min=2, max=MAX_SCENARIO_PLAYERS, help="Player count.")
    ] = 1024,
    format_: Annotated[str, typer.Option("--format", help="Tournament format.")] = "knockout",
    seed: Annotated[
        int, typer.Option(min=0, max=2**31 - 1, help="Seed of ratings and results.")
    ] = 0,
) -> None:
    """Run the whole lifecycle of a synthetic tournament and print a report."""
    from bracketry.api.app import prepare
    from bracketry.jobs.immediate import ImmediateQueue

    try:
        scenario_in = ScenarioCreate(
            scenario="smoke_test",
            player_count=players,
            tournament_format=format_,  # type: ignore[arg-type]
            confirmed=True,
            seed=seed,
            simulation_mode="manual",
        )
    except ValidationError as error:
        first = error.errors()[0]
        option = {"tournament_format": "--format", "player_count": "--players"}.get(
            str(first["loc"][0]), str(first["loc"][0])
        )
        _fail(f"{option}: {first['msg']}")
        return
    settings = get_settings()
    database, _stored, _fresh = prepare(settings)
    report: dict[str, object] = {}
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=False) as progress:
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
            phase = progress.add_task("simulate", total=1)
            with database.write() as db:
                simulated = simulation.simulate(db=db, tournament_id=tournament_id, seed=seed)
            progress.update(phase, completed=1)
            phase = progress.add_task("rank", total=1)
            with database.write() as db:
                ranked = rankings.calculate(db=db, tournament_id=tournament_id)
            progress.update(phase, completed=1)
            phase = progress.add_task("complete", total=1)
            with database.write() as db:
                tournaments.complete(db=db, tournament_id=tournament_id)
            jobs.run_queued(database=database, tournament_id=tournament_id)
            progress.update(phase, completed=1)
        with database.read() as db:
            view = tournaments.read(
                db=db, tournament=tournaments.get_or_raise(db=db, tournament_id=tournament_id)
            )
            status = jobs.status(db=db, tournament_id=tournament_id, task_id=outcome.task_id or "")
    except ServiceError as error:
        _fail(error.message)
        return
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
    table = Table(title=f"bracketry scenario — {players}p {format_}", show_header=False)
    for key, value in report.items():
        table.add_row(key, str(value))
    console.print(table)


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
    from bracketry.api.app import prepare
    from bracketry.schemas.imports import MAX_BYTES
    from bracketry.service import imports

    if not 1 <= tournament_id <= 2**31 - 1:
        _fail(f"TOURNAMENT_ID: {tournament_id} is not a tournament id")
    if not file.is_file():
        _fail(f"FILE: {file} does not exist or is not a file")
    if file.stat().st_size > MAX_BYTES:
        _fail(f"FILE: {file} is over {MAX_BYTES // 2**20} MB")
    database, _stored, _fresh = prepare(get_settings())
    try:
        with database.write() as db:
            outcome = imports.import_csv(db=db, tournament_id=tournament_id, data=file.read_bytes())
    except imports.RowsRejected as rejected:
        table = Table(title=f"{file.name}: nothing imported")
        for column in ("row", "field", "message"):
            table.add_column(column)
        for error in rejected.errors:
            table.add_row(str(error.row), error.field, error.message)
        console.print(table)
        _fail(rejected.message)
        return
    except ServiceError as error:
        prefix = "TOURNAMENT_ID: " if error.field == "tournament_id" else ""
        _fail(f"{prefix}{error.message}")
        return
    finally:
        database.dispose()
    console.print(
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
    from bracketry.api.app import prepare
    from bracketry.benchmark import engine_run, lifecycle_run

    sizes = players or [1024]
    for size in sizes:
        print(json.dumps(engine_run(size, seed)), flush=True)
    if engine_only:
        return
    database, _stored, _fresh = prepare(get_settings())
    try:
        for size in sizes:
            print(json.dumps(lifecycle_run(database, size, seed)), flush=True)
    finally:
        database.dispose()


if __name__ == "__main__":
    app()
