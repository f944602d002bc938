"""The organizer's pages (a new tournament, managing one) and the public page of a tournament.

Pages only read for their first paint; every change is a call the page's scripts make to the
API with the bearer token they keep. The API decides who may manage a tournament: the manage
page shows its controls only once the API has answered that the viewer may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bracketry.api.deps import ReadDb
from bracketry.schemas.formats import (
    FORMAT_NAMES,
    DoubleEliminationConfig,
    GroupsConfig,
    HeatsConfig,
    KnockoutConfig,
    RoundRobinConfig,
    SwissConfig,
)
from bracketry.schemas.monitor import MonitorSnapshot
from bracketry.schemas.status import Status
from bracketry.service import monitor, rankings
from bracketry.service.errors import NotFound
from bracketry.service.lifecycle import TRANSITIONS, Via
from bracketry.web.shared import (
    NO_TOURNAMENT,
    format_label,
    not_found,
    page_id,
    status_words,
    templates,
)

router = APIRouter(include_in_schema=False)

CONFIGS: dict[str, type[BaseModel]] = {
    "knockout": KnockoutConfig,
    "double_elimination": DoubleEliminationConfig,
    "round_robin": RoundRobinConfig,
    "swiss": SwissConfig,
    "groups": GroupsConfig,
    "heats": HeatsConfig,
}
# The main options of each format shown on the form, with people's words; their kinds,
# limits, defaults and choices come from the API's schema.
MAIN_OPTIONS: dict[str, list[tuple[str, str, str]]] = {
    "knockout": [("third_place", "Play a match for third place", "Needs 4 players or more.")],
    "double_elimination": [("grand_final", "Grand final", "")],
    "round_robin": [
        ("groups", "Groups", "Parallel groups, each its own round robin."),
        ("double", "Everyone plays everyone twice", ""),
    ],
    "swiss": [("rounds", "Swiss rounds", "Leave empty for the usual number for the field.")],
    "groups": [
        ("groups", "Groups", ""),
        ("advance", "Players going on from each group", ""),
        ("third_place", "Play a knockout match for third place", ""),
    ],
    "heats": [
        ("direction", "Which results are better", ""),
        ("heat_size", "Players per heat", ""),
        ("attempts", "Attempts per player", ""),
        ("advance", "Players going on from each heat", "0: a single round."),
    ],
}
CHOICE_WORDS = {
    ("grand_final", "none"): "No grand final: the two bracket winners are first and second",
    ("grand_final", "simple"): "One match",
    ("grand_final", "reset"): "A second match if the losers-bracket winner wins the first",
    ("direction", "lower"): "Lower is better (times)",
    ("direction", "higher"): "Higher is better (scores, distances)",
}
FORMAT_HINTS = {
    "knockout": "Players are seeded by rating; a loss knocks a player out.",
    "double_elimination": "A player is out after a second loss.",
    "round_robin": "Everyone plays everyone; points decide the places.",
    "swiss": "Players with equal points meet each round.",
    "groups": "Round robins in groups, then a knockout of the best of each group.",
    "heats": "Everyone races or throws in heats; the best results go on.",
}


@dataclass(frozen=True)
class Option:
    """One form field of a format option."""

    name: str
    label: str
    hint: str
    kind: str  # "number", "checkbox" or "select"
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    optional: bool = False
    choices: tuple[tuple[str, str], ...] = ()


def _option(schema: dict[str, Any], name: str, label: str, hint: str) -> Option:
    spec = schema["properties"][name]
    variants = spec.get("anyOf", [spec])
    typed = next(v for v in variants if v.get("type") != "null")
    optional = any(v.get("type") == "null" for v in variants) or "default" not in spec
    default = spec.get("default")
    if "enum" in typed:
        choices = tuple((v, CHOICE_WORDS.get((name, v), v)) for v in typed["enum"])
        return Option(name, label, hint, "select", default, choices=choices)
    if typed.get("type") == "boolean":
        return Option(name, label, hint, "checkbox", bool(default))
    return Option(
        name,
        label,
        hint,
        "number",
        default,
        typed.get("minimum"),
        typed.get("maximum"),
        optional and default is None,
    )


def format_options() -> list[tuple[str, str, str, Option, list[Option]]]:
    """Per format: name, label, hint, its Maximum players field and its main options."""
    out = []
    for name in FORMAT_NAMES:
        schema = CONFIGS[name].model_json_schema()
        capacity = _option(schema, "max_players", "Maximum players", "Leave empty for no limit.")
        options = [_option(schema, *spec) for spec in MAIN_OPTIONS.get(name, [])]
        out.append((name, format_label(name), FORMAT_HINTS.get(name, ""), capacity, options))
    return out


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
    formats = format_options()
    capacity_max = {name: capacity.maximum for name, _, _, capacity, _ in formats}
    return templates.TemplateResponse(
        request,
        "new.html",
        {"formats": formats, "capacity_max": capacity_max, "name_max": 200},
    )


@router.get("/tournaments/{tournament_id}/manage", response_class=HTMLResponse)
def manage_page(tournament_id: str, request: Request, db: ReadDb) -> HTMLResponse:
    """Running one tournament: players, lifecycle, results, downloads."""
    snap = _snapshot(db, tournament_id)
    if snap is None:
        return not_found(request, NO_TOURNAMENT)
    return templates.TemplateResponse(
        request, "manage.html", {**_context(db, snap), "moves": status_moves(), "manage": True}
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
