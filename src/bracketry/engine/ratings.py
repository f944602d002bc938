"""Ratings that carry over: OpenSkill (Weng-Lin, Plackett-Luce) updates from a tournament.

A player's skill is ``mu`` ± ``sigma`` (OpenSkill's scale, 25 ± 25/3 to start); the
displayed rating is ``mu`` times :data:`RATING_PER_MU`, so a new player at 25 shows 1500 like
an unrated Elo player, and an Elo-style rating seeds ``mu`` the other way round. Games are
rated one by one in the order they were played (round by round); only games played over
the board count: byes, forfeits, walkovers and double forfeits are not rated. A heat is
one game of many players ranked by their places (players who did not finish are left out).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from openskill.models import PlackettLuce

from bracketry.engine.formats.base import Progress
from bracketry.engine.model import NO_WINNER, OUTCOME_CODES, Outcome, Side, side_code

RATING_PER_MU = 60.0
MU = 25.0
SIGMA = MU / 3.0
RATED = frozenset({OUTCOME_CODES.index(Outcome.WIN), OUTCOME_CODES.index(Outcome.DRAW)})


@dataclass(frozen=True)
class Skills:
    """Per player index: skill estimate and how many games moved it."""

    mu: np.ndarray
    sigma: np.ndarray
    games: np.ndarray

    @property
    def rating(self) -> np.ndarray:
        """The displayed rating."""
        return self.mu * RATING_PER_MU


def starting_skills(
    mu: np.ndarray, sigma: np.ndarray, ratings: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each player's skill before a tournament: their stored ``mu``/``sigma`` where known,
    else ``mu`` from their rating (NaN: the default) with the default ``sigma``.

    >>> m, s = starting_skills(np.array([np.nan, 30.0]), np.array([np.nan, 2.0]),
    ...                        np.array([1800.0, 1500.0]))
    >>> m.tolist(), s.round(3).tolist()
    ([30.0, 30.0], [8.333, 2.0])
    """
    from_rating = np.where(np.isnan(ratings), MU, ratings / RATING_PER_MU)
    known = ~np.isnan(mu)
    return (
        np.where(known, mu, from_rating),
        np.where(known & ~np.isnan(sigma), sigma, SIGMA),
    )


def rate(
    progress: Progress, mu: np.ndarray, sigma: np.ndarray, *, heat_direction: str = "lower"
) -> Skills:
    """Skills after every rated game of ``progress`` (players by index); heats place their
    players by value in ``heat_direction``.

    >>> from bracketry.engine.formats.knockout import generate
    >>> p = Progress.fresh(generate(2))
    >>> p.winner_slot[0], p.outcome[0] = 1, 0
    >>> s = rate(p, np.full(2, MU), np.full(2, SIGMA))
    >>> bool(s.mu[1] > MU > s.mu[0]), s.games.tolist()
    (True, [1, 1])
    """
    model = PlackettLuce()
    mu, sigma = mu.astype(np.float64).copy(), sigma.astype(np.float64).copy()
    games = np.zeros(mu.size, dtype=np.int64)
    bracket = progress.bracket
    order = np.lexsort((np.arange(bracket.match_count), bracket.round, bracket.stages))
    heats = _heat_places(progress, heat_direction)
    for position in order.tolist():
        if position in heats:
            players, places = heats[position]
        else:
            players, places = _pair(progress, position)
        if players.size < 2:
            continue
        teams = [[model.rating(mu=mu[p], sigma=sigma[p])] for p in players.tolist()]
        rated = model.rate(teams, ranks=places.tolist())
        mu[players] = [team[0].mu for team in rated]
        sigma[players] = [team[0].sigma for team in rated]
        games[players] += 1
    return Skills(mu=mu, sigma=sigma, games=games)


def _pair(progress: Progress, position: int) -> tuple[np.ndarray, np.ndarray]:
    """The players and ranks of a one-on-one game, or nothing when it is not rated."""
    slots = progress.slots[position]
    if progress.outcome[position] not in RATED or (slots < 0).any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    won = int(progress.winner_slot[position])
    places = np.array([0, 0]) if won == NO_WINNER else np.array([won, 1 - won])
    return slots.astype(np.int64), places


def _heat_places(progress: Progress, direction: str) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Each decided heat's finishers and their places (ties share a place)."""
    members = progress.bracket.members
    value = progress.value
    if members is None or value is None:
        return {}
    heats: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    decided = progress.decided
    is_heat = progress.bracket.side == side_code(Side.HEAT)
    for heat in np.flatnonzero(is_heat & decided).tolist():
        mine = np.flatnonzero((members.match == heat) & ~np.isnan(value))
        values = value[mine] if direction == "lower" else -value[mine]
        places = np.searchsorted(np.unique(values), values)
        heats[heat] = (members.player[mine].astype(np.int64), places)
    return heats
