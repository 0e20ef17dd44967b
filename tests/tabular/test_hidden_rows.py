"""Hidden rows and columns of a list workbook: a row hidden by hand or in a collapsed outline group is read and
vetted like the others, and the reading problems name it with its sheet; a hidden column the list is read from
(the birth dates) is named too. All names are invented."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from kartoteka.errors import translate
from kartoteka.services.lists import read_list
from kartoteka.tabular import hidden
from kartoteka.tabular.documents import open_list
from kartoteka.tabular.reader import open_table
from kartoteka.web.i18n import translations

HEADER = ["№", "Прізвище, ім'я, по батькові", "Дата народження", "Примітка"]
PEOPLE = [("Лозинська Дарина Олегівна", "03.04.1991"), ("Гнатюк Остап Ярославович", "17.09.1984"),
          ("Вербицька Соломія Тарасівна", "22.01.1979"), ("Кравчишин Денис Ігорович", "05.11.1995"),
          ("Пилипчук Ярина Богданівна", "30.06.1988"), ("Стельмах Назар Романович", "14.02.2000")]


def _annex(path: Path) -> Path:
    """Title in row 1, header in row 2, persons in rows 3-8; row 4 hidden by hand, rows 6-7 in a collapsed outline
    group (Excel marks each row of it hidden), the birth-date column C hidden and a hidden note column D."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Цивільні"
    ws.append(["Додаток 1 до протоколу"])
    ws.append(HEADER)
    for number, (name, born) in enumerate(PEOPLE, start=1):
        ws.append([number, name, born, "виключено" if number in (2, 4, 5) else ""])
    ws.append(["Всього: 6 осіб"])
    ws.row_dimensions[4].hidden = True
    ws.row_dimensions.group(6, 7, hidden=True)
    ws.column_dimensions["C"].hidden = True
    ws.column_dimensions.group("D", "D", hidden=True)
    wb.save(path)
    return path


def test_hidden_rows_are_read_and_vetted_and_named_with_their_sheet(tmp_path: Path) -> None:
    listing = read_list(open_list(_annex(tmp_path / "annex.xlsx")))
    assert [(e.row_no, e.name, e.birth.iso() if e.birth else "") for e in listing.entries] == [
        (3, "Лозинська Дарина Олегівна", "1991-04-03"), (4, "Гнатюк Остап Ярославович", "1984-09-17"),
        (5, "Вербицька Соломія Тарасівна", "1979-01-22"), (6, "Кравчишин Денис Ігорович", "1995-11-05"),
        (7, "Пилипчук Ярина Богданівна", "1988-06-30"), (8, "Стельмах Назар Романович", "2000-02-14")]
    said = "row %d of sheet 'Цивільні' is hidden in the file: read and vetted; check whether it belongs to the list"
    assert [p for p in listing.problems if "hidden" in p] == [
        "the column 'Дата народження' of sheet 'Цивільні' is hidden in the file; it was read as the birth date",
        said % 4, said % 6, said % 7]
    assert not any("Примітка" in p for p in listing.problems)      # a hidden column no field reads is not vetted
    assert not any("the list says" in p for p in listing.problems)  # the hidden persons count for the total
    by_row = {e.row_no: e for e in listing.entries}
    assert by_row[4].notes == (said % 4,) and by_row[3].notes == ()
    assert by_row[6].raw["Примітка"] == "виключено"                # the hidden column's text stays with the row


def test_the_notes_read_in_ukrainian_and_russian(tmp_path: Path) -> None:
    listing = read_list(open_list(_annex(tmp_path / "annex.xlsx")))
    uk = [translate(p, translations("uk").gettext) for p in listing.problems]
    assert "рядок 4 аркуша «Цивільні» прихований у файлі: його прочитано й перевірено; з'ясуйте, чи належить він " \
           "до списку" in uk
    assert "стовпець «Дата народження» аркуша «Цивільні» прихований у файлі; його прочитано як поле «дата " \
           "народження»" in uk
    ru = [translate(p, translations("ru").gettext) for p in listing.problems]
    assert any(p.startswith("строка 6 листа «Цивільні» скрыта в файле") for p in ru)
    assert not any("hidden" in p for p in uk + ru)


