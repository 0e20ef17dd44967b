"""Merging two records field by field moves everything attached to the other; history shows it; an
unmerge restores both records exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import citations, match_decisions, person_names, persons, status_events
from kartoteka.errors import InvalidInput, NotFound
from kartoteka.services.access import Principal
from kartoteka.services.evidence import add_event, add_source, cite
from kartoteka.services.imports import import_file
from kartoteka.services.matching import record_judgement
from kartoteka.services.person_merge import merge_records, merges_into, unmerge
from kartoteka.services.persons import get_person, person_history
from tests.conftest import Db

EDITOR = Principal("ed", "editor")
PERSONS = """id,name,aliases,birth_date,gender,region
A1,Кораблёв Степан Ильич,,1985,m,Москва
A2,Korablev Stepan,Stepa,1985-03-12,,
"""
CASES = "case_id,person_id,articles,status\nC1,A1,ст. 207.3 УК РФ,convicted\nC2,A2,ст. 280.3 УК РФ,detained\n"


def _setup(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(PERSONS, "utf-8")
    (tmp_path / "c.csv").write_text(CASES, "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    import_file(db.engine, "cases", tmp_path / "c.csv", actor="t")
    add_event(db.engine, actor="t", person="A2", kind="detained", date="2022-03")
    (tmp_path / "v.txt").write_text("verdict", "utf-8")
    sid = add_source(db.engine, actor="t", media_dir=tmp_path / "media", file=tmp_path / "v.txt")
    cite(db.engine, actor="t", source_id=sid, entity_type="person", entity_id=2)
    record_judgement(db.engine, query_key="korablev stepan|", person_id=2, judgement="same", actor="t")


def _state(db: Db) -> dict[str, object]:
    with db.engine.connect() as conn:
        return {
            "persons": [tuple(r) for r in conn.execute(select(persons.c.ext_id, persons.c.birth_date, persons.c.gender,
                                                              persons.c.region, persons.c.deleted_at.is_(None))
                                                       .order_by(persons.c.id))],
            "names": [tuple(r) for r in conn.execute(select(person_names.c.person_id, person_names.c.kind,
                                                            person_names.c.full).order_by(person_names.c.person_id,
                                                                                          person_names.c.kind,
                                                                                          person_names.c.full))],
            "events": [r[0] for r in conn.execute(select(status_events.c.person_id))],
            "cited": [r[0] for r in conn.execute(select(citations.c.entity_id))],
            "judged": [r[0] for r in conn.execute(select(match_decisions.c.person_id))],
        }


def test_merge_field_by_field_then_unmerge_restores_both(db: Db, tmp_path: Path) -> None:
    _setup(db, tmp_path)
    before = _state(db)
    merge_id = merge_records(db.engine, EDITOR, keep="A1", other="A2",
                             choices={"birth_date": "other", "region": "keep", "name": "keep"})
    kept = get_person(db.engine, "A1")
    assert (kept.person["birth_date"], kept.person["birth_precision"], kept.person["region"]) == (
        "1985-03-12", "day", "Москва")
    assert kept.primary_name == "Кораблёв Степан Ильич"
    assert {n["full"] for n in kept.names} == {"Кораблёв Степан Ильич", "Korablev Stepan", "Stepa"}
    assert sorted(c["ext_id"] for c in kept.cases) == ["C1", "C2"]
    after = _state(db)
    assert after["events"] == [1] and after["cited"] == [1] and after["judged"] == [1]
    assert ("A2", "1985-03-12", None, "", False) in after["persons"]            # soft-deleted
    assert [m["ext_id"] for m in merges_into(db.engine, 1)] == ["A2"]
    assert {h["action"] for h in person_history(db.engine, "A1")} >= {"merge"}
    restored = unmerge(db.engine, EDITOR, merge_id=merge_id)
    assert restored == "A2" and _state(db) == before
    assert sorted(c["ext_id"] for c in get_person(db.engine, "A2").cases) == ["C2"]
    assert "unmerge" in {h["action"] for h in person_history(db.engine, "A2")}
    with pytest.raises(NotFound):
        unmerge(db.engine, EDITOR, merge_id=merge_id)


def test_taking_the_others_name_and_refusals(db: Db, tmp_path: Path) -> None:
    _setup(db, tmp_path)
    merge_records(db.engine, EDITOR, keep="A1", other="A2", choices={"name": "other"})
    kept = get_person(db.engine, "A1")
    assert kept.primary_name == "Korablev Stepan"
    assert ("alias", "Кораблёв Степан Ильич") in [(n["kind"], n["full"]) for n in kept.names]
    with pytest.raises(NotFound):
        merge_records(db.engine, EDITOR, keep="A1", other="A2", choices={})
    with pytest.raises(InvalidInput):
        merge_records(db.engine, EDITOR, keep="A1", other="A1", choices={"shoe": "keep"})


def test_missing_from_a_list_moves_with_the_merge_and_comes_back(db: Db, tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from kartoteka.db.tables import vetting_missing, vetting_runs
    _setup(db, tmp_path)
    with db.engine.begin() as conn:
        for run in (1, 2):
            conn.execute(vetting_runs.insert().values(
                id=run, definition_id="pace", filename="l.csv", sha256="0" * 64, actor="t", algorithm="a",
                algorithm_version="1", at=datetime(2026, 1, run, tzinfo=timezone.utc)))
        conn.execute(vetting_missing.insert(), [{"run_id": 1, "person_id": 2, "section": "recognised"},
                                                {"run_id": 2, "person_id": 2, "section": "under_review"},
                                                {"run_id": 2, "person_id": 1, "section": "recognised"}])

    def missing() -> list[tuple[int, int, str]]:
        with db.engine.connect() as conn:
            return sorted((r.run_id, r.person_id, r.section) for r in conn.execute(select(vetting_missing)))

    before = missing()
    merge_id = merge_records(db.engine, EDITOR, keep="A1", other="A2", choices={})
    assert missing() == [(1, 1, "recognised"), (2, 1, "recognised")]   # A2's run-1 row moved; run 2 had A1
    unmerge(db.engine, EDITOR, merge_id=merge_id)
    assert missing() == before


@pytest.mark.parametrize("choice,expected", [(None, "confidential"), ("keep", "public"), ("other", "confidential")])
def test_a_merge_takes_the_stricter_sensitivity_unless_told(db: Db, tmp_path: Path, choice: str | None,
                                                            expected: str) -> None:
    """Merging a confidential record into a public one makes its names the public one's aliases: by default the
    merged record takes the stricter sensitivity, so no viewer reads them; an explicit choice is followed."""
    from kartoteka.services.access import view_person, visible_sensitivities

    (tmp_path / "p.csv").write_text("id,name,birth_date,sensitivity\nS1,Мирошник Олег Петрович,1979,public\n"
                                    "S2,Myroshnyk Oleh,1979-02-03,confidential\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    admin = Principal("ad", "admin")
    merge_records(db.engine, admin, keep="S1", other="S2", choices={} if choice is None else {"sensitivity": choice})
    with db.engine.connect() as conn:
        kept = conn.execute(select(persons.c.sensitivity).where(persons.c.ext_id == "S1")).scalar_one()
    assert kept == expected
    viewer = Principal("v", "viewer")
    if expected not in visible_sensitivities(viewer):
        with pytest.raises(NotFound):
            view_person(db.engine, viewer, "S1", via="api")


def _declassified(db: Db) -> list[tuple[str, str, str, str]]:
    """The audit log's declassify entries: (the record's id, before, after, who)."""
    from kartoteka.db.tables import audit_log

    with db.engine.connect() as conn:
        return [(r.ext_id, (r.before or "").strip('"'), (r.after or "").strip('"'), r.actor) for r in conn.execute(
            select(persons.c.ext_id, audit_log.c.before, audit_log.c.after, audit_log.c.actor)
            .join(persons, persons.c.id == audit_log.c.entity_id)
            .where(audit_log.c.action == "declassify", audit_log.c.entity_type == "person",
                   audit_log.c.field == "sensitivity").order_by(audit_log.c.id))]


def _two_records(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("id,name,birth_date,sensitivity\nS1,Мирошник Олег Петрович,1979,public\n"
                                    "S2,Myroshnyk Oleh,1979-02-03,confidential\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")


@pytest.mark.parametrize("keep,other,choice", [("S1", "S2", "keep"), ("S2", "S1", "other")])
def test_a_merge_keeping_the_lower_sensitivity_is_a_declassification(db: Db, tmp_path: Path, keep: str, other: str,
                                                                      choice: str) -> None:
    """Choosing the public record's sensitivity lowers the confidential record's data (its names become the
    merged record's aliases): the audit log has the 'declassify' entry an edit lowering it writes, for the
    confidential record, whichever of the two survives. The unmerge lowers nothing (each record gets its own
    level back), so it adds no entry."""
    _two_records(db, tmp_path)
    merge_id = merge_records(db.engine, EDITOR, keep=keep, other=other, choices={"sensitivity": choice})
    assert _declassified(db) == [("S2", "confidential", "public", "ed")]
    unmerge(db.engine, EDITOR, merge_id=merge_id)
    assert _declassified(db) == [("S2", "confidential", "public", "ed")]


def test_the_default_stricter_merge_and_its_unmerge_declassify_nothing_but_the_survivor_back(
        db: Db, tmp_path: Path) -> None:
    _two_records(db, tmp_path)
    merge_id = merge_records(db.engine, EDITOR, keep="S1", other="S2", choices={})
    assert _declassified(db) == []   # S1 became confidential: nothing was lowered
    unmerge(db.engine, EDITOR, merge_id=merge_id)
    # S1 gets its own public level back: a lowering of the record, listed as one; S2 comes back confidential
    assert [e[0] for e in _declassified(db)] == ["S1"]
    with db.engine.connect() as conn:
        got = dict(conn.execute(select(persons.c.ext_id, persons.c.sensitivity)).all())
    assert got == {"S1": "public", "S2": "confidential"}


def test_a_lowering_merge_takes_what_declassifying_takes(db: Db, tmp_path: Path) -> None:
    """A viewer may not lower a sensitivity (nor merge); nothing is written when refused."""
    from kartoteka.errors import Forbidden
    from kartoteka.services.declassify import require_declassify

    _two_records(db, tmp_path)
    with pytest.raises(Forbidden):
        merge_records(db.engine, Principal("v", "viewer"), keep="S1", other="S2", choices={"sensitivity": "keep"})
    with pytest.raises(Forbidden):
        require_declassify(Principal("v", "viewer"), "person", {"id": 2, "sensitivity": "public"})
    require_declassify(EDITOR, "person", {"id": 2, "sensitivity": "confidential"})
    assert _declassified(db) == []
    with db.engine.connect() as conn:
        assert dict(conn.execute(select(persons.c.ext_id, persons.c.sensitivity)).all()) == {
            "S1": "public", "S2": "confidential"}
