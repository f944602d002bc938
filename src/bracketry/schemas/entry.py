"""A player's own entry in a tournament, and the waiting list."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class EntryRead(BaseModel):
    """Where the signed-in player stands in a tournament."""

    player_id: int
    state: Literal["enrolled", "waiting", "withdrawn"]
    waiting_position: int | None = Field(None, description="1-based place on the waiting list.")
    promoted_player_id: int | None = Field(
        None, description="After a withdrawal: the waiting player who took the place."
    )


class WaitingRead(BaseModel):
    """A player on the waiting list."""

    player_id: int
    name: str
    position: int = Field(description="1-based: the first takes the next free place.")
    checked_in: bool = Field(False, description="Whether the player has checked in.")
