"""Swiss-system pairing: players of equal score meet, nobody meets the same opponent twice.

How this differs from the FIDE Dutch system (Handbook C.04.3): Dutch chooses each bracket's
pairing by an ordered list of absolute and quality criteria, trying transpositions and
exchanges in a prescribed order. Here players are ordered by score, then seed (as Dutch
orders by score, then pairing number), each score bracket's top half meets its bottom half,
and an odd bracket's lowest player drops into the next bracket as its first player (Dutch
chooses the floater by its criteria and pairs it with the top of the lower bracket). Only
two things are then repaired: rematches (swap bottom-half partners with the nearest board,
else pair half with half; failing that, re-pair neighbouring brackets exactly, preferring the
original partner, then the same score, then the nearest player) and boards that would push a
colour difference past 2 (one swap inside the bracket, when one works). Colour preferences
play no other part in who meets whom, and the pairing knows only each player's colour
balance and last colour, so a third same colour in a row is not prevented and a difference
of 3 remains possible. There is no float history, no last-round or top-scorer exception, and
no search for the best pairing of the whole round. Every stored pairing, forfeits included,
counts as a meeting and as a colour (FIDE ignores unplayed games for colours), and only an
earlier bye, not a forfeit win, rules out the bye.

The bulk of a round is vectorised: sorting, score brackets, halves and the rematch test
(pair keys ``min * N + max`` looked up in the sorted keys of past pairs); Python loops run
only over boards in conflict. Re-pairing uses Edmonds' blossom algorithm (maximum matching
over "not met yet" edges), so a rematch-free pairing of the whole field, bye included, is
found whenever one exists. Round ``r <= ceil(N / 2)`` always has one (every player can still
meet at least half of the field: Dirac's theorem), which covers the default ``ceil(log2 N)``
rounds. A longer event can reach a round without one, and then :func:`pair` raises
ValueError: with random results, 20-50 % of events meant to last N - 1 rounds (N = 7..60)
stopped that way (in our trials, always within their last two rounds).

Players are indexes ``0..N-1`` (index = seed - 1); home is slot A. A round is stored as a
:class:`Bracket` without links; the bye is one extra match with one player, decided as a bye.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats.base import FormatError, Games, Progress
from bracketry.engine.model import (
    NO_MATCH,
    NO_PLAYER,
    Outcome,
    Side,
    outcome_code,
    side_code,
)
from bracketry.engine.tiebreaks import PointsRule, RankedByPoints

MIN_PLAYERS = 2
MAX_ROUNDS = int(np.iinfo(np.int16).max)
"""Rounds are stored as int16."""

HOME = 0
AWAY = 1
NO_COLOUR = -1
"""``last_colour`` of a player who did not play in the last round."""

_NEAR = 8
"""Exchange partners tried first on either side of a conflicting board."""


@dataclass(frozen=True)
class SwissOptions:
    """Options of a Swiss stage; ``rounds=None`` plays ``ceil(log2 N)`` rounds."""

    rounds: int | None = None


def round_count(player_count: int, rounds: int | None) -> int:
    """Rounds to play: ``rounds`` if given, else ``ceil(log2 N)`` (at least 1).

    >>> round_count(8, None), round_count(9, None), round_count(2, None), round_count(9, 5)
    (3, 4, 1, 5)
    """
    if rounds is not None:
        return rounds
    return max(1, (player_count - 1).bit_length())


def max_rounds(player_count: int) -> int:
    """The most rounds a Swiss of ``player_count`` takes: ``ceil(N / 2)``.

    >>> max_rounds(8), max_rounds(7), max_rounds(2)
    (4, 4, 1)
    """
    return (player_count + 1) // 2


def check(player_count: int, options: SwissOptions) -> None:
    """Raise :class:`FormatError` unless a Swiss of ``options`` can run for ``player_count``.

    At most ``ceil(N / 2)`` rounds: up to there every round has a rematch-free pairing
    (see the module docstring); a longer event could get stuck before its last round.

    >>> check(8, SwissOptions(rounds=5))
    Traceback (most recent call last):
    ...
    bracketry.engine.formats.base.FormatError: a Swiss for 8 players has at most 4 rounds, got 5
    """
    if player_count < MIN_PLAYERS:
        raise FormatError(
            "players", f"a Swiss needs at least {MIN_PLAYERS} players, got {player_count}"
        )
    rounds = options.rounds
    if rounds is None:
        return
    limit = min(max_rounds(player_count), MAX_ROUNDS)
    if rounds < 1 or rounds > limit:
        raise FormatError(
            "config.rounds",
            f"a Swiss for {player_count} players has at most {limit} rounds, got {rounds}"
            if rounds > limit
            else f"a Swiss has at least 1 round, got {rounds}",
        )


# --- past pairs ------------------------------------------------------------------------


class _Met:
    """Pairs that already met, as sorted keys ``min * N + max`` for vectorised look-ups."""

    def __init__(self, met: tuple[np.ndarray, np.ndarray], player_count: int) -> None:
        a = np.asarray(met[0], dtype=np.int64)
        b = np.asarray(met[1], dtype=np.int64)
        self.a, self.b, self.n = a, b, player_count
        self.keys = np.sort(np.minimum(a, b) * player_count + np.maximum(a, b))

    def has(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each pair ``(a[i], b[i])`` already met."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        keys = np.minimum(a, b) * self.n + np.maximum(a, b)
        at = np.searchsorted(self.keys, keys)
        found = np.zeros(keys.shape, dtype=bool)
        inside = at < self.keys.size
        found[inside] = self.keys[at[inside]] == keys[inside]
        return found

    def among(self, players: np.ndarray) -> list[set[int]]:
        """Past opponents of each of ``players``, as positions in ``players``."""
        local = np.full(self.n, -1, dtype=np.int64)
        local[players] = np.arange(players.size)
        la, lb = local[self.a], local[self.b]
        both = (la >= 0) & (lb >= 0)
        opponents: list[set[int]] = [set() for _ in range(players.size)]
        for u, v in zip(la[both].tolist(), lb[both].tolist(), strict=True):
            opponents[u].add(v)
            opponents[v].add(u)
        return opponents


# --- exact re-pairing ------------------------------------------------------------------


class _Exact:
    """Re-pair a few players (local indexes ``0..n-1``, best-ranked first) without rematches.

    ``avoid[v]`` are the players ``v`` must not meet. A perfect matching is kept at all times
    (Edmonds' blossom algorithm); each player in turn takes the first candidate of its
    preference list with whom the others can still all be paired. Those candidates are found
    by one search: with ``p`` removed, its partner ``x`` is the only unpaired player, and the
    players an alternating search from ``x`` reaches at even distance are exactly those
    whose removal as well leaves a perfectly pairable rest (Gallai-Edmonds).
    """

    def __init__(self, avoid: list[set[int]], score: list[float]) -> None:
        self.avoid = avoid
        self.score = score
        self.n = len(avoid)
        self.alive = [True] * self.n
        self.mate = [-1] * self.n

    def allowed(self, u: int, v: int) -> bool:
        return u != v and v not in self.avoid[u]

    def solve(
        self, hint: list[int], first: int | None = None, first_choices: list[int] | None = None
    ) -> list[tuple[int, int]] | None:
        """Pairs of a rematch-free pairing, or None if there is none.

        ``hint[v]`` is ``v``'s preferred partner (-1: none). ``first`` is decided before the
        others, choosing among ``first_choices`` in that order.
        """
        for v, w in enumerate(hint):
            if w > v and self.allowed(v, w):
                self.mate[v], self.mate[w] = w, v
        for v in range(self.n):
            if self.mate[v] == -1 and self._search(v) is not None:
                return None
        pairs = []
        sequence = ([first] if first is not None else []) + [v for v in range(self.n) if v != first]
        for p in sequence:
            if not self.alive[p]:
                continue
            choices = first_choices if p == first else None
            candidates = (
                q
                for q in self._preferences(p, hint[p], choices)
                if self.alive[q] and self.allowed(p, q)
            )
            q = next(candidates)
            if q != self.mate[p]:
                feasible = self._partners(p)
                q = q if feasible[q] else next(c for c in candidates if feasible[c])
            self._take(p, q)
            pairs.append((p, q))
        return pairs

    def _preferences(self, p: int, hint: int, choices: list[int] | None) -> Iterator[int]:
        if choices is not None:
            yield from choices
            return
        if hint >= 0:
            yield hint
        rest = [v for v in range(self.n) if self.alive[v] and v != p]
        mine = self.score[p]
        same = sum(1 for v in rest if self.score[v] == mine) + 1
        target = max(same // 2 - 1, 0)  # the top of the bottom half of p's score group
        ranked = sorted(
            range(len(rest)), key=lambda i: (abs(mine - self.score[rest[i]]), abs(i - target), i)
        )
        yield from (rest[i] for i in ranked if rest[i] != hint)

    def _partners(self, p: int) -> list[bool]:
        """Which players ``p`` can meet with everyone else still pairable (``p`` is paired)."""
        x = self.mate[p]
        self.alive[p] = False
        self.mate[x] = -1
        reached = self._search(x)
        assert reached is not None, "a perfect matching has no augmenting path"
        self.alive[p] = True
        self.mate[x] = p
        return reached

    def _take(self, p: int, q: int) -> None:
        """Pair ``p`` with ``q``, who must be one of :meth:`_partners` of ``p``."""
        mate, alive = self.mate, self.alive
        alive[p] = alive[q] = False
        if mate[p] == q:
            return
        x, y = mate[p], mate[q]
        mate[p], mate[q], mate[x], mate[y] = q, p, -1, -1
        if self.allowed(x, y):
            mate[x], mate[y] = y, x
        elif self._search(x) is not None:
            raise AssertionError("the rest of the field is no longer pairable")

    def _neighbours(self, v: int) -> list[int]:
        avoid, alive = self.avoid[v], self.alive
        return [u for u in range(self.n) if alive[u] and u != v and u not in avoid]

    def _search(self, root: int) -> list[bool] | None:
        """Edmonds: extend the matching by an augmenting path from unpaired ``root`` and return
        None; without one, return which players the search reached at even distance."""
        n, mate, alive = self.n, self.mate, self.alive
        for v in range(n):  # the cheap and usual case: another unpaired player is a partner
            if alive[v] and mate[v] == -1 and v != root and self.allowed(root, v):
                mate[root], mate[v] = v, root
                return None
        parent = [-1] * n
        base = list(range(n))
        used = [False] * n
        used[root] = True
        queue = [root]

        def lca(a: int, b: int) -> int:
            seen = [False] * n
            while True:
                a = base[a]
                seen[a] = True
                if mate[a] == -1:
                    break
                a = parent[mate[a]]
            while True:
                b = base[b]
                if seen[b]:
                    return b
                b = parent[mate[b]]

        def mark(v: int, b: int, child: int, blossom: list[bool]) -> None:
            while base[v] != b:
                blossom[base[v]] = blossom[base[mate[v]]] = True
                parent[v] = child
                child = mate[v]
                v = parent[mate[v]]

        head = 0
        while head < len(queue):
            v = queue[head]
            head += 1
            for to in self._neighbours(v):
                if base[v] == base[to] or mate[v] == to:
                    continue
                if to == root or (mate[to] != -1 and parent[mate[to]] != -1):
                    top = lca(v, to)
                    blossom = [False] * n
                    mark(v, top, to, blossom)
                    mark(to, top, v, blossom)
                    for i in range(n):
                        if alive[i] and blossom[base[i]]:
                            base[i] = top
                            if not used[i]:
                                used[i] = True
                                queue.append(i)
                elif parent[to] == -1:
                    parent[to] = v
                    if mate[to] == -1:
                        while to != -1:
                            back = parent[to]
                            after = mate[back]
                            mate[to], mate[back] = back, to
                            to = after
                        return None
                    used[mate[to]] = True
                    queue.append(mate[to])
        return used


# --- the fast pass ---------------------------------------------------------------------


def _bracket_ends(score: np.ndarray) -> np.ndarray:
    """Where the pairing brackets of ``score`` (sorted, even count) end.

    A score group with an odd count hands its last player to the next group, so a bracket
    ends at every group end rounded down to even; an empty bracket is dropped.

    >>> _bracket_ends(np.array([3.0, 2, 2, 2, 1, 1, 1, 0])).tolist()
    [4, 6, 8]
    """
    change = np.flatnonzero(score[1:] != score[:-1]) + 1
    ends = np.unique(np.append(change, score.size) & ~1)
    return ends[ends > 0]


@dataclass
class _Boards:
    """The pool (players to pair, in ranking order) and its pairs, as pool positions."""

    pool: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    first: np.ndarray
    """Index of each bracket's first pair (plus the pair count at the end)."""
    top: np.ndarray
    bottom: np.ndarray

    @staticmethod
    def natural(pool: np.ndarray, score: np.ndarray) -> _Boards:
        """Each bracket's top half against its bottom half, in order."""
        ends = _bracket_ends(score)
        starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
        half = (ends - starts) // 2
        first = np.concatenate([[0], np.cumsum(half)]).astype(np.int64)
        bracket = np.repeat(np.arange(ends.size), half)
        top = starts[bracket] + np.arange(first[-1]) - first[bracket]
        return _Boards(pool, starts, ends, first, top, top + half[bracket])

    def conflicts(self, met: _Met) -> np.ndarray:
        """Pairs that would be rematches."""
        return met.has(self.pool[self.top], self.pool[self.bottom])

    def _brackets(self) -> np.ndarray:
        """The bracket of each pair."""
        return np.searchsorted(self.first, np.arange(self.top.size), side="right") - 1

    def _nearest(self, k: int, bracket: int) -> tuple[np.ndarray, np.ndarray]:
        """The other boards of ``bracket``, next board first, then the previous, and so on;
        and the first few of them."""
        boards = np.arange(self.first[bracket], self.first[bracket + 1])
        boards = boards[boards != k]
        boards = boards[np.argsort(2 * np.abs(boards - k) + (boards < k), kind="stable")]
        return boards[: 2 * _NEAR], boards

    def exchange(self, met: _Met) -> None:
        """Mend rematches inside their bracket: swap bottom-half partners with the nearest
        board that allows it, else pair the two top players and the two bottom players."""
        pool, top, bottom = self.pool, self.top, self.bottom
        brackets = self._brackets()
        for k in np.flatnonzero(self.conflicts(met)).tolist():
            if not met.has(pool[top[k]], pool[bottom[k]]):
                continue  # mended by an earlier swap
            near, boards = self._nearest(k, brackets[k])
            for mend in (self._swap, self._cross):
                if mend(k, near, met) or (boards.size > near.size and mend(k, boards, met)):
                    break

    def balance(self, met: _Met, colour: np.ndarray) -> None:
        """Where a board would push a colour difference past 2, swap bottom-half partners with
        the nearest board of the bracket if that creates neither a rematch nor another such
        board."""
        pool, top, bottom = self.pool, self.top, self.bottom
        brackets = self._brackets()
        bal = colour[pool]
        for k in np.flatnonzero(_clash(bal[top], bal[bottom])).tolist():
            if not _clash(bal[top[k]], bal[bottom[k]]):
                continue
            for boards in self._nearest(k, brackets[k]):
                ok = ~_clash(bal[top[k]], bal[bottom[boards]]) & ~_clash(
                    bal[top[boards]], bal[bottom[k]]
                )
                if ok.any() and self._swap(k, boards[ok], met):
                    break

    def _swap(self, k: int, boards: np.ndarray, met: _Met) -> bool:
        pool, top, bottom = self.pool, self.top, self.bottom
        ok = ~met.has(pool[top[k]], pool[bottom[boards]]) & ~met.has(
            pool[top[boards]], pool[bottom[k]]
        )
        if not ok.any():
            return False
        j = boards[np.argmax(ok)]
        bottom[k], bottom[j] = bottom[j], bottom[k]
        return True

    def _cross(self, k: int, boards: np.ndarray, met: _Met) -> bool:
        pool, top, bottom = self.pool, self.top, self.bottom
        ok = ~met.has(pool[top[k]], pool[top[boards]]) & ~met.has(
            pool[bottom[k]], pool[bottom[boards]]
        )
        if not ok.any():
            return False
        j = boards[np.argmax(ok)]
        top[j], bottom[k] = bottom[k], top[j]
        return True

    def repair(self, met: _Met, score: np.ndarray) -> bool:
        """Re-pair exactly the brackets that still hold a rematch, with the bracket below (for
        floaters), widened by one bracket on each side until each can be paired; False if even
        the whole pool cannot."""
        last = self.ends.size - 1
        brackets = self._brackets()
        windows = [
            (b, b + 1) if b < last else (max(b - 1, 0), b)
            for b in np.unique(brackets[self.conflicts(met)]).tolist()
        ]
        solved: list[tuple[int, int]] = []  # re-paired ranges: their pairs may cross brackets
        while windows:
            windows = _merged(windows)
            lo, hi = _closure(windows.pop(0), solved)
            if self._solve(lo, hi, met, score):
                solved = [(a, b) for a, b in solved if b < lo or a > hi] + [(lo, hi)]
                continue
            if lo == 0 and hi == last:
                return False
            windows.append((max(lo - 1, 0), min(hi + 1, last)))
        return True

    def _solve(self, lo: int, hi: int, met: _Met, score: np.ndarray) -> bool:
        start, stop = int(self.starts[lo]), int(self.ends[hi])
        boards = slice(int(self.first[lo]), int(self.first[hi + 1]))
        hint = [-1] * (stop - start)
        for t, b in zip(self.top[boards].tolist(), self.bottom[boards].tolist(), strict=True):
            hint[t - start], hint[b - start] = b - start, t - start
        exact = _Exact(met.among(self.pool[start:stop]), score[start:stop].tolist())
        pairs = exact.solve(hint)
        if pairs is None:
            return False
        self.top[boards] = [start + p for p, _ in pairs]
        self.bottom[boards] = [start + q for _, q in pairs]
        return True


def _closure(window: tuple[int, int], solved: list[tuple[int, int]]) -> tuple[int, int]:
    """``window`` widened to cover every re-paired range it touches.

    >>> _closure((3, 4), [(0, 1), (4, 6), (6, 8)])
    (3, 8)
    """
    lo, hi = window
    grown = True
    while grown:
        grown = False
        for a, b in solved:
            if a <= hi and lo <= b and (a < lo or b > hi):
                lo, hi, grown = min(lo, a), max(hi, b), True
    return lo, hi


def _merged(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping bracket ranges joined, in order."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _whole_field(
    order: np.ndarray, score: np.ndarray, met: _Met, had_bye: np.ndarray, hint_pairs: np.ndarray
) -> tuple[np.ndarray, int] | None:
    """Pair everyone exactly, the bye included (as a dummy player met by every earlier bye).

    ``hint_pairs`` (k, 2) are the preferred pairs, as ranks; returns (pairs as ranks, bye
    rank or ``NO_PLAYER``), or None when no rematch-free pairing exists.
    """
    n = order.size
    avoid = met.among(order)
    hint = [-1] * n
    for u, v in hint_pairs.tolist():
        hint[u], hint[v] = v, u
    scores = score[order].tolist()
    first = choices = None
    if n % 2:
        dummy = n
        rested = set(np.flatnonzero(had_bye[order]).tolist())
        for r in rested:
            avoid[r].add(dummy)
        avoid.append(rested)
        scores.append(-np.inf)
        lone = next(r for r in range(n) if hint[r] == -1)
        hint[lone] = dummy
        hint.append(lone)
        first = dummy
        choices = [r for r in range(n - 1, -1, -1) if r not in rested]
    pairs = _Exact(avoid, scores).solve(hint, first, choices)
    if pairs is None:
        return None
    bye = next((p + q - n for p, q in pairs if n in (p, q)), NO_PLAYER) if n % 2 else NO_PLAYER
    played = np.array([(p, q) for p, q in pairs if n % 2 == 0 or n not in (p, q)], dtype=np.int64)
    return played.reshape(-1, 2), bye


# --- colours ---------------------------------------------------------------------------


def _clash(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether a board of players with colour balances ``a`` and ``b`` leaves one of them
    beyond +-2 (the lower balance gets home).

    >>> _clash(np.array([2, 2, -2, 3]), np.array([2, 1, 2, 3])).tolist()
    [True, False, False, True]
    """
    low, high = np.minimum(a, b), np.maximum(a, b)
    after = np.where(low < high, np.maximum(np.abs(low + 1), np.abs(high - 1)), np.abs(low) + 1)
    return after > 2


def _colours(
    high: np.ndarray, low: np.ndarray, colour: np.ndarray, last_colour: np.ndarray
) -> np.ndarray:
    """Whether the higher-ranked player ``high[i]`` (board ``i + 1``) is home.

    Home goes to the lower colour balance; on equal balance, colours alternate from the
    last round; when both last had the same colour (or none), the higher-ranked player gets
    the colour that balances them, or home on odd boards and away on even ones.

    >>> _colours(np.array([0, 1, 2]), np.array([3, 4, 5]), np.array([1, 0, 0, 0, 0, 0]),
    ...          np.array([0, 1, -1, 1, 1, -1])).tolist()
    [False, True, True]
    """
    bal_h, bal_l = colour[high], colour[low]
    last_h, last_l = last_colour[high], last_colour[low]
    odd_board = np.arange(high.size) % 2 == 0
    own = np.where(
        bal_h != 0,
        bal_h < 0,
        np.where(last_h == NO_COLOUR, odd_board, last_h == AWAY),
    )
    alternate = (last_h == AWAY) | (last_l == HOME)
    return np.where(bal_h != bal_l, bal_h < bal_l, np.where(last_h != last_l, alternate, own))


# --- pairing a round -------------------------------------------------------------------


def pair(
    score: np.ndarray,
    met: tuple[np.ndarray, np.ndarray],
    had_bye: np.ndarray,
    colour: np.ndarray,
    last_colour: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """One Swiss round: (home, away, bye player) with boards in ranking order.

    ``score`` per player, ``met`` the (a, b) players of every past pairing, ``had_bye``,
    ``colour`` (home - away games) and ``last_colour`` (``HOME``, ``AWAY``, ``NO_COLOUR``).
    The bye player is ``NO_PLAYER`` for an even field. Raises ValueError when every pairing
    would hold a rematch (or hand someone a second bye).

    >>> home, away, bye = pair(np.array([1.0, 0, 1, 0, 1]), (np.array([0, 2]), np.array([1, 3])),
    ...                        np.array([0, 0, 0, 0, 1], dtype=bool), np.array([1, -1, 1, -1, 0]),
    ...                        np.array([0, 1, 0, 1, -1]))
    >>> home.tolist(), away.tolist(), bye
    ([2, 1], [0, 4], 3)
    """
    score = np.asarray(score, dtype=np.float64)
    had_bye = np.asarray(had_bye, dtype=bool)
    n = score.size
    known = _Met(met, n)
    order = np.lexsort((np.arange(n), -score)).astype(np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    bye = NO_PLAYER
    pool = order
    if n % 2:
        eligible = np.flatnonzero(~had_bye[order])
        if eligible.size == 0:
            raise ValueError("every player has had a bye: nobody can take another")
        bye = int(order[eligible[-1]])
        pool = np.delete(order, eligible[-1])
    boards = _Boards.natural(pool, score[pool])
    boards.exchange(known)
    boards.balance(known, np.asarray(colour))
    if boards.repair(known, score[pool]):
        high, low = pool[boards.top], pool[boards.bottom]
    else:
        hint = rank[np.stack([pool[boards.top], pool[boards.bottom]], axis=1)]
        found = _whole_field(order, score, known, had_bye, hint)
        if found is None:
            raise ValueError("no pairing without a rematch exists for this round")
        pairs, bye_rank = found
        high, low = order[pairs[:, 0]], order[pairs[:, 1]]
        bye = NO_PLAYER if bye_rank == NO_PLAYER else int(order[bye_rank])
    high, low = (
        np.where(rank[high] < rank[low], high, low),
        np.where(rank[high] < rank[low], low, high),
    )
    at = np.argsort(rank[high], kind="stable")
    high, low = high[at], low[at]
    home_high = _colours(high, low, np.asarray(colour), np.asarray(last_colour))
    home = np.where(home_high, high, low).astype(np.int32)
    away = np.where(home_high, low, high).astype(np.int32)
    return home, away, bye


def _round(round_: int, home: np.ndarray, away: np.ndarray, bye: int, player_count: int) -> Bracket:
    """One round's boards (then the bye) as an unlinked bracket."""
    entrants = np.stack([home, away], axis=1).astype(np.int32)
    if bye != NO_PLAYER:
        entrants = np.concatenate([entrants, np.array([[bye, NO_PLAYER]], dtype=np.int32)])
    count = entrants.shape[0]
    is_bye = np.zeros(count, dtype=bool)
    is_bye[home.size :] = True
    return Bracket(
        round=np.full(count, round_, dtype=np.int16),
        number=np.arange(1, count + 1, dtype=np.int32),
        side=np.full(count, side_code(Side.MAIN), dtype=np.int8),
        entrants=entrants,
        winner_to=np.full(count, NO_MATCH, dtype=np.int32),
        winner_slot=np.zeros(count, dtype=np.int8),
        loser_to=np.full(count, NO_MATCH, dtype=np.int32),
        loser_slot=np.zeros(count, dtype=np.int8),
        bye=is_bye,
        player_count=player_count,
        stage=np.ones(count, dtype=np.int16),
    )


def first_round(player_count: int) -> Bracket:
    """Round 1: seed ``s`` meets seed ``s + N/2``, colours alternating by board, the bye (odd N)
    to the last seed.

    >>> b = first_round(7)
    >>> b.entrants.tolist(), b.bye.tolist()
    ([[0, 3], [4, 1], [2, 5], [6, -1]], [False, False, False, True])
    """
    none = np.empty(0, dtype=np.int64)
    home, away, bye = pair(
        np.zeros(player_count),
        (none, none),
        np.zeros(player_count, dtype=bool),
        np.zeros(player_count, dtype=np.int64),
        np.full(player_count, NO_COLOUR, dtype=np.int64),
    )
    return _round(1, home, away, bye, player_count)


@dataclass(frozen=True)
class History:
    """What pairing needs to know of the rounds played, per player."""

    score: np.ndarray
    met: tuple[np.ndarray, np.ndarray]
    had_bye: np.ndarray
    colour: np.ndarray
    last_colour: np.ndarray
    rounds: int


def history(progress: Progress) -> History:
    """Scores (win, bye and forfeit win 1, draw 1/2, loss and double forfeit 0), pairs met,
    byes and colours (slot A is home) of the matches of ``progress``.

    >>> h = history(Progress.fresh(first_round(3)))
    >>> h.score.tolist(), h.had_bye.tolist(), h.colour.tolist(), h.last_colour.tolist()
    ([0.0, 0.0, 1.0], [False, False, True], [1, -1, 0], [0, 1, -1])
    """
    n = progress.player_count
    games = Games.of(progress)
    bye = games.b == NO_PLAYER
    draw = (games.outcome == outcome_code(Outcome.DRAW)).astype(np.float64) / 2
    won_a = (games.winner_slot == 0) + draw
    won_b = (games.winner_slot == 1) + draw
    score = np.bincount(games.a, weights=won_a, minlength=n) + np.bincount(
        games.b[~bye], weights=won_b[~bye], minlength=n
    )
    slots = progress.slots
    played = (slots != NO_PLAYER).all(axis=1) & ~progress.bracket.bye
    home, away = slots[played, 0].astype(np.int64), slots[played, 1].astype(np.int64)
    colour = np.bincount(home, minlength=n) - np.bincount(away, minlength=n)
    rounds = progress.bracket.round_count
    last = played & (progress.bracket.round == rounds)
    last_colour = np.full(n, NO_COLOUR, dtype=np.int64)
    last_colour[slots[last, 0]] = HOME
    last_colour[slots[last, 1]] = AWAY
    return History(
        score=score,
        met=(home, away),
        had_bye=np.bincount(games.a[bye], minlength=n) > 0,
        colour=colour.astype(np.int64),
        last_colour=last_colour,
        rounds=rounds,
    )


def next_round(progress: Progress, options: SwissOptions) -> Bracket | None:
    """The next round once every match is decided, or None after the last round.

    >>> progress = Progress.fresh(first_round(4))
    >>> decided = Progress(progress.bracket, progress.slots, np.zeros(2, dtype=np.int8),
    ...                    np.zeros(2, dtype=np.int8), progress.scores, progress.ratings)
    >>> next_round(decided, SwissOptions()).entrants.tolist()
    [[3, 0], [1, 2]]
    """
    if not progress.decided.all():
        raise ValueError("a Swiss round is paired only once every match is decided")
    past = history(progress)
    if past.rounds >= round_count(progress.player_count, options.rounds):
        return None
    home, away, bye = pair(past.score, past.met, past.had_bye, past.colour, past.last_colour)
    return _round(past.rounds + 1, home, away, bye, progress.player_count)


SWISS_POINTS = PointsRule(win=1.0, draw=0.5, loss=0.0)
"""1 / 1/2 / 0."""

DEFAULT_TIEBREAKS = ("buchholz_cut1", "buchholz", "sonneborn_berger", "progressive")
"""A common FIDE choice."""


@dataclass(frozen=True)
class Swiss(RankedByPoints):
    """Swiss system behind the :class:`~bracketry.engine.formats.base.Format` interface.

    Pairing always uses game points 1 / 1/2 / 0; ``points`` and ``tiebreaks`` only rank.
    """

    options: SwissOptions = SwissOptions()
    points: PointsRule = SWISS_POINTS
    tiebreaks: tuple[str, ...] = DEFAULT_TIEBREAKS
    lot_seed: int = 0
    name: str = "swiss"
    grows: bool = True

    def check(self, player_count: int) -> None:
        """See :func:`check`."""
        check(player_count, self.options)

    def start(self, player_count: int, ratings: np.ndarray | None = None) -> Bracket:
        """Round 1 only; each later round is paired when the previous one is complete."""
        return first_round(player_count)

    def extend(self, progress: Progress) -> Bracket | None:
        """The next round, or None after the last."""
        return next_round(progress, self.options)

    def appended_after(self, progress: Progress, position: int) -> np.ndarray:
        """Every later round: they were paired on scores that included this result."""
        rounds = progress.bracket.round
        return np.flatnonzero(rounds > rounds[position])
