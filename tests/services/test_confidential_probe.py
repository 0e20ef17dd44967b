"""A viewer probing for confidential records through the service layer: each test is one leak found
(and fixed), read as a viewer against a registry holding confidential persons, cases and imports."""

from __future__ import annotations

import json
from pathlib import Path

from kartoteka.services.access import Principal, redact_report, view_person
from kartoteka.services.browse import filter_choices
from kartoteka.services.custody import record_custody
from kartoteka.services.ftm_import import import_ftm
from kartoteka.services.imports import import_file
from kartoteka.services.runs import get_run
from kartoteka.services.statements import visible_claims
from kartoteka.services.vetting import vet_list
from tests.conftest import Db

VIEWER, ADMIN = Principal("v", "viewer"), Principal("a", "admin")
PERSONS = """id,name,birth_date,gender,region,sensitivity
P1,Иванов Иван Иванович,1980-05-01,m,Москва,public
P2,Коваленко Олександр Петрович,1975,m,Херсон,internal
P3,Секретная Мария Петровна,1990-02-03,f,Крым,confidential
"""
CASES = """case_id,person_id,jurisdiction,articles,detained_on,facility,status,sensitivity
C1,P1,RU,ч. 2 ст. 280.3 УК РФ,2022-03-01,ИК-2,convicted,public
C2,P3,RU,ст. 275 УК РФ,2023-01-01,СИЗО-77,missing,internal
C3,P2,BY,ст. 361 УК РБ,2021-07-07,СИЗО-88,detained,confidential
"""


def _registry(db: Db, tmp: Path) -> None:
    for kind, text in (("persons", PERSONS), ("cases", CASES)):
        (tmp / f"{kind}.csv").write_text(text, "utf-8")
        import_file(db.engine, kind, tmp / f"{kind}.csv", actor="setup")


def _ftm(tmp: Path, name: str, entities: list[dict[str, object]]) -> Path:
    path = tmp / name
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n", "utf-8")
    return path


def _secret_person(tmp: Path, ref: str, name: str, born: str, facility: str) -> Path:
    """A file's person (record id ``ref``) with the alias "Тайный Псевдоним" and a case held in ``facility``."""
    return _ftm(tmp, "secret.json", [
        {"id": ref, "schema": "Person", "properties": {"name": [name], "birthDate": [born],
                                                       "alias": ["Тайный Псевдоним"]}},
        {"id": f"{ref}-case", "schema": "CourtCase", "properties": {"name": ["x"], "country": ["ru"],
                                                                    "status": ["detained"]}},
        {"id": f"{ref}-party", "schema": "CourtCaseParty", "properties": {"party": [ref], "case": [f"{ref}-case"],
                                                                          "summary": [facility]}},
    ])


def test_the_search_forms_choices_come_from_visible_cases_of_visible_persons(db: Db, tmp_path: Path) -> None:
    """Leak: the code list offered every jurisdiction of every charge (BY only on a confidential case) and
    the status list every status of a visible case, even of a confidential person (missing)."""
    _registry(db, tmp_path)
    seen = filter_choices(db.engine, VIEWER)
    assert seen == {"status": ["convicted"], "code": ["RU"]}
    full = filter_choices(db.engine, ADMIN)
    assert full == {"status": ["convicted", "detained", "missing"], "code": ["BY", "RU"]}


def test_a_review_pair_with_a_hidden_person_is_not_named_on_a_visible_person(db: Db, tmp_path: Path) -> None:
    """Leak: a public FtM import of a namesake of confidential P3 (another birth date) stored the claim
    'possibly_same: P3 (1.00)' on the new public person; its page named and linked P3 to a viewer."""
    _registry(db, tmp_path)
    path = _ftm(tmp_path, "pub.json", [{"id": "o-1", "schema": "Person", "properties": {
        "name": ["Секретная Мария Петровна"], "birthDate": ["1970-01-01"]}}])
    report = import_ftm(db.engine, path=path, organisation="Org Pub", actor="e", sensitivity="public")
    assert [(p.new_person, p.existing) for p in report.review] == [("o-1", "P3")]
    shown = view_person(db.engine, VIEWER, "o-1", via="test")
    with db.engine.connect() as conn:
        seen = {c.prop: c for c in visible_claims(conn, VIEWER, shown.person["id"])}
        full = {c.prop: c for c in visible_claims(conn, ADMIN, shown.person["id"])}
    assert "possibly_same" not in seen and "birth_date" in seen
    assert [s.value for s in full["possibly_same"].values] == ["P3 (1.00)"]


