"""The one interface every format implements, and the state formats read.

A format builds the matches of a tournament for players ``0..N-1`` (player index =
seed - 1), may append matches once every stored match is decided (the next Swiss round,
a grand-final reset, the knockout after the groups), and ranks the players.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.model import NO_PLAYER, OUTCOME_CODES, UNDECIDED, Outcome


class FormatError(ValueError):
    """Options or a player count the format cannot honour; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Progress:
    """A tournament's matches and results so far, as aligned arrays (one entry per match).

    ``winner_slot`` is 0/1, ``NO_WINNER`` (draw, double forfeit) or ``UNDECIDED``;
    ``outcome`` is an index into :data:`OUTCOME_CODES` or -1 while undecided.
    Player index ``i`` has seed ``i + 1``; ``ratings`` are by player index (NaN when
    unknown). Heats (many-player matches) keep their players in ``bracket.members`` and
    their measured results in ``value``.
    """

    bracket: Bracket
    slots: np.ndarray
    winner_slot: np.ndarray
    outcome: np.ndarray
    scores: np.ndarray
    ratings: np.ndarray
    value: np.ndarray | None = None
    """Per entry of ``bracket.members``: the measured result, NaN while undecided."""

    @property
    def player_count(self) -> int:
        """Number of players."""
        return self.bracket.player_count

    @property
    def decided(self) -> np.ndarray:
        """Matches with a result (byes included)."""
        return self.winner_slot != UNDECIDED

    def then(self, more: Bracket) -> Progress:
        """This progress with the matches of ``more`` (links relative to it) appended, as
        generation leaves them.

        >>> from bracketry.engine.formats.knockout import generate
        >>> Progress.fresh(generate(2)).then(generate(2)).winner_slot.tolist()
        [-1, -1]
        """
        fresh = Progress.fresh(more, self.ratings)
        values = [v for v in (self.value, fresh.value) if v is not None]
        return Progress(
            bracket=self.bracket.then(more),
            slots=np.concatenate([self.slots, fresh.slots]),
            winner_slot=np.concatenate([self.winner_slot, fresh.winner_slot]),
            outcome=np.concatenate([self.outcome, fresh.outcome]),
            scores=np.concatenate([self.scores, fresh.scores]),
            ratings=self.ratings,
            value=np.concatenate(values) if values else None,
        )

    @staticmethod
    def fresh(bracket: Bracket, ratings: np.ndarray | None = None) -> Progress:
        """The state a newly generated ``bracket`` is in: byes decided, nothing else."""
        from bracketry.engine.play import initial_winner_slot

        won = initial_winner_slot(bracket)
        outcome = np.where(bracket.bye, OUTCOME_CODES.index(Outcome.BYE), -1).astype(np.int8)
        count = bracket.player_count
        return Progress(
            bracket=bracket,
            slots=bracket.initial_slots(),
            winner_slot=won,
            outcome=outcome,
            scores=np.zeros((bracket.match_count, 2), dtype=np.int64),
            ratings=np.full(count, np.nan) if ratings is None else ratings,
            value=None if bracket.members is None else np.full(bracket.members.size, np.nan),
        )


@dataclass(frozen=True)
class Games:
    """The decided matches of a :class:`Progress`, aligned; ``b`` is ``NO_PLAYER`` for a bye."""

    a: np.ndarray
    b: np.ndarray
    round: np.ndarray
    outcome: np.ndarray
    winner_slot: np.ndarray
    score_a: np.ndarray
    score_b: np.ndarray

    @staticmethod
    def of(progress: Progress, stage: int | None = None) -> Games:
        """The decided matches of ``progress`` (of one stage if given); a bye's player is in
        ``a``."""
        keep = progress.decided
        if stage is not None:
            keep = keep & (progress.bracket.stages == stage)
        slots = progress.slots[keep]
        bye_in_a = slots[:, 0] == NO_PLAYER
        a = np.where(bye_in_a, slots[:, 1], slots[:, 0])
        b = np.where(bye_in_a, NO_PLAYER, slots[:, 1])
        won = progress.winner_slot[keep]
        scores = progress.scores[keep]
        return Games(
            a=a.astype(np.int32),
            b=b.astype(np.int32),
            round=progress.bracket.round[keep].astype(np.int32),
            outcome=progress.outcome[keep].astype(np.int8),
            winner_slot=np.where(bye_in_a & (won < 2), 1 - won, won).astype(np.int8),
            score_a=np.where(bye_in_a, scores[:, 1], scores[:, 0]),
            score_b=np.where(bye_in_a, scores[:, 0], scores[:, 1]),
        )


@dataclass(frozen=True)
class Table:
    """Standings per player index: a place (ties share it where the format says so) and the
    figures and tiebreak values (in chain order) that explain it."""

    rank: np.ndarray
    points: np.ndarray
    wins: np.ndarray
    draws: np.ndarray
    losses: np.ndarray
    score_for: np.ndarray
    score_against: np.ndarray
    round_reached: np.ndarray
    metrics: dict[str, np.ndarray] = field(default_factory=dict)


class Format(Protocol):
    """What the service needs of a format; options are fixed when the format is built."""

    name: str
    grows: bool
    """Whether :meth:`extend` can ever add matches."""

    def allows_draws(self, stage: int) -> bool:
        """Whether a draw is a possible result in ``stage``."""

    def allows_double_forfeit(self, stage: int) -> bool:
        """Whether a double forfeit is a possible result in ``stage``."""

    def check(self, player_count: int) -> None:
        """Raise :class:`FormatError` unless the format can run for ``player_count``."""

    def start(self, player_count: int, ratings: np.ndarray | None = None) -> Bracket:
        """The matches generated for ``player_count`` players (``ratings`` by seed index, NaN
        when unknown, for formats that balance by them)."""

    def extend(self, progress: Progress) -> Bracket | None:
        """Matches to append now that every match of ``progress`` is decided, or None.

        The returned bracket's links are relative to itself.
        """

    def standings(self, progress: Progress) -> Table:
        """The players' places now."""

    def appended_after(self, progress: Progress, position: int) -> np.ndarray:
        """Positions of matches :meth:`extend` made in view of the result at ``position``
        (later Swiss rounds, a reset): a changed result removes them, to be made again."""


NOTHING = np.empty(0, dtype=np.int64)
"""No positions."""
