"""What a round is called, for people: "Round 1", "Quarter-final", "Semi-final", "Final",
"Third place", the winners' and losers' rounds of double elimination and its grand final.

One function names every round of every format; the monitor snapshot sends each side's
labels so that every page (bracket, round lists, timetable, reports) says the same.
"""

from __future__ import annotations

KNOCKOUT_ENDS = ("Final", "Semi-final", "Quarter-final")
"""The last rounds of an elimination bracket, from the final back."""

KNOCKOUT_STAGES = {"knockout": 1, "groups": 2}
"""The stage that is an elimination bracket, by format."""


def round_label(format_name: str, stage: int, side: str, round_: int, last: int) -> str:
    """The name of round ``round_`` of a stage's side whose last round is ``last``.

    >>> [round_label("knockout", 1, "main", r, 4) for r in (1, 2, 3, 4)]
    ['Round 1', 'Quarter-final', 'Semi-final', 'Final']
    >>> round_label("knockout", 1, "third_place", 4, 4)
    'Third place'
    >>> [round_label("double_elimination", 1, "losers", r, 4) for r in (1, 4)]
    ['Losers round 1', 'Losers final']
    >>> [round_label("double_elimination", 1, "grand_final", r, 2) for r in (1, 2)]
    ['Grand final', 'Grand final reset']
    >>> round_label("groups", 1, "main", 2, 3), round_label("groups", 2, "main", 3, 3)
    ('Group round 2', 'Final')
    """
    if side == "third_place":
        return "Third place"
    if format_name == "double_elimination":
        if side == "grand_final":
            return "Grand final" if round_ == 1 else "Grand final reset"
        prefix = "Losers" if side == "losers" else "Winners"
        return f"{prefix} final" if round_ == last else f"{prefix} round {round_}"
    if KNOCKOUT_STAGES.get(format_name) == stage and side == "main":
        back = last - round_
        return KNOCKOUT_ENDS[back] if back < len(KNOCKOUT_ENDS) else f"Round {round_}"
    if format_name == "groups" and stage == 1:
        return f"Group round {round_}"
    return f"Round {round_}"


def side_labels(format_name: str, stage: int, side: str, last: int) -> list[str]:
    """The names of rounds 1..``last`` of a stage's side."""
    return [round_label(format_name, stage, side, r, last) for r in range(1, last + 1)]
