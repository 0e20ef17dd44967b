"""The vetting commands as a user types them: vet, runs, runs show, runs export, diff, review, outcome,
demo-list."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from kartoteka.cli.main import app
from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.services.test_vetting import LIST, make_registry, write_list

runner = CliRunner()


def _run(db: Db, *args: str) -> str:
    return run_cli(db, *args, actor="vetter")


def test_vet_runs_diff_review_outcome(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    listing = write_list(tmp_path)
    html, out_csv = tmp_path / "report.html", tmp_path / "report.csv"
    out = _run(db, "vet", str(listing), "--definition", "guidelines-2013", "--out", str(html), "--out", str(out_csv),
               "--round", "R1", "--side", "RU")
    assert "Run #1" in out and "7 rows" in out and "2 recognised political prisoner" in out
    assert "war_crime" in out and "RU 356" in out and str(html.name) in out
    assert "Candidates from the stored index" in out   # a short list: no registry loaded
    assert "<html" in html.read_text("utf-8")
    with out_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:9] == ["id", "name", "person_id", "match", "score", "status", "flags", "duplicate_of",
                                 "explanation"]
    assert "warnings" in rows[0] and "status:guidelines-2013" in rows[0]
    assert rows[3]["duplicate_of"] == "1"

    later = tmp_path / "later.txt"     # the same names, one per line, without KOVALENKO
    later.write_text("\n".join(line.split(",", 1)[1] for line in LIST.splitlines()[1:] if "KOVALENKO" not in line),
                     "utf-8")
    _run(db, "vet", str(later), "-d", "guidelines-2013", "--round", "R2", "--side", "RU", "--label", "second")
    listed = json.loads(_run(db, "runs", "--json"))
    assert [(r["id"], r["round"], r["rows"]) for r in listed] == [(1, "R1", 7), (2, "R2", 6)]
    assert "second" in _run(db, "runs", "--round", "R2")
    shown = json.loads(_run(db, "runs", "show", "second", "--json"))
    assert shown["run"]["list_format"] == "text" and len(shown["rows"]) == 6

    diff = json.loads(_run(db, "diff", "1", "2", "--json"))
    assert [e["person_id"] for e in diff["removed"]] == ["P2"] and diff["added"] == []
    assert "1 removed" in _run(db, "diff", "1", "latest")

    reviewed = _run(db, "review", "1", "7", "same", "--person", "P5")
    assert "match, P5, recognised" in reviewed
    assert "Error" in runner.invoke(app, ["--db", db.url, "review", "1", "7", "perhaps"]).output

    assert "event #" in _run(db, "outcome", "P1", "exchanged", "--date", "2025-05-23", "--run", "1")
    exported = tmp_path / "again.xlsx"
    _run(db, "runs", "export", "1", "--out", str(exported))
    assert exported.stat().st_size > 0
    again = json.loads(_run(db, "runs", "show", "1", "--json"))
    assert [o["kind"] for o in again["outcomes"]] == ["exchanged"]
    assert next(r for r in again["rows"] if r["id"] == "7")["review"] == "same"

    missing = runner.invoke(app, ["--db", db.url, "runs", "show", "99"])
    assert missing.exit_code == 1 and "no vetting run" in missing.output and "Traceback" not in missing.output


def test_demo_list_is_vetted(db: Db, tmp_path: Path) -> None:
    make_registry(db.engine, tmp_path)
    sample = tmp_path / "sample.csv"
    assert "Wrote" in _run(db, "demo-list", "--out", str(sample), "--size", "12", "--seed", "3")
    with sample.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 8 and list(rows[0]) == ["№", "ФИО", "Дата рождения"]
    out = json.loads(_run(db, "vet", str(sample), "-d", "guidelines-2013", "--json"))
    assert out["summary"]["rows"] == len(rows) and out["summary"]["by_status"]["unknown"] >= 1
