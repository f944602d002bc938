"""Live event streams on a served app (both backends): capped per client address (429) and
per process (503), a closed or ended stream frees its place, a stream follows results to
the end, and any number of streams on one tournament share one fingerprint read per poll."""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from bracketry.api.app import create_app
from bracketry.service import live_feed, monitor, rankings
from bracketry.settings import Settings
from bracketry.store.database import Database
from tests.api.helpers import (
    API,
    all_sessions,
    assert_error,
    close_enrollment,
    closed_tournament,
    create_open_tournament,
    enroll_players,
    generate_now,
)
from tests.conftest import ADMIN_TOKEN, AUTH, _free_port

WAIT_S = 30.0


@contextlib.contextmanager
def served(database_url: str, **limits: Any) -> Iterator[tuple[httpx.Client, FastAPI]]:
    """The app with ``limits`` served by uvicorn; an admin client and the app."""
    settings = Settings(database_url=database_url, admin_token=ADMIN_TOKEN, **limits)
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUTH, timeout=60) as http:
            yield http, app
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=20)


def playing(http: httpx.Client, players: int = 4) -> int:
    """A knockout in progress (sessions generated, no results)."""
    tournament_id = closed_tournament(http, players)
    generate_now(http, tournament_id)
    return tournament_id


def events_path(tournament_id: int) -> str:
    return f"{API}/tournaments/{tournament_id}/events"


class Stream:
    """One open event stream, read event by event."""

    def __init__(self, stack: contextlib.ExitStack, http: httpx.Client, tournament_id: int):
        self.stack = contextlib.ExitStack()
        stack.enter_context(self.stack)
        self.answer = self.stack.enter_context(http.stream("GET", events_path(tournament_id)))
        self.lines = self.answer.iter_lines()

    def next_event(self) -> tuple[str, Any]:
        """The next event's name and data (comments skipped)."""
        name, data = "", None
        for line in self.lines:
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = json.loads(line.removeprefix("data: "))
            elif line == "" and name:
                return name, data
        raise AssertionError("the stream ended without another event")

    def close(self) -> None:
        self.stack.close()


def refusal(http: httpx.Client, tournament_id: int) -> httpx.Response:
    """Open a stream that must be refused; its read answer."""
    with http.stream("GET", events_path(tournament_id)) as answer:
        assert answer.status_code != 200, "the stream was admitted"
        answer.read()
        return answer


def open_until_admitted(http: httpx.Client, stack: contextlib.ExitStack, tid: int) -> Stream:
    """Open a stream, trying again while the server has not yet noticed a place freed."""
    deadline = time.monotonic() + WAIT_S
    while True:
        stream = Stream(stack, http, tid)
        if stream.answer.status_code == 200:
            return stream
        stream.answer.read()
        assert stream.answer.status_code == 429, stream.answer.text
        stream.close()
        assert time.monotonic() < deadline, "a closed stream never gave its place back"
        time.sleep(0.05)


def test_a_client_over_its_share_of_streams_gets_429(database_url: str) -> None:
    with served(database_url, max_streams_per_client=2) as (http, _), contextlib.ExitStack() as s:
        tid = playing(http)
        first, second = Stream(s, http, tid), Stream(s, http, tid)
        assert (first.answer.status_code, second.answer.status_code) == (200, 200)
        third = refusal(http, tid)
        body = assert_error(third, 429, "already has 2 live streams open")
        assert body["detail"].endswith("another")
        assert int(third.headers["Retry-After"]) > 0


def test_a_server_at_its_stream_cap_answers_503(database_url: str) -> None:
    with served(database_url, max_streams=3) as (http, _), contextlib.ExitStack() as s:
        tid = playing(http)
        streams = [Stream(s, http, tid) for _ in range(3)]
        assert [x.answer.status_code for x in streams] == [200, 200, 200]
        fourth = refusal(http, tid)
        assert_error(fourth, 503, "already serves 3 live streams")
        assert int(fourth.headers["Retry-After"]) > 0


def test_a_closed_or_ended_stream_frees_its_place(database_url: str) -> None:
    with served(database_url, max_streams_per_client=1) as (http, _), contextlib.ExitStack() as s:
        tid = playing(http)
        first = Stream(s, http, tid)
        assert first.next_event()[0] == "snapshot"
        assert refusal(http, tid).status_code == 429
        first.close()
        second = open_until_admitted(http, s, tid)
        assert second.next_event()[0] == "snapshot"
        second.close()
        # A tournament that does not exist, or is over, ends the stream and frees the place.
        assert_error(open_until_admitted_or(http, 999_999), 404, "does not exist")
        over = closed_tournament(http, 2)
        cancelled = http.post(f"{API}/tournaments/{over}/status", json={"status": "CANCELLED"})
        assert cancelled.status_code == 200, cancelled.text
        for _ in range(3):
            answer = http.get(events_path(over))  # read to the end
            assert answer.status_code == 200, answer.text
            assert answer.text.rstrip().endswith("event: end\ndata: {}")


def open_until_admitted_or(http: httpx.Client, tournament_id: int) -> httpx.Response:
    """GET a stream's path, trying again while the server is at the client's share."""
    deadline = time.monotonic() + WAIT_S
    while (answer := http.get(events_path(tournament_id))).status_code == 429:
        assert time.monotonic() < deadline, "a closed stream never gave its place back"
        time.sleep(0.05)
    return answer


