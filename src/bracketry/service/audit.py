"""The audit log: every mutation with who made it, what they asked, and the state of what
it touched before and after."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bracketry.schemas.account import AuditPage, AuditRead
from bracketry.service import sessions
from bracketry.service.access import Principal
from bracketry.service.errors import ServiceError
from bracketry.service.paging import next_offset
from bracketry.store.models import AuditEntry, Tournament, User, Venue
from bracketry.store.types import utcnow

MAX_REQUEST_CHARS = 4_000
"""Longer request bodies (bulk enrollments, imports) are kept as their first characters."""


def snapshot(db: Session, params: dict[str, Any], target: tuple[str, int] | None = None) -> Any:
    """The state of what a route with ``params`` touches (or of ``target``), as JSON data:
    a session, a venue, an account, else the tournament's own fields."""
    try:
        kind, key = target or _target(params)
    except TypeError:
        return None
    tournament_id = params.get("tournament_id")
    try:
        if kind == "session" and isinstance(tournament_id, int):
            view = sessions.get_or_raise(db=db, tournament_id=tournament_id, session_id=key)
            return view.model_dump(mode="json")
        if kind == "venue":
            venue = db.get(Venue, key)
            return None if venue is None else {"name": venue.name, "fields": venue.fields}
        if kind == "user":
            user = db.get(User, key)
            return None if user is None else {"role": user.role, "disabled": user.disabled}
        if kind == "tournament":
            t = db.get(Tournament, key)
            return None if t is None else _tournament(t)
    except ServiceError:
        return None
    return None


def _target(params: dict[str, Any]) -> tuple[str, int] | None:
    for name, kind in (
        ("session_id", "session"),
        ("venue_id", "venue"),
        ("user_id", "user"),
        ("tournament_id", "tournament"),
    ):
        if isinstance(params.get(name), int):
            return kind, params[name]
    return None


def _tournament(t: Tournament) -> dict[str, Any]:
    return {
        "name": t.name,
        "status": t.status,
        "enrolled_count": t.enrolled_count,
        "config": t.config,
        "sessions_generated": t.sessions_generated_at is not None,
        "rankings_calculated": t.rankings_calculated_at is not None,
        "completed": t.completed_at is not None,
    }


def record(
    db: Session,
    *,
    principal: Principal | None,
    action: str,
    params: dict[str, Any],
    target: tuple[str, int] | None,
    request: str | None,
    before: Any,
    after: Any,
    status_code: int,
) -> None:
    """Append one entry."""
    tournament_id = params.get("tournament_id")
    if not isinstance(tournament_id, int):
        tournament_id = None
    if tournament_id is None and target is not None and target[0] == "tournament":
        tournament_id = target[1]
    kind_key = target or _target(params)
    db.flush()  # the route's pending changes first: the entry follows them
    db.connection().execute(
        AuditEntry.__table__.insert(),
        {
            "at": utcnow(),
            "actor": principal.actor if principal else "anonymous",
            "user_id": principal.user_id if principal else None,
            "action": action[:200],
            "tournament_id": tournament_id,
            "target": None if kind_key is None else f"{kind_key[0]}:{kind_key[1]}",
            "request": None if request is None else request[:MAX_REQUEST_CHARS],
            "before": None if before is None else json.dumps(before),
            "after": None if after is None else json.dumps(after),
            "status_code": status_code,
        },
    )


def page(*, db: Session, tournament_id: int | None, limit: int, offset: int) -> AuditPage:
    """Entries newest first, of one tournament or of everything."""
    filters = [] if tournament_id is None else [AuditEntry.tournament_id == tournament_id]
    total = db.execute(select(func.count()).select_from(AuditEntry).where(*filters)).scalar_one()
    rows = db.scalars(
        select(AuditEntry)
        .where(*filters)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    items = [
        AuditRead(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            tournament_id=r.tournament_id,
            target=r.target,
            request=_loaded(r.request),
            before=_loaded(r.before),
            after=_loaded(r.after),
            status_code=r.status_code,
        )
        for r in rows
    ]
    following = next_offset(offset, len(items), total)
    return AuditPage(items=items, total=total, next_offset=following)


def _loaded(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # a request body that is not JSON (a CSV), or was cut short
