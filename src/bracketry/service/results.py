"""Recording one result: judged by the engine's rule, advanced along the match's links."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import numpy as np
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from bracketry.engine.bracket import Moves, advance
from bracketry.engine.formats.base import Format
from bracketry.engine.model import NO_WINNER, NOBODY, MatchStatus, Outcome, Slot
from bracketry.engine.results import ResultError, judge
from bracketry.schemas.session import BatchedResult, ResultCreate, ResultRead, SessionRead
from bracketry.service import bracket_state, formats, sessions
from bracketry.service.bracket_state import write_moves, write_results
from bracketry.service.errors import Conflict, Invalid, NotFound
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.tournaments import lock_or_raise
from bracketry.store import locks
from bracketry.store.models import NOBODY_ID, Advancement, Match, Report, Tournament
from bracketry.store.types import utcnow

_LOCK_MATCHES = (
    select(Match.id)
    .where(
        Match.id.in_(bindparam("session_ids", expanding=True)),
        Match.tournament_id == bindparam("tournament_id"),
    )
    .order_by(Match.id)
    .with_for_update()
)
_FACING_NOBODY = select(Advancement.match_id).where(
    or_(
        (Advancement.match_id == bindparam("m1")) & (Advancement.slot == bindparam("s1")),
        (Advancement.match_id == bindparam("m2")) & (Advancement.slot == bindparam("s2")),
    ),
    Advancement.player_id == NOBODY_ID,
)
"""Whether nobody waits in the given slot of either of two matches."""


class Recorded(NamedTuple):
    """A session as it was before its result and as it is after."""

    before: SessionRead
    after: SessionRead


def record(
    *,
    db: Session,
    tournament_id: int,
    session_id: int,
    result_in: ResultCreate,
    source: str = "manual",
) -> Recorded:
    """Record ``result_in`` for a ready session and advance its players, atomically; a
    players' report still open on it is thereby resolved."""
    exclusive = result_in.outcome == Outcome.DOUBLE_FORFEIT
    tournament, fmt = _locked(db, tournament_id, [session_id], exclusive=exclusive)
    return _record(db, tournament, fmt, session_id, result_in, source)


def record_many(
    *, db: Session, tournament_id: int, results: list[BatchedResult], source: str = "manual"
) -> list[Recorded]:
    """Record several results of one tournament in their order, all or none: a refusal
    names the result (``results[i]``) and nothing of the batch is kept. A result may be for
    a session an earlier one of the batch completed."""
    seen: dict[int, int] = {}
    for i, item in enumerate(results):
        if item.session_id in seen:
            raise Invalid(
                f"session {item.session_id} appears twice (results[{seen[item.session_id]}] "
                f"and results[{i}])",
                field=f"results[{i}].session_id",
            )
        seen[item.session_id] = i
    exclusive = any(item.outcome == Outcome.DOUBLE_FORFEIT for item in results)
    tournament, fmt = _locked(db, tournament_id, list(seen), exclusive=exclusive)
    recorded = []
    for i, item in enumerate(results):
        try:
            recorded.append(_record(db, tournament, fmt, item.session_id, item, source))
        except (NotFound, Conflict, Invalid) as error:
            raise type(error)(
                f"results[{i}] (session {item.session_id}): {error.message}",
                field=f"results[{i}].{error.field or 'session_id'}",
            ) from error
    return recorded


def _record(
    db: Session,
    tournament: Tournament,
    fmt: Format,
    session_id: int,
    result_in: ResultCreate,
    source: str,
) -> Recorded:
    """Record one result in a tournament already locked for it."""
    tournament_id = tournament.id
    match = sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
    if match.result is not None:
        raise Conflict(
            f"session {session_id} already has a result ({match.result.outcome.value}, "
            f"recorded {match.result.recorded_at:%Y-%m-%d %H:%M:%S}); "
            "PUT a correction to change it"
        )
    outcome, won = judged(match, result_in, fmt=fmt)
    now = utcnow()
    apply(
        db,
        tournament_id=tournament_id,
        match=match,
        outcome=outcome,
        won=won,
        result_in=result_in,
        source=source,
        recorded_at=now,
    )
    report = match.report
    if report is not None and report.state in ("pending", "disputed"):
        db.execute(
            update(Report)
            .where(Report.match_id == session_id)
            .values(state="resolved", updated_at=now)
        )
        report = report.model_copy(update={"state": "resolved", "updated_at": now})
    follow_up(db, tournament=tournament, fmt=fmt, walkovers=walkover_due(db, match, outcome))
    result = ResultRead(
        outcome=outcome,
        winner_id=None if won == NO_WINNER else _player_id(match, won),
        score_a=result_in.score_a,
        score_b=result_in.score_b,
        source=source,
        recorded_at=now,
    )
    after = match.model_copy(
        update={"status": MatchStatus.COMPLETED, "result": result, "report": report}
    )
    return Recorded(match, after)


