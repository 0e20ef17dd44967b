"""The verify page and the organisations' claims on the person page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kartoteka.services import signing
from kartoteka.services.statements import add_statement
from tests.web.conftest import Web, csrf


def _signed_list(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The private key, a signed list and its signature."""
    key = tmp_path / "org.key"
    signing.create_key(path=key, signer="Org A")
    f = tmp_path / "list.csv"
    f.write_text("id,name\n1,Тестов Тест\n", "utf-8")
    return key, f, signing.sign_files([f], key=key, out=tmp_path / "list.csv.sig")


def test_verify_page_accepts_the_signed_file_and_names_a_changed_one(web: Web, tmp_path: Path) -> None:
    key, f, sig = _signed_list(tmp_path)
    c = web.client(None)                                   # no account needed: a recipient checks the list
    token = csrf(c.get("/verify").text)

    def post(content: bytes, name: str = "list.csv") -> tuple[int, str]:
        r = c.post("/verify", data={"csrf_token": token}, files={
            "file": (name, content), "signature": ("list.csv.sig", sig.read_bytes()),
            "public_key": ("org.key.pub", (tmp_path / "org.key.pub").read_bytes())})
        return r.status_code, r.text

    code, page = post(f.read_bytes(), "list (1).csv")      # a browser may rename the download
    assert code == 200 and "Verified" in page and "Org A" in page
    code, page = post(f.read_bytes().replace(b"1,", b"2,"))
    assert code == 422 and "Not verified" in page and "list.csv has been changed since it was signed" in page
    r = c.post("/verify", data={"csrf_token": token}, headers={"accept-language": "uk"}, files={
        "file": ("list.csv", f.read_bytes() + b" "), "signature": ("list.csv.sig", sig.read_bytes())})
    assert r.status_code == 422 and "list.csv змінено після підписання." in r.text


def test_person_page_shows_each_organisations_claim_and_the_disagreement(web: Web) -> None:
    from kartoteka.services.persons import get_person

    pid = get_person(web.db.engine, "P1").person["id"]
    with web.db.engine.begin() as conn:
        add_statement(conn, entity_type="person", entity_id=pid, prop="birth_date", value="1981-05-01",
                      organisation="Org B", origin_id="b-person-7", at=dt.datetime.now(dt.timezone.utc))
    page = web.client("viewer").get("/persons/P1", headers={"accept-language": "en"}).text
    assert "What each organisation says" in page and "organisations disagree" in page
    assert "1981-05-01" in page and "Org B" in page and "1980-05-01" in page


