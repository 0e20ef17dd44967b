"""Browser tests for issue 14 in Chromium: create a person with a case and a source file, merge two
records and unmerge them, page through 250 results and export them, review a vetting row by picking the
second candidate. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.services import users
from kartoteka.services.imports import import_file
from kartoteka.settings import Settings
from tests.web.conftest import PASSWORD
from tests.web.test_browser import _page, browser, serve, shot

__all__ = ["browser"]   # the Chromium fixture, shared with tests/web/test_browser.py
pytestmark = pytest.mark.browser
MANY = 250


@pytest.fixture(scope="module")
def registry_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser_registry")
    engine = make_engine(f"sqlite:///{tmp / 'k.db'}")
    upgrade_schema(engine)
    rows = ["id,surname,given_name,patronymic,birth_date"]
    # distinct full birth dates: namesakes with other birth dates are never duplicate pairs
    rows += [f"B{i:04d},Бориславский{i},Борис,Петрович,{1950 + i // 12}-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
             for i in range(MANY)]
    rows += ["D1,Кораблёв,Степан,Ильич,1985", "D2,Кораблев,Степан,Ильич,1985-03-12",
             "T1,Мирошниченко,Агата,Львовна,1970", "T2,Мирошниченко,Агата,Львовна,1992"]
    (tmp / "persons.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp / "cases.csv").write_text("case_id,person_id,articles,status\nK1,D2,ст. 280.3 УК РФ,detained\n", "utf-8")
    import_file(engine, "persons", tmp / "persons.csv", actor="test")
    import_file(engine, "cases", tmp / "cases.csv", actor="test")
    users.create_user(engine, username="editor", password=PASSWORD, role="editor", actor="test")
    with serve(Settings(db=f"sqlite:///{tmp / 'k.db'}", media_dir=tmp / "media"), engine) as url:
        yield url


def test_create_a_person_with_a_case_and_a_source_file(browser: Any, registry_server: str, tmp_path: Path) -> None:
    page = _page(browser, registry_server, "editor")
    page.goto(f"{registry_server}/persons")
    page.click("#new-person-link")
    page.fill("#f-name", "Грищенко Остап Васильович")
    page.fill("#f-birth_date", "12.03.1985")
    page.select_option("select[name=alias_kind] >> nth=0", "transliteration")
    page.fill("input[name=alias_name] >> nth=0", "Hryshchenko Ostap")
    page.fill("#f-case_articles_text", "ч. 2 ст. 207.3 УК РФ")
    page.fill("#f-case_detained_on", "березень 2022")
    page.select_option("#f-case_status", "detained")
    verdict = tmp_path / "verdict.pdf"
    verdict.write_bytes(b"%PDF-1.4 synthetic verdict")
    page.set_input_files("#f-source_file", str(verdict))
    page.fill("#f-source_title", "Приговор (копия)")
    page.select_option("#f-event_kind", "detained")
    page.fill("#f-event_date", "2022-03")
    page.click("#new-person button[type=submit]")
    page.wait_for_url("**/persons/P*")
    text = page.inner_text("main")
    shot(page, "14-new-person")
    assert "Грищенко Остап Васильович" in text and "Hryshchenko Ostap" in text
    assert "207.3" in text and "2022-03" in text and "Приговор (копия)" in text


def test_merge_two_records_and_unmerge(browser: Any, registry_server: str) -> None:
    page = _page(browser, registry_server, "editor")
    page.goto(f"{registry_server}/duplicates")
    for _ in range(120):   # a long scoring shows a progress page that refreshes itself
        if page.locator("a.merge").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    link = page.locator("tr:has-text('D1') a.merge")
    link.first.click()
    page.wait_for_url("**/duplicates/merge?*")
    page.check("input[name=keep][value=D1]")
    page.check("input[name=field_birth_date][value=D2]")
    shot(page, "14-merge-form")
    page.click("#merge-form button[type=submit]")
    page.wait_for_url("**/persons/D1?merged=D2")
    text = page.inner_text("main")
    assert "1985-03-12" in text and "280.3" in text and "Кораблев Степан Ильич" in text
    shot(page, "14-merged")
    page.click("#merges button[type=submit]")
    page.wait_for_url("**/persons/D2?unmerged=1")
    assert "280.3" in page.inner_text("main")
    page.goto(f"{registry_server}/persons/D1")
    text = page.inner_text("main")
    assert "280.3" not in text and "1985-03-12" not in text


def test_page_through_250_results_and_export(browser: Any, registry_server: str) -> None:
    page = _page(browser, registry_server, "editor")
    page.goto(f"{registry_server}/persons")
    page.fill("#q", "Борис")
    page.select_option("select[name=sort]", "id")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("p.count")
    assert "250" in page.inner_text("p.count")
    seen: list[str] = []
    for number in range(1, 6):
        assert f"Page {number} of 5" in page.inner_text("nav.pages")
        seen += page.locator("table.results tbody tr td:first-child").all_inner_texts()
        if number < 5:
            page.click("nav.pages a[rel=next]")
            page.wait_for_load_state()
    assert len(seen) == MANY and len(set(seen)) == MANY and seen[0] == "B0000" and seen[-1] == "B0249"
    with page.expect_download() as info:
        page.click("#export-csv")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert len(rows) == MANY + 1 and rows[1][0] == "B0000"
    shot(page, "14-search-page-5")


def test_review_a_row_by_picking_the_second_candidate(browser: Any, registry_server: str) -> None:
    page = _page(browser, registry_server, "editor")
    page.goto(f"{registry_server}/vetting")
    page.fill("#vpasted", "Приложение 1. Список лиц\n1. Мирошниченко Агата Львовна\n")
    page.click("form[action='/vetting'] button[type=submit]")
    page.wait_for_url("**/vetting/runs/*", timeout=60_000)
    row = page.locator("#row-1")
    assert "review" in row.inner_text()
    options = row.locator("select[name=person] option")
    second = options.nth(1).get_attribute("value")
    assert second in ("T1", "T2")
    row.locator("select[name=person]").select_option(index=1)
    row.locator("select[name=judgement]").select_option("same")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert f"/persons/{second}" in page.locator("#row-1").inner_html()
    shot(page, "14-review-second-candidate")


NARROW = {"width": 375, "height": 800}


def test_search_person_and_vetting_run_fit_375_px(browser: Any, registry_server: str) -> None:
    """A phone-sized window: no page scrolls sideways (wide tables scroll inside their own box) and the
    main navigation stays reachable."""
    page = browser.new_context(viewport=NARROW).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{registry_server}/login")
    page.fill("#username", "editor")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{registry_server}/")
    page.goto(f"{registry_server}/vetting")
    page.fill("#vpasted", "1. Мирошниченко Агата Львовна\n2. Кораблёв Степан Ильич\n")
    page.click("form[action='/vetting'] button[type=submit]")
    page.wait_for_url("**/vetting/runs/*", timeout=60_000)
    run = page.url
    for name, url in (("search", f"{registry_server}/persons?q=%D0%91%D0%BE%D1%80%D0%B8%D1%81&searched=1"),
                      ("person", f"{registry_server}/persons/D2"), ("vetting-run", run)):
        page.goto(url)
        page.wait_for_load_state()
        width = page.evaluate("document.documentElement.scrollWidth")
        shot(page, f"14-narrow-{name}")
        assert width <= NARROW["width"], f"{name}: the page is {width} px wide"
        nav = page.locator("header.top nav[aria-label] a[href='/persons']")
        nav.scroll_into_view_if_needed()
        assert nav.is_visible()
        box = nav.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], name
        for link in page.locator("header.top nav a").all():   # every main link on the screen, none cut off
            b = link.bounding_box()
            assert b is not None and b["x"] >= 0 and b["x"] + b["width"] <= NARROW["width"], (name, link.inner_text())
    page.locator("header.top nav a[href='/persons']").click()
    page.wait_for_url("**/persons")
    page.context.close()
