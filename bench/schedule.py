"""The timetable: the engine's greedy scheduler alone, and what planning slots adds to a
generation through the service (SQLite, in-process worker).

1. Engine: a 1,024-player knockout over 4 venues x 4 fields open 09:00-21:00 for 7 days,
   the service's default timing (30 min matches, 5 min between two on a field, no rest).
2. Service: the same knockout generated through the HTTP app (TestClient, in process) with
   those 4 venues added first, against the same generation without venues; wall time from
   the POST of generate-sessions until generation-status says done (1,024 players is above
   the synchronous threshold, so the in-process worker runs it), plus the job's own windows.
   Then the time of GET /schedule?limit=5000.
3. Engine at scale, 4 venues x 50 fields, Timing(30, gap=5, rest=10): a 448-player round
   robin (100,128 matches) with the fields open for good, and a 131,072-player knockout
   (131,071 matches) open 09:00-21:00 every day.
4. Overrun: the round robin's earliest match ends an hour late; time of ``overrun`` and how
   many matches it moved.

Times are medians after a warm-up; nothing here checks them against a target.

Usage: python -m bench.schedule [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from bracketry.api.app import create_app
from bracketry.engine.bracket import Bracket
from bracketry.engine.formats import knockout, round_robin
from bracketry.engine.reschedule import overrun
from bracketry.engine.schedule import Timetable, Timing, Venue, schedule
from bracketry.settings import Settings

TOKEN = "bench-token"
API = "/api/v1"
POLL_S = 0.005
DAY = 1_440
OPENS, CLOSES = 9 * 60, 21 * 60
FOREVER = 10**9
SERVICE_TIMING = Timing(30, gap=5)
"""The service's default: 30-minute matches, a 5-minute break per field, no rest."""
SCALE_TIMING = Timing(30, gap=5, rest=10)


def daily(days: int) -> tuple[tuple[int, int], ...]:
    """09:00-21:00 on ``days`` days from minute 0, as minute windows."""
    return tuple((d * DAY + OPENS, d * DAY + CLOSES) for d in range(days))


def timed(action: Callable[[], Any], runs: int) -> tuple[Any, list[float]]:
    """The last result of ``action`` and its wall times in seconds, after one warm-up."""
    result = action()
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        walls.append(time.perf_counter() - start)
    return result, walls


def spread(walls: list[float], unit: str = "ms") -> dict[str, float]:
    """Median, min and max of ``walls`` (seconds) in ms or s."""
    scale, digits = (1000.0, 2) if unit == "ms" else (1.0, 4)
    return {
        f"median_{unit}": round(statistics.median(walls) * scale, digits),
        f"min_{unit}": round(min(walls) * scale, digits),
        f"max_{unit}": round(max(walls) * scale, digits),
    }


def described(table: Timetable, bracket: Bracket) -> dict[str, object]:
    """How many matches got a slot and when the last one ends (days from minute 0)."""
    scheduled = table.scheduled
    return {
        "matches": bracket.match_count,
        "scheduled": int(scheduled.sum()),
        "last_end_day": round(int(table.end[scheduled].max()) / DAY, 2),
    }


def engine_run(
    name: str, bracket: Bracket, venues: list[Venue], timing: Timing, runs: int
) -> tuple[dict[str, object], Timetable]:
    """Time ``schedule`` alone on ``bracket``; the JSON line and the timetable."""
    table, walls = timed(lambda: schedule(bracket, venues, timing), runs)
    fields = sum(v.fields for v in venues)
    line = {"bench": name, "fields": fields, **described(table, bracket), "runs": runs}
    return {**line, **spread(walls)}, table


def overrun_run(
    bracket: Bracket, table: Timetable, venues: list[Venue], timing: Timing, runs: int
) -> dict[str, object]:
    """The earliest match ends 60 minutes late: time of ``overrun`` and the matches moved."""
    position = int(np.lexsort((np.arange(table.start.size), table.start))[0])
    ends = int(table.end[position]) + 60
    (_, moved), walls = timed(
        lambda: overrun(bracket, table, venues, timing, position=position, ends=ends), runs
    )
    return {
        "bench": "overrun_round_robin_448",
        "matches": bracket.match_count,
        "position": position,
        "late_by_min": 60,
        "moved": int(moved.size),
        "runs": runs,
        **spread(walls),
    }


def venue_body(name: str, days: int) -> dict[str, object]:
    """A venue of 4 fields open 09:00-21:00 (Paris) from the day after tomorrow on."""
    first = date.today() + timedelta(days=2)
    hours = [
        {"date": (first + timedelta(days=d)).isoformat(), "opens": "09:00", "closes": "21:00"}
        for d in range(days)
    ]
    return {"name": name, "time_zone": "Europe/Paris", "fields": 4, "hours": hours}


def _ok(answer: Any, code: int) -> dict:
    if answer.status_code != code:
        raise RuntimeError(f"{answer.request.method} {answer.request.url}: {answer.text}")
    return answer.json()


