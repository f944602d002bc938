"""Playing a bracket forward: decide every playable match round by round, in bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bracketry.engine.bracket import Bracket, Moves, advance
from bracketry.engine.model import NO_PLAYER, NO_WINNER, NOBODY, UNDECIDED

Decider = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""Given the players in slots A and B of some matches, return (winner slot, score A, score B);
a winner slot of ``NO_WINNER`` is a draw."""


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
    in place; byes count as decided. Rounds are counted per side, so a losers bracket can
    wait on a later winners round: passes over the rounds repeat until one decides
    nothing. Returns what was decided, in order.
    """
    order = np.argsort(bracket.round, kind="stable")
    rounds = bracket.round[order]
    groups = np.split(order, np.flatnonzero(np.diff(rounds)) + 1)
    decided: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    moves: list[Moves] = []
    before = -1
    while len(decided) > before:
        before = len(decided)
        _one_pass(bracket, slots, winner_slot, decide, groups, decided, moves)
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


def _one_pass(
    bracket: Bracket,
    slots: np.ndarray,
    winner_slot: np.ndarray,
    decide: Decider,
    groups: list[np.ndarray],
    decided: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    moves: list[Moves],
) -> None:
    """One pass over the round ``groups``: decide what is ready, in round order."""
    for positions in groups:
        open_ = (winner_slot[positions] == UNDECIDED) & ~bracket.bye[positions]
        ready = open_ & (slots[positions] >= 0).all(axis=1)
        pending = positions[ready]
        if pending.size == 0:
            continue
        won, score_a, score_b = decide(slots[pending, 0], slots[pending, 1])
        winner_slot[pending] = won
        decisive = pending[won != NO_WINNER]
        winners, losers = winners_and_losers(slots[decisive], winner_slot[decisive])
        step = advance(
            decisive,
            bracket.winner_to[decisive],
            bracket.winner_slot[decisive],
            bracket.loser_to[decisive],
            bracket.loser_slot[decisive],
            winners,
            losers,
        )
        slots[step.target, step.slot] = step.player
        decided.append((pending, won, score_a, score_b))
        moves.append(step)


def settle(bracket: Bracket, slots: np.ndarray, winner_slot: np.ndarray) -> Played:
    """Decide the matches nobody can play because a double forfeit sent :data:`NOBODY` into a
    slot: the other player walks over; with nobody on either side nobody goes on
    (``NO_WINNER``). Repeats until nothing changes; updates ``slots`` and ``winner_slot`` in
    place and returns what it decided (scores 0).

    >>> from bracketry.engine.formats.knockout import KnockoutOptions, generate
    >>> b = generate(4, KnockoutOptions(third_place=False))
    >>> slots, won = b.initial_slots(), initial_winner_slot(b)
    >>> slots[2] = [NOBODY, 1]
    >>> settle(b, slots, won).winner_slot.tolist(), won.tolist()
    ([1], [-1, -1, 1])
    """
    positions: list[np.ndarray] = []
    decided: list[np.ndarray] = []
    moves: list[Moves] = []
    while True:
        open_ = (winner_slot == UNDECIDED) & ~bracket.bye
        filled = (slots != NO_PLAYER).all(axis=1)
        stuck = np.flatnonzero(open_ & filled & (slots == NOBODY).any(axis=1))
        if stuck.size == 0:
            break
        both = (slots[stuck] == NOBODY).all(axis=1)
        won = np.where(both, NO_WINNER, (slots[stuck, 0] == NOBODY).astype(np.int8))
        winner_slot[stuck] = won
        present = np.where(both, NOBODY, slots[stuck, 0] + slots[stuck, 1] - NOBODY)
        step = advance(
            stuck,
            bracket.winner_to[stuck],
            bracket.winner_slot[stuck],
            bracket.loser_to[stuck],
            bracket.loser_slot[stuck],
            present,
            np.full(stuck.size, NOBODY),
        )
        slots[step.target, step.slot] = step.player
        positions.append(stuck)
        decided.append(won.astype(np.int8))
        moves.append(step)
    position = np.concatenate(positions).astype(np.int32) if positions else np.empty(0, np.int32)
    zeros = np.zeros(position.size, dtype=np.int32)
    won_all = np.concatenate(decided) if decided else np.empty(0, np.int8)
    return Played(position, won_all, zeros, zeros.copy(), Moves.concat(moves))
