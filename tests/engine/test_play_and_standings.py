"""Playing a knockout out with simulated results, and the standings it leaves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats.knockout import (
    THIRD_PLACE_MIN_PLAYERS,
    KnockoutOptions,
    generate,
)
from bracketry.engine.model import NO_MATCH, NO_PLAYER, Side, side_code
from bracketry.engine.play import (
    UNDECIDED,
    Decider,
    Played,
    initial_winner_slot,
    play_out,
    winners_and_losers,
)
from bracketry.engine.seeding import bracket_size
from bracketry.engine.simulate import (
    elo_expected,
    rating_decider,
    simulate_decisive,
    synthetic_ratings,
)
from bracketry.engine.standings import Standings, competition_rank, knockout_standings

FAST = settings(max_examples=60, deadline=None)

player_counts = st.integers(min_value=2, max_value=4096)
rng_seeds = st.integers(min_value=0, max_value=2**32 - 1)
third_place_flags = st.booleans()

MAIN = side_code(Side.MAIN)
THIRD = side_code(Side.THIRD_PLACE)


@dataclass
class Run:
    bracket: Bracket
    slots: np.ndarray
    winner_slot: np.ndarray
    scores: np.ndarray
    played: Played


def random_ratings(players: int, rng: np.random.Generator) -> np.ndarray:
    """Synthetic ratings with roughly one player in ten unrated."""
    ratings = synthetic_ratings(players, rng)
    ratings[rng.random(players) < 0.1] = np.nan
    return ratings


def run(players: int, decide: Decider, third_place: bool = True) -> Run:
    bracket = generate(players, KnockoutOptions(third_place=third_place))
    slots = bracket.initial_slots()
    winner_slot = initial_winner_slot(bracket)
    played = play_out(bracket, slots, winner_slot, decide)
    scores = np.zeros((bracket.match_count, 2), dtype=np.int64)
    scores[played.position, 0] = played.score_a
    scores[played.position, 1] = played.score_b
    return Run(bracket, slots, winner_slot, scores, played)


def simulated(players: int, seed: int, third_place: bool = True) -> Run:
    rng = np.random.default_rng(seed)
    return run(players, rating_decider(random_ratings(players, rng), rng), third_place)


def better_seed_wins(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a_wins = a < b
    return (
        np.where(a_wins, 0, 1).astype(np.int8),
        a_wins.astype(np.int64),
        (~a_wins).astype(np.int64),
    )


def b_always_wins(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.ones(a.size, np.int8), np.zeros(a.size, np.int64), np.full(a.size, 2, np.int64)


def standings_of(r: Run) -> Standings:
    return knockout_standings(r.bracket, r.slots, r.winner_slot, r.scores)


def final_of(bracket: Bracket) -> int:
    (final,) = np.flatnonzero((bracket.side == MAIN) & (bracket.round == bracket.round_count))
    return int(final)


def has_third(players: int, third_place: bool) -> bool:
    return third_place and players >= THIRD_PLACE_MIN_PLAYERS


def assert_competition_ranking(rank: np.ndarray, key: np.ndarray) -> None:
    """Rank r means exactly r - 1 players have a strictly smaller key."""
    ordered = np.sort(key)
    smaller = np.searchsorted(ordered, key, side="left")
    assert np.array_equal(rank, smaller + 1)
    assert rank.min() == 1


# --- reference tests --------------------------------------------------------------------


def test_play_out_8_better_seed_wins_reference() -> None:
    r = run(8, better_seed_wins)
    assert r.slots.tolist() == [
        [0, 7],
        [3, 4],
        [1, 6],
        [2, 5],
        [0, 3],
        [1, 2],
        [0, 1],
        [3, 2],
    ]
    assert r.winner_slot.tolist() == [0, 0, 0, 0, 0, 0, 0, 1]
    s = standings_of(r)
    assert s.rank.tolist() == [1, 2, 3, 4, 5, 5, 5, 5]
    assert s.wins.tolist() == [3, 2, 2, 1, 0, 0, 0, 0]
    assert s.losses.tolist() == [0, 1, 1, 2, 1, 1, 1, 1]
    assert s.round_reached.tolist() == [3, 3, 2, 2, 1, 1, 1, 1]
    assert r.played.position.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]


def test_play_out_5_with_byes_reference() -> None:
    r = run(5, b_always_wins)
    # only 4 v 5 is played in round one; the byes were decided at generation
    assert r.played.position.tolist() == [1, 4, 5, 6, 7]
    assert r.slots.tolist() == [
        [0, NO_PLAYER],
        [3, 4],
        [1, NO_PLAYER],
        [2, NO_PLAYER],
        [0, 4],
        [1, 2],
        [4, 2],
        [0, 1],
    ]
    s = standings_of(r)
    # 2 beat 4 in the final; 1 beat 0 for third; 3 lost in round one
    assert s.rank.tolist() == [4, 3, 1, 5, 2]
    assert s.wins.tolist() == [0, 1, 2, 0, 2]
    assert s.score_for.tolist() == [0, 2, 4, 0, 4]
    assert s.score_against.tolist() == [4, 2, 0, 2, 2]


def test_standings_doctest_reference() -> None:
    b = generate(4)
    slots = np.array([[0, 3], [1, 2], [0, 1], [3, 2]])
    won = np.array([0, 0, 1, 1])
    ranks = knockout_standings(b, slots, won, np.zeros((4, 2), int)).rank
    assert ranks.tolist() == [2, 1, 3, 4]


def test_standings_4_without_third_place_share_three() -> None:
    r = run(4, better_seed_wins, third_place=False)
    assert standings_of(r).rank.tolist() == [1, 2, 3, 3]


def test_standings_of_fresh_bracket_rank_bye_players_first() -> None:
    b = generate(5)
    s = knockout_standings(
        b, b.initial_slots(), initial_winner_slot(b), np.zeros((b.match_count, 2), int)
    )
    assert s.rank.tolist() == [1, 1, 1, 4, 4]
    assert s.wins.sum() == 0
    assert s.losses.sum() == 0


def test_competition_rank_reference() -> None:
    assert competition_rank(np.array([0, 5, 5, 9])).tolist() == [1, 2, 2, 4]
    assert competition_rank(np.array([7, 3, 7, 3, 1])).tolist() == [4, 2, 4, 2, 1]


def test_winners_and_losers_reference() -> None:
    w, lost = winners_and_losers(np.array([[3, 9], [4, 5]]), np.array([1, 0]))
    assert w.tolist() == [9, 4]
    assert lost.tolist() == [3, 5]


def test_play_out_on_a_finished_bracket_decides_nothing() -> None:
    r = simulated(37, seed=5)
    before = r.slots.copy(), r.winner_slot.copy()
    again = play_out(r.bracket, r.slots, r.winner_slot, b_always_wins)
    assert again.position.size == 0
    assert again.moves.target.size == 0
    assert np.array_equal(r.slots, before[0])
    assert np.array_equal(r.winner_slot, before[1])


def test_simulate_decisive_strong_favourite() -> None:
    rng = np.random.default_rng(7)
    w, a, b = simulate_decisive(np.array([3000.0]), np.array([0.0]), rng)
    assert int(w[0]) == 0
    assert a[0] > b[0]
    assert float(elo_expected(np.array([1900.0]), np.array([1500.0]))[0]) == pytest.approx(
        0.909, abs=1e-3
    )


def test_different_seeds_give_different_tournaments() -> None:
    outcomes = {simulated(256, seed).winner_slot.tobytes() for seed in range(10)}
    assert len(outcomes) > 1


# --- play_out properties ----------------------------------------------------------------


@FAST
@example(players=4096, seed=0, third_place=True)
@example(players=3, seed=0, third_place=True)
@example(players=2, seed=0, third_place=True)
@given(player_counts, rng_seeds, third_place_flags)
def test_play_out_decides_everything(players: int, seed: int, third_place: bool) -> None:
    r = simulated(players, seed, third_place)
    b = r.bracket
    extra = int(has_third(players, third_place))
    # every non-bye match decided exactly once, byes never handed to the decider
    positions = r.played.position
    assert np.unique(positions).size == positions.size
    assert sorted(positions.tolist()) == np.flatnonzero(~b.bye).tolist()
    assert positions.size == players - 1 + extra
    assert (r.winner_slot != UNDECIDED).all()
    assert (r.winner_slot[positions] == r.played.winner_slot).all()
    # matches are decided round by round
    assert (np.diff(b.round[positions]) >= 0).all()
    # every played match had both players; byes exactly one
    assert (r.slots[~b.bye] != NO_PLAYER).all()
    assert ((r.slots[b.bye] != NO_PLAYER).sum(axis=1) == 1).all()
    # the two players of a match differ
    assert (r.slots[~b.bye, 0] != r.slots[~b.bye, 1]).all()


@FAST
@example(players=4096, seed=1, third_place=True)
@given(player_counts, rng_seeds, third_place_flags)
def test_one_champion_and_single_elimination(players: int, seed: int, third_place: bool) -> None:
    r = simulated(players, seed, third_place)
    b = r.bracket
    played = ~b.bye
    main_played = played & (b.side == MAIN)
    _, losers = winners_and_losers(r.slots[main_played], r.winner_slot[main_played])
    # each player loses at most once in the main side; all but one lose
    lost = np.bincount(losers, minlength=players)
    assert lost.max() == 1
    assert int((lost == 0).sum()) == 1
    champion = int(np.flatnonzero(lost == 0)[0])
    final = final_of(b)
    final_winner, final_loser = winners_and_losers(r.slots[[final]], r.winner_slot[[final]])
    assert int(final_winner[0]) == champion
    # a loser plays no further main match
    last_main_round = np.zeros(players, dtype=np.int64)
    rounds_of_main = np.broadcast_to(b.round[main_played, None], r.slots[main_played].shape)
    np.maximum.at(last_main_round, r.slots[main_played].ravel(), rounds_of_main.ravel())
    lost_round = np.zeros(players, dtype=np.int64)
    lost_round[losers] = b.round[main_played]
    eliminated = lost == 1
    assert np.array_equal(last_main_round[eliminated], lost_round[eliminated])
    assert last_main_round[champion] == b.round_count
    # third place: the two semi-final losers
    if has_third(players, third_place):
        (third,) = np.flatnonzero(b.side == THIRD)
        semis = main_played & (b.round == b.round_count - 1)
        _, semi_losers = winners_and_losers(r.slots[semis], r.winner_slot[semis])
        assert sorted(r.slots[third].tolist()) == sorted(semi_losers.tolist())
        assert champion not in r.slots[third]
        assert int(final_loser[0]) not in r.slots[third]


@FAST
@given(player_counts, rng_seeds, third_place_flags)
def test_winner_outscores_loser(players: int, seed: int, third_place: bool) -> None:
    r = simulated(players, seed, third_place)
    p = r.played
    rows = np.arange(p.position.size)
    both = np.stack([p.score_a, p.score_b], axis=1)
    winner_score = both[rows, p.winner_slot.astype(np.intp)]
    loser_score = both[rows, 1 - p.winner_slot.astype(np.intp)]
    assert (winner_score > loser_score).all()
    assert (loser_score >= 0).all()
    assert set(np.unique(p.winner_slot).tolist()) <= {0, 1}


@FAST
@given(player_counts, rng_seeds, third_place_flags)
def test_moves_agree_with_links_and_slots(players: int, seed: int, third_place: bool) -> None:
    r = simulated(players, seed, third_place)
    b = r.bracket
    moves = r.played.moves
    assert (moves.target != NO_MATCH).all()
    assert (moves.player != NO_PLAYER).all()
    assert np.array_equal(r.slots[moves.target, moves.slot.astype(np.intp)], moves.player)
    # one winner move per decided main match except the final, one loser move per
    # semi-final when there is a third-place match
    decided_main = int(((b.side == MAIN) & ~b.bye).sum())
    expected = decided_main - 1 + 2 * int(has_third(players, third_place))
    assert moves.target.size == expected
    # every slot filled during play was filled by exactly one move
    filled = (r.slots != NO_PLAYER) & (b.entrants == NO_PLAYER)
    keys = moves.target.astype(np.int64) * 2 + moves.slot
    assert np.unique(keys).size == keys.size
    assert sorted(keys.tolist()) == sorted((np.flatnonzero(filled.ravel())).tolist())


@FAST
@example(players=4096, seed=2)
@example(players=2, seed=0)
@given(player_counts, rng_seeds)
def test_top_two_seeds_meet_only_in_the_final(players: int, seed: int) -> None:
    r = simulated(players, seed)
    b = r.bracket
    both = ((r.slots == 0) | (r.slots == 1)).sum(axis=1) == 2
    met = np.flatnonzero(both)
    # in the main side only in the final; the third-place match is the one other place
    # the two top seeds can face each other (both lost their semi-final)
    assert all(m == final_of(b) or b.side[m] == THIRD for m in met.tolist())


@FAST
@given(player_counts, rng_seeds)
def test_top_seeds_meet_no_earlier_than_the_standard_order_allows(players: int, seed: int) -> None:
    """Two players both seeded within the top 2**j meet with at most 2**j players left."""
    r = simulated(players, seed, third_place=False)
    b = r.bracket
    size = bracket_size(players)
    played = ~b.bye
    worse = r.slots[played].max(axis=1) + 1  # the worse seed of each match
    players_left = size >> (b.round[played].astype(np.int64) - 1)
    ceiling = np.array([bracket_size(int(w)) for w in worse.tolist()])
    assert (players_left <= ceiling).all()


@FAST
@example(players=4096, third_place=True)
@given(player_counts, third_place_flags)
def test_better_seed_always_wins(players: int, third_place: bool) -> None:
    """Seed s meets seed 2**j + 1 - s in the round with 2**j players left."""
    r = run(players, better_seed_wins, third_place)
    b = r.bracket
    size = bracket_size(players)
    main_played = (b.side == MAIN) & ~b.bye
    seeds = r.slots[main_played] + 1
    players_left = size >> (b.round[main_played].astype(np.int64) - 1)
    assert np.array_equal(seeds.sum(axis=1), players_left + 1)
    # round r is won by exactly the top size >> r seeds
    for rnd in range(1, b.round_count + 1):
        in_round = (b.side == MAIN) & (b.round == rnd)
        won, _ = winners_and_losers(r.slots[in_round], r.winner_slot[in_round])
        assert sorted(won.tolist()) == list(range(size >> rnd))
    s = standings_of(r)
    assert s.rank[0] == 1
    assert s.rank[1] == 2
    if has_third(players, third_place):
        assert s.rank[2] == 3
        assert s.rank[3] == 4


@FAST
@given(player_counts, rng_seeds, third_place_flags)
def test_play_out_is_deterministic(players: int, seed: int, third_place: bool) -> None:
    first = simulated(players, seed, third_place)
    second = simulated(players, seed, third_place)
    assert np.array_equal(first.slots, second.slots)
    assert np.array_equal(first.winner_slot, second.winner_slot)
    assert np.array_equal(first.scores, second.scores)
    assert np.array_equal(first.played.position, second.played.position)
    assert np.array_equal(first.played.moves.player, second.played.moves.player)
    assert np.array_equal(standings_of(first).rank, standings_of(second).rank)


# --- standings properties ---------------------------------------------------------------


@FAST
@example(players=4096, seed=3, third_place=True)
@example(players=3, seed=3, third_place=True)
@given(player_counts, rng_seeds, third_place_flags)
def test_standings_of_a_finished_knockout(players: int, seed: int, third_place: bool) -> None:
    r = simulated(players, seed, third_place)
    b = r.bracket
    s = standings_of(r)
    for name in ("rank", "key", "round_reached", "wins", "losses", "score_for", "score_against"):
        assert getattr(s, name).shape == (players,), name
    assert_competition_ranking(s.rank, s.key)

    final = final_of(b)
    (champion,), (runner_up,) = winners_and_losers(r.slots[[final]], r.winner_slot[[final]])
    assert s.rank[champion] == 1
    assert s.rank[runner_up] == 2
    assert int((s.rank == 1).sum()) == 1
    assert int((s.rank == 2).sum()) == 1

    rounds = b.round_count
    semis = (b.side == MAIN) & (b.round == rounds - 1) & ~b.bye
    if has_third(players, third_place):
        (third,) = np.flatnonzero(b.side == THIRD)
        (bronze,), (fourth,) = winners_and_losers(r.slots[[third]], r.winner_slot[[third]])
        assert s.rank[bronze] == 3
        assert s.rank[fourth] == 4
    elif players >= 3:
        _, semi_losers = winners_and_losers(r.slots[semis], r.winner_slot[semis])
        assert (s.rank[semi_losers] == 3).all()
        assert int((s.rank == 3).sum()) == semi_losers.size

    # everyone else shares the place of the round they lost in
    main_played = (b.side == MAIN) & ~b.bye
    _, losers = winners_and_losers(r.slots[main_played], r.winner_slot[main_played])
    lost_in = np.zeros(players, dtype=np.int64)
    lost_in[losers] = b.round[main_played]
    assert (s.round_reached[lost_in > 0] == lost_in[lost_in > 0]).all()
    assert s.round_reached[champion] == rounds
    early = (lost_in > 0) & (lost_in < rounds - 1)
    reached = np.sort(s.round_reached)
    went_further = players - np.searchsorted(reached, lost_in[early], side="right")
    assert np.array_equal(s.rank[early], went_further + 1)
    # finishing further never ranks worse
    order = np.argsort(-s.round_reached, kind="stable")
    assert (np.diff(s.rank[order][s.round_reached[order] < rounds - 1]) >= 0).all()

    # totals: wins = played matches = losses; scores balance
    played_count = int((~b.bye).sum())
    assert int(s.wins.sum()) == played_count
    assert int(s.losses.sum()) == played_count
    assert int(s.score_for.sum()) == int(s.score_against.sum()) == int(r.scores[~b.bye].sum())
    assert s.wins[champion] == int((~b.bye & (r.slots == champion).any(axis=1)).sum())
    assert s.losses[champion] == 0


@FAST
@example(k=12, seed=0, third_place=True)
@example(k=12, seed=0, third_place=False)
@given(st.integers(min_value=1, max_value=12), rng_seeds, third_place_flags)
def test_power_of_two_places(k: int, seed: int, third_place: bool) -> None:
    """Losers of the round with 2**j matches share place 2**j + 1."""
    players = 1 << k
    r = simulated(players, seed, third_place)
    b = r.bracket
    s = standings_of(r)
    assert_competition_ranking(s.rank, s.key)
    third = has_third(players, third_place)
    for rnd in range(1, k + 1):
        in_round = (b.side == MAIN) & (b.round == rnd)
        j = k - rnd
        assert int(in_round.sum()) == 1 << j
        _, losers = winners_and_losers(r.slots[in_round], r.winner_slot[in_round])
        if j == 1 and third:
            assert sorted(s.rank[losers].tolist()) == [3, 4]
        else:
            assert (s.rank[losers] == (1 << j) + 1).all(), rnd
    counts = np.bincount(s.rank)
    if not third and k >= 2:
        assert counts[3] == 2


def undo(r: Run, undone: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slots, winner slots and scores as they were before the ``undone`` matches were decided.

    ``undone`` must be closed under the links (a match is undone with every match its
    players went on to).
    """
    b = r.bracket
    undone = undone & ~b.bye
    slots = r.slots.copy()
    winner_slot = r.winner_slot.copy()
    scores = r.scores.copy()
    winner_slot[undone] = UNDECIDED
    scores[undone] = 0
    for links, link_slots in ((b.winner_to, b.winner_slot), (b.loser_to, b.loser_slot)):
        sent = undone & (links != NO_MATCH)
        slots[links[sent], link_slots[sent].astype(np.intp)] = NO_PLAYER
    return slots, winner_slot, scores


