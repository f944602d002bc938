"""The organizer's pages (a new tournament, managing one) and the public page of a tournament.

Pages only read for their first paint; every change is a call the page's scripts make to the
API with the bearer token they keep. The API decides who may manage a tournament: the manage
page shows its controls only once the API has answered that the viewer may.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bracketry.schemas.monitor import MonitorSnapshot
from bracketry.schemas.status import Status
from bracketry.service import monitor, rankings
from bracketry.service.errors import NotFound
from bracketry.service.lifecycle import TRANSITIONS, Via
from bracketry.web.deps import ReadDb
from bracketry.web.new_form import VENUE_LIMITS, format_forms, shared_options, time_zones
from bracketry.web.shared import (
    NO_TOURNAMENT,
    format_label,
    not_found,
    page_id,
    status_words,
    templates,
)

router = APIRouter(include_in_schema=False)


def status_moves() -> dict[str, list[str]]:
    """The lifecycle moves an organizer makes by a status change, by current status (the
    lifecycle's own table; generating and completing are the snapshot's actions)."""
    moves: dict[str, list[str]] = {}
    for (current, target), via in TRANSITIONS.items():
        if via is Via.STATUS:
            moves.setdefault(str(current), []).append(str(target))
    return moves


def champion(db: Session, snap: MonitorSnapshot) -> str:
    """The winner's name once the tournament is complete ("" before)."""
    if snap.status != Status.COMPLETED or not snap.rankings_count:
        return ""
    top = rankings.list_page(db=db, tournament_id=snap.tournament_id, limit=4, offset=0).items
    return " and ".join(r.name for r in top if r.rank == 1)


def _snapshot(db: Session, raw: str) -> MonitorSnapshot | None:
    number = page_id(raw)
    if number is None:
        return None
    try:
        return monitor.snapshot(db=db, tournament_id=number)
    except NotFound:
        return None


def _context(db: Session, snap: MonitorSnapshot) -> dict[str, Any]:
    return {
        "snap": snap,
        "format_label": format_label(snap.format),
        "status_words": status_words(snap.status),
        "champion": champion(db, snap),
        "words": {str(s): status_words(s) for s in Status},
    }


@router.get("/tournaments/new", response_class=HTMLResponse)
def new_tournament(request: Request) -> HTMLResponse:
    """The form that creates a tournament."""
    formats = format_forms()
    context = {
        "formats": formats,
        "capacity_max": {form.name: form.capacity.maximum for form in formats},
        "check_in": shared_options("check_in"),
        "timing": shared_options("timing"),
        "zones": time_zones(),
        "venue_limits": VENUE_LIMITS,
        "name_max": 200,
    }
    return templates.TemplateResponse(request, "new.html", context)


@router.get("/tournaments/{tournament_id}/manage", response_class=HTMLResponse)
def manage_page(tournament_id: str, request: Request, db: ReadDb) -> HTMLResponse:
    """Running one tournament: players, lifecycle, results, downloads."""
    snap = _snapshot(db, tournament_id)
    if snap is None:
        return not_found(request, NO_TOURNAMENT)
    return templates.TemplateResponse(
        request,
        "manage.html",
        {
            **_context(db, snap),
            "moves": status_moves(),
            "manage": True,
            "zones": time_zones(),
            "timing": shared_options("timing"),
            "venue_limits": VENUE_LIMITS,
        },
    )


@router.get("/t/{tournament_id}", response_class=HTMLResponse)
def public_page(tournament_id: str, request: Request, db: ReadDb) -> HTMLResponse:
    """What anyone may follow: bracket or rounds, standings, live; no control of any kind."""
    snap = _snapshot(db, tournament_id)
    if snap is None:
        return not_found(request, NO_TOURNAMENT)
    return templates.TemplateResponse(
        request, "public.html", {**_context(db, snap), "public": True}
    )