def test_a_confidential_import_never_writes_onto_a_visible_person(db: Db, tmp_path: Path) -> None:
    """Leak: a confidential FtM import whose person matched public P1 merged into P1: its alias, its
    organisation's claims and the custody of its (confidential) case showed on P1 to a viewer."""
    _registry(db, tmp_path)
    # an import as open as the person (or more closely held) still merges into it
    public = _ftm(tmp_path, "pub.json", [{"id": "p-1", "schema": "Person", "properties": {
        "name": ["Иванов Иван Иванович"], "birthDate": ["1980-05-01"], "alias": ["Открытый Псевдоним"]}}])
    assert import_ftm(db.engine, path=public, organisation="Org Pub", actor="e", sensitivity="public").merged == 1
    assert "Открытый Псевдоним" in {n["full"] for n in view_person(db.engine, VIEWER, "P1", via="test").names}
    path = _secret_person(tmp_path, "s-1", "Иванов Иван Иванович", "1980-05-01", "СИЗО-99")
    report = import_ftm(db.engine, path=path, organisation="Org Secret", actor="e", sensitivity="confidential")
    assert (report.merged, report.created) == (0, 1)
    assert [p.existing for p in report.review] == ["P1"]   # held for a reviewer, who may merge them
    shown = view_person(db.engine, VIEWER, "P1", via="test")
    with db.engine.connect() as conn:
        claims = visible_claims(conn, VIEWER, shown.person["id"])
    text = repr((shown, claims))
    assert "Тайный" not in text and "Org Secret" not in text and "СИЗО-99" not in text


def test_a_reports_notices_do_not_rest_on_hidden_persons(db: Db, tmp_path: Path) -> None:
    """Leak: a report's notices were stored as the full registry gave them: with the only decided
    assessment (and the only custody held by the list's party) those of confidential P3, a viewer's report
    lacked 'no decided assessment' and 'no custody data', which it gives without P3."""
    _registry(db, tmp_path)
    (tmp_path / "assessments.csv").write_text(
        "person_id,definition,decision,decided_on,organisation,statement\n"
        "P3,guidelines-2013,recognised,2024-01-01,Demo Rights Group,https://example.org/s/3\n", "utf-8")
    import_file(db.engine, "assessments", tmp_path / "assessments.csv", actor="setup")
    record_custody(db.engine, person="P3", held_by="RU", state="pretrial", actor="setup")
    (tmp_path / "list.csv").write_text("№,ФИО,Дата рождения\n1,Иванов Иван Иванович,01.05.1980\n", "utf-8")
    run = vet_list(db.engine, path=tmp_path / "list.csv", definition_id="guidelines-2013", actor="e",
                   held_by="RU").run.id
    full = redact_report(db.engine, ADMIN, get_run(db.engine, run=run))
    seen = redact_report(db.engine, VIEWER, get_run(db.engine, run=run))
    assert full.run.notices == []
    assert seen.run.notices == ["no_decided:guidelines-2013", "no_custody_data:RU"]


def test_a_confidential_import_never_writes_onto_a_record_an_earlier_open_import_made(db: Db, tmp_path: Path) -> None:
    """Leak: a person an organisation's public import created was taken up again by the same organisation's
    confidential import (the same record id): its alias, claims and custody went onto the public person."""
    _registry(db, tmp_path)
    public = _ftm(tmp_path, "pub.json", [{"id": "q-1", "schema": "Person", "properties": {
        "name": ["Мирошник Олег Петрович"], "birthDate": ["1979-02-03"]}}])
    assert import_ftm(db.engine, path=public, organisation="Org X", actor="e", sensitivity="public").created == 1
    path = _secret_person(tmp_path, "q-1", "Мирошник Олег Петрович", "1979-02-03", "СИЗО-98")
    report = import_ftm(db.engine, path=path, organisation="Org X", actor="e", sensitivity="confidential")
    assert (report.merged, report.created) == (0, 1) and [p.existing for p in report.review] == ["q-1"]
    shown = view_person(db.engine, VIEWER, "q-1", via="test")
    with db.engine.connect() as conn:
        claims = visible_claims(conn, VIEWER, shown.person["id"])
    text = repr((shown, claims))
    assert "Тайный" not in text and "СИЗО-98" not in text and "Мирошник" in text
    # the organisation's record now has two counterparts until a reviewer merges them: its next import, as
    # open as either, updates one of them (the latest) and makes no third
    again = _ftm(tmp_path, "pub2.json", [{"id": "q-1", "schema": "Person", "properties": {
        "name": ["Мирошник Олег Петрович"], "birthDate": ["1979-02-03"], "address": ["Одеса"]}}])
    assert import_ftm(db.engine, path=again, organisation="Org X", actor="e", sensitivity="public").created == 0
