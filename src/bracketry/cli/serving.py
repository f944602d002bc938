"""``bracketry serve``: check the port, serve with uvicorn, then show where to go and the token.

uvicorn logs its start-up (migration, worker, "Uvicorn running on …"); only once it listens
does a framed banner give the address to open and, on a first start, the admin token.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import sys
from typing import Any

import uvicorn
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from bracketry import logs
from bracketry.api.app import create_app
from bracketry.api.server import uvicorn_config
from bracketry.settings import Settings

SHUTDOWN_GRACE_S = 3
"""Open live-monitor streams are cut this long after SIGTERM, so a stop never hangs."""
CHANGE_PORT = "choose another with --port or BRACKETRY_PORT"
CHANGE_HOST = "choose another with --host or BRACKETRY_HOST"


def cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, as a sentence; None if it can.

    Binds and closes a socket the way uvicorn does (address reuse on), before anything
    else happens (no migration, no token)."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return f"--host {host}: no such address on this machine ({CHANGE_HOST})"
    for family, kind, proto, _name, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                return _bind_problem(error, host, port)
    return None


def _bind_problem(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use by another program: {CHANGE_PORT}"
    if error.errno == errno.EACCES:
        return f"port {port} needs privileges this user lacks: {CHANGE_PORT} (1024 or above)"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"--host {host} is not an address of this machine: {CHANGE_HOST}"
    return f"cannot listen on {host}:{port} ({error.strerror}): {CHANGE_PORT}"


def browser_url(host: str, port: int) -> str:
    """The address a person opens for a server listening on ``host``.

    >>> browser_url("0.0.0.0", 8000), browser_url("::", 80), browser_url("example.org", 8)
    ('http://127.0.0.1:8000', 'http://[::1]:80', 'http://example.org:8')
    """
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"
    if ip.is_unspecified:
        ip = ipaddress.ip_address("::1" if ip.version == 6 else "127.0.0.1")
    return f"http://[{ip}]:{port}" if ip.version == 6 else f"http://{ip}:{port}"


def banner(url: str, database: str, token: str | None, configured: bool) -> Panel:
    """The framed notice shown once the server listens."""
    text = Text()
    text.append("Open      ", style="bold")
    text.append(f"{url}/", style="bold cyan")
    text.append("   the live monitor\n")
    text.append("API docs  ", style="bold")
    text.append(f"{url}/docs\n", style="cyan")
    text.append("Database  ", style="bold")
    text.append(f"{database}\n\n")
    if token:
        text.append("Admin token (shown only this once; stored hashed, so copy it now):\n")
        text.append(f"  {token}\n", style="bold yellow")
        text.append("Paste it in the page's header, or send 'Authorization: Bearer <token>'.\n")
    elif configured:
        text.append("Admin token: the one in BRACKETRY_ADMIN_TOKEN.\n")
    else:
        text.append("Admin token: set at the first start (stored hashed);\n")
        text.append("`bracketry admin-token --reset` issues a new one.\n")
    text.append("Stop with Ctrl+C.")
    return Panel(text, title="bracketry is serving", title_align="left", expand=False)


class AnnouncingServer(uvicorn.Server):
    """A uvicorn server that calls ``on_listening`` once its sockets listen."""

    def __init__(self, config: uvicorn.Config, on_listening: Any) -> None:
        super().__init__(config)
        self.on_listening = on_listening

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            self.on_listening()


def _shown_database(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until stopped; exit non-zero when the server could not start."""
    logs.configure()
    app = create_app(settings, token_shown_by_caller=True)
    config = uvicorn_config(
        app,
        settings,
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    out = Console(highlight=False)

    def announce() -> None:
        token = getattr(app.state, "fresh_admin_token", None)
        app.state.fresh_admin_token = None  # shown once, then forgotten
        database = _shown_database(settings.database_url)
        out.print(banner(browser_url(host, port), database, token, bool(settings.admin_token)))
        out.file.flush()

    server = AnnouncingServer(config, announce)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(3)