def generate_once(http: TestClient, players: int, venues: int) -> dict[str, object]:
    """A closed knockout of ``players`` with ``venues`` venues, generated; the wall time from
    the POST until the job is done, and the job's windows."""
    tid = _ok(http.post(f"{API}/tournaments", json={"name": "Bench cup"}), 201)["id"]
    status_url = f"{API}/tournaments/{tid}/status"
    _ok(http.post(status_url, json={"status": "ENROLLMENT_OPEN"}), 200)
    entries = [{"name": f"P{i}", "rating": 3000 - i} for i in range(1, players + 1)]
    _ok(http.post(f"{API}/tournaments/{tid}/enrollments", json={"players": entries}), 201)
    _ok(http.post(status_url, json={"status": "ENROLLMENT_CLOSED"}), 200)
    for number in range(venues):
        _ok(http.post(f"{API}/tournaments/{tid}/venues", json=venue_body(f"V{number}", 7)), 201)
    start = time.perf_counter()
    accepted = _ok(http.post(f"{API}/tournaments/{tid}/generate-sessions"), 202)
    task_url = f"{API}/tournaments/{tid}/generation-status/{accepted['task_id']}"
    while (job := _ok(http.get(task_url), 200))["status"] not in ("done", "failed"):
        time.sleep(POLL_S)
    wall = time.perf_counter() - start
    if job["status"] != "done":
        raise RuntimeError(f"generation failed: {job['error']}")
    return {"tournament_id": tid, "wall_s": wall, **job["timings"]}


def service_run(folder: Path, runs: int) -> list[dict[str, object]]:
    """Generation of a 1,024-player knockout with 4 venues and without; GET /schedule."""
    players = 1_024
    settings = Settings(database_url=f"sqlite:///{folder / 'service.db'}", admin_token=TOKEN)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings), headers=headers) as http:
        kinds = {"with_venues": 4, "without_venues": 0}
        results: dict[str, list[dict[str, object]]] = {kind: [] for kind in kinds}
        for attempt in range(runs + 1):  # the first round is a warm-up
            order = list(kinds) if attempt % 2 else list(reversed(kinds))
            for kind in order:
                done = generate_once(http, players, kinds[kind])
                if attempt:
                    results[kind].append(done)
        tid = results["with_venues"][-1]["tournament_id"]
        url = f"{API}/tournaments/{tid}/schedule"
        page, walls = timed(lambda: _ok(http.get(url, params={"limit": 5_000}), 200), runs)

    def median(kind: str, key: str) -> float:
        return round(statistics.median(float(r[key]) for r in results[kind]), 2)

    lines: list[dict[str, object]] = []
    for kind in kinds:
        lines.append(
            {
                "bench": f"service_generate_knockout_1024_{kind}",
                "how": "HTTP POST generate-sessions until generation-status done "
                "(TestClient, in-process worker, SQLite file)",
                "venues": kinds[kind],
                "runs": runs,
                **spread([float(r["wall_s"]) for r in results[kind]]),
                "job_engine_ms": median(kind, "engine_ms"),
                "job_db_write_ms": median(kind, "db_write_ms"),
                "job_total_ms": median(kind, "total_ms"),
            }
        )
    with_, without = lines
    lines.append(
        {
            "bench": "service_generate_knockout_1024_ratio",
            "wall_with_over_without": round(
                float(with_["median_ms"]) / float(without["median_ms"]), 2
            ),
            "job_total_with_over_without": round(
                float(with_["job_total_ms"]) / float(without["job_total_ms"]), 2
            ),
            "added_job_total_ms": round(
                float(with_["job_total_ms"]) - float(without["job_total_ms"]), 2
            ),
        }
    )
    lines.append(
        {
            "bench": "service_get_schedule_1024",
            "limit": 5_000,
            "items": len(page["items"]),
            "total": page["total"],
            "unscheduled": page["unscheduled"],
            "runs": runs,
            **spread(walls),
        }
    )
    return lines


def main() -> None:
    """Run the suite and print JSON lines."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs after a warm-up")
    args = parser.parse_args()
    runs = args.runs

    small = [Venue(4, daily(7)) for _ in range(4)]
    line, _ = engine_run(
        "engine_schedule_knockout_1024", knockout.generate(1_024), small, SERVICE_TIMING, runs
    )
    print(json.dumps(line), flush=True)

    with tempfile.TemporaryDirectory(prefix="bracketry-bench-") as tmp:
        for line in service_run(Path(tmp), runs):
            print(json.dumps(line), flush=True)

    big_runs = max(1, min(runs, 3))
    open_for_good = [Venue(50, ((0, FOREVER),)) for _ in range(4)]
    league = round_robin.as_bracket(round_robin.generate(448))
    line, league_table = engine_run(
        "engine_schedule_round_robin_448", league, open_for_good, SCALE_TIMING, big_runs
    )
    print(json.dumps(line), flush=True)
    line, _ = engine_run(
        "engine_schedule_knockout_131072",
        knockout.generate(131_072),
        [Venue(50, daily(60)) for _ in range(4)],
        SCALE_TIMING,
        big_runs,
    )
    print(json.dumps(line), flush=True)
    line = overrun_run(league, league_table, open_for_good, SCALE_TIMING, big_runs)
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
