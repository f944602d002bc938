"""Groups → knockout: snake groups, option checks, the group stage, whole runs, standings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats import knockout, round_robin
from bracketry.engine.formats.base import FormatError, Progress
from bracketry.engine.formats.groups import (
    GROUP_STAGE,
    KNOCKOUT_STAGE,
    Groups,
    GroupsOptions,
    check,
    group_stage,
    snake_groups,
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
from bracketry.engine.play import Decider, play_out, winners_and_losers
from bracketry.engine.seeding import bracket_size
from bracketry.engine.simulate import rating_decider, synthetic_ratings

FAST = settings(max_examples=50, deadline=None)

MAIN = side_code(Side.MAIN)
WIN = outcome_code(Outcome.WIN)
DRAW = outcome_code(Outcome.DRAW)
GROUP_DRAW_RATE = 0.3

rng_seeds = st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def setups(draw: st.DrawFn, max_players: int = 120) -> tuple[int, GroupsOptions]:
    """A player count and options that :func:`check` accepts."""
    players = draw(st.integers(min_value=2, max_value=max_players))
    groups = draw(st.integers(min_value=1, max_value=players // 2))
    smallest = players // groups
    advance = draw(st.integers(min_value=1, max_value=smallest))
    extra = draw(st.integers(min_value=0, max_value=groups - 1)) if advance < smallest else 0
    if groups * advance + extra < knockout.MIN_PLAYERS:  # one group of >= 2, one qualifier
        advance = 2
    double, third_place = draw(st.booleans()), draw(st.booleans())
    return players, GroupsOptions(groups, advance, extra, double, third_place)


# --- playing ------------------------------------------------------------------------------


def play_to_end(progress: Progress, decide: Decider) -> int:
    """Call play_out until it decides nothing; record scores and outcomes (a winner slot of
    NO_WINNER is a draw). Returns how many matches were decided."""
    decided = 0
    while True:
        step = play_out(progress.bracket, progress.slots, progress.winner_slot, decide)
        if step.position.size == 0:
            return decided
        progress.scores[step.position, 0] = step.score_a
        progress.scores[step.position, 1] = step.score_b
        progress.outcome[step.position] = np.where(step.winner_slot == NO_WINNER, DRAW, WIN)
        decided += step.position.size


def run(players: int, options: GroupsOptions, seed: int) -> tuple[Progress, Bracket, Progress]:
    """Play the groups (draws allowed), extend, play the knockout (no draws). Returns the
    finished group stage, the appended knockout and the finished tournament."""
    fmt = Groups(options)
    rng = np.random.default_rng(seed)
    ratings = np.sort(synthetic_ratings(players, rng))[::-1].copy()  # seed 1 rated highest
    groups = Progress.fresh(fmt.start(players), ratings)
    play_to_end(groups, rating_decider(ratings, rng, GROUP_DRAW_RATE))
    assert (groups.winner_slot != UNDECIDED).all()
    more = fmt.extend(groups)
    assert more is not None
    full = groups.then(more)
    play_to_end(full, rating_decider(ratings, rng, 0.0))
    return groups, more, full


def group_of_pairs(bracket: Bracket, group: np.ndarray) -> np.ndarray:
    """Per match, the group of slot A's player."""
    return group[bracket.entrants[:, 0]]


def assert_competition_ranks(rank: np.ndarray) -> None:
    """Rank r means exactly r - 1 players placed strictly better."""
    ordered = np.sort(rank)
    assert np.array_equal(rank, np.searchsorted(ordered, rank, side="left") + 1)


def seed_order(more: Bracket, qualifier_count: int, third_place: bool) -> np.ndarray:
    """The players of the knockout ``more`` in knockout seed order, read off its entrants by
    matching them with the plain bracket for ``qualifier_count`` seeds."""
    plain = knockout.generate(qualifier_count, knockout.KnockoutOptions(third_place=third_place))
    assert np.array_equal(plain.entrants == NO_PLAYER, more.entrants == NO_PLAYER)
    known = plain.entrants != NO_PLAYER
    order = np.full(qualifier_count, NO_PLAYER)
    order[plain.entrants[known]] = more.entrants[known]
    return order


