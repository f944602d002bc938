"""Browser fixtures: Debian's Chromium driven by Playwright against the live server.

SQLite only: the pages read the same API the API tests already run on both backends.
Each test gets a fresh browser context whose console errors, page errors, failed requests
and 4xx/5xx responses are recorded in :class:`BrowserProblems`; a test that provokes an
error answer on purpose declares it with :meth:`BrowserProblems.expect`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    sync_playwright,
)

from tests.conftest import in_ci
from tests.ui.chromium import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
VIEWPORT = {"width": 1300, "height": 900}
# Chromium logs every error answer of a fetch as a console error of this shape.
LOAD_FAILURE = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")
# The monitor closes its event stream itself when the tournament ends; if that happens before
# Chromium has read the end of the response, the request is reported as aborted. This script
# notes such closes so that exactly those aborts are not counted as failures.
STREAM_CLOSED = "bracketry-test: the page closed its EventSource "
NOTE_STREAM_CLOSES = f"""
(() => {{
  const close = EventSource.prototype.close;
  EventSource.prototype.close = function () {{
    console.debug({STREAM_CLOSED!r} + this.url);
    return close.call(this);
  }};
}})();
"""


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only (see the module docstring)."""
    return f"sqlite:///{tmp_path / 'bracketry.db'}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        reason = f"{CHROMIUM} is missing: install Debian's chromium package for the browser tests"
        if in_ci():
            pytest.fail(f"{reason} (required under CI)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@dataclass
class BrowserProblems:
    """What went wrong in the browser during a test, and the error answers it expects."""

    entries: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    """(kind, HTTP status if known, URL path, text) of every problem seen."""
    expected: list[tuple[int, str]] = field(default_factory=list)
    closed_streams: set[str] = field(default_factory=set)
    """URL paths of the event streams the page closed itself."""

    def expect(self, status: int, path_suffix: str) -> None:
        """Allow error answers with ``status`` on URLs whose path ends with ``path_suffix``
        (and Chromium's console line about them)."""
        self.expected.append((status, path_suffix))

    def _allowed(self, kind: str, status: int | None, path: str, text: str) -> bool:
        if kind == "requestfailed":
            return path in self.closed_streams and text.endswith(": net::ERR_ABORTED")
        return status is not None and any(
            status == code and path.endswith(suffix) for code, suffix in self.expected
        )

    def unexpected(self) -> list[str]:
        """Every recorded problem that was not declared, as readable lines."""
        return [
            f"{kind}: {text}"
            for kind, status, path, text in self.entries
            if not self._allowed(kind, status, path, text)
        ]

    def seen(self, status: int, path_suffix: str) -> bool:
        """Whether an answer with ``status`` on such a URL was recorded."""
        return any(
            kind == "response" and code == status and path.endswith(path_suffix)
            for kind, code, path, _ in self.entries
        )

    # Recorders, wired to the page's events.
    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "debug" and message.text.startswith(STREAM_CLOSED):
            self.closed_streams.add(urlsplit(message.text.removeprefix(STREAM_CLOSED)).path)
            return
        if message.type != "error":
            return
        url = message.location.get("url", "") if message.location else ""
        found = LOAD_FAILURE.search(message.text)
        status = int(found.group(1)) if found else None
        self.entries.append(("console", status, urlsplit(url).path, f"{message.text} ({url})"))

    def on_page_error(self, error: Exception) -> None:
        self.entries.append(("pageerror", None, "", str(error)))

    def on_request_failed(self, request: Request) -> None:
        failure = request.failure or "unknown failure"
        path = urlsplit(request.url).path
        self.entries.append(
            ("requestfailed", None, path, f"{request.method} {request.url}: {failure}")
        )

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            path = urlsplit(response.url).path
            text = f"{response.status} {response.request.method} {response.url}"
            self.entries.append(("response", response.status, path, text))


@pytest.fixture
def problems() -> BrowserProblems:
    """The browser problems of this test (filled by the ``page`` fixture)."""
    return BrowserProblems()


@pytest.fixture
def new_page(browser: Browser, problems: BrowserProblems) -> Iterator[Callable[[], Page]]:
    """A factory of pages, each in a fresh context (1300x900) whose errors land in
    ``problems``; every context is closed at teardown."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(15_000)
        context.add_init_script(NOTE_STREAM_CLOSES)
        contexts.append(context)
        made = context.new_page()
        made.on("console", problems.on_console)
        made.on("pageerror", problems.on_page_error)
        made.on("requestfailed", problems.on_request_failed)
        made.on("response", problems.on_response)
        return made

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(live_server: httpx.Client, new_page: Callable[[], Page]) -> Page:
    """A recorded page for the live server's pages.

    It depends on ``live_server`` so that it is closed first: an open monitor keeps its
    event stream, and with it uvicorn's graceful shutdown, going."""
    return new_page()


@pytest.fixture(scope="session")
def save_screenshot() -> Callable[[Page, str], Path]:
    """A helper saving a full-page screenshot as ``<repo>/test-artifacts/<name>.png``."""

    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return save
