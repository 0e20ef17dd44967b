"""Every exporter renders the same report: CSV columns and neutralised cells, XLSX filters and fills,
self-contained printable HTML, PDF text that extracts back in Cyrillic and Latin."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kartoteka.errors import InvalidInput
from kartoteka.reports import FORMATS, exporter, write_report
from kartoteka.reports.cells import safe_cell, safe_row
from kartoteka.services.vetting_model import CSV_COLUMNS, VetReport


def test_safe_cell_neutralises_formulas_and_keeps_numbers() -> None:
    assert safe_cell("=1+2") == "'=1+2" and safe_cell("+7 999") == "'+7 999" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-x") == "'-x" and safe_cell("\tx") == "'\tx" and safe_cell("Иванов") == "Иванов"
    assert safe_cell(0.5) == 0.5 and safe_cell(3) == 3 and safe_cell(None) == ""
    assert safe_row(["=A1", 2]) == ["'=A1", 2]


def test_csv_keeps_the_nine_columns_first_then_the_context(report: VetReport) -> None:
    text = exporter("csv").render(report).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0][:9]) == CSV_COLUMNS
    assert rows[0][9:16] == ["category", "held_by", "custody", "warnings", "all_flags", "recognised_by", "claimed"]
    assert all(len(r) == len(rows[0]) for r in rows)
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert rows[2][6] == "war_crime;violence" and rows[4][7] == "1" and rows[2][2] == "P2"
    assert rows[3][1] == "'=HYPERLINK(\"http://x\",\"click\")"   # formula injection neutralised
    assert rows[5][8] == "'-close candidates"
    assert rows[1][1] == "Сорокина Мария Андреевна"


def test_xlsx_has_filters_colours_and_no_formulas(report: VetReport, tmp_path: Path) -> None:
    path = write_report(report, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Summary", "Rows"] and "Missing" in wb.sheetnames and "Flagged" in wb.sheetnames
    ws = wb["Rows"]
    assert ws.auto_filter.ref.startswith("A1:") and ws.auto_filter.ref.endswith("6") and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]][:9] == list(CSV_COLUMNS)
    assert ws["B4"].value.startswith("'=") and ws["B4"].data_type == "s"
    assert ws["E3"].value == pytest.approx(0.93)
    assert ws["F2"].fill.fgColor.rgb.endswith("D9EAD3") and ws["F3"].fill.fgColor.rgb.endswith("F4CCCC")
    assert ws["G3"].fill.fill_type == "solid" and ws["G2"].fill.fill_type is None
    assert wb["Missing"]["A2"].value == "P4" and wb["Missing"]["D2"].value == "5"
    assert wb["Flagged"]["F2"].value == "RU 356, RU 111(2)"


def test_html_is_self_contained_and_prints(report: VetReport) -> None:
    html = exporter("html").render(report).decode("utf-8")
    assert "@media print" in html and "@page" in html and "<script" not in html
    assert "<link" not in html and "src=" not in html and "url(" not in html
    assert "Сорокина Мария Андреевна" in html and "Мельник Андрій Іванович" in html
    assert "=HYPERLINK(&#34;http://x&#34;" in html or "=HYPERLINK(&quot;http://x&quot;" in html   # escaped
    assert "war_crime</b>: RU 356" in html and "Recognised political prisoners not on the list (1)" in html
    assert "Listed twice (1)" in html and "Not in the registry (1)" in html and "exchanged" in html


def test_pdf_text_extracts_in_cyrillic_and_latin(report: VetReport, tmp_path: Path) -> None:
    path = write_report(report, tmp_path / "r.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    for expected in ("Сорокина Мария Андреевна", "KOVALENKO Oleksandr", "Мельник Андрій Іванович", "RU 356",
                     "Vetting run #7: Annex 1", "Round 2"):
        assert expected in text, expected


def test_unknown_format(report: VetReport, tmp_path: Path) -> None:
    assert FORMATS == ("html", "csv", "xlsx", "pdf")
    with pytest.raises(InvalidInput, match="unknown report format"):
        write_report(report, tmp_path / "r.odt")


def test_pdf_without_font_fails_clearly(report: VetReport, monkeypatch: pytest.MonkeyPatch) -> None:
    from kartoteka.errors import KartotekaError
    from kartoteka.reports import pdf

    monkeypatch.setattr(pdf, "FONT_DIRS", ())
    monkeypatch.delenv("KARTOTEKA_FONT_DIR", raising=False)
    with pytest.raises(KartotekaError, match="fonts-dejavu-core"):
        pdf.render(report)


def test_reports_in_russian_translate_the_explanation_flags_and_row_headers(report: VetReport, tmp_path: Path) -> None:
    from kartoteka.reports import csv as csv_report, html as html_report, xlsx as xlsx_report

    from dataclasses import replace

    from kartoteka.matching.explain import reason

    flagged = next(r for r in report.rows if r.flags)
    said = reason("no registry person with a matching name")
    report = replace(report, rows=[replace(r, reasons=[said], explanation="no registry person with a matching name")
                                   if r.match == "no_match" else r for r in report.rows])
    assert any(r.match == "no_match" for r in report.rows)
    english = csv_report.render(report, "en").decode()
    russian = csv_report.render(report, "ru").decode()
    assert english.splitlines()[0] == russian.splitlines()[0]          # the columns stay for other tools
    assert "no registry person with a matching name" in english
    assert "no registry person" not in russian and "в реестре нет человека" in russian
    page = html_report.render(report, "ru").decode()
    assert "<th>duplicate_of</th>" not in page and "<th>explanation</th>" not in page
    assert "пояснение" in page
    wb = load_workbook(io.BytesIO(xlsx_report.render(report, "ru")))
    assert [c.value for c in wb["Rows"][1]][:9] == list(CSV_COLUMNS)
    assert all(tag not in str(wb["С пометками"]["E2"].value) for tag in flagged.flags)   # (its name in Russian)
    assert wb.sheetnames[:2] == ["Итог", "Rows"] and "Нет в списке" in wb.sheetnames
