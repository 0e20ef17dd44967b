"""Vetting a court-website / 1C export as it arrives (tests/tabular/test_lists_world.py reads the shapes): "ФИО"
merged over "Фамилия | Имя | Отчество", a region's title in the name column, a birth date with its mark and one in
the name cells: every person is vetted with their full name and birth date, and matched. Invented persons."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from kartoteka.services.vetting import vet_list
from tests.conftest import Db
from tests.services.test_vetting import DEF, make_registry


def test_a_1c_export_is_vetted_person_by_person(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["Список лиц по состоянию на 01.11.2025"], [],
                ["№ п/п", "ФИО", None, None, "Дата рождения"], [None, "Фамилия", "Имя", "Отчество", None],
                [None, "Запорожская область"], [1, "Сорокина", "Мария", "Андреевна", "17.05.1990 г.р."],
                [2, "Коваленко", "Олександр", "Петрович", "03.02.1985 0:00:00"], ["Всего: 2 человека"]):
        ws.append(row)
    ws.merge_cells("B3:D3")
    path = tmp_path / "court.xlsx"
    wb.save(path)
    report = vet_list(db.engine, path=path, definition_id=DEF, actor="t")
    assert [(r.id, r.name, r.birth_date, r.person_id) for r in report.rows] == [
        ("1", "Сорокина Мария Андреевна", "1990-05-17", "P1"), ("2", "Коваленко Олександр Петрович", "1985-02-03", "P2")]
    assert any("row 5 is not a person" in p and "Запорожская область" in p for p in report.problems)
    assert not any("not understood" in p or "the list says" in p for p in report.problems)
