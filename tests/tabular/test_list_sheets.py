"""A list workbook with a sheet per category is read as one list: every visible sheet whose header has a name
column, in workbook order, its rows numbered apart; a cover page and hidden sheets are named, not read; a totals
row ("Всього: 25 осіб") is checked against the persons read."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from kartoteka.services.lists import read_list
from kartoteka.tabular.documents import open_list
from kartoteka.tabular.list_lines import stated_total
from kartoteka.tabular.reader import open_table


def _book(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


CIVIL = [["№", "ПІБ", "Дата народження"], [1, "Сорокіна Марія Андріївна", "17.05.1990"],
         [2, "Коваленко Олександр Петрович", "03.02.1985"]]
POWS = [["№", "ПІБ", "Дата народження"], [1, "Мельник Андрій Іванович", "1992"],
        [2, "Сорокіна Марія Андріївна", "17.05.1990"]]


def test_two_sheets_with_the_same_header_are_one_list_and_rows_tell_their_sheet(tmp_path: Path) -> None:
    path = _book(tmp_path / "list.xlsx", {"Цивільні": CIVIL, "Військовополонені": POWS})
    listing = read_list(open_list(path))
    assert [(e.row_no, e.name, e.raw["sheet"]) for e in listing.entries] == [
        (2, "Сорокіна Марія Андріївна", "Цивільні"), (3, "Коваленко Олександр Петрович", "Цивільні"),
        (1002, "Мельник Андрій Іванович", "Військовополонені"), (1003, "Сорокіна Марія Андріївна", "Військовополонені")]
    # the list's own numbers restart on each sheet: rows are identified by their (distinct) row numbers
    assert [e.id for e in listing.entries] == ["2", "3", "1002", "1003"]
    text = "\n".join(listing.problems)
    assert "the sheet 'Військовополонені' was vetted as part of the list; its rows are numbered from 1000" in text
    assert "not read" not in text


def test_an_import_still_reads_the_first_sheet_only(tmp_path: Path) -> None:
    path = _book(tmp_path / "list.xlsx", {"Цивільні": CIVIL, "Військовополонені": POWS})
    table = open_table(path)
    assert len(list(table.rows)) == 2 and table.other_sheets == ["Військовополонені"] and not table.sheets


def test_a_later_sheet_with_other_column_names_is_read_into_the_first_sheets_columns(tmp_path: Path) -> None:
    later = [["Список військовополонених"], ["№ з/п", "Прізвище, ім'я, по батькові", "Дата народження", "Звання"],
             [1, "Мельник Андрій Іванович", "1992", "солдат"], [None, None, "1990"]]
    path = _book(tmp_path / "list.xlsx", {"Цивільні": CIVIL, "ВП": later})
    listing = read_list(open_list(path))
    assert [(e.row_no, e.name, e.birth_text) for e in listing.entries][2:] == [(1003, "Мельник Андрій Іванович", "1992")]
    assert listing.entries[2].raw["Звання"] == "солдат"
    text = "\n".join(listing.problems)
    assert "sheet 'ВП': row 1004: no name; the row is skipped" in text


def test_a_cover_sheet_is_named_and_the_list_sheet_read(tmp_path: Path) -> None:
    cover = [["Додаток 1 до Меморандуму"], ["Складено 01.11.2026"]]
    path = _book(tmp_path / "list.xlsx", {"Титул": cover, "Список": CIVIL, "Порожній": []})
    listing = read_list(open_list(path))
    assert [(e.row_no, e.raw["sheet"]) for e in listing.entries] == [(2, "Список"), (3, "Список")]
    text = "\n".join(listing.problems)
    assert "the sheet 'Титул' holds no list (no name column in its first rows) and was not read" in text
    assert "the list was read from the sheet 'Список'" in text
    assert "Порожній" not in text


def test_a_hidden_sheet_is_not_read_and_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path / "list.xlsx", {"Цивільні": CIVIL, "Службовий": POWS}, hidden=("Службовий",))
    listing = read_list(open_list(path))
    assert [e.name for e in listing.entries] == ["Сорокіна Марія Андріївна", "Коваленко Олександр Петрович"]
    assert "sheet" not in listing.entries[0].raw      # a one-sheet list keeps its rows as they were
    assert "hidden sheets were not read: Службовий (unhide a sheet to vet it)" in listing.problems


def test_totals_rows_are_read() -> None:
    assert [stated_total(t) for t in ("Всього: 25 осіб", "Итого 25 человек", "Total: 25", "Усього — 3 особи",
                                      "Всього станом на 01.11.2026", "Сорокіна Марія")] == [25, 25, 25, 3, None, None]
    # a date before the number is not the number
    assert stated_total("Всього станом на 01.11.2026: 25 осіб") == 25
    assert stated_total("Итого на 2025-11-01 — 7 человек") == 7


def test_a_total_that_matches_its_section_sheet_or_list_is_no_problem(tmp_path: Path) -> None:
    civil = [*CIVIL, ["Всього: 2 особи"]]
    pows = [POWS[0], ["Військовополонені"], *POWS[1:], ["Разом 2"], ["Всього: 4 особи"]]
    path = _book(tmp_path / "list.xlsx", {"Цивільні": civil, "ВП": pows})
    listing = read_list(open_list(path))
    assert len(listing.entries) == 4
    assert not any("the list says" in p for p in listing.problems)


def test_a_total_that_differs_is_a_problem_naming_its_row_and_sheet(tmp_path: Path) -> None:
    civil = [*CIVIL, ["Всього: 3 особи"]]
    path = _book(tmp_path / "list.xlsx", {"Цивільні": civil, "ВП": [*POWS, ["Итого 2 человека"]]})
    listing = read_list(open_list(path))
    said = [p for p in listing.problems if "the list says" in p]
    assert said == ["sheet 'Цивільні': row 4: the list says 3 persons, but 2 rows were read; a row may be missing "
                    "or added"]


def test_a_total_under_sections_is_checked_per_section_and_overall(tmp_path: Path) -> None:
    rows = [CIVIL[0], ["Цивільні"], *CIVIL[1:], ["Всього: 2"], ["Військовополонені"], *POWS[1:],
            ["Всього: 3"], ["Total: 5"]]
    path = _book(tmp_path / "list.xlsx", {"Список": rows})
    said = [p for p in read_list(open_list(path)).problems if "the list says" in p]
    assert said == [
        "row 9: the list says 3 persons, but 2 rows were read; a row may be missing or added",
        "row 10: the list says 5 persons, but 4 rows were read; a row may be missing or added"]
