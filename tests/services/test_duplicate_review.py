"""services/duplicate_review.py: the duplicates page shows the best stored pairs of live persons the reader
may see, without the pairs judged different, reading only the page's pairs (at a million persons there
are ~190,000 stored pairs): the same pairs as filtering every stored pair."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text, update

from kartoteka.db.tables import persons
from kartoteka.matching.config import DEFAULT
from kartoteka.services import access, duplicate_review
from kartoteka.services.duplicate_pairs import _best_visible, best_pairs, stored_pairs
from kartoteka.services.imports import import_file
from kartoteka.services.matching import find_duplicates
from kartoteka.services.persons import get_person
from tests.conftest import Db

ROWS = [("Шевчук", "Олена", "Петрівна", "1990-01-02", "f"), ("Абляєв", "Сервер", "Рустемович", "1975-03-04", "m"),
        ("Коваль-Мельник", "Андрій", "Іванович", "1979-03-01", "m"), ("Сорокина", "Мария", "Андреевна", "1988-02-02", "f"),
        ("Kurtbekirov", "Emir-Usein", "Seitmemetovich", "1984-03-12", "m"), ("Çelebiev", "Enver", "", "1969", "m")]
EDITOR = access.Principal("e", "editor")


def _pid(db: Db, ref: str) -> int:
    return int(get_person(db.engine, ref).person["id"])


def _pairs(views: list[duplicate_review.DuplicateView]) -> list[tuple[int, int]]:
    return [(v.first.id, v.second.id) for v in views]


def test_the_page_is_the_best_visible_pairs_read_in_order(db: Db, tmp_path: Path) -> None:
    lines = ["id,surname,given_name,patronymic,birth_date,gender,sensitivity"]
    for i, (s, g, p, b, sex) in enumerate(ROWS):   # each person twice: one pair each
        lines += [f"A{i},{s},{g},{p},{b},{sex},internal", f"B{i},{s},{g},{p},{b},{sex},internal"]
    src = tmp_path / "p.csv"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    import_file(db.engine, "persons", src, actor="t")
    assert len(find_duplicates(db.engine)) == len(ROWS)
    # a human said pair 1 is two people; B0 and B2 were deleted behind the pairs' back (no audit entry, so
    # the stored pairs still hold them); A3 became confidential the same way
    duplicate_review.judge_pair(db.engine, principal=EDITOR, person_id=_pid(db, "A1"), other_person_id=_pid(db, "B1"),
                                judgement="different")
    with db.engine.begin() as conn:
        conn.execute(update(persons).where(persons.c.id.in_([_pid(db, "B0"), _pid(db, "B2")]))
                     .values(deleted_at=persons.c.created_at))
        conn.execute(update(persons).where(persons.c.id == _pid(db, "A3")).values(sensitivity="confidential"))
    gone = {_pid(db, "A1"), _pid(db, "B0"), _pid(db, "B2")}
    stored = stored_pairs(db.engine, DEFAULT)[0]
    assert len(stored) == len(ROWS)
    expected = [(p.person_id, p.other_person_id) for p in stored if not {p.person_id, p.other_person_id} & gone]
    assert len(expected) == 3
    everything = duplicate_review.list_duplicates(db.engine, principal=EDITOR, limit=200)
    assert _pairs(everything) == expected
    assert _pairs(duplicate_review.list_duplicates(db.engine, principal=EDITOR, limit=2)) == expected[:2]
    assert all(v.first.name and v.second.name for v in everything)
    # by sensitivity: without the confidential A3's pair
    internal = best_pairs(db.engine, DEFAULT, sensitivities=("public", "internal"), limit=200)[0]
    assert [(p.person_id, p.other_person_id) for p in internal] == [e for e in expected if _pid(db, "A3") not in e]
    assert best_pairs(db.engine, DEFAULT, sensitivities=("public",), limit=200)[0] == []
    if db.engine.dialect.name == "sqlite":   # read in the index's order: no sort of every pair first
        with db.engine.connect() as conn:
            stmt = _best_visible(["internal"])
            sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"), {"limit": 200}))
        assert "ix_duplicate_pairs_rank" in plan and "TEMP B-TREE" not in plan, plan
