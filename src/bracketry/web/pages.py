"""HTML pages: the tournaments list with the launcher and the monitor of one tournament; the
organizer's and public pages come from :mod:`bracketry.web.organizer`."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from bracketry.schemas.formats import FORMAT_NAMES
from bracketry.schemas.scenario import CONFIRM_FROM, MAX_SCENARIO_PLAYERS
from bracketry.schemas.status import Status
from bracketry.service import monitor
from bracketry.service import tournaments as tournament_service
from bracketry.service.errors import NotFound
from bracketry.web import organizer, players
from bracketry.web.deps import ReadDb
from bracketry.web.shared import (
    NO_TOURNAMENT,
    STATIC,
    format_label,
    not_found,
    page_id,
    status_words,
    templates,
)

__all__ = ["STATIC", "router"]

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


@router.get("/", response_class=HTMLResponse)
def index(request: Request, db: ReadDb, offset: int = Query(0, ge=0, le=10**9)) -> HTMLResponse:
    """Tournaments, newest first, and the scenario launcher."""
    page = tournament_service.list_page(db=db, limit=PAGE_SIZE, offset=offset, status=None)
    progress = {
        t.id: monitor.progress_pct(db=db, tournament_id=t.id, generated=t.sessions_generated)
        for t in page.items
    }
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "page": page,
            "progress": progress,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "confirm_from": CONFIRM_FROM,
            "max_players": MAX_SCENARIO_PLAYERS,
            "formats": [(name, format_label(name)) for name in FORMAT_NAMES],
            "format_label": format_label,
            "status_words": status_words,
        },
    )


# The organizer's and public pages; /tournaments/new comes before the monitor's route.
router.include_router(organizer.router)
router.include_router(players.router)


@router.get("/tournaments/{tournament_id}", response_class=HTMLResponse)
def monitor_page(tournament_id: str, request: Request, db: ReadDb) -> HTMLResponse:
    """The live monitor of one tournament."""
    number = page_id(tournament_id)
    if number is None:
        return not_found(request, NO_TOURNAMENT)
    try:
        snapshot = monitor.snapshot(db=db, tournament_id=number)
    except NotFound:
        return not_found(request, NO_TOURNAMENT)
    return templates.TemplateResponse(
        request,
        "monitor.html",
        {
            "snap": snapshot,
            "format_label": format_label(snapshot.format),
            "status_words": status_words(snapshot.status),
            "words": {str(s): status_words(s) for s in Status},
        },
    )