def test_signed_report_download_verifies_and_is_offered_only_with_a_key(web: Web, tmp_path: Path) -> None:
    import io
    import zipfile

    from kartoteka.services.vetting import vet_list
    from kartoteka.web.app import create_app
    from tests.web.conftest import Web as WebApp

    listing = tmp_path / "list.csv"
    listing.write_text("№,ФИО\n1,Иванов Иван Иванович\n", "utf-8")
    run = vet_list(web.db.engine, path=listing, definition_id="guidelines-2013", actor="t").run.id
    editor = web.client("editor")
    assert "/signed/" not in editor.get(f"/vetting/runs/{run}").text
    assert editor.get(f"/vetting/runs/{run}/signed/report.csv.zip").status_code == 404
    key = tmp_path / "org.key"
    signing.create_key(path=key, signer="Org A")
    settings = web.settings.model_copy(update={"signing_key": key})
    keyed = WebApp(create_app(settings, engine=web.db.engine), web.db, settings, tmp_path).client("editor")
    assert f"/vetting/runs/{run}/signed/report.pdf.zip" in keyed.get(f"/vetting/runs/{run}").text
    r = keyed.get(f"/vetting/runs/{run}/signed/report.csv.zip")
    assert r.status_code == 200
    from sqlalchemy import select

    from kartoteka.db.tables import audit_log
    with web.db.engine.connect() as conn:
        logged = conn.execute(select(audit_log.c.actor, audit_log.c.after).where(
            audit_log.c.action == "download", audit_log.c.entity_id == run)).all()
    assert [a for a, after in logged if '"signed": true' in (after or "")] == ["editor"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        z.extractall(tmp_path / "dl")
    got = tmp_path / "dl" / f"vetting-run-{run}.csv"
    pub = signing.load_public(tmp_path / "org.key.pub")
    assert signing.verify(got, signing.default_signature(got), public_key=pub).signer == "Org A"
    got.write_bytes(got.read_bytes() + b"x")
    try:
        signing.verify(got, signing.default_signature(got), public_key=pub)
        raise AssertionError("a changed report verified")
    except signing.VerificationFailed as exc:
        assert got.name in str(exc)


def test_a_reviewer_merges_an_import_review_pair_from_the_person_page(web: Web, tmp_path: Path) -> None:
    from kartoteka.services.ftm_export import export_ftm
    from kartoteka.services.ftm_import import import_ftm
    from kartoteka.services.persons import get_person
    from tests.services.test_ftm import _registry, _sqlite
    from tests.conftest import Db

    other = _sqlite(tmp_path / "org-b.db")
    _registry(Db("", other, "sqlite"), tmp_path, "id,name,birth_date,sensitivity\nB1,Иванов Иван Иванович,1981-06-02,"
              "public\n", None)
    export_ftm(other, out=tmp_path / "b.json")
    report = import_ftm(web.db.engine, path=tmp_path / "b.json", organisation="Org B", actor="t")
    assert [(p.new_person, p.existing) for p in report.review] == [("B1", "P1")]   # other birth date: review
    editor, reviewer = web.client("editor"), web.client("reviewer")
    assert "merge into P1" not in editor.get("/persons/B1").text                   # reviewers decide
    page = reviewer.get("/persons/B1", headers={"accept-language": "en"}).text
    assert "Same person: merge into P1" in page and "/duplicates/merge?first=P1&amp;second=B1" in page
    r = editor.post("/persons/B1/merge", data={"keep": "P1", "csrf_token": csrf(page)}, follow_redirects=False)
    assert r.status_code == 403
    r = reviewer.post("/persons/B1/merge", data={"keep": "P1", "csrf_token": csrf(page)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/persons/P1")
    assert get_person(web.db.engine, "B1").person["deleted_at"] is not None
    p1 = reviewer.get("/persons/P1", headers={"accept-language": "en"}).text
    assert "1981-06-02" in p1 and "organisations disagree" in p1
    assert "Same person: merge into" not in p1 and "/merges/" in p1          # settled; the merge can be undone


def test_verify_page_names_a_malformed_signature_or_key_instead_of_failing(web: Web, tmp_path: Path) -> None:
    import json

    key, f, sig = _signed_list(tmp_path)
    good = json.loads(sig.read_text("utf-8"))
    c = web.client(None)
    token = csrf(c.get("/verify").text)
    broken = [{**good, "public_key": "!!not base64"}, {k: v for k, v in good.items() if k != "public_key"},
              {k: v for k, v in good.items() if k != "signature"}, {**good, "files": "list.csv"},
              {**good, "files": [{"name": "../../etc/passwd", "sha256": "0" * 64, "bytes": 1}]}]
    for sig in broken:   # each was a traceback (binascii.Error, KeyError) and a 500 before
        r = c.post("/verify", data={"csrf_token": token}, headers={"accept-language": "ru"}, files={
            "file": ("list.csv", f.read_bytes()), "signature": ("list.csv.sig", json.dumps(sig).encode())})
        assert r.status_code == 422 and "Файл подписи upload.sig изменён." in r.text, sig
    r = c.post("/verify", data={"csrf_token": token}, files={
        "file": ("list.csv", f.read_bytes()), "signature": ("list.csv.sig", json.dumps(good).encode()),
        "public_key": ("org.key.pub", b'{"public_key": "%%%"}')})   # read as an empty key before
    assert r.status_code in (400, 422) and "not a Kartoteka public key" in r.text


def test_verify_page_takes_an_upload_named_dot_dot(web: Web, tmp_path: Path) -> None:
    """An upload named '..' was written to the temporary folder's parent path (IsADirectoryError, a 500)."""
    key, f, sig = _signed_list(tmp_path)
    c = web.client(None)
    token = csrf(c.get("/verify").text)
    for name in ("..", "..\\..\\list.csv"):
        r = c.post("/verify", data={"csrf_token": token}, files={
            "file": (name, f.read_bytes()), "signature": ("list.csv.sig", sig.read_bytes())})
        assert r.status_code == 200 and "Verified" in r.text, name


def test_a_private_key_given_as_the_public_one_is_named_and_not_echoed(web: Web, tmp_path: Path) -> None:
    """The open /verify page (and `verify --public-key`) said only 'not a public key' when someone gave the
    private key, which then has to be replaced: the page now says so, in the reader's language."""
    import pytest

    from kartoteka.errors import InvalidInput

    key, f, sig = _signed_list(tmp_path)
    c = web.client(None)
    token = csrf(c.get("/verify").text)
    r = c.post("/verify", data={"csrf_token": token}, headers={"accept-language": "uk"}, files={
        "file": ("list.csv", f.read_bytes()), "signature": ("list.csv.sig", sig.read_bytes()),
        "public_key": ("org.key", key.read_bytes())})
    secret = signing.json.loads(key.read_text("utf-8"))["private_key"]
    assert r.status_code in (400, 422) and "це закритий ключ підпису" in r.text and secret not in r.text
    with pytest.raises(InvalidInput, match="this is the private signing key"):
        signing.load_public(key)


def test_verify_page_refuses_a_deeply_nested_signature_or_key(web: Web, tmp_path: Path) -> None:
    """A signature or key upload of 100,000 '[' ended in a RecursionError: a 500 on a page open to anyone."""
    c = web.client(None)
    token = csrf(c.get("/verify").text)
    deep = b"[" * 100_000 + b"]" * 100_000
    r = c.post("/verify", data={"csrf_token": token}, files={"file": ("list.csv", b"id\n"), "signature": ("x.sig", deep)})
    assert r.status_code in (400, 422) and "not a Kartoteka signature file" in r.text
    r = c.post("/verify", data={"csrf_token": token}, files={"file": ("list.csv", b"id\n"), "signature": ("x.sig", b"{}"),
                                                          "public_key": ("k.pub", deep)})
    assert r.status_code in (400, 422) and "not a Kartoteka public key" in r.text
