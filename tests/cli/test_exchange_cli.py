"""Signing, verifying and FollowTheMoney exchange as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.services.test_ftm import _evidence, _registry


def test_keys_sign_verify_and_a_changed_byte(db: Db, tmp_path: Path) -> None:
    key = tmp_path / "org.key"
    out = run_cli(db, "keys", "create", "--key", str(key), "--signer", "Org A")
    assert key.stat().st_mode & 0o777 == 0o600
    fingerprint = json.loads((tmp_path / "org.key.pub").read_text())["fingerprint"]
    assert fingerprint in out and "private_key" not in (tmp_path / "org.key.pub").read_text()
    run_cli(db, "keys", "create", "--key", str(key), "--signer", "Org A", code=1)   # never replaced silently
    _registry(db, tmp_path)
    export = tmp_path / "list.ftm.json"
    run_cli(db, "export", "ftm", "--out", str(export), "--sign", str(key))
    from kartoteka.services.auditlog import list_audit, AuditQuery
    from kartoteka.services.access import system_principal
    exports = list_audit(db.engine, system_principal("t"), AuditQuery(action="export"))
    assert exports and exports[0]["entity_type"] == "ftm"
    sig = json.loads((tmp_path / "list.ftm.json.sig").read_text())
    assert sig["signer"] == "Org A" and sig["files"][0]["name"] == "list.ftm.json" and sig["signed_at"]
    assert len(sig["files"][0]["sha256"]) == 64
    ok = run_cli(db, "verify", str(export), "--public-key", str(tmp_path / "org.key.pub"))
    assert "Verified" in ok and "signed by Org A" in ok
    data = bytearray(export.read_bytes())
    data[10] ^= 1
    export.write_bytes(bytes(data))
    bad = run_cli(db, "verify", str(export), code=2)
    assert "NOT VERIFIED" in bad and "list.ftm.json has been changed since it was signed" in bad
    other = tmp_path / "other.key"
    run_cli(db, "keys", "create", "--key", str(other), "--signer", "Impostor")
    data[10] ^= 1
    export.write_bytes(bytes(data))
    assert "Verified" in run_cli(db, "verify", str(export))
    wrong = run_cli(db, "verify", str(export), "--public-key", str(tmp_path / "other.key.pub"), code=2)
    assert "not with the published key" in wrong


def test_publish_with_recognitions_signed_and_import_ftm(db: Db, tmp_path: Path) -> None:
    key = tmp_path / "org.key"
    run_cli(db, "keys", "create", "--key", str(key), "--signer", "Org A")
    _registry(db, tmp_path)
    _evidence(db, tmp_path)                                       # P1 recognised by this registry
    from kartoteka.services.custody import add_recognition
    for person in ("P1", "P3"):                                   # P3 is confidential: never published
        add_recognition(db.engine, person=person, organisation="Memorial", statement="https://example.org/m/1",
                        stated_on="2024-05-10", definition_id="guidelines-2013", actor="t", role="reviewer")
    pub = tmp_path / "pub"
    out = run_cli(db, "publish", "--out", str(pub), "--recognitions", "--sign", str(key), "--organisation", "Org A")
    assert "2 recognitions" in out and (pub / "SIGNATURE.json").exists()
    recs = [json.loads(x) for x in (pub / "recognitions.jsonl").read_text("utf-8").splitlines()]
    assert [(r["person_ext_id"], r["organisation"], r["date"]) for r in recs] == [
        ("P1", "Org A", "2024-03-01"), ("P1", "Memorial", "2024-05-10")]
    assert recs[0]["definition"] == "guidelines-2013" and recs[0]["statement"] == "https://example.org/statement/1"
    assert "recognitions.jsonl" in {f["name"] for f in json.loads((pub / "SIGNATURE.json").read_text())["files"]}
    assert "Verified" in run_cli(db, "verify", str(pub))
    (pub / "extra.jsonl").write_text("{}\n")
    assert "extra.jsonl is in pub but was not signed" in run_cli(db, "verify", str(pub), code=2)
    (pub / "extra.jsonl").unlink()
    (pub / "cases.jsonl").write_text((pub / "cases.jsonl").read_text() + " ")
    assert "cases.jsonl has been changed" in run_cli(db, "verify", str(pub), code=2)
    run_cli(db, "export", "ftm", "--out", str(tmp_path / "a.json"), "--organisation", "Org A")
    assert json.loads((tmp_path / "a.json").read_text("utf-8").splitlines()[0])["id"].startswith("org_a-")
    res = run_cli(db, "import", "ftm", str(tmp_path / "a.json"), "--source", "Org B", "--sensitivity", "public")
    assert "0 new persons, 2 merged" in res
    claims = run_cli(db, "claims", "P1")
    assert "Org B" in claims
