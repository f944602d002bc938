"""The monitor's data: one JSON snapshot, or a Server-Sent Events stream of them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from bracketry.api.context import AppContext
from bracketry.api.deps import Context, Public, ReadDb
from bracketry.api.params import TournamentId
from bracketry.schemas.monitor import MonitorSnapshot
from bracketry.service import monitor, tournaments

router = APIRouter(prefix="/tournaments/{tournament_id}", tags=["monitor"])

POLL_S = 0.25
KEEP_ALIVE_S = 15.0
MAX_STREAM_S = 600.0

EVENT_STREAM = {
    "description": "Server-Sent Events: `snapshot` (a MonitorSnapshot as JSON) on each change, "
    "`end` once the tournament is over.",
    "content": {
        "text/event-stream": {
            "schema": {  # one event
                "anyOf": [
                    {
                        "type": "object",
                        "required": ["event", "data"],
                        "properties": {
                            "event": {"const": "snapshot"},
                            "data": {
                                "type": "string",
                                "contentMediaType": "application/json",
                                "contentSchema": {"$ref": "#/components/schemas/MonitorSnapshot"},
                            },
                        },
                    },
                    {
                        "type": "object",
                        "required": ["event"],
                        "properties": {"event": {"const": "end"}, "data": {"type": "string"}},
                    },
                ]
            }
        }
    },
}


@router.get("/monitor", dependencies=[Public])
def snapshot(tournament_id: TournamentId, db: ReadDb) -> MonitorSnapshot:
    """Status, progress, the latest job and the actions allowed now."""
    return monitor.snapshot(db=db, tournament_id=tournament_id)


def _read(ctx: AppContext, tournament_id: int) -> MonitorSnapshot:
    with ctx.database.read() as db:
        return monitor.snapshot(db=db, tournament_id=tournament_id)


async def _stream(request: Request, ctx: AppContext, tournament_id: int) -> AsyncIterator[str]:
    last = ""
    started = quiet_since = time.monotonic()
    while time.monotonic() - started < MAX_STREAM_S and not await request.is_disconnected():
        current = await run_in_threadpool(_read, ctx, tournament_id)
        data = current.model_dump_json()
        if data != last:
            yield f"event: snapshot\ndata: {data}\n\n"
            last, quiet_since = data, time.monotonic()
        elif time.monotonic() - quiet_since > KEEP_ALIVE_S:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()
        if current.final:
            yield "event: end\ndata: {}\n\n"
            return
        await asyncio.sleep(POLL_S)


@router.get(
    "/events",
    dependencies=[Public],
    response_class=StreamingResponse,
    responses={200: EVENT_STREAM},
)
def events(
    tournament_id: TournamentId, request: Request, ctx: Context, db: ReadDb
) -> StreamingResponse:
    """A snapshot whenever something changes (Server-Sent Events); ends when the tournament does."""
    tournaments.get_or_raise(db=db, tournament_id=tournament_id)
    return StreamingResponse(
        _stream(request, ctx, tournament_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
