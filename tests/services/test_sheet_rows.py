"""Rows of one person in one sheet become one person when their full names agree and their birth dates
are compatible (one refines the other); conflicting dates stay apart and a row fitting two persons waits
for a decision. Invented people only."""

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import cases, persons
from kartoteka.errors import ErrorCollector, InvalidInput
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from kartoteka.services.sheet_rows import SheetPerson, group_rows, refines
from tests.conftest import Db

FIELDS = {"name": "ФИО", "birth_date": "Дата рождения", "articles": "Статья"}


def _group(rows: list[tuple[str, str]], decisions: dict[int, str] | None = None) -> list[SheetPerson]:
    table = [(i, {"ФИО": n, "Дата рождения": d, "Статья": f"ст. {270 + i} УК РФ"}) for i, (n, d) in enumerate(rows, 2)]
    errors = ErrorCollector("s.csv")
    people = group_rows(table, FIELDS, errors, decisions=decisions)
    assert errors.errors == []
    return people


def test_refines_compares_date_parts() -> None:
    assert refines("1985-03-12", "1985") and refines("1985-03-12", "1985-03") and refines("1985", "1985")
    assert not refines("1985-03-12", "1986") and not refines("1985-03-12", "1985-04")
    assert not refines("1985", "1985-03") and not refines("1985-11", "1985-1") and not refines("", "1985")


def test_year_and_full_date_rows_are_one_person_with_the_precise_date() -> None:
    people = _group([("Иванов Иван Иванович", "1985"), ("Петрова Анна", "1990"),
                     ("Иванов Иван Иванович", "12.03.1985"), ("иванов  Иван Иванович", "03.1985"),
                     ("Иванов Иван Иванович", "")])
    ivanov = people[0]
    assert ivanov.rows == [2, 4, 5, 6] and len(ivanov.cases) == 4
    assert (ivanov.values["birth_date"], ivanov.values["birth_precision"]) == ("1985-03-12", "day")
    assert ivanov.dates == ["1985", "1985-03", "1985-03-12"] and ivanov.ambiguous == []
    assert [p.rows for p in people] == [[2, 4, 5, 6], [3]]


def test_conflicting_dates_and_other_patronymics_stay_apart() -> None:
    people = _group([("Иванов Иван Иванович", "1985"), ("Иванов Иван Иванович", "1986"),
                     ("Иванов Иван Иванович", "12.03.1990"), ("Иванов Иван Иванович", "13.03.1990"),
                     ("Иванов Иван Петрович", "1985")])
    assert [p.rows for p in people] == [[2], [3], [4], [5], [6]]
    assert all(not p.ambiguous for p in people)


def test_a_row_fitting_two_persons_is_not_merged_and_a_decision_groups_it() -> None:
    rows = [("Сидоренко Олег Павлович", "12.03.1985"), ("Сидоренко Олег Павлович", "1985"),
            ("Сидоренко Олег Павлович", "01.04.1985"), ("Сидоренко Олег Павлович", "")]
    people = _group(rows)
    assert [p.rows for p in people] == [[2], [3], [4], [5]]
    assert [p.ambiguous for p in people] == [[], [(2, "1985-03-12"), (4, "1985-04-01")], [],
                                            [(2, "1985-03-12"), (4, "1985-04-01")]]
    decided = _group(rows, {3: "row:4", 5: "new"})
    assert [(p.rows, p.ambiguous) for p in decided] == [([2], []), ([3, 4], []), ([5], [])]
    assert decided[1].values["birth_date"] == "1985-04-01"


def test_a_decision_naming_a_row_the_row_does_not_fit_is_a_row_error() -> None:
    table = [(2, {"ФИО": "Сидоренко Олег", "Дата рождения": "1985-03-12"}),
             (3, {"ФИО": "Сидоренко Олег", "Дата рождения": "1985-04-01"}),
             (4, {"ФИО": "Сидоренко Олег", "Дата рождения": ""})]
    errors = ErrorCollector("s.csv")
    group_rows(table, FIELDS, errors, decisions={4: "row:9"})
    assert [(e.row, e.column) for e in errors.errors] == [(4, "Дата рождения")]
    assert "row:9" in errors.errors[0].reason


SHEET = """№;ФИО;Дата рождения;Статья УК;Дата задержания
1;Иванов Иван Иванович;1985;ч. 2 ст. 207.3 УК РФ;2022
2;Кравец Нина Олеговна;1979;ст. 280.3 УК РФ;2023
3;Иванов Иван Иванович;12.03.1985;ст. 275 УК РФ;2021
4;Иванов Иван Иванович;1986;ст. 280.3 УК РФ;2020
5;Кравец Нина Олеговна;;ст. 205.2 УК РФ;2019
"""


def test_registry_import_groups_rows_and_says_so_in_the_dry_run(db: Db, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(SHEET, encoding="utf-8")
    dry = import_file(db.engine, "registry", path, actor="t", dry_run=True)
    said = " | ".join(dry.notes)
    assert "rows 2, 4 are one person, Иванов Иван Иванович, born 1985-03-12" in said
    assert "rows 3, 6 are one person, Кравец Нина Олеговна" in said
    assert (dry.created, dry.cases_created) == (3, 5)
    r = import_file(db.engine, "registry", path, actor="t")
    with db.engine.connect() as conn:
        born = sorted((p.birth_date or "", p.birth_precision or "") for p in conn.execute(select(persons)))
        per_person = sorted(n for n in conn.execute(select(cases.c.person_id)).scalars())
    assert born == [("1979", "year"), ("1985-03-12", "day"), ("1986", "year")]
    assert r.created == 3 and len(per_person) == 5 and per_person.count(per_person[0]) in (1, 2)


def test_registry_import_refuses_an_ambiguous_row_until_decided(db: Db, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("ФИО;Дата рождения;Статья УК\nСидоренко Олег Павлович;12.03.1985;ст. 275 УК РФ\n"
                    "Сидоренко Олег Павлович;01.04.1985;ст. 280.3 УК РФ\nСидоренко Олег Павлович;;ст. 205.2 УК РФ\n",
                    encoding="utf-8")
    dry = import_file(db.engine, "registry", path, actor="t", dry_run=True)
    assert [(rv.row, [c[0] for c in rv.candidates]) for rv in dry.reviews] == [(4, ["row:2", "row:3"])]
    assert "row 4 (Сидоренко Олег Павлович) fits several persons" in " ".join(dry.notes)
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, "registry", path, actor="t")
    assert [(e.row, e.column) for e in exc.value.errors] == [(4, "birth_date")]
    assert "--decide 4=row:N" in exc.value.errors[0].reason
    with db.engine.connect() as conn:
        assert conn.execute(select(persons.c.id)).first() is None          # nothing was written
    r = import_file(db.engine, "registry", path, actor="t", options=SheetOptions(decisions={4: "row:3"}))
    assert (r.created, r.cases_created) == (2, 3)
    with db.engine.connect() as conn:
        owner = dict(conn.execute(select(persons.c.birth_date, persons.c.id)).all())
        counts = [n for n in conn.execute(select(cases.c.person_id)).scalars()]
    assert counts.count(owner["1985-04-01"]) == 2 and counts.count(owner["1985-03-12"]) == 1
