"""Session (match) and result shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bracketry.engine.model import MatchStatus, Outcome
from bracketry.schemas.enrollment import MAX_ID
from bracketry.schemas.names import PlainText

MAX_SCORE = 1_000_000


class ParticipantRead(BaseModel):
    """A player in a match slot."""

    player_id: int
    name: str


class LinkRead(BaseModel):
    """Where a player goes next: a match and a slot (0 = A, 1 = B)."""

    match_id: int
    slot: int


class ResultRead(BaseModel):
    """A recorded result."""

    outcome: Outcome
    winner_id: int | None
    score_a: int | None
    score_b: int | None
    source: str
    recorded_at: datetime


class HeatEntryRead(BaseModel):
    """A player in a heat: lane, attempts and the value that places them."""

    lane: int
    player_id: int
    name: str
    attempts: list[float] | None
    value: float | None
    place: int | None


class SessionRead(BaseModel):
    """A match ("session"); a heat lists its players in ``entries``."""

    id: int
    stage: int
    side: str
    round: int
    number: int
    status: MatchStatus
    participants: list[ParticipantRead | None] | None
    result: ResultRead | None
    winner_to: LinkRead | None
    loser_to: LinkRead | None
    entries: list[HeatEntryRead] | None = None
    report: ReportRead | None = Field(
        None, description="A result a player reported for this session, and its state."
    )


class ReportRead(BaseModel):
    """A player's report of their own match: pending the opponent, confirmed (applied),
    disputed (for the organiser), or resolved (recorded by the organiser or a referee)."""

    session_id: int
    state: Literal["pending", "confirmed", "disputed", "resolved"]
    reporter_id: int
    outcome: str
    winner_id: int | None
    score_a: int | None
    score_b: int | None
    reason: str | None
    reported_at: datetime
    updated_at: datetime


class DisputeIn(BaseModel):
    """Why the opponent's report is wrong."""

    model_config = ConfigDict(extra="forbid")

    reason: PlainText = Field(min_length=1, max_length=500)


class ReportPage(BaseModel):
    """One page of players' reports, oldest first."""

    items: list[ReportRead]
    total: int
    next_offset: int | None


class SessionPage(BaseModel):
    """One page of sessions, in bracket order."""

    items: list[SessionRead]
    total: int
    next_offset: int | None


class ResultCreate(BaseModel):
    """A result to record. A win is told by unequal scores or by ``winner_id``."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal["win", "draw", "forfeit", "double_forfeit"] = "win"
    score_a: int | None = Field(None, ge=0, le=MAX_SCORE)
    score_b: int | None = Field(None, ge=0, le=MAX_SCORE)
    winner_id: int | None = Field(None, ge=1, le=MAX_ID)


MAX_BATCH = 1_000


class BatchedResult(ResultCreate):
    """One result of a batch: which session, and the result."""

    session_id: int = Field(ge=1, le=MAX_ID)


class ResultBatch(BaseModel):
    """Results of several sessions of one tournament, recorded all together or not at all."""

    model_config = ConfigDict(extra="forbid")

    results: list[BatchedResult] = Field(min_length=1, max_length=MAX_BATCH)


class ResultBatchRead(BaseModel):
    """The sessions of a batch, in its order, as they are after their results."""

    items: list[SessionRead]


class ResultCorrection(ResultCreate):
    """A corrected result; ``force`` lets it reset later sessions that have results."""

    force: bool = Field(
        False,
        strict=True,
        description="Reset (or remove) later sessions that already have results.",
    )


class CorrectionOutcome(BaseModel):
    """What a correction changed: the session, and the sessions it reset or removed."""

    session: SessionRead
    reset: list[int] = Field(description="Sessions whose results and arrivals were undone.")
    removed: list[int] = Field(description="Sessions deleted to be paired again (Swiss, reset).")


MAX_ATTEMPTS = 10
MAX_MEASURE = 1e12


class HeatEntryCreate(BaseModel):
    """One player's attempts in a heat; no attempts at all means did not finish."""

    model_config = ConfigDict(extra="forbid")

    player_id: int = Field(ge=1, le=MAX_ID)
    attempts: list[
        Annotated[float, Field(ge=-MAX_MEASURE, le=MAX_MEASURE, allow_inf_nan=False)]
    ] = Field(max_length=MAX_ATTEMPTS)


class HeatResultCreate(BaseModel):
    """A heat's measured results: every player of the heat exactly once."""

    model_config = ConfigDict(extra="forbid")

    entries: list[HeatEntryCreate] = Field(min_length=1, max_length=10_000)
    force: bool = Field(
        False,
        strict=True,
        description="When correcting: remove later rounds that already have results.",
    )


class SimulationCreate(BaseModel):
    """Simulate every playable match from an explicit seed."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(
        0,
        ge=0,
        le=2**53 - 1,
        description="Up to 2^53 - 1, the largest integer every JSON client reads exactly.",
    )


class SimulationOutcome(BaseModel):
    """What a simulation decided."""

    results_written: int
    results_pct: float
    duration_ms: float
