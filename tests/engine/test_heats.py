"""Heats: option checks, round 1, aggregation, places, whole events, standings, scale.

Whole events are played with simulated attempts (and some players not finishing), each
round compared with a plain-Python reading of the rules: the top ``advance`` finishers of
every heat (ties at the cut to the better seed) go on, ranked by place, value, then seed and
dealt in a snake into balanced heats.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats.base import FormatError, Progress
from bracketry.engine.formats.heats import (
    MAX_ATTEMPTS,
    MAX_HEAT_SIZE,
    MIN_PLAYERS,
    Heats,
    HeatsOptions,
    aggregate,
    check,
    first_round,
    heat_count,
    heat_sizes,
    next_round,
    places,
    simulate_attempts,
    standings,
)
from bracketry.engine.model import (
    NO_MATCH,
    NO_PLAYER,
    NO_WINNER,
    UNDECIDED,
    Outcome,
    Side,
    outcome_code,
    side_code,
)
from bracketry.engine.simulate import synthetic_ratings

FAST = settings(max_examples=60, deadline=None)

HEAT = side_code(Side.HEAT)
PLACED = outcome_code(Outcome.PLACED)
NAN = np.nan

rng_seeds = st.integers(min_value=0, max_value=2**32 - 1)
directions = st.sampled_from(["lower", "higher"])


def options(direction: str = "lower", **kwargs: object) -> HeatsOptions:
    return HeatsOptions(direction, **kwargs)  # type: ignore[arg-type]


# --- check ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("players", "opts", "field", "words"),
    [
        (1, options(), "players", "at least 2"),
        (0, options(), "players", "at least 2"),
        (10, options(heat_size=1), "config.heat_size", "at least 2"),
        (10, options(heat_size=0), "config.heat_size", "at least 2"),
        (10, options(attempts=0), "config.attempts", "1..10"),
        (10, options(attempts=MAX_ATTEMPTS + 1), "config.attempts", "1..10"),
        (10, options(advance=-1), "config.advance", "0 or more"),
        # 10 in heats of 4: 3, 3, 4
        (10, options(heat_size=4, advance=3), "config.advance", "smallest heat of round 1 (3"),
        (10, options(heat_size=None, advance=10), "config.advance", "(10 players)"),
        # 16 in heats of 8: 10 go on, 2 heats of 5, everyone goes on again
        (16, options(heat_size=8, advance=5), "config.advance", "at most 4"),
        (20, options(heat_size=7, advance=4), "config.advance", "at most 3"),
        # 12 in heats of 8: 2 heats of 6, 10 go on, 2 heats of 5
        (12, options(heat_size=8, advance=5), "config.advance", "never shrinks"),
        (10, options(aggregate="mean"), "config.aggregate", "'best' or 'sum'"),
        (10, options(direction="up"), "config.direction", "'lower' or 'higher'"),
        # lanes are int16: one heat of everyone, or heats too large, would wrap around
        (MAX_HEAT_SIZE + 1, options(heat_size=None), "config.heat_size", "at most 32767"),
        (40_000, options(heat_size=40_000), "config.heat_size", "would have 40000"),
    ],
)
def test_check_refuses(players: int, opts: HeatsOptions, field: str, words: str) -> None:
    with pytest.raises(FormatError) as caught:
        check(players, opts)
    assert caught.value.field == field
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("players", "opts"),
    [
        (2, options()),
        (2, options(heat_size=2, advance=1)),
        (10, options(heat_size=4, advance=2)),
        (10, options(heat_size=None, advance=9)),  # one heat: the final, advance unused
        (9, options(heat_size=8, advance=3)),  # heats of 5 and 4: 6 go on to the final
        (1000, options(heat_size=8, advance=4, attempts=10, aggregate="sum")),
        (5, options("higher", heat_size=100, attempts=1)),
        (MAX_HEAT_SIZE, options(heat_size=None)),
        (40_000, options(heat_size=MAX_HEAT_SIZE)),
    ],
)
def test_check_accepts(players: int, opts: HeatsOptions) -> None:
    check(players, opts)


def field_after(field: int, heat_size: int, advance: int) -> int:
    """Players going on from a round of ``field`` when all finish (plain Python)."""
    count = 1 if field <= heat_size else -(-field // heat_size)
    if count == 1:
        return 0
    sizes = [field // count + (1 if i < field % count else 0) for i in range(count)]
    return sum(min(advance, s) for s in sizes)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=2, max_value=400),
    st.integers(min_value=2, max_value=16),
    st.integers(min_value=1, max_value=15),
)
def test_check_refuses_exactly_the_fields_that_can_stop_shrinking(
    players: int, heat_size: int, advance: int
) -> None:
    """Any field of 0..f(N) players can follow round 1 (players may not finish): check
    accepts exactly when none of them above one heat sends everyone on."""
    smallest = min(heat_sizes(players, heat_size))
    opts = options(heat_size=heat_size, advance=advance)
    if advance >= smallest:
        with pytest.raises(FormatError):
            check(players, opts)
        return
    reachable = range(heat_size + 1, field_after(players, heat_size, advance) + 1)
    stuck = any(field_after(q, heat_size, advance) >= q for q in reachable)
    if stuck:
        with pytest.raises(FormatError, match="never shrinks"):
            check(players, opts)
    else:
        check(players, opts)


# --- round 1 --------------------------------------------------------------------------


def heats_of(bracket: Bracket, round_: int | None = None) -> list[list[int]]:
    """Players of each heat (of one round if given), in heat number then lane order."""
    members = bracket.members
    assert members is not None
    positions = (
        np.flatnonzero(bracket.round == round_) if round_ else np.arange(bracket.match_count)
    )
    result = []
    for position in positions.tolist():
        mine = np.flatnonzero(members.match == position)
        lanes = members.lane[mine]
        assert sorted(lanes.tolist()) == list(range(1, mine.size + 1))
        result.append(members.player[mine[np.argsort(lanes)]].tolist())
    return result


def assert_heat_rows(bracket: Bracket) -> None:
    count = bracket.match_count
    assert (bracket.side == HEAT).all()
    assert (bracket.entrants == NO_PLAYER).all()
    assert (bracket.winner_to == NO_MATCH).all() and (bracket.loser_to == NO_MATCH).all()
    assert (bracket.winner_slot == 0).all() and (bracket.loser_slot == 0).all()
    assert not bracket.bye.any()
    assert (bracket.stages == 1).all()
    for r in np.unique(bracket.round).tolist():
        numbers = bracket.number[bracket.round == r]
        assert numbers.tolist() == list(range(1, numbers.size + 1))
    assert bracket.members is not None
    assert bracket.members.match.min(initial=0) >= 0
    assert bracket.members.match.max(initial=0) < max(count, 1)


def test_first_round_snake_by_hand() -> None:
    # 10 players, heats of 4 -> 3 heats; seeds 1..10 dealt 1 2 3 | 3 2 1 | 1 2 3 | 3
    b = first_round(10, options(heat_size=4))
    assert_heat_rows(b)
    assert b.round.tolist() == [1, 1, 1]
    assert heats_of(b) == [[0, 5, 6], [1, 4, 7], [2, 3, 8, 9]]
    assert b.player_count == 10


@pytest.mark.parametrize("heat_size", [None, 10, 11, 1000])
def test_first_round_one_heat(heat_size: int | None) -> None:
    b = first_round(10, options(heat_size=heat_size))
    assert heats_of(b) == [list(range(10))]


@FAST
@given(st.integers(min_value=2, max_value=500), st.one_of(st.none(), st.integers(2, 40)))
def test_first_round_every_player_once_balanced(players: int, heat_size: int | None) -> None:
    b = first_round(players, options(heat_size=heat_size))
    assert_heat_rows(b)
    heats = heats_of(b)
    assert sorted(p for h in heats for p in h) == list(range(players))
    sizes = [len(h) for h in heats]
    assert len(heats) == heat_count(players, heat_size)
    assert len(heats) == (1 if heat_size is None else max(1, math.ceil(players / heat_size)))
    assert max(sizes) - min(sizes) <= 1
    assert sizes == heat_sizes(players, heat_size).tolist()
    for heat in heats:  # lanes in seed order
        assert heat == sorted(heat)


# --- aggregate and places ------------------------------------------------------------


ATTEMPTS = np.array(
    [
        [10.0, 9.5, NAN],
        [NAN, NAN, NAN],
        [1.0, 2.0, 3.0],
        [4.0, 4.0, 4.0],
    ]
)


@pytest.mark.parametrize(
    ("direction", "how", "expected"),
    [
        ("lower", "best", [9.5, NAN, 1.0, 4.0]),
        ("higher", "best", [10.0, NAN, 3.0, 4.0]),
        ("lower", "sum", [NAN, NAN, 6.0, 12.0]),
        ("higher", "sum", [NAN, NAN, 6.0, 12.0]),
    ],
)
def test_aggregate_by_hand(direction: str, how: str, expected: list[float]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "All-NaN slice" warning
        got = aggregate(ATTEMPTS, options(direction, aggregate=how))
    np.testing.assert_array_equal(got, np.array(expected))


def test_aggregate_one_attempt_and_empty() -> None:
    np.testing.assert_array_equal(
        aggregate(np.array([[3.0], [NAN]]), options()), np.array([3.0, NAN])
    )
    assert aggregate(np.empty((0, 2)), options()).shape == (0,)


def test_places_by_hand() -> None:
    heat = np.array([5, 5, 5, 5, 5, 2, 2, 2, 2])
    value = np.array([9.5, 9.1, NAN, 9.5, 9.9, 2.0, NAN, NAN, 1.0])
    assert places(heat, value, "lower").tolist() == [2, 1, 5, 2, 4, 2, 3, 3, 1]
    assert places(heat, value, "higher").tolist() == [2, 4, 5, 2, 1, 1, 3, 3, 2]


def test_places_all_tied_and_all_dnf() -> None:
    assert places(np.zeros(4, int), np.full(4, 7.0), "lower").tolist() == [1, 1, 1, 1]
    assert places(np.zeros(3, int), np.full(3, NAN), "higher").tolist() == [1, 1, 1]
    assert places(np.array([1, 0]), np.array([NAN, NAN]), "lower").tolist() == [1, 1]


@FAST
@given(
    st.lists(st.tuples(st.integers(0, 4), st.sampled_from([1.0, 2.0, 3.0, NAN])), max_size=30),
    directions,
)
def test_places_count_better_finishers(entries: list[tuple[int, float]], direction: str) -> None:
    heat = np.array([h for h, _ in entries], dtype=np.int64)
    value = np.array([v for _, v in entries], dtype=np.float64)
    got = places(heat, value, direction)  # type: ignore[arg-type]
    sign = 1 if direction == "lower" else -1
    for i, (h, v) in enumerate(entries):
        mates = [w for g, w in entries if g == h]
        finishers = [w for w in mates if not math.isnan(w)]
        if math.isnan(v):
            assert got[i] == len(finishers) + 1
        else:
            assert got[i] == 1 + sum(1 for w in finishers if sign * w < sign * v)


# --- simulated attempts -----------------------------------------------------------------


@pytest.mark.parametrize("direction", ["lower", "higher"])
def test_simulate_attempts(direction: str) -> None:
    rng = np.random.default_rng(5)
    ratings = np.array([2600.0, 1500.0, 400.0, NAN])
    opts = options(direction, attempts=4)
    values = simulate_attempts(ratings, np.array([0, 1, 2, 3, 0]), opts, rng)
    assert values.shape == (5, 4)
    assert np.isfinite(values).all() and (values > 0).all()
    np.testing.assert_array_equal(values, np.round(values, 2))
    many = simulate_attempts(ratings, np.repeat(np.arange(3), 2000), opts, rng)
    mean = many.reshape(3, 2000, 4).mean(axis=(1, 2))
    better = mean[0] < mean[1] < mean[2] if direction == "lower" else mean[0] > mean[1] > mean[2]
    assert better
    again = simulate_attempts(ratings, np.array([0, 1]), opts, np.random.default_rng(9))
    np.testing.assert_array_equal(
        again, simulate_attempts(ratings, np.array([0, 1]), opts, np.random.default_rng(9))
    )


# --- whole events ---------------------------------------------------------------------


def appended(progress: Progress, more: Bracket) -> Progress:
    """``progress`` with the heats of ``more`` added, undecided."""
    bracket = progress.bracket.then(more)
    fresh = Progress.fresh(more)
    assert progress.value is not None and fresh.value is not None
    return Progress(
        bracket=bracket,
        slots=np.concatenate([progress.slots, fresh.slots]),
        winner_slot=np.concatenate([progress.winner_slot, fresh.winner_slot]),
        outcome=np.concatenate([progress.outcome, fresh.outcome]),
        scores=np.concatenate([progress.scores, fresh.scores]),
        ratings=progress.ratings,
        value=np.concatenate([progress.value, fresh.value]),
    )


def decided(progress: Progress, heats: np.ndarray, value: np.ndarray) -> Progress:
    """``progress`` with ``heats`` decided and every entry of them given ``value`` (aligned
    with those entries, in member order)."""
    members = progress.bracket.members
    assert members is not None and progress.value is not None
    entries = np.flatnonzero(np.isin(members.match, heats))
    new_value = progress.value.copy()
    new_value[entries] = value
    winner, outcome = progress.winner_slot.copy(), progress.outcome.copy()
    winner[heats], outcome[heats] = NO_WINNER, PLACED
    return Progress(
        progress.bracket,
        progress.slots,
        winner,
        outcome,
        progress.scores,
        progress.ratings,
        value=new_value,
    )


@dataclass
class Event:
    players: int
    options: HeatsOptions
    rounds: list[Bracket] = field(default_factory=list)
    """Each round as :func:`first_round` / :func:`next_round` returned it."""
    states: list[Progress] = field(default_factory=list)
    """The progress once each round is decided."""

    @property
    def final(self) -> Progress:
        return self.states[-1]


def results(
    progress: Progress, heats: np.ndarray, opts: HeatsOptions, rng: np.random.Generator, dnf: float
) -> np.ndarray:
    """Simulated values for the entries of ``heats`` (member order), a share ``dnf`` NaN."""
    members = progress.bracket.members
    assert members is not None
    entries = np.flatnonzero(np.isin(members.match, heats))
    attempts = simulate_attempts(progress.ratings, members.player[entries], opts, rng)
    missing = rng.random(attempts.shape) < dnf
    return aggregate(np.where(missing, NAN, attempts), opts)


def play(players: int, opts: HeatsOptions, seed: int, dnf: float = 0.0) -> Event:
    rng = np.random.default_rng(seed)
    event = Event(players, opts)
    new: Bracket | None = first_round(players, opts)
    progress = Progress.fresh(new, synthetic_ratings(players, rng))
    for _ in range(100):
        assert new is not None
        event.rounds.append(new)
        last = np.flatnonzero(progress.bracket.round == progress.bracket.round_count)
        progress = decided(progress, last, results(progress, last, opts, rng, dnf))
        event.states.append(progress)
        new = next_round(progress, opts)
        if new is None:
            return event
        progress = appended(progress, new)
    raise AssertionError("the event did not end")


def key_of(value: float, direction: str) -> float:
    if math.isnan(value):
        return math.inf
    return value if direction == "lower" else -value


def expected_next(progress: Progress, opts: HeatsOptions) -> list[list[int]] | None:
    """The next round by the rules, in plain Python: players per heat, in lane order."""
    b, members = progress.bracket, progress.bracket.members
    assert members is not None and progress.value is not None
    last = b.round_count
    heats = np.flatnonzero(b.round == last).tolist()
    if opts.advance == 0 or len(heats) == 1:
        return None
    going = []  # (place, key, player)
    for h in heats:
        entries = np.flatnonzero(members.match == h).tolist()
        rows = [
            (key_of(float(progress.value[e]), opts.direction), int(members.player[e]))
            for e in entries
        ]
        finishers = sorted(r for r in rows if r[0] != math.inf)
        for key, player in finishers[: opts.advance]:
            place = 1 + sum(1 for k, _ in finishers if k < key)
            going.append((place, key, player))
    if len(going) < MIN_PLAYERS:
        return None
    ranked = [p for _, _, p in sorted(going)]
    size = opts.heat_size
    count = 1 if size is None or len(ranked) <= size else math.ceil(len(ranked) / size)
    dealt: list[list[int]] = [[] for _ in range(count)]
    forward = True
    for start in range(0, len(ranked), count):
        seats = list(range(count)) if forward else list(range(count - 1, -1, -1))
        for seat, player in zip(seats, ranked[start : start + count], strict=False):
            dealt[seat].append(player)
        forward = not forward
    return dealt


@st.composite
def setups(draw: st.DrawFn, max_players: int = 300) -> tuple[int, HeatsOptions]:
    """A player count and options that :func:`check` accepts."""
    players = draw(st.integers(min_value=2, max_value=max_players))
    heat_size: int | None = draw(st.integers(min_value=2, max_value=13))
    heat_size = None if heat_size == 13 else heat_size  # one heat with everyone
    smallest = int(heat_sizes(players, heat_size).min())
    one_round = smallest == 1 or draw(st.integers(min_value=0, max_value=5)) == 0
    advance = 0 if one_round else draw(st.integers(min_value=1, max_value=smallest - 1))
    opts = HeatsOptions(
        draw(directions),
        heat_size=heat_size,
        attempts=draw(st.integers(min_value=1, max_value=3)),
        aggregate=draw(st.sampled_from(["best", "sum"])),
        advance=advance,
    )
    try:
        check(players, opts)
    except FormatError:
        assert heat_size is not None
        opts = HeatsOptions(
            opts.direction, heat_size, opts.attempts, opts.aggregate, min(advance, heat_size // 2)
        )
    check(players, opts)
    return players, opts


@FAST
@given(setups(), rng_seeds, st.sampled_from([0.0, 0.0, 0.05, 0.3]))
@example((10, HeatsOptions("lower", heat_size=4, advance=2)), 1, 0.0)
@example((2, HeatsOptions("higher", heat_size=2, advance=1)), 2, 0.5)
def test_event_rounds_follow_the_rules(
    setup: tuple[int, HeatsOptions], seed: int, dnf: float
) -> None:
    players, opts = setup
    event = play(players, opts, seed, dnf)
    assert heats_of(event.rounds[0]) == heats_of(first_round(players, opts))
    for r, new in enumerate(event.rounds[1:], start=1):
        before = event.states[r - 1]
        assert new.round.tolist() == [r + 1] * new.match_count
        assert_heat_rows(new)
        assert heats_of(new) == expected_next(before, opts)
        sizes = [len(h) for h in heats_of(new)]
        assert max(sizes) - min(sizes) <= 1
        assert sum(sizes) < sum(len(h) for h in heats_of(event.rounds[r - 1]))
    assert expected_next(event.final, opts) is None
    last_round = event.rounds[-1]
    if opts.advance == 0:
        assert len(event.rounds) == 1
    else:  # the final, unless players not finishing left fewer than 2 to go on
        assert last_round.match_count == 1 or dnf > 0


@FAST
@given(setups(), rng_seeds, st.sampled_from([0.0, 0.05, 0.3]))
def test_event_standings(setup: tuple[int, HeatsOptions], seed: int, dnf: float) -> None:
    players, opts = setup
    event = play(players, opts, seed, dnf)
    progress = event.final
    table = Heats(opts).standings(progress)
    members = progress.bracket.members
    assert members is not None and progress.value is not None
    round_of = progress.bracket.round[members.match]
    place = places(members.match, progress.value, opts.direction)
    sign = 1.0 if opts.direction == "lower" else -1.0

    # round reached, heats won and lost, metrics
    heats_in = np.bincount(members.player, minlength=players)
    assert table.round_reached.tolist() == [
        int(round_of[members.player == p].max()) for p in range(players)
    ]
    assert (table.round_reached == heats_in).all()
    assert (table.wins + table.losses == heats_in).all()
    assert (table.draws == 0).all() and (table.points == 0).all()
    won = (place == 1) & np.isfinite(progress.value)
    assert table.wins.tolist() == np.bincount(members.player[won], minlength=players).tolist()
    last_entry = np.array(
        [np.flatnonzero(members.player == p)[-1] for p in range(players)], dtype=np.int64
    )
    np.testing.assert_array_equal(table.metrics["best_value"], progress.value[last_entry])
    np.testing.assert_array_equal(table.metrics["heat_place"], place[last_entry])

    # rank 1: the winner(s) of the final
    final = np.flatnonzero(progress.bracket.round == progress.bracket.round_count)
    if final.size == 1:
        in_final = members.match == final[0]
        finished = in_final & np.isfinite(progress.value)
        champions = (
            members.player[finished & (place == 1)]
            if finished.any()
            else (members.player[in_final])
        )
        assert set(np.flatnonzero(table.rank == 1).tolist()) == set(champions.tolist())
    assert table.rank.min() == 1

    # a later round ranks above an earlier one
    for r in range(1, progress.bracket.round_count):
        assert (
            table.rank[table.round_reached > r].max() < table.rank[table.round_reached == r].min()
        )

    # in one heat: a strictly better value goes on whenever a worse one does and, where that
    # heat was the last for both, ranks strictly above
    for h in np.unique(members.match).tolist():
        entries = np.flatnonzero(members.match == h)
        for a in entries.tolist():
            for b in entries.tolist():
                va, vb = progress.value[a], progress.value[b]
                better = np.isfinite(va) and (not np.isfinite(vb) or sign * va < sign * vb)
                if not better:
                    continue
                pa, pb = members.player[a], members.player[b]
                if table.round_reached[pb] > round_of[a]:
                    assert table.round_reached[pa] > round_of[a]
                if table.round_reached[pa] == table.round_reached[pb] == round_of[a]:
                    assert table.rank[pa] < table.rank[pb]


def reference_ranks(progress: Progress, opts: HeatsOptions) -> list[int]:
    """The standings rule in plain Python: (later round first, undecided heat / finisher /
    DNF, place, value), competition ranking."""
    members = progress.bracket.members
    assert members is not None and progress.value is not None
    decided_heat = progress.winner_slot != UNDECIDED
    rounds = progress.bracket.round
    keys = []
    for p in range(progress.player_count):
        entries = np.flatnonzero(members.player == p)
        e = int(entries[np.argmax(rounds[members.match[entries]])])
        heat = int(members.match[e])
        if not decided_heat[heat]:
            block: tuple = (0,)
        elif math.isnan(progress.value[e]):
            block = (2,)
        else:
            mates = progress.value[members.match == heat]
            mine = key_of(float(progress.value[e]), opts.direction)
            place = 1 + sum(1 for v in mates.tolist() if key_of(v, opts.direction) < mine)
            block = (1, place, mine)
        keys.append((-int(rounds[heat]), *block))
    return [1 + sum(1 for k in keys if k < mine) for mine in keys]


@FAST
@given(setups(max_players=120), rng_seeds, st.floats(0.0, 1.0), st.sampled_from([0.0, 0.2]))
def test_standings_in_progress_match_the_rule(
    setup: tuple[int, HeatsOptions], seed: int, share: float, dnf: float
) -> None:
    """At any point of an event (some heats of the last round decided), the standings are
    the plain reading of the rule."""
    players, opts = setup
    event = play(players, opts, seed, dnf)
    rng = np.random.default_rng(seed)
    r = int(rng.integers(len(event.rounds)))
    done = event.states[r]
    members = done.bracket.members
    assert members is not None and done.value is not None
    rows = np.flatnonzero(done.bracket.round == r + 1)
    undecided = rows[rng.random(rows.size) >= share]
    racing = np.isin(members.match, undecided)
    winner = done.winner_slot.copy()
    winner[undecided] = UNDECIDED
    value = np.where(racing, NAN, done.value)
    now = Progress(
        done.bracket, done.slots, winner, done.outcome, done.scores, done.ratings, value=value
    )
    table = standings(now, opts)
    assert table.rank.tolist() == reference_ranks(now, opts)
    if undecided.size:  # players still racing share the top place of their round
        shared = table.rank[members.player[racing]]
        assert (shared == 1 + (table.round_reached > r + 1).sum()).all()


def test_standings_by_hand() -> None:
    # 6 players, heats of 3, 1 goes on: heats [0, 3, 4] and [1, 2, 5]
    opts = options("lower", heat_size=3, advance=1)
    progress = Progress.fresh(first_round(6, opts))
    assert heats_of(progress.bracket) == [[0, 3, 4], [1, 2, 5]]
    # heat 1 decided, heat 2 running: its players share 1st; then 4 (10.0), 0 (11.0), 3 DNF
    progress = decided(progress, np.array([0]), np.array([11.0, NAN, 10.0]))
    t = standings(progress, opts)
    assert t.rank.tolist() == [5, 1, 1, 6, 4, 1]
    assert t.wins.tolist() == [0, 0, 0, 0, 1, 0]
    assert t.losses.tolist() == [1, 0, 0, 1, 0, 0]
    np.testing.assert_array_equal(t.metrics["best_value"], [11.0, NAN, NAN, NAN, 10.0, NAN])
    np.testing.assert_array_equal(t.metrics["heat_place"], [2, NAN, NAN, 3, 1, NAN])
    # heat 2: 5 wins in 10.5, 1 and 2 tie in 12.0
    progress = decided(progress, np.array([1]), np.array([12.0, 12.0, 10.5]))
    t = standings(progress, opts)
    # winners by value (4: 10.0, 5: 10.5), 0 (2nd, 11.0), 1 and 2 (2nd, 12.0), 3 DNF
    assert t.rank.tolist() == [3, 4, 4, 6, 1, 2]
    final = next_round(progress, opts)
    assert final is not None
    assert heats_of(final) == [[4, 5]]
    progress = appended(progress, final)
    t = standings(progress, opts)
    assert t.rank.tolist() == [3, 4, 4, 6, 1, 1]  # the finalists share 1st while racing
    assert t.round_reached.tolist() == [1, 1, 1, 1, 2, 2]
    np.testing.assert_array_equal(t.metrics["best_value"], [11.0, 12.0, 12.0, NAN, 10.0, 10.5])
    progress = decided(progress, np.array([2]), np.array([9.9, 9.8]))
    t = standings(progress, opts)
    assert t.rank.tolist() == [3, 4, 4, 6, 2, 1]
    assert t.wins.tolist() == [0, 0, 0, 0, 1, 2]
    assert next_round(progress, opts) is None


def test_cut_ties_go_to_the_better_seed() -> None:
    opts = options("higher", heat_size=4, advance=2)
    progress = Progress.fresh(first_round(8, opts))
    assert heats_of(progress.bracket) == [[0, 3, 4, 7], [1, 2, 5, 6]]
    # heat 1: 7 wins, 0 / 3 / 4 tie for 2nd: seed 1 (index 0) goes on; heat 2: two DNFs
    progress = decided(progress, np.array([0, 1]), np.array([5.0, 5.0, 5.0, 6.0, NAN, 1, 2, NAN]))
    final = next_round(progress, opts)
    assert final is not None
    # ranked: place 1 (7: 6.0, 5: 2.0), place 2 (0: 5.0, 2: 1.0)
    assert heats_of(final) == [[7, 5, 0, 2]]
    t = standings(progress, opts)
    assert t.rank.tolist() == [3, 7, 6, 3, 3, 2, 7, 1]  # the two DNFs share 7th


def test_too_few_finishers_end_the_event() -> None:
    opts = options(heat_size=2, advance=1)
    progress = Progress.fresh(first_round(4, opts))
    progress = decided(progress, np.array([0, 1]), np.array([NAN, NAN, 3.0, NAN]))
    assert next_round(progress, opts) is None


def test_next_round_waits_for_every_heat() -> None:
    opts = options(heat_size=2, advance=1)
    progress = Progress.fresh(first_round(4, opts))
    progress = decided(progress, np.array([0]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="every heat"):
        next_round(progress, opts)


def test_then_shifts_members() -> None:
    opts = options(heat_size=4, advance=2)
    event = play(10, opts, seed=3)
    b = event.final.bracket
    assert b.members is not None
    first = event.rounds[0].match_count
    second = event.rounds[1]
    assert second.members is not None
    stop = first + second.match_count
    later = b.members.match[(b.members.match >= first) & (b.members.match < stop)]
    assert later.tolist() == (second.members.match + first).tolist()
    assert (b.round[later] == 2).all()
    assert (b.round[b.members.match] == 2).sum() == second.members.size


@FAST
@given(setups(max_players=150), rng_seeds)
def test_deterministic(setup: tuple[int, HeatsOptions], seed: int) -> None:
    players, opts = setup
    one, two = play(players, opts, seed, 0.1), play(players, opts, seed, 0.1)
    assert len(one.rounds) == len(two.rounds)
    for a, b in zip(one.rounds, two.rounds, strict=True):
        assert heats_of(a) == heats_of(b)
    t1, t2 = standings(one.final, opts), standings(two.final, opts)
    assert t1.rank.tolist() == t2.rank.tolist()


def test_format_interface() -> None:
    opts = options(heat_size=4, advance=2)
    fmt = Heats(opts)
    assert fmt.name == "heats" and fmt.grows and not fmt.allows_draws(1)
    assert not Heats(options()).grows
    with pytest.raises(FormatError):
        fmt.check(1)
    fmt.check(10)
    start = fmt.start(10)
    assert heats_of(start) == heats_of(first_round(10, opts))
    event = play(10, opts, seed=4)
    progress = event.final
    b = progress.bracket
    assert fmt.extend(progress) is None
    assert fmt.appended_after(progress, 0).tolist() == np.flatnonzero(b.round > 1).tolist()
    last = b.match_count - 1
    assert fmt.appended_after(progress, last).size == 0
    assert fmt.standings(progress).rank.tolist() == standings(progress, opts).rank.tolist()


# --- scale ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_million_players() -> None:
    players, opts = 1_000_000, options(heat_size=8, advance=2)
    check(players, opts)
    rng = np.random.default_rng(11)
    new: Bracket | None = first_round(players, opts)
    assert new is not None and new.match_count == 125_000
    assert new.members is not None
    assert (np.bincount(new.members.player, minlength=players) == 1).all()
    assert (np.bincount(new.members.match) == 8).all()
    progress = Progress.fresh(new)
    field_size = players
    while new is not None:
        last = np.flatnonzero(progress.bracket.round == progress.bracket.round_count)
        progress = decided(progress, last, rng.normal(60.0, 1.0, new.members.size).round(2))
        new = next_round(progress, opts)
        if new is not None:
            assert new.members is not None
            going = new.members.size
            assert going == 2 * heat_count(field_size, 8)
            assert np.unique(new.members.player).size == going
            sizes = np.bincount(new.members.match)
            assert sizes.max() - sizes.min() <= 1 and sizes.max() <= 8
            field_size = going
            progress = appended(progress, new)
    assert progress.bracket.round_count == 10
    table = standings(progress, opts)
    assert (table.rank == 1).sum() == 1
    assert table.rank.max() <= players
