"""Audit gaps of issue 10 that the web reaches: duplicate judgements, confidential reads through an
assessment and through the diff of two runs are audit entries."""

from __future__ import annotations

from sqlalchemy import select

from kartoteka.db.tables import audit_log, persons
from kartoteka.services.assessments import create_assessment
from tests.web.conftest import Web, csrf


def _entries(web: Web, action: str) -> list[tuple[str, str, int, str | None]]:
    with web.db.engine.connect() as conn:
        return [(r.actor, r.entity_type, r.entity_id, r.after) for r in conn.execute(
            select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.id))]


def _pid(web: Web, ext: str) -> int:
    with web.db.engine.connect() as conn:
        return int(conn.execute(select(persons.c.id).where(persons.c.ext_id == ext)).scalar_one())


def test_duplicate_judgements_are_audited(web: Web) -> None:
    editor = web.client("editor")
    r = editor.post("/api/duplicates/judgements", json={"person_id": _pid(web, "P1"), "other_person_id": _pid(web, "P2"),
                                                        "judgement": "different"},
                    headers={"x-csrf-token": csrf(editor.get("/account").text)})
    assert r.status_code in (200, 201), r.text
    assert [e[0] for e in _entries(web, "judge")] == ["editor"]


def test_reading_an_assessment_of_a_confidential_person_is_audited(web: Web) -> None:
    aid = create_assessment(web.db.engine, person="P3", definition_id="guidelines-2013", actor="editor")
    before = len(_entries(web, "read"))
    assert web.client("reviewer").get(f"/api/assessments/{aid}").status_code == 200
    reads = _entries(web, "read")[before:]
    assert [(a, t, i) for a, t, i, _ in reads] == [("reviewer", "person", _pid(web, "P3"))]
    assert "assessment" in str(reads[0][3])


def test_the_diff_of_two_runs_audits_confidential_persons(web: Web) -> None:
    editor = web.client("editor")
    tok = csrf(editor.get("/account").text)
    ids = []
    for names in ("Секретная Мария Петровна,1990-02-03\nИванов Иван Иванович,1980-05-01\n",
                  "Иванов Иван Иванович,1980-05-01\n"):
        r = editor.post("/api/vetting/runs", data={"definition_id": "guidelines-2013"},
                        files={"file": ("l.csv", ("name,birth_date\n" + names).encode())}, headers={"x-csrf-token": tok})
        assert r.status_code in (200, 201), r.text
        body = r.json()
        ids.append(body["run"]["id"] if "run" in body else body["id"])
    before = len(_entries(web, "read"))
    assert editor.get(f"/api/vetting/diff?a={ids[0]}&b={ids[1]}").status_code == 200
    reads = _entries(web, "read")[before:]
    assert ("editor", "person", _pid(web, "P3")) in [(a, t, i) for a, t, i, _ in reads]
    assert any("diff" in str(after) for *_, after in reads)
