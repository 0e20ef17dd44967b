"""Annex spreadsheets as they arrive: a title and notes above a two-row header with merged cells, a row of
column numbers, section titles, a totals row and a footnote under the table; CSV in cp1251 with ';'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from kartoteka.services.lists import read_list
from kartoteka.tabular.columns import map_columns
from kartoteka.tabular.documents import open_list
from kartoteka.tabular.list_lines import not_a_row


def _annex(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "Додаток 1 до Меморандуму про обмін"
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["№ з/п", "Прізвище, ім'я, по батькові", "Дата народження", "Місце утримання", None])
    ws.append([None, None, None, "Установа", "Область"])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:C4")
    ws.merge_cells("D3:E3")
    ws.append([1, 2, 3, 4, 5])                                     # the column numbers of an official table
    ws.append(["Цивільні"])
    ws.merge_cells("A6:E6")
    ws.append(["1", "АСАНОВ Сейран Решатович", dt.datetime(1985, 3, 12), "СІЗО-1", "Сімферополь"])
    ws.append(["2", "Ковальчук О. П.", "23 листопада 1990 р.", "", ""])
    ws.append([])
    ws.append(["Військовополонені:"])
    ws.append(["3", "Шевченко Тарас Григорович", "12.03.85", "", ""])
    ws.append(["Всього: 3 особи"])
    ws.append(["* дані уточнюються"])
    wb.save(path)
    return path


def test_two_row_header_with_merged_cells_and_column_numbers(tmp_path: Path) -> None:
    table = open_list(_annex(tmp_path / "annex.xlsx"))
    assert table.headers == ["№ з/п", "Прізвище, ім'я, по батькові", "Дата народження", "Установа", "Область"]
    assert (table.header_row, table.header_rows) == (3, 3)          # two header rows and the numbers row
    rows = list(table.rows)
    assert [(n, r["Прізвище, ім'я, по батькові"]) for n, r in rows] == [
        (7, "АСАНОВ Сейран Решатович"), (8, "Ковальчук О. П."), (11, "Шевченко Тарас Григорович")]
    assert rows[0][1]["Дата народження"] == "1985-03-12" and rows[0][1]["Область"] == "Сімферополь"
    assert [n for n, _ in table.skipped] == [6, 10, 12, 13]      # section titles, the total, the footnote


def test_every_row_of_the_annex_is_vetted_or_named_with_a_reason(tmp_path: Path) -> None:
    listing = read_list(open_list(_annex(tmp_path / "annex.xlsx")))
    assert [(e.id, e.name, e.birth.iso() if e.birth else "") for e in listing.entries] == [
        ("1", "АСАНОВ Сейран Решатович", "1985-03-12"), ("2", "Ковальчук О. П.", "1990-11-23"),
        ("3", "Шевченко Тарас Григорович", "1985-03-12")]
    text = "\n".join(listing.problems)
    for row, what in ((6, "Цивільні"), (10, "Військовополонені:"), (12, "Всього: 3 особи"),
                      (13, "* дані уточнюються")):
        assert f"row {row} is not a person" in text and what in text
    assert "rows 3 to 5 are the list's header" in text
    assert "row 11: birth date '12.03.85' has a two-digit year, read as 1985-03-12" in text


def test_headers_with_commas_colons_and_footnote_marks_are_known() -> None:
    for header in ("Прізвище, ім'я, по батькові", "Фамилия, имя, отчество", "ПІБ:", "ФИО*"):
        assert map_columns("persons", [header, "Дата народження"]) == {"name": header, "birth_date": "Дата народження"}


def test_section_titles_totals_and_footnotes_are_not_rows_but_names_are() -> None:
    for line in ("Цивільні", "Военнопленные", "II. Гражданские лица", "Prisoners of war", "Всього: 25 осіб",
                 "Всього: 3", "* дані уточнюються", "Журналісти та медики"):
        assert not_a_row(line, lone_cell=True), line
    for line in ("Асанов Сейран Решатович", "Ковальчук О. П.", "Іванов Іван*", "*Іванов Іван", "Müller Hans"):
        assert not not_a_row(line, lone_cell=True), line


def test_cp1251_semicolon_csv_with_a_title_and_totals(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("\r\n".join(["Список осіб;;;", "№;ПІБ;Дата народження;Примітка",
                                  "1;Асанов Сейран Решатович;12.03.1985;", ";;;", "2;Ковальчук О.П.;23.11.1990;повторно",
                                  "Військовополонені;;;", "3;Шевченко Тарас Григорович;1985 р.н.;",
                                  "Всього: 3 особи;;;", "* примітка;;;"]).encode("cp1251"))
    listing = read_list(open_list(path))
    assert [e.id for e in listing.entries] == ["1", "2", "3"]
    text = "\n".join(listing.problems)
    assert all(f"row {n} is not a person" in text for n in (6, 8, 9))
    assert "no name" not in text


def test_a_second_sheet_of_the_annex_is_vetted_with_it(tmp_path: Path) -> None:
    path = _annex(tmp_path / "annex.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    pows = wb.create_sheet("Військовополонені")
    pows.append(["№", "ПІБ", "Дата народження"])
    pows.append([1, "Пахомов Дмитро Вадимович", dt.date(1994, 12, 6)])
    wb.create_sheet("Порожній")
    hidden = wb.create_sheet("Службовий")
    hidden.append(["x"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    listing = read_list(open_list(path))   # the list goes on over its sheets: both are vetted
    assert [(e.row_no, e.raw["sheet"]) for e in listing.entries][2:] == [(11, "Sheet"), (1002, "Військовополонені")]
    assert "hidden sheets were not read: Службовий (unhide a sheet to vet it)" in listing.problems
    assert not any("other sheets were not read" in p for p in listing.problems)
