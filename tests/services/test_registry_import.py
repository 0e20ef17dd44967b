"""One sheet, one import (persons and cases per row), and no silent overwrite: running numbers are not
ids, rows without ids are matched by name, renames need confirmation. Invented people only."""

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import cases, charges, citations, person_names, persons
from kartoteka.errors import InvalidInput
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from kartoteka.services.screening import flags_for_persons
from tests.conftest import Db

RU = """№;ФИО;Дата рождения;Статья УК;Суд;Приговор;Дата задержания;Статус;Регион;Источник;Примечание
1;Кораблёв Степан Ильич;12.03.1985;ч. 2 ст. 207.3 УК РФ;Мещанский районный суд;5 лет колонии общего режима;14 марта 2022 г.;Осуждён;Москва;https://example.org/korablev;звонить адвокату
2;Лапшина Вера Андреевна;1990 г.р.;ст. 280.3 УК РФ;;;март 2023;в СИЗО;Пермский край;;
3;КОРАБЛЁВ Степан Ильич;12.03.1985;ч. 1 ст. 212.1 УК РФ;Мещанский районный суд;2 года;01.02.2021;осужден(а);Москва;;
4;Тимофеев Глеб Олегович;март 1979;ст. 275 УК РФ;Краснодарский краевой суд;14 лет строгого режима;2021;осуждён;Краснодарский край;https://example.org/timofeev;
"""
UK = """№ з/п,ПІБ,Дата народження,Стаття КК,Суд,Вирок,Статус,Регіон,Джерело
1,Тимофєєв Гліб Олегович,березень 1979,ст. 275 КК РФ,Краснодарський крайовий суд,14 років суворого режиму,засуджений,Краснодарський край,
2,Корабльов Степан Ілліч,12.03.1985,ч. 2 ст. 207.3 КК РФ,Мещанський районний суд,5 років,засуджений,Москва,
3,Лапшина Віра Андріївна,1990,ст. 280.3 КК РФ,,,під вартою,Пермський край,
"""
UK_REGISTRY = """ Номер ,  ПІБ  ,Дата народження,Стаття КК,Дата затримання,Статус,Вирок
1,Гончаренко Ярина Богданівна,05.06.1994,ч. 1 ст. 111 КК України,березень 2022,під вартою,
2,Мельничук Тарас Іванович,1988,"ч. 2 ст. 110 КК України",24 лютого 2023 р.,засуджений,8 років позбавлення волі
3,Мельничук Тарас Іванович,1988,ч. 1 ст. 436-2 КК України,12/05/2022,засуджена,3 роки
"""


