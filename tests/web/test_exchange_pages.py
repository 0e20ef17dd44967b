"""The verify page and the organisations' claims on the person page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kartoteka.services import signing
from kartoteka.services.statements import add_statement
from tests.web.conftest import Web, csrf


def test_verify_page_accepts_the_signed_file_and_names_a_changed_one(web: Web, tmp_path: Path) -> None:
    key = tmp_path / "org.key"
    signing.create_key(path=key, signer="Org A")
    f = tmp_path / "list.csv"
    f.write_text("id,name\n1,Тестов Тест\n", "utf-8")
    sig = signing.sign_files([f], key=key, out=tmp_path / "list.csv.sig")
    c = web.client("viewer")
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


def test_person_page_shows_each_organisations_claim_and_the_disagreement(web: Web) -> None:
    from kartoteka.services.persons import get_person

    pid = get_person(web.db.engine, "P1").person["id"]
    with web.db.engine.begin() as conn:
        add_statement(conn, entity_type="person", entity_id=pid, prop="birth_date", value="1981-05-01",
                      organisation="Org B", origin_id="b-person-7", at=dt.datetime.now(dt.timezone.utc))
    page = web.client("viewer").get("/persons/P1", headers={"accept-language": "en"}).text
    assert "What each organisation says" in page and "organisations disagree" in page
    assert "1981-05-01" in page and "Org B" in page and "1980-05-01" in page
