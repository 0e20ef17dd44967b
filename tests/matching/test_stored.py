"""matching/stored.py: a StoredMatcher restricted to some sensitivities answers exactly as the in-memory
matcher of a registry without the other persons (candidates, registry size, given-name shares,
surnames), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kartoteka.db.tables import persons
from kartoteka.matching.engine import Matcher, NameQuery
from kartoteka.matching.stored import StoredMatcher
from kartoteka.services.imports import import_file
from kartoteka.services.name_index import sync_name_index
from tests.conftest import Db

SURNAMES = ["Петров", "Соколов", "Морозов", "Волков", "Лебедев", "Козлов", "Новиков", "Павлов", "Семёнов", "Голубев"]
GIVEN = ["Пётр", "Олег", "Андрей", "Сергей", "Дмитрий", "Алексей", "Николай", "Михаил", "Юрий", "Борис"]
SHOWN = ("public", "internal")


def _registry(db: Db, tmp_path: Path) -> set[int]:
    """200 visible persons with other given names and one visible Смирнов Иван; twelve confidential
    Ivans (a common given name only with them) and a confidential surname no visible person carries."""
    lines = ["id,surname,given_name,patronymic,birth_date,sensitivity"]
    for i in range(200):
        lines.append(f"V{i:03d},{SURNAMES[i % 10]},{GIVEN[(i // 10) % 10]},,19{50 + i % 40}-0{1 + i % 9}-1{i % 10},"
                     + ("public" if i % 2 else "internal"))
    lines.append("V-IVAN,Смирнов,Иван,,,internal")
    lines += [f"H{i:02d},{SURNAMES[i % 10]},Иван,,19{60 + i}-02-02,confidential" for i in range(12)]
    lines.append("H-RARE,Щербатовский,Олег,Ильич,1977-07-07,confidential")
    path = tmp_path / "persons.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    import_file(db.engine, "persons", path, actor="test")
    with db.engine.connect() as conn:
        return set(conn.execute(select(persons.c.id).where(persons.c.sensitivity.in_(SHOWN))).scalars())


def test_a_restricted_matcher_answers_as_the_registry_without_the_other_persons(db: Db, tmp_path: Path) -> None:
    visible = _registry(db, tmp_path)
    memory = Matcher.from_engine(db.engine, person_ids=visible)
    queries = [NameQuery("Смирнов Иван"), NameQuery("Smirnov Ivan"), NameQuery("Петров Иван"),
               NameQuery("Щербатовский Олег Ильич"), NameQuery("Щербатовский Олег"), NameQuery("Shcherbatovsky"),
               *[NameQuery(f"{s} {g}") for s in SURNAMES[:4] for g in GIVEN[:3]],
               NameQuery("Волков Олег", memory.record(min(visible)).birth)]
    sync_name_index(db.engine)
    with db.engine.connect() as conn:
        restricted, everyone = StoredMatcher(conn, sensitivities=SHOWN), StoredMatcher(conn)
        for q in queries:
            a, b = memory.match(q), restricted.match(q)
            assert (a.person_id, a.decision, round(a.score, 6), a.explanation, a.alternatives) == \
                   (b.person_id, b.decision, round(b.score, 6), b.explanation, b.alternatives), q
            assert memory.search(q.name, limit=30) == restricted.search(q.name, limit=30), q
            assert {h[0] for h in restricted.search(q.name, limit=50)} <= visible
        # the given-name share counts visible persons only: among them Иван is rare, so a name alone
        # matches; with the twelve hidden Ivans it is a common name that needs a birth date
        assert restricted.match(NameQuery("Смирнов Иван")).decision == "match"
        assert everyone.match(NameQuery("Смирнов Иван")).decision == "review"
        assert not restricted.search("Щербатовский Олег") and everyone.search("Щербатовский Олег")


def test_a_key_row_whose_person_is_gone_finds_nobody(db: Db, tmp_path: Path) -> None:
    """name_keys has no foreign key (migration 0025): a person removed by hand leaves key rows behind. A
    search and a match find the others and never the missing person, for every reader, without an error."""
    from sqlalchemy import delete, func

    from kartoteka.db.tables import name_keys, person_names
    from kartoteka.matching.stored_list import ListMatcher

    _registry(db, tmp_path)
    sync_name_index(db.engine)
    with db.engine.begin() as conn:
        gone = conn.execute(select(persons.c.id).where(persons.c.ext_id == "V-IVAN")).scalar_one()
        conn.execute(delete(person_names).where(person_names.c.person_id == gone))
        conn.execute(delete(persons).where(persons.c.id == gone))
        assert conn.execute(select(func.count()).select_from(name_keys).where(name_keys.c.person_id == gone)).scalar_one()
    with db.engine.connect() as conn:
        for matcher in (StoredMatcher(conn), StoredMatcher(conn, sensitivities=SHOWN), ListMatcher(conn)):
            for q in (NameQuery("Смирнов Иван"), NameQuery("Петров Пётр"), NameQuery("Smirnov Ivan")):
                result = matcher.match(q)
                assert result.person_id != gone and gone not in {a[0] for a in result.alternatives}, q
                assert gone not in {h[0] for h in matcher.search(q.name, limit=50)}, q
            assert matcher.search("Петров Пётр", limit=5)   # the others are still found


def test_the_surnames_a_matcher_knows_are_those_of_its_persons(db: Db, tmp_path: Path) -> None:
    """StoredIndex.existing: a surname key counts when a person of the matcher's sensitivities carries it
    (Щербатовский only a confidential person does), asked in batches larger than one statement takes."""
    from kartoteka.matching.tokens import query_units

    _registry(db, tmp_path)
    sync_name_index(db.engine)
    rare = set(query_units("Щербатовский")[0].keys)
    common = {k for s in SURNAMES for k in query_units(s)[0].keys}
    absent = {f"nobody{i}" for i in range(450)}   # more than one statement's keys
    assert rare and common and not rare & common
    with db.engine.connect() as conn:
        restricted, everyone = StoredMatcher(conn, sensitivities=SHOWN), StoredMatcher(conn)
        assert restricted.index.existing(rare | common | absent) == common
        assert everyone.index.existing(rare | common | absent) == rare | common


def test_the_whitespace_a_bare_given_name_may_hold_is_every_character_strip_removes() -> None:
    import sys

    from kartoteka.matching.stored import WHITESPACE

    assert WHITESPACE == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert ("\u3000" + WHITESPACE).strip() == ""
