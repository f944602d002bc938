"""Live streams of monitor snapshots: places for them, and one feed per watched tournament.

A process serves at most ``max_streams`` streams at once (503 above) and at most
``max_streams_per_client`` to one client address (429 above); a stream holds its place
until it ends or its client goes away.

Streams never read the database themselves. For each tournament with at least one open
stream, one feed polls :func:`bracketry.service.monitor.fingerprint` (one small query)
every :data:`POLL_S` seconds, builds the snapshot only when the fingerprint changed, and
hands it to every stream at once; so a viewer more costs no query at all. The feed ends
with the tournament (the snapshot is final) or when its last stream goes. The fingerprint
lives in the database, so writes by other processes (a Celery worker) are seen as well.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from anyio import to_thread

from bracketry.service import monitor
from bracketry.service.errors import NotFound, TooMany
from bracketry.store.database import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_S = 0.5
"""How often a watched tournament's fingerprint is read."""
SLOW_POLL_FACTOR = 4.0
"""A fingerprint read that took t seconds is followed by at least this many times t of rest."""
KEEP_ALIVE_S = 15.0
"""A quiet stream sends a comment this often, so proxies keep it open."""
MAX_STREAM_S = 600.0
"""A stream ends after this long (the page's EventSource opens a new one)."""
RETRY_AFTER_S = 5


class StreamsFull(TooMany):
    """This process serves as many streams as it may: 503 (the server, not the caller, is at
    its limit), with Retry-After."""

    status_code = 503


@dataclass
class StreamPlaces:
    """Open streams, counted per process and per client address (event loop only)."""

    total_cap: int
    per_client_cap: int
    open: int = 0
    by_client: Counter[str] = field(default_factory=Counter)

    def take(self, client: str) -> None:
        """Count one more stream for ``client``, or refuse it."""
        if self.by_client[client] >= self.per_client_cap:
            raise TooMany(
                f"this address already has {self.per_client_cap} live streams open; "
                "close one before opening another",
                retry_after=RETRY_AFTER_S,
            )
        if self.open >= self.total_cap:
            raise StreamsFull(
                f"the server already serves {self.total_cap} live streams; try again shortly",
                retry_after=RETRY_AFTER_S,
            )
        self.open += 1
        self.by_client[client] += 1

    def give_back(self, client: str) -> None:
        """Free a place taken for ``client``."""
        self.open -= 1
        self.by_client[client] -= 1
        if self.by_client[client] <= 0:
            del self.by_client[client]


@dataclass
class Feed:
    """The latest snapshot of one tournament as JSON, shared by all its streams."""

    tournament_id: int
    data: str = ""
    version: int = 0
    final: bool = False
    missing: bool = False
    error: BaseException | None = None
    streams: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def publish(self, data: str, final: bool) -> None:
        """A new snapshot (or the end): wake every stream waiting on this feed."""
        if data != self.data:
            self.data, self.version = data, self.version + 1
        self.final = final
        self.changed.set()
        self.changed = asyncio.Event()


class Hub:
    """The process's live streams: their places and one polling feed per tournament."""

    def __init__(self, database: Database, *, max_streams: int, per_client: int) -> None:
        self.database = database
        self.places = StreamPlaces(max_streams, per_client)
        self.feeds: dict[int, Feed] = {}

    async def subscribe(self, tournament_id: int, client: str) -> Subscription:
        """A place for ``client`` on the tournament's feed (started if need be), once the
        feed has its first snapshot; refuses when full or when there is no such tournament."""
        self.places.take(client)
        feed = self.feeds.get(tournament_id)
        if feed is None:
            feed = self.feeds[tournament_id] = Feed(tournament_id)
            feed.task = asyncio.create_task(self._poll(feed))
        feed.streams += 1
        subscription = Subscription(self, feed, client)
        try:
            await feed.ready.wait()
            if feed.error is not None:
                raise feed.error
            if feed.missing:
                raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
        except BaseException:
            subscription.close()
            raise
        return subscription

    def leave(self, feed: Feed, client: str) -> None:
        """A stream is over: free its place; the feed stops with its last stream."""
        self.places.give_back(client)
        feed.streams -= 1
        if feed.streams <= 0:
            self._drop(feed)
            if feed.task is not None and feed.task is not asyncio.current_task():
                feed.task.cancel()

    def _drop(self, feed: Feed) -> None:
        if self.feeds.get(feed.tournament_id) is feed:
            del self.feeds[feed.tournament_id]

    async def _poll(self, feed: Feed) -> None:
        """Read the fingerprint until the feed is final or missing; publish on change."""
        seen: monitor.Fingerprint | None = None
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            try:
                seen = await self._publish_if_changed(feed, seen)
            except Exception as error:  # the database went away: keep streams, try again
                if not feed.ready.is_set():
                    feed.error = error
                    feed.ready.set()
                    self._drop(feed)
                    return
                log.warning("live feed %d: %s", feed.tournament_id, type(error).__name__)
            feed.ready.set()
            if feed.final or feed.missing:
                self._drop(feed)
                return
            took = loop.time() - started
            await asyncio.sleep(max(POLL_S, SLOW_POLL_FACTOR * took))

    async def _publish_if_changed(
        self, feed: Feed, seen: monitor.Fingerprint | None
    ) -> monitor.Fingerprint | None:
        now = await to_thread.run_sync(self._read, monitor.fingerprint, feed.tournament_id)
        if now is None:
            feed.missing = True
            feed.publish(feed.data, final=True)
        elif now != seen:
            snapshot = await to_thread.run_sync(self._read, monitor.snapshot, feed.tournament_id)
            feed.publish(snapshot.model_dump_json(), snapshot.final)
        return now

    def _read(self, read: Callable[..., T], tournament_id: int) -> T:
        with self.database.read() as db:
            return read(db=db, tournament_id=tournament_id)


@dataclass
class Subscription:
    """One stream's hold on a feed and on its place."""

    hub: Hub
    feed: Feed
    client: str
    closed: bool = False

    def close(self) -> None:
        """Give the place back (once)."""
        if not self.closed:
            self.closed = True
            self.hub.leave(self.feed, self.client)

    async def events(self) -> AsyncIterator[str]:
        """Server-Sent Events: the snapshot on each change, ``end`` once it is final, a
        keep-alive comment when quiet; stops after :data:`MAX_STREAM_S`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_STREAM_S
        sent = 0
        while True:
            feed = self.feed
            if feed.version > sent and not feed.missing:
                yield f"event: snapshot\ndata: {feed.data}\n\n"
                sent = feed.version
            if feed.final:
                yield "event: end\ndata: {}\n\n"
                return
            left = deadline - loop.time()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(feed.changed.wait(), timeout=min(KEEP_ALIVE_S, left))
            except TimeoutError:
                if loop.time() < deadline:
                    yield ": keep-alive\n\n"
