"""A whole tournament as one JSON document, which imports back identically.

Players are referred to by their enrollment position (0-based), sessions and venues by
their position in the document, so the document does not depend on database ids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from bracketry.schemas.enrollment import MAX_ID
from bracketry.schemas.names import RULE, PlainText
from bracketry.schemas.session import MAX_SCORE
from bracketry.schemas.status import Status
from bracketry.schemas.venue import MAX_FIELDS, VenueIn

DOCUMENT_VERSION = 1
MAX_ITEMS = 5_000_000
NOBODY = -1
"""An advancement's ``player`` for "nobody goes on" (after a double forfeit)."""
MAX_SMALL = 2**15 - 1
"""Stages, rounds, lanes and slots are stored as small integers, counts and ids as integers
(``MAX_ID``): larger values are refused here rather than by the database."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TournamentPart(_Strict):
    name: PlainText = Field(min_length=1, max_length=200)
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
    reason: PlainText = Field(max_length=200)
    at: datetime


class PlayerPart(_Strict):
    name: PlainText = Field(min_length=1, max_length=200)
    rating: float | None = Field(None, allow_inf_nan=False)
    club: Annotated[str, StringConstraints(max_length=200), RULE] | None = None
    external_id: Annotated[str, StringConstraints(max_length=100), RULE] | None = None
    entry_rating: float | None = Field(None, allow_inf_nan=False)
    requested_seed: int | None = Field(None, ge=1, le=MAX_ID)


class MatchPart(_Strict):
    stage: int = Field(ge=1, le=MAX_SMALL)
    side: str = Field(max_length=16)
    round: int = Field(ge=1, le=MAX_SMALL)
    number: int = Field(ge=1, le=MAX_ID)
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
    score_a: int | None = Field(ge=0, le=MAX_SCORE)
    score_b: int | None = Field(ge=0, le=MAX_SCORE)
    source: str = Field(max_length=16)
    recorded_at: datetime


class HeatEntryPart(_Strict):
    match: int = Field(ge=0)
    lane: int = Field(ge=1, le=MAX_SMALL)
    player: int = Field(ge=0)
    value: float | None = Field(None, allow_inf_nan=False)
    attempts: list[Annotated[float, Field(allow_inf_nan=False)]] | None


class RankingPart(_Strict):
    player: int = Field(ge=0)
    rank: int = Field(ge=1, le=MAX_ID)
    round_reached: int = Field(ge=0, le=MAX_SMALL)
    wins: int = Field(ge=0, le=MAX_ID)
    losses: int = Field(ge=0, le=MAX_ID)
    score_for: int = Field(ge=0, le=MAX_ID)
    score_against: int = Field(ge=0, le=MAX_ID)
    points: float = Field(allow_inf_nan=False)
    draws: int = Field(ge=0, le=MAX_ID)
    metrics: dict[str, Annotated[float, Field(allow_inf_nan=False)] | None] | None


class VenuePart(VenueIn):
    """A venue, validated as when an organiser adds one (known zone, hours not overlapping)."""


class SlotPart(_Strict):
    """Where and when a session is played: ``match`` and ``venue`` are positions in the
    document, ``field`` is 1-based."""

    match: int = Field(ge=0)
    venue: int = Field(ge=0)
    field: int = Field(ge=1, le=MAX_FIELDS)
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
