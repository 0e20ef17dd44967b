"""Rows hidden in an imported workbook (by hand, in a collapsed outline group, of zero height) are imported like the
others and each is named in the report's warnings, with its sheet and row; ``skip_hidden`` (--skip-hidden, the web
import's checkbox) leaves them out and names them. A hidden column a field is read from is named too. Dry runs show
the same warnings and write nothing; a failed import changes nothing. Invented names only."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from kartoteka.db.tables import cases, custody, persons
from kartoteka.errors import InvalidInput, translate
from kartoteka.services.custody_import import import_custody
from kartoteka.services.import_report import HIDDEN_NAMED
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from kartoteka.web.i18n import translations
from tests.cli.runner import run_cli
from tests.conftest import Db

PEOPLE = [("H1", "Оврамчук Левко Тарасович", "1981-02-03"), ("H2", "Гайдамака Орися Петрівна", "1992-07-14"),
          ("H3", "Ярмоленко Тиміш Андрійович", "1970-11-30"), ("H4", "Кузьмович Ганна Олексіївна", "1988-05-05"),
          ("H5", "Семенюра Богдан Ілліч", "1979-09-09"), ("H6", "Чередниченко Марта Іванівна", "2001-01-21")]
SAID = "row %d of sheet 'Особи' is hidden in the file and is imported"
LEFT = "row %d of sheet 'Особи' is hidden in the file and is left out"


def _persons(path: Path, *, ids: bool = True, bad_hidden_date: bool = False) -> Path:
    """Header in row 1, persons in rows 2-7; row 3 hidden by hand, rows 5-6 in a collapsed outline group, the
    birth-date column C hidden."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Особи"
    ws.append(["id", "ПІБ", "Дата народження"] if ids else ["ПІБ", "Дата народження"])
    for ext, name, born in PEOPLE:
        if bad_hidden_date and ext == "H2":
            born = "31.02.1992"
        ws.append([ext, name, born] if ids else [name, born])
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions.group(5, 6, hidden=True)
    ws.column_dimensions["C" if ids else "B"].hidden = True
    wb.save(path)
    return path


def _ext_ids(db: Db) -> list[str]:
    with db.engine.connect() as conn:
        return sorted(conn.execute(select(persons.c.ext_id)).scalars())


def _count(db: Db, table: object) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_hidden_rows_are_imported_and_each_is_named(db: Db, tmp_path: Path) -> None:
    path = _persons(tmp_path / "persons.xlsx")
    dry = import_file(db.engine, "persons", path, actor="tester", dry_run=True)
    assert dry.warnings == [
        "the column 'Дата народження' of sheet 'Особи' is hidden in the file; it is imported as the birth date",
        "3 row(s) hidden in sheet 'Особи' (by hand, in a collapsed group or of zero height) are imported like the "
        "others: check that they belong in the registry, or import the file again skipping hidden rows "
        "(--skip-hidden; on the import page, 'Skip hidden rows')",
        SAID % 3, SAID % 5, SAID % 6]
    assert _ext_ids(db) == []                                    # the dry run shows them and writes nothing
    report = import_file(db.engine, "persons", path, actor="tester")
    assert (report.rows, report.created) == (6, 6) and report.warnings == dry.warnings
    assert _ext_ids(db) == ["H1", "H2", "H3", "H4", "H5", "H6"]


def test_skip_hidden_leaves_them_out_and_names_them(db: Db, tmp_path: Path) -> None:
    path = _persons(tmp_path / "persons.xlsx")
    report = import_file(db.engine, "persons", path, actor="tester", options=SheetOptions(skip_hidden=True))
    assert (report.rows, report.created) == (3, 3)
    assert report.warnings[1:] == [
        "3 row(s) hidden in sheet 'Особи' are left out, as asked (skip hidden rows): they are not imported",
        LEFT % 3, LEFT % 5, LEFT % 6]
    assert _ext_ids(db) == ["H1", "H3", "H6"]


def test_persons_without_ids_matched_by_name_name_their_hidden_rows(db: Db, tmp_path: Path) -> None:
    path = _persons(tmp_path / "named.xlsx", ids=False)
    report = import_file(db.engine, "persons", path, actor="tester")
    assert report.created == 6 and [w for w in report.warnings if w.startswith("row ")] == [SAID % 3, SAID % 5,
                                                                                             SAID % 6]
    assert report.warnings[0].startswith("the column 'Дата народження' of sheet 'Особи' is hidden")
    skipped = import_file(db.engine, "persons", path, actor="tester", dry_run=True,
                          options=SheetOptions(skip_hidden=True))
    assert skipped.rows == 3 and [w for w in skipped.warnings if w.startswith("row ")] == [LEFT % 3, LEFT % 5,
                                                                                            LEFT % 6]


