"""Double elimination for any number of players: winners bracket, losers bracket, finals.

The winners bracket (side ``main``) is the single-elimination bracket of
:mod:`~bracketry.engine.formats.knockout` without a third-place match: standard seed order,
byes to the top seeds, stored as round-1 bye matches whose player already stands in round 2.
Its losers drop into the losers bracket (side ``losers``). With ``2**k`` bracket slots the
losers bracket has ``2(k - 1)`` rounds before compaction; round 1 pairs the losers of
winners round 1, then *major* rounds ``2r - 2`` (the survivors meet the losers of winners
round ``r``) alternate with *minor* rounds ``2r - 1`` (the survivors play each other).

Drop order. Round-1 losers pair up in bracket order (winners matches ``2j`` and ``2j + 1``).
Losers of winners round ``r >= 2`` go to losers match ``j`` from winners match
``j ^ drop_mask(r, k)``: the binary digits of ``r - 1`` reversed into the top bits of the
match index (round 2 swaps the halves, round 3 the quarters inside each half, round 4 both,
round 5 the eighths, ...). Every mask ordering (natural, reverse, half shift, pair flip
and their compositions: the orderings brackets-manager.js offers) makes each losers match
draw its two sides from fixed sets of winners-bracket blocks; this one keeps the sets apart
for as long as counting allows: losers round ``2r - 2`` never pairs players who met before
while ``r <= 2**(k - r)``, round ``2r - 1`` while ``r <= 2**(k - r - 1)``, and no mask
ordering does better. :func:`rematch_free_rounds` gives the count (3 of 6 rounds for 16
players, 12 of 18 for 1024, 24 of 32 for 2**17; reversing every other round gives 3); after
that a rematch is possible, not forced.

Byes. A winners round-1 bye has no loser, so some losers-bracket slots never receive a
player. Generation compacts them away: a losers match with one dead slot is removed and its
live feeder is linked straight to where that match would send its winner; a match with two
dead slots is removed and the slot it fed becomes dead in turn. Emptied rounds are dropped
and the rest renumbered, so the only byes are the winners round-1 byes.

Grand final (side ``grand_final``): ``"simple"`` is one match, slot A the winners champion,
slot B the losers champion; ``"reset"`` adds, through :func:`reset_match`, a second match
when slot B wins the first; ``"none"`` has no final: the winners-bracket champion is first
and the losers-bracket champion second. Played matches: ``2N - 2`` (``2N - 1`` with a
reset played, ``2N - 3`` without a grand final), plus the stored winners round-1 byes.

Two players need a grand final: the losers bracket is empty, and without a final the loser
of the only match would place second after a single loss, with no second life at all.

:func:`~bracketry.engine.play.play_out` takes matches by round number only (rounds count per
side) and checks a whole round group before deciding any of it, so one call plays the
winners bracket, the next the losers bracket, the next the final: call it until it decides
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal, get_args

import numpy as np

from bracketry.engine.bracket import Bracket
from bracketry.engine.formats.base import NOTHING, FormatError, Progress, Table
from bracketry.engine.formats.knockout import KnockoutOptions
from bracketry.engine.formats.knockout import generate as knockout_generate
from bracketry.engine.model import NO_MATCH, NO_PLAYER, UNDECIDED, Side, Slot, side_code
from bracketry.engine.play import winners_and_losers
from bracketry.engine.seeding import bracket_order, bracket_size
from bracketry.engine.standings import competition_rank

GrandFinal = Literal["none", "simple", "reset"]
GRAND_FINALS: tuple[str, ...] = get_args(GrandFinal)

MIN_PLAYERS = 2
"""Two players work with a grand final (it is the loser's second life), not without one."""
MAX_PLAYERS = 1 << 30
"""Match positions are int32: about ``2 * bracket_size(N)`` matches must fit."""

MAIN = side_code(Side.MAIN)
LOSERS = side_code(Side.LOSERS)
GRAND_FINAL = side_code(Side.GRAND_FINAL)

_DEAD, _WINNER, _LOSER = -1, 0, 1
"""What reaches a losers-bracket slot: nobody, a match's winner, a match's loser."""

CHAMPION, RUNNER_UP, ROUND_KEYS_START = 0, 1, 2
"""Standings keys (smaller is better); losers-bracket rounds key from ``ROUND_KEYS_START``."""


@dataclass(frozen=True)
class DoubleEliminationOptions:
    """Options of a double-elimination stage."""

    grand_final: GrandFinal = "simple"


def check(player_count: int, options: DoubleEliminationOptions) -> None:
    """Raise :class:`FormatError` unless the format can run for ``player_count`` players.

    >>> check(2, DoubleEliminationOptions("simple"))
    >>> try:
    ...     check(2, DoubleEliminationOptions("none"))
    ... except FormatError as error:
    ...     print(error.field)
    config.grand_final
    """
    if options.grand_final not in GRAND_FINALS:
        raise FormatError(
            "config.grand_final",
            f"grand final must be one of {', '.join(GRAND_FINALS)}, got {options.grand_final!r}",
        )
    if player_count < MIN_PLAYERS:
        raise FormatError(
            "players",
            f"a double elimination needs at least {MIN_PLAYERS} players, got {player_count}",
        )
    if player_count > MAX_PLAYERS:
        raise FormatError(
            "players",
            f"a double elimination takes at most {MAX_PLAYERS} players, got {player_count}",
        )
    if player_count == 2 and options.grand_final == "none":
        raise FormatError(
            "config.grand_final",
            "with 2 players a double elimination needs a grand final ('simple' or 'reset'): "
            "without one the loser of the only match would place second after one loss",
        )


def drop_mask(level: int, rounds: int) -> int:
    """XOR mask placing the losers of winners round ``level`` (of ``rounds``) in the losers
    bracket: ``level - 1`` with its binary digits reversed into ``rounds - level`` bits.

    >>> [drop_mask(r, 5) for r in (2, 3, 4, 5)]
    [4, 1, 1, 0]
    >>> drop_mask(2, 6), drop_mask(3, 6), drop_mask(4, 6)
    (8, 2, 3)
    """
    width = rounds - level
    if width <= 0:
        return 0
    digits = format((level - 1) & ((1 << width) - 1), f"0{width}b")
    return int(digits[::-1], 2)


def rematch_free_rounds(player_count: int) -> int:
    """How many leading losers-bracket rounds (as generated) can never pair two players who
    met before.

    >>> [rematch_free_rounds(n) for n in (4, 8, 16, 64, 1 << 17)]
    [1, 2, 3, 6, 24]
    """
    size = bracket_size(player_count)
    rounds = size.bit_length() - 1
    free = 0
    for lb_round in range(1, 2 * rounds - 1):
        minor = lb_round % 2 == 1
        level = (lb_round + 1) // 2 if minor else lb_round // 2 + 1
        room = rounds - level - 1 if minor else rounds - level
        if room < 0 or level > 1 << room:
            break
        free += 1
    if free and _first_losers_round_empty(player_count):
        free -= 1  # compaction removed round 1; the others moved up by one
    return free


def _first_losers_round_empty(player_count: int) -> bool:
    """Whether every losers round-1 match has a bye among its two feeders."""
    size = bracket_size(player_count)
    if size < 4:
        return True
    pairs = bracket_order(size).reshape(-1, 2, 2).max(axis=2) > player_count
    return bool(pairs.any(axis=1).all())


@dataclass(frozen=True)
class _Links:
    """Players on the move: the winner (``kind`` ``_WINNER``) or loser (``_LOSER``) of match
    ``source`` goes to match ``target``, slot ``slot``."""

    source: np.ndarray
    kind: np.ndarray
    target: np.ndarray
    slot: np.ndarray

    @staticmethod
    def of(source: np.ndarray, kind: np.ndarray, target: np.ndarray, slot: int) -> _Links:
        return _Links(
            source.astype(np.int64),
            kind.astype(np.int8),
            target.astype(np.int64),
            np.full(target.size, slot, dtype=np.int8),
        )

    @staticmethod
    def concat(parts: list[_Links]) -> _Links:
        return _Links(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(_Links))
        )


