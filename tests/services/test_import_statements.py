"""CSV/XLSX imports with --source: each imported person's name spellings and birth date are kept as the
organisation's statements, so the person page shows who said what and where organisations disagree."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kartoteka.db.tables import statements
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from kartoteka.services.statements import person_claims
from tests.conftest import Db

ORG_A = """id,surname,given_name,patronymic,birth_date,gender
P1,Тестова,Олена,Игоревна,1984-02-11,f
P2,Примеров,Пётр,Сергеевич,1975-04-04,m
"""
ORG_B = """id,surname,given_name,patronymic,birth_date,gender
P1,Тестова,Олена,Игоревна,1984-02-11,f
P2,Примеров,Пётр,Сергеевич,1976-03-03,m
"""


def _claims(db: Db, ext: str) -> dict[str, dict[str, list[str]]]:
    return {c.prop: {s.value: [o for o, _ in s.organisations] for s in c.values}
            for c in person_claims(db.engine, person=ext)}


def test_two_organisations_csv_imports_show_who_said_what_and_the_disagreement(db: Db, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(ORG_A, "utf-8")
    (tmp_path / "b.csv").write_text(ORG_B, "utf-8")
    import_file(db.engine, "persons", tmp_path / "a.csv", actor="t", options=SheetOptions(source="Org A"))
    import_file(db.engine, "persons", tmp_path / "b.csv", actor="t", options=SheetOptions(source="Org B"))
    p2 = {c.prop: c for c in person_claims(db.engine, person="P2")}
    assert p2["birth_date"].disagree
    said = {(s.value, o) for s in p2["birth_date"].values for o, _ in s.organisations}
    assert {("1975-04-04", "Org A"), ("1976-03-03", "Org B")} <= said
    assert _claims(db, "P2")["name"]["Примеров Пётр Сергеевич"][-2:] == ["Org A", "Org B"]
    p1 = {c.prop: c for c in person_claims(db.engine, person="P1")}
    assert not p1["birth_date"].disagree                     # both say the same date
    assert [o for o, _ in p1["birth_date"].values[0].organisations][-2:] == ["Org A", "Org B"]


def test_a_registry_sheet_matched_by_name_keeps_its_organisations_claims(db: Db, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(ORG_A, "utf-8")
    import_file(db.engine, "persons", tmp_path / "a.csv", actor="t", options=SheetOptions(source="Org A"))
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("ФИО,Дата рождения,Статья\nТестова Елена Игоревна,1984-02-11,ст. 280.3 УК РФ\n", "utf-8")
    report = import_file(db.engine, "registry", sheet, actor="t", options=SheetOptions(source="Viasna"))
    assert report.updated + report.created >= 1
    names = _claims(db, "P1")["name"]
    assert names.get("Тестова Елена Игоревна") and "Viasna" in names["Тестова Елена Игоревна"]
    assert "Viasna" in _claims(db, "P1")["birth_date"]["1984-02-11"]


def test_without_source_and_in_a_dry_run_no_statement_is_written(db: Db, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(ORG_A, "utf-8")
    import_file(db.engine, "persons", tmp_path / "a.csv", actor="t")
    import_file(db.engine, "persons", tmp_path / "a.csv", actor="t", dry_run=True,
                options=SheetOptions(source="Org A"))
    with db.engine.connect() as conn:
        assert conn.execute(select(statements)).first() is None


CASES_A = """case_id,person_id,jurisdiction,articles,detained_on,status
C1,P1,RU,ч. 2 ст. 280.3 УК РФ,2022-03-01,detained
C2,P2,RU,ст. 275 УК РФ,2021-07-07,convicted
"""
CASES_A2 = CASES_A.replace("2022-03-01,detained", "2022-03-01,convicted")


def test_a_cases_import_with_a_source_keeps_its_case_statements(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(ORG_A, "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    (tmp_path / "c.csv").write_text(CASES_A, "utf-8")
    (tmp_path / "c2.csv").write_text(CASES_A2, "utf-8")
    import_file(db.engine, "cases", tmp_path / "c.csv", actor="t", options=SheetOptions(source="Org A"))

    def said() -> set[tuple[str, str, str]]:
        with db.engine.connect() as conn:
            return {(s.origin_id, s.prop, s.value) for s in conn.execute(select(statements).where(
                statements.c.entity_type == "case", statements.c.organisation == "Org A"))}
    assert {("C1", "status", "detained"), ("C1", "detained_on", "2022-03-01"), ("C2", "status", "convicted"),
            ("C1", "articles_text", "ч. 2 ст. 280.3 УК РФ"), ("C2", "jurisdiction", "RU")} <= said()
    import_file(db.engine, "cases", tmp_path / "c2.csv", actor="t", options=SheetOptions(source="Org A"))
    statuses = {(o, v) for o, p, v in said() if p == "status"}
    assert statuses == {("C1", "convicted"), ("C2", "convicted")}    # the organisation's new word replaces its old
    import_file(db.engine, "cases", tmp_path / "c.csv", actor="t")   # without a source: no statements
    assert {(o, v) for o, p, v in said() if p == "status"} == statuses


def test_a_registry_sheet_with_a_source_keeps_its_case_statements_too(db: Db, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("ПІБ;Дата народження;Стаття КК;Статус\n"
                                    "Гончаренко Ярина Богданівна;05.06.1994;ч. 1 ст. 111 КК України;під вартою\n", "utf-8")
    import_file(db.engine, "registry", tmp_path / "r.csv", actor="t", options=SheetOptions(source="Org B"))
    with db.engine.connect() as conn:
        said = {(s.prop, s.value) for s in conn.execute(select(statements).where(
            statements.c.entity_type == "case", statements.c.organisation == "Org B"))}
    assert {("status", "detained"), ("articles_text", "ч. 1 ст. 111 КК України")} <= said
