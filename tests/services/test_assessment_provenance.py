"""Imported decisions are another organisation's decisions (issue 10): the organisation, its statement
and date are kept, the importing user is the author, and this organisation's decisions still take two."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from kartoteka.db.tables import assessments, audit_log, recognitions
from kartoteka.errors import Forbidden, InvalidInput
from kartoteka.services import assessments as svc
from kartoteka.services.assessments import recognised_person_ids, statuses_under
from kartoteka.services.custody import recognitions_of
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from kartoteka.services.vetting import vet_list
from tests.conftest import Db

DEF = "guidelines-2013"
HEAD = "person_id,definition,decision,decided_on,organisation,statement\n"


def _registry(db: Db, tmp_path: Path) -> dict[str, int]:
    (tmp_path / "p.csv").write_text("id,name,birth_date\nA1,Сорокина Мария Андреевна,1990-05-17\n"
                                    "A2,Иванов Пётр Ильич,1971\nA3,Шевченко Олена,1985\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    with db.engine.connect() as conn:
        return {ext: svc.resolve_person_id(conn, ext) for ext in ("A1", "A2", "A3")}


def _write(tmp_path: Path, text: str, name: str = "a.csv") -> Path:
    (tmp_path / name).write_text(text, "utf-8")
    return tmp_path / name


def _counts(db: Db) -> tuple[int, int, int]:
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()   # type: ignore[return-value]
                     for t in (assessments, recognitions, audit_log))


def test_a_decision_without_an_organisation_is_refused_and_changes_nothing(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    before = _counts(db)
    path = _write(tmp_path, "person_id,definition,decision,decided_on,reviewer,statement\n"
                            "A1,guidelines-2013,recognised,2024-03-01,somebody,https://example.org/s/1\n"
                            "A2,guidelines-2013,not_recognised,2024-03-01,somebody,\n")
    with pytest.raises(InvalidInput) as info:
        import_file(db.engine, "assessments", path, actor="rev")
    assert {(e.row, e.column) for e in info.value.errors} == {(2, "organisation"), (3, "organisation")}
    assert "a.csv" in str(info.value) and "--source" in info.value.errors[0].reason
    # an empty cell in an organisation column is refused as well, naming the column as written
    path = _write(tmp_path, "person_id,definition,decision,decided_on,Организация,statement\n"
                            "A1,guidelines-2013,recognised,2024-03-01,,https://example.org/s/1\n")
    with pytest.raises(InvalidInput) as info:
        import_file(db.engine, "assessments", path, actor="rev")
    assert [(e.row, e.column) for e in info.value.errors] == [(2, "Организация")]
    # a recognition needs its statement and date
    path = _write(tmp_path, HEAD + "A1,guidelines-2013,recognised,,Demo Rights Group,\n")
    with pytest.raises(InvalidInput) as info:
        import_file(db.engine, "assessments", path, actor="rev")
    assert {e.column for e in info.value.errors} == {"statement", "decided_on"}
    assert _counts(db) == before


def test_an_imported_decision_is_the_organisations_with_statement_and_recognition(db: Db, tmp_path: Path) -> None:
    ids = _registry(db, tmp_path)
    path = _write(tmp_path, HEAD + "A1,guidelines-2013,recognised,2024-03-01,Demo Rights Group,https://example.org/s/1\n"
                                   "A2,guidelines-2013,not_recognised,2024-03-02,Demo Rights Group,\n")
    report = import_file(db.engine, "assessments", path, actor="rev")
    assert report.created == 2 and any("1 recognition" in n for n in report.notes)
    with db.engine.connect() as conn:
        rows = {r.person_id: r for r in conn.execute(select(assessments))}
        a1 = rows[ids["A1"]]
        assert (a1.state, a1.decision, a1.origin, a1.statement, a1.author, a1.reviewer, a1.decided_on) == (
            "decided", "recognised", "Demo Rights Group", "https://example.org/s/1", "rev", "", "2024-03-01")
        assert rows[ids["A2"]].origin == "Demo Rights Group" and rows[ids["A2"]].author == "rev"
        recs = recognitions_of(conn, ids.values())
        assert [(r.organisation, r.definition_id, r.statement, r.stated_on, r.actor) for r in recs[ids["A1"]]] == [
            ("Demo Rights Group", DEF, "https://example.org/s/1", "2024-03-01", "rev")]
        assert ids["A2"] not in recs                        # only a recognised decision is a recognition
        # statuses under the definition still count the imported decisions
        assert statuses_under(conn, ids.values(), DEF) == {
            ids["A1"]: "recognised", ids["A2"]: "not_recognised", ids["A3"]: "under_review"}
        assert recognised_person_ids(conn, DEF) == {ids["A1"]}
    # the same file again changes nothing, and no second recognition appears
    again = import_file(db.engine, "assessments", path, actor="rev")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(recognitions)).scalar_one() == 1
    # the vetting report says who recognised the person, and when
    (tmp_path / "list.csv").write_text("ФИО,Дата рождения\nСорокина Мария Андреевна,17.05.1990\n", "utf-8")
    vetted = vet_list(db.engine, path=tmp_path / "list.csv", definition_id=DEF, actor="v")
    row = next(r for r in vetted.rows if r.person_id == "A1")
    assert row.context.recognised_by == ("Demo Rights Group (2024-03-01)",) and row.status == "recognised"


def test_the_file_wide_source_names_rows_without_an_organisation(db: Db, tmp_path: Path) -> None:
    ids = _registry(db, tmp_path)
    path = _write(tmp_path, "person_id,definition,decision,decided_on,organisation,statement\n"
                            "A1,guidelines-2013,recognised,2024-03-01,,doc 17/2024\n"
                            "A3,guidelines-2013,recognised,2024-04-01,Sample Monitoring Centre,doc 3\n")
    report = import_file(db.engine, "assessments", path, actor="admin", options=SheetOptions(source="Demo Rights Group"))
    assert not any("reviewer" in n for n in report.notes)
    with db.engine.connect() as conn:
        origins = {r.person_id: (r.origin, r.statement) for r in conn.execute(select(assessments))}
    assert origins == {ids["A1"]: ("Demo Rights Group", "doc 17/2024"),
                       ids["A3"]: ("Sample Monitoring Centre", "doc 3")}


def test_an_import_never_overwrites_work_in_progress_or_this_organisations_decision(db: Db, tmp_path: Path) -> None:
    ids = _registry(db, tmp_path)
    draft = svc.create_assessment(db.engine, person="A1", definition_id=DEF, actor="alice")
    path = _write(tmp_path, HEAD + "A1,guidelines-2013,recognised,2024-03-01,Demo Rights Group,https://example.org/s/1\n")
    before = _counts(db)
    with pytest.raises(InvalidInput, match="in progress"):
        import_file(db.engine, "assessments", path, actor="rev")
    assert _counts(db) == before
    with db.engine.connect() as conn:
        row = conn.execute(select(assessments).where(assessments.c.id == draft)).one()
    assert (row.state, row.author, row.origin, row.decision) == ("draft", "alice", "", None)
    # this organisation's own decision: draft -> submitted -> decided by a second person, origin ""
    svc.record_finding(db.engine, assessment_id=draft, criterion_id="1a", finding="not_met", actor="alice",
                       cited=[svc.SourceRef("https://example.org/verdict")])
    svc.submit_assessment(db.engine, assessment_id=draft, decision="not_recognised", actor="alice")
    with pytest.raises(Forbidden):
        svc.approve_assessment(db.engine, assessment_id=draft, actor="alice")
    svc.approve_assessment(db.engine, assessment_id=draft, actor="bob")
    own = svc.get_assessment(db.engine, draft).assessment
    assert (own["state"], own["origin"], own["statement"], own["reviewer"]) == ("decided", "", "", "bob")
    # another organisation's decision is added beside it, never written over it
    assert import_file(db.engine, "assessments", path, actor="rev").created == 1
    with db.engine.connect() as conn:
        kept = conn.execute(select(assessments).where(assessments.c.id == draft)).one()
        assert (kept.decision, kept.origin, kept.reviewer, kept.author) == ("not_recognised", "", "bob", "alice")
        decided = conn.execute(select(assessments.c.origin, assessments.c.reviewer).where(
            assessments.c.person_id == ids["A1"], assessments.c.state == "decided")).all()
        assert sorted(tuple(r) for r in decided) == [("", "bob"), ("Demo Rights Group", "")]


def test_no_import_creates_a_decision_of_this_organisation(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    path = _write(tmp_path, HEAD + "A1,guidelines-2013,recognised,2024-03-01,Demo Rights Group,https://example.org/s/1\n"
                                   "A2,amnesty-poc,under_review,,Sample Monitoring Centre,\n"
                                   "A3,pace-1900-2012,not_recognised,2023-01-01,Example Prisoners Watch,doc\n")
    import_file(db.engine, "assessments", path, actor="rev")
    changed = _write(tmp_path, HEAD.replace("\n", ",reviewer\n")
                     + "A1,guidelines-2013,not_recognised,2024-05-01,Demo Rights Group,doc 2,somebody\n", "b.csv")
    report = import_file(db.engine, "assessments", changed, actor="rev2")
    assert report.updated == 1                                  # its own earlier import
    assert any("'reviewer' is not stored" in n for n in report.notes)
    with db.engine.connect() as conn:
        rows = conn.execute(select(assessments.c.origin, assessments.c.author, assessments.c.reviewer)).all()
    assert len(rows) == 3 and all(r.origin and r.reviewer == "" for r in rows)
    assert {r.author for r in rows} == {"rev", "rev2"}
