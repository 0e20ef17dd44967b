"""Imports: formats, idempotence, updates with history, atomicity and the bad-input corpus."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from kartoteka.db.tables import assessments, audit_log, cases, person_names, persons
from kartoteka.errors import InvalidInput
from kartoteka.services.imports import import_file
from tests.conftest import Db

HEADER = "id,surname,given_name,patronymic,aliases,birth_date,gender,citizenship,region,sensitivity\n"
GOOD = HEADER + (
    "P1,Иванов,Иван,Иванович,Ivan Ivanov; IVANOV Ivan,01.02.1980,м,RU,Москва,public\n"
    "P2,Шевченко,Олена,Петрівна,Olena Shevchenko,1975,ж,UA,Херсонська область,\n"
    "P3,Сорокина,Мария,,,1990-05,f,RU,,confidential\n"
)


def _csv(tmp_path: Path, text: str, name: str = "persons.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _count(db: Db, table: object) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_import_persons_keeps_names_dates_and_precision(db: Db, tmp_path: Path) -> None:
    report = import_file(db.engine, "persons", _csv(tmp_path, GOOD), actor="tester")
    assert (report.rows, report.created) == (3, 3)
    with db.engine.connect() as conn:
        p1 = conn.execute(select(persons).where(persons.c.ext_id == "P1")).one()
        assert (p1.birth_date, p1.birth_precision, p1.gender, p1.sensitivity) == ("1980-02-01", "day", "m", "public")
        p3 = conn.execute(select(persons).where(persons.c.ext_id == "P3")).one()
        assert (p3.birth_date, p3.birth_precision, p3.sensitivity) == ("1990-05", "month", "confidential")
        names = conn.execute(select(person_names.c.kind, person_names.c.full, person_names.c.script)
                             .where(person_names.c.person_id == p1.id).order_by(person_names.c.id)).all()
        assert [tuple(n) for n in names] == [("primary", "Иванов Иван Иванович", "cyrl"),
                                             ("alias", "Ivan Ivanov", "latn"), ("alias", "IVANOV Ivan", "latn")]
        assert conn.execute(select(person_names.c.lang).where(person_names.c.full.like("Шевченко%"))).scalar() == "uk"
        created_by = conn.execute(select(audit_log.c.actor).where(audit_log.c.action == "create")).scalars().all()
        assert created_by == ["tester"] * 3


def test_reimport_changes_nothing_and_changed_row_updates_with_history(db: Db, tmp_path: Path) -> None:
    import_file(db.engine, "persons", _csv(tmp_path, GOOD), actor="a")
    audit_before = _count(db, audit_log)
    again = import_file(db.engine, "persons", _csv(tmp_path, GOOD), actor="a")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _count(db, audit_log) == audit_before
    changed = GOOD.replace("P3,Сорокина,Мария,,,1990-05", "P3,Сорокина,Мария,Андреевна,,1990-05-17")
    rep = import_file(db.engine, "persons", _csv(tmp_path, changed), actor="b")
    assert (rep.updated, rep.unchanged) == (1, 2)
    with db.engine.connect() as conn:
        p3 = conn.execute(select(persons).where(persons.c.ext_id == "P3")).one()
        assert (p3.birth_date, p3.version, p3.updated_by) == ("1990-05-17", 2, "b")
        changes = {r.field: (r.before, r.after) for r in conn.execute(
            select(audit_log).where(audit_log.c.entity_id == p3.id, audit_log.c.action == "update"))}
    assert changes["birth_date"] == ("1990-05", "1990-05-17")
    assert changes["birth_precision"] == ("month", "day")
    assert "Сорокина Мария Андреевна" in (changes["names"][1] or "")


def test_bad_rows_are_all_reported_and_nothing_is_written(db: Db, tmp_path: Path) -> None:
    import_file(db.engine, "persons", _csv(tmp_path, GOOD), actor="a")
    before = (_count(db, persons), _count(db, person_names), _count(db, audit_log))
    huge = "Я" * 50_000
    bad = HEADER + (
        "P10,Петров,Пётр,,,31.02.1990,m,RU,,\n"          # impossible date
        "P11,Петров,Пётр,,,1990,x,RU,,\n"                  # bad gender
        "P10,Сидоров,Олег,,,,m,RU,,\n"                     # duplicated id
        f"P12,{huge},Олег,,,,m,RU,,\n"                      # huge field
        ",Безымянный,Иван,,,,m,RU,,\n"                      # missing id
        "P13,Новиков,Ян,,,,m,RU,,secret\n"                  # bad sensitivity
        "P1,Иванов,Иван,Иванович,,2999-01-01,m,RU,,\n"      # future date on an existing person
    )
    with pytest.raises(InvalidInput) as info:
        import_file(db.engine, "persons", _csv(tmp_path, bad, "bad.csv"), actor="a")
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {(2, "birth_date"), (3, "gender"), (4, "id"), (5, "surname"), (6, "id"),
                     (7, "sensitivity"), (8, "birth_date")}
    assert all(e.file == "bad.csv" for e in info.value.errors)
    assert "bad.csv: row 2, column 'birth_date'" in str(info.value)
    assert (_count(db, persons), _count(db, person_names), _count(db, audit_log)) == before


def test_dry_run_validates_without_writing(db: Db, tmp_path: Path) -> None:
    report = import_file(db.engine, "persons", _csv(tmp_path, GOOD), actor="a", dry_run=True)
    assert report.dry_run and report.created == 3
    assert _count(db, persons) == 0


def test_missing_required_column_and_wrong_encoding(db: Db, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="missing required column 'name' or 'surname'"):
        import_file(db.engine, "persons", _csv(tmp_path, "id,birth_date\nX1,1990\n"), actor="a")
    # UTF-16 with its byte-order mark is read; a UTF-8 file with one bad byte is refused, not guessed.
    (tmp_path / "bad-byte.csv").write_bytes(GOOD.encode("utf-8").replace("Мария".encode(), b"M\xe9ria", 1))
    with pytest.raises(InvalidInput, match=r"bad-byte.csv: the file is UTF-8 but has an invalid byte at line \d+"):
        import_file(db.engine, "persons", tmp_path / "bad-byte.csv", actor="a")
    assert _count(db, persons) == 0
    assert import_file(db.engine, "persons", _csv(tmp_path, GOOD, "utf16.csv", "utf-16"), actor="a").created == 3


def test_formula_and_markup_are_stored_as_text(db: Db, tmp_path: Path) -> None:
    text = HEADER + "P1,=HYPERLINK(\"http://x\"),<script>alert(1)</script>,,,,m,RU,,\n"
    import_file(db.engine, "persons", _csv(tmp_path, text), actor="a")
    with db.engine.connect() as conn:
        full = conn.execute(select(person_names.c.full)).scalar()
    assert full == '=HYPERLINK("http://x") <script>alert(1)</script>'


def test_single_name_column_in_russian(db: Db, tmp_path: Path) -> None:
    text = "№;ФИО;Дата рождения;Пол\n7;Сорокина Мария Андреевна;1985;ж\n8;Sorokina M. A.;;f\n"
    import_file(db.engine, "persons", _csv(tmp_path, text, encoding="cp1251"), actor="a")
    with db.engine.connect() as conn:
        rows = conn.execute(select(person_names.c.surname, person_names.c.given_name, person_names.c.patronymic)
                            .order_by(person_names.c.id)).all()
    assert [tuple(r) for r in rows] == [("Сорокина", "Мария", "Андреевна"), ("Sorokina", "M.", "A.")]


def test_cases_and_assessments(db: Db, tmp_path: Path) -> None:
    import_file(db.engine, "persons", _csv(tmp_path, GOOD), actor="a")
    case_csv = ("case_id,person_id,jurisdiction,articles,court,detained_on,verdict_on,sentence,facility,status\n"
                "C1,P1,RU,ч. 2 ст. 207.3 УК РФ; ст. 280.3,Мосгорсуд,2022-03-01,2023-01-10,7 лет,ИК-6,convicted\n"
                "C2,P9,RU,ст. 318,,2022-03-01,,,,\n"
                "C3,P2,UA,,,2023-05-01,2022-01-01,,,\n")
    with pytest.raises(InvalidInput) as info:
        import_file(db.engine, "cases", _csv(tmp_path, case_csv, "cases.csv"), actor="a")
    assert {(e.row, e.column) for e in info.value.errors} == {(3, "person_id"), (4, "verdict_on")}
    good_cases = "\n".join(case_csv.splitlines()[:2]) + "\n"
    assert import_file(db.engine, "cases", _csv(tmp_path, good_cases, "cases.csv"), actor="a").created == 1
    with db.engine.connect() as conn:
        assert conn.execute(select(cases.c.articles_text)).scalar() == "ч. 2 ст. 207.3 УК РФ; ст. 280.3"
    ass = ("person_id,definition,decision,decided_on,организация,заявление\n"
           "P1,guidelines-2013,recognised,2023-02-01,Demo Rights Group,https://example.org/s/1\n"
           "P2,guidelines-2013,признан,2023-02-01,Demo Rights Group,https://example.org/s/2\n")
    assert import_file(db.engine, "assessments", _csv(tmp_path, ass, "a.csv"), actor="a").created == 2
    with pytest.raises(InvalidInput, match="maybe"):
        import_file(db.engine, "assessments", _csv(tmp_path, ass.replace("признан", "maybe"), "a.csv"), actor="a")
    with db.engine.connect() as conn:
        assert sorted(conn.execute(select(assessments.c.decision)).scalars()) == ["recognised", "recognised"]
