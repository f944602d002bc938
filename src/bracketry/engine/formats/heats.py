"""Heats: free-for-all races (or rounds of a field event) ranked by a measured result.

Every heat is one match row of the :class:`~bracketry.engine.bracket.Bracket` (side
``heat``, no links, both entrant slots empty); its players are the entries of
``bracket.members`` and their results the aligned ``progress.value`` (NaN while the heat is
undecided; NaN in a decided heat: did not finish, "DNF"). ``direction`` says whether a lower
value (a time) or a higher one (a distance, a score) is better.

Round 1 puts the ``N`` players (index = seed - 1) into ``ceil(N / H)`` heats whose sizes
differ by at most one, dealt like cards in a snake (as the groups of
:func:`~bracketry.engine.formats.groups.snake_groups`); lanes follow seed order. With
``advance = k > 0`` the top ``k`` finishers of every heat go on, ranked across the round by
place in heat, then value, then seed, and are dealt the same way into the heats of the next
round, until at most ``H`` qualifiers race one final heat.

Rules chosen here:

- Places in a heat use competition ranking ("1224") on equal values; every DNF shares the
  place after the last finisher.
- The cut is exact: a heat sends at most ``k`` players, DNFs never. Finishers tied across
  the cut are separated by seed (the better seed goes on), so every round shrinks the field.
- A heat no larger than ``k`` (possible in a later round, never in round 1) sends all its
  finishers.
- Fewer than 2 qualifiers (DNFs) end the event without a final.
- Standings: a later round ranks above an earlier one. Within the round a player was last
  in: players of a heat not decided yet share the round's first place (they can still beat
  anyone of it), then finishers by place in heat, then value, then DNFs sharing one place;
  all ties share a place ("1224").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from bracketry.engine.bracket import Bracket, Members
from bracketry.engine.formats.base import FormatError, Progress, Table
from bracketry.engine.formats.groups import snake_groups
from bracketry.engine.model import NO_MATCH, NO_PLAYER, UNDECIDED, Side, side_code
from bracketry.engine.simulate import DEFAULT_RATING
from bracketry.engine.standings import shared_rank

MIN_PLAYERS = 2
MIN_HEAT_SIZE = 2
MAX_HEAT_SIZE = int(np.iinfo(np.int16).max)
"""Lanes are stored as int16: no heat holds more players."""
MAX_ATTEMPTS = 10

Direction = Literal["lower", "higher"]

HEAT = side_code(Side.HEAT)

BASE_TIME = 60.0
"""Simulated ``lower`` results: seconds around this, ..."""
SECONDS_PER_RATING = 1.0 / 200.0
"""... one second faster per 200 rating points, ..."""
TIME_NOISE = 0.8
"""... with this standard deviation."""
BASE_SCORE = 100.0
"""Simulated ``higher`` results: points around this, ..."""
POINTS_PER_RATING = 1.0 / 20.0
"""... ten more per 200 rating points, ..."""
SCORE_NOISE = 8.0
"""... with this standard deviation."""
SMALLEST_VALUE = 0.01


@dataclass(frozen=True)
class HeatsOptions:
    """Options of a heats event.

    ``heat_size=None`` races everyone in one heat; ``advance=0`` plays one round only.
    """

    direction: Direction
    heat_size: int | None = 8
    attempts: int = 1
    aggregate: Literal["best", "sum"] = "best"
    advance: int = 0


# --- sizes ----------------------------------------------------------------------------


def heat_count(player_count: int, heat_size: int | None) -> int:
    """Heats for ``player_count`` players: ``ceil(N / H)``, one when ``H`` is None or >= N.

    >>> heat_count(10, 4), heat_count(8, 8), heat_count(9, 8), heat_count(5, None)
    (3, 1, 2, 1)
    """
    if heat_size is None or heat_size >= player_count:
        return 1
    return -(-player_count // heat_size)


def heat_sizes(player_count: int, heat_size: int | None) -> np.ndarray:
    """The size of each heat (in heat order) when ``player_count`` players are dealt.

    >>> heat_sizes(10, 4).tolist(), heat_sizes(11, 4).tolist()
    ([3, 3, 4], [3, 4, 4])
    """
    count = heat_count(player_count, heat_size)
    return np.bincount(snake_groups(player_count, count), minlength=count)


def _field_after(field: int, heat_size: int, advance: int) -> int:
    """Players going on from a round of ``field`` players when everyone finishes."""
    count = heat_count(field, heat_size)
    if count == 1:
        return 0
    base, extra = divmod(field, count)
    return extra * min(advance, base + 1) + (count - extra) * min(advance, base)


def check(player_count: int, options: HeatsOptions) -> None:
    """Raise :class:`FormatError` unless ``options`` can run for ``player_count`` players.

    ``advance`` must be below the smallest heat of round 1 and, when a later round can
    still have more than ``H`` players, at most ``H // 2``: a round of ``H + 1`` players
    (reachable when players do not finish) is two heats of at least ``ceil((H + 1) / 2)``
    and would otherwise send everyone through, forever.

    >>> check(16, HeatsOptions("lower", heat_size=8, advance=5))
    Traceback (most recent call last):
    ...
    bracketry.engine.formats.base.FormatError: advance=5 never shrinks a round of 9 players \
