"""Birth dates in registry imports written as lists write them: "15 03 1985", "1985 г.р.", "1985 р.н.", "85 г.р."
(1985) are stored at the precision given; "31 02 1985", "85" (a year? an age?) and "03 15 1985" are refused with
the file, row and column, and nothing is written. Before: "15 03 1985" and "85 г.р." were refused, "1985г.р." too,
and "1985 03 15" was stored as 1985 without a word. All persons are invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import person_names, persons
from kartoteka.errors import InvalidInput, translate
from kartoteka.services.imports import import_file
from kartoteka.web.i18n import translations
from tests.conftest import Db

GOOD = [("15 03 1985", "1985-03-15"), ("1985 г.р.", "1985"), ("1985 р.н.", "1985"), ("85 г.р.", "1985"),
        ("79р.н.", "1979"), ("1990г.р.", "1990"), ("1985 03 15", "1985-03-15"), ("12.05.1980 р.н.", "1980-05-12")]


def _births(db: Db) -> dict[str, str | None]:
    with db.engine.connect() as conn:
        return {r.ext_id: r.birth_date for r in conn.execute(select(persons.c.ext_id, persons.c.birth_date))}


def _births_by_name(db: Db) -> dict[str, str | None]:
    with db.engine.connect() as conn:
        return {r.full: r.birth_date for r in conn.execute(
            select(person_names.c.full, persons.c.birth_date).join(persons, persons.c.id == person_names.c.person_id))}


@pytest.mark.parametrize("kind", ["persons", "registry"])
def test_spaced_dates_and_marked_years_are_stored(db: Db, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "реєстр.csv"
    path.write_bytes(("ID;ПІБ;Дата народження;Стаття\r\n" + "".join(
        f"UA-{i};Тестенко-{i} Петро Іванович;{text};ч. 1 ст. 111 КК України\r\n"
        for i, (text, _iso) in enumerate(GOOD, 1))).encode("cp1251"))
    import_file(db.engine, kind, path, actor="t")
    assert _births_by_name(db) == {f"Тестенко-{i} Петро Іванович": iso for i, (_t, iso) in enumerate(GOOD, 1)}


@pytest.mark.parametrize("kind", ["persons", "registry"])
def test_ambiguous_and_impossible_forms_are_refused_by_row_and_nothing_is_written(db: Db, tmp_path: Path,
                                                                                   kind: str) -> None:
    path = tmp_path / "список.csv"
    path.write_text("id,name,birth_date\nR1,Коваль Олена,15 03 1985\nR2,Шевчук Іван,31 02 1985\nR3,Гнатюк Ліна,85\n"
                    "R4,Бойко Тарас,03 15 1985\nR5,Руденко Ольга,85 г.\n", "utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, kind, path, actor="t")
    assert [(e.file, e.row, e.column) for e in exc.value.errors] == [
        ("список.csv", 3, "birth_date"), ("список.csv", 4, "birth_date"), ("список.csv", 5, "birth_date"),
        ("список.csv", 6, "birth_date")]
    reasons = [str(e.reason) for e in exc.value.errors]
    assert reasons[0] == "'31 02 1985': day 31 does not exist in 1985-02"
    assert reasons[1].startswith("'85' is not a date") and reasons[3].startswith("'85 г.' is not a date")
    assert reasons[2] == "'03 15 1985': month 15 does not exist"
    assert "«31 02 1985»" in translate(exc.value.errors[0].reason, translations("uk").gettext)
    assert _births(db) == {}
