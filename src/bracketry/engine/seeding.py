"""Seeds and the standard bracket order.

A seed is a player's strength rank in a tournament: 1 is the strongest. The standard
bracket order (Challonge's "standard", brackets-manager.js's ``inner_outer``) places seeds
so that seed ``s`` can meet seed ``2**j + 1 - s`` only in the round with ``2**j`` players
left: seeds 1 and 2 only in the final, 1-4 only in the semi-finals.
"""

from __future__ import annotations

import numpy as np

NO_SEED = 0
"""Value of a requested seed meaning "let the rules decide"."""


class SeedingError(ValueError):
    """Requested seeds that cannot be honoured; ``field`` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def bracket_size(player_count: int) -> int:
    """The smallest power of two that holds ``player_count`` players.

    >>> [bracket_size(n) for n in (2, 3, 4, 5, 1000)]
    [2, 4, 4, 8, 1024]
    """
    if player_count < 2:
        raise ValueError("a bracket needs at least 2 players")
    return 1 << (player_count - 1).bit_length()


def bracket_order(size: int) -> np.ndarray:
    """Seeds (1-based) in first-round slot order for a bracket of ``size`` slots.

    Consecutive pairs are the first-round matches; adjacent matches feed the same
    second-round match.

    >>> bracket_order(8).tolist()
    [1, 8, 4, 5, 2, 7, 3, 6]
    """
    if size < 1 or size & (size - 1):
        raise ValueError(f"bracket size must be a power of two, got {size}")
    order = np.array([1], dtype=np.int32)
    while order.size < size:
        mirror = 2 * order.size + 1 - order
        order = np.stack([order, mirror], axis=1).ravel()
    return order


SEEDING_METHODS = ("rating", "enrollment", "random", "manual")


def assign_seeds(
    requested: np.ndarray,
    ratings: np.ndarray,
    method: str = "rating",
    random_seed: int = 0,
) -> np.ndarray:
    """Seeds 1..N for players given in enrollment order.

    ``requested`` holds explicit seeds (:data:`NO_SEED` where none was asked for) and
    ``ratings`` the players' ratings (NaN where unknown). Explicit seeds are kept; the
    remaining seeds go by ``method``: "rating" (highest first, players without a rating
    after those with one, ties in enrollment order), "enrollment" (enrollment order),
    "random" (a shuffle drawn from ``random_seed``) or "manual" (every player must have
    requested a seed).

    >>> assign_seeds(np.array([0, 0, 1, 0]), np.array([1500.0, 1700.0, 1200.0, np.nan])).tolist()
    [3, 2, 1, 4]
    >>> assign_seeds(np.array([0, 0, 1, 0]), np.zeros(4), "enrollment").tolist()
    [2, 3, 1, 4]
    """
    if method not in SEEDING_METHODS:
        raise ValueError(f"unknown seeding method {method!r}")
    requested = np.asarray(requested, dtype=np.int64)
    ratings = np.asarray(ratings, dtype=np.float64)
    count = requested.size
    explicit = requested != NO_SEED
    chosen = requested[explicit]
    if chosen.size:
        if chosen.min() < 1 or chosen.max() > count:
            bad = int(chosen[(chosen < 1) | (chosen > count)][0])
            raise SeedingError("seed", f"seed {bad} is outside 1..{count} (the player count)")
        values, counts = np.unique(chosen, return_counts=True)
        if (counts > 1).any():
            raise SeedingError("seed", f"seed {int(values[counts > 1][0])} is requested twice")
    free_seeds = np.setdiff1d(np.arange(1, count + 1), chosen, assume_unique=True)
    free_players = np.flatnonzero(~explicit)
    if method == "manual" and free_players.size:
        raise SeedingError(
            "seed", f"manual seeding: {free_players.size} players have not been given a seed"
        )
    if method == "rating":
        free_ratings = ratings[free_players]
        unrated = np.isnan(free_ratings)
        # lexsort sorts by the last key first: unrated last, then higher rating, then order.
        ranking = np.lexsort((free_players, -np.nan_to_num(free_ratings), unrated))
    elif method == "random":
        ranking = np.random.default_rng(random_seed).permutation(free_players.size)
    else:
        ranking = np.arange(free_players.size)
    seeds = requested.copy()
    seeds[free_players[ranking]] = free_seeds
    return seeds