@FAST
@example(players=4, seed=0, third_place=True)
@given(player_counts, rng_seeds, third_place_flags)
def test_standings_while_in_progress(players: int, seed: int, third_place: bool) -> None:
    """Undo some matches of one round and every later one: standings stay consistent."""
    r = simulated(players, seed, third_place)
    b = r.bracket
    rng = np.random.default_rng(seed)
    cut = int(rng.integers(1, b.round_count + 1))
    undone = (b.round > cut) | ((b.round == cut) & (rng.random(b.match_count) < 0.5))
    slots, winner_slot, scores = undo(r, undone)
    s = knockout_standings(b, slots, winner_slot, scores)
    assert_competition_ranking(s.rank, s.key)
    decided = ~b.bye & (winner_slot != UNDECIDED)
    assert int(s.wins.sum()) == int(decided.sum())
    assert int(s.losses.sum()) == int(decided.sum())
    assert int(s.score_for.sum()) == int(scores.sum())
    # players not beaten in the main side rank above every player who was
    main_decided = decided & (b.side == MAIN)
    _, beaten = winners_and_losers(slots[main_decided], winner_slot[main_decided])
    still_in = np.ones(players, dtype=bool)
    still_in[beaten] = False
    assert still_in.any()
    if (~still_in).any():
        assert s.rank[still_in].max() < s.rank[~still_in].min()
    # a player waiting in round `cut` ranks above one who lost in that round
    assert (s.round_reached[still_in] >= cut).all()
    # and resuming play finishes the bracket
    rest = play_out(b, slots, winner_slot, better_seed_wins)
    assert (winner_slot != UNDECIDED).all()
    assert rest.position.size == int((undone & ~b.bye).sum())