def _file(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _registry(db: Db, path: Path, **kw: object) -> object:
    dry = bool(kw.pop("dry_run", False))
    return import_file(db.engine, "registry", path, actor="t", dry_run=dry, options=SheetOptions(**kw))  # type: ignore[arg-type]


def _names(db: Db) -> dict[str, list[tuple[str, str]]]:
    with db.engine.connect() as conn:
        out: dict[str, list[tuple[str, str]]] = {}
        for ext, kind, full in conn.execute(select(persons.c.ext_id, person_names.c.kind, person_names.c.full)
                                            .join(person_names).order_by(person_names.c.id)):
            out.setdefault(ext, []).append((kind, full))
        return out


def test_russian_sheet_imports_persons_cases_codes_and_flags_in_one_go(db: Db, tmp_path: Path) -> None:
    r = import_file(db.engine, "registry", _file(tmp_path, RU, "ru.csv"), actor="t")
    assert (r.rows, r.created, r.cases_created) == (4, 3, 4)
    assert r.ignored == ["Примечание"] and "row_number" in r.columns and "id" not in r.columns
    assert r.columns["sentence"] == "Приговор" and "verdict_on" not in r.columns
    with db.engine.connect() as conn:
        rows = conn.execute(select(persons.c.ext_id, persons.c.birth_date, cases.c.status, cases.c.sentence,
                                   cases.c.detained_on, charges.c.code, charges.c.article)
                            .join(cases, cases.c.person_id == persons.c.id)
                            .join(charges, charges.c.case_id == cases.c.id).order_by(cases.c.id)).all()
        assert [tuple(x) for x in rows] == [
            ("P0000001", "1985-03-12", "convicted", "5 лет колонии общего режима", "2022-03-14", "RU", "207.3"),
            ("P0000001", "1985-03-12", "convicted", "2 года", "2021-02-01", "RU", "212.1"),
            ("P0000002", "1990", "detained", "", "2023-03", "RU", "280.3"),
            ("P0000003", "1979-03", "convicted", "14 лет строгого режима", "2021", "RU", "275")]
        assert conn.execute(select(citations.c.entity_id)).scalars().all() == [1, 3]
        flags = flags_for_persons(conn, [1, 3])
    assert "speech" in {f.tag for f in flags[1]}
    assert "treason_espionage" in {f.tag for f in flags[3]}


def test_resorted_reimport_changes_nothing(db: Db, tmp_path: Path) -> None:
    _registry(db, _file(tmp_path, RU, "ru.csv"))
    lines = RU.strip().split("\n")
    resorted = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    r = _registry(db, _file(tmp_path, resorted, "ru2.csv"))
    assert (r.created, r.updated, r.unchanged, r.cases_created, r.cases_updated) == (0, 0, 3, 0, 0)  # type: ignore[attr-defined]
    assert r.changes == []  # type: ignore[attr-defined]


def test_ukrainian_sheet_of_the_same_people_adds_aliases_and_keeps_names(db: Db, tmp_path: Path) -> None:
    _registry(db, _file(tmp_path, RU, "ru.csv"))
    before = _names(db)
    r = _registry(db, _file(tmp_path, UK, "uk.csv"))
    assert (r.created, r.updated, r.cases_created, r.cases_updated) == (0, 3, 0, 0)  # type: ignore[attr-defined]
    after = _names(db)
    for ext, names in before.items():
        assert after[ext][0] == names[0]                        # the primary name stays
    assert ("alias", "Корабльов Степан Ілліч") in after["P0000001"]
    with db.engine.connect() as conn:
        assert conn.execute(select(persons.c.region).where(persons.c.ext_id == "P0000002")).scalar() == "Пермский край"


def test_ukrainian_one_sheet_registry_with_messy_headers(db: Db, tmp_path: Path) -> None:
    r = _registry(db, _file(tmp_path, UK_REGISTRY, "uk_registry.csv"), jurisdiction="UA")
    assert (r.created, r.cases_created) == (2, 3)  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        got = conn.execute(select(persons.c.ext_id, cases.c.detained_on, cases.c.status, charges.c.code,
                                  charges.c.article).join(cases, cases.c.person_id == persons.c.id)
                           .join(charges, charges.c.case_id == cases.c.id).order_by(cases.c.id)).all()
    assert [tuple(x) for x in got] == [("P0000001", "2022-03", "detained", "UA", "111"),
                                       ("P0000002", "2023-02-24", "convicted", "UA", "110"),
                                       ("P0000002", "2022-05-12", "convicted", "UA", "436-2")]
    with db.engine.connect() as conn:
        flags = {pid: {f.tag for f in fl} for pid, fl in flags_for_persons(conn, [1, 2]).items()}
    assert "treason_espionage" in flags[1] and {"collaboration", "speech"} <= flags[2]


def test_rename_by_trusted_id_is_listed_and_refused_without_confirmation(db: Db, tmp_path: Path) -> None:
    first = "id,surname,given_name,birth_date\nA1,Кораблёв,Степан,1985\nA2,Лапшина,Вера,1990\n"
    import_file(db.engine, "persons", _file(tmp_path, first, "p.csv"), actor="t")
    shifted = "id,surname,given_name,birth_date\nA1,Лапшина,Вера,1990\nA2,Кораблёв,Степан,1985\n"
    path = _file(tmp_path, shifted, "p2.csv")
    dry = import_file(db.engine, "persons", path, actor="t", dry_run=True)
    assert [(x.person, x.before, x.after) for x in dry.renames] == [
        ("A1", "Кораблёв Степан", "Лапшина Вера"), ("A2", "Лапшина Вера", "Кораблёв Степан")]
    with pytest.raises(InvalidInput, match="need a decision|problem") as exc:
        import_file(db.engine, "persons", path, actor="t")
    assert "--confirm-renames" in exc.value.errors[0].reason
    assert _names(db)["A1"] == [("primary", "Кораблёв Степан")]
    import_file(db.engine, "persons", path, actor="t", options=SheetOptions(confirm_renames=True))
    assert _names(db)["A1"][0] == ("primary", "Лапшина Вера")


def test_registry_rename_keeps_the_old_name_as_former(db: Db, tmp_path: Path) -> None:
    _registry(db, _file(tmp_path, "id,ФИО,Дата рождения\nX1,Кораблёв Степан Ильич,1985\n", "a.csv"))
    path = _file(tmp_path, "id,ФИО,Дата рождения\nX1,Лапшина Вера Андреевна,1985\n", "b.csv")
    with pytest.raises(InvalidInput) as exc:
        _registry(db, path)
    assert "would rename X1" in exc.value.errors[0].reason
    _registry(db, path, confirm_renames=True)
    assert _names(db)["X1"] == [("former", "Кораблёв Степан Ильич"), ("primary", "Лапшина Вера Андреевна")]
    added = _registry(db, _file(tmp_path, "id,ФИО,Дата рождения\nX1,Лапшина Вера Андреевна,1985-04-02\n", "c.csv"))
    assert [(c.field, c.before, c.after) for c in added.changes] == [("birth_date", "1985", "1985-04-02")]  # type: ignore[attr-defined]


def test_namesake_without_birth_date_waits_for_a_decision(db: Db, tmp_path: Path) -> None:
    _registry(db, _file(tmp_path, "ФИО,Дата рождения\nСоколов Павел Игоревич,1970\nСоколов Павел Игоревич,1994\n",
                        "a.csv"))
    path = _file(tmp_path, "№,ФИО,Статус\n1,Соколов Павел Игоревич,в СИЗО\n", "b.csv")
    dry = _registry(db, path, dry_run=True)
    assert [c[0] for c in dry.reviews[0].candidates] == ["P0000001", "P0000002"]  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput) as exc:
        _registry(db, path)
    assert "--decide 2=" in exc.value.errors[0].reason
    r = _registry(db, path, decisions={2: "P0000002"})
    assert (r.created, r.cases_created) == (0, 1)  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        assert conn.execute(select(cases.c.person_id)).scalar_one() == 2
    again = _registry(db, path)          # the decision is remembered as a judgement: no question again
    assert (again.reviews, again.unchanged, again.cases_created) == ([], 1, 0)  # type: ignore[attr-defined]


