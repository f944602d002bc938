"""A whole tournament as one JSON document, which imports back identically.

Players are referred to by their enrollment position (0-based), sessions and venues by
their position in the document, so the document does not depend on database ids.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bracketry.schemas.status import Status
from bracketry.schemas.venue import VenueIn

DOCUMENT_VERSION = 1
MAX_ITEMS = 5_000_000
NOBODY = -1
"""An advancement's ``player`` for "nobody goes on" (after a double forfeit)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TournamentPart(_Strict):
    name: str = Field(min_length=1, max_length=200)
    format: str
    config: dict
    status: Status
    created_at: datetime
    updated_at: datetime
    sessions_generated_at: datetime | None
    rankings_calculated_at: datetime | None
    completed_at: datetime | None


class HistoryPart(_Strict):
    from_status: Status | None
    to_status: Status
    reason: str = Field(max_length=200)
    at: datetime


class PlayerPart(_Strict):
    name: str = Field(min_length=1, max_length=200)
    rating: float | None = Field(None, allow_inf_nan=False)
    club: str | None = Field(None, max_length=200)
    external_id: str | None = Field(None, max_length=100)
    entry_rating: float | None = Field(None, allow_inf_nan=False)
    requested_seed: int | None = Field(None, ge=1)


class MatchPart(_Strict):
    stage: int = Field(ge=1, le=32_767)
    side: str = Field(max_length=16)
    round: int = Field(ge=1, le=32_767)
    number: int = Field(ge=1)
    a: int | None = Field(None, ge=0)
    b: int | None = Field(None, ge=0)
    winner_to: int | None = Field(None, ge=0)
    winner_slot: int | None = Field(None, ge=0, le=1)
    loser_to: int | None = Field(None, ge=0)
    loser_slot: int | None = Field(None, ge=0, le=1)


class AdvancementPart(_Strict):
    match: int = Field(ge=0)
    slot: int = Field(ge=0, le=1)
    player: int = Field(ge=NOBODY)
    source: int = Field(ge=0)


class ResultPart(_Strict):
    match: int = Field(ge=0)
    outcome: str = Field(max_length=16)
    winner_slot: int | None = Field(None, ge=0, le=1)
    score_a: int | None
    score_b: int | None
    source: str = Field(max_length=16)
    recorded_at: datetime


class HeatEntryPart(_Strict):
    match: int = Field(ge=0)
    lane: int = Field(ge=1)
    player: int = Field(ge=0)
    value: float | None = Field(None, allow_inf_nan=False)
    attempts: list[float] | None


class RankingPart(_Strict):
    player: int = Field(ge=0)
    rank: int
    round_reached: int
    wins: int
    losses: int
    score_for: int
    score_against: int
    points: float
    draws: int
    metrics: dict[str, float | None] | None


class VenuePart(VenueIn):
    """A venue, validated as when an organiser adds one (known zone, hours not overlapping)."""


class SlotPart(_Strict):
    """Where and when a session is played: ``match`` and ``venue`` are positions in the
    document, ``field`` is 1-based."""

    match: int = Field(ge=0)
    venue: int = Field(ge=0)
    field: int = Field(ge=1)
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class TournamentDocument(_Strict):
    """Everything a tournament is: its settings, players, sessions, results, rankings,
    venues and timetable (the last two absent from documents written before they existed)."""

    bracketry: int = Field(DOCUMENT_VERSION, ge=DOCUMENT_VERSION, le=DOCUMENT_VERSION)
    tournament: TournamentPart
    history: list[HistoryPart] = Field(max_length=10_000)
    players: list[PlayerPart] = Field(max_length=MAX_ITEMS)
    matches: list[MatchPart] = Field(max_length=MAX_ITEMS)
    advancements: list[AdvancementPart] = Field(max_length=MAX_ITEMS)
    results: list[ResultPart] = Field(max_length=MAX_ITEMS)
    heat_entries: list[HeatEntryPart] = Field(max_length=MAX_ITEMS)
    rankings: list[RankingPart] = Field(max_length=MAX_ITEMS)
    venues: list[VenuePart] = Field([], max_length=MAX_ITEMS)
    slots: list[SlotPart] = Field([], max_length=MAX_ITEMS)
