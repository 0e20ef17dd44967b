"""Vetting an annex as it arrives (title, two-row header, section titles, a person listed twice, a total and a
footnote): every row is vetted or named with its reason, in the reader's language in every report format."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine

from kartoteka.reports import html, xlsx
from kartoteka.services.vetting import vet_list
from tests.conftest import Db
from tests.services.test_vetting import make_registry


def _annex(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Додаток 2 до Меморандуму"])
    ws.append(["№", "Прізвище, ім'я, по батькові", "Дата народження", "Місце утримання", None])
    ws.append([None, None, None, "Установа", "Область"])
    ws.append(["Цивільні"])
    ws.append(["1", "СОРОКИНА Марія Андріївна", "17.05.90", "СІЗО-1", ""])
    ws.append(["2", "Мельник Андрій Іванович", "1992 р.н.", "", ""])
    ws.append(["Військовополонені"])
    ws.append(["3", "Сорокина М. А.", "17 травня 1990 р.", "", ""])
    ws.append(["Всього: 3 особи"])
    wb.save(path)
    return path


def test_annex_rows_are_vetted_or_named_in_the_readers_language(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    engine: Engine = db.engine
    report = vet_list(engine, path=_annex(tmp_path / "annex.xlsx"), definition_id="guidelines-2013", actor="t")
    assert [(r.id, r.person_id, r.birth_date, r.duplicate_of) for r in report.rows] == [
        ("1", "P1", "1990-05-17", ""), ("2", "P4", "1992", ""), ("3", "P1", "1990-05-17", "1")]
    page = html.render_text(report, "uk")
    for text in ("рядок 4 — не особа", "Цивільні", "рядок 7 — не особа", "рядок 9 — не особа", "Всього: 3 особи",
                 "рядки 2–3 — заголовок списку", "рік двоцифровий"):
        assert text in page, text
    assert "is not a person" not in page and "two-digit" not in page
    sheet = load_workbook(io.BytesIO(xlsx.render(report, "ru")))["Проблемы"]   # (the sheet named in Russian)
    lines = [str(v[0]) for v in sheet.iter_rows(values_only=True)]
    assert any(line.startswith("строка 7 — не лицо") and "Військовополонені" in line for line in lines)
