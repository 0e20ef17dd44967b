"""Sheets as people keep them: a title and blank lines above the header, a signature under the table."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from kartoteka.tabular.reader import header_index, open_table


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_a_title_and_a_blank_row_above_the_header_are_not_the_header(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "s.xlsx", [["Список политзаключённых (обновлено 01.11.2026)"], [],
                                        ["№ п/п", "ФИО", "Дата рождения", "Статья УК"],
                                        [1, "Белозерцева Анна Викторовна", "12.03.1985", "ст. 207.3 УК РФ"],
                                        [2, "Курбанов Рустем Ильясович", "1979", "ст. 205.5 УК РФ"]])
    table = open_table(path)
    assert table.headers == ["№ п/п", "ФИО", "Дата рождения", "Статья УК"]
    assert table.header_row == 3
    rows = list(table.rows)
    assert [n for n, _ in rows] == [4, 5]          # row numbers as the user sees them in the sheet
    assert rows[0][1]["ФИО"] == "Белозерцева Анна Викторовна"


def test_csv_title_line_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("Перелік осіб станом на 1 листопада 2026\n\nПІБ;Дата народження\n"
                    "Шевчук Олена Петрівна;1990\n", encoding="utf-8")
    table = open_table(path)
    assert table.headers == ["ПІБ", "Дата народження"]
    assert [(n, r["ПІБ"]) for n, r in table.rows] == [(4, "Шевчук Олена Петрівна")]


def test_first_row_stays_the_header_when_it_holds_a_known_column_or_no_row_does() -> None:
    assert header_index([["ФИО", "Примечание"], ["Список", "ФИО"]]) == 0
    assert header_index([["Name X", "Born Y"], ["a", "b"]]) == 0       # unknown headers: --map names them
    assert header_index([["Title"], ["ФИО", "Дата рождения"], ["x", "y"]]) == 1


def test_a_signature_under_the_table_is_noted_not_imported_but_a_name_is_kept(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "s.xlsx", [["ФИО"], ["Иванова Мария Петровна"], ["иванов иван"],
                                        ["Составил: ____________ И. И. Петров"], ["Всего: 2"]])
    table = open_table(path)
    assert [r["ФИО"] for _, r in table.rows] == ["Иванова Мария Петровна", "иванов иван"]
    assert [n for n, _ in table.skipped] == [4, 5]
    assert "Составил" in table.skipped[0][1]