def record(
    points: np.ndarray, diff: np.ndarray, score_for: np.ndarray, p: int
) -> tuple[float, int, int]:
    """A player's group record as compared between groups: points, difference, scores."""
    return (round(float(points[p]), 9), int(diff[p]), int(score_for[p]))


# --- snake_groups -----------------------------------------------------------------------------


def test_snake_order_by_hand() -> None:
    # seeds 1..8 dealt to 3 groups: 1 2 3 → then 4 5 6 back ← then 7 8 →
    assert snake_groups(8, 3).tolist() == [0, 1, 2, 2, 1, 0, 0, 1]
    assert snake_groups(8, 2).tolist() == [0, 1, 1, 0, 0, 1, 1, 0]
    assert snake_groups(5, 1).tolist() == [0] * 5


@FAST
@given(st.integers(min_value=1, max_value=2000), st.integers(min_value=1, max_value=200))
def test_snake_groups_are_balanced_and_seeded(players: int, groups: int) -> None:
    groups = min(groups, players)
    group = snake_groups(players, groups)
    assert group.shape == (players,)
    assert group.min() >= 0 and group.max() < groups
    sizes = np.bincount(group, minlength=groups)
    assert sizes.max() - sizes.min() <= 1
    assert sizes.min() == players // groups
    # the top G seeds are spread one per group
    assert sorted(group[:groups].tolist()) == list(range(groups))
    # every lap of G seeds visits every group once
    full_laps = players // groups * groups
    laps = group[:full_laps].reshape(-1, groups)
    assert (np.sort(laps, axis=1) == np.arange(groups)).all()


# --- check ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("players", "options", "field", "limit"),
    [
        (3, GroupsOptions(groups=2, advance=1), "config.groups", "at least 4 players, got 3"),
        (7, GroupsOptions(groups=4, advance=1), "config.groups", "at least 8 players"),
        (8, GroupsOptions(groups=0), "config.groups", "at least 1 group"),
        (8, GroupsOptions(groups=4, advance=3), "config.advance", "smallest group (2 players)"),
        (9, GroupsOptions(groups=2, advance=5), "config.advance", "smallest group (4 players)"),
        (8, GroupsOptions(groups=2, advance=0), "config.advance", "at least 1"),
        (8, GroupsOptions(groups=2, advance=4, extra=1), "config.extra", "place 5"),
        (9, GroupsOptions(groups=2, advance=4, extra=1), "config.extra", "place 5"),
        (12, GroupsOptions(groups=2, advance=1, extra=2), "config.extra", "0..1"),
        (20, GroupsOptions(groups=4, advance=1, extra=4), "config.extra", "0..3"),
        (20, GroupsOptions(groups=4, advance=1, extra=-1), "config.extra", "0..3"),
        (5, GroupsOptions(groups=1, advance=1), "config.advance", "at least 2 qualifiers"),
        (5001, GroupsOptions(groups=1, advance=2), "config.groups", "more than 5000 players"),
    ],
)
def test_check_refusals(players: int, options: GroupsOptions, field: str, limit: str) -> None:
    with pytest.raises(FormatError) as caught:
        check(players, options)
    assert caught.value.field == field
    assert limit in str(caught.value)
    with pytest.raises(FormatError):
        Groups(options).check(players)


@pytest.mark.parametrize(
    ("players", "options"),
    [
        (2, GroupsOptions(groups=1, advance=2)),
        (4, GroupsOptions(groups=2, advance=1)),
        (8, GroupsOptions(groups=2, advance=2)),
        (8, GroupsOptions(groups=4, advance=2)),
        (9, GroupsOptions(groups=2, advance=3, extra=1)),
        (32, GroupsOptions(groups=8, advance=2, extra=7, double=True)),
        (9999, GroupsOptions(groups=2, advance=2)),  # groups of 5000 and 4999
    ],
)
def test_check_accepts_valid_options(players: int, options: GroupsOptions) -> None:
    check(players, options)
    Groups(options).check(players)


