"""PATCH /api/persons/{ref} changes only the fields sent; lowering a sensitivity is its own audited act."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from kartoteka.db.tables import audit_log
from kartoteka.services.records_edit import update_case
from kartoteka.services.access import Principal
from tests.web.conftest import Web, csrf


def _client(web: Web) -> tuple[TestClient, dict[str, str]]:
    c = web.client("editor")
    return c, {"X-CSRF-Token": csrf(c.get("/persons/P1/edit").text)}


def _person(c: TestClient, ref: str) -> dict[str, Any]:
    return dict(c.get(f"/api/persons/{ref}").json()["person"])


def test_a_partial_patch_keeps_every_field_not_sent(web: Web) -> None:
    c, h = _client(web)
    before = _person(c, "P3")
    assert before["sensitivity"] == "confidential" and before["birth_date"] and before["gender"] == "f"
    # the finding: a name sent alone set sensitivity to 'internal' and erased birth date, gender, region
    r = c.patch("/api/persons/P3", json={"version": before["version"], "primary_name": "Секретная Мария Петровна"},
                headers=h)
    assert r.status_code == 200, r.text
    r = c.patch("/api/persons/P3", json={"version": r.json()["version"], "notes": "seen in court"}, headers=h)
    assert r.status_code == 200, r.text
    after = _person(c, "P3")
    assert after["notes"] == "seen in court" and after["version"] == r.json()["version"]
    for field in ("sensitivity", "birth_date", "birth_precision", "gender", "region", "citizenship"):
        assert after[field] == before[field], field
    assert web.client("viewer").get("/api/persons/P3").status_code == 404   # still confidential


def test_a_patch_may_clear_a_field_sent_empty_and_refuses_unknown_or_stale(web: Web) -> None:
    c, h = _client(web)
    version = _person(c, "P1")["version"]
    assert c.patch("/api/persons/P1", json={"version": version, "region": ""}, headers=h).status_code == 200
    assert _person(c, "P1")["region"] == "" and _person(c, "P1")["birth_date"] == "1980-05-01"
    assert c.patch("/api/persons/P1", json={"version": version + 1, "colour": "red"}, headers=h).status_code == 422
    assert c.patch("/api/persons/P1", json={"version": version, "notes": "x"}, headers=h).status_code == 409
    assert c.patch("/api/persons/P1", json={"version": version + 1, "primary_name": ""}, headers=h).status_code == 422


def _declassified(web: Web) -> list[tuple[str, int, str | None, str | None]]:
    with web.db.engine.connect() as conn:
        return [(r.entity_type, r.entity_id, r.before, r.after) for r in conn.execute(
            select(audit_log).where(audit_log.c.action == "declassify").order_by(audit_log.c.id))]


def test_lowering_a_sensitivity_is_audited_as_its_own_act(web: Web) -> None:
    c, h = _client(web)
    p3 = _person(c, "P3")
    assert c.patch("/api/persons/P3", json={"version": p3["version"], "sensitivity": "internal"},
                   headers=h).status_code == 200
    p1 = _person(c, "P1")
    assert c.patch("/api/persons/P1", json={"version": p1["version"], "sensitivity": "confidential"},
                   headers=h).status_code == 200   # raising is an ordinary edit
    found = _declassified(web)
    assert len(found) == 1 and found[0][0] == "person" and found[0][1] == p3["id"]
    assert "confidential" in (found[0][2] or "") and "internal" in (found[0][3] or "")
    case = web.client("admin").get("/api/persons/P2").json()["cases"][0]
    update_case(web.db.engine, principal=Principal("e", "editor"), case_id=case["id"],
                values={"sensitivity": "public"}, expected_version=case["version"])
    assert [(e, i) for e, i, _b, _a in _declassified(web)][1:] == [("case", case["id"])]
