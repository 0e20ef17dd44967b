"""Search and its export filtered by the recognition status under a definition (not only the case
status); a viewer's results never reveal a hidden (confidential) person."""

from __future__ import annotations

import csv
import io

from kartoteka.services.imports import import_file
from tests.web.conftest import Web

ASSESSMENTS = """person_id,definition,decision,decided_on,organisation,statement
P1,guidelines-2013,recognised,2024-01-01,Demo Rights Group,https://example.org/s/1
P2,guidelines-2013,not_recognised,2024-01-01,Demo Rights Group,
P3,guidelines-2013,recognised,2024-02-01,Demo Rights Group,https://example.org/s/3
"""


def _ids(text: str) -> list[str]:
    return [r[0] for r in list(csv.reader(io.StringIO(text)))[1:]]


def test_filter_by_recognition_under_a_definition(web: Web) -> None:
    path = web.tmp / "assessments.csv"
    path.write_text(ASSESSMENTS, "utf-8")
    import_file(web.db.engine, "assessments", path, actor="t")
    admin, viewer = web.client("admin"), web.client("viewer")

    page = admin.get("/persons", params={"definition": "guidelines-2013", "recognition": "recognised", "searched": "1"})
    assert page.status_code == 200 and "2 persons found" in page.text
    assert 'href="/persons/P1"' in page.text and 'href="/persons/P3"' in page.text
    assert 'href="/persons/P2"' not in page.text and 'href="/persons/P4"' not in page.text
    assert '<option value="guidelines-2013" selected>' in page.text
    # the brief's spelling: status=recognised under a definition is the recognition status
    same = admin.get("/search/export.csv", params={"definition": "guidelines-2013", "status": "recognised"})
    assert sorted(_ids(same.content.decode("utf-8-sig"))) == ["P1", "P3"]
    under = admin.get("/search/export.csv", params={"definition": "guidelines-2013", "recognition": "under_review",
                                                    "searched": "1"})
    assert _ids(under.content.decode("utf-8-sig")) == ["P4"]
    # combined with a case-status filter
    combined = admin.get("/search/export.csv", params={"definition": "guidelines-2013", "recognition": "recognised",
                                                       "status": "detained", "searched": "1"})
    assert _ids(combined.content.decode("utf-8-sig")) == ["P3"]

    # a viewer: the confidential P3 is not there, not even counted
    page = viewer.get("/persons", params={"definition": "guidelines-2013", "recognition": "recognised", "searched": "1"})
    # (the page's random CSRF token may contain "P3": the person's id is looked for as the page shows ids)
    assert "1 person found" in page.text and "Секретная" not in page.text
    assert "<td>P3</td>" not in page.text and "/persons/P3" not in page.text and "<td>P1</td>" in page.text
    exported = viewer.get("/search/export.csv", params={"definition": "guidelines-2013", "status": "recognised"})
    assert _ids(exported.content.decode("utf-8-sig")) == ["P1"]
    assert "Recognition status" in viewer.get("/persons").text


def test_unknown_definition_or_status_is_refused_on_a_page(web: Web) -> None:
    c = web.client("viewer")
    r = c.get("/persons", params={"definition": "nope", "recognition": "recognised", "searched": "1"})
    assert r.status_code in (400, 422) and "nope" in r.text
    r = c.get("/persons", params={"definition": "guidelines-2013", "recognition": "famous", "searched": "1"})
    assert r.status_code in (400, 422)