(heats of 5 and 4): at most 4 of each heat of 8 can advance
    """
    if player_count < MIN_PLAYERS:
        raise FormatError(
            "players", f"heats need at least {MIN_PLAYERS} players, got {player_count}"
        )
    size = options.heat_size
    if size is not None and size < MIN_HEAT_SIZE:
        raise FormatError(
            "config.heat_size", f"a heat has at least {MIN_HEAT_SIZE} players, got {size}"
        )
    largest = player_count if size is None else min(size, player_count)
    if largest > MAX_HEAT_SIZE:
        raise FormatError(
            "config.heat_size",
            f"a heat holds at most {MAX_HEAT_SIZE} players, this one would have {largest}: "
            "give a smaller heat_size",
        )
    if not 1 <= options.attempts <= MAX_ATTEMPTS:
        raise FormatError(
            "config.attempts",
            f"attempts must be 1..{MAX_ATTEMPTS}, got {options.attempts}",
        )
    if options.direction not in ("lower", "higher"):
        raise FormatError(
            "config.direction", f"direction is 'lower' or 'higher', got {options.direction!r}"
        )
    if options.aggregate not in ("best", "sum"):
        raise FormatError(
            "config.aggregate", f"aggregate is 'best' or 'sum', got {options.aggregate!r}"
        )
    advance = options.advance
    if advance < 0:
        raise FormatError("config.advance", f"advance must be 0 or more, got {advance}")
    if advance == 0:
        return
    smallest = player_count // heat_count(player_count, size)  # sizes differ by at most 1
    if advance >= smallest:
        raise FormatError(
            "config.advance",
            f"advance={advance} must be below the smallest heat of round 1 ({smallest} players)",
        )
    if size is None or size >= player_count:
        return
    if _field_after(player_count, size, advance) > size and 2 * advance > size:
        half = size + 1 - (size + 1) // 2
        raise FormatError(
            "config.advance",
            f"advance={advance} never shrinks a round of {size + 1} players "
            f"(heats of {half} and {size + 1 - half}): at most {size // 2} of each heat of "
            f"{size} can advance",
        )


# --- sorting -----------------------------------------------------------------------------
#
# numpy's unstable argsort of one numeric array is several times faster than lexsort or a
# stable sort, so several keys are folded into one int64 code whose order is their
# lexicographic order; ties between equal codes never matter where these are used.

_CODE_LIMIT = 2**62


def _dense(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense ranks ``0..D-1`` of ``key`` (equal keys share one) and ``D``.

    >>> d, distinct = _dense(np.array([2.5, -1.0, 2.5, np.inf]))
    >>> d.tolist(), distinct
    ([1, 0, 1, 2], 3)
    """
    order = np.argsort(key)
    ordered = key[order]
    new = np.empty(key.size, dtype=bool)
    new[:1] = True
    new[1:] = ordered[1:] != ordered[:-1]
    run = np.cumsum(new)
    dense = np.empty(key.size, dtype=np.int64)
    dense[order] = run - 1
    return dense, int(run[-1]) if key.size else 0


def _code(*keys: np.ndarray) -> np.ndarray:
    """One int64 per entry whose order is the order of the tuples ``keys`` (the first key
    first; each key's smaller value first; no NaN).

    >>> _code(np.array([1, 0, 1]), np.array([0.5, 9.0, 0.2])).tolist()
    [4, 2, 3]
    """
    code, size = _dense(keys[0])
    for key in keys[1:]:
        part, distinct = _dense(key)
        if size * max(distinct, 1) >= _CODE_LIMIT:
            code, size = _dense(code)
        code, size = code * distinct + part, size * max(distinct, 1)
    return code


