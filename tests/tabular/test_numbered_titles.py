"""A section title numbered as the list numbers its persons ("1 | Крым", "2 | Херсонська обл.", "II | Цивільні"):
a row whose only name-like cell is a place, a region or section words is a title, not a person, in a sheet, a CSV
and a Word table, in a list to vet and in a registry import; a numbered surname ("3 | Иванов", "4 | Москва",
"5 | Крымов") stays a person. Before: each such title was vetted (and imported) as a person named "Крым".
All persons are invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from kartoteka.db.tables import person_names
from kartoteka.services.imports import import_file
from kartoteka.services.lists import ListInput, read_list
from kartoteka.tabular.documents import open_list
from kartoteka.tabular.list_lines import numbered_title
from tests.conftest import Db
from tests.tabular.test_list_sheets import _book


def _people(listing: ListInput) -> list[tuple[str, str]]:
    return [(e.id, e.name) for e in listing.entries]


def _not_persons(listing: ListInput) -> list[str]:
    return [p.split("and was not vetted: ", 1)[1] for p in listing.problems if "is not a person" in p]


SHEET: list[list[object]] = [
    ["Список осіб, незаконно утримуваних РФ"], ["№ з/п", "ПІБ", "Дата народження", "Примітка"],
    [1, "Крим", None, None], [1, "Аблямітов Ернест Серверович", "12.03.1985", "СІЗО-2 Сімферополь"],
    [2, "Коваль Олена", "1979", None],
    ["2.", "Херсонська обл.", None, None], [1, "Мельник Андрій Іванович", "03.02.1990", None],
    [" 3 ", "Запорізька область", None, None], [1, "Москва Ірина", "1988", None],
    ["IV", "Цивільні", None, None], [1, "Петренко Василь", "1971", None],
]


def test_numbered_titles_in_a_sheet_are_sections_and_their_numbers_stay_with_their_persons(tmp_path: Path) -> None:
    _book(tmp_path / "список.xlsx", {"Лист1": SHEET})
    listing = read_list(open_list(tmp_path / "список.xlsx"))
    assert _not_persons(listing) == ["Крим", "Херсонська обл.", "Запорізька область",
                                     "Цивільні"]
    # each section numbers its persons from 1: a row is known by its section and its number
    assert _people(listing) == [("Крим / 1", "Аблямітов Ернест Серверович"), ("Крим / 2", "Коваль Олена"),
                                ("Херсонська обл. / 1", "Мельник Андрій Іванович"),
                                ("Запорізька область / 1", "Москва Ірина"),
                                ("Цивільні / 1", "Петренко Василь")]


def test_a_cp1251_csv_numbering_titles_and_persons_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(("№;ФИО;Дата рождения\r\n1;Крым;\r\n2;Сейтумеров Эрфан Энверович;12.03.1985\r\n"
                      "3;Иванов;\r\n4;Херсонская обл.;\r\n5;Крымов Олег;1980\r\n6;Донбасс (3 человека);\r\n"
                      "7;Шульга Нина Петровна;1971\r\n").encode("cp1251"))
    listing = read_list(open_list(path))
    assert _people(listing) == [("2", "Сейтумеров Эрфан Энверович"), ("3", "Иванов"), ("5", "Крымов Олег"),
                                ("7", "Шульга Нина Петровна")]
    assert _not_persons(listing) == ["Крым", "Херсонская обл.", "Донбасс (3 человека)"]


def test_a_word_table_with_numbered_titles(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Додаток 1")
    table = doc.add_table(rows=0, cols=3)
    for cells in [("№", "ПІБ", "Рік народження"), ("1", "Херсонщина", ""), ("2", "Бондар Сергій Петрович", "1983"),
                  ("3", "Крим", "Крим"), ("4", "Ткачук Ганна", "1990")]:
        for cell, text in zip(table.add_row().cells, cells):
            cell.text = text
    doc.save(str(tmp_path / "annex.docx"))
    listing = read_list(open_list(tmp_path / "annex.docx"))
    assert _people(listing) == [("2", "Бондар Сергій Петрович"), ("4", "Ткачук Ганна")]
    assert _not_persons(listing)[-2:] == ["Херсонщина", "Крим"]


@pytest.mark.parametrize(("cells", "title"), [
    (["1", "Крым"], "Крым"), (["12.", "Херсонська обл."], "Херсонська обл."), (["II", "Беларусь:"], "Беларусь:"),
    (["3)", "Військовополонені"], "Військовополонені"),
    (["1", "Иванов"], ""), (["2", "Москва"], ""), (["3", "Крымов"], ""), (["4", "Krym Anna"], ""),
    (["P17", "Крым"], ""), (["1", "Крым", "1985"], ""), (["Крым", "1"], ""),
])
def test_numbered_title(cells: list[str], title: str) -> None:
    assert numbered_title(cells) == title


def test_a_registry_import_takes_no_numbered_title_for_a_person(db: Db, tmp_path: Path) -> None:
    path = tmp_path / "реєстр.csv"
    path.write_text("№;ПІБ;Дата народження;Стаття\n1;Крим;;\n2;Аблямітов Ернест Серверович;12.03.1985;205.5 УК РФ\n"
                    "3;Херсонська обл.;;\n4;Мельник Андрій Іванович;03.02.1990;275 УК РФ\n", "utf-8")
    report = import_file(db.engine, "registry", path, actor="t")
    with db.engine.connect() as conn:
        names = sorted(conn.execute(select(person_names.c.full)).scalars())
    assert names == ["Аблямітов Ернест Серверович", "Мельник Андрій Іванович"]
    assert any("Крим" in str(n) and "row 2" in str(n) for n in report.notes)
