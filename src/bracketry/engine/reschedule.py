"""Moving a timetable when a match overruns: only what depends on it shifts.

A match depends on the overrunning one when it waits for it: it is fed by it through a
link, it shares a player with it (the player's next match), or it is the next match on its
field; and so on transitively. Each dependent keeps its venue, field and the order of
play; it starts at the earliest minute its waits allow (feeders' and players' ends plus
``rest``, the field's previous end plus ``gap``) inside one of its venue's opening
windows. A dependent that fits in no window loses its slot, and so does whatever depends
on it. Nothing else moves.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.model import NO_MATCH
from bracketry.engine.schedule import NOT_SCHEDULED, Timetable, Timing, Venue, match_players

_NEVER = 1 << 62


def overrun(
    bracket: Bracket,
    table: Timetable,
    venues: Sequence[Venue],
    timing: Timing,
    *,
    position: int,
    ends: int,
) -> tuple[Timetable, np.ndarray]:
    """``table`` after match ``position`` ends at minute ``ends``, and the positions of the
    matches that moved (it included when its end changed).

    The players of a match are read from ``bracket.entrants`` (pass the slots known now)
    and ``bracket.members``.

    >>> from bracketry.engine.formats.knockout import generate
    >>> from bracketry.engine.schedule import schedule
    >>> venue, timing = Venue(2, ((0, 600),)), Timing(30, rest=10)
    >>> before = schedule(generate(4), [venue], timing)
    >>> after, moved = overrun(generate(4), before, [venue], timing, position=0, ends=50)
    >>> after.start.tolist(), moved.tolist()
    ([0, 0, 60, 60], [0, 2, 3])
    """
    if not 0 <= position < bracket.match_count or table.venue[position] == NOT_SCHEDULED:
        raise ValueError(f"match {position} has no slot")
    if ends <= table.start[position]:
        raise ValueError("a match cannot end before it starts")
    out = replace(
        table,
        venue=table.venue.copy(),
        field=table.field.copy(),
        start=table.start.copy(),
        end=table.end.copy(),
    )
    if ends <= table.end[position]:
        out.end[position] = ends
        return out, np.array([position], dtype=np.int64)
    out.end[position] = ends

    players, starts = match_players(bracket)
    feeders = _feeders(bracket)
    begins = [[s for s, _ in v.opens] for v in venues]
    closes = [[e for _, e in v.opens] for v in venues]
    duration, gap, rest = timing.duration, timing.gap, timing.rest

    later = np.flatnonzero((out.venue != NOT_SCHEDULED) & (table.start >= table.start[position]))
    later = later[np.lexsort((later, table.start[later]))].tolist()
    venue_of, field_of = out.venue.tolist(), out.field.tolist()
    start_of, end_of = out.start.tolist(), out.end.tolist()

    moved = {position}
    last_on_field: dict[tuple[int, int], int] = {}
    last_of_player: dict[int, int] = {}
    for match in later:
        spot = (venue_of[match], field_of[match])
        who = players[starts[match] : starts[match + 1]].tolist()
        if match != position:
            waits = [(f, rest) for f in feeders.get(match, ())]
            waits += [(last_of_player[p], rest) for p in who if p in last_of_player]
            if spot in last_on_field:
                waits.append((last_on_field[spot], gap))
            late = [end_of[m] + pause for m, pause in waits if m in moved]
            if late and max(late) > start_of[match]:
                moved.add(match)
                begin = _fit(max(late), duration, begins[spot[0]], closes[spot[0]])
                if begin == NOT_SCHEDULED:
                    start_of[match] = end_of[match] = _NEVER
                else:
                    start_of[match], end_of[match] = begin, begin + duration
        if start_of[match] != _NEVER:
            last_on_field[spot] = match
        for p in who:
            last_of_player[p] = match

    shifted = np.array(sorted(moved), dtype=np.int64)
    start = np.array([start_of[m] for m in shifted.tolist()], dtype=np.int64)
    end = np.array([end_of[m] for m in shifted.tolist()], dtype=np.int64)
    lost = start == _NEVER
    out.start[shifted] = np.where(lost, NOT_SCHEDULED, start)
    out.end[shifted] = np.where(lost, NOT_SCHEDULED, end)
    out.venue[shifted[lost]] = NOT_SCHEDULED
    out.field[shifted[lost]] = NOT_SCHEDULED
    return out, shifted


def _fit(at: int, duration: int, begins: list[int], closes: list[int]) -> int:
    """The earliest start at or after ``at`` inside one window, or NOT_SCHEDULED."""
    if at >= _NEVER:
        return NOT_SCHEDULED
    k = bisect_left(closes, at + duration)
    while k < len(closes):
        begin = max(at, begins[k])
        if begin + duration <= closes[k]:
            return begin
        k += 1
    return NOT_SCHEDULED


def _feeders(bracket: Bracket) -> dict[int, list[int]]:
    """The matches feeding each match by a link."""
    out: dict[int, list[int]] = {}
    for links in (bracket.winner_to, bracket.loser_to):
        for source in np.flatnonzero(links != NO_MATCH).tolist():
            out.setdefault(int(links[source]), []).append(source)
    return out
