"""Matching services on a real database (SQLite and PostgreSQL)."""

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import match_decisions
from kartoteka.errors import InvalidInput, NotFound
from kartoteka.matching.engine import Matcher, NameQuery
from kartoteka.services import matching as svc
from kartoteka.services.imports import import_file
from tests.conftest import Db

PERSONS = """id,surname,given_name,patronymic,aliases,birth_date,gender
A-1,Навальный,Алексей,Анатольевич,Aleksei Navalnyi,1976-06-04,m
A-2,Навальная,Юлия,Борисовна,,1976-07-24,f
A-3,Иванов,Сергей,Петрович,,1985-01-01,m
A-4,Иванов,Сергей,Петрович,,1990-05-05,m
A-5,Сорокина,Мария,Андреевна,Maria Sorokina,1988-02-02,f
A-6,Сорокина,Мария,Андреевна,,1988-02-02,f
"""


@pytest.fixture
def registry(db: Db, tmp_path: Path) -> Db:
    src = tmp_path / "persons.csv"
    src.write_text(PERSONS, "utf-8")
    import_file(db.engine, "persons", src, actor="test")
    return db


def test_match_list_writes_one_row_per_list_row(registry: Db, tmp_path: Path) -> None:
    lst = tmp_path / "list.csv"
    lst.write_text("ФИО;Дата рождения;Пол\nAlexej Nawalny;04.06.1976;м\nIvanov Sergei Petrovich;;\n"
                   "Petrov Ivan;31.02.1990;\nNAVALNAYA, Yulia;;ж\n", "utf-8")
    results = svc.match_list(registry.engine, path=lst)
    out = tmp_path / "out.csv"
    svc.write_matches(results, out)
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "id,person_id,score,decision,explanation" and len(lines) == 5
    # Without an id column, rows are named by their row number in the file (the header is row 1).
    assert lines[1].startswith("2,A-1,") and ",match," in lines[1]
    assert ",review," in lines[2] and "birth date" in lines[2]
    assert lines[3].startswith("4,,") and "no_match" in lines[3] and "birth date '31.02.1990' not understood" in lines[3]
    assert lines[4].startswith("5,A-2,")
    svc.write_matches(results, out, fmt="json")
    data = json.loads(out.read_text("utf-8"))
    assert data[0]["person_id"] == "A-1" and data[2]["decision"] == "no_match" and data[2]["person_id"] == ""


def test_split_name_columns_and_own_ids(registry: Db, tmp_path: Path) -> None:
    lst = tmp_path / "list.csv"
    lst.write_text("id,surname,given_name,birth_date\nX9,Sorokina,Masha,1988\n", "utf-8")
    rows = svc.match_list(registry.engine, path=lst)
    assert rows[0].record()["id"] == "X9" and rows[0].result.decision == "review"  # two identical Sorokinas
    lst.write_text("Алексей Навальный\nAlexej Nawalny\n", "utf-8")   # one column, no header: all names
    assert [m.result.ext_id for m in svc.match_list(registry.engine, path=lst)] == ["A-1", "A-1"]
    lst.write_text("who,when\nNavalny,1976\n", "utf-8")
    with pytest.raises(InvalidInput, match="no name column"):
        svc.match_list(registry.engine, path=lst)


def test_search_and_duplicates(registry: Db) -> None:
    hits = svc.search_persons(registry.engine, text="Alexej Nawalny")
    assert hits[0].ext_id == "A-1" and "transliteration" in hits[0].explanation
    assert [h.ext_id for h in svc.search_persons(registry.engine, text="Навальный", transliterate=False)] == ["A-1"]
    pairs = svc.find_duplicates(registry.engine)
    assert [(p.ext_id, p.other_ext_id) for p in pairs] == [("A-5", "A-6")]
    svc.record_judgement(registry.engine, query_key="pair", person_id=pairs[0].person_id,
                         other_person_id=pairs[0].other_person_id, judgement="different", actor="rev")
    assert svc.find_duplicates(registry.engine) == []


def test_judgement_is_stored_with_the_algorithm_and_overrides(registry: Db) -> None:
    q = NameQuery("Ivanov Sergei Petrovich")
    assert Matcher.from_engine(registry.engine).match(q).decision == "review"
    m = Matcher.from_engine(registry.engine)
    a4 = m.ids[[m.ext_ids.index("A-4")][0]]
    svc.record_judgement(registry.engine, query_key=svc.query_key(q), person_id=a4, judgement="same", actor="rev")
    result = Matcher.from_engine(registry.engine).match(NameQuery("sergei petrovich IVANOV"))
    assert (result.decision, result.ext_id) == ("match", "A-4") and "rev" in result.explanation
    with registry.engine.connect() as conn:
        row = conn.execute(select(match_decisions)).mappings().one()
    assert (row["algorithm"], row["algorithm_version"], row["actor"]) == (Matcher.ALGORITHM, Matcher.VERSION, "rev")
    with pytest.raises(InvalidInput):
        svc.record_judgement(registry.engine, query_key="x", person_id=a4, judgement="maybe", actor="rev")
    with pytest.raises(NotFound):
        svc.record_judgement(registry.engine, query_key="x", person_id=99999, judgement="same", actor="rev")


def test_the_matcher_is_reused_until_the_registry_changes(registry: Db, tmp_path: Path) -> None:
    first = svc.load_matcher(registry.engine)
    assert svc.load_matcher(registry.engine) is first
    more = tmp_path / "more.csv"
    more.write_text("id,name\nA-9,Яшин Илья\n", "utf-8")
    import_file(registry.engine, "persons", more, actor="test")
    second = svc.load_matcher(registry.engine)
    assert second is not first and "A-9" in second.ext_ids
    svc.record_judgement(registry.engine, query_key="x|", person_id=second.ids[0], judgement="same", actor="r")
    assert svc.load_matcher(registry.engine) is not second


