"""The timetable as clients see it."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bracketry.schemas.session import SessionRead


class SlotRead(BaseModel):
    """Where and when a session is played; times in the venue's own zone."""

    venue_id: int
    venue: str
    field: int = Field(description="1-based field (court, table, board) of the venue.")
    starts_at: datetime
    ends_at: datetime


class ScheduledSession(BaseModel):
    """A session with its slot."""

    session: SessionRead
    slot: SlotRead


class SchedulePage(BaseModel):
    """One page of the timetable, by start time."""

    items: list[ScheduledSession]
    total: int
    next_offset: int | None
    unscheduled: int = Field(
        description="Sessions still to play without a slot (no window fits, or no venue yet)."
    )


class Overrun(BaseModel):
    """A session running late: when it now ends."""

    model_config = ConfigDict(extra="forbid")

    ends_at: AwareDatetime = Field(description="The new end, with its UTC offset.")


class Rescheduled(BaseModel):
    """What a (re)planning or an overrun changed."""

    moved: list[int] = Field(description="Sessions whose slot changed (ids, ascending).")
    scheduled: int = Field(description="Sessions with a slot now.")
    unscheduled: int = Field(description="Sessions still to play without a slot.")
