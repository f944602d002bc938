"""/docs and /redoc load their scripts, styles and icon from the app, never from a CDN."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

URL = re.compile(r"""(?:src|href|url)\s*[=:(]\s*['"]?([^'"\s)>]+)""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_reference_only_the_apps_own_files(client: TestClient, page: str) -> None:
    answer = client.get(page)
    assert answer.status_code == 200
    assert "https://" not in answer.text and "http://" not in answer.text
    assets = [url for url in URL.findall(answer.text) if url.startswith("/docs/assets/")]
    assert assets, answer.text
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 1000, asset


def test_the_swagger_oauth2_redirect_page_is_served(client: TestClient) -> None:
    answer = client.get("/docs/oauth2-redirect")
    assert answer.status_code == 200 and "oauth2" in answer.text.lower()
