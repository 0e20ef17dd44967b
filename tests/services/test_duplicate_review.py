"""services/duplicate_review.py: the duplicates page shows the best pairs the reader may see, checking the
persons' visibility a batch of pairs at a time until the page is full (at a million persons there are
~190,000 stored pairs); the same pairs as checking every pair first."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kartoteka.services import access, duplicate_review
from kartoteka.services.imports import import_file
from kartoteka.services.matching import find_duplicates
from kartoteka.services.persons import get_person
from tests.conftest import Db

ROWS = [("Шевчук", "Олена", "Петрівна", "1990-01-02", "f"), ("Абляєв", "Сервер", "Рустемович", "1975-03-04", "m"),
        ("Коваль-Мельник", "Андрій", "Іванович", "1979-03-01", "m"), ("Сорокина", "Мария", "Андреевна", "1988-02-02", "f"),
        ("Kurtbekirov", "Emir-Usein", "Seitmemetovich", "1984-03-12", "m")]


def test_the_page_checks_visibility_until_it_is_full(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["id,surname,given_name,patronymic,birth_date,gender"]
    for i, (s, g, p, b, sex) in enumerate(ROWS):   # each person twice: one pair each
        lines += [f"A{i},{s},{g},{p},{b},{sex}", f"B{i},{s},{g},{p},{b},{sex}"]
    src = tmp_path / "p.csv"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    import_file(db.engine, "persons", src, actor="t")
    assert len(find_duplicates(db.engine)) == len(ROWS)
    hidden = {int(get_person(db.engine, f"B{i}").person["id"]) for i in (0, 2)}   # as if deleted meanwhile
    visible = duplicate_review.visible_person_ids
    checked: list[int] = []

    def some_hidden(engine: Engine, principal: access.Principal, ids: Iterable[int]) -> set[int]:
        ids = set(ids)
        checked.append(len(ids))
        return visible(engine, principal, ids) - hidden

    monkeypatch.setattr(duplicate_review, "visible_person_ids", some_hidden)
    editor = access.Principal("e", "editor")
    everything = duplicate_review.list_duplicates(db.engine, principal=editor, limit=200)
    assert len(everything) == 3 and not {v.first.id for v in everything} & hidden
    assert not {v.second.id for v in everything} & hidden and checked == [2 * len(ROWS)]

    checked.clear()
    monkeypatch.setattr(duplicate_review, "VISIBILITY_BATCH", 1)
    two = duplicate_review.list_duplicates(db.engine, principal=editor, limit=2)
    assert [(v.first.id, v.second.id) for v in two] == [(v.first.id, v.second.id) for v in everything[:2]]
    assert sum(checked) < 2 * len(ROWS) and max(checked) == 2   # stopped once two visible pairs were found
