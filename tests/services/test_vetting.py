"""Vetting end to end on a small hand-made registry: statuses, flags, duplicates, unknowns, missing
recognised persons, reviewer decisions reused by later runs, rounds, diffs and outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from kartoteka.db.tables import audit_log, match_decisions, status_events
from kartoteka.errors import InvalidInput, NotFound
from kartoteka.services.imports import import_file
from kartoteka.services.vetting import (
    diff_runs, get_run, list_runs, record_outcome, record_review, vet_list,
)
from tests.conftest import Db

PERSONS = """id,surname,given_name,patronymic,aliases,birth_date,gender,citizenship
P1,Сорокина,Мария,Андреевна,Maria Sorokina,1990-05-17,f,RU
P2,Коваленко,Олександр,Петрович,Oleksandr Kovalenko,1985-02-03,m,UA
P3,Иванов,Пётр,Сергеевич,Petr Ivanov,1978-11-30,m,RU
P4,Мельник,Андрій,Іванович,,1992,m,UA
P5,Петров,Иван,Сергеевич,,1980-01-01,m,RU
P6,Петров,Иван,Сергеевич,,1991-07-07,m,RU
"""
CASES = """case_id,person_id,jurisdiction,articles
K1,P1,RU,ч. 2 ст. 207.3 УК РФ
K2,P2,RU,ст. 356 УК РФ; ч. 2 ст. 111 УК РФ
K3,P3,RU,ст. 280.3 УК РФ
"""
ASSESSMENTS = """person_id,definition,decision,decided_on,organisation,statement
P1,guidelines-2013,recognised,2024-01-01,Demo Rights Group,https://example.org/s/1
P2,guidelines-2013,not_recognised,2024-01-01,Demo Rights Group,
P4,guidelines-2013,recognised,2024-02-01,Demo Rights Group,https://example.org/s/4
P5,guidelines-2013,recognised,2024-02-01,Demo Rights Group,https://example.org/s/5
"""
LIST = """№,ФИО,Дата рождения
1,Сорокина Мария Андреевна,17.05.1990
2,KOVALENKO Oleksandr,1985-02-03
3,Неизвестный Пётр Петрович,1970
4,Maria Sorokina,1990-05-17
5,Иванов Пётр Сергеевич,
6,Неизвестный Пётр Петрович,1970
7,Петров Иван Сергеевич,
"""
DEF = "guidelines-2013"


def make_registry(engine: Engine, directory: Path) -> None:
    for kind, text in (("persons", PERSONS), ("cases", CASES), ("assessments", ASSESSMENTS)):
        path = directory / f"{kind}.csv"
        path.write_text(text, "utf-8")
        import_file(engine, kind, path, actor="setup")


def write_list(directory: Path, text: str = LIST, name: str = "list.csv") -> Path:
    path = directory / name
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def registry(db: Db, tmp_path: Path) -> Engine:
    make_registry(db.engine, tmp_path)
    return db.engine


def test_each_row_gets_status_flags_duplicates_and_the_missing_are_listed(registry: Engine, tmp_path: Path) -> None:
    report = vet_list(registry, path=write_list(tmp_path), definition_id=DEF, actor="vetter", round="R1", side="A")
    by_id = {r.id: r for r in report.rows}
    assert [r.id for r in report.rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert (by_id["1"].person_id, by_id["1"].match, by_id["1"].status) == ("P1", "match", "recognised")
    assert (by_id["2"].person_id, by_id["2"].status) == ("P2", "not_recognised")
    assert {"war_crime", "violence"} <= set(by_id["2"].flags)
    assert "RU 356" in by_id["2"].flag_articles
    assert (by_id["3"].person_id, by_id["3"].match, by_id["3"].status) == ("", "no_match", "unknown")
    assert by_id["4"].duplicate_of == "1" and by_id["6"].duplicate_of == "3"
    assert by_id["1"].duplicate_of == "" and by_id["3"].duplicate_of == ""
    assert by_id["5"].status == "under_review"          # in the registry, never assessed
    assert by_id["7"].match == "review" and by_id["7"].person_id in ("P5", "P6")
    missing = {m.person_id: m for m in report.missing}
    assert set(missing) == {"P4", "P5"}                 # recognised, not (confirmed) on the list
    assert missing["P4"].name == "Мельник Андрій Іванович"
    assert missing["P5"].possible_rows == ["7"]
    s = report.summary
    assert s.by_status == {"recognised": 2, "not_recognised": 1, "under_review": 1, "unknown": 2}
    assert s.by_match == {"match": 4, "review": 1, "no_match": 2}
    assert [r.id for r in s.duplicates] == ["4", "6"] and [r.id for r in s.flagged] == ["2"]
    assert report.columns == {"id": "№", "name": "ФИО", "birth_date": "Дата рождения"}

    saved = get_run(registry, run=report.run.id)
    assert [r.csv_values() for r in saved.rows] == [r.csv_values() for r in report.rows]
    assert saved.run.round == "R1" and saved.run.rows == 7 and saved.run.missing == 2
    assert {m.person_id for m in saved.missing} == {"P4", "P5"}
    with registry.connect() as conn:
        assert conn.execute(select(audit_log.c.action).where(audit_log.c.entity_type == "vetting_run")).scalar() \
            == "create"


def test_reviewer_decisions_are_stored_with_the_run_and_reused(registry: Engine, tmp_path: Path) -> None:
    path = write_list(tmp_path)
    first = vet_list(registry, path=path, definition_id=DEF, actor="vetter")
    row7 = next(r for r in first.rows if r.id == "7")
    assert row7.match == "review"
    updated = record_review(registry, run=first.run.id, row="7", judgement="same", actor="reviewer-1", person="P5")
    assert (updated.match, updated.person_id, updated.status) == ("match", "P5", "recognised")
    saved = get_run(registry, run=first.run.id)
    assert next(r for r in saved.rows if r.id == "7").review == "same"
    assert {m.person_id for m in saved.missing} == {"P4"}    # P5 is on the list now
    assert saved.run.by_status["recognised"] == 3
    with registry.connect() as conn:
        stored = conn.execute(select(match_decisions.c.run_id, match_decisions.c.judgement)).all()
    assert [(r.run_id, r.judgement) for r in stored] == [(first.run.id, "same")]

    second = vet_list(registry, path=path, definition_id=DEF, actor="vetter")
    again = next(r for r in second.rows if r.id == "7")
    assert (again.match, again.person_id, again.status) == ("match", "P5", "recognised")
    assert "human judgement" in again.explanation

    rejected = record_review(registry, run=second.run.id, row="1", judgement="different", actor="reviewer-1")
    assert (rejected.match, rejected.person_id, rejected.status) == ("no_match", "", "unknown")
    after = get_run(registry, run=second.run.id)
    assert next(r for r in after.rows if r.id == "4").duplicate_of == ""   # row 1 no longer names P1
    assert {m.person_id for m in after.missing} == {"P4"}    # P1 is still on the list as row 4
    with registry.connect() as conn:
        reviews = conn.execute(select(audit_log.c.actor, audit_log.c.field).where(
            audit_log.c.entity_type == "vetting_row", audit_log.c.action == "review")).all()
    assert [(r.actor, r.field) for r in reviews] == [("reviewer-1", "same"), ("reviewer-1", "different")]
    with pytest.raises(InvalidInput):
        record_review(registry, run=second.run.id, row="3", judgement="same", actor="r")   # no candidate
    with pytest.raises(InvalidInput):
        record_review(registry, run=second.run.id, row="7", judgement="maybe", actor="r")
    with pytest.raises(NotFound):
        record_review(registry, run=second.run.id, row="99", judgement="same", actor="r")


def test_rounds_diff_and_outcomes(registry: Engine, tmp_path: Path) -> None:
    a = vet_list(registry, path=write_list(tmp_path), definition_id=DEF, actor="v", round="R1", side="RU")
    later = LIST.replace("2,KOVALENKO Oleksandr,1985-02-03\n", "").replace("7,Петров Иван Сергеевич,\n", "") \
        + "8,Мельник Андрій Іванович,1992\n"
    b = vet_list(registry, path=write_list(tmp_path, later, "list2.csv"), definition_id=DEF, actor="v",
                 round="R2", side="RU")
    c = vet_list(registry, path=write_list(tmp_path), definition_id=DEF, actor="v", round="R1", side="UA")
    assert [r.id for r in list_runs(registry)] == [a.run.id, c.run.id, b.run.id]   # by round, then side
    assert [r.id for r in list_runs(registry, round="R1", side="UA")] == [c.run.id]

    d = diff_runs(registry, run_a=a.run.id, run_b=b.run.id)
    assert [e.person_id for e in d.added] == ["P4"]
    assert sorted(e.name for e in d.removed) == ["KOVALENKO Oleksandr", "Петров Иван Сергеевич"]
    assert sorted(e.key.split()[0] for e in d.removed) == ["name", "person"]   # the review row by its name
    assert d.changed == [] and d.unchanged == 3     # rows 1, 3, 5 (4 and 6 repeat them)

    event = record_outcome(registry, person="P1", kind="exchanged", date="2025-05-23", actor="v", run=b.run.id)
    with registry.connect() as conn:
        ev = conn.execute(select(status_events).where(status_events.c.id == event)).mappings().one()
        audited = conn.execute(select(audit_log.c.action).where(audit_log.c.entity_type == "status_event",
                                                                audit_log.c.entity_id == event)).scalar()
    assert (ev["kind"], ev["date"], ev["run_id"]) == ("exchanged", "2025-05-23", b.run.id) and audited == "create"
    assert "R2" in ev["note"]
    outcomes = get_run(registry, run=b.run.id).outcomes
    assert [(o.person_id, o.kind, o.date) for o in outcomes] == [("P1", "exchanged", "2025-05-23")]
    with pytest.raises(InvalidInput):
        record_outcome(registry, person="P1", kind="escaped", date="2025", actor="v")

    record_review(registry, run=b.run.id, row="1", judgement="different", actor="r")
    changed = diff_runs(registry, run_a=a.run.id, run_b=b.run.id)
    # row 1 of B no longer names P1 (row 4 still does): it is now an unknown name added to the list
    assert [(e.person_id, e.name) for e in changed.added] == [("", "Сорокина Мария Андреевна"),
                                                              ("P4", "Мельник Андрій Іванович")]


def test_bad_input_is_reported(registry: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown definition"):
        vet_list(registry, path=write_list(tmp_path), definition_id="nope", actor="v")
    two = write_list(tmp_path, "a,b\nx,y\n", "two.csv")
    with pytest.raises(InvalidInput, match="no name column"):
        vet_list(registry, path=two, definition_id=DEF, actor="v")
    mapped = vet_list(registry, path=two, definition_id=DEF, actor="v", mapping={"a": "name"})
    assert mapped.rows[0].name == "x"
    odd = write_list(tmp_path, "name,birth_date\nСорокина Мария,31.02.1990\n", "odd.csv")
    report = vet_list(registry, path=odd, definition_id=DEF, actor="v")
    assert any("31.02.1990" in p for p in report.problems)
    assert json.loads(json.dumps(report.summary.by_status))["recognised"] == 1


def test_diff_shows_a_status_that_changed_between_rounds(registry: Engine, tmp_path: Path) -> None:
    path = write_list(tmp_path)
    before = vet_list(registry, path=path, definition_id=DEF, actor="v", round="R1")
    decided = tmp_path / "decided.csv"
    decided.write_text("person_id,definition,decision,decided_on,organisation,statement\n"
                       "P3,guidelines-2013,recognised,2025-03-01,Demo Rights Group,https://example.org/s/3\n", "utf-8")
    import_file(registry, "assessments", decided, actor="reviewer")
    after = vet_list(registry, path=path, definition_id=DEF, actor="v", round="R2")
    d = diff_runs(registry, run_a=before.run.id, run_b=after.run.id)
    assert d.added == [] and d.removed == []
    assert [(e.person_id, e.changes) for e in d.changed] == [("P3", ["status: under_review -> recognised"])]
    assert before.run.missing == 2 and after.run.missing == 2       # P3 is on the list, so not missing


def test_the_report_says_where_candidates_came_from(registry: Engine, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from kartoteka.services import matching

    short = vet_list(registry, path=write_list(tmp_path), definition_id=DEF, actor="e")
    assert "stored_index" in short.timings and "load_registry" not in short.timings
    rows = LIST.splitlines()[1:]
    long_list = write_list(tmp_path, LIST.splitlines()[0] + "\n" + "\n".join(
        f"{i},{rows[i % len(rows)].split(',', 1)[1]}" for i in range(1, 121)) + "\n", "long.csv")
    monkeypatch.setattr(matching, "LOAD_PERSON_S", 0.0)   # loading the registry costs nothing: it is faster
    loaded = vet_list(registry, path=long_list, definition_id=DEF, actor="e")
    monkeypatch.setattr(matching, "LOAD_PERSON_S", 1.0)   # and now far slower than 120 look-ups
    stored = vet_list(registry, path=long_list, definition_id=DEF, actor="e")
    assert "load_registry" in loaded.timings and "stored_index" in stored.timings
    assert [(r.person_id, r.match, r.score, r.status, r.explanation, r.duplicate_of) for r in loaded.rows] == \
           [(r.person_id, r.match, r.score, r.status, r.explanation, r.duplicate_of) for r in stored.rows]
    assert [m.person_id for m in loaded.missing] == [m.person_id for m in stored.missing]
