"""Export routes: standings, matches, brackets-viewer.js data and TRF16, streamed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from bracketry.api.deps import Context, Public, ReadDb
from bracketry.api.params import TournamentId
from bracketry.service import exports
from bracketry.service.units import UnitOfWork

router = APIRouter(prefix="/tournaments/{tournament_id}/export", tags=["exports"])

CSV = "text/csv; charset=utf-8"
JSON = "application/json"


def _attachment(
    ctx: Context,
    tournament_id: int,
    body: Callable[[UnitOfWork, int], Iterator[str]],
    media_type: str,
    filename: str,
) -> StreamingResponse:
    """Stream ``body`` (which reads in its own session) as a downloaded file."""
    return StreamingResponse(
        body(ctx.database, tournament_id),
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="tournament-{tournament_id}-{filename}"'
        },
    )


@router.get("/standings.csv", dependencies=[Public], response_class=StreamingResponse)
def standings_csv(tournament_id: TournamentId, db: ReadDb, ctx: Context) -> StreamingResponse:
    """Rankings as CSV, one ``tiebreak:<name>`` column per tiebreak (409 before rankings)."""
    exports.check_standings(db=db, tournament_id=tournament_id)
    return _attachment(ctx, tournament_id, exports.standings_csv, CSV, "standings.csv")


@router.get("/standings.json", dependencies=[Public], response_class=StreamingResponse)
def standings_json(tournament_id: TournamentId, db: ReadDb, ctx: Context) -> StreamingResponse:
    """Rankings as a JSON array with a ``tiebreaks`` object each (409 before rankings)."""
    exports.check_standings(db=db, tournament_id=tournament_id)
    return _attachment(ctx, tournament_id, exports.standings_json, JSON, "standings.json")


@router.get("/matches.csv", dependencies=[Public], response_class=StreamingResponse)
def matches_csv(tournament_id: TournamentId, db: ReadDb, ctx: Context) -> StreamingResponse:
    """Every session as CSV; a heat has one row per entry."""
    exports.tournament_or_raise(db, tournament_id)
    return _attachment(ctx, tournament_id, exports.matches_csv, CSV, "matches.csv")


@router.get("/matches.json", dependencies=[Public], response_class=StreamingResponse)
def matches_json(tournament_id: TournamentId, db: ReadDb, ctx: Context) -> StreamingResponse:
    """Every session as a flat JSON object; a heat carries its ``entries``."""
    exports.tournament_or_raise(db, tournament_id)
    return _attachment(ctx, tournament_id, exports.matches_json, JSON, "matches.json")


@router.get("/brackets-viewer.json", dependencies=[Public], response_class=StreamingResponse)
def brackets_viewer(tournament_id: TournamentId, db: ReadDb, ctx: Context) -> StreamingResponse:
    """The bracket as brackets-viewer.js / brackets-manager.js data (409 for Swiss, heats)."""
    exports.check_brackets_viewer(db=db, tournament_id=tournament_id)
    return _attachment(ctx, tournament_id, exports.brackets_viewer, JSON, "brackets-viewer.json")


@router.get("/trf", dependencies=[Public], response_class=StreamingResponse)
def trf(tournament_id: TournamentId, db: ReadDb, ctx: Context) -> StreamingResponse:
    """A Swiss as a FIDE TRF16 file (409 for other formats)."""
    exports.check_trf(db=db, tournament_id=tournament_id)
    return _attachment(ctx, tournament_id, exports.trf, "text/plain; charset=utf-8", "report.trf")
