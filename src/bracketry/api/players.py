"""Player routes: ratings and their history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from bracketry.api.deps import Public, ReadDb
from bracketry.api.params import MAX_ID
from bracketry.schemas.rating import RatingHistory
from bracketry.service import ratings

router = APIRouter(prefix="/players", tags=["players"])


@router.get("/{player_id}/ratings", dependencies=[Public])
def rating_history(player_id: Annotated[int, Path(ge=1, le=MAX_ID)], db: ReadDb) -> RatingHistory:
    """The player's rating now and after each completed tournament, oldest first."""
    return ratings.history(db=db, player_id=player_id)