def test_third_place_decided_before_the_final() -> None:
    """The third-place match may be reported first; its players stay below the finalists."""
    b = generate(4)
    slots = np.array([[0, 3], [1, 2], [0, 1], [3, 2]])
    won = np.array([0, 0, UNDECIDED, 1])
    s = knockout_standings(b, slots, won, np.zeros((4, 2), int))
    assert s.rank.tolist() == [1, 1, 3, 4]


@FAST
@given(player_counts, rng_seeds)
def test_only_the_final_left(players: int, seed: int) -> None:
    r = simulated(players, seed, third_place=True)
    b = r.bracket
    final = final_of(b)
    undone = np.zeros(b.match_count, dtype=bool)
    undone[final] = True
    slots, winner_slot, scores = undo(r, undone)
    s = knockout_standings(b, slots, winner_slot, scores)
    assert_competition_ranking(s.rank, s.key)
    finalists = slots[final]
    assert (s.rank[finalists] == 1).all()
    assert int((s.rank == 1).sum()) == 2
    if has_third(players, True):
        (third,) = np.flatnonzero(b.side == THIRD)
        (bronze,), (fourth,) = winners_and_losers(slots[[third]], winner_slot[[third]])
        assert s.rank[bronze] == 3
        assert s.rank[fourth] == 4
