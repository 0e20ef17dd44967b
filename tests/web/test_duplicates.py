"""The likely-duplicates page and /api/duplicates: who sees it, what it hides, judgements."""

from __future__ import annotations

import pytest

from kartoteka.services import access
from kartoteka.services.duplicate_review import list_duplicates
from kartoteka.services.imports import import_file
from kartoteka.services.persons import get_person
from kartoteka.services.users import create_token
from tests.web.conftest import Web, csrf

TWINS = """id,name,birth_date,gender,sensitivity
P5,Иванов Иван Иванович,1980-05-01,m,internal
P6,Секретная Мария Петровна,1990-02-03,f,internal
"""


@pytest.fixture
def twins(web: Web) -> Web:
    """P5 repeats P1; P6 repeats the confidential P3."""
    (web.tmp / "twins.csv").write_text(TWINS, encoding="utf-8")
    import_file(web.db.engine, "persons", web.tmp / "twins.csv", actor="test")
    return web


def pairs_of(rows: list[dict[str, dict[str, str]]]) -> set[tuple[str, str]]:
    return {(r["first"]["ext_id"], r["second"]["ext_id"]) for r in rows}


def test_editor_sees_pairs_with_links_and_explanations(twins: Web) -> None:
    page = twins.client("editor").get("/duplicates")
    assert page.status_code == 200
    assert 'href="/persons/P1"' in page.text and 'href="/persons/P5"' in page.text
    assert 'href="/duplicates"' in page.text                      # the nav link
    h = {"Authorization": "Bearer " + create_token(twins.db.engine, username="editor", name="t", actor="test")}
    rows = twins.client(None).get("/api/duplicates", headers=h).json()
    assert {("P1", "P5"), ("P3", "P6")} <= pairs_of(rows)
    assert all(r["explanation"] and 0 < r["score"] <= 1 and r["judgement"] is None for r in rows)


def test_viewer_never_sees_the_page(twins: Web) -> None:
    viewer = twins.client("viewer")
    assert viewer.get("/duplicates").status_code == 403
    assert 'href="/duplicates"' not in viewer.get("/").text
    h = {"Authorization": "Bearer " + create_token(twins.db.engine, username="viewer", name="t", actor="test")}
    assert twins.client(None).get("/api/duplicates", headers=h).status_code == 403


