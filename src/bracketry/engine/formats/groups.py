"""Groups, then a knockout: parallel round robins (stage 1) whose best players go on to a
single-elimination bracket (stage 2), generated once every group match is decided.

Players (index = seed - 1) are dealt to G groups like cards in a snake (1→G, then G→1, …),
so group sizes differ by at most one and every group gets a fair share of the seeds; or,
``balanced``, strongest first into the group with the lowest rating sum that has room. Each
group plays a Berger round robin; round r of every group is round r of the stage. The top
``advance`` of each group qualify, plus the ``extra`` best players placed ``advance + 1``
(compared by points, score difference, scores, then lot). Qualifiers are seeded by place
first (every group winner above every runner-up), then by their group record, and the
knockout is the standard bracket for that many players (byes to the top seeds); where two
players of one group would meet in its first round, the lower-placed one trades places
with the nearest lower-placed player whose move keeps both matches between groups.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats import knockout, round_robin
from bracketry.engine.formats.base import NOTHING, FormatError, Games, Progress, Table
from bracketry.engine.model import NO_MATCH, NO_PLAYER, Side, side_code
from bracketry.engine.seeding import bracket_size
from bracketry.engine.simulate import DEFAULT_RATING
from bracketry.engine.standings import knockout_standings, shared_rank
from bracketry.engine.tiebreaks import PointsRule, points_table

GROUP_STAGE, KNOCKOUT_STAGE = 1, 2
MIN_GROUP_SIZE = 2


@dataclass(frozen=True)
class GroupsOptions:
    """Options of a groups → knockout tournament."""

    groups: int = 4
    advance: int = 2
    extra: int = 0
    double: bool = False
    third_place: bool = True
    knockout: bool = True
    """False: the groups are the whole tournament (a round robin split into groups)."""
    distribution: str = "snake"
    """"snake" by seed, or "balanced": equal rating sums as far as greedy dealing gets."""


def snake_groups(player_count: int, groups: int) -> np.ndarray:
    """The group (0-based) of each player index, dealt in snake order.

    >>> snake_groups(8, 3).tolist()
    [0, 1, 2, 2, 1, 0, 0, 1]
    """
    index = np.arange(player_count)
    lap, seat = np.divmod(index, groups)
    return np.where(lap % 2 == 0, seat, groups - 1 - seat).astype(np.int64)


def groups_of(player_count: int, options: GroupsOptions, ratings: np.ndarray | None) -> np.ndarray:
    """Each player's group under ``options.distribution``."""
    if options.distribution == "balanced" and ratings is not None:
        return balanced_groups(ratings, options.groups)
    return snake_groups(player_count, options.groups)


