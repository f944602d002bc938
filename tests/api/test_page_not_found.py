"""A browser asking for a page address that does not exist gets the not-found page in plain
words; API addresses and clients that do not ask for HTML keep the JSON refusal."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import API

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON = {"Accept": "application/json"}
MISSING_PAGES = (
    "/nothing/here",
    "/t/",
    "/t",
    "/tournaments/1/nope",
    "/tournaments/abc/manage/extra",
    "/static/",
    "/favicon.ico",
)
MISSING_API = (f"{API}/nothing", f"{API}/tournaments/1/nope", "/api/v2/tournaments")


def assert_page(answer: httpx.Response, status: int, heading: str) -> None:
    """An HTML page with ``status`` whose main heading is ``heading``, not a JSON body."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert f">{heading}</h1>" in answer.text
    assert '"detail"' not in answer.text


@pytest.mark.parametrize("path", MISSING_PAGES)
def test_a_browser_on_an_unknown_page_gets_the_not_found_page(
    client: TestClient, path: str
) -> None:
    answer = client.get(path, headers=BROWSER)
    assert_page(answer, 404, "Page not found")
    assert "This page does not exist." in answer.text
    assert 'href="/"' in answer.text


@pytest.mark.parametrize("path", MISSING_PAGES)
def test_a_client_not_asking_for_html_keeps_the_json_refusal(client: TestClient, path: str) -> None:
    for headers in (JSON, {"Accept": "*/*"}):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404
        assert answer.json() == {"detail": "Not Found", "field": None}


@pytest.mark.parametrize("path", MISSING_API)
def test_unknown_api_addresses_answer_json_even_to_a_browser(client: TestClient, path: str) -> None:
    for headers in (BROWSER, JSON):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404
        assert answer.json() == {"detail": "Not Found", "field": None}


def test_a_page_address_sent_a_form_answers_a_page_naming_what_it_takes(
    client: TestClient,
) -> None:
    answer = client.post("/tournaments/new", headers=BROWSER, data={"name": "Cup"})
    assert_page(answer, 405, "Not possible here")
    assert answer.headers["allow"] == "GET"
    plain = client.post("/tournaments/new", headers=JSON, data={"name": "Cup"})
    assert plain.status_code == 405
    assert plain.json() == {"detail": "Method Not Allowed", "field": None}
    api = client.delete(f"{API}/tournaments", headers=BROWSER)
    assert api.status_code == 405
    assert api.json()["field"] is None


def test_known_pages_and_api_reads_are_unchanged(client: TestClient) -> None:
    assert client.get("/", headers=BROWSER).status_code == 200
    listed = client.get(f"{API}/tournaments", headers=BROWSER)
    assert listed.status_code == 200 and "items" in listed.json()
    missing = client.get("/t/999999", headers=BROWSER)
    assert_page(missing, 404, "Page not found")
    assert "There is no tournament at this address." in missing.text
