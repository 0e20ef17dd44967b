"""Editing a person: optimistic locking, field validation, the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.errors import Conflict, Forbidden, InvalidInput
from kartoteka.services.access import Principal
from kartoteka.services.persons import get_person, person_history
from kartoteka.services.persons_edit import PersonEdit, edit_person
from tests.conftest import Db
from tests.web.conftest import write_registry

EDITOR = Principal("ed", "editor")


def test_edit_then_stale_edit_conflicts(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    edit = PersonEdit(1, "Иванов Иван Иванович", "m", "1980-05", "ru, ua", "Тула", "public", "note")
    assert edit_person(db.engine, EDITOR, "P1", edit) == 2
    p = get_person(db.engine, "P1").person
    assert (p["birth_date"], p["birth_precision"], p["citizenship"], p["region"]) == ("1980-05", "month", "RU;UA", "Тула")
    with pytest.raises(Conflict, match="version"):
        edit_person(db.engine, EDITOR, "P1", PersonEdit(1, "Иванов Иван", region="Орёл", sensitivity="public"))
    fields = {h["field"] for h in person_history(db.engine, "P1") if h["actor"] == "ed"}
    assert {"region", "birth_date", "citizenship"} <= fields


def test_name_change_alone_bumps_the_version(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    p = get_person(db.engine, "P1").person
    edit = PersonEdit(1, "Иванов Иван Петрович", p["gender"], p["birth_date"], p["citizenship"], p["region"],
                      p["sensitivity"], p["notes"])
    assert edit_person(db.engine, EDITOR, "P1", edit) == 2
    assert get_person(db.engine, "P1").primary_name == "Иванов Иван Петрович"
    with pytest.raises(Conflict):
        edit_person(db.engine, EDITOR, "P1", edit)


def test_every_bad_field_is_reported(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    with pytest.raises(InvalidInput) as err:
        edit_person(db.engine, EDITOR, "P1", PersonEdit(1, " ", "x", "31.31.2020", sensitivity="secret"))
    assert {e.column for e in err.value.errors} == {"primary_name", "gender", "birth_date", "sensitivity"}
    with pytest.raises(Forbidden):
        edit_person(db.engine, Principal("v", "viewer"), "P1", PersonEdit(1, "X"))
