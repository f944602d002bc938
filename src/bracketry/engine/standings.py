"""Knockout standings: placement by how far each player went, with shared places.

Placement: the final decides 1 and 2, the third-place match 3 and 4; everyone else
shares the place of the round they lost in (quarter-final losers share 5, ...), using
standard competition ranking ("1224"). While a bracket is still being played a player
who is still in ranks just above those who lost in the round they have reached.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.model import NO_WINNER, Side, side_code
from bracketry.engine.play import UNDECIDED, winners_and_losers

CHAMPION, RUNNER_UP, THIRD, FOURTH = 0, 1, 2, 3
ROUND_KEYS_START = 4


@dataclass(frozen=True)
class Standings:
    """Per player (indexed 0..N-1): place and the figures that explain it."""

    rank: np.ndarray
    key: np.ndarray
    round_reached: np.ndarray
    wins: np.ndarray
    losses: np.ndarray
    score_for: np.ndarray
    score_against: np.ndarray


def competition_rank(keys: np.ndarray) -> np.ndarray:
    """Standard competition ranks ("1224") for keys where smaller is better.

    >>> competition_rank(np.array([0, 5, 5, 9])).tolist()
    [1, 2, 2, 4]
    """
    ordered = np.sort(keys)
    return (np.searchsorted(ordered, keys, side="left") + 1).astype(np.int32)


def shared_rank(*keys: np.ndarray) -> np.ndarray:
    """Competition ranks ("1224") by several keys (smaller first, the first key first).

    >>> shared_rank(np.array([0, 0, 1, 0]), np.array([2.0, 1.0, 0.0, 1.0])).tolist()
    [3, 1, 4, 1]
    """
    order = np.lexsort(keys[::-1])
    rows = np.stack([k[order] for k in keys])
    new = np.ones(order.size, dtype=bool)
    new[1:] = (rows[:, 1:] != rows[:, :-1]).any(axis=0)
    first = np.maximum.accumulate(np.where(new, np.arange(order.size), 0))
    rank = np.empty(order.size, dtype=np.int32)
    rank[order] = first + 1
    return rank


def knockout_standings(
    bracket: Bracket, slots: np.ndarray, winner_slot: np.ndarray, scores: np.ndarray
) -> Standings:
    """Standings of a knockout from its slots, winner slots and (M, 2) scores.

    >>> from bracketry.engine.formats.knockout import generate
    >>> b = generate(4)
    >>> slots = np.array([[0, 3], [1, 2], [0, 1], [3, 2]])
    >>> won = np.array([0, 0, 1, 1])
    >>> knockout_standings(b, slots, won, np.zeros((4, 2), int)).rank.tolist()
    [2, 1, 3, 4]
    """
    count = bracket.player_count
    rounds = bracket.round_count
    main = bracket.side == side_code(Side.MAIN)
    third = bracket.side == side_code(Side.THIRD_PLACE)
    both_present = (slots >= 0).all(axis=1)
    over_the_board = (winner_slot != UNDECIDED) & ~bracket.bye & both_present
    played = over_the_board & (winner_slot != NO_WINNER)
    double_forfeit = over_the_board & (winner_slot == NO_WINNER)

    round_reached = np.zeros(count, dtype=np.int32)
    present = main[:, None] & (slots >= 0)
    rows = np.broadcast_to(bracket.round[:, None], slots.shape)
    np.maximum.at(round_reached, slots[present], rows[present].astype(np.int32))

    decided_slots = slots[played]
    winners, losers = winners_and_losers(decided_slots, winner_slot[played])
    both_out = slots[double_forfeit].ravel()
    wins = np.bincount(winners, minlength=count).astype(np.int32)
    losses = np.bincount(np.concatenate([losers, both_out]), minlength=count).astype(np.int32)
    played_scores = scores[played]
    who = decided_slots.ravel()
    score_for = np.bincount(who, played_scores.ravel(), minlength=count).astype(np.int64)
    score_against = np.bincount(who, played_scores[:, ::-1].ravel(), minlength=count)

    lost_main = np.zeros(count, dtype=bool)
    lost_main[losers[main[played]]] = True
    lost_main[slots[double_forfeit & main].ravel()] = True
    key = ROUND_KEYS_START + 2 * (rounds - round_reached) + lost_main.astype(np.int32)
    final = np.flatnonzero(main & (bracket.round == rounds))
    for match, best in ((final, CHAMPION), (np.flatnonzero(third), THIRD)):
        if not match.size or winner_slot[match[0]] == UNDECIDED:
            continue
        pair = slots[match[0]]
        if winner_slot[match[0]] == NO_WINNER:  # a double forfeit: neither takes the place
            key[pair[pair >= 0]] = best + 1
            continue
        won, lost = pair[winner_slot[match[0]]], pair[1 - winner_slot[match[0]]]
        key[won] = best
        if lost >= 0:  # a walkover has nobody on the losing side
            key[lost] = best + 1
    if final.size and winner_slot[final[0]] == UNDECIDED:
        # Finalists still to play share the top place: a third-place match decided before
        # the final must not rank its players above them.
        finalists = slots[final[0]]
        key[finalists[finalists >= 0]] = CHAMPION
    return Standings(
        rank=competition_rank(key),
        key=key.astype(np.int32),
        round_reached=round_reached,
        wins=wins,
        losses=losses,
        score_for=score_for,
        score_against=score_against.astype(np.int64),
    )
