"""Seeding: the standard bracket order and the assignment of seeds 1..N."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bracketry.engine.seeding import (
    NO_SEED,
    SeedingError,
    assign_seeds,
    bracket_order,
    bracket_size,
)

FAST = settings(max_examples=60, deadline=None)

exponents = st.integers(min_value=0, max_value=12)


# --- reference values -------------------------------------------------------------------


def test_bracket_order_8_reference() -> None:
    assert bracket_order(8).tolist() == [1, 8, 4, 5, 2, 7, 3, 6]


def test_bracket_order_16_reference() -> None:
    assert bracket_order(16).tolist() == [1, 16, 8, 9, 4, 13, 5, 12, 2, 15, 7, 10, 3, 14, 6, 11]


def test_bracket_order_small_sizes() -> None:
    assert bracket_order(1).tolist() == [1]
    assert bracket_order(2).tolist() == [1, 2]
    assert bracket_order(4).tolist() == [1, 4, 2, 3]


@pytest.mark.parametrize("size", [0, -4, 3, 6, 12, 1000])
def test_bracket_order_rejects_non_powers_of_two(size: int) -> None:
    with pytest.raises(ValueError):
        bracket_order(size)


@pytest.mark.parametrize(
    ("players", "size"),
    [(2, 2), (3, 4), (4, 4), (5, 8), (8, 8), (9, 16), (1000, 1024), (1024, 1024), (1025, 2048)],
)
def test_bracket_size_reference(players: int, size: int) -> None:
    assert bracket_size(players) == size


@pytest.mark.parametrize("players", [1, 0, -3])
def test_bracket_size_needs_two_players(players: int) -> None:
    with pytest.raises(ValueError):
        bracket_size(players)


# --- bracket_order properties -----------------------------------------------------------


@FAST
@given(st.integers(min_value=2, max_value=100_000))
def test_bracket_size_is_smallest_power_of_two(players: int) -> None:
    size = bracket_size(players)
    assert size & (size - 1) == 0
    assert size >= players
    assert size // 2 < players


@FAST
@given(exponents)
def test_bracket_order_is_a_permutation(k: int) -> None:
    size = 1 << k
    order = bracket_order(size)
    assert order.shape == (size,)
    assert sorted(order.tolist()) == list(range(1, size + 1))


@FAST
@given(st.integers(min_value=1, max_value=12))
def test_first_round_pairs_sum_to_size_plus_one(k: int) -> None:
    size = 1 << k
    pairs = bracket_order(size).reshape(-1, 2)
    assert (pairs.sum(axis=1) == size + 1).all()
    # the better seed sits in slot A
    assert (pairs[:, 0] < pairs[:, 1]).all()


@FAST
@given(st.integers(min_value=1, max_value=12))
def test_seed_s_meets_only_mirror_seed_when_better_seed_wins(k: int) -> None:
    """With 2**j players left, seed s can only meet seed 2**j + 1 - s."""
    size = 1 << k
    alive = bracket_order(size).tolist()
    while len(alive) > 1:
        left = len(alive)
        pairs = [(alive[i], alive[i + 1]) for i in range(0, left, 2)]
        for a, b in pairs:
            assert a + b == left + 1, (left, a, b)
        alive = [min(a, b) for a, b in pairs]
        # the survivors are exactly the top half of the seeds
        assert sorted(alive) == list(range(1, left // 2 + 1))
    assert alive == [1]


@FAST
@given(st.integers(min_value=1, max_value=12))
def test_top_seeds_are_spread_over_halves_and_quarters(k: int) -> None:
    size = 1 << k
    order = bracket_order(size)
    position = np.empty(size + 1, dtype=np.int64)
    position[order] = np.arange(size)
    # seeds 1 and 2 are in different halves
    half = size // 2
    assert position[1] // half != position[2] // half
    if size >= 4:
        quarter = size // 4
        quarters = {int(position[s]) // quarter for s in (1, 2, 3, 4)}
        assert quarters == {0, 1, 2, 3}
    if size >= 8:
        eighth = size // 8
        eighths = {int(position[s]) // eighth for s in range(1, 9)}
        assert eighths == set(range(8))


@FAST
@given(st.integers(min_value=1, max_value=12))
def test_bracket_order_nests(k: int) -> None:
    """Each block of 2**j consecutive slots holds exactly one of the top 2**(k-j) seeds."""
    size = 1 << k
    order = bracket_order(size)
    for j in range(k + 1):
        blocks = order.reshape(-1, 1 << j)
        top = size >> j
        assert ((blocks <= top).sum(axis=1) == 1).all()


# --- assign_seeds -----------------------------------------------------------------------


def test_assign_seeds_reference() -> None:
    seeds = assign_seeds(np.array([0, 0, 1, 0]), np.array([1500.0, 1700.0, 1200.0, np.nan]))
    assert seeds.tolist() == [3, 2, 1, 4]


def test_assign_seeds_ties_and_unrated_in_enrollment_order() -> None:
    ratings = np.array([np.nan, 1500.0, np.nan, 1500.0, 1600.0, np.nan])
    seeds = assign_seeds(np.zeros(6, dtype=np.int64), ratings)
    assert seeds.tolist() == [4, 2, 5, 3, 1, 6]


def test_assign_seeds_all_explicit() -> None:
    requested = np.array([3, 1, 2])
    assert assign_seeds(requested, np.array([np.nan, 1.0, 2.0])).tolist() == [3, 1, 2]


def test_assign_seeds_negative_and_zero_ratings_rank_above_unrated() -> None:
    seeds = assign_seeds(np.zeros(3, dtype=np.int64), np.array([np.nan, -100.0, 0.0]))
    assert seeds.tolist() == [3, 2, 1]


@pytest.mark.parametrize(
    "requested",
    [[1, 1, 0], [2, 0, 2], [0, 3, 3, 0], [4, 0, 0], [-1, 0, 0], [0, 0, 99]],
)
def test_assign_seeds_rejects_bad_requests(requested: list[int]) -> None:
    with pytest.raises(SeedingError) as info:
        assign_seeds(np.array(requested), np.full(len(requested), np.nan))
    assert info.value.field == "seed"
    assert isinstance(info.value, ValueError)


rating_values = st.one_of(
    st.just(float("nan")),
    st.sampled_from([1200.0, 1500.0, 1800.0]),  # plenty of ties
    st.floats(min_value=0.0, max_value=3000.0, allow_nan=False),
)


@st.composite
def seeding_inputs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    count = draw(st.integers(min_value=1, max_value=64))
    ratings = np.array(draw(st.lists(rating_values, min_size=count, max_size=count)))
    explicit = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    chosen_seeds = draw(st.permutations(range(1, count + 1)))
    requested = np.array(
        [seed if flag else NO_SEED for seed, flag in zip(chosen_seeds, explicit, strict=True)],
        dtype=np.int64,
    )
    return requested, ratings


@FAST
@given(seeding_inputs())
def test_assign_seeds_properties(inputs: tuple[np.ndarray, np.ndarray]) -> None:
    requested, ratings = inputs
    count = requested.size
    requested_before, ratings_before = requested.copy(), ratings.copy()
    seeds = assign_seeds(requested, ratings)
    # a permutation of 1..N
    assert sorted(seeds.tolist()) == list(range(1, count + 1))
    # explicit seeds kept
    explicit = requested != NO_SEED
    assert (seeds[explicit] == requested[explicit]).all()
    # the rest: rating desc, unrated last, ties by enrollment order
    free = np.flatnonzero(~explicit).tolist()

    def rule(player: int) -> tuple[bool, float, int]:
        rating = float(ratings[player])
        unrated = bool(np.isnan(rating))
        return (unrated, 0.0 if unrated else -rating, player)

    expected_order = sorted(free, key=rule)
    actual_order = sorted(free, key=lambda p: int(seeds[p]))
    assert actual_order == expected_order
    # inputs are not modified
    assert np.array_equal(requested, requested_before)
    assert np.array_equal(ratings, ratings_before, equal_nan=True)


@FAST
@given(
    st.integers(min_value=2, max_value=40),
    st.data(),
)
def test_assign_seeds_duplicate_or_out_of_range_raises(count: int, data: st.DataObject) -> None:
    requested = np.zeros(count, dtype=np.int64)
    kind = data.draw(st.sampled_from(["duplicate", "too_high", "negative"]))
    if kind == "duplicate":
        i, j = data.draw(st.lists(st.integers(0, count - 1), min_size=2, max_size=2, unique=True))
        requested[i] = requested[j] = data.draw(st.integers(1, count))
    elif kind == "too_high":
        i = data.draw(st.integers(0, count - 1))
        requested[i] = data.draw(st.integers(count + 1, count + 1000))
    else:
        i = data.draw(st.integers(0, count - 1))
        requested[i] = data.draw(st.integers(-1000, -1))
    with pytest.raises(SeedingError) as info:
        assign_seeds(requested, np.full(count, 1500.0))
    assert info.value.field == "seed"
