"""Generation job shapes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SYNC_TASK_ID = "sync-done"


class JobStatus(StrEnum):
    """Where a generation job is."""

    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"


SimulationMode = Literal["manual", "auto"]


class GenerationCreate(BaseModel):
    """Options of a generation request."""

    model_config = ConfigDict(extra="forbid")

    simulation_mode: SimulationMode = "manual"
    seed: int = Field(0, ge=0, le=2**31 - 1)


class GenerationAccepted(BaseModel):
    """The answer to a generation request."""

    task_id: str
    status: JobStatus
    sessions_count: int | None


class Timings(BaseModel):
    """Separate windows of a job, in milliseconds."""

    queue_wait_ms: float | None
    engine_ms: float | None
    db_write_ms: float | None
    simulation_ms: float | None
    total_ms: float | None


class GenerationStatus(BaseModel):
    """A job as the status endpoint reports it."""

    task_id: str
    kind: Literal["generate", "rate"] = Field(
        description="generate: a generation (and, in auto mode, the lifecycle after it); "
        "rate: the ratings of a large completed tournament."
    )
    tournament_id: int
    status: JobStatus
    phase: str | None = Field(
        None,
        description='What an unfinished job is doing now, in words (e.g. "Writing matches"); '
        "None once it is finished.",
    )
    progress_pct: float | None = Field(
        None,
        description="A rough share of the job's work done, in percent, as its phases pass "
        "(100 once done; None if it failed).",
    )
    simulation_mode: SimulationMode
    sessions_count: int | None
    timings: Timings
    peak_rss_mb: float | None
    attempts: int
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