def check(player_count: int, options: GroupsOptions) -> None:
    """Raise :class:`FormatError` for a split the players cannot fill.

    >>> check(8, GroupsOptions(groups=4, advance=3))
    Traceback (most recent call last):
    ...
    bracketry.engine.formats.base.FormatError: advance=3 is more than the smallest group (2 players)
    """
    if options.groups < 1:
        raise FormatError("config.groups", "at least 1 group")
    if player_count < MIN_GROUP_SIZE * options.groups:
        raise FormatError(
            "config.groups",
            f"{options.groups} groups need at least {MIN_GROUP_SIZE * options.groups} players, "
            f"got {player_count}",
        )
    smallest = player_count // options.groups
    if options.advance < 1 or options.advance > smallest:
        raise FormatError(
            "config.advance",
            f"advance={options.advance} is more than the smallest group ({smallest} players)"
            if options.advance > smallest
            else "at least 1 player of each group advances",
        )
    if options.extra > 0 and options.advance + 1 > smallest:
        raise FormatError(
            "config.extra", f"no group of {smallest} has a place {options.advance + 1} to take"
        )
    if options.extra < 0 or options.extra >= options.groups:
        raise FormatError(
            "config.extra", f"extra must be 0..{options.groups - 1} (below the group count)"
        )
    if options.groups * options.advance + options.extra < knockout.MIN_PLAYERS:
        raise FormatError("config.advance", "the knockout needs at least 2 qualifiers")
    if -(-player_count // options.groups) > round_robin.MAX_PLAYERS:
        raise FormatError(
            "config.groups", f"groups of more than {round_robin.MAX_PLAYERS} players are too big"
        )


def balanced_groups(ratings: np.ndarray, groups: int) -> np.ndarray:
    """The group of each player: strongest first, each to the group with the lowest rating
    sum that still has room (sizes as in the snake); NaN counts as the default rating.

    >>> balanced_groups(np.array([2000.0, 1900.0, 1800.0, 1000.0, 1000.0, 900.0]), 2).tolist()
    [0, 1, 1, 0, 0, 1]
    """
    filled = np.where(np.isnan(ratings), DEFAULT_RATING, ratings)
    room = np.bincount(snake_groups(filled.size, groups), minlength=groups).tolist()
    heap = [(0.0, g) for g in range(groups)]
    group = np.empty(filled.size, dtype=np.int64)
    for player in np.argsort(-filled, kind="stable").tolist():
        total, chosen = heapq.heappop(heap)
        group[player] = chosen
        room[chosen] -= 1
        if room[chosen]:
            heapq.heappush(heap, (total + float(filled[player]), chosen))
    return group


def group_stage(
    player_count: int, options: GroupsOptions, ratings: np.ndarray | None = None
) -> Bracket:
    """Every group's round robin as one link-free stage.

    >>> b = group_stage(8, GroupsOptions(groups=2))
    >>> b.match_count, b.round_count, b.entrants[:2].tolist()
    (12, 3, [[0, 7], [3, 4]])
    """
    group = groups_of(player_count, options, ratings)
    order = np.lexsort((np.arange(player_count), group))
    sizes = np.bincount(group, minlength=options.groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    parts = []
    for size in np.unique(sizes):
        chosen = np.flatnonzero(sizes == size)
        members = order[starts[chosen][:, None] + np.arange(size)]
        pairs = round_robin.berger_pairings(int(size))
        if options.double:
            pairs = np.concatenate([pairs, pairs[..., ::-1]])
        rounds, boards = pairs.shape[:2]
        bye = (pairs == NO_PLAYER).any(axis=2)
        played = np.broadcast_to(~bye, (chosen.size, rounds, boards))
        global_pairs = members[:, np.where(pairs == NO_PLAYER, 0, pairs)]
        round_ = np.broadcast_to(np.arange(1, rounds + 1)[None, :, None], played.shape)
        group_of = np.broadcast_to(chosen[:, None, None], played.shape)
        parts.append((round_[played], group_of[played], global_pairs[played]))
    round_ = np.concatenate([p[0] for p in parts])
    group_of = np.concatenate([p[1] for p in parts])
    pairs = np.concatenate([p[2] for p in parts])
    sort = np.lexsort((np.arange(round_.size), group_of, round_))
    round_, pairs = round_[sort], pairs[sort]
    first_of_round = np.searchsorted(round_, round_, side="left")
    count = round_.size
    nowhere = np.full(count, NO_MATCH, dtype=np.int32)
    return Bracket(
        round=round_.astype(np.int16),
        number=(np.arange(count) - first_of_round + 1).astype(np.int32),
        side=np.full(count, side_code(Side.MAIN), dtype=np.int8),
        entrants=pairs.astype(np.int32),
        winner_to=nowhere,
        winner_slot=np.zeros(count, dtype=np.int8),
        loser_to=nowhere.copy(),
        loser_slot=np.zeros(count, dtype=np.int8),
        bye=np.zeros(count, dtype=bool),
        player_count=player_count,
        stage=np.full(count, GROUP_STAGE, dtype=np.int16),
    )


@dataclass(frozen=True)
class Groups:
    """Groups → knockout behind the :class:`~bracketry.engine.formats.base.Format` interface."""

    options: GroupsOptions = GroupsOptions()
    points: PointsRule = round_robin.FOOTBALL_POINTS
    tiebreaks: tuple[str, ...] = round_robin.DEFAULT_TIEBREAKS
    lot_seed: int = 0
    name: str = "groups"
    grows: bool = True

    def allows_double_forfeit(self, stage: int) -> bool:
        """Both lose in the groups; in the knockout both are out (walkover)."""
        return True

    def allows_draws(self, stage: int) -> bool:
        """Draws in the groups; the knockout needs winners."""
        return stage == GROUP_STAGE

    def check(self, player_count: int) -> None:
        """See :func:`check`."""
        check(player_count, self.options)

    def start(self, player_count: int, ratings: np.ndarray | None = None) -> Bracket:
        """The group stage; the knockout follows when it is complete."""
        return group_stage(player_count, self.options, ratings)

    def group_table(self, progress: Progress) -> tuple[Table, np.ndarray, np.ndarray]:
        """Group standings: the table (ranked group by group), each player's group and
        place in it (1-based)."""
        group = groups_of(progress.player_count, self.options, progress.ratings)
        table = points_table(
            Games.of(progress, stage=GROUP_STAGE),
            progress.player_count,
            self.points,
            self.tiebreaks,
            lot_seed=self.lot_seed,
            within=group,
        )
        sizes = np.bincount(group, minlength=self.options.groups)
        first_rank = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        return table, group, table.rank - first_rank[group]

    def qualifiers(self, progress: Progress) -> np.ndarray:
        """Players going on, in knockout seed order."""
        table, _group, place = self.group_table(progress)
        record = np.lexsort(
            (
                np.random.default_rng(self.lot_seed).permutation(progress.player_count),
                -table.score_for,
                -(table.score_for - table.score_against),
                -table.points,
            )
        )
        rank_in_place = np.empty_like(record)
        rank_in_place[record] = np.arange(record.size)
        order = np.lexsort((rank_in_place, place))
        top = order[place[order] <= self.options.advance]
        extras = order[place[order] == self.options.advance + 1][: self.options.extra]
        return np.concatenate([top, extras])

    def extend(self, progress: Progress) -> Bracket | None:
        """The knockout, once the group stage is complete; nothing after that."""
        if not self.options.knockout or (progress.bracket.stages == KNOCKOUT_STAGE).any():
            return None
        qualified = self.qualifiers(progress)
        bracket = knockout.generate(
            int(qualified.size), knockout.KnockoutOptions(third_place=self.options.third_place)
        )
        entrants = np.where(bracket.entrants == NO_PLAYER, NO_PLAYER, qualified[bracket.entrants])
        group = groups_of(progress.player_count, self.options, progress.ratings)
        _cross_over(entrants[: bracket_size(int(qualified.size)) // 2], group)
        return replace(
            bracket,
            entrants=entrants.astype(np.int32),
            player_count=progress.player_count,
            stage=np.full(bracket.match_count, KNOCKOUT_STAGE, dtype=np.int16),
        )

    def appended_after(self, progress: Progress, position: int) -> np.ndarray:
        """The knockout, for a group match (it was seeded from the group tables)."""
        stages = progress.bracket.stages
        if stages[position] != GROUP_STAGE:
            return NOTHING
        return np.flatnonzero(stages == KNOCKOUT_STAGE)

    def standings(self, progress: Progress) -> Table:
        """Knockout places for the qualifiers (once it exists), then everyone else by group
        place, points, score difference and scores; ``metrics`` adds group and place."""
        table, group, place = self.group_table(progress)
        stages = progress.bracket.stages
        later = np.flatnonzero(stages == KNOCKOUT_STAGE)
        key = np.zeros(progress.player_count, dtype=np.int64)
        wins, losses = table.wins.copy(), table.losses.copy()
        score_for, score_against = table.score_for.copy(), table.score_against.copy()
        round_reached = np.zeros(progress.player_count, dtype=np.int32)
        if later.size:
            ko = _knockout_part(progress, int(later[0]))
            s = knockout_standings(ko.bracket, ko.slots, ko.winner_slot, ko.scores)
            qualified = np.zeros(progress.player_count, dtype=bool)
            qualified[ko.slots[ko.slots >= 0]] = True
            key = np.where(qualified, s.key, s.key.max() + 1)
            wins, losses = wins + s.wins, losses + s.losses
            score_for, score_against = score_for + s.score_for, score_against + s.score_against
            round_reached = s.round_reached
        diff = table.score_for - table.score_against
        rank = shared_rank(key, place, -np.round(table.points, 9), -diff, -table.score_for)
        metrics = {"group": group + 1.0, "group_place": place.astype(float), **table.metrics}
        return Table(
            rank=rank,
            points=table.points,
            wins=wins,
            draws=table.draws,
            losses=losses,
            score_for=score_for,
            score_against=score_against,
            round_reached=round_reached,
            metrics=metrics,
        )


def _cross_over(first_round: np.ndarray, group: np.ndarray) -> None:
    """Keep players of one group apart in the knockout's first round where a swap allows:
    the lower-placed player of a same-group match trades places with the lower-placed player
    of the nearest later match (else earlier) where neither match is then a group rematch.
    ``first_round`` (matches, 2) of player indexes is changed in place.

    >>> rounds = np.array([[0, 3], [1, 2]])
    >>> _cross_over(rounds, np.array([0, 1, 1, 0]))
    >>> rounds.tolist()
    [[0, 2], [1, 3]]
    """
    real = (first_round != NO_PLAYER).all(axis=1)
    count = first_round.shape[0]
    for i in np.flatnonzero(real & (group[first_round[:, 0]] == group[first_round[:, 1]])):
        a, b = group[first_round[i, 0]], group[first_round[i, 1]]
        if a != b:
            continue  # an earlier swap already mended it
        for j in [*range(i + 1, count), *range(i - 1, -1, -1)]:
            if not real[j]:
                continue
            other_a, other_b = group[first_round[j, 0]], group[first_round[j, 1]]
            if other_b != a and other_a != b:
                first_round[i, 1], first_round[j, 1] = first_round[j, 1], first_round[i, 1]
                break


def _knockout_part(progress: Progress, offset: int) -> Progress:
    """The knockout stage (positions ``offset..``) as a Progress of its own."""
    b = progress.bracket

    def local(links: np.ndarray) -> np.ndarray:
        return np.where(links == NO_MATCH, NO_MATCH, links - offset).astype(np.int32)

    part = Bracket(
        round=b.round[offset:],
        number=b.number[offset:],
        side=b.side[offset:],
        entrants=b.entrants[offset:],
        winner_to=local(b.winner_to[offset:]),
        winner_slot=b.winner_slot[offset:],
        loser_to=local(b.loser_to[offset:]),
        loser_slot=b.loser_slot[offset:],
        bye=b.bye[offset:],
        player_count=b.player_count,
    )
    return Progress(
        bracket=part,
        slots=progress.slots[offset:],
        winner_slot=progress.winner_slot[offset:],
        outcome=progress.outcome[offset:],
        scores=progress.scores[offset:],
        ratings=progress.ratings,
    )
