"""Points tables with an ordered tiebreak chain (round robin, Swiss, group stages).

Players are ranked by points, then by each criterion of the chain in order, then by a
seeded lot, so the ranks are always a total order 1..N (no shared places). Internally a
"place" id per player says who is still tied (equal ids); each criterion refines it.

Rules for games that were not played over the board:

- a bye (``b == NO_PLAYER``) scores ``rule.bye`` (``rule.win`` if None), is *not* a win,
  has no opponent and no score, and counts for ``round_reached`` and progressive score;
- a forfeit scores like a win / loss and counts as a win / loss; it counts as a game
  against that opponent for head-to-head, Buchholz (all variants) and Sonneborn-Berger;
- a double forfeit scores ``rule.loss`` for both and is a loss for both (also a game
  against that opponent, with own result 0).

Tiebreaks (higher is better, except ``seed``: player ``i`` has seed ``i + 1``, lower wins):

- ``head_to_head``: FIFA-style mini-league among the players still tied (points, then
  score difference, then scores, among them only), re-applied to each sub-group still tied
  until nothing splits; its metric is the mini-league points of the last refinement that
  applied to the player (0 if never tied);
- ``score_difference``, ``scores_for``, ``wins``;
- ``buchholz``: sum of the opponents' final points, one term per game against them;
  ``buchholz_cut1`` drops the lowest term, ``median_buchholz`` the highest and lowest
  (two of each with 9 or more terms);
- ``sonneborn_berger``: sum of opponent's final points x own result (1, 1/2, 0);
- ``progressive``: sum over rounds 1..R (R = last round of the table) of the running points.

>>> from bracketry.engine.formats.base import Games
>>> g = Games(a=np.array([0, 1, 2]), b=np.array([1, 2, 0]), round=np.array([1, 2, 3]),
...           outcome=np.array([0, 0, 0]), winner_slot=np.array([0, 0, 0]),
...           score_a=np.array([2, 1, 3]), score_b=np.array([0, 0, 0]))
>>> t = points_table(g, 3, PointsRule(), ["score_difference", "head_to_head"])
>>> t.points.tolist(), t.metrics["score_difference"].tolist(), t.rank.tolist()
([3.0, 3.0, 3.0], [-1.0, -1.0, 2.0], [2, 3, 1])
>>> t.metrics["head_to_head"].tolist()
[3.0, 0.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bracketry.engine.formats.base import Games, Progress, Table
from bracketry.engine.model import NO_PLAYER, NO_WINNER, OUTCOME_CODES, Outcome

TIEBREAKS: tuple[str, ...] = (
    "head_to_head",
    "score_difference",
    "scores_for",
    "wins",
    "buchholz",
    "buchholz_cut1",
    "median_buchholz",
    "sonneborn_berger",
    "progressive",
    "seed",
)

MEDIAN_TWO_FROM = 9
"""Median Buchholz drops two highest and two lowest terms from this many terms on."""

DECIMALS = 9
"""Values are compared rounded to this many decimals (float sums in any game order)."""

_DOUBLE_FORFEIT = OUTCOME_CODES.index(Outcome.DOUBLE_FORFEIT)


@dataclass(frozen=True)
class PointsRule:
    """Points for each result; ``bye=None`` scores a bye like a win."""

    win: float = 3.0
    draw: float = 1.0
    loss: float = 0.0
    bye: float | None = None


def refine(places: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """Split tied players by ``keys`` (smaller first, the first key first).

    Players are identified by a "place" id: a group still tied over places p..p+k-1 has id
    p (0-based), so refining a subset made of whole groups leaves everyone else alone.

    >>> refine(np.array([0, 0, 3, 0]), np.array([5.0, 2.0, 0.0, 5.0])).tolist()
    [1, 0, 3, 1]
    """
    size = places.size
    order = np.lexsort((*keys[::-1], places))
    ordered = places[order]
    group_start = np.ones(size, dtype=bool)
    group_start[1:] = ordered[1:] != ordered[:-1]
    run_start = group_start.copy()
    for key in keys:
        column = key[order]
        run_start[1:] |= column[1:] != column[:-1]
    position = np.arange(size)
    run = np.maximum.accumulate(np.where(run_start, position, 0))
    group = np.maximum.accumulate(np.where(group_start, position, 0))
    out = np.empty(size, dtype=np.int64)
    out[order] = ordered + run - group
    return out


@dataclass(frozen=True)
class _Played:
    """Games between two players, seen from both sides (``who`` met ``opp``)."""

    a: np.ndarray
    b: np.ndarray
    points_a: np.ndarray
    points_b: np.ndarray
    score_a: np.ndarray
    score_b: np.ndarray
    who: np.ndarray
    opp: np.ndarray
    result: np.ndarray


def _check_chain(chain: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in chain:
        if name not in TIEBREAKS:
            raise ValueError(f"unknown tiebreak {name!r}; known: {', '.join(TIEBREAKS)}")
        if name in seen:
            raise ValueError(f"tiebreak {name!r} appears more than once in the chain")
        seen.add(name)


def _trimmed_buchholz(played: _Played, points: np.ndarray, count: int, median: bool):
    """Buchholz without the lowest term (cut-1) or the extreme terms (median)."""
    values, level = np.unique(points, return_inverse=True)
    key = np.sort(played.who.astype(np.int64) * values.size + level[played.opp])
    who, level_sorted = np.divmod(key, values.size)
    terms = np.bincount(who, minlength=count)
    position = np.arange(key.size) - (np.cumsum(terms) - terms)[who]
    if median:
        cut = np.where(terms >= MEDIAN_TWO_FROM, 2, 1)[who]
        kept = (position >= cut) & (position < terms[who] - cut)
    else:
        kept = position >= 1
    return np.bincount(who[kept], values[level_sorted[kept]], minlength=count)


def _head_to_head(places: np.ndarray, played: _Played, count: int):
    """Refine ``places`` by recursive mini-leagues; returns (places, mini-league points).

    Each pass plays the mini-league of every group still to (re)examine at once, using
    only the games inside each group; a group that split is examined again.
    """
    places = places.copy()
    value = np.zeros(count)
    same = places[played.a] == places[played.b]
    a, b = played.a[same], played.b[same]
    pa, pb = played.points_a[same], played.points_b[same]
    sa, sb = played.score_a[same].astype(float), played.score_b[same].astype(float)
    members = np.flatnonzero(np.bincount(places, minlength=count)[places] > 1)
    local = np.zeros(count, dtype=np.int64)
    active = np.zeros(count, dtype=bool)
    while members.size:
        size = members.size
        local[members] = np.arange(size)
        la, lb = local[a], local[b]
        mini = np.bincount(la, pa, size) + np.bincount(lb, pb, size)
        scored = np.bincount(la, sa, size) + np.bincount(lb, sb, size)
        conceded = np.bincount(la, sb, size) + np.bincount(lb, sa, size)
        value[members] = mini
        before = places[members]
        after = refine(
            before, *(np.round(k, DECIMALS) for k in (-mini, conceded - scored, -scored))
        )
        places[members] = after
        _, group, tied = np.unique(after, return_inverse=True, return_counts=True)
        again = np.isin(before, before[after != before]) & (tied[group] > 1)
        active[members] = False
        members = members[again]
        active[members] = True
        keep = active[a] & (places[a] == places[b])
        a, b, pa, pb, sa, sb = a[keep], b[keep], pa[keep], pb[keep], sa[keep], sb[keep]
    return places, value


def points_table(
    games: Games,
    player_count: int,
    rule: PointsRule,
    chain: Sequence[str],
    *,
    lot_seed: int = 0,
    within: np.ndarray | None = None,
) -> Table:
    """Standings of players ``0..player_count-1`` from their decided ``games``.

    ``rank`` is a permutation of 1..N: points, then ``chain`` in order, then a lot drawn
    with ``np.random.default_rng(lot_seed)``; ``metrics`` holds each criterion's values.
    With ``within`` (a group number per player) players are ranked group by group: group
    0's players take the first places, and nobody is ever tied with another group's player.
    """
    _check_chain(chain)
    count = player_count
    a = np.asarray(games.a, dtype=np.int64)
    b = np.asarray(games.b, dtype=np.int64)
    if a.size and (a.min() < 0 or a.max() >= count or b.max() >= count or b.min() < NO_PLAYER):
        raise ValueError(f"games name players outside 0..{count - 1}")
    rounds = np.asarray(games.round, dtype=np.int64)
    outcome = np.asarray(games.outcome)
    won = np.asarray(games.winner_slot)
    bye = b == NO_PLAYER
    pair = ~bye
    no_winner = won == NO_WINNER
    draw = pair & no_winner & (outcome != _DOUBLE_FORFEIT)
    a_won, b_won = pair & (won == 0), pair & (won == 1)
    double_forfeit = pair & no_winner & ~draw
    a_lost, b_lost = b_won | double_forfeit, a_won | double_forfeit

    bye_points = rule.win if rule.bye is None else rule.bye
    points_a = np.select([bye, a_won, draw], [bye_points, rule.win, rule.draw], rule.loss)
    points_b = np.select([b_won, draw], [rule.win, rule.draw], rule.loss)
    result_a = np.select([a_won, draw], [1.0, 0.5], 0.0)
    result_b = np.select([b_won, draw], [1.0, 0.5], 0.0)

    pa, pb = a[pair], b[pair]

    def tally(on_a: np.ndarray, on_b: np.ndarray) -> np.ndarray:
        """Per player: ``on_a`` summed over every game as ``a``, ``on_b`` over games as ``b``."""
        return np.bincount(a, on_a, count) + np.bincount(pb, on_b[pair], count)

    points = tally(points_a, points_b)
    score_a, score_b = np.asarray(games.score_a)[pair], np.asarray(games.score_b)[pair]
    score_for = np.bincount(pa, score_a, count) + np.bincount(pb, score_b, count)
    score_against = np.bincount(pa, score_b, count) + np.bincount(pb, score_a, count)
    wins = tally(a_won, b_won).astype(np.int32)
    round_reached = np.zeros(count, dtype=np.int32)
    np.maximum.at(round_reached, a, rounds.astype(np.int32))
    np.maximum.at(round_reached, pb, rounds[pair].astype(np.int32))

    played = _Played(
        a=pa,
        b=pb,
        points_a=points_a[pair],
        points_b=points_b[pair],
        score_a=score_a,
        score_b=score_b,
        who=np.concatenate([pa, pb]),
        opp=np.concatenate([pb, pa]),
        result=np.concatenate([result_a[pair], result_b[pair]]),
    )
    last = int(rounds.max()) if rounds.size else 0
    criteria: dict[str, Callable[[], np.ndarray]] = {
        "score_difference": lambda: score_for - score_against,
        "scores_for": lambda: score_for,
        "wins": lambda: wins.astype(float),
        "buchholz": lambda: np.bincount(played.who, points[played.opp], count),
        "buchholz_cut1": lambda: _trimmed_buchholz(played, points, count, median=False),
        "median_buchholz": lambda: _trimmed_buchholz(played, points, count, median=True),
        "sonneborn_berger": lambda: np.bincount(
            played.who, points[played.opp] * played.result, count
        ),
        "progressive": lambda: tally(
            points_a * (last + 1 - rounds), points_b * (last + 1 - rounds)
        ),
        "seed": lambda: np.arange(1, count + 1, dtype=float),
    }

    groups = () if within is None else (np.asarray(within, dtype=np.int64),)
    places = refine(np.zeros(count, dtype=np.int64), *groups, -np.round(points, DECIMALS))
    metrics: dict[str, np.ndarray] = {}
    for name in chain:
        if name == "head_to_head":
            places, metrics[name] = _head_to_head(places, played, count)
            continue
        metrics[name] = np.asarray(criteria[name](), dtype=float)
        sign = 1.0 if name == "seed" else -1.0
        places = refine(places, sign * np.round(metrics[name], DECIMALS))
    places = refine(places, np.random.default_rng(lot_seed).permutation(count))
    return Table(
        rank=(places + 1).astype(np.int32),
        points=points,
        wins=wins,
        draws=tally(draw, draw).astype(np.int32),
        losses=tally(a_lost, b_lost).astype(np.int32),
        score_for=score_for.astype(np.int64),
        score_against=score_against.astype(np.int64),
        round_reached=round_reached,
        metrics=metrics,
    )


class RankedByPoints:
    """What formats ranked by a points table share: draws and double forfeits are results
    (a loss for both), and standings are :func:`points_table` over every decided game.

    Mixed into a format dataclass that has ``points``, ``tiebreaks`` and ``lot_seed``.
    """

    points: PointsRule
    tiebreaks: tuple[str, ...]
    lot_seed: int

    def allows_draws(self, stage: int) -> bool:
        """Draws count as draws."""
        return True

    def allows_double_forfeit(self, stage: int) -> bool:
        """Both players lose."""
        return True

    def standings(self, progress: Progress) -> Table:
        """Points, then the tiebreak chain, then a seeded lot."""
        return points_table(
            Games.of(progress),
            progress.player_count,
            self.points,
            self.tiebreaks,
            lot_seed=self.lot_seed,
        )
