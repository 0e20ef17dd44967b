"""The `kartoteka` program leaves at once when a command is done (kartoteka/cli/entry.py): run as a user runs
it, its output arrives whole, its exit status is the command's, an error still names the file, row and
column, and a SQLite registry is left whole (its write-ahead log checked in and removed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KARTOTEKA = str(Path(sys.executable).parent / "kartoteka")


def _run(db: Path, *args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KARTOTEKA_DB": f"sqlite:///{db}", "KARTOTEKA_LANG": "en"}
    return subprocess.run([KARTOTEKA, *args], env=env, stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=120)


def test_output_status_and_a_whole_registry_file(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert _run(db, "init").returncode == 0
    rows = "".join(f"P{i},Шевчук{i} Олена Петрівна,{1950 + i % 50}\n" for i in range(300))
    (tmp_path / "p.csv").write_text("id,name,birth_date\n" + rows, "utf-8")
    done = _run(db, "import", "persons", str(tmp_path / "p.csv"))
    assert done.returncode == 0, done.stderr
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0   # checked in
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:   # the main file alone holds the rows
        assert conn.execute("SELECT count(*) FROM persons").fetchone() == (300,)
    found = _run(db, "search", "Shevchuk12 Olena", "--limit", "200", "--json")
    assert found.returncode == 0 and '"ext_id": "P12"' in found.stdout and found.stdout.rstrip().endswith("]")

    (tmp_path / "bad.csv").write_text("id,name,birth_date\nX1,Коваль Андрій,31.02.1990\n", "utf-8")
    bad = _run(db, "import", "persons", str(tmp_path / "bad.csv"))
    assert bad.returncode == 1 and "bad.csv" in bad.stderr and "birth_date" in bad.stderr and "2" in bad.stderr
    assert _run(db, "no-such-command").returncode == 2   # usage error: Typer's status


def test_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert _run(db, "init").returncode == 0
    env = {**os.environ, "KARTOTEKA_DB": f"sqlite:///{db}"}
    head = subprocess.run(f"'{KARTOTEKA}' definitions | head -c 10", shell=True, env=env, capture_output=True,
                          text=True, timeout=120)
    assert len(head.stdout) == 10 and "Traceback" not in head.stderr
