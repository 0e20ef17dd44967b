"""Browser test for issue 14 in Chromium: a Ukrainian registry sheet whose custody and category spellings
the vocabulary does not know is imported after choosing their values in the preview; the choice is
remembered for the organisation, and a reviewer removes it on the mappings page. Invented people only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kartoteka.services import value_mappings as vm
from tests.web.test_browser import _page, browser, served_registry, shot

__all__ = ["browser"]   # the Chromium fixture, shared with tests/web/test_browser.py
pytestmark = pytest.mark.browser
SHEET = """ПІБ;Дата народження;Стаття КК;Юрисдикція;Утримання;Категорія
Гончаренко Ярина Богданівна;05.06.1994;ч. 1 ст. 111 КК України;RU;СИЗО-2;полонений
Гончаренко Ярина Богданівна;1994;ч. 2 ст. 110 КК України;RU;СИЗО-2;полонений
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    with served_registry(tmp_path_factory.mktemp("browser_mappings"), username="reviewer", role="reviewer") as served:
        yield served


def test_map_custody_values_in_the_preview_then_remove_the_remembered_mapping(
        browser: Any, server: tuple[str, Any], tmp_path: Path) -> None:
    url, engine = server
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    page = _page(browser, url, "reviewer")
    page.goto(f"{url}/import")
    page.select_option("#kind", "registry")
    page.set_input_files("#file", str(sheet))
    page.click("button.primary")
    page.wait_for_selector("#unknown-custody")
    page.select_option("select[aria-label='Custody states: СИЗО-2']", "pretrial")
    page.select_option("select[aria-label='Categories: полонений']", "prisoner_of_war")
    page.fill("#source", "Вільна Правда")
    page.click("button[value=dry_run]")
    page.wait_for_selector("text=Dry run: nothing was written.")
    assert "rows 2, 3 are one person, Гончаренко Ярина Богданівна, born 1994-06-05" in page.inner_text("main")
    page.click("button[value=commit]")
    page.wait_for_selector("text=Imported.")
    shot(page, "14-custody-mapping-imported")
    assert vm.recall(engine, organisation="Вільна Правда", vocabulary="custody") == {"СИЗО-2": "pretrial"}
    page.goto(f"{url}/import")
    page.click("#mappings-link")
    page.wait_for_selector("#mappings-custody")
    page.click("#mappings-custody button:has-text('Remove')")
    page.wait_for_selector("#removed")
    shot(page, "14-mapping-removed")
    assert page.locator("#mappings-custody").count() == 0 and page.locator("#mappings-category").count() == 1
    assert vm.recall(engine, organisation="Вільна Правда", vocabulary="custody") == {}
    page.context.close()
