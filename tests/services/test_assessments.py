"""The assessment workflow: findings with sources, four-eyes approval, history, statuses for vetting."""

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import citations
from kartoteka.errors import Conflict, Forbidden, InvalidInput
from kartoteka.services import assessments as svc
from kartoteka.services.assessments import SourceRef, recognised_person_ids, statuses_under
from kartoteka.services.imports import import_file
from tests.conftest import Db

SRC = SourceRef("https://example.org/statement-1", title="Joint statement")


def _registry(db: Db, tmp_path: Path) -> dict[str, int]:
    (tmp_path / "p.csv").write_text("id,name\nA1,Сорокина Мария\nA2,Иванов Пётр\nA3,Шевченко Олена\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    with db.engine.connect() as conn:
        return {ext: svc.resolve_person_id(conn, ext) for ext in ("A1", "A2", "A3")}


def _draft(db: Db, person: str = "A1", definition: str = "guidelines-2013", actor: str = "alice") -> int:
    return svc.create_assessment(db.engine, person=person, definition_id=definition, actor=actor)


def test_draft_submit_approve_by_a_second_person(db: Db, tmp_path: Path) -> None:
    ids = _registry(db, tmp_path)
    aid = _draft(db)
    svc.record_finding(db.engine, assessment_id=aid, criterion_id="1a", finding="met", actor="alice",
                       note="anti-war post", cited=[SRC])
    svc.record_finding(db.engine, assessment_id=aid, criterion_id="excl-violence", finding="not_met",
                       actor="carol", cited=[SourceRef("https://example.org/verdict")])
    svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice", rationale="speech only")
    with db.engine.connect() as conn:
        assert statuses_under(conn, [ids["A1"]], "guidelines-2013") == {ids["A1"]: "under_review"}
    for author in ("alice", "carol"):        # the creator and anyone who wrote findings
        with pytest.raises(Forbidden, match="second person"):
            svc.approve_assessment(db.engine, assessment_id=aid, actor=author)
    svc.approve_assessment(db.engine, assessment_id=aid, actor="bob")
    view = svc.get_assessment(db.engine, aid)
    assert (view.assessment["state"], view.assessment["decision"], view.assessment["reviewer"]) == (
        "decided", "recognised", "bob")
    assert view.assessment["decided_on"] and view.person_ext_id == "A1"
    assert [(f.criterion_id, f.finding, [s["url"] for s in f.sources]) for f in view.findings] == [
        ("1a", "met", [SRC.url]), ("excl-violence", "not_met", ["https://example.org/verdict"])]
    actions = [h["action"] for h in view.history]
    assert actions[0] == "create" and {"finding", "submit", "approve"} <= set(actions)
    assert ("update", "state") in {(h["action"], h["field"]) for h in view.history}
    with db.engine.connect() as conn:
        assert statuses_under(conn, ids.values(), "guidelines-2013") == {
            ids["A1"]: "recognised", ids["A2"]: "under_review", ids["A3"]: "under_review"}
        assert recognised_person_ids(conn, "guidelines-2013") == {ids["A1"]}
        assert recognised_person_ids(conn, "amnesty-poc") == set()
    with pytest.raises(Conflict):
        svc.record_finding(db.engine, assessment_id=aid, criterion_id="1b", finding="unclear", actor="alice")


def test_findings_are_validated_and_need_sources(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    aid = _draft(db)
    with pytest.raises(InvalidInput, match="cite"):
        svc.record_finding(db.engine, assessment_id=aid, criterion_id="1a", finding="met", actor="alice")
    with pytest.raises(InvalidInput, match="not a criterion"):
        svc.record_finding(db.engine, assessment_id=aid, criterion_id="3a", finding="unclear", actor="alice")
    with pytest.raises(InvalidInput, match="not a finding"):
        svc.record_finding(db.engine, assessment_id=aid, criterion_id="1a", finding="yes", actor="alice", cited=[SRC])
    with pytest.raises(InvalidInput, match="at least one finding"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="not_recognised", actor="alice")
    svc.record_finding(db.engine, assessment_id=aid, criterion_id="1a", finding="unclear", actor="alice")
    with pytest.raises(InvalidInput, match="criterion found 'met'"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")
    svc.record_finding(db.engine, assessment_id=aid, criterion_id="1a", finding="met", actor="alice", cited=[SRC])
    svc.record_finding(db.engine, assessment_id=aid, criterion_id="excl-violence", finding="met", actor="alice",
                       cited=[SRC])
    with pytest.raises(InvalidInput, match="exclusion"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")
    with pytest.raises(InvalidInput, match="not a status"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="maybe", actor="alice")
    with db.engine.connect() as conn:      # a replaced finding keeps one set of citations; sources are reused
        cites = conn.execute(select(citations.c.source_id).where(citations.c.entity_type == "finding")).all()
    assert len(cites) == 2 and len({c[0] for c in cites}) == 1


def test_amnesty_needs_every_criterion(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    aid = _draft(db, definition="amnesty-poc")
    svc.record_finding(db.engine, assessment_id=aid, criterion_id="identity-or-belief", finding="met",
                       actor="alice", cited=[SRC])
    with pytest.raises(InvalidInput, match="non-violent"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")


def test_return_to_draft_then_resubmit(db: Db, tmp_path: Path) -> None:
    ids = _registry(db, tmp_path)
    aid = _draft(db, person="A2")
    svc.record_finding(db.engine, assessment_id=aid, criterion_id="excl-violence", finding="met", actor="alice",
                       cited=[SRC])
    svc.submit_assessment(db.engine, assessment_id=aid, decision="excluded_violence", actor="alice")
    with pytest.raises(InvalidInput):
        svc.return_assessment(db.engine, assessment_id=aid, actor="bob", note=" ")
    svc.return_assessment(db.engine, assessment_id=aid, actor="bob", note="cite the verdict")
    with pytest.raises(Conflict):
        svc.approve_assessment(db.engine, assessment_id=aid, actor="bob")
    svc.submit_assessment(db.engine, assessment_id=aid, decision="excluded_violence", actor="alice")
    svc.approve_assessment(db.engine, assessment_id=aid, actor="bob")
    with db.engine.connect() as conn:     # a definition's own status maps to the three every list knows
        assert statuses_under(conn, [ids["A2"]], "guidelines-2013") == {ids["A2"]: "not_recognised"}
    assert [a["state"] for a in svc.list_assessments(db.engine, person="A2")] == ["decided"]
    assert svc.list_assessments(db.engine, state="submitted") == []


def test_imported_lists_count_and_the_latest_decision_wins(db: Db, tmp_path: Path) -> None:
    ids = _registry(db, tmp_path)
    (tmp_path / "a.csv").write_text("person_id,definition,decision,decided_on,organisation,statement\n"
                                    "A1,guidelines-2013,recognised,2023-04-01,Demo Rights Group,https://example.org/1\n"
                                    "A3,guidelines-2013,признан,2022-01-01,Sample Monitoring Centre,doc 3\n", "utf-8")
    import_file(db.engine, "assessments", tmp_path / "a.csv", actor="t")
    with db.engine.connect() as conn:
        assert recognised_person_ids(conn, "guidelines-2013") == {ids["A1"], ids["A3"]}
    aid = _draft(db, person="A3")
    svc.record_finding(db.engine, assessment_id=aid, criterion_id="1a", finding="not_met", actor="alice", cited=[SRC])
    svc.submit_assessment(db.engine, assessment_id=aid, decision="not_recognised", actor="alice")
    with db.engine.connect() as conn:     # submitted but not decided: the imported decision still stands
        assert statuses_under(conn, [ids["A3"]], "guidelines-2013")[ids["A3"]] == "recognised"
    svc.approve_assessment(db.engine, assessment_id=aid, actor="bob")
    with db.engine.connect() as conn:
        assert statuses_under(conn, [ids["A3"]], "guidelines-2013")[ids["A3"]] == "not_recognised"
        assert recognised_person_ids(conn, "guidelines-2013") == {ids["A1"]}


def test_import_rejects_definitions_not_in_the_catalog(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    (tmp_path / "a.csv").write_text("person_id,definition,decision\nA1,pace_1900,recognised\n", "utf-8")
    with pytest.raises(InvalidInput, match="not a known definition"):
        import_file(db.engine, "assessments", tmp_path / "a.csv", actor="t")


def _find(db: Db, aid: int, criterion: str, finding: str, note: str = "") -> None:
    svc.record_finding(db.engine, assessment_id=aid, criterion_id=criterion, finding=finding, actor="alice",
                       note=note, cited=[SRC])


def test_political_motive_alone_never_recognises(db: Db, tmp_path: Path) -> None:
    """The 2-motive bug: political motive is the condition of 1d-1g, not a ground of its own."""
    _registry(db, tmp_path)
    aid = _draft(db)
    _find(db, aid, "2-motive", "met")
    with pytest.raises(InvalidInput, match="at least one criterion"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")
    _find(db, aid, "1g", "met")           # fabricated charges ... but the motive is now withdrawn
    _find(db, aid, "2-motive", "unclear")
    with pytest.raises(InvalidInput, match="political motive"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")
    _find(db, aid, "2-motive", "met")
    svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")
    assert svc.get_assessment(db.engine, aid).assessment["state"] == "submitted"


def test_exclusion_met_but_an_exception_applies(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    aid = _draft(db)
    _find(db, aid, "1a", "met")
    with pytest.raises(InvalidInput, match="exclusions only"):
        _find(db, aid, "1a", "excepted", note="x")
    with pytest.raises(InvalidInput, match="which exception"):
        _find(db, aid, "excl-violence", "excepted")
    _find(db, aid, "excl-violence", "met")
    with pytest.raises(InvalidInput, match="exclusion"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")
    _find(db, aid, "excl-violence", "excepted", note="pushed a police officer after being beaten: provoked, symbolic")
    svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")


def test_pace_needs_deprivation_of_liberty_when_custody_is_known(db: Db, tmp_path: Path) -> None:
    from kartoteka.db import audit
    from kartoteka.db.tables import custody
    ids = _registry(db, tmp_path)
    aid = _draft(db, person="A2", definition="pace-1900-2012")
    _find(db, aid, "3a", "met")
    with db.engine.begin() as conn:
        audit.create_record(conn, custody, "custody", {"person_id": ids["A2"], "held_by": "RU", "state": "in_absentia",
                                                       "place": "", "note": ""}, actor="t")
    with pytest.raises(InvalidInput, match="deprived of liberty"):
        svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")
    with db.engine.begin() as conn:
        audit.create_record(conn, custody, "custody", {"person_id": ids["A2"], "held_by": "RU", "state": "pretrial",
                                                       "place": "СИЗО-1", "note": ""}, actor="t")
    svc.submit_assessment(db.engine, assessment_id=aid, decision="recognised", actor="alice")
    other = _draft(db, person="A3", definition="pace-1900-2012")   # no custody data: not checked
    _find(db, other, "3a", "met")
    svc.submit_assessment(db.engine, assessment_id=other, decision="recognised", actor="alice")
