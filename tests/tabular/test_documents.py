"""Lists as documents: DOCX tables, PDF text, plain text; every format gives the same rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.errors import InvalidInput
from kartoteka.reports.pdf import font_dir
from kartoteka.tabular.documents import list_from_text, open_list, parse_line

NAMES = [("Сорокина Мария Андреевна", "17.05.1990"), ("KOVALENKO Oleksandr", "1985"), ("Мельник Андрій", "")]


def _rows(path: Path) -> list[dict[str, str]]:
    return [row for _, row in open_list(path).rows]


@pytest.mark.parametrize("line, expected", [
    ("12. Иванов Иван Иванович, 12.03.1985 г.р.", ("12", "Иванов Иван Иванович", "12.03.1985")),
    ("Петренко Олена 1990 р.н.", ("", "Петренко Олена", "1990")),
    ("IVANOV Ivan (born 1985-03-12)", ("", "IVANOV Ivan", "1985-03-12")),
    ("3) Сидоров С.С.", ("3", "Сидоров С.С.", "")),
    ("Иванов Иван, д. р. 01.02.1970", ("", "Иванов Иван", "01.02.1970")),
])
def test_parse_line(line: str, expected: tuple[str, str, str]) -> None:
    row = parse_line(line)
    assert row is not None and (row["id"], row["name"], row["birth_date"]) == expected


def test_lines_without_letters_are_skipped() -> None:
    assert parse_line("— 5 —") is None and parse_line("   ") is None


def test_plain_text_one_name_per_line(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("Список\n\n1. Сорокина Мария Андреевна, 17.05.1990\n2. KOVALENKO Oleksandr 1985\n- 1 -\n",
                    "utf-8")
    table = open_list(path)
    assert table.format == "text" and table.headers == ["id", "name", "birth_date"]
    rows = [r for _, r in table.rows]
    assert [r["name"] for r in rows] == ["Сорокина Мария Андреевна", "KOVALENKO Oleksandr"]   # a heading is no row
    assert rows[0]["id"] == "1" and rows[0]["birth_date"] == "17.05.1990"


def test_cp1251_text_and_txt_that_is_really_a_table(tmp_path: Path) -> None:
    plain = tmp_path / "a.txt"
    plain.write_bytes("Мельник Андрій Іванович\nСорокина Мария\n".encode("cp1251"))
    assert [r["name"] for r in _rows(plain)] == ["Мельник Андрій Іванович", "Сорокина Мария"]
    table = tmp_path / "b.txt"
    table.write_text("ФИО;Дата рождения\nСорокина Мария;1990\n", "utf-8")
    opened = open_list(table)
    assert opened.format == "csv" and [r for _, r in opened.rows] == [{"ФИО": "Сорокина Мария", "Дата рождения": "1990"}]


def test_headerless_one_column_csv_keeps_its_first_name(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("Сорокина Мария Андреевна\nМельник Андрій\n", "utf-8")
    assert [r["name"] for r in _rows(path)] == ["Сорокина Мария Андреевна", "Мельник Андрій"]
    with_header = tmp_path / "names2.csv"
    with_header.write_text("ПІБ\nМельник Андрій\n", "utf-8")
    assert _rows(with_header) == [{"ПІБ": "Мельник Андрій"}]


def test_docx_tables_across_pages_are_one_table(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Приложение 1. Список лиц")
    for chunk in (NAMES[:2], NAMES[2:]):
        t = doc.add_table(rows=1, cols=3)
        for cell, text in zip(t.rows[0].cells, ("№", "ФИО", "Дата рождения")):
            cell.text = text
        for i, (name, born) in enumerate(chunk, 1):
            cells = t.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = str(i), name, born
    sig = doc.add_table(rows=1, cols=2)
    sig.rows[0].cells[0].text = "Подпись"
    path = tmp_path / "annex.docx"
    doc.save(str(path))
    table = open_list(path)
    assert table.format == "docx" and table.headers == ["№", "ФИО", "Дата рождения"]
    rows = [r for _, r in table.rows]
    assert [(r["ФИО"], r["Дата рождения"]) for r in rows] == NAMES


def test_docx_without_tables_reads_paragraphs(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for name, born in NAMES:
        doc.add_paragraph(f"{name} {born}".strip())
    path = tmp_path / "plain.docx"
    doc.save(str(path))
    assert [(r["name"], r["birth_date"]) for r in _rows(path)] == NAMES


def test_pdf_text_one_name_per_line(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font_dir() / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    pdf.cell(0, 8, "Annex 2", new_x="LMARGIN", new_y="NEXT")
    for i, (name, born) in enumerate(NAMES, 1):
        pdf.cell(0, 8, f"{i}. {name} {born}".strip(), new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "annex.pdf"
    pdf.output(str(path))
    rows = _rows(path)   # the heading "Annex 2" is not a row
    assert [(r["name"], r["birth_date"]) for r in rows] == NAMES
    assert [r["id"] for r in rows] == ["1", "2", "3"]


def test_pasted_text_and_errors(tmp_path: Path) -> None:
    table = list_from_text("Сорокина Мария\r\nМельник Андрій 1992\n")
    assert [(r["name"], r["birth_date"]) for _, r in table.rows] == [("Сорокина Мария", ""), ("Мельник Андрій", "1992")]
    with pytest.raises(InvalidInput, match="no names"):
        list_from_text("1\n2\n")
    with pytest.raises(InvalidInput, match="no such file"):
        open_list(tmp_path / "missing.csv")
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="broken.docx"):
        open_list(bad)
    odt = tmp_path / "x.odt"
    odt.write_text("x")
    with pytest.raises(InvalidInput, match="unknown list format"):
        open_list(odt)
