"""Likely duplicates kept current incrementally (services/duplicate_pairs.py): after edits, an import,
a merge and a delete, the pairs brought up to date equal the pairs of a full scan from scratch."""

from __future__ import annotations

from pathlib import Path

from kartoteka.db import audit
from kartoteka.db.tables import persons
from kartoteka.services import matching as svc
from kartoteka.services.access import system_principal
from kartoteka.services.duplicate_pairs import _STATES
from kartoteka.services.imports import import_file
from kartoteka.services.person_merge import merge_records
from kartoteka.services.persons import get_person
from kartoteka.services.persons_edit import PersonEdit, edit_person
from kartoteka.synth.registry import PERSON_COLUMNS, generate_registry, write_rows
from tests.conftest import Db


def _full(db: Db) -> list[tuple[str, str, float]]:
    _STATES.clear()
    paths: list[str] = []
    out = [(p.ext_id, p.other_ext_id, round(p.score, 6)) for p in svc.find_duplicates(db.engine, on_path=paths.append)]
    assert paths == ["full"]
    return out


def _now(db: Db, path: str = "incremental") -> list[tuple[str, str, float]]:
    paths: list[str] = []
    out = [(p.ext_id, p.other_ext_id, round(p.score, 6)) for p in svc.find_duplicates(db.engine, on_path=paths.append)]
    assert paths[0].startswith(path)
    return out


def test_incremental_pairs_equal_a_full_scan(db: Db, tmp_path: Path) -> None:
    synth = generate_registry(250, seed=9)
    src = tmp_path / "persons.csv"
    write_rows(src, PERSON_COLUMNS, synth.persons)
    import_file(db.engine, "persons", src, actor="test")
    first = _full(db)
    assert first, "the synthetic registry has namesakes"
    admin = system_principal("test")
    exts = [p["id"] for p in synth.persons]
    # an edit that makes a new pair: person 5 takes person 6's name and birth date
    six = get_person(db.engine, exts[6]).person
    five = get_person(db.engine, exts[5]).person
    name6 = get_person(db.engine, exts[6]).names[0]["full"]
    edit_person(db.engine, admin, exts[5], PersonEdit(version=int(five["version"]), primary_name=name6,
                                                      birth_date=six["birth_date"] or ""))
    assert _now(db) == _full(db)
    assert any({exts[5], exts[6]} == {a, b} for a, b, _ in _now(db, "cached"))
    # an import of a namesake, a merge and a delete
    more = tmp_path / "more.csv"
    more.write_text(f"id,surname,given_name,patronymic,birth_date\nX-1,{synth.persons[9]['surname']},"
                    f"{synth.persons[9]['given_name']},{synth.persons[9]['patronymic']},"
                    f"{synth.persons[9]['birth_date']}\n", "utf-8")
    import_file(db.engine, "persons", more, actor="test")
    assert _now(db) == _full(db)
    merge_records(db.engine, admin, keep=exts[5], other=exts[6], choices={})
    assert _now(db) == _full(db)
    with db.engine.begin() as conn:
        audit.soft_delete(conn, persons, "person", int(get_person(db.engine, "X-1").person["id"]), actor="test")
    after = _now(db)
    assert after == _full(db) and not any("X-1" in (a, b) for a, b, _ in after)
