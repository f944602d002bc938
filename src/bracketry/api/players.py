"""Player routes: ratings and their history, and their matches in every tournament."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from bracketry.api.deps import Public, ReadDb
from bracketry.api.params import MAX_ID, Offset, limit_param
from bracketry.schemas.player_matches import PlayerMatchPage
from bracketry.schemas.rating import RatingHistory
from bracketry.service import player_matches, ratings

router = APIRouter(prefix="/players", tags=["players"])

PlayerId = Annotated[int, Path(ge=1, le=MAX_ID, description="Player id.")]
CALENDAR = "text/calendar; charset=utf-8"


@router.get("/{player_id}/ratings", dependencies=[Public])
def rating_history(player_id: PlayerId, db: ReadDb) -> RatingHistory:
    """The player's rating now and after each completed tournament, oldest first."""
    return ratings.history(db=db, player_id=player_id)


@router.get("/{player_id}/matches", dependencies=[Public])
def player_matches_page(
    player_id: PlayerId,
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(50, 500),  # type: ignore[assignment]
) -> PlayerMatchPage:
    """The player's matches in every tournament: upcoming first (by start time), then played
    ones (latest first), each with its tournament, opponents, slot, result and report."""
    return player_matches.page(db=db, player_id=player_id, limit=limit, offset=offset)


@router.get(
    "/{player_id}/schedule.ics",
    dependencies=[Public],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "iCalendar feed."}},
)
def player_calendar(player_id: PlayerId, db: ReadDb) -> Response:
    """The player's scheduled matches of every tournament as an iCalendar feed."""
    return Response(player_matches.feed(db=db, player_id=player_id), media_type=CALENDAR)
