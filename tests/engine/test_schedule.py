"""The timetable builder: fields never double-booked, windows and rest respected, rounds in
order, fixed slots kept, and a hand-checked case."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats import double_elimination, knockout, round_robin
from bracketry.engine.formats.heats import HeatsOptions, first_round
from bracketry.engine.model import NO_MATCH
from bracketry.engine.schedule import (
    NOT_SCHEDULED,
    Timetable,
    Timing,
    Venue,
    link_depth,
    schedule,
)

FAST = settings(max_examples=40, deadline=None)
FOREVER = 10**9


def build(kind: str, players: int) -> Bracket:
    if kind == "knockout":
        return knockout.generate(players)
    if kind == "double":
        return double_elimination.generate(players)
    return round_robin.as_bracket(round_robin.generate(players))


@st.composite
def venue_layouts(draw: st.DrawFn) -> list[Venue]:
    """1-4 venues, 1-10 fields, 1-3 windows (some maybe too short for a match); the last
    window of a venue may stay open for good."""
    venues = []
    for _ in range(draw(st.integers(1, 4))):
        at, opens = draw(st.integers(-100, 100)), []
        for _ in range(draw(st.integers(1, 3))):
            at += draw(st.integers(0, 500))
            length = draw(st.integers(1, 600))
            opens.append((at, at + length))
            at += length
        if draw(st.booleans()):
            opens[-1] = (opens[-1][0], FOREVER)
        venues.append(Venue(draw(st.integers(1, 10)), tuple(opens)))
    return venues


timings = st.builds(Timing, st.integers(1, 60), st.integers(0, 10), st.integers(0, 30))
kinds = st.sampled_from(["knockout", "round_robin", "double"])


def player_pairs(bracket: Bracket) -> tuple[np.ndarray, np.ndarray]:
    """(player, match) for every player known in a match's entrants or members."""
    match = np.repeat(np.arange(bracket.match_count), 2)
    player = bracket.entrants.reshape(-1)
    if bracket.members is not None:
        match = np.concatenate([match, bracket.members.match])
        player = np.concatenate([player, bracket.members.player])
    known = player >= 0
    return player[known].astype(np.int64), match[known].astype(np.int64)


def check_valid(
    bracket: Bracket,
    venues: list[Venue],
    timing: Timing,
    table: Timetable,
    not_before: int = 0,
    fixed: np.ndarray | None = None,
) -> None:
    """Every rule of the scheduler, checked by brute-force-free array arithmetic."""
    fixed = np.zeros(bracket.match_count, dtype=bool) if fixed is None else fixed
    done = table.scheduled
    assert table.venue.shape == table.start.shape == (bracket.match_count,)
    assert not (done & bracket.bye & ~fixed).any(), "a bye got a slot"
    assert (table.field[~done] == NOT_SCHEDULED).all()
    assert (table.start[~done] == NOT_SCHEDULED).all()
    assert (table.end[done] == table.start[done] + timing.duration).all()
    assert (table.start[done & ~fixed] >= not_before).all()
    fields = np.array([v.fields for v in venues])
    assert (table.venue[done] < len(venues)).all()
    assert ((table.field[done] >= 0) & (table.field[done] < fields[table.venue[done]])).all()

    # Inside one opening window of its venue.
    for v, venue in enumerate(venues):
        mine = done & (table.venue == v)
        begins = np.array([s for s, _ in venue.opens])
        ends = np.array([e for _, e in venue.opens])
        k = np.searchsorted(ends, table.end[mine], side="left")
        assert (k < ends.size).all(), "a match ends after the last window"
        assert (begins[k] <= table.start[mine]).all(), "a match starts outside its window"

    # No field double-booked, gap included.
    at = np.flatnonzero(done)
    at = at[np.lexsort((table.start[at], table.field[at], table.venue[at]))]
    same = (table.venue[at][1:] == table.venue[at][:-1]) & (
        table.field[at][1:] == table.field[at][:-1]
    )
    assert (table.start[at][1:][same] >= table.end[at][:-1][same] + timing.gap).all()

    # Feeders end (plus rest) before the match they feed; no slot for a feeder, none for it.
    positions = np.arange(bracket.match_count)
    for links in (bracket.winner_to, bracket.loser_to):
        linked = (links != NO_MATCH) & ~bracket.bye
        source, target = positions[linked], links[linked]
        blocked = ~done[source] & ~fixed[target]
        assert not done[target][blocked].any(), "a match is scheduled before its feeder"
        both = done[source] & done[target] & ~fixed[target]
        assert (table.start[target][both] >= table.end[source][both] + timing.rest).all()

    # Players: no overlap, rest respected, rounds in order (link-free formats by entrants).
    player, match = player_pairs(bracket)
    keep = done[match]
    player, match = player[keep], match[keep]
    order = np.lexsort((table.start[match], player))
    player, match = player[order], match[order]
    same = player[1:] == player[:-1]
    assert (table.start[match][1:][same] >= table.end[match][:-1][same] + timing.rest).all()
    if (bracket.winner_to == NO_MATCH).all() and (bracket.loser_to == NO_MATCH).all():
        stage_round = bracket.stages.astype(np.int64)[match] * 100_000 + bracket.round[match]
        assert (stage_round[1:][same] > stage_round[:-1][same]).all(), "rounds out of order"


