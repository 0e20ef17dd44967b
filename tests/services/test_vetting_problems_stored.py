"""A run's reading problems stay translatable when the run is read again (the web page and the reports of an
earlier run): they are stored as message ids with their values, not as English text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, update

from kartoteka.db.tables import vetting_runs
from kartoteka.errors import Message, translate
from kartoteka.reports.html import render
from kartoteka.services.runs import get_run
from kartoteka.services.vetting import vet_list
from kartoteka.web.i18n import translations
from tests.services.test_vetting import DEF, registry  # noqa: F401 (the fixture)

LIST = "№,ФИО,Дата рождения\n1,Иванов Иван Иванович,31.02.1980\n2,,1990\n"


def test_problems_of_a_stored_run_read_in_ukrainian(registry: Engine, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "list.csv"
    path.write_text(LIST, "utf-8")
    report = vet_list(registry, path=path, definition_id=DEF, actor="v")
    assert report.problems and all(isinstance(p, Message) for p in report.problems)
    saved = get_run(registry, run=report.run.id)
    assert [str(p) for p in saved.problems] == [str(p) for p in report.problems]   # the same English
    uk = translations("uk").gettext
    said = [translate(p, uk) for p in saved.problems]
    assert any("не розпізнано" in s for s in said) and not any("not understood" in s for s in said)
    page = render(saved, "uk").decode()   # the report of the run read again
    assert "31.02.1980» не розпізнано" in page and "not understood" not in page


def test_a_run_stored_before_keeps_its_english_problems(registry: Engine, tmp_path: Path) -> None:  # noqa: F811
    import json

    path = tmp_path / "list.csv"
    path.write_text(LIST, "utf-8")
    report = vet_list(registry, path=path, definition_id=DEF, actor="v")
    with registry.begin() as conn:   # as runs stored their problems before: plain English text
        summary = json.loads(conn.execute(vetting_runs.select().where(vetting_runs.c.id == report.run.id))
                             .one().summary)
        summary["problems"] = ["list.csv: row 3: an old problem"]
        conn.execute(update(vetting_runs).where(vetting_runs.c.id == report.run.id).values(summary=json.dumps(summary)))
    assert get_run(registry, run=report.run.id).problems == ["list.csv: row 3: an old problem"]
