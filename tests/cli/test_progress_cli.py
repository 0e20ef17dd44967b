"""Long jobs show a count and the time left: the CLI bar (stderr), duplicates --out, synth and export
progress callbacks, and the web job page's estimate."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from rich.console import Console

from kartoteka.cli import progress as cli_progress
from kartoteka.services.exports import export_records
from kartoteka.synth.registry import generate_registry
from kartoteka.web.jobs import Job
from kartoteka.web.render import make_environment
from kartoteka.web.i18n import translations
from tests.cli.runner import run_cli
from tests.conftest import Db


def test_bar_shows_count_and_time_left_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(cli_progress, "err_console", Console(file=buf, force_terminal=True, width=120))
    with cli_progress.progress_bar("Working") as update:
        update(0, None)
        update(50, 100)
        time.sleep(0.2)
        update(60, 100)
    shown = buf.getvalue()
    assert "Working" in shown and "60/100" in shown and "left" in shown


def test_bar_is_silent_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(cli_progress, "err_console", Console(file=buf, force_terminal=False))
    with cli_progress.progress_bar("Working") as update:
        update(1, 2)
    assert buf.getvalue() == ""


def test_synth_reports_progress() -> None:
    seen: list[tuple[int, int]] = []
    reg = generate_registry(1200, seed=3, progress=lambda done, total: seen.append((done, total)))
    assert len(reg.persons) == 1200
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_duplicates_out_export_progress_and_json_clean(db: Db, tmp_path: Path) -> None:
    run_cli(db, "init")
    persons = tmp_path / "persons.csv"
    persons.write_text("id,name,birth_date,gender\nB2,Горинов Алексей Александрович,1961,m\n"
                       "B4,Aleksei GORINOV,1961,m\nB5,=cmd Иванов Иван,1970,m\n", "utf-8")
    run_cli(db, "import", "persons", str(persons))
    out = tmp_path / "pairs.csv"
    shown = run_cli(db, "duplicates", "--out", str(out))
    assert "B2" in shown and "B4" in shown
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "other_id", "score", "explanation"]
    assert {rows[0]["id"], rows[0]["other_id"]} == {"B2", "B4"} and float(rows[0]["score"]) > 0
    assert out.stat().st_mode & 0o077 == 0
    assert len(json.loads(run_cli(db, "duplicates", "--json", "--out", str(out)))) == len(rows)

    seen: list[tuple[int, int | None]] = []
    n = export_records(db.engine, kind="persons", path=tmp_path / "p.csv", fmt="csv",
                       progress=lambda done, total: seen.append((done, total)))
    assert n == 3 and seen[-1] == (3, 3)
    assert "Wrote 3 persons" in run_cli(db, "export", "persons", "--out", str(tmp_path / "p.xlsx"))
    assert "persons:" in run_cli(db, "synth", "--out", str(tmp_path / "syn"), "--persons", "20")


def _render(job: Job, lang: str) -> str:
    tr = translations(lang)
    env = make_environment()
    env.globals.update(_=tr.gettext, ngettext=tr.ngettext)
    macro = env.get_template("_job.html").module.job_progress  # type: ignore[attr-defined]
    return str(macro(job, "Rows:", "help"))


def test_job_page_shows_count_and_time_left() -> None:
    job = Job("x", "u", done=0, total=100)
    assert job.seconds_left is None and "estimating the time left" in _render(job, "en")
    job.started = time.monotonic() - 10
    job.done = 50
    assert job.seconds_left == pytest.approx(10, abs=1) and job.minutes_left == 0
    page = _render(job, "en")
    assert "50 / 100" in page and "less than a minute left" in page
    job.started = time.monotonic() - 290   # 290 s for 20 rows: 1160 s for the 80 left, 20 minutes rounded up
    job.done = 20
    assert job.minutes_left == 20
    assert "about 20 minutes left" in _render(job, "en")
    assert "приблизно 20 хвилин" in _render(job, "uk")
    assert "осталось примерно 20 минут" in _render(job, "ru")
    job.finished = True
    assert job.seconds_left is None