def test_pairs_with_hidden_persons_are_left_out(twins: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    """A role that may edit but not read confidential records (none today) must not learn of P3."""
    monkeypatch.setitem(access.PERMISSIONS, "viewer", frozenset({"read", "edit"}))
    shown = {(p.first.ext_id, p.second.ext_id) for p in
             list_duplicates(twins.db.engine, principal=access.Principal("v", "viewer"))}
    assert ("P1", "P5") in shown and not any("P3" in pair for pair in shown)
    ids = [get_person(twins.db.engine, ref).person["id"] for ref in ("P3", "P6")]
    viewer = twins.client("viewer")
    assert viewer.post("/duplicates", data={"person_id": ids[0], "other_person_id": ids[1], "judgement": "same",
                                            "csrf_token": csrf(viewer.get("/").text)}).status_code == 404


def test_judgements_override_the_scorer(twins: Web) -> None:
    c = twins.client("editor")
    rows = c.get("/api/duplicates").json()
    pair = next(r for r in rows if (r["first"]["ext_id"], r["second"]["ext_id"]) == ("P1", "P5"))
    ids = {"person_id": str(pair["second"]["id"]), "other_person_id": str(pair["first"]["id"])}
    form = c.get("/duplicates").text
    r = c.post("/duplicates", data={**ids, "judgement": "unsure", "csrf_token": csrf(form)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/duplicates?judged=unsure")
    page = c.get(r.headers["location"]).text
    assert "Judgement recorded." in page and "(editor," in page
    assert c.post("/duplicates", data={**ids, "judgement": "maybe", "csrf_token": csrf(form)}).status_code == 422
    assert c.post("/duplicates", data={**ids, "judgement": "same"}).status_code == 403       # no CSRF token
    c.post("/duplicates", data={**ids, "judgement": "different", "csrf_token": csrf(form)})
    left = pairs_of(c.get("/api/duplicates").json())
    assert ("P1", "P5") not in left and ("P3", "P6") in left


def test_a_scan_under_way_shows_progress_then_a_job_scores(twins: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    """No request scores a large registry: while another worker's scan runs, the page and the API show
    its progress and start nothing; once it is gone, a job in a child process scores and stores the pairs."""
    import time

    from sqlalchemy import update

    from kartoteka.db.tables import duplicate_state
    from kartoteka.services.duplicate_pairs import SCAN_STALE, claim_scan
    from kartoteka.web import duplicate_jobs

    monkeypatch.setattr(duplicate_jobs, "INLINE_PERSONS", 0)   # every registry is "large": a job scores it
    engine = twins.db.engine
    assert claim_scan(engine)                                   # a scan under way in another worker
    with engine.begin() as conn:
        conn.execute(update(duplicate_state).values(done=3, total=7))
    editor = twins.client("editor")
    waiting = editor.get("/duplicates")
    assert 'http-equiv="refresh"' in waiting.text and "3 / 7" in waiting.text and 'href="/persons/P5"' not in waiting.text
    api = editor.get("/api/duplicates")
    assert api.status_code == 202 and api.json() == {"status": "running", "done": 3, "total": 7, "error": ""}
    assert twins.client("viewer").get("/api/duplicates").status_code == 403
    with engine.begin() as conn:                                # that worker died
        conn.execute(update(duplicate_state).values(beat=time.time() - SCAN_STALE - 1))
    deadline = time.monotonic() + 120
    page = editor.get("/duplicates")                            # starts the job (and waits a few seconds)
    while 'href="/persons/P5"' not in page.text and time.monotonic() < deadline:
        assert 'http-equiv="refresh"' in page.text
        time.sleep(0.5)
        page = editor.get("/duplicates")
    assert 'href="/persons/P5"' in page.text and 'http-equiv="refresh"' not in page.text
    assert {("P1", "P5"), ("P3", "P6")} <= pairs_of(editor.get("/api/duplicates").json())


def test_the_scan_job_may_use_what_the_registry_needs(web: Web) -> None:
    from kartoteka.web.duplicate_jobs import scan_limits

    assert scan_limits(web.settings, 10).memory_mb == web.settings.job_memory_mb   # never below the upload jobs'
    assert scan_limits(web.settings, 1_000_000).memory_mb >= 4000                  # a million persons in memory
    assert scan_limits(web.settings, 1_000_000).seconds >= 3 * 3600


@pytest.mark.parametrize(("lang", "surname", "given"), [("uk", "прізвище", "по батькові"), ("ru", "фамилия", "отчество")])
def test_explanations_in_the_readers_language(twins: Web, lang: str, surname: str, given: str) -> None:
    """The pairs' explanations (stored as data) in the language the reader chose."""
    c = twins.client("editor")
    c.post("/language", data={"lang": lang, "csrf_token": csrf(c.get("/").text)})
    page = c.get("/duplicates").text
    assert surname in page and given in page and "surname" not in page and "born 1980-05-01 in both" not in page
    h = {"Authorization": "Bearer " + create_token(twins.db.engine, username="editor", name="t", actor="test")}
    rows = twins.client(None).get("/api/duplicates", headers=h).json()
    assert rows and all(surname in r["explanation"] and "surname" not in r["explanation"] for r in rows)
    # the language is the user's: the admin's is English
    h = {"Authorization": "Bearer " + create_token(twins.db.engine, username="admin", name="t", actor="test")}
    assert "surname" in twins.client(None).get("/api/duplicates", headers=h).json()[0]["explanation"]


def test_pairs_stored_before_their_reasons_show_their_english_text(twins: Web) -> None:
    """A pair stored before migration 0028 has no reasons: its English explanation is shown, not nothing."""
    from sqlalchemy import update

    from kartoteka.db.tables import duplicate_pairs

    c = twins.client("editor")
    c.get("/duplicates")   # scored and stored
    with twins.db.engine.begin() as conn:
        conn.execute(update(duplicate_pairs).values(reasons="", explanation="an explanation of old"))
    c.post("/language", data={"lang": "uk", "csrf_token": csrf(c.get("/").text)})
    assert "an explanation of old" in c.get("/duplicates").text
