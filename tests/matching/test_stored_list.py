"""matching/stored_list.py and services/match_pool.py: a list matched a chunk of rows at a time through
the stored index, inline or by a pool of processes, gives exactly the decisions, scores and explanations
of the in-memory matcher, with a few queries per chunk instead of several per row; on SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, select

from kartoteka.db.tables import persons
from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import parse_gender
from kartoteka.matching import stored_list
from kartoteka.matching.config import DEFAULT
from kartoteka.matching.engine import Matcher, MatchResult, NameQuery
from kartoteka.matching.stored import StoredMatcher
from kartoteka.matching.stored_list import ListMatcher
from kartoteka.services import match_pool
from kartoteka.services import matching as svc
from kartoteka.services.imports import import_file
from kartoteka.services.name_index import sync_name_index
from kartoteka.synth.registry import PERSON_COLUMNS, generate_registry, write_rows
from kartoteka.synth.variants import generate_list
from tests.conftest import Db

# Crimean Tatar, hyphenated and Russified names beside the synthetic registry's
EXTRA = [
    {"id": "CT-1", "surname": "Куртбекиров", "given_name": "Эмир-Усеин", "patronymic": "Сейтмеметович",
     "birth_date": "1984-03-12", "gender": "m", "sensitivity": "internal"},
    {"id": "CT-2", "surname": "Абдулвапи", "given_name": "Ленур", "patronymic": "Рустемович",
     "birth_date": "1990", "gender": "m", "sensitivity": "confidential"},
    {"id": "CT-3", "surname": "Кара-Мурза", "given_name": "Владимир", "patronymic": "Владимирович",
     "birth_date": "1981-09-07", "gender": "m", "sensitivity": "internal"},
    {"id": "CT-4", "surname": "Сейтбекирова", "given_name": "Зарема", "patronymic": "Эскендеровна",
     "birth_date": "1979-05", "gender": "f", "sensitivity": "public"},
]
HAND = ["Kurtbekir Emir-Useyin", "Эмир Усеин Куртбекиров, 12.03.1984", "Kurtbekirov Emir Seitmemetovich",
        "Абдулвапиев Ленур 1990", "Abdulvapi Lenur", "Kara Murza Vladimir", "Кара-Мурза В. В.",
        "Vladimir Kara-Murza / Владимир Кара-Мурза", "Seitbekirova Zarema", "Сейтбекирова Зарема 1979",
        "Seytbekirova Zarema Eskenderovna", "Куртбекиров", "Nobody Atall"]


def _registry(db: Db, tmp_path: Path) -> list[NameQuery]:
    synth = generate_registry(300, seed=11)
    rows = [dict(p, sensitivity="public" if i % 3 else "confidential") for i, p in enumerate(synth.persons)]
    path = tmp_path / "persons.csv"
    write_rows(path, PERSON_COLUMNS, rows + EXTRA)
    import_file(db.engine, "persons", path, actor="test")
    listed = generate_list(synth.persons, 160, seed=13)
    queries = [NameQuery(r["name"], parse_partial_date(r["birth_date"]) if r["birth_date"] else None,
                         parse_gender(r["gender"]) if r["gender"] else None, r["id"]) for r in listed]
    return queries + [NameQuery(h) for h in HAND] + queries[:15]   # rows repeat in a real list


def _seen(results: list[MatchResult]) -> list[tuple[object, ...]]:
    return [(r.person_id, r.decision, round(r.score, 6), r.explanation, r.alternatives) for r in results]


def test_a_list_in_chunks_answers_as_the_in_memory_matcher_with_few_queries(db: Db, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    queries = _registry(db, tmp_path)
    memory = Matcher.from_engine(db.engine)
    first = memory.match(queries[0])
    same = first.person_id or memory.ids[0]
    svc.record_judgement(db.engine, query_key=svc.query_key(queries[1]), person_id=same, judgement="same",
                         actor="reviewer")
    if first.person_id is not None:
        svc.record_judgement(db.engine, query_key=svc.query_key(queries[0]), person_id=first.person_id,
                             judgement="different", actor="reviewer")
    memory = Matcher.from_engine(db.engine)   # with the judgements
    expected = _seen([memory.match(q) for q in queries])
    assert {d for _p, d, *_ in expected} == {"match", "review", "no_match"}
    assert expected[1][:2] == (same, "match") and expected[0][0] != first.person_id

    monkeypatch.setattr(stored_list, "CHUNK", 97)   # several chunks, one of them short
    sync_name_index(db.engine)
    statements: list[str] = []
    with db.engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", lambda *a: statements.append(a[2]))
        got = ListMatcher(conn).match_many(queries)
    assert _seen(got) == expected
    chunked = len(statements)
    with db.engine.connect() as conn:
        statements.clear()
        event.listen(conn, "before_cursor_execute", lambda *a: statements.append(a[2]))
        StoredMatcher(conn).match_many(queries)
    # row by row: each row's judgements, surnames, blocks and persons, and again for near surnames
    assert 3 * chunked < len(statements)


def test_a_restricted_list_matcher_answers_as_the_restricted_stored_matcher(db: Db, tmp_path: Path) -> None:
    queries = _registry(db, tmp_path)
    with db.engine.connect() as conn:
        visible = set(conn.execute(select(persons.c.id).where(persons.c.sensitivity != "confidential")).scalars())
    memory = Matcher.from_engine(db.engine, person_ids=visible)
    sync_name_index(db.engine)
    with db.engine.connect() as conn:
        got = ListMatcher(conn, sensitivities=["public", "internal"]).match_many(queries)
    assert _seen(got) == _seen([memory.match(q) for q in queries])
    assert not {r.person_id for r in got} - visible - {None}


def test_a_pool_of_processes_answers_as_one_process(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queries = _registry(db, tmp_path)
    expected = _seen(Matcher.from_engine(db.engine).match_many(queries))
    monkeypatch.setattr(match_pool, "POOL_ROWS", 100)
    monkeypatch.setattr(match_pool, "CHUNK", 60)
    monkeypatch.setenv("KARTOTEKA_MATCH_WORKERS", "2")
    assert match_pool.pool_size(db.engine, len(queries)) == 2
    assert match_pool.pool_size(db.engine, 99) == 0
    sync_name_index(db.engine)
    done: list[int] = []
    got = match_pool.match_pooled(db.engine, queries, settings=DEFAULT, processes=2,
                                  progress=lambda n, _total: done.append(n))
    assert _seen(got) == expected
    assert done[-1] == len(queries) and done == sorted(done)
    with db.engine.connect() as conn:   # rows handed out by surname, results back in the list's order
        pooled = match_pool.PooledMatcher(conn, db.engine, processes=2)
        assert pooled.by_surname(queries) != list(range(len(queries)))
        assert _seen(pooled.match_many(queries)) == expected


def test_namesakes_born_in_another_year_are_not_loaded(db: Db, tmp_path: Path) -> None:
    """A list row with a birth date skips the namesakes born in other years (as the in-memory matcher
    ranks): their birth dates are read, and their names (not prepared as candidates) only when the row
    finds nobody and the explanation counts them. Same decisions and explanations as the in-memory matcher."""
    lines = ["id,surname,given_name,patronymic,birth_date,gender"]
    lines += [f"N-{i},Иванов,Сергей,Петрович,{1940 + i}-03-1{i % 10},m" for i in range(30)]
    lines += ["T-1,Иванов,Сергей,Петрович,1985-07-21,m"]
    src = tmp_path / "namesakes.csv"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    import_file(db.engine, "persons", src, actor="test")
    sync_name_index(db.engine)
    rows = [NameQuery("Ivanov Sergei Petrovich", parse_partial_date("21.07.1985")),
            NameQuery("Иванов Сергей Петрович", parse_partial_date("02.02.1999"))]
    with db.engine.connect() as conn:
        m = ListMatcher(conn)
        found, nobody = m.match_many(rows[:1]) + [None]
        loaded = set(dict(m.candidates_))   # type: ignore[call-overload]
        assert found.decision == "match" and m.ext_ids[found.person_id] == "T-1"   # type: ignore[union-attr]
        assert len(loaded) <= 2, loaded   # T-1 (and at most one other), not its 30 namesakes
        nobody = m.match_many(rows[1:])[0]
        assert len(set(dict(m.candidates_))) <= 2   # type: ignore[call-overload]   # counted from their names only
    assert nobody.decision == "no_match" and "31 registry person(s) with this name have other birth dates" in \
        nobody.explanation
    memory = Matcher.from_engine(db.engine)
    assert _seen([found, nobody]) == _seen([memory.match(q) for q in rows])   # type: ignore[list-item]
