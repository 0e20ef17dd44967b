"""The web import as a job: the run redirects to a job page that shows the report (or the progress while it
runs); the rows are in the database; a refused import changes nothing; the job is its owner's only; a file
that needs more memory than a job may have fails that job and the server keeps answering. SQLite and
PostgreSQL (the `web` fixture). Invented people only."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient
from sqlalchemy import func, select

from kartoteka.db.tables import persons
from kartoteka.errors import InvalidInput
from kartoteka.web.jobs import Jobs
from kartoteka.web.pages import imports as page
from kartoteka.web.app import create_app
from kartoteka.web.job_process import JobLimits, run_child
from tests.web.conftest import Web, csrf
from tests.web.test_import_registry import _upload
from tests.web.test_job_process import report_vm

GOOD = "id;name;birth_date\nP7;Кораблёв Степан Ильич;1985\nP8;Лапшина Вера;1990\n"
BAD = "id;name;birth_date\nP7;Кораблёв Степан Ильич;1985\nP8;Лапшина Вера;32.13.1990\n"


def jobs_of(app: FastAPI) -> Jobs:
    if not hasattr(app.state, "jobs"):
        app.state.jobs = Jobs()
    found: Jobs = app.state.jobs
    return found


def _count(web: Web) -> int:
    with web.db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(persons)).scalar_one())


def test_commit_goes_through_the_job_page_to_the_report_and_the_rows_are_stored(web: Web) -> None:
    c = web.client("editor")
    _, form = _upload(c, GOOD, kind="persons")
    r = c.post("/import/run", data={**form, "action": "dry_run"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/import/jobs/")
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and "Dry run: nothing was written." in page.text
    assert c.get("/api/persons/P7").status_code == 404
    r = c.post("/import/run", data={**form, "action": "commit"}, follow_redirects=False)
    job = r.headers["location"]
    page = c.get(job)
    assert page.status_code == 200 and "Imported." in page.text and 'http-equiv="refresh"' not in page.text
    assert c.get("/api/persons/P7").json()["names"][0]["full"] == "Кораблёв Степан Ильич"
    assert c.get("/api/persons/P8").status_code == 200
    assert web.client("admin").get(job).status_code == 404       # another user: as if there were no job
    done = jobs_of(web.app).get(job.rsplit("/", 1)[1], "editor")
    assert done.done == 2 and done.total >= 2                      # the import's progress came through


def test_a_running_import_shows_counts_and_refreshes_itself(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    c = web.client("editor")
    _, form = _upload(c, GOOD, kind="persons")
    release = threading.Event()

    def slow(progress):  # type: ignore[no-untyped-def]
        progress(40, 100)
        release.wait(30)
        raise InvalidInput("never shown")

    monkeypatch.setattr(page, "WAIT_SECONDS", 0.0)
    job = jobs_of(web.app).start("editor", slow)
    running = c.get(f"/import/jobs/{job.id}")
    assert running.status_code == 200 and 'http-equiv="refresh"' in running.text and "40 / 100" in running.text
    assert 'max="100" value="40"' in running.text and "left" in running.text
    release.set()
    assert job.wait(10)
    ended = c.get(f"/import/jobs/{job.id}")
    assert ended.status_code == 422 and "never shown" in ended.text and 'http-equiv="refresh"' not in ended.text
    assert c.get("/import/jobs/" + "0" * 24).status_code == 404


def test_a_refused_import_in_a_job_names_row_and_field_and_changes_nothing(web: Web) -> None:
    c = web.client("editor")
    before = _count(web)
    _, form = _upload(c, BAD, kind="persons")
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422 and "/import/jobs/" in str(r.url)
    assert "Row</" not in r.text and "3, «birth_date»" in r.text   # row 3, the birth_date column
    assert _count(web) == before and c.get("/api/persons/P7").status_code == 404
    c.post("/language", data={"lang": "ru", "next": "/", "csrf_token": csrf(r.text)})
    again = c.get(str(r.url))
    assert again.status_code == 422 and "Строка" in again.text      # the same errors, in the reader's language


def test_api_import_waits_by_default_and_background_answers_202_with_a_status_url(web: Web) -> None:
    c = web.client("editor")
    headers = {"x-csrf-token": csrf(c.get("/import").text)}
    files = {"file": ("people.csv", GOOD.encode(), "text/csv")}
    r = c.post("/api/imports", data={"kind": "persons", "background": "true"}, files=files, headers=headers)
    assert r.status_code == 202 and r.json()["status_url"].startswith("/api/imports/jobs/")
    url = r.json()["status_url"]
    for _ in range(400):
        got = c.get(url)
        if got.status_code != 202:
            break
        assert got.json()["finished"] is False
        time.sleep(0.05)
    assert got.status_code == 200 and got.json()["created"] == 2
    assert web.client("admin").get(url).status_code == 404                   # another user's job
    bad = c.post("/api/imports", data={"kind": "persons", "dry_run": "true"},
                 files={"file": ("people.csv", BAD.replace("P7", "P9").encode(), "text/csv")}, headers=headers)
    assert bad.status_code == 422 and any(e["row"] == 3 and e["column"] == "birth_date" for e in bad.json()["errors"])
    assert c.get("/api/persons/P9").status_code == 404


def _limited(web: Web, extra_mb: int) -> tuple[int, TestClient]:
    """A client of the app whose jobs may have ``extra_mb`` more than a job's process starts with."""
    start = run_child(report_vm, (), limits=JobLimits(), progress=lambda d, t: None).result[1]
    small = web.settings.model_copy(update={"job_memory_mb": start + extra_mb, "job_seconds": 60})
    return start, Web(create_app(small, engine=web.db.engine), web.db, small, web.tmp).client("editor")


