"""Browser: a Ukrainian user downloads a vetting report as PDF and its text, extracted back, is Ukrainian."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.web.test_browser import _page, browser, live_server, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_ukrainian_user_downloads_a_ukrainian_pdf(browser: Any, live_server: str, tmp_path: Path) -> None:  # noqa: F811
    page = _page(browser, live_server, "editor")
    page.select_option("#lang-select", "uk")
    page.wait_for_selector("h1:has-text('Огляд')")
    listing = tmp_path / "ua-list.csv"
    listing.write_text("№,ПІБ,Дата народження\n1,Іванов Іван Іванович,01.05.1980\n", encoding="utf-8")
    page.goto(f"{live_server}/vetting")
    page.set_input_files("#vfile", str(listing))
    page.fill("#vheld", "RU")
    page.click("button.primary")
    deadline = time.monotonic() + 60
    while "/vetting/runs/" not in page.url and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert "/vetting/runs/" in page.url, page.locator("main").inner_text()
    shot(page, "custody-01-ukrainian-report")
    with page.expect_download() as info:
        page.click("a.button:has-text('PDF')")
    saved = tmp_path / "report.pdf"
    info.value.save_as(saved)
    text = "\n".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Підсумок" in text and "Перевірка списку" in text and "Усі рядки" in text
    assert "Summary" not in text and "Every row" not in text
    page.select_option("#lang-select", "en")
    page.context.close()
