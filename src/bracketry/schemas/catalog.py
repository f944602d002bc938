"""Format names, their labels for people and the scenario limits: the one copy of each.

Plain Python with no imports, so the CLI's ``--help`` can list them without loading
pydantic or numpy; :mod:`bracketry.schemas.formats`, :mod:`bracketry.schemas.scenario`,
the service and the web pages read them from here.
"""

from __future__ import annotations

FORMAT_NAMES = ("knockout", "double_elimination", "round_robin", "swiss", "groups", "heats")
FORMAT_LABELS = {
    "knockout": "Single elimination (knockout)",
    "double_elimination": "Double elimination",
    "round_robin": "Round robin",
    "swiss": "Swiss",
    "groups": "Groups → knockout",
    "heats": "Free-for-all heats",
}
"""Each format's name for people (pages, tournament names, the CLI)."""

CONFIRM_FROM = 128
"""A scenario of this many players or more must be confirmed (page, API and CLI)."""
MAX_SCENARIO_PLAYERS = 1_048_576


def format_label(name: str) -> str:
    """A format's name for people; a format without a label shows its own name.

    >>> format_label("round_robin"), format_label("ladder_league")
    ('Round robin', 'Ladder league')
    """
    return FORMAT_LABELS.get(name, name.replace("_", " ").capitalize())