@FAST
@given(kinds, st.integers(2, 300), venue_layouts(), timings, st.integers(0, 300))
def test_schedules_follow_every_rule(
    kind: str, players: int, venues: list[Venue], timing: Timing, not_before: int
) -> None:
    bracket = build(kind, players)
    table = schedule(bracket, venues, timing, not_before=not_before)
    check_valid(bracket, venues, timing, table, not_before)
    if any(v.opens[-1][1] == FOREVER for v in venues):
        assert (table.scheduled == ~bracket.bye).all(), "windows long enough, yet no slot"
    again = schedule(bracket, venues, timing, not_before=not_before)
    for name in ("venue", "field", "start", "end"):
        assert np.array_equal(getattr(table, name), getattr(again, name))


@FAST
@given(kinds, st.integers(2, 120), venue_layouts(), timings, st.floats(0.0, 1.0))
def test_fixed_slots_are_kept(
    kind: str, players: int, venues: list[Venue], timing: Timing, share: float
) -> None:
    bracket = build(kind, players)
    first = schedule(bracket, venues, timing)
    if not first.scheduled.any():
        return
    now = int(np.quantile(first.start[first.scheduled], share))
    keep = first.scheduled & (first.start < now)
    fixed = Timetable(
        *(
            np.where(keep, getattr(first, n), NOT_SCHEDULED)
            for n in ("venue", "field", "start", "end")
        )
    )
    table = schedule(bracket, venues, timing, not_before=now, fixed=fixed)
    for name in ("venue", "field", "start", "end"):
        assert np.array_equal(getattr(table, name)[keep], getattr(first, name)[keep])
    check_valid(bracket, venues, timing, table, now, keep)
    if any(v.opens[-1][1] == FOREVER for v in venues):
        assert (table.scheduled == ~bracket.bye).all()


def test_four_player_knockout_by_hand() -> None:
    """Semis at 0 on both fields, final at 30 + 10 rest, third place beside it."""
    table = schedule(knockout.generate(4), [Venue(2, ((0, 600),))], Timing(30, rest=10))
    assert table.venue.tolist() == [0, 0, 0, 0]
    assert table.field.tolist() == [0, 1, 0, 1]
    assert table.start.tolist() == [0, 0, 40, 40]
    assert table.end.tolist() == [30, 30, 70, 70]


def test_a_moved_fixed_slot_holds_its_field_and_its_players() -> None:
    fixed = Timetable(
        np.array([0, -1, -1, -1]),
        np.array([1, -1, -1, -1]),
        np.array([100, -1, -1, -1]),
        np.array([130, -1, -1, -1]),
    )
    table = schedule(
        knockout.generate(4), [Venue(2, ((0, 600),))], Timing(30, rest=10), fixed=fixed
    )
    assert table.field.tolist() == [1, 0, 0, 1]
    assert table.start.tolist() == [100, 0, 140, 140]


def test_matches_wait_for_the_next_window() -> None:
    table = schedule(knockout.generate(4), [Venue(1, ((0, 60), (100, 200)))], Timing(30))
    assert table.start.tolist() == [0, 30, 100, 130]


