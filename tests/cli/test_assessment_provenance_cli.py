"""`kartoteka import assessments FILE --source ORG` and what `show` / `assess show` say about it."""

from __future__ import annotations

from pathlib import Path

from tests.cli.runner import run_cli
from tests.conftest import Db


def test_import_with_source_and_show_say_whose_decision(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("id,name\nA1,Сорокина Мария Андреевна\n", "utf-8")
    run_cli(db, "import", "persons", str(tmp_path / "p.csv"), actor="setup")
    (tmp_path / "a.csv").write_text("person_id,definition,decision,decided_on,statement\n"
                                    "A1,guidelines-2013,recognised,2024-03-01,https://example.org/s/1\n", "utf-8")
    out = run_cli(db, "import", "assessments", str(tmp_path / "a.csv"), actor="anna", code=1)
    assert "row 2" in out and "organisation" in out and "--source" in out
    run_cli(db, "import", "assessments", str(tmp_path / "a.csv"), "--source", "Demo Rights Group", actor="anna")
    shown = " ".join(run_cli(db, "show", "A1").split())         # the console wraps long lines
    assert "decided by Demo Rights Group (imported by anna)" in shown
    detail = " ".join(run_cli(db, "assess", "show", "1").split())
    assert "decided by Demo Rights Group (imported by anna)" in detail and "https://example.org/s/1" in detail
