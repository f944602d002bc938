"""Enrollment shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from bracketry.schemas.names import RULE, Name

MAX_BATCH = 100_000
MAX_ID = 2**31 - 1
Club = Annotated[str, StringConstraints(max_length=200), RULE]


class EnrollmentCreate(BaseModel):
    """One player to enroll: an existing ``player_id``, or a new player by ``name``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={  # documents _one_identity
            "oneOf": [
                {"required": ["player_id"], "properties": {"player_id": {"type": "integer"}}},
                {"required": ["name"], "properties": {"name": {"type": "string"}}},
            ]
        },
    )

    player_id: int | None = Field(None, ge=1, le=MAX_ID)
    name: Name | None = None
    rating: float | None = Field(None, ge=0, le=10_000, allow_inf_nan=False)
    seed: int | None = Field(None, ge=1, le=MAX_ID, description="Explicit seed (1 = strongest).")
    club: Club | None = Field(None, description="A new player's club (only with ``name``).")

    @model_validator(mode="after")
    def _one_identity(self) -> EnrollmentCreate:
        if (self.player_id is None) == (self.name is None):
            raise ValueError("give exactly one of player id or name")
        if self.player_id is not None and self.club is not None:
            raise ValueError("a club goes with a new player given by name, not a player id")
        return self


class EnrollmentBatch(BaseModel):
    """Players to enroll in one set-based write."""

    model_config = ConfigDict(extra="forbid")

    players: list[EnrollmentCreate] = Field(min_length=1, max_length=MAX_BATCH)


def _body_kind(body: Any) -> str:
    if isinstance(body, EnrollmentBatch) or (isinstance(body, dict) and "players" in body):
        return "batch"
    return "single"


ENROLLMENT_TAGS = frozenset({"batch", "single"})
"""Names the enrollment body's union adds to error locations (dropped when naming a field)."""

EnrollmentRequest = Annotated[
    Annotated[EnrollmentBatch, Tag("batch")] | Annotated[EnrollmentCreate, Tag("single")],
    Discriminator(_body_kind),
]
"""One entry, or ``{"players": [...]}``; told apart by the ``players`` key."""


MAX_LISTED_SKIPS = 100
"""Skipped rows listed in an answer (``skipped_count`` counts them all)."""


class SkippedRow(BaseModel):
    """A row or entry that was not enrolled because its player is already there."""

    row: int = Field(
        description="The line in the CSV file (the header is line 1), or the entry's index "
        "in ``players`` (from 0)."
    )
    name: str
    reason: str
    player_id: int | None = Field(None, description="The enrolled player it matched.")


class EnrollmentOutcome(BaseModel):
    """What an enrollment request did."""

    enrolled: int
    enrolled_count: int
    first_player_id: int | None = None
    skipped_count: int = Field(0, description="Rows or entries left out as already enrolled.")
    skipped: list[SkippedRow] = Field(
        default_factory=list, description=f"The first {MAX_LISTED_SKIPS} of them."
    )


class ParticipantUpdate(BaseModel):
    """Changes to one participant: only the fields sent change; ``null`` clears ``rating``,
    ``club`` and ``seed`` (a name is never null)."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(None, description="Never null: leave it out to keep the name.")  # type: ignore[assignment]
    rating: float | None = Field(None, ge=0, le=10_000, allow_inf_nan=False)
    club: Club | None = None
    seed: int | None = Field(None, ge=1, le=MAX_ID, description="Requested seed (1 = strongest).")


class SeedAssignment(BaseModel):
    """One player's requested seed (``null`` clears it)."""

    model_config = ConfigDict(extra="forbid")

    player_id: int = Field(ge=1, le=MAX_ID)
    seed: int | None = Field(ge=1, le=MAX_ID)


SeedList = Annotated[list[SeedAssignment], Field(max_length=MAX_BATCH)]


class EnrollmentRead(BaseModel):
    """An enrolled player with the seed the rules give them now."""

    player_id: int
    name: str
    rating: float | None
    requested_seed: int | None
    seed: int | None = Field(description="Null while requested seeds cannot all be honoured yet.")
    position: int
    club: str | None = None
    checked_in: bool = Field(False, description="Whether the player has checked in.")


class CheckInWindow(BaseModel):
    """A tournament's check-in window and whether players may check in right now."""

    opens_at: datetime
    closes_at: datetime
    open: bool = Field(description="Whether a player may check in now (window and status).")


class EnrollmentPage(BaseModel):
    """One page of enrollments, in seed order (enrollment order when seeds are not settled)."""

    items: list[EnrollmentRead]
    total: int
    next_offset: int | None
    seeding_issue: str | None = None
    editable: bool = Field(
        False,
        description="Whether participants may still be added, edited, removed or seeded "
        "(before the draw, and not cancelled).",
    )
    can_enroll: bool = Field(False, description="Whether players may be added now.")
    waiting_moves_up: bool = Field(
        False,
        description="Whether a place that frees up goes to the first waiting player now "
        "(only while enrollment is open).",
    )
    check_in: CheckInWindow | None = Field(
        None, description="The check-in window, when the tournament uses check-in."
    )
