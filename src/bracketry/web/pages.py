"""HTML pages: the tournaments list with the launcher, and the monitor of one tournament."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bracketry.api.deps import ReadDb
from bracketry.api.params import TournamentId
from bracketry.schemas.formats import FORMAT_NAMES
from bracketry.schemas.scenario import CONFIRM_FROM, MAX_SCENARIO_PLAYERS
from bracketry.service import monitor
from bracketry.service import tournaments as tournament_service

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
FORMAT_LABELS = {
    "knockout": "Single elimination (knockout)",
    "double_elimination": "Double elimination",
    "round_robin": "Round robin",
    "swiss": "Swiss",
    "groups": "Groups → knockout",
    "heats": "Free-for-all heats",
}


def format_label(name: str) -> str:
    """A format's name for people; a format without a label here shows its own name."""
    return FORMAT_LABELS.get(name, name.replace("_", " ").capitalize())


@router.get("/", response_class=HTMLResponse)
def index(request: Request, db: ReadDb, offset: int = Query(0, ge=0, le=10**9)) -> HTMLResponse:
    """Tournaments, newest first, and the scenario launcher."""
    page = tournament_service.list_page(db=db, limit=PAGE_SIZE, offset=offset, status=None)
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "page": page,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "confirm_from": CONFIRM_FROM,
            "max_players": MAX_SCENARIO_PLAYERS,
            "formats": [(name, format_label(name)) for name in FORMAT_NAMES],
            "format_label": format_label,
        },
    )


@router.get("/tournaments/{tournament_id}", response_class=HTMLResponse)
def monitor_page(tournament_id: TournamentId, request: Request, db: ReadDb) -> HTMLResponse:
    """The live monitor of one tournament."""
    snapshot = monitor.snapshot(db=db, tournament_id=tournament_id)
    return templates.TemplateResponse(
        request, "monitor.html", {"snap": snapshot, "format_label": format_label(snapshot.format)}
    )
