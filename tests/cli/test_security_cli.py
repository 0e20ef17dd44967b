"""The CLI side of issue 10: init writes the secret key, serve refuses to run without one, exports,
backups, publishing and confidential reads (show, history) are audited, users change their password."""

from __future__ import annotations

import stat
from pathlib import Path

from argon2 import PasswordHasher
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kartoteka.cli.main import app
from kartoteka.db.tables import audit_log, persons
from kartoteka.services import users
from kartoteka.services.auditlog import verify_audit
from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.web.conftest import write_registry


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _entries(db: Db) -> list[tuple[str, str, str, int]]:
    with db.engine.connect() as conn:
        return [(r.actor, r.action, r.entity_type, r.entity_id) for r in conn.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.entity_type, audit_log.c.entity_id)
            .order_by(audit_log.c.id))]


def test_init_writes_a_private_key_and_serve_needs_one(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "k.db"
    r = runner.invoke(app, ["--db", str(db), "serve", "--port", "1"], env={"KARTOTEKA_SECRET_KEY": ""})
    assert r.exit_code == 1 and "kartoteka init" in r.output
    r = runner.invoke(app, ["--db", str(db), "init"], env={"KARTOTEKA_SECRET_KEY": ""})
    assert r.exit_code == 0, r.output
    key = Path(str(db) + ".key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(db.stat().st_mode) == 0o600
    r = runner.invoke(app, ["--db", str(db), "serve"], env={"KARTOTEKA_SECRET_KEY": "development-only-secret-change-me"})
    assert r.exit_code == 1 and "known default" in r.output   # the old default is refused,
    assert "developme" not in r.output                         # without echoing the key


def test_export_backup_publish_show_and_history_are_audited(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    run_cli(db, "export", "persons", "--out", str(tmp_path / "p.csv"), actor="olga")
    run_cli(db, "backup", str(tmp_path / "b.db"), *([] if db.backend == "sqlite" else ["--logical"]), actor="olga")
    run_cli(db, "publish", "--out", str(tmp_path / "site"), actor="olga")
    run_cli(db, "show", "P3", actor="olga")              # P3 is confidential
    run_cli(db, "history", "P3", actor="olga")
    run_cli(db, "show", "P1", actor="olga")              # P1 is public: not a confidential read
    with db.engine.connect() as conn:
        p3 = conn.execute(select(persons.c.id).where(persons.c.ext_id == "P3")).scalar_one()
        p1 = conn.execute(select(persons.c.id).where(persons.c.ext_id == "P1")).scalar_one()
    entries = _entries(db)
    actions = {a for who, a, _, _ in entries if who == "olga"}
    assert {"export", "backup", "publish", "read"} <= actions
    reads = [e for e in entries if e[0] == "olga" and e[1] == "read" and e[2] == "person"]
    assert len([e for e in reads if e[3] == p3]) == 2 and not [e for e in reads if e[3] == p1]
    assert "intact" in run_cli(db, "audit", "verify") and verify_audit(db.engine).ok


def test_users_change_their_own_password_from_the_cli(db: Db) -> None:
    run_cli(db, "user", "add", "anna", "--password-stdin", input="vivid otter lamp 31\n")
    out = run_cli(db, "user", "password", "anna", "--password-stdin", input="wrong pw here\nbrisk heron canal 77\n",
                  code=1)
    assert "current password is wrong" in out
    run_cli(db, "user", "password", "anna", "--password-stdin", input="vivid otter lamp 31\nbrisk heron canal 77\n")
    assert users.authenticate(db.engine, username="anna", password="brisk heron canal 77", max_failures=5,
                              lockout_seconds=60).username == "anna"
