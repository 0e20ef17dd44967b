"""Bulk imports of cases (services/imports.py ``_CaseWriter``): the same cases, charges, audit entries and
row-numbered notes as the row-by-row path, the audit chain intact, and nothing written when a row is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from kartoteka.db.chain import verify_chain
from kartoteka.db.tables import audit_log, cases, charges
from kartoteka.errors import InvalidInput
from kartoteka.services import imports
from kartoteka.services.imports import import_file
from tests.conftest import Db

PERSONS = "id,surname,given_name,birth_date\n" + "".join(f"P{i},Тестов{i},Иван,1980-01-01\n" for i in range(1, 6))
CASES = ("case_id,person_id,jurisdiction,articles,detained_on\n"
         + "".join(f'C{i},P{1 + i % 5},RU,"ч. 2 ст. 207.3 УК РФ, ст. 280.3 УК РФ",2022-05-05\n' for i in range(1, 40))
         + "C40,P1,,ст. 999,2022-05-05\n")   # a charge with no code: a note for its row


def _load(engine: Engine, tmp: Path) -> Any:
    (tmp / "p.csv").write_text(PERSONS, "utf-8")
    (tmp / "c.csv").write_text(CASES, "utf-8")
    import_file(engine, "persons", tmp / "p.csv", actor="t")
    return import_file(engine, "cases", tmp / "c.csv", actor="t")


def _state(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        rows = conn.execute(select(cases.c.id, cases.c.ext_id, cases.c.person_id, cases.c.articles_text,
                                   cases.c.row_hash, cases.c.version).order_by(cases.c.id)).all()
        chs = conn.execute(select(charges.c.case_id, charges.c.code, charges.c.article, charges.c.part,
                                  charges.c.in_catalog).order_by(charges.c.case_id, charges.c.id)).all()
        entries = conn.execute(select(audit_log.c.entity_id, audit_log.c.action, audit_log.c.after)
                               .where(audit_log.c.entity_type == "case").order_by(audit_log.c.seq)).all()
        chain = verify_chain(conn)
    return [tuple(r) for r in rows], [tuple(r) for r in chs], [tuple(r) for r in entries], chain.ok


def _baseline(tmp: Path) -> tuple[Any, ...]:
    from kartoteka.db.engine import make_engine
    from kartoteka.db.schema import upgrade_schema
    engine = make_engine(f"sqlite:///{tmp / 'rows.db'}")
    upgrade_schema(engine)
    imports._CaseWriter.bulk = False
    try:
        report = _load(engine, tmp)
    finally:
        imports._CaseWriter.bulk = True
    return report.notes, _state(engine)


def test_bulk_cases_equal_the_row_by_row_import(db: Db, tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    notes, expected = _baseline(base)
    report = _load(db.engine, tmp_path)
    assert report.created == 40 and report.notes == notes and notes[0].startswith("row 41:")
    got = _state(db.engine)
    assert got == expected and got[3] is True
    assert len(got[1]) == 39 * 2 + 1


CHANGED = CASES.replace('C3,P4,RU,"', 'C3,P4,RU,"ст. 212 УК РФ, ').replace(",2022-05-05\nC5,", ",2023-01-09\nC5,") \
    .replace('C7,P3,RU,"ч. 2 ст. 207.3 УК РФ, ст. 280.3 УК РФ"', "C7,P3,,ст. 998")   # C3 gains a charge, C4 another
# date, C7 a charge whose code nothing decides


def _reimport(engine: Engine, tmp: Path) -> Any:
    (tmp / "c2.csv").write_text(CHANGED, "utf-8")
    return import_file(engine, "cases", tmp / "c2.csv", actor="t2")


def test_changed_cases_in_bulk_equal_the_row_by_row_update(db: Db, tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    from kartoteka.db.engine import make_engine
    engine = make_engine(f"sqlite:///{base / 'rows.db'}")
    from kartoteka.db.schema import upgrade_schema
    upgrade_schema(engine)
    _load(engine, base)
    imports._CaseWriter.bulk = False
    try:
        expected_report, expected = _reimport(engine, base), _state(engine)
    finally:
        imports._CaseWriter.bulk = True
    _load(db.engine, tmp_path)
    report = _reimport(db.engine, tmp_path)
    assert (report.updated, report.unchanged) == (expected_report.updated, expected_report.unchanged) == (3, 37)
    assert report.notes == expected_report.notes and any(n.startswith("row 8:") for n in report.notes)
    got = _state(db.engine)
    assert got == expected and got[3] is True
    updates = [e for e in got[2] if e[1] == "update"]
    assert {e[0] for e in updates} == {3, 4, 7} and any("212" in (e[2] or "") for e in updates)


def test_a_wrong_row_in_a_reimport_changes_nothing(db: Db, tmp_path: Path) -> None:
    _load(db.engine, tmp_path)
    before = _state(db.engine)
    (tmp_path / "c2.csv").write_text(CHANGED + "C41,P99,RU,ст. 280.3 УК РФ,2022-05-05\n", "utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, "cases", tmp_path / "c2.csv", actor="t2")
    assert [e.row for e in exc.value.errors] == [42]
    assert _state(db.engine) == before


def test_a_wrong_row_writes_nothing_and_names_its_row(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(PERSONS, "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    (tmp_path / "c.csv").write_text(CASES + "C41,P99,RU,ст. 280.3 УК РФ,2022-05-05\n", "utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_file(db.engine, "cases", tmp_path / "c.csv", actor="t")
    assert [e.row for e in exc.value.errors] == [42]
    with db.engine.connect() as conn:
        assert conn.execute(select(cases.c.id)).first() is None
        assert conn.execute(select(charges.c.id)).first() is None


def test_bulk_assessments_with_their_recognitions_and_audit_entries(db: Db, tmp_path: Path) -> None:
    from kartoteka.db.tables import assessments, recognitions
    (tmp_path / "p.csv").write_text(PERSONS, "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    rows = "".join(f"P{i},guidelines-2013,recognised,2023-02-01,Org {i % 2},https://example.org/s/{i}\n"
                   for i in range(1, 6))
    text = "person_id,definition,decision,decided_on,организация,заявление\n" + rows
    (tmp_path / "a.csv").write_text(text, "utf-8")
    report = import_file(db.engine, "assessments", tmp_path / "a.csv", actor="t")
    assert report.created == 5 and any(n.startswith("5 recognition(s)") for n in report.notes)
    again = import_file(db.engine, "assessments", tmp_path / "a.csv", actor="t")
    assert (again.created, again.unchanged) == (0, 5)
    (tmp_path / "b.csv").write_text(text.replace("2023-02-01", "2023-03-01") + "P9,guidelines-2013,recognised,"
                                    "2023-02-01,Org 1,https://example.org/s/9\n", "utf-8")
    with pytest.raises(InvalidInput) as exc:   # one wrong row: the updates before it are not written either
        import_file(db.engine, "assessments", tmp_path / "b.csv", actor="t")
    assert [e.row for e in exc.value.errors] == [7]
    with db.engine.connect() as conn:
        assert sorted(conn.execute(select(assessments.c.decided_on)).scalars()) == ["2023-02-01"] * 5
        assert conn.execute(select(recognitions.c.id)).all().__len__() == 5
        entries = conn.execute(select(audit_log.c.entity_type).where(
            audit_log.c.entity_type.in_(["assessment", "recognition"]))).scalars().all()
        assert sorted(entries) == ["assessment"] * 5 + ["recognition"] * 5
        assert verify_chain(conn).ok