@pytest.mark.parametrize(("players", "groups"), [(5000, 1), (10000, 2)])
def test_check_accepts_groups_of_exactly_the_round_robin_limit(players: int, groups: int) -> None:
    assert snake_groups(players, groups).tolist().count(0) == round_robin.MAX_PLAYERS
    check(players, GroupsOptions(groups=groups, advance=2))


def valid(players: int, options: GroupsOptions) -> bool:
    """The documented limits, written independently of :func:`check`."""
    g, a, e = options.groups, options.advance, options.extra
    if g < 1 or players < 2 * g:
        return False
    smallest = players // g
    return (
        1 <= a <= smallest
        and 0 <= e < g
        and (e == 0 or a < smallest)
        and g * a + e >= knockout.MIN_PLAYERS
    )


@FAST
@given(
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=-1, max_value=12),
    st.integers(min_value=-1, max_value=12),
    st.integers(min_value=-1, max_value=12),
)
def test_check_refuses_exactly_the_invalid_splits(
    players: int, groups: int, advance: int, extra: int
) -> None:
    options = GroupsOptions(groups=groups, advance=advance, extra=extra)
    if valid(players, options):
        check(players, options)
    else:
        with pytest.raises(FormatError) as caught:
            check(players, options)
        assert caught.value.field in ("config.groups", "config.advance", "config.extra")


@FAST
@given(setups())
def test_setups_strategy_is_valid(setup: tuple[int, GroupsOptions]) -> None:
    players, options = setup
    assert valid(players, options)
    check(players, options)


# --- the group stage ---------------------------------------------------------------------------


def single_rounds(size: int) -> int:
    """Rounds of one Berger cycle for a group of ``size``."""
    return size - 1 if size % 2 == 0 else size


