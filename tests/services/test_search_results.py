"""services/search_results.py: kept search answers, on SQLite and PostgreSQL. A kept answer is the one a
fresh search gives; a reader never gets an answer computed for a reader who sees other records (no hidden
person, case status or flag reaches a viewer); any change to a record, made through another engine (another
process), is seen by the very next search; the cache is bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db import audit
from kartoteka.db.engine import make_engine
from kartoteka.db.tables import cases, persons
from kartoteka.services import browse, search_results
from kartoteka.services.access import Principal, system_principal
from kartoteka.services.browse import PersonFilters, PersonRow, search
from kartoteka.services.name_index import synced_head
from kartoteka.services.persons_edit import PersonEdit, edit_person
from kartoteka.web.adapters import flag_tags
from tests.conftest import Db
from tests.web.conftest import write_registry

VIEWER, EDITOR = Principal("v", "viewer"), Principal("e", "editor")
QUERIES = [PersonFilters("Иванов Иван"), PersonFilters("Секретная Мария"), PersonFilters("Коваленко"),
           PersonFilters("Kovalenko", status="detained"), PersonFilters(facility="сизо"),
           PersonFilters(flag="terrorism"), PersonFilters("Иванов", transliterate=False)]


def _kept(db: Db, who: Principal, f: PersonFilters, limit: int = 50) -> list[PersonRow]:
    return search(db.engine, who, f, limit=limit, flags_for=flag_tags(who), cache_as="flag_tags")


def _fresh(db: Db, who: Principal, f: PersonFilters, limit: int = 50) -> list[PersonRow]:
    return search(db.engine, who, f, limit=limit, flags_for=flag_tags(who))


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[PersonFilters]:
    computed: list[PersonFilters] = []
    real = browse._search

    def counting(conn, head, principal, f, limit, flags_for):  # type: ignore[no-untyped-def]
        computed.append(f)
        return real(conn, head, principal, f, limit, flags_for)
    monkeypatch.setattr(browse, "_search", counting)
    return computed


def test_a_kept_answer_is_a_fresh_one_and_each_reader_gets_their_own(db: Db, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write_registry(db, tmp_path)
    computed = _spy(monkeypatch)
    for who in (EDITOR, VIEWER, EDITOR, VIEWER):   # the editor's answers are kept first
        for f in QUERIES:
            assert _kept(db, who, f) == _fresh(db, who, f), (who, f)
    assert len(computed) == len(QUERIES) * 6   # each reader's first pass, and every fresh search
    secret = _kept(db, EDITOR, PersonFilters("Секретная Мария"))
    assert [r.ext_id for r in secret][:1] == ["P3"]
    assert "P3" not in {r.ext_id for r in _kept(db, VIEWER, PersonFilters("Секретная Мария"))}
    # P2 is seen by both, but its only case is confidential: no status or flag of it reaches the viewer
    editor_p2 = next(r for r in _kept(db, EDITOR, PersonFilters("Коваленко")) if r.ext_id == "P2")
    viewer_p2 = next(r for r in _kept(db, VIEWER, PersonFilters("Коваленко")) if r.ext_id == "P2")
    assert editor_p2.statuses == ["detained"] and "terrorism" in editor_p2.flags
    assert viewer_p2.statuses == [] and viewer_p2.flags == []
    assert _kept(db, VIEWER, PersonFilters(flag="terrorism")) == []
    # callers may change the rows they get: the kept answer stays
    editor_p2.flags.append("changed")
    assert "changed" not in next(r for r in _kept(db, EDITOR, PersonFilters("Коваленко")) if r.ext_id == "P2").flags


def test_a_change_elsewhere_is_seen_by_the_next_search(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    f = PersonFilters("Иванов Иван")
    assert [r.ext_id for r in _kept(db, VIEWER, f)][:1] == ["P1"]
    assert _kept(db, VIEWER, f)[0].statuses == ["convicted"]
    elsewhere = make_engine(db.url)   # another process's engine: nothing shared with this one's caches
    try:
        with elsewhere.begin() as conn:   # P1's case raised to confidential: its status leaves the viewer's rows
            case_id = conn.execute(select(cases.c.id).join(persons, persons.c.id == cases.c.person_id)
                                   .where(persons.c.ext_id == "P1")).scalar_one()
            audit.update_record(conn, cases, "case", case_id, {"sensitivity": "confidential"}, actor="test")
        assert _kept(db, VIEWER, f)[0].statuses == [] and _kept(db, EDITOR, f)[0].statuses == ["convicted"]
        edit_person(elsewhere, system_principal("test"), "P1",   # P1 itself raised to confidential
                    PersonEdit(version=1, primary_name="Иванов Иван Иванович", sensitivity="confidential"))
        assert "P1" not in {r.ext_id for r in _kept(db, VIEWER, f)}
        assert "P1" in {r.ext_id for r in _kept(db, EDITOR, f)}
    finally:
        elsewhere.dispose()


def test_answers_are_bounded_and_an_older_reading_keeps_nothing(db: Db, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    write_registry(db, tmp_path)
    monkeypatch.setattr(search_results, "ROWS_MAX", 6)
    cache = search_results.result_cache(db.engine)
    for f in QUERIES:
        _kept(db, EDITOR, f)
        assert cache._rows <= 6
    with db.engine.connect() as conn:
        head = synced_head(conn)
    last = (QUERIES[-1], 50, (("public", "internal", "confidential"), "flag_tags"))   # (filters, limit, reader)
    assert cache.get(head, last) is not None
    older = head._replace(seq=head.seq - 1)
    cache.keep(older, "other", ((1,),))
    assert cache.get(older, "other") is None and cache.get(head, "other") is None
    assert cache.get(head._replace(hash="another history"), last) is None


def test_a_person_shown_by_several_searches_is_read_once_per_reader(db: Db, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_registry(db, tmp_path)
    read: list[int] = []
    real = browse._rows

    def counting(conn, principal, ids, **kw):  # type: ignore[no-untyped-def]
        read.extend(ids)
        return real(conn, principal, ids, **kw)
    monkeypatch.setattr(browse, "_rows", counting)
    first = _kept(db, EDITOR, PersonFilters("Иванов Иван"))
    p1 = first[0].id
    assert first[0].ext_id == "P1" and read.count(p1) == 1
    again = _kept(db, EDITOR, PersonFilters("Ivanov Ivan Ivanovich"))   # another search showing P1: its row kept
    assert again[0].id == p1 and read.count(p1) == 1
    assert (again[0].name, again[0].statuses, again[0].flags) == (first[0].name, first[0].statuses, first[0].flags)
    assert again[0].score is not None and again[0].score <= 1   # each search sets its own score
    _kept(db, VIEWER, PersonFilters("Ivanov Ivan Ivanovich"))   # another reader: read for them
    assert read.count(p1) == 2
