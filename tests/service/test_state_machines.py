"""One state machine per thing: a tournament's actions come from its lifecycle table, and a
job moves only as the job table allows (a finished job never moves again)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bracketry.schemas.job import JobStatus
from bracketry.schemas.status import Status
from bracketry.service import jobs, lifecycle
from bracketry.service.errors import Conflict
from bracketry.service.job_records import MOVES, JobStateError, move, new_job, sources
from bracketry.store.models import Job, Tournament
from tests.api.helpers import create_draft_tournament


def test_generate_and_complete_are_the_lifecycle_transitions_they_perform() -> None:
    assert lifecycle.GENERATE.statuses == (Status.ENROLLMENT_CLOSED,)
    assert lifecycle.COMPLETE.statuses == (Status.IN_PROGRESS,)
    for action in (lifecycle.GENERATE, lifecycle.COMPLETE):
        for status in Status:
            via = lifecycle.Via.GENERATE if action is lifecycle.GENERATE else lifecycle.Via.COMPLETE
            moves = any(v == via for (s, _t), v in lifecycle.TRANSITIONS.items() if s == status)
            assert action.allows(status) is moves


@pytest.mark.parametrize("status", list(Status))
def test_an_action_refuses_a_status_it_does_not_allow(status: Status) -> None:
    tournament = Tournament(id=1, status=status)
    for action in (lifecycle.GENERATE, lifecycle.SIMULATE, lifecycle.RANK, lifecycle.COMPLETE):
        if action.allows(status):
            action.require(tournament)
        else:
            with pytest.raises(Conflict, match=f"cannot {action.words} while"):
                action.require(tournament)


def test_finished_jobs_never_move_and_every_move_is_in_the_table() -> None:
    assert MOVES[JobStatus.DONE] == MOVES[JobStatus.FAILED] == ()
    assert set(MOVES) == set(JobStatus)
    assert sources(JobStatus.RETRYING) == (JobStatus.RUNNING,)
    job = new_job(1)
    move(job, JobStatus.RUNNING)
    move(job, JobStatus.DONE)
    for target in JobStatus:
        with pytest.raises(JobStateError, match="cannot go from done"):
            move(job, target)
    assert job.status == JobStatus.DONE


def test_a_job_finished_once_keeps_its_outcome(client: TestClient) -> None:
    """A late give-up (its retries ran out after another run of it succeeded) leaves it
    done, and a late retry mark leaves it as it is."""
    database = client.app.state.context.database  # type: ignore[attr-defined]
    tournament_id = create_draft_tournament(client)
    with database.write() as db:
        job = new_job(tournament_id)
        db.add(job)
        job_id = job.id
    with database.write() as db:
        row = db.get(Job, job_id)
        move(row, JobStatus.RUNNING)
        move(row, JobStatus.DONE)
    jobs.give_up(database=database, job_id=job_id, reason="broker lost")
    jobs._mark_retrying(database, job_id, "database lost")
    with database.read() as db:
        row = db.get(Job, job_id)
        assert (row.status, row.error) == (JobStatus.DONE, None)
