"""Ranking shapes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RankingRead(BaseModel):
    """A player's place and why."""

    rank: int
    player_id: int
    name: str
    round_reached: int
    wins: int
    losses: int
    score_for: int
    score_against: int
    points: float = Field(description="Points (wins in elimination formats).")
    draws: int
    tiebreaks: dict[str, float | None] = Field(
        description="The tournament's tiebreak values, in chain order (points formats)."
    )


class RankingPage(BaseModel):
    """One page of rankings, best first."""

    items: list[RankingRead]
    total: int
    next_offset: int | None


class RankingOutcome(BaseModel):
    """What a ranking calculation did."""

    ranked: int
    duration_ms: float