def _runs(ordered: np.ndarray) -> np.ndarray:
    """For each entry of sorted ``ordered``, the index where its run of equal values
    starts."""
    new = np.empty(ordered.size, dtype=bool)
    new[:1] = True
    new[1:] = ordered[1:] != ordered[:-1]
    return np.maximum.accumulate(np.where(new, np.arange(ordered.size), 0))


# --- building rounds -------------------------------------------------------------------


def _deal(ranked: np.ndarray, count: int, round_: int, player_count: int) -> Bracket:
    """Players ``ranked`` (best first) dealt in a snake into ``count`` heats of round
    ``round_``; lanes in rank order."""
    heat = snake_groups(ranked.size, count)
    order = np.argsort(heat * ranked.size + np.arange(ranked.size))
    heat = heat[order]
    starts = np.concatenate([[0], np.cumsum(np.bincount(heat, minlength=count))[:-1]])
    lane = np.arange(ranked.size) - starts[heat] + 1
    nowhere = np.full(count, NO_MATCH, dtype=np.int32)
    return Bracket(
        round=np.full(count, round_, dtype=np.int16),
        number=np.arange(1, count + 1, dtype=np.int32),
        side=np.full(count, HEAT, dtype=np.int8),
        entrants=np.full((count, 2), NO_PLAYER, dtype=np.int32),
        winner_to=nowhere,
        winner_slot=np.zeros(count, dtype=np.int8),
        loser_to=nowhere.copy(),
        loser_slot=np.zeros(count, dtype=np.int8),
        bye=np.zeros(count, dtype=bool),
        player_count=player_count,
        stage=np.ones(count, dtype=np.int16),
        members=Members(
            match=heat.astype(np.int32),
            player=ranked[order].astype(np.int32),
            lane=lane.astype(np.int16),
        ),
    )


def first_round(player_count: int, options: HeatsOptions) -> Bracket:
    """Round 1: balanced heats, players dealt in a snake by seed, lanes in seed order.

    >>> b = first_round(10, HeatsOptions("lower", heat_size=4))
    >>> b.match_count, b.members.match.tolist(), b.members.player.tolist()
    (3, [0, 0, 0, 1, 1, 1, 2, 2, 2, 2], [0, 5, 6, 1, 4, 7, 2, 3, 8, 9])
    >>> b.members.lane.tolist()
    [1, 2, 3, 1, 2, 3, 1, 2, 3, 4]
    """
    count = heat_count(player_count, options.heat_size)
    return _deal(np.arange(player_count), count, 1, player_count)


def _sign(direction: Direction) -> float:
    return 1.0 if direction == "lower" else -1.0


def _key(value: np.ndarray, direction: Direction) -> np.ndarray:
    """Sort key, smaller is better: DNF (not finite) becomes +inf."""
    return np.where(np.isfinite(value), _sign(direction) * value, np.inf)


def places(heat: np.ndarray, value: np.ndarray, direction: Direction) -> np.ndarray:
    """The 1-based place of each entry in its heat: competition ranking ("1224") on equal
    values, every DNF (NaN) sharing the place after the last finisher.

    >>> nan = np.nan
    >>> places(np.array([0, 0, 0, 0, 1, 1, 1]),
    ...        np.array([9.5, 9.1, nan, 9.5, 2.0, nan, nan]), "lower").tolist()
    [2, 1, 4, 2, 1, 2, 2]
    >>> places(np.array([3, 3, 3]), np.array([7.0, 8.0, 7.0]), "higher").tolist()
    [2, 1, 2]
    """
    code = _code(np.asarray(heat), _key(np.asarray(value, dtype=np.float64), direction))
    return _places_of(code, np.asarray(heat))


