"""A player's matches across every tournament, as clients see them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bracketry.schemas.schedule import SlotRead
from bracketry.schemas.session import ParticipantRead, SessionRead
from bracketry.schemas.status import Status


class PlayerMatch(BaseModel):
    """One of the player's matches, with its tournament, opponents and slot."""

    tournament_id: int
    tournament: str = Field(description="The tournament's name.")
    tournament_status: Status
    session: SessionRead
    round_name: str = Field(description="The round for people: Round 1 … Semi-final, Final.")
    opponents: list[ParticipantRead] = Field(
        description="The other players of the match (empty while still to be decided)."
    )
    slot: SlotRead | None = Field(description="Where and when it is played, if scheduled.")
    upcoming: bool = Field(description="Not played yet (no result).")


class PlayerMatchPage(BaseModel):
    """One page of a player's matches: upcoming ones first (scheduled by time, then the
    rest), then played ones, latest result first."""

    player_id: int
    name: str
    items: list[PlayerMatch]
    total: int
    next_offset: int | None
