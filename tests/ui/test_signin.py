"""Signing in with a password in the page header: the access token acts for the account, a
renewal follows an expired one, a bad password is told, and signing out forgets both and
ends the sign-in on the server."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.api.accounts_helpers import PASSWORD, make_user
from tests.api.helpers import API
from tests.ui.conftest import BrowserProblems
from tests.ui.test_monitor import assert_clean, tid

STORED = "k => localStorage.getItem(k)"


def sign_in(page: Page, username: str, password: str) -> None:
    tid(page, "signin-username").fill(username)
    tid(page, "signin-password").fill(password)
    tid(page, "signin-submit").click()


def launch_small(page: Page) -> None:
    tid(page, "launch-players").fill("8")
    tid(page, "launch-mode").select_option("auto")
    tid(page, "launch-submit").click()


def test_a_signed_in_admin_launches_and_a_stale_token_is_renewed(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "ops-lead", "admin")
    page.goto(f"{base_url}/")
    sign_in(page, "ops-lead", PASSWORD)
    expect(tid(page, "signin-state")).to_have_text("signed in as ops-lead")
    expect(page.locator("#token-state")).to_have_text("token saved")
    access = page.evaluate(STORED, "bracketry-admin-token")
    assert access.count(".") == 2, "the stored token is the account's access JWT"
    assert tid(page, "signin-password").input_value() == ""

    # An access token the server no longer takes (as when it expires) is renewed once with
    # the refresh token; the action then goes through.
    page.evaluate("() => localStorage.setItem('bracketry-admin-token', 'expired')")
    problems.expect(401, "/tournaments/ops/run-scenario")
    launch_small(page)
    page.wait_for_url(re.compile(r"/tournaments/\d+$"))
    renewed = page.evaluate(STORED, "bracketry-admin-token")
    assert renewed != "expired" and renewed.count(".") == 2  # (equal to the first within a second)
    assert problems.seen(401, "/tournaments/ops/run-scenario")
    assert_clean(problems)


def test_a_wrong_password_is_told_and_signing_out_forgets_the_tokens(
    page: Page, live_server: httpx.Client, problems: BrowserProblems
) -> None:
    base_url = str(live_server.base_url).rstrip("/")
    make_user(live_server, "referee-1", "referee")
    page.goto(f"{base_url}/")
    problems.expect(401, "/auth/token")
    sign_in(page, "referee-1", "not the password")
    expect(tid(page, "signin-state")).to_contain_text("password")
    assert page.evaluate(STORED, "bracketry-refresh-token") is None

    sign_in(page, "referee-1", PASSWORD)
    expect(tid(page, "signin-state")).to_have_text("signed in as referee-1")
    # Signed in, the header says who and offers Sign out: no fields to sign in, no token.
    for hidden in ("signin-username", "signin-password", "signin-submit", "admin-token"):
        expect(tid(page, hidden)).to_be_hidden()
    page.reload()
    expect(tid(page, "signin-state")).to_have_text("signed in as referee-1")
    refresh = page.evaluate(STORED, "bracketry-refresh-token")
    with page.expect_response(re.compile(r"/auth/sign-out$")) as signed_out:
        tid(page, "signout").click()
    assert signed_out.value.status == 204
    renewed = live_server.post(
        f"{API}/auth/refresh", json={"refresh_token": refresh}, headers={"Authorization": ""}
    )
    assert renewed.status_code == 401, "signing out ends the sign-in on the server too"
    expect(tid(page, "signin-state")).to_have_text("")
    expect(tid(page, "signout")).to_be_hidden()
    for shown in ("signin-username", "signin-password", "signin-submit", "admin-token"):
        expect(tid(page, shown)).to_be_visible()
    for key in ("bracketry-admin-token", "bracketry-refresh-token", "bracketry-account"):
        assert page.evaluate(STORED, key) is None
    expect(page.locator("#token-state")).to_have_text("no token: actions will be refused")
    assert_clean(problems)
