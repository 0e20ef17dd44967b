"""The web and access commands: user add/list/disable, token create, publish, serve's refusal."""

from __future__ import annotations

import json
from pathlib import Path

from kartoteka.services.users import user_for_token
from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.web.conftest import write_registry

_run = run_cli


def test_user_add_list_disable_and_token(db: Db) -> None:
    assert "Added anna (editor)" in _run(db, "user", "add", "anna", "--role", "editor", "--password-stdin",
                                         input="a long passphrase\n")
    assert "anna" in _run(db, "user", "list")
    assert "at least 12" in _run(db, "user", "add", "bob", "--password-stdin", input="short\n", code=1)
    token = _run(db, "token", "create", "anna", "--name", "nightly").strip().splitlines()[-1]
    user = user_for_token(db.engine, token)
    assert user is not None and user.username == "anna"
    _run(db, "user", "disable", "anna")
    assert user_for_token(db.engine, token) is None


def test_publish_writes_public_records(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    assert "Published 1 persons, 1 cases" in _run(db, "publish", "--out", str(tmp_path / "site"))
    rows = [json.loads(x) for x in (tmp_path / "site" / "persons.jsonl").read_text("utf-8").splitlines()]
    assert [r["ext_id"] for r in rows] == ["P1"]
