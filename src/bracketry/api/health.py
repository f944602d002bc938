"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bracketry.api.deps import Context

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/ready", response_model=None)
def ready(ctx: Context) -> dict[str, str] | JSONResponse:
    """The database answers; the worker is the in-process one."""
    try:
        with ctx.database.read() as db:
            db.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the database means not ready
        return JSONResponse(
            {"status": "unavailable", "database": str(error)[:200]}, status_code=503
        )
    return {"status": "ok", "database": ctx.database.dialect, "worker": "in-process"}
