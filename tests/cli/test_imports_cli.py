"""`kartoteka import registry` and the no-silent-overwrite options as a user types them."""

from __future__ import annotations

from pathlib import Path

from tests.cli.runner import run_cli
from tests.conftest import Db

SHEET = """№;ФИО;Дата рождения;Стаття КК;Вирок;Статус;Примітка
1;Гончаренко Ярина Богданівна;05.06.1994;ч. 1 ст. 111 КК України;;під вартою;x
2;Мельничук Тарас Іванович;1988;ч. 2 ст. 110 КК України;8 років;засуджений;y
3;Мельничук Тарас Іванович;1988;ч. 1 ст. 436-2 КК України;3 роки;засуджений;
"""


def test_import_registry_lists_ignored_columns_renames_and_decisions(db: Db, tmp_path: Path) -> None:
    run_cli(db, "init")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET, "utf-8")
    out = run_cli(db, "import", "registry", str(sheet), "--jurisdiction", "UA", "--dry-run")
    assert "Dry run" in out and "2 new" in out and "Cases: 3 new" in out
    assert "Ignored columns" in out and "Примітка" in out
    out = run_cli(db, "import", "registry", str(sheet), "--jurisdiction", "UA")
    assert "Imported" in out and "2 new" in out
    assert "0 new, 0 updated, 2 unchanged" in run_cli(db, "import", "registry", str(sheet), "--jurisdiction", "UA")
    renamed = tmp_path / "renamed.csv"
    renamed.write_text("id;ПІБ\nP0000001;Шевчук Марія\n", "utf-8")
    out = run_cli(db, "import", "persons", str(renamed), code=1)
    assert "would rename P0000001" in out and "--confirm-renames" in out
    assert "Rename, row 2" in run_cli(db, "import", "persons", str(renamed), "--dry-run")
    run_cli(db, "import", "persons", str(renamed), "--confirm-renames")
    assert "Шевчук Марія" in run_cli(db, "show", "P0000001")
    namesake = tmp_path / "namesake.csv"
    namesake.write_text("ПІБ;Статус\nМельничук Тарас Іванович;затриманий\n", "utf-8")
    (tmp_path / "twin.csv").write_text("id;ПІБ;Дата народження\nT2;Мельничук Тарас Іванович;1990\n", "utf-8")
    run_cli(db, "import", "persons", str(tmp_path / "twin.csv"))
    out = run_cli(db, "import", "registry", str(namesake), code=1)
    assert "--decide 2=" in out
    out = run_cli(db, "import", "registry", str(namesake), "--decide", "2=T2")
    assert "Imported" in out and "Cases: 1 new" in out
