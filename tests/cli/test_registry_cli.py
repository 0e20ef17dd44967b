"""The registry commands as a user types them."""

from pathlib import Path

from typer.testing import CliRunner

from kartoteka.cli.main import app
from tests.cli.runner import run_cli
from tests.conftest import Db

runner = CliRunner()


_run = run_cli


def test_import_show_history_export(db: Db, tmp_path: Path) -> None:
    _run(db, "init")
    src = tmp_path / "persons.csv"
    src.write_text("ФИО;Дата рождения;Пол;id\nСорокина Мария Андреевна;17.05.1990;ж;A-1\n", "cp1251")
    out = _run(db, "import", "persons", str(src))
    assert "1 new" in out and "cp1251" in out
    cases = tmp_path / "cases.csv"
    cases.write_text("case_id,person_id,jurisdiction,articles\nK1,A-1,RU,ч. 2 ст. 207.3 УК РФ\n", "utf-8")
    _run(db, "import", "cases", str(cases))
    shown = _run(db, "show", "A-1")
    assert "Сорокина Мария Андреевна" in shown and "ч. 2 ст. 207.3 УК РФ" in shown and "1990-05-17" in shown
    src.write_text("ФИО;Дата рождения;Пол;id\nСорокина Мария Андреевна;1990;ж;A-1\n", "cp1251")
    _run(db, "--actor", "editor-2", "import", "persons", str(src))
    hist = _run(db, "history", "A-1", "--json")
    assert '"field": "birth_date"' in hist and '"before": "1990-05-17"' in hist and "editor-2" in hist
    exported = tmp_path / "out.xlsx"
    _run(db, "export", "persons", "--out", str(exported))
    assert "1 unchanged" in _run(db, "import", "persons", str(exported))


def test_bad_input_exits_1_with_file_row_column(db: Db, tmp_path: Path) -> None:
    _run(db, "init")
    src = tmp_path / "bad.csv"
    src.write_text("id,name,birth_date\n1,A B,31.02.2001\n2,C D,2001-13\n", "utf-8")
    result = runner.invoke(app, ["--db", db.url, "import", "persons", str(src)])
    assert result.exit_code == 1
    assert "bad.csv: row 2, column 'birth_date'" in result.output
    assert "bad.csv: row 3, column 'birth_date'" in result.output
    assert "Traceback" not in result.output
    dry = runner.invoke(app, ["--db", db.url, "import", "persons", "--dry-run", str(src)])
    assert dry.exit_code == 1


def test_commands_refuse_an_uninitialised_database(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(tmp_path / "new.db"), "show", "X"])
    assert result.exit_code == 1 and "kartoteka init" in result.output


def test_backup_and_restore_commands(db: Db, tmp_path: Path) -> None:
    _run(db, "init")
    src = tmp_path / "p.csv"
    src.write_text("id,name\n1,A B\n", "utf-8")
    _run(db, "import", "persons", str(src))
    _run(db, "backup", str(tmp_path / "snap"))
    src.write_text("id,name\n1,A B\n2,C D\n", "utf-8")
    _run(db, "import", "persons", str(src))
    assert "persons 1" in _run(db, "restore", "--yes", str(tmp_path / "snap"))
    assert "1 new" in _run(db, "import", "persons", str(src))


def test_add_source_cites_cases_by_id_and_registers_nothing_when_a_target_is_wrong(db: Db, tmp_path: Path) -> None:
    """`add source --cite person:P1 --cite case:C1` registered the source and its person citation, then failed
    on 'case:C1' (only a database number was read); `case:999` cited a case that did not exist, so the source
    would be cited (and published) with whichever case later took number 999."""
    from sqlalchemy import func, select

    from kartoteka.db.tables import citations, sources

    persons = tmp_path / "p.csv"
    persons.write_text("id,surname,given_name,sensitivity\nP1,Цитатов,Иван,public\n", "utf-8")
    cases = tmp_path / "c.csv"
    cases.write_text("case_id,person_id,jurisdiction,articles,sensitivity\nC1,P1,RU,ст. 280.3 УК РФ,public\n", "utf-8")
    run_cli(db, "import", "persons", str(persons))
    run_cli(db, "import", "cases", str(cases))

    def counts() -> tuple[int, int]:
        with db.engine.connect() as conn:
            return (conn.execute(select(func.count()).select_from(sources)).scalar_one(),
                    conn.execute(select(func.count()).select_from(citations)).scalar_one())

    for bad in ("case:999", "case:C9", "person:P9", "planet:1"):
        run_cli(db, "add", "source", "--url", "https://example.org/a", "--cite", "person:P1", "--cite", bad, code=1)
        assert counts() == (0, 0), bad
    run_cli(db, "add", "source", "--url", "https://example.org/a", "--cite", "person:P1", "--cite", "case:C1")
    assert counts() == (1, 2)