def test_a_bad_hidden_row_fails_the_whole_import_unless_hidden_rows_are_skipped(db: Db, tmp_path: Path) -> None:
    path = _persons(tmp_path / "bad.xlsx", bad_hidden_date=True)
    with pytest.raises(InvalidInput) as caught:
        import_file(db.engine, "persons", path, actor="tester")
    assert [e.row for e in caught.value.errors] == [3] and _ext_ids(db) == []   # atomic: nothing written
    report = import_file(db.engine, "persons", path, actor="tester", options=SheetOptions(skip_hidden=True))
    assert report.created == 3 and _ext_ids(db) == ["H1", "H3", "H6"]


def test_many_hidden_rows_are_named_up_to_a_limit(db: Db, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Особи"
    ws.append(["id", "ПІБ"])
    for n in range(1, 31):
        ws.append([f"M{n}", f"Вигаданий{chr(0x430 + n % 20)} Петро"])
    for row in range(2, 2 + HIDDEN_NAMED + 5):
        ws.row_dimensions[row].hidden = True
    wb.save(tmp_path / "many.xlsx")
    report = import_file(db.engine, "persons", tmp_path / "many.xlsx", actor="tester", dry_run=True)
    assert report.warnings[0].startswith(f"{HIDDEN_NAMED + 5} row(s) hidden in sheet 'Особи'")
    assert report.warnings[1:] == [SAID % r for r in range(2, 2 + HIDDEN_NAMED)] + ["and 5 more hidden rows imported"]


def test_cases_name_their_hidden_rows(db: Db, tmp_path: Path) -> None:
    import_file(db.engine, "persons", _persons(tmp_path / "persons.xlsx"), actor="tester")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Справи"
    ws.append(["case_id", "person_id", "jurisdiction", "articles", "status"])
    ws.append(["C1", "H1", "RU", "ст. 280.3 УК РФ", "convicted"])
    ws.append(["C2", "H2", "RU", "ст. 207.3 УК РФ", "detained"])
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "cases.xlsx")
    report = import_file(db.engine, "cases", tmp_path / "cases.xlsx", actor="tester")
    assert report.created == 2 and report.warnings[1:] == [
        "row 3 of sheet 'Справи' is hidden in the file and is imported"]
    assert _count(db, cases) == 2


def test_custody_import_names_and_skips_hidden_rows(db: Db, tmp_path: Path) -> None:
    import_file(db.engine, "persons", _persons(tmp_path / "persons.xlsx"), actor="tester")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Утримання"
    ws.append(["person_id", "held_by", "custody", "since"])
    ws.append(["H1", "RU", "pretrial", "2024-01-05"])
    ws.append(["H2", "RU", "serving_sentence", "2023-03-03"])
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "custody.xlsx")
    skipped = import_custody(db.engine, tmp_path / "custody.xlsx", actor="tester", skip_hidden=True)
    assert skipped.created == 1 and skipped.warnings[1:] == [
        "row 3 of sheet 'Утримання' is hidden in the file and is left out"]
    assert _count(db, custody) == 1


def test_the_warnings_read_in_ukrainian_and_russian(db: Db, tmp_path: Path) -> None:
    report = import_file(db.engine, "persons", _persons(tmp_path / "persons.xlsx"), actor="tester", dry_run=True)
    uk = [translate(w, translations("uk").gettext) for w in report.warnings]
    assert "рядок 3 аркуша «Особи» прихований у файлі, і його імпортовано" in uk
    assert uk[0] == "стовпець «Дата народження» аркуша «Особи» прихований у файлі; його імпортовано як поле «дата " \
                    "народження»"
    ru = [translate(w, translations("ru").gettext) for w in report.warnings]
    assert "строка 5 листа «Особи» скрыта в файле, и она импортирована" in ru
    assert ru[1].startswith("скрытых строк листа «Особи»") and not any("hidden in" in w for w in uk + ru)


def test_cli_warns_in_the_dry_run_and_skips_with_skip_hidden(db: Db, tmp_path: Path) -> None:
    path = _persons(tmp_path / "persons.xlsx")
    out = run_cli(db, "import", "persons", str(path), "--dry-run")
    assert "Warning: " + SAID % 3 in out and "Warning: " + SAID % 6 in out and _ext_ids(db) == []
    out = run_cli(db, "--lang", "uk", "import", "persons", str(path), "--skip-hidden")
    assert "Увага: рядок 5 аркуша «Особи» прихований у файлі, і його пропущено" in out
    assert _ext_ids(db) == ["H1", "H3", "H6"]
    out = run_cli(db, "import", "persons", str(path))
    assert "Warning: " + SAID % 5 in out and _ext_ids(db) == ["H1", "H2", "H3", "H4", "H5", "H6"]


def test_a_csv_hides_nothing(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("id,name\nC1,Оврамчук Левко\n", encoding="utf-8")
    assert import_file(db.engine, "persons", tmp_path / "p.csv", actor="tester").warnings == []
