"""Double elimination: structure, byes compaction, drop order, finals, play-out, standings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from bracketry.engine.bracket import Bracket, advance
from bracketry.engine.formats.base import FormatError, Progress
from bracketry.engine.formats.double_elimination import (
    GRAND_FINALS,
    MAX_PLAYERS,
    DoubleElimination,
    DoubleEliminationOptions,
    check,
    drop_mask,
    generate,
    rematch_free_rounds,
    reset_match,
    standings,
)
from bracketry.engine.formats.knockout import KnockoutOptions
from bracketry.engine.formats.knockout import generate as knockout_generate
from bracketry.engine.model import (
    NO_MATCH,
    NO_PLAYER,
    UNDECIDED,
    Outcome,
    Side,
    outcome_code,
    side_code,
)
from bracketry.engine.play import Decider, play_out, winners_and_losers
from bracketry.engine.seeding import bracket_size

FAST = settings(max_examples=60, deadline=None)

player_counts = st.integers(min_value=2, max_value=200)
grand_finals = st.sampled_from(GRAND_FINALS)
rng_seeds = st.integers(min_value=0, max_value=2**32 - 1)

MAIN = side_code(Side.MAIN)
LOSERS = side_code(Side.LOSERS)
FINAL = side_code(Side.GRAND_FINAL)
WIN = outcome_code(Outcome.WIN)


def options(grand_final: str) -> DoubleEliminationOptions:
    return DoubleEliminationOptions(grand_final)  # type: ignore[arg-type]


def valid(players: int, grand_final: str) -> bool:
    return not (players == 2 and grand_final == "none")


def every_case() -> Iterator[tuple[int, str]]:
    for players in range(2, 201):
        for grand_final in GRAND_FINALS:
            if valid(players, grand_final):
                yield players, grand_final


# --- playing ------------------------------------------------------------------------------


def scores_for(won: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    won = won.astype(np.int8)
    return won, np.where(won == 0, 2, 1).astype(np.int64), np.where(won == 0, 1, 2).astype(np.int64)


def better_seed_wins(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return scores_for(b < a)


def random_decider(rng: np.random.Generator) -> Decider:
    def decide(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return scores_for(rng.integers(0, 2, a.size))

    return decide


def scripted(upsets: dict[tuple[int, int], list[int]]) -> Decider:
    """The better seed wins, except that the n-th meeting of a listed pair goes to the
    player named at index n."""
    met: Counter[tuple[int, int]] = Counter()

    def decide(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        winners = np.minimum(a, b)
        for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
            pair = (min(x, y), max(x, y))
            plan = upsets.get(pair, [])
            if met[pair] < len(plan):
                winners[i] = plan[met[pair]]
            met[pair] += 1
        return scores_for(winners == b)

    return decide


def play_to_end(progress: Progress, decide: Decider) -> int:
    """Call play_out until it decides nothing; record scores and outcomes. Returns how many
    matches were decided."""
    decided = 0
    while True:
        step = play_out(progress.bracket, progress.slots, progress.winner_slot, decide)
        if step.position.size == 0:
            return decided
        progress.scores[step.position, 0] = step.score_a
        progress.scores[step.position, 1] = step.score_b
        progress.outcome[step.position] = WIN
        decided += step.position.size


def run(players: int, grand_final: str, decide: Decider) -> tuple[Progress, int, bool]:
    """Play a whole tournament, the reset included when it is due. Returns the final
    progress, the number of matches played and whether a reset was played."""
    opts = options(grand_final)
    progress = Progress.fresh(generate(players, opts))
    played = play_to_end(progress, decide)
    reset = reset_match(progress, opts)
    if reset is not None:
        progress = progress.then(reset)
        played += play_to_end(progress, decide)
    assert reset_match(progress, opts) is None
    return progress, played, reset is not None


def positions(bracket: Bracket, side: int, round_: int | None = None) -> np.ndarray:
    keep = bracket.side == side
    if round_ is not None:
        keep &= bracket.round == round_
    return np.flatnonzero(keep)


def finalists(progress: Progress) -> tuple[int, int]:
    """Champion and runner-up, read from the last decisive final (or, without a grand
    final, the winners of the two bracket finals)."""
    b = progress.bracket
    finals = positions(b, FINAL)
    if finals.size:
        last = finals[np.argmax(b.round[finals])]
        (first,), (second,) = winners_and_losers(
            progress.slots[[last]], progress.winner_slot[[last]]
        )
        return int(first), int(second)
    wb_final = positions(b, MAIN, int(b.round[b.side == MAIN].max()))
    lb_final = positions(b, LOSERS, int(b.round[b.side == LOSERS].max()))
    (first,), _ = winners_and_losers(progress.slots[wb_final], progress.winner_slot[wb_final])
    (second,), _ = winners_and_losers(progress.slots[lb_final], progress.winner_slot[lb_final])
    return int(first), int(second)


def eliminations(progress: Progress) -> np.ndarray:
    """Per player, the losers-bracket round they went out in (0 while still in)."""
    b = progress.bracket
    done = np.flatnonzero((b.side == LOSERS) & (progress.winner_slot != UNDECIDED))
    _, out = winners_and_losers(progress.slots[done], progress.winner_slot[done])
    rounds = np.zeros(b.player_count, dtype=np.int64)
    rounds[out] = b.round[done]
    return rounds


def assert_competition_ranks(rank: np.ndarray) -> None:
    """Rank r means exactly r - 1 players placed strictly better."""
    ordered = np.sort(rank)
    assert np.array_equal(rank, np.searchsorted(ordered, rank, side="left") + 1)


# --- reference values -------------------------------------------------------------------


def test_generate_4_reference() -> None:
    b = generate(4)
    assert b.match_count == 6
    assert b.side.tolist() == [MAIN, MAIN, MAIN, LOSERS, LOSERS, FINAL]
    assert b.round.tolist() == [1, 1, 2, 1, 2, 1]
    assert b.number.tolist() == [1, 2, 1, 1, 1, 1]
    assert b.entrants[:2].tolist() == [[0, 3], [1, 2]]
    assert (b.entrants[2:] == NO_PLAYER).all()
    assert b.winner_to.tolist() == [2, 2, 5, 4, 5, NO_MATCH]
    assert b.winner_slot.tolist() == [0, 1, 0, 0, 1, 0]
    assert b.loser_to.tolist() == [3, 3, 4, NO_MATCH, NO_MATCH, NO_MATCH]
    assert b.loser_slot[:3].tolist() == [0, 1, 1]
    assert not b.bye.any()
    none = generate(4, options("none"))
    assert none.match_count == 5
    assert none.winner_to.tolist() == [2, 2, NO_MATCH, 4, NO_MATCH]


def test_generate_8_reference() -> None:
    b = generate(8)
    # winners 0..6, losers rounds 1-4 at 7-8, 9-10, 11, 12, grand final 13
    assert b.match_count == 14
    assert b.side.tolist() == [MAIN] * 7 + [LOSERS] * 6 + [FINAL]
    assert b.round.tolist() == [1, 1, 1, 1, 2, 2, 3, 1, 1, 2, 2, 3, 4, 1]
    assert b.number.tolist() == [1, 2, 3, 4, 1, 2, 1, 1, 2, 1, 2, 1, 1, 1]
    assert b.loser_to[:7].tolist() == [7, 7, 8, 8, 10, 9, 12]  # round 2 drops cross over
    assert b.loser_slot[:7].tolist() == [0, 1, 0, 1, 1, 1, 1]
    assert b.winner_to.tolist() == [4, 4, 5, 5, 6, 6, 13, 9, 10, 11, 11, 12, 13, NO_MATCH]
    assert b.winner_slot[7:13].tolist() == [0, 0, 0, 1, 0, 1]
    assert b.winner_slot[6] == 0
    assert (b.loser_to[7:] == NO_MATCH).all()


def test_play_8_better_seed_wins_reference() -> None:
    progress, played, reset = run(8, "reset", better_seed_wins)
    assert played == 14
    assert not reset
    # losers: 8-5 and 7-6; 5 meets 3 (not 4, whom they met in round 1), 6 meets 4
    assert progress.slots[7:].tolist() == [[7, 4], [6, 5], [4, 2], [5, 3], [2, 3], [2, 1], [0, 1]]
    table = standings(progress, options("reset"))
    assert table.rank.tolist() == [1, 2, 3, 4, 5, 5, 7, 7]
    assert table.wins.tolist() == [4, 3, 3, 2, 1, 1, 0, 0]
    assert table.losses.tolist() == [0, 2, 2, 2, 2, 2, 2, 2]
    assert table.points.tolist() == [4.0, 3.0, 3.0, 2.0, 1.0, 1.0, 0.0, 0.0]
    assert table.score_for.tolist() == [8, 8, 8, 6, 4, 4, 2, 2]  # 2 a win, 1 a loss
    assert table.score_against.tolist() == [4, 7, 7, 6, 5, 5, 4, 4]
    assert table.round_reached.tolist() == [5, 5, 4, 3, 2, 2, 1, 1]
    assert (table.draws == 0).all()
    assert table.metrics == {}


def test_play_8_without_grand_final_reference() -> None:
    progress, played, _ = run(8, "none", better_seed_wins)
    assert played == 13
    assert progress.slots[7:].tolist() == [[7, 4], [6, 5], [4, 2], [5, 3], [2, 3], [2, 1]]
    table = standings(progress)
    assert table.rank.tolist() == [1, 2, 3, 4, 5, 5, 7, 7]
    assert table.losses.tolist() == [0, 1, 2, 2, 2, 2, 2, 2]


def test_play_4_reference() -> None:
    progress, played, _ = run(4, "simple", better_seed_wins)
    assert played == 6
    assert progress.slots.tolist() == [[0, 3], [1, 2], [0, 1], [3, 2], [2, 1], [0, 1]]
    table = standings(progress)
    assert table.rank.tolist() == [1, 2, 3, 4]
    assert table.losses.tolist() == [0, 2, 2, 2]


@pytest.mark.parametrize(("reset_winner", "champion"), [(0, 0), (1, 1)])
def test_reset_4_by_hand(reset_winner: int, champion: int) -> None:
    # players 0 and 1 meet in the winners final (0 wins), the grand final (1 wins), the reset
    decide = scripted({(0, 1): [0, 1, reset_winner]})
    opts = options("reset")
    progress = Progress.fresh(generate(4, opts))
    assert play_to_end(progress, decide) == 6
    assert standings(progress, opts).rank.tolist() == [1, 1, 3, 4]  # the reset is due
    assert standings(progress).rank.tolist() == [2, 1, 3, 4]  # read as a simple final
    reset = reset_match(progress, opts)
    assert reset is not None
    assert reset.match_count == 1
    assert reset.side.tolist() == [FINAL]
    assert reset.round.tolist() == [2]
    assert reset.number.tolist() == [1]
    assert reset.entrants.tolist() == [[0, 1]]
    assert reset.winner_to.tolist() == [NO_MATCH]
    assert reset.loser_to.tolist() == [NO_MATCH]
    assert reset.bye.tolist() == [False]
    assert reset.stages.tolist() == [1]
    progress = progress.then(reset)
    assert reset_match(progress, opts) is None  # not twice
    assert standings(progress, opts).rank.tolist() == [1, 1, 3, 4]  # the reset is still to play
    assert play_to_end(progress, decide) == 1
    table = standings(progress, opts)
    assert table.rank[champion] == 1
    assert table.rank[1 - champion] == 2
    assert table.losses.tolist()[:2] == ([1, 2] if champion == 0 else [2, 1])
    assert table.round_reached.tolist() == [4, 4, 2, 1]
    assert reset_match(progress, opts) is None


def test_generate_5_compacts_byes() -> None:
    b = generate(5)
    # winners: byes for seeds 1, 2, 3; only 4-5 is played in round 1
    assert b.bye.tolist()[:7] == [True, False, True, True, False, False, False]
    assert b.match_count == 11
    lb = positions(b, LOSERS)
    assert lb.tolist() == [7, 8, 9]
    assert b.round[lb].tolist() == [1, 2, 3]  # losers round 1 vanished and the rest moved up
    assert not b.bye[lb].any()
    # the 4-5 loser meets a round-2 drop-down; the other round-2 loser skips the dead match
    assert b.loser_to[:7].tolist() == [NO_MATCH, 7, NO_MATCH, NO_MATCH, 8, 7, 9]
    assert b.loser_slot[[1, 4, 5, 6]].tolist() == [0, 1, 1, 1]
    assert b.winner_to[7:].tolist() == [8, 9, 10, NO_MATCH]


def test_generate_3_and_2() -> None:
    b = generate(3)
    assert b.match_count == 5
    assert b.side.tolist() == [MAIN, MAIN, MAIN, LOSERS, FINAL]
    assert b.round.tolist() == [1, 1, 2, 1, 1]
    assert b.loser_to.tolist() == [NO_MATCH, 3, 3, NO_MATCH, NO_MATCH]
    assert b.loser_slot[1:3].tolist() == [0, 1]
    two = generate(2)
    assert two.match_count == 2
    assert two.side.tolist() == [MAIN, FINAL]
    assert two.winner_to.tolist() == [1, NO_MATCH]
    assert two.loser_to.tolist() == [1, NO_MATCH]
    assert two.winner_slot[0] == 0
    assert two.loser_slot[0] == 1


def test_play_2_is_a_match_and_its_rematch() -> None:
    progress, played, reset = run(2, "reset", scripted({(0, 1): [0, 1, 1]}))
    assert (played, reset) == (3, True)
    assert progress.slots.tolist() == [[0, 1], [0, 1], [0, 1]]
    assert standings(progress).rank.tolist() == [2, 1]


def test_drop_mask_reference() -> None:
    # 2**5 slots: round 2 swaps the halves of its 8 matches, round 3 neighbours, round 4 the two
    assert [drop_mask(r, 5) for r in range(2, 6)] == [4, 1, 1, 0]
    assert [drop_mask(r, 8) for r in range(2, 9)] == [32, 8, 12, 1, 2, 0, 0]
    assert drop_mask(1, 5) == 0


@pytest.mark.parametrize(
    ("players", "free"),
    [(2, 0), (3, 0), (4, 1), (5, 1), (8, 2), (16, 3), (32, 4), (64, 6), (1024, 12)],
)
def test_rematch_free_rounds_reference(players: int, free: int) -> None:
    assert rematch_free_rounds(players) == free


# --- check ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("players", "grand_final", "field"),
    [
        (1, "simple", "players"),
        (0, "reset", "players"),
        (-3, "none", "players"),
        (MAX_PLAYERS + 1, "simple", "players"),
        (2, "none", "config.grand_final"),
        (8, "double", "config.grand_final"),
    ],
)
def test_check_rejects(players: int, grand_final: str, field: str) -> None:
    with pytest.raises(FormatError) as caught:
        check(players, options(grand_final))
    assert caught.value.field == field
    with pytest.raises(FormatError):
        generate(players, options(grand_final))


@pytest.mark.parametrize(("players", "grand_final"), [(2, "simple"), (2, "reset"), (3, "none")])
def test_check_accepts(players: int, grand_final: str) -> None:
    check(players, options(grand_final))


# --- structure, every N up to 200 --------------------------------------------------------


@pytest.mark.parametrize("grand_final", GRAND_FINALS)
def test_structure_for_every_count(grand_final: str) -> None:
    for players in range(2, 201):
        if valid(players, grand_final):
            assert_structure(generate(players, options(grand_final)), grand_final)


def assert_structure(b: Bracket, grand_final: str) -> None:
    players = b.player_count
    size = bracket_size(players)
    m = b.match_count
    main, lb, final = b.side == MAIN, b.side == LOSERS, b.side == FINAL

    # types and shapes
    assert b.round.dtype == np.int16 and b.stage is not None and b.stage.dtype == np.int16
    assert b.number.dtype == np.int32 and b.side.dtype == np.int8
    assert b.winner_to.dtype == np.int32 and b.loser_to.dtype == np.int32
    assert b.winner_slot.dtype == np.int8 and b.loser_slot.dtype == np.int8
    assert b.entrants.shape == (m, 2) and b.bye.shape == (m,)
    assert (b.stages == 1).all()

    # match counts: 2N - 2 played with a grand final, 2N - 3 without, plus the byes
    played = 2 * players - 2 - int(grand_final == "none")
    assert int((~b.bye).sum()) == played
    assert m == played + size - players
    assert int(final.sum()) == int(grand_final != "none")
    assert int(lb.sum()) == players - 2

    # the winners bracket is the knockout, byes included
    ko = knockout_generate(players, KnockoutOptions(third_place=False))
    assert np.flatnonzero(main).tolist() == list(range(ko.match_count))
    for name in ("round", "number", "entrants", "winner_slot", "bye"):
        assert np.array_equal(getattr(b, name)[main], getattr(ko, name)), name
    wb_final = ko.match_count - 1
    assert np.array_equal(b.winner_to[:wb_final], ko.winner_to[:wb_final])

    # the only byes are winners round-1 byes; nothing else starts with a player
    assert (b.round[b.bye] == 1).all() and main[b.bye].all()
    assert (b.entrants[~main] == NO_PLAYER).all()

    # numbers 1..n within each (side, round); losers rounds contiguous from 1
    for side in (MAIN, LOSERS, FINAL):
        rounds = sorted(set(b.round[b.side == side].tolist()))
        assert rounds == list(range(1, len(rounds) + 1))
        for r in rounds:
            numbers = b.number[(b.side == side) & (b.round == r)]
            assert sorted(numbers.tolist()) == list(range(1, numbers.size + 1))

    # links: existing matches, forward, of the right kind
    for links in (b.winner_to, b.loser_to):
        assert ((links == NO_MATCH) | ((links >= 0) & (links < m))).all()
    to_final = (b.winner_to != NO_MATCH) & final[np.maximum(b.winner_to, 0)]
    wb_links = main & (b.winner_to != NO_MATCH) & ~to_final
    assert (b.round[b.winner_to[wb_links]] == b.round[wb_links] + 1).all()
    assert main[b.winner_to[wb_links]].all()
    lb_links = lb & (b.winner_to != NO_MATCH) & ~to_final
    assert lb[b.winner_to[lb_links]].all()
    assert (b.round[b.winner_to[lb_links]] > b.round[lb_links]).all()
    assert (b.loser_to[~main] == NO_MATCH).all()  # a losers or final match's loser is out

    # every winner goes somewhere, except the final's (or both bracket finals' without one)
    nowhere = np.flatnonzero(b.winner_to == NO_MATCH)
    lb_final = positions(b, LOSERS, int(b.round[lb].max())) if lb.any() else np.empty(0, int)
    if grand_final == "none":
        assert sorted(nowhere.tolist()) == sorted([wb_final, *lb_final.tolist()])
    else:
        assert nowhere.tolist() == [m - 1]
        assert b.winner_to[wb_final] == m - 1 and b.winner_slot[wb_final] == 0
        champion_from = lb_final if lb_final.size else np.array([wb_final])
        into_b = np.flatnonzero((b.winner_to == m - 1) & (b.winner_slot == 1))
        into_b = np.union1d(into_b, np.flatnonzero((b.loser_to == m - 1) & (b.loser_slot == 1)))
        assert into_b.tolist() == champion_from.tolist()

    # winners losers drop into the losers bracket (two players: into the final), byes don't
    real = main & ~b.bye
    assert (b.loser_to[main & b.bye] == NO_MATCH).all()
    assert (b.loser_to[real] != NO_MATCH).all()
    expect = final if players == 2 else lb
    assert expect[b.loser_to[real]].all()
    if lb.any():
        assert b.loser_to[wb_final] == lb_final[0]
        # drops from later winners rounds never land in earlier losers rounds
        drop_round = b.round[b.loser_to[real]]
        by_round = [drop_round[b.round[real] == r] for r in range(1, b.round[main].max() + 1)]
        present = [d for d in by_round if d.size]
        assert all(a.max() <= c.min() for a, c in pairwise(present))

    # every losers and final slot is fed by exactly one link: no byes, no pass-through; a
    # winners slot by one link or by a bye's player already placed there
    real_links = ~b.bye
    fed = Counter(
        [
            *zip(b.winner_to[real_links].tolist(), b.winner_slot[real_links].tolist(), strict=True),
            *zip(b.loser_to.tolist(), b.loser_slot.tolist(), strict=True),
        ]
    )
    for match in np.flatnonzero(~main).tolist():
        assert fed[(match, 0)] == 1 and fed[(match, 1)] == 1, match
    for match in np.flatnonzero(main & (b.round > 1)).tolist():
        for slot in (0, 1):
            assert fed[(match, slot)] + int(b.entrants[match, slot] != NO_PLAYER) == 1


# --- properties of play ---------------------------------------------------------------------


@FAST
@given(player_counts, grand_finals, rng_seeds)
@example(2, "simple", 0)
@example(3, "none", 1)
@example(200, "reset", 2)
def test_play_to_the_end(players: int, grand_final: str, seed: int) -> None:
    assume(valid(players, grand_final))
    rng = np.random.default_rng(seed)
    progress, played, reset = run(players, grand_final, random_decider(rng))
    b = progress.bracket
    size = bracket_size(players)

    # everything decided, counts as promised
    assert (progress.winner_slot != UNDECIDED).all()
    assert not (progress.slots[~b.bye] == NO_PLAYER).any()
    base = 2 * players - 2 - int(grand_final == "none")
    assert played == base + int(reset)
    assert b.match_count == played + size - players
    assert reset == (grand_final == "reset" and progress.winner_slot[positions(b, FINAL)[0]] == 1)

    # losses: two for everyone but the finalists
    champion, runner_up = finalists(progress)
    table = standings(progress, options(grand_final))
    losses = table.losses
    others = np.setdiff1d(np.arange(players), [champion, runner_up])
    assert (losses[others] == 2).all()
    if grand_final == "none":
        assert (losses[champion], losses[runner_up]) == (0, 1)
    elif grand_final == "reset":
        assert losses[runner_up] == 2
        assert losses[champion] == int(reset)
    else:
        assert losses[champion] in (0, 1)
        assert losses[runner_up] == (2 if losses[champion] == 0 else 1)
    assert int(losses.sum()) == played
    assert int(table.wins.sum()) == played

    # the grand final is the winners champion (slot A) against the losers champion
    if grand_final != "none":
        gf = positions(b, FINAL, 1)[0]
        wb_final = positions(b, MAIN, int(b.round[b.side == MAIN].max()))
        (wb_champ,), (wb_second,) = winners_and_losers(
            progress.slots[wb_final], progress.winner_slot[wb_final]
        )
        assert progress.slots[gf, 0] == wb_champ
        if players > 2:
            lb_final = positions(b, LOSERS, int(b.round[b.side == LOSERS].max()))
            (lb_champ,), _ = winners_and_losers(
                progress.slots[lb_final], progress.winner_slot[lb_final]
            )
            assert progress.slots[gf, 1] == lb_champ
        else:
            assert progress.slots[gf, 1] == wb_second

    # places: 1, 2, then by the losers round of elimination, shared within a round
    rank = table.rank
    assert rank[champion] == 1 and rank[runner_up] == 2
    assert int((rank == 1).sum()) == 1 and int((rank == 2).sum()) == 1
    out = eliminations(progress)
    assert (out[others] > 0).all()
    later = (out[None, others] > out[others, None]).sum(axis=1)
    assert rank[others].tolist() == (3 + later).tolist()
    assert_competition_ranks(rank)

    # figures
    assert table.points.tolist() == table.wins.astype(float).tolist()
    assert (table.draws == 0).all()
    appearances = np.bincount(progress.slots[~b.bye].ravel(), minlength=players)
    assert np.array_equal(table.wins + table.losses, appearances)
    assert int(table.score_for.sum()) == int(progress.scores.sum())
    assert int(table.score_against.sum()) == int(progress.scores.sum())
    # round reached: the losers round one went out in; never higher further down the table
    reached = table.round_reached
    assert (reached >= 1).all()
    assert reached[others].tolist() == out[others].tolist()
    by_place = reached[np.argsort(rank, kind="stable")]
    assert (np.diff(by_place) <= 0).all()


@FAST
@given(st.integers(min_value=2, max_value=10), rng_seeds)
def test_no_rematch_in_the_early_losers_rounds_power_of_two(k: int, seed: int) -> None:
    players = 1 << k
    progress, _, _ = run(players, "simple", random_decider(np.random.default_rng(seed)))
    assert_no_early_rematch(progress)


@FAST
@given(st.integers(min_value=3, max_value=600), rng_seeds)
def test_no_rematch_in_the_early_losers_rounds_any_count(players: int, seed: int) -> None:
    progress, _, _ = run(players, "simple", random_decider(np.random.default_rng(seed)))
    assert_no_early_rematch(progress)


def assert_no_early_rematch(progress: Progress) -> None:
    """Nobody meets, in the first ``rematch_free_rounds`` losers rounds, a player they met
    before (only winners-bracket meetings can repeat: a losers match knocks its loser out)."""
    b = progress.bracket
    n = b.player_count
    free = rematch_free_rounds(n)
    wb = (b.side == MAIN) & ~b.bye
    met = np.sort(progress.slots[wb], axis=1)
    lb = (b.side == LOSERS) & (b.round <= free)
    pairs = np.sort(progress.slots[lb], axis=1)
    assert not np.isin(pairs[:, 0] * n + pairs[:, 1], met[:, 0] * n + met[:, 1]).any()


def test_the_bound_is_reached() -> None:
    """With 16 players losers round 4 (= rematch_free_rounds + 1) can hold a rematch: seed 16
    loses to seed 1, wins every losers match, and meets seed 1 dropping from round 3."""
    upset = scripted({(0, 3): [3]})  # seed 4 beats seed 1 in the winners semi-final
    matches_of_16 = Counter[str]()

    def decide(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        won, _, _ = upset(a, b)
        for i, pair in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
            if 15 in pair:
                matches_of_16["played"] += 1
                if matches_of_16["played"] > 1:
                    won[i] = pair.index(15)
        return scores_for(won)

    progress, _, _ = run(16, "simple", decide)
    b = progress.bracket
    free = rematch_free_rounds(16)
    wb = (b.side == MAIN) & ~b.bye
    met = {tuple(sorted(p)) for p in progress.slots[wb].tolist()}
    rematches = [
        (int(b.round[m]), sorted(progress.slots[m].tolist()))
        for m in positions(b, LOSERS).tolist()
        if tuple(sorted(progress.slots[m].tolist())) in met
    ]
    assert rematches[0] == (free + 1, [0, 15])


# --- standings while the bracket is played -----------------------------------------------


def partial_plays(progress: Progress, rng: np.random.Generator) -> Iterator[None]:
    """Decide a random part of the ready matches, again and again, yielding after each step."""
    b = progress.bracket
    while True:
        ready = (progress.winner_slot == UNDECIDED) & ~b.bye
        ready &= (progress.slots != NO_PLAYER).all(axis=1)
        pending = np.flatnonzero(ready)
        if pending.size == 0:
            return
        chosen = pending[rng.random(pending.size) < 0.4]
        if chosen.size == 0:
            chosen = pending[:1]
        won = rng.integers(0, 2, chosen.size).astype(np.int8)
        progress.winner_slot[chosen] = won
        winners, losers = winners_and_losers(progress.slots[chosen], won)
        moves = advance(
            chosen,
            b.winner_to[chosen],
            b.winner_slot[chosen],
            b.loser_to[chosen],
            b.loser_slot[chosen],
            winners,
            losers,
        )
        progress.slots[moves.target, moves.slot] = moves.player
        yield


@FAST
@given(st.integers(min_value=3, max_value=80), grand_finals, rng_seeds)
def test_standings_while_in_progress(players: int, grand_final: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    opts = options(grand_final)
    progress = Progress.fresh(generate(players, opts))
    b = progress.bracket
    lb = b.side == LOSERS
    fresh = standings(progress, opts)
    assert fresh.rank.min() == 1 and (fresh.losses == 0).all()
    for _ in partial_plays(progress, rng):
        rank = standings(progress, opts).rank
        assert_competition_ranks(rank)
        out = eliminations(progress)
        gone = np.flatnonzero(out > 0)
        # knocked out in the same round: same place; in a later round: a better place
        for p in gone.tolist():
            assert (rank[gone[out[gone] == out[p]]] == rank[p]).all()
            assert (rank[gone[out[gone] > out[p]]] < rank[p]).all()
        # players waiting in a losers match of round t rank above everyone out by round t
        open_lb = np.flatnonzero(lb & (progress.winner_slot == UNDECIDED))
        for m in open_lb.tolist():
            for p in progress.slots[m][progress.slots[m] != NO_PLAYER].tolist():
                assert (rank[p] < rank[gone[out[gone] <= b.round[m]]]).all()
        # nobody knocked out is level with or above a player who is still in
        alive = np.setdiff1d(np.arange(players), gone)
        if gone.size:
            assert rank[alive].min() < rank[gone].min()


# --- reset_match ------------------------------------------------------------------------------


@pytest.mark.parametrize("grand_final", ["simple", "none"])
def test_reset_match_only_with_the_reset_option(grand_final: str) -> None:
    decide = scripted({(0, 1): [0, 1]})  # the losers champion wins the grand final
    progress, _, reset = run(4, grand_final, decide)
    assert not reset
    assert reset_match(progress, options(grand_final)) is None


def test_reset_match_waits_for_the_grand_final() -> None:
    opts = options("reset")
    progress = Progress.fresh(generate(6, opts))
    assert reset_match(progress, opts) is None
    step = play_out(progress.bracket, progress.slots, progress.winner_slot, better_seed_wins)
    assert step.position.size
    assert reset_match(progress, opts) is None
    play_to_end(progress, better_seed_wins)
    assert reset_match(progress, opts) is None  # the winners champion won


# --- determinism and size --------------------------------------------------------------------


@FAST
@given(st.integers(min_value=2, max_value=5000), grand_finals)
def test_generation_is_deterministic(players: int, grand_final: str) -> None:
    assume(valid(players, grand_final))
    first = generate(players, options(grand_final))
    again = generate(players, options(grand_final))
    for name in ("round", "number", "side", "entrants", "winner_to", "winner_slot"):
        assert np.array_equal(getattr(first, name), getattr(again, name)), name
    for name in ("loser_to", "loser_slot", "bye", "stages"):
        assert np.array_equal(getattr(first, name), getattr(again, name)), name
    assert np.array_equal(generate(players).round, generate(players, options("simple")).round)


def test_same_results_same_standings() -> None:
    first, _, _ = run(77, "reset", random_decider(np.random.default_rng(3)))
    again, _, _ = run(77, "reset", random_decider(np.random.default_rng(3)))
    assert np.array_equal(first.slots, again.slots)
    assert np.array_equal(standings(first).rank, standings(again).rank)


@pytest.mark.parametrize("players", [1 << 17, 100_000])
def test_large_brackets(players: int) -> None:
    b = generate(players)
    size = bracket_size(players)
    assert b.match_count == 2 * players - 2 + size - players
    assert int((b.side == LOSERS).sum()) == players - 2
    assert int(b.round[b.side == LOSERS].max()) == 2 * (size.bit_length() - 2)
    progress, played, _ = run(players, "simple", random_decider(np.random.default_rng(1)))
    assert played == 2 * players - 2
    rank = standings(progress).rank
    assert int((rank == 1).sum()) == 1 and int((rank == 2).sum()) == 1


def test_format_interface() -> None:
    fmt = DoubleElimination(options("reset"))
    assert (fmt.name, fmt.allows_draws(1), fmt.grows) == ("double_elimination", False, True)
    assert not DoubleElimination(options("simple")).grows
    fmt.check(2)
    with pytest.raises(FormatError):
        DoubleElimination(options("none")).check(2)
    progress = Progress.fresh(fmt.start(4))
    play_to_end(progress, scripted({(0, 1): [0, 1]}))
    reset = fmt.extend(progress)
    assert reset is not None and reset.entrants.tolist() == [[0, 1]]
    assert fmt.standings(progress).rank.tolist() == [1, 1, 3, 4]
