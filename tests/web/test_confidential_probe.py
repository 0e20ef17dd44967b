"""A viewer probing for confidential records through the web app (tests/web/conftest.py: P3 and its case
C2 are confidential); each test is one leak found and fixed."""

from __future__ import annotations

import json

from kartoteka.services.ftm_import import import_ftm
from tests.web.conftest import Web


def test_the_person_page_names_no_hidden_person_of_a_review_pair(web: Web) -> None:
    path = web.tmp / "pub.json"
    path.write_text(json.dumps({"id": "o-1", "schema": "Person", "properties": {
        "name": ["Секретная Мария Петровна"], "birthDate": ["1970-01-01"]}}, ensure_ascii=False) + "\n", "utf-8")
    report = import_ftm(web.db.engine, path=path, organisation="Org Pub", actor="editor", sensitivity="public")
    assert [p.existing for p in report.review] == ["P3"]
    page = web.client("viewer").get("/persons/o-1")
    assert page.status_code == 200 and "Org Pub" in page.text
    assert "P3" not in page.text and "possibly_same" not in page.text
    assert "/persons/P3" in web.client("editor").get("/persons/o-1").text