def test_a_match_without_a_window_leaves_its_followers_unscheduled() -> None:
    table = schedule(knockout.generate(4), [Venue(1, ((0, 70),))], Timing(30))
    assert table.start.tolist() == [0, 30, NOT_SCHEDULED, NOT_SCHEDULED]
    assert table.venue.tolist() == [0, 0, NOT_SCHEDULED, NOT_SCHEDULED]
    none = schedule(knockout.generate(8), [Venue(3, ((0, 29),))], Timing(30))
    assert not none.scheduled.any()
    assert not schedule(knockout.generate(8), [], Timing(30)).scheduled.any()


def test_round_robin_rounds_follow_for_each_player() -> None:
    bracket = round_robin.as_bracket(round_robin.generate(6))
    timing = Timing(20, gap=5, rest=15)
    table = schedule(bracket, [Venue(10, ((0, FOREVER),))], timing)
    # Enough fields for a whole round: round r starts at (r - 1) * (duration + rest).
    assert (table.start == (bracket.round.astype(np.int64) - 1) * 35).all()


def test_byes_get_no_slot_and_earliest_venue_wins() -> None:
    bracket = knockout.generate(5)
    venues = [Venue(1, ((50, 500),)), Venue(1, ((0, 500),))]
    table = schedule(bracket, venues, Timing(30))
    assert not table.scheduled[bracket.bye].any()
    first = np.flatnonzero(~bracket.bye)[0]
    assert (table.venue[first], table.start[first]) == (1, 0)
    check_valid(bracket, venues, Timing(30), table)


def test_heats_keep_their_members_apart() -> None:
    bracket = first_round(40, HeatsOptions(direction="lower", heat_size=8))
    timing = Timing(10, rest=5)
    table = schedule(bracket, [Venue(2, ((0, FOREVER),))], timing)
    assert table.scheduled.all()
    check_valid(bracket, [Venue(2, ((0, FOREVER),))], timing, table)


def test_fixed_slots_may_cover_only_the_matches_before_an_extension() -> None:
    before = knockout.generate(4)
    first = schedule(before, [Venue(2, ((0, 600),))], Timing(30))
    extended = before.then(knockout.generate(2))
    table = schedule(extended, [Venue(2, ((0, 600),))], Timing(30), fixed=first, not_before=60)
    assert table.start[:4].tolist() == first.start.tolist()
    assert table.start[4] >= 60


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        schedule(knockout.generate(4), [Venue(1, ((0, 60),))], Timing(0))
    with pytest.raises(ValueError):
        schedule(knockout.generate(4), [Venue(0, ((0, 60),))], Timing(10))
    with pytest.raises(ValueError):
        schedule(knockout.generate(4), [Venue(1, ((50, 60), (0, 10)))], Timing(10))
    bad = Timetable(np.array([3, -1, -1, -1]), *(np.full(4, -1) for _ in range(3)))
    with pytest.raises(ValueError):
        schedule(knockout.generate(4), [Venue(1, ((0, 60),))], Timing(10), fixed=bad)


def test_link_depth_orders_double_elimination_feeders_first() -> None:
    bracket = double_elimination.generate(16)
    depth = link_depth(bracket)
    for links in (bracket.winner_to, bracket.loser_to):
        linked = links != NO_MATCH
        assert (depth[links[linked]] > depth[linked]).all()


@pytest.mark.slow
def test_scale_knockout_1024_over_4_venues() -> None:
    bracket = knockout.generate(1024)
    venues = [Venue(4, tuple((d * 1440 + 540, d * 1440 + 1260) for d in range(7)))] * 4
    timing = Timing(45, gap=10, rest=30)
    started = time.perf_counter()
    table = schedule(bracket, venues, timing)
    print(f"1,024-player knockout, 16 fields: {time.perf_counter() - started:.3f}s")
    assert table.scheduled.all()
    check_valid(bracket, venues, timing, table)


@pytest.mark.slow
def test_scale_round_robin_100k_matches_over_200_fields() -> None:
    bracket = round_robin.as_bracket(round_robin.generate(448))
    assert bracket.match_count >= 100_000
    venues = [Venue(50, ((0, FOREVER),))] * 4
    timing = Timing(30, gap=5, rest=10)
    started = time.perf_counter()
    table = schedule(bracket, venues, timing)
    print(f"448-player round robin, 200 fields: {time.perf_counter() - started:.3f}s")
    assert table.scheduled.all()
    check_valid(bracket, venues, timing, table)
