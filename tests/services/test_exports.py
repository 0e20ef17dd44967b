from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import person_names
from kartoteka.services.exports import export_records
from kartoteka.services.imports import import_file
from kartoteka.synth.registry import write_registry
from kartoteka.tabular.reader import open_table
from tests.conftest import Db


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_export_imports_back_unchanged(db: Db, tmp_path: Path, fmt: str) -> None:
    paths = write_registry(tmp_path / "syn", 150, seed=5)
    import_file(db.engine, "persons", paths["persons"], actor="a")
    import_file(db.engine, "cases", paths["cases"], actor="a")
    for kind in ("persons", "cases"):
        out = tmp_path / f"{kind}.{fmt}"
        assert export_records(db.engine, kind=kind, path=out, fmt=fmt) > 0
        report = import_file(db.engine, kind, out, actor="b")
        assert report.rows > 0
        assert (report.created, report.updated) == (0, 0), kind
        assert report.unchanged == report.rows


def test_formulas_are_neutralised_and_come_back(db: Db, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("id,name,region\nP1,=cmd|'/c calc'!A1,+7 region\nP2,@SUM(1),-1\n", "utf-8")
    import_file(db.engine, "persons", src, actor="a")
    out = tmp_path / "out.csv"
    export_records(db.engine, kind="persons", path=out, fmt="csv")
    cells = [row for _, row in open_table(out).rows]
    assert cells[0]["name"] == "'=cmd|'/c calc'!A1" and cells[0]["region"] == "'+7 region"
    assert cells[1]["name"] == "'@SUM(1)" and cells[1]["region"] == "'-1"
    assert import_file(db.engine, "persons", out, actor="a").unchanged == 2
    with db.engine.connect() as conn:
        assert conn.execute(select(person_names.c.full).order_by(person_names.c.id)).scalars().first() == "=cmd|'/c calc'!A1"


def test_export_can_leave_out_sensitivities(db: Db, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("id,name,sensitivity\nP1,A B,public\nP2,C D,confidential\n", "utf-8")
    import_file(db.engine, "persons", src, actor="a")
    out = tmp_path / "out.jsonl"
    assert export_records(db.engine, kind="persons", path=out, fmt="jsonl", sensitivities={"public"}) == 1
    assert "C D" not in out.read_text("utf-8")
