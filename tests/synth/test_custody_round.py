"""kartoteka custody synth on a registry smaller than the lists asked for: fewer rows, no traceback."""

import csv
from pathlib import Path

from tests.cli.runner import run_cli
from tests.conftest import Db


def test_a_small_registry_makes_short_lists(db: Db, tmp_path: Path) -> None:
    run_cli(db, "init")
    people = tmp_path / "persons.csv"
    people.write_text("id,name,birth_date\n" + "".join(f"P{i},Петренко{i} Іван Петрович,1980-01-0{i}\n"
                                                       for i in range(1, 6)), "utf-8")
    run_cli(db, "import", "persons", str(people))
    run_cli(db, "custody", "synth", "--out", str(tmp_path / "round"), "--size", "3")
    for name in ("custody.csv", "list-ua.csv", "list-ru.csv"):
        rows = list(csv.reader((tmp_path / "round" / name).open(encoding="utf-8")))
        assert rows and len(rows) <= 1 + 5 + 4, name   # a header, and never more persons than exist
