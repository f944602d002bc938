"""Voiding players' reports whose match or pairing is gone: an audit entry each, then the
rows are deleted. Corrections void the reports of the matches they reset or remove; an
answer to a report about another pairing voids it too (:mod:`bracketry.service.reports`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bracketry.schemas.session import SessionRead
from bracketry.service import audit, sessions
from bracketry.service.access import Principal
from bracketry.store.models import Report

VOID_ACTION = "void report"
"""The audit log's action for a voided report."""
CHUNK = 5_000
"""Match ids per IN list (SQLite caps bound parameters)."""


def pairing(match: SessionRead) -> tuple[int | None, int | None]:
    """The players in slots A and B of ``match`` (None where nobody is known)."""
    a, b = match.participants or (None, None)
    return (None if a is None else a.player_id, None if b is None else b.player_id)


def void_reason(row: Report, tournament_id: int, match: SessionRead) -> str | None:
    """Why ``row`` is no longer a report of ``match`` (of ``tournament_id``), or None."""
    if row.tournament_id != tournament_id:
        return f"it was made in tournament {row.tournament_id}"
    if row.entrant_a is None or row.entrant_b is None:
        return "it does not say which players it was about"
    if (row.entrant_a, row.entrant_b) != pairing(match):
        return (
            f"it was about players {row.entrant_a} and {row.entrant_b}, "
            f"who no longer meet in session {match.id}"
        )
    return None


def void(db: Session, rows: Sequence[Report], *, who: Principal | None, why: str) -> None:
    """Void ``rows``: an audit entry each (the report as ``before``, ``why`` as ``after``),
    then the rows are deleted, in the caller's transaction."""
    for row in rows:
        audit.record(
            db,
            principal=who,
            action=VOID_ACTION,
            params={"tournament_id": row.tournament_id},
            target=("session", row.match_id),
            request=None,
            before=content(row),
            after={"state": "voided", "reason": why},
            status_code=200,
        )
    ids = [row.match_id for row in rows]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        db.execute(
            delete(Report)
            .where(Report.match_id.in_(chunk))
            .execution_options(synchronize_session="fetch")
        )


def void_of_matches(
    db: Session, match_ids: Sequence[int], *, who: Principal | None, why: str
) -> int:
    """Void every report (answered or not) of ``match_ids``; how many there were."""
    rows: list[Report] = []
    for start in range(0, len(match_ids), CHUNK):
        chunk = list(match_ids[start : start + CHUNK])
        rows.extend(db.scalars(select(Report).where(Report.match_id.in_(chunk))).all())
    if rows:
        void(db, sorted(rows, key=lambda r: r.match_id), who=who, why=why)
    return len(rows)


def content(row: Report) -> dict[str, Any]:
    """A report as the audit log keeps it: its client view, tournament and pairing."""
    view = sessions.report_view(row).model_dump(mode="json")
    return {
        **view,
        "tournament_id": row.tournament_id,
        "entrant_a": row.entrant_a,
        "entrant_b": row.entrant_b,
    }
