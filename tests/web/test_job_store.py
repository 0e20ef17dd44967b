"""Two worker processes of one server (two apps on one database and media folder): a job started in one is
answered by the other, as its progress and then its result, and never to another user."""

from __future__ import annotations

import secrets
import stat
import time
from pathlib import Path

from starlette.testclient import TestClient

from kartoteka.services.users import create_token
from kartoteka.web.app import create_app
from kartoteka.web.job_store import job_dir, load_state
from tests.web.conftest import Web, csrf
from tests.web.test_imports_jobs import GOOD


def test_a_job_started_in_one_worker_is_answered_by_another(web: Web) -> None:
    shared = web.settings.model_copy(update={"secret_key": secrets.token_urlsafe(32)})
    first, second = (TestClient(create_app(shared, engine=web.db.engine), base_url="https://testserver")
                     for _ in range(2))
    editor = {"authorization": "Bearer " + create_token(web.db.engine, username="editor", name="t", actor="test")}
    admin = {"authorization": "Bearer " + create_token(web.db.engine, username="admin", name="t", actor="test")}
    r = first.post("/api/imports", data={"kind": "persons", "background": "true"},
                   files={"file": ("people.csv", GOOD.encode(), "text/csv")}, headers=editor)
    assert r.status_code == 202
    url = r.json()["status_url"]
    for _ in range(400):
        got = second.get(url, headers=editor)
        if got.status_code != 202:
            break
        time.sleep(0.05)
    assert got.status_code == 200 and got.json()["created"] == 2
    assert second.get(url, headers=admin).status_code == 404 and first.get(url, headers=admin).status_code == 404
    folder = job_dir(shared.media_dir)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert load_state(folder, "../../etc/passwd") is None
    # the import page: the job page answered by the other worker shows the report
    login = {"username": "editor", "password": "correct horse battery"}
    c1 = TestClient(first.app, base_url="https://testserver")
    c1.post("/login", data={**login, "csrf_token": csrf(c1.get("/login").text)})
    page = c1.post("/import/preview", data={"kind": "persons", "csrf_token": csrf(c1.get("/import").text)},
                   files={"file": ("p.csv", GOOD.replace("P7", "P17").replace("P8", "P18").encode(), "text/csv")})
    token = page.text.split('name="token" value="')[1].split('"')[0]
    r = c1.post("/import/run", data={"kind": "persons", "token": token, "action": "commit",
                                     "csrf_token": csrf(page.text)}, follow_redirects=False)
    job = r.headers["location"]
    c2 = TestClient(second.app, base_url="https://testserver", cookies=c1.cookies)
    for _ in range(400):
        shown = c2.get(job)
        if 'http-equiv="refresh"' not in shown.text:
            break
        time.sleep(0.05)
    assert shown.status_code == 200 and "Imported." in shown.text


def test_a_job_whose_state_cannot_be_written_still_ends_here(tmp_path: Path) -> None:
    from kartoteka.web.job_process import JobLimits
    from kartoteka.web.jobs import Jobs
    from tests.web.test_job_process import report_vm

    jobs = Jobs(job_dir(tmp_path))
    job = jobs.start_child("alice", report_vm, (), limits=JobLimits(), context={"unpicklable": lambda: None})
    assert job.wait(60) and job.exception is None and jobs.get(job.id, "alice").result[1] > 0
    assert not list(job_dir(tmp_path).iterdir())   # no half-written state left behind
