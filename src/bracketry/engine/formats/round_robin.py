"""Round robin by the circle (Berger) method, matching the FIDE Berger tables.

Players are numbered 1..n (n even) as in the FIDE tables; player n stays fixed and the
others turn around a circle. In round ``r`` the circle reads, from position 0,
``s(j) = 1 + (j + (r - 1) * n / 2) mod (n - 1)``; board 1 pairs ``s(0)`` with n (``s(0)``
has white in odd rounds, n in even rounds) and board ``k > 1`` pairs ``s(k - 1)`` (white)
with ``s(n - k)``. With an odd number of players a dummy n = N + 1 is added and whoever
meets it has a bye. A double round robin repeats the schedule with home/away swapped.
Player indexes are 0-based (seed - 1); home is the first-named (white) player.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats.base import NOTHING, FormatError, Progress
from bracketry.engine.model import NO_MATCH, NO_PLAYER, Side, side_code
from bracketry.engine.tiebreaks import PointsRule, RankedByPoints

MIN_PLAYERS = 2
MAX_PLAYERS = 5_000
"""12.5 million matches (25 million double): the largest field a round robin takes here."""
MAX_ROUNDS = int(np.iinfo(np.int16).max)
"""Rounds are stored as int16."""

HOME = 0
AWAY = 1


@dataclass(frozen=True)
class RoundRobinOptions:
    """Options of a round-robin stage."""

    double: bool = False


@dataclass(frozen=True)
class Schedule:
    """A round robin's matches as aligned arrays, and its byes (which are not matches)."""

    round: np.ndarray
    number: np.ndarray
    home: np.ndarray
    away: np.ndarray
    bye_round: np.ndarray
    bye_player: np.ndarray
    player_count: int

    @property
    def match_count(self) -> int:
        """Number of matches (byes excluded)."""
        return int(self.round.size)

    @property
    def round_count(self) -> int:
        """Number of rounds."""
        return max(
            int(self.round.max()) if self.round.size else 0,
            int(self.bye_round.max()) if self.bye_round.size else 0,
        )


def _check(player_count: int) -> None:
    if player_count < MIN_PLAYERS:
        raise ValueError(f"a round robin needs at least {MIN_PLAYERS} players, got {player_count}")


def round_count(player_count: int, double: bool = False) -> int:
    """Rounds of a round robin: N - 1 for even N, N for odd N (twice that for double).

    >>> round_count(8), round_count(7), round_count(7, double=True)
    (7, 7, 14)
    """
    _check(player_count)
    rounds = player_count - 1 + player_count % 2
    return 2 * rounds if double else rounds


def match_count(player_count: int, double: bool = False) -> int:
    """Matches played: N(N - 1)/2, twice that for a double round robin.

    >>> match_count(8), match_count(7), match_count(2000, double=True)
    (28, 21, 3998000)
    """
    matches = player_count * (player_count - 1) // 2
    return 2 * matches if double else matches


def berger_pairings(player_count: int) -> np.ndarray:
    """The FIDE Berger table: (rounds, boards, 2) home/away player indexes.

    For odd N the side that meets the dummy player is :data:`NO_PLAYER` (a bye).

    >>> berger_pairings(4).tolist()
    [[[0, 3], [1, 2]], [[3, 2], [0, 1]], [[1, 3], [2, 0]]]
    >>> berger_pairings(3)[0].tolist()
    [[0, -1], [1, 2]]
    """
    _check(player_count)
    size = player_count + player_count % 2
    circle = size - 1
    half = size // 2
    if circle > MAX_ROUNDS:
        raise ValueError(f"at most {MAX_ROUNDS} rounds, {player_count} players need {circle}")
    rounds = np.arange(circle, dtype=np.int64)
    shift = (rounds * half) % circle
    positions = np.arange(circle, dtype=np.int64)
    seats = np.empty((circle, size), dtype=np.int32)
    seats[:, :circle] = (positions[None, :] + shift[:, None]) % circle
    seats[:, circle] = circle  # the fixed player (the dummy for odd N)
    pairs = np.stack([seats[:, :half], seats[:, : half - 1 : -1]], axis=2)
    pairs[1::2, 0] = pairs[1::2, 0, ::-1]  # the fixed player has white in even rounds
    if player_count % 2:
        pairs[pairs == circle] = NO_PLAYER
    return pairs


