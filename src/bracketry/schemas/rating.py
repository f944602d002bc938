"""Rating shapes: a player's rating now and its history."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class RatingChangeRead(BaseModel):
    """One rated tournament's effect on a player."""

    tournament_id: int
    games: int
    rating_before: float
    rating_after: float
    mu_after: float
    sigma_after: float
    at: datetime


class RatingHistory(BaseModel):
    """A player's rating (``mu`` ± ``sigma`` on the OpenSkill scale) and its history."""

    player_id: int
    name: str
    rating: float | None
    mu: float | None
    sigma: float | None
    changes: list[RatingChangeRead]
