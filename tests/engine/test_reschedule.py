"""An overrun moves only what depends on it, and the moved timetable keeps every rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats import knockout, round_robin
from bracketry.engine.model import NO_MATCH
from bracketry.engine.reschedule import overrun
from bracketry.engine.schedule import NOT_SCHEDULED, Timetable, Timing, Venue, schedule
from tests.engine.test_schedule import FAST, build, kinds, player_pairs, timings, venue_layouts


def check_no_conflicts(bracket: Bracket, venues: list[Venue], timing: Timing, t: Timetable) -> None:
    """Fields, players, links and windows, with each match's own end (an overrun is longer)."""
    done = t.scheduled
    assert (t.end[done] > t.start[done]).all()
    at = np.flatnonzero(done)
    at = at[np.lexsort((t.start[at], t.field[at], t.venue[at]))]
    same = (t.venue[at][1:] == t.venue[at][:-1]) & (t.field[at][1:] == t.field[at][:-1])
    assert (t.start[at][1:][same] >= t.end[at][:-1][same] + timing.gap).all(), "field clash"
    positions = np.arange(bracket.match_count)
    for links in (bracket.winner_to, bracket.loser_to):
        linked = links != NO_MATCH
        source, target = positions[linked], links[linked]
        both = done[source] & done[target]
        assert (t.start[target][both] >= t.end[source][both] + timing.rest).all(), "link"
        assert not (done[target] & ~done[source] & ~bracket.bye[source]).any()
    player, match = player_pairs(bracket)
    keep = done[match]
    player, match = player[keep], match[keep]
    order = np.lexsort((t.start[match], player))
    player, match = player[order], match[order]
    same = player[1:] == player[:-1]
    assert (t.start[match][1:][same] >= t.end[match][:-1][same] + timing.rest).all(), "player"
    for v, venue in enumerate(venues):
        mine = done & (t.venue == v)
        begins = np.array([s for s, _ in venue.opens])
        ends = np.array([e for _, e in venue.opens])
        k = np.searchsorted(ends, t.start[mine] + timing.duration, side="left")
        assert (k < ends.size).all() and (begins[k] <= t.start[mine]).all(), "window"


@FAST
@given(
    kinds,
    st.integers(2, 120),
    venue_layouts(),
    timings,
    st.floats(0.0, 1.0),
    st.integers(1, 400),
)
def test_an_overrun_moves_only_dependents_and_breaks_no_rule(
    kind: str, players: int, venues: list[Venue], timing: Timing, pick: float, late: int
) -> None:
    bracket = build(kind, players)
    before = schedule(bracket, venues, timing)
    scheduled = np.flatnonzero(before.scheduled)
    if scheduled.size == 0:
        return
    position = int(scheduled[int(pick * (scheduled.size - 1))])
    ends = int(before.end[position]) + late
    after, moved = overrun(bracket, before, venues, timing, position=position, ends=ends)

    assert after.end[position] == ends and position in moved.tolist()
    still = np.ones(bracket.match_count, dtype=bool)
    still[moved] = False
    for name in ("venue", "field", "start", "end"):
        assert np.array_equal(getattr(after, name)[still], getattr(before, name)[still])
    others = moved[moved != position]
    kept = after.scheduled[others]
    assert (after.start[others][kept] > before.start[others][kept]).all(), "moved earlier"
    assert (after.venue[others][kept] == before.venue[others][kept]).all()
    assert (after.field[others][kept] == before.field[others][kept]).all()
    assert (after.end[others][kept] == after.start[others][kept] + timing.duration).all()
    assert (after.start[others][kept] >= before.start[position]).all()
    check_no_conflicts(bracket, venues, timing, after)


def test_an_overrun_in_a_round_robin_leaves_independent_matches_alone() -> None:
    bracket = round_robin.as_bracket(round_robin.generate(4))
    venues = [Venue(2, ((0, 10_000),))]
    timing = Timing(30, rest=10)
    before = schedule(bracket, venues, timing)
    after, moved = overrun(bracket, before, venues, timing, position=0, ends=90)
    # Match 0's players play again in round 2; the other round-1 match is untouched.
    assert before.start[1] == after.start[1]
    assert len(moved) > 1 and (after.start[moved[1:]] >= 90).all()
    check_no_conflicts(bracket, venues, timing, after)


def test_a_dependent_past_closing_time_waits_for_the_next_window_or_loses_its_slot() -> None:
    bracket = knockout.generate(4)
    venues = [Venue(2, ((0, 100), (200, 300)))]
    timing = Timing(30)
    before = schedule(bracket, venues, timing)
    assert before.start.tolist() == [0, 0, 30, 30]
    after, _ = overrun(bracket, before, venues, timing, position=0, ends=80)
    assert after.start.tolist() == [0, 0, 200, 200]
    lost, _ = overrun(bracket, before, [Venue(2, ((0, 100),))], timing, position=0, ends=90)
    assert lost.start.tolist()[2:] == [NOT_SCHEDULED, NOT_SCHEDULED]
    assert lost.venue.tolist()[2:] == [NOT_SCHEDULED, NOT_SCHEDULED]


def test_finishing_early_moves_nothing_else() -> None:
    bracket = knockout.generate(4)
    venues = [Venue(2, ((0, 600),))]
    before = schedule(bracket, venues, Timing(30))
    after, moved = overrun(bracket, before, venues, Timing(30), position=0, ends=20)
    assert moved.tolist() == [0] and after.end[0] == 20
    assert np.array_equal(after.start, before.start)


def test_an_overrun_needs_a_scheduled_match_and_a_later_end() -> None:
    bracket = knockout.generate(4)
    venues = [Venue(2, ((0, 600),))]
    before = schedule(bracket, venues, Timing(30))
    with pytest.raises(ValueError, match="no slot"):
        overrun(bracket, before, venues, Timing(30), position=9, ends=50)
    with pytest.raises(ValueError, match="before it starts"):
        overrun(bracket, before, venues, Timing(30), position=0, ends=0)