def test_a_hidden_row_of_a_later_sheet_names_its_row_in_the_sheet_and_in_the_list(tmp_path: Path) -> None:
    wb = Workbook()
    civil = wb.active
    assert civil is not None
    civil.title = "Цивільні"
    pows = wb.create_sheet("Військовополонені")
    for ws, people in ((civil, PEOPLE[:2]), (pows, PEOPLE[2:4])):
        ws.append(HEADER[:3])
        for number, (name, born) in enumerate(people, start=1):
            ws.append([number, name, born])
    pows.row_dimensions[3].hidden = True
    wb.save(tmp_path / "list.xlsx")
    listing = read_list(open_list(tmp_path / "list.xlsx"))
    assert [e.row_no for e in listing.entries] == [2, 3, 1002, 1003]
    assert [p for p in listing.problems if "hidden" in p] == [
        "row 3 of sheet 'Військовополонені' (row 1003 of the list) is hidden in the file: read and vetted; check "
        "whether it belongs to the list"]


def test_hidden_rows_that_are_no_person_are_not_said_to_be_vetted(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Список"
    for row in (HEADER[:3], [1, PEOPLE[0][0], PEOPLE[0][1]], ["Військовополонені"], [None, None, None],
                [2, PEOPLE[1][0], PEOPLE[1][1]], [3, None, "1990"]):
        ws.append(row)
    for r in (3, 4, 6):   # a section title, an empty row, a row without a name
        ws.row_dimensions[r].hidden = True
    wb.save(tmp_path / "list.xlsx")
    listing = read_list(open_list(tmp_path / "list.xlsx"))
    assert [e.row_no for e in listing.entries] == [2, 5]
    assert not any("is hidden in the file" in p for p in listing.problems)
    assert "row 6: no name; the row is skipped" in listing.problems


def test_an_import_reads_every_row_and_names_the_hidden_ones(tmp_path: Path) -> None:
    table = open_table(_annex(tmp_path / "annex.xlsx"))   # an import: every row read, the hidden ones named
    assert len(list(table.rows)) == 6 and not table.row_notes   # no vetting note ("read and vetted") on an import
    assert table.hidden_rows == {4: ("Цивільні", 4), 6: ("Цивільні", 6), 7: ("Цивільні", 7)}
    assert table.hidden_columns == [("Цивільні", "Дата народження"), ("Цивільні", "Примітка")]
    skipping = open_table(_annex(tmp_path / "annex.xlsx"), skip_hidden=True)
    assert [r for r, _ in skipping.rows] == [3, 5, 8] and not skipping.hidden_rows
    assert sorted(skipping.hidden_skipped) == [4, 6, 7]


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_the_scan_finds_rows_without_numbers_prefixed_tags_and_zero_sizes(chunk: int,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hidden, "_CHUNK", chunk)   # tags cut at every place between two reads
    xml = (b'<x:worksheet xmlns:x="urn:main"><x:cols><x:col min="2" max="3" width="0" customWidth="1"/>'
           b'<x:col min="5" max="5" hidden="true"/><x:col min="6" max="6" width="12"/></x:cols><x:sheetData>'
           b'<x:row><x:c><x:v>1</x:v></x:c></x:row><x:row hidden="1"/><x:row ht="0" customHeight="1"/>'
           b'<x:row ht="15"/><x:row r="9" hidden="0"/><x:row collapsed="1" hidden="1"><x:c t="inlineStr"><x:is>'
           b'<x:t>hidden=&quot;1&quot;</x:t></x:is></x:c></x:row></x:sheetData>'
           b'<x:rowBreaks count="1"><x:brk id="4" hidden="1"/></x:rowBreaks></x:worksheet>')
    found = hidden.scan(io.BytesIO(xml))
    assert found.rows == {2, 3, 10} and found.columns == {2, 3, 5}
    plain = b'<worksheet><sheetData><row r="1"/><row r="2" spans="1:3"/></sheetData></worksheet>'
    assert hidden.scan(io.BytesIO(plain)) == hidden.Hidden()