def generate(player_count: int, options: RoundRobinOptions | None = None) -> Schedule:
    """The schedule for ``player_count`` players seeded 1..N (player index = seed - 1).

    >>> s = generate(3)
    >>> s.home.tolist(), s.away.tolist(), s.round.tolist()
    ([1, 0, 2], [2, 1, 0], [1, 2, 3])
    >>> s.bye_player.tolist(), generate(3, RoundRobinOptions(double=True)).match_count
    ([0, 2, 1], 6)
    """
    options = options or RoundRobinOptions()
    pairs = berger_pairings(player_count)
    if options.double:
        if 2 * pairs.shape[0] > MAX_ROUNDS:
            raise ValueError(f"at most {MAX_ROUNDS} rounds in a double round robin")
        pairs = np.concatenate([pairs, pairs[..., ::-1]])
    rounds = pairs.shape[0]
    bye = (pairs == NO_PLAYER).any(axis=2)
    played = ~bye
    round_ = np.broadcast_to(np.arange(1, rounds + 1, dtype=np.int16)[:, None], bye.shape)
    number = np.cumsum(played, axis=1, dtype=np.int32)
    return Schedule(
        round=round_[played],
        number=number[played],
        home=pairs[..., HOME][played],
        away=pairs[..., AWAY][played],
        bye_round=round_[bye],
        bye_player=pairs[bye].max(axis=1),
        player_count=player_count,
    )


def as_bracket(schedule: Schedule) -> Bracket:
    """The schedule's matches as a link-free :class:`Bracket` (byes are not matches).

    >>> as_bracket(generate(4)).entrants.tolist()[:2]
    [[0, 3], [1, 2]]
    """
    count = schedule.match_count
    nowhere = np.full(count, NO_MATCH, dtype=np.int32)
    slot = np.zeros(count, dtype=np.int8)
    return Bracket(
        round=schedule.round.astype(np.int16),
        number=schedule.number.astype(np.int32),
        side=np.full(count, side_code(Side.MAIN), dtype=np.int8),
        entrants=np.stack([schedule.home, schedule.away], axis=1).astype(np.int32),
        winner_to=nowhere,
        winner_slot=slot,
        loser_to=nowhere.copy(),
        loser_slot=slot.copy(),
        bye=np.zeros(count, dtype=bool),
        player_count=schedule.player_count,
    )


FOOTBALL_POINTS = PointsRule(win=3.0, draw=1.0, loss=0.0)
"""3 / 1 / 0."""

DEFAULT_TIEBREAKS = ("head_to_head", "score_difference", "scores_for", "wins", "seed")
"""FIFA-like: the results among the tied first, then the overall scores."""


@dataclass(frozen=True)
class RoundRobin(RankedByPoints):
    """Round robin behind the :class:`~bracketry.engine.formats.base.Format` interface."""

    options: RoundRobinOptions = RoundRobinOptions()
    points: PointsRule = FOOTBALL_POINTS
    tiebreaks: tuple[str, ...] = DEFAULT_TIEBREAKS
    lot_seed: int = 0
    name: str = "round_robin"
    grows: bool = False

    def check(self, player_count: int) -> None:
        """At least two players, at most :data:`MAX_PLAYERS`."""
        if player_count < MIN_PLAYERS:
            raise FormatError(
                "players", f"a round robin needs at least {MIN_PLAYERS} players, got {player_count}"
            )
        if player_count > MAX_PLAYERS:
            raise FormatError(
                "players", f"a round robin takes at most {MAX_PLAYERS} players, got {player_count}"
            )

    def start(self, player_count: int, ratings: np.ndarray | None = None) -> Bracket:
        """Every round at once."""
        return as_bracket(generate(player_count, self.options))

    def appended_after(self, progress: Progress, position: int) -> np.ndarray:
        """Nothing is ever appended."""
        return NOTHING

    def extend(self, progress: Progress) -> Bracket | None:
        """Nothing: every match exists from the start."""
        return None
