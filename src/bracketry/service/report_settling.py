"""Open players' reports, and settling those whose match has a result by now.

Kept apart from :mod:`bracketry.service.reports` so that writers of results in bulk (the
simulation) settle reports without depending on the report use cases.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bracketry.store.models import Report, Result
from bracketry.store.types import utcnow

OPEN = ("pending", "disputed")
"""Report states still waiting for an answer."""


def resolve_decided(db: Session, tournament_id: int) -> int:
    """Settle as the organiser's every open report whose match has a result by now (results
    written in bulk, like a simulation's, pass no report by); how many there were. A result
    recorded one by one settles its report itself (:func:`bracketry.service.results.record`)."""
    decided = select(Result.match_id).where(Result.tournament_id == tournament_id)
    settled = db.execute(
        update(Report)
        .where(
            Report.tournament_id == tournament_id,
            Report.state.in_(OPEN),
            Report.match_id.in_(decided),
        )
        .values(state="resolved", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(settled.rowcount or 0)
