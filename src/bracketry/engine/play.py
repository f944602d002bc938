"""Playing a bracket forward: decide every playable match round by round, in bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bracketry.engine.bracket import Bracket, Moves, advance
from bracketry.engine.model import NO_PLAYER

Decider = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""Given the players in slots A and B of some matches, return (winner slot, score A, score B)."""

UNDECIDED = -1
"""Winner-slot value of a match without a result."""


@dataclass(frozen=True)
class Played:
    """Matches decided by :func:`play_out` and the moves they caused."""

    position: np.ndarray
    winner_slot: np.ndarray
    score_a: np.ndarray
    score_b: np.ndarray
    moves: Moves


def winners_and_losers(slots: np.ndarray, winner_slot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The winner and loser players of matches with participants ``slots`` (K, 2).

    >>> w, l = winners_and_losers(np.array([[3, 9], [4, 5]]), np.array([1, 0]))
    >>> w.tolist(), l.tolist()
    ([9, 4], [3, 5])
    """
    rows = np.arange(slots.shape[0])
    winner_slot = winner_slot.astype(np.intp)
    return slots[rows, winner_slot], slots[rows, 1 - winner_slot]


def initial_winner_slot(bracket: Bracket) -> np.ndarray:
    """Winner slots as generation leaves them: byes decided for their present player.

    >>> from bracketry.engine.formats.knockout import generate
    >>> initial_winner_slot(generate(3)).tolist()
    [0, -1, -1]
    """
    present_b = bracket.entrants[:, 1] != NO_PLAYER
    return np.where(bracket.bye, present_b.astype(np.int8), UNDECIDED).astype(np.int8)


def play_out(
    bracket: Bracket, slots: np.ndarray, winner_slot: np.ndarray, decide: Decider
) -> Played:
    """Decide every match that is or becomes playable, round by round.

    ``slots`` (M, 2) and ``winner_slot`` (M,) describe the bracket now and are updated
    in place; byes count as decided. Returns what was decided, in order.
    """
    order = np.argsort(bracket.round, kind="stable")
    rounds = bracket.round[order]
    bounds = np.flatnonzero(np.diff(rounds)) + 1
    decided: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    moves: list[Moves] = []
    for positions in np.split(order, bounds):
        open_ = (winner_slot[positions] == UNDECIDED) & ~bracket.bye[positions]
        ready = open_ & (slots[positions] != NO_PLAYER).all(axis=1)
        pending = positions[ready]
        if pending.size == 0:
            continue
        won, score_a, score_b = decide(slots[pending, 0], slots[pending, 1])
        winner_slot[pending] = won
        winners, losers = winners_and_losers(slots[pending], won)
        step = advance(
            pending,
            bracket.winner_to[pending],
            bracket.winner_slot[pending],
            bracket.loser_to[pending],
            bracket.loser_slot[pending],
            winners,
            losers,
        )
        slots[step.target, step.slot] = step.player
        decided.append((pending, won, score_a, score_b))
        moves.append(step)
    if not decided:
        empty = np.empty(0, dtype=np.int32)
        return Played(empty, empty.astype(np.int8), empty, empty, Moves.concat([]))
    return Played(
        np.concatenate([d[0] for d in decided]).astype(np.int32),
        np.concatenate([d[1] for d in decided]).astype(np.int8),
        np.concatenate([d[2] for d in decided]).astype(np.int32),
        np.concatenate([d[3] for d in decided]).astype(np.int32),
        Moves.concat(moves),
    )
