"""Tournament shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from bracketry.schemas.formats import FormatChoice
from bracketry.schemas.names import PlainText
from bracketry.schemas.status import Status


class TournamentCreate(FormatChoice):
    """What an operator gives to create a tournament: a name, a format and its options."""

    model_config = ConfigDict(extra="forbid")

    name: PlainText = Field(min_length=1, max_length=200)


class TournamentRename(BaseModel):
    """A tournament's new name."""

    model_config = ConfigDict(extra="forbid")

    name: PlainText = Field(min_length=1, max_length=200)


class MatchCounts(BaseModel):
    """Matches of a tournament by status."""

    total: int = 0
    locked: int = 0
    waiting: int = 0
    ready: int = 0
    running: int = 0
    completed: int = 0


class TournamentRead(FormatChoice):
    """A tournament as clients see it."""

    id: int
    name: str
    status: Status
    enrolled_count: int
    sessions_generated: bool
    sessions_generated_at: datetime | None
    rankings_calculated_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    matches: MatchCounts


class TournamentPage(BaseModel):
    """One page of tournaments, newest first."""

    items: list[TournamentRead]
    total: int
    next_offset: int | None


class StatusChangeIn(BaseModel):
    """A requested lifecycle transition."""

    model_config = ConfigDict(extra="forbid")

    status: Status
    reason: PlainText = Field("", max_length=200)


class StatusChangeRead(BaseModel):
    """One recorded lifecycle transition."""

    from_status: Status | None
    to_status: Status
    reason: str
    at: datetime
