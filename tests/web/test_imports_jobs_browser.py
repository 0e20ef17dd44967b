"""Browser test in Chromium: a file large enough to take a while is imported through the job page, which
shows the rows read and the time left and refreshes itself until the report opens. Invented people only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kartoteka.db.tables import persons
from kartoteka.web.pages import imports as page_module
from tests.web.test_browser import _page, browser, served_registry, shot

__all__ = ["browser"]   # the Chromium fixture, shared with tests/web/test_browser.py
pytestmark = pytest.mark.browser
ROWS = 1000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    with served_registry(tmp_path_factory.mktemp("browser_import_jobs"), username="editor", role="editor") as served:
        yield served


def test_a_long_import_shows_its_progress_then_the_report(browser: Any, server: tuple[str, Any], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    url, engine = server
    monkeypatch.setattr(page_module, "WAIT_SECONDS", 0.0)   # show the progress page at once
    monkeypatch.setattr(page_module, "REFRESH_WAIT", 0.0)
    sheet = tmp_path / "people.csv"
    sheet.write_text("id,name,birth_date\n" + "".join(f"Q{i},Кораблёв{i} Степан Ильич,1985\n" for i in range(ROWS)),
                     encoding="utf-8")
    page = _page(browser, url, "editor")
    seen: list[str] = []
    page.on("response", lambda r: seen.append(r.text()) if "/import/jobs/" in r.url and r.status == 200 else None)
    page.goto(f"{url}/import")
    page.select_option("#kind", "persons")
    page.set_input_files("#file", str(sheet))
    page.click("button.primary")
    page.click("button[value=commit]")
    page.wait_for_selector("text=Imported.", timeout=60_000)
    shot(page, "16-import-job-report")
    assert "/import/jobs/" in page.url
    progress = [t for t in seen if 'http-equiv="refresh"' in t]
    assert progress and re.search(r"job-count\">\d+ / (\d+|\?)<", progress[-1])   # rows read of all, refreshing
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == ROWS