@dataclass(frozen=True)
class _LosersBracket:
    """The compacted losers bracket laid out from position ``start`` on."""

    links: list[_Links]
    full_round: np.ndarray
    number: np.ndarray
    champion: tuple[int, int]
    """Where the losers champion comes from: (match, kind)."""


def _losers_bracket(bye: np.ndarray, size: int, start: int) -> _LosersBracket:
    """Lay out the losers bracket of a winners bracket with round-1 ``bye`` flags, one
    losers round at a time, dropping the matches a dead slot would make byes."""
    rounds = size.bit_length() - 1
    links: list[_Links] = []
    full_rounds: list[np.ndarray] = []
    numbers: list[np.ndarray] = []
    next_pos = start
    # what each match of the previous losers round sends on: (match, kind), kind _DEAD if none
    out_pos = np.empty(0, dtype=np.int64)
    out_kind = np.empty(0, dtype=np.int8)
    for full_round in range(1, 2 * rounds - 1):
        if full_round == 1:  # the losers of winners round 1, in pairs
            pos_a = np.arange(0, size // 2, 2, dtype=np.int64)
            pos_b = pos_a + 1
            kind_a = np.where(bye[pos_a], _DEAD, _LOSER).astype(np.int8)
            kind_b = np.where(bye[pos_b], _DEAD, _LOSER).astype(np.int8)
        elif full_round % 2 == 0:  # major: survivors meet the losers of winners round `level`
            level = full_round // 2 + 1
            within = np.arange(size >> level, dtype=np.int64)
            pos_a, kind_a = out_pos, out_kind
            pos_b = size - (size >> (level - 1)) + (within ^ drop_mask(level, rounds))
            kind_b = np.full(within.size, _LOSER, dtype=np.int8)
        else:  # minor: the survivors of adjacent matches meet
            pos_a, kind_a = out_pos[0::2], out_kind[0::2]
            pos_b, kind_b = out_pos[1::2], out_kind[1::2]
        live_a, live_b = kind_a != _DEAD, kind_b != _DEAD
        keep = np.flatnonzero(live_a & live_b)
        here = next_pos + np.arange(keep.size, dtype=np.int64)
        next_pos += keep.size
        links.append(_Links.of(pos_a[keep], kind_a[keep], here, Slot.A))
        links.append(_Links.of(pos_b[keep], kind_b[keep], here, Slot.B))
        full_rounds.append(np.full(keep.size, full_round, dtype=np.int16))
        numbers.append(np.arange(1, keep.size + 1, dtype=np.int32))
        # a kept match sends its winner on; a removed one, whoever reached its live slot
        out_pos = np.where(live_a, pos_a, pos_b)
        out_kind = np.where(live_a, kind_a, kind_b).astype(np.int8)
        out_pos[keep] = here
        out_kind[keep] = _WINNER
    # with no losers bracket (two players) the winners final's loser is the losers champion
    champion = (int(out_pos[0]), int(out_kind[0])) if rounds > 1 else (start - 1, _LOSER)
    return _LosersBracket(
        links=links,
        full_round=np.concatenate([np.empty(0, dtype=np.int16), *full_rounds]),
        number=np.concatenate([np.empty(0, dtype=np.int32), *numbers]),
        champion=champion,
    )


def generate(player_count: int, options: DoubleEliminationOptions | None = None) -> Bracket:
    """The bracket for ``player_count`` players seeded 1..N (player index = seed - 1).

    Winners-bracket matches come first (as :func:`knockout.generate
    <bracketry.engine.formats.knockout.generate>` lays them out), then the losers bracket
    round by round, then the grand final.

    >>> b = generate(4)
    >>> b.round.tolist(), b.side.tolist()
    ([1, 1, 2, 1, 2, 1], [0, 0, 0, 2, 2, 3])
    >>> b.winner_to.tolist(), b.loser_to.tolist(), b.loser_slot.tolist()
    ([2, 2, 5, 4, 5, -1], [3, 3, 4, -1, -1, -1], [0, 1, 1, 0, 0, 0])
    >>> generate(5).match_count, int(generate(5).bye.sum())  # 2 * 5 - 2 played, 3 byes
    (11, 3)
    """
    options = options or DoubleEliminationOptions()
    check(player_count, options)
    wb = knockout_generate(player_count, KnockoutOptions(third_place=False))
    main = wb.match_count
    lb = _losers_bracket(wb.bye, bracket_size(player_count), start=main)
    end = main + lb.number.size
    links = [*lb.links]
    total = end
    if options.grand_final != "none":
        total += 1
        final = np.array([end])
        links.append(_Links.of(np.array([main - 1]), np.array([_WINNER]), final, Slot.A))
        source, kind = lb.champion
        links.append(_Links.of(np.array([source]), np.array([kind]), final, Slot.B))

    round_ = np.ones(total, dtype=np.int16)
    round_[:main] = wb.round
    _, compact = np.unique(lb.full_round, return_inverse=True)  # drop emptied rounds
    round_[main:end] = compact + 1
    number = np.ones(total, dtype=np.int32)
    number[:main] = wb.number
    number[main:end] = lb.number
    side = np.full(total, GRAND_FINAL, dtype=np.int8)
    side[:main] = MAIN
    side[main:end] = LOSERS
    entrants = np.full((total, 2), NO_PLAYER, dtype=np.int32)
    entrants[:main] = wb.entrants
    bye = np.zeros(total, dtype=bool)
    bye[:main] = wb.bye
    winner_to = np.full(total, NO_MATCH, dtype=np.int32)
    winner_to[:main] = wb.winner_to
    winner_slot = np.zeros(total, dtype=np.int8)
    winner_slot[:main] = wb.winner_slot
    loser_to = np.full(total, NO_MATCH, dtype=np.int32)
    loser_slot = np.zeros(total, dtype=np.int8)
    moves = _Links.concat(links)
    for kind, to, at in ((_WINNER, winner_to, winner_slot), (_LOSER, loser_to, loser_slot)):
        chosen = moves.kind == kind
        to[moves.source[chosen]] = moves.target[chosen]
        at[moves.source[chosen]] = moves.slot[chosen]
    return Bracket(
        round=round_,
        number=number,
        side=side,
        entrants=entrants,
        winner_to=winner_to,
        winner_slot=winner_slot,
        loser_to=loser_to,
        loser_slot=loser_slot,
        bye=bye,
        player_count=player_count,
        stage=np.ones(total, dtype=np.int16),
    )


def reset_match(progress: Progress, options: DoubleEliminationOptions) -> Bracket | None:
    """The bracket-reset match to append, or None.

    Only with ``grand_final="reset"``, once the grand final is decided for slot B (the
    losers champion) and no reset exists yet: one match, side ``grand_final``, round 2,
    the same two players (winners champion in slot A), leading nowhere.

    >>> opts = DoubleEliminationOptions("reset")
    >>> p = Progress.fresh(generate(2, opts))
    >>> p.winner_slot[:] = [0, 1]; p.slots[1] = [0, 1]
    >>> reset_match(p, opts).entrants.tolist()
    [[0, 1]]
    """
    if options.grand_final != "reset":
        return None
    bracket = progress.bracket
    finals = np.flatnonzero(bracket.side == GRAND_FINAL)
    if finals.size != 1 or progress.winner_slot[finals[0]] != Slot.B:
        return None
    one = np.ones(1, dtype=np.int16)
    return Bracket(
        round=2 * one,
        number=np.ones(1, dtype=np.int32),
        side=np.full(1, GRAND_FINAL, dtype=np.int8),
        entrants=progress.slots[finals].astype(np.int32),
        winner_to=np.full(1, NO_MATCH, dtype=np.int32),
        winner_slot=np.zeros(1, dtype=np.int8),
        loser_to=np.full(1, NO_MATCH, dtype=np.int32),
        loser_slot=np.zeros(1, dtype=np.int8),
        bye=np.zeros(1, dtype=bool),
        player_count=bracket.player_count,
        stage=one,
    )


def standings(progress: Progress, options: DoubleEliminationOptions | None = None) -> Table:
    """Places: the champion, the other finalist, then by the losers round of elimination.

    Players knocked out in the same losers round share a place ("1224"); a later round is
    a better place. A player still in ranks just above those knocked out in the earliest
    losers round they can still go out in (for a winners-bracket player: where their next
    loss would drop them), level with others in the same position; the players of an
    undecided final share first place. With ``grand_final="none"`` the winners champion is
    first once the winners final is decided, the losers champion second. Pass ``options``
    with ``"reset"`` so that a grand final won by slot B leaves both finalists level until
    the reset is played (without options that result is taken as final).

    ``round_reached`` is the furthest round a player stood in (a bye counts) on one scale
    for both brackets, the losers bracket's: a winners match counts as the losers round its
    loser drops into, the grand final as one round after the losers final, the reset as two.
    A player knocked out thus reached the round they went out in, and round_reached never
    grows down a finished table. Matches decided without a winner count in neither wins
    nor losses.

    >>> from bracketry.engine.play import play_out
    >>> p = Progress.fresh(generate(4))
    >>> def seed_wins(a, b):
    ...     return (a > b).astype(np.int8), np.ones(a.size, int), np.zeros(a.size, int)
    >>> while play_out(p.bracket, p.slots, p.winner_slot, seed_wins).position.size:
    ...     pass
    >>> t = standings(p)
    >>> t.rank.tolist(), t.wins.tolist(), t.losses.tolist(), t.round_reached.tolist()
    ([1, 2, 3, 4], [3, 2, 1, 0], [0, 2, 2, 2], [3, 3, 2, 1])
    """
    bracket = progress.bracket
    count = bracket.player_count
    slots, won = progress.slots, progress.winner_slot
    main, losers, final = (bracket.side == code for code in (MAIN, LOSERS, GRAND_FINAL))
    decisive = (won == Slot.A) | (won == Slot.B)
    played = decisive & ~bracket.bye

    winners, beaten = winners_and_losers(slots[played], won[played])
    wins = np.bincount(winners, minlength=count).astype(np.int32)
    losses = np.bincount(beaten, minlength=count).astype(np.int32)
    scores = progress.scores[played]
    who = slots[played].ravel()
    score_for = np.bincount(who, scores.ravel(), minlength=count).astype(np.int64)
    score_against = np.bincount(who, scores[:, ::-1].ravel(), minlength=count).astype(np.int64)

    wb_rounds = int(bracket.round[main].max()) if main.any() else 0
    lb_rounds = int(bracket.round[losers].max()) if losers.any() else 0
    key = np.full(count, ROUND_KEYS_START + 2 * lb_rounds + 2, dtype=np.int64)

    # players in (or waiting for) an undecided match: the first losers round they can go out in
    open_ = np.flatnonzero((won == UNDECIDED) & ~bracket.bye)
    match = np.repeat(open_, 2)
    player = slots[open_].ravel()
    match, player = match[player != NO_PLAYER], player[player != NO_PLAYER]
    out_in = np.where(main[match], bracket.loser_to[match], match)
    in_losers = (out_in != NO_MATCH) & losers[np.maximum(out_in, 0)]
    key[player] = np.where(
        in_losers,
        ROUND_KEYS_START + 2 * (lb_rounds - bracket.round[out_in].astype(np.int64)),
        CHAMPION,
    )

    # a decided losers match knocks its loser out
    lb_done = np.flatnonzero(losers & decisive)
    _, out = winners_and_losers(slots[lb_done], won[lb_done])
    key[out] = ROUND_KEYS_START + 2 * (lb_rounds - bracket.round[lb_done].astype(np.int64)) + 1

    finals = np.flatnonzero(final)
    if finals.size:
        last = int(finals[np.argmax(bracket.round[finals])])
        if decisive[last]:
            (first,), (second,) = winners_and_losers(slots[[last]], won[[last]])
            pending_reset = (
                options is not None
                and options.grand_final == "reset"
                and bracket.round[last] == 1
                and won[last] == Slot.B
            )
            key[first] = CHAMPION
            key[second] = CHAMPION if pending_reset else RUNNER_UP
    else:
        for mask, rounds, place in ((main, wb_rounds, CHAMPION), (losers, lb_rounds, RUNNER_UP)):
            last_round = np.flatnonzero(mask & (bracket.round == rounds))
            if last_round.size and decisive[last_round[0]]:
                (first,), _ = winners_and_losers(slots[last_round[:1]], won[last_round[:1]])
                key[first] = place

    # one scale for both brackets: a winners match counts as the losers round its loser joins
    level = bracket.round.astype(np.int32)
    drop = bracket.loser_to
    into_lb = main & (drop != NO_MATCH) & losers[np.maximum(drop, 0)]
    level[into_lb] = bracket.round[drop[into_lb]]
    level[final] = (level[~final].max() if (~final).any() else 0) + bracket.round[final]
    present = slots != NO_PLAYER
    round_reached = np.zeros(count, dtype=np.int32)
    rows = np.broadcast_to(level[:, None], slots.shape)
    np.maximum.at(round_reached, slots[present], rows[present])
    return Table(
        rank=competition_rank(key),
        points=wins.astype(np.float64),
        wins=wins,
        draws=np.zeros(count, dtype=np.int32),
        losses=losses,
        score_for=score_for,
        score_against=score_against,
        round_reached=round_reached,
        metrics={},
    )


@dataclass(frozen=True)
class DoubleElimination:
    """Double elimination behind the :class:`~bracketry.engine.formats.base.Format` interface.

    >>> fmt = DoubleElimination(DoubleEliminationOptions("reset"))
    >>> fmt.grows, fmt.start(8).match_count, DoubleElimination().grows
    (True, 14, False)
    """

    options: DoubleEliminationOptions = DoubleEliminationOptions()
    name: str = "double_elimination"

    @property
    def grows(self) -> bool:
        """Only a reset grand final is ever appended."""
        return self.options.grand_final == "reset"

    def allows_double_forfeit(self, stage: int) -> bool:
        """Refused: a double forfeit would leave a losers-bracket slot without a rule."""
        return False

    def allows_draws(self, stage: int) -> bool:
        """Every match needs a winner."""
        return False

    def check(self, player_count: int) -> None:
        """See :func:`check`."""
        check(player_count, self.options)

    def start(self, player_count: int, ratings: np.ndarray | None = None) -> Bracket:
        """Both brackets and the grand final; a reset is appended later if due."""
        return generate(player_count, self.options)

    def extend(self, progress: Progress) -> Bracket | None:
        """The bracket reset, when the grand final has made it due (see :func:`reset_match`)."""
        return reset_match(progress, self.options)

    def standings(self, progress: Progress) -> Table:
        """See :func:`standings`."""
        return standings(progress, self.options)

    def appended_after(self, progress: Progress, position: int) -> np.ndarray:
        """The reset, when ``position`` is the first grand final and a reset exists."""
        bracket = progress.bracket
        finals = np.flatnonzero(bracket.side == GRAND_FINAL)
        first = finals[bracket.round[finals] == 1]
        if first.size == 0 or position != first[0]:
            return NOTHING
        return finals[bracket.round[finals] > 1].astype(np.int64)
