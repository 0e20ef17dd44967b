"""Vetting in the browser flow through the app: upload, progress, report, review, downloads, diff."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.web.conftest import Web, csrf, finished_run

LIST = ("№,ФИО,Дата рождения\n1,Иванов Иван Иванович,01.05.1980\n2,Секретная Мария Петровна,03.02.1990\n"
        "3,Нетакой Никто,1999\n4,Oleksandr Kovalenko,1975\n")


def _vet(c: TestClient, label: str) -> int:
    page = c.get("/vetting").text
    r = c.post("/vetting", data={"definition_id": "guidelines-2013", "label": label, "round": "R1",
                                 "csrf_token": csrf(page)},
               files={"file": ("list.csv", LIST.encode(), "text/csv")}, follow_redirects=False)
    assert r.status_code == 303 and "/vetting/jobs/" in r.headers["location"]
    return finished_run(c, r.headers["location"])


def test_upload_report_review_download_and_diff(web: Web) -> None:
    editor = web.client("editor")
    run = _vet(editor, "first")
    page = editor.get(f"/vetting/runs/{run}").text
    assert "Иванов Иван Иванович" in page and "P1" in page and "P3" in page
    assert editor.get(f"/vetting/runs/{run}?q=Нетакой").text.count('class="st-') == 1
    for fmt, magic in (("csv", b"id,"), ("html", b"<!"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        r = editor.get(f"/vetting/runs/{run}/report.{fmt}")
        assert r.status_code == 200 and r.content.lstrip(b"\xef\xbb\xbf").startswith(magic), fmt
        assert "attachment" in r.headers["content-disposition"]
    r = editor.post(f"/vetting/runs/{run}/review", data={"row": "1", "judgement": "same", "csrf_token": csrf(page)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert 'value="same" selected' in editor.get(f"/vetting/runs/{run}").text
    second = _vet(editor, "second")
    diff = editor.get(f"/vetting/diff?a={run}&b={second}")
    assert diff.status_code == 200 and "Changed" in diff.text


def test_viewer_report_hides_confidential_matches(web: Web) -> None:
    run = _vet(web.client("editor"), "list")
    viewer = web.client("viewer")
    page = viewer.get(f"/vetting/runs/{run}").text
    shown = re.sub(r"[A-Za-z0-9_-]{40,}", "", page)   # (a random token such as the CSRF one may contain "P3")
    # the viewer's world: the confidential person's row reads as if she were not in the registry
    assert "P1" in shown and "P3" not in shown and "no registry person with a matching name" in shown
    csv = viewer.get(f"/vetting/runs/{run}/report.csv").text
    assert "P1" in csv and "P3" not in csv
    # P2 is visible, but its terrorism charge sits in a confidential case
    assert "terrorism" not in csv and "terrorism" in web.client("editor").get(f"/vetting/runs/{run}/report.csv").text
    assert viewer.post(f"/vetting/runs/{run}/review", data={"row": "2", "judgement": "same",
                                                           "csrf_token": csrf(page)}).status_code == 403


def test_reading_a_report_with_a_confidential_match_is_audited(web: Web) -> None:
    editor = web.client("editor")
    run = _vet(editor, "audited")
    editor.get(f"/vetting/runs/{run}/report.csv")
    reads = web.client("admin").get("/api/audit?action=read&actor=editor").json()
    assert any(r["entity_type"] == "person" and f"vetting run {run}" in (r["after"] or "") for r in reads)
