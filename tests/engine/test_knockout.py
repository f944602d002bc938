"""Single-elimination generation: entrants, byes, links and round shapes."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats.knockout import (
    THIRD_PLACE_MIN_PLAYERS,
    KnockoutOptions,
    generate,
    match_count,
)
from bracketry.engine.model import NO_MATCH, NO_PLAYER, Side, side_code
from bracketry.engine.play import UNDECIDED, initial_winner_slot
from bracketry.engine.seeding import bracket_order, bracket_size

FAST = settings(max_examples=60, deadline=None)

player_counts = st.integers(min_value=2, max_value=4096)
third_place_flags = st.booleans()

MAIN = side_code(Side.MAIN)
THIRD = side_code(Side.THIRD_PLACE)


def has_third(players: int, third_place: bool) -> bool:
    return third_place and players >= THIRD_PLACE_MIN_PLAYERS


def first_round(bracket: Bracket) -> np.ndarray:
    return np.flatnonzero((bracket.round == 1) & (bracket.side == MAIN))


# --- reference values -------------------------------------------------------------------


def test_generate_8_reference() -> None:
    b = generate(8)
    assert b.entrants[:4].tolist() == [[0, 7], [3, 4], [1, 6], [2, 5]]
    assert b.match_count == 8
    assert b.round_count == 3
    assert not b.bye.any()
    assert b.round.tolist() == [1, 1, 1, 1, 2, 2, 3, 3]
    assert b.side.tolist() == [MAIN] * 7 + [THIRD]
    assert b.winner_to.tolist() == [4, 4, 5, 5, 6, 6, NO_MATCH, NO_MATCH]
    assert b.winner_slot[:6].tolist() == [0, 1, 0, 1, 0, 1]
    assert b.loser_to.tolist() == [NO_MATCH] * 4 + [7, 7] + [NO_MATCH] * 2
    assert b.loser_slot[4:6].tolist() == [0, 1]


def test_generate_5_byes_go_to_seeds_1_2_3() -> None:
    b = generate(5)
    assert b.match_count == 8  # 7 main (3 of them byes) + third place
    first = first_round(b)
    assert first.size == 4
    bye_players = sorted(int(b.entrants[m].max()) for m in first if b.bye[m])
    assert bye_players == [0, 1, 2]  # seeds 1, 2, 3
    assert int(b.bye.sum()) == 3
    # the only first-round match actually played is seed 4 against seed 5
    played = [b.entrants[m].tolist() for m in first if not b.bye[m]]
    assert played == [[3, 4]]
    # bye players already stand in round 2
    second = np.flatnonzero(b.round == 2)
    in_second = sorted(int(p) for p in b.entrants[second].ravel() if p != NO_PLAYER)
    assert in_second == [0, 1, 2]
    assert initial_winner_slot(b).tolist() == [0, UNDECIDED, 0, 0] + [UNDECIDED] * 4


def test_generate_3_has_one_bye_and_no_third_place() -> None:
    b = generate(3)
    assert b.match_count == 3
    assert b.entrants.tolist() == [[0, NO_PLAYER], [1, 2], [0, NO_PLAYER]]
    assert b.bye.tolist() == [True, False, False]
    assert (b.side == MAIN).all()
    assert (b.loser_to == NO_MATCH).all()


def test_generate_2_is_a_single_final() -> None:
    b = generate(2)
    assert b.match_count == 1
    assert b.entrants.tolist() == [[0, 1]]
    assert b.winner_to.tolist() == [NO_MATCH]
    assert b.loser_to.tolist() == [NO_MATCH]
    assert b.round_count == 1


def test_generate_4_without_third_place() -> None:
    b = generate(4, KnockoutOptions(third_place=False))
    assert b.match_count == 3
    assert (b.side == MAIN).all()
    assert (b.loser_to == NO_MATCH).all()


def test_generate_1024_reference() -> None:
    b = generate(1024)
    assert b.match_count == 1024
    assert b.round_count == 10
    main = b.side == MAIN
    counts = [int(((b.round == r) & main).sum()) for r in range(1, 11)]
    assert counts == [512, 256, 128, 64, 32, 16, 8, 4, 2, 1]
    assert int((b.side == THIRD).sum()) == 1
    assert not b.bye.any()
    assert b.entrants[:512].ravel().tolist() == (bracket_order(1024) - 1).tolist()


@pytest.mark.parametrize("players", [0, 1, -5])
def test_generate_rejects_fewer_than_two_players(players: int) -> None:
    with pytest.raises(ValueError):
        generate(players)


@pytest.mark.parametrize(
    ("players", "third_place", "expected"),
    [
        (2, True, 1),
        (3, True, 3),
        (4, True, 4),
        (4, False, 3),
        (5, True, 8),
        (1000, True, 1024),
        (1024, True, 1024),
        (1024, False, 1023),
        (1025, True, 2048),
    ],
)
def test_match_count_reference(players: int, third_place: bool, expected: int) -> None:
    assert match_count(players, third_place) == expected


# --- properties -------------------------------------------------------------------------


@FAST
@given(player_counts, third_place_flags)
def test_match_count_formula(players: int, third_place: bool) -> None:
    b = generate(players, KnockoutOptions(third_place=third_place))
    extra = int(has_third(players, third_place))
    assert b.match_count == bracket_size(players) - 1 + extra
    assert b.match_count == match_count(players, third_place)
    # every array has one entry per match
    for name in ("round", "number", "side", "winner_to", "winner_slot", "loser_to", "loser_slot"):
        assert getattr(b, name).shape == (b.match_count,), name
    assert b.entrants.shape == (b.match_count, 2)
    assert b.bye.shape == (b.match_count,)
    assert b.player_count == players
    # non-bye matches are exactly the ones that will be played
    assert int((~b.bye).sum()) == players - 1 + extra


@FAST
@given(player_counts, third_place_flags)
def test_every_player_enters_the_first_round_once(players: int, third_place: bool) -> None:
    b = generate(players, KnockoutOptions(third_place=third_place))
    first = first_round(b)
    assert first.size == bracket_size(players) // 2
    entrants = b.entrants[first].ravel()
    present = entrants[entrants != NO_PLAYER]
    assert sorted(present.tolist()) == list(range(players))
    # the first round follows the standard bracket order (player index = seed - 1)
    order = bracket_order(bracket_size(players)) - 1
    expected = np.where(order < players, order, NO_PLAYER)
    assert entrants.tolist() == expected.tolist()


@FAST
@given(player_counts, third_place_flags)
def test_byes_only_in_round_one_and_to_top_seeds(players: int, third_place: bool) -> None:
    b = generate(players, KnockoutOptions(third_place=third_place))
    byes = bracket_size(players) - players
    assert int(b.bye.sum()) == byes
    assert (b.round[b.bye] == 1).all()
    assert (b.side[b.bye] == MAIN).all()
    bye_matches = np.flatnonzero(b.bye)
    # a bye has exactly one participant: a top seed, in slot A
    assert (b.entrants[bye_matches, 1] == NO_PLAYER).all()
    assert sorted(b.entrants[bye_matches, 0].tolist()) == list(range(byes))
    # no first-round match is empty, no non-bye first-round match lacks a player
    first = first_round(b)
    real = first[~b.bye[first]]
    assert (b.entrants[real] != NO_PLAYER).all()
    # each bye player already stands in the match its bye feeds, in the right slot
    targets = b.winner_to[bye_matches]
    if byes:
        assert (targets != NO_MATCH).all()
        placed = b.entrants[targets, b.winner_slot[bye_matches]]
        assert placed.tolist() == b.entrants[bye_matches, 0].tolist()
    # later rounds hold only players who came through byes
    later = b.round > 1
    pre = b.entrants[later]
    assert sorted(pre[pre != NO_PLAYER].tolist()) == sorted(b.entrants[bye_matches, 0].tolist())
    # initial winner slots: byes decided for slot A, everything else undecided
    won = initial_winner_slot(b)
    assert (won[b.bye] == 0).all()
    assert (won[~b.bye] == UNDECIDED).all()


@FAST
@given(player_counts, third_place_flags)
def test_round_shapes_and_unique_numbers(players: int, third_place: bool) -> None:
    b = generate(players, KnockoutOptions(third_place=third_place))
    size = bracket_size(players)
    rounds = size.bit_length() - 1
    assert b.round_count == rounds
    main = b.side == MAIN
    for r in range(1, rounds + 1):
        in_round = np.flatnonzero(main & (b.round == r))
        assert in_round.size == 1 << (rounds - r)
        assert sorted(b.number[in_round].tolist()) == list(range(1, in_round.size + 1))
    keys = list(zip(b.side.tolist(), b.round.tolist(), b.number.tolist(), strict=True))
    assert len(set(keys)) == len(keys)
    third = np.flatnonzero(b.side == THIRD)
    assert third.size == int(has_third(players, third_place))
    if third.size:
        assert b.round[third].tolist() == [rounds]
        assert b.number[third].tolist() == [1]
    assert set(b.side.tolist()) <= {MAIN, THIRD}


@FAST
@given(player_counts, third_place_flags)
def test_winner_links_form_a_tree_ending_in_the_final(players: int, third_place: bool) -> None:
    b = generate(players, KnockoutOptions(third_place=third_place))
    rounds = b.round_count
    main = np.flatnonzero(b.side == MAIN)
    finals = [int(m) for m in main if b.round[m] == rounds]
    assert len(finals) == 1
    final = finals[0]
    assert b.winner_to[final] == NO_MATCH
    assert b.loser_to[final] == NO_MATCH

    feeders: dict[int, list[int]] = {}
    for m in main.tolist():
        target = int(b.winner_to[m])
        if m == final:
            continue
        # winners go to a main match of the next round, never sideways or backwards
        assert target != NO_MATCH
        assert b.side[target] == MAIN
        assert b.round[target] == b.round[m] + 1
        feeders.setdefault(target, []).append(m)

    # each non-first-round main match has exactly two feeders, in slots 0 and 1,
    # and the two feeders are adjacent matches of the previous round
    for m in main.tolist():
        if b.round[m] == 1:
            assert m not in feeders
            continue
        feed = sorted(feeders.get(m, []))
        assert len(feed) == 2, (m, feed)
        assert sorted(int(b.winner_slot[f]) for f in feed) == [0, 1]
        numbers = sorted(int(b.number[f]) for f in feed)
        assert numbers[1] == numbers[0] + 1
        assert numbers[0] % 2 == 1
        assert (numbers[1] + 1) // 2 == b.number[m]

    # every main match has exactly one path to the final (the walk terminates there)
    for m in main.tolist():
        steps, at = 0, m
        while at != final:
            at = int(b.winner_to[at])
            steps += 1
            assert steps <= rounds
        assert steps == rounds - b.round[m]


@FAST
@given(player_counts, third_place_flags)
def test_loser_links_feed_only_the_third_place_match(players: int, third_place: bool) -> None:
    b = generate(players, KnockoutOptions(third_place=third_place))
    rounds = b.round_count
    third = np.flatnonzero(b.side == THIRD)
    fed = np.flatnonzero(b.loser_to != NO_MATCH)
    if not has_third(players, third_place):
        assert fed.size == 0
        return
    (third_match,) = third.tolist()
    semis = np.flatnonzero((b.side == MAIN) & (b.round == rounds - 1))
    assert semis.size == 2
    assert fed.tolist() == semis.tolist()
    assert (b.loser_to[semis] == third_match).all()
    assert sorted(b.loser_slot[semis].tolist()) == [0, 1]
    # the third-place match leads nowhere and starts empty
    assert b.winner_to[third_match] == NO_MATCH
    assert b.loser_to[third_match] == NO_MATCH
    assert (b.entrants[third_match] == NO_PLAYER).all()
    assert not b.bye[third_match]
    # nothing sends a winner to the third-place match
    assert not (b.winner_to == third_match).any()


@FAST
@given(player_counts)
def test_bracket_is_independent_of_the_option_except_for_the_third_place(players: int) -> None:
    with_third = generate(players, KnockoutOptions(third_place=True))
    without = generate(players, KnockoutOptions(third_place=False))
    main = without.match_count
    assert np.array_equal(with_third.entrants[:main], without.entrants)
    assert np.array_equal(with_third.winner_to[:main], without.winner_to)
    assert np.array_equal(with_third.round[:main], without.round)
    assert generate(players).match_count == with_third.match_count
    counts = Counter(without.round.tolist())
    assert sum(counts.values()) == bracket_size(players) - 1
