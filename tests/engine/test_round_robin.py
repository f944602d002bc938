"""Round robin by the circle (Berger) method: FIDE tables, pairs, rounds, byes, colours."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bracketry.engine.formats.round_robin import (
    MIN_PLAYERS,
    RoundRobinOptions,
    Schedule,
    berger_pairings,
    generate,
    match_count,
    round_count,
)
from bracketry.engine.model import NO_PLAYER

FAST = settings(max_examples=60, deadline=None)

player_counts = st.integers(min_value=MIN_PLAYERS, max_value=200)
double_flags = st.booleans()

# FIDE Berger tables (Handbook, general rules for competitions), players 1..n, white first.
FIDE_4 = ["1-4 2-3", "4-3 1-2", "2-4 3-1"]
FIDE_6 = ["1-6 2-5 3-4", "6-4 5-3 1-2", "2-6 3-1 4-5", "6-5 1-4 2-3", "3-6 4-2 5-1"]
FIDE_8 = [
    "1-8 2-7 3-6 4-5",
    "8-5 6-4 7-3 1-2",
    "2-8 3-1 4-7 5-6",
    "8-6 7-5 1-4 2-3",
    "3-8 4-2 5-1 6-7",
    "8-7 1-6 2-5 3-4",
    "4-8 5-3 6-2 7-1",
]
FIDE_10 = [
    "1-10 2-9 3-8 4-7 5-6",
    "10-6 7-5 8-4 9-3 1-2",
    "2-10 3-1 4-9 5-8 6-7",
    "10-7 8-6 9-5 1-4 2-3",
    "3-10 4-2 5-1 6-9 7-8",
    "10-8 9-7 1-6 2-5 3-4",
    "4-10 5-3 6-2 7-1 8-9",
    "10-9 1-8 2-7 3-6 4-5",
    "5-10 6-4 7-3 8-2 9-1",
]


def table(players: int) -> list[str]:
    """The Berger table written as in the FIDE Handbook (1-based, the dummy as N + 1)."""
    pairs = np.where(berger_pairings(players) == NO_PLAYER, players, berger_pairings(players))
    return [" ".join(f"{h + 1}-{a + 1}" for h, a in board) for board in pairs.tolist()]


def schedule_table(schedule: Schedule) -> list[str]:
    """The matches of ``schedule`` round by round, in board order, 1-based."""
    rows = []
    for r in range(1, schedule.round_count + 1):
        at = np.flatnonzero(schedule.round == r)
        at = at[np.argsort(schedule.number[at], kind="stable")]
        rows.append(" ".join(f"{schedule.home[m] + 1}-{schedule.away[m] + 1}" for m in at))
    return rows


def single_rounds(players: int) -> int:
    return players - 1 if players % 2 == 0 else players


# --- reference values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("players", "expected"), [(4, FIDE_4), (6, FIDE_6), (8, FIDE_8), (10, FIDE_10)]
)
def test_berger_matches_the_fide_tables(players: int, expected: list[str]) -> None:
    assert table(players) == expected
    assert schedule_table(generate(players)) == expected


@pytest.mark.parametrize(("players", "expected"), [(3, FIDE_4), (5, FIDE_6), (7, FIDE_8)])
def test_odd_players_use_the_next_table_with_the_highest_number_as_bye(
    players: int, expected: list[str]
) -> None:
    assert table(players) == expected
    s = generate(players)
    dummy = str(players + 1)
    played = [" ".join(p for p in row.split() if dummy not in p.split("-")) for row in expected]
    assert schedule_table(s) == played
    byes = [next(p for p in row.split() if dummy in p.split("-")) for row in expected]
    expected_byes = [int(next(x for x in p.split("-") if x != dummy)) - 1 for p in byes]
    assert s.bye_player.tolist() == expected_byes
    assert s.bye_round.tolist() == list(range(1, players + 1))


def test_generate_8_first_round() -> None:
    s = generate(8)
    first = s.round == 1
    assert s.home[first].tolist() == [0, 1, 2, 3]
    assert s.away[first].tolist() == [7, 6, 5, 4]
    assert s.number[first].tolist() == [1, 2, 3, 4]


def test_generate_4_arrays() -> None:
    s = generate(4)
    assert s.round.tolist() == [1, 1, 2, 2, 3, 3]
    assert s.number.tolist() == [1, 2, 1, 2, 1, 2]
    assert s.home.tolist() == [0, 1, 3, 0, 1, 2]
    assert s.away.tolist() == [3, 2, 2, 1, 3, 0]
    assert s.bye_round.size == 0
    assert s.bye_player.size == 0
    assert (s.player_count, s.match_count, s.round_count) == (4, 6, 3)
    assert s.round.dtype == np.int16
    assert s.number.dtype == np.int32
    assert s.home.dtype == np.int32
    assert s.away.dtype == np.int32


def test_berger_pairings_shape_and_bye_side() -> None:
    assert berger_pairings(2).tolist() == [[[0, 1]]]
    p = berger_pairings(5)
    assert p.shape == (5, 3, 2)
    # the dummy (player 6 in the table) sits on board 1, black in odd rounds, white in even
    assert (p[0::2, 0, 1] == NO_PLAYER).all()
    assert (p[1::2, 0, 0] == NO_PLAYER).all()
    assert int((p == NO_PLAYER).sum()) == 5


def test_double_repeats_with_colours_swapped() -> None:
    s = generate(6, RoundRobinOptions(double=True))
    rows = schedule_table(s)
    assert rows[:5] == FIDE_6
    swapped = [" ".join("-".join(p.split("-")[::-1]) for p in row.split()) for row in FIDE_6]
    assert rows[5:] == swapped
    assert s.round_count == 10
    assert s.match_count == 30


def test_double_odd_gives_each_player_two_byes() -> None:
    s = generate(3, RoundRobinOptions(double=True))
    assert s.bye_round.tolist() == [1, 2, 3, 4, 5, 6]
    assert s.bye_player.tolist() == [0, 2, 1, 0, 2, 1]


@pytest.mark.parametrize("players", [0, 1, -3])
def test_rejects_fewer_than_two_players(players: int) -> None:
    with pytest.raises(ValueError):
        generate(players)
    with pytest.raises(ValueError):
        berger_pairings(players)


@pytest.mark.parametrize(
    ("players", "double", "expected"),
    [
        (2, False, 1),
        (3, False, 3),
        (4, False, 6),
        (7, False, 21),
        (8, True, 56),
        (2000, True, 3998000),
    ],
)
def test_match_count_reference(players: int, double: bool, expected: int) -> None:
    assert match_count(players, double) == expected


def test_large_double_round_robin_counts() -> None:
    players = 2000
    s = generate(players, RoundRobinOptions(double=True))
    assert s.match_count == match_count(players, double=True) == 3_998_000
    assert s.round_count == 2 * (players - 1)
    assert s.bye_round.size == 0
    per_round = np.bincount(s.round, minlength=s.round_count + 1)[1:]
    assert (per_round == players // 2).all()
    games = np.bincount(s.home, minlength=players) + np.bincount(s.away, minlength=players)
    assert (games == 2 * (players - 1)).all()
    # every ordered (home, away) pair occurs once: each pair meets twice, colours swapped
    ordered = np.bincount(s.home.astype(np.int64) * players + s.away, minlength=players**2)
    assert np.array_equal(ordered.reshape(players, players), 1 - np.eye(players, dtype=np.int64))


def test_large_odd_double_round_robin_counts() -> None:
    players = 1999
    s = generate(players, RoundRobinOptions(double=True))
    assert s.match_count == match_count(players, double=True)
    assert s.round_count == 2 * players
    assert (np.bincount(s.bye_player, minlength=players) == 2).all()
    assert np.array_equal(s.bye_round, np.arange(1, 2 * players + 1))


# --- properties -------------------------------------------------------------------------


@FAST
@given(player_counts, double_flags)
def test_every_pair_meets_once_per_cycle(players: int, double: bool) -> None:
    s = generate(players, RoundRobinOptions(double=double))
    cycles = 2 if double else 1
    assert s.match_count == match_count(players, double)
    assert s.player_count == players
    for name in ("round", "number", "home", "away"):
        assert getattr(s, name).shape == (s.match_count,), name
    assert s.home.min() >= 0 and s.away.min() >= 0
    assert max(s.home.max(), s.away.max()) < players
    assert (s.home != s.away).all()
    low = np.minimum(s.home, s.away).astype(np.int64)
    high = np.maximum(s.home, s.away).astype(np.int64)
    _, counts = np.unique(low * players + high, return_counts=True)
    assert counts.size == players * (players - 1) // 2
    assert (counts == cycles).all()
    if double:
        half = s.round <= round_count(players)
        assert half.sum() == s.match_count // 2
        first = s.home[half].astype(np.int64) * players + s.away[half]
        second = s.away[~half].astype(np.int64) * players + s.home[~half]
        # the second cycle is the first, match by match, with home and away swapped
        assert np.array_equal(first, second)
        assert np.array_equal(s.number[half], s.number[~half])
        assert np.array_equal(s.round[half] + round_count(players), s.round[~half])


@FAST
@given(player_counts, double_flags)
def test_rounds_and_one_game_per_player_per_round(players: int, double: bool) -> None:
    s = generate(players, RoundRobinOptions(double=double))
    rounds = single_rounds(players) * (2 if double else 1)
    assert s.round_count == rounds == round_count(players, double)
    assert s.round.min() == 1
    assert s.round.max() == rounds
    # a player appears at most once per round (byes included)
    seen = np.concatenate([s.round, s.round, s.bye_round]).astype(np.int64) * players
    seen += np.concatenate([s.home, s.away, s.bye_player])
    assert np.unique(seen).size == seen.size
    # every player plays or has a bye in every round
    assert seen.size == rounds * players
    # matches are numbered 1..k within each round, k = N // 2, in round order
    per_round = np.bincount(s.round, minlength=rounds + 1)[1:]
    assert (per_round == players // 2).all()
    assert (np.diff(s.round) >= 0).all()
    starts = np.concatenate([[0], np.cumsum(per_round)[:-1]])
    expected = np.arange(s.match_count) - np.repeat(starts, per_round) + 1
    assert np.array_equal(s.number, expected)


@FAST
@given(player_counts, double_flags)
def test_byes_only_for_odd_players_one_per_round(players: int, double: bool) -> None:
    s = generate(players, RoundRobinOptions(double=double))
    cycles = 2 if double else 1
    if players % 2 == 0:
        assert s.bye_round.size == s.bye_player.size == 0
        return
    assert np.array_equal(s.bye_round, np.arange(1, s.round_count + 1, dtype=np.int16))
    assert (np.bincount(s.bye_player, minlength=players) == cycles).all()
    # a bye is not a match: the bye player is absent from that round's matches
    key = s.round.astype(np.int64) * players
    played = np.concatenate([key + s.home, key + s.away])
    byes = s.bye_round.astype(np.int64) * players + s.bye_player
    assert not np.isin(byes, played).any()


@FAST
@given(player_counts)
def test_home_and_away_balance(players: int) -> None:
    s = generate(players)
    home = np.bincount(s.home, minlength=players)
    away = np.bincount(s.away, minlength=players)
    assert (np.abs(home - away) <= 1).all()
    if players % 2:
        assert (home == away).all()
    double = generate(players, RoundRobinOptions(double=True))
    home2 = np.bincount(double.home, minlength=players)
    assert (home2 == players - 1).all()


@FAST
@given(player_counts.filter(lambda n: n % 2 == 0))
def test_no_colour_three_times_running(players: int) -> None:
    s = generate(players)
    rounds = s.round_count
    colour = np.zeros((players, rounds), dtype=np.int8)
    colour[s.home, s.round - 1] = 1
    colour[s.away, s.round - 1] = -1
    assert (colour != 0).all()
    if rounds >= 3:
        run = colour[:, :-2] + colour[:, 1:-1] + colour[:, 2:]
        assert (np.abs(run) < 3).all()


@FAST
@given(player_counts)
def test_berger_pairings_cover_every_player_each_round(players: int) -> None:
    p = berger_pairings(players)
    size = players + players % 2
    assert p.shape == (size - 1, size // 2, 2)
    expected = list(range(players)) + [NO_PLAYER] * (players % 2)
    for board in p:
        assert sorted(board.ravel().tolist()) == sorted(expected)
