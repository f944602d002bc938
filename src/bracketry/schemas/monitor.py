"""What the live monitor shows of a tournament at one moment."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from bracketry.schemas.job import GenerationStatus
from bracketry.schemas.tournament import MatchCounts


class SideRounds(BaseModel):
    """One stage and side that has sessions, and its last round number."""

    stage: int
    side: str
    rounds: int
    labels: list[str] = Field(
        default_factory=list,
        description='What rounds 1..rounds are called ("Round 1", "Semi-final", "Final", '
        '"Third place", "Losers round 2", "Grand final"...).',
    )


class MonitorSnapshot(BaseModel):
    """Status, progress, the latest job and the actions allowed now."""

    tournament_id: int
    name: str
    format: str = Field(description="The tournament's format name: the page picks its view.")
    status: str
    enrolled_count: int
    rounds: int
    sides: list[SideRounds] = Field(
        description="Every stage and side with sessions, in order, and its last round."
    )
    draw_stages: list[int] = Field(
        description="The stages (of those with sessions) where a draw is a possible result."
    )
    matches: MatchCounts
    played: MatchCounts = Field(
        description="The matches played or to play, by status: byes and walkovers left out."
    )
    rounds_in_play: dict[int, int] = Field(
        default_factory=dict,
        description="Per stage, the round of its first match ready to play: where the round "
        "lists open.",
    )
    results_pct: float = Field(description="The share of ``played`` that is decided, in %.")
    rankings_count: int
    job: GenerationStatus | None
    actions: list[str]
    results_changed_at: datetime | None = Field(
        None, description="When the latest result was recorded (a correction records again)."
    )
    reports_open: int = Field(0, description="Players' reports pending or disputed.")
    reports_changed_at: datetime | None = Field(None, description="Latest report change.")
    timetable_key: str = Field(
        "", description="Changes whenever the timetable does (slots, re-plans, overruns)."
    )
    final: bool
    """Nothing more will change: the tournament is over and no job is under way."""
