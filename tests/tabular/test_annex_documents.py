"""Annexes as documents: a DOCX table with a repeated header row, a numbering column and merged section rows
across the table, continued in a second table; a PDF annex whose text table has columns after the date."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from kartoteka.reports.pdf import font_dir
from kartoteka.services.lists import read_list
from kartoteka.tabular.documents import open_list, parse_line

HEADER = ["№ п/п", "Фамилия, имя, отчество", "Год рождения", "Место содержания"]


def _docx(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("Приложение 1 к Соглашению")
    number = 0
    for title, people in (("Военнопленные", [("СИДОРОВ Олег Русланович", "1969"), ("Панова Е. О.", "1953 г.р.")]),
                          ("Гражданские лица", [("Smith John", "12.03.75")])):
        table = doc.add_table(rows=1, cols=4)
        for cell, text in zip(table.rows[0].cells, HEADER):
            cell.text = text
        flag = OxmlElement("w:tblHeader")              # the header row repeated on each page
        flag.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(flag)
        row = table.add_row()
        row.cells[0].merge(row.cells[3]).text = title
        for name, born in people:
            number += 1
            row = table.add_row()
            for cell, text in zip(row.cells, (str(number), name, born, "")):
                cell.text = text
        doc.add_page_break()
    row = table.add_row()
    row.cells[0].merge(row.cells[3]).text = "Итого: 3 человека"
    doc.add_paragraph("Начальник отдела ________ И. И. Петров")
    path_ = path / "annex.docx"
    doc.save(str(path_))
    return path_


def test_docx_sections_and_totals_are_named_not_vetted(tmp_path: Path) -> None:
    listing = read_list(open_list(_docx(tmp_path)))
    assert listing.columns["name"] == "Фамилия, имя, отчество"
    assert [(e.id, e.name, e.birth.iso() if e.birth else "") for e in listing.entries] == [
        ("1", "СИДОРОВ Олег Русланович", "1969"), ("2", "Панова Е. О.", "1953"), ("3", "Smith John", "1975-03-12")]
    text = "\n".join(listing.problems)
    for title in ("Военнопленные", "Гражданские лица", "Итого: 3 человека"):
        assert f"not a person (a heading, a section title, a total or a note) and was not vetted: {title}" in text


def test_pdf_text_table_keeps_the_columns_after_the_date_out_of_the_name(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font_dir() / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    for line in ("Додаток 3 до Меморандуму", "№ ПІБ Дата народження Місце утримання", "Цивільні",
                 "1 Асанов Сейран Решатович 12.03.1985 СІЗО-1 м. Сімферополь", "Військовополонені",
                 "2 Шевченко Тарас Григорович 06.12.94 ВК-3", "Всього: 2 особи", "* уточнюється"):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "annex.pdf"
    pdf.output(str(path))
    listing = read_list(open_list(path))
    assert [(e.id, e.name, e.birth.iso() if e.birth else "") for e in listing.entries] == [
        ("1", "Асанов Сейран Решатович", "1985-03-12"), ("2", "Шевченко Тарас Григорович", "1994-12-06")]
    assert listing.entries[0].raw["rest"] == "СІЗО-1 м. Сімферополь"
    skipped = [p for p in listing.problems if "is not a person" in p]
    assert len(skipped) == 6 and any("Всього: 2 особи" in p for p in skipped)


def test_a_date_first_line_and_a_line_without_a_tail() -> None:
    assert parse_line("12.03.1985 Асанов Сейран") == {"id": "", "name": "Асанов Сейран", "birth_date": "12.03.1985"}
    assert parse_line("2) Куртумеров Ремзі, 1979 р.н., СІЗО-1") == {
        "id": "2", "name": "Куртумеров Ремзі", "birth_date": "1979", "rest": "СІЗО-1"}
