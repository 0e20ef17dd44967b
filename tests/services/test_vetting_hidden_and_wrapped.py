"""Vetting an annex that hides rows and a column, and a PDF annex whose names wrap: the hidden person is vetted
and the wrapped name matched, and each is said among the reading problems in the reader's language, in every
report format, on the command line and when the run is read again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fpdf import FPDF
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from kartoteka.errors import translate
from kartoteka.reports import html, write_report, xlsx
from kartoteka.reports.pdf import font_dir
from kartoteka.services.vetting import get_run, vet_list
from kartoteka.web.i18n import translations
from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.services.test_vetting import DEF, make_registry

HIDDEN = "row 3 of sheet 'Цивільні' is hidden in the file: read and vetted; check whether it belongs to the list"
HIDDEN_UK = "рядок 3 аркуша «Цивільні» прихований у файлі"


def _book(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Цивільні"
    for row in (["№", "ПІБ", "Дата народження"], [1, "Сорокина Мария Андреевна", "17.05.1990"],
                [2, "Мельник Андрій Іванович", "1992"], [3, "Коваленко Олександр Петрович", "03.02.1985"]):
        ws.append(row)
    ws.row_dimensions.group(3, 3, hidden=True)   # collapsed: the person is in the file, not on the screen
    ws.column_dimensions["C"].hidden = True
    wb.save(path)
    return path


def _pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font_dir() / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    for line in ("№ ПІБ Дата народження", "1  Сорокина Мария", "Андреевна   17.05.1990", "2  Мельник Андрій Іванович"):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_hidden_row_is_vetted_and_said_in_every_report(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    report = vet_list(db.engine, path=_book(tmp_path / "list.xlsx"), definition_id=DEF, actor="t")
    assert [(r.id, r.person_id) for r in report.rows] == [("1", "P1"), ("2", "P4"), ("3", "P2")]
    assert report.problems[:2] == ["the column 'Дата народження' of sheet 'Цивільні' is hidden in the file; it was "
                                   "read as the birth date", HIDDEN]
    page = html.render_text(report, "uk")
    assert HIDDEN_UK in page and "стовпець «Дата народження» аркуша «Цивільні» прихований" in page
    assert "is hidden in the file" not in page
    sheet = load_workbook(io.BytesIO(xlsx.render(report, "ru")))["Проблемы"]   # (the sheet named in Russian)
    assert any(str(v[0]).startswith("строка 3 листа «Цивільні» скрыта в файле") for v in sheet.iter_rows(values_only=True))
    pdf = write_report(report, tmp_path / "report.pdf", lang="uk")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    assert HIDDEN_UK in text
    again = get_run(db.engine, run=report.run.id)   # stored as message ids: read again in any language
    assert again.problems[1] == HIDDEN
    assert translate(again.problems[1], translations("uk").gettext).startswith(HIDDEN_UK)


def test_the_cli_says_hidden_rows_and_joined_names_in_ukrainian(db: Db, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    make_registry(db.engine, tmp_path)
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    out = " ".join(run_cli(db, "vet", str(_book(tmp_path / "list.xlsx")), "--definition", DEF).split())
    assert HIDDEN_UK in out and "is hidden" not in out
    out = " ".join(run_cli(db, "vet", str(_pdf(tmp_path / "annex.pdf")), "--definition", DEF).split())
    assert "рядок 2: ім'я продовжується в рядку 3, і ці рядки прочитано як одну особу: Сорокина Мария Андреевна" in out
    monkeypatch.setenv("KARTOTEKA_LANG", "en")
    report = vet_list(db.engine, path=_pdf(tmp_path / "annex.pdf"), definition_id=DEF, actor="t")
    assert [(r.id, r.name, r.person_id, r.match) for r in report.rows] == [
        ("1", "Сорокина Мария Андреевна", "P1", "match"), ("2", "Мельник Андрій Іванович", "P4", "match")]
