"""The API docs render with no internet: every request the page makes stays on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.ui.conftest import ARTIFACTS, BrowserProblems

LOCAL = {"127.0.0.1", "localhost"}
REDOC_LOGO = "cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        ("/docs", ".swagger-ui .opblock-tag-section"),  # Swagger UI: its operation groups
        ("/redoc", "[role=menuitem], .api-content h1"),  # ReDoc: its menu or its title
    ],
)
def test_the_api_docs_render_offline(
    live_server: httpx.Client,
    new_page: Callable[[], Page],
    problems: BrowserProblems,
    path: str,
    rendered: str,
) -> None:
    outside: list[str] = []

    def local_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL:
            route.continue_()
            return
        outside.append(route.request.url)
        route.abort("internetdisconnected")

    page = new_page()
    page.route("**/*", local_only)
    page.goto(f"{str(live_server.base_url).rstrip('/')}{path}")
    expect(page.locator(rendered).first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("bracketry", exact=False).first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)  # the visible part: ReDoc's whole page is very long
    page.screenshot(path=str(ARTIFACTS / f"docs-offline{path.replace('/', '-')}.png"))
    assert outside == [], f"{path} asked the internet for {outside}"
    # ReDoc's page policy stops its "API docs by Redocly" logo (an internet image) before
    # any request is made; Chromium notes the refusal in the console.
    assert [line for line in problems.unexpected() if REDOC_LOGO not in line] == []
