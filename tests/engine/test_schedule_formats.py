"""Every format, played round by round as the service does: each stage and each appended
round is scheduled after what came before, and no timetable ever has a conflict."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bracketry.engine.formats.base import Progress
from bracketry.engine.formats.registry import build
from bracketry.engine.model import NO_WINNER, Outcome, Side, outcome_code, side_code
from bracketry.engine.play import play_out
from bracketry.engine.schedule import NOT_SCHEDULED, Timetable, Timing, Venue, schedule_open
from bracketry.engine.simulate import rating_decider
from tests.engine.test_reschedule import check_no_conflicts
from tests.engine.test_schedule import FAST, timings, venue_layouts

CONFIGS = {
    "knockout": {},
    "double_elimination": {"grand_final": "reset"},
    "round_robin": {},
    "swiss": {"rounds": 3},
    "groups": {"groups": 2, "advance": 2},
    "heats": {"direction": "lower", "heat_size": 4, "advance": 2},
}


def grown(table: Timetable, count: int) -> Timetable:
    """``table`` padded with unscheduled matches to ``count``."""
    more = count - table.venue.size
    return Timetable(
        *(
            np.concatenate([getattr(table, n), np.full(more, NOT_SCHEDULED, dtype=np.int64)])
            for n in ("venue", "field", "start", "end")
        )
    )


def play_what_is_open(progress: Progress, rng: np.random.Generator) -> None:
    """Decide every playable match (heats by random times), as the simulation does."""
    decide = rating_decider(progress.ratings, rng, 0.0)
    played = play_out(progress.bracket, progress.slots, progress.winner_slot, decide)
    progress.outcome[played.position] = np.where(
        played.winner_slot == NO_WINNER, outcome_code(Outcome.DRAW), outcome_code(Outcome.WIN)
    ).astype(np.int8)
    members = progress.bracket.members
    heats = np.flatnonzero(~progress.decided & (progress.bracket.side == side_code(Side.HEAT)))
    if heats.size and members is not None and progress.value is not None:
        entries = np.isin(members.match, heats)
        progress.value[entries] = rng.random(int(entries.sum()))
        progress.winner_slot[heats] = NO_WINNER
        progress.outcome[heats] = outcome_code(Outcome.PLACED)


@FAST
@given(
    st.sampled_from(sorted(CONFIGS)),
    st.integers(4, 40),
    venue_layouts(),
    timings,
    st.integers(0, 2**31),
)
def test_every_round_of_every_format_is_scheduled_without_conflicts(
    name: str, players: int, venues: list[Venue], timing: Timing, seed: int
) -> None:
    fmt = build(name, CONFIGS[name])
    try:
        fmt.check(players)
    except ValueError:
        return
    rng = np.random.default_rng(seed)
    progress = Progress.fresh(fmt.start(players, np.sort(rng.random(players))[::-1] * 1000))
    table = schedule_open(progress, venues, timing)
    now = 0
    for _ in range(20):
        check_no_conflicts(progress.bracket, venues, timing, table)
        assert not (table.scheduled & progress.bracket.bye).any()
        if table.scheduled.any():
            now = max(now, int(table.end[table.scheduled].max()))
        play_what_is_open(progress, rng)
        more = fmt.extend(progress) if progress.decided.all() else None
        if more is None or more.match_count == 0:
            return
        before = progress.bracket.match_count
        progress = progress.then(more)
        table = schedule_open(progress, venues, timing, not_before=now, fixed=grown(table, before))
        added = table.start[before:]
        assert (added[added != NOT_SCHEDULED] >= now).all(), "an appended round starts early"
