"""Enrollment shapes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from bracketry.schemas.names import Name

MAX_BATCH = 100_000
MAX_ID = 2**31 - 1


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

    @model_validator(mode="after")
    def _one_identity(self) -> EnrollmentCreate:
        if (self.player_id is None) == (self.name is None):
            raise ValueError("give exactly one of player_id or name")
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


class EnrollmentOutcome(BaseModel):
    """What an enrollment request did."""

    enrolled: int
    enrolled_count: int
    first_player_id: int | None = None


class EnrollmentRead(BaseModel):
    """An enrolled player with the seed the rules give them now."""

    player_id: int
    name: str
    rating: float | None
    requested_seed: int | None
    seed: int | None = Field(description="Null while requested seeds cannot all be honoured yet.")
    position: int


class EnrollmentPage(BaseModel):
    """One page of enrollments, in seed order (enrollment order when seeds are not settled)."""

    items: list[EnrollmentRead]
    total: int
    next_offset: int | None
    seeding_issue: str | None = None
