"""Finding persons: text across scripts (or not), filters, and what a viewer may see."""

from __future__ import annotations

from pathlib import Path

from kartoteka.services.access import Principal
from kartoteka.services.browse import PersonFilters, search
from tests.conftest import Db
from tests.web.conftest import write_registry

VIEWER, EDITOR = Principal("v", "viewer"), Principal("e", "editor")


def _ids(db: Db, who: Principal, f: PersonFilters) -> list[str]:
    return [r.ext_id for r in search(db.engine, who, f)]


def test_filters(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    assert _ids(db, EDITOR, PersonFilters(status="detained")) == ["P2", "P3"]
    assert _ids(db, EDITOR, PersonFilters(code="ru", article="280.3")) == ["P1"]
    assert _ids(db, EDITOR, PersonFilters(region="крым")) == ["P3"]          # Cyrillic, any case
    assert _ids(db, EDITOR, PersonFilters(facility="сизо")) == ["P2", "P3"]
    # a viewer neither sees P3 nor finds P2 through P2's confidential case
    assert _ids(db, VIEWER, PersonFilters(facility="сизо")) == []
    row = search(db.engine, VIEWER, PersonFilters(region="москва"))[0]
    assert (row.name, row.statuses, row.articles) == ("Иванов Иван Иванович", ["convicted"], ["RU 280.3"])


def test_text_across_scripts_and_the_transliteration_switch(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    assert "P2" in _ids(db, VIEWER, PersonFilters("Коваленко Олександр"))
    assert "P1" in _ids(db, VIEWER, PersonFilters("Ivanov Ivan Ivanovich"))
    assert "P2" not in _ids(db, VIEWER, PersonFilters("Коваленко", transliterate=False))
    assert "P3" not in _ids(db, VIEWER, PersonFilters("Секретная Мария"))
    assert "P3" in _ids(db, EDITOR, PersonFilters("Секретная Мария"))


def test_flag_filter_uses_only_visible_charges(db: Db, tmp_path: Path) -> None:
    from kartoteka.web.adapters import flag_tags

    write_registry(db, tmp_path)
    f = PersonFilters(flag="terrorism")
    assert [r.ext_id for r in search(db.engine, EDITOR, f, flags_for=flag_tags(EDITOR))] == ["P2"]
    assert search(db.engine, VIEWER, f, flags_for=flag_tags(VIEWER)) == []