def _shared_string_bomb(strings: int) -> bytes:
    """An XLSX of one cell whose shared-strings table holds ``strings`` distinct strings (~35 bytes each
    unpacked, well within KARTOTEKA_MAX_UNZIPPED_MB; a few hundred KB packed)."""
    def part(body: str) -> str:
        return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + body
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": part(
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.'
            'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>'),
        "_rels/.rels": part(f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                            '</Relationships>'),
        "xl/workbook.xml": part(f'<workbook {main} xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" '
                                'r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": part(
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": part(f'<worksheet {main}><dimension ref="A1"/><sheetData><row r="1">'
                                         '<c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'),
        "xl/sharedStrings.xml": part(f'<sst {main} count="{strings}" uniqueCount="{strings}">'
                                     + "".join(f"<si><t>name{i:09d}</t></si>" for i in range(strings)) + "</sst>"),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def test_a_shared_string_bomb_fails_its_preview_alone(web: Web) -> None:
    """The preview opens the workbook, and openpyxl reads the whole shared-strings table: in a job's process."""
    start, c = _limited(web, 48)
    bomb = _shared_string_bomb(1_200_000)
    assert len(bomb) < 8 * 1024 * 1024
    r = c.post("/import/preview", data={"kind": "persons", "csrf_token": csrf(c.get("/import").text)},
               files={"file": ("bomb.xlsx", bomb, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert r.status_code == 422 and f"({start + 48} MB, KARTOTEKA_JOB_MEMORY_MB)" in r.text, r.text[-1500:]
    assert c.get("/api/me").status_code == 200                                       # the server keeps answering
    assert not list((web.settings.media_dir / "uploads").glob("*/bomb.xlsx"))      # the file is not kept


def test_a_file_needing_more_memory_than_a_job_may_have_fails_that_job_only(web: Web) -> None:
    """150,000 sheet rows need about 120 MB more than a job's process starts with; the job may have 48."""
    start, c = _limited(web, 48)
    before = _count(web)
    big = "ФИО;Дата рождения;Статус\n" + "".join(f"Кораблёв{i} Степан Ильич;1985;в СИЗО\n" for i in range(150_000))
    _, form = _upload(web.client("editor"), big, kind="registry")   # previewed where memory allows it
    form["csrf_token"] = csrf(c.get("/import").text)
    c.post("/language", data={"lang": "uk", "next": "/", "csrf_token": form["csrf_token"]})
    started = time.monotonic()
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422 and f"({start + 48} МБ, KARTOTEKA_JOB_MEMORY_MB)" in r.text   # in Ukrainian
    assert time.monotonic() - started < 30 and _count(web) == before                # nothing was written
    assert c.get("/api/me").status_code == 200                                       # the server keeps answering
    _, form = _upload(c, GOOD, kind="persons")
    assert c.post("/import/run", data={**form, "action": "commit"}).status_code == 200   # a small file still fits
    assert c.get("/api/persons/P7").status_code == 200


def test_api_import_takes_custody_and_category_spellings_and_a_file_wide_code(web: Web) -> None:
    c = web.client("editor")
    headers = {"x-csrf-token": csrf(c.get("/import").text)}
    sheet = ("ПІБ;Дата народження;Стаття КК;Утримання;Категорія\n"
             "Гончаренко Ярина Богданівна;05.06.1994;ст. 111-1 КК;СИЗО-2;полонений\n").encode()
    files = {"file": ("sheet.csv", sheet, "text/csv")}
    refused = c.post("/api/imports", data={"kind": "registry", "dry_run": "true"}, files=files, headers=headers)
    assert refused.status_code == 422 and {e["column"] for e in refused.json()["errors"]} >= {"Утримання"}
    ok = c.post("/api/imports", files=files, headers=headers, data={
        "kind": "registry", "value_map": "custody:СИЗО-2=pretrial; category:полонений=prisoner_of_war",
        "code": "ua"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["created"] == 1 and not any("no code could be decided" in n for n in ok.json()["notes"])
    bad = c.post("/api/imports", files=files, headers=headers, data={"kind": "registry", "value_map": "custody-only"})
    assert bad.status_code == 422 and "value_map" in bad.text
