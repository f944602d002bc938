"""Names shared by every format: outcomes, match statuses, bracket sides and slots."""

from __future__ import annotations

from enum import IntEnum, StrEnum

NO_MATCH = -1
"""Link target meaning "nowhere" (the final's winner, a first-round loser)."""

NO_PLAYER = -1
"""Slot content meaning "not known yet" (or absent, for a bye)."""

NOBODY = -2
"""Slot content meaning "nobody is coming": the match feeding it ended in a double forfeit,
so the other player walks over (or, with nobody on both sides, nobody goes on)."""

UNDECIDED = -1
"""Winner-slot value of a match without a result."""

NO_WINNER = 2
"""Winner-slot value of a match decided without a winner (a draw, a double forfeit)."""


class Slot(IntEnum):
    """The two participant positions of a one-on-one match."""

    A = 0
    B = 1


class Outcome(StrEnum):
    """How a decided match ended.

    >>> Outcome("draw").is_decisive
    False
    """

    WIN = "win"
    DRAW = "draw"
    FORFEIT = "forfeit"
    DOUBLE_FORFEIT = "double_forfeit"
    BYE = "bye"
    PLACED = "placed"
    """A heat's result: every member placed by a measured value."""

    @property
    def is_decisive(self) -> bool:
        """True when the outcome names exactly one winner."""
        return self in (Outcome.WIN, Outcome.FORFEIT, Outcome.BYE)


OUTCOME_CODES: tuple[Outcome, ...] = tuple(Outcome)
"""Outcomes in a fixed order, so arrays can store an outcome as its index."""


class MatchStatus(StrEnum):
    """What can happen next to a match (after brackets-manager.js).

    - locked: a participant can still arrive from a match that is not decided;
    - waiting: one participant is known, the other is on the way;
    - ready: both participants are known, a result can be recorded;
    - running: reserved for a match that has been started (live play);
    - completed: a result (or a bye) decided it.
    """

    LOCKED = "locked"
    WAITING = "waiting"
    READY = "ready"
    RUNNING = "running"
    COMPLETED = "completed"


class Side(StrEnum):
    """Which part of a bracket a match belongs to."""

    MAIN = "main"
    THIRD_PLACE = "third_place"
    LOSERS = "losers"
    GRAND_FINAL = "grand_final"
    HEAT = "heat"


SIDE_CODES: tuple[Side, ...] = tuple(Side)
"""Sides in a fixed order, so arrays can store a side as its index."""


def side_code(side: Side) -> int:
    """Index of ``side`` in :data:`SIDE_CODES`.

    >>> side_code(Side.THIRD_PLACE)
    1
    """
    return SIDE_CODES.index(side)


def outcome_code(outcome: Outcome) -> int:
    """Index of ``outcome`` in :data:`OUTCOME_CODES`.

    >>> outcome_code(Outcome.BYE)
    4
    """
    return OUTCOME_CODES.index(outcome)