def test_duplicate_pairs_are_scored_once_until_a_record_changes(registry: Db, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    builds = []
    real = svc._all_pairs
    monkeypatch.setattr(svc, "_all_pairs", lambda *a: builds.append(1) or real(*a))
    pairs = svc.find_duplicates(registry.engine)
    assert svc.find_duplicates(registry.engine) == pairs and len(builds) == 1
    svc.record_judgement(registry.engine, query_key="pair", person_id=pairs[0].person_id,
                         other_person_id=pairs[0].other_person_id, judgement="different", actor="rev")
    assert svc.find_duplicates(registry.engine) == [] and len(builds) == 1   # a judgement is applied, not rescored
    more = tmp_path / "more.csv"
    more.write_text("id,surname,given_name,patronymic,birth_date,gender\nA-7,Иванов,Сергей,Петрович,1985-01-01,m\n",
                    "utf-8")
    import_file(registry.engine, "persons", more, actor="test")
    paths: list[str] = []
    assert [(p.ext_id, p.other_ext_id) for p in svc.find_duplicates(registry.engine, on_path=paths.append)] == \
        [("A-3", "A-7")]
    assert len(builds) == 1 and paths == ["incremental (1 persons)"]   # only the new person was scored


def test_the_candidates_path_is_the_cheaper_one_and_both_paths_answer_alike(registry: Db, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert svc.candidates_path(registry.engine, 3) == "index"
    assert svc.candidates_path(registry.engine, 2001) == "registry"   # six persons: memory beats any look-up
    assert svc.candidates_path(registry.engine, 500) == "registry"   # six persons load faster than 500 look-ups
    lst = tmp_path / "list.csv"
    names = ["Alexej Nawalny;04.06.1976", "Ivanov Sergei Petrovich;", "NAVALNAYA, Yulia;", "Sorokina Maria;",
             "Иванов Сергей;01.01.1985", "Nobody Here;", "Maria Sorokina;1988-02-02", "Иванов;"]
    lst.write_text("ФИО;Дата рождения\n" + "\n".join(names[i % len(names)] for i in range(80)) + "\n", "utf-8")
    paths: list[str] = []
    in_memory = svc.match_list(registry.engine, path=lst, on_path=paths.append)
    monkeypatch.setattr(svc, "LOAD_PERSON_S", 1.0)   # as if loading each person took a second: a huge registry
    stored = svc.match_list(registry.engine, path=lst, on_path=paths.append)
    assert paths == ["registry", "index"]
    assert [(m.result.person_id, m.result.decision, round(m.result.score, 6), m.result.explanation)
            for m in in_memory] == [(m.result.person_id, m.result.decision, round(m.result.score, 6),
                                     m.result.explanation) for m in stored]
    assert {m.result.decision for m in stored} == {"match", "review", "no_match"}


def test_a_long_list_and_a_full_scan_shared_by_forked_processes_give_the_same_answers(
        db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry path's rows and the duplicates scan, scored by forked copies of the process
    (kartoteka/forked.py), answer exactly as one process does."""
    from kartoteka import forked
    from kartoteka.synth.registry import PERSON_COLUMNS, generate_registry, write_rows
    from kartoteka.synth.variants import generate_list

    synth = generate_registry(300, seed=4)
    src = tmp_path / "persons.csv"
    write_rows(src, PERSON_COLUMNS, synth.persons)
    import_file(db.engine, "persons", src, actor="test")
    rows = generate_list(synth.persons, 420, seed=5)
    rows += [{"id": "W-1", "name": "Эмир-Усеин Куку", "birth_date": "", "gender": ""},
             {"id": "W-2", "name": "Server Mustafayev", "birth_date": "1986", "gender": "m"},
             {"id": "W-3", "name": "КАРА-МУРЗА Владимир", "birth_date": "", "gender": ""}]
    lst = tmp_path / "list.csv"
    lst.write_text("id,name,birth_date,gender\n" + "".join(
        f"{r['id']},{r['name']},{r['birth_date'] or ''},{r['gender'] or ''}\n" for r in rows), "utf-8")
    monkeypatch.setattr(forked, "_loop_running", lambda: False)   # (a browser test may have left Playwright's)
    real = forked.fork_workers   # as for a long list (the real one wants 1,000 rows or more)
    monkeypatch.setattr(forked, "fork_workers", lambda items, **kw: real(items * 1000))
    shared: dict[str, list[int]] = {"1": [], "2": []}   # the processes of every fork_map, per setting
    fork_map = forked.fork_map

    def spy(*args: object, **kw: object) -> object:
        shared[os.environ["KARTOTEKA_FORK_WORKERS"]].append(int(kw["processes"]))  # type: ignore[call-overload]
        return fork_map(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(forked, "fork_map", spy)
    answers: dict[str, tuple[object, object]] = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("KARTOTEKA_FORK_WORKERS", workers)
        paths: list[str] = []
        matched = svc.match_list(db.engine, path=lst, on_path=paths.append)
        assert paths == ["registry"]
        pairs = svc.find_duplicates(db.engine, full=True)
        answers[workers] = ([(m.row.list_id, m.result.person_id, m.result.decision, round(m.result.score, 6),
                              m.result.explanation) for m in matched],
                            [(p.ext_id, p.other_ext_id, round(p.score, 6), p.explanation) for p in pairs])
    assert set(shared["1"]) == {1} and shared["2"].count(2) >= 2   # the list's rows and the scan: by two
    assert answers["1"] == answers["2"]
    decisions = {d for _i, _p, d, _s, _e in answers["2"][0]}   # type: ignore[misc]
    assert decisions == {"match", "review", "no_match"} and answers["2"][1]
