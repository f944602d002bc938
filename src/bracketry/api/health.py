"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bracketry.api.deps import Context

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get(
    "/ready",
    response_model=None,
    responses={503: {"description": "Not ready: the same report, naming what is missing."}},
)
def ready(ctx: Context) -> dict[str, Any] | JSONResponse:
    """The database answers, the broker is reachable and at least one worker is up.

    The worker check is cached (``BRACKETRY_WORKER_CHECK_TTL_S``) so this costs no broker
    round trip on most calls.
    """
    report: dict[str, Any] = {"database": ctx.database.dialect}
    try:
        with ctx.database.read() as db:
            db.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the database means not ready
        report["database"] = f"unreachable: {type(error).__name__}"
    report.update(ctx.queue.readiness())
    healthy = (
        not report["database"].startswith("unreachable")
        and not str(report["broker"]).startswith("unreachable")
        and bool(report["workers"])
    )
    report["status"] = "ok" if healthy else "unavailable"
    return report if healthy else JSONResponse(report, status_code=503)
