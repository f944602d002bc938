"""Single elimination for any number of players, with byes and an optional third-place match.

Seeds follow the standard bracket order; when N is not a power of two the bracket is
padded to the next power of two and the missing slots are byes that fall to the top
seeds. A bye is resolved at generation: the match is stored with one participant and
outcome ``bye``, and its player already stands in the second round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats.base import NOTHING, FormatError, Progress, Table
from bracketry.engine.model import NO_MATCH, NO_PLAYER, Side, side_code
from bracketry.engine.seeding import bracket_order, bracket_size
from bracketry.engine.standings import knockout_standings

MIN_PLAYERS = 2
THIRD_PLACE_MIN_PLAYERS = 4
"""Below four players a semi-final loser may not exist, so no third-place match."""


@dataclass(frozen=True)
class KnockoutOptions:
    """Options of a single-elimination stage."""

    third_place: bool = True


def match_count(player_count: int, third_place: bool = True) -> int:
    """Matches stored for ``player_count`` players, byes included.

    The played matches are ``player_count - 1`` (plus the third-place match); the rest
    are the first-round byes.

    >>> match_count(1024), match_count(1000), match_count(3)
    (1024, 1024, 3)
    """
    extra = 1 if third_place and player_count >= THIRD_PLACE_MIN_PLAYERS else 0
    return bracket_size(player_count) - 1 + extra


def generate(player_count: int, options: KnockoutOptions | None = None) -> Bracket:
    """The bracket for ``player_count`` players seeded 1..N (player index = seed - 1).

    >>> b = generate(8)
    >>> b.entrants[:4].tolist()
    [[0, 7], [3, 4], [1, 6], [2, 5]]
    >>> b.match_count, b.round_count
    (8, 3)
    """
    options = options or KnockoutOptions()
    if player_count < MIN_PLAYERS:
        raise ValueError(f"a knockout needs at least {MIN_PLAYERS} players, got {player_count}")
    size = bracket_size(player_count)
    rounds = size.bit_length() - 1
    per_round = size >> np.arange(1, rounds + 1)
    main = int(per_round.sum())
    third = options.third_place and player_count >= THIRD_PLACE_MIN_PLAYERS
    total = main + int(third)

    round_ = np.repeat(np.arange(1, rounds + 1, dtype=np.int16), per_round)
    starts = np.concatenate([[0], np.cumsum(per_round)[:-1]])
    number = (np.arange(main, dtype=np.int32) - np.repeat(starts, per_round) + 1).astype(np.int32)
    next_start = np.concatenate([starts[1:], [NO_MATCH]])
    within = number - 1
    winner_to = np.where(
        round_ < rounds, np.repeat(next_start, per_round) + within // 2, NO_MATCH
    ).astype(np.int32)
    winner_slot = (within % 2).astype(np.int8)
    loser_to = np.full(main, NO_MATCH, dtype=np.int32)
    loser_slot = np.zeros(main, dtype=np.int8)
    if third:
        semis = round_ == rounds - 1
        loser_to[semis] = main
        loser_slot[semis] = within[semis]

    seeds = bracket_order(size).reshape(-1, 2)
    first = np.where(seeds <= player_count, seeds - 1, NO_PLAYER).astype(np.int32)
    entrants = np.full((total, 2), NO_PLAYER, dtype=np.int32)
    entrants[: size // 2] = first
    bye = np.zeros(total, dtype=bool)
    bye[: size // 2] = (first == NO_PLAYER).any(axis=1)
    byes = np.flatnonzero(bye)
    entrants[winner_to[byes], winner_slot[byes]] = first[byes].max(axis=1)

    side = np.full(total, side_code(Side.MAIN), dtype=np.int8)
    if third:
        round_ = np.append(round_, np.int16(rounds))
        number = np.append(number, np.int32(1))
        side[main] = side_code(Side.THIRD_PLACE)
        winner_to = np.append(winner_to, np.int32(NO_MATCH))
        winner_slot = np.append(winner_slot, np.int8(0))
        loser_to = np.append(loser_to, np.int32(NO_MATCH))
        loser_slot = np.append(loser_slot, np.int8(0))
    return Bracket(
        round=round_,
        number=number,
        side=side,
        entrants=entrants,
        winner_to=winner_to,
        winner_slot=winner_slot,
        loser_to=loser_to,
        loser_slot=loser_slot,
        bye=bye,
        player_count=player_count,
    )


@dataclass(frozen=True)
class Knockout:
    """Single elimination behind the :class:`~bracketry.engine.formats.base.Format` interface."""

    options: KnockoutOptions = KnockoutOptions()
    name: str = "knockout"
    grows: bool = False

    def allows_double_forfeit(self, stage: int) -> bool:
        """A double forfeit puts both players out (their next opponent walks over)."""
        return True

    def allows_draws(self, stage: int) -> bool:
        """Every match needs a winner."""
        return False

    def check(self, player_count: int) -> None:
        """A knockout needs two players."""
        if player_count < MIN_PLAYERS:
            raise FormatError(
                "players", f"a knockout needs at least {MIN_PLAYERS} players, got {player_count}"
            )

    def start(self, player_count: int, ratings: np.ndarray | None = None) -> Bracket:
        """The whole bracket; nothing is appended later."""
        return generate(player_count, self.options)

    def appended_after(self, progress: Progress, position: int) -> np.ndarray:
        """Nothing is ever appended."""
        return NOTHING

    def extend(self, progress: Progress) -> Bracket | None:
        """Nothing: the bracket is complete from the start."""
        return None

    def standings(self, progress: Progress) -> Table:
        """Places by how far each player went (shared places, "1224")."""
        s = knockout_standings(
            progress.bracket, progress.slots, progress.winner_slot, progress.scores
        )
        return Table(
            rank=s.rank,
            points=s.wins.astype(np.float64),
            wins=s.wins,
            draws=np.zeros_like(s.wins),
            losses=s.losses,
            score_for=s.score_for,
            score_against=s.score_against,
            round_reached=s.round_reached,
        )