def _locked(
    db: Session, tournament_id: int, session_ids: list[int], *, exclusive: bool
) -> tuple[Tournament, Format]:
    """The tournament (in progress) and its format, locked for results of ``session_ids``.

    A double forfeit can leave walkovers to settle down the bracket: it locks the
    tournament ``exclusive``-ly, so no other result is in flight while it settles them. Any
    other result shares the tournament's lock and locks only its own matches (in id order,
    so two batches never wait for each other in a circle), so results of one tournament are
    recorded side by side (a result that meets a walkover settles it along a path no
    concurrent result writes to: only double forfeits create walkovers). In a format that
    grows, the last result of a round appends the next, and exactly one result may see the
    round complete: those results also queue on the tournament's results lock."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id, shared=not exclusive)
    require_status(tournament, Status.IN_PROGRESS, action="record results")
    fmt = formats.format_of(tournament)
    if exclusive:
        return tournament, fmt
    conn = db.connection()
    if fmt.grows:
        locks.hold(conn, "bracketry.results", tournament_id)
    conn.execute(_LOCK_MATCHES, {"session_ids": session_ids, "tournament_id": tournament_id})
    return tournament, fmt


def _player_id(match: SessionRead, slot: int) -> int | None:
    participant = None if match.participants is None else match.participants[slot]
    return None if participant is None else participant.player_id


def follow_up(db: Session, *, tournament: Tournament, fmt: Format, walkovers: bool) -> None:
    """After a result: settle the walkovers it left, then append what the format adds once
    every match is decided (only loading the whole tournament when either can happen)."""
    db.flush()
    state = None
    if walkovers:
        state = bracket_state.load(db=db, tournament=tournament)
        formats.settle(db.connection(), tournament=tournament, state=state)
    if fmt.grows and not undecided_count(db, tournament.id):
        formats.extend(
            db,
            tournament=tournament,
            fmt=fmt,
            state=state or bracket_state.load(db=db, tournament=tournament),
        )


def judged(match: SessionRead, result_in: ResultCreate, *, fmt: Format) -> tuple[Outcome, int]:
    """The outcome of ``result_in`` and its winner slot (``NO_WINNER`` for none), or a 4xx."""
    if match.entries is not None:
        raise Conflict(
            f"session {match.id} is a heat: its results go to …/sessions/{match.id}/heat-result"
        )
    if match.participants is None or None in match.participants:
        raise Conflict(
            f"session {match.id} is {match.status.value}: both participants must be known"
        )
    a, b = (p.player_id for p in match.participants if p is not None)
    winner: Slot | None = None
    if result_in.winner_id is not None:
        if result_in.winner_id not in (a, b):
            raise Invalid(
                f"player {result_in.winner_id} does not play in session {match.id}",
                field="winner_id",
            )
        winner = Slot.A if result_in.winner_id == a else Slot.B
    outcome = Outcome(result_in.outcome)
    try:
        won = judge(
            outcome,
            result_in.score_a,
            result_in.score_b,
            winner,
            draws_allowed=fmt.allows_draws(match.stage),
            double_forfeit_allowed=fmt.allows_double_forfeit(match.stage),
        )
    except ResultError as error:
        raise Invalid(str(error), field=error.field) from error
    return outcome, NO_WINNER if won is None else int(won)


def apply(
    db: Session,
    *,
    tournament_id: int,
    match: SessionRead,
    outcome: Outcome,
    won: int,
    result_in: ResultCreate,
    source: str = "manual",
    recorded_at: datetime | None = None,
) -> None:
    """Write the result row of ``match`` (recorded now unless told when) and, for a winner,
    its players' moves."""
    conn = db.connection()
    write_results(
        conn,
        tournament_id=tournament_id,
        match_ids=np.array([match.id], dtype=np.int64),
        outcome=outcome,
        winner_slot=np.array([won]),
        score_a=np.array([result_in.score_a]),
        score_b=np.array([result_in.score_b]),
        source=source,
        recorded_at=recorded_at,
    )
    if won != NO_WINNER and match.participants is not None:
        players = np.array([p.player_id for p in match.participants if p is not None])
        write_moves(conn, moves=_moves(match, won), match_ids=_match_ids(match), player_ids=players)
    elif outcome is Outcome.DOUBLE_FORFEIT:
        nobody = np.array([NOBODY, NOBODY])
        write_moves(
            conn, moves=_moves(match, 0, nobody), match_ids=_match_ids(match), player_ids=nobody
        )


def walkover_due(db: Session, match: SessionRead, outcome: Outcome) -> bool:
    """Whether the result just applied to ``match`` leaves a walkover to settle: it was a
    double forfeit with somewhere to send nobody, or it sent a player to face nobody."""
    links = [link for link in (match.winner_to, match.loser_to) if link is not None]
    if outcome is Outcome.DOUBLE_FORFEIT:
        return bool(links)
    if not links:
        return False
    (first, *rest) = [(link.match_id, 1 - link.slot) for link in links]
    second = rest[0] if rest else first
    facing = db.connection().execute(
        _FACING_NOBODY, {"m1": first[0], "s1": first[1], "m2": second[0], "s2": second[1]}
    )
    return facing.first() is not None


def undecided_count(db: Session, tournament_id: int) -> int:
    """How many of the tournament's matches have no result yet."""
    matches, decided, _unplayed = sessions.totals(db=db, tournament_id=tournament_id)
    return matches - decided


def _match_ids(match: SessionRead) -> np.ndarray:
    """Ids of the match and its link targets, so engine positions 0..2 map to them."""
    return np.array(
        [
            match.id,
            -1 if match.winner_to is None else match.winner_to.match_id,
            -1 if match.loser_to is None else match.loser_to.match_id,
        ]
    )


def _moves(match: SessionRead, won: int, players: np.ndarray | None = None) -> Moves:
    """The engine's advancement for one decided match, in positions of :func:`_match_ids`
    and player indexes 0 (A) and 1 (B), or the two ``players`` given (``NOBODY``)."""
    who = np.array([0, 1]) if players is None else players
    return advance(
        np.array([0]),
        np.array([1 if match.winner_to is not None else -1]),
        np.array([0 if match.winner_to is None else match.winner_to.slot]),
        np.array([2 if match.loser_to is not None else -1]),
        np.array([0 if match.loser_to is None else match.loser_to.slot]),
        np.array([who[int(won)]]),
        np.array([who[1 - int(won)]]),
    )