def _places_of(code: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """Places from a code ordering entries by heat, then result (see :func:`places`)."""
    order = np.argsort(code)
    place = np.empty(order.size, dtype=np.int32)
    place[order] = _runs(code[order]) - _runs(heat[order]) + 1
    return place


def _round_rank(
    place: np.ndarray, value: np.ndarray, player: np.ndarray, direction: Direction
) -> np.ndarray:
    """Order of entries across a round: place in heat, then value, then seed."""
    return np.argsort(_code(place, _key(value, direction), player))


def next_round(progress: Progress, options: HeatsOptions) -> Bracket | None:
    """The next round once every heat of the last round is decided, or None after a single
    heat (the final), with ``advance == 0``, or when fewer than 2 players go on.

    >>> options = HeatsOptions("lower", heat_size=4, advance=2)
    >>> p = Progress.fresh(first_round(10, options))
    >>> decided = Progress(p.bracket, p.slots, np.full(3, 2, dtype=np.int8), p.outcome,
    ...                    p.scores, p.ratings, value=np.arange(10.0)[::-1])
    >>> b = next_round(decided, options)
    >>> b.match_count, b.members.player.tolist(), b.round.tolist()
    (2, [9, 8, 4, 7, 6, 5], [2, 2])
    """
    bracket, members = progress.bracket, progress.bracket.members
    if members is None or progress.value is None:
        raise ValueError("heats keep their players in bracket.members and results in value")
    last = bracket.round_count
    heats = np.flatnonzero((bracket.round == last) & (bracket.side == HEAT))
    if (progress.winner_slot[heats] == UNDECIDED).any():
        raise ValueError("the next round of heats is made once every heat is decided")
    if options.advance == 0 or heats.size <= 1:
        return None
    entry = np.flatnonzero(bracket.round[members.match] == last)
    heat, player = members.match[entry], members.player[entry]
    value = progress.value[entry]
    place = places(heat, value, options.direction)
    finished = np.isfinite(value)
    order = np.argsort(_code(heat, place, player))  # a DNF's place is after every finisher
    within = np.arange(order.size) - _runs(heat[order])
    going = order[(within < options.advance) & finished[order]]
    if going.size < MIN_PLAYERS:
        return None
    ranked = going[_round_rank(place[going], value[going], player[going], options.direction)]
    count = heat_count(int(ranked.size), options.heat_size)
    return _deal(player[ranked], count, last + 1, progress.player_count)


# --- results ---------------------------------------------------------------------------


def aggregate(attempts: np.ndarray, options: HeatsOptions) -> np.ndarray:
    """One value per row of ``attempts`` (K, A), NaN marking a missing attempt: ``best`` is
    the best finite attempt (NaN if none), ``sum`` the total (NaN if any is missing).

    >>> a = np.array([[10.0, 9.5, np.nan], [np.nan, np.nan, np.nan], [1.0, 2.0, 3.0]])
    >>> aggregate(a, HeatsOptions("lower")).tolist()
    [9.5, nan, 1.0]
    >>> aggregate(a, HeatsOptions("higher")).tolist()
    [10.0, nan, 3.0]
    >>> aggregate(a, HeatsOptions("lower", aggregate="sum")).tolist()
    [nan, nan, 6.0]
    """
    attempts = np.asarray(attempts, dtype=np.float64)
    finite = np.isfinite(attempts)
    if options.aggregate == "sum":
        return np.where(finite.all(axis=1), np.where(finite, attempts, 0.0).sum(axis=1), np.nan)
    if options.direction == "lower":
        best = np.where(finite, attempts, np.inf).min(axis=1, initial=np.inf)
    else:
        best = np.where(finite, attempts, -np.inf).max(axis=1, initial=-np.inf)
    return np.where(finite.any(axis=1), best, np.nan)


def simulate_attempts(
    ratings: np.ndarray, players: np.ndarray, options: HeatsOptions, rng: np.random.Generator
) -> np.ndarray:
    """(K, attempts) plausible measured values for ``players``: a better rating gives a
    better value in ``options.direction``; finite, positive, rounded to 0.01. ``ratings``
    is indexed by player index (NaN counts as the default rating).

    >>> r = np.array([2500.0, 500.0])
    >>> t = simulate_attempts(r, np.array([0, 1]), HeatsOptions("lower", attempts=3),
    ...                       np.random.default_rng(3))
    >>> t.shape, bool(t[0].max() < t[1].min())
    ((2, 3), True)
    """
    filled = np.where(np.isnan(ratings), DEFAULT_RATING, ratings)
    effect = (filled[players] - DEFAULT_RATING)[:, None]
    shape = (np.asarray(players).size, options.attempts)
    if options.direction == "lower":
        value = BASE_TIME - SECONDS_PER_RATING * effect + rng.normal(0.0, TIME_NOISE, shape)
    else:
        value = BASE_SCORE + POINTS_PER_RATING * effect + rng.normal(0.0, SCORE_NOISE, shape)
    return np.maximum(np.round(value, 2), SMALLEST_VALUE)


# --- standings -------------------------------------------------------------------------


def _last_entry(player: np.ndarray, round_: np.ndarray, keep: np.ndarray, count: int) -> np.ndarray:
    """Per player, the entry of the latest round among ``keep`` (-1 if none); a player is in
    at most one heat per round."""
    latest = np.zeros(count, dtype=np.int32)
    np.maximum.at(latest, player[keep], round_[keep].astype(np.int32))
    chosen = np.flatnonzero(keep & (round_ == latest[player]))
    entry = np.full(count, -1, dtype=np.int64)
    entry[player[chosen]] = chosen
    return entry


UNDECIDED_BLOCK, FINISHED_BLOCK, DNF_BLOCK = 0, 1, 2


def standings(progress: Progress, options: HeatsOptions) -> Table:
    """Places now (see the module docstring for the rules); ``metrics`` holds each player's
    ``best_value`` and ``heat_place`` in their last decided heat (NaN if none).

    >>> options = HeatsOptions("higher", heat_size=2)
    >>> p = Progress.fresh(first_round(4, options))
    >>> done = Progress(p.bracket, p.slots, np.array([2, -1], dtype=np.int8), p.outcome,
    ...                 p.scores, p.ratings, value=np.array([5.0, 7.0, np.nan, np.nan]))
    >>> t = standings(done, options)
    >>> t.rank.tolist(), t.wins.tolist(), t.metrics["heat_place"].tolist()
    ([4, 1, 1, 3], [0, 0, 0, 1], [2.0, nan, nan, 1.0])
    """
    count = progress.player_count
    bracket, members = progress.bracket, progress.bracket.members
    if members is None:
        raise ValueError("heats keep their players in bracket.members")
    value = progress.value if progress.value is not None else np.full(members.size, np.nan)
    player = members.player.astype(np.int64)
    round_ = bracket.round[members.match]
    decided = progress.winner_slot[members.match] != UNDECIDED

    place = np.zeros(members.size, dtype=np.int32)
    if decided.any():
        place[decided] = places(members.match[decided], value[decided], options.direction)
    finished = decided & np.isfinite(value)

    last = _last_entry(player, round_, np.ones(members.size, dtype=bool), count)
    seen = last >= 0
    at = np.where(seen, last, 0)
    reached = np.where(seen, round_[at], 0).astype(np.int32)
    block = np.where(
        ~decided[at], UNDECIDED_BLOCK, np.where(finished[at], FINISHED_BLOCK, DNF_BLOCK)
    )
    in_block = block == FINISHED_BLOCK
    earlier = int(reached.max(initial=0)) - reached.astype(np.int64)
    standing = (earlier * 3 + block) * (members.size + 1) + np.where(in_block, place[at], 0)
    rank = shared_rank(standing, np.where(in_block, _key(value[at], options.direction), 0.0))

    won = decided & (place == 1) & finished
    wins = np.bincount(player[won], minlength=count).astype(np.int32)
    heats_done = np.bincount(player[decided], minlength=count).astype(np.int32)

    last_done = _last_entry(player, round_, decided, count)
    has_done = last_done >= 0
    done_at = np.where(has_done, last_done, 0)
    best_value = np.where(has_done, value[done_at], np.nan)
    heat_place = np.where(has_done, place[done_at], np.nan).astype(np.float64)
    zeros = np.zeros(count, dtype=np.int32)
    return Table(
        rank=rank,
        points=np.zeros(count),
        wins=wins,
        draws=zeros,
        losses=heats_done - wins,
        score_for=np.zeros(count, dtype=np.int64),
        score_against=np.zeros(count, dtype=np.int64),
        round_reached=reached,
        metrics={"best_value": best_value, "heat_place": heat_place},
    )


# --- the format ------------------------------------------------------------------------


@dataclass(frozen=True)
class Heats:
    """Heats behind the :class:`~bracketry.engine.formats.base.Format` interface."""

    options: HeatsOptions
    name: str = "heats"

    @property
    def grows(self) -> bool:
        """Later rounds follow only when players advance."""
        return self.options.advance > 0

    def allows_double_forfeit(self, stage: int) -> bool:
        """Heats have no one-on-one results."""
        return False

    def allows_draws(self, stage: int) -> bool:
        """Not used: heats are placed by value, never drawn."""
        return False

    def check(self, player_count: int) -> None:
        """See :func:`check`."""
        check(player_count, self.options)

    def start(self, player_count: int, ratings: np.ndarray | None = None) -> Bracket:
        """Round 1; each later round is made when the previous one is decided."""
        return first_round(player_count, self.options)

    def extend(self, progress: Progress) -> Bracket | None:
        """The next round, or None after the final."""
        return next_round(progress, self.options)

    def appended_after(self, progress: Progress, position: int) -> np.ndarray:
        """Every heat of a later round: its players came from this round's places."""
        rounds = progress.bracket.round
        return np.flatnonzero(rounds > rounds[position])

    def standings(self, progress: Progress) -> Table:
        """See :func:`standings`."""
        return standings(progress, self.options)
