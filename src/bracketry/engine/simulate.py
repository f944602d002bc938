"""Rating-based simulated results from an explicit random generator.

The winner of a match is drawn with the Elo expected score
``E = 1 / (1 + 10 ** ((Rb - Ra) / 400))``; scores are plausible small numbers with the
winner ahead. The same generator seed always gives the same tournament.
"""

from __future__ import annotations

import numpy as np

from bracketry.engine.model import NO_WINNER
from bracketry.engine.play import Decider

ELO_SCALE = 400.0
MEAN_EXTRA_GOALS = 1.3
DRAW_RATE = 0.2
"""Share of drawn results between equal players where the format allows draws."""
DEFAULT_RATING = 1500.0


def elo_expected(rating_a: np.ndarray, rating_b: np.ndarray) -> np.ndarray:
    """Expected score of A against B.

    >>> float(elo_expected(np.array([1900.0]), np.array([1500.0]))[0].round(3))
    0.909
    """
    return 1.0 / (1.0 + 10.0 ** ((rating_b - rating_a) / ELO_SCALE))


def simulate_decisive(
    rating_a: np.ndarray, rating_b: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winner slot (0 = A, 1 = B) and scores for matches that cannot be drawn.

    >>> rng = np.random.default_rng(7)
    >>> w, a, b = simulate_decisive(np.array([3000.0]), np.array([0.0]), rng)
    >>> int(w[0]), bool(a[0] > b[0])
    (0, True)
    """
    a_wins = rng.random(rating_a.size) < elo_expected(rating_a, rating_b)
    high = 1 + rng.poisson(MEAN_EXTRA_GOALS, rating_a.size)
    low = np.floor(rng.random(rating_a.size) * high).astype(np.int64)
    winner_slot = np.where(a_wins, 0, 1).astype(np.int8)
    return winner_slot, np.where(a_wins, high, low), np.where(a_wins, low, high)


def simulate_with_draws(
    rating_a: np.ndarray, rating_b: np.ndarray, rng: np.random.Generator, draw_rate: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like :func:`simulate_decisive`, but a share of the matches, largest between equals
    (``draw_rate`` at equal ratings, falling with the gap), ends drawn with equal scores.

    >>> w, a, b = simulate_with_draws(np.zeros(9), np.zeros(9), np.random.default_rng(1), 1.0)
    >>> (w == NO_WINNER).all(), (a == b).all()
    (np.True_, np.True_)
    """
    winner_slot, score_a, score_b = simulate_decisive(rating_a, rating_b, rng)
    closeness = 1.0 - 2.0 * np.abs(elo_expected(rating_a, rating_b) - 0.5)
    drawn = rng.random(rating_a.size) < draw_rate * closeness
    level = np.minimum(score_a, score_b)
    return (
        np.where(drawn, NO_WINNER, winner_slot).astype(np.int8),
        np.where(drawn, level, score_a),
        np.where(drawn, level, score_b),
    )


def rating_decider(
    ratings: np.ndarray, rng: np.random.Generator, draw_rate: float = 0.0
) -> Decider:
    """A :data:`~bracketry.engine.play.Decider` drawing results from players' ratings.

    ``ratings`` is indexed by player index; NaN counts as :data:`DEFAULT_RATING`. With a
    ``draw_rate`` above 0 some matches are drawn (see :func:`simulate_with_draws`).
    """
    filled = np.where(np.isnan(ratings), DEFAULT_RATING, ratings)

    def decide(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if draw_rate > 0.0:
            return simulate_with_draws(filled[a], filled[b], rng, draw_rate)
        return simulate_decisive(filled[a], filled[b], rng)

    return decide


def synthetic_ratings(count: int, rng: np.random.Generator) -> np.ndarray:
    """Ratings for synthetic players: normal around 1500 (sd 200), rounded, in 100..3000.

    >>> synthetic_ratings(3, np.random.default_rng(1)).tolist()
    [1569.0, 1664.0, 1566.0]
    """
    return np.clip(np.round(rng.normal(DEFAULT_RATING, 200.0, count)), 100.0, 3000.0)
