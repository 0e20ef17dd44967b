"""A source named in a custody or category record is held at least as closely as its person, and an
address is http:// or https:// only (the rule of a source added by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import sources
from kartoteka.errors import InvalidInput
from kartoteka.services.custody import record_custody, set_category
from kartoteka.services.imports import import_file
from tests.conftest import Db

PERSONS = """id,surname,given_name,birth_date,gender,sensitivity
C01,Synthetic,Confidential,1980-01-01,f,confidential
I01,Synthetic,Internal,1981-01-01,m,internal
"""
URL = "https://example.org/synthetic-custody-proof"


def _world(db: Db, tmp_path: Path) -> None:
    (tmp_path / "persons.csv").write_text(PERSONS, encoding="utf-8")
    import_file(db.engine, "persons", tmp_path / "persons.csv", actor="setup")


def _levels(db: Db) -> list[str]:
    with db.engine.connect() as conn:
        return [r.sensitivity for r in conn.execute(select(sources.c.sensitivity).where(sources.c.url == URL)
                                                    .order_by(sources.c.id))]


def test_source_of_confidential_person_is_confidential(db: Db, tmp_path: Path) -> None:
    _world(db, tmp_path)
    record_custody(db.engine, person="I01", held_by="RU", state="pretrial", actor="a", source=URL)
    assert _levels(db) == ["internal"]
    record_custody(db.engine, person="C01", held_by="RU", state="pretrial", actor="a", source=URL)
    set_category(db.engine, person="C01", category="civilian_detainee", actor="a", source=URL)
    # the internal one is not reused for the confidential person: a new confidential one is made once
    assert _levels(db) == ["internal", "confidential"]


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_custody_source_address_is_http_only(db: Db, tmp_path: Path, bad: str) -> None:
    _world(db, tmp_path)
    with pytest.raises(InvalidInput):
        record_custody(db.engine, person="I01", held_by="RU", state="pretrial", actor="a", source=bad)
    with pytest.raises(InvalidInput):
        set_category(db.engine, person="I01", category="civilian_detainee", actor="a", source=bad)