@FAST
@given(setups())
@example((8, GroupsOptions(groups=3, advance=2, double=True)))
@example((120, GroupsOptions(groups=1, advance=2, double=True)))
def test_group_stage_structure(setup: tuple[int, GroupsOptions]) -> None:
    players, options = setup
    b = group_stage(players, options)
    group = snake_groups(players, options.groups)
    sizes = np.bincount(group, minlength=options.groups)
    cycles = 2 if options.double else 1
    m = b.match_count

    # counts, stage, no links, no byes stored
    assert m == cycles * int((sizes * (sizes - 1) // 2).sum())
    assert b.player_count == players
    assert (b.stages == GROUP_STAGE).all()
    assert (b.winner_to == NO_MATCH).all() and (b.loser_to == NO_MATCH).all()
    assert not b.bye.any()
    assert (b.side == MAIN).all()
    assert (b.entrants >= 0).all() and (b.entrants < players).all()
    assert Groups(options).start(players).entrants.tolist() == b.entrants.tolist()

    # every same-group ordered pair once with double, every unordered pair once without;
    # nobody meets another group's player
    a, h = b.entrants[:, 0].astype(np.int64), b.entrants[:, 1].astype(np.int64)
    assert (group[a] == group[h]).all()
    ordered = np.bincount(a * players + h, minlength=players**2).reshape(players, players)
    same = (group[:, None] == group[None, :]) & ~np.eye(players, dtype=bool)
    if options.double:
        assert np.array_equal(ordered, same.astype(np.int64))
        # the return leg is exactly one Berger cycle later
        leg = np.zeros((players, players), dtype=np.int64)
        leg[a, h] = b.round
        gap = np.abs(leg - leg.T)[same]
        rows = np.nonzero(same)[0]
        assert np.array_equal(gap, [single_rounds(int(sizes[group[r]])) for r in rows])
    else:
        assert np.array_equal(ordered + ordered.T, same.astype(np.int64))

    # rounds: each group plays its own Berger rounds; nobody plays twice in a round
    assert b.round.min() == 1
    assert b.round_count == cycles * single_rounds(int(sizes.max()))
    for g in range(options.groups):
        mine = group[a] == g
        assert b.round[mine].max() == cycles * single_rounds(int(sizes[g]))
    seen = np.concatenate([b.round, b.round]).astype(np.int64) * players
    seen += np.concatenate([a, h])
    assert np.unique(seen).size == seen.size

    # matches sorted by round, numbered 1..k within each round
    assert (np.diff(b.round) >= 0).all()
    per_round = np.bincount(b.round)[1:]
    starts = np.concatenate([[0], np.cumsum(per_round)[:-1]])
    assert np.array_equal(b.number, np.arange(m) - np.repeat(starts, per_round) + 1)


def test_group_stage_by_hand() -> None:
    """8 players in 2 groups: {1, 4, 5, 8} and {2, 3, 6, 7}, each the 4-player Berger table
    ("1-4 2-3", "4-3 1-2", "2-4 3-1") on its members in seed order."""
    b = group_stage(8, GroupsOptions(groups=2))
    assert b.entrants.tolist() == [
        [0, 7], [3, 4], [1, 6], [2, 5],
        [7, 4], [0, 3], [6, 5], [1, 2],
        [3, 7], [4, 0], [2, 6], [5, 1],
    ]  # fmt: skip
    assert b.round.tolist() == [1] * 4 + [2] * 4 + [3] * 4
    assert b.number.tolist() == [1, 2, 3, 4] * 3


def test_uneven_groups_have_their_own_round_counts() -> None:
    """9 players in 2 groups of 5 and 4: 5 rounds (one bye each) and 3 rounds."""
    b = group_stage(9, GroupsOptions(groups=2))
    group = snake_groups(9, 2)
    assert np.bincount(group).tolist() == [5, 4]
    of = group_of_pairs(b, group)
    assert np.bincount(b.round[of == 0]).tolist() == [0, 2, 2, 2, 2, 2]
    assert np.bincount(b.round[of == 1]).tolist() == [0, 2, 2, 2]
    assert b.match_count == 10 + 6


# --- whole runs ---------------------------------------------------------------------------------


@FAST
@given(setups(), rng_seeds)
@example((8, GroupsOptions(groups=2, advance=2)), 0)
@example((12, GroupsOptions(groups=3, advance=1, extra=1, third_place=False)), 1)
@example((5, GroupsOptions(groups=2, advance=1)), 2)
@example((120, GroupsOptions(groups=7, advance=3, extra=6, double=True)), 3)
def test_whole_run(setup: tuple[int, GroupsOptions], seed: int) -> None:
    players, options = setup
    fmt = Groups(options)
    groups_done, more, full = run(players, options, seed)
    b = full.bracket
    m1 = groups_done.bracket.match_count
    knockout_at = np.arange(m1, b.match_count)

    # the knockout: exactly the qualifiers, stage 2, no draws
    assert fmt.allows_draws(GROUP_STAGE) and not fmt.allows_draws(KNOCKOUT_STAGE)
    count = options.groups * options.advance + options.extra
    assert (more.stages == KNOCKOUT_STAGE).all()
    assert more.player_count == players
    assert more.match_count == knockout.match_count(count, options.third_place)
    assert (b.stages[:m1] == GROUP_STAGE).all() and (b.stages[m1:] == KNOCKOUT_STAGE).all()
    assert np.isin(full.winner_slot[knockout_at], [0, 1]).all()
    assert (full.winner_slot != UNDECIDED).all()
    seeded = seed_order(more, count, options.third_place)
    assert np.unique(seeded).size == count
    qualifiers = fmt.qualifiers(full)
    assert np.array_equal(qualifiers, fmt.qualifiers(groups_done))
    assert np.array_equal(np.sort(seeded), np.sort(qualifiers))
    # Crossover only moves lower-placed (slot B) players, and never adds a group rematch.
    group_of = snake_groups(players, options.groups)
    half = bracket_size(count) // 2
    first = more.entrants[:half]
    plain_first = knockout.generate(count).entrants[:half]
    plain_pairs = np.where(plain_first == NO_PLAYER, NO_PLAYER, qualifiers[plain_first.clip(0)])
    assert np.array_equal(first[:, 0], plain_pairs[:, 0])

    def same_group(pairs: np.ndarray) -> int:
        real = (pairs != NO_PLAYER).all(axis=1)
        return int((group_of[pairs[real, 0]] == group_of[pairs[real, 1]]).sum())

    assert same_group(first) <= same_group(plain_pairs)
    seeded = qualifiers  # the seed order, before crossover moved anyone

    # the qualifiers: the top `advance` of each group, then the best `extra` places advance + 1
    table, group, place = fmt.group_table(full)
    sizes = np.bincount(group, minlength=options.groups)
    assert np.array_equal(
        np.sort(place), np.sort(np.concatenate([np.arange(1, s + 1) for s in sizes]))
    )
    for g in range(options.groups):  # places follow points within a group
        mine = np.flatnonzero(group == g)
        by_place = mine[np.argsort(place[mine])]
        assert (np.diff(table.points[by_place]) <= 1e-9).all()
    top = options.groups * options.advance
    assert np.array_equal(np.sort(seeded[:top]), np.flatnonzero(place <= options.advance))
    diff = table.score_for - table.score_against
    rec = [record(table.points, diff, table.score_for, p) for p in range(players)]
    extras = seeded[top:]
    assert (place[extras] == options.advance + 1).all()
    left_out = np.setdiff1d(np.flatnonzero(place == options.advance + 1), extras)
    if extras.size and left_out.size:
        assert min(rec[p] for p in extras) >= max(rec[p] for p in left_out)
    # seed order: by place, then by record
    assert (np.diff(place[seeded]) >= 0).all()
    for x, y in zip(seeded[:-1].tolist(), seeded[1:].tolist(), strict=True):
        if place[x] == place[y]:
            assert rec[x] >= rec[y]

    # nothing after the knockout; what a changed result would remove
    assert fmt.extend(full) is None
    assert fmt.appended_after(groups_done, 0).size == 0
    for position in (0, m1 - 1):
        assert np.array_equal(fmt.appended_after(full, position), knockout_at)
    for position in (m1, b.match_count - 1):
        assert fmt.appended_after(full, position).size == 0

    # standings: the knockout winner first, qualifiers above everyone else, "1224" ranks
    s = fmt.standings(full)
    rank = s.rank
    final = np.flatnonzero(
        (b.stages == KNOCKOUT_STAGE) & (b.side == MAIN) & (b.round == b.round[m1:].max())
    )
    (champion,), _ = winners_and_losers(full.slots[final], full.winner_slot[final])
    assert rank[champion] == 1 and int((rank == 1).sum()) == 1
    others = np.setdiff1d(np.arange(players), seeded)
    if others.size:
        assert rank[seeded].max() < rank[others].min()
    assert_competition_ranks(rank)
    assert np.array_equal(s.metrics["group"], group + 1.0)
    assert np.array_equal(s.metrics["group_place"], place.astype(float))
    assert int(s.draws.sum()) == 2 * int((full.outcome == DRAW).sum())
    appearances = np.bincount(full.slots[~b.bye].ravel(), minlength=players)
    assert np.array_equal(s.wins + s.draws + s.losses, appearances)


@FAST
@given(setups(max_players=60), rng_seeds)
def test_same_inputs_same_tournament(setup: tuple[int, GroupsOptions], seed: int) -> None:
    players, options = setup
    _, more, full = run(players, options, seed)
    _, more_again, again = run(players, options, seed)
    for name in ("round", "number", "side", "entrants", "winner_to", "winner_slot", "stages"):
        assert np.array_equal(getattr(more, name), getattr(more_again, name)), name
        assert np.array_equal(getattr(full.bracket, name), getattr(again.bracket, name)), name
    assert np.array_equal(full.slots, again.slots)
    fmt = Groups(options)
    assert np.array_equal(fmt.standings(full).rank, fmt.standings(again).rank)


def test_standings_before_the_knockout_rank_by_group_place() -> None:
    groups_done, _, _ = run(30, GroupsOptions(groups=5, advance=2), seed=11)
    fmt = Groups(GroupsOptions(groups=5, advance=2))
    rank = fmt.standings(groups_done).rank
    _, _, place = fmt.group_table(groups_done)
    assert_competition_ranks(rank)
    for p in range(1, 6):
        assert rank[place == p].max() < rank[place == p + 1].min()


# --- a hand-checked tournament -----------------------------------------------------------------


def by_the_seed_gap(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The better seed wins, by as many goals as the seeds differ, conceding none."""
    won = (b < a).astype(np.int8)
    gap = np.abs(a - b).astype(np.int64)
    return won, np.where(won == 0, gap, 0), np.where(won == 0, 0, gap)


def by_one_goal(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The better seed wins by one goal, scoring the loser's seed number."""
    won = (b < a).astype(np.int8)
    loser_seed = np.maximum(a, b).astype(np.int64) + 1
    return (
        won,
        np.where(won == 0, loser_seed, loser_seed - 1),
        np.where(won == 0, loser_seed - 1, loser_seed),
    )


@pytest.mark.parametrize(
    ("decide", "qualified", "first_round", "ranks"),
    [
        # winners: seed 1 (+17) above seed 2 (+13); runners-up: seed 3 (+6) above seed 4 (+2)
        # seeds 1 v 4 would be a group A rematch: crossover makes it 1 v 3 and 2 v 4.
        (by_the_seed_gap, [0, 1, 2, 3], [[0, 2], [1, 3]], [1, 2, 3, 4, 5, 6, 7, 8]),
        # all winners +3 and runners-up +1: scores decide. Seed 1 scored 17, seed 2 16;
        # seed 4 scored 16, seed 3 15. Third places: seed 6 scored 17, seed 5 16; last
        # places: seed 8 scored 21, seed 7 18.
        (by_one_goal, [0, 1, 3, 2], [[0, 2], [1, 3]], [1, 2, 3, 4, 6, 5, 8, 7]),
    ],
)
def test_eight_players_two_groups_by_hand(
    decide: Decider, qualified: list[int], first_round: list[list[int]], ranks: list[int]
) -> None:
    """Groups A = seeds {1, 4, 5, 8}, B = {2, 3, 6, 7}; the better seed wins every match.
    Group places follow the seeds; the knockout takes the two group winners (seeded by their
    record), then the two runners-up, and pairs each winner with the other group's runner-up."""
    options = GroupsOptions(groups=2, advance=2)
    fmt = Groups(options)
    progress = Progress.fresh(fmt.start(8))
    assert play_to_end(progress, decide) == 12
    assert (progress.outcome == WIN).all()

    table, group, place = fmt.group_table(progress)
    assert group.tolist() == [0, 1, 1, 0, 0, 1, 1, 0]
    assert place.tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert table.points.tolist() == [9, 9, 6, 6, 3, 3, 0, 0]
    assert fmt.qualifiers(progress).tolist() == qualified

    more = fmt.extend(progress)
    assert more is not None
    assert more.entrants[:2].tolist() == first_round
    assert more.side.tolist() == [MAIN, MAIN, MAIN, side_code(Side.THIRD_PLACE)]
    full = progress.then(more)
    assert play_to_end(full, decide) == 4
    # final and third-place match: the top two seeds, then the semi-final losers
    assert full.slots[14:].tolist() == [[0, 1], [first_round[0][1], first_round[1][1]]]

    s = fmt.standings(full)
    assert s.rank.tolist() == ranks
    assert s.metrics["group"].tolist() == [1, 2, 2, 1, 1, 2, 2, 1]
    assert s.metrics["group_place"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert s.wins.tolist() == [5, 4, 3, 2, 1, 1, 0, 0]
    assert fmt.extend(full) is None


def test_format_interface() -> None:
    fmt = Groups()
    assert (fmt.name, fmt.grows) == ("groups", True)
    assert fmt.allows_draws(GROUP_STAGE) and not fmt.allows_draws(KNOCKOUT_STAGE)
    fmt.check(8)
    with pytest.raises(FormatError):
        fmt.check(7)
