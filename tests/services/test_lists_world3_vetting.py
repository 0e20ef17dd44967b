"""Vetting the third round's messy lists end to end (tests/tabular/test_lists_world3.py reads the shapes): a workbook
under title rows with place sections numbered anew, birth dates kept as Excel serials and its header repeated down the
sheet; a Word list numbered by Word and restarted per section, vetted from the command line; a DOCX table under its
title rows. Every person is vetted once, matched with the birth date the file gives, and known by the number the list
gives; no title is vetted as a person. Invented persons."""

from __future__ import annotations

import csv
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from openpyxl import Workbook

from kartoteka.errors import translate
from kartoteka.services.vetting import get_run, vet_list
from kartoteka.web.i18n import translations
from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.services.test_vetting import DEF, make_registry
from tests.tabular.test_lists_world3 import _numbered, _restart


def test_a_workbook_with_titles_place_sections_serial_dates_and_a_repeated_header(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    header = ["№", "ФИО", "Дата рождения", "Место содержания"]
    for row in (["Список лиц, подлежащих обмену"], ["по состоянию на 01.11.2026"], header,
                [None, "Крым"], [1, "Сорокина Мария Андреевна", "33010", "СИЗО-2"],
                [2, "Коваленко Олександр Петрович", 31081, ""], header,
                [None, "Херсонщина"], [1, "Мельник Андрій Іванович", "1992", ""],
                [2, "Сейтумеров Эрфан Энверович", "1985 г.р.", ""], ["Итого: 4 человека"]):
        ws.append(row)
    ws.merge_cells("A1:D1")
    ws["C5"].number_format = "@"
    path = tmp_path / "list.xlsx"
    wb.save(path)
    report = vet_list(db.engine, path=path, definition_id=DEF, actor="t")
    assert [(r.id, r.name, r.birth_date, r.person_id, r.status) for r in report.rows] == [
        ("Крым / 1", "Сорокина Мария Андреевна", "1990-05-17", "P1", "recognised"),
        ("Крым / 2", "Коваленко Олександр Петрович", "1985-02-03", "P2", "not_recognised"),
        ("Херсонщина / 1", "Мельник Андрій Іванович", "1992", "P4", "recognised"),
        ("Херсонщина / 2", "Сейтумеров Эрфан Энверович", "1985", "", "unknown")]
    assert all(r.match == "match" for r in report.rows[:3])
    text = "\n".join(report.problems)
    assert "row 5: birth date '33010' is an Excel date number, read as 1990-05-17" in text
    assert "row 6: birth date '31081' is an Excel date number, read as 1985-02-03" in text
    assert all(f"row {n} is not a person" in text for n in (4, 7, 8, 11))
    assert "the header is in row 3" in text and "the list says" not in text and "not understood" not in text
    stored = get_run(db.engine, run=report.run.id)             # read again, in the reader's language
    said = next(p for p in stored.problems if "33010" in p)
    assert "число дати Excel" in translate(said, translations("uk").gettext)
    assert [r.id for r in stored.rows] == [r.id for r in report.rows]


def test_a_word_list_numbered_by_word_restarted_per_section_from_the_command_line(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    doc = Document()
    doc.add_paragraph("ДОДАТОК 1")
    doc.add_paragraph("Список осіб, що підлягають обміну")
    doc.add_paragraph("Крим")
    for text in ("Сорокина Мария Андреевна, 17.05.1990 р.н.", "Asanov Server, 1979"):
        doc.add_paragraph(text, style="List Number")
    doc.add_paragraph("Донбас")
    again = _restart(doc)
    for text in ("Мельник Андрій Іванович, 1992", "Коваленко Олександр Петрович, 03.02.85"):
        _numbered(doc.add_paragraph(text, style="List Number"), again)
    path = tmp_path / "annex.docx"
    doc.save(str(path))
    out_csv = tmp_path / "report.csv"
    out = run_cli(db, "vet", str(path), "-d", DEF, "--out", str(out_csv), actor="vetter")
    assert "4 rows" in out
    with out_csv.open(encoding="utf-8") as fh:
        rows = [(r["id"], r["name"], r["person_id"]) for r in csv.DictReader(fh)]
    assert rows == [("Крим / 1", "Сорокина Мария Андреевна", "P1"), ("Крим / 2", "Asanov Server", ""),
                    ("Донбас / 1", "Мельник Андрій Іванович", "P4"), ("Донбас / 2", "Коваленко Олександр Петрович", "P2")]


def test_a_docx_table_under_its_title_rows_with_its_header_on_every_page(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    doc = Document()
    table = doc.add_table(rows=0, cols=3)
    header = ("№ з/п", "ПІБ", "Дата народження")
    for cells in (("", "", ""), ("01.11.2026", "", ""), header, ("1", "Сорокина Мария Андреевна", "33010"),
                  ("2", "Мельник Андрій Іванович", "1992"), header, ("", "Запоріжжя", ""),
                  ("3", "Коваленко Олександр Петрович", "03.02.85")):
        for cell, text in zip(table.add_row().cells, cells):
            cell.text = text
    title = table.cell(0, 0).merge(table.cell(0, 2))
    title.text = "Список осіб, що підлягають обміну"
    table.rows[2]._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    path = tmp_path / "annex.docx"
    doc.save(str(path))
    report = vet_list(db.engine, path=path, definition_id=DEF, actor="t")
    assert [(r.id, r.name, r.birth_date, r.person_id) for r in report.rows] == [
        ("1", "Сорокина Мария Андреевна", "1990-05-17", "P1"), ("2", "Мельник Андрій Іванович", "1992", "P4"),
        ("3", "Коваленко Олександр Петрович", "1985-02-03", "P2")]
    assert any("is not a person" in p and p.endswith("Запоріжжя") for p in report.problems)


def test_a_name_with_its_latin_spelling_in_parentheses_is_matched(db: Db, tmp_path: Path) -> None:
    """Before: "Мельник Андрій Іванович (Melnyk Andrii)" went to review (0.85) as a five-word name."""
    make_registry(db.engine, tmp_path)
    path = tmp_path / "list.txt"
    path.write_text("1. Мельник Андрій Іванович (Melnyk Andrii), 1992\n2. Sorokina Maria (Сорокина Мария), 17.05.1990\n"
                    "3. Коваленко Олександр Петрович Kovalenko Oleksandr, 03.02.1985\n", encoding="utf-8")
    report = vet_list(db.engine, path=path, definition_id=DEF, actor="t")
    assert [(r.id, r.name, r.person_id, r.match) for r in report.rows] == [
        ("1", "Мельник Андрій Іванович", "P4", "match"), ("2", "Sorokina Maria", "P1", "match"),
        ("3", "Коваленко Олександр Петрович", "P2", "match")]
