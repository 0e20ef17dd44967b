"""Vetting a list workbook with a sheet per category: every person on every list sheet is vetted, a person on two
sheets is listed twice, the missing recognised persons are those of no sheet; a stored run read again and a
reviewer's decision on a row of the second sheet work; a totals row that differs from the rows read is a reading
problem in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from kartoteka.errors import translate
from kartoteka.reports import html
from kartoteka.services.vetting import get_run, record_review, vet_list
from kartoteka.web.i18n import translations
from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.services.test_vetting import make_registry

DEF = "guidelines-2013"


def _book(path: Path, total: str = "Всього: 2 особи") -> Path:
    wb = Workbook()
    civil = wb.active
    assert civil is not None
    civil.title = "Цивільні"
    for row in (["Додаток 1"], ["№", "ПІБ", "Дата народження"], [1, "Сорокина Мария Андреевна", "17.05.1990"],
                [2, "Коваленко Олександр Петрович", "03.02.1985"], [total]):
        civil.append(row)
    notes = wb.create_sheet("Примітки")
    notes.append(["Список складено за даними на 01.11.2026"])
    pows = wb.create_sheet("Військовополонені")
    for row in (["№", "ПІБ", "Дата народження"], [1, "Мельник Андрій Іванович", "1992"],
                [2, "Петров Иван Сергеевич", ""], [3, "Maria Sorokina", "1990-05-17"]):
        pows.append(row)
    hidden = wb.create_sheet("Службовий")
    hidden.append(["№", "ПІБ"])
    hidden.append([1, "Петров Иван Сергеевич"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


def test_every_list_sheet_is_vetted_as_one_list(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    engine: Engine = db.engine
    report = vet_list(engine, path=_book(tmp_path / "list.xlsx"), definition_id=DEF, actor="t")
    rows = {r.row_no: r for r in report.rows}
    assert sorted(rows) == [3, 4, 1002, 1003, 1004]
    assert rows[1002].person_id == "P4"                      # on the second sheet: vetted
    assert rows[1004].person_id == "P1" and rows[1004].duplicate_of == "3"   # listed twice, across the sheets
    assert rows[1003].match == "review"
    # recognised and left off: P4 is on the second sheet, so only P5 (a review row may name them) is missing
    assert [m.person_id for m in report.missing if m.section == "recognised"] == ["P5"]
    text = "\n".join(report.problems)
    assert "the sheet 'Військовополонені' was vetted as part of the list" in text
    assert "the sheet 'Примітки' holds no list" in text and "hidden sheets were not read: Службовий" in text
    assert "the list says" not in text

    again = get_run(engine, run=report.run.id)
    assert [(r.row_no, r.name, r.person_id) for r in again.rows] == [
        (r.row_no, r.name, r.person_id) for r in report.rows]
    assert again.problems == report.problems
    row = record_review(engine, run=report.run.id, row="1003", judgement="same", actor="reviewer", person="P5")
    assert (row.row_no, row.person_id, row.match) == (1003, "P5", "match")
    after = get_run(engine, run=report.run.id)
    assert {r.row_no: r.person_id for r in after.rows}[1003] == "P5"
    assert [m.person_id for m in after.missing if m.section == "recognised"] == []
    page = html.render_text(after, "uk")
    assert "аркуш «Військовополонені» перевірено як частину списку" in page


def test_a_total_that_differs_is_a_reading_problem_in_the_readers_language(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    report = vet_list(db.engine, path=_book(tmp_path / "list.xlsx", total="Итого 3 человека"), definition_id=DEF,
                      actor="t")
    said = [p for p in report.problems if "the list says" in p]
    assert said == ["sheet 'Цивільні': row 5: the list says 3 persons, but 2 rows were read; a row may be "
                    "missing or added"]
    assert translate(said[0], translations("uk").gettext) == \
        "аркуш «Цивільні»: рядок 5: у списку зазначено 3 осіб, а прочитано 2 рядків; можливо, рядок пропущено або додано"
    stored = [p for p in get_run(db.engine, run=report.run.id).problems if "the list says" in p]
    assert translate(stored[0], translations("ru").gettext).startswith(
        "лист «Цивільні»: строка 5: в списке указано 3 человек, а прочитано 2 строк")


def test_the_cli_names_a_differing_total_in_ukrainian_and_russian(db: Db, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    make_registry(db.engine, tmp_path)
    path = _book(tmp_path / "list.xlsx", total="Всього: 25 осіб")
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    out = run_cli(db, "vet", str(path), "--definition", DEF)
    assert "у списку зазначено 25 осіб, а прочитано 2 рядків" in " ".join(out.split())
    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    out = run_cli(db, "vet", str(path), "--definition", DEF)
    assert "в списке указано 25 человек, а прочитано 2 строк" in " ".join(out.split())


def test_a_matching_total_is_no_problem(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    report = vet_list(db.engine, path=_book(tmp_path / "list.xlsx"), definition_id=DEF, actor="t")
    assert not any("the list says" in p for p in report.problems)
