"""The import report says what reading skipped and which charges raise no flags, in the reader's language."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from kartoteka.errors import translate
from kartoteka.services.imports import import_file
from kartoteka.web.i18n import translations
from tests.conftest import Db


def _sheet(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["Перелік політв'язнів станом на 01.11.2026"], [],
                ["№", "ПІБ", "Дата народження", "Стаття КК", "Статус"],
                [1, "Шевчук Олена Петрівна", "березень 1990", "ч. 2 ст. 110 КК України", "засуджена"],
                [2, "Ковальчук-Мельник Андрій Іванович", "12.05.1987", "ст. 111-1 КК", "під слідством"],
                [], ["Склав: ____________ І. І. Петренко"]):
        ws.append(row)
    wb.save(path)
    return path


def test_title_signature_and_undecided_code_are_reported_not_silent(db: Db, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "перелік.xlsx")
    report = import_file(db.engine, "registry", path, actor="t")
    assert report.created == 2 and report.cases_created == 2          # the signature is not a third person
    notes = [str(n) for n in report.notes]
    assert any("header is in row 3" in n for n in notes)
    assert any(n.startswith("row 7 is a caption or a signature") and "Склав" in n for n in notes)
    undecided = [n for n in notes if "no code could be decided" in n]
    assert len(undecided) == 1 and undecided[0].startswith("row 5:") and "111-1 КК" in undecided[0]
    uk = [translate(n, translations("uk").gettext) for n in report.notes]
    assert any(n.startswith("рядок 5: для ст. 111-1 КК не вдалося визначити кодекс") for n in uk)
    assert any("заголовок у рядку 3" in n for n in uk)


def test_a_file_wide_code_decides_the_bare_code(db: Db, tmp_path: Path) -> None:
    from kartoteka.services.registry_import import SheetOptions

    report = import_file(db.engine, "registry", _sheet(tmp_path / "s.xlsx"), actor="t", dry_run=True,
                         options=SheetOptions(jurisdiction="UA"))
    assert not any("no code could be decided" in str(n) for n in report.notes)


def test_a_registry_sheet_reports_progress_to_the_end(db: Db, tmp_path: Path) -> None:
    heard: list[tuple[int, int]] = []
    import_file(db.engine, "registry", _sheet(tmp_path / "s.xlsx"), actor="t", dry_run=True,
                progress=lambda done, total: heard.append((done, total)))
    assert heard and heard[-1] == (4, 4)                     # two persons matched, then written
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)
