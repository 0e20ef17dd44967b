"""matching/stored_cache.py: what a process's searches keep between them, on SQLite and PostgreSQL. Cached
searches answer exactly as the uncached stored matcher does (for every reader and restricted to a
viewer's sensitivities), an edit made through another engine (another process's) is seen by the very next
search and drops only the persons it changed, other records' changes keep the cache, and a cache that
does not recognise the database's history starts afresh."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kartoteka.db.engine import make_engine
from kartoteka.db.tables import persons
from kartoteka.matching.stored import StoredMatcher
from kartoteka.matching.stored_cache import CachedMatcher, search_cache, search_matcher
from kartoteka.services.access import system_principal
from kartoteka.services.imports import import_file
from kartoteka.services.matching import search_persons
from kartoteka.services.name_index import sync_name_index, synced_head
from kartoteka.services.persons_edit import PersonEdit, edit_person
from kartoteka.services.users import create_user
from tests.conftest import Db

SURNAMES = ["Петров", "Соколов", "Морозов", "Волков", "Лебедев"]
GIVEN = ["Пётр", "Олег", "Андрей", "Сергей", "Иван"]
SHOWN = ("public", "internal")
QUERIES = ["Петров Иван", "Petrov Ivan", "Соколов", "Morozov Oleg", "Волкв Сергей", "Лебедев Андрей Петрович",
           "Иван", "Щербатовский Олег"]


def _registry(db: Db, tmp_path: Path) -> None:
    """125 persons of five surnames, a third of the Ivans confidential, and a confidential rare surname."""
    lines = ["id,surname,given_name,patronymic,birth_date,sensitivity"]
    for i in range(125):
        hidden = GIVEN[i % 5] == "Иван" and i % 3 == 0
        lines.append(f"P{i:03d},{SURNAMES[(i // 5) % 5]},{GIVEN[i % 5]},Петрович,19{50 + i % 40}-0{1 + i % 9}-1{i % 10},"
                     + ("confidential" if hidden else "public" if i % 2 else "internal"))
    lines.append("H-RARE,Щербатовский,Олег,Ильич,1977-07-07,confidential")
    path = tmp_path / "persons.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    import_file(db.engine, "persons", path, actor="test")


def _plain(db: Db, text: str, sensitivities: tuple[str, ...] | None = None) -> list[tuple[int, str, float, str]]:
    sync_name_index(db.engine)
    with db.engine.connect() as conn:
        return [(p, e, s, n) for p, e, s, n, _ in StoredMatcher(conn, sensitivities=sensitivities).search(
            text, limit=40, explain=False)]


def _cached(db: Db, text: str, sensitivities: tuple[str, ...] | None = None) -> list[tuple[int, str, float, str]]:
    return [(h.person_id, h.ext_id, h.score, h.name)
            for h in search_persons(db.engine, text=text, limit=40, explain=False, sensitivities=sensitivities)]


def _pid(db: Db, ext: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(persons.c.id).where(persons.c.ext_id == ext)).scalar_one())


def test_cached_searches_answer_as_the_uncached_matcher_for_every_reader(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    with db.engine.connect() as conn:
        head = synced_head(conn)
        assert head.current and isinstance(search_matcher(conn, head.seq, head.hash), CachedMatcher)
    hidden = {_pid(db, "H-RARE")}
    for _ in range(2):   # cold, then from the cache
        for text in QUERIES:
            assert _cached(db, text) == _plain(db, text), text
            shown = _cached(db, text, SHOWN)
            assert shown == _plain(db, text, SHOWN), text
            assert hidden.isdisjoint(h[0] for h in shown)
    cache = search_cache(db.engine)
    assert _pid(db, "H-RARE") in cache.persons   # read for everyone, kept once, never shown to a viewer
    assert _cached(db, "Щербатовский Олег", SHOWN) == [] and _cached(db, "Щербатовский Олег")
    with db.engine.connect() as conn:   # nor is it a person of a viewer's matcher (a judgement could name it)
        head = synced_head(conn)
        viewer, admin = (search_matcher(conn, head.seq, head.hash, sensitivities=s) for s in (SHOWN, None))
        assert _pid(db, "H-RARE") not in viewer.row_of and _pid(db, "H-RARE") in admin.row_of


def test_an_edit_elsewhere_is_seen_at_once_and_drops_only_its_person(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    before = _cached(db, "Петров Иван")
    cache = search_cache(db.engine)
    petrov = {h[0] for h in before}
    assert petrov <= set(cache.persons)
    elsewhere = make_engine(db.url)   # another process's engine: nothing shared with this one's cache
    try:
        target = before[0][1]
        edit_person(elsewhere, system_principal("test"), target,
                    PersonEdit(version=1, primary_name="Жуков Иван Петрович", sensitivity="internal"))
        old = cache.persons[_pid(db, target)]
        after = _cached(db, "Петров Иван")
        assert target not in [h[1] for h in after] and after == _plain(db, "Петров Иван")
        assert [h[1] for h in _cached(db, "Жуков Иван")] == [target]
        assert cache.persons[_pid(db, target)] is not old   # read again
        assert all(p in cache.persons for p in petrov)       # the others were kept
        # raised to confidential: gone from a viewer's next search, still there for everyone else's
        edit_person(elsewhere, system_principal("test"), target,
                    PersonEdit(version=2, primary_name="Жуков Иван Петрович", sensitivity="confidential"))
        assert _cached(db, "Жуков Иван", SHOWN) == [] and [h[1] for h in _cached(db, "Жуков Иван")] == [target]
    finally:
        elsewhere.dispose()


def test_other_records_changing_keep_the_cache(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    _cached(db, "Соколов Олег")
    cache = search_cache(db.engine)
    with db.engine.connect() as conn:
        epoch = cache.epoch(conn, *synced_head(conn)[:2])
        assert epoch is not None
        kept, was = dict(cache.persons), epoch.head
    create_user(db.engine, username="clerk", password="brisk heron canal 1729", role="viewer", actor="test")
    with db.engine.connect() as conn:
        head = synced_head(conn)
        assert head.seq > was
        assert cache.epoch(conn, head.seq, head.hash) is epoch and epoch.head == head.seq
        assert epoch.blocks and cache.persons == kept
        # a search that read an older position than the cache's is not served from it
        assert cache.epoch(conn, head.seq - 1, None) is None


def test_an_unknown_history_starts_the_cache_afresh(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    _cached(db, "Волков Пётр")
    cache = search_cache(db.engine)
    assert cache.persons
    with db.engine.connect() as conn:
        head = synced_head(conn)
        epoch = cache.epoch(conn, head.seq, head.hash)
        assert epoch is not None and epoch.blocks
        # the cache remembers another history at its position (another database behind the same engine: a
        # restored backup): the next change it sees starts it afresh
        epoch.hash = "0" * 64
    create_user(db.engine, username="clerk", password="brisk heron canal 1729", role="viewer", actor="test")
    with db.engine.connect() as conn:
        head = synced_head(conn)
        fresh = cache.epoch(conn, head.seq, head.hash)
        assert fresh is not None and fresh is not epoch and not cache.persons and not fresh.blocks
    assert _cached(db, "Волков Пётр") == _plain(db, "Волков Пётр")
