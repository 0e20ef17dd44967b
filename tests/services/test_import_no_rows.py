"""A file with a header and no rows of data under it (a template saved before it was filled in, a sheet whose rows
are on the next sheet, an export that found nothing) is refused, naming the file, in the reader's language, and
nothing is written: not a person, not an audit entry, not the import's own record, not a remembered spelling.
Before: the import "succeeded" with 0 rows and was registered as done. All data is invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from kartoteka.db.tables import audit_log, imports, persons
from kartoteka.errors import InvalidInput, translate
from kartoteka.services import value_mappings as vm
from kartoteka.services.custody_import import import_custody
from kartoteka.services.imports import import_file
from kartoteka.web.i18n import translations
from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.tabular.test_list_sheets import _book


def _counts(db: Db) -> tuple[int, ...]:
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (persons, audit_log,
                                                                                             imports))


def _seeded(db: Db, tmp_path: Path) -> tuple[int, ...]:
    seed = tmp_path / "seed.csv"
    seed.write_text("id;ПІБ;Дата народження\nS1;Шевченко Олена Петрівна;1990\n", "utf-8")
    import_file(db.engine, "persons", seed, actor="t")
    return _counts(db)


def _refused(call: object) -> str:
    assert callable(call)
    with pytest.raises(InvalidInput) as exc:
        call()
    return exc.value.message   # a Message: translated where it is shown


@pytest.mark.parametrize("kind", ["persons", "registry"])
def test_a_csv_with_only_its_header_is_refused_and_nothing_is_written(db: Db, tmp_path: Path, kind: str) -> None:
    before = _seeded(db, tmp_path)
    path = tmp_path / "шаблон.csv"   # a cp1251 template with a BOM-less header and blank lines under it
    path.write_bytes("№;ФИО;Дата рождения;Статья\r\n;;;\r\n\r\n".encode("cp1251"))
    for dry_run in (True, False):
        message = _refused(lambda: import_file(db.engine, kind, path, actor="t", dry_run=dry_run))
        assert message == "шаблон.csv: the file has a header (row 1) but no rows of data under it; nothing was imported"
    assert _counts(db) == before
    with_ids = tmp_path / "ids.csv"   # persons with an id column: the streaming path
    with_ids.write_text("\ufeffid,surname,given_name,birth_date\n", "utf-8")
    assert "ids.csv: the file has a header (row 1)" in _refused(
        lambda: import_file(db.engine, "persons", with_ids, actor="t"))
    assert _counts(db) == before


def test_a_sheet_with_a_title_a_header_and_a_total_only_is_refused_in_the_users_language(db: Db, tmp_path: Path) -> None:
    before = _seeded(db, tmp_path)
    _book(tmp_path / "перелік.xlsx", {"Аркуш1": [["Перелік утримуваних осіб станом на 01.11.2026"], [],
                                                 ["№ з/п", "ПІБ", "Дата народження", "Стаття"], ["Всього: 0 осіб"]]})
    message = _refused(lambda: import_file(db.engine, "registry", tmp_path / "перелік.xlsx", actor="t"))
    assert "перелік.xlsx" in message and "(row 3)" in message
    uk = translate(message, translations("uk").gettext)
    ru = translate(message, translations("ru").gettext)
    assert uk.startswith("перелік.xlsx: файл має заголовок (рядок 3)") and "нічого не імпортовано" in uk
    assert ru.startswith("перелік.xlsx: в файле есть заголовок (строка 3)") and "ничего не импортировано" in ru
    out = run_cli(db, "--lang", "uk", "import", "registry", str(tmp_path / "перелік.xlsx"), code=1)
    assert "перелік.xlsx" in out and "немає жодного рядка з даними" in out and "Traceback" not in out
    assert _counts(db) == before


def test_rows_on_a_later_sheet_are_named(db: Db, tmp_path: Path) -> None:
    before = _seeded(db, tmp_path)
    _book(tmp_path / "list.xlsx", {"Шаблон": [["ФИО", "Дата рождения"]],
                                   "Список": [["ФИО", "Дата рождения"], ["Коваленко Петр Андреевич", "12.03.1985"]]})
    message = _refused(lambda: import_file(db.engine, "persons", tmp_path / "list.xlsx", actor="t"))
    assert message.startswith("list.xlsx: the first sheet has a header (row 1)") and "Список" in message
    assert "переместите лист со строками, Список," in translate(message, translations("ru").gettext)
    assert _counts(db) == before


def test_a_custody_file_with_only_its_header_remembers_no_spelling(db: Db, tmp_path: Path) -> None:
    _seeded(db, tmp_path)
    path = tmp_path / "custody.csv"
    path.write_text("person_id,held_by,custody,category\n", "utf-8")
    maps = {"custody": {"в СИЗО": "pretrial"}}
    message = _refused(lambda: import_custody(db.engine, path, actor="t", source="Мемориал", value_map=maps))
    assert message.startswith("custody.csv: the file has a header (row 1)")
    assert vm.list_mappings(db.engine) == []
