"""A timetable for a bracket: which venue, field and time every match is played at.

Pure and deterministic: times are plain integers (minutes since the tournament's epoch; the
service turns them into tz-aware datetimes). :func:`schedule` is a greedy list scheduler:

- Matches are taken in (stage, link depth, round, position) order. The link depth of a match
  is the longest chain of ``winner_to`` / ``loser_to`` links that feeds it: ``round - 1`` in
  a knockout, 0 in link-free formats (round robin, Swiss), so there the order is (stage,
  round, position); in a double elimination it interleaves the winners' and losers' rounds
  so that every match comes after the matches feeding it.
- A match is *ready* once every match feeding it by a link has ended plus ``rest``, every
  player known in its ``entrants`` (or ``members``, for heats) has ended all their earlier
  matches plus ``rest``, and not before ``not_before``.
- It goes to the field that can start it earliest at or after that time, inside one opening
  window of the field's venue (ties: the field free longest, then the lowest venue and
  field). A field is free again ``gap`` minutes after a match ends; fields are used in time
  order (no match is slotted into an idle hole before a later one).
- Byes are never scheduled. A match that fits in no window is left :data:`NOT_SCHEDULED`,
  and so is every match that depends on it (by a link or through one of its players), so
  rounds always stay in order.
- ``fixed`` slots (matches under way or done) are kept as given; new matches go after the
  last fixed match of their field and after their players' fixed matches (plus rest).

Cost: one Python step per match, O(G (log F + log W)) for G groups of venues sharing the
same opening windows (one heap of field-free times per group; usually G = 1), plus
vectorised passes over the links (depths, and readiness per block with ``np.maximum.at``).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats.base import Progress
from bracketry.engine.model import NO_MATCH

NOT_SCHEDULED = -1
"""Venue, field, start and end of a match without a slot."""

_BLOCKED = 1 << 62
"""A readiness time meaning "never": something this match needs got no slot."""


@dataclass(frozen=True)
class Venue:
    """A place with ``fields`` courts / boards (>= 1), open in the windows ``opens``:
    ``(start, end)`` pairs in minutes, end exclusive, sorted and not overlapping."""

    fields: int
    opens: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Timing:
    """How long a match takes (> 0), the break a field needs between two matches and the
    minimum rest of a player between two of their matches, all in minutes."""

    duration: int
    gap: int = 0
    rest: int = 0


@dataclass(frozen=True)
class Timetable:
    """Slots aligned with a bracket's matches: venue index (into the ``venues`` given to
    :func:`schedule`), field index within the venue (0-based), start and end minutes;
    :data:`NOT_SCHEDULED` everywhere for a match without a slot."""

    venue: np.ndarray
    field: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @property
    def scheduled(self) -> np.ndarray:
        """Matches with a slot."""
        return self.venue != NOT_SCHEDULED

    @staticmethod
    def empty(count: int) -> Timetable:
        """``count`` matches, none scheduled."""
        return Timetable(
            venue=np.full(count, NOT_SCHEDULED, dtype=np.int32),
            field=np.full(count, NOT_SCHEDULED, dtype=np.int32),
            start=np.full(count, NOT_SCHEDULED, dtype=np.int64),
            end=np.full(count, NOT_SCHEDULED, dtype=np.int64),
        )


def link_depth(bracket: Bracket) -> np.ndarray:
    """The longest chain of links feeding each match (0 for a match nothing feeds).

    >>> from bracketry.engine.formats.knockout import generate
    >>> link_depth(generate(8)).tolist()
    [0, 0, 0, 0, 1, 1, 2, 2]
    """
    count = bracket.match_count
    sources, targets = _links(bracket)
    depth = np.zeros(count, dtype=np.int64)
    for _ in range(count + 1):
        relaxed = depth.copy()
        np.maximum.at(relaxed, targets, depth[sources] + 1)
        if np.array_equal(relaxed, depth):
            return depth
        depth = relaxed
    raise ValueError("the bracket's links form a cycle")


def schedule(
    bracket: Bracket,
    venues: Sequence[Venue],
    timing: Timing,
    *,
    not_before: int = 0,
    fixed: Timetable | None = None,
) -> Timetable:
    """Slots for every match of ``bracket`` but byes, by the rules of this module.

    ``fixed`` (aligned with the bracket, or with a prefix of it: the matches before an
    extension) holds slots that must not move; its other entries are NOT_SCHEDULED.
    ``not_before`` is "now": no new match starts earlier. A match that fits in no opening
    window, or depends on one that does not, is left NOT_SCHEDULED.

    >>> from bracketry.engine.formats.knockout import generate
    >>> t = schedule(generate(4), [Venue(2, ((0, 600),))], Timing(30, rest=10))
    >>> t.field.tolist(), t.start.tolist(), t.end.tolist()
    ([0, 1, 0, 1], [0, 0, 40, 40], [30, 30, 70, 70])
    """
    _check(venues, timing)
    count = bracket.match_count
    fixed_mask, out = _fixed(fixed, count, venues)
    duration, gap, rest = timing.duration, timing.gap, timing.rest
    stages = bracket.stages.astype(np.int64)
    sources, targets = _links(bracket)
    if (stages[targets] < stages[sources]).any():
        raise ValueError("a link goes back to an earlier stage")
    depth = link_depth(bracket)
    players, starts = match_players(bracket)

    # Readiness from links, filled in block by block; players' free times, from fixed slots.
    link_ready = np.full(count, not_before, dtype=np.int64)
    player_free = np.zeros(bracket.player_count, dtype=np.int64)
    has_slot = np.flatnonzero(fixed_mask)
    counts = np.diff(starts)
    entry_match = np.repeat(np.arange(count), counts)
    fixed_entries = fixed_mask[entry_match]
    np.maximum.at(player_free, players[fixed_entries], out.end[entry_match[fixed_entries]] + rest)
    free_list = player_free.tolist()
    player_list = players.tolist()
    start_list = starts.tolist()

    groups = _field_groups(venues, duration, not_before, out, has_slot, gap)
    todo = ~bracket.bye & ~fixed_mask
    order = np.lexsort((np.arange(count), bracket.round, depth, stages))
    block_key = stages[order] * (int(depth.max(initial=0)) + 1) + depth[order]
    cuts = np.flatnonzero(np.diff(block_key)) + 1
    for block in np.split(order, cuts):
        work = block[todo[block]]
        slots = _place_block(
            work.tolist(),
            link_ready[work].tolist(),
            groups,
            free_list,
            player_list,
            start_list,
            duration,
            gap,
            rest,
        )
        if work.size:
            placed = np.array(slots, dtype=np.int64).reshape(-1, 3)
            ok = placed[:, 0] != NOT_SCHEDULED
            out.venue[work] = placed[:, 0]
            out.field[work] = placed[:, 1]
            out.start[work] = np.where(ok, placed[:, 2], NOT_SCHEDULED)
            out.end[work] = np.where(ok, placed[:, 2] + duration, NOT_SCHEDULED)
        # Whatever this block feeds is ready once the feeders ended (never if one has no slot).
        feeders = block[~bracket.bye[block]]
        done = out.venue[feeders] != NOT_SCHEDULED
        ready = np.where(done, out.end[feeders] + rest, _BLOCKED)
        for links in (bracket.winner_to, bracket.loser_to):
            to = links[feeders]
            linked = to != NO_MATCH
            np.maximum.at(link_ready, to[linked], ready[linked])
    return out


def playing(progress: Progress) -> Bracket:
    """The bracket of ``progress`` as the scheduler should see it now: the players known
    (advanced ones too) as entrants, and every decided match needing no slot, like a bye."""
    bracket = progress.bracket
    known = np.where(progress.slots >= 0, progress.slots, bracket.entrants)
    return replace(bracket, entrants=known, bye=bracket.bye | progress.decided)


def schedule_open(
    progress: Progress,
    venues: Sequence[Venue],
    timing: Timing,
    *,
    not_before: int = 0,
    fixed: Timetable | None = None,
) -> Timetable:
    """:func:`schedule` for the matches of ``progress`` still to play (decided ones keep
    only the slots ``fixed`` gives them).

    >>> from bracketry.engine.formats.knockout import generate
    >>> t = schedule_open(Progress.fresh(generate(3)), [Venue(1, ((0, 600),))], Timing(30))
    >>> t.start.tolist()
    [-1, 0, 30]
    """
    return schedule(playing(progress), venues, timing, not_before=not_before, fixed=fixed)


def _check(venues: Sequence[Venue], timing: Timing) -> None:
    if timing.duration <= 0 or timing.gap < 0 or timing.rest < 0:
        raise ValueError(f"duration must be positive, gap and rest not negative: {timing}")
    for venue in venues:
        if venue.fields < 1:
            raise ValueError(f"a venue needs at least one field: {venue}")
        ends = [end for _, end in venue.opens]
        begins = [start for start, _ in venue.opens]
        if any(e <= s for s, e in venue.opens) or any(
            b < e for b, e in zip(begins[1:], ends[:-1], strict=True)
        ):
            raise ValueError(f"opening windows must be sorted and not overlap: {venue.opens}")


def _links(bracket: Bracket) -> tuple[np.ndarray, np.ndarray]:
    """Every link as (source, target) positions."""
    positions = np.arange(bracket.match_count)
    to = np.concatenate([bracket.winner_to, bracket.loser_to]).astype(np.int64)
    linked = to != NO_MATCH
    return np.concatenate([positions, positions])[linked], to[linked]


def match_players(bracket: Bracket) -> tuple[np.ndarray, np.ndarray]:
    """The players known per match (entrants and heat members) as CSR: ``players`` and
    ``starts`` (match ``i`` owns ``players[starts[i]:starts[i + 1]]``)."""
    count = bracket.match_count
    match = [np.repeat(np.arange(count), 2)]
    player = [bracket.entrants.reshape(-1).astype(np.int64)]
    if bracket.members is not None:
        match.append(bracket.members.match.astype(np.int64))
        player.append(bracket.members.player.astype(np.int64))
    matches, everyone = np.concatenate(match), np.concatenate(player)
    known = everyone >= 0
    matches, everyone = matches[known], everyone[known]
    order = np.argsort(matches, kind="stable")
    starts = np.searchsorted(matches[order], np.arange(count + 1))
    return everyone[order], starts


def _fixed(
    fixed: Timetable | None, count: int, venues: Sequence[Venue]
) -> tuple[np.ndarray, Timetable]:
    """Which matches are fixed, and the output timetable holding their slots."""
    out = Timetable.empty(count)
    if fixed is None:
        return np.zeros(count, dtype=bool), out
    size = fixed.venue.size
    if size > count:
        raise ValueError(f"fixed slots for {size} matches, the bracket has {count}")
    mask = np.zeros(count, dtype=bool)
    mask[:size] = fixed.venue != NOT_SCHEDULED
    for name in ("venue", "field", "start", "end"):
        getattr(out, name)[:size][mask[:size]] = getattr(fixed, name)[mask[:size]]
    fields = np.array([0, *(v.fields for v in venues)], dtype=np.int64)
    venue, field = out.venue[mask], out.field[mask]
    known = (venue >= 0) & (venue < len(venues))
    if not known.all() or ((field < 0) | (field >= fields[venue + 1])).any():
        raise ValueError("a fixed slot names a venue or field that does not exist")
    return mask, out


@dataclass
class _Group:
    """Venues sharing the same usable windows: a heap of (free time, venue, field)."""

    heap: list[tuple[int, int, int]]
    begins: list[int]
    ends: list[int]


def _field_groups(
    venues: Sequence[Venue],
    duration: int,
    not_before: int,
    fixed: Timetable,
    has_slot: np.ndarray,
    gap: int,
) -> list[_Group]:
    """One field heap per set of usable windows (those at least ``duration`` long)."""
    busy: dict[tuple[int, int], int] = {}
    for v, f, e in zip(
        fixed.venue[has_slot].tolist(),
        fixed.field[has_slot].tolist(),
        fixed.end[has_slot].tolist(),
        strict=True,
    ):
        busy[v, f] = max(busy.get((v, f), not_before), e + gap)
    groups: dict[tuple[tuple[int, int], ...], _Group] = {}
    for v, venue in enumerate(venues):
        usable = tuple((s, e) for s, e in venue.opens if e - s >= duration)
        if not usable:
            continue
        group = groups.setdefault(
            usable, _Group([], [s for s, _ in usable], [e for _, e in usable])
        )
        group.heap.extend((busy.get((v, f), not_before), v, f) for f in range(venue.fields))
    for group in groups.values():
        heapq.heapify(group.heap)
    return list(groups.values())


def _place_block(
    work: list[int],
    ready: list[int],
    groups: list[_Group],
    player_free: list[int],
    players: list[int],
    starts: list[int],
    duration: int,
    gap: int,
    rest: int,
) -> list[tuple[int, int, int]]:
    """(venue, field, start) per match of ``work``, in order; updates the heaps and
    ``player_free`` in place."""
    slots: list[tuple[int, int, int]] = []
    miss = (NOT_SCHEDULED, NOT_SCHEDULED, NOT_SCHEDULED)
    for match, at in zip(work, ready, strict=True):
        who = players[starts[match] : starts[match + 1]]
        for p in who:
            at = max(at, player_free[p])
        best: tuple[int, int, int, int] | None = None
        chosen: _Group | None = None
        if at < _BLOCKED:
            for group in groups:
                free, v, f = group.heap[0]
                begin = max(free, at)
                k = bisect_left(group.ends, begin + duration)
                if k == len(group.ends):
                    continue
                candidate = (max(begin, group.begins[k]), free, v, f)
                if best is None or candidate < best:
                    best, chosen = candidate, group
        if best is None or chosen is None:
            slots.append(miss)
            for p in who:
                player_free[p] = _BLOCKED
            continue
        begin, _, v, f = best
        heapq.heapreplace(chosen.heap, (begin + duration + gap, v, f))
        for p in who:
            player_free[p] = begin + duration + rest
        slots.append((v, f, begin))
    return slots
