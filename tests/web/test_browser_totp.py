"""Browser test (issue 10): enrol TOTP, sign out, sign in with a code; a wrong code is refused.

Headless Chromium against a live server of its own (the user's two-factor state must not leak into
the other browser tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
import uvicorn

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.services import users
from kartoteka.settings import Settings
from kartoteka.web.app import create_app
from tests.web.conftest import PASSWORD, free_port
from tests.web.test_browser import ARGS, CHROMIUM, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def totp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser-totp")
    engine = make_engine(f"sqlite:///{tmp / 'k.db'}")
    upgrade_schema(engine)
    users.create_user(engine, username="olena", password=PASSWORD, role="editor", actor="test")
    settings = Settings(db=f"sqlite:///{tmp / 'k.db'}", media_dir=tmp / "media")
    server = uvicorn.Server(uvicorn.Config(create_app(settings, engine=engine), host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (make installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _password_step(page: Any, server: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#username", "olena")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")


def test_enrol_sign_out_and_sign_in_with_a_code(chromium: Any, totp_server: str) -> None:
    page = chromium.new_context(viewport={"width": 1366, "height": 900}).new_page()
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