def test_a_stream_follows_results_to_the_end(database_url: str) -> None:
    with served(database_url) as (http, _), contextlib.ExitStack() as s:
        tid = playing(http)
        stream = Stream(s, http, tid)
        name, first = stream.next_event()
        assert (name, first["status"], first["matches"]["completed"]) == (
            "snapshot",
            "IN_PROGRESS",
            0,
        )
        ready = [x for x in all_sessions(http, tid) if x["status"] == "ready"]
        recorded = http.post(
            f"{API}/tournaments/{tid}/sessions/{ready[0]['id']}/result",
            json={"score_a": 2, "score_b": 0},
        )
        assert recorded.status_code == 200, recorded.text
        name, after = stream.next_event()
        assert (name, after["matches"]["completed"]) == ("snapshot", 1)
        # A write by another process (its own database handle) reaches the stream too.
        other = Database(database_url)
        try:
            with other.write() as db:
                rankings.calculate(db=db, tournament_id=tid)
        finally:
            other.dispose()
        name, ranked = stream.next_event()
        assert (name, ranked["rankings_count"]) == ("snapshot", 4)
        for path in ("simulate-results", "calculate-rankings", "complete"):
            answer = http.post(f"{API}/tournaments/{tid}/{path}")
            assert answer.status_code == 200, answer.text
        events = []
        while not events or events[-1][0] != "end":
            events.append(stream.next_event())
        assert events[-2][0] == "snapshot"
        assert (events[-2][1]["status"], events[-2][1]["final"]) == ("COMPLETED", True)


def test_many_streams_on_one_tournament_share_one_fingerprint_read_per_poll(
    database_url: str,
) -> None:
    with served(database_url) as (http, app), contextlib.ExitStack() as s:
        tid = playing(http)
        statements: list[str] = []

        def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        engine = app.state.context.database.engine
        streams = [Stream(s, http, tid) for _ in range(8)]
        for stream in streams:
            assert stream.next_event()[0] == "snapshot"
        event.listen(engine, "before_cursor_execute", note)
        try:
            start = time.monotonic()
            time.sleep(3 * live_feed.POLL_S)
            reads = [x for x in statements if x.lstrip().upper().startswith("SELECT")]
            elapsed = time.monotonic() - start
        finally:
            event.remove(engine, "before_cursor_execute", note)
        # Idle: only fingerprints (no snapshot rebuilt, none per stream), one per poll at most.
        assert reads, "no fingerprint was read"
        assert all("FROM tournaments" in x and "match_slots" in x for x in reads), reads
        assert len(reads) <= math.ceil(elapsed / live_feed.POLL_S) + 1, len(reads)


def test_the_fingerprint_changes_whenever_the_snapshot_does(client: TestClient) -> None:
    """Every kind of write the monitor shows: lifecycle, enrollment, generation (a job),
    results, a correction, the timetable, rankings and completion."""
    database = client.app.state.context.database  # type: ignore[attr-defined]
    seen: list[tuple[dict, monitor.Fingerprint | None]] = []
    unchanged: list[str] = []

    def check(step: str) -> None:
        snap = client.get(f"{API}/tournaments/{tid}/monitor").json()
        with database.read() as db:
            now = monitor.fingerprint(db=db, tournament_id=tid)
        if seen and snap != seen[-1][0]:
            assert now != seen[-1][1], f"{step}: the snapshot changed, the fingerprint did not"
        elif seen:
            unchanged.append(step)
        seen.append((snap, now))

    timing = {"match_minutes": 40, "break_minutes": 5, "rest_minutes": 15}
    tid = create_open_tournament(client, timing=timing)
    check("open")
    enroll_players(client, tid, 8)
    check("enrolled")
    hours = [{"date": "2031-05-01", "opens": "09:00", "closes": "21:00"}]
    hall = {"name": "Hall", "time_zone": "UTC", "fields": 2, "hours": hours}
    assert client.post(f"{API}/tournaments/{tid}/venues", json=hall).status_code == 201
    close_enrollment(client, tid)
    check("closed")
    generate_now(client, tid)
    check("generated")
    first = next(x for x in all_sessions(client, tid) if x["status"] == "ready")
    path = f"{API}/tournaments/{tid}/sessions/{first['id']}"
    assert client.post(f"{path}/result", json={"score_a": 2, "score_b": 0}).status_code == 200
    check("result")
    slot = client.get(f"{API}/tournaments/{tid}/schedule").json()["items"][-1]
    late = {"ends_at": slot["slot"]["ends_at"].replace("2031-05-01", "2031-05-02")}
    overrun = client.post(
        f"{API}/tournaments/{tid}/sessions/{slot['session']['id']}/overrun", json=late
    )
    assert overrun.status_code == 200, overrun.text
    check("overrun")
    for step in ("simulate-results", "calculate-rankings"):
        assert client.post(f"{API}/tournaments/{tid}/{step}").status_code == 200, step
        check(step)
    # Correcting the final changes no count, only the latest result's time: the rankings
    # are older than it, so "complete" is no longer offered.
    final = next(x for x in all_sessions(client, tid) if (x["round"], x["side"]) == (3, "main"))
    result = final["result"]
    corrected = {"score_a": result["score_b"], "score_b": result["score_a"]}
    fixed = client.put(f"{API}/tournaments/{tid}/sessions/{final['id']}/result", json=corrected)
    assert fixed.status_code == 200, fixed.text
    check("correction")
    assert "complete" not in seen[-1][0]["actions"]
    for step in ("calculate-rankings", "complete"):
        assert client.post(f"{API}/tournaments/{tid}/{step}").status_code == 200, step
        check(step)
    assert unchanged == []
