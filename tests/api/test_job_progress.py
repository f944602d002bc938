"""A long generation tells its phase and a share done that moves, on the job status API, while
it runs (the long parts run inside one transaction, so the rows alone cannot tell)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bracketry.service import jobs
from bracketry.settings import Settings
from bracketry.store.database import Database
from tests.api.helpers import API, closed_tournament


def test_a_running_job_tells_each_phase_and_a_growing_share(
    client: TestClient, settings: Settings
) -> None:
    tournament_id = closed_tournament(client, 64)
    database = Database(settings.database_url)
    with database.write() as db:
        job = jobs.new_job(tournament_id, simulation_mode="auto", seed=2)
        db.add(job)
        job_id = job.id
    status = f"{API}/tournaments/{tournament_id}/generation-status/{job_id}"
    queued = client.get(status).json()
    assert (queued["status"], queued["phase"], queued["progress_pct"]) == (
        "queued",
        "Waiting to start",
        0.0,
    )

    seen: list[tuple[str, str, float]] = []

    def look(_phase: str) -> None:
        """As the job reaches a phase, read its status as any client would."""
        answer = client.get(status)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        seen.append((body["status"], body["phase"], body["progress_pct"]))

    try:
        finished = jobs.run(database=database, job_id=job_id, on_phase=look)
    finally:
        database.dispose()
    assert finished.status == "done"
    assert [phase for _, phase, _ in seen] == [
        "Reading the players",
        "Placing players",
        "Writing matches",
        "Planning the timetable",
        "Saving the matches",
        "Playing out the results",
        "Ranking the players",
        "Completing the tournament",
    ]
    assert {state for state, _, _ in seen} == {"running"}
    shares = [share for _, _, share in seen]
    assert shares[0] == 0.0 and shares == sorted(shares) and len(set(shares)) == len(shares)
    assert shares[-1] < 100.0

    done = client.get(status).json()
    assert (done["status"], done["phase"], done["progress_pct"]) == ("done", None, 100.0)
