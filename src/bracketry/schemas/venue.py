"""Venues: where a tournament plays, with its fields and opening hours."""

from __future__ import annotations

from datetime import date, time
from itertools import pairwise
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from bracketry.schemas.names import PlainText

MAX_FIELDS = 1000
MAX_OPENINGS = 1000

LocalTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$",
            "examples": ["09:30"],
            "description": "A local time in whole minutes, without a zone.",
        }
    ),
]
"""A wall-clock time of day; documented as such, since JSON Schema's ``time`` format needs a
UTC offset, which a venue's opening hours never have."""


class Opening(BaseModel):
    """One day's opening, in the venue's local time; ``closes`` later the same day."""

    model_config = ConfigDict(extra="forbid")

    date: date
    opens: LocalTime
    closes: LocalTime

    @field_validator("opens", "closes")
    @classmethod
    def _plain_minutes(cls, value: time) -> time:
        if value.tzinfo is not None or value.second or value.microsecond:
            raise ValueError("a local time in whole minutes, like 09:30, without a zone")
        return value

    @model_validator(mode="after")
    def _closes_after_opening(self) -> Opening:
        if self.closes <= self.opens:
            raise ValueError(f"closes ({self.closes}) must be after opens ({self.opens})")
        return self


class VenueIn(BaseModel):
    """A venue as an organiser describes it."""

    model_config = ConfigDict(extra="forbid")

    name: PlainText = Field(min_length=1, max_length=200)
    time_zone: str = Field(
        min_length=1, max_length=64, description="IANA time zone, like Europe/Paris."
    )
    fields: int = Field(ge=1, le=MAX_FIELDS, description="Courts, tables or boards (1..n).")
    hours: list[Opening] = Field(min_length=1, max_length=MAX_OPENINGS)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("hours")
    @classmethod
    def _no_overlap(cls, hours: list[Opening]) -> list[Opening]:
        ordered = sorted(hours, key=lambda h: (h.date, h.opens))
        for before, after in pairwise(ordered):
            if before.date == after.date and after.opens < before.closes:
                raise ValueError(f"openings overlap on {after.date}")
        return ordered


class VenueRead(VenueIn):
    """A stored venue."""

    id: int
    tournament_id: int
