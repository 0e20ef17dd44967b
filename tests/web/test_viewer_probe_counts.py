"""A viewer probing through the API for what tells that a hidden person exists: a list cut to a limit before
it was filtered came out short by the hidden persons' rows (services/assessments.py list_assessments takes the
reader's sensitivities). Invented people only (tests/web/conftest.py: P3 is confidential)."""

from __future__ import annotations

from kartoteka.services.assessments import create_assessment
from tests.web.conftest import Web


def test_the_newest_assessment_a_viewer_asks_for_is_the_newest_it_may_see(web: Web) -> None:
    first = create_assessment(web.db.engine, person="P1", definition_id="guidelines-2013", actor="ed")
    create_assessment(web.db.engine, person="P3", definition_id="guidelines-2013", actor="ed")   # the newest
    viewer = web.client("viewer")
    newest = viewer.get("/api/assessments", params={"limit": 1})
    assert newest.status_code == 200 and [a["id"] for a in newest.json()] == [first]
    assert [a["person_ext_id"] for a in viewer.get("/api/assessments").json()] == ["P1"]
    # those who see everything read both, the confidential person's first
    assert [a["person_ext_id"] for a in web.client("editor").get("/api/assessments").json()] == ["P3", "P1"]
