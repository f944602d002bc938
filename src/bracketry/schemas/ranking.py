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


class RankingColumn(BaseModel):
    """A figure of the format's rankings worth a column, and its heading for people."""

    key: str = Field(
        description="A field of the rows (``round_reached``, ``points``, ``wins``, ``draws``, "
        "``losses``), ``record`` (wins and losses), ``scores`` (for:against) or "
        "``tiebreaks.<name>``."
    )
    heading: str


class RankingPage(BaseModel):
    """One page of rankings, best first."""

    items: list[RankingRead]
    total: int
    next_offset: int | None
    columns: list[RankingColumn] = Field(
        default_factory=list,
        description="The figures that mean something in this format, each once, in order "
        "(after the rank and the player's name).",
    )


class RankingOutcome(BaseModel):
    """What a ranking calculation did."""

    ranked: int
    duration_ms: float
