"""What the live monitor shows of a tournament at one moment."""

from __future__ import annotations

from pydantic import BaseModel

from bracketry.schemas.job import GenerationStatus
from bracketry.schemas.tournament import MatchCounts


class MonitorSnapshot(BaseModel):
    """Status, progress, the latest job and the actions allowed now."""

    tournament_id: int
    name: str
    status: str
    enrolled_count: int
    rounds: int
    matches: MatchCounts
    results_pct: float
    rankings_count: int
    job: GenerationStatus | None
    actions: list[str]
    final: bool
    """Nothing more will change: the tournament is over and no job is under way."""
