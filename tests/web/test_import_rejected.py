"""Skip bad rows in the web import and the JSON API: the good rows land, the rejected ones (with their errors)
are a 0600 file under the uploads folder that only the importing user can download; the age sweep removes
it like a preview. Invented people only."""

from __future__ import annotations

import os
import stat

from tests.web.conftest import Web, csrf
from tests.web.test_import_registry import _upload

SHEET = "id;name;birth_date\nP7;Кораблёв Степан Ильич;1985\nP8;Лапшина Вера;32.13.1990\n"


def test_web_import_skips_bad_rows_and_offers_them_to_the_importer_only(web: Web) -> None:
    c = web.client("editor")
    _, form = _upload(c, SHEET, kind="persons")
    r = c.post("/import/run", data={**form, "action": "commit"})
    assert r.status_code == 422                                             # default: all or nothing
    r = c.post("/import/run", data={**form, "action": "commit", "skip_bad_rows": "true"})
    assert "Imported." in r.text and 'id="rejected"' in r.text
    assert c.get("/api/persons/P7").status_code == 200 and c.get("/api/persons/P8").status_code == 404
    href = r.text.split('id="rejected"')[1].split('href="')[1].split('"')[0]
    got = c.get(href)
    assert got.status_code == 200 and "P8" in got.text and "32.13.1990" in got.text and "P7" not in got.text
    token = href.rsplit("/", 1)[1]
    folder = web.settings.media_dir / "uploads" / token
    [file] = list(folder.iterdir())
    assert stat.S_IMODE(file.stat().st_mode) == 0o600 and str(web.settings.media_dir) not in r.text
    assert web.client("admin").get(href).status_code == 404                 # not even an administrator
    from kartoteka.web.uploads import sweep
    old = 1_000_000_000
    os.utime(folder, (old, old))
    assert sweep(web.settings.media_dir, 60) >= 1 and not folder.exists()
    assert c.get(href).status_code == 404


def test_api_import_skip_bad_rows_gives_a_download_for_the_same_user(web: Web) -> None:
    c = web.client("editor")
    token = csrf(c.get("/import").text)
    r = c.post("/api/imports", data={"kind": "persons", "skip_bad_rows": "true"},
               files={"file": ("s.csv", SHEET.encode(), "text/csv")}, headers={"x-csrf-token": token})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] == 1 and body["rejected"] == 1 and body["rejected_url"].startswith("/api/imports/rejected/")
    assert "P8" in c.get(body["rejected_url"]).text
    assert web.client("reviewer").get(body["rejected_url"]).status_code == 404
    r = c.post("/api/imports", data={"kind": "persons"}, files={"file": ("s.csv", SHEET.encode(), "text/csv")},
               headers={"x-csrf-token": token})
    assert r.status_code == 422
