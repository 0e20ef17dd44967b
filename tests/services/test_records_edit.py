"""Editing a case or a source: optimistic locking, field validation, charges, the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select

from kartoteka.db.audit import create_record
from kartoteka.db.tables import audit_log, citations, sources
from kartoteka.errors import Conflict, Forbidden, InvalidInput, NotFound
from kartoteka.services.access import Principal
from kartoteka.services.persons import get_person
from kartoteka.services.records_edit import case_for_edit, source_for_edit, update_case, update_source
from tests.conftest import Db
from tests.web.conftest import write_registry

EDITOR = Principal("ed", "editor")
VIEWER = Principal("vi", "viewer")


def add_source(db: Db, sensitivity: str = "internal") -> int:
    """A source cited by person P1."""
    pid = get_person(db.engine, "P1").person["id"]
    with db.engine.begin() as conn:
        sid = create_record(conn, sources, "source", {"url": "https://example.org/a", "title": "Court record",
                                                      "publisher": "Example", "sensitivity": sensitivity},
                            actor="test")
        conn.execute(insert(citations).values(source_id=sid, entity_type="person", entity_id=pid))
    return sid


def case_id(db: Db, person: str) -> int:
    return int(get_person(db.engine, person).cases[0]["id"])


def test_case_edit_restores_charges_and_audits_each_field(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    cid = case_id(db, "P1")
    assert update_case(db.engine, principal=EDITOR, case_id=cid, expected_version=1,
                       values={"articles_text": "ст. 207.3 ч. 2 УК РФ", "court": "Тверской суд"}) == 2
    d = get_person(db.engine, "P1")
    assert [(c["code"], c["article"]) for c in d.charges[cid]] == [("RU", "207.3")]
    assert d.cases[0]["court"] == "Тверской суд" and d.cases[0]["facility"] == "ИК-2"   # untouched field kept
    with db.engine.connect() as conn:
        fields = {r.field for r in conn.execute(select(audit_log.c.field).where(
            audit_log.c.entity_type == "case", audit_log.c.entity_id == cid, audit_log.c.actor == "ed"))}
    assert fields == {"articles_text", "court"}
    with pytest.raises(Conflict, match="version 2"):
        update_case(db.engine, principal=EDITOR, case_id=cid, values={"court": "другой"}, expected_version=1)


def test_jurisdiction_change_reparses_with_the_new_code(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    cid = case_id(db, "P1")
    update_case(db.engine, principal=EDITOR, case_id=cid, expected_version=1,
                values={"articles_text": "ст. 342", "jurisdiction": "by"})
    assert {c["code"] for c in get_person(db.engine, "P1").charges[cid]} == {"BY"}


def test_case_validation_lists_every_bad_field(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    cid = case_id(db, "P1")
    with pytest.raises(InvalidInput) as err:
        update_case(db.engine, principal=EDITOR, case_id=cid, expected_version=1,
                    values={"verdict_on": "2021-01-01", "detained_on": "2022-13-01", "sensitivity": "secret",
                            "jurisdiction": "Россия", "colour": "red"})
    bad = {e.column for e in err.value.errors}
    assert bad == {"detained_on", "sensitivity", "jurisdiction", "colour"}
    with pytest.raises(InvalidInput) as err:
        update_case(db.engine, principal=EDITOR, case_id=cid, expected_version=1, values={"verdict_on": "2021-01-01"})
    assert [e.column for e in err.value.errors] == ["verdict_on"]   # before the stored detention date
    assert get_person(db.engine, "P1").cases[0]["version"] == 1


def test_roles_and_confidential_records(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    secret = case_id(db, "P3")
    with pytest.raises(Forbidden):
        update_case(db.engine, principal=VIEWER, case_id=case_id(db, "P1"), values={}, expected_version=1)
    with pytest.raises(Forbidden):
        case_for_edit(db.engine, principal=VIEWER, case_id=secret)
    rec = case_for_edit(db.engine, principal=EDITOR, case_id=secret)
    assert rec.person_ext_id == "P3" and rec.values["facility"] == "СИЗО-1"
    with db.engine.connect() as conn:
        reads = {r.entity_type for r in conn.execute(select(audit_log.c.entity_type).where(
            audit_log.c.action == "read", audit_log.c.actor == "ed"))}
    assert reads == {"case", "person"}
    with pytest.raises(NotFound):
        case_for_edit(db.engine, principal=EDITOR, case_id=99999)


def test_source_edit_validates_and_conflicts(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    sid = add_source(db)
    assert source_for_edit(db.engine, principal=EDITOR, source_id=sid).values["title"] == "Court record"
    with pytest.raises(InvalidInput) as err:
        update_source(db.engine, principal=EDITOR, source_id=sid, expected_version=1,
                      values={"url": "javascript:alert(1)", "accessed_on": "2999-01-01", "title": ""})
    assert {e.column for e in err.value.errors} == {"url", "accessed_on"}
    with pytest.raises(InvalidInput) as err:
        update_source(db.engine, principal=EDITOR, source_id=sid, expected_version=1, values={"url": "", "title": " "})
    assert [e.column for e in err.value.errors] == ["title"]
    assert update_source(db.engine, principal=EDITOR, source_id=sid, expected_version=1,
                         values={"accessed_on": "01.02.2024", "sensitivity": "confidential"}) == 2
    assert get_person(db.engine, "P1").sources[0]["accessed_on"] == "2024-02-01"
    with pytest.raises(Conflict):
        update_source(db.engine, principal=EDITOR, source_id=sid, values={"title": "x"}, expected_version=1)
    with pytest.raises(NotFound):
        update_source(db.engine, principal=EDITOR, source_id=sid + 1000, values={}, expected_version=1)


def test_the_edit_form_of_a_confidential_case_does_not_wait_for_another_writer(db: Db, tmp_path: Path) -> None:
    import sqlite3
    import time

    from kartoteka.db.audit import drain_spool

    write_registry(db, tmp_path)
    cid = case_id(db, "P3")   # a confidential person's confidential case
    other = sqlite3.connect(db.url.removeprefix("sqlite:///"), isolation_level=None) if db.backend == "sqlite" else None
    if other is not None:
        other.execute("BEGIN IMMEDIATE")   # a long import in another process holds SQLite's write lock
    try:
        started = time.monotonic()
        form = case_for_edit(db.engine, principal=EDITOR, case_id=cid)
        assert form.record["id"] == cid and time.monotonic() - started < 3
    finally:
        if other is not None:
            other.execute("ROLLBACK")
            other.close()
    drain_spool(db.engine, wait=5.0)
    with db.engine.connect() as conn:
        reads = {(r.entity_type, r.after) for r in conn.execute(select(audit_log.c.entity_type, audit_log.c.after)
                                                                .where(audit_log.c.action == "read"))}
    assert reads == {("person", '{"via": "edit"}'), ("case", '{"via": "edit"}')}
