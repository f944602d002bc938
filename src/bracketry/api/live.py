"""The monitor's data: one JSON snapshot, or a Server-Sent Events stream of them.

Streams are capped and fed by the process's hub (:mod:`bracketry.service.live_feed`): a
stream costs no database read of its own.
"""

from __future__ import annotations

import contextlib

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from bracketry.api.context import AppContext
from bracketry.api.deps import Context, Public, ReadDb
from bracketry.api.params import TournamentId
from bracketry.schemas.monitor import MonitorSnapshot
from bracketry.service import live_feed, monitor

router = APIRouter(prefix="/tournaments/{tournament_id}", tags=["monitor"])

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


class EventStream(StreamingResponse):
    """A stream of one subscription's events that notices its client going away from the
    connection itself (whatever ASGI version the server speaks), never from the database,
    and always gives its place back."""

    def __init__(self, subscription: live_feed.Subscription) -> None:
        super().__init__(
            subscription.events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self.subscription = subscription

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with anyio.create_task_group() as group:

                async def stream() -> None:
                    with contextlib.suppress(OSError):
                        await self.stream_response(send)
                    group.cancel_scope.cancel()

                group.start_soon(stream)
                await self.listen_for_disconnect(receive)
                group.cancel_scope.cancel()
        finally:
            self.subscription.close()


def hub_of(request: Request, ctx: AppContext) -> live_feed.Hub:
    """The app's stream hub, made on first use (and again if the app was started anew)."""
    hub = getattr(request.app.state, "live_hub", None)
    if hub is None or hub.database is not ctx.database:
        hub = request.app.state.live_hub = live_feed.Hub(
            ctx.database,
            max_streams=ctx.settings.max_streams,
            per_client=ctx.settings.max_streams_per_client,
        )
    return hub


@router.get(
    "/events",
    dependencies=[Public],
    response_class=StreamingResponse,
    responses={
        200: EVENT_STREAM,
        429: {"description": "This client address already holds its share of streams."},
        503: {"description": "The server serves as many streams as it may."},
    },
)
async def events(tournament_id: TournamentId, request: Request, ctx: Context) -> EventStream:
    """A snapshot whenever something changes (Server-Sent Events); ends when the tournament does."""
    client = request.client.host if request.client else "unknown"
    subscription = await hub_of(request, ctx).subscribe(tournament_id, client)
    return EventStream(subscription)