def test_running_numbers_under_an_id_header_are_not_ids(db: Db, tmp_path: Path) -> None:
    _registry(db, _file(tmp_path, "id,ФИО,Дата рождения\n1,Кораблёв Степан Ильич,1985\n2,Лапшина Вера,1990\n", "a.csv"))
    r = _registry(db, _file(tmp_path, "id,ФИО,Дата рождения\n1,Лапшина Вера,1990\n2,Кораблёв Степан Ильич,1985\n",
                            "b.csv"))
    assert r.unchanged == 2 and r.renames == [] and "running numbers" in r.notes[0]  # type: ignore[attr-defined]


def test_unknown_status_needs_a_mapping_and_bad_rows_can_be_skipped(db: Db, tmp_path: Path) -> None:
    text = "ФИО,Статус,Дата задержания\nКораблёв Степан,этапирован в колонию,2022\nЛапшина Вера,в СИЗО,32.13.2022\n"
    path = _file(tmp_path, text, "s.csv")
    with pytest.raises(InvalidInput) as exc:
        _registry(db, path)
    assert [e.row for e in exc.value.errors] == [2, 3]
    assert "--status-map" in exc.value.errors[0].reason
    r = _registry(db, path, status_map={"Этапирован в колонию": "transferred"}, skip_bad_rows=True)
    assert (r.created, r.rejected) == (1, 1)  # type: ignore[attr-defined]
    rejected = Path(r.rejected_file).read_text("utf-8-sig")  # type: ignore[attr-defined]
    assert "Лапшина Вера" in rejected and "32.13.2022" in rejected and "Кораблёв" not in rejected
    with db.engine.connect() as conn:
        assert conn.execute(select(cases.c.status)).scalar_one() == "transferred"


def test_skip_bad_rows_for_persons_and_cases_with_ids(db: Db, tmp_path: Path) -> None:
    people = "id,name,birth_date\nA1,Кораблёв Степан,1985\nA2,Лапшина Вера,31.02.1990\nA1,Повтор Повторович,1970\n"
    path = _file(tmp_path, people, "p.csv")
    with pytest.raises(InvalidInput):
        import_file(db.engine, "persons", path, actor="t")
    r = import_file(db.engine, "persons", path, actor="t", options=SheetOptions(skip_bad_rows=True))
    assert (r.created, r.rejected) == (1, 2)
    rejected = Path(r.rejected_file).read_text("utf-8-sig").splitlines()
    assert rejected[0].startswith("row,id,name") and [line.split(",")[0] for line in rejected[1:]] == ["3", "4"]
    cases_file = _file(tmp_path, "case_id,person_id,status\nC1,A1,в СИЗО\nC2,NOBODY,\n", "c.csv")
    r = import_file(db.engine, "cases", cases_file, actor="t",
                    options=SheetOptions(skip_bad_rows=True, rejected_path=tmp_path / "bad.csv"))
    assert (r.created, r.rejected, r.rejected_file) == (1, 1, str(tmp_path / "bad.csv"))
    assert "NOBODY" in (tmp_path / "bad.csv").read_text("utf-8-sig")


def test_persons_import_with_row_numbers_under_an_id_header_matches_by_name(db: Db, tmp_path: Path) -> None:
    first = _file(tmp_path, "id,name,birth_date\n1,Кораблёв Степан,1985\n2,Лапшина Вера,1990\n", "a.csv")
    import_file(db.engine, "persons", first, actor="t")
    resorted = _file(tmp_path, "id,name,birth_date\n1,Лапшина Вера,1990\n2,Кораблёв Степан,1985\n", "b.csv")
    r = import_file(db.engine, "persons", resorted, actor="t")
    assert (r.created, r.updated, r.unchanged, r.renames) == (0, 0, 2, [])
    assert _names(db) == {"P0000001": [("primary", "Кораблёв Степан")], "P0000002": [("primary", "Лапшина Вера")]}
    named = import_file(db.engine, "persons", _file(tmp_path, "id,name\n1,Кто-то Новый\n", "c.csv"), actor="t",
                        mapping={"id": "id"})          # named explicitly, the column is trusted as ids
    assert named.created == 1 and "1" in _names(db)
