"""How uvicorn serves the app: its HTTP protocol with a deadline on request headers.

uvicorn closes an idle keep-alive connection, but a connection that has sent part of a
request's headers (or nothing at all since it opened) stays open for ever. Here a
connection must complete each request's headers within ``header_timeout_s`` of opening or
of the previous answer, else it is closed. The body has its own deadline
(``body_timeout_s``, answered 408 by :mod:`bracketry.api.hardening`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from bracketry.settings import Settings


class HeaderDeadline:
    """Mixin for a uvicorn HTTP protocol: close the connection when no request is under way
    ``header_timeout_s`` after it opened or after its last answer."""

    header_timeout_s: float = 10.0
    _deadline: asyncio.TimerHandle | None = None

    # The attributes and methods below belong to the uvicorn protocol this is mixed into.
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm()

    def handle_websocket_upgrade(self, *args: Any) -> None:
        self._disarm()  # the connection is no longer an HTTP one
        super().handle_websocket_upgrade(*args)  # type: ignore[misc]

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_late(self) -> None:
        """Close unless a request is being served (its headers arrived in time)."""
        self._deadline = None
        idle = self.cycle is None or self.cycle.response_complete
        if idle and not self.transport.is_closing():
            self.transport.close()


def _base_protocol() -> type[asyncio.Protocol]:
    """uvicorn's own choice: httptools when it is installed, else h11."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return H11Protocol
    return HttpToolsProtocol


def http_protocol(header_timeout_s: float) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol class, with the header deadline."""
    base = _base_protocol()
    name = f"HeaderDeadline{base.__name__}"
    return type(name, (HeaderDeadline, base), {"header_timeout_s": header_timeout_s})


def uvicorn_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for ``app``, with the header deadline of ``settings``."""
    return uvicorn.Config(app, http=http_protocol(settings.header_timeout_s), **options)
