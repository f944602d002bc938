"""Correcting a recorded result, and undoing what depended on it, in one transaction.

A changed winner resets every session its players could reach by links (their results
and arrivals are deleted); a changed outcome removes the sessions the format appended in
view of it (later Swiss rounds, a grand-final reset), which are then paired again once
every remaining session is decided. Sessions with results are only touched with
``force``; the refusal names them. The players' reports of reset and removed sessions are
voided with them (see :mod:`bracketry.service.reports`), and removed sessions' ids are never
given to another session.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import delete
from sqlalchemy.orm import Session

from bracketry.engine.bracket import downstream
from bracketry.engine.model import OUTCOME_CODES, Outcome
from bracketry.schemas.session import CorrectionOutcome, ResultCorrection
from bracketry.service import bracket_state, formats, report_voids, sessions
from bracketry.service.access import Principal
from bracketry.service.errors import Conflict
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.results import apply, follow_up, judged, walkover_due
from bracketry.service.tournaments import lock_or_raise
from bracketry.store.models import Advancement, HeatEntry, Match, MatchSlot, Result

CHUNK = 5_000
"""Ids per IN list (SQLite caps bound parameters)."""

SHOWN = 20
"""Session ids a refusal lists before it says "and N more"."""


def correct(
    *,
    db: Session,
    tournament_id: int,
    session_id: int,
    result_in: ResultCorrection,
    who: Principal | None = None,
) -> CorrectionOutcome:
    """Replace the result of a decided session and undo what depended on it (``who`` is
    named in the audit entries of the reports it voids)."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.IN_PROGRESS, action="correct results")
    fmt = formats.format_of(tournament)
    match = sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id)
    if match.result is None:
        raise Conflict(f"session {session_id} has no result to correct; POST one instead")
    if match.result.outcome is Outcome.BYE:
        raise Conflict(f"session {session_id} is a bye; a bye cannot be corrected")
    outcome, won = judged(match, result_in, fmt=fmt)
    state = bracket_state.load(db=db, tournament=tournament)
    progress = state.progress
    position = int(np.searchsorted(state.match_ids, session_id))
    winner_changed = won != int(progress.winner_slot[position])
    outcome_changed = OUTCOME_CODES[progress.outcome[position]] is not outcome
    reset = downstream(progress.bracket, position) if winner_changed else np.empty(0, np.int64)
    removed = (
        fmt.appended_after(progress, position)
        if winner_changed or outcome_changed
        else np.empty(0, np.int64)
    )
    touched = np.concatenate([reset, removed]).astype(np.int64)
    refuse_unforced(state, session_id=session_id, touched=touched, force=result_in.force)
    reset_ids = state.match_ids[reset].tolist()
    removed_ids = state.match_ids[removed].tolist()
    undo(db, session_id=session_id, reset_ids=reset_ids, removed_ids=removed_ids, who=who)
    apply(
        db, tournament_id=tournament_id, match=match, outcome=outcome, won=won, result_in=result_in
    )
    db.flush()
    follow_up(db, tournament=tournament, fmt=fmt, walkovers=walkover_due(db, match, outcome))
    db.flush()
    return CorrectionOutcome(
        session=sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=session_id),
        reset=reset_ids,
        removed=removed_ids,
    )


def refuse_unforced(
    state: bracket_state.BracketState, *, session_id: int, touched: np.ndarray, force: bool
) -> None:
    """Without ``force``, a :class:`Conflict` listing the ``touched`` positions that have
    results (byes aside)."""
    progress = state.progress
    touched = touched.astype(np.int64)
    played = touched[progress.decided[touched] & ~progress.bracket.bye[touched]]
    if played.size and not force:
        ids = state.match_ids[np.sort(played)].tolist()
        listed = ", ".join(str(i) for i in ids[:SHOWN])
        more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
        raise Conflict(
            f"correcting session {session_id} resets sessions {listed}{more}, which have "
            "results; send force=true to reset them",
            field="force",
        )


def undo(
    db: Session,
    *,
    session_id: int,
    reset_ids: list[int],
    removed_ids: list[int],
    who: Principal | None = None,
) -> None:
    """Delete the session's result and moves, the reset sessions' results and moves, and the
    removed sessions entirely (heat entries and slots included); void the players' reports
    of the reset and removed sessions (audited as done by ``who``)."""
    why = f"a correction of session {session_id} reset or removed its session"
    report_voids.void_of_matches(db, reset_ids + removed_ids, who=who, why=why)
    db.execute(delete(Result).where(Result.match_id == session_id))
    db.execute(delete(Advancement).where(Advancement.from_match_id == session_id))
    for ids in _chunks(reset_ids + removed_ids):
        db.execute(delete(Result).where(Result.match_id.in_(ids)))
        db.execute(delete(Advancement).where(Advancement.from_match_id.in_(ids)))
    for ids in _chunks(removed_ids):
        db.execute(delete(Advancement).where(Advancement.match_id.in_(ids)))
        db.execute(delete(HeatEntry).where(HeatEntry.match_id.in_(ids)))
        db.execute(delete(MatchSlot).where(MatchSlot.match_id.in_(ids)))
        db.execute(delete(Match).where(Match.id.in_(ids)))


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
