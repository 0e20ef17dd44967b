"""`kartoteka index check|rebuild` and `match` naming its candidate path."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from kartoteka.db.tables import name_keys
from tests.cli.runner import run_cli
from tests.conftest import Db


def test_index_check_fails_on_a_wrong_key_and_rebuild_fixes_it(db: Db, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("id,surname,given_name,birth_date\nE-1,Жуков,Олег,1981-03-03\n", "utf-8")
    run_cli(db, "import", "persons", str(src))
    lst = tmp_path / "l.csv"
    lst.write_text("name\nZhukov Oleg\n", "utf-8")
    out = run_cli(db, "match", str(lst), "--out", str(tmp_path / "o.csv"))
    assert "stored index" in out
    assert "consistent: 1 persons" in run_cli(db, "index", "check")
    with db.engine.begin() as conn:
        conn.execute(update(name_keys).values(key=name_keys.c.key + 7))
    assert "differs for 1 person" in run_cli(db, "index", "check", code=1)
    assert "rebuilt: 1 persons" in run_cli(db, "index", "rebuild")
    assert "consistent" in run_cli(db, "index", "check")
