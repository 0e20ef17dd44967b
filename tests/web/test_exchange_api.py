"""Signed report downloads through the JSON API: report.{fmt}?signed=1 is the ZIP of report and signature."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import select

from kartoteka.db.tables import audit_log
from kartoteka.services import signing
from kartoteka.services.vetting import vet_list
from kartoteka.web.app import create_app
from tests.web.conftest import Web


def test_api_signed_download_verifies_is_audited_and_needs_a_key(web: Web, tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("№,ФИО\n1,Иванов Иван Иванович\n", "utf-8")
    run = vet_list(web.db.engine, path=listing, definition_id="guidelines-2013", actor="t").run.id
    assert web.client("editor").get(f"/api/vetting/runs/{run}/report.csv?signed=1").status_code == 404
    key = tmp_path / "org.key"
    signing.create_key(path=key, signer="Org A")
    settings = web.settings.model_copy(update={"signing_key": key})
    api = Web(create_app(settings, engine=web.db.engine), web.db, settings, tmp_path).client("editor")
    plain = api.get(f"/api/vetting/runs/{run}/report.csv")
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/csv")
    r = api.get(f"/api/vetting/runs/{run}/report.csv?signed=1&lang=uk")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert f"vetting-run-{run}.csv.signed.zip" in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == [f"vetting-run-{run}.csv", f"vetting-run-{run}.csv.sig"]
        z.extractall(tmp_path / "dl")
    got = tmp_path / "dl" / f"vetting-run-{run}.csv"
    pub = signing.load_public(tmp_path / "org.key.pub")
    assert signing.verify(got, signing.default_signature(got), public_key=pub).signer == "Org A"
    got.write_bytes(got.read_bytes().replace(b"1", b"2", 1))
    try:
        signing.verify(got, signing.default_signature(got), public_key=pub)
        raise AssertionError("a changed report verified")
    except signing.VerificationFailed as exc:
        assert exc.reason == "changed"
    with web.db.engine.connect() as conn:
        logged = [json.loads(a or "{}") for a in conn.execute(select(audit_log.c.after).where(
            audit_log.c.action == "download", audit_log.c.entity_id == run)).scalars()]
    api_entries = [d for d in logged if d.get("via") == "api"]
    assert {"format": "csv", "via": "api", "signed": True} in api_entries
    assert {"format": "csv", "via": "api"} in api_entries           # the plain download: no "signed"
    assert len(api_entries) == 2                                      # the refused one (404) is not recorded
