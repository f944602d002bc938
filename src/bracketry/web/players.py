"""The player's pages: ``/players/{id}`` (anyone may read it; the player signed in there
reports their results) and ``/me``, which sends a signed-in player to their own page or asks
them to sign in. The matches come from the API (``/api/v1/players/{id}/matches``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bracketry.service import player_matches
from bracketry.service.errors import NotFound
from bracketry.web.deps import ReadDb
from bracketry.web.shared import not_found, page_id, templates

router = APIRouter(include_in_schema=False)
NO_PLAYER = "There is no player at this address."


@router.get("/me", response_class=HTMLResponse)
def my_page(request: Request) -> HTMLResponse:
    """The signed-in player's page (the browser knows who is signed in, not the server)."""
    return templates.TemplateResponse(
        request, "player.html", {"player_id": None, "heading": "Your matches", "name": ""}
    )


@router.get("/players/{player_id}", response_class=HTMLResponse)
def player_page(player_id: str, request: Request, db: ReadDb) -> HTMLResponse:
    """One player's matches in every tournament, upcoming first, and their calendar feed."""
    number = page_id(player_id)
    if number is None:
        return not_found(request, NO_PLAYER)
    try:
        name = player_matches.player_name(db=db, player_id=number)
    except NotFound:
        return not_found(request, NO_PLAYER)
    return templates.TemplateResponse(
        request, "player.html", {"player_id": number, "heading": name, "name": name}
    )
