"""Browser test (issue 10): an administrator adds a user on the users page; the user enrols TOTP,
signs out and signs in with a code; a wrong code is refused. (A user of its own, so that two-factor
sign-in does not reach the other browser tests' users.)"""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from tests.web.test_browser import _page, browser, live_server, shot

__all__ = ["browser", "live_server"]   # the fixtures, shared with the other browser tests

pytestmark = pytest.mark.browser


PASSWORD = "quiet marten violin 58"


def _password_step(page: Any, server: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#username", "olena")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")


def test_enrol_sign_out_and_sign_in_with_a_code(browser: Any, live_server: str) -> None:
    totp_server = live_server
    admin = _page(browser, live_server, "admin")
    admin.goto(f"{live_server}/users")
    admin.fill("#nu", "olena")
    admin.fill("#np", PASSWORD)
    admin.select_option("#nr", "editor")
    admin.locator("form[action='/users'] button[type=submit]").click()
    admin.wait_for_selector("text=olena")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    _password_step(page, totp_server)
    page.wait_for_url(f"{totp_server}/")
    page.goto(f"{totp_server}/account/totp")
    assert page.locator("figure.qr svg").count() == 1            # the QR code is drawn inline
    secret = page.locator("#totp-secret").inner_text().strip()
    shot(page, "totp-enrol")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.press("#code", "Enter")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(f"{totp_server}/login")

    _password_step(page, totp_server)
    page.wait_for_url(lambda url: "/login/code" in url)
    page.fill("#code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.press("#code", "Enter")
    page.wait_for_selector("p.error")
    assert "/login/code" in page.url                              # a wrong code is refused
    shot(page, "totp-wrong-code")
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))   # the next step: not used before
    page.press("#code", "Enter")
    page.wait_for_url(f"{totp_server}/")
    assert "olena" in page.locator("header").inner_text()
    shot(page, "totp-signed-in")
